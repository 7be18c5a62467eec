"""The compiled kernels behind the sparse W1 solver: the network simplex that keeps its basis
(distances.transport._simplex) and the scans of all pairs (distances.transport._pricing).

Each is checked against an independent computation: POT's network simplex (ot.emd2) for the
optimum, scipy's cdist and numpy sorts for the scans, and the transport constraints
themselves (marginals, dual feasibility, complementary slackness) for the plans and bases.
"""

from __future__ import annotations

from dataclasses import replace
from itertools import pairwise

import numpy as np
import ot
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy.spatial.distance import cdist

from distances import SolverError
from distances.sparse_w1 import SparseOptions
from distances.transport._bases import least_cost_basis, northwest_corner, refine_basis
from distances.transport._nearest import (
    euclidean_matrix,
    nearest_in_matrix,
    nearest_points,
    unit_euclidean_matrix,
)
from distances.transport._plans import certificate_parts, plan_parts
from distances.transport._pricing import scan, scan_matrix
from distances.transport._rounds import fill_mask
from distances.transport._simplex import ITERATION_LIMIT, OPTIMAL, TransportSimplex

# The rounds without a kept cost matrix (those of large problems), at every size.
LOCAL_LISTS = SparseOptions(matrix_max_pairs=0, matrix_max_pairs_high_d=0)

# Tolerances: the problems below have costs of order 1 and masses summing to 1; the simplex
# works in float64, so values agree with POT's to a few hundred ulps of the largest cost.
VALUE_ATOL = 1e-13
EPS = 1e-13  # reduced costs above -EPS count as optimal inside a solve


def _problem(rng: np.random.Generator, n: int, m: int, d: int, kind: str):
    x, y = rng.standard_normal((n, d)), rng.standard_normal((m, d))
    if kind == "integer":  # many equal costs: degenerate pivots and ties
        x, y = np.round(2 * x), np.round(2 * y)
    a, b = rng.random(n) + 0.01, rng.random(m) + 0.01
    if kind == "uniform":  # equal masses: degenerate north-west corners
        a, b = np.ones(n), np.ones(m)
    a, b = a / a.sum(), b / b.sum()
    return x, y, a, b * (a.sum() / b.sum())


def _dense(a, b, cost):
    rows, cols, mass = northwest_corner(a, b)
    s = TransportSimplex(a, b, rows, cols, cost[rows, cols], mass)
    taken = np.zeros(cost.shape, dtype=bool)
    taken[rows, cols] = True
    ii, jj = np.nonzero(~taken)
    s.add(ii, jj, cost[ii, jj])
    return s


def _check_optimal(s: TransportSimplex, a, b, cost, value):
    rows, cols, mass = s.plan()
    plan = np.zeros(cost.shape)
    np.add.at(plan, (rows, cols), mass)
    assert_allclose(plan.sum(axis=1), a, atol=1e-15)
    assert_allclose(plan.sum(axis=0), b, atol=1e-15)
    assert (mass > 0).all()
    u, v = s.potentials()
    assert (cost - u[:, None] - v[None, :]).min() >= -1e-12  # dual feasible, all pairs
    assert abs(float(a @ u + b @ v) - value) <= VALUE_ATOL  # no duality gap
    assert abs(float(mass @ cost[rows, cols]) - value) <= VALUE_ATOL


@pytest.mark.parametrize("kind", ["random", "integer", "uniform"])
def test_dense_problems_reach_pots_optimum(kind):
    rng = np.random.default_rng(7)
    for _ in range(40):
        n, m = rng.integers(1, 30, size=2)
        x, y, a, b = _problem(rng, n, m, int(rng.integers(1, 4)), kind)
        cost = cdist(x, y)
        s = _dense(a, b, cost)
        assert s.solve(10**7, EPS) == OPTIMAL
        _check_optimal(s, a, b, cost, ot.emd2(a, b, cost, numItermax=10**7))


