"""Strategies of probability vectors and :class:`~distances.Discrete` measures.

The strategies draw probability vectors and :class:`~distances.Discrete` measures with
bounded, finite coordinates, so that every inequality between distances can be checked
with a round-off tolerance that does not depend on luck. Use them to test your own
distance code against the exact values of :mod:`distances`, or to test :mod:`distances`
itself (our own test suite does).

================================  ======================================================
:func:`probability_vectors`       weights ``>= 0`` summing to 1, zeros included by default
:func:`probability_vector_pairs`  two such vectors of the same length (a shared support)
:func:`discrete_measures`         ``Discrete`` measures in 1-D or d-D, optionally with
                                  duplicate atoms (merged) and unequal weights
:func:`measure_tuples`            k measures of the same dimension, e.g. for triangles
:func:`shared_support_pairs`      two measures on the same atoms with different weights
:func:`disjoint_support_pairs`    two measures with no atom in common (TV = 1, JS = log 2)
================================  ======================================================

Examples
--------
A property test written with these strategies (it runs as a doctest here; in a test
module, drop the ``>>>`` and let pytest collect ``test_tv_is_symmetric``):

>>> from hypothesis import given, settings
>>> from distances import total_variation
>>> from distances.testing import distance_settings, shared_support_pairs
>>> @settings(distance_settings, max_examples=20)
... @given(shared_support_pairs(max_size=5))
... def test_tv_is_symmetric(pair):
...     P, Q = pair
...     assert total_variation(P, Q) == total_variation(Q, P)
...     assert 0.0 <= total_variation(P, Q) <= 1.0
>>> test_tv_is_symmetric()
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import strategies as st
from numpy.typing import NDArray

from ..measures import Discrete
from ._args import check_bound, check_dim, check_flag, check_sizes

__all__ = [
    "GRID_HALF_WIDTH",
    "discrete_measures",
    "disjoint_support_pairs",
    "measure_tuples",
    "probability_vector_pairs",
    "probability_vectors",
    "shared_support_pairs",
]

#: Grid coordinates (``on_grid=True``) are the integers in ``[-GRID_HALF_WIDTH, GRID_HALF_WIDTH]``,
#: so that independently drawn measures often share atoms.
GRID_HALF_WIDTH = 3

#: Smallest raw weight drawn when ``allow_zeros=False``, so that no weight underflows.
_MIN_POSITIVE = 1e-6

FloatArray = NDArray[np.float64]
Point = tuple[float, ...]


def _raw_weight(allow_zeros: bool) -> st.SearchStrategy[float]:
    positive = st.floats(_MIN_POSITIVE, 1.0)
    if not allow_zeros:
        return positive
    # Exact zeros often, and the full range [0, 1] (tiny normal floats included).
    return st.one_of(st.just(0.0), st.floats(0.0, 1.0, allow_subnormal=False), positive)


def probability_vectors(
    min_size: int = 1,
    max_size: int = 8,
    *,
    size: int | None = None,
    allow_zeros: bool = True,
) -> FloatArray:
    """Probability vectors: float64 weights ``>= 0`` that sum to 1 up to round-off.

    Parameters
    ----------
    min_size, max_size : int, default 1 and 8
        Bounds on the length (ignored if ``size`` is given).
    size : int, optional
        An exact length.
    allow_zeros : bool, default True
        Draw exact zeros often (at least one entry is always positive). With False,
        every raw weight is at least 1e-6 before normalisation.

    Returns
    -------
    SearchStrategy of ndarray, shape (n,)
        Vectors that :mod:`distances` accepts as probability vectors.

    Examples
    --------
    >>> from hypothesis import find
    >>> p = find(probability_vectors(min_size=3), lambda p: p.size >= 3)
    >>> p.shape, bool(abs(p.sum() - 1.0) < 1e-12), bool((p >= 0).all())
    ((3,), True, True)
    >>> probability_vectors(min_size=0)
    Traceback (most recent call last):
    ...
    ValueError: min_size must be at least 1 (a probability vector has at least one entry); \
