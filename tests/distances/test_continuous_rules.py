"""Rules of distances.continuous that mutation testing found unprotected.

Each test states one behaviour: the documented ranges hold even where the quadrature
overshoots them, the exact answers of the singular rule carry no error, bad arguments are
refused with a ValueError that names the argument, W1 against a Discrete measure adds the
stretches outside the law's support exactly, and every error estimate is non-negative
and covers the actual error (against closed forms or a 30-digit mpmath quadrature).
"""

from __future__ import annotations

import dataclasses
import math

import mpmath
import numpy as np
import pytest
from scipy import stats

from distances import Discrete
from distances.continuous import (
    as_continuous,
    earth_mover_continuous,
    is_scipy_distribution,
    js_divergence_continuous,
    kl_divergence_continuous,
    total_variation_continuous,
)

LOG2 = math.log(2.0)


def _honest(r, exact: float, slack: float = 1e-15) -> None:
    """The error estimate is non-negative and covers the actual error (``slack``: the
    round-off of the reference itself)."""
    assert r.abserr >= 0.0, r
    assert abs(r.value - exact) <= r.abserr + slack, (r, exact)


# -- ranges and exact answers ------------------------------------------------------------


def test_tv_and_js_stay_in_range_where_the_quadrature_overshoots() -> None:
    # Beta(5, 1) on [0, 1] and Beta(1, 5) on [1, 2] meet at 1: the supports are
    # disjoint, so TV = 1 and JS = log 2 exactly. The quadrature's sums come out 2.2e-16
    # above both (measured; 6e-13 for Beta(5, 0.3) against Beta(0.3, 5)): the ranges clip.
    P, Q = stats.beta(5, 1), stats.beta(1, 5, loc=1)
    assert total_variation_continuous(P, Q).value == 1.0
    assert js_divergence_continuous(P, Q).value == LOG2


def test_kl_is_never_negative() -> None:
    # KL(N(0, 1) || N(1e-9, 1)) = 5e-19; the quadrature's sum is -1.3e-17 (measured).
    r = kl_divergence_continuous(stats.norm(0, 1), stats.norm(1e-9, 1))
    assert 0.0 <= r.value <= 5e-19 + r.abserr


@pytest.mark.parametrize(
    ("fn", "value"),
    [(total_variation_continuous, 1.0), (kl_divergence_continuous, math.inf),
     (js_divergence_continuous, LOG2)],
)
def test_a_discrete_against_a_continuous_law_is_exact(fn, value: float) -> None:
    # Mutually singular: the value is exact, so its error estimate is exactly 0.
    for P, Q in [(Discrete([0.5]), stats.uniform(0, 1)), (stats.norm(0, 1), Discrete([0.0]))]:
        r = fn(P, Q)
        assert (r.value, r.abserr, r.method) == (value, 0.0, "mutually_singular")


def test_kl_of_a_law_without_mass_next_to_its_ends() -> None:
    # Beta(50, 50) has 5e-322 of its mass within 1e-7 of 1 (and 0 within 5e-8): the end
    # slivers hold no mass and contribute 0. KL(P || U(0, 1)) = -h(P), the entropy.
    # (This raised "cannot resolve the density" before.) 1e-14: round-off of the entropy.
    P = stats.beta(50, 50)
    r = kl_divergence_continuous(P, stats.uniform(0, 1))
    _honest(r, -float(P.entropy()), slack=1e-14)
    assert r.abserr < 1e-12


def test_js_where_one_density_is_far_below_the_other() -> None:
    # N(0, 1) against N(8, 1): past x = 7.75 the log-ratio exceeds 30 and JS's integrand
    # takes its large-ratio branch, log 2 - d - log1p(exp(-d)) (a 1e-12 effect). Held to
    # a 30-digit mpmath quadrature of the definition.
    mpmath.mp.dps = 30

    def integrand(x):
        p, q = mpmath.npdf(x, 0, 1), mpmath.npdf(x, 8, 1)
        return (p * mpmath.log(2 * p / (p + q)) + q * mpmath.log(2 * q / (p + q))) / 2

    exact = float(mpmath.quad(integrand, [-mpmath.inf, -10, 4, 18, mpmath.inf]))
    r = js_divergence_continuous(stats.norm(0, 1), stats.norm(8, 1))
    _honest(r, exact)
    assert r.abserr < 1e-12


# -- refusing what is not a frozen 1-D continuous law -------------------------------------