def test_arcs_added_after_a_solve_continue_from_its_basis():
    rng = np.random.default_rng(3)
    x, y, a, b = _problem(rng, 60, 50, 2, "random")
    cost = cdist(x, y)
    rows, cols, mass = northwest_corner(a, b)
    s = TransportSimplex(a, b, rows, cols, cost[rows, cols], mass)
    taken = np.zeros(cost.shape, dtype=bool)
    taken[rows, cols] = True
    ii, jj = np.nonzero(~taken)
    order = rng.permutation(ii.size)
    first, rest = order[: ii.size // 10], order[ii.size // 10 :]
    s.add(ii[first], jj[first], cost[ii[first], jj[first]])
    assert s.solve(10**7, EPS) == OPTIMAL
    restricted = float(s.plan()[2] @ cost[s.plan()[0], s.plan()[1]])
    pivots = s.pivots
    s.add(ii[rest], jj[rest], cost[ii[rest], jj[rest]])
    assert s.solve(10**7, EPS) == OPTIMAL
    full = ot.emd2(a, b, cost, numItermax=10**7)
    assert restricted > full + 1e-6  # the first arcs alone were not enough ...
    _check_optimal(s, a, b, cost, full)  # ... and the continued solve is optimal
    fresh = _dense(a, b, cost)
    fresh.solve(10**7, EPS)
    assert s.pivots - pivots < fresh.pivots  # it continued rather than restarted


def test_a_solve_stopped_at_its_limit_can_be_continued():
    rng = np.random.default_rng(5)
    x, y, a, b = _problem(rng, 40, 40, 2, "random")
    cost = cdist(x, y)
    s = _dense(a, b, cost)
    assert s.solve(5, EPS) == ITERATION_LIMIT
    assert s.pivots == 5
    while s.solve(7, EPS) == ITERATION_LIMIT:
        pass
    _check_optimal(s, a, b, cost, ot.emd2(a, b, cost, numItermax=10**7))


def test_northwest_corner_is_a_feasible_spanning_tree():
    rng = np.random.default_rng(0)
    for a, b in [(np.full(4, 0.25), np.full(2, 0.5)), (rng.random(7), rng.random(5))]:
        a, b = a / a.sum(), b / b.sum()
        rows, cols, mass = northwest_corner(a, b)
        assert rows.size == a.size + b.size - 1  # zero pieces kept where masses meet
        assert_allclose(np.bincount(rows, mass, a.size), a, atol=1e-15)
        assert_allclose(np.bincount(cols, mass, b.size), b, atol=1e-15)
        # a tree: the constructor builds its structure, and refuses a non-tree
        TransportSimplex(a, b, rows, cols, np.zeros(rows.size), mass)


def test_arcs_that_are_not_a_spanning_tree_are_refused():
    a, b = np.full(2, 0.5), np.full(2, 0.5)
    with pytest.raises(ValueError, match="n \\+ m - 1 = 3 arcs"):
        TransportSimplex(a, b, np.array([0, 1]), np.array([0, 1]), np.zeros(2),
                         np.full(2, 0.5))
    # three arcs, but rows 0 and 1 both reach only column 0 twice: not spanning
    with pytest.raises(ValueError, match="do not form a spanning tree"):
        TransportSimplex(a, b, np.array([0, 1, 0]), np.array([0, 0, 0]), np.zeros(3),
                         np.array([0.5, 0.5, 0.0]))


def test_refined_coarse_plan_is_a_feasible_spanning_tree():
    rng = np.random.default_rng(11)
    for n, m, size in [(40, 33, 4), (17, 50, 3), (64, 64, 2)]:
        a, b = rng.random(n) + 0.1, rng.random(m) + 0.1
        a, b = a / a.sum(), b / b.sum()
        ox, oy = rng.permutation(n), rng.permutation(m)
        cx, cy = np.empty(n, int), np.empty(m, int)
        cx[ox], cy[oy] = np.arange(n) // size, np.arange(m) // size
        ma, mb = np.bincount(cx, a), np.bincount(cy, b)
        coarse = ot.emd(ma, mb * (ma.sum() / mb.sum()), rng.random((ma.size, mb.size)))
        ci, cj = np.nonzero(coarse > 0)
        basis = refine_basis(a, b, ox, oy, size, ci, cj, coarse[ci, cj])
        assert basis is not None
        rows, cols, mass = basis
        assert rows.size == n + m - 1
        assert_allclose(np.bincount(rows, mass, n), a, atol=1e-15)
        assert_allclose(np.bincount(cols, mass, m), b, atol=1e-15)
        # every fine piece stays inside a coarse arc that carries mass (or has mass 0)
        inside = coarse[cx[rows], cy[cols]] > 0
        assert inside[mass > 0].all()
        TransportSimplex(a, b, rows, cols, np.zeros(rows.size), mass)  # a spanning tree


@pytest.mark.parametrize("kind", ["random", "integer", "uniform"])
def test_least_cost_basis_is_a_feasible_spanning_tree_from_which_the_optimum_follows(kind):
    """Candidates of every kind: none, a few (most mass left to the north-west corner),
    half, all pairs. The basis meets the marginals, is a spanning tree, its mask names
    exactly the candidates among its arcs, and the simplex goes on from it to POT's
    optimum."""
    rng = np.random.default_rng(23)
    for trial in range(40):
        n, m = rng.integers(1, 25, size=2)
        x, y, a, b = _problem(rng, n, m, int(rng.integers(1, 5)), kind)
        cost = cdist(x, y)
        share = (0.0, 0.1, 0.5, 1.0)[trial % 4]
        rows, cols = np.nonzero(rng.random((n, m)) < share)
        ox, oy = rng.permutation(n), rng.permutation(m)
        b_rows, b_cols, mass, picked = least_cost_basis(a, b, rows, cols, cost[rows, cols],
                                                        ox, oy)
        assert b_rows.size == n + m - 1
        assert (mass >= 0).all()
        assert_allclose(np.bincount(b_rows, mass, n), a, atol=1e-15)
        assert_allclose(np.bincount(b_cols, mass, m), b, atol=1e-15)
        basis = set(zip(b_rows.tolist(), b_cols.tolist(), strict=True))
        assert len(basis) == n + m - 1  # no pair twice
        pairs = zip(rows.tolist(), cols.tolist(), strict=True)
        assert picked.tolist() == [pair in basis for pair in pairs]
        s = TransportSimplex(a, b, b_rows, b_cols, cost[b_rows, b_cols], mass)  # a tree
        taken = np.zeros(cost.shape, dtype=bool)
        taken[b_rows, b_cols] = True
        ii, jj = np.nonzero(~taken)
        s.add(ii, jj, cost[ii, jj])
        assert s.solve(10**7, EPS) == OPTIMAL
        _check_optimal(s, a, b, cost, ot.emd2(a, b, cost, numItermax=10**7))


def test_least_cost_basis_places_mass_on_the_cheapest_candidates_first():
    """Two rows, two columns, the diagonal cheap: the least-cost plan is the optimal
    diagonal, where a north-west corner in the reversed order would cross."""
    a = b = np.full(2, 0.5)
    cost = np.array([[0.0, 1.0], [1.0, 0.0]])
    rows, cols = np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1])
    b_rows, b_cols, mass, picked = least_cost_basis(a, b, rows, cols, cost[rows, cols],
                                                    np.array([1, 0]), np.array([0, 1]))
    plan = np.zeros((2, 2))
    np.add.at(plan, (b_rows, b_cols), mass)
    assert_array_equal(plan, np.diag([0.5, 0.5]))
    assert picked.sum() == 3  # the diagonal and one pair of mass 0 span the tree


def test_the_kept_matrix_above_3d_starts_from_the_least_cost_plan(monkeypatch):
    """Problems whose cost matrix is kept start above 3-D from the least-cost plan of
    their first candidates, not from the big-M star, unless a coarse level seeded them;
    the value stays exact."""
    from distances.transport import _bases, _sparse

    calls = []
    real = _bases.least_cost_basis

    def spy(*args):
        calls.append(args[0].size)
        return real(*args)

    monkeypatch.setattr(_bases, "least_cost_basis", spy)
    rng = np.random.default_rng(8)
    x, y = rng.normal(size=(120, 8)), rng.normal(size=(40, 8)) + 0.3
    a = rng.random(120) + 0.1
    a /= a.sum()
    exact = ot.emd2(a, np.full(40, 1 / 40), cdist(x, y), numItermax=10**7)
    res = _sparse.solve_sparse(x, y, a, options=SparseOptions(dense_pairs=0))
    assert calls == [120]
    assert res.solution.certificate.ok
    assert_allclose(res.solution.value, exact, rtol=1e-12)
    # After a coarse level (30 x 10 cells of 4 points, solved sparsely from its own
    # least-cost plan) the fine problem starts from the star.
    calls.clear()
    res = _sparse.solve_sparse(x, y, a, options=SparseOptions(
        coarsen_above=30, coarse_dense_pairs=0, dense_pairs=0))
    assert calls == [30]
    assert res.levels == 2 and res.solution.certificate.ok
    assert_allclose(res.solution.value, exact, rtol=1e-12)
    # By default so small a coarse level (300 pairs) is solved on all its pairs
    # (_simplex.all_pairs_plan), without least_cost_basis
    calls.clear()
    res = _sparse.solve_sparse(x, y, a, coarsen_above=30,
                               options=SparseOptions(dense_pairs=0))
    assert calls == []
    assert res.levels == 2 and res.solution.certificate.ok
    assert_allclose(res.solution.value, exact, rtol=1e-12)


