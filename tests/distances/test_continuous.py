"""Distances between 1-D continuous laws (scipy.stats frozen) by quadrature, and dispatch."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from distances import Discrete, earth_mover, js_divergence, kl_divergence, total_variation
from distances.closed_forms import closed_form
from distances.continuous import (
    QuadratureResult,
    as_continuous,
    earth_mover_continuous,
    is_scipy_distribution,
    js_divergence_continuous,
    kl_divergence_continuous,
    total_variation_continuous,
)

LOG2 = math.log(2.0)
# Quadrature of smooth integrands split at their kinks reaches ~1e-12 absolute here;
# 1e-10 leaves room for the quad error estimate, which is what the function reports.
QUAD_ATOL = 1e-10


class TestClosedForms:
    @pytest.mark.parametrize(
        ("mu", "s1", "nu", "s2"), [(0, 1, 1, 1), (0, 1, 1, 2), (2, 0.5, -1, 3)]
    )
    def test_kl_gaussians(self, mu, s1, nu, s2):
        P, Q = stats.norm(mu, s1), stats.norm(nu, s2)
        exact = math.log(s2 / s1) + (s1**2 + (mu - nu) ** 2) / (2 * s2**2) - 0.5
        assert closed_form("kl", P, Q) == pytest.approx(exact, rel=1e-14)
        r = kl_divergence_continuous(P, Q)
        assert r.value == pytest.approx(exact, rel=1e-9)
        assert abs(r.value - exact) <= max(r.abserr, 1e-12) * 10  # reported error is honest

    @pytest.mark.parametrize("shift", [0.0, 1e-3, 0.5, 3.0])
    def test_w1_translates(self, shift):
        pairs = [
            (stats.norm(0, 1), stats.norm(shift, 1)),
            (stats.gamma(2.0), stats.gamma(2.0, loc=shift)),
            (stats.uniform(0, 2), stats.uniform(shift, 2)),
            (stats.logistic(), stats.logistic(loc=shift)),
        ]
        for P, Q in pairs:
            assert closed_form("w1", P, Q) == pytest.approx(shift, abs=1e-15)
            assert earth_mover_continuous(P, Q).value == pytest.approx(shift, abs=QUAD_ATOL)

    def test_tv_gaussians_equal_variance(self):
        P, Q = stats.norm(0, 2), stats.norm(1, 2)
        exact = 2 * stats.norm.cdf(1 / 4) - 1
        assert total_variation_continuous(P, Q).value == pytest.approx(exact, abs=QUAD_ATOL)

    def test_uniform_intervals(self):
        # U[0,1] vs U[0.5,2.5]: TV = (1/2)(0.5|1 - 1/2| + 0.5 + 1.5/2) = 0.75;
        # W1 = int_0^1 |0.5 + u| du = 1.0; KL(U[0,1] || U[0,2]) = log 2.
        P, Q = stats.uniform(0, 1), stats.uniform(0.5, 2)
        assert closed_form("tv", P, Q) == 0.75
        assert total_variation_continuous(P, Q).value == pytest.approx(0.75, abs=QUAD_ATOL)
        assert closed_form("w1", P, Q) == 1.0
        assert earth_mover_continuous(P, Q).value == pytest.approx(1.0, abs=QUAD_ATOL)
        assert kl_divergence_continuous(P, stats.uniform(0, 2)).value == pytest.approx(
            LOG2, abs=QUAD_ATOL
        )
        assert closed_form("kl", P, stats.uniform(0, 2)) == LOG2
        # Not nested: P puts mass where Q has none -> exactly +inf, no quadrature.
        r = kl_divergence_continuous(P, Q)
        assert (r.value, r.abserr, r.method) == (math.inf, 0.0, "support_rule")

    def test_w1_uniform_crossing_quantiles(self):
        # U[0,2] vs U[0.5,1.5]: quantiles 2u and 0.5 + u cross at u = 1/2:
        # int |u - 0.5| du over [0,1] = 1/4.
        P, Q = stats.uniform(0, 2), stats.uniform(0.5, 1)
        assert closed_form("w1", P, Q) == 0.25
        assert earth_mover_continuous(P, Q).value == pytest.approx(0.25, abs=QUAD_ATOL)

    def test_no_closed_form_is_none(self):
        assert closed_form("js", stats.norm(0, 1), stats.norm(1, 1)) is None
        assert closed_form("w1", stats.norm(0, 1), stats.gamma(2)) is None


class TestJS:
    def test_disjoint_supports_give_log2(self):
        r = js_divergence_continuous(stats.uniform(0, 1), stats.uniform(1, 1))
        assert r.value == pytest.approx(LOG2, abs=1e-12)

    def test_identical_give_zero(self):
        assert js_divergence_continuous(stats.norm(0, 1), stats.norm(0, 1)).value == 0.0

    def test_half_overlap_uniform(self):
        # U[0,2] vs U[1,3]: on [1,2] p = q (no contribution), elsewhere log 2 with mass 1/2
        # each side: JS = 1/2 (1/2 log 2) + 1/2 (1/2 log 2) = log(2) / 2.
        r = js_divergence_continuous(stats.uniform(0, 2), stats.uniform(1, 2))
        assert r.value == pytest.approx(LOG2 / 2, abs=QUAD_ATOL)

    def test_small_shift_no_cancellation(self):
        # JS ~ KL / 4 = mu^2 / 8 for N(mu,1) vs N(0,1) as mu -> 0 (second-order expansion);
        # at mu = 1e-4 the relative correction is O(mu^2), far below 1e-6.
        mu = 1e-4
        r = js_divergence_continuous(stats.norm(mu, 1), stats.norm(0, 1))
        assert r.value == pytest.approx(mu**2 / 8, rel=1e-6)

    def test_bits(self):
        P, Q = stats.uniform(0, 1), stats.uniform(5, 1)
        assert js_divergence(P, Q, base=2) == pytest.approx(1.0, abs=1e-12)


class TestFarApart:
    """Laws whose mass lies far apart: quad on one infinite interval missed a bump."""

    @pytest.mark.parametrize("m", [50.0, 100.0, 1000.0])
    def test_distant_gaussians(self, m):
        # N(0, 1) vs N(m, 1): TV = 2 Phi(m / 2) - 1, KL = m^2 / 2, W1 = m; JS = log 2 minus
        # less than exp(-m^2 / 8) < 1e-130, so log 2 in float64.
        P, Q = stats.norm(0, 1), stats.norm(m, 1)
        tv = 2 * stats.norm.cdf(m / 2) - 1
        assert total_variation_continuous(P, Q).value == pytest.approx(tv, abs=QUAD_ATOL)
        assert js_divergence_continuous(P, Q).value == pytest.approx(LOG2, abs=QUAD_ATOL)
        assert kl_divergence_continuous(P, Q).value == pytest.approx(m**2 / 2, rel=1e-9)
        assert earth_mover_continuous(P, Q).value == pytest.approx(m, rel=1e-9)

    def test_narrow_law_far_from_the_other(self):
        # KL(N(100, 0.01) || N(0, 1)) = log(100) + (1e-4 + 1e4) / 2 - 1/2 (closed form);
        # it was 0 before the mass cuts, and 0.1 % low with 0.1 % quantile cuts only.
        P, Q = stats.norm(100, 0.01), stats.norm(0, 1)
        exact = math.log(100) + (1e-4 + 1e4) / 2 - 0.5
        assert kl_divergence_continuous(P, Q).value == pytest.approx(exact, rel=1e-9)
        assert total_variation_continuous(P, Q).value == pytest.approx(1.0, abs=QUAD_ATOL)
        assert js_divergence_continuous(P, Q).value == pytest.approx(LOG2, abs=QUAD_ATOL)


class TestAgainstDiscrete:
    def test_w1_dirac_vs_uniform(self):
        # E|U - c| for U ~ U[0,1] is c^2/2 + (1-c)^2/2.
        for c in (0.0, 0.3, 0.5, 1.0, 2.0):
            expected = (c**2 + (1 - c) ** 2) / 2 if 0 <= c <= 1 else c - 0.5
            got = earth_mover_continuous(stats.uniform(0, 1), Discrete([c]))
            assert got.value == pytest.approx(expected, abs=1e-13)
            assert earth_mover(Discrete([c]), stats.uniform(0, 1)) == pytest.approx(
                expected, abs=1e-13
            )

    def test_w1_gaussian_vs_two_atoms(self):
        # W1(N(0,1), (d_{-1} + d_1)/2) = 2 * int_0^inf |Phi(t) - 1/2 - 1/2 1{t>=1}| dt ...
        # cross-check against a fine quantile Riemann sum instead: int_0^1 |F^-1(u) - G^-1(u)|.
        u = (np.arange(2_000_000) + 0.5) / 2_000_000
        q = stats.norm.ppf(u)
        reference = np.mean(np.abs(q - np.where(u < 0.5, -1.0, 1.0)))
        got = earth_mover_continuous(stats.norm(), Discrete([-1.0, 1.0]))
        # Midpoint rule on 2e6 cells: error well below 1e-6 (the tails are integrable).
        assert got.value == pytest.approx(reference, abs=1e-6)
        assert got.abserr < 1e-10

    def test_w1_empirical_matches_sorted_formula(self):
        # Quantile form: W1 = sum_k int_{(k-1)/n}^{k/n} |u - x_(k)| du (x sorted), and
        # int_a^b |u - x| du = ((x-a)^2 + (b-x)^2)/2 if a <= x <= b, else |(a+b)/2 - x| (b-a).
        rng = np.random.default_rng(3)
        x = np.sort(rng.uniform(size=50))
        n = x.size
        a, b = np.arange(n) / n, np.arange(1, n + 1) / n
        exact = float(
            np.sum(
                np.where(
                    (x >= a) & (x <= b),
                    ((x - a) ** 2 + (b - x) ** 2) / 2,
                    np.abs((a + b) / 2 - x) * (b - a),
                )
            )
        )
        got = earth_mover_continuous(stats.uniform(), Discrete(x))
        assert got.value == pytest.approx(exact, abs=1e-13)

    def test_divergences_mutually_singular(self):
        P, D = stats.norm(0, 1), Discrete([0.0, 0.5])
        assert total_variation(P, D) == 1.0
        assert js_divergence(D, P) == LOG2
        assert kl_divergence(P, D) == math.inf
        assert kl_divergence(D, P) == math.inf
        r = total_variation_continuous(D, P)
        assert (r.abserr, r.method) == (0.0, "mutually_singular")

    def test_discrete_not_on_line(self):
        with pytest.raises(ValueError, match="dimension 1; got dimension 2"):
            earth_mover_continuous(stats.norm(), Discrete([[0.0, 1.0]]))


class TestDispatch:
    def test_public_functions_accept_scipy_laws(self):
        P, Q = stats.norm(0, 1), stats.norm(2, 1)
        assert earth_mover(P, Q) == pytest.approx(2.0, abs=QUAD_ATOL)
        assert kl_divergence(P, Q) == pytest.approx(2.0, abs=QUAD_ATOL)
        assert total_variation(P, Q) == pytest.approx(2 * stats.norm.cdf(1) - 1, abs=QUAD_ATOL)
        assert 0 < js_divergence(P, Q) < LOG2

    def test_result_object(self):
        r = earth_mover_continuous(stats.norm(0, 1), stats.norm(1, 1))
        assert isinstance(r, QuadratureResult)
        assert float(r) == r.value
        assert 0 <= r.abserr < 1e-9

    def test_is_scipy_distribution(self):
        assert is_scipy_distribution(stats.norm(0, 1))
        assert is_scipy_distribution(stats.norm)
        assert is_scipy_distribution(stats.poisson(2))
        assert not is_scipy_distribution(Discrete([0.0]))
        assert not is_scipy_distribution([0.5, 0.5])

    def test_w1_rejects_solver_options(self):
        with pytest.raises(ValueError, match=r"do not apply to scipy\.stats"):
            earth_mover(stats.norm(), stats.norm(1), method="network_simplex")


class TestRejects:
    def test_unfrozen(self):
        with pytest.raises(ValueError, match=r"must be a frozen distribution.*unfrozen norm"):
            total_variation(stats.norm, stats.norm(0, 1))

    def test_invalid_parameters(self):
        # scipy freezes stats.norm(0, -1) without complaint; TV then came out 0 with a NaN error
        with pytest.raises(ValueError, match=r"Q must have valid parameters; got norm .*\(0, -1\)"):
            total_variation(stats.norm(0, 1), stats.norm(0, -1))

    def test_discrete_scipy(self):
        with pytest.raises(ValueError, match=r"discrete scipy\.stats distribution poisson"):
            kl_divergence(stats.norm(0, 1), stats.poisson(3))

    def test_multivariate(self):
        with pytest.raises(ValueError, match="one-dimensional; got the multivariate"):
            js_divergence(stats.multivariate_normal([0, 0]), stats.norm(0, 1))

    def test_infinite_mean(self):
        with pytest.raises(ValueError, match="finite mean; got cauchy"):
            earth_mover(stats.cauchy(), stats.norm())

    def test_two_discrete(self):
        with pytest.raises(ValueError, match="at least one continuous"):
            earth_mover_continuous(Discrete([0.0]), Discrete([1.0]))

    def test_as_continuous_returns_input(self):
        P = stats.expon(scale=2)
        assert as_continuous(P) is P


@settings(max_examples=10, deadline=None)  # ~0.4 s per example (4 quadratures)
@given(
    mu=st.floats(-3, 3),
    nu=st.floats(-3, 3),
    s1=st.floats(0.3, 3),
    s2=st.floats(0.3, 3),
)
def test_gaussian_pairs_closed_form_and_inequalities(mu, nu, s1, s2):
    P, Q = stats.norm(mu, s1), stats.norm(nu, s2)
    kl = kl_divergence_continuous(P, Q).value
    # Closed form as the oracle; 1e-8 relative covers the quadrature (abserr ~1e-12) for
    # KL values down to ~1e-4, and 1e-12 absolute the near-identical pairs.
    assert kl == pytest.approx(closed_form("kl", P, Q), rel=1e-8, abs=1e-12)
    tv = total_variation_continuous(P, Q).value
    js = js_divergence_continuous(P, Q).value
    slack = 1e-9  # quadrature error on values of order 1e-3 and above
    assert tv <= math.sqrt(kl / 2) + slack  # Pinsker
    assert tv <= math.sqrt(2 * js) + slack
    assert js <= LOG2 * tv + slack
    assert 0 <= js <= LOG2 and 0 <= tv <= 1
