"""Tests of distances.dual_lessons: the dual LP by hand and the plan-support groups."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

from distances import Discrete, earth_mover_solution
from distances.dual import kantorovich_dual
from distances.dual_lessons import (
    dual_lp_by_hand,
    plan_support,
    plot_dual_lp_by_hand,
    plot_plan_support,
)


def test_worked_example_by_hand_matches_the_lp_solver():
    lp = dual_lp_by_hand([0.0, 1.0, 3.0], [0.5, 0.0, 0.5], [0.0, 0.75, 0.25])
    # exact: the polygon is the box |f(0)| <= 1, |f(3)| <= 2 (|f(3) - f(0)| <= 3 only
    # touches its corners), the optimum its upper-right corner, value W1 = 1
    np.testing.assert_array_equal(lp.polygon, [[-1, -2], [1, -2], [1, 2], [-1, 2]])
    np.testing.assert_array_equal(lp.potential, [1.0, 0.0, 2.0])
    assert lp.value == 1.0 and not lp.tied
    assert len(lp.constraints) == 6
    sol = kantorovich_dual(Discrete([0.0, 3.0]), Discrete([1.0, 3.0], [0.75, 0.25]))
    np.testing.assert_allclose(lp.value, sol.value, rtol=1e-12)  # HiGHS, independent


@pytest.mark.parametrize("fixed", [0, 1, 2])
def test_by_hand_value_does_not_depend_on_the_fixed_atom(fixed):
    rng = np.random.default_rng(7)
    atoms = np.sort(rng.uniform(-2, 2, size=3))
    p, q = rng.dirichlet(np.ones(3)), rng.dirichlet(np.ones(3))
    lp = dual_lp_by_hand(atoms, p, q, fixed=fixed)
    exact = earth_mover_solution(Discrete(atoms, p), Discrete(atoms, q)).value
    np.testing.assert_allclose(lp.value, exact, rtol=1e-10)  # vertex arithmetic round-off
    assert lp.potential[fixed] == 0.0


def test_tied_vertices_are_reported():
    # P = delta_a, Q = delta_c, a = (0, 0), c = (2, 0); b = (1, 1) carries no mass, so
    # f(b) may be anything in [f(a) - sqrt 2, f(c) + sqrt 2] = [2 - sqrt 2, sqrt 2]: an edge
    # of optimal points, two optimal vertices. On a line through b (b between a and c) the
    # interval would be one point: the same test with collinear atoms is not tied.
    lp = dual_lp_by_hand([[0, 0], [1, 1], [2, 0]], [1, 0, 0], [0, 0, 1], fixed=2)
    assert lp.tied
    np.testing.assert_allclose(lp.value, 2.0, rtol=1e-12)
    line = dual_lp_by_hand([0.0, 1.0, 2.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0], fixed=2)
    assert not line.tied and line.value == 2.0


def test_by_hand_rejects_bad_input():
    with pytest.raises(ValueError, match="exactly 3 atoms; got 2"):
        dual_lp_by_hand([0.0, 1.0], [0.5, 0.5], [0.5, 0.5])
    with pytest.raises(ValueError, match="distinct"):
        dual_lp_by_hand([0.0, 0.0, 1.0], [1, 0, 0], [0, 0, 1])
    with pytest.raises(ValueError, match="summing to 1"):
        dual_lp_by_hand([0.0, 1.0, 2.0], [1, 1, 0], [0, 0, 1])
    with pytest.raises(ValueError, match="fixed must be 0, 1 or 2; got 3"):
        dual_lp_by_hand([0.0, 1.0, 2.0], [1, 0, 0], [0, 0, 1], fixed=3)


def test_degenerate_plan_of_the_clouds_splits_into_groups():
    # 15 atoms of mass 1/15 against 10 of mass 1/10: 3/15 = 2/10, so subsets balance and the
    # network simplex's plan is a forest, not a spanning tree
    from distances.paper.dual_figures import tutorial_measures

    P, Q = tutorial_measures()["clouds"]
    s = plan_support(earth_mover_solution(P, Q, method="network_simplex").plan)
    assert (s.n_edges, s.tree_size, s.n_groups) == (21, 24, 4)
    assert s.n_edges == s.n_rows + s.n_cols - s.n_groups  # a forest: edges = nodes - trees
    assert not s.is_spanning_tree
    for g in range(s.n_groups):  # each group balances: P's mass = Q's mass in it
        np.testing.assert_allclose(
            P.weights[s.row_group == g].sum(), Q.weights[s.col_group == g].sum(), rtol=1e-12
        )


def test_plan_support_of_a_spanning_tree_and_bad_input():
    s = plan_support([[0.5, 0.0], [0.25, 0.25]])
    assert s.is_spanning_tree and s.n_groups == 1
    with pytest.raises(ValueError, match=r"non-negative; got -0\.1 at"):
        plan_support([[0.6, -0.1], [0.0, 0.5]])


def test_figures_are_returned():
    lp = dual_lp_by_hand([0.0, 1.0, 3.0], [0.5, 0.0, 0.5], [0.0, 0.75, 0.25])
    fig = plot_dual_lp_by_hand(lp, [[0.5, 0.0], [0.25, 0.25]], [0.0, 3.0], [1.0, 3.0])
    assert len(fig.axes) >= 5  # polygon, plan, two marginals, cost
    s = plan_support([[0.5, 0.0], [0.0, 0.5]])
    fig2 = plot_plan_support([[0, 0], [1, 0]], [[0, 1], [1, 1]], s)
    assert "2 groups" in fig2.axes[0].get_title()