def test_a_coarse_plan_with_a_cycle_is_not_refined():
    a, b = np.full(2, 0.5), np.full(2, 0.5)
    # a "coarse plan" on cells of one point whose four pieces form a cycle
    basis = refine_basis(a, b, np.arange(2), np.arange(2), 1, np.array([0, 0, 1, 1]),
                         np.array([0, 1, 0, 1]), np.full(4, 0.25))
    assert basis is None


@pytest.mark.parametrize("d", [2, 5])
def test_scans_find_the_violations_that_cdist_finds(d):
    rng = np.random.default_rng(d)
    x, y = rng.standard_normal((300, d)), rng.standard_normal((250, d))
    u, v = 0.4 * rng.standard_normal(300) + 0.8, 0.4 * rng.standard_normal(250)
    red = cdist(x, y) - u[:, None] - v[None, :]
    tol = 1e-9
    for rows, cols, worst, priced, row_min in (
        scan(x, y, u, v, tol, per_row=3),
        scan_matrix(cdist(x, y), u, v, tol, per_row=3),
    ):
        assert_allclose(worst, min(red.min(), tol), rtol=0, atol=1e-13)
        assert_allclose(row_min, np.minimum(red.min(axis=1), 0.0), rtol=0, atol=1e-13)
        assert priced <= red.size
        assert (red[rows, cols] < -tol).all()
        for i in np.flatnonzero(red.min(axis=1) < -tol):  # each row's 3 most violated
            want = np.argsort(red[i])[:3]
            want = want[red[i, want] < -tol]
            assert set(want) <= set(cols[rows == i])
        for j in np.flatnonzero(red.min(axis=0) < -tol):  # each column's most violated
            assert red[:, j].argmin() in rows[cols == j]
    assert scan(x, y, u, v, tol)[3] < red.size  # the bound skipped some pairs here


@pytest.mark.parametrize("tol, group", [(0.0, 32), (1e-9, 32), (0.0, 1), (1e-9, 3)])
def test_scans_skip_only_blocks_that_change_nothing(tol, group):
    """The scan evaluates a block's reduced costs (square roots) only when a squared-
    distance test says one may be below the row's or a column's running minimum (with a
    margin for round-off). Potentials built so that every column has a pair at reduced
    cost 0 up to the last bit (v the c-transform of u, in floating point) put many pairs
    on either side of the test's threshold (blocks of 4 columns here): the row minima
    (exact, clipped at 0), the smallest reduced cost (clipped at tol) and the pairs found
    must be bit-identical to the plain computation, sqrt(sum of squares) - u - v, over
    all pairs. A first pass that ignores the row's running minimum (threshold -tol alone)
    misses the rows whose minimum lies within the tolerance, a second pass whose
    threshold is -2 tol misses pairs at -1.5 tol: both fail. The same with groups of 1
    and 3 blocks (23 blocks here), whose bounds skip whole groups first."""
    rng = np.random.default_rng(12)
    x, y = rng.standard_normal((120, 2)), rng.standard_normal((90, 2))
    u = 0.3 * rng.standard_normal(120)
    dist = np.sqrt((x[:, None, 0] - y[None, :, 0]) ** 2 + (x[:, None, 1] - y[None, :, 1]) ** 2)
    v = (dist - u[:, None]).min(axis=0)  # feasible, each column tight at its argmin
    v[::7] += 1e-3  # some violated pairs,
    v[1::11] += 1.5e-9  # some just beyond the tolerance 1e-9,
    v[2::13] += 0.5e-9  # some within it
    red = dist - u[:, None] - v[None, :]
    row_low = red.min(axis=1)
    assert ((row_low < 0) & (row_low > -1e-9)).any() and (row_low == 0).any()
    rows, cols, worst, priced, row_min = scan(x, y, u, v, tol, per_row=3, block=4,
                                              group=group)
    assert priced <= red.size
    assert_array_equal(row_min, np.minimum(row_low, 0.0))
    assert worst == min(red.min(), tol)
    # First come each violated row's 3 most violated pairs (values: ties may come in
    # either order), then each violated column's most violated one.
    want_rows, want_red = [], []
    for i in np.flatnonzero(row_low < -tol):
        r = np.sort(red[i])[:3]
        want_rows += [i] * int((r < -tol).sum())
        want_red += r[r < -tol].tolist()
    k = len(want_rows)
    assert rows[:k].tolist() == want_rows
    assert red[rows[:k], cols[:k]].tolist() == want_red
    found = set(zip(rows.tolist(), cols.tolist(), strict=True))
    for j in np.flatnonzero(red.min(axis=0) < -tol):
        assert (int(red[:, j].argmin()), j) in found
    assert all(red[i, j] < -tol for i, j in found)


def test_scan_edge_cases():
    """A pair one ulp below a reduced cost of 0 is found with tol = 0 (the triangle bound
    once skipped its block: the round-off of the bound exceeded the ulp; it has the
    scan's margin now); no columns at all is an empty scan."""
    x, y = np.array([[0.345584192064786]]), np.array([[0.8216181435011584]])
    u = np.array([0.33043707618338714])
    dist = abs(x[0, 0] - y[0, 0])
    v = np.array([np.nextafter(dist - u[0], np.inf)])
    r = (dist - u[0]) - v[0]
    assert r < 0
    rows, cols, worst, _, row_min = scan(x, y, u, v, 0.0, per_row=1, block=1)
    assert row_min[0] == r and worst == r
    assert rows.tolist() == [0, 0] and cols.tolist() == [0, 0]  # row's and column's
    rows, cols, worst, priced, row_min = scan(x, np.empty((0, 1)), u, np.empty(0), 1e-9)
    assert rows.size == cols.size == priced == 0 and row_min.tolist() == [0.0]


def test_nearest_points_refuses_what_it_cannot_use():
    x, y = np.zeros((3, 2)), np.ones((4, 2))
    with pytest.raises(ValueError, match="permutation"):
        nearest_points(x, y, 2, 2, np.array([0, 0, 1]), np.arange(4))
    with pytest.raises(ValueError, match="permutation"):
        nearest_points(x, y, 2, 2, np.arange(3), np.arange(5))
    with pytest.raises(ValueError, match="k_row"):
        nearest_points(x, y, 5, 2, np.arange(3), np.arange(4))
    x[1, 0] = np.nan  # validation upstream keeps NaN out; the kernel refuses it too
    with pytest.raises(ValueError, match="NaN"):
        nearest_points(x, y, 2, 2, np.arange(3), np.arange(4))


