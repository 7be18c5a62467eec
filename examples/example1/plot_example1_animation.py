r"""
Example 1 in motion: the plan, W1 and JS as the line moves
==========================================================

The paper's Example 1 :cite:p:`arjovsky2017wgan`: :math:`P_0` is uniform on the vertical unit
segment at :math:`x_1 = 0`, :math:`P_\theta` on the one at :math:`x_1 = \theta`. Here both are
represented by ``N_POINTS`` points with the same heights :math:`z_i`, and the exact optimal
plan between them (:func:`distances.earth_mover_solution`, POT's network simplex with its
certificate) is drawn as :math:`\theta` slides from 1 to 0 and on to -1: every point moves
straight across, so :math:`W_1 = |\theta|`, while JS of the two empirical measures stays at
:math:`\log 2` until the lines meet (natural log, JS with the factor 1/2). The curves are the
closed forms of :func:`distances.paper.families.example1_distances`.

The stills come first (they are also what a printed page shows); the animation below them
plays offline in the page (JavaScript frames, no server).
"""

# %%
# The knobs: change one line and rerun.
N_POINTS = 10  # points on each line
FRAMES = 11  # animation frames, theta from 1 to -1 in steps of 0.2 (each costs two renders)
STILLS = (1.0, 0.5, 0.1, 0.0)  # the theta of the still figures

# %%
import math

import matplotlib.pyplot as plt
import numpy as np

from distances import Discrete, earth_mover_solution, js_divergence
from distances.paper.families import example1_distances, example1_sample

z = (np.arange(N_POINTS) + 0.5) / N_POINTS  # the same heights on both lines
grid = np.linspace(-1.0, 1.0, 401)
w1_curve = [example1_distances(t).earth_mover for t in grid]
js_curve = [example1_distances(t).js for t in grid]


def solve(theta):
    """The exact plan between the two point sets, its cost, and JS of the point sets."""
    P0 = Discrete(example1_sample(0.0, z=z))
    Pt = Discrete(example1_sample(theta, z=z))
    em = earth_mover_solution(P0, Pt, method="network_simplex")
    return em, js_divergence(P0, Pt)


for theta in STILLS:
    em, js = solve(theta)
    print(f"theta = {theta:4.1f}: exact W1 of the points {em.value:.12f}, JS {js:.6f}")
print(f"log 2 = {math.log(2):.6f}")


def draw_lines(ax, theta, em):
    """The two lines' points and the optimal plan (one segment per non-zero entry)."""
    for i, j in np.argwhere(em.plan > 0):
        ax.plot([em.x[i, 0], em.y[j, 0]], [em.x[i, 1], em.y[j, 1]], color="0.4", lw=1.5)
    ax.plot(em.x[:, 0], em.x[:, 1], "o", color="tab:blue", ms=6, label=r"$P_0$")
    ax.plot(em.y[:, 0], em.y[:, 1], "s", color="tab:red", ms=6, label=r"$P_\theta$")
    ax.set(xlim=(-1.2, 1.2), ylim=(-0.05, 1.05), xlabel="$x_1$", ylabel="$x_2$")


# %%
# The stills: the plan at four values of :math:`\theta` (top), and the two distances
# against :math:`\theta` with those values marked (bottom). At :math:`\theta = 0` the two
# point sets coincide, the plan moves nothing, and both distances are 0.
fig = plt.figure(figsize=(12, 7), layout="constrained")
top, bottom = fig.subfigures(2, 1, height_ratios=[1, 1])
axes = top.subplots(1, len(STILLS), sharey=True)
for ax, theta in zip(axes, STILLS, strict=True):
    em, js = solve(theta)
    draw_lines(ax, theta, em)
    ax.set_title(rf"$\theta$ = {theta:g}: $W_1$ = {em.value:.2f}")
axes[0].legend(loc="center left")
ax_d = bottom.subplots()
ax_d.plot(grid, w1_curve, color="tab:blue", label=r"$W_1(P_0, P_\theta) = |\theta|$")
ax_d.plot(grid[grid < 0], np.array(js_curve)[grid < 0], color="tab:orange", label="JS")
ax_d.plot(grid[grid > 0], np.array(js_curve)[grid > 0], color="tab:orange")
ax_d.plot([0], [0], "o", color="tab:orange")
for theta in STILLS:
    d = example1_distances(theta)
    ax_d.plot([theta, theta], [d.earth_mover, d.js], "o", color="0.3", mfc="none", ms=9)
ax_d.set(xlabel=r"$\theta$", ylabel="distance", ylim=(-0.05, 1.05))
ax_d.legend(loc="upper center")
plt.show()

# %%
# The animation: :math:`\theta` from 1 to -1. The plan's segments shrink with
# :math:`|\theta|` and W1 follows them down to 0; JS does not move until the lines meet, and
# jumps back to :math:`\log 2` as soon as they part.
from matplotlib.animation import FuncAnimation
from matplotlib.collections import LineCollection

thetas = np.linspace(1.0, -1.0, FRAMES)
solutions = [solve(theta) for theta in thetas]
fig_anim, (ax_l, ax_r) = plt.subplots(
    1, 2, figsize=(8.5, 3.5), dpi=72, width_ratios=[1, 1.3], layout="constrained"
)
ax_r.plot(grid, w1_curve, color="tab:blue", label="$W_1$")
ax_r.plot(grid[grid < 0], np.array(js_curve)[grid < 0], color="tab:orange", label="JS")
ax_r.plot(grid[grid > 0], np.array(js_curve)[grid > 0], color="tab:orange")
(dot_w1,) = ax_r.plot([], [], "o", color="tab:blue", ms=9)
(dot_js,) = ax_r.plot([], [], "o", color="tab:orange", ms=9)
ax_r.set(xlabel=r"$\theta$", ylim=(-0.05, 1.05))
ax_r.legend(loc="upper center")
plan = ax_l.add_collection(LineCollection([], color="0.4", lw=1.5))
(pts_0,) = ax_l.plot(np.zeros(N_POINTS), z, "o", color="tab:blue", ms=6, label=r"$P_0$")
(pts_t,) = ax_l.plot(np.zeros(N_POINTS), z, "s", color="tab:red", ms=6, label=r"$P_\theta$")
ax_l.set(xlim=(-1.2, 1.2), ylim=(-0.05, 1.05), xlabel="$x_1$", ylabel="$x_2$")
ax_l.legend(loc="center left")
title = ax_l.set_title("")


def draw_frame(k):
    theta, (em, js) = thetas[k], solutions[k]
    plan.set_segments([[em.x[i], em.y[j]] for i, j in np.argwhere(em.plan > 0)])
    pts_t.set_xdata(em.y[:, 0])
    title.set_text(rf"$\theta$ = {theta:+.2f}: $W_1$ = {em.value:.2f}, JS = {js:.3f}")
    dot_w1.set_data([theta], [em.value])
    dot_js.set_data([theta], [js])
    return plan, pts_t, title, dot_w1, dot_js


# Lay the figure out once, with a title, and keep that layout for every frame: the build
# renders each frame twice (the page's player and the gallery's GIF thumbnail), and
# re-laying the figure out for each render took 40 % of its time.
draw_frame(0)
fig_anim.draw_without_rendering()
fig_anim.set_layout_engine("none")
animation = FuncAnimation(fig_anim, draw_frame, frames=FRAMES, interval=240)
