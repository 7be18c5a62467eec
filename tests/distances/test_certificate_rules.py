"""The certificate's rules, each fed a world where its claim is false.

A certificate is ``ok`` only when all three of its errors are within tolerance: marginals
against total mass 1, dual infeasibility and duality gap against ``1e-9`` times the
certificate's scale. These tests use the public API only (``distances.certify``,
``distances.Certificate`` and ``earth_mover_solution(...).certificate``), on inputs whose
errors are exact binary fractions, so every expected number is exact.
"""

from __future__ import annotations

import numpy as np
import pytest

from distances import Certificate, Discrete, certify, earth_mover_solution

RTOL = 1e-9  # the certificate's documented relative tolerance
TWO = np.array([0.5, 0.5])
SWAP = np.array([[0.0, 1.0], [1.0, 0.0]])  # two points at distance 1
STAY = np.diag(TWO)  # the optimal plan for SWAP: each point keeps its mass, cost 0
MOVE = np.fliplr(STAY)  # the worst plan: all mass moves, cost 1


class TestOkNeedsEachRule:
    def test_dual_infeasibility_alone_refuses(self) -> None:
        """An optimal plan with potentials that break u_i + v_j <= c_ij, and no duality gap
        (a.u + b.v = 0 = the plan's cost): the certificate still refuses it."""
        cert = certify(STAY, [1.0, -1.0], [-1.0, 1.0], TWO, TWO, SWAP)
        assert cert.duality_gap == 0.0 and cert.marginal_error == 0.0
        assert cert.dual_infeasibility == 1.0  # u_0 + v_1 - c_01 = 1 + 1 - 1
        assert not cert.ok

    def test_duality_gap_alone_refuses(self) -> None:
        """A feasible zero dual against the plan that moves everything: gap 1, refused."""
        cert = certify(MOVE, [0.0, 0.0], [0.0, 0.0], TWO, TWO, SWAP)
        assert (cert.marginal_error, cert.dual_infeasibility, cert.duality_gap) == (0, 0, 1)
        assert not cert.ok

    def test_marginal_error_alone_refuses(self) -> None:
        """Row sums 0.75 and 0.25 against weights 0.5 and 0.5: marginal error 0.25."""
        plan = np.array([[0.5, 0.25], [0.0, 0.25]])
        cost = np.zeros((2, 2))
        cert = certify(plan, [0.0, 0.0], [0.0, 0.0], TWO, TWO, cost)
        assert cert.marginal_error == 0.25
        assert cert.dual_infeasibility == 0.0 and cert.duality_gap == 0.0
        assert not cert.ok

    def test_column_marginal_error_is_measured(self) -> None:
        """Rows right, columns 0.75 and 0.25: the column error counts as much as a row's."""
        plan = np.array([[0.5, 0.0], [0.25, 0.25]])
        cert = certify(plan, [0.0, 0.0], [0.0, 0.0], TWO, TWO, np.zeros((2, 2)))
        assert cert.marginal_error == 0.25 and not cert.ok

    def test_negative_entry_is_a_marginal_error(self) -> None:
        """A 'plan' with exact marginals but an entry of -0.25 is not a coupling."""
        plan = np.array([[0.75, -0.25], [-0.25, 0.75]])
        cert = certify(plan, [0.0, 0.0], [0.0, 0.0], TWO, TWO, np.zeros((2, 2)))
        assert cert.marginal_error == 0.25 and not cert.ok

    def test_optimal_plan_and_dual_pass(self) -> None:
        """The optimum of SWAP with the zero dual: every error is exactly 0."""
        cert = certify(STAY, [0.0, 0.0], [0.0, 0.0], TWO, TWO, SWAP)
        assert (cert.marginal_error, cert.dual_infeasibility, cert.duality_gap) == (0, 0, 0)
        assert cert.ok


class TestToleranceIsRelative:
    @pytest.mark.parametrize("scale", [1e-12, 1e-30, 1e-200])
    def test_bad_plan_at_tiny_costs_refused(self, scale: float) -> None:
        """All costs tiny: the plan that moves everything has a gap of ``scale``, far above
        1e-9 of the scale. An absolute floor on the tolerance would pass it."""
        cert = certify(MOVE, [0.0, 0.0], [0.0, 0.0], TWO, TWO, scale * SWAP)
        assert cert.duality_gap == scale
        assert not cert.ok

    @pytest.mark.parametrize("scale", [1e-12, 1e-200, 1e200])
    def test_infeasible_dual_at_any_scale_refused(self, scale: float) -> None:
        cert = certify(STAY, [scale, -scale], [-scale, scale], TWO, TWO, scale * SWAP)
        assert cert.dual_infeasibility == scale and cert.duality_gap == 0.0
        assert not cert.ok

    @pytest.mark.parametrize("scale", [1e-12, 1e-200, 1e200])
    def test_optimum_at_any_scale_passes(self, scale: float) -> None:
        assert certify(STAY, [0.0, 0.0], [0.0, 0.0], TWO, TWO, scale * SWAP).ok


