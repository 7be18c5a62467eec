"""The raw-input strategies of :mod:`distances.testing` draw what their docstrings promise."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import Phase, find, given, settings
from hypothesis import strategies as st

from distances import Discrete, on_common_support
from distances.testing import (
    RELATIONS,
    RawMeasure,
    RawPair,
    discrete_measures,
    disjoint_support_pairs,
    measure_tuples,
    probability_vectors,
    raw_measures,
    raw_pairs,
    shared_support_pairs,
)

FAST = settings(phases=[Phase.generate], database=None, max_examples=2000)  # find(): no shrink


@given(raw_measures())
def test_measure_is_the_normalised_arrays(m: RawMeasure) -> None:
    # The convention: Discrete(atoms, weights / weights.sum()); exact, the same arrays.
    assert m.measure == Discrete(m.atoms, m.weights / m.weights.sum())
    assert m.atoms.ndim == 2 and m.atoms.shape[0] == m.weights.shape[0] <= 8
    assert abs(m.weights.sum() - 1.0) <= 8 * np.finfo(float).eps  # one division, <= 8 terms
    assert not m.atoms.flags.writeable and not m.weights.flags.writeable


def test_every_dimension_is_drawn_by_default() -> None:
    for d in (1, 2, 3):
        assert find(raw_measures(), lambda m, d=d: m.atoms.shape[1] == d, settings=FAST)


@pytest.mark.parametrize(
    ("what", "condition"),
    [
        ("a repeated row", lambda m: m.measure.size < m.atoms.shape[0]),
        ("unsorted rows", lambda m: not _sorted(m.atoms)),
        ("a -0.0", lambda m: bool(np.signbit(m.atoms[m.atoms == 0]).any())),
        ("0.0 and -0.0 in one row position", lambda m: _both_zeros(m.atoms)),
        ("a zero weight", lambda m: bool((m.weights == 0).any())),
    ],
)
def test_raw_features_are_drawn(what: str, condition) -> None:
    assert find(raw_measures(dim=1), condition, settings=FAST) is not None, what


def _sorted(x: np.ndarray) -> bool:
    return bool(np.array_equal(np.lexsort(x.T[::-1]), np.arange(x.shape[0])))


def _both_zeros(x: np.ndarray) -> bool:
    zeros = x[x == 0]
    return bool(np.signbit(zeros).any() and (~np.signbit(zeros)).any())


@given(raw_measures(unsorted=False, duplicates=False, signed_zeros=False, zero_weights=False))
def test_switches_turn_raw_features_off(m: RawMeasure) -> None:
    assert _sorted(m.atoms)
    assert not np.signbit(m.atoms[m.atoms == 0]).any()
    assert (m.weights > 0).all()


@given(raw_measures(normalized=False))
def test_unnormalised_masses_keep_their_total(m: RawMeasure) -> None:
    total = m.weights.sum()
    np.testing.assert_allclose(m.measure.weights.sum(), 1.0, rtol=1e-12)  # one rescaling
    assert m.measure == Discrete(m.atoms, m.weights / total)


def test_unnormalised_totals_other_than_one_are_drawn() -> None:
    m = find(raw_measures(normalized=False), lambda m: m.weights.sum() > 2, settings=FAST)
    assert m.weights.sum() > 2


def test_subnormal_weights_by_default_and_extreme_coordinates_on_request() -> None:
    tiny = float(np.finfo(float).tiny)
    m = find(raw_measures(normalized=False),
             lambda m: bool(((m.weights > 0) & (m.weights < tiny)).any()), settings=FAST)
    assert ((m.weights > 0) & (m.weights < tiny)).any()
    big = find(raw_measures(extreme_coordinates=True), lambda m: np.abs(m.atoms).max() > 1e100,
               settings=FAST)
    assert np.abs(big.atoms).max() > 1e100
    small = find(raw_measures(extreme_coordinates=True),
                 lambda m: bool(((m.atoms != 0) & (np.abs(m.atoms) < 1e-100)).any()),
                 settings=FAST)
    assert ((small.atoms != 0) & (np.abs(small.atoms) < 1e-100)).any()


@given(
    raw_measures(
        coordinates=st.integers(0, 2).map(float), weights=st.just(2.0), dim=2, duplicates=False
    )
)
def test_injected_element_strategies_are_used(m: RawMeasure) -> None:
    assert set(np.unique(m.atoms)) <= {0.0, 1.0, 2.0}
    np.testing.assert_array_equal(m.weights, np.full(m.weights.size, 1.0 / m.weights.size))


@given(raw_pairs(max_size=6))
def test_pairs_share_a_dimension_and_stand_for_their_measures(pair: RawPair) -> None:
    assert pair.relation in RELATIONS and pair.x.shape[1] == pair.y.shape[1] == pair.dim
    assert pair.P == Discrete(pair.x, pair.a / pair.a.sum())
    assert pair.Q == Discrete(pair.y, pair.b / pair.b.sum())
    assert 1 <= pair.x.shape[0] <= 6 and 1 <= pair.y.shape[0] <= 6


@given(raw_pairs(subnormal_weights=False))
def test_weights_survive_halving_without_subnormals(pair: RawPair) -> None:
    # With subnormal_weights=False no positive weight is so small that w / 2 == 0 (which
    # makes m = (p + q) / 2 vanish where p > 0 and a correct-looking JS return inf).
    for w in (pair.a, pair.b):
        assert (w[w > 0] / 2 > 0).all()


@given(raw_pairs(relations=("empirical",)))
def test_empirical_pairs_are_equal_size_uniform_samples(pair: RawPair) -> None:
    n = pair.x.shape[0]
    assert pair.y.shape[0] == n
    np.testing.assert_array_equal(pair.a, np.full(n, 1.0 / n))
    np.testing.assert_array_equal(pair.b, np.full(n, 1.0 / n))


@given(raw_pairs(relations=("identical",)))
def test_identical_pairs_are_one_measure(pair: RawPair) -> None:
    # The same rows reordered, one row maybe split in halves: weights agree to round-off
    # of one normalisation (<= 8 terms).
    assert np.array_equal(pair.P.atoms, pair.Q.atoms)
    np.testing.assert_allclose(pair.P.weights, pair.Q.weights, rtol=0, atol=1e-15)


@given(raw_pairs(relations=("disjoint",)))
def test_disjoint_pairs_share_no_atom(pair: RawPair) -> None:
    p, _ = on_common_support(pair.P, pair.Q)
    assert p.size == pair.P.size + pair.Q.size


@given(raw_pairs(relations=("partial_overlap",)))
def test_partial_overlap_pairs_share_an_atom(pair: RawPair) -> None:
    p, _ = on_common_support(pair.P, pair.Q)
    assert p.size < pair.P.size + pair.Q.size


@given(raw_pairs(relations=("perturbation",), boundaries=False))
def test_perturbations_are_small(pair: RawPair) -> None:
    # Weights moved by at most 1e-3 of the mass, or atoms by 1e-3 of max(|x|, 1) per
    # coordinate: the same number of rows, close arrays.
    assert pair.x.shape == pair.y.shape
    scale = np.maximum(np.abs(pair.x), 1.0)
    assert (np.abs(pair.y - pair.x) <= 1e-3 * scale * (1 + 1e-12)).all()
    np.testing.assert_allclose(pair.b, pair.a, rtol=0, atol=2e-3)


@given(raw_pairs(relations=("perturbation",)))
def test_perturbations_stay_perturbations_at_the_boundaries(pair: RawPair) -> None:
    # An atom of tiny mass goes to both (one may weigh 0); huge draws scale x and y alike.
    assert pair.x.shape == pair.y.shape
    np.testing.assert_allclose(pair.b, pair.a, rtol=0, atol=2e-3)
    extent = max(float(np.abs(pair.x).max()), 1.0)
    assert (np.abs(pair.y - pair.x) <= 1e-3 * extent * (1 + 1e-12)).all() or extent > 1e150


def test_from_type_draws_measures_and_pairs() -> None:
    assert isinstance(find(st.from_type(Discrete), lambda P: P.dim == 2), Discrete)
    assert find(st.from_type(RawPair), lambda p: p.relation == "disjoint").relation == "disjoint"
    assert isinstance(find(st.from_type(RawMeasure), lambda m: True), RawMeasure)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: probability_vectors(min_size=0), "a probability vector has at least one entry"),
        (lambda: probability_vectors(size=0), "size must be a positive integer"),
        (lambda: discrete_measures(max_size=0), "max_size must be at least min_size"),
        (lambda: discrete_measures(dim=0), "dim must be a positive integer or None"),
        (lambda: discrete_measures(bound=-1.0), "bound must be a finite positive number"),
        (lambda: discrete_measures(min_size=9, max_size=9, on_grid=True), "only 7 distinct"),
        (lambda: disjoint_support_pairs(min_size=4, on_grid=True), "only 7 distinct points"),
        (lambda: shared_support_pairs(min_size=1.5), "min_size (the number of atoms) must be"),
        (lambda: measure_tuples(0), "k (the number of measures) must be a positive integer"),
        (lambda: measure_tuples(2, uniform="yes"), "uniform must be True or False"),
        (lambda: raw_measures(min_size=0), "min_size must be at least 1"),
        (lambda: raw_measures(coordinates=[0.0, 1.0]), "coordinates must be a hypothesis"),
        (lambda: raw_pairs(relations=("overlap",)), "relations must be a non-empty tuple"),
        (lambda: raw_pairs(relations=()), "relations must be a non-empty tuple"),
        (lambda: raw_pairs(duplicates=1), "duplicates must be True or False"),
    ],
)
def test_bad_arguments_fail_at_once_in_the_callers_terms(make, message: str) -> None:
    with pytest.raises(ValueError) as info:
        make()  # no draw: the strategy is only built
    assert message in str(info.value)


def test_bad_injected_elements_fail_in_the_callers_terms() -> None:
    with pytest.raises(ValueError, match="weights must draw finite non-negative floats"):
        find(raw_measures(weights=st.just(-1.0)), lambda m: True)
    with pytest.raises(ValueError, match="coordinates must draw finite floats"):
        find(raw_measures(coordinates=st.just(math.inf)), lambda m: True)
