"""The certified sparse W1 solver against the dense network simplex.

Every sparse solution is re-checked here with the dense certificate
(:func:`distances.certify` on the full cost matrix), so the sparse solver's own claim
"no pair violates dual feasibility" is tested by an independent computation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np
import ot
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from scipy.spatial.distance import cdist

from distances import Discrete, SolverError, certify, earth_mover, earth_mover_solution
from distances.sparse_w1 import (
    COARSEN_ABOVE,
    COARSEN_ABOVE_3D,
    COARSEN_ABOVE_HIGH_D,
    SparseOptions,
    solve_sparse,
)
from distances.transport._candidates import aligned
from distances.wasserstein import CERTIFICATE_RTOL

# The rounds without a kept cost matrix (those of large problems), at every size.
LOCAL_LISTS = SparseOptions(matrix_max_pairs=0, matrix_max_pairs_high_d=0)

# Both solvers are exact; their values differ by round-off in sums of ~1000 products of
# size <= 10, and the sparse potentials are certified within 5e-10 of the cost scale.
RTOL_VALUE = 1e-9
# Our dual infeasibility is max(0, u_i + v_j - c_ij) computed with a different summation
# order than certify()'s; both are round-off of numbers of size <= 10.
ATOL_ROUNDOFF = 1e-12

Cloud = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(20170126)  # the WGAN paper's arXiv date


def _uniform(n: int) -> np.ndarray:
    return np.full(n, 1.0 / n)


def _gaussians(rng: np.random.Generator) -> Cloud:
    x, y = rng.standard_normal((600, 2)), rng.standard_normal((500, 2))
    return x, y, _uniform(600), _uniform(500)


def _eight_gaussians(rng: np.random.Generator) -> Cloud:
    """The WGAN-GP toy data (REFERENCE.md): 8 centres on a circle of radius 2, noise 0.02,
    all divided by 1.414; against a noisier, rotated copy."""
    angles = np.arange(8) * np.pi / 4
    centres = 2 * np.stack([np.cos(angles), np.sin(angles)], 1)
    x = (centres[rng.integers(0, 8, 500)] + 0.02 * rng.standard_normal((500, 2))) / 1.414
    rot = np.array([[np.cos(0.3), -np.sin(0.3)], [np.sin(0.3), np.cos(0.3)]])
    y = (centres[rng.integers(0, 8, 500)] @ rot.T + 0.1 * rng.standard_normal((500, 2))) / 1.414
    return x, y, _uniform(500), _uniform(500)


def _translated(rng: np.random.Generator) -> Cloud:
    x = rng.standard_normal((400, 2))
    return x, x + np.array([1.5, -0.5]), _uniform(400), _uniform(400)


def _clustered(rng: np.random.Generator) -> Cloud:
    """Tight clusters of unequal population on both sides: mass must cross between them."""
    cx, cy = rng.uniform(-5, 5, (6, 2)), rng.uniform(-5, 5, (4, 2))
    x = cx[rng.choice(6, 700, p=[0.4, 0.2, 0.1, 0.1, 0.1, 0.1])] + 0.05 * rng.standard_normal(
        (700, 2)
    )
    y = cy[rng.integers(0, 4, 600)] + 0.05 * rng.standard_normal((600, 2))
    return x, y, _uniform(700), _uniform(600)


def _duplicates(rng: np.random.Generator) -> Cloud:
    """Points on a coarse grid: many repeated atoms within and between the clouds."""
    x = rng.integers(-3, 4, (500, 2)).astype(float)
    y = rng.integers(-2, 5, (450, 2)).astype(float)
    return x, y, _uniform(500), _uniform(450)


def _unequal_weights(rng: np.random.Generator) -> Cloud:
    x, y = rng.standard_normal((500, 2)), rng.standard_normal((400, 2)) * [2.0, 0.5]
    return x, y, rng.dirichlet(np.ones(500)), rng.dirichlet(0.3 * np.ones(400))


def _null_weights(rng: np.random.Generator) -> Cloud:
    """A third of the atoms carry no mass: their potentials come from c-transforms."""
    x, y, a, b = _unequal_weights(rng)
    a[rng.choice(500, 170, replace=False)] = 0.0
    b[rng.choice(400, 130, replace=False)] = 0.0
    return x, y, a / a.sum(), b / b.sum()


def _three_d(rng: np.random.Generator) -> Cloud:
    x, y = rng.standard_normal((400, 3)), rng.standard_normal((450, 3)) + np.array([0.3, 0.0, 0.0])
    return x, y, _uniform(400), _uniform(450)


def _five_d(rng: np.random.Generator) -> Cloud:
    """No convex hull in 5-D: the cost scale comes from a blocked scan of all pairs."""
    x, y = rng.standard_normal((300, 5)), rng.standard_normal((280, 5))
    return x, y, _uniform(300), _uniform(280)


SHAPES: dict[str, Callable[[np.random.Generator], Cloud]] = {
    "gaussians": _gaussians,
    "eight_gaussians": _eight_gaussians,
    "translated": _translated,
    "clustered": _clustered,
    "duplicates": _duplicates,
    "unequal_weights": _unequal_weights,
    "null_weights": _null_weights,
    "three_d": _three_d,
    "five_d": _five_d,
}


def _dense_value(x: np.ndarray, y: np.ndarray, a: np.ndarray, b: np.ndarray) -> float:
    return float(ot.emd2(a, b, cdist(x, y), numItermax=10**8))


def _check_against_dense(res_solution, x, y, a, b) -> None:  # type: ignore[no-untyped-def]
    sol = res_solution
    assert sp.issparse(sol.plan) and sol.plan.shape == (x.shape[0], y.shape[0])
    assert sol.method == "sparse"
    assert_allclose(sol.value, _dense_value(x, y, a, b), rtol=RTOL_VALUE)
    dense = certify(sol.plan.toarray(), sol.u, sol.v, a, b, cdist(x, y))
    assert dense.ok, dense
    assert sol.certificate.ok, sol.certificate
    # The sparse certificate reports the same numbers as the dense one over all n*m pairs.
    assert_allclose(sol.certificate.cost_scale, dense.cost_scale, rtol=1e-15)
    assert_allclose(sol.certificate.dual_infeasibility, dense.dual_infeasibility,
                    atol=ATOL_ROUNDOFF)
    assert_allclose(sol.certificate.marginal_error, dense.marginal_error, atol=1e-15)


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_sparse_matches_dense_with_valid_certificate(shape: str, rng: np.random.Generator):
    x, y, a, b = SHAPES[shape](rng)
    _check_against_dense(solve_sparse(x, y, a, b).solution, x, y, a, b)
    # The column generation (above SparseOptions.dense_pairs; some of these problems are
    # below it) never holds the dense matrix: its last candidate set is a small fraction
    # of all pairs.
    res = solve_sparse(x, y, a, b, options=SparseOptions(dense_pairs=0))
    _check_against_dense(res.solution, x, y, a, b)
    assert res.edges < 0.25 * x.shape[0] * y.shape[0]


def test_coarse_levels_seed_an_exact_solution(rng: np.random.Generator):
    x, y, a, b = _gaussians(rng)
    res = solve_sparse(x, y, a, b, coarsen_above=60, cell_size=3)
    assert res.levels >= 3  # 600/500 -> 200/167 -> 67/56 points: two coarse levels
    _check_against_dense(res.solution, x, y, a, b)


@pytest.mark.parametrize(("d", "n", "levels"),
                         [(2, 100, 1), (2, 101, 2), (3, 200, 1), (3, 201, 2), (5, 800, 1),
                          (5, 801, 2)])
def test_default_coarse_level_depends_on_the_dimension(
    d: int, n: int, levels: int, rng: np.random.Generator
):
    """COARSEN_ABOVE (100) in up to 2-D, COARSEN_ABOVE_3D (200) in 3-D,
    COARSEN_ABOVE_HIGH_D (800) above (for problems above ``dense_pairs``: smaller ones
    are solved on all their pairs at once)."""
    assert (COARSEN_ABOVE, COARSEN_ABOVE_3D, COARSEN_ABOVE_HIGH_D) == (100, 200, 800)
    x, y = rng.normal(size=(n, d)), rng.normal(size=(n, d)) + 0.5
    res = solve_sparse(x, y, options=SparseOptions(dense_pairs=0))
    assert res.levels == levels
    assert res.solution.certificate.ok


@pytest.mark.parametrize("shape", ["clustered", "unequal_weights", "null_weights"])
def test_first_candidates_missing_optimal_edges_still_end_exact(
    shape: str, rng: np.random.Generator
):
    """One neighbour per point, one checked locally, no coarse plan: the first candidate set
    (nearest neighbours + the monotone plan of a projection, which alone keeps the problem
    feasible for unequal weights) misses most optimal edges."""
    x, y, a, b = SHAPES[shape](rng)
    tiny = {"k_neighbors": 1, "local_neighbors": 1, "cell_size": 0,
            "options": SparseOptions(dense_pairs=0)}  # the column generation at any size
    res = solve_sparse(x, y, a, b, **tiny)
    _check_against_dense(res.solution, x, y, a, b)
    assert res.full_scans >= 2  # the first full scan found violated pairs
    # The optimal plan of the dense problem uses edges the first sparse solve did not have:
    # stopped after that solve, the loop must refuse to answer rather than return its value.
    with pytest.raises(SolverError, match="did not certify optimality within max_rounds=1"):
        solve_sparse(x, y, a, b, max_rounds=1, **tiny)


class TestAlignedSeeds:
    """The seeds' alignment (:func:`distances.transport._candidates.aligned`): the linear map
    between the clouds' Gaussian approximations."""

    def test_maps_the_covariance_of_x_to_that_of_y(self, rng: np.random.Generator):
        x = rng.normal(size=(400, 2)) @ np.array([[0.3, 0.0], [0.2, 1.5]])
        y = rng.normal(size=(300, 2)) @ np.array([[3.0, 1.0], [0.0, 0.5]]) + 5.0
        a, b = rng.dirichlet(np.ones(400)), rng.dirichlet(np.ones(300))
        xa, yc = aligned(x, y, a, b)
        assert_allclose(a @ xa, 0.0, atol=1e-12)
        assert_allclose(yc, y - b @ y)
        # A S_x A = S_y, and A is the transport map: symmetric positive definite.
        assert_allclose((xa * a[:, None]).T @ xa, (yc * b[:, None]).T @ yc, rtol=1e-10)
        xc = x - a @ x
        lin = np.linalg.lstsq(xc, xa, rcond=None)[0]
        assert_allclose(lin, lin.T, atol=1e-10)
        assert np.linalg.eigvalsh(lin).min() > 0

    def test_singular_covariance_aligns_only_the_means(self):
        x = np.c_[np.arange(10.0), 2 * np.arange(10.0)]  # collinear: S_x singular
        y = np.c_[np.arange(8.0), np.ones(8)]
        a, b = np.full(10, 0.1), np.full(8, 0.125)
        xa, yc = aligned(x, y, a, b)
        assert_allclose(xa, x - a @ x)
        assert_allclose(yc, y - b @ y)
        # ... and the solve stays exact (the seeds are only a heuristic).
        res = solve_sparse(x, y, a, b, coarsen_above=1, cell_size=2)
        _check_against_dense(res.solution, x, y, a, b)


