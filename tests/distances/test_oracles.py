"""Every distance against an independent implementation, and W1 against its certificate.

Oracles: scipy's ``entropy`` (KL), ``jensenshannon`` (sqrt of JS), ``wasserstein_distance``
(1-D W1), ``wasserstein_distance_nd`` (HiGHS LP), ``linear_sum_assignment`` (equal-size
uniform clouds), and our own two W1 paths against each other (1-D closed form and POT's
network simplex). Every solved transport problem here also passes :func:`check_solution`.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import example, given, settings
from numpy.testing import assert_allclose
from scipy.optimize import linear_sum_assignment
from scipy.spatial.distance import cdist, jensenshannon
from scipy.stats import entropy, wasserstein_distance, wasserstein_distance_nd

from distances import (
    Discrete,
    EarthMoverSolution,
    certify,
    earth_mover,
    earth_mover_solution,
    js_divergence,
    kl_divergence,
)
from distances.testing import measure_tuples, probability_vector_pairs
from distances.testing.tolerances import DIVERGENCE_ATOL, w1_atol
from distances.wasserstein import CERTIFICATE_RTOL

# Sums of at most 16 terms of size <= 1: absolute round-off below 16 * 4 * eps ~ 1.4e-14.
ATOL_DIV = DIVERGENCE_ATOL  # 1e-13 (derived in test_properties.py)
# HiGHS (behind wasserstein_distance_nd) stops at primal/dual feasibility 1e-7, an absolute
# tolerance per constraint: a weight of 6e-8 can be ignored, moving the value by 6e-8 times
# a cost. So its value is trusted to RTOL_HIGHS relative plus highs_atol() absolute.
RTOL_HIGHS = 1e-7


def highs_atol(n_constraints: int, max_cost: float) -> float:
    """1e-7 feasibility slack on each of n + m marginal constraints, times the largest cost."""
    return 1e-7 * n_constraints * max_cost

LP_SETTINGS = settings(max_examples=30)


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(1701_07875)


def check_solution(sol: EarthMoverSolution) -> None:
    """The certificate holds, and each of its claims is true of the returned arrays."""
    cert = sol.certificate
    assert cert.ok, cert
    assert cert.marginal_error <= CERTIFICATE_RTOL
    assert cert.dual_infeasibility <= cert.tolerance and cert.duality_gap <= cert.tolerance
    # Check the claims directly, independently of certify(). Coordinates are divided by a
    # power of two near their largest magnitude first (exact), so that cdist's squares
    # cannot overflow at 1e200 nor underflow at 1e-200.
    extent = max(float(np.abs(sol.x).max()), float(np.abs(sol.y).max()))
    s = 2.0 ** math.floor(math.log2(extent)) if extent > 0 else 1.0
    cost = cdist(sol.x / s, sol.y / s) * s
    # cdist's sqrt((x - y)^2) and the closed form's |x - y| can differ by an ulp.
    assert math.isclose(cert.cost_scale, cost.max(), rel_tol=1e-15)
    assert_allclose(sol.plan.sum(axis=1), sol.a, rtol=0, atol=CERTIFICATE_RTOL)
    assert_allclose(sol.plan.sum(axis=0), sol.b, rtol=0, atol=CERTIFICATE_RTOL)
    assert (sol.plan >= 0).all()
    assert (np.add.outer(sol.u, sol.v) - cost).max() <= cert.tolerance
    assert math.isclose(sol.a @ sol.u + sol.b @ sol.v, sol.value, abs_tol=cert.tolerance)
    assert math.isclose(float((sol.plan * cost).sum()), sol.value, abs_tol=cert.tolerance)


class TestOneDimensionalPaths:
    @given(measure_tuples(2, max_size=6, duplicates=True))
    @example((Discrete([0.0]), Discrete([0.0])))
    @example((Discrete([0.0, 1.0], [1.0, 0.0]), Discrete([0.5])))  # a zero-weight atom
    @example((Discrete([26.0]), Discrete([24.0, 28.0], [1.0, 0.0])))  # 26/28 is inexact
    def test_closed_form_equals_network_simplex(self, pair: tuple[Discrete, Discrete]) -> None:
        P, Q = pair
        closed = earth_mover_solution(P, Q)
        simplex = earth_mover_solution(P, Q, method="network_simplex")
        assert (closed.method, simplex.method) == ("closed_form_1d", "network_simplex")
        check_solution(closed)
        check_solution(simplex)
        assert math.isclose(closed.value, simplex.value, abs_tol=w1_atol(P, Q))
        assert earth_mover(P, Q) == closed.value

    @given(measure_tuples(2, max_size=8, duplicates=True, allow_zeros=False))
    def test_closed_form_equals_scipy(self, pair: tuple[Discrete, Discrete]) -> None:
        P, Q = pair
        expected = wasserstein_distance(P.atoms[:, 0], Q.atoms[:, 0], P.weights, Q.weights)
        assert math.isclose(earth_mover(P, Q), expected, rel_tol=1e-12, abs_tol=w1_atol(P, Q))

    @pytest.mark.parametrize("n", [1, 2, 1000, 10_000])
    def test_equal_size_samples_match_scipy(self, rng: np.random.Generator, n: int) -> None:
        x, y = rng.normal(size=n), rng.exponential(size=n)
        ours = earth_mover(Discrete.from_samples(x), Discrete.from_samples(y))
        # Same sorted differences, summed in another order: 1e-12 relative.
        assert_allclose(ours, wasserstein_distance(x, y), rtol=1e-12)

    def test_samples_with_ties_use_the_cdf_path(self, rng: np.random.Generator) -> None:
        x, y = rng.integers(0, 5, size=300), rng.integers(2, 9, size=200)
        ours = earth_mover(Discrete.from_samples(x), Discrete.from_samples(y))
        assert_allclose(ours, wasserstein_distance(x, y), rtol=1e-12)


class TestPlaneAgainstOtherSolvers:
    @LP_SETTINGS
    @given(measure_tuples(2, dim=2, max_size=5))
    @example((Discrete([[0.0, 0.0], [1.0, 1.0]], [1.0, 0.0]), Discrete([[1.0, 0.0]])))
    @example(  # W1 = 0.5 exactly; HiGHS ignores the weight 6e-8 and says 0.49999994
        (
            Discrete([[0.0, 0.0], [0.0, 1.0]]),
            Discrete([[0.0, -1.0], [0.0, 1.0]], [5.960464122267716e-08, 0.9999999403953588]),
        )
    )
    def test_network_simplex_equals_highs(self, pair: tuple[Discrete, Discrete]) -> None:
        P, Q = pair
        sol = earth_mover_solution(P, Q)
        check_solution(sol)
        expected = wasserstein_distance_nd(P.atoms, Q.atoms, P.weights, Q.weights)
        atol = highs_atol(P.size + Q.size, sol.certificate.cost_scale)
        assert math.isclose(sol.value, expected, rel_tol=RTOL_HIGHS, abs_tol=atol)

    @pytest.mark.parametrize(("n", "d"), [(1, 2), (7, 2), (60, 2), (25, 3), (40, 5)])
    def test_equal_size_uniform_clouds_match_assignment(
        self, rng: np.random.Generator, n: int, d: int
    ) -> None:
        # Birkhoff: for uniform weights on n + n points an optimal plan is a permutation.
        x, y = rng.normal(size=(n, d)), rng.uniform(-1, 2, size=(n, d))
        cost = cdist(x, y)
        rows, cols = linear_sum_assignment(cost)
        sol = earth_mover_solution(Discrete.from_samples(x), Discrete.from_samples(y))
        check_solution(sol)
        assert_allclose(sol.value, cost[rows, cols].mean(), rtol=1e-12)

    def test_weighted_clouds_match_highs(self, rng: np.random.Generator) -> None:
        x, y = rng.normal(size=(30, 3)), rng.normal(size=(20, 3)) + 0.5
        a, b = rng.dirichlet(np.ones(30)), rng.dirichlet(np.ones(20))
        sol = earth_mover_solution(Discrete(x, a), Discrete(y, b))
        check_solution(sol)
        assert_allclose(sol.value, wasserstein_distance_nd(x, y, a, b), rtol=RTOL_HIGHS)

    def test_cost_matrix_path_equals_point_path(self, rng: np.random.Generator) -> None:
        x, y = rng.normal(size=(15, 2)), rng.normal(size=(9, 2))
        a, b = rng.dirichlet(np.ones(15)), rng.dirichlet(np.ones(9))
        by_points = earth_mover(Discrete(x, a), Discrete(y, b))
        by_cost = earth_mover_solution(a, b, cost=cdist(x, y))
        assert by_cost.x is None and by_cost.certificate.ok
        # Discrete sorts its atoms, so the two LPs list the same variables in another order.
        assert_allclose(by_cost.value, by_points, rtol=1e-12)


class TestCertificate:
    @pytest.mark.parametrize("scale", [1e-200, 1e-10, 1.0, 1e10, 1e200])
    def test_holds_at_every_cost_scale(self, rng: np.random.Generator, scale: float) -> None:
        x, y = rng.normal(size=(20, 2)), rng.normal(size=(20, 2))
        unit = earth_mover(Discrete.from_samples(x), Discrete.from_samples(y))
        P, Q = Discrete.from_samples(scale * x), Discrete.from_samples(scale * y)
        sol = earth_mover_solution(P, Q)
        check_solution(sol)
        assert_allclose(sol.value, scale * unit, rtol=1e-12)  # W1(aP, aQ) = a W1(P, Q)

    def test_detects_a_non_optimal_plan(self, rng: np.random.Generator) -> None:
        P = Discrete.from_samples(rng.normal(size=(10, 2)))
        Q = Discrete.from_samples(rng.normal(size=(10, 2)) + 1.0)
        sol = earth_mover_solution(P, Q)
        independent = np.outer(sol.a, sol.b)  # feasible, but not optimal
        cost = cdist(sol.x, sol.y)
        cert = certify(independent, sol.u, sol.v, sol.a, sol.b, cost)
        assert not cert.ok
        assert cert.marginal_error < 1e-15  # still a coupling ...
        assert cert.duality_gap == pytest.approx((independent * cost).sum() - sol.value)

    def test_detects_infeasible_potentials_and_wrong_marginals(self) -> None:
        cost = np.array([[0.0, 1.0], [1.0, 0.0]])
        plan, a = np.eye(2) / 2, np.array([0.5, 0.5])
        assert certify(plan, [0.0, 0.0], [0.0, 0.0], a, a, cost).ok
        bad_dual = certify(plan, [0.0, 0.25], [0.0, 0.0], a, a, cost)
        assert bad_dual.dual_infeasibility == 0.25 and bad_dual.duality_gap == 0.125
        assert not bad_dual.ok
        bad_marginal = certify(plan, [0.0, 0.0], [0.0, 0.0], [0.25, 0.75], a, cost)
        assert bad_marginal.marginal_error == 0.25 and not bad_marginal.ok

    def test_large_problem_is_checked_in_blocks(self, rng: np.random.Generator) -> None:
        # 600 x 500 = 300k slack entries > the 2^18 block: the row blocks must cover all rows.
        P = Discrete.from_samples(rng.normal(size=(600, 2)))
        Q = Discrete.from_samples(rng.normal(size=(500, 2)))
        sol = earth_mover_solution(P, Q)
        check_solution(sol)
        u = sol.u.copy()
        u[-1] += 1.0  # break feasibility in the last row only
        cert = certify(sol.plan, u, sol.v, sol.a, sol.b, cdist(sol.x, sol.y))
        assert cert.dual_infeasibility > 0.5


class TestDivergencesAgainstScipy:
    @given(probability_vector_pairs(max_size=10))
    @example((np.array([1.0, 0.0]), np.array([0.0, 1.0])))
    def test_js_is_scipy_jensenshannon_squared(self, pair: tuple[np.ndarray, np.ndarray]) -> None:
        p, q = pair
        for base in (None, 2.0):
            with np.errstate(invalid="ignore"):  # scipy's sqrt of a -1e-17 round-off
                root = jensenshannon(p, q, base=base)
            # scipy takes sqrt of a sum that round-off can make ~ -1e-17: NaN, read as 0.
            expected = 0.0 if np.isnan(root) else float(root) ** 2
            assert math.isclose(js_divergence(p, q, base=base), expected, abs_tol=ATOL_DIV)

    @given(probability_vector_pairs(max_size=10))
    @example((np.array([0.5, 0.5]), np.array([1.0, 0.0])))
    def test_kl_is_scipy_entropy(self, pair: tuple[np.ndarray, np.ndarray]) -> None:
        p, q = pair
        for x, y in ((p, q), (q, p)):
            expected = float(entropy(x, y))
            ours = kl_divergence(x, y)
            assert ours == expected or math.isclose(ours, expected, rel_tol=1e-12, abs_tol=ATOL_DIV)
