"""The coarse level's arrays (compiled, numba): the cells' masses and centroids, and the
pairs of points that a coarse plan links.

The sparse solver (:func:`distances.transport._sparse._coarse_seed`) groups each cloud
into cells of consecutive points in k-d order (:func:`~._candidates.cells`), solves the
problem between the cells' centroids, and takes as candidates every pair of points of two
cells that exchange mass. The same steps in numpy (a ``bincount`` per coordinate, the
broadcast of each coarse arc to its cells' points) took 60-90 us of a 2 ms solve at
500 x 50 in 2-D; these loops take a few.

Private module: importing it imports numba.
"""

from __future__ import annotations

import numpy as np

from ._jit import kernel

__all__ = ["cell_pairs", "cell_sums"]


@kernel
def cell_sums(x, w, cell, k):
    """The masses (k,) and weighted centroids (k, d) of the ``k`` cells of the points
    ``x`` (n, d) of masses ``w``, ``cell[i]`` the cell of point i (every cell holding
    mass). Sums in index order."""
    n, d = x.shape
    mass = np.zeros(k)
    centre = np.zeros((k, d))
    for i in range(n):
        c = cell[i]
        mass[c] += w[i]
        for q in range(d):
            centre[c, q] += w[i] * x[i, q]
    for c in range(k):
        for q in range(d):
            centre[c, q] /= mass[c]
    return mass, centre


@kernel
def cell_pairs(f_rows, f_cols, ox, oy, sx, sy):
    """Every pair (row, column) of points of two cells linked by the coarse plan
    (``f_rows[e]``, ``f_cols[e]``: cells of x, of y), the points of cell c being
    ``ox[c * sx : (c + 1) * sx]`` (the k-d order ``ox``, cells of ``sx`` points; the last
    one may hold fewer), likewise for y. In the order of the plan's arcs, then of the
    points of x, then of y."""
    n, m = ox.size, oy.size
    count = 0
    for e in range(f_rows.size):
        kx = min(sx, n - f_rows[e] * sx)
        ky = min(sy, m - f_cols[e] * sy)
        count += kx * ky
    rows = np.empty(count, np.int64)
    cols = np.empty(count, np.int64)
    count = 0
    for e in range(f_rows.size):
        lo_x, lo_y = f_rows[e] * sx, f_cols[e] * sy
        for p in range(lo_x, min(lo_x + sx, n)):
            for q in range(lo_y, min(lo_y + sy, m)):
                rows[count] = ox[p]
                cols[count] = oy[q]
                count += 1
    return rows, cols
