r"""A network simplex for transport problems that keeps its basis between solves.

The sparse certified solver (:mod:`distances.sparse_w1`) solves the transport problem on a
growing set of candidate arcs. POT's network simplex starts every solve from scratch (its
artificial big-M tree), so each round of column generation paid for a full solve: 84 % of a
large sparse solve was spent rebuilding a spanning tree. This kernel keeps the spanning tree,
the flows and the potentials between rounds: new arcs are appended as non-basic arcs at
zero flow, the current basis stays primal feasible, and the next solve continues from it
(a few hundred pivots instead of a few hundred thousand).

It is the primal network simplex of LEMON [1]_ (the algorithm behind POT's ``ot.emd`` [2]_
and the ``wasserstein`` package): the spanning tree of :mod:`distances.transport._tree` and the
strongly feasible leaving-arc rule (Cunningham), against cycling on degenerate pivots:

* **Two starts.** :class:`TransportSimplex` starts from a given spanning tree (a
  north-west-corner plan, a refined coarse plan or the least-cost plan of the candidates,
  :mod:`distances.transport._bases`: ``n + m - 1`` arcs, primal feasible) hung under a
  root by one arc of cost and flow 0, so the
  potentials stay of the size of the costs (a big-M start gives them offsets of
  ``(n + m) x`` the largest cost, and the reduced costs lose that many digits). Or, with
  :meth:`TransportSimplex.star`, from LEMON's star of artificial arcs, with a small
  artificial cost chosen by the caller (the sparse solver uses it above 3-D).
* **Two pricing rules** (``rule``): LEMON's block search (blocks of :math:`\sqrt{E}` arcs,
  the best arc of the first block holding a violated one), or a candidate list of a quarter
  block refilled by it, sparing the last pivots of a solve a rescan of all arcs each.
* **Potentials of the smaller side.** A pivot shifts the potentials of the subtree it
  re-hangs (LEMON walks it); when that subtree holds more than half of the nodes, the
  others shift the opposite way instead (only differences matter; recentred on the root
  past ``_pivots._DRIFT``). 8 Gaussians vs a Gaussian, n = 20,000: 63 % of the updates came from
  1.5 % of the pivots (subtrees of 40-80 % of the nodes); 30 % fewer updates, 13.8 -> 11.5 s.
* **Nodes renumbered in the tree's order** (``renumber``, large problems): before each
  solve the nodes are numbered along the thread and the arcs sorted by source
  (:mod:`distances.transport._tree`), so the walks read consecutive memory. Plans, potentials and
  arcs come back in the caller's numbering.
* **Growing arc set.** Arcs are appended after the first ones (the root arc, or the star's
  ``n + m`` artificial arcs); within a solve indices never move (between solves only the
  renumbering moves them, remapping the tree), and a solve stopped at its limit continues.

The kernels are compiled with numba on first use and cached on disk; this module imports
numba, so the solvers import it only when they run (``import distances`` does not).

References
----------
.. [1] Dezső, B., Jüttner, A., Kovács, P. (2011). LEMON - an open source C++ graph template
   library. Electronic Notes in Theoretical Computer Science 264(5), 23-45.
.. [2] Bonneel, N., van de Panne, M., Paris, S., Heidrich, W. (2011). Displacement
   interpolation using Lagrangian mass transport. ACM TOG 30(6), 158.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from ._bases import least_cost_all_pairs, span
from ._jit import kernel
from ._pivots import Arcs, Tree, pivots, pivots_on_pairs
from ._resources import scratch_arrays
from ._tree import build_tree, relabel, sort_arcs

__all__ = [
    "ITERATION_LIMIT", "OPTIMAL", "STAR_RULE", "TREE_RULE", "TransportSimplex", "all_pairs_plan",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

OPTIMAL, ITERATION_LIMIT = 1, 2

_LOWER, _TREE = 1, 0  # arc states (uncapacitated: no arc sits at an upper bound)
#: Pivot rules (``list_div`` of the kernel): from a spanning tree (2-D), a candidate list
#: of block / 4 arcs; from the big-M star (above 3-D), LEMON's plain block search, which
#: there needed 3-8x fewer pivots (benchmarks: alike n = 8000 in 8-D, 82k pivots against
#: 557k; in 2-D the list was 2-5x faster).
TREE_RULE, STAR_RULE = 4, 0
_INT32_MAX = int(np.iinfo(np.int32).max)





class TransportSimplex:
    """A transport problem between supplies ``a`` (n) and demands ``b`` (m) on a growing set
    of arcs, solved by the network simplex from a feasible spanning tree (this constructor)
    or from LEMON's big-M star (:meth:`star`).

    Parameters
    ----------
    a, b : ndarray
        Positive masses with equal sums (to round-off).
    rows, cols, cost, mass : ndarray
        The first basis: ``n + m - 1`` arcs forming a spanning tree of the bipartite graph,
        with flows meeting the marginals (e.g. ``_bases.northwest_corner``). They become the
        first candidate arcs.
    capacity : int
        Arcs to allocate for at first (grows by doubling).
    index : numpy.int32 or numpy.int64
        Integer type of the node and arc numbers (``numpy.int64`` once there are more than
        2^31 - 1 of either). int32 halves the memory the pivots walk; the sparse solver
        uses it from ``SparseOptions.index32_nodes`` atoms.
    """

    def __init__(self, a: FloatArray, b: FloatArray, rows: IntArray, cols: IntArray,
                 cost: FloatArray, mass: FloatArray, capacity: int = 0,
                 index: type = np.int64) -> None:
        n, m = a.size, b.size
        if rows.size != n + m - 1:
            raise ValueError(f"a spanning tree needs n + m - 1 = {n + m - 1} arcs; "
                             f"got {rows.size}")
        nodes = n + m
        self._allocate(n, m, max(capacity, rows.size + 1, 16), index)
        # arc 0: node 0 -> root, cost 0, flow 0 (never on a cycle: the root has one child)
        self.src[0], self.tgt[0], self.cost[0], self.state[0] = 0, nodes, 0.0, _TREE
        k = rows.size
        self.src[1 : k + 1] = rows
        self.tgt[1 : k + 1] = n + np.asarray(cols, np.int64)
        self.cost[1 : k + 1] = cost
        self.flow[1 : k + 1] = mass
        self.state[1 : k + 1] = _TREE
        self.first_arc = 1
        self.n_arcs = k + 1
        self.rule = TREE_RULE
        ok = build_tree(
            nodes, self.src, self.tgt, self.cost, np.arange(k + 1, dtype=np.int64),
            self.parent, self.pred, self.forward, self.thread, self.rev_thread,
            self.succ_num, self.last_succ, self.pi,
        )
        if not ok:
            raise ValueError("the initial arcs do not form a spanning tree")

    @classmethod
    def star(cls, a: FloatArray, b: FloatArray, art: float, capacity: int = 0,
             index: type = np.int64) -> TransportSimplex:
        """LEMON's start: arcs 0 .. n + m - 1 are artificial, each supply node sending its
        mass to a root at cost 0 and the root serving each demand at cost ``art``; the
        candidate arcs, added afterwards, are searched, the artificial ones only leave.
        An artificial arc that still carries mass at the end (:meth:`artificial_flow`)
        means ``art`` was too small for these arcs (or they hold no feasible plan)."""
        self = cls.__new__(cls)
        n, m = a.size, b.size
        nodes = n + m
        self._allocate(n, m, max(capacity, nodes + 16), index)
        self.src[:n], self.tgt[:n], self.cost[:n], self.flow[:n] = np.arange(n), nodes, 0.0, a
        self.src[n:nodes], self.tgt[n:nodes] = nodes, np.arange(n, nodes)
        self.cost[n:nodes], self.flow[n:nodes] = art, b
        self.state[:nodes] = _TREE
        self.n_arcs = self.first_arc = nodes
        self.rule = STAR_RULE
        self.parent[:] = nodes
        self.parent[nodes] = -1
        self.pred[:nodes], self.pred[nodes] = np.arange(nodes), -1
        self.forward[:n], self.forward[n:] = True, False
        self.thread[:] = np.append(np.arange(1, nodes + 1), 0)
        self.rev_thread[self.thread] = np.arange(nodes + 1)
        self.succ_num[:] = 1
        self.succ_num[nodes] = nodes + 1
        self.last_succ[:] = np.append(np.arange(nodes), nodes - 1)
        self.pi[:] = 0.0
        self.pi[n:nodes] = art
        return self

    def _allocate(self, n: int, m: int, cap: int, index: type) -> None:
        self.n, self.m = n, m
        size = n + m + 1
        if np.dtype(index) not in (np.dtype(np.int32), np.dtype(np.int64)):
            raise ValueError(f"index must be numpy.int32 or numpy.int64; got {index!r}")
        if max(size + 1, cap) > _INT32_MAX:
            index = np.int64
        self.src = np.empty(cap, index)
        self.tgt = np.empty(cap, index)
        self.cost = np.empty(cap, np.float64)
        self.flow = np.zeros(cap, np.float64)
        self.state = np.empty(cap, np.int8)  # set for every arc added (only those are read)
        self.parent = np.empty(size, index)
        self.pred = np.empty(size, index)
        self.forward = np.zeros(size, np.bool_)
        self.thread = np.empty(size, index)
        self.rev_thread = np.empty(size, index)
        self.succ_num = np.empty(size, index)
        self.last_succ = np.empty(size, index)
        self.pi = np.zeros(size, np.float64)
        self.dirty = np.empty(size + 1, index)
        self.next_arc = 0
        self.pivots = 0
        self.renumber = False
        self.label: IntArray | None = None  # caller's number of each node, once renumbered
        self._current: IntArray | None = None  # its inverse

    def arcs_state(self) -> Arcs:
        """The arc arrays as the kernels take them (views: the kernels update them)."""
        return Arcs(self.src, self.tgt, self.cost, self.flow, self.state)

    def tree_state(self) -> Tree:
        """The spanning tree's arrays as the kernels take them."""
        return Tree(self.parent, self.pred, self.forward, self.thread, self.rev_thread,
                    self.succ_num, self.last_succ, self.pi, self.dirty)

    def nodes(self) -> tuple[IntArray, IntArray]:
        """The node numbering as the compiled rounds take it (:data:`._rounds.Nodes`):
        ``label`` (the caller's number of each node) and its inverse, created as
        identities if the nodes were never renumbered; the rounds renumber them in place."""
        if self.label is None or self._current is None:
            self.label = np.arange(self.parent.size, dtype=np.int64)
            self._current = self.label.copy()
        return self.label, self._current

    def artificial_flow(self) -> float:
        """The largest mass on an artificial arc (0 for a tree start, and at the optimum
        of a star start whose ``art`` was large enough)."""
        if self.first_arc == 1:
            return 0.0
        return float(self.flow[: self.first_arc].max(initial=0.0))

    def reserve(self, extra: int) -> None:
        """Room for ``extra`` more arcs: arrays that grow take twice what is needed (at
        least double), uninitialised beyond the arcs (only the arcs added are read; memory
        not written takes no pages). 500 x 250 in 2-D, curve: the arcs grew twice a solve,
        1 ms of 10 with filled arrays."""
        need = self.n_arcs + extra
        if need > self.src.size:
            cap = 2 * max(need, self.src.size)
            if cap > _INT32_MAX and self.pred.dtype != np.int64:  # arc numbers outgrow int32
                for name in ("parent", "pred", "thread", "rev_thread", "succ_num",
                             "last_succ", "dirty"):
                    setattr(self, name, getattr(self, name).astype(np.int64))
            for name in ("src", "tgt", "cost", "flow", "state"):
                old = getattr(self, name)
                dtype = np.int64 if name in ("src", "tgt") and cap > _INT32_MAX else old.dtype
                new = np.empty(cap, dtype=dtype)
                new[: self.n_arcs] = old[: self.n_arcs]
                setattr(self, name, new)

    def add(self, rows: IntArray, cols: IntArray, cost: FloatArray) -> None:
        """Append arcs (non-basic, flow 0). The caller keeps them distinct."""
        k = rows.size
        need = self.n_arcs + k
        self.reserve(k)
        s = slice(self.n_arcs, need)
        self.src[s] = self._nodes(rows)
        self.tgt[s] = self._nodes(self.n + np.asarray(cols, np.int64))
        self.cost[s] = cost
        self.flow[s] = 0.0
        self.state[s] = _LOWER
        self.n_arcs = need

    def solve(self, max_iter: int, eps: float) -> int:
        """Pivot until optimal on the current arcs (reduced costs >= -eps) or until
        ``max_iter`` more pivots; returns :data:`OPTIMAL` or :data:`ITERATION_LIMIT`. A
        solve stopped at the limit can be continued by calling it again. With
        ``renumber``, the nodes are first renumbered in the tree's order and the arcs
        sorted by source (:mod:`distances.transport._tree`; for node arrays beyond the caches).
        (The sparse solver's rounds pivot on the same arrays in the compiled loop of
        :mod:`distances.transport._rounds` instead; this method solves standalone.)"""
        if self.renumber:
            if self.label is None:
                self.label = np.arange(self.parent.size, dtype=np.int64)
            relabel(self.n_arcs, self.src, self.tgt, self.parent, self.pred, self.forward,
                     self.thread, self.rev_thread, self.succ_num, self.last_succ, self.pi,
                     self.label)
            self._current = np.empty_like(self.label)
            self._current[self.label] = np.arange(self.label.size)
            sort_arcs(self.first_arc, self.n_arcs, self.src, self.tgt, self.cost,
                       self.flow, self.state, self.pred)
        status, done, self.next_arc = pivots(
            self.first_arc, self.n_arcs, self.arcs_state(), self.tree_state(),
            min(max(self.next_arc, self.first_arc), self.n_arcs - 1), int(max_iter),
            float(eps), self.rule,
        )
        self.pivots += done
        if status not in (OPTIMAL, ITERATION_LIMIT):  # pragma: no cover - uncapacitated
            raise RuntimeError(f"network simplex: unexpected status {status}")
        return int(status)

    def plan(self) -> tuple[IntArray, IntArray, FloatArray]:
        """Rows, columns and masses of the arcs with positive flow."""
        k, f = self.n_arcs, self.first_arc
        keep = np.flatnonzero(self.flow[f:k] > 0) + f
        return (self._labels(self.src[keep]), self._labels(self.tgt[keep]) - self.n,
                self.flow[keep].copy())

    def arcs(self) -> tuple[IntArray, IntArray, FloatArray]:
        """Rows, columns and costs of the candidate arcs (in the order they were added,
        unless ``renumber`` sorted them)."""
        k = slice(self.first_arc, self.n_arcs)
        return (self._labels(self.src[k]), self._labels(self.tgt[k]) - self.n,
                self.cost[k].copy())

    def _labels(self, nodes: NDArray[np.integer]) -> IntArray:
        """The caller's numbers of the simplex's nodes."""
        nodes = nodes.astype(np.int64)
        return nodes if self.label is None else self.label[nodes]

    def _nodes(self, labels: IntArray) -> IntArray:
        """The simplex's numbers of the caller's nodes."""
        return labels if self._current is None else self._current[labels]

    def potentials(self) -> tuple[FloatArray, FloatArray]:
        """Dual potentials (u, v) with u_i + v_j <= c_ij on the arcs (to ``eps``) and
        equality on the tree arcs."""
        pi = self.pi if self._current is None else self.pi[self._current]
        return -pi[: self.n].copy(), pi[self.n : self.n + self.m].copy()