def test_scans_in_chunks_are_the_serial_scan(monkeypatch):
    """The scan splits the rows into 4 ranges a numba thread and merges them in row
    order: the output (pairs in order, the columns' most violated rows, worst, pairs
    priced, row minima) is the same for 1, 3 and 16 ranges, down to the ties (integer
    coordinates and potentials make many)."""
    from distances.transport import _pricing as _scan

    rng = np.random.default_rng(47)
    x, y = np.round(3 * rng.standard_normal((200, 2))), np.round(3 * rng.standard_normal((150, 2)))
    u, v = np.round(rng.standard_normal(200)) + 1.0, np.round(rng.standard_normal(150))
    outputs = []
    for chunks in (1, 3, 16):
        monkeypatch.setattr(_scan, "_ranges", lambda chunks=chunks: chunks)
        outputs.append(scan(x, y, u, v, 1e-9, per_row=3))
    assert outputs[0][0].size > 200  # many rows violated, and columns with tied minima
    for other in outputs[1:]:
        for got, want in zip(other, outputs[0], strict=True):
            assert_array_equal(got, want)


def _scan_problem():
    rng = np.random.default_rng(53)
    x, y = rng.standard_normal((400, 2)), rng.standard_normal((350, 2)) + 0.3
    u, v = 0.3 * rng.standard_normal(400) + 0.6, 0.3 * rng.standard_normal(350)
    return x, y, u, v


def _scan_of(args):
    return scan(*args, 1e-9, per_row=3)


def _same_scans(got, want):
    for one in got:
        for a, b in zip(one, want, strict=True):
            assert_array_equal(a, b)


def test_scans_in_forked_workers_and_threads():
    """After a scan on numba's threads, forked workers still scan (OpenMP's threads do not
    survive a fork: a parallel scan there hung) and so do concurrent threads (numba's
    workqueue layer aborts on concurrent parallel calls): both run the serial kernel, with
    the same result."""
    import multiprocessing
    from concurrent.futures import ThreadPoolExecutor

    args = _scan_problem()
    want = _scan_of(args)  # in this process, in parallel where there are 2+ threads
    with ThreadPoolExecutor(4) as pool:
        _same_scans(list(pool.map(_scan_of, [args] * 4)), want)
    if "fork" in multiprocessing.get_all_start_methods():
        with multiprocessing.get_context("fork").Pool(2) as pool:
            _same_scans(pool.map_async(_scan_of, [args] * 2).get(timeout=120), want)


