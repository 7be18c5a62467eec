r"""
The dual LP by hand
===================

The :doc:`KR dual tutorial </kr_dual>`'s worked example, solved the way one solves a small
linear program on paper. Atoms :math:`z = 0, 1, 3` and

.. math::

   P = \tfrac12 \delta_0 + \tfrac12 \delta_3, \qquad Q = \tfrac34 \delta_1 + \tfrac14 \delta_3 .

The dual is :math:`\max_f \sum_i f(z_i)\,(p_i - q_i)` subject to
:math:`f(z_i) - f(z_j) \le |z_i - z_j|` for every ordered pair (six constraints). The
objective ignores a constant added to :math:`f` (the net masses sum to 0), so fix
:math:`f(1) = 0`: two unknowns are left, :math:`f(0)` and :math:`f(3)`, the feasible set is a
polygon in the plane, and the optimum is one of its vertices
(:func:`distances.dual_lessons.dual_lp_by_hand`).
"""

# %%
# The knobs: change one line and rerun (three distinct atoms on the line; the weights of
# P and Q on them, each summing to 1; the atom whose potential is fixed to 0).
ATOMS = [0.0, 1.0, 3.0]
P_WEIGHTS = [0.5, 0.0, 0.5]
Q_WEIGHTS = [0.0, 0.75, 0.25]
FIXED = 1  # index into ATOMS: f(ATOMS[FIXED]) = 0

# %%
# Every constraint, written out, and the same constraints in the two unknowns:
import numpy as np

from distances import Discrete, earth_mover_solution
from distances.dual import kantorovich_dual
from distances.dual_lessons import dual_lp_by_hand, plot_dual_lp_by_hand

lp = dual_lp_by_hand(ATOMS, P_WEIGHTS, Q_WEIGHTS, fixed=FIXED)
name = [f"f({a:g})" for a in ATOMS]
u, v = (name[k] for k in lp.free)
print(f"maximise  {' + '.join(f'({m:+g}) {n}' for m, n in zip(lp.net_mass, name, strict=True))}")
print(f"with {name[FIXED]} = 0, that is  {lp.objective[0]:g} {u} + {lp.objective[1]:g} {v}")
for (i, j, d), (a0, a1), b in zip(lp.constraints, lp.A, lp.b, strict=True):
    print(f"  {name[i]} - {name[j]} <= {d:g}    ->   {a0:+g} {u} {a1:+g} {v} <= {b:g}")

# %%
# The vertices of the polygon and the objective at each: the largest is the optimum.
for vertex in lp.polygon:
    score = vertex @ lp.objective
    print(f"  ({u}, {v}) = ({vertex[0]:+g}, {vertex[1]:+g}):  objective {score:+.4g}")
print(
    f"optimum {lp.optimum.tolist()}, value {lp.value:g}, potential on {ATOMS}: "
    f"{lp.potential.tolist()}; several optimal vertices: {lp.tied}"
)

# %%
# The same value three more ways: the primal (POT's network simplex), the dual LP of
# :func:`distances.dual.kantorovich_dual` (HiGHS), and the closed form on the line.
atoms = np.asarray(ATOMS)
P = Discrete(atoms[np.asarray(P_WEIGHTS) > 0], np.asarray(P_WEIGHTS)[np.asarray(P_WEIGHTS) > 0])
Q = Discrete(atoms[np.asarray(Q_WEIGHTS) > 0], np.asarray(Q_WEIGHTS)[np.asarray(Q_WEIGHTS) > 0])
em = earth_mover_solution(P, Q, method="network_simplex")
sol = kantorovich_dual(P, Q)
print(f"primal cost {em.value!r}, HiGHS dual value {sol.value!r}, by hand {lp.value!r}")
print("plan (rows: P's atoms, columns: Q's atoms):", em.plan.tolist())

# %%
# Left: the polygon (green), the six constraint lines, level lines of the objective (dashed,
# increasing towards the upper right) and the optimal vertex (star), where the highest level
# line touches the polygon. Two of the six constraints only touch the polygon at a corner:
# :math:`|f(3) - f(0)| \le 3` is implied by the other four. Middle: the optimal plan, with
# P's weights on the left and Q's on top. Right: the cost matrix; the plan's cost is the sum
# of the entries of plan times cost, the same number.
fig = plot_dual_lp_by_hand(lp, em.plan, P.atoms[:, 0], Q.atoms[:, 0])
fig

# %%
# **Exercises** (answers: exercises 1 and 2 of the :doc:`KR dual page </kr_dual>`; the
# weights of its exercise 1 are an answer to the third):
#
# 1. Set ``Q_WEIGHTS = [0.0, 0.5, 0.5]``. Predict the optimal vertex and :math:`W_1` before
#    rerunning.
# 2. Set ``FIXED = 0``. Which polygon do you get, and why is the value the same?
# 3. Find weights for which two vertices tie (``lp.tied``): then the potential is not unique.
