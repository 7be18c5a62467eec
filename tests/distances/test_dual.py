"""Tests of distances.dual: the Kantorovich-Rubinstein dual LP, c-transform, extensions.

Tolerances: the dual LP (HiGHS) and the primal (POT / closed form) are exact solvers;
their values are sums of a few hundred products and agree to round-off, so strong
duality is asserted to 1e-9 relative (the issue's bound), Lipschitz slopes to 1e-9
absolute (:func:`check_lipschitz`'s default slack), and hand-computed numbers to 1e-12.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from scipy.stats import wasserstein_distance

from distances import Discrete, earth_mover, earth_mover_solution
from distances.dual import (
    DUAL_MAX_ATOMS,
    DualSolution,
    c_transform,
    check_lipschitz,
    dual_objective,
    kantorovich_dual,
    lipschitz_extension,
    potential_from_solution,
    union_atoms,
)
from distances.testing import measure_tuples

STRONG_DUALITY_RTOL = 1e-9
LIP_ATOL = 1e-9
EXACT = 1e-12


def _random_pair(seed: int) -> tuple[Discrete, Discrete]:
    """Two random measures of 1 to 25 atoms in dimension 1 to 3, some atoms shared."""
    rng = np.random.default_rng(seed)
    d = int(rng.integers(1, 4))
    n, m = int(rng.integers(1, 26)), int(rng.integers(1, 26))
    x = rng.normal(size=(n, d))
    y = rng.normal(size=(m, d)) + rng.normal(size=d)
    shared = int(rng.integers(0, min(n, m) + 1))
    y[:shared] = x[:shared]  # exact coordinate equality: the supports overlap
    a, b = rng.random(n) + 0.05, rng.random(m) + 0.05
    if seed % 4 == 0:  # some zero weights too
        a[0] = 0.0
    return Discrete(x, a, normalize=True), Discrete(y, b, normalize=True)


SEEDS = list(range(40))


@pytest.fixture(scope="module")
def tutorial() -> DualSolution:
    """The docs' worked example: P = (δ0 + δ3)/2, Q = 3/4 δ1 + 1/4 δ3."""
    return kantorovich_dual(Discrete([0.0, 3.0]), Discrete([1.0, 3.0], [0.75, 0.25]))