got min_size=0
    """
    lo, hi = (size, size) if size is not None else (min_size, max_size)
    _check_vector_sizes(lo, hi, size)
    check_flag(allow_zeros, "allow_zeros")
    return _probability_vectors(lo, hi, allow_zeros)


def _check_vector_sizes(lo: Any, hi: Any, size: Any) -> None:
    if size is not None and (isinstance(size, bool) or not isinstance(size, int) or size < 1):
        raise ValueError(f"size must be a positive integer or None; got {size!r}")
    try:
        check_sizes(lo, hi, what="entries")
    except ValueError as exc:
        raise ValueError(
            str(exc).replace(
                "a measure has at least one atom", "a probability vector has at least one entry"
            )
        ) from None


@st.composite
def _probability_vectors(draw: st.DrawFn, lo: int, hi: int, allow_zeros: bool) -> FloatArray:
    raw = np.array(draw(st.lists(_raw_weight(allow_zeros), min_size=lo, max_size=hi)))
    if not (raw > 0).any():
        raw[draw(st.integers(0, raw.size - 1))] = 1.0
    return raw / raw.sum()


def probability_vector_pairs(
    min_size: int = 1, max_size: int = 8, *, allow_zeros: bool = True
) -> st.SearchStrategy[tuple[FloatArray, FloatArray]]:
    """Two probability vectors of the same length, on a shared index support.

    Parameters are those of :func:`probability_vectors`.

    Returns
    -------
    SearchStrategy of (ndarray, ndarray)
    """
    _check_vector_sizes(min_size, max_size, None)
    check_flag(allow_zeros, "allow_zeros")
    return _probability_vector_pairs(min_size, max_size, allow_zeros)


@st.composite
def _probability_vector_pairs(
    draw: st.DrawFn, lo: int, hi: int, allow_zeros: bool
) -> tuple[FloatArray, FloatArray]:
    n = draw(st.integers(lo, hi))
    p = draw(_probability_vectors(n, n, allow_zeros))
    return p, draw(_probability_vectors(n, n, allow_zeros))


def _coordinate(on_grid: bool, bound: float) -> st.SearchStrategy[float]:
    if on_grid:
        return st.integers(-GRID_HALF_WIDTH, GRID_HALF_WIDTH).map(float)
    return st.floats(-bound, bound, allow_subnormal=False)


def _distinct_points(
    draw: st.DrawFn, min_size: int, max_size: int, dim: int, on_grid: bool, bound: float
) -> list[Point]:
    """Between min_size and max_size distinct points of R^dim (capped by the grid size)."""
    if on_grid:
        max_size = min(max_size, (2 * GRID_HALF_WIDTH + 1) ** dim)
    coord = _coordinate(on_grid, bound)
    point = st.tuples(*([coord] * dim))
    # 0.0 and -0.0 are the same point: compare them as equal.
    points = st.lists(
        point, min_size=min_size, max_size=max_size, unique_by=lambda t: tuple(c + 0.0 for c in t)
    )
    return draw(points)


def _draw_dim(draw: st.DrawFn, dim: int | None) -> int:
    return draw(st.integers(1, 3)) if dim is None else dim


def _check_measure_args(min_size: Any, max_size: Any, dim: Any, bound: Any, **flags: Any) -> None:
    check_sizes(min_size, max_size)
    check_dim(dim)
    check_bound(bound)
    for name, value in flags.items():
        check_flag(value, name)


def _measure_on(
    draw: st.DrawFn, rows: list[Point], *, uniform: bool, allow_zeros: bool
) -> Discrete:
    atoms = np.array(rows, dtype=float)
    if uniform:
        return Discrete(atoms)
    return Discrete(atoms, draw(_probability_vectors(len(rows), len(rows), allow_zeros)))


def _check_grid(min_rows: int, dim: int | None, on_grid: bool) -> None:
    points = (2 * GRID_HALF_WIDTH + 1) ** (dim or 1)
    if on_grid and min_rows > points:
        raise ValueError(
            f"on_grid=True has only {points} distinct points in dimension {dim or 1}; "
            f"{min_rows} distinct atoms were asked for (lower min_size or set on_grid=False)"
        )


def discrete_measures(
    min_size: int = 1,
    max_size: int = 8,
    *,
    dim: int | None = 1,
    on_grid: bool = False,
    duplicates: bool = False,
    uniform: bool = False,
    allow_zeros: bool = True,
    bound: float = 100.0,
) -> st.SearchStrategy[Discrete]:
    """:class:`~distances.Discrete` measures with bounded atoms.

    Parameters
    ----------
    min_size, max_size : int, default 1 and 8
        Bounds on the number of distinct atoms (``on_grid`` caps it at the grid size).
    dim : int or None, default 1
        The dimension; ``None`` draws it from {1, 2, 3}.
    on_grid : bool, default False
        Integer coordinates in ``[-3, 3]`` instead of floats in ``[-bound, bound]``, so
        that measures drawn independently often share atoms.
    duplicates : bool, default False
        Repeat some atoms (in a shuffled order) before construction, to exercise the
        merging of duplicate atoms; the result has the distinct atoms only.
    uniform : bool, default False
        Uniform weights on the rows (so duplicated atoms weigh more), as
        :meth:`Discrete.from_samples` gives; otherwise a probability vector per row.
    allow_zeros : bool, default True
        Allow atoms of zero weight (see :func:`probability_vectors`).
    bound : float, default 100.0
        Float coordinates lie in ``[-bound, bound]``.

    Returns
    -------
    SearchStrategy of Discrete

    Raises
    ------
    ValueError
        At once, on arguments no measure can satisfy.

    Examples
    --------
    >>> discrete_measures(max_size=0)
    Traceback (most recent call last):
    ...
    ValueError: max_size must be at least min_size; got min_size=1, max_size=0
    """
    _check_measure_args(
        min_size,
        max_size,
        dim,
        bound,
        on_grid=on_grid,
        duplicates=duplicates,
        uniform=uniform,
        allow_zeros=allow_zeros,
    )
    _check_grid(min_size, dim, on_grid)
    return _discrete_measures(
        min_size, max_size, dim, on_grid, duplicates, uniform, allow_zeros, bound
    )


@st.composite
def _discrete_measures(
    draw: st.DrawFn,
    min_size: int,
    max_size: int,
    dim: int | None,
    on_grid: bool,
    duplicates: bool,
    uniform: bool,
    allow_zeros: bool,
    bound: float,
) -> Discrete:
    d = _draw_dim(draw, dim)
    rows = _distinct_points(draw, min_size, max_size, d, on_grid, bound)
    if duplicates:
        extra = draw(st.lists(st.sampled_from(rows), max_size=len(rows)))
        rows = draw(st.permutations(rows + extra))
    return _measure_on(draw, rows, uniform=uniform, allow_zeros=allow_zeros)


def measure_tuples(
    k: int = 2,
    min_size: int = 1,
    max_size: int = 6,
    *,
    dim: int | None = 1,
    **kwargs: Any,
) -> st.SearchStrategy[tuple[Discrete, ...]]:
    """``k`` measures of one dimension (``dim``, or drawn from {1, 2, 3} if None).

    Other keyword arguments go to :func:`discrete_measures`; ``on_grid=True`` makes shared
    atoms common, which is what triangle inequalities for TV and JS need to be tested.

    Returns
    -------
    SearchStrategy of tuple of Discrete
    """
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ValueError(f"k (the number of measures) must be a positive integer; got {k!r}")
    discrete_measures(min_size, max_size, dim=dim, **kwargs)  # validates the rest at once
    return _measure_tuples(k, min_size, max_size, dim, kwargs)


@st.composite
def _measure_tuples(
    draw: st.DrawFn, k: int, min_size: int, max_size: int, dim: int | None, kwargs: Any
) -> tuple[Discrete, ...]:
    d = _draw_dim(draw, dim)
    measure = discrete_measures(min_size, max_size, dim=d, **kwargs)
    return tuple(draw(measure) for _ in range(k))


def shared_support_pairs(
    min_size: int = 1,
    max_size: int = 8,
    *,
    dim: int | None = 1,
    allow_zeros: bool = True,
    bound: float = 100.0,
) -> st.SearchStrategy[tuple[Discrete, Discrete]]:
    """Two measures on the same distinct atoms, each with its own probability vector.

    Atoms of zero weight are kept by :class:`~distances.Discrete`, so both measures
    have exactly the same ``atoms`` array. Parameters as in :func:`discrete_measures`.

    Returns
    -------
    SearchStrategy of (Discrete, Discrete)
    """
    _check_measure_args(min_size, max_size, dim, bound, allow_zeros=allow_zeros)
    return _shared_support_pairs(min_size, max_size, dim, allow_zeros, bound)


@st.composite
def _shared_support_pairs(
    draw: st.DrawFn, min_size: int, max_size: int, dim: int | None, allow_zeros: bool, bound: float
) -> tuple[Discrete, Discrete]:
    d = _draw_dim(draw, dim)
    rows = _distinct_points(draw, min_size, max_size, d, False, bound)
    P = _measure_on(draw, rows, uniform=False, allow_zeros=allow_zeros)
    return P, _measure_on(draw, rows, uniform=False, allow_zeros=allow_zeros)


def disjoint_support_pairs(
    min_size: int = 1,
    max_size: int = 6,
    *,
    dim: int | None = 1,
    on_grid: bool = False,
    uniform: bool = False,
    allow_zeros: bool = True,
    bound: float = 100.0,
) -> st.SearchStrategy[tuple[Discrete, Discrete]]:
    """Two measures with no atom in common: TV = 1, JS = log 2, KL = inf, W1 > 0.

    Each measure has between ``min_size`` and ``max_size`` atoms. Parameters as in
    :func:`discrete_measures`.

    Returns
    -------
    SearchStrategy of (Discrete, Discrete)
    """
    _check_measure_args(
        min_size, max_size, dim, bound, on_grid=on_grid, uniform=uniform, allow_zeros=allow_zeros
    )
    _check_grid(2 * min_size, dim, on_grid)
    return _disjoint_support_pairs(min_size, max_size, dim, on_grid, uniform, allow_zeros, bound)


@st.composite
def _disjoint_support_pairs(
    draw: st.DrawFn,
    min_size: int,
    max_size: int,
    dim: int | None,
    on_grid: bool,
    uniform: bool,
    allow_zeros: bool,
    bound: float,
) -> tuple[Discrete, Discrete]:
    d = _draw_dim(draw, dim)
    rows = _distinct_points(draw, 2 * min_size, 2 * max_size, d, on_grid, bound)
    n = len(rows)  # 2 min_size <= n <= 2 max_size, so this range is never empty
    cut = draw(st.integers(max(min_size, n - max_size), min(max_size, n - min_size)))
    P = _measure_on(draw, rows[:cut], uniform=uniform, allow_zeros=allow_zeros)
    return P, _measure_on(draw, rows[cut:], uniform=uniform, allow_zeros=allow_zeros)


st.register_type_strategy(Discrete, discrete_measures(dim=None))
