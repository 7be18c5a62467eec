"""Distance code as a user writes it, correct and with planted bugs, for bench_proptest.py.

Every function in CORRECT and BUGS takes ``(x, a, y, b)``: atoms ``x`` of shape (n, d) with
weights ``a`` of shape (n,), and the same for ``y, b``, as
:func:`distances.testing.check_distance` passes them (``input="arrays"``); those in
CORRECT_VECTORS and VECTOR_BUGS take two probability vectors ``(p, q)`` on a shared support
(``input="vectors"``, W1 on the points 0..n-1). The correct versions are what a careful
user writes with numpy, scipy and POT; each bug is one mistake such a user makes, named
after it. RARE_BUGS are the bugs that show on a few drawn pairs in a thousand without
draws aimed at the boundaries (issue 23), and OPTIONS the check options a bug is run with.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import ot
from scipy.optimize import linprog
from scipy.spatial.distance import cdist, jensenshannon

Fn = Callable[[np.ndarray, np.ndarray, np.ndarray, np.ndarray], float]


# -- shared helpers a user writes -----------------------------------------------------------
def union(x, a, y, b):
    """Weights of P and Q on the union of their atoms (rows equal as numbers)."""
    x, y = np.asarray(x, float) + 0.0, np.asarray(y, float) + 0.0  # -0.0 is 0.0
    pts, inv = np.unique(np.concatenate([x, y]), axis=0, return_inverse=True)
    inv = inv.ravel()
    n = len(a)
    p = np.bincount(inv[:n], weights=a, minlength=len(pts))
    q = np.bincount(inv[n:], weights=b, minlength=len(pts))
    return p / p.sum(), q / q.sum()


def kl_vec(p, q):
    on = p > 0
    if (q[on] == 0).any():
        return float("inf")
    # log p - log q, not log(p / q): p / q overflows when q is subnormal (KL is finite)
    return float(np.sum(p[on] * (np.log(p[on]) - np.log(q[on]))))


def js_vec(p, q):
    # p log(2p / (p + q)), not KL(p || (p + q) / 2): half the smallest subnormal is 0, and
    # the mixture would then vanish where p > 0 (JS inf; the checks found it)
    s = p + q

    def half(r):
        on = r > 0
        return float(np.sum(r[on] * (np.log(2.0 * r[on]) - np.log(s[on]))))

    return max(0.0, 0.5 * half(p) + 0.5 * half(q))


def w1_line(x, a, y, b):
    t = np.concatenate([x[:, 0], y[:, 0]])
    w = np.concatenate([a / a.sum(), -b / b.sum()])
    order = np.argsort(t, kind="stable")
    c = np.cumsum(w[order])
    return float(np.sum(np.abs(c[:-1]) * np.diff(t[order])))


def w1_lp(x, a, y, b, metric="euclidean"):
    # scipy's cdist, not ot.dist: ot.dist(metric="euclidean") computes
    # sqrt(|x|^2 + |y|^2 - 2 x.y), which gave 9.5e-7 for a point against itself at
    # coordinates near 45 (the checks found it: zero_on_identical). Coordinates divided by
    # the largest first: cdist squares them, which overflows from 1.34e154 on.
    s = max(float(np.abs(x).max()), float(np.abs(y).max())) or 1.0
    return s * float(ot.emd2(a / a.sum(), b / b.sum(), cdist(x / s, y / s, metric=metric)))


# -- correct -----------------------------------------------------------------------------------
def tv(x, a, y, b):
    p, q = union(x, a, y, b)
    return 0.5 * float(np.abs(p - q).sum())


def kl(x, a, y, b):
    return kl_vec(*union(x, a, y, b))


def js(x, a, y, b):
    return js_vec(*union(x, a, y, b))


def w1(x, a, y, b):
    return w1_line(x, a, y, b) if x.shape[1] == 1 else w1_lp(x, a, y, b)


CORRECT: dict[str, Fn] = {"tv": tv, "kl": kl, "js": js, "w1": w1}


def tv_pq(p, q):
    return 0.5 * float(np.abs(p - q).sum())


def w1_pq(p, q):
    """W1 of two histograms on the bins 0, 1, ..., n - 1: the L1 distance of the CDFs."""
    return float(np.abs(np.cumsum(p - q)[:-1]).sum())


CORRECT_VECTORS = {"tv": tv_pq, "kl": kl_vec, "js": js_vec, "w1": w1_pq}


# -- planted bugs: TV ----------------------------------------------------------------------------
def tv_no_half(x, a, y, b):
    p, q = union(x, a, y, b)
    return float(np.abs(p - q).sum())


def tv_index_aligned(x, a, y, b):
    if len(a) == len(b):  # "same size, so same support"
        return 0.5 * float(np.abs(a / a.sum() - b / b.sum()).sum())
    return tv(x, a, y, b)


def tv_bytes_key(x, a, y, b):
    mass: dict[bytes, list[float]] = {}
    for rows, w, k in ((x, a, 0), (y, b, 1)):
        for row, wi in zip(rows, w / w.sum(), strict=True):
            mass.setdefault(row.tobytes(), [0.0, 0.0])[k] += wi
    return 0.5 * sum(abs(p - q) for p, q in mass.values())


def tv_adjacent_merge(x, a, y, b):
    """Merges equal rows only where they follow each other ("the input is sorted")."""
    pts = np.concatenate([x, y])
    wp = np.concatenate([a / a.sum(), np.zeros(len(b))])
    wq = np.concatenate([np.zeros(len(a)), b / b.sum()])
    new = np.ones(len(pts), dtype=bool)
    new[1:] = (pts[1:] != pts[:-1]).any(axis=1)
    starts = np.flatnonzero(new)
    return 0.5 * float(np.abs(np.add.reduceat(wp, starts) - np.add.reduceat(wq, starts)).sum())


def tv_max_atom(x, a, y, b):
    p, q = union(x, a, y, b)
    return float(np.abs(p - q).max())


def tv_first_coord(x, a, y, b):
    return tv(x[:, :1], a, y[:, :1], b)


def tv_drops_small(x, a, y, b):
    """Drops differences below 1e-9 ("round-off")."""
    p, q = union(x, a, y, b)
    d = np.abs(p - q)
    return 0.5 * float(d[d >= 1e-9].sum())


def tv_normalizes_in_place(x, a, y, b):
    """Right value, but divides the caller's weights in place."""
    a /= a.sum()
    b /= b.sum()
    return tv(x, a, y, b)


