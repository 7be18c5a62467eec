r"""
The four distances as one sample slides onto another
====================================================

Take a sample :math:`X` of 100 points in the plane and its translate :math:`X + (s, 0)`.
For :math:`s \ne 0` the two empirical measures share no atom, so

* total variation :math:`\delta = 1` (convention: :math:`\sup_A |P(A) - Q(A)|`, in [0, 1]),
* Jensen-Shannon :math:`JS = \log 2` (natural log, with the factor 1/2),
* Kullback-Leibler :math:`KL = +\infty`,

whatever :math:`s`, while the Earth-Mover distance (Euclidean ground distance) is exactly
:math:`|s|`: every point moves by :math:`|s|`, and no plan is cheaper. This is the paper's
Example 1 in miniature, on samples.
"""

# %%
# The knobs: change one line and rerun.
N_POINTS = 100  # size of the sample X
MAX_SHIFT, N_SHIFTS = 1.0, 41  # shifts s in [-MAX_SHIFT, MAX_SHIFT]; an odd count includes 0
SEED = 0

# %%
import math

import matplotlib.pyplot as plt
import numpy as np

from distances import Discrete, earth_mover, js_divergence, kl_divergence, total_variation

rng = np.random.default_rng(SEED)
X = Discrete(rng.normal(size=(N_POINTS, 2)))
shifts = np.linspace(-MAX_SHIFT, MAX_SHIFT, N_SHIFTS)
rows = []
for s in shifts:
    Y = X.translate([s, 0.0])
    rows.append(
        (total_variation(X, Y), js_divergence(X, Y), kl_divergence(X, Y), earth_mover(X, Y))
    )
tv, js, kl, w1 = map(np.array, zip(*rows, strict=True))

# %%
# The numbers, at a few shifts (computed when this page was built):
for s, a, b, c, d in zip(shifts[::10], tv[::10], js[::10], kl[::10], w1[::10], strict=True):
    print(f"s = {s:+.2f}: TV = {a:.4f}  JS = {b:.6f}  KL = {c}  W1 = {d:.12f}")
print(f"log 2 = {math.log(2):.6f}")
print(f"largest |W1 - |s||: {np.max(np.abs(w1 - np.abs(shifts))):.1e}")

# %%
# The figure: TV, JS and KL jump at :math:`s = 0` and are flat elsewhere; W1 is
# :math:`|s|`, continuous, with a gradient that points towards :math:`s = 0`.
fig, axes = plt.subplots(1, 4, figsize=(11.5, 3.4), layout="constrained")
# markers only for JS and TV: joining them by lines would draw a continuity they do not have
for ax, values, name, style in zip(
    axes[:3], (w1, js, tv), ("W1", "JS", "TV"), ("o-", "o", "o"), strict=True
):
    ax.plot(shifts, values, style, ms=3)
    ax.set(title=name, xlabel="shift s")
axes[1].axhline(math.log(2), color="0.6", ls=":", label="log 2")
axes[1].legend(loc="lower right")
# KL is +inf for every s != 0: draw +inf as the top row of the panel
finite = np.isfinite(kl)
axes[3].plot(shifts[finite], kl[finite], "o", ms=4, color="C0")
axes[3].plot(shifts[~finite], np.ones((~finite).sum()), "^", ms=4, color="C3")
axes[3].set(
    title="KL(X || X + (s, 0))",
    xlabel="shift s",
    yticks=[0, 1],
    yticklabels=["0", "+inf"],
    ylim=(-0.1, 1.1),
)
plt.show()
