"""Values of TV, KL, JS and W1 that can be checked by hand, and float64 arithmetic.

Most assertions here are exact (``==``): the inputs are chosen so that the exact answer is
a float the computation reaches without round-off (sums of halves and quarters, 3-4-5
triangles). Where round-off is unavoidable the tolerance is named and explained.
"""

from __future__ import annotations

import copy
import math
import pickle

import numpy as np
import pytest
from numpy.testing import assert_allclose

from distances import (
    Discrete,
    earth_mover,
    earth_mover_solution,
    js_divergence,
    kl_divergence,
    total_variation,
)

LOG2 = math.log(2.0)
EPS = float(np.finfo(float).eps)


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(20170126)  # arXiv 1701.07875


def _random_measure(rng: np.random.Generator, n: int, d: int) -> Discrete:
    return Discrete(rng.normal(size=(n, d)), rng.dirichlet(np.ones(n)))


@pytest.mark.parametrize("d", [1, 2, 3])
@pytest.mark.parametrize("weighted", [False, True])
def test_duplicates_merge_as_numpy_unique_does(d, weighted, rng):
    """Atoms in lexicographic order with the weights of equal atoms added, as
    ``np.unique(axis=0)`` and ``np.bincount`` give them (the weights to an ulp: the sums
    run in another order). Points on a small grid, some zeros negative: many ties, and
    -0.0 equals 0.0."""
    for _ in range(50):
        n = int(rng.integers(1, 30))
        x = rng.integers(-1, 2, size=(n, d)) * 1.0
        x[rng.random(x.shape) < 0.3] *= -1.0  # -0.0 where x was 0
        w = rng.dirichlet(np.ones(n)) if weighted else np.full(n, 1.0 / n)
        atoms, inverse = np.unique(x, axis=0, return_inverse=True)
        P = Discrete(x, w) if weighted else Discrete(x)
        assert np.array_equal(P.atoms.reshape(-1, d), atoms)
        assert_allclose(P.weights, np.bincount(inverse.ravel(), w), rtol=4 * EPS, atol=0)



@pytest.mark.parametrize("d", [2, 5, 16])
@pytest.mark.parametrize("first_ties", [False, True])
def test_atoms_sort_lexicographically_with_or_without_ties_in_the_first_coordinate(
    d, first_ties, rng
):
    """Distinct first coordinates alone set the order (one argsort); where some tie, the
    later coordinates break the ties (a sort on every coordinate): np.unique(axis=0)'s
    order either way. A first coordinate on a grid of three values, the others normal,
    makes the second case; an order by the first coordinate alone fails it."""
    for _ in range(20):
        n = int(rng.integers(2, 40))
        x = rng.normal(size=(n, d))
        if first_ties:
            x[:, 0] = rng.integers(0, 3, size=n)
        P = Discrete(x)
        assert np.array_equal(P.atoms, np.unique(x, axis=0))


@pytest.mark.parametrize(("grid_columns", "repeats"), [(0, False), (3, False), (12, False),
                                                       (16, True)])
def test_ties_broken_by_as_few_coordinates_as_needed_keep_the_order(
    grid_columns, repeats, rng
):
    """Where the first coordinates tie, the sort uses the first k coordinates (enough for
    ties to be unlikely), doubling k while rows still tie on them. 16-D rows whose first
    ``grid_columns`` coordinates take 2 values (the others normal) need 1, 2, 4 ... 16 of
    them; repeated rows need all 16 and merge. np.unique(axis=0)'s atoms and summed
    weights either way (an order on too few coordinates fails it)."""
    for _ in range(10):
        n = int(rng.integers(2, 300))
        x = rng.normal(size=(n, 16))
        x[:, 0] = rng.integers(0, 2, size=n)
        x[:, :grid_columns] = rng.integers(0, 2, size=(n, grid_columns))
        if repeats:
            x = x[rng.integers(0, n, size=n)]
        w = rng.dirichlet(np.ones(n))
        atoms, inverse = np.unique(x, axis=0, return_inverse=True)
        P = Discrete(x, w)
        assert np.array_equal(P.atoms, atoms)
        assert_allclose(P.weights, np.bincount(inverse.ravel(), w), rtol=4 * EPS, atol=0)


