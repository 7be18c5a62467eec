"""Adaptive quadrature of distances between one-dimensional laws, split where it must be.

The machinery behind :mod:`distances.continuous`: ``quad`` on pieces whose flags become
a larger (or infinite) error, cut points at mass quantiles and sign changes, and the
slivers next to support ends where a density may be unbounded, integrated by a power-law
model fitted to exact CDF masses (:func:`integrate_densities`). Every function takes
frozen ``scipy.stats`` laws already validated by :func:`distances.continuous.as_continuous`.
"""

from __future__ import annotations

import itertools
import math
import warnings
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import integrate, optimize

__all__ = [
    "QUAD_EPSABS",
    "QUAD_EPSREL",
    "breakpoints",
    "density_jumps",
    "integrate_densities",
    "integrate_pieces",
    "mass_cuts",
    "quad_piece",
    "support",
]

FloatArray = NDArray[np.float64]

#: Relative and absolute accuracy requested from :func:`scipy.integrate.quad` on each piece.
QUAD_EPSREL = 1e-11
QUAD_EPSABS = 1e-14
_QUAD_LIMIT = 200
# A flagged quad piece smaller than this cannot matter (JS of Cauchy against N(0, 1) has
# far tail pieces of -3e-13 that quad calls "probably divergent").
_NEGLIGIBLE = 1e3 * QUAD_EPSABS
#: Width of the sliver next to a support end integrated by the power-law model, relative
#: to max(|end|, largest interquartile range). Wider slivers make the model's error
#: larger, narrower ones the rounding of x near the end. Error estimates (actual errors)
#: of KL(Beta(0.2, 0.1) || Beta(0.5, 0.5)) and KL(Beta(1, 0.1) || U(0, 1)) at 1e-5:
#: 1e-5 (2.2e-6) and 6.8e-11 (8e-13); at 1e-7: 6.1e-8 (1.4e-8) and 5.8e-9 (9.9e-11); at
#: 1e-8: 2.1e-8 (8.8e-10) and 5.4e-8 (1.1e-9) (``python benchmarks/bench_continuous_tails.py``).
_TAIL_REL = 1e-7


def support(dist: Any) -> tuple[float, float]:
    """The support of a frozen law as two floats (either may be infinite)."""
    lo, hi = dist.support()
    return float(lo), float(hi)


# -- quadrature machinery ----------------------------------------------------------------


_MASS_LEVELS = np.array([1e-12, 1e-3, 0.5, 1 - 1e-3, 1 - 1e-12])


def quad_piece(f: Any, a: float, b: float) -> tuple[float, float]:
    """``quad`` on [a, b] (either end may be infinite), its warnings turned into a larger error."""
    if a >= b:
        return 0.0, 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", integrate.IntegrationWarning)
        value, err, _, *msg = integrate.quad(
            f, a, b, epsabs=QUAD_EPSABS, epsrel=QUAD_EPSREL, limit=_QUAD_LIMIT, full_output=1
        )
    if msg and abs(value) > _NEGLIGIBLE:
        # quad flagged the piece (ier > 0). Its error estimate is then not to be trusted:
        # "probably divergent" makes the error infinite (KL(Cauchy || N(0, 1)) = inf came
        # out as 1e11 with error 1e-3), any other flag at least the piece's own size.
        err = math.inf if "divergent" in msg[0] else max(err, abs(value))
    return float(value), float(err)


def _probe_points(dists: tuple[Any, ...], lo: float, hi: float) -> FloatArray:
    """Points spread over the mass of the distributions, inside [lo, hi]."""
    levels = np.concatenate(
        [[1e-12, 1e-9, 1e-6], np.linspace(1e-4, 1 - 1e-4, 241), [1 - 1e-6, 1 - 1e-9, 1 - 1e-12]]
    )
    pts = np.concatenate([d.ppf(levels) for d in dists])
    pts = pts[np.isfinite(pts) & (pts > lo) & (pts < hi)]
    return np.unique(pts)


