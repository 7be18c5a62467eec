"""The ``input="vectors"`` form: ``fn(p, q)`` on two probability vectors of one length.

The most common signature of user code, ``my_tv(p, q)``, takes two probability vectors on
a shared support: entry ``i`` of ``p`` and of ``q`` is the mass of the same point. For TV,
KL and JS the points do not matter; for W1 they are the integers ``0, 1, ..., n - 1`` on
the line (histograms on unit bins, as ``np.abs(np.cumsum(p - q)).sum()`` computes).

:func:`vector_pairs` draws them from :func:`~distances.testing.raw_pairs` (every relation
and boundary regime: tiny and subnormal masses, zeros in both, disjoint supports), as the
masses of the two measures on the union of their atoms. Each draw is a
:class:`~distances.testing.RawPair` whose atoms are the positions (``x = y``) and whose
weights are ``p`` and ``q``, so the pair properties that only call ``fn`` on pairs apply
as they are. :data:`VECTOR_PROPERTIES` are the properties of this form only.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import strategies as st

from ..divergences import on_common_support
from .cases import RawPair, make_pair
from .context import Context, Property, hold
from .properties import PROPERTIES
from .raw import raw_pairs

__all__ = ["VECTOR_PROPERTIES", "vector_pairs"]


def vector_pairs(**options: Any) -> st.SearchStrategy[RawPair]:
    """Pairs of probability vectors ``p`` (``pair.a``) and ``q`` (``pair.b``) of one length.

    Parameters
    ----------
    **options
        Keyword arguments of :func:`~distances.testing.raw_pairs` (``dim`` is ignored:
        the vectors come from measures on the line).

    Returns
    -------
    SearchStrategy of RawPair
        With ``x = y = [[0.0], [1.0], ..., [n - 1]]`` and ``P``, ``Q`` the measures of
        ``p`` and ``q`` on those points.

    Examples
    --------
    >>> from hypothesis import find
    >>> pair = find(vector_pairs(relations=("disjoint",)), lambda v: v.a.size >= 3)
    >>> bool(((pair.a > 0) & (pair.b > 0)).any())  # disjoint: no index carries both
    False
    """
    options = {**options, "dim": 1}
    return raw_pairs(**options).map(_as_vectors)


def _as_vectors(pair: RawPair) -> RawPair:
    p, q = on_common_support(pair.P, pair.Q)
    return _on_positions(p, q, pair.relation)


def _on_positions(p: np.ndarray, q: np.ndarray, relation: str) -> RawPair:
    positions = np.arange(p.size, dtype=np.float64)[:, None]
    return make_pair(positions, p, positions, q, relation)


def _transform(draw: st.DrawFn, ctx: Context, how: str) -> tuple[RawPair, RawPair]:
    pair = draw(ctx.pairs())
    p, q = np.array(pair.a), np.array(pair.b)
    n = p.size
    if how == "permute":
        order = np.array(draw(st.permutations(range(n))), dtype=np.intp)
        p, q = p[order], q[order]
    elif how == "pad":
        k = draw(st.integers(1, 3))
        p, q = np.append(p, np.zeros(k)), np.append(q, np.zeros(k))
    elif how == "split":
        i = draw(st.integers(0, n - 1))
        p = np.insert(p, i + 1, p[i] / 2.0)
        q = np.insert(q, i + 1, q[i] / 2.0)
        p[i], q[i] = p[i] - p[i + 1], q[i] - q[i + 1]
    elif how == "merge":
        if n == 1:
            return pair, pair
        i, j = sorted(draw(st.lists(st.integers(0, n - 1), min_size=2, max_size=2, unique=True)))
        p[i], q[i] = p[i] + p[j], q[i] + q[j]
        p, q = np.delete(p, j), np.delete(q, j)
    else:  # "reverse"
        p, q = p[::-1].copy(), q[::-1].copy()
    return pair, _on_positions(p, q, pair.relation)


_LABELS = {
    "permute": ("changes when the entries of p and q are permuted alike", "before permuting"),
    "pad": ("changes when entries of zero mass are appended to both", "before padding"),
    "split": ("changes when an entry is split in two halves in both", "before the split"),
    "reverse": ("changes when p and q are reversed (W1 on 0..n-1)", "before reversing"),
}


def _unchanged(how: str) -> tuple[Any, Any]:
    """The check and the inputs of "fn is unchanged by this transformation of p and q"."""
    detail, before = _LABELS[how]

    def check(ctx: Context, cases: tuple[RawPair, RawPair]) -> None:
        pair, moved = cases
        ctx.expect_close(
            detail,
            ctx.call(moved),
            ctx.call(pair),
            ctx.tol(pair, ctx.exact(pair)) + ctx.tol(moved, ctx.exact(moved)),
            moved,
            f"user's value {before}",
        )

    def inputs(ctx: Context) -> st.SearchStrategy[tuple[RawPair, RawPair]]:
        return st.composite(lambda draw: _transform(draw, ctx, how))()

    return check, inputs


def _merge_check(ctx: Context, cases: tuple[RawPair, RawPair]) -> None:
    pair, merged = cases
    before, after = ctx.call(pair), ctx.call(merged)
    tol = ctx.tol(pair, ctx.exact(pair)) + ctx.tol(merged, ctx.exact(merged))
    hold(
        after <= before + tol,
        "grows when two entries are merged in both (merging can only lower it)",
        after,
        before,
        "upper bound (user's value before merging)",
        merged,
    )


@st.composite
def _vector_triples(draw: st.DrawFn, ctx: Context) -> tuple[RawPair, RawPair, RawPair]:
    """(p, q), (q, r), (p, r) with q between p and r (a mixture: a squared distance breaks
    the triangle inequality there), r with an entry's mass moved, or r a fresh vector."""
    pair = draw(ctx.pairs())
    p, q = np.array(pair.a), np.array(pair.b)
    branch = draw(st.integers(0, 2))
    if branch == 0:
        t = draw(st.sampled_from([0.25, 0.5, 0.75]))
        p, q, r = p, t * p + (1.0 - t) * q, q
    elif branch == 1:
        r = q.copy()
        i, j = draw(st.integers(0, r.size - 1)), draw(st.integers(0, r.size - 1))
        r[j] += r[i]
        r[i] = 0.0 if i != j else r[i]
    else:
        unit = st.floats(0.0, 1.0, allow_subnormal=False)
        r = np.array(draw(st.lists(unit, min_size=p.size, max_size=p.size)))
        r = r + (1.0 if not (r > 0).any() else 0.0)
    q, r = q / q.sum(), r / r.sum()
    rel = pair.relation
    return _on_positions(p, q, rel), _on_positions(q, r, rel), _on_positions(p, r, rel)


