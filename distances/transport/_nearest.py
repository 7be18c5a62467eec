r"""Distance matrices and nearest neighbours between two point clouds, compiled (numba).

For the problems whose cost matrix the sparse W1 solver keeps
(``SparseOptions.matrix_max_pairs``): the matrix itself
(:func:`euclidean_matrix`, cdist's sums in cdist's order; over a power of two that makes
its entries of order 1, :func:`unit_euclidean_matrix`), each row's and column's
nearest entries of a matrix (:func:`nearest_in_matrix`, above 3-D), and each point's
nearest points in the other cloud by brute force (:func:`nearest_points`, up to
``SparseOptions.brute_force_pairs`` pairs in up to 3-D). Also what the scans of
:mod:`distances.transport._pricing` share: the sorted-list insertion (:func:`insert_sorted`) and the
squared distances of a point to a block of points (:func:`squared_row`). And the
clouds' alignment behind the first neighbours (:func:`aligned`, :func:`bulk_moments`:
the compiled steps of :func:`distances.transport._candidates.aligned`).

Private module: importing it imports numba.
"""

from __future__ import annotations

import numpy as np

from ._jit import kernel
from ._problem import power_of_two_below

__all__ = [
    "aligned", "bulk_moments", "euclidean_matrix", "insert_sorted", "nearest_in_matrix",
    "nearest_points", "squared_row", "unit_euclidean_matrix",
]



@kernel
def insert_sorted(best, arg, filled, r, j):
    """Insert (r, j) into the ascending list ``best[:filled]`` (``arg`` alongside), which
    holds at most ``best.size`` entries (when full, the caller has checked that r beats the
    last one). Returns the new fill."""
    size = best.shape[0]
    q = filled if filled < size else size - 1
    while q > 0 and best[q - 1] > r:
        best[q], arg[q] = best[q - 1], arg[q - 1]
        q -= 1
    best[q], arg[q] = r, j
    return filled + 1 if filled < size else filled


@kernel
def _smallest(dist, k, by_rows):
    """The indices of the k smallest entries of each row (``by_rows``) or each column of
    ``dist``, ascending, ties to the smaller index (what inserting every entry in index
    order into a sorted list of k gives). Each line's k-th smallest is at most its largest
    entry at the previous line's k indices: only entries up to that bound are inserted
    (a third of them on 8 Gaussians vs a Gaussian, 500 x 167 in 8-D)."""
    n, m = dist.shape
    lines, length = (n, m) if by_rows else (m, n)
    out = np.empty((lines, k), np.int64)
    best = np.empty(k)
    for s in range(lines):
        arg = out[s]
        bound = np.inf
        if s > 0:
            bound = 0.0
            for q in range(k):
                t = out[s - 1, q]
                bound = max(bound, dist[s, t] if by_rows else dist[t, s])
        filled = 0
        for t in range(length):
            r = dist[s, t] if by_rows else dist[t, s]
            if r <= bound and (filled < k or r < best[k - 1]):
                filled = insert_sorted(best, arg, filled, r, t)
                if filled == k:
                    bound = best[k - 1]
    return out


@kernel(inline="always")  # inlined: a call per block of 64 cost 22 %
def squared_row(xi, yt, lo, out):
    """out[q] = ||xi - y_(lo + q)||^2 for q < out.size (summed over the coordinates in
    order, as cdist does), ``yt`` the points coordinate by coordinate (C order). The loops
    run over 1-D slices of ``yt`` with ``range(size)``, which numba vectorizes (indexing
    ``yt[t, lo + q]``, or a 2-D view of a block, kept them scalar: 1.5x-6x slower)."""
    size = out.shape[0]
    c = xi[0]
    yr = yt[0, lo : lo + size]
    for q in range(size):  # 0 + the first square, exactly
        diff = c - yr[q]
        out[q] = diff * diff
    for t in range(1, yt.shape[0]):
        c = xi[t]
        yr = yt[t, lo : lo + size]
        for q in range(size):
            diff = c - yr[q]
            out[q] += diff * diff


@kernel
def _distances(x, yt, out):
    for i in range(x.shape[0]):
        row = out[i]
        squared_row(x[i], yt, 0, row)
        for j in range(row.shape[0]):
            row[j] = np.sqrt(row[j])
    return out


@kernel
def _distances_largest(x, yt, out):
    """out[i, j] = ||x_i - y_j|| (:func:`squared_row`, the root taken while the row is in
    the first-level cache); returns the largest (the root of the largest square: the
    root is monotone and correctly rounded)."""
    largest = 0.0
    for i in range(x.shape[0]):
        row = out[i]
        squared_row(x[i], yt, 0, row)
        for j in range(row.shape[0]):
            r = row[j]
            largest = r if r > largest else largest
        for j in range(row.shape[0]):  # (a loop of its own: vectorized, as the max is not)
            row[j] = np.sqrt(row[j])
    return np.sqrt(largest)


