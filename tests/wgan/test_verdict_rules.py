"""The WGAN verdict rules (wgan.checks) at their thresholds, and the numbers they report.

tests/wgan/test_checks_can_fail.py feeds each rule a world where its claim is false; this
file pins each rule's boundary (a value exactly at a threshold is on the documented side)
and the headline numbers (which step, which sample, which share), on worlds built so that
every number is distinct and known.
"""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest
from fake_results import critic_result, history, potential_comparison

from wgan.checks import (
    CORRELATION_MIN,
    check_clipping,
    check_critic_estimates,
    check_example1_networks,
    check_figure2,
    check_figure3,
    check_finite_sample,
    monte_carlo_allowance,
)
from wgan.dual_compare import PotentialComparison

# -- Figure 3 ---------------------------------------------------------------------------------


# Steps are uneven so that the second half (steps >= 200) differs from steps >= 150 or > 200.
STEPS = [0, 160, 200, 300, 400]
EXACT = [1.6, 1.2, 0.9, 0.5, 0.4]
RAW = [0.05, 1.0, 0.8, 0.45, 0.3]
EST = [0.1, 2.0, 1.6, 0.9, 0.6]
FLOOR = [0.01, 0.02, 0.03, 0.04, 0.05]


def test_figure3_headline_reports_first_last_and_correlations() -> None:
    """Exact W1 from step 0, the estimates from the first step after 0, the last floor; the
    whole-run correlation from step 1 on, the second half's from the steps >= 200."""
    result = check_figure3(history(STEPS, EXACT, RAW, EST, FLOOR))
    corr = np.corrcoef(RAW[1:], EXACT[1:])[0, 1]
    corr_half = np.corrcoef(RAW[2:], EXACT[2:])[0, 1]
    assert result.passed is True
    assert result.headline == (
        f"exact W1 1.600 -> 0.400 (floor 0.050); raw estimate 1.000 -> 0.300; correlation "
        f"with exact W1: whole run {corr:.2f}, second half {corr_half:.2f}; normalised "
        "2.000 -> 0.600; 12.5 it/s"
    )
    assert result.failures == ()


def test_figure3_exact_w1_exactly_halved_is_not_halved() -> None:
    result = check_figure3(history(STEPS, [1.6, 1.2, 0.9, 0.85, 0.8], RAW))
    assert result.passed is False
    assert result.failures[0] == "exact W1 1.6 -> 0.8 did not halve"


def test_figure3_raw_estimate_halving_counts_from_step_one() -> None:
    """The untrained critic at step 0 (raw 10) is not the start: from 1.0 to 0.48 halves."""
    result = check_figure3(history(STEPS, EXACT, [10.0, 1.0, 0.9, 0.7, 0.48]))
    assert not any("raw estimate" in f for f in result.failures)


def test_figure3_raw_estimate_exactly_halved_is_not_halved() -> None:
    result = check_figure3(history(STEPS, EXACT, [10.0, 1.0, 0.9, 0.7, 0.5]))
    assert "raw estimate 1 -> 0.5 did not halve" in result.failures


def test_figure3_correlation_exactly_at_the_minimum_fails() -> None:
    """corr([2, 1, 0], [3, 1, 2]) = 0.5 exactly: the rule asks for more than 0.5."""
    run = history([0, 1, 2, 3], [5.0, 3.0, 1.0, 2.0], [0.0, 2.0, 1.0, 0.0])
    result = check_figure3(run)
    assert CORRELATION_MIN == 0.5
    assert f"correlation with exact W1 0.50 <= {CORRELATION_MIN}" in result.failures


def test_figure3_flat_second_half_reports_how_little_it_moved() -> None:
    result = check_figure3(history(STEPS, [1.6, 0.6, 0.3, 0.3, 0.3],
                                    [0.0, 0.9, 0.5, 0.4, 0.35], floor=[0.1] * 5))
    assert result.passed is True
    assert ("second half nan (exact W1 flat within the floor there: moved 0.000 < 0.100, "
            "not informative)") in result.headline


