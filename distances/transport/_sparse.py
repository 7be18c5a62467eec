"""The sparse certified solver: column generation on candidate edges (see
:mod:`distances.sparse_w1`, its public face, for the algorithm).

Private module: :func:`solve_sparse` and :class:`SparseResult` are re-exported by
:mod:`distances.sparse_w1`; :func:`solve_problem` is what :mod:`distances.wasserstein`
calls on a problem it has validated.

One module for one call's path, top down (about 550 lines): validation and options, exact
scaling, atoms without mass, the small problems on all their pairs, the column generation
of one level with its coarse seed, and the certificate of the result (what the caller
wants of it: :class:`_Output`). Each step hands the next the arrays it made (the kept cost
matrix, the flow and row minima); the kernels they call live in the compiled modules.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, replace

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray

from .._validation import as_atoms, as_weights, check_same_dim
from ._candidates import (
    Flow,
    LocalLists,
    cells,
    cost_scale,
    extend_to_null_weights,
    monotone_orders,
    monotone_tree,
    nearest_pairs,
    pair_cost,
)
from ._options import SparseOptions
from ._options import options as default_options
from ._problem import (
    DEFAULT_MAX_ITER,
    PRICING_RTOL,
    SIMPLEX_EPS,
    TINY_SCALE,
    Certificate,
    EarthMoverSolution,
    Problem,
    SolverError,
    check_max_iter,
    power_of_two_below,
    scaled,
)
from ._resources import (
    SPARSE_BYTES_PER_POINT,
    available_memory,
    check_memory,
    interruptible,
    numba_available,
    scratch,
)
from ._solver import Rounds, Solver, run_rounds

__all__ = [
    "PRICING_RTOL", "SparseOptions", "SparseResult", "solve_problem", "solve_sparse",
    "solve_with_options",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]



@dataclass(frozen=True)
class SparseResult:
    """A certified sparse solution and how the column generation got there.

    Attributes
    ----------
    solution : EarthMoverSolution
        ``method == "sparse"``; ``plan`` is a ``scipy.sparse.csr_array``.
    rounds : int
        Network-simplex solves on the finest level (partial ones included).
    full_scans : int
        Rounds that priced all n*m pairs (the last one certifies).
    edges : int
        Candidate edges in the last solve.
    pairs_priced : int
        Reduced costs evaluated exactly in the full scans (the rest were bounded).
    levels : int
        1 + the number of coarse levels used to seed the candidates.
    """

    solution: EarthMoverSolution
    rounds: int
    full_scans: int
    edges: int
    pairs_priced: int
    levels: int


@dataclass(frozen=True)
class _Output:
    """What the caller wants of the certified solution: the plan too, or only the value
    (``earth_mover``: no ``csr_array``, 11 us at 500 x 50); and the power of two ``f``
    that the solver divided the points by, with the points as given (``x``, ``y``), to
    report the solution in their units (None: as solved)."""

    plan: bool = True
    f: float | None = None
    x: FloatArray | None = None
    y: FloatArray | None = None

    def units(self, value: float, u: FloatArray, v: FloatArray, cert: Certificate,
              x: FloatArray | None, y: FloatArray | None) -> tuple:
        """A solution's value, potentials, certificate and points in the caller's units
        (times ``f``, a power of two: exact), as they are where ``f`` is None."""
        f = self.f
        if f is None:
            return value, u, v, cert, x, y
        if f == 1.0:  # (the caller's units already: no copies of u and v)
            return value, u, v, cert, self.x, self.y
        return value * f, u * f, v * f, scaled(cert, f), self.x, self.y


_AS_SOLVED = _Output()


def solve_sparse(
    x: ArrayLike,
    y: ArrayLike,
    a: ArrayLike | None = None,
    b: ArrayLike | None = None,
    *,
    k_neighbors: int = 8,
    local_neighbors: int = 48,
    cell_size: int = 4,
    coarsen_above: int | None = None,
    max_rounds: int = 500,
    max_iter: int = DEFAULT_MAX_ITER,
    options: SparseOptions | None = None,
) -> SparseResult:
    r"""Exact, certified W1 between two weighted point clouds, in O(n + m) memory.

    .. math::

        W_1 = \min_{\gamma \in \Pi(a, b)} \sum_{ij} \gamma_{ij} \|x_i - y_j\|_2
            = \max_{u_i + v_j \le \|x_i - y_j\|_2} a \cdot u + b \cdot v .

    Parameters
    ----------
    x : array_like, shape (n, d)
        Atoms of P.
    y : array_like, shape (m, d)
        Atoms of Q.
    a, b : array_like, shapes (n,) and (m,), optional
        Weights (non-negative, summing to 1); uniform when omitted.
    k_neighbors : int, default 8
        Nearest neighbours per point in the first candidate set (both directions).
    local_neighbors : int, default 48
        Neighbours per point checked by the cheap local pricing before a full scan.
    cell_size : int, default 4
        Points per cell of the coarse problem (0 or 1: no coarse level).
    coarsen_above : int, optional
        Solve a coarse problem first when both clouds have more points than this.
        Default: 100 in up to 2 dimensions, 200 in 3, 800 above, where cells of 4 points
        are not local enough to pay for the coarse solve at smaller sizes.
    max_rounds : int, default 500
        Rounds of solve-and-price (solves that reach the optimum on their candidates)
        before :class:`SolverError` is raised.
    max_iter : int, default 1_000_000
        Iteration limit of each network-simplex solve; a solve that reaches it is retried
        twice, each time with ten times the limit, then :class:`SolverError` is raised.
    options : SparseOptions, optional
        All options, the tuning values included (:class:`SparseOptions`); the keywords
        above that differ from their defaults replace its fields.

    Returns
    -------
    SparseResult
        The solution (value, sparse plan, potentials, certificate) and loop statistics.

    Raises
    ------
    ValueError
        On invalid input.
    SolverError
        If the loop does not reach a certified optimum.
    ModuleNotFoundError
        If numba is not installed (:func:`distances.earth_mover` then answers with the
        dense network simplex).

    Examples
    --------
    >>> res = solve_sparse([[0.0, 0.0], [1.0, 0.0]], [[0.0, 1.0], [1.0, 1.0]])
    >>> round(res.solution.value, 12), res.solution.certificate.ok
    (1.0, True)
    """
    xs, ys = as_atoms(x, "x"), as_atoms(y, "y")
    check_same_dim(xs.shape[1], ys.shape[1])
    wa = _weights(a, xs.shape[0], "a")
    wb = _weights(b, ys.shape[0], "b")
    given = {"k_neighbors": k_neighbors, "local_neighbors": local_neighbors,
             "cell_size": cell_size, "coarsen_above": coarsen_above, "max_rounds": max_rounds,
             "max_iter": max_iter}
    if options is None:
        opts = default_options(**given)
    else:  # the keywords given other values than their defaults replace options' fields
        default = default_options()
        opts = replace(options, **{k: v for k, v in given.items()
                                   if not _same(v, getattr(default, k))})
    return solve_with_options(Problem(wa, wb, xs, ys, None), opts)


def solve_problem(prob: Problem, *, max_iter: int = DEFAULT_MAX_ITER,
                  value_only: bool = False) -> SparseResult:
    """:func:`solve_sparse` with the default options on a problem validated by the caller
    (:mod:`distances.wasserstein`): point clouds ``prob.x``, ``prob.y`` and unit masses.
    ``value_only``: the solution's plan may be None (certified all the same; for
    ``earth_mover``, which returns the value)."""
    return solve_with_options(prob, default_options(max_iter=check_max_iter(max_iter)),
                              value_only=value_only)


def solve_with_options(prob: Problem, opts: SparseOptions, *,
                       value_only: bool = False) -> SparseResult:
    """:func:`solve_sparse` on a validated problem, with the given options (``value_only``:
    as :func:`solve_problem`)."""
    if not numba_available(warn=False):
        raise ModuleNotFoundError(
            "the sparse W1 solver needs numba (pip install numba); "
            "earth_mover(P, Q, method='network_simplex') solves without it", name="numba")
    assert prob.x is not None and prob.y is not None
    _check_memory(prob.a.size, prob.b.size, prob.x.shape[1], opts)
    # Writable weights, whoever owns them (Discrete's are read-only): numba compiles one
    # specialisation per array type, and read-only arrays are another type.
    a, b = prob.a, prob.b
    a = a if a.flags.writeable else a.copy()
    b = b if b.flags.writeable else b.copy()
    with interruptible():
        return _solve_scaled(Problem(a, b, prob.x, prob.y, prob.cost), opts, value_only)


def _check_memory(n: int, m: int, d: int, opts: SparseOptions) -> None:
    """Refuse up front (MemoryError) a problem whose estimated peak exceeds the memory
    available, and warn when it takes more than half of it."""
    need = SPARSE_BYTES_PER_POINT * (n + m)
    if opts.keeps_matrix(n, m, d):
        need += 9 * n * m  # the cost matrix and the mask of candidate pairs
    what = (f"the sparse solver on {n} + {m} points (estimated peak: "
            f"{SPARSE_BYTES_PER_POINT} bytes a point, measured in 2-D at 10^4-6 x 10^4 points)")
    avail = available_memory()
    check_memory(need, what, "solve a subsample, or on a machine with more memory", avail)
    if avail is not None and need > avail / 2:
        warnings.warn(f"{what} needs about {need / 2**30:.1f} GiB of the "
                      f"{avail / 2**30:.1f} GiB available", RuntimeWarning, stacklevel=4)


def _solve_scaled(prob: Problem, opts: SparseOptions, value_only: bool = False) -> SparseResult:
    """The solve on coordinates scaled by a power of two (exactly) to costs of order 1."""
    assert prob.x is not None and prob.y is not None
    x, y = prob.x, prob.y
    s = power_of_two_below(max(float(np.abs(x).max()), float(np.abs(y).max())))
    # The largest ground cost, exact over all pairs (convex hulls in 2-D and 3-D), on
    # coordinates of order 1 (squared distances of raw ones could under- or overflow).
    xs, ys = x / s, y / s
    cost = None
    if opts.keeps_matrix(x.shape[0], y.shape[0], x.shape[1]):  # kept for the solve
        from ._nearest import unit_euclidean_matrix  # compiled (imports numba)

        # (a scratch array kept for this thread's next solve: fresh memory page-faults)
        buf = scratch("cost", x.shape[0] * y.shape[0], np.float64)
        # Powers of two scale distances exactly: the distances of x / f, y / f (f = s t
        # below) are the matrix's entries, the distances of x / s, y / s over t.
        cost, unit_largest, t = unit_euclidean_matrix(
            xs, ys, buf.reshape(x.shape[0], y.shape[0]))
    else:
        unit_largest = cost_scale(xs, ys)
        t = power_of_two_below(unit_largest)
    f = s * t  # a power of two: the solver sees costs of order 1, exactly rescaled
    out = _Output(not value_only, f, x, y)
    if t != 1.0:
        xs, ys = xs / t, ys / t  # = x / f, y / f exactly
    return _solve_with_null_weights(xs, ys, prob.a, prob.b, opts, unit_largest / t, cost, out)


def _same(value: object, default: object) -> bool:
    return type(value) is type(default) and value == default


def _weights(w: ArrayLike | None, n: int, name: str) -> FloatArray:
    if w is None:
        return np.full(n, 1.0 / n)
    arr = as_weights(w, name)
    if arr.shape[0] != n:
        raise ValueError(f"{name} must have one weight per point; got {arr.shape[0]} and {n}")
    total = float(arr.sum())
    return arr if total == 1.0 else arr / total


# -- null weights: solve on the atoms with mass, extend the potentials by c-transforms ---


def _solve_with_null_weights(
    x: FloatArray, y: FloatArray, a: FloatArray, b: FloatArray, opts: SparseOptions, largest: float,
    cost: FloatArray | None, out: _Output,
) -> SparseResult:
    """Solve on the atoms with mass; ``largest`` is the largest ground cost of all atoms.
    The solution as ``out`` asks (see :class:`_Output`)."""
    if a.min() > 0 and b.min() > 0:
        res = _solve_full(x, y, a, b, opts, largest=largest, cost=cost, out=out)
        assert isinstance(res, SparseResult)
        return res
    rows, cols = np.flatnonzero(a > 0), np.flatnonzero(b > 0)
    sub_cost = None if cost is None else cost[np.ix_(rows, cols)]
    sub = _solve_full(x[rows], y[cols], a[rows], b[cols], opts, largest=largest, cost=sub_cost)
    assert isinstance(sub, SparseResult)
    sol = extend_to_null_weights(sub.solution, x, y, a, b, rows, cols, largest)
    value, u, v, cert, x, y = out.units(sol.value, sol.u, sol.v, sol.certificate, x, y)
    sol = replace(sol, value=value, u=u, v=v, certificate=cert, x=x, y=y)
    return SparseResult(sol, sub.rounds, sub.full_scans, sub.edges, sub.pairs_priced, sub.levels)


# -- column generation on one level (its rounds: _solver.run_rounds) ----------------

def _solve_full(
    x: FloatArray,
    y: FloatArray,
    a: FloatArray,
    b: FloatArray,
    opts: SparseOptions,
    *,
    largest: float = 0.0,
    seed_only: bool = False,
    cost: FloatArray | None = None,
    out: _Output | None = None,
) -> SparseResult | Flow:
    """Column generation on atoms with positive mass. ``seed_only=True`` (the coarse
    levels, whose plan only seeds the candidates of the next finer level) returns the last
    flow instead of certifying it or raising when ``max_rounds`` is reached. ``largest``
    (the largest ground cost) is only reported in the certificate; ``cost``, the cost
    matrix when the caller has it; ``out``, what the caller wants of the solution
    (:class:`_Output`; default: as solved, with its plan)."""
    out = _AS_SOLVED if out is None else out
    n, m = x.shape[0], y.shape[0]
    # Small problems price every pair each round from the kept cost matrix (compiled,
    # ~10 ns a pair); larger ones first try the cheap local lists and scan all pairs only
    # when those are clean. Both run the same rounds (_solver.run_rounds). The smallest
    # (SparseOptions.dense_pairs) pivot on all their pairs at once instead (_all_pairs).
    every_round = opts.keeps_matrix(n, m, x.shape[1])
    if not every_round:
        cost = None
    elif cost is None:
        from ._nearest import euclidean_matrix

        cost = euclidean_matrix(x, y)
    if every_round and not seed_only and n * m <= opts.dense_pairs:
        # Small enough to pivot on every pair at once (from the least-cost plan of all
        # pairs): no candidates, no rounds (SparseOptions.dense_pairs).
        whole = _all_pairs(x, y, a, b * (a.sum() / b.sum()), cost, opts, largest, out)
        if whole is not None:
            return whole
    dual = every_round and not seed_only and opts.dual_starts(n, m, x.shape[1])
    coarse = opts.coarsens(n, m, x.shape[1], dual)
    # The first basis. Where the cost matrix is kept and either no coarse level runs
    # (SparseOptions.coarsens: e.g. 500 x 50 in 3-D, 150 x 100 in 2-D) or, on the finest level,
    # a dual start (SparseOptions.dual_starts: sizes differing by dual_start_ratio or more;
    # in 3-D every size): the least-cost plan of the candidates
    # (Solver.least_cost_start), in reduced costs against the coarse potentials
    # (``duals``) when a coarse level ran, the masses it leaves matched along the
    # monotone plan's orders. Otherwise above 3-D LEMON's big-M star (after a coarse
    # level the star, not the least-cost plan: 4000 points in 8-D, two samples of one
    # Gaussian took 508 ms from the star, 684 from the least-cost plan; 8 Gaussians 1471
    # and 1382; CPU, best of 3, load 18), and up to 3-D the spanning tree (the refined
    # coarse plan, or the monotone plan of the projections). (The monotone plan was a
    # poor start at 710 x 71 and 950 x 95, eight shapes, 2-D and 3-D: the star took 40 %
    # fewer pivots.)
    dual_start = coarse and dual
    if every_round and (not coarse or dual_start):
        first = "least_cost"
    else:
        first = "star" if x.shape[1] > 3 else "tree"
    # k-d orders of the points: the cells of the coarse level (under a dual start the
    # smaller cloud's points each a cell: SparseOptions.dual_cell_size), and the order in
    # which the brute-force neighbour search visits the points.
    sizes = opts.cell_sizes(n, m, dual_start)
    kd = (cells(x, sizes[0]), cells(y, sizes[1])) if coarse else None
    if every_round:
        assert cost is not None
        local = None
        orders = None if kd is None else (kd[0][0], kd[1][0])
        seed_rows, seed_cols = nearest_pairs(x, y, a, b, opts.k_neighbors, cost, orders,
                                             opts.brute_force_pairs, opts.bulk_radius,
                                             opts.aligned_max_d)
        seed_rows, seed_cols = [seed_rows], [seed_cols]
    else:
        local = LocalLists(x, y, a, b, opts.local_neighbors, opts.plan_neighbors)
        k = min(opts.k_neighbors, local.k_rows, local.k_cols)
        seed_rows = [np.repeat(np.arange(n), k), local.rows[:, :k].ravel()]
        seed_cols = [local.cols[:, :k].ravel(), np.repeat(np.arange(m), k)]
    b = b * (a.sum() / b.sum())  # equal masses to the last bit
    levels, tree, duals = 1, None, None
    if kd is not None:
        # (the least-cost start needs only the coarse potentials, not the refined plan)
        cr, cc, levels, tree, coarse_duals = _coarse_seed(x, y, a, b, opts, kd, sizes,
                                                          refine=first != "least_cost")
        seed_rows.append(cr)
        seed_cols.append(cc)
        if dual_start:
            duals = coarse_duals
    if first == "least_cost":
        solver = Solver(x, y, a, b, None, cost, opts, first=first, duals=duals,
                        orders=monotone_orders(x, y, a, b))
    else:
        if tree is None:  # no coarse level (or its plan did not refine to a tree)
            tree = monotone_tree(x, y, a, b)
        solver = Solver(x, y, a, b, tree, cost, opts, first=first)
    seeds = np.concatenate(seed_rows), np.concatenate(seed_cols)
    polish = opts.polish if n * m <= opts.polish_max_pairs and not seed_only else 1.0
    res = run_rounds(solver, seeds, polish, local)
    if seed_only:
        return res.flow
    if not res.done:
        raise SolverError(
            f"sparse solver did not certify optimality within max_rounds="
            f"{opts.max_rounds} ({res.edges} edges; largest violation "
            f"{max(0.0, -res.worst):.3g})"
        )
    return _certified(x, y, a, b, res, largest, levels, cost, out)


def _all_pairs(
    x: FloatArray, y: FloatArray, a: FloatArray, b: FloatArray, cost: FloatArray,
    opts: SparseOptions, largest: float, out: _Output,
) -> SparseResult | None:
    """Solve a small problem on all its pairs at once
    (:func:`~distances.transport._simplex.all_pairs_plan`) and certify it as a round of
    column generation would: the potentials centred, every pair priced from the kept
    matrix (:func:`~distances.transport._plans.all_pairs_certificate`). None if the
    pivots reached ``opts.max_iter`` (the caller then runs the column generation)."""
    from ._plans import all_pairs_certificate  # compiled
    from ._simplex import all_pairs_plan

    plan = all_pairs_plan(a, b, cost, opts.max_iter, SIMPLEX_EPS,
                          opts.pairs_list_div(a.size, b.size))
    if plan is None:
        return None
    rows, cols, mass, u, v = plan
    *parts, scale, _ = all_pairs_certificate(cost, rows, cols, mass, u, v, a, b, largest,
                                             PRICING_RTOL, TINY_SCALE)
    n, m = a.size, b.size
    return _result(x, y, a, b, (rows, cols, mass), v, parts, largest, scale, out,
                   (1, 1, n * m, n * m, 1))


def _certified(
    x: FloatArray, y: FloatArray, a: FloatArray, b: FloatArray, res: Rounds, largest: float,
    levels: int, cost: FloatArray | None, out: _Output,
) -> SparseResult:
    """Certify the last round's flow. ``res.row_min``: each row's smallest reduced cost
    clipped at 0 (exact, from the last pricing of all pairs); ``largest``: the largest
    cost. Lowering u_i by its row's violation gives an exactly feasible dual and a tiny
    gap (:func:`~distances.transport._plans.certificate_parts`, compiled, which also
    checks the marginals and puts the plan in compressed rows). The value sums the plan's
    costs from ``cost``, the kept matrix, when there is one (the distances of ``cdist``,
    as the dense solver's; at 500 x 50 in 2-D 16 us less than computing the plan's
    distances again), else from the points."""
    from ._plans import certificate_parts  # compiled

    flow = res.flow
    costs = (pair_cost(x, y, flow.rows, flow.cols) if cost is None
             else cost[flow.rows, flow.cols])
    parts = certificate_parts(flow.rows, flow.cols, flow.mass, costs, flow.u, flow.v,
                              res.row_min, a, b, largest)
    return _result(x, y, a, b, (flow.rows, flow.cols, flow.mass), flow.v, parts, largest,
                   res.scale, out,
                   (res.rounds, res.full_scans, res.edges, res.pairs_priced, levels))


def _result(
    x: FloatArray, y: FloatArray, a: FloatArray, b: FloatArray,
    pairs: tuple[IntArray, IntArray, FloatArray], v: FloatArray, parts: tuple,
    largest: float, scale: float, out: _Output,
    stats: tuple[int, int, int, int, int],
) -> SparseResult:
    """The certified :class:`SparseResult` from :func:`~._plans.certificate_parts`'
    ``parts``; :class:`SolverError` if the certificate fails. The plan is a canonical
    ``csr_array`` (rows in order, columns sorted within a row); repeated pairs (not
    expected) take scipy's way, which sums them. 500 x 250 in 2-D (ring, curve,
    clustered; the solver's own arguments, interleaved, load 1.3), the whole certificate
    226-259 -> 162-199 us in one kernel with the plan's parts."""
    u, infeasibility, value, gap, marginal, once, indptr, indices, data = parts
    n, m = a.size, b.size
    cert = Certificate(marginal, infeasibility, gap, largest, scale)
    if not cert.ok:
        raise SolverError(f"sparse solver: the final solution fails its certificate: {cert}")
    plan = None
    if out.plan and once:
        plan = sp.csr_array((data, indices, indptr), shape=(n, m))
    elif out.plan:
        plan = sp.csr_array((pairs[2], (pairs[0], pairs[1])), shape=(n, m))
    value, u, v, cert, x, y = out.units(value, u, v, cert, x, y)
    sol = EarthMoverSolution(value, plan, u, v, cert, a, b, x, y, "sparse")
    return SparseResult(sol, *stats)