@pytest.mark.parametrize("n, m", [(1, 1), (7, 3), (40, 90)])
def test_fill_mask_is_the_flatnonzero_of_the_mask(n, m):
    """The seeds not in the basis, once each, in ascending i m + j: what the mask's
    flatnonzero gave (the arcs' order sets the pivots), repeats and basis pairs among the
    seeds; the mask holds the seeds and the basis, and a stale mask is reset."""
    rng = np.random.default_rng(n + m)
    cost = rng.random((n, m))
    tree_rows, tree_cols = rng.integers(0, n, n + m - 1), rng.integers(0, m, n + m - 1)
    rows, cols = rng.integers(0, n, 5 * (n + m)), rng.integers(0, m, 5 * (n + m))
    rows, cols = np.concatenate([rows, tree_rows[:3]]), np.concatenate([cols, tree_cols[:3]])
    want_mask = np.zeros((n, m), np.bool_)
    want_mask[rows, cols] = True
    want_mask[tree_rows, tree_cols] = False
    want = np.flatnonzero(want_mask)
    want_mask[tree_rows, tree_cols] = True
    in_set = np.ones((n, m), np.bool_)  # stale
    got_rows, got_cols, got_cost = fill_mask(in_set, rows, cols, tree_rows, tree_cols, cost)
    assert_array_equal(got_rows, want // m)
    assert_array_equal(got_cols, want % m)
    assert_array_equal(got_cost, cost.ravel()[want])
    assert_array_equal(in_set, want_mask)


def test_plan_parts_are_scipy_s_csr_and_numpy_s_marginals():
    """The compressed rows of a plan given pair by pair, as scipy's canonical csr_array,
    and the marginal error as np.bincount's sums give it, bit for bit; a repeated pair is
    reported (scipy sums it); a negative or NaN mass counts as the worst violation."""
    import scipy.sparse as sp

    rng = np.random.default_rng(8)
    n, m = 30, 20
    key = rng.choice(n * m, 49, replace=False)
    rows, cols, mass = key // m, key % m, rng.random(49)
    a, b = rng.dirichlet(np.ones(n)), rng.dirichlet(np.ones(m))
    worst, once, indptr, indices, data = plan_parts(rows, cols, mass, a, b)
    want = sp.csr_array((mass, (rows, cols)), shape=(n, m))
    assert once and want.has_canonical_format
    assert_array_equal(indptr, want.indptr)
    assert_array_equal(indices, want.indices)
    assert_array_equal(data, want.data)

    def marginal_error(mass):
        return max(np.abs(np.bincount(rows, mass, minlength=n) - a).max(),
                   np.abs(np.bincount(cols, mass, minlength=m) - b).max(),
                   max(0.0, -mass.min()))

    assert worst == marginal_error(mass)
    again = np.r_[rows, rows[3]], np.r_[cols, cols[3]], np.r_[mass, 0.5]
    assert not plan_parts(*again, a, b)[1]
    negative = mass.copy()
    negative[5] = -7.0
    assert plan_parts(rows, cols, negative, a, b)[0] == marginal_error(negative) >= 7.0
    negative[5] = np.nan
    assert np.isnan(plan_parts(rows, cols, negative, a, b)[0])


def test_certificate_parts_lower_violated_rows_and_bound_their_rounding():
    """The certificate's parts: u lowered by each row's violation (row_min <= 0) and no
    more; the rounding of that subtraction bounded by 4 eps (max |u'| + max |v| +
    largest), and 0 when no row was violated; the value the plan's costs summed, the gap
    against a . u' + b . v; the marginals and compressed rows of plan_parts."""
    rng = np.random.default_rng(9)
    n, m = 30, 20
    key = rng.choice(n * m, 49, replace=False)
    rows, cols, mass = key // m, key % m, rng.random(49)
    a, b = rng.dirichlet(np.ones(n)), rng.dirichlet(np.ones(m))
    costs, u, v = rng.random(49), rng.normal(size=n), rng.normal(size=m)
    clean = np.zeros(n)
    fixed, infeasible, value, gap, *plan = certificate_parts(rows, cols, mass, costs, u, v,
                                                             clean, a, b, 3.0)
    assert_array_equal(fixed, u)
    assert infeasible == 0.0
    assert value == pytest.approx(mass @ costs, rel=1e-14)
    assert gap == pytest.approx(abs(mass @ costs - a @ u - b @ v), rel=1e-12)
    for got, want in zip(plan, plan_parts(rows, cols, mass, a, b), strict=True):
        assert_array_equal(got, want)
    violated = clean.copy()
    violated[[2, 7]] = -0.25, -1e-3
    fixed, infeasible, value, gap, *_ = certificate_parts(rows, cols, mass, costs, u, v,
                                                          violated, a, b, 3.0)
    assert_array_equal(fixed, u + violated)
    eps = np.finfo(float).eps
    assert infeasible == pytest.approx(4 * eps * (np.abs(u + violated).max()
                                                  + np.abs(v).max() + 3.0), rel=1e-15)
    assert gap == pytest.approx(abs(mass @ costs - a @ (u + violated) - b @ v), rel=1e-12)
    u[4] = np.nan
    assert np.isnan(certificate_parts(rows, cols, mass, costs, u, v, violated, a, b,
                                      3.0)[1])


@pytest.mark.parametrize("ties", [False, True])
def test_nearest_in_matrix_matches_a_stable_sort(ties):
    """The k smallest entries of each row and column, nearest first, ties to the smaller
    index: the first k of a stable argsort, index for index. With entries in {0, 1, 2}
    most tie, so a bound that drops a tie (< for <=) or a list that lets a later equal
    entry displace an earlier one fails."""
    rng = np.random.default_rng(2 + ties)
    for n, m in ((40, 30), (7, 50), (50, 7), (1, 9), (9, 1)):
        dist = rng.integers(0, 3, (n, m)) * 1.0 if ties else rng.random((n, m))
        k_row, k_col = min(5, m), min(3, n)
        rows_k, cols_k = nearest_in_matrix(dist, k_row, k_col)
        assert_array_equal(rows_k, np.argsort(dist, axis=1, kind="stable")[:, :k_row])
        assert_array_equal(cols_k, np.argsort(dist.T, axis=1, kind="stable")[:, :k_col])


@pytest.mark.parametrize("d", [1, 2, 3])
@pytest.mark.parametrize("grid", [False, True])
def test_nearest_points_are_the_nearest(d, grid):
    """Brute force with a bound from the previous point's neighbours: the k smallest
    distances of each row and column (cdist and a sort), for any visiting order. On an
    integer grid most distances tie, so a bound that drops a tie (< for <=) leaves rows
    with fewer than k neighbours and fails."""
    rng = np.random.default_rng(d + 10 * grid)
    x, y = rng.normal(size=(60, d)), rng.normal(size=(45, d))
    if grid:
        x, y = rng.integers(0, 3, size=(60, d)) * 1.0, rng.integers(0, 3, size=(45, d)) * 1.0
    dist = cdist(x, y)
    for ox, oy in ((np.arange(60), np.arange(45)), (rng.permutation(60), rng.permutation(45))):
        cols, rows = nearest_points(x, y, 7, 5, ox, oy)
        assert cols.shape == (60, 7) and rows.shape == (45, 5)
        assert all(len(set(r)) == 7 for r in cols) and all(len(set(r)) == 5 for r in rows)
        assert_allclose(np.take_along_axis(dist, cols, 1), np.sort(dist, axis=1)[:, :7],
                        rtol=1e-14)
        assert_allclose(np.take_along_axis(dist.T, rows, 1), np.sort(dist.T, axis=1)[:, :5],
                        rtol=1e-14)


@pytest.mark.parametrize("d", [1, 2, 3, 8, 32])
def test_euclidean_matrix_is_cdist(d):
    """The same sums in the same order: equal to cdist up to the last bits (rtol 1e-14:
    a few ulps, should a platform's cdist sum in another order)."""
    rng = np.random.default_rng(d)
    x, y = rng.normal(size=(37, d)) * 1e3, rng.normal(size=(23, d))
    assert_allclose(euclidean_matrix(x, y), cdist(x, y), rtol=1e-14, atol=0)
    assert euclidean_matrix(x, x).diagonal().max() == 0.0


@pytest.mark.parametrize("d", [1, 2, 8])
@pytest.mark.parametrize("spread", [1e-3, 3.0, 1e5])
def test_unit_euclidean_matrix_is_the_matrix_over_a_power_of_two(d, spread):
    """Bit for bit euclidean_matrix / t, t the largest power of two <= the largest
    distance L (also returned): 1 <= max < 2, at spreads that put L far from 1."""
    rng = np.random.default_rng(d)
    x, y = rng.normal(size=(37, d)) * spread, rng.normal(size=(23, d)) * spread
    want = euclidean_matrix(x, y)
    got, largest, t = unit_euclidean_matrix(x, y, np.empty((37, 23)))
    assert largest == want.max() and t == 2.0 ** np.floor(np.log2(largest))
    assert_array_equal(got, want / t)
    assert 1.0 <= got.max() < 2.0
    with pytest.raises(ValueError, match="C-contiguous float64"):
        unit_euclidean_matrix(x, y, np.empty((23, 37)))


def test_unit_euclidean_matrix_of_a_largest_distance_in_1_2_is_the_matrix():
    """t = 1 (the largest distance in [1, 2)): the matrix itself, bit for bit (the pass
    that rescales is skipped)."""
    x = np.array([[0.0, 0.0], [0.3, 0.1], [0.2, 0.9]])
    y = np.array([[1.2, 0.4], [0.5, 0.5]])
    got, largest, t = unit_euclidean_matrix(x, y, np.empty((3, 2)))
    want = euclidean_matrix(x, y)
    assert t == 1.0 and largest == want.max() == np.hypot(1.2, 0.4)
    assert_array_equal(got, want)


@pytest.mark.parametrize("kept", [True, False])
def test_rounds_that_stop_early_are_refused(kept: bool, monkeypatch):
    """The certificate does not trust the loop of rounds. Kept cost matrix: the loop made
    to report "done" after one round; local lists: made to report "done" at its first
    scan of all pairs, without adding the violated pairs it found. The plan is not optimal
    yet, the certificate's duality gap (after the dual's repair by each row's violation)
    says so, and the solver raises instead of returning the value of a non-optimal plan."""
    import distances.transport._sparse as sw
    from distances.transport import _rounds as mr

    real = mr.rounds
    worst = []

    def one_round(*args):
        state = args[5]
        state["max_rounds"] = state["complete"] + 1  # this round only
        status = real(*args)
        return mr.DONE if status == mr.MAX_ROUNDS else status

    def first_scan(*args):
        state = args[5]
        if state["scanned"][0] == mr.PENDING:
            worst.append(float(state["worst"][0]))
            return mr.DONE
        return real(*args)

    monkeypatch.setattr(mr, "rounds", one_round if kept else first_scan)
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(200, 2)), rng.normal(size=(200, 2)) + 1.0
    opts = SparseOptions(cell_size=0, dense_pairs=0) if kept else replace(
        LOCAL_LISTS, cell_size=0, k_neighbors=1, local_neighbors=1, plan_neighbors=1)
    with pytest.raises(SolverError, match="fails its certificate"):
        sw.solve_sparse(x, y, options=opts)
    assert kept or worst[0] < -1e-3  # the scan had found violated pairs