class TestToleranceBoundaries:
    """``ok`` is ``<=``: an error equal to the tolerance passes, a larger one does not."""

    def test_marginal_error_at_and_above_rtol(self) -> None:
        assert Certificate(RTOL, 0.0, 0.0, 1.0).ok
        assert not Certificate(2 * RTOL, 0.0, 0.0, 1.0).ok

    def test_gap_at_and_above_tolerance(self) -> None:
        assert Certificate(0.0, 0.0, 4 * RTOL, 4.0).ok  # tolerance 4e-9: 1e-9 of scale 4
        assert not Certificate(0.0, 0.0, 8 * RTOL, 4.0).ok

    def test_infeasibility_at_and_above_tolerance(self) -> None:
        assert Certificate(0.0, 4 * RTOL, 0.0, 4.0).ok
        assert not Certificate(0.0, 8 * RTOL, 0.0, 4.0).ok

    def test_marginal_tolerance_is_not_scaled(self) -> None:
        """Marginals are judged against mass 1, whatever the costs: a large cost scale
        does not excuse a marginal error of 1e-6."""
        assert not Certificate(1e-6, 0.0, 0.0, 1e6).ok

    def test_tolerance_is_rtol_times_scale(self) -> None:
        assert Certificate(0.0, 0.0, 0.0, 4.0).tolerance == 4 * RTOL
        assert Certificate(0.0, 0.0, 0.0, 100.0, 2.0).tolerance == 2 * RTOL

    def test_zero_scale_tolerance_is_positive_and_tiny(self) -> None:
        """All costs 0: the tolerance is 1e-9 of the smallest normal float, not 0 (exact
        zeros pass) and not 1e-9 (a gap of 1e-300 is refused)."""
        tiny = np.finfo(float).tiny
        zero = Certificate(0.0, 0.0, 0.0, 0.0, 0.0)
        assert zero.tolerance == RTOL * tiny and zero.ok
        assert not Certificate(0.0, 0.0, 1e-300, 0.0, 0.0).ok


class TestScales:
    def test_value_scale_is_plan_scale_above_the_floor(self) -> None:
        """The plan's scale (5) counts when it is above 1e-2 of the largest cost (100)."""
        assert Certificate(0.0, 0.0, 0.0, 100.0, 5.0).value_scale == 5.0

    def test_value_scale_floored_at_a_hundredth_of_the_largest_cost(self) -> None:
        assert Certificate(0.0, 0.0, 0.0, 100.0, 0.5).value_scale == 1.0

    def test_value_scale_without_plan_scale_is_cost_scale(self) -> None:
        assert Certificate(0.0, 0.0, 0.0, 100.0).value_scale == 100.0

    def test_value_error_bound_adds_gap_and_infeasibility(self) -> None:
        assert Certificate(0.0, 0.25, 0.5, 1.0).value_error_bound == 0.75

    def test_unused_outlier_cost_does_not_loosen_the_gap(self) -> None:
        """One cost of 1e8 that the plan does not use: the gap is judged against the
        plan's costs (1) floored at 1e-2 * 1e8 = 1e6, so a gap of 1e-2 is refused
        (against the largest cost alone, 1e-9 * 1e8 = 0.1 would pass it)."""
        cost = np.array([[1.0, 1e8], [1.0, 1.0]])
        plan = np.array([[0.5, 0.0], [0.0, 0.5]])
        cert = certify(plan, [0.0, 0.0], [0.99, 0.99], TWO, TWO, cost)
        assert cert.cost_scale == 1e8 and cert.plan_scale == 1.0
        assert cert.value_scale == 1e6
        assert cert.duality_gap == pytest.approx(1e-2, rel=1e-12)
        assert not cert.ok

    def test_plan_scale_is_the_largest_used_cost_or_potential(self) -> None:
        cost = np.array([[2.0, 8.0], [8.0, 4.0]])
        cert = certify(STAY, [1.0, 2.0], [1.0, 2.0], TWO, TWO, cost)
        assert cert.plan_scale == 4.0  # the used costs 2 and 4; |u|, |v| <= 2
        cert = certify(STAY, [-6.0, 0.0], [0.0, 0.0], TWO, TWO, cost)
        assert cert.plan_scale == 6.0  # |u_0| = 6 above the used costs
        cert = certify(STAY, [0.0, 0.0], [0.0, -7.0], TWO, TWO, cost)
        assert cert.plan_scale == 7.0  # |v_1| = 7
        assert cert.cost_scale == 8.0

    def test_duality_gap_is_absolute(self) -> None:
        """A dual above the plan's cost (impossible for feasible potentials) is still a gap."""
        cost = np.array([[0.0, 4.0], [4.0, 0.0]])
        cert = certify(STAY, [0.5, 0.5], [0.5, 0.5], TWO, TWO, cost)
        assert cert.duality_gap == 1.0

    def test_infeasibility_is_the_largest_violation(self) -> None:
        cost = np.array([[1.0, 1.0], [1.0, 1.0]])
        cert = certify(STAY, [1.5, 1.25], [0.0, 0.0], TWO, TWO, cost)
        assert cert.dual_infeasibility == 0.5