def test_zero_weight_potentials_are_feasible_c_transforms(rng: np.random.Generator):
    x, y, a, b = _null_weights(rng)
    sol = solve_sparse(x, y, a, b).solution
    c = cdist(x, y)
    zero = a == 0
    # u_i = min_j c_ij - v_j exactly where a_i = 0: the tightest feasible potential.
    assert_allclose(sol.u[zero], (c[zero] - sol.v).min(axis=1), atol=ATOL_ROUNDOFF)
    assert sol.plan.toarray()[zero].sum() == 0.0


def test_translation_value_is_the_shift(rng: np.random.Generator):
    """W1(P, P + v) = |v| for any P (a closed form, not just another solver)."""
    x = rng.standard_normal((300, 2))
    res = solve_sparse(x, x + np.array([3.0, 4.0]))
    assert_allclose(res.solution.value, 5.0, rtol=1e-12)


def test_single_points_and_identical_clouds(rng: np.random.Generator):
    assert solve_sparse([[0.0, 0.0]], [[3.0, 4.0]]).solution.value == 5.0
    x = rng.standard_normal((50, 2))
    assert_allclose(solve_sparse(x, x).solution.value, 0.0, atol=1e-15)


class TestBadInput:
    def test_dimension_mismatch(self):
        with pytest.raises(ValueError, match="dimension"):
            solve_sparse(np.zeros((3, 2)), np.zeros((3, 3)))

    def test_weights_length(self):
        with pytest.raises(ValueError, match="a must have one weight per point; got 2 and 3"):
            solve_sparse(np.zeros((3, 2)), np.zeros((3, 2)), a=[0.5, 0.5])

    def test_negative_weight(self):
        with pytest.raises(ValueError, match="non-negative"):
            solve_sparse(np.zeros((2, 2)), np.zeros((2, 2)), b=[1.5, -0.5])

    @pytest.mark.parametrize("option", ["k_neighbors", "local_neighbors", "max_rounds"])
    def test_counts_must_be_positive(self, option: str):
        with pytest.raises(ValueError, match=f"{option} must be an integer >= 1; got 0"):
            solve_sparse(np.zeros((2, 2)), np.ones((2, 2)), **{option: 0})

    def test_cell_size_is_bounded(self):
        """Issue 27: cell_size=100_000 asked for 9.3 GiB (cell_size**2 pairs per coarse
        edge) without naming the option; it is refused up front, naming it."""
        with pytest.raises(ValueError, match=r"cell_size must be at most 64.*got 100000"):
            solve_sparse(np.zeros((2, 2)), np.ones((2, 2)), cell_size=100_000)
        assert solve_sparse(np.zeros((2, 2)), np.ones((2, 2)), cell_size=64).solution.value == (
            pytest.approx(np.sqrt(2), rel=1e-15))

    def test_options_are_validated_and_keywords_replace_them(self):
        with pytest.raises(ValueError, match="per_row must be an integer >= 1; got 0"):
            SparseOptions(per_row=0)
        with pytest.raises(ValueError, match="polish must be a number in \\[0, 1\\]; got 2"):
            SparseOptions(polish=2)
        with pytest.raises(ValueError, match="max_iter must be a positive integer"):
            SparseOptions(max_iter=0)
        # a keyword given another value than its default replaces the options' field
        with pytest.raises(SolverError, match="max_rounds=1"):
            rng = np.random.default_rng(3)
            solve_sparse(rng.normal(size=(300, 2)), rng.normal(size=(300, 2)) + 2,
                         max_rounds=1, k_neighbors=1, cell_size=0,
                         options=SparseOptions(max_rounds=400, dense_pairs=0))

    def test_shared_options_are_made_once_and_invalid_ones_always_refused(self):
        """transport._options.options: one frozen SparseOptions per set of values (what
        earth_mover and solve_sparse use); True is not 1, and bad values (unhashable
        too) raise every time, cached or not."""
        from distances.transport._options import options

        assert options(max_iter=7) is options(max_iter=7) == SparseOptions(max_iter=7)
        assert options() is options() and options() is not options(max_iter=7)
        for _ in range(2):
            with pytest.raises(ValueError, match="max_iter must be a positive integer"):
                options(max_iter=True)
            with pytest.raises(ValueError, match="k_neighbors must be an integer >= 1"):
                options(k_neighbors=[8])


