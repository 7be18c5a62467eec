"""The last plan in compressed rows, with its marginal error, compiled (numba).

For the certificate of the sparse solver (:func:`distances.transport._sparse._certified`):
one kernel instead of the dozen numpy calls that sorted the plan's pairs, built the
``csr_array``'s index arrays and added up its row and column sums.

Private module: importing it imports numba.
"""

from __future__ import annotations

import numpy as np

from ._jit import kernel

__all__ = ["plan_parts"]


@kernel
def plan_parts(rows, cols, mass, a, b):
    """The plan (pairs ``rows``, ``cols`` with ``mass``) checked and in compressed rows:
    the largest violation of the marginals and of mass >= 0 (the row and column sums
    added up in the pairs' order, as ``np.bincount``), then whether each pair is there
    once and, if so, ``indptr``, ``indices``, ``data`` (rows in order, columns ascending
    within a row: a counting sort by row, each row's few columns sorted). One kernel for
    the dozen numpy calls of the certificate (:func:`._sparse._certified`)."""
    n, m, k = a.shape[0], b.shape[0], rows.shape[0]
    row_sum, col_sum = np.zeros(n), np.zeros(m)
    worst = 0.0
    for e in range(k):
        row_sum[rows[e]] += mass[e]
        col_sum[cols[e]] += mass[e]
        worst = _larger(worst, -mass[e])
    for i in range(n):
        worst = _larger(worst, abs(row_sum[i] - a[i]))
    for j in range(m):
        worst = _larger(worst, abs(col_sum[j] - b[j]))
    indptr = np.zeros(n + 1, np.int64)
    for e in range(k):
        indptr[rows[e] + 1] += 1
    for i in range(n):
        indptr[i + 1] += indptr[i]
    indices, data = np.empty(k, np.int64), np.empty(k)
    fill = indptr[:n].copy()
    for e in range(k):
        first = indptr[rows[e]]
        p = fill[rows[e]]
        fill[rows[e]] = p + 1
        while p > first and indices[p - 1] > cols[e]:
            indices[p], data[p] = indices[p - 1], data[p - 1]
            p -= 1
        if p > first and indices[p - 1] == cols[e]:
            return worst, False, indptr, indices, data  # a repeated pair
        indices[p], data[p] = cols[e], mass[e]
    return worst, True, indptr, indices, data


@kernel(inline="always")
def _larger(worst, v):
    """max(worst, v), NaN if either is (as numpy's max)."""
    return v if (v > worst or v != v) else worst
