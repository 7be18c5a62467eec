"""The transport kernel under the W1 solvers: the certificate's tolerance (issue 15),
the iteration-limit rule, the errors of the public face, and the lazy POT import (issue 12)."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import stats
from scipy.optimize import linear_sum_assignment

from distances import Discrete, certify, earth_mover, earth_mover_solution
from distances.sparse_w1 import solve_sparse
from distances.wasserstein import (
    CERTIFICATE_RTOL,
    SPARSE_AUTO_MIN_PAIRS_VALUE,
    SPARSE_AUTO_MIN_PAIRS_VALUE_HIGH_D,
    SPARSE_AUTO_MIN_SIDE_VALUE,
    auto_method,
)


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(1701_07875)


def _outlier_costs(rng: np.random.Generator, n: int) -> np.ndarray:
    """Costs near 1 and one outlier 1e8 that no optimal plan uses."""
    cost = rng.uniform(0.5, 1.5, (n, n))
    cost[0, -1] = 1e8
    return cost


class TestCertificateTolerance:
    """Issue 15: one outlier cost must not make the certificate prove almost nothing."""

    @pytest.mark.parametrize("n", [5, 50, 300])
    def test_outlier_cost_leaves_a_meaningful_tolerance(self, rng, n):
        cost = _outlier_costs(rng, n)
        a = np.full(n, 1.0 / n)
        sol = earth_mover_solution(a, a, cost=cost)
        cert = sol.certificate
        assert cert.ok, cert
        # Uniform equal-size weights: the optimum is an assignment (Birkhoff), so
        # linear_sum_assignment is an independent exact solver.
        r, c = linear_sum_assignment(cost)
        exact = float(cost[r, c].mean())
        # The certificate's own bound holds, up to the round-off of two sums of n terms ~1.
        assert abs(sol.value - exact) <= cert.value_error_bound + 1e-14
        # The rule: tolerance relative to the plan's costs and potentials, floored at
        # 1e-2 of the largest cost (1e8): 1e-9 * 1e6 = 1e-3, not 1e-9 * 1e8 = 0.1.
        assert cert.cost_scale == 1e8
        assert cert.tolerance <= CERTIFICATE_RTOL * 1e-2 * 1e8 * (1 + 1e-15)

    def test_a_dual_off_by_1e_2_is_refused_despite_the_outlier(self, rng):
        # A world where the claim is false: potentials 1e-2 too high everywhere make a
        # dual infeasible by 2e-2 on a value near 0.7 (3 %). Judged against the largest
        # cost (tolerance 1e-9 * 1e8 = 0.1) this passed as "optimal"; now the tolerance
        # is 1e-3 and it must not.
        n = 5
        cost = _outlier_costs(rng, n)
        a = np.full(n, 1.0 / n)
        sol = earth_mover_solution(a, a, cost=cost)
        bad = certify(sol.plan, sol.u + 1e-2, sol.v + 1e-2, a, a, cost)
        assert 2e-2 - 1e-6 <= bad.dual_infeasibility < 0.1
        assert not bad.ok, bad
        assert certify(sol.plan, sol.u, sol.v, a, a, cost).ok

    def test_value_error_bound_is_gap_plus_infeasibility(self, rng):
        P, Q = Discrete(rng.normal(size=(30, 2))), Discrete(rng.normal(size=(40, 2)))
        cert = earth_mover_solution(P, Q).certificate
        assert cert.value_error_bound == cert.duality_gap + cert.dual_infeasibility

    def test_tiny_value_next_to_a_unit_cost_is_certified(self):
        # The plan uses a cost of 1.2e-175 and POT's potentials round to 0: the scale's
        # floor (1e-2 of the largest cost, 1) accepts the 1.2e-175 gap; the value is exact.
        P = Discrete([[0.0]])
        Q = Discrete([[1.2058296706086371e-175], [1.0]], [1.0, 0.0])
        sol = earth_mover_solution(P, Q, method="network_simplex")
        assert sol.certificate.ok
        assert sol.value == 1.2058296706086371e-175

    def test_sparse_certificate_uses_the_same_rule(self, rng):
        x, y = rng.normal(size=(200, 2)), rng.normal(size=(220, 2)) + np.array([3.0, 0.0])
        cert = solve_sparse(x, y).solution.certificate
        assert cert.ok and cert.plan_scale is not None
        assert cert.value_scale == max(cert.plan_scale, 1e-2 * cert.cost_scale)


class TestOptionsAndErrors:
    @pytest.mark.parametrize("limit", [2**70, 10**17 + 1])
    def test_iteration_limit_beyond_the_solver_is_a_value_error(self, limit):
        # POT counts iterations in a C uint64: 2**70 used to raise OverflowError from C.
        P, Q = Discrete([[0.0, 0.0], [1.0, 0.0]]), Discrete([[0.0, 1.0], [1.0, 1.0]])
        rule = r"max_iter must be at most 1e\+17 .*64-bit"
        with pytest.raises(ValueError, match=rule):
            earth_mover(P, Q, max_iter=limit)
        with pytest.raises(ValueError, match=rule):
            earth_mover_solution(P, Q, method="sparse", max_iter=limit)
        with pytest.raises(ValueError, match=rule):
            solve_sparse(P.atoms, Q.atoms, max_iter=limit)

    def test_the_largest_iteration_limit_is_accepted(self):
        P, Q = Discrete([[0.0, 0.0], [1.0, 0.0]]), Discrete([[0.0, 1.0], [1.0, 1.0]])
        assert earth_mover(P, Q, method="network_simplex", max_iter=10**17) == 1.0

    def test_solution_for_scipy_laws_names_the_rule(self):
        with pytest.raises(ValueError, match=r"earth_mover_solution needs finite measures"):
            earth_mover_solution(stats.norm(), stats.norm(loc=1.0))
        with pytest.raises(ValueError, match=r"scipy.stats laws"):
            earth_mover_solution(stats.norm(), Discrete([0.0, 1.0]))
        # earth_mover itself handles them (quadrature): W1 of a translate is the shift.
        assert_allclose(earth_mover(stats.norm(), stats.norm(loc=1.0)), 1.0, rtol=1e-8)

    @pytest.mark.parametrize("fn", [earth_mover, earth_mover_solution])
    def test_vector_errors_do_not_advise_a_keyword_the_function_lacks(self, fn):
        with pytest.raises(ValueError, match=r"P must sum to 1") as info:
            fn([0.5, 0.6], [0.5, 0.5], support=[0.0, 1.0])
        assert "normalize" not in str(info.value)
        with pytest.raises(ValueError, match=r"Q must sum to 1") as info:
            fn([0.5, 0.5], [0.2, 0.2], cost=[[0.0, 1.0], [1.0, 0.0]])
        assert "normalize" not in str(info.value)


def test_import_distances_does_not_import_pot_or_torch():
    # Issue 12: POT (and through it torch) is imported on the first solve, not before.
    code = "import sys, distances; print('ot' in sys.modules, 'torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.split() == ["False", "False"]


class TestAutoMethod:
    """The crossovers of method="auto" (measured by benchmarks/bench_peers.py), once the
    sparse solver's kernels are loaded (before, see test_transport_runtime.py)."""

    @pytest.fixture(autouse=True)
    def _kernels_loaded(self, monkeypatch):
        import distances.wasserstein as w

        monkeypatch.setattr(w, "ready", lambda prob: True)

    @pytest.mark.parametrize("d", [2, 3, 8, 32])
    def test_the_value_goes_sparse_from_64_pairs(self, rng, d):
        """Problems of up to ``SparseOptions.dense_pairs`` pairs are solved on all their
        pairs at once, faster than the dense path from 16 x 4 and 8 x 8 up."""
        assert SPARSE_AUTO_MIN_PAIRS_VALUE == SPARSE_AUTO_MIN_PAIRS_VALUE_HIGH_D == 64
        x, y = rng.normal(size=(8, d)), rng.normal(size=(8, d)) * 0.5 + 1.0
        P, Q = Discrete(x), Discrete(y)
        assert auto_method(P, Q) == "sparse"
        assert_allclose(earth_mover(P, Q), earth_mover(P, Q, method="network_simplex"),
                        rtol=1e-12)
        # earth_mover_solution keeps its dense plan below SPARSE_AUTO_MIN_ATOMS.
        assert auto_method(P, Q, value_only=False) == "network_simplex"
        assert earth_mover_solution(P, Q).method == "network_simplex"
        # One atom fewer on a side: 56 pairs, dense.
        assert auto_method(Discrete(x[:-1]), Q) == "network_simplex"

    @pytest.mark.parametrize(("n", "m"), [(16, 4), (4, 16), (13, 5)])
    def test_both_sizes_count(self, rng, n, m):
        # 64 pairs or more and more than 3 atoms a side: sparse, however unequal the
        # sizes; one atom fewer on the larger side (15 x 4, 12 x 5: fewer pairs): dense.
        x, y = rng.normal(size=(n, 2)), rng.normal(size=(m, 2)) * 0.5 + 1.0
        P, Q = Discrete(x), Discrete(y)
        assert auto_method(P, Q) == "sparse"
        assert_allclose(earth_mover(P, Q), earth_mover(P, Q, method="network_simplex"),
                        rtol=1e-12)
        if n < m:
            assert auto_method(P, Discrete(y[:-1])) == "network_simplex"
        else:
            assert auto_method(Discrete(x[:-1]), Q) == "network_simplex"

    @pytest.mark.parametrize(("n", "m", "d"), [(1100, 3, 2), (4096, 1, 2), (2, 4000, 2),
                                                (1100, 3, 8)])
    def test_a_side_of_3_atoms_or_fewer_stays_dense(self, rng, n, m, d):
        assert SPARSE_AUTO_MIN_SIDE_VALUE == 3
        P, Q = Discrete(rng.normal(size=(n, d))), Discrete(rng.normal(size=(m, d)))
        assert n * m >= SPARSE_AUTO_MIN_PAIRS_VALUE
        assert auto_method(P, Q) == "network_simplex"

    @pytest.mark.parametrize(("n", "m", "d"), [(1100, 4, 2), (1024, 64, 2), (20, 1000, 8),
                                                (500, 50, 3)])
    def test_a_side_of_4_atoms_or_more_goes_sparse(self, rng, n, m, d):
        x, y = rng.normal(size=(n, d)), rng.normal(size=(m, d)) * 0.5 + 1.0
        P, Q = Discrete(x), Discrete(y)
        assert auto_method(P, Q) == "sparse"
        assert_allclose(earth_mover(P, Q), earth_mover(P, Q, method="network_simplex"),
                        rtol=1e-12)

    def test_the_solution_goes_sparse_from_2000_atoms(self, rng):
        P, Q = Discrete(rng.normal(size=(2000, 2))), Discrete(rng.normal(size=(2000, 2)))
        assert auto_method(P, Q, value_only=False) == "sparse"
        assert auto_method(Discrete(rng.normal(size=(1999, 2))), Q,
                           value_only=False) == "network_simplex"