class TestStrongDuality:
    @pytest.mark.parametrize("seed", SEEDS)
    def test_dual_value_equals_primal_cost(self, seed: int) -> None:
        P, Q = _random_pair(seed)
        sol = kantorovich_dual(P, Q)
        np.testing.assert_allclose(
            sol.value, earth_mover(P, Q), rtol=STRONG_DUALITY_RTOL, atol=1e-15
        )
        assert sol.gap <= sol.tolerance
        assert sol.agrees

    @pytest.mark.parametrize("seed", SEEDS)
    def test_potential_is_1_lipschitz_on_atoms(self, seed: int) -> None:
        P, Q = _random_pair(seed)
        sol = kantorovich_dual(P, Q)
        chk = check_lipschitz(sol.atoms, sol.potential)
        assert chk.max_violation <= LIP_ATOL  # |f_i - f_j| <= |x_i - x_j| + 1e-9
        assert chk.max_slope <= 1.0 + LIP_ATOL  # atoms here are well separated
        assert sol.lipschitz.max_slope == chk.max_slope
        assert sol.potential.min() == 0.0  # the free constant is fixed at min f = 0

    @pytest.mark.parametrize("seed", SEEDS[:10])
    def test_value_is_recomputed_from_the_potential(self, seed: int) -> None:
        P, Q = _random_pair(seed)
        sol = kantorovich_dual(P, Q)
        np.testing.assert_allclose(
            dual_objective(P, Q, sol.atoms, sol.potential), sol.value, rtol=EXACT, atol=1e-15
        )

    def test_one_dimension_matches_scipy(self) -> None:
        rng = np.random.default_rng(7)
        x, y = rng.normal(size=30), rng.exponential(size=20)
        a, b = rng.random(30), rng.random(20)
        sol = kantorovich_dual(Discrete(x, a, normalize=True), Discrete(y, b, normalize=True))
        np.testing.assert_allclose(
            sol.value, wasserstein_distance(x, y, a, b), rtol=STRONG_DUALITY_RTOL
        )

    def test_identical_measures_give_zero(self) -> None:
        P = Discrete([[0.0, 0.0], [1.0, 2.0]], [0.3, 0.7])
        sol = kantorovich_dual(P, P)
        assert sol.value == 0.0
        assert sol.primal_cost == 0.0

    @pytest.mark.parametrize(
        ("P", "Q"),
        [
            # found by hypothesis: a scale where squared coordinates underflow
            (Discrete([0.0]), Discrete([7.411134809903412e-287])),
            # found by hypothesis: a weightless atom 1e-9 from another, diameter 20
            (Discrete([1.0]), Discrete([0.0, 1e-9, 20.0], [1.0, 0.0, 0.0])),
            # large coordinates: HiGHS's absolute tolerances must not matter
            (Discrete([[1e6, 0.0], [1e6, 3.0]]), Discrete([[1e6 + 4.0, 0.0]])),
        ],
    )
    def test_scale_edge_cases(self, P: Discrete, Q: Discrete) -> None:
        sol = kantorovich_dual(P, Q)
        assert sol.agrees, (sol.gap, sol.tolerance, sol.lipschitz)
        # the documented guarantee: 1e-9 relative to the diameter (HiGHS's tolerances are
        # 1e-10 at unit diameter: an atom 1e-9 from another, at diameter 20, is within them)
        diameter = float(np.ptp(sol.atoms, axis=0).max()) * math.sqrt(sol.atoms.shape[1])
        assert abs(sol.value - earth_mover(P, Q)) <= STRONG_DUALITY_RTOL * diameter

    def test_single_atom(self) -> None:
        sol = kantorovich_dual(Discrete([2.0]), Discrete([2.0]))
        assert sol.potential.tolist() == [0.0]
        assert sol.value == 0.0


class TestCTransform:
    @pytest.mark.parametrize("seed", SEEDS)
    def test_c_transform_of_pot_potentials_has_the_same_value(self, seed: int) -> None:
        P, Q = _random_pair(seed)
        em = earth_mover_solution(P, Q, method="network_simplex")  # POT's (u, v)
        z, f = potential_from_solution(em)
        np.testing.assert_allclose(
            dual_objective(P, Q, z, f), em.value, rtol=STRONG_DUALITY_RTOL, atol=1e-15
        )
        assert check_lipschitz(z, f).max_slope <= 1.0 + LIP_ATOL
        assert f.min() == 0.0

    def test_c_transform_dominates_u_and_minus_v(self) -> None:
        P, Q = _random_pair(3)
        em = earth_mover_solution(P, Q, method="network_simplex")
        f_x = c_transform(em.v, em.y, em.x)
        f_y = c_transform(em.v, em.y, em.y)
        assert np.all(f_x >= em.u - 1e-12)
        assert np.all(-f_y >= em.v - 1e-12)

    def test_c_transform_by_hand(self) -> None:
        # v = (0, 0) at y = (0, 4): v^c(z) = min(|z|, |z - 4|), a tent of height 2 at 2.
        out = c_transform([0.0, 0.0], [0.0, 4.0], [0.0, 1.0, 2.0, 3.0, 6.0])
        assert out.tolist() == [0.0, 1.0, 2.0, 1.0, 2.0]

    def test_cost_matrix_solution_is_rejected(self) -> None:
        em = earth_mover_solution([0.5, 0.5], [1.0, 0.0], cost=[[0.0, 1.0], [1.0, 0.0]])
        with pytest.raises(ValueError, match="needs the atoms of P and Q"):
            potential_from_solution(em)