@pytest.mark.parametrize("kind", ["binary", "repeated"])
def test_ties_on_the_first_coordinates_double_them(kind, rng):
    """A first coordinate of 50 values makes 5 coordinates look enough (50^5 >= 512 n^2)
    for 300 rows. ``binary``: coordinates 1-3 take two values and the 4th one, so rows
    still tie on the first 5 and the sort doubles them to 10 (distinct there: the normal
    coordinates 5-9).
    ``repeated``: rows repeated, so ties remain up to all 16 coordinates, and merge. The
    order and the merged weights stay np.unique(axis=0)'s either way; a sort that trusted
    its first 5 coordinates, or tested the ties along the wrong axis, fails it."""
    n = 300
    for _ in range(5):
        x = rng.normal(size=(n, 16))
        x[:, 0] = rng.integers(0, 50, size=n)
        if kind == "binary":
            x[:, 1:4] = rng.integers(0, 2, size=(n, 3))
            x[:, 4] = 0.0  # (no two rows differ in all of the first 5)
        else:
            x[rng.integers(0, n, size=40)] = x[:40]
        w = rng.dirichlet(np.ones(n))
        atoms, inverse = np.unique(x, axis=0, return_inverse=True)
        P = Discrete(x, w)
        assert (P.size < n) == (kind == "repeated")
        assert np.array_equal(P.atoms, atoms)
        assert_allclose(P.weights, np.bincount(inverse.ravel(), w), rtol=4 * EPS, atol=0)


class TestDisjointSupports:
    """The paper's point: disjoint supports saturate TV, JS and KL, W1 stays informative."""

    P = Discrete([0.0, 1.0])
    Q = Discrete([2.0, 3.0], [0.25, 0.75])

    def test_tv_is_one(self) -> None:
        assert total_variation(self.P, self.Q) == 1.0

    def test_js_is_log2_in_nats_and_one_in_bits(self) -> None:
        assert js_divergence(self.P, self.Q) == LOG2
        assert js_divergence(self.P, self.Q, base=2) == 1.0

    def test_kl_is_infinite_both_ways(self) -> None:
        assert kl_divergence(self.P, self.Q) == math.inf
        assert kl_divergence(self.Q, self.P) == math.inf

    def test_w1_is_the_difference_of_means(self) -> None:
        # Q lies entirely to the right of P, so W1 = E_Q - E_P = 2.75 - 0.5.
        assert earth_mover(self.P, self.Q) == 2.25

    def test_atoms_closer_than_any_tolerance_are_still_different_points(self) -> None:
        P, Q = Discrete([0.0, 1.0]), Discrete([1e-300, 1.0 + 2 * EPS])
        assert total_variation(P, Q) == 1.0
        assert js_divergence(P, Q) == LOG2
        assert_allclose(earth_mover(P, Q), 0.5e-300 + EPS, rtol=1e-12)

    def test_many_atoms_in_two_dimensions(self, rng: np.random.Generator) -> None:
        # Samples of two continuous laws: supports are disjoint with probability 1.
        P = Discrete.from_samples(rng.normal(size=(50, 2)))
        Q = Discrete.from_samples(rng.normal(size=(40, 2)) + 0.1)
        assert (total_variation(P, Q), js_divergence(P, Q)) == (1.0, LOG2)
        assert math.isinf(kl_divergence(P, Q))
        assert 0.0 < earth_mover(P, Q) < 2.0  # finite: a shift of 0.1 plus sampling noise


class TestIdenticalMeasures:
    """P = Q gives exactly 0 for every distance, in any dimension, with any weights."""

    @pytest.mark.parametrize("d", [1, 2, 3])
    def test_all_four_are_zero(self, rng: np.random.Generator, d: int) -> None:
        P = _random_measure(rng, 7, d)
        Q = Discrete(P.atoms[::-1], P.weights[::-1])  # the same measure, given in another order
        values = (
            total_variation(P, Q),
            kl_divergence(P, Q),
            js_divergence(P, Q),
            earth_mover(P, Q),
        )
        assert values == (0.0, 0.0, 0.0, 0.0)

    def test_probability_vectors(self) -> None:
        p = [0.1, 0.0, 0.6, 0.3]
        assert total_variation(p, p) == kl_divergence(p, p) == js_divergence(p, p) == 0.0
        assert earth_mover(p, p, support=[[0, 0], [1, 0], [0, 1], [1, 1]]) == 0.0


