r"""Closed forms of the four distances between one-dimensional laws, for cross-checks.

The quadrature of :mod:`distances.continuous` is checked against these where they exist:
W1 between translates, KL and TV between Gaussians, W1, TV and KL between uniform laws on
intervals (:func:`closed_form`).
"""

from __future__ import annotations

import math
from typing import Any

from scipy import stats

from .continuous import Distance, as_continuous

__all__ = ["closed_form"]


def _loc_scale(dist: Any) -> tuple[str, tuple[float, ...], float, float]:
    shapes, loc, scale = dist.dist._parse_args(*dist.args, **dist.kwds)
    return dist.dist.name, tuple(float(s) for s in shapes), float(loc), float(scale)


def closed_form(distance: Distance, P: Any, Q: Any) -> float | None:
    r"""The exact value of a distance where a closed form is known, else ``None``.

    Known forms:

    - ``"w1"`` between two members of one location family with equal shape and scale
      (translates): :math:`W_1 = |\mu_P - \mu_Q|`.
    - ``"kl"`` between Gaussians: :math:`\log\frac{\sigma_Q}{\sigma_P}
      + \frac{\sigma_P^2 + (\mu_P - \mu_Q)^2}{2\sigma_Q^2} - \frac12`.
    - ``"tv"`` between Gaussians of equal variance: :math:`2\Phi(|\mu_P-\mu_Q|/2\sigma) - 1`.
    - ``"w1"``, ``"tv"``, ``"kl"`` between uniform laws on intervals (W1 of uniforms has
      linear quantile functions; TV and KL from the overlap).

    Parameters
    ----------
    distance : {"tv", "kl", "js", "w1"}
        Which distance.
    P, Q : rv_continuous_frozen
        The two distributions.

    Returns
    -------
    float or None

    Examples
    --------
    >>> from scipy import stats
    >>> closed_form("w1", stats.norm(0, 1), stats.norm(2.5, 1))
    2.5
    >>> closed_form("kl", stats.norm(0, 1), stats.norm(0, 1))
    0.0
    >>> closed_form("js", stats.norm(0, 1), stats.norm(1, 1)) is None
    True
    """
    if distance not in ("tv", "kl", "js", "w1"):
        raise ValueError(f"distance must be 'tv', 'kl', 'js' or 'w1'; got {distance!r}")
    name_p, shp_p, mu_p, s_p = _loc_scale(as_continuous(P, "P"))
    name_q, shp_q, mu_q, s_q = _loc_scale(as_continuous(Q, "Q"))
    if name_p != name_q or shp_p != shp_q:
        return None
    if distance == "w1" and s_p == s_q:
        return abs(mu_p - mu_q)
    if name_p == "norm":
        if distance == "kl":
            # (r^2 - 1)/2 - log r with r = s_p/s_q: exactly 0 for equal scales (no cancellation).
            r = s_p / s_q
            return 0.5 * (r * r - 1.0) - math.log(r) + (mu_p - mu_q) ** 2 / (2 * s_q**2)
        if distance == "tv" and s_p == s_q:
            return float(2.0 * stats.norm.cdf(abs(mu_p - mu_q) / (2.0 * s_p)) - 1.0)
    if name_p == "uniform":
        return _uniform_closed_form(distance, (mu_p, s_p), (mu_q, s_q))
    return None


def _uniform_closed_form(
    distance: str, i: tuple[float, float], j: tuple[float, float]
) -> float | None:
    # (left end, length) of each interval. Everything is computed from the lengths and the
    # offset d = a1 - a2, never from right ends a + l, which lose the lengths when they
    # round (U(1e8, 1e-8) against U(1e8, 1.5e-8) came out 0 for W1, TV and KL).
    (a1, l1), (a2, l2) = i, j
    d = a1 - a2
    if distance == "w1":
        # Quantiles a1 + u l1 and a2 + u l2: integrate |d + u (l1 - l2)| over [0, 1].
        c1 = l1 - l2
        if c1 == 0 or not 0 < -d / c1 < 1:
            return abs(d + 0.5 * c1)
        r = -d / c1
        return abs(d) * r / 2 + abs(d + c1) * (1 - r) / 2
    # [a1, a1 + l1] and [a2, a2 + l2] seen from a2: [d, d + l1] and [0, l2].
    overlap = max(0.0, min(d + l1, l2) - max(d, 0.0))
    if distance == "tv":
        return 0.5 * (overlap * abs(1 / l1 - 1 / l2) + (l1 - overlap) / l1 + (l2 - overlap) / l2)
    if distance == "kl":
        return math.log(l2 / l1) if (d >= 0 and d + l1 <= l2) else math.inf
    return None
