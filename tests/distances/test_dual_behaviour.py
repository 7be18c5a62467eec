"""Behaviours of distances.dual that mutation testing found unprotected.

Each test names the behaviour it protects (docs/testing.rst, "What the survivors taught").
The worked example of :func:`kantorovich_dual` (P = (δ0 + δ3)/2, Q = 3/4 δ1 + 1/4 δ3:
W1 = 1, potential (1, 0, 2)) is used at other scales: values are compared to 1e-9
relative, the dual's own tolerance (DUAL_RTOL).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from distances import Discrete, earth_mover_solution
from distances.dual import DUAL_RTOL, dual_objective, kantorovich_dual, potential_from_solution

EPS = float(np.finfo(float).eps)


def _example(c: float):
    return kantorovich_dual(Discrete([0.0, 3.0 * c]), Discrete([1.0 * c, 3.0 * c], [0.75, 0.25]))


@pytest.mark.parametrize("c", [1e-75, 1e-3, 1e6])
def test_the_dual_is_solved_relative_to_the_problems_size(c: float) -> None:
    # HiGHS's tolerances are absolute: the LP is solved at unit diameter and scaled back,
    # so atoms 1e-75 or 1e6 apart give the same potential, scaled.
    sol = _example(c)
    np.testing.assert_allclose(sol.potential, [1.0 * c, 0.0, 2.0 * c], rtol=DUAL_RTOL, atol=0)
    assert sol.value == pytest.approx(c, rel=DUAL_RTOL)
    assert sol.agrees and sol.lipschitz.ok
    # The Lipschitz check's slack is relative to the diameter (3c) too.
    assert sol.lipschitz.atol == DUAL_RTOL * (3.0 * c)


def test_one_common_atom_has_potential_zero_and_fits_max_atoms_1() -> None:
    # Diameter 0: nothing to scale by (the LP is solved as is), W1 = 0; and one atom is
    # within max_atoms=1, the smallest limit allowed.
    sol = kantorovich_dual(Discrete([2.0]), Discrete([2.0]), max_atoms=1)
    assert sol.potential.tolist() == [0.0]
    assert (sol.value, sol.primal_cost, sol.agrees) == (0.0, 0.0, True)
    assert sol.lipschitz.atol == DUAL_RTOL  # the slack at unit scale
    with pytest.raises(ValueError, match="max_atoms must be a positive integer; got 0"):
        kantorovich_dual(Discrete([2.0]), Discrete([2.0]), max_atoms=0)


def test_the_strong_duality_tolerance_is_the_documented_one() -> None:
    # |dual - primal| <= DUAL_RTOL * primal cost + 16 eps * diameter (module docs).
    sol = _example(1.0)
    assert sol.tolerance == DUAL_RTOL * 1.0 + 16 * EPS * 3.0


def test_dual_objective_names_the_counts_of_values_and_atoms() -> None:
    with pytest.raises(ValueError, match="got 3 values and 2 atoms"):
        dual_objective(Discrete([0.0]), Discrete([1.0]), [0.0, 1.0], [0.0, 1.0, 2.0])


@pytest.mark.parametrize("missing", ["x", "y"])
def test_a_solution_without_the_atoms_of_either_side_is_refused(missing: str) -> None:
    sol = earth_mover_solution(Discrete([0.0]), Discrete([1.0]))
    with pytest.raises(ValueError, match="needs the atoms of P and Q"):
        potential_from_solution(dataclasses.replace(sol, **{missing: None}))


def test_a_dual_solution_cannot_be_altered_after_the_fact() -> None:
    sol = _example(1.0)
    with pytest.raises(AttributeError):
        sol.value = 2.0  # type: ignore[misc]
