"""The funnel pairs: u is 1-Lipschitz, the plan moves along u's rays, W1 agrees with exact OT."""

import math

import numpy as np
import pytest
import torch

from distances import Discrete, earth_mover, earth_mover_solution
from wgan.benchmark import make_funnel_pair
from wgan.benchmark.funnels import FunnelPair


@pytest.fixture(scope="module")
def pair2() -> FunnelPair:
    return make_funnel_pair(2, 16, seed=3, n_mc=2**16)


def test_potential_is_one_lipschitz(pair2, gen):
    # Largest slope |u(a) - u(b)| / |a - b| over 3000^2 / 2 pairs (samples of P, Q and wide
    # points): a minimum of cones is 1-Lipschitz, and slopes near 1 are attained (same ray).
    x, y = pair2.sample_plan(1000, gen)
    z = 4.0 * torch.rand(1000, 2, generator=gen, dtype=torch.float64) - 2.0
    pts = torch.cat([x, y, z])
    u = pair2.potential(pts)
    d = torch.cdist(pts, pts, compute_mode="donot_use_mm_for_euclid_dist")
    ok = d > 1e-9
    slope = float(((u[:, None] - u[None, :]).abs()[ok] / d[ok]).max())
    assert slope <= 1.0 + 1e-9  # round-off of differences of O(1) numbers
    assert slope >= 1.0 - 1e-9  # pairs on a common ray have slope exactly 1


def test_gradient_is_unit_and_matches_autograd(pair2, gen):
    _, y = pair2.sample_plan(500, gen)
    yq = y.clone().requires_grad_(True)
    (auto,) = torch.autograd.grad(pair2.potential(yq).sum(), yq)
    g = pair2.gradient(y)
    np.testing.assert_allclose(g.norm(dim=1).numpy(), 1.0, rtol=1e-12)
    np.testing.assert_allclose(g.numpy(), auto.numpy(), atol=1e-12)


@pytest.mark.parametrize("dim, k", [(2, 4), (2, 64), (8, 16), (32, 256)])
def test_plan_pairs_lie_on_a_transport_ray(dim, k, gen):
    # u(x) - u(y) = |x - y| for every plan pair: y is on the segment from x toward the
    # centre of x's funnel, in the same cell. Exact identity; tolerance: float64 round-off.
    pair = make_funnel_pair(dim, k, seed=1, n_mc=1024)
    x, y = pair.sample_plan(4000, gen)
    gap = pair.potential(x) - pair.potential(y) - (x - y).norm(dim=1)
    assert float(gap.abs().max()) < 1e-12
    assert bool((pair.active_funnel(x) == pair.active_funnel(y)).all())
    assert float(y.abs().max()) <= pair.half_width + 1e-12  # Q stays in the cube


def test_cells_are_star_shaped_about_their_centres(gen):
    # The claim the construction rests on: moving x toward c_k keeps it in cell k.
    pair = make_funnel_pair(4, 64, seed=5, bias_scale=0.5, n_mc=1024)
    x = pair.sample_p(3000, gen).double()
    k = pair.active_funnel(x)
    c = torch.as_tensor(pair.centres)[k]
    for s in (0.0, 0.1, 0.5, 0.9, 0.999):
        z = c + s * (x - c)
        vals = pair.funnel_values(z)
        own = vals[torch.arange(len(k)), k]
        assert float((own - vals.min(dim=1).values).max()) < 1e-12


def test_star_shape_check_detects_a_world_where_it_fails(gen):
    # The same check on a *max* of cones (not star-shaped about the centres) must fail:
    # moving toward the centre of the active (largest) cone leaves its cell.
    pair = make_funnel_pair(2, 16, seed=5, n_mc=1024)
    x = pair.sample_p(2000, gen).double()
    vals = pair.funnel_values(x)
    k = vals.argmax(dim=1)
    c = torch.as_tensor(pair.centres)[k]
    z = c + 0.3 * (x - c)
    vz = pair.funnel_values(z)
    assert float((vz.max(dim=1).values - vz[torch.arange(len(k)), k]).max()) > 1e-3


def test_ray_end_is_where_another_funnel_takes_over(pair2, gen):
    # Just beyond the upper end, either the point left the cube or another funnel is lower
    # than the continued cone of funnel k: the segment is maximal.
    x = pair2.sample_p(2000, gen).double()
    low, up, k = pair2.ray_segment(x)
    v = (up - low) / (up - low).norm(dim=1, keepdim=True)
    beyond = up + 1e-6 * v
    in_cube = beyond.abs().max(dim=1).values <= pair2.half_width
    vals = pair2.funnel_values(beyond)
    own = vals[torch.arange(len(k)), k]
    taken_over = vals.min(dim=1).values < own - 1e-9
    assert bool((taken_over | ~in_cube).all())
    assert bool(taken_over.any()) and bool((~in_cube).any())


