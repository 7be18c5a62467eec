r"""One pivot of the network simplex, in LEMON's steps, on named state (compiled, numba).

The pivot loop of :class:`~distances.transport._simplex.TransportSimplex` (and of the
compiled rounds, :mod:`distances.transport._rounds`), written as LEMON's
``NetworkSimplex`` writes it [1]_: :func:`find_entering_arc` (the pricing rule: block
search, or a candidate list refilled by it), :func:`find_join_node`,
:func:`find_leaving_arc` (Cunningham's strongly feasible rule), :func:`change_flow`,
:func:`update_tree_structure` and :func:`update_potentials`. The state they share is
named: the arcs (:data:`Arcs`), the spanning tree (:data:`Tree`) and what one pivot moves
(:data:`Pivot`), namedtuples of arrays that numba passes as structures. The steps are
inlined into :func:`pivots` (``inline="always"``), which runs as fast as the single
function it replaced (see ``docs/sparse_w1.rst``).

Every index read from an array (a node, an arc) goes through ``_U``
(:data:`distances.transport._jit.unsigned`), which spares numba's test for negative
indices: on all pairs of 500 x 250 problems from LEMON's star a pivot took 1.6 us, where
the ``wasserstein`` package's (the same C++ steps) take 1.7-1.9 us and ours had taken
2.3-2.6 (``docs/sparse_w1.rst``, "Fifth look": what else was tried there, and dropped).

Private module: importing it imports numba.

References
----------
.. [1] Dezső, B., Jüttner, A., Kovács, P. (2011). LEMON - an open source C++ graph template
   library. Electronic Notes in Theoretical Computer Science 264(5), 23-45.
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np

from ._jit import kernel
from ._jit import unsigned as _U  # arr[_U(i)]: no wraparound test (see _jit)
from ._pricing import LANES, row_minimum

__all__ = [
    "IN_TREE", "Arcs", "Pivot", "Tree", "change_flow", "find_entering_arc", "find_entering_pair",
    "find_join_node", "find_leaving_arc", "minor_iteration", "pivots", "pivots_on_pairs",
    "update_potentials", "update_tree_structure",
]

#: The root's potential is brought back to 0 (all potentials shifted alike) when it drifts
#: beyond this (the sparse solver's costs are at most 1), so that the potentials, and the
#: round-off of each update, stay of the size of the costs. (At 1024 a dense start on
#: 1500 points left tree arcs 1e-13 off zero, against 3e-15 without the shifts.)
_DRIFT = 16.0
#: The cost that :func:`pivots_on_pairs` keeps on the tree's arcs in place of theirs: a
#: reduced cost far above any ``-eps`` (the costs are at most 1 and the potentials within
#: a few :data:`_DRIFT`), and finite, so that a state of 0 times it is 0, not NaN.
IN_TREE = 1e300

#: The arcs of the simplex as the kernels take them: sources, targets (node numbers; the
#: demands follow the supplies, the root is last), costs, flows and states (``_TREE`` or
#: ``_LOWER``), arc ``first_arc`` onwards the candidates.
Arcs = namedtuple("Arcs", ["src", "tgt", "cost", "flow", "state"])
#: The spanning tree as LEMON stores it (:mod:`distances.transport._tree`): each node's
#: parent, predecessor arc and whether it points away from the node (``forward``), the
#: preorder thread and its reverse, subtree sizes and last nodes, the potentials ``pi``
#: and a scratch list of nodes whose thread changed (``dirty``).
Tree = namedtuple("Tree", ["parent", "pred", "forward", "thread", "rev_thread", "succ_num",
                           "last_succ", "pi", "dirty"])
#: What one pivot moves (LEMON's names): the entering arc, the join node of its cycle, the
#: node below the leaving arc (``u_out``), the entering arc's ends re-hung (``u_in`` below
#: ``v_in``) and the flow pushed around the cycle (``delta``).
Pivot = namedtuple("Pivot", ["in_arc", "join", "u_out", "u_in", "v_in", "delta"])


@kernel
def pivots(first_arc, n_arcs, arcs, tree, next_arc, max_iter, eps, list_div):
    """Pivot until no arc among first_arc .. n_arcs - 1 has reduced cost below -eps, each
    pivot in LEMON's steps: find the entering arc, the join node, the leaving arc, change
    the flow, update the tree structure and the potentials. ``list_div`` 0: LEMON's block
    search (the best arc of the first block holding a violated one); k > 0: a candidate
    list of block / k arcs (see :func:`find_entering_arc`).
    Returns (status, pivots done, next arc of the block search)."""
    block = max(int(np.sqrt(n_arcs - first_arc)), 10)
    cand = np.empty(max(block // list_div, 16) if list_div > 0 else 0, np.int64)
    n_cand = 0
    it = 0
    while True:
        in_arc, n_cand, next_arc = find_entering_arc(
            first_arc, n_arcs, arcs, tree, cand, n_cand, next_arc, block, eps)
        if in_arc < 0:
            return 1, it, next_arc
        if it >= max_iter:
            return 2, it, next_arc
        it += 1
        join = find_join_node(arcs, tree, in_arc)
        found, u_out, u_in, v_in, delta = find_leaving_arc(arcs, tree, in_arc, join)
        if not found:
            return 3, it, next_arc
        step = Pivot(in_arc, join, u_out, u_in, v_in, delta)
        change_flow(arcs, tree, step)
        update_tree_structure(arcs, tree, step)
        update_potentials(arcs, tree, step)


@kernel
def pivots_on_pairs(n, m, cost, arcs, tree, max_iter, eps, list_div):
    """:func:`pivots` on every pair of an ``n x m`` problem, whose arcs are the pairs in
    row-major order after the root's arc (arc ``1 + i m + j`` joins supply ``i`` to demand
    ``n + j``), with the pricing rule of :func:`find_entering_pair`: whole rows of
    reduced costs at a time, vectorized. ``arcs.cost`` holds :data:`IN_TREE` on the
    tree's arcs, set here on entry and kept (the arc that enters gets it, the one that
    leaves its cost back from ``cost``, the ``n x m`` matrix), so that the rows' reduced
    costs need no states; the tree's arcs keep it on return. Returns (status, pivots
    done)."""
    block = max(int(np.sqrt(n * m)), 10)
    rows_per_block = max(block // m, 1)
    cand = np.empty(max(block // list_div, 16) if list_div > 0 else 0, np.int64)
    red = np.empty(m)
    stride = _stride(n)
    for u in range(n + m):  # every node's arc to its parent but the root's arc 0
        if tree.pred[_U(u)] > 0:
            arcs.cost[_U(tree.pred[_U(u)])] = IN_TREE
    n_cand = 0
    next_row = 0
    it = 0
    while True:
        in_arc, n_cand, next_row = find_entering_pair(
            n, m, arcs, tree, cand, n_cand, next_row, rows_per_block, stride, eps, red)
        if in_arc < 0:
            return 1, it
        if it >= max_iter:
            return 2, it
        it += 1
        join = find_join_node(arcs, tree, in_arc)
        found, u_out, u_in, v_in, delta = find_leaving_arc(arcs, tree, in_arc, join)
        if not found:
            return 3, it
        step = Pivot(in_arc, join, u_out, u_in, v_in, delta)
        out_arc = tree.pred[_U(u_out)]
        change_flow(arcs, tree, step)
        update_tree_structure(arcs, tree, step)
        update_potentials(arcs, tree, step)
        if out_arc > 0:  # (the root's arc 0 never leaves: no cycle reaches the root)
            arcs.cost[_U(out_arc)] = cost[_U(arcs.src[_U(out_arc)]),
                                          _U(arcs.tgt[_U(out_arc)] - n)]
        arcs.cost[_U(in_arc)] = IN_TREE


@kernel
def _stride(n):
    """A step through the rows that visits each once per n steps (coprime to n), near
    0.618 n: the blocks of :func:`find_entering_pair` take rows far apart in the caller's
    order, which may be sorted (:class:`distances.Discrete` sorts its atoms)."""
    step = max(int(0.618 * n), 1)
    while True:
        p, q = n, step
        while q:
            p, q = q, p % q
        if p == 1:
            return step
        step += 1


@kernel(inline="always")
def find_entering_pair(n, m, arcs, tree, cand, n_cand, next_row, rows_per_block, stride,
                       eps, red):
    """:func:`find_entering_arc` on the row-major pairs of :func:`pivots_on_pairs`: the
    candidate list as there, and the major iteration's blocks made of whole rows, each
    row's reduced costs computed in one loop over contiguous costs (:data:`IN_TREE` on
    the tree's arcs) and demand potentials (vectorized, without the gathers of the arcs'
    ends or their states) and passed over again only when its minimum is below ``-eps``:
    once for the list, and for the first arc at the minimum when the row holds the most
    violated arc so far. Returns (entering arc, list length, next row)."""
    cost, pi = arcs.cost, tree.pi
    in_arc, best, n_cand = minor_iteration(arcs, tree, cand, n_cand, eps)
    if in_arc < 0:
        size = cand.shape[0]
        lanes = np.empty(LANES)
        i = next_row
        left = n
        while left > 0:
            cnt = min(rows_per_block, left)
            left -= cnt
            for _ in range(cnt):
                base = 1 + i * m
                pu = pi[_U(i)]
                for j in range(m):
                    red[j] = cost[_U(base + j)] + pu - pi[_U(n + j)]
                low = row_minimum(red, lanes)
                if low < -eps:
                    for j in range(m):
                        if red[j] < -eps and n_cand < size:
                            cand[_U(n_cand)] = base + j
                            n_cand += 1
                    if low < best:
                        best = low
                        j = 0
                        while red[j] != low:
                            j += 1
                        in_arc = base + j
                i = i + stride if i + stride < n else i + stride - n
            if n_cand >= size // 2 and in_arc >= 0:
                break
        next_row = i
    return in_arc, n_cand, next_row


@kernel(inline="always")
def minor_iteration(arcs, tree, cand, n_cand, eps):
    """The candidate list re-priced with the current potentials: the most violated arc
    (-1: none below ``-eps``) and its reduced cost, the violated arcs kept at the front of
    ``cand``. Returns (entering arc, its reduced cost or -eps, list length)."""
    src, tgt, cost, state, pi = arcs.src, arcs.tgt, arcs.cost, arcs.state, tree.pi
    best = -eps
    in_arc = -1
    kept = 0
    for q in range(n_cand):
        e = cand[_U(q)]
        c = state[_U(e)] * (cost[_U(e)] + pi[_U(src[_U(e)])] - pi[_U(tgt[_U(e)])])
        cand[_U(kept)] = e  # kept or not, without a branch (7 % less)
        kept += c < -eps
        if c < best:  # (best <= -eps)
            best = c
            in_arc = e
    return in_arc, best, kept


@kernel(inline="always")
def find_entering_arc(first_arc, n_arcs, arcs, tree, cand, n_cand, next_arc, block, eps):
    """The entering arc (-1: none, the basis is optimal): the pricing rule.

    Minor iterations take the most violated arc of the candidate list ``cand`` (re-priced
    with the current potentials, the others dropped); when none is left, a major iteration
    scans on from ``next_arc``, block by block, until it has collected violated arcs (all
    of them, up to the list's size, near the optimum, where a plain block search would
    rescan the whole arc set for each of the last few pivots). An empty list (``cand`` of
    size 0) is LEMON's block search. Returns (entering arc, list length, next arc)."""
    src, tgt, cost, state, pi = arcs.src, arcs.tgt, arcs.cost, arcs.state, tree.pi
    in_arc, best, n_cand = minor_iteration(arcs, tree, cand, n_cand, eps)
    if in_arc < 0:
        # block by block from next_arc, each block split where it wraps around (the
        # arcs of a block in one plain loop: no wrap test and count per arc, 4 % less)
        e = next_arc
        left = n_arcs - first_arc
        size = cand.shape[0]
        while left > 0:
            cnt = min(block, left)
            left -= cnt
            while cnt > 0:
                stop = min(e + cnt, n_arcs)
                for f in range(e, stop):
                    c = state[_U(f)] * (cost[_U(f)] + pi[_U(src[_U(f)])] - pi[_U(tgt[_U(f)])])
                    if c < -eps:
                        if n_cand < size:
                            cand[_U(n_cand)] = f
                            n_cand += 1
                        if c < best:
                            best = c
                            in_arc = f
                cnt -= stop - e
                e = stop if stop < n_arcs else first_arc
            if n_cand >= size // 2 and in_arc >= 0:
                break
        next_arc = e
    return in_arc, n_cand, next_arc


