"""Figures of Example 1 and of the theorem checks: functions that take data, return a Figure.

matplotlib is imported inside each function, so ``import distances`` stays light. The
command line (``wgan-theory figure1``, ``wgan-theory theorems``), the documentation
gallery and the tests all call these functions.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .families import example1_distances

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from .example1 import Figure1Data, Trajectory

__all__ = ["plot_figure1", "plot_learning", "plot_theorem1", "plot_theorem2"]

_LOG2 = math.log(2.0)
_INF_LEVEL = 1.15  # where +inf is drawn on the KL panel's axis
_LINE = {"color": "k", "lw": 1.6}
_SAME = {
    "marker": "o",
    "ls": "none",
    "ms": 5,
    "mfc": "none",
    "mec": "tab:blue",
    "mew": 1.3,
    "zorder": 5,
}
_INDEP = {"marker": "x", "ls": "none", "ms": 5, "color": "tab:orange", "mew": 1.3, "zorder": 6}



def _step_at_zero(ax: Axes, value: float, label: str) -> None:
    """Draw value for theta != 0 and 0 at theta = 0: two segments, an open and a full dot."""
    ax.plot([-1, -1e-9], [value, value], **_LINE, label=label)
    ax.plot([1e-9, 1], [value, value], **_LINE)
    ax.plot([0], [value], "o", ms=7, mfc="white", mec="k", zorder=4)
    ax.plot([0], [0], "o", ms=6, color="k", zorder=4)


def _inf_to_level(values: np.ndarray) -> np.ndarray:
    return np.where(np.isinf(values), _INF_LEVEL, values)


def plot_figure1(data: Figure1Data, *, extended: bool = False) -> Figure:
    r"""Figure 1 of the paper: EM (left) and JS (right) between :math:`P_0` and :math:`P_\theta`.

    The closed forms are the black lines; the markers are what the toolkit computes from
    n samples per line: circles with the same z on both lines, crosses with independent
    z. The grey band on the EM panel is :math:`[|\theta|, |\theta| + \text{floor}]`,
    where the independent-sample values must lie.

    Parameters
    ----------
    data : Figure1Data
        From :func:`distances.paper.example1.figure1_data`.
    extended : bool, default False
        Add the KL (both directions, +inf drawn at the top) and TV panels, 2 x 2.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    c, th = data.columns, data.theta
    fine = np.linspace(-1, 1, 401)
    if extended:
        fig, axes = plt.subplots(2, 2, figsize=(10, 7.6), constrained_layout=True)
        ax_w, ax_js, ax_kl, ax_tv = axes.ravel()
    else:
        fig, (ax_w, ax_js) = plt.subplots(1, 2, figsize=(10, 4), constrained_layout=True)
    floor = float(c["floor"][0])
    ax_w.fill_between(
        fine,
        np.abs(fine),
        np.abs(fine) + floor,
        color="0.85",
        label=f"$[|\\theta|, |\\theta|$ + floor], floor = {floor:.3g}",
    )
    ax_w.plot(
        fine,
        [example1_distances(t).earth_mover for t in fine],
        **_LINE,
        label=r"closed form $|\theta|$",
    )
    ax_w.plot(th, c["w1_same_z"], **_SAME, label="exact solver, same $z$")
    ax_w.plot(th, c["w1_indep"], **_INDEP, label="exact solver, independent $z$")
    ax_w.set(title=r"Earth-Mover distance $W(P_0, P_\theta)$", ylabel="EM distance")

    _step_at_zero(ax_js, _LOG2, r"closed form ($\log 2$ for $\theta \neq 0$)")
    ax_js.plot(th, c["js_same_z"], **_SAME, label="empirical measures, same $z$")
    ax_js.plot(th, c["js_indep"], **_INDEP, label="empirical measures, independent $z$")
    ax_js.set(
        title=r"Jensen-Shannon divergence $JS(P_0, P_\theta)$",
        ylabel="JS (nats)",
        ylim=(-0.05, 0.85),
    )
    ax_js.axhline(_LOG2, color="0.6", lw=0.8, ls=":")
    ax_js.annotate(
        "independent samples at $\\theta = 0$: still $\\log 2$\n(two continuous "
        "samples have disjoint supports)",
        xy=(0, _LOG2),
        xytext=(-0.95, 0.5),
        fontsize=8,
        arrowprops={"arrowstyle": "->", "color": "tab:orange"},
    )
    panels = [ax_w, ax_js]
    if extended:
        _step_at_zero(ax_kl, _INF_LEVEL, r"closed form ($+\infty$ for $\theta \neq 0$)")
        ax_kl.plot(
            th,
            _inf_to_level(c["kl_theta_0_same_z"]),
            **_SAME,
            label=r"$KL(P_\theta\|P_0)$, same $z$",
        )
        ax_kl.plot(
            th,
            _inf_to_level(c["kl_0_theta_same_z"]),
            marker="+",
            ls="none",
            ms=8,
            color="tab:green",
            label=r"$KL(P_0\|P_\theta)$, same $z$",
        )
        ax_kl.plot(
            th,
            _inf_to_level(c["kl_0_theta_indep"]),
            **_INDEP,
            label=r"$KL(P_0\|P_\theta)$, independent $z$",
        )
        ax_kl.set(
            title=r"KL divergence, both directions",
            ylabel="KL (nats)",
            ylim=(-0.05, 1.35),
            yticks=[0, 0.25, 0.5, 0.75, 1.0, _INF_LEVEL],
            yticklabels=["0", "0.25", "0.5", "0.75", "1", r"$+\infty$"],
        )
        _step_at_zero(ax_tv, 1.0, r"closed form (1 for $\theta \neq 0$)")
        ax_tv.plot(th, c["tv_same_z"], **_SAME, label="empirical measures, same $z$")
        ax_tv.plot(th, c["tv_indep"], **_INDEP, label="empirical measures, independent $z$")
        ax_tv.set(title=r"Total variation $\delta(P_0, P_\theta)$", ylabel="TV", ylim=(-0.05, 1.25))
        panels += [ax_kl, ax_tv]
    for ax in panels:
        ax.set_xlabel(r"$\theta$")
        ax.set_xlim(-1.05, 1.05)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8, loc="center right" if ax is not ax_w else "upper center")
    fig.suptitle(
        f"Example 1: $P_0$ = law of $(0, Z)$, $P_\\theta$ = law of $(\\theta, Z)$, "
        f"$Z \\sim U[0,1]$; markers from n = {data.n} samples per line"
    )
    return fig