@pytest.mark.parametrize("all_pairs", [False, True])
def test_a_plan_off_its_marginals_is_refused(monkeypatch, all_pairs: bool):
    """Masses off by 1e-6: the certificate refuses the plan, whether it came from the
    column generation or from the solve on all pairs (``SparseOptions.dense_pairs``)."""
    import distances.transport._sparse as sw
    from distances.transport import _simplex

    if all_pairs:
        real_all = _simplex.all_pairs_plan

        def off_all(*args):
            rows, cols, mass, u, v = real_all(*args)
            return rows, cols, mass * (1 + 1e-6), u, v

        monkeypatch.setattr(_simplex, "all_pairs_plan", off_all)
    else:
        real = _simplex.TransportSimplex.plan

        def off(self):
            rows, cols, mass = real(self)
            return rows, cols, mass * (1 + 1e-6)

        monkeypatch.setattr(_simplex.TransportSimplex, "plan", off)
    rng = np.random.default_rng(0)
    opts = SparseOptions(dense_pairs=3600 if all_pairs else 0)
    with pytest.raises(SolverError, match="fails its certificate"):
        sw.solve_sparse(rng.normal(size=(60, 2)), rng.normal(size=(60, 2)), options=opts)


def test_infeasible_potentials_are_repaired_not_trusted(monkeypatch):
    """Potentials off by 1e-3 on one atom (from the solve on all pairs): the pricing of
    every pair finds that row's largest violation exactly and lowers u_0 by it, so the
    certified value is still the optimum, and the repair shows in the certificate (a
    dual infeasibility of round-off, not 0)."""
    import distances.transport._sparse as sw
    from distances.transport import _simplex

    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(60, 2)), rng.normal(size=(60, 2))
    exact = ot.emd2(np.full(60, 1 / 60), np.full(60, 1 / 60), cdist(x, y))
    real = _simplex.all_pairs_plan
    raised = []

    def off(*args):
        rows, cols, mass, u, v = real(*args)
        u = u.copy()
        u[0] += 1e-3
        raised.append(u[0])
        return rows, cols, mass, u, v

    monkeypatch.setattr(_simplex, "all_pairs_plan", off)
    res = sw.solve_sparse(x, y)
    assert len(raised) == 1
    cert = res.solution.certificate
    assert cert.ok and 0 < cert.dual_infeasibility < 1e-12
    assert_allclose(res.solution.value, exact, rtol=1e-12)


@pytest.mark.parametrize("kind", ["random", "integer", "uniform"])
def test_the_big_m_star_reaches_pots_optimum_without_artificial_flow(kind):
    rng = np.random.default_rng(17)
    for _ in range(25):
        n, m = rng.integers(1, 30, size=2)
        x, y, a, b = _problem(rng, n, m, int(rng.integers(1, 9)), kind)
        cost = cdist(x, y)
        s = TransportSimplex.star(a, b, art=8.0 * (1.0 + cost.max()))
        ii, jj = np.nonzero(np.ones(cost.shape, dtype=bool))
        s.add(ii, jj, cost[ii, jj])
        assert s.solve(10**7, EPS) == OPTIMAL
        assert s.artificial_flow() <= 1e-15  # round-off dust only (sums differ by ulps)
        _check_optimal(s, a, b, cost, ot.emd2(a, b, cost, numItermax=10**7))


def test_an_artificial_cost_too_small_is_detected_and_the_solver_starts_over(monkeypatch):
    """With an artificial cost of 0 the star's optimum keeps mass on artificial arcs: the
    kernel says so, and the sparse solver (which starts from the star above 3-D) starts
    over from its spanning tree and still certifies the optimum."""
    rng = np.random.default_rng(4)
    x, y, a, b = _problem(rng, 20, 20, 2, "random")
    cost = cdist(x, y) + 1.0
    s = TransportSimplex.star(a, b, art=0.0)
    ii, jj = np.nonzero(np.ones(cost.shape, dtype=bool))
    s.add(ii, jj, cost[ii, jj])
    s.solve(10**7, EPS)
    assert s.artificial_flow() > 1e-3

    import distances.transport._sparse as sw
    from distances.transport import _simplex

    real = _simplex.TransportSimplex.star.__func__
    monkeypatch.setattr(_simplex.TransportSimplex, "star",
                        classmethod(lambda cls, a, b, art, capacity=0, index=np.int64:
                                    real(cls, a, b, 0.0, capacity, index)))
    x8, y8 = rng.normal(size=(150, 8)), rng.normal(size=(150, 8)) + 0.5
    res = sw.solve_sparse(x8, y8, options=LOCAL_LISTS)  # (a kept matrix starts elsewhere)
    exact = ot.emd2(np.full(150, 1 / 150), np.full(150, 1 / 150), cdist(x8, y8))
    assert res.solution.certificate.ok
    assert_allclose(res.solution.value, exact, rtol=1e-12)


class _Threshold:
    """Stands in for ``_pivots._DRIFT`` in the Python version of the kernel: counts the
    comparisons (one per pivot whose moved subtree held more than half of the nodes) and
    makes every one of them recentre the potentials."""

    def __init__(self) -> None:
        self.compared = 0

    def __lt__(self, other: float) -> bool:  # abs(pi[root]) > self
        self.compared += 1
        return True


