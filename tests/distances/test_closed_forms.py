"""closed_form against independent computations, and where it must answer None.

The closed forms are the reference the quadrature of :mod:`distances.continuous` is held
to, so each is checked here against something computed another way: the defining integral
(W1 of uniform laws from their linear quantile functions, by ``scipy.integrate.quad`` split
at the crossing), a piecewise-constant sum (TV of uniform laws), the textbook formula (KL of
Gaussians), or the support rule (KL is finite only for nested intervals).
"""

from __future__ import annotations

import itertools
import math

import pytest
from scipy import integrate, stats

from distances.closed_forms import closed_form

# (a, length) of uniform laws on [a, a + length]: nested, overlapping, disjoint, touching,
# equal ends on either side, and lengths whose difference is -1, +1 and 0.
INTERVALS = [(0.0, 1.0), (0.5, 2.0), (-0.5, 1.0), (0.25, 0.5), (2.0, 1.0), (1.0, 1.0),
             (0.0, 3.0), (-1.0, 2.0), (0.5, 1.0)]
PAIRS = list(itertools.permutations(INTERVALS, 2))


def w1_by_quantiles(i: tuple[float, float], j: tuple[float, float]) -> float:
    """int_0^1 |F^-1(u) - G^-1(u)| du, the quantiles a + u * length, by quadrature."""
    (a1, l1), (a2, l2) = i, j

    def gap(u: float) -> float:
        return abs((a1 + u * l1) - (a2 + u * l2))

    cut = (a2 - a1) / (l1 - l2) if l1 != l2 else 0.0  # where the quantiles cross
    edges = [0.0, cut, 1.0] if 0 < cut < 1 else [0.0, 1.0]
    return sum(integrate.quad(gap, lo, hi, epsabs=1e-15)[0] for lo, hi in itertools.pairwise(edges))


def tv_by_pieces(i: tuple[float, float], j: tuple[float, float]) -> float:
    """(1/2) sum over the pieces between the four ends of |p - q| times the piece's length."""
    (a1, l1), (a2, l2) = i, j
    ends = sorted({a1, a1 + l1, a2, a2 + l2})
    total = 0.0
    for lo, hi in itertools.pairwise(ends):
        mid = (lo + hi) / 2
        p = 1 / l1 if a1 <= mid <= a1 + l1 else 0.0
        q = 1 / l2 if a2 <= mid <= a2 + l2 else 0.0
        total += abs(p - q) * (hi - lo)
    return total / 2


@pytest.mark.parametrize(("i", "j"), PAIRS)
def test_w1_of_uniform_laws_is_the_integral_of_the_quantile_gap(i, j) -> None:
    P, Q = stats.uniform(*i), stats.uniform(*j)
    assert closed_form("w1", P, Q) == pytest.approx(w1_by_quantiles(i, j), rel=1e-12, abs=1e-14)


@pytest.mark.parametrize(("i", "j"), PAIRS)
def test_tv_of_uniform_laws_is_the_sum_over_pieces(i, j) -> None:
    P, Q = stats.uniform(*i), stats.uniform(*j)
    assert closed_form("tv", P, Q) == pytest.approx(tv_by_pieces(i, j), rel=1e-12, abs=1e-15)


@pytest.mark.parametrize(("i", "j"), PAIRS)
def test_kl_of_uniform_laws_is_finite_exactly_for_nested_intervals(i, j) -> None:
    (a1, l1), (a2, l2) = i, j
    nested = a2 <= a1 and a1 + l1 <= a2 + l2  # P's support inside Q's
    expected = math.log(l2 / l1) if nested else math.inf
    assert closed_form("kl", stats.uniform(*i), stats.uniform(*j)) == expected


def test_kl_of_uniform_laws_with_shared_ends() -> None:
    # Equal left ends, equal right ends, and equal intervals are all nested.
    assert closed_form("kl", stats.uniform(0, 1), stats.uniform(0, 4)) == math.log(4.0)
    assert closed_form("kl", stats.uniform(3, 1), stats.uniform(0, 4)) == math.log(4.0)
    assert closed_form("kl", stats.uniform(0, 2), stats.uniform(0, 2)) == 0.0
    # Q inside P (the other way round): P has mass where Q has none.
    assert closed_form("kl", stats.uniform(0, 4), stats.uniform(0, 1)) == math.inf


