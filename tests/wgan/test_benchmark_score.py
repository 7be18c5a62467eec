"""evaluate_critic ("bring your own critic"), the exact-OT critic and the GroupSort critic."""

import math

import pytest
import torch
from torch import nn

from wgan.benchmark import (
    evaluate_critic,
    fit_exact_ot_critic,
    load_anchor_pair,
    make_funnel_pair,
)
from wgan.benchmark.exact_ot import ExactOTCritic


@pytest.fixture(scope="module")
def pair():
    return load_anchor_pair(2, 16, n_mc=2**14)


class TestEvaluateCritic:
    def test_optimal_critic_scores_zero_error_and_cosine_one(self, pair):
        s = evaluate_critic(pair.potential, pair, n=2048)
        assert s.cosine == pytest.approx(1.0, abs=1e-12)
        assert s.cosine_ci == pytest.approx((1.0, 1.0), abs=1e-12)
        assert s.l2 == pytest.approx(0.0, abs=1e-20)
        assert s.lipschitz == pytest.approx(1.0, abs=1e-9)  # unit gradients almost everywhere
        # the value is a Monte Carlo estimate: its 95 % interval holds 0 (seeded)
        assert s.raw_error_ci[0] < 0 < s.raw_error_ci[1]
        assert abs(s.raw_error) < 0.05

    def test_zero_critic_scores_minus_one_hundred_percent_and_cosine_zero(self, pair):
        s = evaluate_critic(lambda x: torch.zeros(len(x), dtype=x.dtype), pair, n=512)
        assert (s.raw_error, s.normalised_error, s.cosine, s.lipschitz) == (-1.0, -1.0, 0.0, 0.0)
        assert s.l2 == pytest.approx(1.0, abs=1e-12)

    def test_negated_optimal_critic_scores_cosine_minus_one(self, pair):
        s = evaluate_critic(lambda x: -pair.potential(x), pair, n=512)
        assert s.cosine == pytest.approx(-1.0, abs=1e-12)
        assert s.raw_error == pytest.approx(-2.0, abs=0.1)  # -W1 against W1
        assert s.l2 == pytest.approx(4.0, rel=1e-9)

    def test_scaled_critic_has_error_in_value_not_in_direction(self, pair):
        s = evaluate_critic(lambda x: 0.01 * pair.potential(x), pair, n=512)
        assert s.cosine == pytest.approx(1.0, abs=1e-12)
        assert s.lipschitz == pytest.approx(0.01, rel=1e-9)
        assert s.raw_error == pytest.approx(-0.99, abs=0.01)
        assert s.l2_normalised == pytest.approx(0.0, abs=1e-18)

    def test_a_module_is_scored_on_a_copy(self, pair):
        net = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 1))
        before = [p.detach().clone() for p in net.parameters()]
        s = evaluate_critic(net, pair, n=256)
        assert -1 <= s.cosine <= 1
        assert all(p.dtype == torch.float32 for p in net.parameters())
        assert all(torch.equal(a, b) for a, b in zip(before, net.parameters(), strict=True))

    def test_wrong_output_shape_is_refused(self, pair):
        with pytest.raises(ValueError, match="one value per point"):
            evaluate_critic(lambda x: x, pair, n=64)
        with pytest.raises(ValueError, match="n must be an integer >= 2; got 1"):
            evaluate_critic(pair.potential, pair, n=1)