class TestExtension:
    @pytest.mark.parametrize("seed", [1, 5, 11, 17])
    @pytest.mark.parametrize("form", ["min", "max"])
    def test_agrees_on_atoms_and_is_1_lipschitz_on_a_grid(self, seed: int, form: str) -> None:
        rng = np.random.default_rng(seed)
        P = Discrete(rng.normal(size=(12, 2)))
        Q = Discrete(rng.normal(size=(9, 2)) + np.array([1.5, 0.0]))
        sol = kantorovich_dual(P, Q)
        np.testing.assert_allclose(sol.extend(sol.atoms, form=form), sol.potential, atol=1e-9)
        g = np.linspace(-4.0, 5.0, 41)
        grid = np.stack(np.meshgrid(g, g), axis=-1).reshape(-1, 2)
        values = sol.extend(grid, form=form)
        chk = check_lipschitz(grid, values)
        assert chk.max_slope <= 1.0 + LIP_ATOL
        assert chk.max_violation <= LIP_ATOL
        # and it is a slope-1 function somewhere: the potential is tight along the plan
        assert chk.max_slope >= 1.0 - 1e-9

    def test_min_form_bounds_max_form(self) -> None:
        P, Q = _random_pair(2)
        sol = kantorovich_dual(P, Q)
        pts = np.random.default_rng(0).normal(size=(200, P.dim)) * 3
        upper = sol.extend(pts, form="min")
        lower = sol.extend(pts, form="max")
        assert np.all(lower <= upper + 1e-12)

    def test_by_hand(self) -> None:
        atoms, f = [0.0, 1.0, 3.0], [1.0, 0.0, 2.0]
        pts = [-1.0, 0.5, 2.0, 5.0]
        assert lipschitz_extension(atoms, f, pts).tolist() == [2.0, 0.5, 1.0, 4.0]
        assert lipschitz_extension(atoms, f, pts, form="max").tolist() == [0.0, 0.5, 1.0, 0.0]


class TestTutorialNumbers:
    """The worked 3-atom example of the KR-dual tutorial, every number checkable by hand.

    Atoms 0, 1, 3. P = 1/2 δ0 + 1/2 δ3, Q = 3/4 δ1 + 1/4 δ3.
    CDF gap F_P - F_Q: +1/2 on [0, 1), -1/4 on [1, 3): W1 = 1/2 * 1 + 1/4 * 2 = 1.
    Plan: 1/2 from 0 to 1, 1/4 from 3 to 1, 1/4 stays at 3: cost 1/2 + 1/2 + 0 = 1.
    Potential (min 0): f = (1, 0, 2); value 1/2 * 1 - 3/4 * 0 + (1/2 - 1/4) * 2 = 1.
    """

    def test_union_and_weights(self, tutorial: DualSolution) -> None:
        assert tutorial.atoms.ravel().tolist() == [0.0, 1.0, 3.0]
        assert tutorial.p.tolist() == [0.5, 0.0, 0.5]
        assert tutorial.q.tolist() == [0.0, 0.75, 0.25]

    def test_potential_value_and_plan(self, tutorial: DualSolution) -> None:
        np.testing.assert_allclose(tutorial.potential, [1.0, 0.0, 2.0], atol=EXACT)
        np.testing.assert_allclose(tutorial.value, 1.0, rtol=EXACT)
        np.testing.assert_allclose(tutorial.primal_cost, 1.0, rtol=EXACT)
        # plan rows: P's atoms (0, 3); columns: Q's atoms (1, 3)
        np.testing.assert_allclose(tutorial.primal.plan, [[0.5, 0.0], [0.25, 0.25]], atol=EXACT)

    def test_complementary_slackness(self, tutorial: DualSolution) -> None:
        f = dict(zip(tutorial.atoms.ravel().tolist(), tutorial.potential.tolist(), strict=True))
        # mass moves 0 -> 1 and 3 -> 1: those constraints are tight
        assert math.isclose(f[0.0] - f[1.0], 1.0, rel_tol=EXACT)
        assert math.isclose(f[3.0] - f[1.0], 2.0, rel_tol=EXACT)
        # no mass moves between 0 and 3: slack 3 - |f(3) - f(0)| = 2
        assert math.isclose(3.0 - abs(f[3.0] - f[0.0]), 2.0, rel_tol=EXACT)

    def test_triangle_in_the_plane(self) -> None:
        # a = (0, 0), b = (3, 0), c = (0, 4): |ab| = 3, |ac| = 4, |bc| = 5.
        # P = (δa + δb)/2, Q = δc: W1 = 4/2 + 5/2 = 4.5, f(a) = 4, f(b) = 5, f(c) = 0.
        sol = kantorovich_dual(Discrete([[0.0, 0.0], [3.0, 0.0]]), Discrete([[0.0, 4.0]]))
        assert sol.atoms.tolist() == [[0.0, 0.0], [0.0, 4.0], [3.0, 0.0]]
        np.testing.assert_allclose(sol.potential, [4.0, 0.0, 5.0], atol=EXACT)
        np.testing.assert_allclose(sol.value, 4.5, rtol=EXACT)
        np.testing.assert_allclose(sol.primal_cost, 4.5, rtol=EXACT)


