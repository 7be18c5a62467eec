r"""
TV, W1 and MMD: one question, three classes of test functions
=============================================================

Three distances between :math:`P` and :math:`Q` are suprema of the same quantity,
:math:`\mathbb{E}_P f - \mathbb{E}_Q f`, over different classes of test functions :math:`f`:

.. math::

   \begin{aligned}
   \delta(P, Q) &= \sup_{0 \le f \le 1} \mathbb{E}_P f - \mathbb{E}_Q f, \\
   W_1(P, Q) &= \sup_{\mathrm{Lip}(f) \le 1} \mathbb{E}_P f - \mathbb{E}_Q f, \\
   \mathrm{MMD}_k(P, Q) &= \sup_{\|f\|_{\mathcal H_k} \le 1} \mathbb{E}_P f - \mathbb{E}_Q f .
   \end{aligned}

(TV in :math:`[0, 1]`, the toolkit's convention; W1 with the Euclidean ground distance; MMD
with the Gaussian kernel :math:`k(x, y) = e^{-\|x - y\|^2 / 2\sigma^2}` and its reproducing
kernel Hilbert space :math:`\mathcal H_k` :cite:p:`gretton2012kernel`.) The class decides what
the distance sees. On the paper's Example 1 :cite:p:`arjovsky2017wgan`, two vertical unit
segments at horizontal distance :math:`|\theta|`:

* TV may use the indicator of the segment :math:`\{x_1 = 0\}`, which separates the two
  segments however close they are: :math:`\delta = 1` for every :math:`\theta \ne 0`.
* W1 may only use functions of slope at most 1, and over a gap :math:`|\theta|` such a function
  gains at most :math:`|\theta|`: :math:`W_1 = |\theta|`, with the witness
  :math:`f(x) = -\operatorname{sign}(\theta)\, x_1`.
* MMD may only use smooth functions of bounded RKHS norm: with :math:`Z, Z'` independent
  :math:`U[0, 1]` and :math:`A = \mathbb{E}\, e^{-(Z - Z')^2 / 2\sigma^2}`,
  :math:`\mathrm{MMD}^2 = 2A\,(1 - e^{-\theta^2 / 2\sigma^2})`: about
  :math:`\sqrt{A}\,|\theta| / \sigma` for small :math:`\theta`, continuous like W1, but it
  saturates at :math:`\sqrt{2A}` once the segments are a few :math:`\sigma` apart.
"""

# %%
# The knobs: change one line and rerun.
SIGMA = 0.5  # bandwidth of the Gaussian kernel of MMD
THETA_SHOWN = 0.3  # the theta whose witness functions are drawn
N_SAMPLES = 200  # points per segment for the sample check
SEED = 0

# %%
# The closed forms on a grid of :math:`\theta`, and a check against the exact values of the
# toolkit on samples (the same latent :math:`z` on both segments), with MMD of the samples
# computed directly from its definition (the V-statistic over all pairs).
import matplotlib.pyplot as plt
import numpy as np
from scipy.integrate import quad
from scipy.spatial.distance import cdist

from distances import Discrete, earth_mover, total_variation
from distances.paper.families import example1_sample

A = quad(lambda t: 2 * (1 - t) * np.exp(-(t**2) / (2 * SIGMA**2)), 0.0, 1.0)[0]


def mmd_closed_form(theta):
    return np.sqrt(2 * A * (1 - np.exp(-np.square(theta) / (2 * SIGMA**2))))


def mmd_samples(x, y):
    k = lambda a, b: np.exp(-cdist(a, b, "sqeuclidean") / (2 * SIGMA**2))  # noqa: E731
    return np.sqrt(max(k(x, x).mean() + k(y, y).mean() - 2 * k(x, y).mean(), 0.0))


thetas = np.linspace(-2.0, 2.0, 401)
tv = np.where(thetas == 0, 0.0, 1.0)
w1 = np.abs(thetas)
mmd = mmd_closed_form(thetas)

z = np.random.default_rng(SEED).uniform(size=N_SAMPLES)
x0 = example1_sample(0.0, z=z)
print(f"A = E exp(-(Z - Z')^2 / 2 sigma^2) = {A:.6f}, sigma = {SIGMA}")
print(f"{'theta':>6} {'TV':>6} {'W1':>8} {'MMD closed':>11} {'MMD samples':>12}")
checks = []
for theta in (-1.0, -0.1, 0.0, 0.05, 0.3, 1.0, 2.0):
    xt = example1_sample(theta, z=z)
    row = (
        theta,
        total_variation(Discrete(x0), Discrete(xt)),
        earth_mover(Discrete(x0), Discrete(xt)),
        float(mmd_closed_form(theta)),
        mmd_samples(x0, xt),
    )
    checks.append(row)
    print(f"{row[0]:>6.2f} {row[1]:>6.3f} {row[2]:>8.5f} {row[3]:>11.5f} {row[4]:>12.5f}")