@pytest.mark.parametrize(
    ("obj", "message"),
    [
        (object(), "P must be a frozen one-dimensional continuous scipy.stats distribution "
                   r"\(rv_continuous_frozen\); got object"),
        (3.0, r"P must be a frozen one-dimensional .*; got float"),
        (stats.multivariate_normal([0.0, 0.0]), "P must be one-dimensional; got the "
                                                "multivariate multivariate_normal_frozen"),
        # A name without "multi" whose base class has it.
        (stats.dirichlet([1.0, 2.0]), "P must be one-dimensional; got the multivariate "
                                      "dirichlet_frozen"),
    ],
)
def test_what_is_not_a_frozen_continuous_law_is_refused_by_kind(obj, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        as_continuous(obj)


def test_the_refused_argument_is_named() -> None:
    with pytest.raises(ValueError, match=r"^P must be a frozen distribution"):
        earth_mover_continuous(stats.norm, Discrete([0.0]))
    with pytest.raises(ValueError, match=r"^Q must be a frozen distribution"):
        earth_mover_continuous(Discrete([0.0]), stats.norm)
    with pytest.raises(ValueError, match=r"^Q must be a continuous distribution"):
        total_variation_continuous(stats.norm(), stats.poisson(3))


def test_only_scipy_distributions_are_recognised() -> None:
    class LooksLikeOne:
        def cdf(self, x):
            return x

    assert not is_scipy_distribution(LooksLikeOne())
    assert not is_scipy_distribution(stats.qmc.Sobol(d=1, seed=0))  # scipy.stats, no cdf
    assert is_scipy_distribution(stats.norm(0, 1)) and is_scipy_distribution(stats.poisson)
    # Any one of cdf, pdf, pmf will do: a Dirichlet law has a pdf only.
    assert is_scipy_distribution(stats.dirichlet([1.0, 2.0]))


def test_results_are_immutable() -> None:
    r = total_variation_continuous(stats.uniform(0, 1), stats.uniform(0, 2))
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.value = 0.0  # type: ignore[misc]


def test_tv_of_gaussians_is_exact_and_honest() -> None:
    # The densities cross at 1/2: TV = 2 Phi(1/2) - 1.
    r = total_variation_continuous(stats.norm(0, 1), stats.norm(1, 1))
    _honest(r, 2 * stats.norm.cdf(0.5) - 1)
    assert r.abserr < 1e-12


# -- W1 against a Discrete measure ---------------------------------------------------------


def _psi(t: float) -> float:
    """int_{-inf}^t Phi = t Phi(t) + phi(t)."""
    return t * stats.norm.cdf(t) + stats.norm.pdf(t)


@pytest.mark.parametrize(
    ("F", "atoms", "exact"),
    [
        # All atoms above the support of U(0, 1), or below that of U(5, 6): W1 is the
        # difference of the means, the stretches off the support added exactly.
        (stats.uniform(0, 1), [2.0, 3.0], 2.0),
        (stats.uniform(5, 1), [1.0, 2.0], 4.0),
        # E|X - m| for X ~ N(0, 1): Psi(m) + Psi(-m).
        (stats.norm(0, 1), [0.5], _psi(0.5) + _psi(-0.5)),
        (stats.norm(0, 1), [-0.5], _psi(0.5) + _psi(-0.5)),
        # Two atoms of weight 1/2 on one side of 0: Psi(a) + (b - a)/2 - (Psi(b) - Psi(a))
        # + Psi(-b) below 0, the mirror image above.
        (stats.norm(0, 1), [-1.0, -0.5], 2 * _psi(-1.0) + 0.25 - _psi(-0.5) + _psi(0.5)),
        (stats.norm(0, 1), [0.5, 1.0], 2 * _psi(-1.0) + 0.25 - _psi(-0.5) + _psi(0.5)),
        # Beta(1/2, 1), F(t) = sqrt(t) (unbounded density at 0, inside a piece), against
        # atoms -1/2 and 1/2: 1/4 + int_0^1/4 (1/2 - sqrt t) + int_1/4^1/2 (sqrt t - 1/2)
        # + int_1/2^1 (1 - sqrt t).
        (stats.beta(0.5, 1), [-0.5, 0.5],
         0.25 + 0.125 - 0.125 * 2 / 3 + (2 / 3 * (0.5**1.5 - 0.125) - 0.125)
         + 0.5 - 2 / 3 * (1 - 0.5**1.5)),
    ],
)
def test_w1_against_a_discrete_measure_is_exact_and_honest(F, atoms, exact: float) -> None:
    r = earth_mover_continuous(F, Discrete(atoms))
    _honest(r, exact, slack=1e-14)
    assert r.abserr < 1e-5
    assert earth_mover_continuous(Discrete(atoms), F).value == r.value



def test_w1_against_atoms_reports_the_12_point_rules_error() -> None:
    # Beta(24, 24) has a CDF that is a polynomial of degree 47, so the 24-point
    # Gauss-Legendre rule is exact on the pieces [0, 1/2] and [1/2, 1] between the atoms 0
    # and 1 (weights 1/2, F crosses 1/2 at 1/2) and the error estimate, |24-point -
    # 12-point|, is the 12-point rule's actual error there, computed here on its own.
    F = stats.beta(24, 24)
    mpmath.mp.dps = 30

    def cdf(t):
        return mpmath.betainc(24, 24, 0, t, regularized=True)

    half = mpmath.mpf(1) / 2
    exact = float(mpmath.quad(lambda t: half - cdf(t), [0, 0.25, 0.5])
                  + mpmath.quad(lambda t: cdf(t) - half, [0.5, 0.75, 1]))
    nodes, weights = np.polynomial.legendre.leggauss(12)
    twelve = sum(0.25 * (np.abs(F.cdf(0.25 * nodes + c) - 0.5) @ weights) for c in (0.25, 0.75))
    r = earth_mover_continuous(F, Discrete([0.0, 1.0]))
    assert r.value == pytest.approx(exact, rel=0, abs=1e-15)
    assert r.abserr == pytest.approx(abs(twelve - exact), rel=1e-4)  # 4.9e-11
