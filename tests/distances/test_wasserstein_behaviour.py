"""Behaviours of distances.wasserstein (the W1 face) that mutation testing found unprotected.

Each test names the behaviour it protects (docs/testing.rst, "What the survivors taught").
Values are exact where the problem is (masses and distances in binary fractions).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from scipy import stats

from distances import Discrete, earth_mover, earth_mover_solution
from distances.transport import _resources
from distances.wasserstein import (
    Certificate,
    EarthMoverSolution,
    SolverError,
    auto_method,
    certify,
    memory_needed,
)


@pytest.mark.parametrize("method", ["auto", "network_simplex", "closed_form_1d"])
def test_weights_off_one_within_the_tolerance_are_rescaled_to_one(method: str) -> None:
    # p sums to 1 - 5e-10 (allowed: SUM_RTOL is 1e-9): it is rescaled before solving, so all
    # the mass moves from 0 to 1 and W1 is exactly 1, not 1 - 5e-10.
    p, q = [1.0 - 5e-10, 0.0], [0.0, 1.0]
    assert earth_mover(p, q, support=[0.0, 1.0], method=method) == 1.0


def test_the_plan_of_rescaled_weights_carries_unit_mass() -> None:
    sol = earth_mover_solution([1.0 - 5e-10, 0.0], [0.0, 1.0], support=[0.0, 1.0])
    assert sol.plan.tolist() == [[0.0, 1.0], [0.0, 0.0]]
    assert sol.value == 1.0


def test_method_sparse_is_answered_by_the_sparse_solver() -> None:
    # With numba installed, method="sparse" never falls back to the dense solver: the
    # solution says which solver answered, and its plan is sparse.
    pytest.importorskip("numba")
    rng = np.random.default_rng(0)
    P, Q = Discrete(rng.normal(size=(12, 2))), Discrete(rng.normal(size=(9, 2)))
    sparse = earth_mover_solution(P, Q, method="sparse")
    dense = earth_mover_solution(P, Q, method="network_simplex")
    assert (sparse.method, dense.method) == ("sparse", "network_simplex")
    assert sp.issparse(sparse.plan) and not sp.issparse(dense.plan)
    assert sparse.value == pytest.approx(dense.value, rel=1e-12)  # two exact solvers


@pytest.fixture
def without_numba(monkeypatch: pytest.MonkeyPatch) -> None:
    """A process where numba is not installed (and has not warned yet)."""
    monkeypatch.setattr(_resources, "_NUMBA", [False])
    monkeypatch.setattr(_resources, "_NUMBA_WARNED", [])


def test_without_numba_method_sparse_is_answered_dense_with_a_sparse_plan(without_numba) -> None:
    # The dense network simplex stands in, says so once, and returns the plan type the
    # sparse solver would have (a csr_array).
    rng = np.random.default_rng(0)
    P, Q = Discrete(rng.normal(size=(12, 2))), Discrete(rng.normal(size=(9, 2)))
    with pytest.warns(_resources.SparseUnavailableWarning) as record:
        sol = earth_mover_solution(P, Q, method="sparse")
    assert len(record) == 1
    assert sol.method == "network_simplex"
    assert isinstance(sol.plan, sp.csr_array)
    assert sol.certificate.ok


def test_without_numba_auto_method_answers_dense_without_a_warning(without_numba) -> None:
    # auto_method is a question: it must not warn (300 x 300 points in 2-D would go sparse).
    rng = np.random.default_rng(1)
    big = Discrete(rng.normal(size=(300, 2)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert auto_method(big, big) == "network_simplex"
        assert auto_method(big, big, value_only=False) == "network_simplex"


def test_method_network_simplex_never_consults_the_sparse_solver(without_numba) -> None:
    # 300 x 300 points in 2-D would go sparse with method="auto"; named, the dense solver
    # answers without a word about numba.
    rng = np.random.default_rng(2)
    P, Q = Discrete(rng.normal(size=(300, 2))), Discrete(rng.normal(size=(300, 2)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        value = earth_mover(P, Q, method="network_simplex")
    assert value > 0


@pytest.mark.parametrize(
    "option", [{"support": [0.0, 1.0]}, {"cost": [[0.0]]}, {"method": "network_simplex"}]
)
def test_scipy_laws_refuse_each_discrete_option_alone(option: dict) -> None:
    with pytest.raises(ValueError, match=r"do not apply to scipy\.stats distributions"):
        earth_mover(stats.norm(0, 1), stats.norm(1, 1), **option)


def test_without_numba_earth_mover_auto_says_once_that_dense_stands_in(without_numba) -> None:
    # 300 x 300 points in 2-D: the value-only thresholds (16,384 pairs, more than 15 a
    # side) send "auto" to the sparse solver, so its absence is reported, once.
    rng = np.random.default_rng(3)
    P, Q = Discrete(rng.normal(size=(300, 2))), Discrete(rng.normal(size=(300, 2)))
    with pytest.warns(_resources.SparseUnavailableWarning) as record:
        value = earth_mover(P, Q)
        assert earth_mover(P, Q) == value
    assert len(record) == 1


def test_the_public_types_are_shown_as_distances_wasserstein() -> None:
    for public in (Certificate, EarthMoverSolution, SolverError, certify):
        assert public.__module__ == "distances.wasserstein"


def test_a_scipy_law_against_a_discrete_measure_is_computed_by_quadrature() -> None:
    # W1(delta_0, U(0, 1)) = E|X| = 1/2, in either order.
    assert earth_mover(Discrete([0.0]), stats.uniform(0, 1)) == pytest.approx(0.5, abs=1e-9)
    assert earth_mover(stats.uniform(0, 1), Discrete([0.0])) == pytest.approx(0.5, abs=1e-9)


def test_memory_needed_accepts_one_atom_in_one_dimension() -> None:
    # n, m, d >= 1: the smallest problem is allowed (48 bytes a pair, dense).
    assert memory_needed(1, 1, 1, "network_simplex") == 48
