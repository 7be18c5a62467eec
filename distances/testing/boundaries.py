"""Where distance code breaks: the boundary draws of the raw-input strategies.

Bugs that show on one drawn pair in a few hundred (a KL that is finite when the unmatched
mass is below 1e-12, a TV that drops differences below 1e-9, a squared distance that
overflows at 1.34e154) are found by chance at 100 examples, and a derandomized run gives
the same chance on every run. So :func:`~distances.testing.raw_pairs` and
:func:`~distances.testing.raw_measures` (``boundaries=True``, the default) put two
in three of their draws in one of the regimes of :data:`BOUNDARIES`, and the rest in the
bulk (floats in ``[-bound, bound]``, half of them floored to a grid of 7 values per axis):

======================  ==================================================================
``"tiny_masses"``       an atom of mass 1e-300 to 1e-9, or subnormal, beside mass 1: at a
                        fresh point (mostly off both supports) given to P, Q or both
``"huge_coordinates"``  every coordinate times :math:`2^k` up to 1e300; :math:`2^{511}` and
                        :math:`2^{512}` straddle 1.34e154, where a squared distance overflows
``"near_atoms"``        atoms a few ulps apart, within a measure and across the two
``"one_atom"``          measures of ``min_size`` rows (one atom by default)
======================  ==================================================================

Each regime keeps the relation of the pair (an ``"identical"`` pair stays one measure, a
``"disjoint"`` one shares no atom). Perturbations (``"perturbation"``) also move weights
or atoms by 1e-15 (a few ulps), 1e-12 and 1e-10 of their size, beside 1e-9, 1e-6 and 1e-3.

Examples
--------
>>> from hypothesis import find
>>> from distances.testing import raw_pairs
>>> tiny = find(raw_pairs(), lambda p: 0 < p.P.weights.min() < 1e-100)
>>> bool(tiny.P.weights.max() > 0.5 * tiny.P.weights.sum())
True
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from hypothesis import strategies as st
from numpy.typing import NDArray

__all__ = [
    "BOUNDARIES",
    "CUTOFF_EXPONENTS",
    "HUGE_SCALES",
    "TINY_EXPONENTS",
    "diameter",
    "norm",
    "nudged",
    "pick_regime",
    "tiny_mass",
]

FloatArray = NDArray[np.float64]

#: The boundary regimes, in the order of their share of the draws.
BOUNDARIES: tuple[str, ...] = ("tiny_masses", "huge_coordinates", "near_atoms", "one_atom")

#: Regime of a draw from ``integers(0, 11)``: 2 bulk, 2 grid, 4 tiny masses, 2 huge
#: coordinates, 1 near atoms, 1 one atom.
#: Hypothesis shrinks towards 0, so a failure found in a regime still shrinks to the bulk
#: when the bulk shows it too.
_REGIMES: tuple[str, ...] = (
    ("bulk",) * 2 + ("grid",) * 2 + ("tiny_masses",) * 4 + ("huge_coordinates",) * 2
    + ("near_atoms", "one_atom")
)

#: Decimal exponents of the tiny masses. Half the draws take the decades around the
#: cut-offs user code puts at 1e-9 and 1e-12 (:data:`CUTOFF_EXPONENTS`), half the rest
#: down to 1e-300 or a subnormal mass.
CUTOFF_EXPONENTS: tuple[int, ...] = (-10, -13, -9, -12, -11)
TINY_EXPONENTS: tuple[int, ...] = (*CUTOFF_EXPONENTS, -20, -300, -50, -16, -100, -14, -200)

#: Powers of two the coordinates are multiplied by in ``"huge_coordinates"`` draws (exact:
#: no two coordinates merge). Default coordinates are at most 100 < 2^7, so the largest
#: is 100 * 2^990 = 1.0e300; 2^511 = 6.7e153 and 2^512 = 1.3e154 straddle sqrt(max float).
HUGE_SCALES: tuple[float, ...] = tuple(math.ldexp(1.0, k) for k in (500, 511, 512, 520, 700, 990))


def pick_regime(draw: st.DrawFn) -> str:
    """One of ``"bulk"``, ``"grid"`` or :data:`BOUNDARIES`, with the shares above."""
    return _REGIMES[draw(_regime_index())]


@lru_cache(maxsize=1)
def _regime_index() -> st.SearchStrategy[int]:
    return st.integers(0, len(_REGIMES) - 1)


@st.composite
def tiny_mass(draw: st.DrawFn, subnormal: bool = True, deep: bool = True) -> float:
    """A mass between 1e-300 and 1e-8 (:data:`TINY_EXPONENTS`), or subnormal; with
    ``deep=False`` only from the decades of :data:`CUTOFF_EXPONENTS`."""
    mantissa = draw(st.sampled_from([1.0, 3.0, 5.0, 1.5, 7.5, 2.0]))
    if not deep or draw(st.booleans()):
        return mantissa * 10.0 ** draw(st.sampled_from(CUTOFF_EXPONENTS))
    deep = TINY_EXPONENTS[len(CUTOFF_EXPONENTS) :]
    k = draw(st.integers(0, len(deep) - (0 if subnormal else 1)))
    if k == len(deep):  # 5e-324 times 1 to 2^20: subnormal
        return draw(st.integers(1, 2**20)) * 5e-324
    return mantissa * 10.0 ** deep[k]


def nudged(row: FloatArray, ulps: int, axis: int) -> FloatArray:
    """``row`` with coordinate ``axis`` moved ``ulps`` ulps (up if > 0, down if < 0)."""
    out = np.array(row, dtype=np.float64)
    target = np.inf if ulps > 0 else -np.inf
    for _ in range(abs(ulps)):
        out[axis] = np.nextafter(out[axis], target)
    return out


def norm(v: FloatArray) -> float:
    """Euclidean norm of ``v`` without overflow: ``s * |v / s|`` with ``s = max |v_i|``.

    ``np.linalg.norm`` squares the entries first, so it returns inf from 1.34e154 on.

    >>> norm(np.array([3e300, 4e300]))
    5e+300
    """
    v = np.asarray(v, dtype=np.float64)
    s = float(np.abs(v).max()) if v.size else 0.0
    if s == 0.0 or not np.isfinite(s):
        return s
    return s * float(np.sqrt(np.sum((v / s) ** 2)))


def diameter(points: FloatArray) -> float:
    """Largest distance between two rows of ``points`` (n, d), without overflow.

    Rows are divided by the largest coordinate magnitude before the squares are summed.
    A coordinate ``1e-300`` beside ``1e300`` then becomes 0: the answer moves by at most
    ``sqrt(d)`` times the smallest float, far below any tolerance.

    >>> diameter(np.array([[0.0, 0.0], [3e300, 4e300]]))
    5e+300
    """
    z = np.asarray(points, dtype=np.float64)
    s = float(np.abs(z).max()) if z.size else 0.0
    if s == 0.0:
        return 0.0
    u = z / s
    return s * float(np.sqrt(((u[:, None, :] - u[None, :, :]) ** 2).sum(axis=2)).max())
