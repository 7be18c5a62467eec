r"""
Figure 1: learning parallel lines
=================================

The paper's Example 1: :math:`P_0` is the law of :math:`(0, Z)`, :math:`P_\theta` the law of
:math:`(\theta, Z)`, :math:`Z \sim U[0, 1]`. The closed forms are
:math:`W_1(P_0, P_\theta) = |\theta|` (Euclidean ground distance) and
:math:`JS(P_0, P_\theta) = \log 2` for :math:`\theta \ne 0`, 0 at :math:`\theta = 0` (natural log,
JS with the factor 1/2). :func:`distances.example1.figure1_data` computes both closed forms and
the values from samples: W1 with the exact solver on the same latent sample on both lines, and JS
on the empirical measures.
"""

# %%
import math

import matplotlib.pyplot as plt
import numpy as np

from distances.example1 import figure1_data

data = figure1_data(np.linspace(-1.0, 1.0, 21), n=128, seed=0)
c = data.columns
print(f"largest |W1(same z) - |theta||  = {np.max(np.abs(c['w1_same_z'] - c['w1_exact'])):.1e}")
print(f"largest |JS(samples) - closed form| = {np.max(np.abs(c['js_same_z'] - c['js_exact'])):.1e}")
print(f"log 2 = {math.log(2):.15f}")

# %%
# Left, the EM distance: continuous in :math:`\theta`, with a gradient that points to 0.
# Right, JS: flat at :math:`\log 2` and discontinuous at 0, with no gradient to follow.
fig, (ax_w, ax_js) = plt.subplots(1, 2, figsize=(10, 3.8), layout="constrained")
fine = np.linspace(-1.0, 1.0, 401)
ax_w.plot(fine, np.abs(fine), color="C0", label=r"closed form $|\theta|$")
ax_w.plot(data.theta, c["w1_same_z"], "o", color="C1", ms=4, label="exact W1 on samples (same z)")
ax_w.set(title="Earth-Mover distance", xlabel=r"$\theta$", ylabel=r"$W_1(P_0, P_\theta)$")
ax_w.legend()
js_line = np.where(fine == 0.0, 0.0, math.log(2))
ax_js.plot(fine[fine < 0], js_line[fine < 0], color="C0", label=r"closed form")
ax_js.plot(fine[fine > 0], js_line[fine > 0], color="C0")
ax_js.plot([0.0], [0.0], "o", color="C0", mfc="w")
ax_js.plot(data.theta, c["js_same_z"], "o", color="C1", ms=4, label="JS on samples")
ax_js.set(title="Jensen-Shannon divergence", xlabel=r"$\theta$", ylabel=r"$JS(P_0, P_\theta)$")
ax_js.legend(loc="lower right")
plt.show()
