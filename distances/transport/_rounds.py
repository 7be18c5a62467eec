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

import numpy as np

from ._jit import kernel
from ._pivots import pivots
from ._pricing import price_matrix
from ._problem import RETRIES
from ._simplex import TREE_RULE

__all__ = [
    "ARTIFICIAL", "DONE", "FULL", "ITERATION_LIMIT", "MAX_ROUNDS", "ROUND_STATE", "centre",
    "matrix_rounds", "round_state", "stops",
]

DONE, MAX_ROUNDS, FULL, ITERATION_LIMIT, ARTIFICIAL = 1, 2, 3, 4, 5

#: The state of the rounds, one record that both loops keep (the compiled one reads and
#: updates it in place; the Python one uses the stop rule's fields):
#:
#: * the simplex's arc counters ``n_arcs``, ``first_arc``, ``rule``, ``next_arc`` and the
#:   ``pivots`` done (compiled loop);
#: * ``rounds`` done and the limits ``max_rounds``, ``max_iter`` (of one solve, then 10x
#:   and 100x), ``per_row`` (pairs a row adds), ``eps`` (the simplex's), ``dust`` (mass an
#:   artificial arc may keep);
#: * the tolerances ``pricing_rtol``, ``tiny_scale`` (:func:`._problem.tolerance`),
#:   ``stall_rtol``, ``polish``, ``polish_rounds`` of the stop rule (:func:`stops`);
#: * the last round's ``scale`` and ``worst`` reduced cost, and the stop rule's memory:
#:   ``last_value`` (the previous full pricing's value) and ``polished`` (rounds whose
#:   violations were within the tolerance).
ROUND_STATE = np.dtype([
    ("n_arcs", np.int64), ("first_arc", np.int64), ("rule", np.int64),
    ("next_arc", np.int64), ("pivots", np.int64), ("rounds", np.int64),
    ("max_rounds", np.int64), ("max_iter", np.int64), ("per_row", np.int64),
    ("eps", np.float64), ("dust", np.float64), ("pricing_rtol", np.float64),
    ("tiny_scale", np.float64), ("stall_rtol", np.float64), ("polish", np.float64),
    ("polish_rounds", np.float64), ("scale", np.float64), ("worst", np.float64),
    ("last_value", np.float64), ("polished", np.float64),
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
def matrix_rounds(cost, a, b, arcs, tree, in_set, state, u, v, row_min):
    """Rounds until a stop (see the module docstring). ``arcs`` and ``tree``: the
    simplex's state (:class:`~distances.transport._simplex.Arcs`, ``Tree``); ``state``:
    a :data:`ROUND_STATE` record (:func:`round_state`), updated in place. ``u``, ``v``,
    ``row_min`` receive the last round's potentials (common offset removed) and row
    minima. Returns the status."""
    n, m = cost.shape
    st = state[0]
    src, tgt, arc_cost, flow, arc_state = arcs.src, arcs.tgt, arcs.cost, arcs.flow, arcs.state
    pi = tree.pi
    cap = src.shape[0]
    while st.rounds < st.max_rounds:
        if st.n_arcs + st.per_row * n + m > cap:
            return FULL
        st.rounds += 1
        # -- continue the simplex (the limit, then 10x, then 100x) -----------------
        limit = st.max_iter
        status = 2
        for _ in range(RETRIES + 1):  # the limit, then 10x and 100x
            status, done, nxt = pivots(
                st.first_arc, st.n_arcs, arcs, tree,
                min(max(st.next_arc, st.first_arc), st.n_arcs - 1), limit, st.eps, st.rule)
            st.next_arc = nxt
            st.pivots += done
            if status != 2:
                break
            limit *= 10
        if status == 2:
            return ITERATION_LIMIT
        st.rule = TREE_RULE
        for e in range(st.first_arc):
            if st.first_arc > 1 and flow[e] > st.dust:
                return ARTIFICIAL
        # -- potentials, value and scale ---------------------------------------------
        for i in range(n):
            u[i] = -pi[i]
        for j in range(m):
            v[j] = pi[n + j]
        scale = centre(u, v, a, b)
        value = 0.0
        for e in range(st.first_arc, st.n_arcs):
            if flow[e] > 0.0:
                value += flow[e] * arc_cost[e]
                scale = max(scale, arc_cost[e])
        st.scale = scale
        tol = st.pricing_rtol * max(scale, st.tiny_scale)  # _problem.tolerance
        # -- price every pair ---------------------------------------------------------
        rows, cols, col_arg, worst, rmin = price_matrix(cost, u, v, tol * st.polish,
                                                        st.per_row)
        st.worst = worst
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
            k = st.n_arcs
            src[k], tgt[k], arc_cost[k], flow[k], arc_state[k] = i, n + j, cost[i, j], 0.0, 1
            st.n_arcs += 1
            added += 1
        if stops(state, worst, value, scale, tol, added):
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
def stops(state, worst, value, scale, tol, added):
    """The stop rule of the rounds, after a round that priced every pair (both loops use
    it): stop when no violated pair was added; or at the round-off floor (the violations
    left are below ``stall_rtol * scale``, within the certificate's tolerance, and the
    value did not drop since the previous such round); or when the polishing rounds are
    done (violations within ``tol`` already certify; up to ``polish_rounds`` more rounds
    add the pairs violated beyond ``polish * tol``). ``state``: a :data:`ROUND_STATE`
    record; its ``last_value`` and ``polished`` are updated."""
    st = state[0]
    stalled = -worst <= st.stall_rtol * scale and value >= st.last_value
    st.last_value = value
    if -worst <= tol:
        st.polished += 1.0
    return added == 0 or stalled or st.polished > st.polish_rounds