class TestExactOTCritic:
    def test_extension_attains_the_potential_on_the_plan(self):
        from distances import Discrete, earth_mover_solution

        pair = make_funnel_pair(2, 4, n_mc=1024)
        fit = fit_exact_ot_critic(pair, 100, n_held_out=64, temperatures=(0.0,))
        g = torch.Generator().manual_seed(3_000_017)
        xs = pair.sample_plan(100, g)[0].numpy()
        ys = pair.sample_plan(100, g)[1].numpy()
        sol = earth_mover_solution(Discrete(xs), Discrete(ys))
        assert fit.certified and fit.discrete_w1 == pytest.approx(sol.value, rel=1e-12)
        with torch.no_grad():
            fx = fit.critic(torch.tensor(sol.x)).reshape(-1).numpy()
            fy = fit.critic(torch.tensor(sol.y)).reshape(-1).numpy()
        # McShane from the P atoms: f >= u on them, and f(y_j) = -v_j (tight on the plan)
        assert (fx >= sol.u - 1e-12).all()
        torch.testing.assert_close(torch.as_tensor(fy), torch.as_tensor(-sol.v), rtol=0,
                                   atol=1e-12)
        # so its value on the samples is the exact discrete W1
        assert fx.mean() - fy.mean() == pytest.approx(sol.value, rel=1e-9)

    def test_smoothed_critic_is_one_lipschitz(self):
        g = torch.Generator().manual_seed(0)
        critic = ExactOTCritic(torch.rand(50, 3, generator=g, dtype=torch.float64),
                               torch.rand(50, generator=g, dtype=torch.float64), 0.1)
        z = torch.rand(400, 3, generator=g, dtype=torch.float64).requires_grad_(True)
        (grad,) = torch.autograd.grad(critic(z).sum(), z)
        assert grad.norm(dim=1).max() <= 1 + 1e-12

    def test_bad_temperature(self):
        with pytest.raises(ValueError, match="temperature must be a finite number >= 0"):
            ExactOTCritic(torch.zeros(2, 2), torch.zeros(2), -1.0)