class TestShapes:
    @pytest.mark.parametrize("shape", [(0, 2), (2, 0), (0, 0)])
    def test_empty_plan_is_refused(self, shape: tuple[int, int]) -> None:
        n, m = shape
        with pytest.raises(ValueError, match="plan must be a non-empty"):
            certify(np.zeros(shape), np.zeros(n), np.zeros(m), np.zeros(n), np.zeros(m),
                    np.zeros(shape))

    def test_one_by_one_plan_is_certified(self) -> None:
        """A Dirac against a Dirac at the same point: the smallest problem there is."""
        cert = certify([[1.0]], [0.0], [0.0], [1.0], [1.0], [[0.0]])
        assert (cert.marginal_error, cert.dual_infeasibility, cert.duality_gap) == (0, 0, 0)
        assert cert.ok

    def test_plan_must_be_a_matrix(self) -> None:
        with pytest.raises(ValueError, match=r"plan must be a non-empty \(n, m\) matrix"):
            certify(TWO, [0.0, 0.0], [0.0, 0.0], TWO, TWO, SWAP)


class TestInfeasibilityIsClipped:
    def test_strictly_feasible_dual_has_zero_infeasibility(self) -> None:
        """Every u_i + v_j is 1 below c_ij: the infeasibility is 0, not -1 (it is clipped
        below at 0, as documented)."""
        cert = certify(STAY, [0.0, 0.0], [0.0, 0.0], TWO, TWO, np.ones((2, 2)))
        assert cert.dual_infeasibility == 0.0


class TestCostScale:
    def test_cost_scale_is_never_negative(self) -> None:
        """Costs shifted below 0 (an LP with the same optimal plans): the cost scale, which
        scales tolerances, is floored at 0 rather than becoming negative."""
        cert = certify([[1.0]], [0.0], [-0.5], [1.0], [1.0], [[-0.5]])
        assert cert.cost_scale == 0.0 and cert.ok


class TestLargeProblems:
    def test_more_columns_than_a_block_holds(self) -> None:
        """One row of 2^18 + 1 columns: a block holds at least one row, whatever m."""
        m = (1 << 18) + 1
        b = np.zeros(m)
        b[0] = 1.0
        plan = b[None, :].copy()
        cost = np.ones((1, m))
        cost[0, 0] = 0.0
        cert = certify(plan, [0.0], np.zeros(m), [1.0], b, cost)
        assert (cert.marginal_error, cert.dual_infeasibility, cert.duality_gap) == (0, 0, 0)
        assert cert.cost_scale == 1.0 and cert.ok

    def test_violation_in_a_late_block_of_rows_is_found(self) -> None:
        """The dual slack is checked a block of rows at a time (2^18 entries): a violation
        and the largest cost in the last rows of a 700 x 700 problem are both seen."""
        n = 700
        cost = np.ones((n, n))
        cost[-1, -1] = 3.0
        a = np.full(n, 1.0 / n)
        plan = np.diag(a)
        u = np.zeros(n)
        u[-1] = 1.5  # u_{n-1} + v_0 - c = 0.5
        cert = certify(plan, u, np.zeros(n), a, a, cost)
        assert cert.dual_infeasibility == 0.5
        assert cert.cost_scale == 3.0
        assert not cert.ok


class TestSolutionCertificates:
    def test_certificate_scales_with_the_coordinates(self) -> None:
        """Coordinates times 2^40: the solver works on unit costs and scales the
        certificate back, so its cost scale is the true largest distance, 3 * 2^40."""
        P = Discrete([[0.0, 0.0], [3.0, 0.0]])
        Q = Discrete([[0.0, 1.0], [3.0, 1.0]])
        s = 2.0**40
        small = earth_mover_solution(P, Q, method="network_simplex").certificate
        big = earth_mover_solution(P.scale(s), Q.scale(s), method="network_simplex").certificate
        assert small.cost_scale == pytest.approx(np.hypot(3.0, 1.0), rel=1e-15)
        assert big.cost_scale == pytest.approx(s * np.hypot(3.0, 1.0), rel=1e-15)
        assert big.plan_scale == pytest.approx(s * small.plan_scale, rel=1e-15)
        assert big.ok and small.ok