class TestTranslation:
    """W1(P, P + v) = |v|: moving every atom by v is optimal and costs |v|."""

    def test_3_4_5_in_the_plane(self) -> None:
        P = Discrete([[0.0, 0.0], [1.0, 0.0]], [0.25, 0.75])
        assert earth_mover(P, P.translate([3.0, 4.0])) == 5.0

    @pytest.mark.parametrize("d", [1, 2, 3])
    def test_random_measure_and_shift(self, rng: np.random.Generator, d: int) -> None:
        P = _random_measure(rng, 12, d)
        v = rng.normal(size=d)
        # Exact identity; round-off from translating atoms of size ~3 and summing 12^2
        # plan entries is far below 1e-12 relative.
        assert_allclose(earth_mover(P, P.translate(v)), np.linalg.norm(v), rtol=1e-12)

    def test_close_atoms_far_from_the_origin(self) -> None:
        # Found by test_properties (hypothesis): costs of 2.5e-12 next to coordinates of 1
        # failed the certificate (POT's gap ~1e-16 is absolute) and raised SolverError.
        P, Q = Discrete([[0.0, 4.0]]), Discrete([[0.0, 4.0 + 1e-11]])
        assert earth_mover(P, Q) == (4.0 + 1e-11) - 4.0  # the exact float64 gap
        clouds = (Discrete([[0.0, 4.0], [1e-11, 4.0]]), Discrete([[0.0, 4.0 + 1e-11], [0.0, 4.0]]))
        assert earth_mover_solution(*clouds, method="network_simplex").certificate.ok

    def test_on_the_line_the_sign_does_not_matter(self) -> None:
        P = Discrete([0.0, 1.0, 5.0], [0.5, 0.25, 0.25])
        assert earth_mover(P, P.translate(-2.5)) == earth_mover(P, P.translate(2.5)) == 2.5


class TestWorkedExamples:
    def test_reweighted_two_point_measures(self) -> None:
        p, q = [0.5, 0.5], [0.25, 0.75]
        assert total_variation(p, q) == 0.25
        assert_allclose(kl_divergence(p, q), 0.5 * math.log(4 / 3), rtol=1e-15)
        assert_allclose(kl_divergence(q, p), 0.75 * math.log(1.5) - 0.25 * LOG2, rtol=1e-15)
        m = [0.375, 0.625]
        js = 0.5 * sum(a * math.log(a / c) for a, c in zip(p, m, strict=True)) + 0.5 * sum(
            b * math.log(b / c) for b, c in zip(q, m, strict=True)
        )
        assert_allclose(js_divergence(p, q), js, rtol=1e-14)  # two summation orders
        assert earth_mover(p, q, support=[0.0, 1.0]) == 0.25

    def test_js_with_subnormal_mass_is_tiny_not_log2(self) -> None:
        # Halving 5e-324 gives 0: a midpoint M = (P + Q) / 2 would have M = 0 where P > 0,
        # and P log(P / M) = inf (scipy's jensenshannon returns inf here). Exact JS is
        # 1/2 * 5e-324 * log 2 + O(5e-324), which rounds to 0 or the smallest subnormal.
        assert js_divergence([1.0, 5e-324], [1.0, 0.0]) <= 5e-324

    @pytest.mark.parametrize("scale", [1e-300, 1e-200, 1e200, 1e300])
    def test_w1_at_extreme_scales(self, scale: float) -> None:
        # 3-4-5 triangles: squares of the coordinates under- or overflow unless the
        # distances are computed on rescaled coordinates.
        P = Discrete([[0.0, 0.0], [1.0, 1.0]]).scale(scale)
        Q = P.translate([3.0 * scale, 4.0 * scale])
        assert_allclose(earth_mover(P, Q), 5.0 * scale, rtol=1e-15)
        assert earth_mover_solution(P, Q).certificate.ok

    def test_kl_with_a_zero_in_p_ignores_that_term(self) -> None:
        assert kl_divergence([1.0, 0.0], [0.5, 0.5]) == LOG2

    def test_dirac_and_two_point_measure(self) -> None:
        P = Discrete([[0.0, 0.0], [3.0, 4.0]], [0.75, 0.25])
        assert earth_mover(P, Discrete.dirac([0.0, 0.0])) == 1.25  # 0.25 of mass moves 5

    def test_one_dimensional_solution_plan_and_potential(self) -> None:
        sol = earth_mover_solution(Discrete([0.0, 1.0]), Discrete([1.0, 3.0]))
        assert sol.value == 1.5
        assert sol.plan.tolist() == [[0.5, 0.0], [0.0, 0.5]]
        # Dual value a.u + b.v equals W1, and u_i + v_j <= |x_i - y_j|.
        assert sol.a @ sol.u + sol.b @ sol.v == 1.5
        assert (np.add.outer(sol.u, sol.v) <= np.abs(np.subtract.outer([0, 1], [1, 3]))).all()
        assert sol.method == "closed_form_1d" and sol.certificate.ok

    def test_cost_matrix_gives_the_assignment_cost(self) -> None:
        cost = [[4.0, 1.0], [2.0, 8.0]]
        # Uniform 2 x 2 assignment: swap (1 + 2) / 2 beats identity (4 + 8) / 2.
        assert earth_mover([0.5, 0.5], [0.5, 0.5], cost=cost) == 1.5