@pytest.mark.parametrize("start", ["tree", "star"])
def test_potentials_moved_on_the_larger_side_stay_exact(monkeypatch, start):
    """When a pivot's moved subtree holds more than half of the nodes the kernel shifts the
    other nodes' potentials instead (only differences matter), and recentres them when the
    root's drifts. Run in Python (numba's ``py_func``) with every such pivot recentring:
    the branch is taken, and the optimum, the dual feasibility and the tree arcs' zero
    reduced costs are those of POT's solution (a wrong sign or a missed node breaks them)."""
    from distances.transport import _pivots, _simplex

    threshold = _Threshold()
    monkeypatch.setattr(_pivots, "_DRIFT", threshold)
    monkeypatch.setattr(_simplex, "pivots", _pivots.pivots.py_func)
    monkeypatch.setattr(_pivots, "update_potentials", _pivots.update_potentials.py_func)
    rng = np.random.default_rng(23)
    for kind in ("random", "integer", "uniform"):
        x, y, a, b = _problem(rng, 24, 19, 2, kind)
        cost = cdist(x, y)
        if start == "tree":
            s = _dense(a, b, cost)
        else:
            s = TransportSimplex.star(a, b, art=8.0 * (1.0 + cost.max()))
            ii, jj = np.nonzero(np.ones(cost.shape, dtype=bool))
            s.add(ii, jj, cost[ii, jj])
        assert s.solve(10**7, EPS) == OPTIMAL
        _check_optimal(s, a, b, cost, ot.emd2(a, b, cost, numItermax=10**7))
        tree = np.flatnonzero(s.state[s.first_arc : s.n_arcs] == 0) + s.first_arc
        reduced = s.cost[tree] + s.pi[s.src[tree]] - s.pi[s.tgt[tree]]
        assert np.abs(reduced).max() <= 1e-13
    assert threshold.compared > 0


def test_potentials_do_not_drift_with_large_costs():
    """Costs of order 10^4 (the largest 5.6 x 10^4): each shift of the larger side moves
    the root's potential by up to a cost; it is brought back once it passes ``_DRIFT``, so
    it ends within a few costs of 0 (without the recentring it ended at 9.8 x 10^5, 17x the
    largest cost), and the optimum is POT's."""
    rng = np.random.default_rng(29)
    x, y, a, b = _problem(rng, 120, 120, 2, "uniform")
    cost = 1e4 * cdist(x, y)
    s = _dense(a, b, cost)
    assert s.solve(10**7, 1e4 * EPS) == OPTIMAL
    assert abs(s.pi[-1]) <= 3 * cost.max()
    rows, cols, mass = s.plan()
    assert_allclose(float(mass @ cost[rows, cols]), ot.emd2(a, b, cost, numItermax=10**7),
                    rtol=1e-13)


@pytest.mark.parametrize("start", ["tree", "star"])
def test_int32_numbering_reaches_pots_optimum(start):
    """Nodes and arcs numbered in int32 (``index``; large sparse problems): the same
    optimum as POT's, and a plan in int64 indices."""
    rng = np.random.default_rng(31)
    for kind in ("random", "integer", "uniform"):
        x, y, a, b = _problem(rng, 40, 33, 2, kind)
        cost = cdist(x, y)
        if start == "tree":
            rows, cols, mass = northwest_corner(a, b)
            s = TransportSimplex(a, b, rows, cols, cost[rows, cols], mass, index=np.int32)
            taken = np.zeros(cost.shape, dtype=bool)
            taken[rows, cols] = True
            ii, jj = np.nonzero(~taken)
        else:
            s = TransportSimplex.star(a, b, art=8.0 * (1.0 + cost.max()), index=np.int32)
            ii, jj = np.nonzero(np.ones(cost.shape, dtype=bool))
        s.add(ii, jj, cost[ii, jj])
        assert s.pred.dtype == np.int32 and s.src.dtype == np.int32
        assert s.solve(10**7, EPS) == OPTIMAL
        _check_optimal(s, a, b, cost, ot.emd2(a, b, cost, numItermax=10**7))
        assert s.plan()[0].dtype == np.int64


@pytest.mark.parametrize("renumber", [False, True])
def test_int32_arrays_widen_when_the_arcs_outgrow_them(monkeypatch, renumber):
    """Arc numbers beyond int32 widen every index array to int64 (``reserve``); lowered
    here to 200 arcs: the arrays widen as the arcs are added, and the optimum is POT's."""
    from distances.transport import _simplex

    monkeypatch.setattr(_simplex, "_INT32_MAX", 200)
    rng = np.random.default_rng(59)
    x, y, a, b = _problem(rng, 25, 20, 2, "random")
    cost = cdist(x, y)
    rows, cols, mass = northwest_corner(a, b)
    s = TransportSimplex(a, b, rows, cols, cost[rows, cols], mass, index=np.int32)
    s.renumber = renumber
    assert s.pred.dtype == np.int32
    taken = np.zeros(cost.shape, dtype=bool)
    taken[rows, cols] = True
    ii, jj = np.nonzero(~taken)
    s.add(ii[:100], jj[:100], cost[ii[:100], jj[:100]])
    s.solve(10**7, EPS)
    s.add(ii[100:], jj[100:], cost[ii[100:], jj[100:]])
    assert s.pred.dtype == s.src.dtype == s.thread.dtype == np.int64
    assert s.solve(10**7, EPS) == OPTIMAL
    _check_optimal(s, a, b, cost, ot.emd2(a, b, cost, numItermax=10**7))


def test_index_type_is_checked():
    a = np.full(2, 0.5)
    with pytest.raises(ValueError, match=r"index must be numpy\.int32 or numpy\.int64"):
        TransportSimplex(a, a, np.array([0, 0, 1]), np.array([0, 1, 1]), np.ones(3),
                         np.array([0.5, 0.0, 0.5]), index=np.int16)


def _check_tree(s: TransportSimplex) -> None:
    """The spanning tree's bookkeeping: each node's predecessor arc joins it to its parent
    in the stated direction, is basic and has reduced cost 0; the thread is a preorder in
    which every subtree is the segment from the node to its last successor, of succ_num
    nodes."""
    nodes = s.parent.size
    root = nodes - 1
    order = [root]
    while s.thread[order[-1]] != root:
        order.append(int(s.thread[order[-1]]))
    assert sorted(order) == list(range(nodes))
    pos = np.empty(nodes, np.int64)
    pos[order] = np.arange(nodes)
    scale = 1e-14 * max(1.0, float(np.abs(s.pi).max()))  # round-off of the potentials
    for w in range(nodes - 1):
        e, p = s.pred[w], s.parent[w]
        assert {int(s.src[e]), int(s.tgt[e])} == {w, int(p)}
        assert bool(s.forward[w]) == (s.src[e] == w) and s.state[e] == 0
        assert abs(s.cost[e] + s.pi[s.src[e]] - s.pi[s.tgt[e]]) <= scale
        assert pos[p] < pos[w] <= pos[s.last_succ[p]]  # inside its parent's segment
        assert pos[s.last_succ[w]] - pos[w] + 1 == s.succ_num[w]
    assert s.succ_num[root] == nodes