#: The dtypes of the arcs' arrays of :func:`all_pairs_plan`: src, tgt, cost, flow, state,
#: and the start's scratch.
_PAIR_ARRAYS = (np.int32, np.int32, np.float64, np.float64, np.int8, np.int32)


def all_pairs_plan(
    a: FloatArray, b: FloatArray, cost: FloatArray, max_iter: int, eps: float,
    list_div: int = TREE_RULE,
) -> tuple[IntArray, IntArray, FloatArray, FloatArray, FloatArray] | None:
    """The optimal plan of a small problem on all its ``n x m`` pairs (``cost``, a
    C-ordered matrix), by this simplex from the least-cost plan of all pairs with the
    candidate-list rule (``list_div``: :data:`TREE_RULE`, or the sparse solver's
    :meth:`~distances.sparse_w1.SparseOptions.pairs_list_div`), as (rows, columns,
    masses) of the positive flows followed by the basis' potentials (u, v: u_i + v_j <=
    c_ij + eps on every pair, equality on the basis); None if ``max_iter`` pivots did not
    reach the optimum (the caller then solves the problem otherwise).

    The sparse solver's smallest coarse level (125 x 63 cells under 500 x 250 points),
    whose plan and potentials seed the finer level, and whole problems of up to
    ``SparseOptions.dense_pairs`` pairs, which the sparse solver then prices and
    certifies (this function certifies nothing). One compiled call
    (:func:`_least_cost_plan`: the start, the pivots, the plan).

    Against LEMON's big-M star with its block search (what LEMON, POT's ``ot.emd`` and
    the ``wasserstein`` package do), on the coarse problems of the eight
    ``bench_peers.py`` shapes at 500 x 50 to 2000 x 1000, 2-D to 8-D: 40-65 % fewer
    pivots, 12-16 % less time in sum (best of 7 x 50 calls). The same steps through
    :class:`TransportSimplex` cost 60-100 us more in numpy calls, a fifth of the coarse
    level at 500 x 50. (The rule is passed as an argument: as a compile-time constant
    the same pivots took 1.6x the time.) The arcs are the pairs in row-major order, priced
    a row at a time (:func:`~._pivots.pivots_on_pairs`), and the start orders only the
    cheapest pairs (:func:`~._bases.least_cost_all_pairs`): 500 x 50 in 2-D, the eight
    shapes, 0.85x-0.90x the time of the arcs in any order and the start on all pairs;
    with the rows sorted by their first coordinate (as :class:`distances.Discrete` sorts
    them) and visited in that order, the clustered clouds in 8-D took 2.04 ms, visited
    by a stride 1.30 ms."""
    n_arcs = 1 + cost.shape[0] * cost.shape[1]
    # the arcs' arrays are this thread's scratch arrays (_resources.scratch), which the
    # kernel fills: fresh ones page-faulted (500 x 167: 500-700 faults, 1 ms of a 3 ms solve)
    # (src, tgt, cost, flow, state, pick)
    work = scratch_arrays("pairs", n_arcs, _PAIR_ARRAYS)
    rows, cols, mass, u, v, ok = _least_cost_plan(
        np.ascontiguousarray(a, dtype=np.float64), np.ascontiguousarray(b, dtype=np.float64),
        np.ascontiguousarray(cost, dtype=np.float64), int(max_iter), float(eps),
        int(list_div), *work)
    return (rows, cols, mass, u, v) if ok else None


