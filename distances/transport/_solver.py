"""The network simplex as the sparse W1 solver drives it (:mod:`distances.sparse_w1`).

:class:`Solver` holds the :class:`~distances.transport._simplex.TransportSimplex` of one
column generation: its first basis (a spanning tree, the big-M star above 3-D, or the
least-cost plan of the candidates, in reduced costs after a coarse level) and the restart
from the tree when the star leaves mass on an artificial arc. :func:`run_rounds` runs the
rounds of column generation, of the kept-matrix and of the large problems alike, in the
one compiled loop of :mod:`distances.transport._rounds`, doing in Python only what that
loop asks for: the scans of all pairs (on threads), room for more arcs, the restart.
Private module.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ._candidates import Flow, LocalLists, pair_cost
from ._options import SparseOptions
from ._problem import (
    PRICING_RTOL,
    SIMPLEX_EPS,
    STALL_RTOL,
    TINY_SCALE,
    SolverError,
)
from ._resources import scratch

__all__ = ["Rounds", "Solver", "run_rounds", "scan_all"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

#: Progress of large solves (the rounds between scans, the scans) at INFO, for problems
#: whose cost matrix is not kept: ``logging.basicConfig(level=logging.INFO)`` shows it.
log = logging.getLogger("distances.sparse")

def scan_all(x, y, u, v, tol, per_row):
    """Price all pairs when the rounds ask (:data:`~distances.transport._rounds.SCAN`),
    computing the distances with the triangle-inequality bound (compiled, on threads;
    numba is imported on first use). With a kept cost matrix the rounds price from it."""
    from ._pricing import scan

    return scan(x, y, u, v, tol, per_row=per_row)


class Solver:
    """The network simplex of :mod:`distances.transport._simplex` on the candidate edges, kept
    between rounds (:func:`run_rounds`): new edges join as non-basic arcs and the next
    round continues from the previous basis.

    The first basis (``first``, chosen by ``_sparse._solve_full``): ``"tree"``, the
    spanning tree ``tree`` (rows, cols, mass: the coarse plan refined, or the monotone
    plan); or, replaced before the first solve (:meth:`start`), ``"star"``, LEMON's big-M
    star (above 3-D, where the plain block search needed 3-8x fewer pivots from it); or
    ``"least_cost"`` (no ``tree``: the simplex is built once the candidates are known,
    :meth:`least_cost_start`), the least-cost plan on all the first candidates
    (:func:`~distances.transport._bases.least_cost_basis`; 500 x 167 weighted, eight
    shapes in 8-D and 32-D: 0.57x-1.35x the pivots of LEMON's dense solve, where the star
    needed 0.8x-3.75x), taken in increasing reduced cost against ``duals`` (the coarse
    potentials: the dual start) when given, the masses it leaves matched along
    ``orders`` (the monotone plan's). The star's
    artificial cost is 8 (1 + the largest candidate cost); should an artificial arc keep mass
    (a cost that small can be beaten only by rerouting along long paths), the solver
    starts over from ``tree`` with all the candidates."""

    def __init__(self, x: FloatArray, y: FloatArray, a: FloatArray, b: FloatArray,
                 tree: tuple[IntArray, IntArray, FloatArray] | None,
                 cost: FloatArray | None, opts: SparseOptions, first: str = "tree",
                 duals: tuple[FloatArray, FloatArray] | None = None,
                 orders: tuple[IntArray, IntArray] | None = None) -> None:
        from ._simplex import TransportSimplex  # imports numba (compiled kernels)

        if first not in ("tree", "star", "least_cost"):
            raise ValueError(f"first must be 'tree', 'star' or 'least_cost'; got {first!r}")
        if first == "least_cost" and (cost is None or orders is None):
            raise ValueError("the least-cost start needs the cost matrix and the orders")
        if first != "least_cost" and tree is None:
            raise ValueError(f"the {first!r} start needs a spanning tree")
        self.x, self.y, self.a, self.b, self.cost = x, y, a, b, cost
        self.opts = opts
        self.tree = tree
        self.index = opts.node_index(a.size + b.size)
        # (Problems with a kept cost matrix are small: their nodes are not renumbered.)
        self.renumber = cost is None and a.size + b.size >= opts.renumber_nodes
        self.first = first
        self.duals = duals
        self.orders = orders
        self.restarts = 0
        self.eps = SIMPLEX_EPS
        #: The simplex; None until the candidates are known (:meth:`least_cost_start`)
        #: when the first basis is their least-cost plan.
        self.simplex: Any = None
        if first != "least_cost":  # (tree given: checked above)
            rows, cols, mass = tree
            self.simplex = TransportSimplex(
                a, b, rows, cols, self._costs(rows, cols), mass, capacity=16 * rows.size,
                index=self.index,
            )
            self.simplex.renumber = self.renumber

    def _costs(self, rows: IntArray, cols: IntArray) -> FloatArray:
        if self.cost is not None:
            return self.cost[rows, cols]
        return pair_cost(self.x, self.y, rows, cols)

    def _restart(self, star: bool) -> None:
        """A new simplex on the same candidates: from the big-M star, or from the tree."""
        from ._simplex import TransportSimplex

        rows, cols, cost = self.simplex.arcs()
        if star:
            art = 8.0 * (1.0 + float(cost.max(initial=0.0)))
            self.simplex = TransportSimplex.star(self.a, self.b, art, capacity=2 * rows.size,
                                                 index=self.index)
        else:
            t_rows, t_cols, t_mass = self.tree
            self.simplex = TransportSimplex(self.a, self.b, t_rows, t_cols,
                                            self._costs(t_rows, t_cols), t_mass,
                                            capacity=2 * rows.size, index=self.index)
        self.simplex.renumber = self.renumber
        self.simplex.add(rows, cols, cost)

    def start(self) -> bool:
        """Before the first solve, with the candidates all added: move them to LEMON's
        big-M star if ``first`` says so. Returns whether the simplex was replaced."""
        if self.first == "star" and self.simplex.pivots == 0 and self.simplex.first_arc == 1:
            self.first = "tree"  # started
            self._restart(star=True)
            return True
        return False

    def least_cost_start(self, rows: IntArray, cols: IntArray, cost: FloatArray,
                         in_set: NDArray[np.bool_], room: int) -> None:
        """The simplex from the least-cost plan of the candidates ``rows, cols`` (costs
        ``cost``; distinct, and marked in ``in_set``, the mask of the candidate pairs, as
        are the plan's other pairs on return), the masses they leave matched along
        ``orders`` (:func:`~distances.transport._bases.least_cost_basis`), with room for
        ``room`` more arcs. With ``duals``, the candidates are taken in increasing reduced
        cost against them (the dual start). Its pricing rule is the candidate list from
        the start: 500 x 167 weighted, the eight bench_peers shapes in 8-D and 32-D, 5 %
        less time in sum than LEMON's block search (faster on 13 of 16, CPU seconds, best
        of 5, load 14-16), though with 10-15 % more pivots."""
        from ._bases import least_cost_basis
        from ._simplex import TransportSimplex

        assert self.first == "least_cost" and self.simplex is None and self.orders
        assert self.cost is not None
        key = cost
        if self.duals is not None:  # the dual start: reduced costs of the coarse solution
            u, v = self.duals
            key = cost - u[rows] - v[cols]
        b_rows, b_cols, b_mass, picked = least_cost_basis(self.a, self.b, rows, cols, key,
                                                          *self.orders)
        in_set[b_rows, b_cols] = True
        rest = np.flatnonzero(~picked)
        self.simplex = TransportSimplex(self.a, self.b, b_rows, b_cols,
                                        self._costs(b_rows, b_cols), b_mass,
                                        capacity=b_rows.size + 1 + rest.size + room,
                                        index=self.index)
        self.simplex.renumber = self.renumber
        self.simplex.add(rows[rest], cols[rest], cost[rest])
        self.first = "tree"  # started


# -- the rounds ------------------------------------------------------------------------


@dataclass(frozen=True)
class Rounds:
    """What the rounds of one column generation ended with.

    ``done``: stopped by the stop rule (after pricing every pair against the last
    potentials), not by ``max_rounds``; ``flow``: the last plan and potentials;
    ``row_min``: its rows' smallest reduced costs over all pairs, clipped at 0 (the
    certificate repairs u with them); ``scale`` and ``worst``: the certificate's scale and
    the smallest reduced cost of the last pricing; then the counts of
    :class:`~distances.sparse_w1.SparseResult`."""

    done: bool
    flow: Flow
    row_min: FloatArray
    scale: float
    worst: float
    rounds: int
    full_scans: int
    pairs_priced: int
    edges: int


def run_rounds(
    solver: Solver, seeds: tuple[IntArray, IntArray], polish: float,
    local: LocalLists | None = None,
) -> Rounds:
    """Add the seed pairs (rows, columns; repeats allowed) and run the rounds of column
    generation in the compiled loop (:func:`distances.transport._rounds.rounds`): pricing
    from the kept cost matrix (``solver.cost``), or from the ``local`` lists and a scan of
    all pairs when those are clean. Grows the arc arrays, scans, and restarts from the
    tree, when the loop asks."""
    from ._rounds import (
        ARTIFICIAL,
        DONE,
        FULL,
        ITERATION_LIMIT,
        PENDING,
        SCAN,
        Candidates,
        Nodes,
        Points,
        fill_mask,
        round_state,
        rounds,
    )

    x, y, a, b, cost, opts = solver.x, solver.y, solver.a, solver.b, solver.cost, solver.opts
    n, m = a.size, b.size
    sx = solver.simplex
    if sx is None:  # the least-cost start: no tree yet
        tree_rows = tree_cols = np.empty(0, np.int64)
    else:
        tree_rows, tree_cols, _ = sx.arcs()
    if cost is not None:
        # The candidate set as a mask of all pairs: the seeds not yet arcs join, sorted
        # and without repeats (compiled).
        in_set = scratch("in_set", n * m, np.bool_).reshape(n, m)
        new_rows, new_cols, new_cost = fill_mask(in_set, seeds[0], seeds[1], tree_rows,
                                                 tree_cols, cost)
        room = opts.per_row * n + m  # what one round may add
    else:
        new = np.unique(seeds[0].astype(np.int64) * m + seeds[1])
        new = new[~np.isin(new, tree_rows * m + tree_cols)]
        new_rows, new_cols = new // m, new % m
        room = 3 * (n + m)
        new_cost = pair_cost(x, y, new_rows, new_cols)
    if sx is None:
        solver.least_cost_start(new_rows, new_cols, new_cost, in_set, room)
    else:
        sx.reserve(new_rows.size + room)
        sx.add(new_rows, new_cols, new_cost)
        solver.start()
    sx = solver.simplex
    if cost is not None:
        none, none_i = np.zeros((0, 0)), np.zeros((0, 0), np.int64)
        cands = Candidates(cost, in_set, np.full(1, -1, np.int64), none_i,
                           none, none_i, none, none_i, none_i)
    else:
        assert local is not None
        c = np.ascontiguousarray
        cands = Candidates(np.zeros((0, 0)), np.zeros((0, 0), np.bool_), _keys(sx, None, m),
                           c(local.cols), c(local.cost_r), c(local.rows), c(local.cost_c),
                           c(local.near_x), c(local.near_y))
    points = Points(np.ascontiguousarray(x), np.ascontiguousarray(y), a, b)
    state = round_state(
        n_arcs=sx.n_arcs, first_arc=sx.first_arc, rule=sx.rule, next_arc=sx.next_arc,
        max_rounds=opts.max_rounds, max_iter=opts.max_iter, per_row=opts.per_row,
        partial=0 if cost is not None else opts.partial_pivots * n,
        renumber=int(solver.renumber),
        renumber_every=int(opts.renumber_pivots * (n + m))
        if solver.renumber and n + m >= opts.renumber_within_nodes else 0,
        eps=solver.eps, dust=opts.artificial_dust,
        pricing_rtol=PRICING_RTOL, tiny_scale=TINY_SCALE, stall_rtol=STALL_RTOL,
        polish=polish, polish_rounds=opts.polish_rounds)
    u, v, row_min = np.empty(n), np.empty(m), np.zeros(n)
    scan_rows = scan_cols = np.empty(0, np.int64)
    full_scans = priced = 0
    start = time.perf_counter()
    if cost is None:
        log.info("level %d x %d: %d candidate edges, rounds start", n, m,
                 sx.n_arcs - sx.first_arc)
    while True:
        status = rounds(points, cands, sx.arcs_state(), sx.tree_state(), Nodes(*sx.nodes()),
                        state, u, v, row_min, scan_rows, scan_cols)
        sx.n_arcs, sx.rule = int(state["n_arcs"][0]), int(state["rule"][0])
        sx.next_arc = int(state["next_arc"][0])
        if status == FULL:
            sx.reserve(room)
        elif status == ARTIFICIAL:
            solver.restarts += 1
            solver._restart(star=False)
            sx = solver.simplex
            state["n_arcs"], state["first_arc"] = sx.n_arcs, sx.first_arc
            state["rule"], state["next_arc"] = sx.rule, sx.next_arc
        elif status == ITERATION_LIMIT:
            raise SolverError(
                f"sparse network simplex stopped at its iteration limit "
                f"({100 * opts.max_iter}) 3 times; pass a larger max_iter")
        elif status == SCAN:  # the local lists are clean at the optimum: price every pair
            full_scans += 1
            tol = float(state["tol"][0])
            scan_rows, scan_cols, worst, count, row_min[:] = scan_all(
                x, y, u, v, tol * polish, opts.per_row)
            priced += count
            state["worst"], state["scanned"] = worst, PENDING
            sx.reserve(scan_rows.size + room)
            log.info("level %d x %d: round %d (%d to the optimum), %d pivots, %d edges, "
                     "value %.17g; scan %d of all pairs: smallest reduced cost %.3g "
                     "(tolerance %.3g), %d pairs priced, %.1f s", n, m,
                     int(state["rounds"][0]), int(state["complete"][0]),
                     sx.pivots + int(state["pivots"][0]), sx.n_arcs - sx.first_arc,
                     float(state["value"][0]), full_scans, min(worst, 0.0), tol, count,
                     time.perf_counter() - start)
        else:
            break
        if cost is None:
            cands = cands._replace(keys=_keys(sx, cands.keys, m))
    sx.pivots += int(state["pivots"][0])
    n_rounds = int(state["rounds"][0])
    if cost is not None:
        full_scans, priced = n_rounds, n_rounds * n * m
    if status == DONE and state["scanned"][0] == 0:  # pragma: no cover - the loop's rule
        raise SolverError("sparse solver: the rounds stopped before pricing every pair")
    rows, cols, mass = sx.plan()
    return Rounds(status == DONE, Flow(rows, cols, mass, u.copy(), v.copy()), row_min,
                  float(state["scale"][0]), float(state["worst"][0]), n_rounds, full_scans,
                  priced, sx.n_arcs - sx.first_arc)


def _keys(sx: Any, keys: IntArray | None, m: int) -> IntArray:
    """The hash table of the candidates' keys (the local lists' rounds): ``keys`` while it
    has two slots for every arc the simplex has room for, else a new one, filled."""
    from ._rounds import fill_keys

    if keys is not None and keys.size >= 2 * sx.src.size:
        return keys
    keys = np.empty(1 << int(2 * sx.src.size - 1).bit_length(), np.int64)
    label, _ = sx.nodes()
    fill_keys(keys, sx.src, sx.tgt, label, sx.first_arc, sx.n_arcs, sx.n, sx.m)
    return keys
