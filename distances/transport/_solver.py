"""The network simplex as the sparse W1 solver drives it (:mod:`distances.sparse_w1`).

:class:`Solver` holds the :class:`~distances.transport._simplex.TransportSimplex` of one column
generation: its first basis (a spanning tree, or the big-M star above 3-D), the candidate
edges it has been given, and the restart from the tree when the star leaves mass on an
artificial arc. :func:`run_matrix_rounds` runs the rounds of a problem whose cost matrix is
kept in one compiled loop (:mod:`distances.transport._rounds`). Private module.
"""

from __future__ import annotations

import threading

import numpy as np
from numpy.typing import NDArray

from ._candidates import EdgeSet, Flow, pair_cost
from ._options import SparseOptions
from ._problem import (
    PRICING_RTOL,
    SIMPLEX_EPS,
    STALL_RTOL,
    TINY_SCALE,
    SolverError,
    retry_at_limit,
)

__all__ = ["SCRATCH_MAX_BYTES", "Solver", "run_matrix_rounds", "scan_all", "scratch"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

#: Scratch arrays of up to this many bytes (the cost matrix, the mask of candidate pairs)
#: are kept per thread between solves (:func:`scratch`).
SCRATCH_MAX_BYTES = 1 << 23
_SCRATCH = threading.local()


def scratch(name: str, size: int, dtype: type) -> NDArray:
    """An uninitialised 1-D array of ``size`` items, kept for this thread's next solve
    when at most SCRATCH_MAX_BYTES (one array per ``name``: a caller must be done with it
    before the next call with the same name). A fresh array of a few MB costs a page fault
    every 4 KB each time the allocator has returned it to the system: n = 500 in 2-D took
    11.2-11.7 ms in some processes and 13.1-13.5 ms in others, where the 2 MB cost matrix
    alone took 1.25 ms instead of 0.31 ms."""
    nbytes = size * np.dtype(dtype).itemsize
    if nbytes > SCRATCH_MAX_BYTES:
        return np.empty(size, dtype)
    buf = getattr(_SCRATCH, name, None)
    if buf is None or buf.size < size or buf.dtype != dtype:
        buf = np.empty(max(size, 1 << 12), dtype)
        setattr(_SCRATCH, name, buf)
    return buf[:size]


def scan_all(x, y, u, v, tol, per_row):
    """Price all pairs of the Python rounds (compiled; numba is imported on first use),
    computing the distances with the triangle-inequality bound. (With a kept cost matrix
    the compiled rounds price from it: :func:`run_matrix_rounds`.)"""
    from ._pricing import scan

    return scan(x, y, u, v, tol, per_row=per_row)


class Solver:
    """The network simplex of :mod:`distances.transport._simplex` on the candidate edges, kept
    between rounds: new edges join as non-basic arcs and the next solve continues from
    the previous basis.

    The first basis: in up to 3 dimensions ``tree`` (the coarse plan refined, or the
    monotone plan: a feasible spanning tree); above (``star``), LEMON's big-M star, from
    which the plain block search needed 3-8x fewer pivots there, or, when the cost matrix
    is kept, the least-cost plan on all the first candidates
    (:func:`~distances.transport._bases.least_cost_basis`; 500 x 167 weighted, eight
    shapes in 8-D and 32-D: 0.57x-1.35x the pivots of LEMON's dense solve, where the star
    needed 0.8x-3.75x; not after a coarse level, :meth:`_least_cost_first`). The star's
    artificial
    cost is 8 (1 + the largest candidate cost); should an artificial arc keep mass
    (a cost that small can be beaten only by rerouting along long paths), the solver
    starts over from ``tree`` with all the candidates."""

    def __init__(self, x: FloatArray, y: FloatArray, a: FloatArray, b: FloatArray,
                 rows: IntArray, cols: IntArray, mass: FloatArray, edges: EdgeSet,
                 cost: FloatArray | None, opts: SparseOptions, star: bool = False) -> None:
        from ._simplex import TransportSimplex  # imports numba (compiled kernels)

        self.x, self.y, self.a, self.b, self.edges, self.cost = x, y, a, b, edges, cost
        self.opts = opts
        self.tree = (rows, cols, mass)
        keys = rows * edges.m + cols
        edges.add(np.sort(keys))
        self.index = np.int32 if a.size + b.size >= opts.index32_nodes else np.int64
        # The compiled rounds of the matrix mode read node numbers as points: no renumbering.
        self.renumber = cost is None and a.size + b.size >= opts.renumber_nodes
        self.simplex = TransportSimplex(
            a, b, rows, cols, self._costs(rows, cols), mass, capacity=16 * keys.size,
            index=self.index,
        )
        self.simplex.renumber = self.renumber
        self.star = star
        self.round_pivots = 0  # pivots of partial solves since the last complete one
        self.restarts = 0
        self.rounds = 0  # rounds run by run_matrix_rounds
        self.eps = SIMPLEX_EPS

    def add(self, keys: IntArray) -> None:
        """Candidate edges not yet in the set (``EdgeSet.new``)."""
        if keys.size == 0:
            return
        self.edges.add(keys)
        rows, cols = keys // self.edges.m, keys % self.edges.m
        self.simplex.add(rows, cols, self._costs(rows, cols))

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
        """Before the first solve: above 3-D move the candidates (all known now) to the
        big-M star, or with a kept cost matrix to their least-cost plan. Returns whether
        the simplex was replaced."""
        if self.star and self.simplex.pivots == 0 and self.simplex.first_arc == 1:
            self.star = False  # started
            if self._least_cost_first():
                self._least_cost_start()
            else:
                self._restart(star=True)
            return True
        return False

    def _least_cost_first(self) -> bool:
        """Whether the first basis is the least-cost plan: the cost matrix is kept and no
        coarse level seeded the candidates (``_sparse._solve_full``'s rule). With a coarse
        level the star stays: 4000 points in 8-D, two samples of one Gaussian took 684 ms
        from the least-cost plan, 508 from the star (8 Gaussians: 1382 and 1471; CPU, best
        of 3, load 18)."""
        o, n = self.opts, min(self.a.size, self.b.size)
        coarse = o.cell_size >= 2 and n > o.coarsens_above(self.x.shape[1])
        return self.cost is not None and not coarse

    def _least_cost_start(self) -> None:
        """A new simplex from the least-cost plan on the candidates (the masses they leave
        matched along the monotone plan's orders). Its pricing rule is the candidate list
        from the start: 500 x 167 weighted, the eight bench_peers shapes in 8-D and 32-D,
        5 % less time in sum than LEMON's block search (faster on 13 of 16, CPU seconds,
        best of 5, load 14-16), though with 10-15 % more pivots."""
        from ._bases import least_cost_basis
        from ._simplex import TransportSimplex

        rows, cols, cost = self.simplex.arcs()
        t_rows, t_cols, _ = self.tree
        ox = t_rows[np.sort(np.unique(t_rows, return_index=True)[1])]
        oy = t_cols[np.sort(np.unique(t_cols, return_index=True)[1])]
        b_rows, b_cols, b_mass, picked = least_cost_basis(self.a, self.b, rows, cols, cost,
                                                          ox, oy)
        self.simplex = TransportSimplex(self.a, self.b, b_rows, b_cols,
                                        self._costs(b_rows, b_cols), b_mass,
                                        capacity=2 * rows.size, index=self.index)
        self.simplex.renumber = self.renumber
        rest = ~picked
        self.simplex.add(rows[rest], cols[rest], cost[rest])

    def solve(self, max_iter: int) -> Flow:
        """Pivot to the optimum on the current candidates (the iteration limit, then 10x
        and 100x, then :class:`~distances.SolverError`)."""
        from ._simplex import ITERATION_LIMIT, TREE_RULE

        self.start()

        def run(limit: int) -> tuple[None, int]:
            return None, 3 if self.simplex.solve(limit, self.eps) == ITERATION_LIMIT else 1

        retry_at_limit(run, max_iter, "sparse network simplex")
        self.simplex.rule = TREE_RULE  # later rounds: few violated arcs, the list is faster
        if self.simplex.artificial_flow() > self.opts.artificial_dust:
            self.restarts += 1
            self._restart(star=False)
            retry_at_limit(run, max_iter, "sparse network simplex")
        self.round_pivots = 0
        return self._flow()

    def partial(self, pivots: int) -> Flow | None:
        """At most ``pivots`` pivots: the flow (plan and potentials of the current basis)
        if the solve stopped there, None if it reached the optimum first (then call
        :meth:`solve`, which returns at once)."""
        from ._simplex import OPTIMAL

        self.start()
        before = self.simplex.pivots
        status = self.simplex.solve(pivots, self.eps)
        self.round_pivots += self.simplex.pivots - before
        return None if status == OPTIMAL else self._flow()

    def _flow(self) -> Flow:
        from ._rounds import centre

        rows, cols, mass = self.simplex.plan()
        u, v = self.simplex.potentials()
        centre(u, v, self.a, self.b)  # the common offset removed, as in the compiled rounds
        return Flow(rows, cols, mass, u, v)


# -- the rounds when the cost matrix is kept ------------------------------------------


def run_matrix_rounds(
    solver: Solver, cost: FloatArray, seeds: tuple[IntArray, IntArray], polish: float,
    seed_only: bool,
) -> tuple[bool, Flow, FloatArray, float, float]:
    """Add the seed pairs (rows, columns; repeats allowed) and run the rounds compiled
    (:mod:`distances.transport._rounds`), growing the arc arrays and restarting from the tree
    when it asks. Returns (stopped before max_rounds, the last flow, its rows' smallest
    reduced costs clipped at 0, the scale, the smallest reduced cost)."""
    from ._rounds import ARTIFICIAL, DONE, FULL, ITERATION_LIMIT, matrix_rounds, round_state
    from ._simplex import TREE_RULE

    n, m = cost.shape
    opts = solver.opts
    per_row, max_iter = opts.per_row, opts.max_iter
    assert not solver.renumber  # the compiled rounds read node numbers as points
    # The candidate set as a mask of all pairs (the rounds keep it): the seeds not yet
    # arcs join, sorted and without repeats, in one pass over the mask.
    in_set = scratch("in_set", n * m, np.bool_)
    in_set[:] = False
    in_set[seeds[0] * m + seeds[1]] = True
    # (solver.edges, the sorted keys the Python rounds use, is not kept up to date here)
    arcs = solver.simplex
    tree_rows, tree_cols, _ = arcs.arcs()
    tree = tree_rows * m + tree_cols
    in_set[tree] = False
    new = np.flatnonzero(in_set)
    in_set[tree] = True
    arcs.reserve(new.size + per_row * n + m)  # room for the first round's additions
    arcs.add(new // m, new % m, cost.ravel()[new])
    in_set = in_set.reshape(n, m)
    solver.start()
    sx = solver.simplex
    state = round_state(
        n_arcs=sx.n_arcs, first_arc=sx.first_arc, rule=sx.rule, next_arc=sx.next_arc,
        max_rounds=opts.max_rounds, max_iter=max_iter, per_row=per_row, eps=solver.eps,
        dust=opts.artificial_dust, pricing_rtol=PRICING_RTOL, tiny_scale=TINY_SCALE,
        stall_rtol=STALL_RTOL, polish=polish, polish_rounds=opts.polish_rounds)
    u, v, row_min = np.empty(n), np.empty(m), np.zeros(n)
    while True:
        status = matrix_rounds(cost, solver.a, solver.b, sx.arcs_state(), sx.tree_state(),
                               in_set, state, u, v, row_min)
        sx.n_arcs, sx.rule = int(state["n_arcs"][0]), int(state["rule"][0])
        sx.next_arc = int(state["next_arc"][0])
        if status == FULL:
            sx.reserve(per_row * n + m)
            continue
        if status == ARTIFICIAL:
            solver.restarts += 1
            solver._restart(star=False)
            sx = solver.simplex
            state["n_arcs"], state["first_arc"] = sx.n_arcs, sx.first_arc
            state["rule"], state["next_arc"] = TREE_RULE, sx.next_arc
            continue
        if status == ITERATION_LIMIT:
            raise SolverError(
                f"sparse network simplex stopped at its iteration limit ({100 * max_iter})"
                f" 3 times; pass a larger max_iter"
            )
        break
    sx.pivots += int(state["pivots"][0])
    solver.rounds = int(state["rounds"][0])
    rows, cols, mass = sx.plan()
    return (status == DONE, Flow(rows, cols, mass, u.copy(), v.copy()), row_min,
            float(state["scale"][0]), float(state["worst"][0]))