def test_figure3_second_half_moving_exactly_the_floor_is_not_informative() -> None:
    """Exact W1 falls 0.5 over the second half, the floor is 0.5: not more than the floor."""
    result = check_figure3(history([0, 1, 2, 3, 4], [2.0, 1.5, 1.0, 0.75, 0.5],
                                    [0.0, 1.6, 1.2, 0.8, 0.4], floor=[0.5] * 5))
    assert "moved 0.500 < 0.500, not informative" in result.headline


def test_figure3_second_half_correlation_of_zero_fails() -> None:
    """Exact W1 moves 0.5 > floor 0.05 in the second half, the estimate's correlation with
    it there is exactly 0: it does not track it."""
    result = check_figure3(history([0, 1, 2, 3, 4], [2.0, 1.5, 1.0, 0.75, 0.5],
                                    [0.0, 1.0, 0.5, 0.25, 0.5]))
    assert ("second half: exact W1 moved 0.5 > floor 0.05 but the correlation there is 0.00"
            in result.failures)


def test_figure3_second_half_of_two_points_has_no_correlation() -> None:
    """Fewer than three points give no correlation (nan), not a spurious +-1."""
    result = check_figure3(history([0, 1, 2, 3], [4.0, 3.0, 1.0, 0.5],
                                     [0.0, 3.0, 1.0, 0.5], floor=[0.01] * 4))
    assert "second half nan" in result.headline
    assert any(f.startswith("second half: exact W1 moved 0.5 > floor 0.01") for f in
               result.failures)


def test_figure3_correlation_of_series_spanning_exactly_one() -> None:
    """Estimates and W1 that each span exactly 1 over the run have a correlation (only a
    series of span 0 has none)."""
    raw = [0.0, 1.5, 1.25, 1.0, 0.5]
    exact = [2.0, 1.75, 1.5, 1.25, 0.75]
    result = check_figure3(history([0, 1, 2, 3, 4], exact, raw))
    corr = np.corrcoef(raw[1:], exact[1:])[0, 1]
    assert f"whole run {corr:.2f}," in result.headline
    assert result.passed is True


def test_figure3_constant_estimate_has_no_correlation() -> None:
    result = check_figure3(history(STEPS, EXACT, [0.0, 0.5, 0.5, 0.5, 0.5]))
    assert "whole run nan" in result.headline
    assert "correlation with exact W1 nan <= 0.5" in result.failures


# -- Figure 2 ---------------------------------------------------------------------------------


def _figure2(x, d, d_opt, f) -> dict[str, np.ndarray]:
    return {"x": np.asarray(x, float), "discriminator": np.asarray(d, float),
            "optimal_discriminator": np.asarray(d_opt, float), "critic": np.asarray(f, float)}


X10 = np.arange(10.0)


def test_figure2_saturation_share_boundary() -> None:
    """Optimal D saturated on 5 of 10 points; D on 4 (0.8 x 5/10) passes, on 3 fails."""
    d_opt = [0.0, 0.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.5, 0.5]
    at = [0.0, 0.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]
    below = [0.0, 0.0, 1.0, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]
    assert check_figure2(_figure2(X10, at, d_opt, -X10)).passed is True
    result = check_figure2(_figure2(X10, below, d_opt, -X10))
    assert result.failures == ("D saturated on 30% of the grid < 80% of the optimum's 50%",)


def test_figure2_saturation_is_strictly_within_one_percent() -> None:
    """0.01 and 0.99 are not saturated; 0.005 and 0.995 are."""
    d = [0.01, 0.99, 0.005, 0.995, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]
    result = check_figure2(_figure2(X10, d, d, -X10))
    assert result.data["saturated"] == 0.2 and result.data["saturated_optimal"] == 0.2


