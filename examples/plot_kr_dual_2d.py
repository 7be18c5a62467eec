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
# First the tutorial's 3-4-5 triangle: :math:`P = (\delta_a + \delta_b)/2` with
# :math:`a = (0, 0)`, :math:`b = (3, 0)`, and :math:`Q = \delta_c`, :math:`c = (0, 4)`. By hand:
# :math:`W_1 = 4/2 + 5/2 = 4.5`, :math:`f(a) = 4`, :math:`f(b) = 5`, :math:`f(c) = 0`.
from distances import Discrete
from distances.paper.dual_figures import dual_figure_2d

triangle = dual_figure_2d(Discrete([[0.0, 0.0], [3.0, 0.0]]), Discrete([[0.0, 4.0]]), grid_size=80)
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
clouds = dual_figure_2d(P, Q, grid_size=100)
sol = clouds.solution
print(f"primal cost (POT network simplex)   {sol.primal_cost:.15f}")
print(f"dual value (HiGHS, independent LP)  {sol.value:.15f}")
print(f"largest slope of f on the atoms     {sol.lipschitz.max_slope:.15f}")
clouds.figure

# %%
# POT's two potentials :math:`(u, v)` become one 1-Lipschitz function through the
# c-transform :math:`f = v^c` (:func:`distances.dual.potential_from_solution`). It has the
# same value. Where :math:`P - Q` gives an atom no net mass the optimal potential is not
# unique, so the two potentials may differ there; the values agree.
from distances import earth_mover_solution
from distances.dual import check_lipschitz, dual_objective, potential_from_solution

em = earth_mover_solution(P, Q, method="network_simplex")
z, f_pot = potential_from_solution(em)
print(f"value of the c-transform            {dual_objective(P, Q, z, f_pot):.15f}")
print(f"its largest slope                   {check_lipschitz(z, f_pot).max_slope:.15f}")
print(f"largest |f_LP - f_POT| on the atoms {np.max(np.abs(f_pot - sol.potential)):.3g}")

# %%
# How large can the dual LP be? It has :math:`k (k - 1)` constraints for :math:`k` atoms, so its
# time grows quickly; :func:`distances.dual.kantorovich_dual` refuses more than
# :data:`distances.dual.DUAL_MAX_ATOMS` atoms and points to :func:`distances.earth_mover`.
# Times measured while this page was built:
import time

from distances.dual import DUAL_MAX_ATOMS, kantorovich_dual

rng = np.random.default_rng(3)
for k in (50, 100, 200, DUAL_MAX_ATOMS):
    A = Discrete(rng.normal(size=(k // 2, 2)))
    B = Discrete(rng.normal(size=(k - k // 2, 2)) + 1.0)
    start = time.perf_counter()
    sol_k = kantorovich_dual(A, B)
    seconds = time.perf_counter() - start
    print(f"k = {k:3d} atoms, {k * (k - 1):6d} constraints: {seconds:5.2f} s, gap {sol_k.gap:.1e}")
