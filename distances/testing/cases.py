"""The objects the raw-input strategies draw: :class:`RawMeasure` and :class:`RawPair`.

Each holds the arrays as a user's code receives them and the :class:`~distances.Discrete`
measures they stand for, by the normalising convention
``Discrete(atoms, weights / weights.sum())``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..measures import Discrete

__all__ = ["RawMeasure", "RawPair", "make_pair", "measure_of"]

FloatArray = NDArray[np.float64]


def _fmt(arr: FloatArray) -> str:
    return repr(arr.tolist())


@dataclass(frozen=True, repr=False)
class RawMeasure:
    """Atoms and weights as drawn, and the measure they stand for.

    Attributes
    ----------
    atoms : ndarray, shape (n, d)
        Rows in the order drawn, repeats and signed zeros included (read-only).
    weights : ndarray, shape (n,)
        Non-negative masses of positive sum (read-only).
    measure : Discrete
        ``Discrete(atoms, weights / weights.sum())``.
    """

    atoms: FloatArray
    weights: FloatArray
    measure: Discrete

    def __repr__(self) -> str:
        return f"RawMeasure(atoms={_fmt(self.atoms)}, weights={_fmt(self.weights)})"


@dataclass(frozen=True, repr=False)
class RawPair:
    """Two raw measures ``(x, a)`` and ``(y, b)`` of one dimension, with their measures.

    Attributes
    ----------
    x, y : ndarray, shapes (n, d) and (m, d)
        The atoms as drawn (read-only).
    a, b : ndarray, shapes (n,) and (m,)
        The weights as drawn (read-only).
    P, Q : Discrete
        The measures of ``(x, a)`` and ``(y, b)`` (normalising convention of the module).
    relation : str
        One of :data:`RELATIONS`.
    """

    x: FloatArray
    a: FloatArray
    y: FloatArray
    b: FloatArray
    P: Discrete
    Q: Discrete
    relation: str

    @property
    def dim(self) -> int:
        """The dimension d."""
        return int(self.x.shape[1])

    def swapped(self) -> RawPair:
        """The pair (Q, P)."""
        return RawPair(self.y, self.b, self.x, self.a, self.Q, self.P, self.relation)

    def __repr__(self) -> str:
        return (
            f"RawPair(relation={self.relation!r}, x={_fmt(self.x)}, a={_fmt(self.a)}, "
            f"y={_fmt(self.y)}, b={_fmt(self.b)})"
        )


def measure_of(atoms: FloatArray, weights: FloatArray) -> Discrete:
    """The measure of raw arrays: ``Discrete(atoms, weights / weights.sum())``."""
    return Discrete(atoms, weights / weights.sum())


def make_pair(x: Any, a: Any, y: Any, b: Any, relation: str = "independent") -> RawPair:
    """A :class:`RawPair` from arrays (copied, made read-only), with its two measures."""
    arrays = [np.array(v, dtype=np.float64) for v in (x, a, y, b)]
    for arr in arrays:
        arr.flags.writeable = False
    x_, a_, y_, b_ = arrays
    P, Q = measure_of(x_, a_), measure_of(y_, b_)
    return RawPair(x_, a_, y_, b_, P, Q, relation)