def _coarse_seed(
    x: FloatArray, y: FloatArray, a: FloatArray, b: FloatArray, opts: SparseOptions,
    kd: tuple[tuple[IntArray, IntArray], tuple[IntArray, IntArray]],
    sizes: tuple[int, int], refine: bool = True,
) -> tuple[IntArray, IntArray, int, tuple[IntArray, IntArray, FloatArray] | None,
           tuple[FloatArray, FloatArray]]:
    """Solve the problem between the cells ``kd`` (:func:`cells` of x and of y, of
    ``sizes`` points, recursively), link every pair of points of two cells that exchange
    mass, and refine the coarse plan into a first basis of the fine problem
    (:func:`distances.transport._bases.refine_basis`, cells of one size only; None if
    that failed, or not ``refine``). Returns (rows,
    cols, levels, basis, duals): ``duals``, each point's potential in the coarse solution
    (its cell's), for the dual start (:attr:`SparseOptions.dual_start_ratio`)."""
    from ._bases import refine_basis
    from ._coarse import cell_pairs, cell_sums  # compiled

    sx, sy = sizes
    (ox, cx), (oy, cy) = kd
    ma, zx = cell_sums(x, a, cx, -(-x.shape[0] // sx))
    mb, zy = cell_sums(y, b, cy, -(-y.shape[0] // sy))
    plan = None
    if zx.shape[0] * zy.shape[0] <= opts.coarse_dense_pairs:
        from ._nearest import euclidean_matrix
        from ._simplex import all_pairs_plan

        plan = all_pairs_plan(ma, mb, euclidean_matrix(zx, zy), opts.max_iter, SIMPLEX_EPS)
    if plan is None:
        flow = _solve_full(zx, zy, ma, mb, opts, seed_only=True)
        assert isinstance(flow, Flow)
        plan = flow.rows, flow.cols, flow.mass, flow.u, flow.v
    f_rows, f_cols, f_mass, f_u, f_v = plan
    levels = 1 + _depth(zx.shape[0], zy.shape[0], x.shape[1], opts)
    rows, cols = cell_pairs(f_rows, f_cols, ox, oy, sx, sy)
    basis = None
    if refine:
        assert sx == sy, "refine_basis splits cells of one size"
        basis = refine_basis(a, b, ox, oy, sx, f_rows, f_cols, f_mass)
    return rows, cols, levels, basis, (f_u[cx], f_v[cy])


def _depth(n: int, m: int, d: int, opts: SparseOptions) -> int:
    depth = 1
    while opts.coarsens(n, m, d):
        n, m, depth = -(-n // opts.cell_size), -(-m // opts.cell_size), depth + 1
    return depth