def test_figure2_slope_ratio_exactly_at_the_minimum_passes() -> None:
    """Slopes 1 and 0.1 (x steps 1 and 10, f steps 1): ratio 0.1, on the passing side."""
    x = [0.0, 1.0, 2.0, 12.0, 13.0]
    f = [0.0, -1.0, -2.0, -3.0, -4.0]
    d = [0.0, 0.0, 0.5, 1.0, 1.0]
    result = check_figure2(_figure2(x, d, d, f))
    assert result.data["slope_ratio"] == 0.1
    assert not any("smallest slope" in t for t in result.failures)


def _two_gaussians(x: np.ndarray, sd: float) -> np.ndarray:
    """The optimal discriminator between N(-2, sd^2) and N(2, sd^2)."""
    pr = np.exp(-0.5 * ((x + 2) / sd) ** 2)
    pf = np.exp(-0.5 * ((x - 2) / sd) ** 2)
    return pr / (pr + pf)


X401 = np.linspace(-5, 5, 401)
CUBIC = -X401 - 10 * X401**3 / 125  # a critic bent away from its line, slope ratio 1/7


def test_figure2_critic_bent_less_than_a_third_of_the_optimum_passes() -> None:
    """Bent by 0.30 of the optimal D's deviation (between 1/4 and 1/3): close to linear."""
    d = _two_gaussians(X401, 0.5)
    result = check_figure2(_figure2(X401, d, d, CUBIC))
    ratio = result.data["deviation"] / result.data["deviation_optimal_discriminator"]
    assert 0.29 < ratio < 0.30
    assert result.passed is True


def test_figure2_critic_bent_more_than_a_third_of_the_optimum_fails() -> None:
    """Against a smoother optimal D (sd 1), the same critic is bent by 0.39 of its
    deviation (between 1/3 and 2/3): not close to linear."""
    d = _two_gaussians(X401, 0.5)
    result = check_figure2(_figure2(X401, d, _two_gaussians(X401, 1.0), CUBIC))
    ratio = result.data["deviation"] / result.data["deviation_optimal_discriminator"]
    assert 0.38 < ratio < 0.39
    assert result.failures == (
        "the critic deviates from its line by 13% of its range > 0.33 x the optimal D's 34%",
    )


def test_figure2_slopes_are_rise_over_run_on_an_uneven_grid() -> None:
    """x steps 1 and 2: a straight critic has slope ratio 1; slopes 2 and 0.5 give 0.25."""
    x = [0.0, 1.0, 3.0]
    d = [0.0, 0.5, 1.0]
    assert check_figure2(_figure2(x, d, d, [0.0, -1.0, -3.0])).data["slope_ratio"] == 1.0
    assert check_figure2(_figure2(x, d, d, [0.0, -2.0, -3.0])).data["slope_ratio"] == 0.25


def test_figure2_rising_critic_is_one_sign() -> None:
    """A critic with positive slope everywhere keeps one sign (the sign is not the rule)."""
    d = [0.0] * 5 + [1.0] * 5
    result = check_figure2(_figure2(X10, d, d, X10))
    assert "the critic's slope changes sign" not in result.failures


def test_figure2_critic_rising_then_falling_changes_sign() -> None:
    """Slopes +0.5 then -0.5 (all between -1 and 1): not monotone."""
    f = -0.5 * np.abs(X10 - 5.0)
    d = [0.0] * 5 + [1.0] * 5
    result = check_figure2(_figure2(X10, d, d, f))
    assert "the critic's slope changes sign" in result.failures


def test_figure2_critic_with_a_flat_step_changes_sign() -> None:
    """A zero slope is neither sign: the critic is not strictly monotone."""
    f = -X10.copy()
    f[5] = f[4]
    d = [0.0] * 5 + [1.0] * 5
    result = check_figure2(_figure2(X10, d, d, f))
    assert "the critic's slope changes sign" in result.failures


def test_figure2_rising_critic_with_a_flat_step_changes_sign() -> None:
    f = X10.copy()
    f[5] = f[4]
    d = [0.0] * 5 + [1.0] * 5
    result = check_figure2(_figure2(X10, d, d, f))
    assert "the critic's slope changes sign" in result.failures


