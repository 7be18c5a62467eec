"""Candidate edges and pricing for the sparse certified W1 solver (:mod:`distances.sparse_w1`).

The pieces of the column generation that look at the point clouds: the growing set of
candidate edges, the cheap local pricing (nearest-neighbour lists), the seeds (nearest
neighbours, the monotone plan of the projections, cells for the coarse level), and the
c-transform that extends potentials to atoms without mass. The scan of all pairs is
compiled, in :mod:`distances.transport._pricing`. Private module; see :mod:`distances.sparse_w1` for
the algorithm.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.spatial import ConvexHull, QhullError, cKDTree
from scipy.spatial.distance import cdist

from ._problem import Certificate, EarthMoverSolution, SolverError

__all__ = [
    "Flow",
    "LocalLists",
    "aligned",
    "bulk_moments",
    "c_transform",
    "cells",
    "cost_scale",
    "embed",
    "extend_to_null_weights",
    "max_violation",
    "monotone_orders",
    "monotone_tree",
    "nearest_pairs",
    "pair_cost",
    "principal_axis",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

_BLOCK_ELEMENTS = 1 << 22  # entries of one block of reduced costs (32 MB)


def c_transform(v: FloatArray, y: FloatArray, points: FloatArray) -> FloatArray:
    """min_j ||points_i - y_j|| - v_j for every point, a block of points at a time (the
    argument order of :func:`distances.lipschitz.c_transform`)."""
    out = np.empty(points.shape[0])
    step = max(1, _BLOCK_ELEMENTS // y.shape[0])
    for s in range(0, points.shape[0], step):
        block = cdist(points[s : s + step], y)
        block -= v
        out[s : s + step] = block.min(axis=1)
    return out


def extend_to_null_weights(
    s: EarthMoverSolution, x: FloatArray, y: FloatArray, a: FloatArray, b: FloatArray,
    rows: IntArray, cols: IntArray, largest: float,
) -> EarthMoverSolution:
    r"""The solution ``s`` between the atoms with mass (``x[rows]``, ``y[cols]``) extended
    to all atoms: the plan embedded, and each atom without mass given the largest feasible
    potential, the c-transform (:math:`u_i = \min_j c_{ij} - v_j`), which does not enter
    the objective. ``largest``: the largest ground cost of all atoms. Re-certified; raises
    :class:`~distances.SolverError` if the extension fails its certificate."""
    u, v = np.empty(a.size), np.empty(b.size)
    u[rows], v[cols] = s.u, s.v
    zero_rows = np.setdiff1d(np.arange(a.size), rows)
    if zero_rows.size:
        u[zero_rows] = c_transform(v[cols], y[cols], x[zero_rows])
    zero_cols = np.setdiff1d(np.arange(b.size), cols)
    if zero_cols.size:
        v[zero_cols] = c_transform(u, x, y[zero_cols])
    plan = embed(s.plan, rows, cols, a.size, b.size)
    # The new pairs are feasible by construction up to round-off; measure it.
    extra = 0.0
    if zero_rows.size:
        extra = max(extra, max_violation(x[zero_rows], y[cols], u[zero_rows], v[cols]))
    if zero_cols.size:
        extra = max(extra, max_violation(x, y[zero_cols], u, v[zero_cols]))
    c = s.certificate
    gap = abs(s.value - float(a @ u + b @ v))
    plan_scale = max(c.value_scale, float(np.abs(u).max()), float(np.abs(v).max()))
    cert = Certificate(
        c.marginal_error, max(c.dual_infeasibility, extra), gap, largest, plan_scale
    )
    if not cert.ok:
        raise SolverError(f"sparse solver: extension to atoms without mass failed: {cert}")
    return EarthMoverSolution(s.value, plan, u, v, cert, a, b, x, y, "sparse")


def max_violation(x: FloatArray, y: FloatArray, u: FloatArray, v: FloatArray) -> float:
    worst = 0.0
    step = max(1, _BLOCK_ELEMENTS // y.shape[0])
    for s in range(0, x.shape[0], step):
        block = cdist(x[s : s + step], y)
        block -= u[s : s + step, None]
        block -= v
        worst = max(worst, -float(block.min()))
    return worst



@dataclass(frozen=True)
class Flow:
    rows: IntArray
    cols: IntArray
    mass: FloatArray
    u: FloatArray
    v: FloatArray


def pair_cost(x: FloatArray, y: FloatArray, rows: IntArray, cols: IntArray) -> FloatArray:
    diff = x[rows] - y[cols]
    return np.sqrt(np.einsum("ij,ij->i", diff, diff))



class LocalLists:
    """Cheap pricing before a full scan: each point's nearest neighbours in the other cloud
    after aligning the means, and the neighbours of the current plan's pairs (for a pair
    (i, j) of the plan, i against the points nearest to y_j and j against those nearest
    to x_i), where the near-ties of a degenerate transport problem sit."""

    def __init__(self, x: FloatArray, y: FloatArray, a: FloatArray, b: FloatArray, k: int,
                 plan_neighbors: int) -> None:
        self.x, self.y = x, y
        self.near_x = _query(cKDTree(x), x, min(plan_neighbors, x.shape[0]))
        self.near_y = _query(cKDTree(y), y, min(plan_neighbors, y.shape[0]))
        xc, yc = x - a @ x, y - b @ y
        self.k_rows, self.k_cols = min(k, y.shape[0]), min(k, x.shape[0])
        self.cols = _query(cKDTree(yc), xc, self.k_rows)  # (n, k): columns near row i
        self.rows = _query(cKDTree(xc), yc, self.k_cols)  # (m, k): rows near column j
        n, m = x.shape[0], y.shape[0]
        self.cost_r = pair_cost(x, y, np.repeat(np.arange(n), self.k_rows), self.cols.ravel())
        self.cost_r = self.cost_r.reshape(n, self.k_rows)
        self.cost_c = pair_cost(x, y, self.rows.ravel(), np.repeat(np.arange(m), self.k_cols))
        self.cost_c = self.cost_c.reshape(m, self.k_cols)


def nearest_pairs(
    x: FloatArray, y: FloatArray, a: FloatArray, b: FloatArray, k: int,
    cost: FloatArray | None = None, orders: tuple[IntArray, IntArray] | None = None,
    brute_force_pairs: int = 1 << 19, bulk_radius: float = 3.0, aligned_max_d: int = 3,
) -> tuple[IntArray, IntArray]:
    """Each point's k nearest neighbours in the other cloud after aligning the clouds'
    Gaussian approximations (:func:`aligned`), as (rows, columns) pairs, both directions.
    Above 3-D, given the cost matrix, the neighbours are read from it instead (the
    clouds not aligned), unless there are at most ``brute_force_pairs`` pairs in at most
    ``aligned_max_d`` dimensions. Up to ``brute_force_pairs`` pairs they are found by
    brute force (compiled), visiting the points in ``orders`` (e.g. k-d tree order:
    faster) if given."""
    n, m = x.shape[0], y.shape[0]
    kr, kc = min(k, m), min(k, n)
    d = x.shape[1]
    # (above 3-D k-d trees degrade to brute force; the alignment's cost grows with d)
    if cost is not None and d > 3 and (d > aligned_max_d or n * m > brute_force_pairs):
        from ._nearest import nearest_in_matrix  # compiled: one pass over the cost matrix

        cols, rows = nearest_in_matrix(cost, kr, kc)
    else:
        xc, yc = aligned(x, y, a, b, bulk_radius)
        if n * m <= brute_force_pairs:
            from ._nearest import nearest_points  # compiled

            ox, oy = (np.arange(n), np.arange(m)) if orders is None else orders
            # (unchecked: the orders are cells()'s permutations or the identity, kr and kc
            # within the sizes)
            cols, rows = nearest_points(xc, yc, kr, kc, ox, oy, check=False)
        else:
            cols = _query(cKDTree(yc), xc, kr)
            rows = _query(cKDTree(xc), yc, kc)
    return (np.concatenate([np.repeat(np.arange(n), kr), rows.ravel()]),
            np.concatenate([cols.ravel(), np.repeat(np.arange(m), kc)]))


def aligned(
    x: FloatArray, y: FloatArray, a: FloatArray, b: FloatArray, bulk_radius: float = 3.0
) -> tuple[FloatArray, FloatArray]:
    """The clouds centred, and x moved by the optimal transport map between the two
    clouds' Gaussian approximations (the linear map A with A S_x A = S_y, S the weighted
    covariances), so that nearest neighbours are likelier partners. The seeds of a
    stretched cloud, or of clusters against one Gaussian, then need fewer rounds
    (``benchmarks/bench_peers.py`` shapes in 2-D: 8 % less time at n = 500 and 1000, the
    same at 2000; the local lists of larger problems were not faster with it and keep the
    means only). A heuristic: candidates never change the certified value. With a
    (near-)singular covariance only the means are aligned.

    The moments are those of the bulk of each cloud (:func:`bulk_moments` with
    ``bulk_radius``): a few far points (heavy tails) would otherwise make the covariance,
    and the map, theirs. Compiled (:func:`distances.transport._nearest.aligned`): the
    two dozen small numpy calls of the same steps took 168-386 us at 500 x 250 in 2-D
    (eight ``bench_peers.py`` shapes, interleaved, load 0.7-1), this 11-44 us; equal to
    them up to round-off (6e-13 at most), and the same seeds on 1480 problems (the
    shapes, 2-D and 3-D, ten seeds; random clouds, integer lattices with ties)."""
    from ._nearest import aligned as compiled  # imports numba

    return compiled(_floats(x), _floats(y), _floats(a), _floats(b), float(bulk_radius))


def bulk_moments(
    x: FloatArray, w: FloatArray, radius: float = 3.0, share: float = 0.1
) -> tuple[FloatArray, FloatArray]:
    """The weighted mean and covariance of the bulk of a cloud: of all its points, unless
    the points beyond ``radius`` times the median Mahalanobis distance hold more than
    ``share`` of the spread (the weighted sum of squared Mahalanobis distances: far
    outliers, heavy tails); then of the others, under the moments of the points kept so
    far, three passes at most. A Gaussian cloud in 2-D has 0.2 % of its mass beyond 3
    times the median distance, holding about 1.5 % of the spread: it keeps every point.
    Compiled (:func:`distances.transport._nearest.bulk_moments`; sums in index order)."""
    from ._nearest import bulk_moments as compiled  # imports numba

    return compiled(_floats(x), _floats(w), float(radius), float(share))


def _floats(v: FloatArray) -> FloatArray:
    return np.ascontiguousarray(v, dtype=np.float64)


def _query(tree: cKDTree, points: FloatArray, k: int) -> IntArray:
    """The k nearest points of the tree to each point, on as many threads as the scans
    use (``NUMBA_NUM_THREADS``, default all cores; the answer does not depend on it)."""
    workers = int(os.environ.get("NUMBA_NUM_THREADS", "0") or 0) or -1
    _, idx = tree.query(points, k=k, workers=workers)
    return np.asarray(idx, dtype=np.int64).reshape(points.shape[0], k)


def monotone_tree(
    x: FloatArray, y: FloatArray, a: FloatArray, b: FloatArray
) -> tuple[IntArray, IntArray, FloatArray]:
    """The monotone (north-west corner) plan of the projections on the principal axis:
    a feasible coupling whose n + m - 1 pieces (some of mass 0) form a spanning tree, the
    first basis of the network simplex. Returns rows, columns and masses."""
    from ._bases import northwest_corner

    ox, oy = monotone_orders(x, y, a, b)
    rows, cols, mass = northwest_corner(a[ox], b[oy])
    return ox[rows], oy[cols], mass


def monotone_orders(
    x: FloatArray, y: FloatArray, a: FloatArray, b: FloatArray
) -> tuple[IntArray, IntArray]:
    """The points of each cloud in the order of their projections on the principal axis
    (:func:`principal_axis`): the orders of the monotone plan (:func:`monotone_tree`)."""
    axis = principal_axis(x, y, a, b)
    # (projections without BLAS: x @ axis ran on OpenBLAS's threads from 9216 entries)
    ox = np.argsort(np.einsum("ij,j->i", x, axis), kind="stable")
    oy = np.argsort(np.einsum("ij,j->i", y, axis), kind="stable")
    return ox, oy


#: Squarings of the scatter matrix for the principal axis above 3-D (:func:`principal_axis`).
_SQUARINGS = 5
#: OpenBLAS runs a matrix product of m n k multiply-adds on all its threads from 2^18 of
#: them (``GEMM_MULTITHREAD_THRESHOLD`` 4 x 65536), and a matrix-vector product from
#: 9216 entries; its threads then spin for a while after the call, and that CPU time was
#: the solve's: 500 x 250 in 32-D, eight shapes, 18-23 ms a solve with 2 threads against
#: 11.5 with one (CPU seconds, load 3). The first plan's axis is computed below both.
_BLAS_SERIAL_MULADDS = 1 << 18


def _weighted_mean(w: FloatArray, x: FloatArray) -> FloatArray:
    """``w @ x`` without BLAS (numpy's own loop: no threads; see _BLAS_SERIAL_MULADDS)."""
    return np.einsum("i,ij->j", w, x)


def principal_axis(x: FloatArray, y: FloatArray, a: FloatArray, b: FloatArray) -> FloatArray:
    """A unit vector along which the two centred clouds spread most: the top eigenvector of
    their pooled scatter matrix S (of evenly strided points: at most about 4096, and
    above 3-D few enough that the d x d product stays on one BLAS thread, 255 in 32-D).
    In up to 3-D exactly (``eigh``); above, the column of S^32 (five squarings, each
    scaled to unit trace) with the largest diagonal entry: the axis only orders the points
    of a first plan, and ``eigh`` of a 32 x 32 matrix took 90 us, the pooled copy of the
    points 36 us."""
    d = x.shape[1]
    n = x.shape[0] + y.shape[0]
    if d <= 3:
        pooled = np.concatenate([x - _weighted_mean(a, x), y - _weighted_mean(b, y)])
        pooled = pooled[:: max(1, n // 4096)]
        return np.linalg.eigh(pooled.T @ pooled)[1][:, -1]  # d x d: cheaper than an SVD
    step = max(1, -(-n // max(1, _BLAS_SERIAL_MULADDS // (d * d) - 1)))
    xs = x[::step] - _weighted_mean(a, x)
    ys = y[::step] - _weighted_mean(b, y)
    power = xs.T @ xs + ys.T @ ys
    for _ in range(_SQUARINGS):
        trace = float(np.trace(power))
        if not 0 < trace < np.inf:  # every point at its mean (or not finite): any axis
            break
        power = power / trace
        power = power @ power
    axis = power[:, int(np.argmax(np.diag(power)))]
    norm = float(np.sqrt(axis @ axis))
    if not 0 < norm < np.inf:
        return np.eye(d)[0]
    return axis / norm


def cells(x: FloatArray, size: int) -> tuple[IntArray, IntArray]:
    """Group the points into cells of ``size`` consecutive points in k-d tree order."""
    order = np.asarray(cKDTree(x, leafsize=size).indices, dtype=np.int64)
    cell = np.empty(x.shape[0], dtype=np.int64)
    cell[order] = np.arange(x.shape[0]) // size
    return order, cell



def cost_scale(x: FloatArray, y: FloatArray) -> float:
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


def embed(plan: sp.csr_array, rows: IntArray, cols: IntArray, n: int, m: int) -> sp.csr_array:
    coo = plan.tocoo()
    return sp.csr_array((coo.data, (rows[coo.row], cols[coo.col])), shape=(n, m))