def test_uniform_laws_far_from_zero_keep_their_lengths() -> None:
    # U(1e8, 1e-8) against U(1e8, 1.5e-8): the right ends 1e8 + l both round to the same
    # float (spacing 1.5e-8), yet the laws differ: W1 = (1.5e-8 - 1e-8) / 2, TV = 1 - 1/1.5,
    # KL = log 1.5 (this came out 0, 0 and 0 from the rounded ends).
    P, Q = stats.uniform(1e8, 1e-8), stats.uniform(1e8, 1.5e-8)
    assert closed_form("w1", P, Q) == pytest.approx(0.25e-8, rel=1e-12)
    assert closed_form("tv", P, Q) == pytest.approx(1 / 3, rel=1e-12)
    assert closed_form("kl", P, Q) == pytest.approx(math.log(1.5), rel=1e-12)


def test_w1_of_uniform_laws_whose_quantiles_cross_far_outside() -> None:
    # U(0, 1) against U(10, 1 + 1e-10): the quantile gap -10 - u 1e-10 would cross zero at
    # u = -1e11; W1 = 10 + 5e-11 (the crossing formula there cancels 5e11 against 5e11).
    value = closed_form("w1", stats.uniform(0, 1), stats.uniform(10, 1 + 1e-10))
    assert value == pytest.approx(10 + 5e-11, rel=1e-15)


@pytest.mark.parametrize(("mu", "nu", "s"), [(0.0, 1.0, 1.0), (0.0, 1.0, 2.0), (3.0, -1.0, 0.5),
                                              (0.0, 0.0, 3.0)])
def test_tv_of_gaussians_with_equal_variance(mu: float, nu: float, s: float) -> None:
    # TV = P(|X| < |mu - nu| / 2) for X ~ N(0, s^2): the two densities cross at the midpoint.
    d = abs(mu - nu) / 2
    exact = stats.norm(0, s).cdf(d) - stats.norm(0, s).cdf(-d)
    value = closed_form("tv", stats.norm(mu, s), stats.norm(nu, s))
    assert value == pytest.approx(exact, rel=1e-14, abs=1e-16)
    assert isinstance(value, float)


def test_kl_of_gaussians_with_equal_scales_is_the_mean_term_exactly() -> None:
    # log 1 = 0 and r^2 - 1 = 0 exactly: only (mu - nu)^2 / (2 s^2) remains.
    assert closed_form("kl", stats.norm(1.0, 2.0), stats.norm(-2.0, 2.0)) == 9.0 / 8.0
    assert closed_form("kl", stats.norm(0.0, 0.5), stats.norm(0.0, 0.5)) == 0.0


@pytest.mark.parametrize(
    ("distance", "P", "Q"),
    [
        ("js", stats.norm(0, 1), stats.norm(1, 1)),  # no closed form for JS
        ("js", stats.uniform(0, 1), stats.uniform(0, 2)),
        ("w1", stats.norm(0, 1), stats.norm(0, 2)),  # not translates
        ("tv", stats.norm(0, 1), stats.norm(0, 2)),  # unequal variances
        ("kl", stats.norm(0, 1), stats.logistic(0, 1)),  # different families
        ("w1", stats.gamma(2.0), stats.gamma(3.0)),  # same family, other shape
        ("kl", stats.gamma(2.0), stats.gamma(2.0, loc=1.0)),  # no form for gamma KL
        ("tv", stats.logistic(0, 1), stats.logistic(1, 1)),
    ],
)
def test_no_closed_form_gives_none(distance, P, Q) -> None:
    assert closed_form(distance, P, Q) is None


def test_translates_of_a_shaped_family_by_keyword_or_position() -> None:
    assert closed_form("w1", stats.gamma(a=2.5, loc=1.0, scale=2.0),
                       stats.gamma(2.5, 4.0, 2.0)) == 3.0


def test_unknown_distance_is_refused() -> None:
    with pytest.raises(ValueError, match=r"distance must be 'tv', 'kl', 'js' or 'w1'; got 'l2'"):
        closed_form("l2", stats.norm(), stats.norm())
