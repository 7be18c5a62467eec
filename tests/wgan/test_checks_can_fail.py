"""Every WGAN verdict rule (wgan.checks), fed a world where the claim is false, says FAIL.

Each test builds the data of such a world (a saturating critic, a discriminator that does not
saturate, a critic that is not Lipschitz, a clipped critic whose estimate is not K * W1, a
training run whose estimate does not follow W1, ...) and asserts the verdict; beside it the
true world passes, so no rule is merely always false.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from fake_results import FakeHistory, critic_result, history, potential_comparison

from distances import Discrete
from distances.dual import kantorovich_dual
from wgan.checks import (
    check_clipping,
    check_critic_estimates,
    check_example1_networks,
    check_figure2,
    check_figure3,
    check_finite_sample,
    measure_lp_critics,
)
from wgan.critic import CriticResult
from wgan.dual_compare import PotentialComparison

# -- Figure 2 ---------------------------------------------------------------------------------


def _figure2(**overrides: np.ndarray) -> dict[str, np.ndarray]:
    """Two Gaussians N(-2, 0.5^2), N(2, 0.5^2): the optimal D, a trained D equal to it, the
    optimal critic (slope -1 everywhere)."""
    x = np.linspace(-5, 5, 401)
    pr = np.exp(-0.5 * ((x + 2) / 0.5) ** 2)
    pf = np.exp(-0.5 * ((x - 2) / 0.5) ** 2)
    with np.errstate(invalid="ignore"):
        d_opt = np.where(pr + pf > 0, pr / (pr + pf), (x < 0).astype(float))
    data = {"x": x, "discriminator": d_opt.copy(), "optimal_discriminator": d_opt,
            "critic": -x}
    data.update(overrides)
    return data


def test_figure2_true_world_passes() -> None:
    assert check_figure2(_figure2()).passed is True


def test_figure2_saturating_critic_fails() -> None:
    data = _figure2()
    result = check_figure2(_figure2(critic=data["optimal_discriminator"]))  # critic = sigmoid
    assert result.passed is False
    assert any("smallest slope" in f for f in result.failures)
    assert any("deviates from its line" in f for f in result.failures)


def test_figure2_critic_flat_in_the_tails_fails() -> None:
    x = _figure2()["x"]
    result = check_figure2(_figure2(critic=-np.clip(x, -2.5, 2.5) - 0.01 * x))
    assert result.passed is False and any("smallest slope" in f for f in result.failures)


def test_figure2_unsaturated_discriminator_fails() -> None:
    x = _figure2()["x"]
    result = check_figure2(_figure2(discriminator=0.5 - 0.05 * x))  # never near 0 or 1
    assert result.passed is False and "D saturated" in result.failures[0]


# -- Example 1 learned by networks --------------------------------------------------------------


def _ex1(wgan: float, gan: float) -> dict[str, float]:
    return {"theta0": 1.0, "lr": 0.02, "updates": 60, "final_theta_wgan": wgan,
            "final_theta_gan": gan}


def test_example1_networks_rule() -> None:
    assert check_example1_networks(_ex1(-0.2, 0.999)).passed is True
    assert check_example1_networks(_ex1(0.6, 0.999)).passed is False  # WGAN does not move
    assert check_example1_networks(_ex1(-0.2, 0.3)).passed is False  # GAN's gradient works


# -- finite samples: how close the critic gets to the LP's value and potential --------------------


@pytest.fixture(scope="module")
def lp_solution():
    rng = np.random.default_rng(0)
    return kantorovich_dual(Discrete(rng.normal(size=(9, 2))),
                            Discrete(rng.normal(size=(6, 2)) + np.array([1.0, 0.0])))


def _comparison(sol, values: np.ndarray) -> PotentialComparison:
    """Critic values on the atoms compared with the potential, as wgan.dual_compare does."""
    from distances.dual import check_lipschitz

    slope = check_lipschitz(sol.atoms, values).max_slope
    raw = float(values @ (sol.p - sol.q))
    d = sol.potential - values / slope
    return potential_comparison(sol, exact=sol.value, normalised=raw / slope,
                                gap=float(np.ptp(d)) / 2, values=values, slope=slope)


def test_finite_sample_optimal_potential_passes(lp_solution) -> None:
    assert check_finite_sample(_comparison(lp_solution, lp_solution.potential)).passed is True


def test_finite_sample_far_from_optimal_fails(lp_solution) -> None:
    # A critic that is 1-Lipschitz but only a linear guess: feasible, so it never exceeds W1
    # (the old rule always held), yet far below the optimum and far from the potential.
    guess = -0.3 * lp_solution.atoms[:, 1]
    result = check_finite_sample(_comparison(lp_solution, guess))
    assert result.passed is False
    assert any("of W1(X, Y)" in f for f in result.failures)


def test_finite_sample_non_unique_potential_fails(lp_solution) -> None:
    comp = dataclasses.replace(_comparison(lp_solution, lp_solution.potential),
                               unique_on_atoms=False)
    assert check_finite_sample(comp).passed is False


# -- critic estimates and weight clipping ---------------------------------------------------------


def _critic(method: str, *, raw: float, k: float, raw_stderr: float = 0.005,
            n_eval: int = 5000, **kw) -> CriticResult:
    """A critic as trained ones measure: 5000 scoring points, a standard error of 0.005."""
    return critic_result(method, raw=raw, k=k, raw_stderr=raw_stderr, n_eval=n_eval, **kw)


def test_critic_estimate_rule_is_two_sided() -> None:
    # trained critics as measured (LP -0.6 .. -5.6 %, clip on translation -31 %) pass
    ok = [_critic("lp", raw=0.95, k=1.0), _critic("clip", raw=0.0028, k=0.0041,
                                                   raw_stderr=1e-5)]
    assert check_critic_estimates(ok).passed is True
    worlds = {
        "above W1: K underestimated": _critic("lp", raw=1.5, k=1.2),  # normalised 1.25 W1
        "untrained": _critic("lp", raw=0.23, k=1.0),  # -77 %, the untrained critic
        "zero": _critic("lp", raw=0.0, k=0.0),
        "negated": _critic("lp", raw=-0.95, k=1.0),
    }
    for name, r in worlds.items():
        result = check_critic_estimates([*ok, r])
        assert result.passed is False, name
        assert len(result.failures) == 1 and ("raw / (K W1)" in result.failures[0]
                                              or "K = 0" in result.failures[0]), name


def test_critic_estimate_allowance_comes_from_the_measured_noise() -> None:
    # raw / (K W1) = 1.03: beyond 1 + 4 s with s = 0.005, within it with s = 0.01
    assert check_critic_estimates([_critic("lp", raw=1.03, k=1.0)]).passed is False
    assert check_critic_estimates([_critic("lp", raw=1.03, k=1.0,
                                           raw_stderr=0.01)]).passed is True


def test_clipping_rule() -> None:
    # the box bound of the CLI's 2 -> 128 x 3 -> 1 critic at c = 0.01 is about 0.03
    ok = _critic("clip", raw=0.003, k=0.004, raw_stderr=1e-5, bound=0.03)  # ratio 0.75
    assert check_clipping([ok]).passed is True
    # as on the funnel pairs: raw / (K W1) = 0.2 is a measurement, not a failure
    funnel = _critic("clip", raw=0.0008, k=0.004, raw_stderr=1e-5, bound=0.03)
    assert check_clipping([funnel]).passed is True
    # weights outside the box (an unclipped critic): K above the box's bound
    unclipped = check_clipping([_critic("clip", raw=0.95, k=1.0, bound=0.03)])
    assert unclipped.passed is False and "above the box's bound" in unclipped.failures[0]
    # raw above K * W1: raw / K would beat W1, impossible for a K-Lipschitz critic
    above = check_clipping([_critic("clip", raw=0.006, k=0.004, raw_stderr=1e-5, bound=0.03)])
    assert above.passed is False and "beats W1" in above.failures[0]
    # a flat clipped critic (every weight clipped to 0, say): K = 0, nothing is tested
    flat = check_clipping([ok, _critic("clip", raw=0.0, k=0.0, bound=0.03)])
    assert flat.passed is False and len(flat.failures) == 1 and "K = 0" in flat.failures[0]
    # no bound recorded: the rule cannot be judged, so it fails
    assert check_clipping([_critic("clip", raw=0.003, k=0.004)]).passed is False
    with pytest.raises(ValueError, match="at least one clipped critic"):
        check_clipping([_critic("lp", raw=1.0, k=1.0)])


def test_clipping_box_bound_is_a_bound() -> None:
    import torch

    from wgan.lipschitz import clip_weights, clipping_box_bound
    from wgan.nets import make_critic

    torch.manual_seed(0)
    net = make_critic(2, width=16, depth=2).double()
    clip_weights(net, 0.05)
    with torch.no_grad():  # the worst weights in the box: every entry +c
        for p in net.parameters():
            p.fill_(0.05)
    x = torch.rand(500, 2, dtype=torch.float64).requires_grad_(True)
    (g,) = torch.autograd.grad(net(x).sum(), x)
    bound = clipping_box_bound(net, 0.05)
    assert float(g.norm(dim=1).max()) <= bound * (1 + 1e-12)
    # all-equal weights make every layer rank one with spectral norm = Frobenius norm:
    # the bound is attained
    assert float(g.norm(dim=1).max()) == pytest.approx(bound, rel=1e-12)


def test_lp_critics_are_a_measurement_without_verdict() -> None:
    result = measure_lp_critics([_critic("lp", raw=0.5, k=1.0)])
    assert result.passed is None and result.verdict == "measured"
    assert "raw -50.0%" in result.headline


# -- Figure 3 -------------------------------------------------------------------------------------


def _run(exact: np.ndarray, raw: np.ndarray, floor: float = 0.05) -> FakeHistory:
    """A run of 1000 steps logged evenly, its normalised estimate equal to the raw one."""
    return history(np.linspace(0, 1000, exact.size), exact, raw, raw, floor)


def test_figure3_estimate_following_w1_passes() -> None:
    exact = np.linspace(1.5, 0.2, 21)
    raw = np.concatenate([[0.0], exact[1:] * 0.8])  # step 0: untrained critic
    result = check_figure3(_run(exact, raw))
    assert result.passed is True and "second half 1.00" in result.headline


def test_figure3_estimate_not_following_w1_fails() -> None:
    exact = np.linspace(1.5, 0.2, 21)
    rng = np.random.default_rng(0)
    raw = np.concatenate([[0.0], rng.uniform(0.1, 1.0, 20)])  # noise, unrelated to W1
    result = check_figure3(_run(exact, raw))
    assert result.passed is False


def test_figure3_second_half_anticorrelated_fails_when_w1_moves_there() -> None:
    # The first drop makes the whole-run correlation high, but in the second half exact W1
    # keeps falling (well beyond the floor) while the estimate rises.
    exact = np.concatenate([[1.5], np.linspace(1.0, 0.2, 20)])
    raw = np.concatenate([[0.0, 1.2], np.linspace(0.2, 0.45, 19)])
    result = check_figure3(_run(exact, raw, floor=0.05))
    assert result.passed is False
    assert any("second half" in f for f in result.failures)


def test_figure3_flat_second_half_is_reported_as_not_informative() -> None:
    exact = np.concatenate([[1.5], np.linspace(0.6, 0.3, 10), np.full(10, 0.25)])
    raw = np.concatenate([[0.0], np.linspace(0.9, 0.3, 10), np.linspace(0.2, 0.25, 10)])
    result = check_figure3(_run(exact, raw, floor=0.1))
    assert result.passed is True and "not informative" in result.headline
    assert not math.isnan(float(result.headline.split("whole run ")[1].split(",")[0]))