def test_w1_agrees_with_exact_discrete_w1_within_the_sampling_floor():
    # The exact discrete W1 between n independent samples of P and Q is W1(P, Q) plus a
    # sampling error. Measured on this pair: the floor (exact W1 between two independent
    # samples of P itself) at n = 1500 is about 0.03; we allow 3x the floor.
    pair = make_funnel_pair(2, 16, seed=3, n_mc=2**17)
    g = torch.Generator().manual_seed(7)
    n = 1500
    xs = pair.sample_plan(n, g)[0].numpy()
    ys = pair.sample_plan(n, g)[1].numpy()
    x2 = pair.sample_plan(n, g)[0].numpy()
    floor = earth_mover(Discrete(xs), Discrete(x2))
    exact = earth_mover(Discrete(xs), Discrete(ys))
    assert abs(exact - pair.w1) <= 3 * floor
    assert 5 * pair.w1_stderr < floor  # the Monte Carlo W1 is much finer than the floor


def test_exact_discrete_plan_moves_mass_along_u_rays(gen):
    # On plan pairs (x_i, T(x_i)), u restricted to the atoms is dual-optimal for the
    # discrete problem, so the identity coupling is optimal: exact W1 = mean |x_i - y_i|,
    # and complementary slackness puts every plan edge (i, j) on a ray:
    # u(x_i) - u(y_j) = |x_i - y_j|. Tolerance: the certificate's round-off.
    pair = make_funnel_pair(2, 16, seed=3, n_mc=1024)
    x, y = pair.sample_plan(300, gen)
    sol = earth_mover_solution(Discrete(x.numpy()), Discrete(y.numpy()))
    np.testing.assert_allclose(sol.value, float((x - y).norm(dim=1).mean()), rtol=1e-9)
    i, j = np.nonzero(np.asarray(sol.plan) > 0)
    xa, ya = sol.x, sol.y  # the atoms in the plan's order (Discrete sorts them)
    ux = pair.potential(torch.tensor(xa)).numpy()
    uy = pair.potential(torch.tensor(ya)).numpy()
    dist = np.linalg.norm(xa[i] - ya[j], axis=1)
    np.testing.assert_allclose(ux[i] - uy[j], dist, atol=1e-9)


def test_plan_check_detects_a_coupling_off_the_rays(gen):
    # The same identity fails for a coupling that is not the plan (y shuffled).
    pair = make_funnel_pair(2, 16, seed=3, n_mc=1024)
    x, y = pair.sample_plan(300, gen)
    y = y[torch.randperm(300, generator=gen)]
    gap = pair.potential(x) - pair.potential(y) - (x - y).norm(dim=1)
    assert float(gap.abs().max()) > 0.1


def test_w1_is_the_plan_cost_and_stderr_is_consistent():
    # Two pairs with the same funnels and different Monte Carlo sizes agree within 5 stderr.
    a = make_funnel_pair(8, 16, seed=2, n_mc=2**12)
    b = make_funnel_pair(8, 16, seed=2, n_mc=2**16)
    np.testing.assert_array_equal(a.centres, b.centres)
    assert abs(a.w1 - b.w1) <= 5 * math.hypot(a.w1_stderr, b.w1_stderr)


def test_points_on_cuda_or_cpu_keep_their_device(pair2):
    x = torch.zeros(3, 2)
    assert pair2.potential(x).device == x.device
    if torch.cuda.is_available():  # pragma: no cover - CI has no GPU
        xc = x.cuda()
        assert pair2.gradient(xc).device.type == "cuda"


class TestBadInput:
    def test_dimension(self):
        with pytest.raises(ValueError, match="dim must be an integer >= 1; got 0"):
            make_funnel_pair(0)

    def test_degree(self):
        with pytest.raises(ValueError, match=r"degree must be a finite number >= 1; got 0\.5"):
            make_funnel_pair(2, degree=0.5)

    def test_half_width(self):
        with pytest.raises(ValueError, match="half_width must be a finite number > 0"):
            make_funnel_pair(2, half_width=-1.0)

    def test_points_shape(self, pair2):
        with pytest.raises(ValueError, match=r"points must have shape \(n, 2\); got \(3, 3\)"):
            pair2.potential(torch.zeros(3, 3))


@pytest.mark.parametrize("name", ["wgan.benchmark.funnels", "wgan.benchmark.metrics",
                                  "wgan.benchmark.cell"])
def test_module_doctests(name):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(name),
                             optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0


def test_wgan_gp_initialisation_matches_the_toy_script():
    # He-uniform hidden layers (std sqrt(2 / fan_in)), Glorot-uniform output, zero biases.
    from wgan.nets import make_critic

    torch.manual_seed(0)
    net = make_critic(64, width=512, depth=2, init="wgan-gp")
    lin = [m.requires_grad_(False) for m in net.modules() if isinstance(m, torch.nn.Linear)]
    assert all(float(m.bias.abs().max()) == 0.0 for m in lin)
    # sample std of 64*512 uniform weights: within 2 % of the target (relative s.e. ~0.5 %)
    assert float(lin[0].weight.std()) == pytest.approx(math.sqrt(2 / 64), rel=0.02)
    assert float(lin[1].weight.std()) == pytest.approx(math.sqrt(2 / 512), rel=0.02)
    bound = math.sqrt(6 / (512 + 1))
    assert float(lin[2].weight.abs().max()) <= bound
    with pytest.raises(ValueError, match="init must be one of torch, wgan-gp; got 'xavier'"):
        make_critic(2, width=4, depth=1, init="xavier")  # type: ignore[arg-type]
