"""The pieces that make small sparse solves fast (distances.transport's first plan, pricing
and resources): each still gives the answer it promises."""

from __future__ import annotations

import numpy as np
import ot
import pytest
from numpy.testing import assert_allclose
from scipy.spatial.distance import cdist

from distances.sparse_w1 import SparseOptions, solve_sparse
from distances.transport import _candidates, _resources


class TestPrincipalAxis:
    @pytest.mark.parametrize("d", [2, 3, 8, 32])
    def test_axis_of_a_stretched_cloud(self, d):
        """Two clouds stretched 5x along a known direction. Up to 3-D the axis is the top
        eigenvector of the pooled scatter (to 1e-12); above, power iterations on a strided
        subsample (210 of 420 points in 32-D) find the direction to within 0.5 % (cosine
        > 0.995; a sample's own scatter differs from the law's by about sqrt(d / n) / 25)."""
        rng = np.random.default_rng(d)
        direction = rng.standard_normal(d)
        direction /= np.linalg.norm(direction)
        stretch = np.eye(d) + 4.0 * np.outer(direction, direction)
        x = rng.standard_normal((300, d)) @ stretch
        y = rng.standard_normal((120, d)) @ stretch + 1.0
        a, b = np.full(300, 1 / 300), np.full(120, 1 / 120)
        axis = _candidates.principal_axis(x, y, a, b)
        assert np.linalg.norm(axis) == pytest.approx(1.0, abs=1e-12)
        if d <= 3:
            pooled = np.concatenate([x - a @ x, y - b @ y])
            top = np.linalg.eigh(pooled.T @ pooled)[1][:, -1]
            assert abs(axis @ top) == pytest.approx(1.0, abs=1e-12)
        assert abs(axis @ direction) > 0.995

    @pytest.mark.parametrize("d", [2, 8])
    def test_clouds_at_one_point_still_give_an_axis(self, d):
        """No spread at all: any unit vector will do, never NaN (the orders it gives are
        those of equal projections)."""
        x, y = np.ones((5, d)), np.ones((4, d))
        axis = _candidates.principal_axis(x, y, np.full(5, 0.2), np.full(4, 0.25))
        assert np.isfinite(axis).all()
        assert np.linalg.norm(axis) == pytest.approx(1.0, abs=1e-12)

    def test_monotone_tree_is_a_feasible_spanning_plan_above_3d(self):
        """The first plan from the axis: n + m - 1 pieces, the marginals met exactly."""
        rng = np.random.default_rng(1)
        x, y = rng.standard_normal((40, 16)), rng.standard_normal((13, 16))
        a, b = rng.dirichlet(np.ones(40)), rng.dirichlet(np.ones(13))
        b = b * (a.sum() / b.sum())
        rows, cols, mass = _candidates.monotone_tree(x, y, a, b)
        assert rows.size == 40 + 13 - 1
        assert np.bincount(rows, mass, 40) == pytest.approx(a, abs=1e-15)
        assert np.bincount(cols, mass, 13) == pytest.approx(b, abs=1e-15)


class TestAvailableMemory:
    def test_meminfo_is_read_and_kept_for_a_while(self, monkeypatch):
        """MemAvailable as /proc/meminfo states it; a second call within MEMINFO_MAX_AGE
        does not read the file again, one after it does."""
        try:
            with open("/proc/meminfo") as f:
                text = f.read()
        except OSError:
            pytest.skip("no /proc/meminfo (not Linux)")
        stated = int(text.split("MemAvailable:")[1].split()[0]) * 1024
        monkeypatch.setattr(_resources, "_MEMINFO", [])
        now = [1000.0]
        monkeypatch.setattr(_resources.time, "monotonic", lambda: now[0])
        first = _resources._mem_available()
        assert first is not None and abs(first - stated) < 2**30  # the same machine
        reads = []
        real_open = open

        def counting_open(path, *args, **kwargs):
            reads.append(path)
            return real_open(path, *args, **kwargs)

        monkeypatch.setattr("builtins.open", counting_open)
        now[0] += _resources.MEMINFO_MAX_AGE / 2
        assert _resources._mem_available() == first
        assert reads == []
        now[0] += _resources.MEMINFO_MAX_AGE
        _resources._mem_available()
        assert reads == ["/proc/meminfo"]