# -- KL ------------------------------------------------------------------------------------------
def kl_nan_zero(x, a, y, b):
    p, q = union(x, a, y, b)
    with np.errstate(all="ignore"):
        return float(np.sum(p * np.log(p / q)))


def kl_skip_q_zero(x, a, y, b):
    p, q = union(x, a, y, b)
    on = (p > 0) & (q > 0)
    return float(np.sum(p[on] * np.log(p[on] / q[on])))


def kl_swapped(x, a, y, b):
    p, q = union(x, a, y, b)
    return kl_vec(q, p)


def kl_log2(x, a, y, b):
    return kl(x, a, y, b) / np.log(2.0)


def kl_float32(x, a, y, b):
    p, q = (v.astype(np.float32) for v in union(x, a, y, b))
    on = p > 0
    if (q[on] == 0).any():
        return float("inf")
    return float(np.sum(p[on] * np.log(p[on] / q[on])))


def kl_unmatched_cutoff(x, a, y, b):
    """Ignores masses below 1e-12 ("round-off"): finite where P has a tiny unmatched mass."""
    p, q = union(x, a, y, b)
    on = p > 1e-12
    if (q[on] == 0).any():
        return float("inf")
    return float(np.sum(p[on] * (np.log(p[on]) - np.log(q[on]))))


def kl_smoothing(x, a, y, b):
    p, q = union(x, a, y, b)
    q = (q + 1e-10) / (q + 1e-10).sum()
    return kl_vec(p, q)


# -- JS -------------------------------------------------------------------------------------------
def js_no_half(x, a, y, b):
    p, q = union(x, a, y, b)
    m = 0.5 * (p + q)
    return kl_vec(p, m) + kl_vec(q, m)


def js_scipy_sqrt(x, a, y, b):
    return float(jensenshannon(*union(x, a, y, b)))


def js_m_sum(x, a, y, b):
    p, q = union(x, a, y, b)
    m = p + q
    with np.errstate(all="ignore"):
        return 0.5 * kl_vec(p, m) + 0.5 * kl_vec(q, m)


def js_bits(x, a, y, b):
    return js(x, a, y, b) / np.log(2.0)


def js_common_terms(x, a, y, b):
    p, q = union(x, a, y, b)
    on = (p > 0) & (q > 0)
    return js_vec(p[on] / p[on].sum(), q[on] / q[on].sum()) if on.any() else 0.0


def js_rounded_atoms(x, a, y, b):
    return js(np.round(x, 6), a, np.round(y, 6), b)  # "avoid float noise"


# -- W1 --------------------------------------------------------------------------------------------
def w1_sqeuclidean(x, a, y, b):
    return w1_line(x, a, y, b) if x.shape[1] == 1 else w1_lp(x, a, y, b, "sqeuclidean")


def w1_cityblock(x, a, y, b):
    return w1_line(x, a, y, b) if x.shape[1] == 1 else w1_lp(x, a, y, b, "cityblock")


def w1_sorted_matching(x, a, y, b):
    if len(a) == len(b):  # "equal sizes: match order statistics" (weights ignored)
        return float(np.mean(np.abs(np.sort(x[:, 0]) - np.sort(y[:, 0]))))
    return w1(x, a, y, b)


