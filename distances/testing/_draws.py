"""The draws behind :func:`~distances.testing.raw_measures` and
:func:`~distances.testing.raw_pairs`: options, regimes, atoms and masses."""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from numpy.typing import NDArray

from ._args import check_bound, check_flag, check_strategy
from .boundaries import nudged, pick_regime, tiny_mass

FloatArray = NDArray[np.float64]

__all__ = [
    "STEP",
    "UNIT",
    "Options",
    "append_mass",
    "array_of",
    "atoms",
    "draw_dimension",
    "draw_raw",
    "flip_zeros",
    "indices",
    "ints",
    "make_options",
    "masses",
    "near_rows",
    "permutation",
    "sorted_rows",
    "with_regime",
    "with_tiny_mass",
]

UNIT = st.floats(0.0, 1.0, allow_subnormal=False)
STEP = st.integers(-1, 1).map(float)


@dataclass(frozen=True)
class Options:
    """What a raw measure may contain (the switches of :func:`raw_measures`)."""

    coordinates: st.SearchStrategy[float]
    weights: st.SearchStrategy[float]
    unsorted: bool
    duplicates: bool
    signed_zeros: bool
    normalized: bool
    zero_weights: bool = True
    subnormal: bool = True
    #: Place some draws at the boundaries (:mod:`distances.testing.boundaries`).
    boundaries: bool = True
    #: Step of the coarse grid that default coordinates are floored to in some draws
    #: (None for injected or extreme coordinates): the coordinates are the defaults.
    grid_step: float | None = None
    #: The weights are the defaults (not injected).
    default_weights: bool = True
    #: This draw's regime: "bulk", "grid" or one of BOUNDARIES.
    regime: str = "bulk"

    @property
    def on_grid(self) -> bool:
        return self.regime == "grid"