@pytest.mark.parametrize("start", ["tree", "star"])
def test_renumbered_nodes_keep_a_valid_tree_and_reach_the_optimum(start):
    """``renumber`` renumbers the nodes in the tree's order and sorts the arcs by source
    before each solve (memory locality of large problems). Solved in steps of 7 pivots,
    with arcs added between the solves: the tree stays valid after each step, and the
    optimum, plan and potentials (in the caller's numbering) are POT's; the arcs are the
    plain simplex's."""
    rng = np.random.default_rng(37)
    x, y, a, b = _problem(rng, 45, 38, 2, "uniform")
    cost = cdist(x, y)
    batches = np.array_split(rng.permutation(cost.size), 4)
    solvers = []
    for renumber in (False, True):
        if start == "tree":
            rows, cols, mass = northwest_corner(a, b)
            s = TransportSimplex(a, b, rows, cols, cost[rows, cols], mass)
            tree = set((rows * cost.shape[1] + cols).tolist())
            keep = [np.array([k for k in batch if k not in tree]) for batch in batches]
        else:
            s = TransportSimplex.star(a, b, art=8.0 * (1.0 + cost.max()))
            keep = batches
        s.renumber = renumber
        for batch in keep:
            ii, jj = np.divmod(batch, cost.shape[1])
            s.add(ii, jj, cost[ii, jj])
            while True:
                status = s.solve(7, EPS)
                _check_tree(s)
                if status == OPTIMAL:
                    break
        solvers.append(s)
    plain, renumbered = solvers
    assert not np.array_equal(renumbered.label, np.arange(renumbered.label.size))
    _check_optimal(renumbered, a, b, cost, ot.emd2(a, b, cost, numItermax=10**7))
    key = [np.sort(r * cost.shape[1] + c) for r, c, _ in (plain.arcs(), renumbered.arcs())]
    assert_array_equal(*key)


def test_renumbering_puts_the_nodes_in_thread_order():
    """Right after a renumbering the thread runs 0, 1, 2, ... from the root, and the arcs
    from ``first_arc`` on are sorted by source."""
    from distances.transport._tree import relabel, sort_arcs

    rng = np.random.default_rng(43)
    x, y, a, b = _problem(rng, 30, 25, 2, "random")
    cost = cdist(x, y)
    s = _dense(a, b, cost)
    s.solve(200, EPS)  # part way: a tree far from the first one
    label = np.arange(s.parent.size)
    relabel(s.n_arcs, s.src, s.tgt, s.parent, s.pred, s.forward, s.thread, s.rev_thread,
             s.succ_num, s.last_succ, s.pi, label)
    sort_arcs(s.first_arc, s.n_arcs, s.src, s.tgt, s.cost, s.flow, s.state, s.pred)
    root = s.parent.size - 1
    assert s.thread[root] == 0
    assert_array_equal(s.thread[:-2], np.arange(1, root))
    assert np.all(np.diff(s.src[s.first_arc : s.n_arcs]) >= 0)
    _check_tree(s)
    # costs travelled with their arcs: every arc's cost is the distance of its end points
    sx, sy = label[s.src[1 : s.n_arcs]], label[s.tgt[1 : s.n_arcs]] - 30
    assert_array_equal(s.cost[1 : s.n_arcs], cost[sx, sy])


@pytest.mark.parametrize("d, chunks", [(1, 1), (2, 1), (8, 1), (2, 3), (8, 16)])
def test_local_items_are_the_most_violated_listed_pairs(d, chunks):
    """The compiled pricing of the local lists (``local_items``, as the rounds call it)
    against numpy's argmin over the same lists: the same pairs, in the same order (rows,
    columns, then the plan's pairs against the neighbours of their column, then of their
    row), priced in one range or in ``chunks`` ranges (each item writes its own slot)."""
    from distances.transport._pricing import local_items

    rng = np.random.default_rng(41)
    n, m, k, e = 60, 50, 7, 90
    x, y = rng.standard_normal((n, d)), rng.standard_normal((m, d))
    c = cdist(x, y)
    # potentials about half the typical distance each: some listed pairs violated
    u = np.median(c) / 2 + 0.3 * rng.standard_normal(n)
    v = np.median(c) / 2 + 0.3 * rng.standard_normal(m)
    cols, rows = rng.integers(0, m, (n, k)), rng.integers(0, n, (m, k))
    near_x, near_y = rng.integers(0, n, (n, 5)), rng.integers(0, m, (m, 5))
    pr, pc = rng.integers(0, n, e), rng.integers(0, m, e)
    want_rows, want_cols = [], []
    for i in range(n):
        red = c[i, cols[i]] - u[i] - v[cols[i]]
        if red.min() < -0.3:
            want_rows.append(i)
            want_cols.append(cols[i, red.argmin()])
    for j in range(m):
        red = c[rows[j], j] - u[rows[j]] - v[j]
        if red.min() < -0.3:
            want_rows.append(rows[j, red.argmin()])
            want_cols.append(j)
    for i, j in zip(pr, pc, strict=True):
        red = c[i, near_y[j]] - u[i] - v[near_y[j]]
        if red.min() < -0.3:
            want_rows.append(i)
            want_cols.append(near_y[j, red.argmin()])
    for i, j in zip(pr, pc, strict=True):
        red = c[near_x[i], j] - u[near_x[i]] - v[j]
        if red.min() < -0.3:
            want_rows.append(near_x[i, red.argmin()])
            want_cols.append(j)
    total = n + m + 2 * e
    out_rows, out_cols = np.full(total, -2), np.full(total, -2)
    bounds = np.linspace(0, total, chunks + 1).astype(np.int64)
    for lo, hi in pairwise(bounds):
        local_items(lo, hi, x, y, u, v, cols, c[np.arange(n)[:, None], cols], rows,
                    c[rows, np.arange(m)[:, None]], pr, pc, near_x, near_y, 0.3,
                    out_rows, out_cols)
    assert out_rows.min() >= -1  # every item wrote its slot
    hit = out_rows >= 0
    got_rows, got_cols = out_rows[hit], out_cols[hit]
    assert 0 < len(want_rows) < n + m + 2 * e  # some pairs pass the tolerance, some not
    assert_array_equal(got_rows, want_rows)
    assert_array_equal(got_cols, want_cols)
