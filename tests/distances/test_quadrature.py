"""The quadrature machinery of :mod:`distances.quadrature`, held to exact values.

Each test states one behaviour of the pieces :mod:`distances.continuous` is built from:
where the probe points and the mass cuts lie (uniform laws, whose quantiles are exact),
the sign changes and density jumps found, ``quad`` on an empty or a flagged piece, the
power-law model of a density next to a support end (exact for Beta(a, 1)-like ends), the
sliver integral against its closed form and the documented terms of its error estimate,
and the pieces :func:`~distances.quadrature.integrate_densities` cuts. They run in about
a second, first among the module's tests in its mutation run.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate, stats

from distances import quadrature as qd
from distances.continuous import (
    js_divergence_continuous,
    kl_divergence_continuous,
    total_variation_continuous,
)

U01 = stats.uniform(0, 1)
#: The probe levels, as documented: three tail levels each side and 241 in between.
LEVELS = np.concatenate(
    [[1e-12, 1e-9, 1e-6], np.linspace(1e-4, 1 - 1e-4, 241), [1 - 1e-6, 1 - 1e-9, 1 - 1e-12]]
)
MASS_LEVELS = [1e-12, 1e-3, 0.5, 1 - 1e-3, 1 - 1e-12]


def histogram(counts: list[float], edges: list[float]):
    return stats.rv_histogram((np.array(counts, float), np.array(edges, float)),
                              density=False)()


def kl_terms(g_lp: float, g_lq: float) -> float:
    return 0.0 if g_lp == -math.inf else math.exp(g_lp) * (g_lp - g_lq)


def mass_of_p(lp: float, lq: float) -> float:
    return 0.0 if lp == -math.inf else math.exp(lp)


# -- probe points, mass cuts, sign changes ----------------------------------------------


def test_probe_points_are_the_quantile_levels_strictly_inside() -> None:
    # U(0, 1)'s quantile at level u is u itself: the points are the levels, exactly.
    assert np.array_equal(qd._probe_points((U01,), 0.0, 1.0), LEVELS)
    assert np.array_equal(qd._probe_points((U01,), -5.0, 5.0), LEVELS)
    # Symmetric about 1/2, 247 distinct points inside (0, 1).
    pts = qd._probe_points((U01,), 0.0, 1.0)
    assert pts.size == 247 and np.allclose(pts + pts[::-1], 1.0, atol=1e-15, rtol=0)
    # A point equal to lo or hi is left out (strictly inside).
    inside = qd._probe_points((U01,), 1e-12, 1 - 1e-12)
    assert np.array_equal(inside, LEVELS[1:-1])


def test_probe_points_of_two_laws_are_the_union() -> None:
    pts = qd._probe_points((U01, stats.uniform(10, 1)), -np.inf, np.inf)
    assert np.array_equal(pts, np.concatenate([LEVELS, 10 + LEVELS]))


def test_mass_cuts_are_the_mass_levels_and_the_ends_strictly_inside() -> None:
    assert qd.mass_cuts((U01,), 0.0, 1.0) == set(MASS_LEVELS)
    assert qd.mass_cuts((U01,), -1.0, 2.0) == {0.0, 1.0, *MASS_LEVELS}
    # A cut at lo or at hi is not inside.
    assert qd.mass_cuts((U01,), 1e-12, 1 - 1e-12) == set(MASS_LEVELS[1:-1])
    # Infinite ends are no cuts: N(0, 1)'s cuts are its five quantiles.
    cuts = qd.mass_cuts((stats.norm(),), -np.inf, np.inf)
    assert sorted(cuts) == pytest.approx(stats.norm.ppf(MASS_LEVELS), rel=1e-15, abs=0)


def test_breakpoints_finds_two_sign_changes_in_neighbouring_probe_intervals() -> None:
    # Probe points of U(0, 1) at 1/2 and 1/2 + 0.0041658...; the roots 0.502 and 0.506 lie
    # in two neighbouring intervals (a bracket two intervals wide holds both: no change).
    r1, r2 = 0.502, 0.506

    def diff(t: float) -> float:
        return (t - r1) * (t - r2)

    cuts = qd.breakpoints(diff, (U01,), 0.0, 1.0)
    found = [c for c in cuts if c not in MASS_LEVELS]
    assert len(cuts) == len(MASS_LEVELS) + 2
    assert found == pytest.approx([r1, r2], abs=1e-15, rel=0)


def test_breakpoints_with_exactly_two_probe_points() -> None:
    # (lo, hi) holds the probe points 0.50416... and 0.50833... only, and no mass cut.
    lo, hi = 0.5001, 0.51
    assert qd._probe_points((U01,), lo, hi).size == 2 and not qd.mass_cuts((U01,), lo, hi)
    cuts = qd.breakpoints(lambda t: t - 0.506, (U01,), lo, hi)
    assert cuts == pytest.approx([0.506], abs=1e-15, rel=0)


def test_breakpoints_compares_signs_at_the_support_ends_too() -> None:
    # The end 0 of U(0, 1) is no probe point; between it and the first probe point
    # (1e-12) the difference changes sign at 5e-13, and nowhere else that is probed.
    cuts = qd.breakpoints(lambda t: (t + 0.5) * (t - 5e-13), (U01,), -1.0, 2.0)
    assert sorted(set(cuts) - {0.0, 1.0, *MASS_LEVELS}) == pytest.approx([5e-13], rel=1e-9, abs=0)


def test_breakpoints_ignores_zeros_that_are_no_sign_change() -> None:
    # p - q of U(0, 1) and U(0.5, 1.5): +1, then 0 on (0.5, 1), then -1: it touches 0 but
    # never changes sign between two probe points: the cuts are the mass cuts alone.
    P, Q = U01, stats.uniform(0.5, 1)

    def diff(t: float) -> float:
        return float(P.pdf(t) - Q.pdf(t))

    assert qd.breakpoints(diff, (P, Q), 0.0, 1.5) == sorted(qd.mass_cuts((P, Q), 0.0, 1.5))
    # -1, then 0 from a probe point that is no mass cut (0.3004...), then +1: none either.
    def step(t: float) -> float:
        return -1.0 if t < 0.3 else (0.0 if t <= 0.7 else 1.0)

    assert qd.breakpoints(step, (U01,), 0.0, 1.0) == sorted(MASS_LEVELS)


# -- quad on one piece -------------------------------------------------------------------


def test_quad_piece_on_an_empty_interval_is_zero_with_no_call() -> None:
    def never(t: float) -> float:
        raise AssertionError("called")

    assert qd.quad_piece(never, 2.0, 1.0) == (0.0, 0.0)
    assert qd.quad_piece(never, 1.0, 1.0) == (0.0, 0.0)


def test_quad_piece_reaches_the_requested_accuracy() -> None:
    # The documented accuracy, and an endpoint singularity integrated to it: 2 sqrt(x).
    assert (qd.QUAD_EPSREL, qd.QUAD_EPSABS) == (1e-11, 1e-14)
    v, e = qd.quad_piece(lambda t: t ** -0.5, 0.0, 1.0)
    assert abs(v - 2.0) <= e <= 2e-11
    v, e = qd.quad_piece(lambda t: math.exp(-t), 0.0, math.inf)
    assert abs(v - 1.0) <= 1e-14 and e <= 1e-11


def test_quad_piece_is_quad_with_the_documented_settings() -> None:
    # 1/t on (0, 1) runs into the subdivision limit: its value is quad's after exactly
    # 200 subdivisions at the documented accuracy (and differs at 199 or 201).
    def f(t: float) -> float:
        return 1.0 / t

    with pytest.warns(integrate.IntegrationWarning):
        ref = [integrate.quad(f, 0.0, 1.0, epsabs=1e-14, epsrel=1e-11, limit=n)[0]
               for n in (199, 200, 201)]
    assert len(set(ref)) == 3
    assert qd.quad_piece(f, 0.0, 1.0)[0] == ref[1]


def test_quad_piece_flags_become_a_larger_error() -> None:
    # 1/t^2 on (0, 1): "probably divergent": an infinite error.
    v, e = qd.quad_piece(lambda t: t ** -2.0, 0.0, 1.0)
    assert e == math.inf
    # 1/t on (0, 1) reaches the subdivision limit: the error is at least the value.
    v, e = qd.quad_piece(lambda t: 1.0 / t, 0.0, 1.0)
    assert math.isfinite(e) and e >= abs(v) > 100


def test_quad_piece_flags_on_negligible_pieces_keep_quads_error() -> None:
    # c / t on (0, 1) is flagged at every scale c (the subdivision limit), with quad's
    # own estimate 6 % of the value. Scaled to 1.0005e-11, just above the negligible
    # 1e3 * QUAD_EPSABS = 1e-11, the error is the value; to 0.9995e-11, just below,
    # quad's own estimate stays.
    base = qd.quad_piece(lambda t: 1.0 / t, 0.0, 1.0)[0]
    for target, flagged in ((1.0005e-11, True), (0.9995e-11, False)):
        c = target / base
        v, e = qd.quad_piece(lambda t, c=c: c / t, 0.0, 1.0)
        assert v == pytest.approx(target, rel=1e-12, abs=0)
        assert (e >= v) is flagged
        assert e > 0.01 * v


def test_integrate_pieces_sums_pieces_and_refuses_divergence() -> None:
    v, e = qd.integrate_pieces(lambda t: 2.0 * t, [0.25, 0.5], 0.0, 1.0, "W1")
    assert v == pytest.approx(1.0, abs=1e-15, rel=0) and e < 1e-13
    with pytest.raises(ValueError, match=r"W1: the quadrature on \[0.0, 1.0\] did not converge"):
        qd.integrate_pieces(lambda t: t ** -2.0, [], 0.0, 1.0, "W1")


# -- masses and the power-law model next to an end ----------------------------------------


def test_inner_mass_is_accurate_on_either_side_of_the_median() -> None:
    assert qd._inner_mass(U01, 0.0, 0.25, +1) == 0.25
    assert qd._inner_mass(U01, 1.0, 0.75, -1) == 0.25
    N = stats.norm()
    # Far right: Phi(11) - Phi(10) rounds to 0; sf(10) - sf(11) keeps 7.6e-24.
    exact_right = float(N.sf(10) - N.sf(11))
    assert qd._inner_mass(N, 10.0, 11.0, +1) == pytest.approx(exact_right, rel=1e-14, abs=0)
    assert qd._inner_mass(N, 11.0, 10.0, -1) == pytest.approx(exact_right, rel=1e-14, abs=0)
    # Far left, mirrored.
    assert qd._inner_mass(N, -10.0, -11.0, -1) == pytest.approx(exact_right, rel=1e-14, abs=0)
    assert qd._inner_mass(N, -11.0, -10.0, +1) == pytest.approx(exact_right, rel=1e-14, abs=0)


def test_power_law_recovers_beta_ends_exactly() -> None:
    # Beta(a, 1) has density a s**(a - 1) at distance s from 0; Beta(1, b) b s**(b - 1)
    # from 1: the fit recovers (log C, alpha) from two masses.
    c, alpha = qd._power_law(stats.beta(0.5, 1), 0.0, (1e-3, 5e-4), +1)
    assert (c, alpha) == pytest.approx((math.log(0.5), -0.5), rel=1e-13, abs=0)
    c, alpha = qd._power_law(stats.beta(1, 0.1), 1.0, (1e-3, 5e-4), -1)
    assert (c, alpha) == pytest.approx((math.log(0.1), -0.9), rel=1e-12, abs=0)
    c, alpha = qd._power_law(stats.beta(1, 3), 1.0, (1e-3, 5e-4), -1)
    assert (c, alpha) == pytest.approx((math.log(3.0), 2.0), rel=1e-10, abs=0)
    # The end 1 of Beta(2.5, 1, loc=1) on its right: distances that round (1 + 3.4e-16
    # is 1 + 4.4e-16) are fitted as they round.
    c, alpha = qd._power_law(stats.beta(2.5, 1, loc=1), 1.0, (3.4e-16, 2.2e-16), +1)
    assert (c, alpha) == pytest.approx((math.log(2.5), 1.5), rel=1e-6, abs=0)


def test_power_law_of_a_law_without_mass_there() -> None:
    assert qd._power_law(U01, 0.0, (1e-3, 5e-4), -1) == (-math.inf, 0.0)
    assert qd._power_law(stats.uniform(2, 1), 1.0, (1e-3, 5e-4), +1) == (-math.inf, 0.0)


def test_power_law_at_an_ulp_is_the_mean_density() -> None:
    # Next to 1 a distance of half an ulp rounds to 0 (below) or to one ulp (above): no
    # second distance to fit; the model is the mean density over the sliver, alpha = 0.
    assert qd._power_law(U01, 1.0, (1.1e-16, 5.5e-17), -1) == (0.0, 0.0)
    assert qd._power_law(stats.uniform(1, 1), 1.0, (2.2e-16, 1.5e-16), +1) == (0.0, 0.0)
    c, alpha = qd._power_law(stats.uniform(0, 0.5), 0.5, (5.5e-17, 2e-17), -1)
    assert (c, alpha) == (pytest.approx(math.log(2.0), rel=1e-15, abs=0), 0.0)


def test_power_law_refuses_masses_it_cannot_fit() -> None:
    # U(0.5, 1) next to 0: mass 0.2 within 0.6, none within 0.3.
    with pytest.raises(ValueError, match=r"cannot resolve the density of uniform next to "
                       r"0.0: its mass within 0.6 is 0.19999999999999996 and within 0.3 is 0.0"):
        qd._power_law(stats.uniform(0.5, 0.5), 0.0, (0.6, 0.3), +1)
    # A histogram with all its mass within 0.2 of 0: the same mass within 0.5 and 0.25.
    with pytest.raises(ValueError, match=r"within 0\.5 is 1\.0 and within 0\.25 is 1\.0"):
        qd._power_law(histogram([1.0, 0.0], [0.0, 0.2, 1.0]), 0.0, (0.5, 0.25), +1)


# -- the sliver next to an end ------------------------------------------------------------


def test_end_tail_of_an_empty_sliver_is_zero() -> None:
    assert qd._end_tail(kl_terms, (U01, U01), 1.0, 1.0, -1) == (0.0, 0.0)


def test_end_tail_matches_the_closed_form_kl_next_to_0() -> None:
    # KL terms of Beta(0.5, 1) against U(0, 1) on [0, s]:
    # int_0^s 0.5 x**-0.5 log(0.5 x**-0.5) dx = sqrt(s) (log 0.5 - 0.5 log s + 1).
    s = 1e-6
    v, e = qd._end_tail(kl_terms, (stats.beta(0.5, 1), U01), 0.0, s, +1)
    exact = math.sqrt(s) * (math.log(0.5) - 0.5 * math.log(s) + 1.0)
    assert abs(v - exact) <= 1e-17 and e <= 1e-14


def test_end_tail_next_to_1_error_is_its_rounding_term() -> None:
    # Beta(1, 0.5) (density 0.5 s**-0.5) against Beta(1, 2) (2 s): both exact power laws
    # of s = 1 - x, so the two fits agree and the estimate is the documented rounding term
    # mass * ulp(1) / s * (1 + |log p - log q|) at s; the value is the closed form
    # int_0^s 0.5 u**-0.5 log(0.25 u**-1.5) du = sqrt(s) log 0.25 - 1.5 sqrt(s) (log s - 2).
    P, Q = stats.beta(1, 0.5), stats.beta(1, 2)
    v, e = qd._end_tail(kl_terms, (P, Q), 1.0, 1 - 1e-7, -1)
    s = 1.0 - (1 - 1e-7)
    exact = math.sqrt(s) * math.log(0.25) - 1.5 * math.sqrt(s) * (math.log(s) - 2.0)
    assert abs(v - exact) <= 1e-16
    mass = math.sqrt(s) + s * s
    spread = abs((math.log(0.5) - 0.5 * math.log(s)) - (math.log(2.0) + math.log(s)))
    assert e == pytest.approx(mass * math.ulp(1.0) / s * (1.0 + spread), rel=1e-3, abs=0)


def test_end_tail_rounding_term_without_the_other_density() -> None:
    # U(0, 0.5) has no mass next to 1: the spread term is 0 and the estimate is
    # mass * ulp(1) / s for Beta(1, 0.5)'s mass sqrt(s).
    P = stats.beta(1, 0.5)
    v, e = qd._end_tail(mass_of_p, (P, stats.uniform(0, 0.5)), 1.0, 1 - 1e-7, -1)
    s = 1.0 - (1 - 1e-7)
    assert v == pytest.approx(math.sqrt(s), rel=1e-13, abs=0)
    assert e == pytest.approx(math.sqrt(s) * math.ulp(1.0) / s, rel=1e-3, abs=0)


def test_end_tail_bounds_the_mass_below_1e300() -> None:
    # Beta(0.001, 1) holds (1e-300)**0.001 = 0.501 of its mass within 1e-300 of 0. The
    # sliver integral stops there; the estimate adds the models' masses there, times
    # (1 + |log p - log q|) (the bound for KL-like integrands): U(0, 2)'s is 5e-301.
    P = stats.beta(0.001, 1)
    s = 1e-7
    v, e = qd._end_tail(mass_of_p, (P, stats.uniform(0, 2)), 0.0, s, +1)
    rest = 1e-300 ** 0.001
    assert v == pytest.approx(s ** 0.001 - rest, rel=1e-9, abs=0)
    spread = abs(math.log(0.001) + (0.001 - 1.0) * math.log(1e-300) - math.log(0.5))
    assert e == pytest.approx(rest * (1.0 + spread), rel=1e-6, abs=0)
    # Without the other law's mass there (U(0.5, 1.5)), the factor is 1: the estimate
    # is the mass left out, and covers it.
    v, e = qd._end_tail(mass_of_p, (P, stats.uniform(0.5, 1)), 0.0, s, +1)
    assert e == pytest.approx(rest, rel=1e-6, abs=0) and abs(v - s ** 0.001) <= e


def test_end_tail_model_error_is_ten_times_the_two_fits_difference() -> None:
    # N(0, 1) folded to [0, inf) is no power law at 0 (density 2 phi(s)): the models
    # fitted at (s0, s0/2) and at (s0/2, s0/4) differ. The estimate is 10 times the
    # difference of their integrals over [1e-300, s0] (C (s0**(a+1) - 1e-300**(a+1)) / (a+1)
    # for the mass), quad's error and the rounding term being nil here (e = 0); it covers
    # the actual error.
    P = stats.halfnorm()
    s0 = 1e-3
    v, e = qd._end_tail(mass_of_p, (P, P), 0.0, s0, +1)
    ints = []
    for s in ((s0, s0 / 2), (s0 / 2, s0 / 4)):
        c, a = qd._power_law(P, 0.0, s, +1)
        ints.append(math.exp(c) * (s0 ** (a + 1) - 1e-300 ** (a + 1)) / (a + 1))
    assert v == pytest.approx(ints[0], rel=1e-13, abs=0)
    assert e == pytest.approx(10.0 * abs(ints[0] - ints[1]), rel=1e-3, abs=0)
    assert abs(v - float(P.cdf(s0))) <= e <= 1e-8


# -- density jumps -------------------------------------------------------------------------


def test_density_jumps_finds_the_edges_of_a_bin_without_mass() -> None:
    H = histogram([1.0, 0.0, 1.0], [0.0, 1.0, 2.0, 3.0])
    jumps = sorted(qd.density_jumps((H, stats.uniform(0, 3)), 0.0, 3.0))
    assert jumps == pytest.approx([1.0, 2.0], abs=4e-16, rel=0)
    # Alone (no probe point of the other law inside the empty bin) too.
    assert sorted(qd.density_jumps((H,), 0.0, 3.0)) == pytest.approx([1.0, 2.0], abs=4e-16, rel=0)


def test_density_jumps_finds_several_between_two_probe_points() -> None:
    # A staircase of ten steps between 1 and 2 holding 5.5e-6 of the mass: no probe level
    # falls there, so its eleven edges lie between two probe points (1 and 2 + 2e-6).
    edges = [0.0, *np.linspace(1.0, 2.0, 11), 3.0]
    counts = [0.5, *(1e-7 * np.arange(1, 11)), 0.5 - 5.5e-6]
    jumps = sorted(qd.density_jumps((histogram(counts, edges),), 0.0, 3.0))
    assert jumps == pytest.approx(edges[1:-1], abs=1e-15, rel=0)


def test_density_jumps_are_located_to_the_documented_precision() -> None:
    # No mass on (1, 1000): the jump at 1 lies between the probe points 1 (to an ulp) and
    # 1000.008; 60 halvings locate it to within 999.008 * 2**-60 = 8.7e-16 (3 ulps here,
    # 7 after 59 halvings).
    H = histogram([0.5, 0.0, 0.5], [0.0, 1.0, 1000.0, 1001.0])
    pts = qd._probe_points((H,), 0.0, 1001.0)
    k = int(np.searchsorted(pts, 1.0, side="right")) - 1
    assert 1.0 - 1e-15 < pts[k] <= 1.0 and pts[k + 1] > 1000.0
    jumps = sorted(qd.density_jumps((H,), 0.0, 1001.0))
    assert len(jumps) == 2 and jumps[1] == 1000.0
    assert 0.0 < jumps[0] - 1.0 <= (pts[k + 1] - pts[k]) * 2.0 ** -60


def test_density_jumps_between_exactly_two_probe_points() -> None:
    # Density 1/3 on [0, 1] and 2/3 on [1, 2]; (0.98, 1.001) holds the probe points
    # 0.9876 and 1.00005 only, and the jump at 1 between them.
    H = histogram([1.0, 2.0], [0.0, 1.0, 2.0])
    assert qd._probe_points((H,), 0.98, 1.001).size == 2
    assert sorted(qd.density_jumps((H,), 0.98, 1.001)) == pytest.approx([1.0], abs=2.3e-16,
                                                                          rel=0)


def test_density_jumps_of_smooth_laws_and_of_support_ends() -> None:
    assert qd.density_jumps((stats.norm(), stats.norm(1, 2)), -np.inf, np.inf) == set()
    assert qd.density_jumps((stats.cauchy(), stats.laplace()), -np.inf, np.inf) == set()
    # Beta(0.5, 0.5)'s density is unbounded at its ends: whatever is found is next to them.
    jumps = qd.density_jumps((stats.cauchy(), stats.beta(0.5, 0.5)), -np.inf, np.inf)
    assert all(min(abs(t), abs(t - 1.0)) < 1e-15 for t in jumps)
    # U(0, 1) and U(2, 3): each density jumps at its ends inside (0, 3), never where
    # both sides of an interval are 0.
    jumps = sorted(qd.density_jumps((U01, stats.uniform(2, 1)), 0.0, 3.0))
    assert jumps == pytest.approx([1.0, 2.0], abs=4e-16, rel=0)


# -- integrate_densities: slivers and pieces ----------------------------------------------


def spy(monkeypatch):
    """Record the slivers and the quad pieces integrate_densities asks for."""
    calls: dict[str, list] = {"tail": [], "quad": []}

    def tail(g, dists, e, x, side):
        calls["tail"].append((e, x, side))
        return 0.0, 0.0

    def piece(f, a, b):
        calls["quad"].append((a, b))
        return 0.0, 0.0

    monkeypatch.setattr(qd, "_end_tail", tail)
    monkeypatch.setattr(qd, "quad_piece", piece)
    return calls


def test_sliver_widths_and_the_cuts_kept(monkeypatch) -> None:
    calls = spy(monkeypatch)
    # Ends 0 and 1; the interquartile range 0.5: slivers 1e-7 * max(|e|, 0.5). A cut at
    # or within twice a sliver of an end is dropped (1e-7 is exactly twice 5e-8), one
    # beyond kept (1.2e-7 is more than 2 but less than 3 slivers; 1 - 2.5e-7 likewise).
    cuts = [1e-7, 1.2e-7, 0.5, 1 - 1.5e-7, 1 - 2.5e-7]
    qd.integrate_densities(mass_of_p, (U01, U01), cuts, 0.0, 1.0, "test")
    d0, d1 = 1e-7 * 0.5, 1e-7 * 1.0
    assert calls["tail"] == [(0.0, d0, +1), (1.0, 1.0 - d1, -1)]
    assert calls["quad"] == [(d0, 1.2e-7), (1.2e-7, 0.5), (0.5, 1 - 2.5e-7),
                             (1 - 2.5e-7, 1.0 - d1)]


def test_sliver_widths_next_to_close_ends(monkeypatch) -> None:
    calls = spy(monkeypatch)
    # Ends 0, 1 and 1 + 4e-8: the two close ones get a quarter of their gap each.
    b = 1 + 4e-8
    qd.integrate_densities(mass_of_p, (U01, stats.uniform(0, b)), [], 0.0, b, "test")
    gap = b - 1.0
    spread = float(stats.uniform(0, b).ppf(0.75) - stats.uniform(0, b).ppf(0.25))
    assert calls["tail"] == [
        (0.0, 1e-7 * spread, +1), (1.0, 1.0 - 0.25 * gap, -1),
        (1.0, 1.0 + 0.25 * gap, +1), (b, b - 0.25 * gap, -1)]


def test_ends_at_most_four_ulps_apart_are_one_sliver(monkeypatch) -> None:
    calls = spy(monkeypatch)
    for k in (4, 5):
        calls["tail"].clear()
        calls["quad"].clear()
        b = 1.0 + k * math.ulp(1.0)
        qd.integrate_densities(mass_of_p, (U01, stats.uniform(0, b)), [], 0.0, b, "test")
        between = [t for t in calls["tail"] if t[0] == 1.0 and t[2] == +1]
        if k == 4:  # one sliver from 1 to b, no quad piece between
            assert between == [(1.0, b, +1)]
            assert all(a < 1.0 for a, _ in calls["quad"])
        else:  # slivers of a quarter gap each side of the quad piece between
            assert len(between) == 1 and 1.0 < between[0][1] < b
            assert sum(1.0 < a < b for a, _ in calls["quad"]) == 1


def test_integrate_densities_of_unbounded_densities_at_both_ends() -> None:
    # Beta(0.1, 0.1) on [1, 2] beside U(1, 2) (the cuts of both, as the callers make
    # them): unbounded at both ends, away from 0 (the slivers hold the mass that floats
    # next to 1 and 2 cannot show): its total mass is 1, and the estimate covers the error.
    P, U = stats.beta(0.1, 0.1, loc=1), stats.uniform(1, 1)
    cuts = sorted(qd.mass_cuts((P, U), 1.0, 2.0))
    v, e = qd.integrate_densities(mass_of_p, (P, U), cuts, 1.0, 2.0, "mass")
    assert abs(v - 1.0) <= e <= 1e-6
    # Its KL against U(1, 2): E[log p] = log B-function terms (closed form via digamma).
    from scipy.special import betaln, digamma

    a = 0.1
    exact = -betaln(a, a) + 2 * (a - 1) * (digamma(a) - digamma(2 * a))
    v, e = qd.integrate_densities(kl_terms, (P, U), cuts, 1.0, 2.0, "KL")
    assert abs(v - exact) <= e <= 1e-6


def test_integrate_densities_stays_inside_lo_hi() -> None:
    # Q = U(-1, 3) over [0, 1] (KL's range is P's support): the ends -1 and 3 lie
    # outside and cut nothing; Q's mass there is 1/4.
    def mass_of_q(lp: float, lq: float) -> float:
        return math.exp(lq)

    v, e = qd.integrate_densities(mass_of_q, (U01, stats.uniform(-1, 4)), [], 0.0, 1.0, "q")
    assert abs(v - 0.25) <= e + 1e-16 and e < 1e-13


def test_integrate_densities_refuses_a_divergent_piece() -> None:
    # KL(Cauchy || N(0, 1)) = inf: quad calls the far pieces divergent.
    with pytest.raises(ValueError, match=r"KL: the quadrature on .* did not converge"):
        qd.integrate_densities(kl_terms, (stats.cauchy(), stats.norm()), [], -np.inf,
                               np.inf, "KL")


# -- the defects: jumps inside the support, ends an ulp or two apart -----------------------


@pytest.mark.parametrize(("counts", "edges"), [
    ([1.0, 0.0, 1.0], [0.0, 1.0, 2.0, 3.0]),
    ([1.0, 2.0, 0.0], [0.0, 1.0, 2.0, 3.0]),
    ([3.0, 0.0, 1.0, 2.0], [0.0, 0.5, 1.7, 2.2, 3.0]),
])
def test_histogram_against_uniform_is_the_finite_sum_over_bins(counts, edges) -> None:
    # Piecewise constant densities: KL, TV and JS are finite sums over the bins. Before
    # the jumps were cut, KL of the first came out 2e-4 off with an estimate of 8e-15.
    H = histogram(counts, edges)
    c, w = np.array(counts) / sum(counts), np.diff(edges)
    p, q = c / w, 1.0 / 3.0
    kl = sum(wi * pi * math.log(pi / q) for pi, wi in zip(p, w, strict=True) if pi > 0)
    tv = 0.5 * sum(wi * abs(pi - q) for pi, wi in zip(p, w, strict=True))
    m = (p + q) / 2
    js = 0.5 * sum(wi * ((pi * math.log(pi / mi) if pi > 0 else 0.0) + q * math.log(q / mi))
                   for pi, wi, mi in zip(p, w, m, strict=True))
    U = stats.uniform(0, 3)
    for f, exact in ((kl_divergence_continuous, kl), (total_variation_continuous, tv),
                     (js_divergence_continuous, js)):
        r = f(H, U)
        assert abs(r.value - exact) <= max(r.abserr, 1e-15) <= 1e-12, f.__name__


def test_laws_whose_ends_are_an_ulp_or_a_few_apart() -> None:
    # U(0, 1) against U(0, b), b = 1 + k ulp (1 + 1e-15 is k = 5; up to k = 4 the piece
    # between the ends is one sliver): TV = 1 - 1/b, KL = log b,
    # JS = ((1/b) log(2/(1 + b)) + log(2b/(1 + b)) + (1 - 1/b) log 2) / 2.
    for k in (1, 2, 5):
        b = 1.0 + k * math.ulp(1.0)
        V = stats.uniform(0, b)
        tv, kl = 1 - 1 / b, math.log(b)
        js = 0.5 * ((1 / b) * math.log(2 / (1 + b)) + math.log(2 * b / (1 + b))
                    + (1 - 1 / b) * math.log(2))
        for r, exact in ((total_variation_continuous(U01, V), tv),
                         (total_variation_continuous(V, U01), tv),
                         (kl_divergence_continuous(U01, V), kl),
                         (js_divergence_continuous(U01, V), js),
                         (js_divergence_continuous(V, U01), js)):
            assert abs(r.value - exact) <= r.abserr + 1e-30 <= 1e-14, (b, r)