class TestEarthMoverHook:
    def test_method_sparse_equals_network_simplex(self, rng: np.random.Generator):
        P = Discrete(rng.standard_normal((300, 2)))
        Q = Discrete(rng.standard_normal((250, 2)) + 0.5, rng.dirichlet(np.ones(250)))
        sparse = earth_mover_solution(P, Q, method="sparse")
        dense = earth_mover_solution(P, Q, method="network_simplex")
        assert sp.issparse(sparse.plan) and sparse.method == "sparse"
        assert_allclose(sparse.value, dense.value, rtol=RTOL_VALUE)
        assert_allclose(earth_mover(P, Q, method="sparse"), dense.value, rtol=RTOL_VALUE)

    def test_shared_support_with_zero_weights(self):
        support = [[0.0, 0.0], [1.0, 0.0], [2.0, 0.0], [0.0, 1.0]]
        value = earth_mover([0.5, 0.5, 0.0, 0.0], [0.0, 0.5, 0.5, 0.0], support=support,
                            method="sparse")
        assert_allclose(value, 1.0, rtol=1e-15)

    def test_cost_matrix_is_refused(self):
        with pytest.raises(ValueError, match="method='sparse' needs point clouds"):
            earth_mover([0.5, 0.5], [0.5, 0.5], cost=[[0.0, 1.0], [1.0, 0.0]], method="sparse")

    def test_auto_uses_sparse_above_the_threshold(self, rng: np.random.Generator,
                                                 monkeypatch: pytest.MonkeyPatch):
        import distances.wasserstein as w

        P, Q = Discrete(rng.standard_normal((80, 2))), Discrete(rng.standard_normal((90, 2)))
        assert earth_mover_solution(P, Q).method == "network_simplex"
        monkeypatch.setattr(w, "SPARSE_AUTO_MIN_ATOMS", 50)
        monkeypatch.setattr(w, "ready", lambda prob: True)  # the kernels loaded
        auto = earth_mover_solution(P, Q)
        assert auto.method == "sparse"
        assert_allclose(auto.value, earth_mover(P, Q, method="network_simplex"),
                        rtol=RTOL_VALUE)
        # Never on the line (closed form) nor for a cost matrix.
        assert earth_mover_solution(Discrete(rng.standard_normal(80)),
                                    Discrete(rng.standard_normal(90))).method == "closed_form_1d"


