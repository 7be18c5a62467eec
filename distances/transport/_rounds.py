r"""The rounds of column generation for problems whose cost matrix is kept (compiled).

When the sparse solver holds the cost matrix (:mod:`distances.sparse_w1`: up to
:math:`2^{22}` pairs, above 3-D up to :math:`2^{26}`), each round is: continue the network
simplex (:mod:`distances.transport._simplex`) on the candidate arcs, price every pair from
the matrix (:mod:`distances.transport._pricing`), add the violated pairs not yet candidates.
This module runs those rounds in one compiled loop; in Python each round cost about 0.4 ms
of array bookkeeping, a third of a whole solve at n = 500.

The loop stops as the Python loop of :func:`distances.sparse_w1._solve_full` does (no new
violated pair; or the round-off floor: violations below the certificate's tolerance and no
decrease since the last round; or the polishing rounds are done) and returns; the caller
certifies. It also returns, to let the caller act, when the arc arrays are full (the caller
grows them and calls again), when a solve stops at its iteration limit after the two
retries, and when the big-M start leaves mass on an artificial arc.

Private module: importing it imports numba. Its compiled loop includes the kernels it calls
(``pivots``, ``price_matrix``), and numba's on-disk cache checks only this file's time
stamp: after editing :mod:`distances.transport._simplex`, :mod:`distances.transport._pricing` or
:mod:`distances.transport._nearest` (``insert_sorted``) in a source checkout, delete
``distances/__pycache__/*.nbi`` and ``*.nbc`` (an installation writes every file anew, so
its caches start fresh). The same holds for the scans of :mod:`distances.transport._pricing`, which
include ``insert_sorted``.
"""

from __future__ import annotations

from ._jit import kernel
from ._pivots import pivots
from ._pricing import price_matrix
from ._problem import RETRIES
from ._simplex import TREE_RULE

__all__ = [
    "ARTIFICIAL", "DONE", "FULL", "ITERATION_LIMIT", "MAX_ROUNDS", "centre", "matrix_rounds",
    "stops",
]

DONE, MAX_ROUNDS, FULL, ITERATION_LIMIT, ARTIFICIAL = 1, 2, 3, 4, 5


@kernel
def matrix_rounds(cost, a, b, arcs, tree, in_set, ints, floats, u, v, row_min):
    """Rounds until a stop (see the module docstring). ``arcs`` and ``tree``: the
    simplex's state (:class:`~distances.transport._simplex.Arcs`, ``Tree``).

    ``ints``: [n_arcs, first_arc, rule, next_arc, pivots, rounds, (unused), max_rounds,
    max_iter, per_row, seed_only]; ``floats``: [eps, pricing_rtol, stall_rtol, polish,
    polish_rounds, scale, worst, dust, tiny_scale, last_scan_value, polished]. Both are
    updated in place, and
    ``u``, ``v``, ``row_min`` receive the last round's potentials (common offset removed)
    and row minima. Returns the status."""
    n, m = cost.shape
    src, tgt, arc_cost, flow, state = arcs.src, arcs.tgt, arcs.cost, arcs.flow, arcs.state
    pi = tree.pi
    cap = src.shape[0]
    while ints[5] < ints[7]:
        if ints[0] + ints[9] * n + m > cap:
            return FULL
        ints[5] += 1
        # -- continue the simplex (the limit, then 10x, then 100x) -----------------
        limit = ints[8]
        status = 2
        for _ in range(RETRIES + 1):  # the limit, then 10x and 100x
            status, done, nxt = pivots(
                ints[1], ints[0], arcs, tree, min(max(ints[3], ints[1]), ints[0] - 1), limit,
                floats[0], ints[2])
            ints[3] = nxt
            ints[4] += done
            if status != 2:
                break
            limit *= 10
        if status == 2:
            return ITERATION_LIMIT
        ints[2] = TREE_RULE
        for e in range(ints[1]):
            if ints[1] > 1 and flow[e] > floats[7]:
                return ARTIFICIAL
        # -- potentials, value and scale ---------------------------------------------
        for i in range(n):
            u[i] = -pi[i]
        for j in range(m):
            v[j] = pi[n + j]
        scale = centre(u, v, a, b)
        value = 0.0
        for e in range(ints[1], ints[0]):
            if flow[e] > 0.0:
                value += flow[e] * arc_cost[e]
                scale = max(scale, arc_cost[e])
        floats[5] = scale
        tol = floats[1] * max(scale, floats[8])  # _problem.tolerance
        # -- price every pair ---------------------------------------------------------
        rows, cols, col_arg, worst, rmin = price_matrix(cost, u, v, tol * floats[3], ints[9])
        floats[6] = worst
        row_min[:] = rmin
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
            k = ints[0]
            src[k], tgt[k], arc_cost[k], flow[k], state[k] = i, n + j, cost[i, j], 0.0, 1
            ints[0] += 1
            added += 1
        if stops(worst, value, scale, tol, added, floats[2], floats[4], floats[9:11]):
            return DONE
    return MAX_ROUNDS


@kernel
def centre(u, v, a, b):
    """Remove the common offset of the potentials (u + t, v - t are as good): shift them
    in place so that a . u = b . v, and return the largest |u_i|, |v_j|. Both loops of
    rounds centre their potentials with it (no round-off is lost to an offset)."""
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
def stops(worst, value, scale, tol, added, stall_rtol, polish_rounds, memory):
    """The stop rule of the rounds, after a round that priced every pair (both loops use
    it): stop when no violated pair was added; or at the round-off floor (the violations
    left are below ``stall_rtol * scale``, within the certificate's tolerance, and the
    value did not drop since the previous such round); or when the polishing rounds are
    done (violations within ``tol`` already certify; up to ``polish_rounds`` more rounds
    add the pairs violated beyond ``polish * tol``). ``memory``: [the value of the
    previous such round, the rounds that found violations within tol], updated."""
    stalled = -worst <= stall_rtol * scale and value >= memory[0]
    memory[0] = value
    if -worst <= tol:
        memory[1] += 1.0
    return added == 0 or stalled or memory[1] > polish_rounds
