"""The properties behind :func:`~distances.testing.check_distance`, one object each.

Each :class:`~distances.testing.context.Property` draws its inputs
(:class:`~distances.testing.RawPair` s and what it builds from them) and checks one claim
about the user's function against the exact values of :mod:`distances`; a failure carries
the user's value, what it was held to (labelled) and the input
(:class:`~distances.testing.context.PropertyViolation`).

The library's own computations here are overflow-safe up to coordinates of 1e300
(:func:`~distances.testing.boundaries.norm`, :func:`~distances.testing.boundaries.diameter`).
The properties of the ``input="vectors"`` form are in :mod:`distances.testing.vectors`.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from hypothesis import assume
from hypothesis import strategies as st

from ..divergences import js_divergence, kl_divergence, total_variation
from ..wasserstein import earth_mover
from .boundaries import diameter, norm
from .cases import RawPair, make_pair
from .context import (
    ARRAY_FORMS,
    LOG2,
    Context,
    Property,
    PropertyViolation,
    at_least,
    at_most,
    hold,
    inputs_unchanged,
)
from .tolerances import w1_atol

__all__ = ["PROPERTIES"]

# -- transformations of a pair ---------------------------------------------------------------
def _map_atoms(pair: RawPair, f: Callable[[np.ndarray], np.ndarray]) -> RawPair:
    return make_pair(f(pair.x), pair.a, f(pair.y), pair.b, pair.relation)


def _same_pattern(p1: RawPair, p2: RawPair) -> bool:
    """The transformation neither merged nor split atoms (rounding can do either)."""
    return p1.P.size == p2.P.size and p1.Q.size == p2.Q.size and _union_size(p1) == _union_size(p2)


def _union_size(pair: RawPair) -> int:
    return int(np.unique(np.concatenate([pair.P.atoms, pair.Q.atoms]), axis=0).shape[0])


# -- the properties ----------------------------------------------------------------------------
def _near_pairs(ctx: Context) -> st.SearchStrategy[RawPair]:
    """Pairs of every relation (a third), and pairs where P and Q nearly agree (two
    thirds), where dropped small differences and unmatched tiny masses are not hidden by
    large ones."""
    near = ctx.pairs("perturbation", "shared_support")
    return st.one_of(ctx.pairs(), near, near)


def _exact_value(ctx: Context, pair: RawPair) -> None:
    exact = ctx.exact(pair)
    user = ctx.call(pair)
    ctx.expect_close("differs from the exact value", user, exact, ctx.tol(pair, exact), pair)


def _zero_on_identical(ctx: Context, pair: RawPair) -> None:
    ctx.expect_close(
        "is not 0 for one measure given twice", ctx.call(pair), 0.0, ctx.tol(pair, 0.0), pair
    )


_UPPER = {"tv": 1.0, "js": LOG2, "kl": math.inf, "w1": math.inf}


def _in_range(ctx: Context, pair: RawPair) -> None:
    user = ctx.call(pair)
    tol = ctx.tol(pair, 1.0)
    at_least("is negative", user, 0.0, tol, pair)
    at_most("exceeds its upper bound", user, _UPPER[ctx.kind], tol, pair)
    if ctx.kind == "w1" and not math.isfinite(user):
        raise PropertyViolation("is not finite", user, ctx.exact(pair), pair)


def _symmetric(ctx: Context, pair: RawPair) -> None:
    forward, backward = ctx.call(pair), ctx.call(pair.swapped())
    ctx.expect_close(
        "changes when P and Q are swapped",
        forward,
        backward,
        ctx.tol(pair, forward),
        pair,
        "user's fn(Q, P)",
    )


@st.composite
def _permuted(draw: st.DrawFn, pairs: st.SearchStrategy[RawPair]) -> tuple[RawPair, RawPair]:
    pair = draw(pairs)
    i = np.array(draw(st.permutations(range(pair.x.shape[0]))), dtype=np.intp)
    j = np.array(draw(st.permutations(range(pair.y.shape[0]))), dtype=np.intp)
    return pair, make_pair(pair.x[i], pair.a[i], pair.y[j], pair.b[j], pair.relation)


def _permutation_invariant(ctx: Context, cases: tuple[RawPair, RawPair]) -> None:
    pair, moved = cases
    ctx.expect_close(
        "changes when the rows are reordered",
        ctx.call(moved),
        ctx.call(pair),
        ctx.tol(pair, ctx.exact(pair)),
        moved,
        "user's value in the drawn order",
    )


@st.composite
def _split(draw: st.DrawFn, pairs: st.SearchStrategy[RawPair]) -> tuple[RawPair, RawPair]:
    """The pair, and the pair with one row of x given as two rows sharing its weight."""
    pair = draw(pairs)
    i = draw(st.integers(0, pair.x.shape[0] - 1))
    at = draw(st.integers(0, pair.x.shape[0]))
    half = pair.a[i] / 2.0
    a = pair.a.copy()
    a[i] -= half
    x = np.insert(pair.x, at, pair.x[i], axis=0)
    a = np.insert(a, at, half)
    return pair, make_pair(x, a, pair.y, pair.b, pair.relation)


def _duplicates_merge(ctx: Context, cases: tuple[RawPair, RawPair]) -> None:
    pair, split = cases
    ctx.expect_close(
        "changes when an atom is given as two rows splitting its weight",
        ctx.call(split),
        ctx.call(pair),
        ctx.tol(pair, ctx.exact(pair)),
        split,
        "user's value before the split",
    )


def _shift(draw: st.DrawFn, pair: RawPair) -> np.ndarray:
    """A vector of small integers times a power of two near the size of the coordinates
    (so that huge coordinates move too), at most 5 * 2^k <= 1e301 per coordinate."""
    v = np.array(draw(st.lists(st.integers(-5, 5), min_size=pair.dim, max_size=pair.dim)), float)
    extent = float(max(np.abs(pair.x).max(), np.abs(pair.y).max()))
    unit = math.ldexp(1.0, max(0, math.frexp(extent)[1] - 8))  # extent / 2^8 to / 2^7
    return v * unit


@st.composite
def _translated(draw: st.DrawFn, pairs: st.SearchStrategy[RawPair]) -> tuple[RawPair, RawPair]:
    pair = draw(pairs)
    v = _shift(draw, pair)
    moved = _map_atoms(pair, lambda z: z + v)
    assume(_same_pattern(pair, moved))
    return pair, moved


def _translation_invariant(ctx: Context, cases: tuple[RawPair, RawPair]) -> None:
    pair, moved = cases
    tol = ctx.tol(pair, ctx.exact(pair)) + ctx.tol(moved, ctx.exact(moved))
    ctx.expect_close(
        "changes when both measures are translated by one vector",
        ctx.call(moved),
        ctx.call(pair),
        tol,
        moved,
        "user's value before translating",
    )


@st.composite
def _scaled(draw: st.DrawFn, pairs: st.SearchStrategy[RawPair]) -> tuple[RawPair, RawPair, float]:
    pair = draw(pairs)
    c = draw(st.sampled_from([-4.0, -2.0, -1.0, -0.5, 0.5, 2.0, 4.0]))  # exact in binary
    moved = _map_atoms(pair, lambda z: z * c)
    assume(_same_pattern(pair, moved))
    return pair, moved, c


def _scaling(ctx: Context, cases: tuple[RawPair, RawPair, float]) -> None:
    pair, moved, c = cases
    factor = abs(c) if ctx.kind == "w1" else 1.0
    user = ctx.call(pair)
    w1 = ctx.kind == "w1"
    ctx.expect_close(
        f"fn(cP, cQ) is not {'|c| ' if w1 else ''}fn(P, Q) at c={c}",
        ctx.call(moved),
        factor * user,
        ctx.tol(pair, ctx.exact(moved), scale=abs(c)) * max(1.0, abs(c)),
        moved,
        f"{'|c| times ' if w1 else ''}user's value before scaling",
    )


@st.composite
def _triples(draw: st.DrawFn, pairs: st.SearchStrategy[RawPair]) -> tuple[RawPair, ...]:
    """(P, Q), (Q, R), (P, R) with R made of rows of P and Q (so supports overlap), or
    Q between P and R: R = Q moved along Q - P, or Q a mixture of P and R. A squared
    distance breaks the triangle inequality in the first case, JS (not sqrt(JS)) in the
    second."""
    pq = draw(pairs)
    branch = draw(st.integers(0, 2))
    if branch == 1:
        step = (pq.Q.mean() - pq.P.mean()) * draw(st.sampled_from([0.5, 1.0, 2.0]))
        z = pq.y + (step if np.any(step) else 1.0)
        return pq, make_pair(pq.y, pq.b, z, pq.b), make_pair(pq.x, pq.a, z, pq.b)
    if branch == 2:
        t = draw(st.sampled_from([0.25, 0.5, 0.75]))
        mx = np.concatenate([pq.x, pq.y])
        mw = np.concatenate([t * pq.a / pq.a.sum(), (1 - t) * pq.b / pq.b.sum()])
        pm = make_pair(pq.x, pq.a, mx, mw)
        return pm, make_pair(mx, mw, pq.y, pq.b), pq
    rows = np.concatenate([pq.x, pq.y])
    pick = draw(st.lists(st.integers(0, rows.shape[0] - 1), min_size=1, max_size=8))
    # No subnormal weights (as raw_pairs by default): halving 5e-324 gives 0, and a JS
    # written with m = (p + q) / 2 then returns inf (a false alarm in 1,000 examples).
    unit = st.floats(0.0, 1.0, allow_subnormal=False)
    w = np.array(draw(st.lists(unit, min_size=len(pick), max_size=len(pick))))
    w = w + (1.0 if not (w > 0).any() else 0.0)
    z, c = rows[pick], w / w.sum()
    return pq, make_pair(pq.y, pq.b, z, c), make_pair(pq.x, pq.a, z, c)


def _triangle(ctx: Context, cases: tuple[RawPair, ...]) -> None:
    pq, qr, pr = cases
    values = [ctx.call(p) for p in cases]
    tol = sum(ctx.tol(p, ctx.exact(p)) for p in cases)
    if ctx.kind == "js":  # sqrt(JS) is the metric: JS(P,R) <= (sqrt JS(P,Q) + sqrt JS(Q,R))^2
        roots = [math.sqrt(max(v, 0.0)) for v in values]
        ok = roots[2] <= roots[0] + roots[1] + math.sqrt(tol)
        bound = (roots[0] + roots[1]) ** 2
        detail = (
            "breaks the triangle inequality of sqrt(JS): "
            "JS(P,R) <= (sqrt JS(P,Q) + sqrt JS(Q,R))^2"
        )
    else:
        ok = values[2] <= values[0] + values[1] + tol
        bound = values[0] + values[1]
        detail = "breaks the triangle inequality d(P,R) <= d(P,Q) + d(Q,R)"
    # The user's value is d(P, R); the upper bound is made of the user's other two values.
    hold(ok, detail, values[2], bound, "upper bound", (pq, qr, pr))


def _with_shared_support(ctx: Context) -> st.SearchStrategy[RawPair]:
    """Pairs of every relation, and pairs where KL is finite (where Pinsker bites)."""
    return st.one_of(ctx.pairs(), ctx.pairs("shared_support"))


def _pinsker(ctx: Context, pair: RawPair) -> None:
    """Checked squared (no square root of a rounded value); reported in the user's units."""
    user = ctx.call(pair)
    tol = ctx.tol(pair, 1.0)
    detail = "breaks Pinsker 2 TV^2 <= KL"
    if ctx.kind == "tv":
        kl = min(kl_divergence(pair.P, pair.Q), kl_divergence(pair.Q, pair.P))
        ok = 2.0 * user * user <= kl + 4.0 * tol
        hold(ok, detail, user, math.sqrt(kl / 2.0), "upper bound", pair)
    else:
        tv = total_variation(pair.P, pair.Q)
        at_least(detail, user, 2.0 * tv * tv, tol, pair)


