r"""Exact W1 between large point clouds without the dense cost matrix.

The dense network simplex needs the :math:`n \times m` cost matrix (8 n m bytes: 20 GB
at n = m = 50,000). This module solves the same linear program on a sparse set of
candidate edges and proves the answer optimal for *all* pairs, by column generation:

1. **Candidates.** Each point's ``k_neighbors`` nearest neighbours in the other cloud
   (after subtracting each cloud's mean), the edges of a coarse plan (the clouds are
   grouped into cells of ``cell_size`` spatially close points, the coarse problem
   between the cells is solved recursively, and every pair of points between two cells
   that exchange mass becomes an edge), and a feasible coupling: the north-west-corner
   (monotone) plan of the projections onto the principal axis, so the sparse problem
   always has a solution, whatever the weights.
2. **Solve** on the candidate edges with POT's network simplex (scipy.sparse cost),
   warm-started from the previous round's dual potentials.
3. **Price.** A pair is *violated* when its reduced cost
   :math:`c_{ij} - u_i - v_j < -\tau`. Each round first checks each point's
   ``local_neighbors`` nearest neighbours and, for every pair (i, j) of the current plan,
   the 16 points nearest to :math:`y_j` against i and those nearest to :math:`x_i` against
   j (the most violated of each list joins the candidates); when none of those is
   violated, it checks all
   :math:`n m` pairs in blocks of rows, skipping a block of columns :math:`J` for a row
   :math:`i` when the lower bound
   :math:`c_{ij} - u_i - v_j \ge \|x_i - z_J\| - \max_{j \in J}(\|y_j - z_J\| + v_j) - u_i`
   (triangle inequality, :math:`z_J` the centre of the block) is non-negative. The four
   most violated pairs of every row and the most violated pair of every column join the
   candidates. A coarse level runs the same loop (it only has no certificate to return).
4. **Stop** when no pair of the full problem is violated: the potentials are then
   feasible for the full dual, the plan for the full primal, and equal objectives prove
   both optimal. The last scan measured the largest violation over all pairs exactly
   (skipped pairs have a non-negative reduced cost), which is the certificate's
   ``dual_infeasibility``.

The pricing tolerance is :math:`\tau = 5 \times 10^{-10} \times` the largest ground cost,
half of :data:`~distances.wasserstein.CERTIFICATE_RTOL`: a value certified this way is
within :math:`\tau` of the optimum (lower every :math:`u_i` by the largest violation to get
an exactly feasible dual). It is not smaller because the simplex potentials carry
round-off of about :math:`2 \times 10^{-10}` of the cost scale at n = 20,000 (sums along
paths of the spanning tree): with :math:`\tau = 10^{-10}` the loop kept adding pairs that
were "violated" by round-off only, for a hundred rounds. For the same reason the loop also
stops when a full scan finds only violations below 0.8 times the certificate's tolerance
and the pairs added since the previous full scan did not lower the value. If the loop does
not certify, :class:`~distances.wasserstein.SolverError` is raised; no value is returned
unproven.

The plan of a sparse solution is a ``scipy.sparse.csr_array`` of shape (n, m).

References
----------
.. [1] Schmitzer, B. (2016). A sparse multiscale algorithm for dense optimal transport.
   Journal of Mathematical Imaging and Vision, 56(2), 238-259.
.. [2] Bonneel, N., van de Panne, M., Paris, S., Heidrich, W. (2011). Displacement
   interpolation using Lagrangian mass transport. ACM TOG 30(6), 158.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, replace

import numpy as np
import ot
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray
from scipy.spatial import ConvexHull, QhullError, cKDTree
from scipy.spatial.distance import cdist

from ._validation import as_atoms, as_weights, check_same_dim
from .wasserstein import (
    CERTIFICATE_RTOL,
    Certificate,
    EarthMoverSolution,
    SolverError,
    _retry_at_limit,
)

try:  # POT >= 0.9.6: the sparse network simplex with a dual warm start
    from ot.lp.emd_wrap import emd_c_sparse as _emd_c_sparse
except ImportError:  # pragma: no cover - exercised only with an older POT
    _emd_c_sparse = None

__all__ = ["PRICING_RTOL", "SparseResult", "solve_sparse"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

#: Pricing tolerance relative to the largest ground cost: a pair with reduced cost below
#: ``-PRICING_RTOL * cost_scale`` is a violation and joins the candidate edges.
PRICING_RTOL = 0.5 * CERTIFICATE_RTOL

_DEFAULT_MAX_ITER = 1_000_000
_BLOCK_ELEMENTS = 1 << 22  # entries of one block of reduced costs (32 MB)
_COLUMN_BLOCK = 64  # points per block of columns in the pruning bound
_PER_ROW = 4  # violated pairs per row that a full scan adds (the most violated ones)
_PLAN_NEIGHBORS = 16  # neighbours of each end of a plan pair checked by the local pricing


@dataclass(frozen=True)
class SparseResult:
    """A certified sparse solution and how the column generation got there.

    Attributes
    ----------
    solution : EarthMoverSolution
        ``method == "sparse"``; ``plan`` is a ``scipy.sparse.csr_array``.
    rounds : int
        Network-simplex solves on the finest level.
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