def make_options(
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
    boundaries: bool = True,
) -> Options:
    flags = {
        "unsorted": unsorted,
        "duplicates": duplicates,
        "signed_zeros": signed_zeros,
        "zero_weights": zero_weights,
        "subnormal_weights": subnormal_weights,
        "normalized": normalized,
        "extreme_coordinates": extreme_coordinates,
        "boundaries": boundaries,
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
    default_weights = weights is None
    if weights is None:
        weights = _default_weights(zero_weights, subnormal_weights)
    return Options(
        coordinates,
        weights,
        unsorted,
        duplicates,
        signed_zeros,
        normalized,
        zero_weights,
        subnormal_weights,
        boundaries,
        step,
        default_weights,
    )


def with_regime(draw: st.DrawFn, opt: Options) -> Options:
    """This draw's regime. In a third of the bulk draws default coordinates are floored to
    a grid of 7 values per axis: shared atoms, shared coordinates and ties become common
    (cheaper than a one_of of integers and floats for each coordinate, which cost 5x the
    draw time). With ``boundaries``, half the draws go to a boundary regime; one that would
    change injected coordinates or weights falls back to the bulk."""
    if not opt.boundaries:
        regime = "grid" if draw(ints(0, 3)) == 0 else "bulk"
    else:
        regime = pick_regime(draw)
    if regime in ("grid", "huge_coordinates", "near_atoms") and opt.grid_step is None:
        regime = "bulk"
    if regime == "tiny_masses" and not opt.default_weights:
        regime = "bulk"
    return replace(opt, regime=regime)


def _default_coordinates(bound: float, extreme: bool) -> st.SearchStrategy[float]:
    # One st.floats, not a one_of of several: inside hnp.arrays a one_of drew 5x fewer
    # arrays per second (40 against 208 pairs of 20 x 3 arrays; measured). Hypothesis's
    # floats favour 0.0, -0.0, small integers and the bounds, and the fill value of
    # hnp.arrays repeats rows, so ties and shared atoms still come often.
    return st.floats(
        -1e300 if extreme else -bound, 1e300 if extreme else bound, allow_subnormal=False
    )


def _default_weights(zero: bool, subnormal: bool) -> st.SearchStrategy[float]:
    # Subnormals lie below the smallest positive bound: only drawn with zeros allowed.
    return st.floats(0.0 if zero else 1e-3, 4.0, allow_subnormal=subnormal and zero)


@lru_cache(maxsize=4096)
def array_of(shape: tuple[int, ...], elements: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """One array strategy per (shape, elements), built once: building and validating a
    strategy on every draw cost a third of the generation time (measured with cProfile)."""
    return hnp.arrays(np.float64, shape, elements=elements)


@lru_cache(maxsize=4096)
def ints(lo: int, hi: int) -> st.SearchStrategy[int]:
    return st.integers(lo, hi)


@lru_cache(maxsize=4096)
def indices(n: int, min_size: int, max_size: int) -> st.SearchStrategy[list[int]]:
    """Lists of indices into n rows."""
    return st.lists(st.integers(0, n - 1), min_size=min_size, max_size=max_size)


@lru_cache(maxsize=4096)
def permutation(n: int) -> st.SearchStrategy[list[int]]:
    return st.permutations(range(n))


def atoms(draw: st.DrawFn, n: int, d: int, opt: Options) -> FloatArray:
    x = np.asarray(draw(array_of((n, d), opt.coordinates)), float)
    if not np.isfinite(x).all():
        raise ValueError(f"coordinates must draw finite floats; got {x[~np.isfinite(x)][0]}")
    if opt.on_grid and opt.grid_step is not None:
        x = np.floor(x / opt.grid_step)  # keeps -0.0: floor(-0.0) is -0.0
    if opt.regime == "near_atoms":
        x = near_rows(draw, x)
    return x if opt.signed_zeros else x + 0.0


def near_rows(draw: st.DrawFn, x: FloatArray, source: FloatArray | None = None) -> FloatArray:
    """Some rows of x replaced by a row of ``source`` (x's earlier rows if None) moved a
    few ulps along one axis: distinct atoms that code comparing with a tolerance merges."""
    x = x.copy()
    for j in range(0 if source is not None else 1, x.shape[0]):
        if not draw(st.booleans()):
            continue
        rows = source if source is not None else x[:j]
        i = draw(ints(0, rows.shape[0] - 1))
        ulps = draw(st.sampled_from([1, -1, 2, -3, 4]))
        x[j] = nudged(rows[i], ulps, draw(ints(0, x.shape[1] - 1)))
    return x


def masses(draw: st.DrawFn, n: int, opt: Options) -> FloatArray:
    w = np.asarray(draw(array_of((n,), opt.weights)), float)
    if not (np.isfinite(w).all() and (w >= 0).all()):
        raise ValueError(f"weights must draw finite non-negative floats; got {w.tolist()}")
    if not (w > 0).any():
        w[draw(ints(0, n - 1))] = 1.0
    return w / w.sum() if opt.normalized else w


def _with_duplicates(
    draw: st.DrawFn, x: FloatArray, w: FloatArray, opt: Options, max_rows: int
) -> tuple[FloatArray, FloatArray]:
    """Append repeated rows (with their own weights), then shuffle the rows if unsorted."""
    n = x.shape[0]
    if opt.duplicates and max_rows > n:
        extra = draw(indices(n, 0, min(max_rows - n, 4)))
        if extra:
            copies = flip_zeros(draw, x[extra], opt)
            w_extra = masses(draw, len(extra), opt)
            scale = w.sum() / (w.sum() + w_extra.sum()) if opt.normalized else 1.0
            x = np.concatenate([x, copies])
            w = np.concatenate([w, w_extra]) * scale
    if opt.unsorted:
        if x.shape[0] > n:  # repeated rows were appended: move them among the others
            order = np.array(draw(permutation(x.shape[0])), dtype=np.intp)
            x, w = x[order], w[order]
    else:
        order = np.lexsort(x.T[::-1])
        x, w = x[order], w[order]
    return x, w


def draw_raw(
    draw: st.DrawFn, lo: int, hi: int, d: int, opt: Options
) -> tuple[FloatArray, FloatArray]:
    """Arrays of between lo and hi rows (repeats included)."""
    rows = lo if opt.regime == "one_atom" else draw(ints(lo, hi))
    base = rows if not opt.duplicates else max(1, rows - draw(ints(0, rows // 2)))
    x = atoms(draw, base, d, opt)
    return _with_duplicates(draw, x, masses(draw, base, opt), opt, rows)


def draw_dimension(draw: st.DrawFn, dim: int | None) -> int:
    return dim if dim is not None else draw(ints(1, 3))



def append_mass(w: FloatArray, m: float, opt: Options) -> FloatArray:
    """w with a mass m of its total appended (renormalised if the weights are)."""
    total = float(w.sum())
    out = np.append(w, m * total)
    return out / out.sum() if opt.normalized else out


def with_tiny_mass(
    draw: st.DrawFn, x: FloatArray, w: FloatArray, opt: Options, hi: int
) -> tuple[FloatArray, FloatArray]:
    """One weight made tiny beside the rest, or (if there is room) a fresh row of tiny mass."""
    m = draw(tiny_mass(opt.subnormal))
    if x.shape[0] < hi and draw(st.booleans()):
        point = atoms(draw, 1, x.shape[1], replace(opt, regime="bulk"))
        return np.concatenate([x, point]), append_mass(w, m, opt)
    if x.shape[0] == 1:
        return x, w
    w = w.copy()
    i = draw(ints(0, w.size - 1))
    rest = float(w.sum() - w[i])
    w[i] = m * rest if rest > 0 else w[i]
    return x, (w / w.sum() if opt.normalized else w)


def flip_zeros(draw: st.DrawFn, rows: FloatArray, opt: Options) -> FloatArray:
    """The rows, or (if signed zeros are on, and drawn so) with 0.0 and -0.0 swapped."""
    if opt.signed_zeros and (rows == 0.0).any() and draw(st.booleans()):
        return np.where(rows == 0.0, -rows, rows)
    return rows


def sorted_rows(x: FloatArray, w: FloatArray, opt: Options) -> tuple[FloatArray, FloatArray]:
    """The rows in lexicographic order unless ``opt.unsorted`` (after rows were added)."""
    if opt.unsorted:
        return x, w
    order = np.lexsort(x.T[::-1])
    return x[order], w[order]
