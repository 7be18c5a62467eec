r"""TV, KL, JS and W1 for one-dimensional continuous distributions (``scipy.stats``, frozen).

A continuous distribution is a frozen :mod:`scipy.stats` distribution such as
``stats.norm(0, 1)`` or ``stats.uniform(0, 2)``. The four distances are computed by
adaptive quadrature (:func:`scipy.integrate.quad`) and returned with the accuracy the
quadrature reached (:class:`QuadratureResult`):

.. math::

    \begin{aligned}
    \delta(P, Q) &= \tfrac12 \int |p - q|, \qquad
    KL(P \| Q) = \int p \log \frac{p}{q}, \\
    JS(P, Q) &= \tfrac12 \int p \log\frac{2p}{p+q} + \tfrac12 \int q \log\frac{2q}{p+q}, \\
    W_1(P, Q) &= \int_{\mathbb{R}} |F_P(t) - F_Q(t)| \, dt .
    \end{aligned}

The integrals are split at the ends of the supports and at the points where the
integrand's absolute value has a kink (the crossings of ``p`` and ``q``, or of the two
CDFs), so every piece is smooth. The log-ratios are formed from ``logpdf`` values, so
far tails where a density underflows to 0 do not produce ``inf``. Next to every finite
support end, a sliver of relative width 1e-7 is integrated by a power-law model of the
densities fitted to exact CDF masses (:func:`distances.quadrature.integrate_densities`):
densities unbounded at an end (beta laws with a parameter below 1, at either end) get
finite values whose ``abserr`` covers the model and the rounding of x near the end. A
piece that ``quad`` cannot integrate (a divergent KL) raises ValueError; no piece is
dropped.

W1 also accepts a :class:`~distances.Discrete` measure on the line as one argument:
its CDF is a step function and the integral of ``|F - G|`` is summed between atoms
with vectorised Gauss-Legendre rules. For TV, KL and JS, a continuous distribution and
a :class:`~distances.Discrete` measure are mutually singular (the atoms are a Lebesgue
null set), so the rule of :func:`~distances.singular.mutually_singular_divergences`
applies: TV = 1, JS = log 2, both KL = +inf.

Closed forms used as cross-checks are in :func:`distances.closed_forms.closed_form`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray
from scipy import stats

from .measures import Discrete
from .quadrature import (
    QUAD_EPSABS,
    QUAD_EPSREL,
    breakpoints,
    integrate_densities,
    integrate_pieces,
    mass_cuts,
    quad_piece,
    support,
)
from .singular import mutually_singular_divergences

__all__ = [
    "QUAD_EPSABS",
    "QUAD_EPSREL",
    "QuadratureResult",
    "as_continuous",
    "earth_mover_continuous",
    "is_scipy_distribution",
    "js_divergence_continuous",
    "kl_divergence_continuous",
    "total_variation_continuous",
]

Distance = Literal["tv", "kl", "js", "w1"]
FloatArray = NDArray[np.float64]

_LOG2 = math.log(2.0)
# Gauss-Legendre rules on [-1, 1]: the difference of the two orders is the error estimate.
_GL_HI = np.polynomial.legendre.leggauss(24)
_GL_LO = np.polynomial.legendre.leggauss(12)


@dataclass(frozen=True)
class QuadratureResult:
    """A distance computed by quadrature, with the accuracy reached.

    Attributes
    ----------
    value : float
        The distance.
    abserr : float
        An estimate of the absolute error: the sum of the error estimates of every
        quadrature piece (0 when the value is exact, e.g. by the singular-measure rule).
    method : str
        How it was obtained: ``"quad"``, ``"gauss_legendre"``, ``"support_rule"`` or
        ``"mutually_singular"``.
    """

    value: float
    abserr: float
    method: str

    def __float__(self) -> float:
        return self.value


# -- recognising and validating distributions --------------------------------------------


def is_scipy_distribution(obj: Any) -> bool:
    """True for any :mod:`scipy.stats` distribution object (frozen or not, any kind).

    Used by the public distance functions to dispatch here; :func:`as_continuous` then
    accepts the supported kind and rejects the others with a ValueError.
    """
    return type(obj).__module__.startswith("scipy.stats") and (
        hasattr(obj, "cdf") or hasattr(obj, "pdf") or hasattr(obj, "pmf")
    )


def as_continuous(dist: Any, name: str = "P") -> Any:
    """Check that ``dist`` is a frozen one-dimensional continuous ``scipy.stats`` distribution.

    Parameters
    ----------
    dist : object
        The candidate, e.g. ``stats.norm(0, 1)``.
    name : str
        The argument's name for error messages.

    Returns
    -------
    rv_continuous_frozen
        ``dist`` itself.

    Raises
    ------
    ValueError
        For a distribution that is not frozen (``stats.norm``), with invalid parameters
        (``stats.norm(0, -1)``), discrete
        (``stats.poisson(3)``), multivariate (``stats.multivariate_normal``), or anything
        else. Discrete laws belong in :class:`~distances.Discrete`.

    Examples
    --------
    >>> from scipy import stats
    >>> as_continuous(stats.poisson(3))
    Traceback (most recent call last):
    ...
    ValueError: P must be a continuous distribution; got the discrete scipy.stats distribution poisson; use Discrete.from_histogram for discrete laws
    """  # noqa: E501
    inner = getattr(dist, "dist", None)
    if isinstance(inner, stats.rv_continuous) and hasattr(dist, "logpdf"):
        params = [*dist.args, *dist.kwds.values()]
        if any(np.ndim(v) != 0 for v in params):
            raise ValueError(
                f"{name} must be one distribution with scalar parameters; got {inner.name} "
                f"with array-valued parameters (args {dist.args}, kwds {dist.kwds}): pass "
                "one frozen law per call"
            )
        if np.isnan(dist.support()).any():  # scipy's sign of invalid shape/loc/scale
            raise ValueError(
                f"{name} must have valid parameters; got {inner.name} with "
                f"args {dist.args} and kwds {dist.kwds} (scipy: support is nan)"
            )
        return dist
    if isinstance(dist, stats.rv_continuous):
        raise ValueError(
            f"{name} must be a frozen distribution (parameters fixed, e.g. stats.norm(0, 1)); "
            f"got the unfrozen {dist.name}"
        )
    if isinstance(inner, stats.rv_discrete) or isinstance(dist, stats.rv_discrete):
        label = getattr(inner, "name", None) or getattr(dist, "name", "?")
        raise ValueError(
            f"{name} must be a continuous distribution; got the discrete scipy.stats "
            f"distribution {label}; use Discrete.from_histogram for discrete laws"
        )
    if any("multi" in k.__name__ for k in type(dist).__mro__[:-1]):  # [-1] is object
        raise ValueError(
            f"{name} must be one-dimensional; got the multivariate {type(dist).__name__}"
        )
    raise ValueError(
        f"{name} must be a frozen one-dimensional continuous scipy.stats distribution "
        f"(rv_continuous_frozen); got {type(dist).__name__}"
    )


def _union_support(P: Any, Q: Any) -> tuple[float, float]:
    (a1, b1), (a2, b2) = support(P), support(Q)
    return min(a1, a2), max(b1, b2)


def _pair(P: Any, Q: Any) -> tuple[Any, Any] | None:
    """Validated continuous pair, or None when one side is Discrete (the singular rule)."""
    if isinstance(P, Discrete) or isinstance(Q, Discrete):
        other, name = (Q, "Q") if isinstance(P, Discrete) else (P, "P")
        as_continuous(other, name)
        return None
    return as_continuous(P, "P"), as_continuous(Q, "Q")


# -- the four distances ------------------------------------------------------------------


def total_variation_continuous(P: Any, Q: Any) -> QuadratureResult:
    r"""Total variation :math:`\tfrac12 \int |p - q|` between two continuous distributions.

    Parameters
    ----------
    P, Q : rv_continuous_frozen or Discrete
        Frozen one-dimensional continuous ``scipy.stats`` distributions. One of them may
        be a :class:`~distances.Discrete` measure: the pair is then mutually singular
        and the value is exactly 1.

    Returns
    -------
    QuadratureResult
        The value in [0, 1] and the quadrature's error estimate.

    Examples
    --------
    Two Gaussians of equal variance: :math:`\delta = 2\Phi(|\mu_1-\mu_2| / 2\sigma) - 1`.

    >>> from scipy import stats
    >>> r = total_variation_continuous(stats.norm(0, 1), stats.norm(1, 1))
    >>> bool(abs(r.value - (2 * stats.norm.cdf(0.5) - 1)) < 1e-12), r.abserr < 1e-10
    (True, True)
    """
    pair = _pair(P, Q)
    if pair is None:
        return QuadratureResult(
            mutually_singular_divergences().total_variation, 0.0, "mutually_singular"
        )
    P, Q = pair
    lo, hi = _union_support(P, Q)

    def diff(t: float) -> float:
        return float(P.pdf(t) - Q.pdf(t))

    def g(lp: float, lq: float) -> float:
        return abs(_exp(lp) - _exp(lq))

    cuts = breakpoints(diff, (P, Q), lo, hi)
    val, err = integrate_densities(g, (P, Q), cuts, lo, hi, "total variation")
    return QuadratureResult(float(min(1.0, max(0.0, 0.5 * val))), 0.5 * err, "quad")


def kl_divergence_continuous(P: Any, Q: Any) -> QuadratureResult:
    r"""Kullback-Leibler divergence :math:`\int p \log(p/q)` (natural log) by quadrature.

    The value is ``inf`` (exactly, with error 0) when the support of P is not contained
    in the support of Q, and when one side is a :class:`~distances.Discrete` measure.

    Parameters
    ----------
    P, Q : rv_continuous_frozen or Discrete
        See :func:`total_variation_continuous`.

    Returns
    -------
    QuadratureResult

    Examples
    --------
    Between Gaussians, :math:`KL = \log\frac{\sigma_2}{\sigma_1}
    + \frac{\sigma_1^2 + (\mu_1-\mu_2)^2}{2\sigma_2^2} - \frac12`:

    >>> from scipy import stats
    >>> r = kl_divergence_continuous(stats.norm(0, 1), stats.norm(1, 2))
    >>> abs(r.value - (math.log(2) + 2 / 8 - 0.5)) < 1e-10
    True
    >>> kl_divergence_continuous(stats.uniform(0, 2), stats.uniform(0, 1)).value
    inf
    """
    pair = _pair(P, Q)
    if pair is None:
        return QuadratureResult(mutually_singular_divergences().kl_pq, 0.0, "mutually_singular")
    P, Q = pair
    (a1, b1), (a2, b2) = support(P), support(Q)
    if a1 < a2 or b1 > b2:
        return QuadratureResult(math.inf, 0.0, "support_rule")

    def g(lp: float, lq: float) -> float:
        if lp == -math.inf:
            return 0.0
        return math.exp(lp) * (lp - lq)

    ends = sorted(mass_cuts((P, Q), a1, b1))
    val, err = integrate_densities(g, (P, Q), ends, a1, b1, "KL divergence")
    return QuadratureResult(max(0.0, val), err, "quad")


def _exp(lp: float) -> float:
    return 0.0 if lp == -math.inf else math.exp(lp)


def _log_half_ratio(lp: float, lq: float) -> float:
    r""":math:`\log \frac{2p}{p+q}` from log-densities, accurate when p is close to q."""
    d = lq - lp
    if d > 30.0:
        return _LOG2 - d - math.log1p(math.exp(-d))
    return -math.log1p(math.expm1(d) / 2.0)


def js_divergence_continuous(P: Any, Q: Any) -> QuadratureResult:
    r"""Jensen-Shannon divergence (natural log, with the factor 1/2) by quadrature.

    .. math::

        JS(P, Q) = \tfrac12 \int p \log\frac{2p}{p+q} + \tfrac12 \int q \log\frac{2q}{p+q}
        \in [0, \log 2].

    The log-ratios are computed as ``-log1p(expm1(log q - log p) / 2)`` so nearly equal
    densities lose no digits. With a :class:`~distances.Discrete` argument the value is
    exactly log 2.

    Parameters
    ----------
    P, Q : rv_continuous_frozen or Discrete
        See :func:`total_variation_continuous`.

    Returns
    -------
    QuadratureResult

    Examples
    --------
    Disjoint supports give log 2:

    >>> from scipy import stats
    >>> r = js_divergence_continuous(stats.uniform(0, 1), stats.uniform(2, 1))
    >>> abs(r.value - math.log(2)) < 1e-12
    True
    """
    pair = _pair(P, Q)
    if pair is None:
        return QuadratureResult(mutually_singular_divergences().js, 0.0, "mutually_singular")
    P, Q = pair
    lo, hi = _union_support(P, Q)

    def g(lp: float, lq: float) -> float:
        out = 0.0
        if lp > -math.inf:
            out += math.exp(lp) * _log_half_ratio(lp, lq)
        if lq > -math.inf:
            out += math.exp(lq) * _log_half_ratio(lq, lp)
        return 0.5 * out

    cuts = sorted(mass_cuts((P, Q), lo, hi))
    val, err = integrate_densities(g, (P, Q), cuts, lo, hi, "Jensen-Shannon divergence")
    return QuadratureResult(float(min(max(val, 0.0), _LOG2)), err, "quad")


def earth_mover_continuous(P: Any, Q: Any) -> QuadratureResult:
    r"""Wasserstein-1 on the line, :math:`\int |F_P - F_Q|`, for continuous or Discrete laws.

    Parameters
    ----------
    P, Q : rv_continuous_frozen or Discrete
        Frozen one-dimensional continuous ``scipy.stats`` distributions with finite mean;
        either one (not both) may be a :class:`~distances.Discrete` measure on the line.

    Returns
    -------
    QuadratureResult
        ``method="quad"`` for two continuous laws (adaptive, split at the CDF crossings);
        ``"gauss_legendre"`` against a Discrete measure (24-point rule on each piece
        between atoms and CDF crossings, error estimated against the 12-point rule, tails
        by ``quad``).

    Raises
    ------
    ValueError
        On unsupported distributions, a Discrete measure not on the line, or a law
        without a finite mean (W1 is then infinite or undefined).

    Examples
    --------
    Translates are at distance the shift; a Dirac at the mean of U[0, 1] is at 1/4:

    >>> from scipy import stats
    >>> from distances import Discrete
    >>> round(earth_mover_continuous(stats.norm(0, 1), stats.norm(3, 1)).value, 10)
    3.0
    >>> round(earth_mover_continuous(stats.uniform(0, 1), Discrete([0.5])).value, 14)
    0.25
    """
    if isinstance(P, Discrete) and isinstance(Q, Discrete):
        raise ValueError(
            "earth_mover_continuous needs at least one continuous distribution; "
            "got two Discrete measures (use earth_mover)"
        )
    if isinstance(Q, Discrete) or isinstance(P, Discrete):
        cont, disc = (P, Q) if isinstance(Q, Discrete) else (Q, P)
        cont = as_continuous(cont, "P" if cont is P else "Q")
        _check_mean(cont)
        return _w1_against_discrete(cont, disc)
    P, Q = as_continuous(P, "P"), as_continuous(Q, "Q")
    _check_mean(P)
    _check_mean(Q)
    lo, hi = _union_support(P, Q)

    def diff(t: float) -> float:
        return float(P.cdf(t) - Q.cdf(t))

    cuts = breakpoints(diff, (P, Q), lo, hi)
    val, err = integrate_pieces(lambda t: abs(diff(t)), cuts, lo, hi, "W1")
    return QuadratureResult(max(0.0, val), err, "quad")


def _check_mean(dist: Any) -> None:
    m = float(dist.mean())
    if not np.isfinite(m):
        raise ValueError(
            f"W1 needs distributions with a finite mean; got {dist.dist.name} with mean {m}"
        )


def _w1_against_discrete(F: Any, G: Discrete) -> QuadratureResult:
    """:math:`\\int |F - G|` with G the step CDF of a Discrete measure on the line."""
    if G.dim != 1:
        raise ValueError(
            f"a Discrete measure compared with a law on the line must have "
            f"dimension 1; got dimension {G.dim}"
        )
    x = G.atoms[:, 0]
    levels = np.cumsum(G.weights)
    levels[-1] = 1.0
    # Tails: below the first atom G = 0, above the last G = 1. Off F's support [lo, hi]
    # F is 0 or 1: those stretches are added exactly, not integrated.
    lo, hi = support(F)
    lo_val, lo_err = quad_piece(lambda t: float(F.cdf(t)), lo, min(x[0], hi))
    lo_val += max(0.0, x[0] - hi)
    hi_val, hi_err = quad_piece(lambda t: float(F.sf(t)), max(x[-1], lo), hi)
    hi_val += max(0.0, lo - x[-1])
    if x.size == 1:
        return QuadratureResult(lo_val + hi_val, lo_err + hi_err, "gauss_legendre")
    # Between atoms k and k+1, G = levels[k]; split where F crosses that level.
    a, b, c = x[:-1], x[1:], levels[:-1]
    cross = np.clip(F.ppf(c), a, b)
    ends = np.asarray(support(F))
    pieces_a = np.concatenate([a, cross])
    pieces_b = np.concatenate([cross, b])
    level = np.concatenate([c, c])
    # Support ends inside a piece are kinks of F: split there as well.
    for e in ends[np.isfinite(ends)]:
        inside = (pieces_a < e) & (e < pieces_b)
        pieces_a = np.concatenate([pieces_a, np.full(inside.sum(), e)])
        pieces_b = np.concatenate([np.where(inside, e, pieces_b), pieces_b[inside]])
        level = np.concatenate([level, level[inside]])
    hi_v = _gauss_legendre(F, pieces_a, pieces_b, level, _GL_HI)
    lo_v = _gauss_legendre(F, pieces_a, pieces_b, level, _GL_LO)
    mid, err = float(hi_v.sum()), float(np.abs(hi_v - lo_v).sum())
    return QuadratureResult(lo_val + mid + hi_val, lo_err + err + hi_err, "gauss_legendre")


def _gauss_legendre(
    F: Any, a: FloatArray, b: FloatArray, level: FloatArray, rule: tuple[FloatArray, FloatArray]
) -> FloatArray:
    nodes, w = rule
    half = 0.5 * (b - a)
    t = (0.5 * (a + b))[:, None] + half[:, None] * nodes[None, :]
    return half * (np.abs(F.cdf(t) - level[:, None]) @ w)


# -- closed forms ------------------------------------------------------------------------