class TestLipschitzCheck:
    def test_largest_slope_and_pair(self) -> None:
        chk = check_lipschitz([[0.0, 0.0], [3.0, 4.0], [0.0, 1.0]], [0.0, 5.0, 3.0])
        # slopes: (0,1) 5/5 = 1, (0,2) 3/1 = 3, (1,2) 2/sqrt(18)
        assert chk.max_slope == 3.0
        assert chk.pair == (2, 0)
        assert chk.max_violation == 2.0  # |3 - 0| - 1
        assert not chk.ok

    def test_tolerance_is_on_values_not_slopes(self) -> None:
        # two points 1e-14 apart, values off by 2e-16 more than their distance: slope 1.02,
        # within round-off of 1-Lipschitz
        chk = check_lipschitz([0.0, 1e-14, 5.0], [1.02e-14, 0.0, 5.0])
        assert chk.max_slope == pytest.approx(1.02, rel=1e-9)
        assert chk.max_violation == pytest.approx(2e-16, rel=1e-6)
        assert chk.ok
        assert not check_lipschitz([0.0, 1e-14], [2e-9, 0.0]).ok

    def test_equal_points_with_different_values_are_infinitely_steep(self) -> None:
        chk = check_lipschitz([1.0, 1.0], [0.0, 1e-6])
        assert chk.max_slope == math.inf

    def test_single_point_and_constant(self) -> None:
        assert check_lipschitz([4.0], [7.0]).max_slope == 0.0
        assert check_lipschitz([0.0, 1.0], [0.0, 2.0], constant=2.0).ok

    def test_blocks_match_direct_computation(self) -> None:
        rng = np.random.default_rng(4)
        x = rng.normal(size=(1100, 2))  # more rows than one block (512)
        f = np.sin(3 * x[:, 0]) + x[:, 1] ** 2
        d = np.hypot(*(x[:, None, :] - x[None, :, :]).transpose(2, 0, 1))
        np.fill_diagonal(d, np.inf)
        direct = float(np.max(np.abs(f[:, None] - f[None, :]) / d))
        assert check_lipschitz(x, f).max_slope == pytest.approx(direct, rel=1e-14)


