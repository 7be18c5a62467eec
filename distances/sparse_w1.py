r"""Exact W1 between large point clouds without the dense cost matrix.

The dense network simplex needs the :math:`n \times m` cost matrix (8 n m bytes: 20 GB
at n = m = 50,000). This module solves the same linear program on a sparse set of
candidate edges and proves the answer optimal for *all* pairs, by column generation:

1. **Candidates.** Each point's ``k_neighbors`` nearest neighbours in the other cloud
   (after subtracting each cloud's mean; when the cost matrix is kept, in 2-D and 3-D,
   after mapping x by the transport map between the clouds' Gaussian approximations)
   and the edges of a coarse plan (the clouds are grouped into cells of ``cell_size``
   spatially close points, the coarse problem between the cells is solved recursively
   from ``coarsen_above`` atoms, and every pair of points between two cells that
   exchange mass becomes an edge).
2. **Solve** on the candidate edges with the network simplex of :mod:`distances.transport`,
   which keeps its basis between rounds (new edges join as non-basic arcs). Its first
   basis: the coarse plan refined into a spanning tree of the fine problem (in 2-D and
   3-D; else the monotone plan of the projections on the principal axis), or above 3-D
   LEMON's big-M star, whose plain block search needed 3-8x fewer pivots there.
3. **Price.** A pair is *violated* when its reduced cost
   :math:`c_{ij} - u_i - v_j < -\tau`. Small problems (the cost matrix fits in
   ``matrix_max_pairs`` entries, above 3-D ``matrix_max_pairs_high_d``) keep the matrix and
   price every pair each round. Larger ones first check local lists (each point's
   ``local_neighbors`` nearest neighbours, the neighbours of the plan's pairs), every
   ``partial_pivots`` x n pivots without waiting for the optimum; when those are clean at
   the optimum of the candidates, a compiled scan (:mod:`distances.transport`) checks
   all :math:`n m` pairs, skipping blocks of columns that the triangle inequality bounds. The
   16 most violated pairs of every row and the most violated pair of every column join the
   candidates. A coarse level runs the same loop (it only has no certificate to return).
4. **Stop** when no pair of the full problem is violated: the potentials are then
   feasible for the full dual, the plan for the full primal, and equal objectives prove
   both optimal. The last scan found each row's largest violation exactly (skipped pairs
   have a non-negative reduced cost); u_i is lowered by it, so the dual is feasible.

The pricing tolerance is :math:`\tau = 5 \times 10^{-10} \times` the certificate's scale
(:attr:`~distances.Certificate.value_scale`), half of ``CERTIFICATE_RTOL``. The loop also
stops (round-off) when a full scan finds only violations below 0.8 times the certificate's
tolerance and the value did not drop since the previous scan; up to 10^8 pairs it polishes
(a few more rounds with pairs violated beyond :math:`10^{-3} \tau`). A loop that does not
certify raises :class:`~distances.SolverError`; no value is returned unproven.

The plan of a sparse solution is a ``scipy.sparse.csr_array`` of shape (n, m).

References
----------
.. [1] Schmitzer, B. (2016). A sparse multiscale algorithm for dense optimal transport.
   Journal of Mathematical Imaging and Vision, 56(2), 238-259.
.. [2] Bonneel, N., van de Panne, M., Paris, S., Heidrich, W. (2011). Displacement
   interpolation using Lagrangian mass transport. ACM TOG 30(6), 158.
.. [3] Dezső, B., Jüttner, A., Kovács, P. (2011). LEMON - an open source C++ graph
   template library. Electronic Notes in Theoretical Computer Science 264(5), 23-45.
"""

from .transport._sparse import (
    PRICING_RTOL,
    SparseOptions,
    SparseResult,
    solve_problem,
    solve_sparse,
)

__all__ = [
    "COARSEN_ABOVE", "COARSEN_ABOVE_3D", "COARSEN_ABOVE_HIGH_D", "PRICING_RTOL", "SparseOptions",
    "SparseResult", "solve_problem", "solve_sparse",
]

#: The default ``coarsen_above`` in up to 2 dimensions, in 3 and above
#: (:attr:`SparseOptions.coarsen_above_low_d`, ``coarsen_above_3d``, ``coarsen_above_high_d``).
COARSEN_ABOVE = SparseOptions().coarsen_above_low_d
COARSEN_ABOVE_3D = SparseOptions().coarsen_above_3d
COARSEN_ABOVE_HIGH_D = SparseOptions().coarsen_above_high_d

# Documented, pickled and shown as distances.sparse_w1.* (their home before the subpackage).
for _public in (SparseOptions, SparseResult, solve_problem, solve_sparse):
    _public.__module__ = __name__
