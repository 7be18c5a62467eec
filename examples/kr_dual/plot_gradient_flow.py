r"""
A gradient flow of the exact W1: Theorem 3 in action
====================================================

Take :math:`m` particles :math:`y_1, \dots, y_m` (the "generated" sample, each of mass
:math:`1/m`) and a fixed target sample :math:`P`. Treat the particles' positions as the
parameters :math:`\theta` of a generator, :math:`g_\theta(j) = y_j`, and move them down the
gradient of the exact :math:`W_1(P, Q_\theta)`, :math:`Q_\theta = \frac1m \sum_j \delta_{y_j}`
(Euclidean ground distance).

Where the optimal plan :math:`\gamma` is unique, the envelope theorem gives the gradient
through the plan,

.. math::

   \nabla_{y_j} W_1 = \sum_i \gamma_{ij}\, \frac{y_j - x_i}{\|y_j - x_i\|_2},

and Theorem 3 of the paper :cite:p:`arjovsky2017wgan` says the same thing through an optimal
critic :math:`f`: :math:`\nabla_\theta W = -\mathbb{E}_z[\nabla_\theta f(g_\theta(z))]`, and
along every edge of the plan :math:`f` falls at slope 1 from :math:`x_i` to :math:`y_j`, so
:math:`-\nabla f(y_j)` is the unit vector from :math:`x_i` to :math:`y_j`. A generator step
is a step of every particle towards the atoms of :math:`P` its mass is sent to. Each step
below solves the exact problem (:func:`distances.earth_mover_solution`, POT's network simplex
with its certificate) and moves every particle by ``STEP`` times :math:`m \nabla_{y_j} W_1`, a
convex combination of unit vectors, so no particle moves further than ``STEP``.

At the end of the page the whole flow plays as an animation (JavaScript frames embedded in
the page: it runs offline); the still figures above it show the same run.
"""

# %%
# The knobs: change one line and rerun.
N_TARGET = 48  # atoms of the target P: four Gaussian clusters
N_PARTICLES = 48  # particles of Q
STEP = 0.1  # the largest distance a particle moves in one step
STEPS = 80
FRAMES = (0, 10, 25, 45, 80)  # the steps drawn as stills
ANIMATION_EVERY = 8  # one animation frame every this many steps (11 frames: each costs
# two renders, the page's player and the gallery's GIF thumbnail)
SEED = 0

# %%
import matplotlib.pyplot as plt
import numpy as np
from scipy.spatial.distance import cdist

from distances import Discrete, earth_mover, earth_mover_solution

rng = np.random.default_rng(SEED)
centres = np.array([[-1.5, -1.5], [-1.5, 1.5], [1.5, -1.5], [1.5, 1.5]])
x = centres[np.arange(N_TARGET) % 4] + 0.25 * rng.normal(size=(N_TARGET, 2))
y = np.array([4.0, 0.0]) + 0.5 * rng.normal(size=(N_PARTICLES, 2))
P = Discrete(x)


def w1_and_gradient(y):
    """Exact W1(P, Q) and its gradient in the particles, through the optimal plan."""
    # the cost matrix keeps rows and columns in the order of x and y
    em = earth_mover_solution(
        P.weights, np.full(len(y), 1 / len(y)), cost=cdist(x, y), method="network_simplex"
    )
    diff = y[None, :, :] - x[:, None, :]  # (n, m, 2): y_j - x_i
    unit = diff / np.maximum(np.linalg.norm(diff, axis=2, keepdims=True), 1e-300)
    return em.value, np.einsum("ij,ijk->jk", em.plan, unit)


# %%
# First, is the gradient through the plan the gradient of W1? A central finite difference of
# the exact W1 in one coordinate of one particle, at the start:
value, grad = w1_and_gradient(y)
h = 1e-6
for j, k in ((0, 0), (7, 1)):
    e = np.zeros_like(y)
    e[j, k] = h
    fd = (earth_mover(P, Discrete(y + e)) - earth_mover(P, Discrete(y - e))) / (2 * h)
    print(f"dW1/dy[{j},{k}]: through the plan {grad[j, k]:+.10f}, finite difference {fd:+.10f}")

# %%
# The flow. ``path`` keeps the particles at every step, ``moves`` the step each one takes.
history, path, moves = [], [], []
for _ in range(STEPS + 1):
    value, grad = w1_and_gradient(y)
    history.append(value)
    path.append(y.copy())
    moves.append(-STEP * N_PARTICLES * grad)
    y = y - STEP * N_PARTICLES * grad