@dataclass
class _Stats:
    rounds: int = 0
    full_scans: int = 0
    pairs_priced: int = 0


def solve_sparse(
    x: ArrayLike,
    y: ArrayLike,
    a: ArrayLike | None = None,
    b: ArrayLike | None = None,
    *,
    k_neighbors: int = 8,
    local_neighbors: int = 48,
    cell_size: int = 4,
    coarsen_above: int = 500,
    max_rounds: int = 500,
    max_iter: int = _DEFAULT_MAX_ITER,
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
    coarsen_above : int, default 500
        Solve a coarse problem first when both clouds have more points than this.
    max_rounds : int, default 500
        Rounds of solve-and-price before :class:`SolverError` is raised.
    max_iter : int, default 1_000_000
        Iteration limit of each network-simplex solve; a solve that reaches it is retried
        twice, each time with ten times the limit, then :class:`SolverError` is raised.

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
    for name, value, low in (
        ("k_neighbors", k_neighbors, 1),
        ("local_neighbors", local_neighbors, 1),
        ("cell_size", cell_size, 0),
        ("coarsen_above", coarsen_above, 1),
        ("max_rounds", max_rounds, 1),
        ("max_iter", max_iter, 1),
    ):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
            raise ValueError(f"{name} must be an integer >= {low}; got {value!r}")
    opts = _Options(k_neighbors, local_neighbors, cell_size, coarsen_above, max_rounds, max_iter)
    f = _scale_factor(xs, ys)
    res = _solve_with_null_weights(xs / f, ys / f, wa, wb, opts)
    return _rescaled(res, f, xs, ys)


def _scale_factor(x: FloatArray, y: FloatArray) -> float:
    """A power of two f with the largest cost of the problem (x / f, y / f) in [0.5, 1).

    Dividing by a power of two is exact, so the solver sees the same problem at a scale
    where POT's absolute round-off (~1e-17) is far below the certificate tolerance, and
    squared distances can neither overflow nor underflow.
    """
    big = max(float(np.abs(x).max()), float(np.abs(y).max()))
    if big == 0.0:
        return 1.0
    e1 = math.frexp(big)[1]
    cost = _cost_scale(np.ldexp(x, -e1), np.ldexp(y, -e1))
    e2 = math.frexp(cost)[1] if cost > 0 else 0
    return math.ldexp(1.0, e1 + e2)


def _rescaled(res: SparseResult, f: float, x: FloatArray, y: FloatArray) -> SparseResult:
    s, c = res.solution, res.solution.certificate
    if f == 1.0:
        return replace(res, solution=replace(s, x=x, y=y))
    cert = Certificate(c.marginal_error, c.dual_infeasibility * f, c.duality_gap * f,
                       c.cost_scale * f)
    sol = replace(s, value=s.value * f, u=s.u * f, v=s.v * f, certificate=cert, x=x, y=y)
    return replace(res, solution=sol)


def _weights(w: ArrayLike | None, n: int, name: str) -> FloatArray:
    if w is None:
        return np.full(n, 1.0 / n)
    arr = as_weights(w, name)
    if arr.shape[0] != n:
        raise ValueError(f"{name} must have one weight per point; got {arr.shape[0]} and {n}")
    total = float(arr.sum())
    return arr if total == 1.0 else arr / total


@dataclass(frozen=True)
class _Options:
    k_neighbors: int
    local_neighbors: int
    cell_size: int
    coarsen_above: int
    max_rounds: int
    max_iter: int


# -- null weights: solve on the atoms with mass, extend the potentials by c-transforms ---


def _solve_with_null_weights(
    x: FloatArray, y: FloatArray, a: FloatArray, b: FloatArray, opts: _Options
) -> SparseResult:
    rows, cols = np.flatnonzero(a > 0), np.flatnonzero(b > 0)
    if rows.size == a.size and cols.size == b.size:
        return _solve_full(x, y, a, b, opts)
    sub = _solve_full(x[rows], y[cols], a[rows], b[cols], opts)
    s = sub.solution
    u, v = np.empty(a.size), np.empty(b.size)
    u[rows], v[cols] = s.u, s.v
    # An atom without mass does not enter the objective: give it the largest feasible
    # potential, the c-transform (u_i = min_j c_ij - v_j), which is feasible by construction.
    zero_rows = np.setdiff1d(np.arange(a.size), rows)
    if zero_rows.size:
        u[zero_rows] = _c_transform(x[zero_rows], y[cols], v[cols])
    zero_cols = np.setdiff1d(np.arange(b.size), cols)
    if zero_cols.size:
        v[zero_cols] = _c_transform(y[zero_cols], x, u)
    plan = _embed(s.plan, rows, cols, a.size, b.size)
    # The new pairs are feasible by construction up to round-off; measure it.
    extra = 0.0
    if zero_rows.size:
        extra = max(extra, _max_violation(x[zero_rows], y[cols], u[zero_rows], v[cols]))
    if zero_cols.size:
        extra = max(extra, _max_violation(x, y[zero_cols], u, v[zero_cols]))
    c = s.certificate
    gap = abs(s.value - float(a @ u + b @ v))
    cert = Certificate(c.marginal_error, max(c.dual_infeasibility, extra), gap, _cost_scale(x, y))
    if not cert.ok:
        raise SolverError(f"sparse solver: extension to atoms without mass failed: {cert}")
    sol = EarthMoverSolution(s.value, plan, u, v, cert, a, b, x, y, "sparse")
    return SparseResult(sol, sub.rounds, sub.full_scans, sub.edges, sub.pairs_priced, sub.levels)


def _embed(plan: sp.csr_array, rows: IntArray, cols: IntArray, n: int, m: int) -> sp.csr_array:
    coo = plan.tocoo()
    return sp.csr_array((coo.data, (rows[coo.row], cols[coo.col])), shape=(n, m))


def _c_transform(x: FloatArray, y: FloatArray, v: FloatArray) -> FloatArray:
    """min_j ||x_i - y_j|| - v_j for every i, a block of rows at a time."""
    out = np.empty(x.shape[0])
    step = max(1, _BLOCK_ELEMENTS // y.shape[0])
    for s in range(0, x.shape[0], step):
        block = cdist(x[s : s + step], y)
        block -= v
        out[s : s + step] = block.min(axis=1)
    return out


def _max_violation(x: FloatArray, y: FloatArray, u: FloatArray, v: FloatArray) -> float:
    worst = 0.0
    step = max(1, _BLOCK_ELEMENTS // y.shape[0])
    for s in range(0, x.shape[0], step):
        block = cdist(x[s : s + step], y)
        block -= u[s : s + step, None]
        block -= v
        worst = max(worst, -float(block.min()))
    return worst


# -- the column-generation loop --------------------------------------------------------


class _EdgeSet:
    """A growing set of candidate edges (i, j), kept as sorted keys i * m + j."""

    def __init__(self, m: int) -> None:
        self.m = m
        self.keys: IntArray = np.empty(0, dtype=np.int64)

    def new(self, rows: IntArray, cols: IntArray) -> IntArray:
        """The keys of the given pairs that are not yet in the set (sorted, unique)."""
        keys = np.unique(rows.astype(np.int64) * self.m + cols)
        return keys[~_isin_sorted(keys, self.keys)]

    def add(self, keys: IntArray) -> None:
        """Insert new keys (sorted, unique, none already present), keeping the order."""
        self.keys = np.insert(self.keys, np.searchsorted(self.keys, keys), keys)

    @property
    def rows(self) -> IntArray:
        return self.keys // self.m

    @property
    def cols(self) -> IntArray:
        return self.keys % self.m


def _isin_sorted(keys: IntArray, sorted_keys: IntArray) -> NDArray[np.bool_]:
    if sorted_keys.size == 0:
        return np.zeros(keys.shape, dtype=bool)
    pos = np.minimum(np.searchsorted(sorted_keys, keys), sorted_keys.size - 1)
    return sorted_keys[pos] == keys


@dataclass(frozen=True)
class _Flow:
    rows: IntArray
    cols: IntArray
    mass: FloatArray
    u: FloatArray
    v: FloatArray


def _pair_cost(x: FloatArray, y: FloatArray, rows: IntArray, cols: IntArray) -> FloatArray:
    diff = x[rows] - y[cols]
    return np.sqrt(np.einsum("ij,ij->i", diff, diff))


def _solve_full(
    x: FloatArray,
    y: FloatArray,
    a: FloatArray,
    b: FloatArray,
    opts: _Options,
    *,
    seed_only: bool = False,
) -> SparseResult | _Flow:
    """Column generation on atoms with positive mass. ``seed_only=True`` (the coarse
    levels, whose plan only seeds the candidates of the next finer level) returns the last
    flow instead of certifying it or raising when ``max_rounds`` is reached."""
    n, m = x.shape[0], y.shape[0]
    scale = _cost_scale(x, y)
    tol = PRICING_RTOL * max(scale, np.finfo(float).tiny)
    edges = _EdgeSet(m)
    local = _LocalLists(x, y, a, b, opts.local_neighbors)
    k = min(opts.k_neighbors, local.k_rows, local.k_cols)
    mono_rows, mono_cols = _monotone_pairs(x, y, a, b)
    seed_rows = [np.repeat(np.arange(n), k), local.rows[:, :k].ravel(), mono_rows]
    seed_cols = [local.cols[:, :k].ravel(), np.repeat(np.arange(m), k), mono_cols]
    warm, levels = None, 1
    if opts.cell_size >= 2 and min(n, m) > opts.coarsen_above:
        cr, cc, levels = _coarse_seed(x, y, a, b, opts)
        seed_rows.append(cr)
        seed_cols.append(cc)
    edges.add(edges.new(np.concatenate(seed_rows), np.concatenate(seed_cols)))
    stats = _Stats()
    worst = -np.inf
    last_scan_value = np.inf
    for _ in range(opts.max_rounds):
        stats.rounds += 1
        flow = _network_simplex(x, y, a, b, edges, warm, opts.max_iter)
        warm = (flow.u, flow.v)
        new = edges.new(*local.violations(flow, tol))
        if new.size == 0:
            stats.full_scans += 1
            rows, cols, worst, priced = _price_all(x, y, flow.u, flow.v, tol)
            stats.pairs_priced += priced
            new = edges.new(rows, cols)
            value = float(flow.mass @ _pair_cost(x, y, flow.rows, flow.cols))
            # Round-off floor: the remaining violations are within the certificate's
            # tolerance and the pairs added since the last scan did not lower the value.
            stalled = -worst <= 0.8 * CERTIFICATE_RTOL * scale and value >= last_scan_value
            last_scan_value = value
            if (new.size == 0 or stalled) and seed_only:
                return flow
            if new.size == 0 or stalled:
                return _certified(x, y, a, b, flow, max(0.0, -worst), scale, edges, stats, levels)
        edges.add(new)
    if seed_only:
        return flow
    raise SolverError(
        f"sparse solver did not certify optimality within max_rounds={opts.max_rounds} "
        f"({edges.keys.size} edges; largest violation {max(0.0, -worst):.3g})"
    )


def _certified(
    x: FloatArray,
    y: FloatArray,
    a: FloatArray,
    b: FloatArray,
    flow: _Flow,
    infeasibility: float,
    scale: float,
    edges: _EdgeSet,
    stats: _Stats,
    levels: int,
) -> SparseResult:
    n, m = a.size, b.size
    plan = sp.csr_array((flow.mass, (flow.rows, flow.cols)), shape=(n, m))
    value = float(flow.mass @ _pair_cost(x, y, flow.rows, flow.cols))
    marginal = max(
        float(np.abs(np.asarray(plan.sum(axis=1)).ravel() - a).max()),
        float(np.abs(np.asarray(plan.sum(axis=0)).ravel() - b).max()),
        float(max(0.0, -flow.mass.min(initial=0.0))),
    )
    gap = abs(value - float(a @ flow.u + b @ flow.v))
    cert = Certificate(marginal, infeasibility, gap, scale)
    if not cert.ok:
        raise SolverError(f"sparse solver: the final solution fails its certificate: {cert}")
    sol = EarthMoverSolution(value, plan, flow.u, flow.v, cert, a, b, x, y, "sparse")
    return SparseResult(
        sol, stats.rounds, stats.full_scans, int(edges.keys.size), stats.pairs_priced, levels
    )


def _network_simplex(
    x: FloatArray,
    y: FloatArray,
    a: FloatArray,
    b: FloatArray,
    edges: _EdgeSet,
    warm: tuple[FloatArray, FloatArray] | None,
    max_iter: int,
) -> _Flow:
    rows, cols = edges.rows, edges.cols
    cost = _pair_cost(x, y, rows, cols)
    b = b * (a.sum() / b.sum())  # equal masses to the last bit, as POT's emd does
    (fr, fc, fm, u, v), code = _retry_at_limit(
        lambda limit: _split_code(_sparse_emd(a, b, rows, cols, cost, limit, warm)),
        max_iter,
        "sparse network simplex",
    )
    if code != 1:
        raise SolverError(f"sparse network simplex failed with result code {code}")
    fm = np.asarray(fm, dtype=float)
    keep = fm > 0
    u, v = np.asarray(u, dtype=float), np.asarray(v, dtype=float)
    # The raw potentials carry an arbitrary common offset (u + t, v - t), of the size of
    # the solver's big-M cost: remove it (a . u = b . v) so no round-off is lost to it.
    shift = (b @ v - a @ u) / 2
    return _Flow(
        np.asarray(fr, dtype=np.int64)[keep],
        np.asarray(fc, dtype=np.int64)[keep],
        fm[keep],
        u + shift,
        v - shift,
    )


def _split_code(out: tuple) -> tuple[tuple, int]:
    """(flows and potentials, result code) from :func:`_sparse_emd`'s 6-tuple."""
    return out[:5], int(out[5])


def _sparse_emd(
    a: FloatArray,
    b: FloatArray,
    rows: IntArray,
    cols: IntArray,
    cost: FloatArray,
    limit: int,
    warm: tuple[FloatArray, FloatArray] | None,
) -> tuple[IntArray, IntArray, FloatArray, FloatArray, FloatArray, int]:
    """POT's sparse network simplex. ``ot.emd`` ignores ``potentials_init`` for a sparse
    cost (POT 0.9.7), so its C entry point is called directly to get the warm start."""
    if _emd_c_sparse is not None:
        init = () if warm is None else warm
        fr, fc, fm, _, u, v, code = _emd_c_sparse(
            a, b, rows.astype(np.uint64), cols.astype(np.uint64), cost, limit, *init
        )
        return fr, fc, fm, u, v, int(code)
    with warnings.catch_warnings():  # pragma: no cover - older POT: no warm start
        warnings.simplefilter("ignore", UserWarning)
        plan, log = ot.emd(a, b, sp.coo_matrix((cost, (rows, cols)), shape=(a.size, b.size)),
                           numItermax=limit, log=True, center_dual=False)
    return plan.row, plan.col, plan.data, log["u"], log["v"], int(log["result_code"])


# -- candidate edges -------------------------------------------------------------------


class _LocalLists:
    """Cheap pricing before a full scan: each point's nearest neighbours in the other cloud
    after aligning the means, and the neighbours of the current plan's pairs (for a pair
    (i, j) of the plan, i against the points nearest to y_j and j against those nearest
    to x_i), where the near-ties of a degenerate transport problem sit."""

    def __init__(self, x: FloatArray, y: FloatArray, a: FloatArray, b: FloatArray, k: int):
        self.x, self.y = x, y
        self.near_x = _query(cKDTree(x), x, min(_PLAN_NEIGHBORS, x.shape[0]))
        self.near_y = _query(cKDTree(y), y, min(_PLAN_NEIGHBORS, y.shape[0]))
        xc, yc = x - a @ x, y - b @ y
        self.k_rows, self.k_cols = min(k, y.shape[0]), min(k, x.shape[0])
        self.cols = _query(cKDTree(yc), xc, self.k_rows)  # (n, k): columns near row i
        self.rows = _query(cKDTree(xc), yc, self.k_cols)  # (m, k): rows near column j
        n, m = x.shape[0], y.shape[0]
        self.cost_r = _pair_cost(x, y, np.repeat(np.arange(n), self.k_rows), self.cols.ravel())
        self.cost_r = self.cost_r.reshape(n, self.k_rows)
        self.cost_c = _pair_cost(x, y, self.rows.ravel(), np.repeat(np.arange(m), self.k_cols))
        self.cost_c = self.cost_c.reshape(m, self.k_cols)

    def violations(self, flow: _Flow, tol: float) -> tuple[IntArray, IntArray]:
        """The most violated listed pair of every row, of every column and of every pair
        of the plan."""
        u, v = flow.u, flow.v
        r = self.cost_r - u[:, None] - v[self.cols]
        best = r.argmin(axis=1)
        i1 = np.flatnonzero(r[np.arange(r.shape[0]), best] < -tol)
        c = self.cost_c - u[self.rows] - v[:, None]
        best_c = c.argmin(axis=1)
        j2 = np.flatnonzero(c[np.arange(c.shape[0]), best_c] < -tol)
        rows = [i1, self.rows[j2, best_c[j2]]]
        cols = [self.cols[i1, best[i1]], j2]
        pi, pj = flow.rows, flow.cols
        pairs = ((pi[:, None], self.near_y[pj]), (self.near_x[pi], pj[:, None]))
        for near_rows, near_cols in pairs:
            ii, jj = np.broadcast_arrays(near_rows, near_cols)
            red = _pair_cost(self.x, self.y, ii.ravel(), jj.ravel()).reshape(ii.shape)
            red -= u[ii]
            red -= v[jj]
            k = red.argmin(axis=1)
            hit = red[np.arange(k.size), k] < -tol
            rows.append(ii[hit, k[hit]])
            cols.append(jj[hit, k[hit]])
        return np.concatenate(rows), np.concatenate(cols)


def _query(tree: cKDTree, points: FloatArray, k: int) -> IntArray:
    _, idx = tree.query(points, k=k)
    return np.asarray(idx, dtype=np.int64).reshape(points.shape[0], k)


def _monotone_pairs(
    x: FloatArray, y: FloatArray, a: FloatArray, b: FloatArray
) -> tuple[IntArray, IntArray]:
    """Edges of the monotone (north-west corner) plan of the projections on the principal
    axis: a feasible coupling, so the sparse problem always has a solution. Pieces whose
    cumulative masses meet within round-off are all linked, so the edge set holds the
    exact-arithmetic plan too."""
    pooled = np.concatenate([x - a @ x, y - b @ y])
    _, _, vt = np.linalg.svd(pooled[:: max(1, pooled.shape[0] // 4096)], full_matrices=False)
    ox, oy = np.argsort(x @ vt[0], kind="stable"), np.argsort(y @ vt[0], kind="stable")
    p_hi = np.cumsum(a[ox])
    p_lo = p_hi - a[ox]
    q_hi = np.cumsum(b[oy])
    eps = 1e-12
    first = np.searchsorted(q_hi, p_lo - eps, side="right")
    last = np.minimum(np.searchsorted(q_hi, p_hi + eps, side="left"), y.shape[0] - 1)
    first = np.minimum(first, last)
    count = last - first + 1
    piece = np.repeat(np.arange(x.shape[0]), count)
    offset = np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
    return ox[piece], oy[first[piece] + offset]


def _cells(x: FloatArray, size: int) -> tuple[IntArray, IntArray]:
    """Group the points into cells of ``size`` consecutive points in k-d tree order."""
    order = np.asarray(cKDTree(x, leafsize=size).indices, dtype=np.int64)
    cell = np.empty(x.shape[0], dtype=np.int64)
    cell[order] = np.arange(x.shape[0]) // size
    return order, cell


def _coarse_seed(
    x: FloatArray, y: FloatArray, a: FloatArray, b: FloatArray, opts: _Options
) -> tuple[IntArray, IntArray, int]:
    """Solve the problem between cells (recursively) and link every pair of points of two
    cells that exchange mass. (The coarse potentials are not used as a warm start: measured
    at n = 50,000, the first fine solve took twice as long with them.)"""
    s = opts.cell_size
    ox, cx = _cells(x, s)
    oy, cy = _cells(y, s)
    ma, mb = np.bincount(cx, weights=a), np.bincount(cy, weights=b)
    zx = np.stack([np.bincount(cx, weights=a * x[:, d]) for d in range(x.shape[1])], 1)
    zy = np.stack([np.bincount(cy, weights=b * y[:, d]) for d in range(y.shape[1])], 1)
    zx, zy = zx / ma[:, None], zy / mb[:, None]
    flow = _solve_full(zx, zy, ma, mb, opts, seed_only=True)
    assert isinstance(flow, _Flow)
    levels = 1 + _depth(zx.shape[0], zy.shape[0], opts)
    p = np.arange(s)
    ri = flow.rows[:, None] * s + p  # positions in k-d order, (E, s)
    ci = flow.cols[:, None] * s + p
    rows = np.broadcast_to(ri[:, :, None], (ri.shape[0], s, s))
    cols = np.broadcast_to(ci[:, None, :], (ci.shape[0], s, s))
    ok = (rows < x.shape[0]) & (cols < y.shape[0])
    return ox[rows[ok]], oy[cols[ok]], levels


def _depth(n: int, m: int, opts: _Options) -> int:
    depth = 1
    while opts.cell_size >= 2 and min(n, m) > opts.coarsen_above:
        n, m, depth = -(-n // opts.cell_size), -(-m // opts.cell_size), depth + 1
    return depth


# -- pricing all pairs -----------------------------------------------------------------


def _price_all(
    x: FloatArray, y: FloatArray, u: FloatArray, v: FloatArray, tol: float
) -> tuple[IntArray, IntArray, float, int]:
    """Scan every pair for a reduced cost below ``-tol``.

    Returns the most violated pair of every violated row and column, the smallest
    reduced cost found (exact over all pairs when negative: a skipped pair's reduced
    cost is bounded below by ``tol > 0``) and the number of pairs evaluated.
    """
    n, m = x.shape[0], y.shape[0]
    blocks = _ColumnBlocks(y, v)
    step = max(8, _BLOCK_ELEMENTS // m)
    order = np.asarray(cKDTree(x, leafsize=16).indices, dtype=np.int64)
    col_best = np.full(m, np.inf)
    col_arg = np.zeros(m, dtype=np.int64)
    out_rows, out_cols = [], []
    worst, priced = np.inf, 0
    for s in range(0, n, step):
        rows = order[s : s + step]
        cols = blocks.candidates(x[rows], u[rows], tol)
        if cols.size == 0:
            continue
        r = cdist(x[rows], y[cols])
        r -= u[rows, None]
        r -= v[cols]
        priced += r.size
        row_min = r.min(axis=1)
        worst = min(worst, float(row_min.min()))
        violated = np.flatnonzero(row_min < -tol)
        if violated.size:  # the _PER_ROW most violated pairs of each violated row
            rv = r[violated]
            if cols.size > _PER_ROW:
                jj = np.argpartition(rv, _PER_ROW - 1, axis=1)[:, :_PER_ROW]
            else:
                jj = np.broadcast_to(np.arange(cols.size), rv.shape)
            hit = np.take_along_axis(rv, jj, axis=1) < -tol
            out_rows.append(np.broadcast_to(rows[violated, None], jj.shape)[hit])
            out_cols.append(cols[jj[hit]])
        ii = r.argmin(axis=0)
        cmin = r[ii, np.arange(cols.size)]
        better = cmin < col_best[cols]
        col_best[cols[better]] = cmin[better]
        col_arg[cols[better]] = rows[ii[better]]
    hit_cols = np.flatnonzero(col_best < -tol)
    out_rows.append(col_arg[hit_cols])
    out_cols.append(hit_cols)
    return np.concatenate(out_rows), np.concatenate(out_cols), worst, priced


class _ColumnBlocks:
    """Blocks of nearby columns with a lower bound on the reduced costs of a row against
    a whole block: c_ij - u_i - v_j >= |x_i - z_J| - max_J(|y_j - z_J| + v_j) - u_i."""

    def __init__(self, y: FloatArray, v: FloatArray) -> None:
        self.order = np.asarray(cKDTree(y, leafsize=_COLUMN_BLOCK).indices, dtype=np.int64)
        starts = np.arange(0, y.shape[0], _COLUMN_BLOCK)
        ys = y[self.order]
        lo = np.minimum.reduceat(ys, starts, axis=0)
        hi = np.maximum.reduceat(ys, starts, axis=0)
        self.centre = (lo + hi) / 2
        self.sizes = np.diff(np.append(starts, y.shape[0]))
        radius = np.linalg.norm(ys - np.repeat(self.centre, self.sizes, axis=0), axis=1)
        self.reach = np.maximum.reduceat(radius + v[self.order], starts)

    def candidates(self, xr: FloatArray, ur: FloatArray, tol: float) -> IntArray:
        bound = cdist(xr, self.centre)
        bound -= self.reach
        bound -= ur[:, None]
        keep = (bound < tol).any(axis=0)
        return self.order[np.repeat(keep, self.sizes)]


def _cost_scale(x: FloatArray, y: FloatArray) -> float:
    """The largest ground cost max_ij |x_i - y_j|, attained at vertices of the convex hulls
    (computed in 2-D and 3-D; otherwise every pair is scanned, a block of rows at a time)."""
    hx, hy = _hull_points(x), _hull_points(y)
    step = max(1, _BLOCK_ELEMENTS // hy.shape[0])
    return max(float(cdist(hx[s : s + step], hy).max()) for s in range(0, hx.shape[0], step))


def _hull_points(x: FloatArray) -> FloatArray:
    n, d = x.shape
    if d == 1:
        return np.array([x.min(axis=0), x.max(axis=0)])
    if 2 <= d <= 3 and n > 16:
        try:
            return x[ConvexHull(x).vertices]
        except QhullError:  # degenerate (e.g. collinear) clouds: use every point
            pass
    return x