@kernel
def _least_cost_plan(a, b, cost, max_iter, eps, rule, src, tgt, arc_cost, flow, state, pick):
    """:func:`all_pairs_plan` from the least-cost plan of all pairs
    (:func:`~._bases.least_cost_all_pairs`: with every pair a candidate the greedy places
    all the mass), completed to a spanning tree by arcs of mass 0 and hung under the root
    as :class:`TransportSimplex` hangs a tree; then :func:`~._pivots.pivots_on_pairs`
    with ``rule``'s candidate list, the arcs being the pairs in row-major order. Returns
    rows, columns, masses of the positive flows, the potentials u, v, and whether the
    pivots reached the optimum. ``src``, ``tgt``, ``arc_cost``, ``flow``, ``state``: the
    arcs' arrays (1 + n m items each, filled here; the pivots leave
    :data:`~._pivots.IN_TREE` on the tree's arcs in ``arc_cost``), ``pick`` scratch for
    the start."""
    n, m = cost.shape
    nodes = n + m
    size = nodes + 1
    n_arcs = 1 + n * m
    flow[:] = 0.0
    state[:] = _LOWER
    src[0], tgt[0], arc_cost[0], state[0] = 0, nodes, 0.0, _TREE
    for i in range(n):  # a row's arcs in three loops over slices (vectorized): 0.25x the
        base = 1 + i * m  # time of one loop writing all three arrays (500 x 50: 40 -> 10 us)
        row_src, row_tgt = src[base : base + m], tgt[base : base + m]
        row_cost, row = arc_cost[base : base + m], cost[i]
        for j in range(m):
            row_src[j] = i
        for j in range(m):
            row_tgt[j] = n + j
        for j in range(m):
            row_cost[j] = row[j]
    r, c, mass = least_cost_all_pairs(a, b, cost, pick)
    r, c, mass = span(n, m, r, c, mass)
    t = r.size
    in_tree = np.empty(t + 1, np.int64)
    in_tree[0] = 0
    for q in range(t):
        e = 1 + r[q] * m + c[q]
        in_tree[q + 1] = e
        flow[e], state[e] = mass[q], _TREE
    parent = np.empty(size, np.int64)
    pred = np.empty(size, np.int64)
    forward = np.zeros(size, np.bool_)
    thread = np.empty(size, np.int64)
    rev_thread = np.empty(size, np.int64)
    succ_num = np.empty(size, np.int64)
    last_succ = np.empty(size, np.int64)
    pi = np.zeros(size)
    dirty = np.empty(size + 1, np.int64)
    ok = t == nodes - 1 and build_tree(
        nodes, src, tgt, arc_cost, in_tree, parent, pred, forward, thread,
        rev_thread, succ_num, last_succ, pi)
    if ok:
        arcs = Arcs(src, tgt, arc_cost, flow, state)
        tree = Tree(parent, pred, forward, thread, rev_thread, succ_num, last_succ, pi,
                    dirty)
        status, _ = pivots_on_pairs(n, m, cost, arcs, tree, max_iter, eps, rule)
        ok = status == OPTIMAL
    # One pass over the flows: only the tree's arcs (at most n + m - 1) carry any.
    out_r = np.empty(nodes, np.int64)
    out_c = np.empty(nodes, np.int64)
    out_m = np.empty(nodes)
    count = 0
    for q in range(1, n_arcs):
        if flow[q] > 0:
            out_r[count], out_c[count], out_m[count] = src[q], tgt[q] - n, flow[q]
            count += 1
    return (out_r[:count].copy(), out_c[:count].copy(), out_m[:count].copy(),
            -pi[:n].copy(), pi[n:nodes].copy(), ok)