print(f"exact W1: {history[0]:.4f} at step 0, {history[-1]:.4f} at step {STEPS}")
print("W1 at the frames:", {s: round(history[s], 4) for s in FRAMES})

# %%
# Stills of the flow: the target (grey), the particles (blue) and each particle's next step
# (arrows, drawn four times longer than the step), and the exact W1 along the way (last
# panel, the steps drawn as stills marked).
# The particles first travel together, then split between the four clusters in the
# proportions the plan sends them, and settle; with a fixed step they end up jittering within
# about ``STEP`` of their targets, so the exact W1 stops decreasing at about that scale.
fig, axes = plt.subplots(2, 3, figsize=(12, 7.2), layout="constrained")
for ax, step in zip(axes.flat, FRAMES, strict=False):
    ys, move = path[step], moves[step]
    ax.scatter(*x.T, s=14, color="0.55", label="target P")
    ax.scatter(*ys.T, s=14, color="tab:blue", label="particles")
    ax.quiver(
        *ys.T,
        *move.T,
        angles="xy",
        scale_units="xy",
        scale=0.25,
        color="tab:blue",
        width=0.006,
        alpha=0.7,
    )
    ax.set(
        title=f"step {step}: $W_1$ = {history[step]:.3f}",
        aspect="equal",
        xlim=(-2.6, 5.6),
        ylim=(-2.8, 2.8),
        xticks=[],
        yticks=[],
    )
axes[0, 0].legend(loc="lower left")

ax = axes[1, 2]
ax.plot(np.arange(STEPS + 1), history, "o-", ms=3)
ax.plot(FRAMES, [history[s] for s in FRAMES], "o", ms=8, mfc="none", color="tab:red")
ax.set(xlabel="step", ylabel="exact $W_1(P, Q)$", yscale="log", title="W1 along the flow")
plt.show()

# %%
# The flow as an animation: one frame every ``ANIMATION_EVERY`` steps. Left, the particles and
# their next steps; right, the exact W1 so far. (The frames are PNGs embedded in the page by
# matplotlib's ``to_jshtml``; nothing is fetched when it plays.)
from matplotlib.animation import FuncAnimation

shown = list(range(0, STEPS + 1, ANIMATION_EVERY))
fig_anim, (ax_p, ax_w) = plt.subplots(
    1, 2, figsize=(8.5, 3.5), dpi=72, width_ratios=[1.25, 1], layout="constrained"
)
ax_p.scatter(*x.T, s=12, color="0.55", label="target P")
dots = ax_p.scatter(*path[0].T, s=12, color="tab:blue", label="particles")
arrows = ax_p.quiver(
    *path[0].T,
    *moves[0].T,
    angles="xy",
    scale_units="xy",
    scale=0.25,
    color="tab:blue",
    width=0.006,
    alpha=0.7,
)
ax_p.set(aspect="equal", xlim=(-2.6, 5.6), ylim=(-2.8, 2.8), xticks=[], yticks=[])
ax_p.legend(loc="lower left")
title = ax_p.set_title("")
(curve,) = ax_w.plot([], [], "o-", ms=3)
ax_w.set(
    xlim=(0, STEPS),
    ylim=(0.5 * min(history), 1.5 * max(history)),
    yscale="log",
    xlabel="step",
    ylabel="exact $W_1(P, Q)$",
)


def draw_frame(k):
    step = shown[k]
    dots.set_offsets(path[step])
    arrows.set_offsets(path[step])
    arrows.set_UVC(*moves[step].T)
    title.set_text(f"step {step}: $W_1$ = {history[step]:.3f}")
    curve.set_data(np.arange(step + 1), history[: step + 1])
    return dots, arrows, title, curve


# Lay the figure out once, with a title, and keep that layout for every frame (re-laying it
# out for each render took 40 % of its time).
draw_frame(0)
fig_anim.draw_without_rendering()
fig_anim.set_layout_engine("none")
animation = FuncAnimation(fig_anim, draw_frame, frames=len(shown), interval=300)

# %%
# **Exercises** (the second is answered in exercise 7 of the :doc:`KR dual page </kr_dual>`):
# halve ``STEP`` and double ``STEPS``: where does W1 stall now? Set
# ``N_PARTICLES = 12``: how do the particles share the four clusters, and why can W1 not reach
# 0 any more (hint: 48 target atoms, 12 particles)?