@st.composite
def _shifted(draw: st.DrawFn, ctx: Context) -> tuple[RawPair, float]:
    pair = draw(ctx.pairs())
    k = draw(st.integers(1, 4))
    p = pair.a
    return _on_positions(np.append(p, np.zeros(k)), np.append(np.zeros(k), p), "shift"), float(k)


def _shift_distance(ctx: Context, case: tuple[RawPair, float]) -> None:
    pair, k = case
    detail = "W1(p, p shifted by k bins) is not k"
    ctx.expect_close(detail, ctx.call(pair), k, ctx.tol(pair, k), pair)


_TRIANGLE = next(p for p in PROPERTIES if p.name == "triangle")
_DIVERGENCES = ("tv", "kl", "js")
_V = ("vectors",)


def _invariance(name: str, claim: str, kinds: tuple[str, ...], how: str) -> Property:
    check, inputs = _unchanged(how)
    return Property(name, claim, kinds, inputs, check, _V)


#: The properties of the ``input="vectors"`` form only, in the order the checks run them
#: (after the pair properties that apply to every form).
VECTOR_PROPERTIES: tuple[Property, ...] = (
    _invariance(
        "joint_permutation", "permuting p and q alike changes nothing", _DIVERGENCES, "permute"
    ),
    _invariance(
        "zero_padding",
        "appending entries of zero mass to both changes nothing",
        ("tv", "kl", "js", "w1"),
        "pad",
    ),
    _invariance(
        "split_entry", "splitting an entry into two halves in both changes nothing",
        _DIVERGENCES, "split",
    ),
    Property(
        "coarse_graining",
        "merging two entries in both never increases it (data processing)",
        _DIVERGENCES,
        lambda c: st.composite(lambda draw: _transform(draw, c, "merge"))(),
        _merge_check,
        _V,
    ),
    Property(
        "triangle",
        "d(p, r) <= d(p, q) + d(q, r) (sqrt(JS) for JS)",
        ("tv", "js", "w1"),
        _vector_triples,
        _TRIANGLE.check,
        _V,
    ),
    _invariance(
        "reversal", "W1 of p and q reversed is the same (W1 on 0..n-1)", ("w1",), "reverse"
    ),
    Property(
        "shift_distance", "W1(p, p shifted by k bins) = k", ("w1",), _shifted, _shift_distance, _V
    ),
)