def _appendix_c(ctx: Context, pair: RawPair) -> None:
    """Each inequality is reported with the user's value and the bound it implies on it."""
    user = ctx.call(pair)
    tol = ctx.tol(pair, 1.0)
    if ctx.kind == "tv":
        js = js_divergence(pair.P, pair.Q)
        ok = js <= LOG2 * user + tol
        hold(ok, "breaks JS <= log(2) TV", user, js / LOG2, "lower bound", pair)
        ok = user * user <= 2.0 * js + 4.0 * tol
        hold(ok, "breaks TV <= sqrt(2 JS)", user, math.sqrt(2.0 * js), "upper bound", pair)
        diam = _diameter(pair)
        w1 = earth_mover(pair.P, pair.Q)
        ok = w1 <= diam * user + w1_atol(pair.P, pair.Q) + diam * tol
        hold(ok, "breaks W1 <= diam TV", user, w1 / diam if diam else 0.0, "lower bound", pair)
    else:
        tv = total_variation(pair.P, pair.Q)
        at_most("breaks JS <= log(2) TV", user, LOG2 * tv, tol, pair)
        at_least("breaks TV <= sqrt(2 JS)", user, tv * tv / 2.0, tol, pair)


def _diameter(pair: RawPair) -> float:
    return diameter(np.concatenate([pair.P.atoms, pair.Q.atoms]))


