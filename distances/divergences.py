r"""Total variation, Kullback-Leibler and Jensen-Shannon divergences, exactly.

Conventions (natural logarithm throughout, unless ``base`` says otherwise):

.. math::

    \delta(P, Q) = \sup_A |P(A) - Q(A)| = \tfrac12 \sum_i |p_i - q_i| \in [0, 1],

    KL(P \| Q) = \sum_i p_i \log(p_i / q_i) \in [0, +\infty],

    JS(P, Q) = \tfrac12 KL(P \| M) + \tfrac12 KL(Q \| M),\quad M = (P + Q)/2,
    \quad 0 \le JS \le \log 2.

Each function takes either two :class:`~distances.Discrete` measures, compared on the
union of their atoms (points are equal only if their coordinates are exactly equal),
or two probability vectors of the same length on a shared index support.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.special import rel_entr

from ._validation import as_weights, check_same_dim, check_same_length
from .continuous import (
    is_scipy_distribution,
    js_divergence_continuous,
    kl_divergence_continuous,
    total_variation_continuous,
)
from .measures import Discrete

__all__ = ["js_divergence", "kl_divergence", "on_common_support", "total_variation"]

LOG2 = math.log(2.0)


def on_common_support(P: Any, Q: Any) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The probability vectors of ``P`` and ``Q`` on a common support.

    Parameters
    ----------
    P, Q : Discrete or array_like
        Two :class:`Discrete` measures (placed on the union of their atoms, by exact
        coordinates), or two probability vectors of equal length.

    Returns
    -------
    p, q : ndarray, shape (k,)
        float64 weights of P and Q on the same k points.

    Examples
    --------
    >>> from distances import Discrete
    >>> p, q = on_common_support(Discrete([0, 1]), Discrete([1, 2]))
    >>> p.tolist(), q.tolist()
    ([0.5, 0.5, 0.0], [0.0, 0.5, 0.5])
    """
    p_is, q_is = isinstance(P, Discrete), isinstance(Q, Discrete)
    if p_is != q_is:
        raise ValueError(
            "P and Q must both be Discrete measures or both be probability vectors; "
            f"got {type(P).__name__} and {type(Q).__name__}"
        )
    if not p_is:
        p, q = as_weights(P, "P"), as_weights(Q, "Q")
        check_same_length(p, q)
        return p, q
    check_same_dim(P.dim, Q.dim)
    n = P.size
    if P.dim == 1:
        _, inverse = np.unique(np.concatenate([P.atoms[:, 0], Q.atoms[:, 0]]), return_inverse=True)
    else:
        _, inverse = np.unique(np.concatenate([P.atoms, Q.atoms]), axis=0, return_inverse=True)
    inverse = inverse.ravel()
    k = int(inverse.max()) + 1
    p = np.bincount(inverse[:n], weights=P.weights, minlength=k)
    q = np.bincount(inverse[n:], weights=Q.weights, minlength=k)
    return p, q


def total_variation(P: Any, Q: Any) -> float:
    r"""Total variation distance :math:`\delta(P,Q) = \tfrac12 \sum_i |p_i - q_i|`.

    Parameters
    ----------
    P, Q : Discrete or array_like or scipy.stats frozen distribution
        Two :class:`~distances.Discrete` measures, or two probability vectors of the
        same length (see :func:`on_common_support`). One-dimensional continuous laws
        (``stats.norm(0, 1)``) are handled by :mod:`distances.continuous` (quadrature; a
        continuous law against a Discrete measure gives exactly 1).

    Returns
    -------
    float
        The total variation, in [0, 1]; 1 exactly when the supports are disjoint.

    Examples
    --------
    >>> from distances import Discrete
    >>> total_variation([0.5, 0.5, 0.0], [0.0, 0.5, 0.5])
    0.5
    >>> total_variation(Discrete([0.0]), Discrete([1e-12]))  # disjoint supports
    1.0
    """
    if is_scipy_distribution(P) or is_scipy_distribution(Q):  # 1-D laws: distances.continuous
        return total_variation_continuous(P, Q).value
    p, q = on_common_support(P, Q)
    if _disjoint(p, q):
        return 1.0  # exactly; the sum below can round to 1 - 1e-16
    return float(min(1.0, 0.5 * np.abs(p - q).sum()))


def _disjoint(p: NDArray[np.float64], q: NDArray[np.float64]) -> bool:
    """No point carries mass under both P and Q."""
    return not bool(np.any((p > 0) & (q > 0)))