@kernel(inline="always")
def find_join_node(arcs, tree, in_arc):
    """The first common ancestor of the entering arc's ends: the top of its cycle."""
    parent, succ_num = tree.parent, tree.succ_num
    u, v = arcs.src[_U(in_arc)], arcs.tgt[_U(in_arc)]
    while u != v:
        if succ_num[_U(u)] < succ_num[_U(v)]:
            u = parent[_U(u)]
        else:
            v = parent[_U(v)]
    return u


@kernel(inline="always")
def find_leaving_arc(arcs, tree, in_arc, join):
    """The leaving arc: the last blocking arc in the cycle's orientation (Cunningham's
    strongly feasible rule, against cycling on degenerate pivots), as the node below it.
    Returns (found, u_out, u_in, v_in, delta): the entering arc's end on the leaving
    arc's side (``u_in``) is re-hung below the other (``v_in``)."""
    parent, pred, forward, flow = tree.parent, tree.pred, tree.forward, arcs.flow
    # state LOWER: push along the arc
    first, second = arcs.src[_U(in_arc)], arcs.tgt[_U(in_arc)]
    delta = np.inf
    result = 0
    u_out = -1
    u = first
    while u != join:
        if forward[_U(u)] and flow[_U(pred[_U(u)])] < delta:
            delta = flow[_U(pred[_U(u)])]
            u_out = u
            result = 1
        u = parent[_U(u)]
    u = second
    while u != join:
        if (not forward[_U(u)]) and flow[_U(pred[_U(u)])] <= delta:
            delta = flow[_U(pred[_U(u)])]
            u_out = u
            result = 2
        u = parent[_U(u)]
    if result == 1:
        return True, u_out, first, second, delta
    return result == 2, u_out, second, first, delta