def test_figure2_constant_critic_has_no_slope_ratio() -> None:
    d = [0.0] * 5 + [1.0] * 5
    result = check_figure2(_figure2(X10, d, d, np.zeros(10)))
    assert result.data["slope_ratio"] == 0.0
    assert result.data["deviation"] == math.inf


# -- finite samples ------------------------------------------------------------------------------


def _finite(*, exact: float, value: float, gap: float, span: float = 1.0,
            unique: bool = True, low: float = 0.0) -> PotentialComparison:
    """The LP potential from ``low`` to ``low + span`` on two atoms; the normalised critic's
    value and largest distance to it."""
    sol = SimpleNamespace(potential=np.array([low, low + span]), p=np.array([1.0, 0.0]),
                          q=np.array([0.0, 1.0]))
    return potential_comparison(sol, exact=exact, normalised=value, gap=gap, unique=unique)


def test_finite_sample_value_share_boundary() -> None:
    """0.9 of W1(X, Y) passes; below it fails; on an exact value below 1 too."""
    assert check_finite_sample(_finite(exact=0.5, value=0.45, gap=0.0)).passed is True
    result = check_finite_sample(_finite(exact=0.5, value=0.4, gap=0.0))
    assert result.failures == ("normalised critic 80.0% of W1(X, Y) < 90%",)


def test_finite_sample_zero_exact_value_fails() -> None:
    """W1(X, Y) = 0 gives no share (nan): the rule cannot pass on it."""
    result = check_finite_sample(_finite(exact=0.0, value=0.0, gap=0.0))
    assert result.failures == ("normalised critic nan% of W1(X, Y) < 90%",)


def test_finite_sample_potential_share_boundary() -> None:
    """Off the potential by 0.1 of its range passes, by 0.2 fails (span 0.5 < 1)."""
    assert check_finite_sample(_finite(exact=1.0, value=1.0, gap=0.05, span=0.5)).passed is True
    result = check_finite_sample(_finite(exact=1.0, value=1.0, gap=0.1, span=0.5))
    assert result.failures == ("critic off the LP potential by 20.0% of its range > 10%",)


def test_finite_sample_potential_range_is_max_minus_min() -> None:
    """A potential from -0.25 to 0.25 has range 0.5: off by 0.05 is 10 %, which passes."""
    result = check_finite_sample(_finite(exact=1.0, value=1.0, gap=0.05, span=0.5, low=-0.25))
    assert result.passed is True and "(10.0% of its range)" in result.headline


def test_finite_sample_constant_potential_fails() -> None:
    """An LP potential of span 0 gives an infinite relative gap."""
    result = check_finite_sample(_finite(exact=1.0, value=1.0, gap=0.0, span=0.0))
    assert result.failures == ("critic off the LP potential by inf% of its range > 10%",)


def test_finite_sample_headline_and_claim() -> None:
    result = check_finite_sample(_finite(exact=0.5, value=0.45, gap=0.025, span=0.5))
    assert result.headline == (
        "normalised critic 0.4500 = 90.0% of exact W1(X, Y) 0.5000; largest distance to the "
        "LP potential 0.025 (5.0% of its range)"
    )
    assert result.claim.startswith("An LP critic fitted on 1 + 1 fixed points")


# -- Example 1 and the Monte Carlo allowance ------------------------------------------------------


@pytest.mark.parametrize(
    ("wgan", "gan", "passed"),
    [(0.25, 1.0, False), (-0.25, 1.0, False), (0.2499, 1.0, True), (-0.2499, 1.0, True),
     (0.0, 0.9, False), (0.0, -0.91, True), (0.0, 0.91, True)],
)
def test_example1_networks_thresholds(wgan: float, gan: float, passed: bool) -> None:
    """|theta_WGAN| < theta0 / 4 and |theta_GAN| > 0.9 theta0, strictly, either sign."""
    summary = {"theta0": 1.0, "lr": 0.02, "updates": 60, "final_theta_wgan": wgan,
               "final_theta_gan": gan}
    result = check_example1_networks(summary)
    assert result.passed is passed
    assert result.headline == f"final theta: WGAN {wgan:+.3f}, GAN {gan:+.4f}"


