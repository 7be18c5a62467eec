"""The certificate of the sparse solver's last plan, compiled (numba).

For :func:`distances.transport._sparse._certified`: one kernel
(:func:`certificate_parts`) instead of the dozen numpy calls that repaired the
potentials, sorted the plan's pairs, built the ``csr_array``'s index arrays, added up
its row and column sums, its value and the duality gap; and for the small problems
solved on all their pairs, the pricing of the potentials that comes first
(:func:`all_pairs_certificate`).

Private module: importing it imports numba.
"""

from __future__ import annotations

import numpy as np

from ._jit import kernel
from ._pricing import price_matrix
from ._rounds import centre, tolerance

__all__ = ["all_pairs_certificate", "certificate_parts", "plan_parts"]

_EPS = float(np.finfo(np.float64).eps)


@kernel
def certificate_parts(rows, cols, mass, costs, u, v, row_min, a, b, largest):
    """The parts of the certificate of a plan (pairs ``rows``, ``cols`` with ``mass``
    and ground costs ``costs``) and of the potentials (u, v) whose every row was priced
    against all pairs: ``row_min``, each row's smallest reduced cost clipped above at 0.

    Returns (u', infeasibility, value, gap, marginal error, once, indptr, indices,
    data):
    * u' = u + row_min: each u_i lowered by its row's largest violation. Then
      u'_i + v_j <= c_ij for every pair up to the rounding of that one subtraction and
      of the pricing's reduced costs, returned as the infeasibility, 4 eps (max |u'| +
      max |v| + ``largest``), the largest ground cost; 0 when no row was violated.
      (Measuring it instead, on the changed rows against all columns, took 10.5 of 159 s
      at n = 50,000.)
    * the value sum_e mass_e costs_e and the gap |value - (a . u' + b . v)|;
    * the marginal error and the plan in compressed rows (:func:`plan_parts`).
    """
    n = a.shape[0]
    fixed = np.empty(n)
    lowered = False
    for i in range(n):
        fixed[i] = u[i] + row_min[i]
        lowered = lowered or row_min[i] < 0
    infeasibility = 0.0
    if lowered:
        big = 0.0
        for i in range(n):
            big = _larger(big, abs(fixed[i]))
        big_v = 0.0
        for j in range(v.shape[0]):
            big_v = _larger(big_v, abs(v[j]))
        infeasibility = 4 * _EPS * (big + big_v + largest)
    value = 0.0
    for e in range(mass.shape[0]):
        value += mass[e] * costs[e]
    dual = 0.0
    for i in range(n):
        dual += a[i] * fixed[i]
    for j in range(b.shape[0]):
        dual += b[j] * v[j]
    marginal, once, indptr, indices, data = plan_parts(rows, cols, mass, a, b)
    return fixed, infeasibility, value, abs(value - dual), marginal, once, indptr, indices, data


@kernel
def all_pairs_certificate(cost, rows, cols, mass, u, v, a, b, largest, rtol, floor):
    """:func:`certificate_parts` of the plan and potentials of a problem solved on all its
    pairs (the matrix ``cost``), after pricing every pair as a round of the column
    generation would: the potentials centred (in place, :func:`~._rounds.centre`), the
    scale the larger of their largest |u_i|, |v_j| and the plan's largest cost, the
    pricing's tolerance (:func:`~._rounds.tolerance`, ``floor`` its ``TINY_SCALE``).
    Returns ``certificate_parts``' nine values, then the scale and the smallest reduced
    cost. One compiled call for what took a dozen Python calls: 500 x 50 points, 25 %
    of the time around the pivots (see ``docs/sparse_w1.rst``, "Fifteenth look")."""
    scale = centre(u, v, a, b)
    k = rows.shape[0]
    costs = np.empty(k)
    for e in range(k):
        costs[e] = cost[rows[e], cols[e]]
        scale = max(scale, costs[e])
    tol = tolerance(rtol, scale, floor)
    _, _, _, worst, row_min = price_matrix(cost, u, v, tol, 1)
    parts = certificate_parts(rows, cols, mass, costs, u, v, row_min, a, b, largest)
    return parts + (scale, worst)  # noqa: RUF005 (numba: no starred tuple displays)


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
