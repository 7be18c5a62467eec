r"""1-Lipschitz functions on finitely many points: their slope, extensions and c-transform.

A function known by its values :math:`f_i` on points :math:`x_i` (Euclidean distance) is
1-Lipschitz there when :math:`|f_i - f_j| \le \|x_i - x_j\|_2` for every pair
(:func:`check_lipschitz`). Then it extends to the whole space without raising its constant,
between the lower McShane and the upper Whitney extensions (:func:`lipschitz_extension`), and
the c-transform :math:`v^c(z) = \min_j (\|z - y_j\| - v_j)` (:func:`c_transform`) turns a
potential of the transport problem into one. The Kantorovich-Rubinstein dual
(:mod:`distances.dual`) is built on these.

Distances are computed in a power-of-two unit near the largest coordinate (exact scaling),
so squared coordinates cannot under- or overflow; a distance that itself overflows float64
raises ValueError.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.spatial.distance import cdist

from ._validation import as_atoms, as_float_array, as_scalar, check_same_dim

__all__ = [
    "LipschitzCheck",
    "c_transform",
    "check_lipschitz",
    "distance_unit",
    "lipschitz_extension",
    "pairwise_distances",
]

FloatArray = NDArray[np.float64]
ExtensionForm = Literal["min", "max"]


# Pairwise slopes are computed in blocks of this many rows (memory: rows x n floats).
_BLOCK_ROWS = 512


def distance_unit(*arrays: FloatArray) -> float:
    """A power of two near the largest coordinate: distances are computed in this unit.

    Dividing by a power of two is exact, so the distances are those of :func:`cdist`
    except that the squared coordinates can no longer underflow or overflow.
    """
    largest = max(float(np.abs(a).max()) for a in arrays)
    if not 0 < largest < np.inf:
        return 1.0
    return float(2.0 ** min(np.ceil(np.log2(largest)), 1023.0))  # 2**1024 overflows


def pairwise_distances(a: FloatArray, b: FloatArray, unit: float) -> FloatArray:
    """Euclidean distances without under/overflow of the squared coordinates.

    Raises ValueError when a distance itself overflows float64 (points near +-1e308).
    """
    with np.errstate(over="ignore", invalid="ignore"):
        dist = cdist(a / unit, b / unit) * unit
    if not np.isfinite(dist).all():
        i, j = np.unravel_index(int(np.argmax(~np.isfinite(dist))), dist.shape)
        raise ValueError(
            "the distances between the points must be finite in float64 (below 1.8e308); "
            f"got {dist[i, j]} between {a[i].tolist()} and {b[j].tolist()}"
        )
    return dist


@dataclass(frozen=True)
class LipschitzCheck:
    """The largest slope of a function given by its values on finitely many points.

    Attributes
    ----------
    max_slope : float
        :math:`\\max_{i \\ne j} |f_i - f_j| / \\|x_i - x_j\\|` over pairs of distinct
        points (0.0 for a single point; ``inf`` if two equal points carry different values).
    pair : tuple of int
        Indices ``(i, j)`` of a pair that attains ``max_slope``, ``f_i >= f_j``
        (``(0, 0)`` for a single point).
    max_violation : float
        :math:`\\max_{i, j} |f_i - f_j| - L \\|x_i - x_j\\|` with :math:`L` = ``constant``
        (0.0 or less when the function is L-Lipschitz on the points).
    constant : float
        The Lipschitz constant :math:`L` checked against.
    atol : float
        Absolute tolerance on ``max_violation``, for round-off in the values.
    """

    max_slope: float
    pair: tuple[int, int]
    max_violation: float
    constant: float
    atol: float

    @property
    def ok(self) -> bool:
        """True when :math:`|f_i - f_j| \\le L \\|x_i - x_j\\| + \\text{atol}` for all pairs.

        The tolerance is on values, not on slopes: two points 1e-14 apart whose values
        carry a round-off of 1e-16 have a slope off by 1 %, and are still fine.
        """
        return self.max_violation <= self.atol


def c_transform(v: ArrayLike, y: ArrayLike, points: ArrayLike) -> FloatArray:
    r"""The c-transform :math:`v^c(z) = \min_j \|z - y_j\|_2 - v_j` at ``points``.

    For the Euclidean cost, :math:`v^c` is 1-Lipschitz everywhere (a minimum of
    1-Lipschitz functions). If :math:`(u, v)` is an optimal pair of the dual
    :math:`\max \{ \sum_i p_i u_i + \sum_j q_j v_j : u_i + v_j \le \|x_i - y_j\| \}`
    (POT's ``log["u"], log["v"]``), then :math:`f = v^c` satisfies
    :math:`f(x_i) \ge u_i` and :math:`-f(y_j) \ge v_j`, so
    :math:`\mathbb{E}_P f - \mathbb{E}_Q f` is at least the optimal value, hence equal to it.

    Parameters
    ----------
    v : array_like, shape (m,)
        The potential on the atoms ``y`` of the second measure.
    y : array_like, shape (m,) or (m, d)
        The atoms the potential lives on.
    points : array_like, shape (n,) or (n, d)
        Where to evaluate :math:`v^c`.

    Returns
    -------
    ndarray, shape (n,)

    Examples
    --------
    >>> c_transform([0.0, -2.0], [0.0, 2.0], [0.0, 1.0, 2.0, 5.0]).tolist()
    [0.0, 1.0, 2.0, 5.0]
    """
    y = as_atoms(y, "y")
    v = as_float_array(v, "v", ndim=(1,))
    if v.shape[0] != y.shape[0]:
        raise ValueError(
            f"v must have one value per atom of y; got {v.shape[0]} values and {y.shape[0]} atoms"
        )
    if not np.isfinite(v).all():
        raise ValueError(f"v must be finite; got {float(v[~np.isfinite(v)][0])}")
    z = as_atoms(points, "points")
    check_same_dim(z.shape[1], y.shape[1], ("points", "y"))
    out = np.empty(z.shape[0])
    unit = distance_unit(z, y)
    for s in range(0, z.shape[0], _BLOCK_ROWS):
        d = pairwise_distances(z[s : s + _BLOCK_ROWS], y, unit)
        out[s : s + _BLOCK_ROWS] = (d - v).min(axis=1)
    return out


def check_lipschitz(
    points: ArrayLike, values: ArrayLike, *, constant: float = 1.0, atol: float = 1e-9
) -> LipschitzCheck:
    """The largest slope :math:`|f(x_i) - f(x_j)| / \\|x_i - x_j\\|_2` over pairs of points.

    Parameters
    ----------
    points : array_like, shape (n,) or (n, d)
        The points.
    values : array_like, shape (n,)
        The function's values at the points.
    constant : float, default 1.0
        The Lipschitz constant to check against.
    atol : float, default 1e-9
        Absolute slack on :math:`|f_i - f_j| \\le L \\|x_i - x_j\\|`, for round-off in the
        values (a potential from an LP or a c-transform is exact to about 1e-15 times its
        scale). It applies to value differences, not to slopes, so that points very close
        together do not turn round-off into a large slope error.

    Returns
    -------
    LipschitzCheck
        ``max_slope``, the pair attaining it, ``max_violation`` and ``ok``.

    Examples
    --------
    >>> chk = check_lipschitz([0.0, 1.0, 3.0], [1.0, 0.0, 2.0])
    >>> chk.max_slope, chk.pair, chk.ok
    (1.0, (0, 1), True)
    >>> check_lipschitz([[0.0, 0.0], [3.0, 4.0]], [0.0, 10.0]).max_slope
    2.0
    """
    z = as_atoms(points, "points")
    f = as_float_array(values, "values", ndim=(1,))
    if f.shape[0] != z.shape[0]:
        raise ValueError(
            f"values must have one entry per point; got {f.shape[0]} values and {z.shape[0]} points"
        )
    if not np.isfinite(f).all():
        raise ValueError(f"values must be finite; got {float(f[~np.isfinite(f)][0])}")
    constant = as_scalar(constant, "constant", nonnegative=True)
    atol = as_scalar(atol, "atol", nonnegative=True)
    best, pair, violation = 0.0, (0, 0), -np.inf
    n = z.shape[0]
    unit = distance_unit(z)
    for s in range(0, n, _BLOCK_ROWS):
        d = pairwise_distances(z[s : s + _BLOCK_ROWS], z, unit)
        df = f[s : s + _BLOCK_ROWS, None] - f[None, :]
        violation = max(violation, float((df - constant * d).max()))  # df is antisymmetric
        with np.errstate(divide="ignore", invalid="ignore"):
            slope = np.where(d > 0, df / d, np.where(df > 0, np.inf, 0.0))
        flat = int(np.argmax(slope))
        r, c = divmod(flat, n)
        if slope[r, c] > best:
            best, pair = float(slope[r, c]), (s + r, c)
    return LipschitzCheck(
        max_slope=best,
        pair=pair,
        max_violation=violation,
        constant=float(constant),
        atol=float(atol),
    )


def lipschitz_extension(
    atoms: ArrayLike, values: ArrayLike, points: ArrayLike, *, form: ExtensionForm = "min"
) -> FloatArray:
    r"""Extend a potential given on ``atoms`` to ``points``, 1-Lipschitz.

    .. math::

        f_{\text{upper}}(z) = \min_i \big( f(x_i) + \|z - x_i\|_2 \big), \qquad
        f_{\text{lower}}(z) = \max_i \big( f(x_i) - \|z - x_i\|_2 \big) .

    Both are 1-Lipschitz everywhere. If :math:`f` is 1-Lipschitz on the atoms, both
    agree with it there, and every 1-Lipschitz extension :math:`g` satisfies
    :math:`f_{\text{lower}} \le g \le f_{\text{upper}}` (McShane and Whitney): the two
    bracket all optimal critics that agree with f on the atoms. ``form="min"`` computes the
    upper extension (a minimum over the atoms), ``form="max"`` the lower one (a maximum).

    Parameters
    ----------
    atoms : array_like, shape (k,) or (k, d)
    values : array_like, shape (k,)
        :math:`f(x_i)`.
    points : array_like, shape (n,) or (n, d)
        Where to evaluate the extension.
    form : {"min", "max"}, default "min"
        ``"min"``: the upper (largest) 1-Lipschitz extension, :math:`f_{\text{upper}}`;
        ``"max"``: the lower (smallest) one, :math:`f_{\text{lower}}`.

    Returns
    -------
    ndarray, shape (n,)

    Examples
    --------
    >>> lipschitz_extension([0.0, 1.0, 3.0], [1.0, 0.0, 2.0], [-1.0, 2.0, 5.0]).tolist()
    [2.0, 1.0, 4.0]
    >>> lipschitz_extension([0.0, 1.0, 3.0], [1.0, 0.0, 2.0], [-1.0, 2.0, 5.0], form="max").tolist()
    [0.0, 1.0, 0.0]
    """
    if form not in ("min", "max"):
        raise ValueError(f"form must be 'min' or 'max'; got {form!r}")
    f = as_float_array(values, "values", ndim=(1,))
    if form == "min":
        return c_transform(-f, atoms, points)
    return 0.0 - c_transform(f, atoms, points)  # 0.0 - x, not -x: no negative zeros


