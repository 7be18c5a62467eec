r"""
Figure 1: learning parallel lines
=================================

The paper's Example 1: :math:`P_0` is the law of :math:`(0, Z)`, :math:`P_\theta` the law of
:math:`(\theta, Z)`, :math:`Z \sim U[0, 1]`. The closed forms are
:math:`W_1(P_0, P_\theta) = |\theta|` (Euclidean ground distance), and for :math:`\theta \ne 0`
:math:`JS = \log 2` (natural log, JS with the factor 1/2), :math:`KL = +\infty` both ways and
:math:`\delta = 1`; all four are 0 at :math:`\theta = 0`.

:func:`distances.paper.example1.figure1_data` computes the closed forms and the values from samples
(exact W1 with the same latent sample on both lines, and with independent samples; JS, KL and TV
of the empirical measures), and :func:`distances.paper.figures.plot_figure1` draws them: the same
functions ``wgan-theory figure1`` calls.
"""

# %%
# The knobs: change one line and rerun.
N_SAMPLES = 256  # samples per line for the values computed from samples
LOSSES = ("w1", "js", "kl")  # the losses of the learning experiment

# %%
import math

import numpy as np

from distances.paper.example1 import figure1_data, learn_parallel_lines
from distances.paper.figures import plot_figure1, plot_learning

data = figure1_data(n=N_SAMPLES)  # the default grid over [-1, 1]
c = data.columns
print(f"theta grid: {data.theta.size} values in [{data.theta.min()}, {data.theta.max()}]")
print(f"largest |W1(same z) - |theta||     = {np.max(np.abs(c['w1_same_z'] - c['w1_exact'])):.1e}")
print(f"largest |JS(samples) - closed form| = {np.max(np.abs(c['js_same_z'] - c['js_exact'])):.1e}")
print(f"finite-sample floor (independent z) = {c['floor'][0]:.4f}")
print(f"log 2 = {math.log(2):.15f}")

# %%
# Left, the EM distance: continuous in :math:`\theta`, with a gradient that points to 0.
# Right, JS: flat at :math:`\log 2` and discontinuous at 0, with no gradient to follow. The
# extended version adds KL (both directions, :math:`+\infty` drawn at the top) and TV.
plot_figure1(data, extended=True)

# %%
# Learning parallel lines: gradient descent on :math:`\theta` from 1 with step 0.1. With the
# exact W1 gradient (:math:`\operatorname{sign}\theta`) :math:`\theta` goes to 0; with JS the
# gradient is 0 and :math:`\theta` stays put (for KL, :math:`\infty - \infty` gives no
# gradient either).
trajectories = [learn_parallel_lines(loss) for loss in LOSSES]
for t in trajectories:
    print(f"{t.loss}: theta {t.theta[0]:.3f} -> {t.theta[-1]:.2e} after {t.theta.size - 1} steps")
w1 = next(t for t in trajectories if t.loss == "w1")
print("W1 run, theta at steps 9-13:", [f"{v:.3g}" for v in w1.theta[9:14]])

# %%
# The W1 run reaches 0 at step 10 and stays there. In floating point, ten steps of 0.1 from 1
# leave :math:`1 - 10 \times 0.1 \approx 1.4 \times 10^{-16}` (0.1 is not a binary
# fraction), whose sign would step :math:`\theta` on to :math:`-0.1`;
# :func:`~distances.paper.example1.learn_parallel_lines` treats a :math:`\theta` within
# :math:`10^{-12}\,\theta_0` of 0 as 0, where the W1 gradient is 0.
fig = plot_learning(trajectories)
fig