class TestPlanOfTheCoarseLevel:
    """The smallest coarse level is solved on all its pairs by the kernel's simplex from
    the least-cost plan (``_simplex.all_pairs_plan``); its plan only seeds the finer level, so it
    must be a feasible coupling and is checked here against POT's optimal value; the
    certified answer must not depend on it."""

    def test_plan_is_an_optimal_coupling(self):
        from distances.transport._nearest import euclidean_matrix
        from distances.transport._problem import SIMPLEX_EPS
        from distances.transport._simplex import all_pairs_plan

        rng = np.random.default_rng(5)
        x, y = rng.standard_normal((40, 2)), rng.standard_normal((25, 2)) + 0.5
        a, b = rng.exponential(size=40), rng.exponential(size=25)
        a, b = a / a.sum(), b / b.sum()
        b *= a.sum() / b.sum()  # equal masses to the last bit, as the solver makes them
        cost_matrix = euclidean_matrix(x, y)
        rows, cols, mass, u, v = all_pairs_plan(a, b, cost_matrix, 10**6, SIMPLEX_EPS)
        # marginals exact to round-off of sums of at most n + m - 1 masses
        np.testing.assert_allclose(np.bincount(rows, mass, minlength=40), a, atol=1e-15)
        np.testing.assert_allclose(np.bincount(cols, mass, minlength=25), b, atol=1e-15)
        assert rows.size <= 40 + 25 - 1  # a basic solution: a forest
        cost = np.linalg.norm(x[rows] - y[cols], axis=1)
        want = ot.emd2(a, b, ot.dist(x, y, metric="euclidean"))
        assert float(mass @ cost) == pytest.approx(want, rel=1e-13)
        # The potentials (the dual start's seed) are optimal duals: feasible on every pair
        # to the simplex's tolerance (costs here are at most ~6, SIMPLEX_EPS is relative
        # round-off), tight on every pair of the plan, and their value is the plan's.
        reduced = cost_matrix - u[:, None] - v[None, :]
        assert reduced.min() >= -1e-12
        np.testing.assert_allclose(reduced[rows, cols], 0.0, atol=1e-12)
        assert float(a @ u + b @ v) == pytest.approx(want, rel=1e-12)

    @pytest.mark.parametrize(("n", "m", "ties"), [(1, 7, False), (9, 1, False),
                                                 (12, 12, True), (30, 4, True)])
    def test_plan_of_degenerate_problems(self, n: int, m: int, ties: bool):
        """One point on a side (the least-cost plan is the only plan), and integer
        lattices with repeated costs (ties in the least-cost order, degenerate pivots):
        the optimal value, and potentials feasible on every pair and tight on the plan."""
        from distances.transport._nearest import euclidean_matrix
        from distances.transport._problem import SIMPLEX_EPS
        from distances.transport._simplex import all_pairs_plan

        rng = np.random.default_rng(n * 100 + m)
        x, y = rng.standard_normal((n, 2)), rng.standard_normal((m, 2))
        if ties:
            x, y = np.round(2 * x), np.round(2 * y)
        a, b = np.full(n, 1 / n), np.full(m, 1 / m)
        b *= a.sum() / b.sum()
        cost = euclidean_matrix(x, y)
        got = all_pairs_plan(a, b, cost, 10**6, SIMPLEX_EPS)
        assert got is not None
        rows, cols, mass, u, v = got
        want = ot.emd2(a, b, ot.dist(x, y, metric="euclidean"))
        assert float(mass @ cost[rows, cols]) == pytest.approx(want, rel=1e-13, abs=1e-15)
        np.testing.assert_allclose(np.bincount(rows, mass, minlength=n), a, atol=1e-15)
        np.testing.assert_allclose(np.bincount(cols, mass, minlength=m), b, atol=1e-15)
        reduced = cost - u[:, None] - v[None, :]
        assert reduced.min() >= -1e-12
        np.testing.assert_allclose(reduced[rows, cols], 0.0, atol=1e-12)

    def test_plan_stopped_at_its_limit_is_refused(self):
        from distances.transport._nearest import euclidean_matrix
        from distances.transport._problem import SIMPLEX_EPS
        from distances.transport._simplex import all_pairs_plan

        rng = np.random.default_rng(6)
        x, y = rng.standard_normal((40, 2)), rng.standard_normal((30, 2))
        cost = euclidean_matrix(x, y)
        a, b = np.full(40, 1 / 40), np.full(30, 1 / 30)
        assert all_pairs_plan(a, b, cost, 1, SIMPLEX_EPS) is None
        assert all_pairs_plan(a, b, cost, 10**6, SIMPLEX_EPS) is not None

    def test_certified_value_does_not_depend_on_the_coarse_solver(self):
        """500 x 250 in 2-D by column generation (a 125 x 63 coarse level): the plan on
        all its pairs or the sparse solve of the coarse level give the same certified
        value (to the certificate's round-off)."""
        rng = np.random.default_rng(7)
        x, y = rng.standard_normal((500, 2)), 0.5 * rng.standard_normal((250, 2))
        got = [solve_sparse(x, y, options=SparseOptions(coarse_dense_pairs=k, dense_pairs=0))
               for k in (0, 1 << 13)]
        assert all(r.levels == 2 and r.solution.certificate.ok for r in got)
        assert got[1].solution.value == pytest.approx(got[0].solution.value, rel=1e-13)