class TestDiscreteMeasure:
    def test_pickle_and_copy_round_trip(self, rng: np.random.Generator) -> None:
        # Immutability (__setattr__ raises) must not break pickle, copy or multiprocessing.
        P = _random_measure(rng, 5, 2)
        assert pickle.loads(pickle.dumps(P)) == P
        assert copy.deepcopy(P) == P and copy.copy(P) == P

    def test_negative_zero_is_the_same_atom_as_zero(self) -> None:
        P = Discrete([-0.0, 0.0, 1.0])
        assert P.atoms.ravel().tolist() == [0.0, 1.0] and P.weights.tolist() == [2 / 3, 1 / 3]
        assert total_variation(P, Discrete([0.0, 0.0, 1.0])) == 0.0


class TestFloat64Arithmetic:
    """Integer and float32 inputs are converted to float64 before any arithmetic."""

    def test_float32_atoms_on_the_line(self) -> None:
        x, y = np.float32(0.1), np.float32(0.3)
        value = earth_mover(Discrete(np.array([x])), Discrete(np.array([y])))
        assert type(value) is float
        assert value == float(y) - float(x)  # the float64 difference of the float32 values

    def test_float32_atoms_in_the_plane(self) -> None:
        pt = np.array([[0.1, 0.2]], dtype=np.float32)
        value = earth_mover(Discrete(pt), Discrete.dirac([0.0, 0.0]))
        exact = math.hypot(float(pt[0, 0]), float(pt[0, 1]))
        # float32 arithmetic would be off by ~1e-8 relative; float64 by at most 2 ulp.
        assert_allclose(value, exact, rtol=4 * EPS, atol=0)

    def test_float32_weights_mixed_with_float64(self) -> None:
        # POT can call mixed float32/float64 marginals "infeasible": we convert both.
        P = Discrete(np.float32([[0, 0], [0, 1]]), np.float32([0.25, 0.75]))
        Q = Discrete([[1.0, 0.0], [1.0, 1.0]], [0.75, 0.25])
        assert P.weights.dtype == P.atoms.dtype == np.float64
        # Optimal: 0.25 (0,0)->(1,0), 0.5 (0,1)->(1,0), 0.25 (0,1)->(1,1).
        assert_allclose(earth_mover(P, Q), 0.5 + 0.5 * math.sqrt(2), rtol=1e-14)

    def test_integer_inputs(self) -> None:
        P = Discrete(np.array([0, 2], dtype=np.int8), np.array([1, 1]), normalize=True)
        assert P.atoms.dtype == np.float64 and P.weights.tolist() == [0.5, 0.5]
        assert total_variation([1, 0], [0, 1]) == 1.0
        assert kl_divergence([1, 0], [1, 0]) == 0.0
        assert earth_mover(P, Discrete([1])) == 1.0

    @pytest.mark.filterwarnings("error")
    def test_huge_coordinates_on_the_line(self) -> None:
        # Gaps of 2e308 overflow: the closed form returned inf (with a RuntimeWarning) while
        # the network simplex, on scaled costs, returned the exact value.
        # Sorted: -1e308 -> 0 and 1e308 -> 1, each of mass 1/2: W1 = 1e308 (1e308 - 1 rounds).
        P, Q = Discrete([[1e308], [-1e308]]), Discrete([[0.0], [1.0]])
        assert earth_mover(P, Q) == earth_mover(P, Q, method="network_simplex") == 1e308
        R = Discrete([[1e308], [-1e308], [0.0]], [0.2, 0.3, 0.5])
        assert earth_mover(R, Q) == earth_mover_solution(R, Q).value

    def test_results_are_python_floats(self) -> None:
        p, q = np.float32([0.25, 0.75]), np.float32([0.5, 0.5])
        values = [total_variation(p, q), kl_divergence(p, q), js_divergence(p, q)]
        assert all(type(v) is float for v in values)
        assert values[0] == 0.25
