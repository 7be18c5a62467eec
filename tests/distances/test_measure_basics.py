"""Discrete measures: their constructors, transformations and text form, exactly."""

from __future__ import annotations

import numpy as np
import pytest

from distances import Discrete


class TestDirac:
    def test_scalar_point_is_a_point_on_the_line(self) -> None:
        P = Discrete.dirac(2.5)
        assert P.atoms.tolist() == [[2.5]] and P.weights.tolist() == [1.0]

    def test_point_of_the_plane(self) -> None:
        assert Discrete.dirac([1.0, -2.0]).atoms.tolist() == [[1.0, -2.0]]

    def test_matrix_is_refused(self) -> None:
        with pytest.raises(ValueError, match="point"):
            Discrete.dirac([[1.0, 2.0]])


class TestTranslate:
    def test_scalar_shift_on_the_line(self) -> None:
        assert Discrete([0.0, 1.0]).translate(2.0).atoms.ravel().tolist() == [2.0, 3.0]

    def test_scalar_shift_moves_every_coordinate(self) -> None:
        P = Discrete([[0.0, 0.0, 0.0], [1.0, 2.0, 3.0]]).translate(0.5)
        assert P.atoms.tolist() == [[0.5, 0.5, 0.5], [1.5, 2.5, 3.5]]

    def test_vector_shift(self) -> None:
        P = Discrete([[0.0, 0.0], [1.0, 2.0]]).translate([1.0, -1.0])
        assert P.atoms.tolist() == [[1.0, -1.0], [2.0, 1.0]]

    def test_shift_of_the_wrong_size_is_refused(self) -> None:
        with pytest.raises(ValueError, match="v must be a scalar or have 2 coordinates"):
            Discrete([[0.0, 0.0], [1.0, 2.0]]).translate([1.0, 2.0, 3.0])

    def test_weights_travel_with_their_atoms(self) -> None:
        P = Discrete([0.0, 1.0], [0.25, 0.75]).translate(-1.0)
        assert P.atoms.ravel().tolist() == [-1.0, 0.0] and P.weights.tolist() == [0.25, 0.75]


class TestRepr:
    def test_atoms_on_the_line_print_as_a_flat_list(self) -> None:
        assert repr(Discrete([1.0, 0.0])) == "Discrete(atoms=[0.0, 1.0], weights=[0.5, 0.5])"

    def test_atoms_in_the_plane_print_as_rows(self) -> None:
        assert repr(Discrete([[0.0, 1.0]])) == "Discrete(atoms=[[0.0, 1.0]], weights=[1.0])"

    def test_six_atoms_are_printed(self) -> None:
        P = Discrete(np.arange(6.0), [0.5, 0.5, 0, 0, 0, 0])
        assert repr(P) == (
            "Discrete(atoms=[0.0, 1.0, 2.0, 3.0, 4.0, 5.0], "
            "weights=[0.5, 0.5, 0.0, 0.0, 0.0, 0.0])"
        )

    def test_seven_atoms_are_summarised(self) -> None:
        assert repr(Discrete(np.arange(7.0))) == "Discrete(<7 atoms in R^1>)"
        assert repr(Discrete(np.arange(14.0).reshape(7, 2))) == "Discrete(<7 atoms in R^2>)"


def test_atoms_and_weights_are_read_only() -> None:
    """A measure is immutable: writing into its arrays raises instead of changing it."""
    P = Discrete([0.0, 1.0])
    with pytest.raises(ValueError, match="read-only"):
        P.atoms[0, 0] = 5.0
    with pytest.raises(ValueError, match="read-only"):
        P.weights[0] = 1.0


def test_equal_measures_have_equal_atoms_and_weights() -> None:
    """Equality needs the same atoms and the same weights, not only the same shape: two
    measures that differ in one atom, or in the weights of the same atoms, differ (and
    equal ones hash alike)."""
    P = Discrete([[0.0, 0.0], [1.0, 1.0]], [0.25, 0.75])
    assert P == Discrete([[1.0, 1.0], [0.0, 0.0]], [0.75, 0.25])
    assert hash(P) == hash(Discrete([[1.0, 1.0], [0.0, 0.0]], [0.75, 0.25]))
    assert P != Discrete([[0.0, 0.0], [2.0, 2.0]], [0.25, 0.75])
    assert P != Discrete([[0.0, 0.0], [1.0, 1.0]], [0.5, 0.5])
    assert P != Discrete([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]])