def mass_cuts(dists: tuple[Any, ...], lo: float, hi: float) -> set[float]:
    """Support ends and the quantiles ``_MASS_LEVELS`` of each law, inside (lo, hi).

    Cutting there puts each law's mass inside finite pieces: ``quad`` on one long or
    infinite interval samples too few points to find a bump far from the others. Without
    these cuts N(0, 1) against N(50, 1) gave JS = log(2) / 2 (true: log 2) and TV against
    N(100, 1) gave 3e-99 (true: 1), both with error estimates below 1e-11; the 1e-12 levels
    keep the tails of a narrow law off the infinite end pieces (KL(N(100, 0.01) || N(0, 1))
    was 0.1 % low with 0.1 % levels only).
    """
    pts = [e for d in dists for e in support(d)]
    pts += [float(q) for d in dists for q in d.ppf(_MASS_LEVELS)]
    return {e for e in pts if np.isfinite(e) and lo < e < hi}


def breakpoints(diff: Any, dists: tuple[Any, ...], lo: float, hi: float) -> list[float]:
    """:func:`mass_cuts` and the sign changes of ``diff`` found by ``brentq``."""
    ends = mass_cuts(dists, lo, hi)
    pts = _probe_points(dists, lo, hi)
    pts = np.unique(np.concatenate([pts, sorted(ends)])) if ends else pts
    cuts = set(ends)
    if pts.size >= 2:
        vals = np.array([diff(t) for t in pts])
        change = np.flatnonzero(np.sign(vals[:-1]) * np.sign(vals[1:]) < 0)
        for k in change:
            cuts.add(float(optimize.brentq(diff, pts[k], pts[k + 1], xtol=1e-15, rtol=1e-15)))
    return sorted(cuts)


#: Bisection steps taken towards a jump of a density between two probe points: enough to
#: bring an interval of width 1e8 (Cauchy's far probe points) below 1e-10, where a smooth
#: density changes by a relative 1e-9 or less.
_JUMP_STEPS = 60
#: A density whose values at the two ends of the final interval differ by more than this
#: share of the larger one jumps there (a smooth one differs by 1e-9 or less, above).
_JUMP_REL = 1e-3
#: Rounds of the search: each looks again on both sides of the jumps just found (two jumps
#: between the same probe points, the ends of a bin without mass).
_JUMP_ROUNDS = 6


def density_jumps(dists: tuple[Any, ...], lo: float, hi: float) -> set[float]:
    """Points inside (lo, hi) where a density jumps, found by bisection between probe points.

    ``quad`` on a piece that holds a jump of the integrand (the edges of an
    ``rv_histogram``'s bins) can miss it and still report an error of 1e-15: KL of a
    histogram with a bin without mass against U(0, 3) came out 2e-4 off with an error
    estimate of 8e-15. Each interval between neighbouring probe points is halved towards
    its larger change of the density ``_JUMP_STEPS`` times; where the change has not
    shrunk with the interval (more than ``_JUMP_REL`` of the density), the density jumps.
    """
    pts = _probe_points(dists, lo, hi)
    jumps: set[float] = set()
    for d in dists:
        a, b = pts[:-1], pts[1:]
        for _ in range(_JUMP_ROUNDS):
            if a.size == 0:
                break
            with np.errstate(invalid="ignore"):  # inf - inf next to an unbounded density
                pa, pb = d.pdf(a), d.pdf(b)
                a0, b0 = a, b
                for _ in range(_JUMP_STEPS):
                    m = a + 0.5 * (b - a)
                    pm = d.pdf(m)
                    left = np.abs(pm - pa) >= np.abs(pb - pm)
                    a, pa = np.where(left, a, m), np.where(left, pa, pm)
                    b, pb = np.where(left, m, b), np.where(left, pm, pb)
                found = np.abs(pb - pa) > _JUMP_REL * np.maximum(pa, pb)
            jumps.update(float(t) for t in b[found])  # between probe points: in (lo, hi)
            # Both sides of each jump again: [a0, a] and [b, b0].
            a, b = (np.concatenate([a0[found], b[found]]),
                    np.concatenate([a[found], b0[found]]))
    return jumps