def _diameter_bound(ctx: Context, pair: RawPair) -> None:
    diam = _diameter(pair)
    tv = total_variation(pair.P, pair.Q)
    bound = diam * tv
    at_most("breaks W1 <= diam(support) TV", ctx.call(pair), bound, ctx.tol(pair, bound), pair)


def _mean_lower_bound(ctx: Context, pair: RawPair) -> None:
    gap = norm(pair.P.mean() - pair.Q.mean())
    at_least("breaks |E_P x - E_Q x| <= W1", ctx.call(pair), gap, ctx.tol(pair, gap), pair)


_DISJOINT = {"tv": 1.0, "js": LOG2, "kl": math.inf}


def _disjoint_supports(ctx: Context, pair: RawPair) -> None:
    ctx.expect_close(
        f"is not {_DISJOINT[ctx.kind]!r} on disjoint supports",
        ctx.call(pair),
        _DISJOINT[ctx.kind],
        ctx.tol(pair, 1.0),
        pair,
    )


@st.composite
def _diracs(draw: st.DrawFn, ctx: Context) -> RawPair:
    pair = draw(ctx.pairs())
    x, y = pair.x[:1], pair.y[:1]
    if draw(st.booleans()):  # the Dirac at x given as two rows of weight 1/2
        return make_pair(np.concatenate([x, x]), [0.5, 0.5], y, [1.0], "dirac")
    return make_pair(x, [1.0], y, [1.0], "dirac")