@kernel(inline="always")
def change_flow(arcs, tree, step):
    """Push ``delta`` around the cycle; the entering arc joins the tree and the leaving one
    leaves it (at flow exactly 0: it carried delta, or the pivot was degenerate)."""
    parent, pred, forward, flow = tree.parent, tree.pred, tree.forward, arcs.flow
    in_arc, join, delta = step.in_arc, step.join, step.delta
    if delta > 0:
        flow[_U(in_arc)] += delta
        u = arcs.src[_U(in_arc)]
        while u != join:
            flow[_U(pred[_U(u)])] += -delta if forward[_U(u)] else delta
            u = parent[_U(u)]
        u = arcs.tgt[_U(in_arc)]
        while u != join:
            flow[_U(pred[_U(u)])] += delta if forward[_U(u)] else -delta
            u = parent[_U(u)]
    arcs.state[_U(in_arc)] = 0
    out_arc = pred[step.u_out]
    flow[_U(out_arc)] = 0.0
    arcs.state[_U(out_arc)] = 1


@kernel(inline="always")
def update_tree_structure(arcs, tree, step):
    """Re-hang the subtree of ``u_out`` below ``v_in`` through the entering arc: parents,
    predecessor arcs, thread, subtree sizes and last nodes (LEMON's updateTreeStructure)."""
    parent, pred, forward, thread = tree.parent, tree.pred, tree.forward, tree.thread
    rev_thread, succ_num, last_succ, dirty = (tree.rev_thread, tree.succ_num, tree.last_succ,
                                              tree.dirty)
    in_arc, join, u_out, u_in, v_in = step.in_arc, step.join, step.u_out, step.u_in, step.v_in
    old_rev_thread = rev_thread[_U(u_out)]
    old_succ_num = succ_num[_U(u_out)]
    old_last_succ = last_succ[_U(u_out)]
    v_out = parent[_U(u_out)]
    u = last_succ[_U(u_in)]
    right = thread[_U(u)]
    if old_rev_thread == v_in:
        last = thread[_U(last_succ[_U(u_out)])]
    else:
        last = thread[_U(v_in)]
    stem = u_in
    thread[_U(v_in)] = stem
    n_dirty = 0
    dirty[_U(n_dirty)] = v_in
    n_dirty += 1
    par_stem = v_in
    while stem != u_out:
        new_stem = parent[_U(stem)]
        thread[_U(u)] = new_stem
        dirty[_U(n_dirty)] = u
        n_dirty += 1
        w = rev_thread[_U(stem)]
        thread[_U(w)] = right
        rev_thread[_U(right)] = w
        parent[_U(stem)] = par_stem
        par_stem = stem
        stem = new_stem
        if last_succ[_U(stem)] == last_succ[_U(par_stem)]:
            u = rev_thread[_U(par_stem)]
        else:
            u = last_succ[_U(stem)]
        right = thread[_U(u)]
    parent[_U(u_out)] = par_stem
    thread[_U(u)] = last
    rev_thread[_U(last)] = u
    last_succ[_U(u_out)] = u
    if old_rev_thread != v_in:
        thread[_U(old_rev_thread)] = right
        rev_thread[_U(right)] = old_rev_thread
    for k in range(n_dirty):
        w = dirty[_U(k)]
        rev_thread[_U(thread[_U(w)])] = w
    tmp_sc = 0
    tmp_ls = last_succ[_U(u_out)]
    u = u_out
    while u != u_in:
        w = parent[_U(u)]
        pred[_U(u)] = pred[_U(w)]
        forward[_U(u)] = not forward[_U(w)]
        tmp_sc += succ_num[_U(u)] - succ_num[_U(w)]
        succ_num[_U(u)] = tmp_sc
        last_succ[_U(w)] = tmp_ls
        u = w
    pred[_U(u_in)] = in_arc
    forward[_U(u_in)] = u_in == arcs.src[_U(in_arc)]
    succ_num[_U(u_in)] = old_succ_num
    up_limit_in = -1
    up_limit_out = -1
    if last_succ[_U(join)] == v_in:
        up_limit_out = join
    else:
        up_limit_in = join
    last_succ_out = last_succ[_U(u_out)]
    u = v_in
    while u != up_limit_in and last_succ[_U(u)] == v_in:
        last_succ[_U(u)] = last_succ_out
        u = parent[_U(u)]
    if join != old_rev_thread and v_in != old_rev_thread:
        u = v_out
        while u != up_limit_out and last_succ[_U(u)] == old_last_succ:
            last_succ[_U(u)] = old_rev_thread
            u = parent[_U(u)]
    elif last_succ_out != old_last_succ:  # (else the walk would write what is there)
        u = v_out
        while u != up_limit_out and last_succ[_U(u)] == old_last_succ:
            last_succ[_U(u)] = last_succ_out
            u = parent[_U(u)]
    u = v_in
    while u != join:
        succ_num[_U(u)] += old_succ_num
        u = parent[_U(u)]
    u = v_out
    while u != join:
        succ_num[_U(u)] -= old_succ_num
        u = parent[_U(u)]