@pytest.mark.parametrize(("wgan", "gan", "passed"),
                         [(0.4, 1.85, True), (0.6, 1.85, False), (0.4, 1.0, False)])
def test_example1_networks_thresholds_scale_with_theta0(wgan: float, gan: float,
                                                        passed: bool) -> None:
    """From theta0 = 2: WGAN below 0.5, GAN above 1.8."""
    summary = {"theta0": 2.0, "lr": 0.02, "updates": 60, "final_theta_wgan": wgan,
               "final_theta_gan": gan}
    assert check_example1_networks(summary).passed is passed


def test_monte_carlo_allowance_is_four_standard_errors() -> None:
    assert monte_carlo_allowance(2) == 4.0
    assert monte_carlo_allowance(800) == 0.2


# -- the critic's estimate and weight clipping ----------------------------------------------------


_critic = critic_result  # raw_stderr 0.0625, n_eval 800: the bands below


class TestCriticEstimates:
    """raw / (K W1) within [1/2 - 4 s, 1 + 4 s], s the measured noise relative to K W1."""

    def test_both_ends_of_the_band_pass(self) -> None:
        # s = 0.0625: the band is [0.25, 1.25]
        assert check_critic_estimates([_critic(raw=1.25), _critic(raw=0.25)]).passed is True

    def test_above_the_band_fails(self) -> None:
        result = check_critic_estimates([_critic(raw=1.5)])
        assert result.failures == ("translation/lp: raw / (K W1) = 1.5 outside [0.25, 1.25]",)

    def test_below_the_band_fails(self) -> None:
        result = check_critic_estimates([_critic(raw=0.125)])
        assert result.failures == ("translation/lp: raw / (K W1) = 0.125 outside [0.25, 1.25]",)

    def test_noise_is_relative_to_k_times_w1(self) -> None:
        """s = 0.0625 / (K W1) with K W1 = 0.5: the band is [0, 1.5]; raw 0.75 is at its top."""
        assert check_critic_estimates([_critic(raw=0.75, k=0.5)]).passed is True
        result = check_critic_estimates([_critic(raw=0.8, k=0.5)])
        assert result.failures == ("translation/lp: raw / (K W1) = 1.6 outside [0, 1.5]",)

    def test_ratio_and_noise_are_relative_to_w1(self) -> None:
        """W1 = 2, K = 1: raw 2 is the band's centre of duality (ratio 1); s = 0.0625 / 2, so
        the band is [0.375, 1.125] and raw 2.5 (ratio 1.25) is outside."""
        assert check_critic_estimates([_critic(raw=2.0, w1=2.0)]).passed is True
        result = check_critic_estimates([_critic(raw=2.5, w1=2.0)])
        assert result.failures == (
            f"translation/lp: raw / (K W1) = 1.25 outside [0.375, {1.125:.3g}]",)

    def test_without_measured_noise_the_monte_carlo_allowance_is_used(self) -> None:
        """No raw_stderr: 4 standard errors of two means of 800 values, 0.2: band [0.3, 1.2]."""
        result = check_critic_estimates([_critic(raw=1.5, raw_stderr=math.nan)])
        assert result.failures == ("translation/lp: raw / (K W1) = 1.5 outside [0.3, 1.2]",)

    def test_flat_critic_fails_and_reports_no_noise(self) -> None:
        result = check_critic_estimates([_critic(raw=0.0, k=0.0), _critic(raw=0.75)])
        assert result.failures == ("translation/lp: K = 0, a flat critic estimates nothing",)
        assert result.headline == ("normalised errors translation/lp -100.0%, "
                                   "translation/lp -25.0% (+-25.0%)")

    def test_critics_after_a_flat_one_are_still_judged(self) -> None:
        result = check_critic_estimates([_critic(raw=0.0, k=0.0), _critic(raw=1.5)])
        assert result.failures == (
            "translation/lp: K = 0, a flat critic estimates nothing",
            "translation/lp: raw / (K W1) = 1.5 outside [0.25, 1.25]",
        )

    def test_claim_counts_the_critics_and_names_the_methods(self) -> None:
        result = check_critic_estimates([_critic("lp", raw=1.0), _critic("gp", raw=1.0),
                                         _critic("lp", raw=1.0, n_eval=900)])
        assert result.claim.startswith(
            "3 critics (gp, lp) on pairs of known W1, estimates on 800 fresh points per side")
        assert "raw / (K W1) within [1/2, 1], widened by 4 standard errors" in result.claim