def _dirac_distance(ctx: Context, pair: RawPair) -> None:
    exact = norm(pair.x[0] - pair.y[0])
    ctx.expect_close(
        "W1(delta_x, delta_y) is not |x - y|", ctx.call(pair), exact, ctx.tol(pair, exact), pair
    )


@st.composite
def _shifted_copy(draw: st.DrawFn, ctx: Context) -> tuple[RawPair, float]:
    pair = draw(ctx.pairs())
    v = _shift(draw, pair)
    y = pair.x + v
    # v is at least 1/256 of the largest coordinate, so no atom stays put: rounding moves
    # an atom by at most eps |x| from x + v, which the W1 tolerance allows.
    shifted = make_pair(pair.x, pair.a, y, pair.a, "translation")
    assume(shifted.Q.size == shifted.P.size)
    return shifted, norm(v)


def _translation_distance(ctx: Context, case: tuple[RawPair, float]) -> None:
    pair, norm = case
    ctx.expect_close("W1(P, P + v) is not |v|", ctx.call(pair), norm, ctx.tol(pair, norm), pair)


_ALL = ("tv", "kl", "js", "w1")
_SYM = ("tv", "js", "w1")
_EVERY = (*ARRAY_FORMS, "vectors")  # properties that only call fn on drawn pairs