def kl_divergence(P: Any, Q: Any) -> float:
    r"""Kullback-Leibler divergence :math:`KL(P\|Q) = \sum_i p_i \log(p_i / q_i)`, natural log.

    Terms with :math:`p_i = 0` are 0. The value is ``inf`` (not an error) when P puts
    mass where Q has none.

    Parameters
    ----------
    P, Q : Discrete or array_like or scipy.stats frozen distribution
        See :func:`on_common_support`; continuous 1-D laws go to
        :func:`distances.continuous.kl_divergence_continuous`.

    Returns
    -------
    float
        The divergence, in [0, inf].

    See Also
    --------
    scipy.stats.entropy : ``entropy(p, q)`` is the same number for probability vectors.

    Examples
    --------
    >>> import math
    >>> math.isclose(kl_divergence([0.5, 0.5], [0.25, 0.75]), 0.5 * math.log(4 / 3))
    True
    >>> kl_divergence([0.5, 0.5], [1.0, 0.0])
    inf
    """
    if is_scipy_distribution(P) or is_scipy_distribution(Q):  # 1-D laws: distances.continuous
        return kl_divergence_continuous(P, Q).value
    p, q = on_common_support(P, Q)
    return float(max(0.0, rel_entr(p, q).sum()))


def js_divergence(P: Any, Q: Any, *, base: float | None = None) -> float:
    r"""Jensen-Shannon divergence :math:`\tfrac12 KL(P\|M) + \tfrac12 KL(Q\|M)`, M = (P+Q)/2.

    This is the form with the factor 1/2, so :math:`0 \le JS \le \log 2` (natural log),
    with :math:`\log 2` exactly when the supports are disjoint. The WGAN paper's
    Section 2 prints the formula without the 1/2, but its Example 1 value (log 2) and
    its Appendix C use this form.

    Parameters
    ----------
    P, Q : Discrete or array_like or scipy.stats frozen distribution
        See :func:`on_common_support`; continuous 1-D laws go to
        :func:`distances.continuous.js_divergence_continuous`.
    base : float, optional
        Logarithm base; ``None`` for the natural log, ``2`` for bits (then JS is in [0, 1]).

    Returns
    -------
    float
        The divergence.

    Notes
    -----
    ``scipy.spatial.distance.jensenshannon(p, q) ** 2`` is the same number for probability
    vectors, but scipy returns the square root and silently normalises its inputs; this
    function does neither.

    Examples
    --------
    >>> import math
    >>> from distances import Discrete
    >>> js_divergence(Discrete([0.0]), Discrete([1.0])) == math.log(2)
    True
    >>> js_divergence([0.5, 0.5], [0.0, 1.0], base=2)  # doctest: +ELLIPSIS
    0.3112781244591...
    """
    log_base = _log_base(base)
    if is_scipy_distribution(P) or is_scipy_distribution(Q):  # 1-D laws: distances.continuous
        js = js_divergence_continuous(P, Q).value
        return js if log_base is None else js / log_base
    p, q = on_common_support(P, Q)
    js = _js_nats(p, q)
    return js if log_base is None else js / log_base


def _log_base(base: Any) -> float | None:
    """``log(base)`` for a valid logarithm base (positive, finite, not 1); None for None."""
    if base is None:
        return None
    try:
        b = float(base)
    except (TypeError, ValueError):
        raise ValueError(f"base must be a positive number other than 1; got {base!r}") from None
    if not (math.isfinite(b) and b > 0 and b != 1):
        raise ValueError(f"base must be a positive number other than 1; got {base!r}")
    return math.log(b)


def _js_nats(p: NDArray[np.float64], q: NDArray[np.float64]) -> float:
    """JS in nats, clipped to its exact bounds [0, log 2] against round-off.

    Written as ``1/4 sum [rel_entr(2p, p+q) + rel_entr(2q, p+q)]`` rather than with
    ``m = (p + q) / 2``: halving the smallest subnormal gives ``m = 0`` while ``p > 0``,
    and ``p log(p/m)`` would be ``inf``. Doubling a probability cannot overflow.
    """
    if _disjoint(p, q):
        return LOG2  # exactly; the sum below can round to log 2 * (1 - 1e-16)
    s = p + q
    js = 0.25 * (rel_entr(2.0 * p, s).sum() + rel_entr(2.0 * q, s).sum())
    return float(min(max(js, 0.0), LOG2))
