"""Every WGAN verdict rule (wgan.checks), fed a world where the claim is false, says FAIL.

Each test builds the data of such a world (a saturating critic, a discriminator that does not
saturate, a critic that is not Lipschitz, a clipped critic whose estimate is not K * W1, a
training run whose estimate does not follow W1, ...) and asserts the verdict; beside it the
true world passes, so no rule is merely always false.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from types import SimpleNamespace

import numpy as np
import pytest

from distances import Discrete
from distances.dual import kantorovich_dual
from wgan.checks import (
    CLIP_BAND_LOW,
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
    """A PotentialComparison of critic values on the atoms, computed as the module does."""
    from distances.dual import check_lipschitz

    slope = check_lipschitz(sol.atoms, values).max_slope
    raw = float(values @ (sol.p - sol.q))
    d = sol.potential - values / slope
    return PotentialComparison(sol, None, values, slope, sol.value, raw, raw / slope,
                               0.0, float(np.ptp(d)) / 2, 0.0, True, 0.0)


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


def _critic(method: str, *, w1: float = 1.0, raw: float, k: float, n_eval: int = 5000,
            pair: str = "translation") -> CriticResult:
    normalised = raw / k
    return CriticResult(pair, method, w1, raw, k, k, normalised, raw / w1 - 1,
                        normalised / w1 - 1, 100, 1.0, n_eval)


def test_critic_estimate_above_w1_fails() -> None:
    ok = [_critic("lp", raw=0.98, k=1.0)]
    assert check_critic_estimates(ok).passed is True
    not_lipschitz = [_critic("lp", raw=1.5, k=1.2)]  # K underestimated: normalised 1.25 W1
    assert check_critic_estimates(not_lipschitz).passed is False


def test_clipping_rule() -> None:
    assert check_clipping([_critic("clip", raw=0.003, k=0.004)]).passed is True  # ratio 0.75
    # raw far below K * W1 (ratio 0.25 < 1/2): "about K * W1" is false
    low = check_clipping([_critic("clip", raw=0.001, k=0.004)])
    assert low.passed is False and f"[{CLIP_BAND_LOW}" in low.failures[0]
    # raw above K * W1: raw / K would beat W1, impossible for a K-Lipschitz critic
    assert check_clipping([_critic("clip", raw=0.006, k=0.004)]).passed is False
    # an unclipped critic: raw near W1, not K * W1 with a small K
    assert check_clipping([_critic("clip", raw=0.95, k=1.0)]).passed is False
    with pytest.raises(ValueError, match="at least one clipped critic"):
        check_clipping([_critic("lp", raw=1.0, k=1.0)])


def test_lp_critics_are_a_measurement_without_verdict() -> None:
    result = measure_lp_critics([_critic("lp", raw=0.5, k=1.0)])
    assert result.passed is None and result.verdict == "measured"
    assert "raw -50.0%" in result.headline


# -- Figure 3 -------------------------------------------------------------------------------------


@dataclass
class _History:
    columns: dict[str, np.ndarray]
    step: int = 1000
    iterations_per_second: float = 10.0
    config: SimpleNamespace = dataclasses.field(default_factory=lambda: SimpleNamespace(
        method="gp", dataset="8gaussians", log_every=50, n_exact=512))

    def column(self, name: str) -> np.ndarray:
        return self.columns[name]


def _run(exact: np.ndarray, raw: np.ndarray, floor: float = 0.05) -> _History:
    steps = np.linspace(0, 1000, exact.size)
    return _History({"step": steps, "exact_w1": exact, "critic_estimate": raw,
                     "normalised_estimate": raw, "floor": np.full(exact.size, floor)})


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