#: Every property, in the order the checks run them (the most telling first).
PROPERTIES: tuple[Property, ...] = (
    Property(
        "exact_value", "fn(P, Q) equals the exact value", _ALL, _near_pairs, _exact_value, _EVERY
    ),
    Property(
        "inputs_unchanged",
        "fn leaves its arguments (arrays, measures, vectors) as they were",
        _ALL,
        lambda c: c.pairs(),
        inputs_unchanged,
        _EVERY,
    ),
    Property(
        "zero_on_identical",
        "fn(P, P) = 0, whatever arrays give P",
        _ALL,
        lambda c: c.pairs("identical"),
        _zero_on_identical,
        _EVERY,
    ),
    Property(
        "in_range",
        "TV in [0, 1], JS in [0, log 2], KL >= 0, W1 >= 0 finite",
        _ALL,
        lambda c: c.pairs(),
        _in_range,
        _EVERY,
    ),
    Property("symmetric", "fn(P, Q) = fn(Q, P)", _SYM, lambda c: c.pairs(), _symmetric, _EVERY),
    Property(
        "permutation_invariant",
        "reordering rows (with their weights) changes nothing",
        _ALL,
        lambda c: _permuted(c.pairs()),
        _permutation_invariant,
        ("arrays",),
    ),
    Property(
        "duplicates_merge",
        "an atom given as two rows counts once with their weight",
        _ALL,
        lambda c: _split(c.pairs()),
        _duplicates_merge,
        ("arrays",),
    ),
    Property(
        "translation_invariant",
        "fn(P + v, Q + v) = fn(P, Q)",
        _ALL,
        lambda c: _translated(c.pairs()),
        _translation_invariant,
    ),
    Property(
        "scaling",
        "fn(cP, cQ) = |c| fn(P, Q) for W1, = fn(P, Q) for TV, KL, JS",
        _ALL,
        lambda c: _scaled(c.pairs()),
        _scaling,
    ),
    Property(
        "triangle",
        "d(P, R) <= d(P, Q) + d(Q, R) (sqrt(JS) for JS)",
        _SYM,
        lambda c: _triples(c.pairs()),
        _triangle,
    ),
    Property(
        "pinsker",
        "Pinsker: TV <= sqrt(KL / 2)",
        ("tv", "kl"),
        _with_shared_support,
        _pinsker,
        _EVERY,
    ),
    Property(
        "appendix_c_bounds",
        "Appendix C: JS <= log(2) TV, TV <= sqrt(2 JS), W1 <= diam TV",
        ("tv", "js"),
        _with_shared_support,
        _appendix_c,
        _EVERY,
    ),
    Property(
        "diameter_bound",
        "W1 <= diam(supp P u supp Q) TV",
        ("w1",),
        lambda c: c.pairs(),
        _diameter_bound,
        _EVERY,
    ),
    Property(
        "mean_lower_bound",
        "|E_P x - E_Q x| <= W1",
        ("w1",),
        lambda c: c.pairs(),
        _mean_lower_bound,
        _EVERY,
    ),
    Property(
        "disjoint_supports",
        "TV = 1, JS = log 2, KL = inf on disjoint supports",
        ("tv", "kl", "js"),
        lambda c: c.pairs("disjoint"),
        _disjoint_supports,
        _EVERY,
    ),
    Property("dirac_distance", "W1(delta_x, delta_y) = |x - y|", ("w1",), _diracs, _dirac_distance),
    Property(
        "translation_distance", "W1(P, P + v) = |v|", ("w1",), _shifted_copy, _translation_distance
    ),
)
