"""Raw-input strategies: (atoms, weights) arrays as a user's distance code receives them.

:class:`~distances.Discrete` measures are sorted, merged, normalised and free of ``-0.0``:
code that takes them never runs the paths that handle raw input. The strategies here draw
the arrays themselves, each with the :class:`~distances.Discrete` it stands for:

* atoms of shape ``(n, d)`` in every dimension (``dim=None`` draws d from 1, 2, 3), in
  the order drawn (``unsorted``), with repeated rows that carry their own weights
  (``duplicates``), ``0.0`` and ``-0.0`` side by side (``signed_zeros``), and, on
  request, very large and very small coordinates (``extreme_coordinates``);
* weights with exact zeros (``zero_weights``), subnormal ones on request
  (``subnormal_weights``), and either normalised or not (``normalized``).

The normalising convention: the measure of ``(atoms, weights)`` is
``Discrete(atoms, weights / weights.sum())``. Repeated rows are one atom whose weight is
the sum of theirs; ``0.0`` and ``-0.0`` are the same coordinate.

Element strategies can be injected in the style of :func:`hypothesis.extra.numpy.arrays`:
``coordinates=st.floats(-1, 1)`` for the coordinates, ``weights=st.integers(0, 5)`` for the
raw masses (before normalising). Arguments are validated when the strategy is built.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any, Literal

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from numpy.typing import NDArray

from ._args import check_bound, check_dim, check_flag, check_sizes, check_strategy
from .cases import RawMeasure, RawPair, make_pair, measure_of

__all__ = [
    "RELATIONS",
    "Relation",
    "raw_measures",
    "raw_pairs",
]

FloatArray = NDArray[np.float64]
Relation = Literal[
    "empirical",
    "perturbation",
    "shared_support",
    "partial_overlap",
    "identical",
    "disjoint",
    "independent",
]
#: How the two measures of a :func:`raw_pairs` draw relate: equal-size uniform samples (the
#: empirical case), Q a small perturbation of P (of its weights or of its atoms), Q on P's
#: atoms with positive weights of its own (so KL(P||Q) is finite), some atoms shared, the
#: same measure given as other arrays, no atom shared, independent draws.
RELATIONS: tuple[str, ...] = (
    "empirical",
    "perturbation",
    "shared_support",
    "partial_overlap",
    "identical",
    "disjoint",
    "independent",
)
_UNIT = st.floats(0.0, 1.0, allow_subnormal=False)
_STEP = st.integers(-1, 1).map(float)


@dataclass(frozen=True)
class _Options:
    """What a raw measure may contain (the switches of :func:`raw_measures`)."""

    coordinates: st.SearchStrategy[float]
    weights: st.SearchStrategy[float]
    unsorted: bool
    duplicates: bool
    signed_zeros: bool
    normalized: bool
    #: Step of the coarse grid that default coordinates are floored to in some draws
    #: (None for injected or extreme coordinates), and whether this draw uses it.
    grid_step: float | None = None
    on_grid: bool = False


def _options(
    coordinates: st.SearchStrategy[float] | None,
    weights: st.SearchStrategy[float] | None,
    *,
    unsorted: bool,
    duplicates: bool,
    signed_zeros: bool,
    zero_weights: bool,
    subnormal_weights: bool,
    normalized: bool,
    extreme_coordinates: bool,
    bound: float,
) -> _Options:
    flags = {
        "unsorted": unsorted,
        "duplicates": duplicates,
        "signed_zeros": signed_zeros,
        "zero_weights": zero_weights,
        "subnormal_weights": subnormal_weights,
        "normalized": normalized,
        "extreme_coordinates": extreme_coordinates,
    }
    for name, value in flags.items():
        check_flag(value, name)
    check_strategy(coordinates, "coordinates")
    check_strategy(weights, "weights")
    check_bound(bound)
    step = None
    if coordinates is None:
        coordinates = _default_coordinates(bound, extreme_coordinates)
        step = None if extreme_coordinates else bound / 3.0
    if weights is None:
        weights = _default_weights(zero_weights, subnormal_weights)
    return _Options(coordinates, weights, unsorted, duplicates, signed_zeros, normalized, step)


def _maybe_on_grid(draw: st.DrawFn, opt: _Options) -> _Options:
    """In about one draw in four, default coordinates are floored to a grid of 7 values
    per axis: shared atoms, shared coordinates and ties become common. Cheaper than a
    one_of of integers and floats for each coordinate, which cost 5x the draw time."""
    if opt.grid_step is None or draw(_ints(0, 3)) != 0:
        return opt
    return replace(opt, on_grid=True)


def _default_coordinates(bound: float, extreme: bool) -> st.SearchStrategy[float]:
    # One st.floats, not a one_of of several: inside hnp.arrays a one_of drew 5x fewer
    # arrays per second (40 against 208 pairs of 20 x 3 arrays; measured). Hypothesis's
    # floats favour 0.0, -0.0, small integers and the bounds, and the fill value of
    # hnp.arrays repeats rows, so ties and shared atoms still come often.
    return st.floats(
        -1e300 if extreme else -bound, 1e300 if extreme else bound, allow_subnormal=False
    )


def _default_weights(zero: bool, subnormal: bool) -> st.SearchStrategy[float]:
    return st.floats(0.0 if zero else 1e-3, 4.0, allow_subnormal=subnormal)


@lru_cache(maxsize=4096)
def _array(shape: tuple[int, ...], elements: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """One array strategy per (shape, elements), built once: building and validating a
    strategy on every draw cost a third of the generation time (measured with cProfile)."""
    return hnp.arrays(np.float64, shape, elements=elements)


@lru_cache(maxsize=4096)
def _ints(lo: int, hi: int) -> st.SearchStrategy[int]:
    return st.integers(lo, hi)


@lru_cache(maxsize=4096)
def _indices(n: int, min_size: int, max_size: int) -> st.SearchStrategy[list[int]]:
    """Lists of indices into n rows."""
    return st.lists(st.integers(0, n - 1), min_size=min_size, max_size=max_size)


@lru_cache(maxsize=4096)
def _permutation(n: int) -> st.SearchStrategy[list[int]]:
    return st.permutations(range(n))


def _atoms(draw: st.DrawFn, n: int, d: int, opt: _Options) -> FloatArray:
    x = np.asarray(draw(_array((n, d), opt.coordinates)), float)
    if not np.isfinite(x).all():
        raise ValueError(f"coordinates must draw finite floats; got {x[~np.isfinite(x)][0]}")
    if opt.on_grid and opt.grid_step is not None:
        x = np.floor(x / opt.grid_step)  # keeps -0.0: floor(-0.0) is -0.0
    return x if opt.signed_zeros else x + 0.0


def _masses(draw: st.DrawFn, n: int, opt: _Options) -> FloatArray:
    w = np.asarray(draw(_array((n,), opt.weights)), float)
    if not (np.isfinite(w).all() and (w >= 0).all()):
        raise ValueError(f"weights must draw finite non-negative floats; got {w.tolist()}")
    if not (w > 0).any():
        w[draw(_ints(0, n - 1))] = 1.0
    return w / w.sum() if opt.normalized else w


def _with_duplicates(
    draw: st.DrawFn, x: FloatArray, w: FloatArray, opt: _Options, max_rows: int
) -> tuple[FloatArray, FloatArray]:
    """Append repeated rows (with their own weights), then shuffle the rows if unsorted."""
    n = x.shape[0]
    if opt.duplicates and max_rows > n:
        extra = draw(_indices(n, 0, min(max_rows - n, 4)))
        if extra:
            copies = _flip_zeros(draw, x[extra], opt)
            w_extra = _masses(draw, len(extra), opt)
            scale = w.sum() / (w.sum() + w_extra.sum()) if opt.normalized else 1.0
            x = np.concatenate([x, copies])
            w = np.concatenate([w, w_extra]) * scale
    if opt.unsorted:
        if x.shape[0] > n:  # repeated rows were appended: move them among the others
            order = np.array(draw(_permutation(x.shape[0])), dtype=np.intp)
            x, w = x[order], w[order]
    else:
        order = np.lexsort(x.T[::-1])
        x, w = x[order], w[order]
    return x, w


def _draw_raw(
    draw: st.DrawFn, lo: int, hi: int, d: int, opt: _Options
) -> tuple[FloatArray, FloatArray]:
    """Arrays of between lo and hi rows (repeats included)."""
    rows = draw(_ints(lo, hi))
    base = rows if not opt.duplicates else max(1, rows - draw(_ints(0, rows // 2)))
    x = _atoms(draw, base, d, opt)
    return _with_duplicates(draw, x, _masses(draw, base, opt), opt, rows)


def _draw_dimension(draw: st.DrawFn, dim: int | None) -> int:
    return dim if dim is not None else draw(_ints(1, 3))


def raw_measures(
    min_size: int = 1,
    max_size: int = 8,
    *,
    dim: int | None = None,
    coordinates: st.SearchStrategy[float] | None = None,
    weights: st.SearchStrategy[float] | None = None,
    unsorted: bool = True,
    duplicates: bool = True,
    signed_zeros: bool = True,
    zero_weights: bool = True,
    subnormal_weights: bool = False,
    normalized: bool = True,
    extreme_coordinates: bool = False,
    bound: float = 100.0,
) -> st.SearchStrategy[RawMeasure]:
    """Raw ``(atoms, weights)`` arrays with the :class:`~distances.Discrete` they stand for.

    Parameters
    ----------
    min_size, max_size : int, default 1 and 8
        Bounds on the number of rows (repeated rows count).
    dim : int or None, default None
        The dimension d; None draws it from {1, 2, 3}.
    coordinates : SearchStrategy of float, optional
        Each coordinate. Default: floats in ``[-bound, bound]`` (``[-1e300, 1e300]`` with
        ``extreme_coordinates``).
    weights : SearchStrategy of float, optional
        Each raw mass, before normalising: finite and ``>= 0`` (a draw of all zeros gets
        one mass set to 1). Default: floats in [0, 4] ([1e-3, 4] without zero weights).
    unsorted : bool, default True
        Rows in the order drawn; False sorts them lexicographically (repeats kept).
    duplicates : bool, default True
        Repeat some rows, each copy with its own weight.
    signed_zeros : bool, default True
        Let ``0.0`` and ``-0.0`` both occur, also in copies of one row.
    zero_weights, subnormal_weights : bool, default True and False
        Draw exact zero weights; draw subnormal weights (below 2.2e-308).
    normalized : bool, default True
        Divide the weights by their sum; False leaves masses of any positive total.
    extreme_coordinates : bool, default False
        Coordinates of every magnitude up to 1e300 (tiny ones included) instead of
        ``[-bound, bound]``.
    bound : float, default 100.0
        Bound of the default float coordinates.

    Returns
    -------
    SearchStrategy of RawMeasure

    Raises
    ------
    ValueError
        At once, on arguments no measure can satisfy (``min_size=0``, ``dim=0``, ...).

    Examples
    --------
    >>> from hypothesis import find
    >>> m = find(raw_measures(dim=2), lambda m: m.atoms.shape[0] > m.measure.size)
    >>> m.atoms.shape[1], m.measure.size < m.atoms.shape[0]  # a repeated row, merged
    (2, True)
    >>> raw_measures(min_size=0)
    Traceback (most recent call last):
    ...
    ValueError: min_size must be at least 1 (a measure has at least one atom); got min_size=0
    """
    check_sizes(min_size, max_size)
    check_dim(dim)
    opt = _options(
        coordinates,
        weights,
        unsorted=unsorted,
        duplicates=duplicates,
        signed_zeros=signed_zeros,
        zero_weights=zero_weights,
        subnormal_weights=subnormal_weights,
        normalized=normalized,
        extreme_coordinates=extreme_coordinates,
        bound=bound,
    )
    return _raw_measures(min_size, max_size, dim, opt)


@st.composite
def _raw_measures(draw: st.DrawFn, lo: int, hi: int, dim: int | None, opt: _Options) -> RawMeasure:
    x, w = _draw_raw(draw, lo, hi, _draw_dimension(draw, dim), _maybe_on_grid(draw, opt))
    for arr in (x, w):
        arr.flags.writeable = False
    return RawMeasure(x, w, measure_of(x, w))


def raw_pairs(
    min_size: int = 1,
    max_size: int = 8,
    *,
    dim: int | None = None,
    relations: tuple[str, ...] = RELATIONS,
    coordinates: st.SearchStrategy[float] | None = None,
    weights: st.SearchStrategy[float] | None = None,
    unsorted: bool = True,
    duplicates: bool = True,
    signed_zeros: bool = True,
    zero_weights: bool = True,
    subnormal_weights: bool = False,
    normalized: bool = True,
    extreme_coordinates: bool = False,
    bound: float = 100.0,
) -> st.SearchStrategy[RawPair]:
    """Pairs of raw measures of one dimension, in every relation of :data:`RELATIONS`.

    Parameters
    ----------
    min_size, max_size : int, default 1 and 8
        Bounds on the rows of each measure.
    dim : int or None, default None
        The dimension; None draws it from {1, 2, 3}, so d >= 2 code is reached by default.
    relations : tuple of str, default all of :data:`RELATIONS`
        The relations to draw from: ``"empirical"`` (equal-size uniform samples),
        ``"perturbation"`` (Q moves P's weights or atoms a little), ``"shared_support"``
        (Q on P's atoms, positive weights of its own), ``"partial_overlap"``,
        ``"identical"`` (the same measure, other arrays), ``"disjoint"``, ``"independent"``.
    coordinates, weights, unsorted, duplicates, signed_zeros, zero_weights, \
subnormal_weights, normalized, extreme_coordinates, bound
        As in :func:`raw_measures`.

    Returns
    -------
    SearchStrategy of RawPair

    Examples
    --------
    >>> from hypothesis import find
    >>> pair = find(raw_pairs(relations=("disjoint",), dim=3), lambda p: True)
    >>> pair.relation, pair.x.shape[1], pair.y.shape[1]
    ('disjoint', 3, 3)
    >>> raw_pairs(relations=("overlap",))
    Traceback (most recent call last):
    ...
    ValueError: relations must be a non-empty tuple of 'empirical', 'perturbation', \
'shared_support', 'partial_overlap', 'identical', 'disjoint', 'independent'; got ('overlap',)
    """
    check_sizes(min_size, max_size)
    check_dim(dim)
    if (
        not isinstance(relations, (tuple, list))
        or not relations
        or any(r not in RELATIONS for r in relations)
    ):
        raise ValueError(
            f"relations must be a non-empty tuple of {', '.join(map(repr, RELATIONS))}; "
            f"got {relations!r}"
        )
    opt = _options(
        coordinates,
        weights,
        unsorted=unsorted,
        duplicates=duplicates,
        signed_zeros=signed_zeros,
        zero_weights=zero_weights,
        subnormal_weights=subnormal_weights,
        normalized=normalized,
        extreme_coordinates=extreme_coordinates,
        bound=bound,
    )
    return _raw_pairs(min_size, max_size, dim, tuple(relations), opt)


@st.composite
def _raw_pairs(
    draw: st.DrawFn, lo: int, hi: int, dim: int | None, relations: tuple[str, ...], opt: _Options
) -> RawPair:
    d = _draw_dimension(draw, dim)
    relation = draw(st.sampled_from(relations))
    opt = _maybe_on_grid(draw, opt)
    if relation == "empirical":
        n = draw(_ints(lo, hi))
        x, y = _atoms(draw, n, d, opt), _atoms(draw, n, d, opt)
        a = b = np.full(n, 1.0 / n) if opt.normalized else np.ones(n)
        return make_pair(x, a, y, b, relation)
    x, a = _draw_raw(draw, lo, hi, d, opt)
    if relation == "independent":
        y, b = _draw_raw(draw, lo, hi, d, opt)
    elif relation == "identical":
        y, b = _same_measure(draw, x, a, opt, hi)
    elif relation == "perturbation":
        y, b = _perturbed(draw, x, a, opt)
    elif relation == "shared_support":
        y, b = _on_the_atoms_of(draw, x, opt)
    elif relation == "partial_overlap":
        y, b = _overlapping(draw, x, lo, hi, d, opt)
    else:
        y, b = _disjoint_from(x, *_draw_raw(draw, lo, hi, d, opt))
    return make_pair(x, a, y, b, relation)


def _flip_zeros(draw: st.DrawFn, rows: FloatArray, opt: _Options) -> FloatArray:
    """The rows, or (if signed zeros are on, and drawn so) with 0.0 and -0.0 swapped."""
    if opt.signed_zeros and (rows == 0.0).any() and draw(st.booleans()):
        return np.where(rows == 0.0, -rows, rows)
    return rows


def _same_measure(
    draw: st.DrawFn, x: FloatArray, a: FloatArray, opt: _Options, hi: int
) -> tuple[FloatArray, FloatArray]:
    """The same measure as (x, a): rows shuffled, and one row split in two if room."""
    order = np.array(draw(_permutation(x.shape[0])), dtype=np.intp)
    y, b = _flip_zeros(draw, x[order], opt), a[order]
    if y.shape[0] < hi and draw(st.booleans()):
        i = draw(_ints(0, y.shape[0] - 1))
        half = b[i] / 2.0  # exact, except for the smallest subnormals
        y = np.concatenate([y, y[i : i + 1]])
        b = np.concatenate([b, [b[i] - half]])
        b[i] = half
    return y, b


def _on_the_atoms_of(
    draw: st.DrawFn, x: FloatArray, opt: _Options
) -> tuple[FloatArray, FloatArray]:
    """Q on the rows of x (shuffled) with positive weights of its own."""
    order = np.array(draw(_permutation(x.shape[0])), dtype=np.intp)
    b = _masses(draw, x.shape[0], opt)
    b = np.where(b > 0, b, b.max())
    return _flip_zeros(draw, x[order], opt), (b / b.sum() if opt.normalized else b)


def _perturbed(
    draw: st.DrawFn, x: FloatArray, a: FloatArray, opt: _Options
) -> tuple[FloatArray, FloatArray]:
    """Q near P: P's weights moved a little, or P's atoms moved a little."""
    step = draw(st.sampled_from([1e-9, 1e-6, 1e-3]))
    if draw(st.booleans()):
        noise = np.asarray(draw(_array(a.shape, _UNIT)))
        b = a + step * noise * a.sum()
        return x.copy(), (b / b.sum() if opt.normalized else b)
    direction = np.asarray(draw(_array(x.shape, _STEP)))
    return x + step * direction * np.maximum(np.abs(x), 1.0), a.copy()


def _overlapping(
    draw: st.DrawFn, x: FloatArray, lo: int, hi: int, d: int, opt: _Options
) -> tuple[FloatArray, FloatArray]:
    """Some rows of x (at least one) and some new rows, with fresh weights."""
    shared = draw(_indices(x.shape[0], 1, hi))
    new_rows = draw(_ints(max(0, lo - len(shared)), hi - len(shared)))
    old = _flip_zeros(draw, x[shared], opt)
    y = np.concatenate([old, _atoms(draw, new_rows, d, opt)]) if new_rows else old
    return y, _masses(draw, y.shape[0], opt)


def _disjoint_from(x: FloatArray, y: FloatArray, b: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Move the rows of y that are atoms of x beyond every atom of x (first coordinate)."""
    hit = (y[:, None, :] == x[None, :, :]).all(axis=2).any(axis=1)
    if hit.any():
        y = y.copy()
        y[hit, 0] = y[hit, 0] + 1.0 + 2.0 * float(np.abs(x).max())
    return y, b


st.register_type_strategy(RawMeasure, raw_measures())
st.register_type_strategy(RawPair, raw_pairs())
