r"""The rounds of column generation, in one compiled loop for every problem (numba).

A round: continue the network simplex (:mod:`distances.transport._pivots`) on the
candidate arcs, read the potentials, price, add the violated pairs not yet candidates,
and decide whether to stop. The sparse solver runs every round here, whether it keeps the
cost matrix or not; the two differ only in how a round prices (:data:`Candidates`):

* **kept cost matrix** (up to ``SparseOptions.matrix_max_pairs`` pairs): every round
  solves to the optimum on the candidates and prices every pair from the matrix
  (``_pricing.price_matrix``); the candidate set is a mask of all pairs.
* **local lists** (larger problems): a round stops the simplex after
  ``partial_pivots`` x n pivots (a *partial* round) or at the optimum, and prices each
  point's listed neighbours and the neighbours of the plan's pairs
  (``_pricing.local_items``); the candidate set is a hash table of the pairs' keys
  ``i * m + j``. When those are clean at the optimum, every pair must be priced: the loop
  returns :data:`SCAN` and the caller scans them (threaded,
  :func:`distances.transport._pricing.scan`), then calls again with the pairs found; the
  loop adds them and applies the stop rule. Large problems also renumber the simplex's
  nodes in the tree's order and sort its arcs by source before each round
  (:mod:`distances.transport._tree`), so that the pivots read consecutive memory, and
  from ``SparseOptions.renumber_within_nodes`` atoms again within a round, every
  ``renumber_pivots`` x (n + m) pivots.

Besides :data:`DONE` (stop rule met) and :data:`MAX_ROUNDS`, the loop returns to let the
caller act: :data:`FULL` (the arc arrays, or the hash table, need room: the caller grows
them and calls again), :data:`ITERATION_LIMIT` (a solve stopped at its iteration limit
after the two retries), :data:`ARTIFICIAL` (the big-M start left mass on an artificial
arc: the caller restarts from the tree) and :data:`SCAN`. In Python each round cost about
0.4 ms of array bookkeeping, a third of a whole solve at n = 500; at 10^5 points the
sorting, copying and set updates between rounds took a quarter of the time.

The state of the rounds is one record (:data:`ROUND_STATE`), read and updated in place.

Private module: importing it imports numba. Its compiled loop includes the kernels it calls
(``pivots``, ``price_matrix``, ``local_items``, ``relabel``, ``sort_arcs``), and numba's
on-disk cache checks only this file's time stamp: after editing one of those modules in a
source checkout, delete ``distances/transport/__pycache__/*.nbi`` and ``*.nbc`` (an
installation writes every file anew, so its caches start fresh).
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np

from ._jit import kernel
from ._jit import unsigned as _U  # arr[_U(i)]: no wraparound test (see _jit)
from ._pivots import pivots
from ._pricing import local_items, price_matrix
from ._problem import RETRIES
from ._simplex import TREE_RULE
from ._tree import relabel, sort_arcs

__all__ = [
    "ARTIFICIAL",
    "DONE",
    "FULL",
    "ITERATION_LIMIT",
    "MAX_ROUNDS",
    "ROUND_STATE",
    "SCAN",
    "Candidates",
    "Nodes",
    "Points",
    "centre",
    "fill_keys",
    "fill_mask",
    "insert_key",
    "round_state",
    "rounds",
    "stops",
    "tolerance",
]

DONE, MAX_ROUNDS, FULL, ITERATION_LIMIT, ARTIFICIAL, SCAN = 1, 2, 3, 4, 5, 6
PENDING = 2  # ROUND_STATE.scanned: the pairs of the caller's scan are to be added
_EMPTY = -1  # a free slot of the hash table

#: The problem as the loop reads it: the points (``x`` (n, d), ``y`` (m, d); empty
#: (0, d) arrays when the cost matrix is kept) and the masses ``a``, ``b``.
Points = namedtuple("Points", ["x", "y", "a", "b"])
#: How a round prices and remembers the candidates. Kept cost matrix: ``cost`` (n, m) and
#: ``in_set`` (n, m), the mask of the candidate pairs. Local lists: ``keys``, a hash table
#: of the candidates' ``i * m + j`` (:func:`insert_key`; at most half full), each row's
#: listed columns ``cols`` (n, k) with their costs ``cost_r``, each column's listed rows
#: ``rows`` (m, k) with ``cost_c``, and the points' neighbours in their own cloud
#: ``near_x``, ``near_y`` (:class:`~distances.transport._candidates.LocalLists`). The
#: fields of the other kind are empty arrays.
Candidates = namedtuple("Candidates", ["cost", "in_set", "keys", "cols", "cost_r", "rows",
                                       "cost_c", "near_x", "near_y"])
#: The simplex's node numbers: ``label[k]``, the caller's number of node k, and its
#: inverse ``current`` (identities until the nodes are renumbered).
Nodes = namedtuple("Nodes", ["label", "current"])

#: The state of the rounds, one record updated in place:
#:
#: * the simplex's arc counters ``n_arcs``, ``first_arc``, ``rule``, ``next_arc`` and the
#:   ``pivots`` done;
#: * ``rounds`` done (partial ones included), ``complete`` ones (solved to the optimum on
#:   their candidates), the limits ``max_rounds`` (complete rounds), ``max_iter`` (of one
#:   solve, then 10x and 100x), ``per_row`` (pairs a row adds), ``partial`` (pivots of a
#:   partial round; 0: none) and ``round_pivots`` (pivots of the partial rounds since the
#:   last complete one), ``renumber`` (1: renumber before each round, and within a
#:   round after every ``renumber_every`` pivots; 0: never; ``renumbered`` counts
#:   them), ``eps`` (the simplex's),
#:   ``dust`` (mass an artificial arc may keep);
#: * the tolerances ``pricing_rtol``, ``tiny_scale`` (:func:`._problem.tolerance`),
#:   ``stall_rtol``, ``polish``, ``polish_rounds`` of the stop rule (:func:`stops`);
#: * the last round's ``value``, ``scale``, pricing tolerance ``tol`` and ``worst``
#:   reduced cost, the stop rule's memory: ``last_value`` (the previous full pricing's
#:   value) and ``polished`` (rounds whose violations were within the tolerance);
#: * ``scanned``: 1 when the last round's potentials were priced against every pair,
#:   :data:`PENDING` when the caller has scanned all pairs and the loop is to add the
#:   violated ones it passes (then 1), 0 otherwise.
ROUND_STATE = np.dtype([
    ("n_arcs", np.int64), ("first_arc", np.int64), ("rule", np.int64),
    ("next_arc", np.int64), ("pivots", np.int64), ("rounds", np.int64),
    ("complete", np.int64), ("max_rounds", np.int64), ("max_iter", np.int64),
    ("per_row", np.int64), ("partial", np.int64), ("round_pivots", np.int64),
    ("renumber", np.int64), ("renumber_every", np.int64), ("renumbered", np.int64),
    ("scanned", np.int64),
    ("eps", np.float64), ("dust", np.float64), ("pricing_rtol", np.float64),
    ("tiny_scale", np.float64), ("stall_rtol", np.float64), ("polish", np.float64),
    ("polish_rounds", np.float64), ("value", np.float64), ("scale", np.float64),
    ("tol", np.float64), ("worst", np.float64), ("last_value", np.float64),
    ("polished", np.float64),
])


def round_state(**fields: float) -> np.ndarray:
    """A one-record array of :data:`ROUND_STATE`: the fields given, the others 0 (and
    ``worst`` -inf, ``last_value`` inf: nothing priced yet)."""
    state = np.zeros(1, ROUND_STATE)
    state["worst"], state["last_value"] = -np.inf, np.inf
    for name, value in fields.items():
        state[name] = value
    return state


@kernel
def rounds(points, cands, arcs, tree, nodes, state, u, v, row_min, scan_rows, scan_cols):
    """Rounds until a stop or a request (see the module docstring). ``arcs``, ``tree``:
    the simplex's state (:class:`~distances.transport._pivots.Arcs`, ``Tree``), numbered
    as ``nodes`` says; ``state``: a :data:`ROUND_STATE` record (:func:`round_state`).
    ``u``, ``v`` receive the last round's potentials (common offset removed), ``row_min``
    (kept matrix) its rows' smallest reduced costs clipped at 0. When ``state.scanned``
    is :data:`PENDING`, ``scan_rows``, ``scan_cols`` are the violated pairs of a scan of all pairs
    against ``u``, ``v`` (its smallest reduced cost in ``state.worst``): they are added
    first, then the stop rule is applied. Returns the status."""
    n, m = points.a.shape[0], points.b.shape[0]
    st = state[0]
    kept = cands.cost.shape[0] > 0
    if st.scanned == PENDING:  # the caller scanned all pairs against u, v
        added = _add_listed(points, cands, arcs, nodes, st, scan_rows, scan_cols,
                            scan_rows.shape[0])
        st.scanned = 1
        if stops(state, st.worst, st.value, st.scale, st.tol, added):
            return DONE
    room = st.per_row * n + m if kept else 3 * (n + m)
    while st.complete < st.max_rounds:
        if st.n_arcs + room > arcs.src.shape[0]:
            return FULL
        st.rounds += 1
        st.scanned = 0
        if st.renumber == 1:
            _renumber(arcs, tree, nodes, st)
        # -- continue the simplex: a partial round, or to the optimum --------------
        partial = False
        # (partial rounds count against the last retry's limit, 100 max_iter: the first
        # one's, 2 n > 10^6 pivots from n = 500,000, stopped them there)
        if st.partial > 0 and st.round_pivots + st.partial <= st.max_iter * 10**RETRIES:
            partial = _pivot(arcs, tree, nodes, st, st.partial) == 2  # at the budget
            if partial:
                st.round_pivots += st.partial
        if not partial:
            limit = st.max_iter
            status = 2
            for _ in range(RETRIES + 1):  # the limit, then 10x and 100x
                status = _pivot(arcs, tree, nodes, st, limit)
                if status != 2:
                    break
                limit *= 10
            if status == 2:
                return ITERATION_LIMIT
            st.complete += 1
            st.round_pivots = 0
            st.rule = TREE_RULE
            if st.first_arc > 1:
                for e in range(st.first_arc):
                    if arcs.flow[e] > st.dust:
                        return ARTIFICIAL
        # -- potentials, value and scale ---------------------------------------------
        value, scale = _potentials(points, arcs, tree, nodes, st, u, v)
        tol = tolerance(st.pricing_rtol, scale, st.tiny_scale)
        st.value, st.scale, st.tol = value, scale, tol
        # -- price ----------------------------------------------------------------------
        if kept:
            rows, cols, col_arg, worst, rmin = price_matrix(
                cands.cost, u, v, tol * st.polish, st.per_row)
            st.worst, st.scanned = worst, 1  # every pair priced
            row_min[:] = rmin
            added = _add_matrix(cands, arcs, nodes, st, rows, cols, col_arg, n)
            if stops(state, worst, value, scale, tol, added):
                return DONE
            continue
        rows, cols, count = _price_lists(points, cands, arcs, nodes, st, u, v, tol, n)
        added = _add_listed(points, cands, arcs, nodes, st, rows, cols, count)
        if not partial and added == 0:
            return SCAN  # clean lists at the optimum of the candidates: price every pair
    return MAX_ROUNDS


@kernel(inline="always")
def _pivot(arcs, tree, nodes, st, limit):
    """Pivot (at most ``limit`` times) from the state's arc counters; returns the status
    of :func:`~distances.transport._pivots.pivots` (1 optimal, 2 at the limit). Renumbered
    problems renumber again after every ``renumber_every`` pivots: the pivots scatter
    the thread's order over the node arrays (n = m = 10^6: one round of 14.6 million
    pivots from one numbering)."""
    status, left = 2, limit
    while True:
        chunk = left
        if st.renumber == 1 and 0 < st.renumber_every < left:
            chunk = st.renumber_every
        start = min(max(st.next_arc, st.first_arc), st.n_arcs - 1)
        status, done, nxt = pivots(st.first_arc, st.n_arcs, arcs, tree, start, chunk,
                                   st.eps, st.rule)
        st.next_arc = nxt
        st.pivots += done
        left -= done
        if status != 2 or left <= 0:
            return status
        _renumber(arcs, tree, nodes, st)


@kernel(inline="always")
def _renumber(arcs, tree, nodes, st):
    """Number the nodes in the tree's order and sort the arcs by source
    (:mod:`distances.transport._tree`); ``nodes`` follows."""
    st.renumbered += 1
    relabel(st.n_arcs, arcs.src, arcs.tgt, tree.parent, tree.pred, tree.forward,
            tree.thread, tree.rev_thread, tree.succ_num, tree.last_succ, tree.pi, nodes.label)
    for k in range(nodes.label.shape[0]):
        nodes.current[nodes.label[k]] = k
    sort_arcs(st.first_arc, st.n_arcs, arcs.src, arcs.tgt, arcs.cost, arcs.flow,
              arcs.state, tree.pred)


@kernel(inline="always")
def _potentials(points, arcs, tree, nodes, st, u, v):
    """The basis' potentials in the caller's numbering, centred (:func:`centre`); returns
    the plan's value and the certificate's scale (the largest |u_i|, |v_j| and cost of a
    pair of the plan)."""
    pi, current = tree.pi, nodes.current
    n, m = u.shape[0], v.shape[0]
    for i in range(n):
        u[i] = -pi[current[i]]
    for j in range(m):
        v[j] = pi[current[n + j]]
    return _value_and_scale(arcs, st, centre(u, v, points.a, points.b))


@kernel(inline="always")
def _value_and_scale(arcs, st, scale):
    value = 0.0
    for e in range(st.first_arc, st.n_arcs):
        if arcs.flow[e] > 0.0:
            value += arcs.flow[e] * arcs.cost[e]
            scale = max(scale, arcs.cost[e])
    return value, scale


@kernel(inline="always")
def _add_matrix(cands, arcs, nodes, st, rows, cols, col_arg, n):
    """Append the priced pairs of the kept matrix not yet candidates (the ``per_row``
    pairs of each violated row, then each column's most violated pair); returns how many."""
    in_set, cost = cands.in_set, cands.cost
    m = cost.shape[1]
    added = 0
    for q in range(rows.shape[0] + m):
        if q < rows.shape[0]:
            i, j = rows[q], cols[q]
        else:
            j = q - rows.shape[0]
            i = col_arg[j]
            if i < 0:
                continue
        if in_set[i, j]:
            continue
        in_set[i, j] = True
        _append_arc(arcs, st, nodes.current[i], nodes.current[n + j], cost[i, j])
        added += 1
    return added


@kernel(inline="always")
def _append_arc(arcs, st, src, tgt, cost):
    k = st.n_arcs
    arcs.src[k], arcs.tgt[k], arcs.cost[k], arcs.flow[k], arcs.state[k] = src, tgt, cost, 0.0, 1
    st.n_arcs += 1


@kernel(inline="always")
def _price_lists(points, cands, arcs, nodes, st, u, v, tol, n):
    """The local pricing (``_pricing.local_items``) against ``u``, ``v``: the most violated
    listed pair of every row, of every column and of each end of every pair of the plan.
    Returns (rows, cols, count): item t found pair (rows[t], cols[t]) if rows[t] >= 0."""
    label = nodes.label
    plan = 0
    for e in range(st.first_arc, st.n_arcs):
        if arcs.flow[e] > 0.0:
            plan += 1
    plan_rows = np.empty(plan, np.int64)
    plan_cols = np.empty(plan, np.int64)
    plan = 0
    for e in range(st.first_arc, st.n_arcs):
        if arcs.flow[e] > 0.0:
            plan_rows[plan] = label[_U(arcs.src[e])]
            plan_cols[plan] = label[_U(arcs.tgt[e])] - n
            plan += 1
    total = cands.cols.shape[0] + cands.rows.shape[0] + 2 * plan
    rows = np.empty(total, np.int64)
    cols = np.empty(total, np.int64)
    local_items(0, total, points.x, points.y, u, v, cands.cols, cands.cost_r, cands.rows,
                cands.cost_c, plan_rows, plan_cols, cands.near_x, cands.near_y, tol, rows,
                cols)
    return rows, cols, total


@kernel(inline="always")
def _add_listed(points, cands, arcs, nodes, st, rows, cols, count):
    """Append the pairs (rows[t], cols[t]), t < count (rows[t] < 0: none), that are not yet
    candidates, in the order of their keys (as ``np.unique`` would give them); returns
    how many."""
    x, y, keys, current = points.x, points.y, cands.keys, nodes.current
    n, m = x.shape[0], y.shape[0]
    new = np.empty(count, np.int64)
    added = 0
    for t in range(count):
        if rows[t] >= 0:
            key = rows[t] * m + cols[t]
            if insert_key(keys, key):
                new[added] = key
                added += 1
    new = np.sort(new[:added])
    for q in range(added):
        i, j = new[q] // m, new[q] % m
        s = 0.0
        for t in range(x.shape[1]):
            diff = x[i, t] - y[j, t]
            s += diff * diff
        _append_arc(arcs, st, current[i], current[n + j], np.sqrt(s))
    return added


@kernel(inline="always")
def _slot(key, mask):
    """The first slot to probe for ``key`` (Fibonacci hashing of the key's bits)."""
    return ((key * 0x9E3779B97F4A7C15) >> 17) & mask


@kernel
def insert_key(keys, key):
    """Insert ``key`` (>= 0) into the hash table ``keys`` (size a power of two, free slots
    -1, linear probing); returns whether it was new."""
    mask = keys.shape[0] - 1
    s = _slot(key, mask)
    while keys[_U(s)] != _EMPTY:
        if keys[_U(s)] == key:
            return False
        s = (s + 1) & mask
    keys[_U(s)] = key
    return True


@kernel
def fill_keys(keys, src, tgt, label, first_arc, n_arcs, n, m):
    """Empty the hash table ``keys`` and insert the key of every candidate arc."""
    keys[:] = _EMPTY
    for e in range(first_arc, n_arcs):
        insert_key(keys, label[_U(src[e])] * m + label[_U(tgt[e])] - n)


@kernel
def fill_mask(in_set, rows, cols, tree_rows, tree_cols, cost):
    """Fill the mask of the candidate pairs of a kept cost matrix (``in_set`` (n, m)):
    the first basis's pairs (``tree_rows``, ``tree_cols``) and the seed pairs (``rows``,
    ``cols``; repeats allowed). Returns the rows, columns and costs of the seeds that are
    not in the basis, once each, in ascending ``i * m + j`` (the order ``np.flatnonzero``
    of the mask gave: the same arcs, so the same pivots), sorted by two counting sorts
    (columns, then rows) instead of a pass over the n m pairs: 500 x 250 in 2-D (ring,
    curve), 132 -> 60 us with the cost gather (load 1.2)."""
    n, m = in_set.shape
    in_set.ravel()[:] = False  # (a memset)
    for e in range(tree_rows.shape[0]):
        in_set[tree_rows[e], tree_cols[e]] = True
    new_rows = np.empty(rows.shape[0], np.int64)
    new_cols = np.empty(rows.shape[0], np.int64)
    row_start = np.zeros(n + 1, np.int64)
    col_start = np.zeros(m + 1, np.int64)
    k = 0
    for q in range(rows.shape[0]):
        i, j = rows[q], cols[q]
        if not in_set[i, j]:
            in_set[i, j] = True
            new_rows[k], new_cols[k] = i, j
            row_start[i + 1] += 1
            col_start[j + 1] += 1
            k += 1
    for i in range(n):
        row_start[i + 1] += row_start[i]
    for j in range(m):
        col_start[j + 1] += col_start[j]
    by_col = np.empty(k, np.int64)  # the new pairs by column
    for q in range(k):
        j = new_cols[q]
        by_col[col_start[j]] = q
        col_start[j] += 1
    out_rows = np.empty(k, np.int64)
    out_cols = np.empty(k, np.int64)
    out_cost = np.empty(k)
    for q in by_col:  # then by row, stably: by row, columns ascending
        i = new_rows[q]
        p = row_start[i]
        row_start[i] = p + 1
        out_rows[p], out_cols[p] = i, new_cols[q]
    for p in range(k):  # (in the matrix's order: a cold matrix is read ahead)
        out_cost[p] = cost[out_rows[p], out_cols[p]]
    return out_rows, out_cols, out_cost


@kernel(inline="always")
def tolerance(rtol, scale, floor):
    """:func:`._problem.tolerance` in the kernels: ``rtol * max(scale, floor)``, ``floor``
    its ``TINY_SCALE``."""
    return rtol * max(scale, floor)


@kernel
def centre(u, v, a, b):
    """Remove the common offset of the potentials (u + t, v - t are as good): shift them
    in place so that a . u = b . v, and return the largest |u_i|, |v_j| (no round-off is
    lost to an offset)."""
    shift = 0.0
    for j in range(b.shape[0]):
        shift += b[j] * v[j]
    for i in range(a.shape[0]):
        shift -= a[i] * u[i]
    shift /= 2.0  # (b . v - a . u) / 2
    scale = 0.0
    for i in range(a.shape[0]):
        u[i] += shift
        scale = max(scale, abs(u[i]))
    for j in range(b.shape[0]):
        v[j] -= shift
        scale = max(scale, abs(v[j]))
    return scale


@kernel
def stops(state, worst, value, scale, tol, added):
    """The stop rule of the rounds, after a round that priced every pair: stop when no
    violated pair was added; or at the round-off floor (the violations left are below
    ``stall_rtol * scale``, within the certificate's tolerance, and the value did not drop
    since the previous such round); or when the polishing rounds are done (violations
    within ``tol`` already certify; up to ``polish_rounds`` more rounds add the pairs
    violated beyond ``polish * tol``). ``state``: a :data:`ROUND_STATE` record; its
    ``last_value`` and ``polished`` are updated."""
    st = state[0]
    stalled = -worst <= st.stall_rtol * scale and value >= st.last_value
    st.last_value = value
    if -worst <= tol:
        st.polished += 1.0
    return added == 0 or stalled or st.polished > st.polish_rounds