@kernel(inline="always")
def update_potentials(arcs, tree, step):
    """Shift the potentials of the re-hung subtree so that the entering arc's reduced cost
    is 0. Only differences matter: when the subtree holds more than half of the nodes,
    the others (root included) move by -sigma instead, and the root's potential is
    brought back to 0 once it drifts past ``_DRIFT``."""
    pi, thread, last_succ, succ_num = tree.pi, tree.thread, tree.last_succ, tree.succ_num
    in_arc, u_in, v_in = step.in_arc, step.u_in, step.v_in
    n_nodes = pi.shape[0]
    root = n_nodes - 1
    if tree.forward[_U(u_in)]:
        sigma = pi[_U(v_in)] - pi[_U(u_in)] - arcs.cost[_U(in_arc)]
    else:
        sigma = pi[_U(v_in)] - pi[_U(u_in)] + arcs.cost[_U(in_arc)]
    end = thread[_U(last_succ[_U(u_in)])]
    if 2 * succ_num[_U(u_in)] <= n_nodes:
        u = u_in
        while u != end:
            pi[_U(u)] += sigma
            u = thread[_U(u)]
    else:
        u = end
        while u != u_in:
            pi[_U(u)] -= sigma
            u = thread[_U(u)]
        if abs(pi[_U(root)]) > _DRIFT:  # keep the potentials of the size of the costs
            shift = pi[_U(root)]
            for w in range(n_nodes):
                pi[_U(w)] -= shift