@kernel
def _times(out, f):
    """out *= f, in place."""
    flat = out.ravel()
    for q in range(flat.shape[0]):
        flat[q] *= f


def unit_euclidean_matrix(x: np.ndarray, y: np.ndarray,
                          out: np.ndarray | None = None) -> tuple[np.ndarray, float, float]:
    """The Euclidean distance matrix over t, the largest power of two at most its largest
    entry L (:func:`~distances.transport._problem.power_of_two_below`): costs of order 1,
    exactly rescaled. Returns the matrix (in ``out`` if given, as
    :func:`euclidean_matrix`), L and t. Bit for bit ``euclidean_matrix(x, y) / t`` (the
    square root is monotone: L is the root of the largest squared distance), without
    the passes of the maximum and the division over the matrix: 500 x 250 in 2-D, with
    them, 195-207 -> 167-186 us (ring, curve, heavy; interleaved, load 1.5). The roots
    are taken in the first pass, row by row; a second multiplies by 1 / t where t != 1
    (points within a unit box: no second pass): 500 x 50 in 2-D, 33 -> 25 us."""
    shape = (len(x), len(y))
    if out is None:
        out = np.empty(shape)
    _check_out(out, shape)
    largest = float(_distances_largest(
        np.ascontiguousarray(x, dtype=np.float64), np.ascontiguousarray(y.T, dtype=np.float64),
        out))
    t = power_of_two_below(largest)
    if t != 1.0:
        _times(out, 1.0 / t)  # (t a power of two: times 1 / t is over t, exactly)
    return out, largest, t


def _check_out(out: np.ndarray, shape: tuple[int, int]) -> None:
    if out.shape != shape or out.dtype != np.float64 or not out.flags.c_contiguous:
        raise ValueError(f"out must be a C-contiguous float64 array of shape {shape}; got "
                         f"{out.dtype} {out.shape}")


def nearest_in_matrix(dist: np.ndarray, k_row: int, k_col: int) -> tuple[np.ndarray, np.ndarray]:
    """Column indices of the ``k_row`` smallest entries of each row (n, k_row) and row
    indices of the ``k_col`` smallest of each column (m, k_col), nearest first, ties to the
    smaller index: a pass over the rows and one over the columns, each entry tested
    against a bound (:func:`_smallest`). 500 x 167 in 8-D: 0.70 -> 0.40 ms (one pass
    inserting every entry into its row's and its column's lists; load 1.8)."""
    dist = np.ascontiguousarray(dist)
    return _smallest(dist, int(k_row), True), _smallest(dist, int(k_col), False)


