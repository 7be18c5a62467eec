r"""
The Kantorovich-Rubinstein dual on the line
===========================================

The worked example of the :doc:`KR dual tutorial </kr_dual>`: atoms 0, 1, 3 and

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
# The knobs: change one line and rerun.
P_ATOMS, P_WEIGHTS = [0.0, 3.0], [0.5, 0.5]  # the worked example
Q_ATOMS, Q_WEIGHTS = [1.0, 3.0], [0.75, 0.25]
N_P, N_Q = 12, 9  # sizes of the two samples of the larger example
SEED = 1

# %%
from distances import Discrete
from distances.paper.dual_figures import dual_figure_1d

P = Discrete(P_ATOMS, P_WEIGHTS)
Q = Discrete(Q_ATOMS, Q_WEIGHTS)
result = dual_figure_1d(P, Q)
result.figure.set_size_inches(11, 3.8)  # so that its smallest text reads at the page's width
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
# A larger example: a spread-out sample :math:`P` against a concentrated one :math:`Q`. The
# potential is piecewise linear between the atoms, with slope :math:`-1` where
# :math:`F_P > F_Q` and :math:`+1` where :math:`F_P < F_Q` (between two atoms where the CDFs are
# equal the slope may be anything in :math:`[-1, 1]`). Mass moves inwards from both sides, so
# overall :math:`f` goes down and then up; but the CDFs of two samples cross more than once,
# and each crossing flips the slope, so :math:`f` wiggles on the way. The dual value equals
# the primal cost to round-off.
import numpy as np

rng = np.random.default_rng(SEED)
P2 = Discrete(rng.normal(0.0, 1.5, size=N_P))
Q2 = Discrete(rng.normal(0.2, 0.3, size=N_Q))
result2 = dual_figure_1d(P2, Q2)
sol2 = result2.solution
print(f"primal cost {sol2.primal_cost:.15f}")
print(f"dual value  {sol2.value:.15f}")
slopes = result2.tables["slopes"]["slope"]
print(f"slopes of f between neighbouring atoms: {np.round(slopes, 12).tolist()}")
signs = np.sign(np.round(slopes, 12))
flips = np.flatnonzero(signs[1:] * signs[:-1] < 0) + 1
print(f"the slope changes sign {flips.size} times, at x = {np.round(sol2.atoms[flips, 0], 3)}")
cdf_gap = np.cumsum(sol2.p) - np.cumsum(sol2.q)
print("sign of F_P - F_Q on each interval:  ", np.sign(np.round(cdf_gap[:-1], 12)).tolist())
print("slope of f on each interval (= -sign):", signs.tolist())
result2.figure.set_size_inches(11, 3.8)
result2.figure