class TestSmallProblemsOnAllPairs:
    """Problems of up to ``SparseOptions.dense_pairs`` pairs are solved on all their pairs
    at once (``_simplex.all_pairs_plan``), then priced and certified as the column
    generation's last round would be."""

    @pytest.mark.parametrize(("n", "m", "d", "weighted"),
                             [(500, 50, 2, False), (120, 40, 8, True), (60, 60, 3, False),
                              (30, 200, 32, True)])
    def test_value_certificate_and_counts(self, n, m, d, weighted):
        rng = np.random.default_rng(n + m + d)
        x, y = rng.standard_normal((n, d)), rng.standard_normal((m, d)) + 0.3
        a = rng.exponential(size=n) if weighted else np.full(n, 1.0)
        b = rng.exponential(size=m) if weighted else np.full(m, 1.0)
        a, b = a / a.sum(), b / b.sum()
        want = ot.emd2(a, b, cdist(x, y), numItermax=10**7)
        res = solve_sparse(x, y, a, b)
        assert (res.rounds, res.full_scans, res.levels) == (1, 1, 1)
        assert res.edges == res.pairs_priced == n * m
        assert res.solution.certificate.ok
        assert res.solution.value == pytest.approx(want, rel=1e-12)
        plan = res.solution.plan
        np.testing.assert_allclose(plan.sum(axis=1), a, atol=1e-15)
        np.testing.assert_allclose(plan.sum(axis=0), b, atol=1e-15)

    def test_the_threshold_is_on_the_pairs(self):
        """``n m <= dense_pairs``: all pairs; one pair more: the column generation, whose
        candidates are a fraction of the pairs, to the same value."""
        rng = np.random.default_rng(3)
        x, y = rng.standard_normal((90, 2)), rng.standard_normal((40, 2))
        at = solve_sparse(x, y, options=SparseOptions(dense_pairs=3600))
        above = solve_sparse(x, y, options=SparseOptions(dense_pairs=3599))
        assert at.edges == 3600 and at.rounds == 1
        assert above.edges < 3600
        assert above.solution.value == pytest.approx(at.solution.value, rel=1e-13)

    def test_pivots_stopped_at_their_limit_fall_back_to_the_column_generation(
            self, monkeypatch):
        from distances.transport import _simplex

        monkeypatch.setattr(_simplex, "all_pairs_plan", lambda *args: None)
        rng = np.random.default_rng(4)
        x, y = rng.standard_normal((100, 2)), rng.standard_normal((30, 2))
        want = ot.emd2(np.full(100, 0.01), np.full(30, 1 / 30), cdist(x, y))
        res = solve_sparse(x, y)
        assert res.edges < 3000 and res.solution.certificate.ok
        assert res.solution.value == pytest.approx(want, rel=1e-12)

    def test_sizes_apart_keep_a_longer_candidate_list(self, monkeypatch):
        """From ``pairs_list_ratio`` (4) times the atoms of the smaller cloud, the pivots on
        all pairs keep a list of sqrt(n m) / 2 arcs instead of / 4 (either side larger);
        the list changes the path, not the optimum."""
        from distances.transport import _simplex

        opts = SparseOptions()
        assert opts.pairs_list_div(500, 125) == opts.pairs_list_div(125, 500) == 2
        assert opts.pairs_list_div(500, 126) == opts.pairs_list_div(126, 500) == 4
        assert SparseOptions(pairs_list_ratio=np.inf).pairs_list_div(500, 1) == 4
        with pytest.raises(ValueError, match="pairs_list_ratio must be a number >= 1"):
            SparseOptions(pairs_list_ratio=0.5)
        seen: list[int] = []
        real = _simplex.all_pairs_plan

        def recorded(a, b, cost, max_iter, eps, list_div=_simplex.TREE_RULE):
            seen.append(list_div)
            return real(a, b, cost, max_iter, eps, list_div)

        monkeypatch.setattr(_simplex, "all_pairs_plan", recorded)
        rng = np.random.default_rng(5)
        x, y = rng.standard_normal((400, 3)), rng.standard_normal((40, 3)) + 0.2
        want = ot.emd2(np.full(400, 1 / 400), np.full(40, 1 / 40), cdist(x, y))
        values = [solve_sparse(x, y, options=SparseOptions(pairs_list_ratio=r)).solution.value
                  for r in (4.0, np.inf)]
        assert seen == [2, 4]
        assert values == pytest.approx([want, want], rel=1e-12)

    @pytest.mark.parametrize("order", ["given", "sorted", "reversed"])
    def test_rows_in_any_order_give_the_same_value(self, order):
        """The pricing visits the rows by a stride coprime to n, whatever their order
        (``Discrete`` sorts its atoms): the same optimum in every order."""
        rng = np.random.default_rng(9)
        x, y = rng.standard_normal((333, 2)), rng.standard_normal((41, 2))
        keys = {"given": np.arange(333), "sorted": np.argsort(x[:, 0]),
                "reversed": np.arange(333)[::-1]}
        res = solve_sparse(x[keys[order]], y)
        want = ot.emd2(np.full(333, 1 / 333), np.full(41, 1 / 41), cdist(x, y))
        assert res.edges == 333 * 41
        assert res.solution.value == pytest.approx(want, rel=1e-12)

    @pytest.mark.parametrize("n", [1, 2, 3, 10, 12, 97, 100, 500, 1024])
    def test_the_stride_visits_every_row_once(self, n):
        from distances.transport._pivots import _stride

        step = _stride(n)
        assert 1 <= step <= max(n - 1, 1)
        assert np.unique((np.arange(n) * step) % n).size == n

    def test_least_cost_start_on_all_pairs(self):
        """The greedy in two passes (the pairs up to a threshold, then those above it
        with both ends left): all the mass placed, a forest of at most n + m - 1 pieces,
        and on a cost that is 0 on the diagonal, the diagonal itself. A point far from
        all others is placed in the second pass."""
        from distances.transport._bases import least_cost_all_pairs, span

        n = 40
        cost = np.abs(np.arange(n)[:, None] - np.arange(n)[None, :]).astype(float)
        a = np.full(n, 1 / n)
        rows, cols, mass = least_cost_all_pairs(a, a, cost, np.empty(cost.size, np.int32))
        assert_allclose(np.bincount(rows, mass, n), a, atol=1e-15)
        assert float(mass @ cost[rows, cols]) == 0.0
        rng = np.random.default_rng(2)
        x, y = rng.standard_normal((60, 2)), rng.standard_normal((50, 2))
        x[0] = 100.0
        a, b = rng.dirichlet(np.ones(60)), rng.dirichlet(np.ones(50))
        b *= a.sum() / b.sum()
        cost = cdist(x, y)
        rows, cols, mass = least_cost_all_pairs(a, b, cost, np.empty(cost.size, np.int32))
        assert 0 in rows
        assert_allclose(np.bincount(rows, mass, 60), a, atol=1e-15)
        assert_allclose(np.bincount(cols, mass, 50), b, atol=1e-15)
        tree = span(60, 50, rows, cols, mass)
        assert tree[0].size == 60 + 50 - 1  # no cycle: the pieces are a forest