def euclidean_matrix(x: np.ndarray, y: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """The Euclidean distance matrix, equal to ``scipy.spatial.distance.cdist(x, y)`` (the
    same sums in the same order; compiled, 2.3-2.4x faster at n = m = 500 in 2-D and 32-D),
    written to ``out`` (float64, C-contiguous, shape (n, m)) if given."""
    shape = (len(x), len(y))
    if out is None:
        out = np.empty(shape)
    _check_out(out, shape)
    _distances(np.ascontiguousarray(x, dtype=np.float64),
               np.ascontiguousarray(y.T, dtype=np.float64), out)
    return out


@kernel
def _nearest_pass(x, yt, k, order):
    """Each x_i's k nearest y_j (ascending), rows visited in ``order``. A row's k-th
    distance is at most its largest distance to the previous row's k neighbours: only
    pairs below that bound are inserted (in a spatial order, a few per row)."""
    n, m = x.shape[0], yt.shape[1]
    out = np.empty((n, k), np.int64)
    r = np.empty(m)
    best = np.empty(k)
    prev = -1
    for t in range(n):
        i = order[t]
        squared_row(x[i], yt, 0, r)
        bound = np.inf
        if prev >= 0:
            bound = 0.0
            for q in range(k):
                bound = max(bound, r[out[prev, q]])
        arg = out[i]
        filled = 0
        for j in range(m):
            rj = r[j]
            if rj <= bound and (filled < k or rj < best[k - 1]):
                filled = insert_sorted(best, arg, filled, rj, j)
                if filled == k:
                    bound = best[k - 1]
        if filled < k:  # only NaN distances compare false with every bound
            raise ValueError("nearest_points: distances that are not numbers (NaN)")
        prev = i
    return out


def nearest_points(x: np.ndarray, y: np.ndarray, k_row: int, k_col: int,
                   order_x: np.ndarray, order_y: np.ndarray, *,
                   check: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Each x_i's ``k_row`` nearest y_j, (n, k_row), and each y_j's ``k_col`` nearest x_i,
    (m, k_col), nearest first, by brute force (``order_x``, ``order_y``: the order in
    which the points are visited, e.g. k-d tree order; any permutation gives the same
    neighbours up to ties). Faster than two k-d trees up to about 500 x 700 points in 2-D
    (0.62 ms vs 0.94 ms at n = m = 500; 0.05 ms vs 0.18 ms at 125). ``check=False``: the
    caller vouches that the orders are permutations and the k within the sizes (the
    solver's own k-d orders): the two tests skipped, 403 -> 360 us a call at 500 x 250
    (the conversions stay: free on arrays already of their type)."""
    order_x, order_y = np.asarray(order_x, np.int64), np.asarray(order_y, np.int64)
    if check:
        if not (1 <= k_row <= len(y) and 1 <= k_col <= len(x)):
            raise ValueError(f"k_row must be in [1, {len(y)}] and k_col in [1, {len(x)}]; "
                             f"got {k_row} and {k_col}")
        for name, order, size in (("order_x", order_x, len(x)),
                                  ("order_y", order_y, len(y))):
            if order.shape != (size,) or not np.array_equal(np.sort(order), np.arange(size)):
                raise ValueError(f"{name} must be a permutation of range({size}); got shape "
                                 f"{order.shape}")
    x = np.ascontiguousarray(x, dtype=np.float64)
    y = np.ascontiguousarray(y, dtype=np.float64)
    return (_nearest_pass(x, np.ascontiguousarray(y.T), int(k_row), order_x),
            _nearest_pass(y, np.ascontiguousarray(x.T), int(k_col), order_y))


# -- the clouds aligned for the seeds (:func:`distances.transport._candidates.aligned`) --
# Small loops instead of numba's np.linalg.eigh, np.partition and matrix products, which
# took 20 s to compile with an empty cache (np.partition alone 9.5 s); these take about
# 7, and the warm-up (:mod:`._warmup`) had the kept matrix's kernels ready after 46.6 s,
# against 46.3 s before (load 1).


@kernel
def _eigen(s):
    """Eigenvalues (unsorted) and eigenvectors (columns) of the small symmetric matrix s,
    by cyclic Jacobi rotations until the off-diagonal entries are below round-off."""
    d = s.shape[0]
    a, v, lam = s.copy(), np.zeros((d, d)), np.empty(d)
    for k in range(d):
        v[k, k] = 1.0
    for _ in range(64):
        done = True
        for p in range(d - 1):
            for q in range(p + 1, d):
                apq = a[p, q]
                if abs(apq) <= 1e-18 * (abs(a[p, p]) + abs(a[q, q])) or apq == 0.0:
                    a[p, q] = a[q, p] = 0.0
                    continue
                done = False
                theta = (a[q, q] - a[p, p]) / (2.0 * apq)
                t = 1.0 / (abs(theta) + np.sqrt(theta * theta + 1.0))
                if abs(theta) > 1e150:  # theta^2 would overflow
                    t = 0.5 / abs(theta)
                t = t if theta >= 0 else -t
                c = 1.0 / np.sqrt(t * t + 1.0)
                sn = t * c
                for k in range(d):
                    akp, akq = a[k, p], a[k, q]
                    a[k, p], a[k, q] = c * akp - sn * akq, sn * akp + c * akq
                for k in range(d):
                    apk, aqk = a[p, k], a[q, k]
                    a[p, k], a[q, k] = c * apk - sn * aqk, sn * apk + c * aqk
                for k in range(d):
                    vkp, vkq = v[k, p], v[k, q]
                    v[k, p], v[k, q] = c * vkp - sn * vkq, sn * vkp + c * vkq
        if done:
            break
    for k in range(d):
        lam[k] = a[k, k]
    return lam, v


@kernel
def _product(a, b):
    """a @ b for small matrices."""
    out = np.zeros((a.shape[0], b.shape[1]))
    for i in range(a.shape[0]):
        for k in range(a.shape[1]):
            for j in range(b.shape[1]):
                out[i, j] += a[i, k] * b[k, j]
    return out


@kernel
def _spectral(lam, vecs, power):
    """V diag(lam^power) V^T (lam clipped at 0 for a positive power)."""
    d = lam.shape[0]
    scaled = vecs.copy()
    for k in range(d):
        f = max(lam[k], 0.0) ** power
        for i in range(d):
            scaled[i, k] *= f
    return _product(scaled, _transpose(vecs))


@kernel
def _transpose(a):
    out = np.empty((a.shape[1], a.shape[0]))
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            out[j, i] = a[i, j]
    return out


@kernel
def _finite(a):
    """Whether every entry of the 2-D array a is finite."""
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            if not np.isfinite(a[i, j]):
                return False
    return True


@kernel
def _flat(lam):
    """Whether the smallest of the eigenvalues lam is not positive, or below 1e-12 of the
    largest (or they are not finite)."""
    low, high = lam[0], lam[0]
    for k in range(lam.shape[0]):
        low, high = min(low, lam[k]), max(high, lam[k])
    return not (np.isfinite(low) and np.isfinite(high) and low > 1e-12 * high > 0)


@kernel
def _select(v, h):
    """The value of rank h (0-based) of v, and the largest below it (quickselect on a
    copy)."""
    w = v.copy()
    lo, hi = 0, w.shape[0] - 1
    while lo < hi:
        pivot = w[(lo + hi) // 2]
        i, j = lo, hi
        while i <= j:
            while w[i] < pivot:
                i += 1
            while w[j] > pivot:
                j -= 1
            if i <= j:
                w[i], w[j] = w[j], w[i]
                i += 1
                j -= 1
        if h <= j:
            hi = j
        elif h >= i:
            lo = i
        else:
            break
    below = -np.inf
    for q in range(h):
        below = max(below, w[q])
    return w[h], below


@kernel
def bulk_moments(x, w, radius, share):
    """The weighted mean and covariance of the bulk of a cloud (see
    :func:`distances.transport._candidates.bulk_moments`, its documented face): sums in
    index order."""
    n, d = x.shape
    keep = w.copy()
    mean, cov = np.zeros(d), np.zeros((d, d))
    xc, r2 = np.empty((n, d)), np.empty(n)
    for _ in range(3):
        mean[:] = 0.0
        for i in range(n):
            for k in range(d):
                mean[k] += keep[i] * x[i, k]
        cov[:, :] = 0.0
        for i in range(n):
            for k in range(d):
                xc[i, k] = x[i, k] - mean[k]
            for k in range(d):
                for m in range(k, d):
                    cov[k, m] += keep[i] * xc[i, k] * xc[i, m]
        for k in range(d):
            for m in range(k):
                cov[k, m] = cov[m, k]
        if not _finite(cov):
            break
        lam, vecs = _eigen(cov)
        if _flat(lam):
            break  # a flat cloud: aligned() aligns the means only
        for i in range(n):  # squared Mahalanobis distances
            total = 0.0
            for k in range(d):
                z = 0.0
                for m in range(d):
                    z += xc[i, m] * vecs[m, k]
                total += z * z / lam[k]
            r2[i] = total
        h = n // 2
        middle, below = _select(r2, h)
        median = middle if n % 2 else (below + middle) / 2
        limit = radius * radius * median
        far_spread, spread = 0.0, 0.0
        for i in range(n):
            spread += keep[i] * r2[i]
            if r2[i] > limit:
                far_spread += keep[i] * r2[i]
        if not far_spread > share * spread:
            break
        total = 0.0
        for i in range(n):
            if r2[i] > limit:
                keep[i] = 0.0
            total += keep[i]
        for i in range(n):
            keep[i] /= total
    return mean, cov


@kernel
def aligned(x, y, a, b, radius):
    """x and y centred on their bulks' means, x moved by the linear map A between the
    bulks' Gaussian approximations (A S_x A = S_y; see
    :func:`distances.transport._candidates.aligned`, its documented face)."""
    mx, sx = bulk_moments(x, a, radius, 0.1)
    my, sy = bulk_moments(y, b, radius, 0.1)
    xc, yc = _centred(x, mx), _centred(y, my)
    if not (_finite(sx) and _finite(sy)):
        return xc, yc
    lam, vecs = _eigen(sy)
    ry = _spectral(lam, vecs, 0.5)  # S_y^1/2
    w, vecs = _eigen(_product(_product(ry, sx), ry))  # M^2, M = (S_y^1/2 S_x S_y^1/2)^1/2
    if _flat(w):
        return xc, yc
    a_map = _product(_product(ry, _spectral(w, vecs, -0.5)), ry)  # S_y^1/2 M^-1 S_y^1/2
    return _product(xc, a_map), yc


@kernel
def _centred(x, mean):
    out = np.empty(x.shape)
    for i in range(x.shape[0]):
        for k in range(x.shape[1]):
            out[i, k] = x[i, k] - mean[k]
    return out