def w1_first_coord(x, a, y, b):
    return w1_line(x, a, y, b)


def w1_cdf_misaligned(x, a, y, b):
    t = np.concatenate([x[:, 0], y[:, 0]])
    w = np.concatenate([a / a.sum(), -b / b.sum()])
    order = np.argsort(t)
    c = np.cumsum(w[order])
    if x.shape[1] > 1:
        return w1_lp(x, a, y, b)
    return float(np.sum(np.abs(c[1:]) * np.diff(t[order])))


def w1_unscaled_lp(x, a, y, b):
    """The transport LP with scipy's HiGHS on the raw cost matrix: HiGHS treats costs
    beyond about 1e20 as infinite (status 15 on coordinates of 1e20 and more)."""
    a, b = a / a.sum(), b / b.sum()
    cost = cdist(x, y)
    n, m = cost.shape
    rows = np.kron(np.eye(n), np.ones((1, m)))
    cols = np.kron(np.ones((1, n)), np.eye(m))
    res = linprog(cost.ravel(), A_eq=np.vstack([rows, cols]), b_eq=np.concatenate([a, b]),
                  bounds=(0, None), method="highs")
    return float(res.fun) if res.status == 0 else float("nan")


def w1_overflow(x, a, y, b):
    """POT on scipy's cdist of the raw coordinates: the squares overflow from 1.34e154 on."""
    if x.shape[1] == 1:
        return w1_line(x, a, y, b)
    return float(ot.emd2(a / a.sum(), b / b.sum(), cdist(x, y)))


def w1_centers_in_place(x, a, y, b):
    """Right value (W1 is translation invariant), but centres the caller's atoms in place."""
    c = x.mean(axis=0)
    x -= c
    y -= c
    return w1(x, a, y, b)


def w1_mean_gap(x, a, y, b):
    mx = (a / a.sum()) @ x
    my = (b / b.sum()) @ y
    return float(np.linalg.norm(mx - my))


def w1_pairwise_mean(x, a, y, b):
    """The independent coupling's cost, E|X - Y|, taken for the optimal one."""
    return float((a / a.sum()) @ cdist(x, y) @ (b / b.sum()))


BUGS: dict[str, tuple[str, Fn]] = {
    f.__name__: (kind, f)
    for kind, fs in {
        "tv": [
            tv_drops_small,
            tv_normalizes_in_place,
            tv_no_half,
            tv_index_aligned,
            tv_bytes_key,
            tv_adjacent_merge,
            tv_max_atom,
            tv_first_coord,
        ],
        "kl": [
            kl_unmatched_cutoff,
            kl_nan_zero,
            kl_skip_q_zero,
            kl_swapped,
            kl_log2,
            kl_float32,
            kl_smoothing,
        ],
        "js": [js_no_half, js_scipy_sqrt, js_m_sum, js_bits, js_common_terms, js_rounded_atoms],
        "w1": [
            w1_unscaled_lp,
            w1_overflow,
            w1_centers_in_place,
            w1_sqeuclidean,
            w1_cityblock,
            w1_sorted_matching,
            w1_first_coord,
            w1_cdf_misaligned,
            w1_mean_gap,
            w1_pairwise_mean,
        ],
    }.items()
    for f in fs
}

#: The bug classes of issue 23: rare without boundary draws, or never caught before.
RARE_BUGS = (
    "kl_unmatched_cutoff",
    "tv_drops_small",
    "w1_unscaled_lp",
    "w1_overflow",
    "tv_normalizes_in_place",
    "w1_centers_in_place",
)


# -- planted bugs: the vectors form -------------------------------------------------------------
def tv_pq_drops_small(p, q):
    d = np.abs(p - q)
    return 0.5 * float(d[d >= 1e-9].sum())


def kl_pq_epsilon(p, q):
    """Adds 1e-300 to q "to avoid log(0)": finite where KL is infinite."""
    on = p > 0
    return float(np.sum(p[on] * (np.log(p[on]) - np.log(q[on] + 1e-300))))


def js_pq_halved_mixture(p, q):
    """KL(p || (p + q) / 2): inf where p is the smallest subnormal and q is 0."""
    m = 0.5 * (p + q)
    return 0.5 * kl_vec(p, m) + 0.5 * kl_vec(q, m)


def w1_pq_normalizes_in_place(p, q):
    p /= p.sum()
    q /= q.sum()
    return w1_pq(p, q)


VECTOR_BUGS: dict[str, tuple[str, Callable]] = {
    f.__name__: (kind, f)
    for kind, f in (
        ("tv", tv_pq_drops_small),
        ("kl", kl_pq_epsilon),
        ("js", js_pq_halved_mixture),
        ("w1", w1_pq_normalizes_in_place),
    )
}
