"""Raw-input strategies: (atoms, weights) arrays as a user's distance code receives them.

:class:`~distances.Discrete` measures are sorted, merged, normalised and free of ``-0.0``:
code that takes them never runs the paths that handle raw input. The strategies here draw
the arrays themselves, each with the :class:`~distances.Discrete` it stands for:

* atoms of shape ``(n, d)`` in every dimension (``dim=None`` draws d from 1, 2, 3), in
  the order drawn (``unsorted``), with repeated rows that carry their own weights
  (``duplicates``), ``0.0`` and ``-0.0`` side by side (``signed_zeros``), and, on
  request, coordinates of every magnitude (``extreme_coordinates``);
* weights with exact zeros (``zero_weights``), subnormal ones (``subnormal_weights``),
  and either normalised or not (``normalized``);
* two draws in three at the boundaries where distance code breaks (``boundaries``, see
  :mod:`distances.testing.boundaries`): tiny and subnormal masses beside mass 1,
  coordinates up to 1e300, atoms a few ulps apart, one-atom measures.

The normalising convention: the measure of ``(atoms, weights)`` is
``Discrete(atoms, weights / weights.sum())``. Repeated rows are one atom whose weight is
the sum of theirs; ``0.0`` and ``-0.0`` are the same coordinate.

Element strategies can be injected in the style of :func:`hypothesis.extra.numpy.arrays`:
``coordinates=st.floats(-1, 1)`` for the coordinates, ``weights=st.integers(0, 5)`` for the
raw masses (before normalising). Arguments are validated when the strategy is built.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Literal

import numpy as np
from hypothesis import strategies as st
from numpy.typing import NDArray

from ._args import check_dim, check_sizes
from ._draws import (
    STEP,
    UNIT,
    Options,
    append_mass,
    array_of,
    atoms,
    draw_dimension,
    draw_raw,
    flip_zeros,
    indices,
    ints,
    make_options,
    masses,
    near_rows,
    permutation,
    sorted_rows,
    with_regime,
    with_tiny_mass,
)
from .boundaries import HUGE_SCALES, tiny_mass
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
#: atoms with positive weights of its own (so KL(P||Q) is finite, unless a tiny-mass draw
#: gave P an atom of its own), some atoms shared, the same measure given as other arrays, no
#: atom shared, independent draws.
RELATIONS: tuple[str, ...] = (
    "empirical",
    "perturbation",
    "shared_support",
    "partial_overlap",
    "identical",
    "disjoint",
    "independent",
)
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
    subnormal_weights: bool = True,
    normalized: bool = True,
    extreme_coordinates: bool = False,
    bound: float = 100.0,
    boundaries: bool = True,
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
    zero_weights, subnormal_weights : bool, default True
        Draw exact zero weights; draw subnormal weights (below 2.2e-308). A correct-looking
        JS that forms ``m = (p + q) / 2`` returns inf at the smallest subnormal (half of it
        rounds to 0); that is a finding, not a false alarm.
    normalized : bool, default True
        Divide the weights by their sum; False leaves masses of any positive total.
    extreme_coordinates : bool, default False
        Every coordinate of every magnitude up to 1e300 (tiny ones included) instead of
        ``[-bound, bound]``. Without it, ``"huge_coordinates"`` draws still reach 1e300.
    bound : float, default 100.0
        Bound of the default float coordinates.
    boundaries : bool, default True
        Put two draws in three at the boundaries of
        :mod:`distances.testing.boundaries` (tiny and subnormal masses, coordinates up to
        1e300, atoms a few ulps apart, one-atom measures); False draws the bulk only.

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
    min_size, max_size, dim = int(min_size), int(max_size), None if dim is None else int(dim)
    opt = make_options(
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
        boundaries=boundaries,
    )
    return _raw_measures(min_size, max_size, dim, opt)


@st.composite
def _raw_measures(draw: st.DrawFn, lo: int, hi: int, dim: int | None, opt: Options) -> RawMeasure:
    opt = with_regime(draw, opt)
    x, w = draw_raw(draw, lo, hi, draw_dimension(draw, dim), opt)
    if opt.regime == "tiny_masses":
        x, w = sorted_rows(*with_tiny_mass(draw, x, w, opt, hi), opt)
    elif opt.regime == "huge_coordinates":
        x = x * draw(st.sampled_from(HUGE_SCALES))
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
    subnormal_weights: bool = True,
    normalized: bool = True,
    extreme_coordinates: bool = False,
    bound: float = 100.0,
    boundaries: bool = True,
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
subnormal_weights, normalized, extreme_coordinates, bound, boundaries
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
    min_size, max_size, dim = int(min_size), int(max_size), None if dim is None else int(dim)
    if (
        not isinstance(relations, (tuple, list))
        or not relations
        or any(r not in RELATIONS for r in relations)
    ):
        raise ValueError(
            f"relations must be a non-empty tuple of {', '.join(map(repr, RELATIONS))}; "
            f"got {relations!r}"
        )
    opt = make_options(
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
        boundaries=boundaries,
    )
    return _raw_pairs(min_size, max_size, dim, tuple(relations), opt)


@st.composite
def _raw_pairs(
    draw: st.DrawFn, lo: int, hi: int, dim: int | None, relations: tuple[str, ...], opt: Options
) -> RawPair:
    d = draw_dimension(draw, dim)
    relation = draw(st.sampled_from(relations))
    opt = with_regime(draw, opt)
    if opt.regime == "tiny_masses" and hi == lo:  # no room for an atom of tiny mass
        opt = replace(opt, regime="bulk")
    # A tiny mass may add a row to each measure: draw one row fewer.
    x, a, y, b = _related(draw, lo, hi - (opt.regime == "tiny_masses"), d, relation, opt)
    if opt.regime == "tiny_masses":
        x, a, y, b = _tiny_masses(draw, x, a, y, b, relation, opt)
    elif opt.regime == "near_atoms" and relation in ("empirical", "independent", "disjoint"):
        y = near_rows(draw, y, x)
    elif opt.regime == "huge_coordinates":
        scale = draw(st.sampled_from(HUGE_SCALES))
        x, y = x * scale, y * scale
    if relation == "disjoint":
        y, b = _disjoint_from(x, y, b)
    return make_pair(*sorted_rows(x, a, opt), *sorted_rows(y, b, opt), relation)


def _related(
    draw: st.DrawFn, lo: int, hi: int, d: int, relation: str, opt: Options
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """(x, a) and (y, b) in the relation."""
    if relation == "empirical":
        n = lo if opt.regime == "one_atom" else draw(ints(lo, hi))
        x, y = atoms(draw, n, d, opt), atoms(draw, n, d, opt)
        a = b = np.full(n, 1.0 / n) if opt.normalized else np.ones(n)
        return x, a, y, b
    x, a = draw_raw(draw, lo, hi, d, opt)
    if relation == "independent":
        y, b = draw_raw(draw, lo, hi, d, opt)
    elif relation == "identical":
        y, b = _same_measure(draw, x, a, opt, hi)
    elif relation == "perturbation":
        y, b = _perturbed(draw, x, a, opt)
    elif relation == "shared_support":
        y, b = _on_the_atoms_of(draw, x, opt)
    elif relation == "partial_overlap":
        y, b = _overlapping(draw, x, lo, hi, d, opt)
    else:
        y, b = draw_raw(draw, lo, hi, d, opt)
    return x, a, y, b


def _tiny_masses(
    draw: st.DrawFn,
    x: FloatArray,
    a: FloatArray,
    y: FloatArray,
    b: FloatArray,
    relation: str,
    opt: Options,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """An atom of tiny mass at a fresh point (mostly off both supports) beside the pair's
    mass 1: in P only (3 times in 5: an unmatched mass, where KL(P||Q) turns infinite), in
    Q only, or in both (with
    masses of their own; the same mass in an ``"identical"`` pair). Empirical pairs keep
    their uniform weights: one of their atoms is moved to a point of the other instead."""
    if relation == "empirical":
        if draw(st.booleans()):
            y = y.copy()
            y[draw(ints(0, y.shape[0] - 1))] = x[draw(ints(0, x.shape[0] - 1))]
        return x, a, y, b
    mode = 3 if relation == "identical" else draw(st.sampled_from([0, 0, 0, 1, 2]))
    if mode in (1, 2) and relation == "perturbation" and not opt.zero_weights:
        mode = 3
    point = atoms(draw, 1, x.shape[1], replace(opt, regime="bulk"))
    if draw(ints(0, 3)):  # mostly off both supports (a drawn point is often 0.0, an atom)
        point[0, 0] = max(float(np.abs(x).max()), float(np.abs(y).max())) + 1.0 + abs(point[0, 0])
    m_p = draw(tiny_mass(opt.subnormal)) if mode != 1 else 0.0
    m_q = m_p if relation == "identical" else draw(tiny_mass(opt.subnormal))
    if mode == 0:
        m_q = 0.0
    # In a perturbation the two keep one shape (a zero weight where one has no leak).
    both = relation == "perturbation"
    if m_p > 0 or both:
        x, a = np.concatenate([x, point]), append_mass(a, m_p, opt)
    if m_q > 0 or both:
        y, b = np.concatenate([y, point]), append_mass(b, m_q, opt)
    return x, a, y, b


def _same_measure(
    draw: st.DrawFn, x: FloatArray, a: FloatArray, opt: Options, hi: int
) -> tuple[FloatArray, FloatArray]:
    """The same measure as (x, a): rows shuffled, and one row split in two if room."""
    order = np.array(draw(permutation(x.shape[0])), dtype=np.intp)
    y, b = flip_zeros(draw, x[order], opt), a[order]
    if y.shape[0] < hi and draw(st.booleans()):
        i = draw(ints(0, y.shape[0] - 1))
        half = b[i] / 2.0  # exact, except for the smallest subnormals
        y = np.concatenate([y, y[i : i + 1]])
        b = np.concatenate([b, [b[i] - half]])
        b[i] = half
    return y, b


def _on_the_atoms_of(
    draw: st.DrawFn, x: FloatArray, opt: Options
) -> tuple[FloatArray, FloatArray]:
    """Q on the rows of x (shuffled) with positive weights of its own."""
    order = np.array(draw(permutation(x.shape[0])), dtype=np.intp)
    b = masses(draw, x.shape[0], opt)
    b = np.where(b > 0, b, b.max())
    return flip_zeros(draw, x[order], opt), (b / b.sum() if opt.normalized else b)


def _perturbed(
    draw: st.DrawFn, x: FloatArray, a: FloatArray, opt: Options
) -> tuple[FloatArray, FloatArray]:
    """Q near P: P's weights moved a little (a quarter of the draws), a tiny mass moved
    from P's heaviest row to another row (half), or P's atoms moved a little."""
    step = draw(st.sampled_from([1e-10, 1e-9, 1e-3, 1e-12, 1e-6, 1e-15]))
    how = draw(ints(0, 3))
    if how == 0:
        noise = np.asarray(draw(array_of(a.shape, UNIT)))
        b = a + step * noise * a.sum()
        return x.copy(), (b / b.sum() if opt.normalized else b)
    if how in (1, 2):  # TV is the moved mass: 1e-13 to 7.5e-9 of the total
        b = a.copy()
        i, j = int(np.argmax(a)), draw(ints(0, a.size - 1))
        moved = draw(tiny_mass(deep=False)) * float(a.sum())
        b[i] -= moved
        b[j] += moved
        return x.copy(), b
    direction = np.asarray(draw(array_of(x.shape, STEP)))
    return x + step * direction * np.maximum(np.abs(x), 1.0), a.copy()


def _overlapping(
    draw: st.DrawFn, x: FloatArray, lo: int, hi: int, d: int, opt: Options
) -> tuple[FloatArray, FloatArray]:
    """Some rows of x (at least one) and some new rows, with fresh weights."""
    shared = draw(indices(x.shape[0], 1, hi))
    new_rows = draw(ints(max(0, lo - len(shared)), hi - len(shared)))
    old = flip_zeros(draw, x[shared], opt)
    y = np.concatenate([old, atoms(draw, new_rows, d, opt)]) if new_rows else old
    return y, masses(draw, y.shape[0], opt)


def _disjoint_from(x: FloatArray, y: FloatArray, b: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Move the rows of y that are atoms of x beyond every atom of x (first coordinate)."""
    hit = (y[:, None, :] == x[None, :, :]).all(axis=2).any(axis=1)
    if hit.any():
        y = y.copy()
        y[hit, 0] = y[hit, 0] + 1.0 + 2.0 * float(np.abs(x).max())
    return y, b


st.register_type_strategy(RawMeasure, raw_measures())
st.register_type_strategy(RawPair, raw_pairs())