class TestClipping:
    """K at most the box's bound; raw / (K W1) at most 1 + 4 s."""

    def test_k_at_the_bound_passes(self) -> None:
        result = check_clipping([_critic("clip", raw=0.25, k=0.5, bound=0.5)])
        assert result.passed is True
        assert result.headline == ("translation: K 0.5 (box bound 0.5), raw / (K W1) 0.50 "
                                   "(measured), raw -75.0% of W1")

    def test_k_above_the_bound_fails(self) -> None:
        result = check_clipping([_critic("clip", raw=0.25, k=0.5, bound=0.25)])
        assert result.failures == (
            "translation: K = 0.5 above the box's bound 0.25 (the weights are not in the box)",)

    def test_no_recorded_bound_fails(self) -> None:
        result = check_clipping([_critic("clip", raw=0.25, k=0.5)])
        assert result.failures == ("translation: no bound of K from the clipping box was "
                                   "recorded",)

    def test_raw_at_the_top_of_the_band_passes_above_fails(self) -> None:
        """s = 0.0625 / (K W1) = 0.125 with K = 0.5: raw / (K W1) up to 1.5."""
        ok = _critic("clip", raw=0.75, k=0.5, bound=1.0)
        assert check_clipping([ok]).passed is True
        result = check_clipping([_critic("clip", raw=0.8, k=0.5, bound=1.0)])
        assert result.failures == ("translation: raw / (K W1) = 1.6 > 1.5: raw / K beats W1, "
                                   "so K underestimates the critic's constant",)

    def test_ratio_is_relative_to_w1(self) -> None:
        """W1 = 2, K = 0.5, raw 0.5: raw / (K W1) = 0.5, inside; raw 2 gives 2 > 1 + 4 x 0.0625."""
        ok = check_clipping([_critic("clip", raw=0.5, k=0.5, w1=2.0, bound=1.0)])
        assert ok.passed is True and "raw / (K W1) 0.50 (measured)" in ok.headline
        result = check_clipping([_critic("clip", raw=2.0, k=0.5, w1=2.0, bound=1.0)])
        assert result.failures == ("translation: raw / (K W1) = 2 > 1.25: raw / K beats W1, "
                                   "so K underestimates the critic's constant",)

    def test_flat_critic_fails_with_the_ratio_undefined(self) -> None:
        """K = 0: raw / (K W1) is 0 / 0; the rule says so (it divided by zero before), and the
        critics after it are still judged."""
        flat = _critic("clip", raw=0.0, k=0.0, bound=0.5)
        result = check_clipping([flat, _critic("clip", raw=0.8, k=0.5, bound=1.0)])
        assert result.failures == (
            "translation: K = 0, a flat critic: raw / (K W1) is undefined, so the clipping "
            "claim is not tested",
            "translation: raw / (K W1) = 1.6 > 1.5: raw / K beats W1, so K underestimates "
            "the critic's constant",
        )
        assert result.headline.startswith("translation: K 0 (box bound 0.5), raw / (K W1) "
                                          "undefined, raw -100.0% of W1, translation: K 0.5")

    def test_only_clipped_critics_are_judged(self) -> None:
        result = check_clipping([_critic("lp", raw=5.0), _critic("clip", raw=0.25, k=0.5,
                                                                 bound=0.5)])
        assert result.passed is True and result.headline.count("translation") == 1