class TestDualStart:
    """Up to 3-D, a problem that keeps its cost matrix and whose larger cloud has at least
    ``dual_start_ratio`` times the atoms of the smaller (in 3-D ``dual_start_ratio_3d``:
    every size) starts, after its coarse level, from the least-cost plan of its
    candidates in reduced costs against the coarse potentials. A heuristic start: the
    certified value must not depend on it."""

    @staticmethod
    def _record(monkeypatch: pytest.MonkeyPatch) -> list:
        """Record what each column generation's Solver is given and what its least-cost
        start orders the candidates by."""
        from distances.transport import _bases, _sparse

        seen: list = []
        solver, least_cost = _sparse.Solver, _bases.least_cost_basis

        def spy_solver(x, y, a, b, tree, cost, opts, first="tree", duals=None, orders=None):
            seen.append({"n": a.size, "m": b.size, "duals": duals, "cost": cost,
                         "first": first, "tree": tree})
            return solver(x, y, a, b, tree, cost, opts, first=first, duals=duals,
                          orders=orders)

        def spy_least_cost(a, b, rows, cols, key, ox, oy):
            seen[-1]["key"] = (rows, cols, key)
            return least_cost(a, b, rows, cols, key, ox, oy)

        monkeypatch.setattr(_sparse, "Solver", spy_solver)
        monkeypatch.setattr(_bases, "least_cost_basis", spy_least_cost)
        return seen

    @pytest.mark.parametrize(("n", "m", "d", "ratio", "want"), [
        (500, 125, 2, 2.5, True), (500, 167, 2, 2.5, True), (500, 200, 2, 2.5, True),
        (500, 201, 2, 2.5, False), (500, 250, 2, 2.5, False),
        (125, 500, 3, 2.5, True), (500, 125, 4, 2.5, False), (500, 250, 2, 2.0, True),
        (500, 125, 2, np.inf, False),
    ])
    def test_rule(self, n: int, m: int, d: int, ratio: float, want: bool):
        assert SparseOptions(dual_start_ratio=ratio,
                             dual_start_ratio_3d=ratio).dual_starts(n, m, d) is want

    @pytest.mark.parametrize(("n", "m", "d", "ratio_3d", "want"), [
        (500, 500, 3, 1.0, True), (500, 250, 3, 1.0, True), (500, 250, 3, 2.5, False),
        (500, 200, 3, 2.5, True), (500, 125, 3, np.inf, False), (500, 250, 2, 1.0, False),
        (500, 500, 4, 1.0, False),
    ])
    def test_rule_in_3d(self, n: int, m: int, d: int, ratio_3d: float, want: bool):
        """In 3-D the ratio is ``dual_start_ratio_3d`` (default 1: every problem with a
        coarse level); up to 2-D ``dual_start_ratio`` alone (2.5), above 3-D never."""
        assert SparseOptions(dual_start_ratio_3d=ratio_3d).dual_starts(n, m, d) is want
        assert SparseOptions().dual_starts(500, 500, 3)

    @pytest.mark.parametrize("name", ["dual_start_ratio", "dual_start_ratio_3d"])
    @pytest.mark.parametrize("bad", [0.5, 0, -1.0, np.nan, True, "3"])
    def test_ratio_is_validated(self, name, bad):
        with pytest.raises(ValueError, match=f"{name} must be a number >= 1"):
            SparseOptions(**{name: bad})

    @pytest.mark.parametrize(("n", "m", "d", "want"), [
        (500, 125, 2, True), (500, 100, 2, False), (500, 125, 3, False), (1000, 201, 3, True),
        (1000, 200, 3, False), (4000, 801, 8, True), (4000, 800, 8, False),
    ])
    def test_coarse_level_rule(self, n: int, m: int, d: int, want: bool):
        """A coarse level when both clouds have more points than 100 in 2-D, 200 in 3-D,
        800 above (the 3-D curve at 500 x 250 took 0.75x the time with one and the dual
        start, the seven other shapes 0.97x-1.15x:
        ``benchmarks/results/ab_small_3d_start_2to1_500.txt``); ``coarsen_above``
        overrides, ``cell_size`` < 2 means none."""
        opts = SparseOptions()
        assert opts.coarsens(n, m, d) is want and opts.coarsens(m, n, d) is want
        assert SparseOptions(coarsen_above=100).coarsens(500, 125, 3)
        assert not SparseOptions(cell_size=1).coarsens(4000, 1000, 2)

    @pytest.mark.parametrize(("n", "m", "d", "want"), [
        (1000, 100, 2, True), (250, 100, 2, True), (240, 100, 2, False),
        (500, 125, 3, True), (500, 80, 3, False), (500, 250, 3, True), (400, 200, 3, False),
        (4000, 1000, 8, True), (800, 800, 8, False),
    ])
    def test_coarse_level_rule_of_a_dual_start(self, n: int, m: int, d: int, want: bool):
        """Under a dual start of sizes differing by ``dual_start_ratio`` (2.5) or more
        (the smaller cloud not grouped) a coarse level from more than
        coarsens_above(d)**2 pairs: 10^4 in 2-D, 4 x 10^4 in 3-D, not by the smaller
        cloud; below that ratio (3-D), and with ``dual_cell_size=0``, by the smaller
        cloud again."""
        opts = SparseOptions()
        assert opts.coarsens(n, m, d, True) is want and opts.coarsens(m, n, d, True) is want
        old = SparseOptions(dual_cell_size=0)
        assert old.coarsens(n, m, d, True) is old.coarsens(n, m, d) is (
            min(n, m) > old.coarsens_above(d))
        assert not SparseOptions(cell_size=1).coarsens(4000, 1000, 2, True)

    @pytest.mark.parametrize(("n", "m", "dual", "want"), [
        (500, 125, True, (8, 1)), (125, 500, True, (1, 8)), (500, 125, False, (4, 4)),
        (500, 500, True, (4, 4)), (500, 201, True, (4, 4)), (500, 167, True, (4, 4)),
        (500, 200, True, (4, 4)), (1000, 333, True, (8, 1)), (1000, 100, True, (8, 1)),
        (950, 95, True, (8, 1)), (2000, 500, True, (8, 1)),
    ])
    def test_cell_sizes(self, n: int, m: int, dual: bool, want: tuple[int, int]):
        """A dual start of sizes differing by ``dual_start_ratio`` (2.5) or more keeps
        the smaller cloud's points (cells of ``dual_cell_size`` and 1), except below
        ``dual_cell_ratio`` (4) where that coarse problem would need column generation
        (more than ``coarse_dense_pairs``, 8192, pairs of cells) and the one of cells of
        ``cell_size`` both would not: 500 x 167 (63 x 167 cells, or 125 x 42), 500 x 200;
        not 1000 x 333 (neither fits), 1000 x 100 (10:1), 500 x 125 (63 x 125 fits). A
        3-D dual start of closer sizes: cells of ``cell_size`` both."""
        assert SparseOptions().cell_sizes(n, m, dual) == want
        assert SparseOptions(dual_cell_size=0).cell_sizes(n, m, dual) == (4, 4)

    def test_cell_sizes_options(self):
        always = SparseOptions(dual_cell_ratio=1.0)
        assert always.cell_sizes(500, 167, True) == always.cell_sizes(500, 200, True) == (8, 1)
        assert SparseOptions(coarse_dense_pairs=16384).cell_sizes(500, 167, True) == (8, 1)
        other = SparseOptions(dual_cell_size=5, cell_size=3)
        assert other.cell_sizes(2000, 500, True) == (5, 1)
        assert other.cell_sizes(500, 2000, True) == (1, 5)
        assert other.cell_sizes(2000, 500, False) == (3, 3)

    @pytest.mark.parametrize("bad", [0.5, 0, np.nan, True, "4"])
    def test_dual_cell_ratio_is_validated(self, bad):
        with pytest.raises(ValueError, match="dual_cell_ratio must be a number >= 1"):
            SparseOptions(dual_cell_ratio=bad)

    @pytest.mark.parametrize("bad", [1, -1, 65, 2.5, True, None])
    def test_dual_cell_size_is_validated(self, bad):
        with pytest.raises(ValueError, match="dual_cell_size must be"):
            SparseOptions(dual_cell_size=bad)

    @pytest.mark.parametrize(("n", "m", "weighted", "d"), [
        (480, 120, False, 2), (480, 160, True, 2), (1000, 320, False, 3),
        (500, 250, False, 3)])
    def test_reduced_costs_order_the_start_and_the_value_is_pots(
        self, monkeypatch: pytest.MonkeyPatch, n: int, m: int, weighted: bool, d: int
    ):
        rng = np.random.default_rng(n + m)
        x = rng.standard_normal((n, d)) * np.arange(1.0, d + 1.0)
        y = 0.5 * rng.standard_normal((m, d)) + np.eye(d)[0]
        a = rng.exponential(size=n) if weighted else np.full(n, 1 / n)
        b = rng.exponential(size=m) if weighted else np.full(m, 1 / m)
        a, b = a / a.sum(), b / b.sum()
        want = ot.emd2(a, b, cdist(x, y))
        seen = self._record(monkeypatch)
        # (480 x 120 fits an all-pairs solve by default: its column generation here)
        got = solve_sparse(x, y, a, b, options=SparseOptions(dense_pairs=0))
        fine = seen[-1]
        assert (fine["n"], fine["m"]) == (n, m) and got.levels == 2
        # (no refined coarse plan is built for a start that does not use it)
        assert fine["first"] == "least_cost" and fine["tree"] is None
        u, v = fine["duals"]
        if SparseOptions().cell_sizes(n, m, True) == (8, 1):  # 480 x 120, 1000 x 320
            # the coarse level grouped the larger cloud only (dual_cell_size = 8): each
            # point of the smaller one has its own potential, the larger cloud's are its
            # cells' (at most ceil(n / 8) values)
            assert np.unique(v).size == m and np.unique(u).size <= -(-n // 8)
        else:  # cells of 4 points on both sides: 480 x 160 (3:1, 60 x 160 cells would
            # need column generation), 500 x 250 in 3-D (2:1)
            assert np.unique(v).size <= -(-m // 4) and np.unique(u).size <= -(-n // 4)
            assert np.unique(v).size > 1
        rows, cols, key = fine["key"]
        # the key is each candidate's reduced cost c_ij - u_i - v_j against the coarse
        # potentials (in the solver's scaled costs: the kept matrix it was given)
        assert key.size > n + m
        assert_allclose(key, fine["cost"][rows, cols] - u[rows] - v[cols], rtol=0, atol=0)
        assert np.ptp(u) > 0 and np.ptp(v) > 0
        # the same certified value from the refined coarse plan (the start it replaces)
        # and from POT on all pairs, to the round-off of sums of ~n + m terms
        seen.clear()
        old = solve_sparse(x, y, a, b, options=SparseOptions(
            dual_start_ratio=np.inf, dual_start_ratio_3d=np.inf, dense_pairs=0))
        assert seen[-1]["duals"] is None and "key" not in seen[-1]
        assert seen[-1]["first"] == ("tree" if d <= 3 else "star")
        assert got.solution.certificate.ok and old.solution.certificate.ok
        assert got.solution.value == pytest.approx(want, rel=1e-12)
        assert old.solution.value == pytest.approx(want, rel=1e-12)

    @pytest.mark.parametrize(("dual_cell_size", "coarse"), [(8, 63), (0, 125)])
    def test_the_least_cost_start_builds_one_simplex(
        self, monkeypatch: pytest.MonkeyPatch, dual_cell_size: int, coarse: int
    ):
        """500 x 125 in 2-D by column generation: one simplex for the coarse level (all pairs,
        ``_simplex.all_pairs_plan``: 63 cells of 8 points of x against the 125 points of
        y, or 125 x 32 cells of 4 points with ``dual_cell_size=0``) and one for the fine
        level, built from the least-cost plan once the candidates are known (a simplex of
        the refined coarse plan, replaced before its first pivot, cost 0.3 ms of a 4 ms
        solve)."""
        from distances.transport import _simplex

        built: list[int] = []
        coarse_plans: list[tuple[int, int]] = []
        real = _simplex.TransportSimplex._allocate
        real_plan = _simplex.all_pairs_plan

        def recorded(self, n, m, cap, index):
            built.append(n)
            return real(self, n, m, cap, index)

        def recorded_plan(a, b, cost, *args):
            coarse_plans.append(cost.shape)
            return real_plan(a, b, cost, *args)

        monkeypatch.setattr(_simplex.TransportSimplex, "_allocate", recorded)
        monkeypatch.setattr(_simplex, "all_pairs_plan", recorded_plan)
        rng = np.random.default_rng(3)
        x, y = rng.standard_normal((500, 2)), 0.5 * rng.standard_normal((125, 2))
        got = solve_sparse(x, y, options=SparseOptions(dual_cell_size=dual_cell_size,
                                                       dense_pairs=0))
        cells_y = 125 if dual_cell_size else 32
        assert got.levels == 2 and coarse_plans == [(coarse, cells_y)] and built == [500]
        want = ot.emd2(np.full(500, 1 / 500), np.full(125, 1 / 125), cdist(x, y))
        assert got.solution.value == pytest.approx(want, rel=1e-12)

    def test_the_solver_checks_what_its_start_needs(self):
        from distances.transport._solver import Solver

        x, a = np.zeros((3, 2)), np.full(3, 1 / 3)
        opts = SparseOptions()
        with pytest.raises(ValueError, match="needs the cost matrix and the orders"):
            Solver(x, x, a, a, None, np.zeros((3, 3)), opts, first="least_cost")
        with pytest.raises(ValueError, match="the 'tree' start needs a spanning tree"):
            Solver(x, x, a, a, None, None, opts)
        with pytest.raises(ValueError, match="first must be"):
            Solver(x, x, a, a, None, None, opts, first="north-west")

    def test_only_the_finest_level_starts_from_the_duals(self, monkeypatch: pytest.MonkeyPatch):
        """1700 x 425 in 2-D: its coarse level (213 cells of 8 points of x against the 425
        points of y) is solved by column generation with a coarse level of its own;
        that level starts from its refined coarse plan (its plan only seeds the finest
        level), the finest from the duals."""
        rng = np.random.default_rng(11)
        x, y = rng.standard_normal((1700, 2)), 0.5 * rng.standard_normal((425, 2))
        seen = self._record(monkeypatch)
        got = solve_sparse(x, y)
        assert [(s["n"], s["m"], s["duals"] is not None, s["first"]) for s in seen] == [
            (213, 425, False, "tree"), (1700, 425, True, "least_cost")]
        assert got.levels == 3 and got.solution.certificate.ok
        want = ot.emd2(np.full(1700, 1 / 1700), np.full(425, 1 / 425), cdist(x, y))
        assert got.solution.value == pytest.approx(want, rel=1e-12)


class TestAlignedNeighbours:
    """The first neighbours of a kept-matrix problem above 3-D come from the aligned
    clouds up to ``aligned_max_d`` dimensions and ``brute_force_pairs`` pairs, else from
    the cost matrix (the clouds as they are)."""

    @staticmethod
    def _clouds(d: int, n: int = 120, m: int = 40):
        rng = np.random.default_rng(d)
        x = rng.standard_normal((n, d)) * np.linspace(0.2, 3.0, d)  # stretched
        y = 0.5 * rng.standard_normal((m, d)) + 1.0
        a, b = rng.exponential(size=n), rng.exponential(size=m)
        return x, y, a / a.sum(), b / b.sum()

    @staticmethod
    def _pairs(rows, cols, m):
        return np.sort(np.asarray(rows) * m + np.asarray(cols))

    @pytest.mark.parametrize("d", [4, 8, 12])
    def test_up_to_the_dimension_they_are_the_aligned_clouds(self, d: int):
        from distances.transport._nearest import euclidean_matrix, nearest_in_matrix

        x, y, a, b = self._clouds(d)
        m = y.shape[0]
        cost = euclidean_matrix(x, y)
        got = self._pairs(*_candidates.nearest_pairs(x, y, a, b, 8, cost, aligned_max_d=12), m)
        aligned = self._pairs(*_candidates.nearest_pairs(x, y, a, b, 8, None), m)
        np.testing.assert_array_equal(got, aligned)
        # the matrix's own neighbours are other pairs on these stretched clouds
        cols, rows = nearest_in_matrix(cost, 8, 8)
        plain = self._pairs(np.r_[np.repeat(np.arange(x.shape[0]), 8), rows.ravel()],
                            np.r_[cols.ravel(), np.repeat(np.arange(m), 8)], m)
        assert not np.array_equal(got, plain)
        # above aligned_max_d, or above brute_force_pairs, the matrix's neighbours
        for kw in ({"aligned_max_d": d - 1}, {"aligned_max_d": 12, "brute_force_pairs": 100}):
            np.testing.assert_array_equal(
                self._pairs(*_candidates.nearest_pairs(x, y, a, b, 8, cost, **kw), m), plain)

    def test_the_default_and_the_value(self):
        assert SparseOptions().aligned_max_d == 12
        x, y, a, b = self._clouds(8, 300, 100)
        want = ot.emd2(a, b, cdist(x, y))
        for d_max in (3, 12):
            got = solve_sparse(x, y, a, b, options=SparseOptions(aligned_max_d=d_max))
            assert got.solution.certificate.ok
            assert got.solution.value == pytest.approx(want, rel=1e-12)
