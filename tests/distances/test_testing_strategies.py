"""The strategies of :mod:`distances.testing` draw what their docstrings promise."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
from hypothesis import Phase, find, given, settings

import distances
from distances import Discrete, on_common_support
from distances.testing import (
    GRID_HALF_WIDTH,
    discrete_measures,
    disjoint_support_pairs,
    measure_tuples,
    probability_vector_pairs,
    probability_vectors,
    shared_support_pairs,
)


@given(probability_vectors(min_size=2, max_size=5))
def test_probability_vectors_are_valid(p: np.ndarray) -> None:
    assert p.dtype == np.float64 and 2 <= p.size <= 5
    assert (p >= 0).all() and p.max() > 0
    assert abs(p.sum() - 1.0) <= 5 * np.finfo(float).eps  # one division, n <= 5 terms


@given(probability_vectors(allow_zeros=False))
def test_allow_zeros_false_gives_positive_weights(p: np.ndarray) -> None:
    assert (p > 0).all()


def test_zeros_are_drawn() -> None:
    p = find(probability_vectors(min_size=3), lambda p: int((p == 0).sum()) == 2)
    assert sorted(p.tolist()) == [0.0, 0.0, 1.0]


@given(probability_vector_pairs(max_size=4))
def test_pairs_share_a_length(pair: tuple[np.ndarray, np.ndarray]) -> None:
    p, q = pair
    assert p.shape == q.shape and 1 <= p.size <= 4


@given(discrete_measures(dim=None, bound=5.0))
def test_measures_are_bounded_and_of_the_asked_size(P: Discrete) -> None:
    assert 1 <= P.dim <= 3 and 1 <= P.size <= 8
    assert np.abs(P.atoms).max() <= 5.0


@given(discrete_measures(dim=2, on_grid=True, max_size=60))
def test_grid_measures_have_small_integer_coordinates(P: Discrete) -> None:
    assert P.dim == 2 and P.size <= (2 * GRID_HALF_WIDTH + 1) ** 2
    assert (P.atoms == np.round(P.atoms)).all() and np.abs(P.atoms).max() <= GRID_HALF_WIDTH


@given(discrete_measures(max_size=4, duplicates=True, uniform=True))
def test_duplicates_are_merged_into_heavier_atoms(P: Discrete) -> None:
    # Uniform weight 1/N on N rows (the distinct atoms, some repeated, N <= 2 * size):
    # each merged atom weighs k/N for a whole number k >= 1.
    rows = [n for n in range(P.size, 2 * P.size + 1) if _whole(P.weights * n)]
    assert rows and (np.round(P.weights * rows[0]) >= 1).all()


def test_duplicates_are_drawn() -> None:
    # Some drawn measure has atoms of unequal weight although its rows weigh the same.
    found = find(
        discrete_measures(max_size=3, duplicates=True, uniform=True),
        lambda P: len(set(P.weights.tolist())) > 1,
        settings=settings(phases=[Phase.generate], database=None),  # no shrinking: fast
    )
    assert found.weights.max() >= 2 * found.weights.min()


def _whole(x: np.ndarray) -> bool:
    return bool(np.allclose(x, np.round(x), rtol=0, atol=1e-9))


@given(shared_support_pairs(dim=None))
def test_shared_support_pairs_have_the_same_atoms(pair: tuple[Discrete, Discrete]) -> None:
    P, Q = pair
    assert np.array_equal(P.atoms, Q.atoms)


@given(disjoint_support_pairs(dim=None, on_grid=True, min_size=2, max_size=3))
def test_disjoint_pairs_share_no_atom(pair: tuple[Discrete, Discrete]) -> None:
    P, Q = pair
    assert 2 <= P.size <= 3 and 2 <= Q.size <= 3
    p, q = on_common_support(P, Q)
    assert p.size == P.size + Q.size  # no atom of P is an atom of Q
    assert not ((p > 0) & (q > 0)).any()


@given(measure_tuples(3, dim=None))
def test_tuples_share_a_dimension(triple: tuple[Discrete, ...]) -> None:
    assert len(triple) == 3 and len({M.dim for M in triple}) == 1


def test_only_the_testing_package_imports_hypothesis() -> None:
    # `import distances` must not load hypothesis: no module outside distances/testing/
    # imports it (nor pytest, which only the pytest decorator imports, inside a function).
    package = Path(distances.__file__).parent
    importers = {
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if {"hypothesis", "pytest"} & _imports(path)
    }
    assert importers and all(name.startswith("testing/") for name in importers), importers


def _imports(path: Path) -> set[str]:
    """Top-level names of the modules that a source file imports."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names
