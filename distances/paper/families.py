r"""Singular families of the WGAN paper: uniform measures on segments, and Example 1.

A uniform measure on a segment :math:`[s, e] \subset \mathbb{R}^d` is the law of
:math:`s + Z (e - s)` with :math:`Z \sim U[0, 1]`. In the plane it has no density:
it lives on a set of Lebesgue measure zero, the situation of a generator
:math:`g_\theta(z)` with a latent space of lower dimension than the data.

Example 1 of the paper (Arjovsky, Chintala, Bottou 2017): :math:`P_0` is the law of
:math:`(0, Z)` and :math:`P_\theta` the law of :math:`(\theta, Z)`. Then

.. math::

    \begin{aligned}
    W_1(P_0, P_\theta) &= |\theta|, \quad
    JS(P_0, P_\theta) = \begin{cases} \log 2 & \theta \ne 0 \\ 0 & \theta = 0 \end{cases}, \\
    KL(P_\theta \| P_0) = KL(P_0 \| P_\theta) &=
    \begin{cases} +\infty & \theta \ne 0 \\ 0 & \theta = 0 \end{cases}, \quad
    \delta(P_0, P_\theta) = \begin{cases} 1 & \theta \ne 0 \\ 0 & \theta = 0. \end{cases}
    \end{aligned}

The divergences jump because of one rule, :func:`mutually_singular_divergences`:
two measures that live on disjoint sets (more generally, mutually singular measures,
e.g. a law with a density and a measure on a Lebesgue-null set) are at TV 1, JS log 2
and KL +inf in both directions, however close the sets are. W1 sees the distance.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import as_float_array, as_scalar
from ..singular import mutually_singular_divergences

__all__ = [
    "Example1Distances",
    "UniformSegment",
    "example1_distances",
    "example1_sample",
    "example1_segment",
    "segment_distances",
]

FloatArray = NDArray[np.float64]
_LOG2 = math.log(2.0)


# -- uniform measures on segments --------------------------------------------------------


@dataclass(frozen=True)
class UniformSegment:
    r"""The uniform probability measure on the segment from ``start`` to ``end`` in R^d.

    It is the law of :math:`\text{start} + Z(\text{end} - \text{start})`, Z ~ U[0, 1].

    Parameters
    ----------
    start, end : tuple of float
        The two ends (distinct points of the same dimension).

    Examples
    --------
    >>> S = UniformSegment((0.0, 0.0), (0.0, 1.0))
    >>> S.length, S.point([0.5]).tolist()
    (1.0, [[0.0, 0.5]])
    """

    start: tuple[float, ...]
    end: tuple[float, ...]

    def __post_init__(self) -> None:
        s = as_float_array(self.start, "start", ndim=(1,))
        e = as_float_array(self.end, "end", ndim=(1,))
        if s.shape != e.shape:
            raise ValueError(
                f"start and end must have the same dimension; got {s.size} and {e.size}"
            )
        if not (np.isfinite(s).all() and np.isfinite(e).all()):
            raise ValueError(f"segment ends must be finite; got {s.tolist()} and {e.tolist()}")
        if np.array_equal(s, e):
            raise ValueError(f"a segment needs two distinct ends; got {s.tolist()} twice")
        object.__setattr__(self, "start", tuple(float(v) for v in s))
        object.__setattr__(self, "end", tuple(float(v) for v in e))

    @property
    def dim(self) -> int:
        """The dimension d of the ambient space."""
        return len(self.start)

    @property
    def direction(self) -> FloatArray:
        """``end - start``."""
        return np.subtract(self.end, self.start)

    @property
    def length(self) -> float:
        """The Euclidean length of the segment."""
        return float(np.linalg.norm(self.direction))

    def point(self, z: ArrayLike) -> FloatArray:
        """The points ``start + z (end - start)`` for z in [0, 1], shape (n, d)."""
        zz = as_float_array(z, "z", ndim=(0, 1)).reshape(-1)
        return np.asarray(self.start) + zz[:, None] * self.direction[None, :]

    def sample(self, n: int, rng: np.random.Generator | int | None = None) -> FloatArray:
        """``n`` i.i.d. points, shape (n, d)."""
        if not (isinstance(n, (int, np.integer)) and n > 0):
            raise ValueError(f"n must be a positive integer; got {n!r}")
        return self.point(np.random.default_rng(rng).uniform(size=int(n)))

    def translate(self, v: ArrayLike) -> UniformSegment:
        """The image under ``x -> x + v``."""
        shift = as_float_array(v, "v", ndim=(1,))
        return UniformSegment(tuple(np.add(self.start, shift)), tuple(np.add(self.end, shift)))


def _collinear(S: UniformSegment, T: UniformSegment, tol: float = 1e-12) -> bool:
    """True when both segments lie on one line."""
    d = S.direction / S.length
    for p in (np.asarray(T.start), np.asarray(T.end)):
        r = p - np.asarray(S.start)
        if np.linalg.norm(r - (r @ d) * d) > tol * max(1.0, S.length, T.length):
            return False
    return True


def segment_distances(S: UniformSegment, T: UniformSegment) -> dict[str, float | None]:
    r"""Exact TV, JS, KL (both ways) and, where known, W1 between two uniform segments.

    Cases:

    - *Collinear* segments (one line, coordinates :math:`[a_1, b_1]` and :math:`[a_2, b_2]`
      along it): the one-dimensional uniform laws. With overlap o and lengths
      :math:`\ell_1, \ell_2`, :math:`\delta = \tfrac12(o|1/\ell_1 - 1/\ell_2|
      + (\ell_1 - o)/\ell_1 + (\ell_2 - o)/\ell_2)`, KL finite only for nested
      segments (:math:`\log(\ell_2/\ell_1)`), JS from the three pieces, and W1 from the
      linear quantile functions.
    - Otherwise the segments meet in at most one point, a null set for both, so they are
      mutually singular: TV 1, JS log 2, KL +inf (:func:`mutually_singular_divergences`).
      W1 is known when one is a translate of the other by v: :math:`W_1 = |v|`; for
      other pairs ``"w1"`` is ``None``: no closed form is known, and a NaN would pass
      silently through arithmetic (sample the segments and use :func:`~distances.earth_mover`).

    Parameters
    ----------
    S, T : UniformSegment
        Two segments in the same dimension.

    Returns
    -------
    dict
        Keys ``"tv"``, ``"js"``, ``"kl_st"`` (KL(S||T)), ``"kl_ts"``, ``"w1"`` (``None``
        where W1 has no closed form).

    Examples
    --------
    >>> S = UniformSegment((0.0, 0.0), (0.0, 1.0))
    >>> d = segment_distances(S, S.translate([0.5, 0.0]))
    >>> d["w1"], d["tv"], d["kl_st"]
    (0.5, 1.0, inf)
    >>> segment_distances(S, S.translate([0.0, 0.5]))["tv"]
    0.5
    """
    if S.dim != T.dim:
        raise ValueError(f"segments must have the same dimension; got {S.dim} and {T.dim}")
    if _collinear(S, T):
        return _collinear_distances(S, T)
    out = mutually_singular_divergences()
    shift = np.subtract(T.start, S.start)
    translate = np.allclose(np.subtract(T.end, S.end), shift, rtol=0, atol=1e-15)
    return {
        "tv": out.total_variation,
        "js": out.js,
        "kl_st": out.kl_pq,
        "kl_ts": out.kl_qp,
        "w1": float(np.linalg.norm(shift)) if translate else None,
    }


def _collinear_distances(S: UniformSegment, T: UniformSegment) -> dict[str, float]:
    d = S.direction / S.length
    origin = np.asarray(S.start)

    def coord(p: tuple[float, ...]) -> float:
        return float((np.asarray(p) - origin) @ d)

    a1, b1 = sorted((coord(S.start), coord(S.end)))
    a2, b2 = sorted((coord(T.start), coord(T.end)))
    l1, l2 = b1 - a1, b2 - a2
    o = max(0.0, min(b1, b2) - max(a1, a2))
    tv = 0.5 * (o * abs(1 / l1 - 1 / l2) + (l1 - o) / l1 + (l2 - o) / l2)
    # JS: on the overlap p = 1/l1, q = 1/l2; elsewhere one density is 0 and gives log 2.
    p, q = 1 / l1, 1 / l2
    m = 0.5 * (p + q)
    js = 0.5 * (
        o * (p * math.log(p / m) + q * math.log(q / m)) + ((l1 - o) / l1 + (l2 - o) / l2) * _LOG2
    )
    kl_st = math.log(l2 / l1) if (a2 <= a1 and b1 <= b2) else math.inf
    kl_ts = math.log(l1 / l2) if (a1 <= a2 and b2 <= b1) else math.inf
    c0, c1 = a1 - a2, l1 - l2
    if c1 == 0 or not 0 < -c0 / c1 < 1:
        w1 = abs(c0 + 0.5 * c1)
    else:
        r = -c0 / c1
        w1 = abs(c0) * r / 2 + abs(c0 + c1) * (1 - r) / 2
    return {"tv": min(1.0, tv), "js": min(_LOG2, js), "kl_st": kl_st, "kl_ts": kl_ts, "w1": w1}


# -- Example 1 ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Example1Distances:
    r"""The exact distances between :math:`P_0` and :math:`P_\theta` of Example 1.

    Attributes
    ----------
    theta : float
    earth_mover : float
        :math:`|\theta|`.
    js : float
        log 2 if theta != 0, else 0.
    kl_theta_0 : float
        :math:`KL(P_\theta \| P_0)`: +inf if theta != 0, else 0.
    kl_0_theta : float
        :math:`KL(P_0 \| P_\theta)`: +inf if theta != 0, else 0.
    total_variation : float
        1 if theta != 0, else 0.
    """

    theta: float
    earth_mover: float
    js: float
    kl_theta_0: float
    kl_0_theta: float
    total_variation: float


def example1_distances(theta: float) -> Example1Distances:
    r"""Exact W1, JS, KL both ways and TV between :math:`P_0` and :math:`P_\theta` (Example 1).

    :math:`P_\theta` is the law of :math:`(\theta, Z)`, Z ~ U[0, 1]. The two are
    translates by :math:`(\theta, 0)` (so :math:`W_1 = |\theta|`, the coupling
    :math:`(0, Z) \mapsto (\theta, Z)` being optimal since every point moves by at least
    :math:`|\theta|` horizontally), and for :math:`\theta \ne 0` they live on the disjoint
    lines :math:`x = 0` and :math:`x = \theta` (:func:`mutually_singular_divergences`).

    Parameters
    ----------
    theta : float
        The horizontal offset of the generator's line; finite.

    Returns
    -------
    Example1Distances

    Examples
    --------
    >>> d = example1_distances(-0.25)
    >>> d.earth_mover, d.total_variation, d.kl_theta_0, d.js == math.log(2)
    (0.25, 1.0, inf, True)
    >>> example1_distances(0.0).js
    0.0
    """
    t = as_scalar(theta, "theta")
    if t == 0.0:
        return Example1Distances(0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
    s = mutually_singular_divergences()
    return Example1Distances(t, abs(t), s.js, s.kl_pq, s.kl_qp, s.total_variation)


def example1_segment(theta: float) -> UniformSegment:
    r""":math:`P_\theta` as a :class:`UniformSegment`, from (theta, 0) to (theta, 1).

    Examples
    --------
    >>> example1_segment(0.5)
    UniformSegment(start=(0.5, 0.0), end=(0.5, 1.0))
    """
    t = as_scalar(theta, "theta")
    return UniformSegment((t, 0.0), (t, 1.0))


def example1_sample(
    theta: float,
    n: int | None = None,
    rng: np.random.Generator | int | None = None,
    *,
    z: ArrayLike | None = None,
) -> FloatArray:
    r"""Points :math:`g_\theta(z) = (\theta, z)` of :math:`P_\theta`, shape (n, 2).

    Parameters
    ----------
    theta : float
        The offset.
    n : int, optional
        Number of fresh samples, z drawn from U[0, 1] with ``rng``. Exactly one of ``n``
        and ``z`` must be given.
    rng : numpy Generator, int or None
        The generator (or seed) for the fresh z.
    z : array_like, shape (n,), optional
        Given latent values, e.g. the same z for every theta.

    Examples
    --------
    >>> example1_sample(0.5, z=[0.0, 1.0]).tolist()
    [[0.5, 0.0], [0.5, 1.0]]
    >>> example1_sample(0.0, 3, rng=0).shape
    (3, 2)
    """
    if (n is None) == (z is None):
        raise ValueError(
            f"give exactly one of n (fresh samples) or z (given latents); got "
            f"n={n!r} and z={'given' if z is not None else None}"
        )
    if z is None:
        return example1_segment(theta).sample(int(n), rng)  # type: ignore[arg-type]
    return example1_segment(theta).point(z)
