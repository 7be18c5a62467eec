r"""Pricing every pair of two point clouds against dual potentials, compiled (numba).

A *scan* evaluates the reduced cost :math:`r_{ij} = \|x_i - y_j\|_2 - u_i - v_j` of every
pair, in one pass and without an n x m temporary, and returns what the column generation of
:mod:`distances.sparse_w1` needs: the ``per_row`` most violated pairs of every row whose
smallest reduced cost is below ``-tol``, the most violated pair of every such column, and
every row's smallest reduced cost clipped above at 0 (exact: the certificate repairs u with
it).

Columns are grouped into blocks of nearby points (k-d tree order), and consecutive blocks
into groups (``group`` blocks); a row skips a group, then a block, when the triangle
inequality bounds all of its reduced costs below by ``tol`` (plus the margin below, so
that round-off cannot hide a pair an ulp below 0 when ``tol`` is 0): :math:`r_{ij} \ge
\|x_i - z_J\| - \max_{j \in J}(\|y_j - z_J\| + v_j) - u_i`, :math:`z_J` the block's
(group's) centre. A skipped pair therefore has :math:`r_{ij} \ge tol > 0`, and the row
minima returned are exact wherever they are negative. (Without the groups every row tested
every block: 10^6 columns make 15,625 blocks, a scan 1.6 x 10^10 bounds.) A block that is
not skipped is first tested on squared distances, :math:`\|x_i - y_j\|^2 < (u_i + v_j +
t)^2`, with t the row's smallest reduced cost so far clipped to [-tol, tol] plus a margin
for round-off: a loop without square roots that the compiler vectorizes. Only the blocks
where that test holds (near the optimum a block or two a row) have their reduced costs
computed, which is all a pair can change: the columns' minima lie below -tol and the row's
matters below tol (8 Gaussians vs a Gaussian, n = 20,000, at the optimum, one thread: 0.11
s a scan, 0.30-0.37 s computing every reduced cost of the blocks kept).

The rows are split into ranges scanned on Python threads running the compiled kernel
without the GIL (all cores unless ``NUMBA_NUM_THREADS`` says otherwise; 8 Gaussians vs a
Gaussian, n = 20,000, at the optimum: 0.106 s on one thread, 0.067 s on two), merged in row
order: the result does not depend on the number of threads. Not numba's ``parallel=True``
(see ``_pool``).

Also compiled here: the cheap pricing of the local lists before a scan
(:func:`local_items`, called by the compiled rounds). The cost matrix and the nearest
neighbours of the problems whose matrix the solver keeps are in
:mod:`distances.transport._nearest`.

Private module: importing it imports numba (the solvers import it when they run).
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from numba import config as numba_config

from ._jit import kernel
from ._jit import unsigned as _U  # arr[_U(i)]: no wraparound test (see _jit)
from ._nearest import insert_sorted, squared_row

__all__ = ["LANES", "local_items", "price_matrix", "row_minimum", "scan", "scan_matrix"]

#: Margin of a scan's squared-distance block test, relative to 1 + max|u| + max|v| + tol
#: (the round-off it covers is a few 1e-16 of those).
_MARGIN = 1e-12


@kernel
def _append(out_rows, out_cols, n_out, i, cols, count):
    """Append the pairs (i, cols[q]), q < count, to the output buffers (doubled when
    full). Returns the buffers and the new length."""
    if n_out + count > out_rows.shape[0]:
        grow = max(2 * out_rows.shape[0], n_out + count)
        new_rows = np.empty(grow, np.int64)
        new_cols = np.empty(grow, np.int64)
        new_rows[:n_out] = out_rows[:n_out]
        new_cols[:n_out] = out_cols[:n_out]
        out_rows, out_cols = new_rows, new_cols
    for q in range(count):
        out_rows[n_out] = i
        out_cols[n_out] = cols[q]
        n_out += 1
    return out_rows, out_cols, n_out


@kernel
def _block_hit(i, x, yt, v, lo_k, size, lift, sq):
    """Whether some j in the block lo_k .. lo_k + size - 1 has ||x_i - y_j|| < lift + v_j
    (a reduced cost below lift - u_i), tested on squared distances (no square roots: a loop
    the compiler vectorizes). The squared distances go to ``sq[:size]``, summed over the
    coordinates in order as cdist does."""
    squared_row(x[i], yt, lo_k, sq[:size])
    vb = v[lo_k : lo_k + size]  # a slice and range(size): vectorized, as in squared_row
    hit = 0
    for q in range(size):
        w = lift + vb[q]
        hit += (sq[q] < w * w) & (w > 0.0)
    return hit > 0


@kernel
def _scan_rows(lo, hi, x, yt, u, v, order, starts, centre, reach, groups, tol, per_row,
               col_best, col_arg, out_cols, counts, row_min, margin):
    """Rows lo .. hi - 1 of a scan: row i's smallest reduced cost clipped at 0 goes to
    ``row_min[i]``, its violated pairs (at most ``per_row``, most violated first) to
    ``out_cols[i * per_row :]`` and their number to ``counts[i]``; ``col_best``/``col_arg``
    keep each column's smallest reduced cost below -tol over these rows (the first row
    that reaches it). Returns (smallest reduced cost clipped above at tol, pairs priced).

    A block of columns is evaluated exactly (square roots) only when one of its pairs
    may have a reduced cost below t = max(min(row's smallest so far, tol), -tol) (+
    ``margin``, far above the round-off of either test), the only pairs that change
    anything: the columns' minima are below -tol, and the row's minimum matters only
    below tol. Near the optimum that is a block or two a row."""
    n_blocks = starts.shape[0] - 1
    g_starts, g_centre, g_reach = groups
    priced = 0
    worst = np.inf
    top_r = np.empty(per_row)
    top_j = np.empty(per_row, np.int64)
    kept = np.empty(n_blocks, np.int64)
    width = 1
    for k in range(n_blocks):
        width = max(width, starts[k + 1] - starts[k])
    sq = np.empty(width)
    for i in range(lo, hi):
        ui = u[i]
        # blocks that can hold a reduced cost below tol (the triangle inequality), tested
        # only inside the groups of blocks that can (the same bound on a group)
        n_kept = 0
        for g in range(g_starts.shape[0] - 1):
            if _distance(x, i, g_centre, g) - g_reach[g] - ui >= tol + margin:
                continue
            for k in range(g_starts[g], g_starts[g + 1]):
                if _distance(x, i, centre, k) - reach[_U(k)] - ui < tol + margin:
                    kept[_U(n_kept)] = k
                    n_kept += 1
        best = np.inf
        for q_k in range(n_kept):
            k = kept[q_k]
            lo_k, size = starts[k], starts[k + 1] - starts[k]
            priced += size
            cut = max(min(best, tol), -tol)
            if not _block_hit(i, x, yt, v, lo_k, size, ui + cut + margin, sq):
                continue
            for q in range(size):
                p = _U(lo_k + q)
                r = np.sqrt(sq[q]) - ui - v[p]
                if r < best:
                    best = r
                if r < col_best[p]:
                    col_best[p] = r
                    col_arg[p] = i
        worst = min(worst, best)
        row_min[i] = min(best, 0.0)
        if best >= -tol:
            continue
        # the per_row most violated pairs of this row (a second pass, violated rows only)
        filled = 0
        for q_k in range(n_kept):
            k = kept[q_k]
            lo_k, size = starts[k], starts[k + 1] - starts[k]
            if not _block_hit(i, x, yt, v, lo_k, size, ui - tol + margin, sq):
                continue
            for q in range(size):
                r = np.sqrt(sq[q]) - ui - v[lo_k + q]
                if r >= -tol or (filled == per_row and r >= top_r[filled - 1]):
                    continue
                filled = insert_sorted(top_r, top_j, filled, r, lo_k + q)
        for q in range(filled):
            out_cols[i * per_row + q] = order[top_j[q]]  # the caller's column numbers
        counts[i] = filled
    return min(worst, tol), priced


#: Row ranges of a parallel scan: 4 per thread for balance, at most 16 (each range keeps
#: its own column minima: 16 bytes a column).
_MAX_RANGES = 16
_POOL: list[tuple[int, ThreadPoolExecutor]] = []  # (process id, its scan threads)
_POOL_LOCK = threading.Lock()


def _threads() -> int:
    """Threads of a scan: ``NUMBA_NUM_THREADS`` (default: the CPU count). Read from numba's
    configuration, not ``numba.get_num_threads()``, which starts numba's threading layer."""
    return max(1, int(numba_config.NUMBA_NUM_THREADS))


def _ranges() -> int:
    """How many row ranges the next scan splits its rows into; 1: the serial kernel."""
    threads = _threads()
    return 1 if threads < 2 else min(4 * threads, _MAX_RANGES)


def _pool() -> ThreadPoolExecutor:
    """This process's scan threads. Plain Python threads running the compiled ``nogil``
    kernel, not numba's ``parallel=True``: numba's OpenMP layer hung a forked worker (after
    the parent ran a torch matmul) and, once started in a parent, hung torch in a forked
    child; its workqueue layer aborts on concurrent calls from several threads (issue 27).
    A forked child gets its own threads (those of the parent do not survive a fork)."""
    with _POOL_LOCK:
        if not _POOL or _POOL[0][0] != os.getpid():
            _POOL[:] = [(os.getpid(), ThreadPoolExecutor(_threads(), "distances-scan"))]
        return _POOL[0][1]


@kernel
def _buffers(n, m, per_row, chunks, tol):
    """Row bounds of the ranges and the arrays the ranges fill."""
    bounds = np.linspace(0, n, chunks + 1).astype(np.int64)
    col_best = np.full((chunks, m), -tol)
    col_arg = np.full((chunks, m), -1, np.int64)
    return (bounds, np.zeros(n), np.zeros(n, np.int64), np.empty(n * per_row, np.int64),
            col_best, col_arg, np.empty(chunks), np.empty(chunks, np.int64))


@kernel
def _merged(col_best, col_arg, counts, out_cols_by_row, per_row):
    """Each column's most violated pair (the first range, lowest rows, wins ties) and the
    rows' pairs in row order."""
    best_arg = col_arg[0].copy()
    best = col_best[0].copy()
    for c in range(1, col_best.shape[0]):
        for p in range(col_best.shape[1]):
            if col_best[c, p] < best[p]:
                best[p] = col_best[c, p]
                best_arg[p] = col_arg[c, p]
    total = counts.sum()
    out_rows = np.empty(total, np.int64)
    out_cols = np.empty(total, np.int64)
    k = 0
    for i in range(counts.shape[0]):
        for q in range(counts[i]):
            out_rows[k] = i
            out_cols[k] = out_cols_by_row[i * per_row + q]
            k += 1
    return out_rows, out_cols, best_arg


def _scan_ranges(x, yt, u, v, order, starts, centre, reach, groups, tol, per_row, chunks,
                 margin):
    """The rows in ``chunks`` contiguous ranges, merged in row order: the outcome does not
    depend on the number of ranges or threads. Several ranges run on this process's scan
    threads, one on the calling thread (the kernel calls' overhead, a few microseconds,
    is nothing beside a scan of a problem whose matrix is not kept)."""
    (bounds, row_min, counts, out_cols_by_row, col_best, col_arg, worsts,
     priceds) = _buffers(x.shape[0], yt.shape[1], per_row, chunks, tol)

    def rows(c: int) -> tuple[float, int]:
        return _scan_rows(
            bounds[c], bounds[c + 1], x, yt, u, v, order, starts, centre, reach, groups, tol,
            per_row, col_best[c], col_arg[c], out_cols_by_row, counts, row_min, margin)

    ran = _pool().map(rows, range(chunks)) if chunks > 1 else map(rows, range(chunks))
    for c, (worst, priced) in enumerate(ran):
        worsts[c], priceds[c] = worst, priced
    rows_, cols, col_arg = _merged(col_best, col_arg, counts, out_cols_by_row, per_row)
    return rows_, cols, col_arg, worsts.min(), priceds.sum(), row_min


def scan(
    x: np.ndarray, y: np.ndarray, u: np.ndarray, v: np.ndarray, tol: float,
    per_row: int = 4, block: int = 64, group: int = 32,
) -> tuple[np.ndarray, np.ndarray, float, int, np.ndarray]:
    """Price all pairs; see the module docstring. ``block``: columns a block, ``group``:
    blocks a group (consecutive in k-d order).

    Returns
    -------
    rows, cols : ndarray of int64
        The violated pairs found (``per_row`` per violated row, one per violated column;
        may repeat).
    worst : float
        The smallest reduced cost, clipped above at ``tol`` (exact below it).
    priced : int
        Pairs evaluated (the rest were bounded by the triangle inequality).
    row_min : ndarray
        Each row's smallest reduced cost, clipped above at 0.
    """
    from scipy.spatial import cKDTree

    m = y.shape[0]
    order = np.asarray(cKDTree(y, leafsize=block).indices, dtype=np.int64)
    ys = np.ascontiguousarray(y[order])
    vs = np.ascontiguousarray(v[order])
    starts = np.append(np.arange(0, m, block), m)
    lo = np.minimum.reduceat(ys, starts[:-1], axis=0)
    hi = np.maximum.reduceat(ys, starts[:-1], axis=0)
    centre = (lo + hi) / 2
    sizes = np.diff(starts)
    radius = np.linalg.norm(ys - np.repeat(centre, sizes, axis=0), axis=1)
    reach = np.maximum.reduceat(radius + vs, starts[:-1])
    groups = _groups(ys, vs, starts, group)
    chunks = _ranges()
    # The margin of the block tests: the round-off of r = ||x_i - y_j|| - u_i - v_j and of
    # the squared test is a few 1e-16 of |u_i| + |v_j| + ||x_i - y_j||, and distances that
    # matter are below |u_i| + |v_j| + tol.
    margin = _MARGIN * (1.0 + float(np.abs(u).max(initial=0.0)) + float(np.abs(v).max(initial=0.0))
                        + abs(float(tol)))
    rows, cols, col_arg, worst, priced, row_min = _scan_ranges(
        np.ascontiguousarray(x), np.ascontiguousarray(ys.T), np.ascontiguousarray(u), vs,
        order, starts, np.ascontiguousarray(centre), reach, groups, float(tol), int(per_row),
        chunks,
        margin,
    )
    hit = np.flatnonzero(col_arg >= 0)
    rows = np.concatenate([rows, col_arg[hit]])
    cols = np.concatenate([cols, order[hit]])
    return rows, cols, float(worst), int(priced), row_min


def _groups(
    ys: np.ndarray, vs: np.ndarray, starts: np.ndarray, group: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Groups of ``group`` consecutive blocks: (their first blocks, then the number of
    blocks; the centres of their bounding boxes; the largest ||y_j - centre|| + v_j of
    their columns). A row tests the blocks of a group only when the group's bound,
    ||x_i - centre|| - reach - u_i, may be below tol: at 10^6 columns (15,625 blocks) a
    row tests about 500 groups instead of every block."""
    n_blocks = starts.size - 1
    g_starts = np.append(np.arange(0, n_blocks, max(1, group)), n_blocks)
    first = starts[g_starts[:-1]] if n_blocks else np.empty(0, np.int64)
    if first.size == 0:
        return g_starts, np.empty((0, ys.shape[1])), np.empty(0)
    lo = np.minimum.reduceat(ys, first, axis=0)
    hi = np.maximum.reduceat(ys, first, axis=0)
    centre = np.ascontiguousarray((lo + hi) / 2)
    sizes = np.diff(np.append(first, ys.shape[0]))
    radius = np.linalg.norm(ys - np.repeat(centre, sizes, axis=0), axis=1)
    return g_starts, centre, np.maximum.reduceat(radius + vs, first)


#: Lanes of :func:`row_minimum`: independent running minima that the compiler turns into
#: vector instructions (one running minimum is a chain of dependent comparisons it must
#: keep in order without fast-math).
LANES = 8


@kernel(inline="always")
def row_minimum(values, lanes):
    """The smallest of ``values`` (inf if none), in ``LANES`` running minima kept in
    ``lanes`` (an array of ``LANES``, overwritten)."""
    m = values.shape[0]
    whole = m - m % LANES
    lanes[:] = np.inf
    for j0 in range(0, whole, LANES):
        for q in range(LANES):
            lanes[q] = min(lanes[q], values[j0 + q])
    low = np.inf
    for q in range(LANES):
        low = min(low, lanes[q])
    for j in range(whole, m):
        low = min(low, values[j])
    return low


@kernel
def price_matrix(cost, u, v, tol, per_row):
    """Price every pair of the cost matrix against (u, v): the ``per_row`` most violated
    pairs (reduced cost below -tol) of each row, each column's most violated row (-1:
    none below -tol), the smallest reduced cost and each row's, clipped above at 0.

    Each row's reduced costs are computed and minimised in vectorized loops
    (:func:`row_minimum`);
    only a row whose minimum is below -tol is passed over again, once, for its columns'
    minima and its most violated pairs. Near the optimum few rows are: 2.7x faster at
    500 x 250 in 2-D than three passes over every row (192 -> 70 us), 3x at 1000 x 500 in
    32-D."""
    n, m = cost.shape
    row_min = np.zeros(n)
    col_best = np.full(m, -tol)
    col_arg = np.full(m, -1, np.int64)
    out_rows = np.empty(16 * per_row + 16, np.int64)
    out_cols = np.empty(16 * per_row + 16, np.int64)
    n_out = 0
    worst = np.inf
    top_r = np.empty(per_row)
    top_j = np.empty(per_row, np.int64)
    red = np.empty(m)
    lanes = np.empty(LANES)
    for i in range(n):
        ui = u[i]
        row = cost[i]
        for j in range(m):
            red[j] = row[j] - ui - v[j]
        best = row_minimum(red, lanes)
        worst = min(worst, best)
        row_min[i] = min(best, 0.0)
        if best >= -tol:  # no violated pair: no column minimum below -tol either
            continue
        filled = 0
        for j in range(m):
            r = red[j]
            if r >= -tol:
                continue
            if r < col_best[j]:
                col_best[j] = r
                col_arg[j] = i
            if filled < per_row or r < top_r[filled - 1]:
                filled = insert_sorted(top_r, top_j, filled, r, j)
        out_rows, out_cols, n_out = _append(out_rows, out_cols, n_out, i, top_j, filled)
    return out_rows[:n_out], out_cols[:n_out], col_arg, worst, row_min


def scan_matrix(
    cost: np.ndarray, u: np.ndarray, v: np.ndarray, tol: float, per_row: int = 4
) -> tuple[np.ndarray, np.ndarray, float, int, np.ndarray]:
    """:func:`scan` on a precomputed cost matrix (every pair is evaluated)."""
    rows, cols, col_arg, worst, row_min = price_matrix(cost, u, v, float(tol), int(per_row))
    hit = np.flatnonzero(col_arg >= 0)
    rows = np.concatenate([rows, col_arg[hit]])
    cols = np.concatenate([cols, hit])
    return rows, cols, float(worst), int(cost.size), row_min


@kernel
def _distance(x, i, y, j):
    s = 0.0
    for t in range(x.shape[1]):
        diff = x[_U(i), t] - y[_U(j), t]
        s += diff * diff
    return np.sqrt(s)


@kernel
def local_items(lo, hi, x, y, u, v, cols, cost_r, rows, cost_c, plan_rows, plan_cols,
                 near_x, near_y, tol, out_rows, out_cols):
    """The most violated listed pair of items lo .. hi - 1 (the pricing of
    :class:`distances.transport._candidates.LocalLists`): items 0 .. n - 1 are the rows
    (their listed columns ``cols``, costs ``cost_r``), then the m columns (``rows``,
    ``cost_c``), then each plan pair (i, j) twice: i against ``near_y[j]``, then j against
    ``near_x[i]``. Item t's pair goes to ``out_rows[t]``, ``out_cols[t]``, or -1 to
    ``out_rows[t]`` when it has none below -tol (each item writes its own slot)."""
    n, m, e = cols.shape[0], rows.shape[0], plan_rows.shape[0]
    for t in range(lo, hi):
        best, bi, bj = np.inf, -1, -1
        if t < n:
            i = t
            for q in range(cols.shape[1]):
                r = cost_r[i, q] - u[i] - v[_U(cols[i, q])]
                if r < best:
                    best, bi, bj = r, i, cols[i, q]
        elif t < n + m:
            j = t - n
            for q in range(rows.shape[1]):
                r = cost_c[j, q] - u[_U(rows[j, q])] - v[j]
                if r < best:
                    best, bi, bj = r, rows[j, q], j
        elif t < n + m + e:
            i, j = plan_rows[t - n - m], plan_cols[t - n - m]
            for q in range(near_y.shape[1]):
                jj = near_y[_U(j), q]
                r = _distance(x, i, y, jj) - u[_U(i)] - v[_U(jj)]
                if r < best:
                    best, bi, bj = r, i, jj
        else:
            i, j = plan_rows[t - n - m - e], plan_cols[t - n - m - e]
            for q in range(near_x.shape[1]):
                ii = near_x[_U(i), q]
                r = _distance(x, ii, y, j) - u[_U(ii)] - v[_U(j)]
                if r < best:
                    best, bi, bj = r, ii, j
        if best < -tol:
            out_rows[t], out_cols[t] = bi, bj
        else:
            out_rows[t] = -1