def plot_learning(trajectories: Sequence[Trajectory]) -> Figure:
    r"""Learning parallel lines: :math:`\theta_t` and the loss along gradient descent.

    Parameters
    ----------
    trajectories : sequence of Trajectory
        From :func:`distances.paper.example1.learn_parallel_lines`, e.g. for "w1", "js", "kl".

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    fig, (ax_t, ax_v) = plt.subplots(1, 2, figsize=(10, 4.3), constrained_layout=True)
    fig.suptitle(
        r"Learning parallel lines: gradient descent on $\theta$ towards $P_0$ "
        "(fixed latent batch; step halved at each overshoot of 0)"
    )
    styles = {
        "w1": ("tab:blue", "-", "o", "exact W1 (envelope gradient)"),
        "js": ("tab:red", "--", "s", "JS (gradient 0)"),
        "kl": ("tab:green", ":", "^", r"KL$(P_\theta\|P_0)$ = $+\infty$ (no gradient)"),
    }
    for tr in trajectories:
        color, ls, marker, label = styles[tr.loss]
        steps = np.arange(tr.theta.size)
        ax_t.plot(steps, tr.theta, color=color, ls=ls, marker=marker, ms=3, label=label)
        if tr.loss != "kl":
            ax_v.plot(steps, tr.value, color=color, ls=ls, marker=marker, ms=3, label=label)
    ax_t.axhline(0.0, color="k", lw=0.8)
    ax_t.set(
        xlabel="gradient step",
        ylabel=r"$\theta$",
        ylim=(-0.15, 1.1),
        title=r"$\theta$ during gradient descent from $\theta = 1$",
    )
    ax_v.axhline(_LOG2, color="0.6", lw=0.8, ls=":")
    ax_v.set(
        xlabel="gradient step",
        ylabel="distance between the empirical measures",
        title=r"loss along the way (KL is $+\infty$ throughout)",
        ylim=(-0.05, 1.1),
    )
    for ax in (ax_t, ax_v):
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8, loc="center right")
    return fig


def plot_theorem1(table: dict[str, Any]) -> Figure:
    """Theorem 1: W(theta) near its steepest point and the JS jump at 0, grid by grid.

    Parameters
    ----------
    table : dict
        ``table["curves"]``: list of (label, theta array, W array) for each grid;
        ``table["levels"]``: list of dicts with keys ``h`` (grid step), ``max_slope``,
        ``bound``, ``js_jump``, from :func:`distances.paper.theorems.check_theorem1`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    fig, (ax_w, ax_s) = plt.subplots(1, 2, figsize=(10, 4), constrained_layout=True)
    for label, th, w in table["curves"]:
        ax_w.plot(th, w, marker=".", ms=3, lw=1, label=label)
    ax_w.set(
        xlabel=r"$\theta$",
        ylabel=r"exact $W(P_r, P_\theta)$",
        title="each grid zooms into the steepest interval of the last",
    )
    ax_w.grid(alpha=0.3)
    ax_w.legend(fontsize=8)
    h = np.array([lv["h"] for lv in table["levels"]])
    ax_s.loglog(h, [lv["max_slope"] for lv in table["levels"]], "o-", label="largest W slope")
    ax_s.loglog(
        h,
        [lv["bound"] for lv in table["levels"]],
        "k--",
        label=r"bound $\max_\theta E_z\|\partial_\theta g_\theta(z)\|$",
    )
    ax_s.loglog(
        h,
        [lv["js_jump"] / lv["h"] for lv in table["levels"]],
        "s-",
        color="tab:red",
        label="JS jump at 0 / h (slope of JS)",
    )
    ax_s.invert_xaxis()
    ax_s.set(
        xlabel="grid step h (refined to the right)",
        ylabel="slope",
        title="W slope stays under the bound; JS slope blows up",
    )
    ax_s.grid(alpha=0.3, which="both")
    ax_s.legend(fontsize=8)
    fig.suptitle(table.get("title", "Theorem 1"))
    return fig


