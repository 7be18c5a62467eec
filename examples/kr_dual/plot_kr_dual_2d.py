r"""
The Kantorovich-Rubinstein dual in the plane
============================================

In the plane the optimal potential :math:`f` of

.. math::

   W_1(P, Q) = \max_{\mathrm{Lip}(f) \le 1} \mathbb{E}_P f - \mathbb{E}_Q f
   \qquad (\text{Euclidean ground distance})

is drawn as filled contours of its largest 1-Lipschitz extension
:math:`f(z) = \min_i f(x_i) + \|z - x_i\|_2` (:func:`distances.dual.lipschitz_extension`), with
the atoms of :math:`P` (circles) and :math:`Q` (squares) and the optimal plan on top (arrows,
width proportional to the mass moved). :func:`distances.paper.dual_figures.dual_figure_2d` draws it.
"""

# %%
# The knobs: change one line and rerun.
GRID_SIZE = 100  # resolution of the contour plots
TIMING_SIZES = (50, 100, 200)  # numbers of atoms for the timing of the dual LP (and the limit)

# %%
# First the tutorial's 3-4-5 triangle: :math:`P = (\delta_a + \delta_b)/2` with
# :math:`a = (0, 0)`, :math:`b = (3, 0)`, and :math:`Q = \delta_c`, :math:`c = (0, 4)`. By hand:
# :math:`W_1 = 4/2 + 5/2 = 4.5`, :math:`f(a) = 4`, :math:`f(b) = 5`, :math:`f(c) = 0`.
from distances import Discrete
from distances.paper.dual_figures import dual_figure_2d

triangle = dual_figure_2d(
    Discrete([[0.0, 0.0], [3.0, 0.0]]), Discrete([[0.0, 4.0]]), grid_size=GRID_SIZE
)
sol = triangle.solution
print("atoms", sol.atoms.tolist())
print("f    ", sol.potential.tolist())
print(f"primal cost {sol.primal_cost!r} = dual value {sol.value!r}")
triangle.figure

# %%
# Two point clouds. Mass moves from the left cloud to the right one; the contours of
# :math:`f` are crossed at slope 1 along every arrow.
import numpy as np

from distances.paper.dual_figures import tutorial_measures

P, Q = tutorial_measures()["clouds"]  # 15 and 10 Gaussian points, seed 2
clouds = dual_figure_2d(P, Q, grid_size=GRID_SIZE)
sol = clouds.solution
print(f"primal cost (POT network simplex)   {sol.primal_cost:.15f}")
print(f"dual value (HiGHS, independent LP)  {sol.value:.15f}")
print(f"largest slope of f on the atoms     {sol.lipschitz.max_slope:.15f}")
clouds.figure

# %%
# POT's two potentials :math:`(u, v)` become one 1-Lipschitz function through the
# c-transform :math:`f = v^c` (:func:`distances.dual.potential_from_solution`). It has the
# same value as HiGHS's potential, but it need not be the same function on the atoms:
from distances import earth_mover_solution
from distances.dual import check_lipschitz, dual_objective, potential_from_solution

em = earth_mover_solution(P, Q, method="network_simplex")
z, f_pot = potential_from_solution(em)
print(f"value of the c-transform            {dual_objective(P, Q, z, f_pot):.15f}")
print(f"its largest slope                   {check_lipschitz(z, f_pot).max_slope:.15f}")
print(f"largest |f_LP - f_POT| on the atoms {np.max(np.abs(f_pot - sol.potential)):.3g}")

# %%
# Why two optimal potentials? Not because of the atoms' masses (every atom carries mass
# here) but because the optimal plan is **degenerate**. A vertex of the transport polytope
# with :math:`n = 15` rows and :math:`m = 10` columns has at most :math:`n + m - 1 = 24`
# non-zero entries; when it has exactly that many, its support is a spanning tree of the
# atoms, and complementary slackness :math:`f(x_i) - f(y_j) = \|x_i - y_j\|` along the 24
# edges fixes :math:`f` on all 25 atoms up to one constant. Here every atom of :math:`P`
# weighs :math:`1/15` and every atom of :math:`Q` :math:`1/10`, so three atoms of :math:`P`
# balance two of :math:`Q` exactly (:math:`3/15 = 2/10`): the plan can, and does, split into
# groups that exchange no mass (:func:`distances.dual_lessons.plan_support`).
from distances.dual_lessons import plan_support, plot_plan_support

support = plan_support(em.plan)
print(f"non-zero entries of the plan {support.n_edges}, n + m - 1 = {support.tree_size}")
print(f"groups (connected components of the support) {support.n_groups}")
for g in range(support.n_groups):
    rows, cols = support.row_group == g, support.col_group == g
    print(
        f"  group {g}: {rows.sum():2d} atoms of P ({P.weights[rows].sum():.4f}), "
        f"{cols.sum():2d} of Q ({Q.weights[cols].sum():.4f})"
    )

# %%
# A forest of 4 trees over 25 atoms has 25 - 4 = 21 edges. Slackness fixes :math:`f` inside
# each group up to its own constant; the four constants are only held by the *inequalities*
# between atoms of different groups, which are slack at the optimum. So each group can slide
# up or down a little, every such shift has the same value (no mass crosses between groups,
# and each group's net mass is 0), and HiGHS and POT stop at different optimal vertices of
# the dual.
#
# A spanning-tree support is *sufficient* for the potential to be unique on the points up to
# one constant, but not necessary: the exact condition is that the union of the supports of
# *all* optimal plans connects the points. For :math:`P` uniform on :math:`\{0, 1\}` and
# :math:`Q` uniform on :math:`\{2, 3\}` the plan :math:`0 \to 2, 1 \to 3` has two groups,
# yet the crossing plan :math:`0 \to 3, 1 \to 2` is as cheap, joins them, and the potential
# is unique (the :doc:`KR dual page </kr_dual>` has the proof). Here the groups are not joined
# by any optimal plan, as the two different potentials above show.
# :doc:`/auto_examples/critics/plot_critic_vs_potential` uses 31 and 20 points, whose masses
# no subsets balance: every vertex plan is then a spanning tree, and the potential is unique.
fig = plot_plan_support(em.x, em.y, support)
fig

# %%
# How large can the dual LP be? It has :math:`k (k - 1)` constraints for :math:`k` atoms, so its
# time grows quickly; :func:`distances.dual.kantorovich_dual` refuses more than
# :data:`distances.dual.DUAL_MAX_ATOMS` atoms and points to :func:`distances.earth_mover`.
# Times measured while this page was built:
import time

from distances.dual import DUAL_MAX_ATOMS, kantorovich_dual

rng = np.random.default_rng(3)
for k in (*TIMING_SIZES, DUAL_MAX_ATOMS):
    A = Discrete(rng.normal(size=(k // 2, 2)))
    B = Discrete(rng.normal(size=(k - k // 2, 2)) + 1.0)
    start = time.perf_counter()
    sol_k = kantorovich_dual(A, B)
    seconds = time.perf_counter() - start
    print(f"k = {k:3d} atoms, {k * (k - 1):6d} constraints: {seconds:5.2f} s, gap {sol_k.gap:.1e}")