class TestErrors:
    def test_size_limit_points_to_earth_mover(self) -> None:
        P = Discrete(np.arange(DUAL_MAX_ATOMS, dtype=float))
        Q = Discrete([0.5])
        msg = r"at most 400 .* got 401\. Use distances\.earth_mover"
        with pytest.raises(ValueError, match=msg):
            kantorovich_dual(P, Q)
        with pytest.raises(ValueError, match="at most 3 points"):
            kantorovich_dual(Discrete([0.0, 1.0]), Discrete([2.0, 3.0]), max_atoms=3)

    @pytest.mark.parametrize("bad", [0, -1, 2.5])
    def test_bad_max_atoms(self, bad: object) -> None:
        with pytest.raises(ValueError, match="max_atoms must be a positive integer"):
            kantorovich_dual(Discrete([0.0]), Discrete([1.0]), max_atoms=bad)  # type: ignore[arg-type]

    def test_needs_discrete_measures(self) -> None:
        with pytest.raises(ValueError, match="must be Discrete measures; got list and Discrete"):
            kantorovich_dual([0.5, 0.5], Discrete([1.0]))  # type: ignore[arg-type]

    def test_dimension_mismatch(self) -> None:
        with pytest.raises(ValueError, match="same dimension; got 1 and 2"):
            kantorovich_dual(Discrete([0.0]), Discrete([[0.0, 1.0]]))

    def test_bad_extension_form(self) -> None:
        with pytest.raises(ValueError, match="form must be 'min' or 'max'; got 'mid'"):
            lipschitz_extension([0.0], [0.0], [1.0], form="mid")  # type: ignore[arg-type]

    def test_length_mismatches(self) -> None:
        with pytest.raises(ValueError, match="one value per atom of y; got 1 values and 2 atoms"):
            c_transform([0.0], [0.0, 1.0], [0.5])
        with pytest.raises(ValueError, match="one entry per point; got 3 values and 2 points"):
            check_lipschitz([0.0, 1.0], [0.0, 1.0, 2.0])

    def test_non_finite_values(self) -> None:
        with pytest.raises(ValueError, match="values must be finite; got nan"):
            check_lipschitz([0.0, 1.0], [0.0, math.nan])

    @pytest.mark.parametrize(
        ("kwargs", "msg"),
        [
            ({"constant": "1"}, "constant must be a real number; got '1'"),
            ({"constant": None}, "constant must be a real number; got None"),
            ({"constant": -1.0}, "constant must be finite and non-negative; got -1.0"),
            ({"atol": math.inf}, "atol must be finite and non-negative; got inf"),
        ],
    )
    def test_bad_constant_or_atol(self, kwargs: dict[str, object], msg: str) -> None:
        # a string or None gave numpy's TypeError from np.isfinite
        with pytest.raises(ValueError, match=msg):
            check_lipschitz([0.0, 1.0], [0.0, 1.0], **kwargs)  # type: ignore[arg-type]

    def test_dual_objective_needs_every_atom(self) -> None:
        with pytest.raises(ValueError, match=r"every atom of Q must be one of atoms; got \[2.0\]"):
            dual_objective(Discrete([0.0]), Discrete([2.0]), [0.0, 1.0], [0.0, 0.0])

    def test_union_atoms_order(self) -> None:
        z, p, q = union_atoms(Discrete([[1.0, 0.0]]), Discrete([[0.0, 5.0], [1.0, 0.0]]))
        assert z.tolist() == [[0.0, 5.0], [1.0, 0.0]]
        assert p.tolist() == [0.0, 1.0]
        assert q.tolist() == [0.5, 0.5]


class TestProperties:
    """Strong duality on the shipped hypothesis strategies: grids (shared atoms, degenerate
    plans, ties) and wide float coordinates (up to 100, so the 1e-9 tolerance is relative)."""

    @settings(max_examples=60, deadline=None)
    @given(measure_tuples(k=2, max_size=7, dim=None, on_grid=True))
    def test_strong_duality_on_grids(self, pair: tuple[Discrete, Discrete]) -> None:
        P, Q = pair
        sol = kantorovich_dual(P, Q)
        scale = max(1.0, sol.primal_cost)
        assert abs(sol.value - sol.primal_cost) <= STRONG_DUALITY_RTOL * scale
        assert sol.lipschitz.max_violation <= LIP_ATOL
        assert sol.potential.min() == 0.0

    @settings(max_examples=40, deadline=None)
    @given(measure_tuples(k=2, max_size=6, dim=2))
    def test_c_transform_on_wide_coordinates(self, pair: tuple[Discrete, Discrete]) -> None:
        P, Q = pair
        em = earth_mover_solution(P, Q, method="network_simplex")
        z, f = potential_from_solution(em)
        scale = max(1.0, em.value)
        assert abs(dual_objective(P, Q, z, f) - em.value) <= STRONG_DUALITY_RTOL * scale
        # on values, not slopes: atoms 1e-14 apart turn 1e-16 of round-off into a 1 % slope
        assert check_lipschitz(z, f).max_violation <= LIP_ATOL