def integrate_densities(
    g: Any, dists: tuple[Any, Any], cuts: list[float], lo: float, hi: float, what: str
) -> tuple[float, float]:
    """Integrate ``g(log p(x), log q(x))`` over [lo, hi], split at ``cuts``.

    Every finite support end ``e`` of the two laws inside [lo, hi] gets a sliver
    ``[e - delta, e]`` and/or ``[e, e + delta]`` integrated by :func:`_end_tail` (a
    power-law model of each density fitted to the exact masses given by the CDFs)
    instead of by ``quad`` in ``x``: near an end ``e != 0`` a float ``x`` cannot come
    closer to ``e`` than ``ulp(e)``, and a density unbounded there puts mass in that
    last ulp that no quadrature in ``x`` can see (Beta(1, 0.1) has 2.7 % of its mass
    within 2.2e-16 of 1; ``quad`` evaluated its density at x == 1.0 and returned inf).

    Raises
    ------
    ValueError
        When a piece's value or error estimate is not finite: the value is then not
        known, and is not returned as if it were.
    """
    P, Q = dists
    ends = sorted({e for d in dists for e in support(d) if math.isfinite(e) and lo <= e <= hi})
    spread = max(float(d.ppf(0.75) - d.ppf(0.25)) for d in dists)
    delta: dict[float, float] = {}
    for e in ends:
        # A quarter of the gap to the nearest other end, unless that end is a few ulps
        # away: the piece between two such ends is one sliver (below).
        gaps = [abs(e - o) for o in ends if not _few_ulps_apart(e, o)]
        delta[e] = min([_TAIL_REL * max(abs(e), spread), *(0.25 * gp for gp in gaps)])
    inner = [
        c for c in {*cuts, *density_jumps(dists, lo, hi)}
        if lo < c < hi and all(abs(c - e) > 2.0 * delta[e] for e in ends)
    ]
    points = sorted({lo, hi, *ends, *inner})

    def body(x: float) -> float:
        return g(float(P.logpdf(x)), float(Q.logpdf(x)))

    total = err = 0.0
    for a, b in itertools.pairwise(points):
        if a in delta and b in delta and _few_ulps_apart(a, b):
            # No float inside for quad (U(0, 1) against U(0, 1 + 2.2e-16): TV came out
            # 1.1e-16, half the true value, with an estimate of 1e-30): one sliver.
            pieces = [_end_tail(g, dists, a, b, +1)]
        else:
            a_in = a + delta[a] if a in delta else a
            b_in = b - delta[b] if b in delta else b
            pieces = [quad_piece(body, a_in, b_in)]
            if a in delta:
                pieces.append(_end_tail(g, dists, a, a_in, +1))
            if b in delta:
                pieces.append(_end_tail(g, dists, b, b_in, -1))
        for v, e in pieces:
            _check_piece(v, e, a, b, what)
            total += v
            err += e
    return total, err


def _few_ulps_apart(a: float, b: float) -> bool:
    """Whether ``a`` and ``b`` are at most four ulps apart (or equal)."""
    return abs(b - a) <= 4.0 * math.ulp(max(abs(a), abs(b)))


def _check_piece(v: float, e: float, a: float, b: float, what: str) -> None:
    if not (math.isfinite(v) and math.isfinite(e)):
        raise ValueError(
            f"{what}: the quadrature on [{a!r}, {b!r}] did not converge (value {v}, "
            f"error estimate {e}); the integral may diverge there"
        )


def integrate_pieces(
    f: Any, cuts: list[float], lo: float, hi: float, what: str
) -> tuple[float, float]:
    """``f(x)`` integrated over [lo, hi] by ``quad`` on the pieces between ``cuts``."""
    total = err = 0.0
    for a, b in itertools.pairwise([lo, *cuts, hi]):
        v, e = quad_piece(f, a, b)
        _check_piece(v, e, a, b, what)
        total += v
        err += e
    return total, err


def _inner_mass(dist: Any, e: float, x: float, side: int) -> float:
    """The mass of ``dist`` between the end ``e`` and the point ``x`` on its ``side``."""
    if side > 0:  # [e, x]
        return float(dist.cdf(x) - dist.cdf(e)) if dist.cdf(e) < 0.5 else float(
            dist.sf(e) - dist.sf(x)
        )
    return float(dist.sf(x) - dist.sf(e)) if dist.sf(e) < 0.5 else float(
        dist.cdf(e) - dist.cdf(x)
    )


