"""Distance code as a user writes it, correct and with planted bugs, for bench_proptest.py.

Every function takes ``(x, a, y, b)``: atoms ``x`` of shape (n, d) with weights ``a`` of
shape (n,), and the same for ``y, b``, as :func:`distances.testing.check_distance` passes
them (``input="arrays"``). The correct versions are what a careful user writes with numpy,
scipy and POT; each bug is one mistake such a user makes, named after it.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import ot
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
    return float(np.sum(p[on] * np.log(p[on] / q[on])))


def js_vec(p, q):
    m = 0.5 * (p + q)
    return 0.5 * kl_vec(p, m) + 0.5 * kl_vec(q, m)


def w1_line(x, a, y, b):
    t = np.concatenate([x[:, 0], y[:, 0]])
    w = np.concatenate([a / a.sum(), -b / b.sum()])
    order = np.argsort(t, kind="stable")
    c = np.cumsum(w[order])
    return float(np.sum(np.abs(c[:-1]) * np.diff(t[order])))


def w1_lp(x, a, y, b, metric="euclidean"):
    # scipy's cdist, not ot.dist: ot.dist(metric="euclidean") computes
    # sqrt(|x|^2 + |y|^2 - 2 x.y), which gave 9.5e-7 for a point against itself at
    # coordinates near 45 (the checks found it: zero_on_identical).
    return float(ot.emd2(a / a.sum(), b / b.sum(), cdist(x, y, metric=metric)))


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
            tv_no_half,
            tv_index_aligned,
            tv_bytes_key,
            tv_adjacent_merge,
            tv_max_atom,
            tv_first_coord,
        ],
        "kl": [kl_nan_zero, kl_skip_q_zero, kl_swapped, kl_log2, kl_float32, kl_smoothing],
        "js": [js_no_half, js_scipy_sqrt, js_m_sum, js_bits, js_common_terms, js_rounded_atoms],
        "w1": [
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