def plot_theorem2(rows: Sequence[dict[str, Any]], ns: Sequence[int]) -> Figure:
    """Theorem 2: each distance along each sequence, against n (log-log; +inf at the top).

    Parameters
    ----------
    rows : sequence of dict
        One per sequence, with ``"name"`` and arrays ``"tv"``, ``"js"``, ``"kl_np"``,
        ``"kl_pn"``, ``"w1"`` (one value per n).
    ns : sequence of int
        The n values.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    k = len(rows)
    ncols = 3
    nrows = (k + 1 + ncols - 1) // ncols  # one spare panel for the legend
    fig, grid = plt.subplots(
        nrows, ncols, figsize=(12, 3.6 * nrows), constrained_layout=True, sharey=True
    )
    axes = np.atleast_1d(grid).ravel()
    labels = {
        "tv": "TV",
        "js": "JS",
        "kl_np": r"KL$(P_n\|P)$",
        "kl_pn": r"KL$(P\|P_n)$",
        "w1": "W1",
    }
    # Both KL drawn at +inf overlap: a large hollow and a small filled marker stay visible.
    styles = {
        "tv": {"marker": "o", "ms": 4},
        "js": {"marker": "s", "ms": 4},
        "kl_np": {"marker": "^", "ms": 9, "mfc": "none", "mew": 1.5, "lw": 2.5},
        "kl_pn": {"marker": "v", "ms": 4, "ls": "--"},
        "w1": {"marker": "D", "ms": 4},
    }
    top = 1e2
    for ax, row in zip(axes, rows, strict=False):
        for key, label in labels.items():
            vals = np.asarray(row[key], dtype=float)
            ax.loglog(ns, np.where(np.isinf(vals), top, vals), label=label, **styles[key])
        ax.set_title(row["name"], fontsize=9)
        ax.set_xlabel("n")
        ax.grid(alpha=0.3, which="both")
        ax.set_ylim(1e-10, 3e2)
    for ax in axes[::ncols]:
        ax.set_ylabel(r"distance ($+\infty$ drawn at $10^2$)")
    handles, names = axes[0].get_legend_handles_labels()
    for ax in axes[k:]:
        ax.axis("off")
    axes[k].legend(
        handles,
        names,
        loc="center",
        fontsize=10,
        title=r"$P_n \to P$; natural log; $+\infty$ at $10^2$",
    )
    fig.suptitle("Theorem 2: each distance along each sequence")
    return fig