def test_certificate_tolerance_is_the_documented_one():
    # The pricing tolerance is half the certificate's: a certified sparse value is within
    # 5e-10 of the cost scale of the optimum, and round-off in the potentials has margin.
    from distances.sparse_w1 import PRICING_RTOL

    assert PRICING_RTOL == pytest.approx(CERTIFICATE_RTOL / 2, rel=1e-15)


@pytest.mark.parametrize("scale", [1e-200, 1e-5, 1e150])
def test_extreme_scales_are_solved_exactly(scale: float, rng: np.random.Generator):
    """Coordinates are rescaled by a power of two (exact) before solving, so the value
    scales exactly and the certificate still holds (cdist would overflow at 1e200 squared,
    and POT's absolute round-off ~1e-17 would swamp costs of 1e-200)."""
    x, y, a, b = _unequal_weights(rng)
    ref = solve_sparse(x, y, a, b).solution
    sol = solve_sparse(x * scale, y * scale, a, b).solution
    assert sol.certificate.ok, sol.certificate
    assert_allclose(sol.value, ref.value * scale, rtol=1e-12)
    assert_allclose(sol.certificate.cost_scale, ref.certificate.cost_scale * scale, rtol=1e-15)


@pytest.mark.parametrize("kept", [True, False])
def test_iteration_limit_retried_then_refused(kept: bool, monkeypatch):
    """A solve that stops at its iteration limit continues with 10x, then 100x the limit,
    then the solve is refused; in the rounds of either kind (kept cost matrix, local
    lists). A limit of 1/50 of the pivots the solve needs is enough (only the 100x retry
    lets it finish), 1/500 is not."""
    import distances.transport._solver as ss
    import distances.transport._sparse as sw

    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(200, 2)), rng.normal(size=(200, 2)) + 1.0
    opts = replace(SparseOptions(dense_pairs=0) if kept else LOCAL_LISTS, cell_size=0,
                   partial_pivots=0)
    pivots = []
    real = ss.run_rounds

    def counted(solver, *args):
        res = real(solver, *args)
        pivots.append(solver.simplex.pivots)
        return res

    monkeypatch.setattr(sw, "run_rounds", counted)
    assert sw.solve_sparse(x, y, options=opts).solution.certificate.ok
    needed = pivots[-1]
    assert needed > 1000
    res = sw.solve_sparse(x, y, options=replace(opts, max_iter=needed // 50))
    assert res.solution.certificate.ok
    limit = needed // 500
    with pytest.raises(SolverError,
                       match=rf"stopped at its iteration limit \({100 * limit}\) 3 times"):
        sw.solve_sparse(x, y, options=replace(opts, max_iter=limit))


@pytest.mark.parametrize("per_atom", [0, 1, 2])
def test_partial_rounds_end_exact(per_atom: int, monkeypatch, rng: np.random.Generator):
    """The rounds of the local lists price them before the optimum (partial_pivots x n
    pivots a round); whatever the budget, the loop certifies only a complete solve, so the
    value is the dense one. A budget of 1 pivot an atom makes many partial rounds."""
    import distances.transport._sparse as sw

    x, y, a, b = _clustered(rng)
    res = sw.solve_sparse(x, y, a, b, cell_size=0,
                          options=replace(LOCAL_LISTS, partial_pivots=per_atom))
    _check_against_dense(res.solution, x, y, a, b)
    if per_atom == 1:
        assert res.rounds > 2 * res.full_scans  # partial rounds ran between the scans


@pytest.mark.parametrize("local_lists", [False, True])
def test_int32_indices_give_the_int64_solution(local_lists: bool, monkeypatch,
                                               rng: np.random.Generator):
    """Large problems number the simplex's nodes and arcs in int32 (index32_nodes atoms
    and more). Lowered to every size here: the same pivots, so the same plan, potentials
    and certified value as int64, and the dense value. With local lists they also
    renumber the nodes and sort the arcs before each solve (renumber_nodes): other pivots,
    the dense value."""
    import distances.transport._solver as ss
    import distances.transport._sparse as sw

    opts = LOCAL_LISTS if local_lists else SparseOptions()
    from distances.transport import _simplex

    widths = []
    allocate = _simplex.TransportSimplex._allocate

    def recorded(self, n, m, cap, index):
        allocate(self, n, m, cap, index)
        widths.append(self.pred.dtype.itemsize)

    monkeypatch.setattr(_simplex.TransportSimplex, "_allocate", recorded)
    x, y, a, b = _clustered(rng)
    wide = sw.solve_sparse(x, y, a, b, options=opts)
    assert set(widths) == {8}
    narrow = sw.solve_sparse(x, y, a, b, options=replace(opts, index32_nodes=0))
    assert set(widths[len(widths) // 2 :]) == {4}
    assert narrow.solution.value == wide.solution.value
    assert (narrow.solution.plan != wide.solution.plan).nnz == 0
    assert_array_equal(narrow.solution.u, wide.solution.u)
    assert_array_equal(narrow.solution.v, wide.solution.v)
    _check_against_dense(narrow.solution, x, y, a, b)
    if local_lists:
        solvers = []
        real = ss.Solver.__init__

        def recorded(self, *args, **kwargs):
            real(self, *args, **kwargs)
            solvers.append(self)

        monkeypatch.setattr(ss.Solver, "__init__", recorded)
        res = sw.solve_sparse(x, y, a, b, options=replace(opts, index32_nodes=0,
                                                          renumber_nodes=0))
        assert solvers and all(s.renumber for s in solvers)
        label = solvers[-1].simplex.label  # the compiled rounds renumbered the nodes
        assert not np.array_equal(label, np.arange(label.size))
        _check_against_dense(res.solution, x, y, a, b)


def test_renumbering_within_a_round_keeps_the_optimum(monkeypatch, rng: np.random.Generator):
    """Renumbered problems renumber the nodes and re-sort the arcs in the middle of a
    round too, every ``renumber_pivots`` x (n + m) pivots: the simplex goes on from the
    moved arcs to the dense value. Counted: more renumberings than rounds (0.005 x 1300
    nodes: every 6 pivots); with 0, exactly one a round."""
    import distances.transport._rounds as rd

    x, y, a, b = _clustered(rng)
    states = []
    real = rd.round_state

    def recorded(**fields):
        states.append(real(**fields))
        return states[-1]

    monkeypatch.setattr(rd, "round_state", recorded)
    for every in (0.005, 0.0):
        states.clear()
        res = solve_sparse(x, y, a, b, options=replace(
            LOCAL_LISTS, index32_nodes=0, renumber_nodes=0, renumber_pivots=every,
            renumber_within_nodes=0))
        _check_against_dense(res.solution, x, y, a, b)
        st = states[-1][0]  # the finest level's rounds
        if every:
            assert st["renumbered"] > 2 * st["rounds"]
        else:
            assert st["renumbered"] == st["rounds"]
    with pytest.raises(ValueError, match="renumber_pivots must be a number >= 0; got -1"):
        SparseOptions(renumber_pivots=-1)


def test_scratch_arrays_are_per_thread_and_solves_in_threads_agree():
    """The cost matrix and the candidate mask of small problems are scratch arrays kept per
    thread between solves (``_resources.scratch``). A solve reuses its thread's array
    (no fresh memory: the page faults it avoids took 1 ms of 12 at n = 500), other threads
    get their own, large ones are never kept; and four threads solving different problems
    at once, twice each (the second solve on the first one's arrays), get the values and
    plans of the same solves run one after the other. A scratch shared by all threads
    (a plain object instead of threading.local) fails the second assertion; without that
    assertion, the threaded solves corrupted memory and aborted the process."""
    from concurrent.futures import ThreadPoolExecutor

    import distances.transport._resources as ss

    first = ss.scratch("test", 100, np.float64)
    assert np.shares_memory(first, ss.scratch("test", 50, np.float64))
    with ThreadPoolExecutor(1) as pool:
        other = pool.submit(ss.scratch, "test", 100, np.float64).result()
    assert not np.shares_memory(first, other)
    big = ss.SCRATCH_MAX_BYTES // 8 + 1
    assert not np.shares_memory(ss.scratch("test", big, np.float64),
                                ss.scratch("test", big, np.float64))
    # several at once (scratch_arrays): the same ones for the same request, the right
    # sizes and dtypes, other threads their own, large ones never kept
    kinds = (np.int32, np.float64, np.int8)
    arrays = ss.scratch_arrays("test_set", 70, kinds)
    assert [(v.size, v.dtype) for v in arrays] == [(70, np.dtype(k)) for k in kinds]
    assert ss.scratch_arrays("test_set", 70, kinds) is arrays
    assert all(np.shares_memory(v, w)
               for v, w in zip(arrays, ss.scratch_arrays("test_set", 40, kinds), strict=True))
    with ThreadPoolExecutor(1) as pool:
        other = pool.submit(ss.scratch_arrays, "test_set", 70, kinds).result()
    assert not any(np.shares_memory(v, w) for v, w in zip(arrays, other, strict=True))
    assert not np.shares_memory(ss.scratch_arrays("test_set", big, (np.float64,))[0],
                                ss.scratch_arrays("test_set", big, (np.float64,))[0])

    rng = np.random.default_rng(7)
    problems = [(rng.normal(size=(n, 2)), rng.normal(size=(n, 2)) + 0.5)
                for n in (300, 320, 340, 360)]

    def solve_twice(problem):
        x, y = problem
        return [earth_mover_solution(Discrete(x), Discrete(y), method="sparse")
                for _ in range(2)]

    serial = [solve_twice(p) for p in problems]
    with ThreadPoolExecutor(4) as pool:
        threaded = list(pool.map(solve_twice, problems))
    for got, want in zip(threaded, serial, strict=True):
        for g, w in zip(got, want, strict=True):
            assert g.value == w.value
            assert (g.plan != w.plan).nnz == 0