def _power_law(dist: Any, e: float, s: tuple[float, float], side: int) -> tuple[float, float]:
    """``(log C, alpha)`` with density ``C s**alpha`` at distance ``s`` from ``e``.

    Fitted to the exact masses ``M(s) = C s**(alpha + 1) / (alpha + 1)`` at the two
    distances ``s``. ``(-inf, 0)`` for a law without mass there.
    """
    # The distances actually fitted: e + side * t rounds to a float near e != 0.
    s = tuple(abs((e + side * t) - e) for t in s)  # type: ignore[assignment]
    m1, m2 = (_inner_mass(dist, e, e + side * t, side) for t in s)
    if m1 < 1e-300:  # no mass there, or less than any value can show (Beta(50, 50) at 1:
        return -math.inf, 0.0  # 5e-322 within 1e-7 and 0 within 5e-8 raised below)
    if not 0.0 < s[1] < s[0]:  # s0 of an ulp or two: no second distance to fit (the ends
        return math.log(m1 / s[0]), 0.0  # of U(0, 1) and U(0, 1 + 1e-15)): the mean density
    if not 0.0 < m2 < m1:
        raise ValueError(
            f"cannot resolve the density of {dist.dist.name} next to {e!r}: its mass within "
            f"{s[0]:.3g} is {m1!r} and within {s[1]:.3g} is {m2!r}"
        )
    a1 = math.log(m1 / m2) / math.log(s[0] / s[1])  # alpha + 1 > 0
    return math.log(m1 * a1) - a1 * math.log(s[0]), a1 - 1.0


def _end_tail(
    g: Any, dists: tuple[Any, Any], e: float, x: float, side: int
) -> tuple[float, float]:
    """``g`` integrated over the sliver between the support end ``e`` and ``x``.

    Each density is modelled as ``C s**alpha`` in the distance ``s`` to ``e`` (fitted by
    :func:`_power_law` to CDF masses at ``s0`` and ``s0/2``, ``s0 = |x - e|``), which
    is exact for Beta(a, 1)-like ends and off by O(s0) otherwise; the integral over
    ``s = s0 exp(-v)``, ``v`` in [0, inf), never rounds ``s`` to 0. The error estimate
    adds the difference to the fit at ``s0/2`` and ``s0/4``.
    """
    s0 = abs(x - e)
    if s0 == 0.0:
        return 0.0, 0.0
    values = []
    for scale in (1.0, 0.5):
        s = (s0 * scale, s0 * scale / 2.0)
        models = [_power_law(d, e, s, side) for d in dists]

        def logs(log_s: float, models: list[tuple[float, float]] = models) -> list[float]:
            return [c + a * log_s if c > -math.inf else -math.inf for c, a in models]

        def f(v: float, logs: Any = logs) -> float:
            log_s = math.log(s0) - v
            return g(*logs(log_s)) * math.exp(log_s)

        # Stop at s = 1e-300: what lies closer to e is bounded by the models' masses there,
        # added to the error. No density model overflows before: one fitted to masses of
        # at most 1 is at most (alpha + 1) / s there, below 2e303 (alpha + 1 < 1836, the
        # masses' ratio at most 1e323 and the distances' at least 1.5).
        log_end = math.log(1e-300)
        v, err = quad_piece(f, 0.0, math.log(s0) - log_end)  # (0, 0) when s0 <= 1e-300
        rest = sum(
            math.exp(c + (a + 1.0) * log_end) / (a + 1.0) for c, a in models if c > -math.inf
        )
        lp, lq = logs(log_end)
        spread = abs(lp - lq) if math.isfinite(lp - lq) else 0.0
        values.append((v, err + rest * (1.0 + spread)))
    (v1, e1), (v2, _) = values
    # Model error: v1's actual error on beta laws was up to 3.3 |v1 - v2| (KL of
    # Beta(0.3, 0.6) against U(0, 1), sliver 1e-5), hence the factor 10. Rounding: ``quad`` on
    # the neighbouring piece evaluates the densities at floats x whose distance to e is
    # off by up to ulp(e), a relative error ulp(e) / s0 on the mass next to the cut.
    mass = sum(_inner_mass(d, e, x, side) for d in dists)
    lp, lq = (c + a * math.log(s0) if c > -math.inf else -math.inf for c, a in models)
    spread = abs(lp - lq) if math.isfinite(lp - lq) else 0.0
    rounding = mass * math.ulp(e) / s0 * (1.0 + spread)
    return v1, e1 + 10.0 * abs(v1 - v2) + rounding