# %%
# TV and W1 of the samples are exactly the population values. The sample MMD differs from the
# closed form by about 1 %: with the same :math:`z` on both segments it is exactly
# :math:`\sqrt{2 \hat A\,(1 - e^{-\theta^2 / 2\sigma^2})}`, where :math:`\hat A` is the mean
# of :math:`e^{-(z_i - z_j)^2 / 2\sigma^2}` over the sample, an estimate of :math:`A` with an
# error of order :math:`N^{-1/2}`:
A_hat = np.exp(-cdist(z[:, None], z[:, None], "sqeuclidean") / (2 * SIGMA**2)).mean()
identity = np.sqrt(2 * A_hat * (1 - np.exp(-(0.3**2) / (2 * SIGMA**2))))
print(
    f"A_hat = {A_hat:.6f} (A = {A:.6f}); at theta = 0.3: sqrt(2 A_hat (1 - e^...)) = "
    f"{identity:.6f}, MMD of the samples = {mmd_samples(x0, example1_sample(0.3, z=z)):.6f}"
)

# %%
# Left: the three distances against :math:`\theta` (markers: the sample values). Right: the
# witnesses at :math:`\theta` equal to ``THETA_SHOWN`` along the horizontal axis :math:`x_1`
# (at height :math:`x_2 = 1/2`): the TV witness jumps from 1 to 0 in any gap, however small;
# the W1 witness falls at slope 1 across the gap; the MMD witness is a smooth bump of width
# about :math:`\sigma` (scaled to unit RKHS norm, so its gain across the gap is the MMD).
fig, (ax_d, ax_w) = plt.subplots(1, 2, figsize=(11, 4.2), layout="constrained")
ax_d.plot(thetas[thetas < 0], tv[thetas < 0], color="tab:red", label=r"TV $\delta$")
ax_d.plot(thetas[thetas > 0], tv[thetas > 0], color="tab:red")
ax_d.plot([0], [0], "o", color="tab:red", ms=5)
ax_d.plot(thetas, w1, color="tab:blue", label="$W_1$")
ax_d.plot(thetas, mmd, color="tab:green", label=rf"MMD, Gaussian kernel $\sigma$ = {SIGMA:g}")
ax_d.axhline(np.sqrt(2 * A), color="tab:green", ls=":", lw=0.8)
c = np.array(checks)
ax_d.plot(c[:, 0], c[:, 1], "s", color="tab:red", mfc="none", ms=7)
ax_d.plot(c[:, 0], c[:, 2], "o", color="tab:blue", mfc="none", ms=7)
ax_d.plot(c[:, 0], c[:, 4], "^", color="tab:green", mfc="none", ms=7, label="from samples")
ax_d.set(xlabel=r"$\theta$", ylabel="distance", title=r"Example 1: $P_0$ against $P_\theta$")
ax_d.legend(fontsize=9, loc="upper center")

t = THETA_SHOWN
x1 = np.linspace(-1.0, 1.0 + t, 600)
c_half = quad(lambda zz: np.exp(-((0.5 - zz) ** 2) / (2 * SIGMA**2)), 0.0, 1.0)[0]
h = c_half * (np.exp(-(x1**2) / (2 * SIGMA**2)) - np.exp(-((x1 - t) ** 2) / (2 * SIGMA**2)))
ax_w.plot(x1, h / mmd_closed_form(t), color="tab:green", label="MMD witness / MMD norm")
# -x_1 clipped outside the gap is 1-Lipschitz and as good: only its values on the segments count
ax_w.plot(
    x1, np.clip(-x1, -t, 0) + t / 2, color="tab:blue", label=r"$W_1$ witness: slope $-1$ in the gap"
)
ax_w.plot(x1, np.zeros_like(x1), color="tab:red", lw=1)
ax_w.plot([0, 0], [0, 1], color="tab:red", label=r"TV witness $1\{x_1 = 0\}$")
ax_w.plot([0], [1], "o", color="tab:red", ms=5)
for pos, name in ((0.0, r"$P_0$"), (t, r"$P_\theta$")):
    ax_w.axvline(pos, color="0.5", ls="--", lw=0.8)
    ax_w.annotate(name, (pos, 1.05), ha="center", fontsize=11)
ax_w.set(
    xlabel="$x_1$",
    ylabel="f",
    ylim=(-0.6, 1.2),
    title=rf"witness functions at $\theta$ = {t:g}, along $x_1$",
)
ax_w.legend(fontsize=9, loc="lower left")
plt.show()

# %%
# **Exercises** (answers: exercise 6 of the :doc:`KR dual page </kr_dual>`):
#
# 1. Set ``SIGMA = 0.05``. For which :math:`\theta` does MMD now look like TV, and why?
# 2. Why is the W1 witness :math:`-x_1` optimal for *every* :math:`\theta > 0` while the MMD
#    witness changes shape with :math:`\theta`?