class TestGroupSort:
    def test_groupsort_is_a_permutation_per_group(self):
        from wgan.nets import GroupSort

        x = torch.tensor([[1.0, 3.0, 2.0, -1.0, 0.0, 5.0]])
        assert GroupSort(3)(x).tolist() == [[3.0, 2.0, 1.0, 5.0, 0.0, -1.0]]
        with pytest.raises(ValueError, match="width divisible by 4"):
            GroupSort(4)(x)

    def test_bjorck_makes_every_layer_orthonormal(self):
        from wgan.lipschitz import bjorck_orthonormalise

        w = torch.randn(16, 4, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
        q = bjorck_orthonormalise(w, 40)
        torch.testing.assert_close(q.T @ q, torch.eye(4, dtype=torch.float64), rtol=0,
                                   atol=1e-10)
        # a few iterations: not yet orthonormal, but never above spectral norm 1
        assert torch.linalg.matrix_norm(bjorck_orthonormalise(w, 2), ord=2) <= 1 + 1e-12

    def test_groupsort_critic_is_one_lipschitz_and_a_relu_one_is_not(self):
        from wgan.nets import make_critic

        torch.manual_seed(0)
        z = torch.randn(2000, 3, dtype=torch.float32).requires_grad_(True)
        for groupsort, bound_holds in ((True, True), (False, False)):
            net = make_critic(3, width=32, depth=2, groupsort=groupsort, group_size=2,
                              init="wgan-gp")
            (grad,) = torch.autograd.grad(net(z).sum(), z)
            assert bool(grad.norm(dim=1).max() <= 1 + 1e-5) is bound_holds

    def test_groupsort_cell_trains_and_scores(self):
        from wgan.benchmark import BenchmarkCell, run_cell

        res = run_cell(BenchmarkCell(dim=2, method="groupsort", n_funnels=4, steps=20, width=16,
                                     depth=2, n_eval=256, n_mc=2048, device="cpu"))
        assert res.lipschitz <= 1 + 1e-5
        assert math.isfinite(res.grad_cosine)


class TestPlanNetwork:
    """The regression targets of ``otnet`` and its fit (mechanics only: fits are seconds)."""

    def test_targets_on_plan_samples_are_the_optimal_gradient_and_potential(self):
        # Between plan pairs (x, T(x)) every optimal discrete plan moves mass along u's rays,
        # so the target direction at each Q atom is grad u there, and the value targets are
        # tight: value(x) - value(y) = |x - y| on every plan pair.
        from scipy import sparse

        from distances import Discrete, earth_mover_solution
        from wgan.benchmark.exact_ot import plan_targets

        pair = make_funnel_pair(2, 4, n_mc=1024)
        x, y = pair.sample_plan(150, torch.Generator().manual_seed(7))
        sol = earth_mover_solution(Discrete(x.numpy()), Discrete(y.numpy()))
        z, g, v = plan_targets(sol)
        n = len(sol.x)
        assert z.shape == (2 * n, 2) and g.shape == (2 * n, 2) and v.shape == (2 * n,)
        cos = (g[n:] * pair.gradient(z[n:])).sum(dim=1)
        # 1e-6: a y within ~1e-8 of its centre (t^8 small) has its direction to the centre
        # rounded at 1e-16 / 1e-8; every other atom agrees to 1e-15
        assert cos.min() > 1 - 1e-6
        assert float(torch.quantile(1 - cos, 0.9)) < 1e-12
        coo = sparse.coo_array(sol.plan)
        i, j = coo.row[coo.data > 0], coo.col[coo.data > 0]
        gap = v[i] - v[n + j] - (z[i] - z[n + j]).norm(dim=1)
        assert gap.abs().max() < 1e-9
        assert abs(float(v.mean())) < 1e-12

    def test_targets_of_independent_samples_carry_less_signal(self):
        # the failing world of the test above: independent samples, same pair and size
        from distances import Discrete, earth_mover_solution
        from wgan.benchmark.exact_ot import plan_targets

        pair = make_funnel_pair(2, 4, n_mc=1024)
        g0 = torch.Generator().manual_seed(7)
        x, y = pair.sample_plan(150, g0)[0], pair.sample_plan(150, g0)[1]
        sol = earth_mover_solution(Discrete(x.numpy()), Discrete(y.numpy()))
        z, g, _ = plan_targets(sol)
        n = len(sol.x)
        assert float((g[n:] * pair.gradient(z[n:])).sum(dim=1).min()) < 0.9

    def test_fit_is_seeded_and_uses_the_ot_samples(self):
        from wgan.benchmark.exact_ot import fit_plan_network

        pair = make_funnel_pair(2, 4, n_mc=1024)
        a = fit_plan_network(pair, 80, steps=3, width=8, depth=1)
        b = fit_plan_network(pair, 80, steps=3, width=8, depth=1)
        ot = fit_exact_ot_critic(pair, 80, n_held_out=16, temperatures=(0.0,))
        z = torch.rand(5, 2)
        assert torch.equal(a.critic(z), b.critic(z))
        assert a.certified and a.discrete_w1 == pytest.approx(ot.discrete_w1, rel=1e-12)
        assert a.steps == 3

    @pytest.mark.parametrize("kw, rule", [
        ({"n": 1}, "n must be an integer >= 2"),
        ({"steps": 0}, "steps must be an integer >= 1"),
        ({"lr": 0.0}, "lr must be a finite number > 0"),
        ({"value_weight": -1.0}, "value_weight must be a finite number >= 0"),
    ])
    def test_bad_input(self, kw, rule):
        from wgan.benchmark.exact_ot import fit_plan_network

        args = {"n": 10, **kw}
        with pytest.raises(ValueError, match=rule):
            fit_plan_network(make_funnel_pair(2, 4, n_mc=64), args.pop("n"), **args)


def test_cell_row_takes_every_score_column_from_the_score():
    from wgan.benchmark.cell import CellResult, score_columns

    pair = make_funnel_pair(2, 4, n_mc=1024)
    s = evaluate_critic(lambda x: 0.5 * pair.potential(x), pair, n=256)
    cols = score_columns(s)
    assert cols["grad_cosine"] == s.cosine and cols["grad_l2"] == s.l2
    assert (cols["raw_error_lo"], cols["raw_error_hi"]) == s.raw_error_ci
    assert (cols["grad_cosine_lo"], cols["grad_cosine_hi"]) == s.cosine_ci
    assert cols["w1"] == pair.w1 and cols["lipschitz"] == s.lipschitz
    assert "seed" not in cols and "pair" not in cols  # the cell's identity is not the score's
    rest = {"key", "dim", "n_funnels", "method", "seed", "pair", "steps", "seconds",
            "steps_per_second", "total_seconds", "device", "eval_device"}
    assert set(cols) | rest == {f for f in CellResult.__dataclass_fields__}
