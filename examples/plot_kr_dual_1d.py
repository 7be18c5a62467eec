r"""
The Kantorovich-Rubinstein dual on the line
===========================================

The worked example of the :doc:`KR dual tutorial <../kr_dual>`: atoms 0, 1, 3 and

.. math::

   P = \tfrac12 \delta_0 + \tfrac12 \delta_3, \qquad Q = \tfrac34 \delta_1 + \tfrac14 \delta_3 .

:func:`distances.paper.dual_figures.dual_figure_1d` solves the primal (optimal plan, from
:func:`distances.earth_mover_solution`) and the dual (the Kantorovich-Rubinstein LP, solved
with HiGHS by :func:`distances.dual.kantorovich_dual`, independently of POT), and draws the
three views of the same number :math:`W_1(P, Q)` (Euclidean ground distance): the area between
the CDFs, the cost of the plan, and the value :math:`\mathbb{E}_P f - \mathbb{E}_Q f` of the
1-Lipschitz potential :math:`f`.
"""

# %%
from distances import Discrete
from distances.paper.dual_figures import dual_figure_1d

P = Discrete([0.0, 3.0])
Q = Discrete([1.0, 3.0], [0.75, 0.25])
result = dual_figure_1d(P, Q)
sol = result.solution
print("atoms       ", sol.atoms.ravel().tolist())
print("p, q        ", sol.p.tolist(), sol.q.tolist())
print("potential f ", sol.potential.tolist())
print("plan        ", sol.primal.plan.tolist(), "(rows: P's atoms, columns: Q's atoms)")
print(f"primal cost {sol.primal_cost!r}, dual value {sol.value!r}, gap {sol.gap!r}")
print(f"largest slope of f: {sol.lipschitz.max_slope!r}")

# %%
# Along every segment of the plan the potential drops at slope exactly 1 (complementary
# slackness): from 0 to 1 by 1, from 3 to 1 by 2. The pair (0, 3) carries no mass and its
# constraint is slack: :math:`|f(3) - f(0)| = 1 < 3`.
result.figure

# %%
# A larger example: a spread-out sample :math:`P` against a concentrated one :math:`Q`. Mass
# moves inwards from both sides, so the potential goes down and then up again: it is piecewise
# linear between the atoms, with slope :math:`-1` where :math:`F_P > F_Q` and :math:`+1` where
# :math:`F_P < F_Q`, and the dual value equals the primal cost to round-off.
import numpy as np

rng = np.random.default_rng(1)
P2 = Discrete(rng.normal(0.0, 1.5, size=12))
Q2 = Discrete(rng.normal(0.2, 0.3, size=9))
result2 = dual_figure_1d(P2, Q2)
sol2 = result2.solution
print(f"primal cost {sol2.primal_cost:.15f}")
print(f"dual value  {sol2.value:.15f}")
slopes = result2.tables["slopes"]["slope"]
print(f"slopes of f between neighbouring atoms: {np.round(slopes, 12).tolist()}")
result2.figure
