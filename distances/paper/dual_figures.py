"""Teaching figures of the Kantorovich-Rubinstein dual, each returned with its data.

Both functions solve the problem with :func:`~distances.dual.kantorovich_dual` and
return a :class:`DualFigure`: the matplotlib Figure, the data drawn in it as named
tables of columns, and the :class:`~distances.dual.DualSolution`. The command line,
the reproduce report and the documentation gallery call these same functions; the application
writes them (``wgan.app.artifacts.save_dual_figure``).
matplotlib is imported inside them only.

Convention: W1 with the Euclidean ground distance; the potential f is 1-Lipschitz and
its free additive constant is fixed so that its smallest value on the atoms is 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from .._validation import as_scalar
from ..dual import DualSolution, kantorovich_dual
from ..measures import Discrete
from .results import CheckResult

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = [
    "DualFigure",
    "check_duality",
    "dual_figure_1d",
    "dual_figure_2d",
    "teaching_figures",
    "tutorial_measures",
]

FloatArray = NDArray[np.float64]

_P_COLOR, _Q_COLOR, _PLAN_COLOR = "tab:blue", "tab:orange", "0.25"


@dataclass(frozen=True)
class DualFigure:
    """A figure with the data behind it.

    Attributes
    ----------
    figure : matplotlib.figure.Figure
        The figure.
    tables : dict of str to dict of str to ndarray
        The data drawn, as named tables of equal-length columns (one CSV file each).
    solution : DualSolution
        The primal and dual solution the figure shows.
    """

    figure: Figure
    tables: dict[str, dict[str, FloatArray]] = field(repr=False)
    solution: DualSolution


def _plan_edges(sol: DualSolution, min_mass: float = 0.0) -> tuple[FloatArray, ...]:
    """(from atoms, to atoms, mass) of the plan's non-zero entries."""
    em = sol.primal
    assert em.x is not None and em.y is not None
    i, j = np.nonzero(em.plan > min_mass)
    return em.x[i], em.y[j], em.plan[i, j]


def dual_figure_1d(P: Discrete, Q: Discrete) -> DualFigure:
    r"""Primal and dual of :math:`W_1(P, Q)` on the line, in three panels.

    Left: the CDFs :math:`F_P, F_Q`; the area between them is
    :math:`W_1 = \int |F_P - F_Q|`. Middle: the optimal plan, a segment from
    :math:`x_i` (P, top) to :math:`y_j` (Q, bottom) for each non-zero
    :math:`\gamma_{ij}`, its width proportional to the mass. Right: the optimal potential
    f on the atoms, joined by segments whose slopes (annotated) lie in [-1, 1], with the
    primal cost and the dual value in the title.

    Parameters
    ----------
    P, Q : Discrete
        Two measures on the line (dimension 1), at most
        :data:`~distances.dual.DUAL_MAX_ATOMS` atoms together.

    Returns
    -------
    DualFigure
        Tables ``atoms`` (x, p, q, f), ``cdf`` (t, F_P, F_Q on the merged atoms),
        ``plan`` (x_from, x_to, mass) and ``slopes`` (x_left, x_right, slope).

    Raises
    ------
    ValueError
        If P or Q is not one-dimensional (see :func:`~distances.dual.kantorovich_dual` for
        the other rules).
    """
    import matplotlib.pyplot as plt

    if not (isinstance(P, Discrete) and isinstance(Q, Discrete) and P.dim == Q.dim == 1):
        raise ValueError(
            "dual_figure_1d needs two Discrete measures on the line; got dimensions "
            f"{getattr(P, 'dim', type(P).__name__)} and {getattr(Q, 'dim', type(Q).__name__)}"
        )
    sol = kantorovich_dual(P, Q)
    t, f = sol.atoms[:, 0], sol.potential
    cdf_p, cdf_q = np.cumsum(sol.p), np.cumsum(sol.q)
    slopes = np.diff(f) / np.diff(t)
    x_from, x_to, mass = _plan_edges(sol)

    fig, (ax_cdf, ax_plan, ax_f) = plt.subplots(1, 3, figsize=(13, 3.8), layout="constrained")
    pad = 0.08 * max(float(t[-1] - t[0]), 1.0)
    tt = np.concatenate([[t[0] - pad], t, [t[-1] + pad]])
    for cdf, color, name in ((cdf_p, _P_COLOR, "P"), (cdf_q, _Q_COLOR, "Q")):
        ax_cdf.step(
            tt,
            np.concatenate([[0.0], cdf, [1.0]]),
            where="post",
            color=color,
            lw=2,
            label=f"$F_{name}$",
        )
    ax_cdf.fill_between(
        tt,
        np.concatenate([[0.0], cdf_p, [1.0]]),
        np.concatenate([[0.0], cdf_q, [1.0]]),
        step="post",
        color="0.6",
        alpha=0.35,
        label=r"$\int|F_P-F_Q| = W_1$",
    )
    ax_cdf.set(title="CDFs: the area between them is $W_1$", xlabel="x", ylabel="CDF")
    ax_cdf.legend(loc="lower right", fontsize=11)

    # line width proportional to mass: 8 points for the largest entry of a one-entry plan
    width = 8.0 / max(float(mass.max()) * np.sqrt(mass.size), 1e-300)
    label_masses = mass.size <= 8
    w_max = max(float(P.weights.max()), float(Q.weights.max()))
    for a, b, m in zip(x_from[:, 0], x_to[:, 0], mass, strict=True):
        ax_plan.plot(
            [a, b],
            [1.0, 0.0],
            color=_PLAN_COLOR,
            lw=max(width * m, 0.4),
            alpha=0.6,
            solid_capstyle="round",
        )
        if label_masses:
            ax_plan.annotate(
                f"{m:.3g}", ((a + b) / 2, 0.5), fontsize=11, ha="center", color=_PLAN_COLOR
            )
    ax_plan.scatter(
        P.atoms[:, 0],
        np.ones(P.size),
        s=300 * P.weights / w_max,
        color=_P_COLOR,
        zorder=3,
        label="P",
    )
    ax_plan.scatter(
        Q.atoms[:, 0],
        np.zeros(Q.size),
        s=300 * Q.weights / w_max,
        color=_Q_COLOR,
        zorder=3,
        label="Q",
    )
    ax_plan.set(
        title=f"optimal plan: cost {sol.primal_cost:.6g}",
        xlabel="x",
        yticks=[0, 1],
        yticklabels=["Q", "P"],
        ylim=(-0.3, 1.3),
        xlim=(tt[0], tt[-1]),
    )

    ax_f.plot(t, f, "-", color="k", lw=1.2)
    net = sol.p - sol.q
    for mask, color, label in (
        (net > 0, _P_COLOR, "net mass $p_i - q_i > 0$"),
        (net < 0, _Q_COLOR, "net mass $p_i - q_i < 0$"),
        (net == 0, "0.6", "net mass 0"),
    ):
        if mask.any():
            ax_f.scatter(t[mask], f[mask], color=color, edgecolor="k", zorder=3, s=40, label=label)
    if t.size <= 12:
        for k, (tk, fk) in enumerate(zip(t, f, strict=True)):
            last = k == t.size - 1  # label the rightmost atom on its left, inside the axes
            ax_f.annotate(
                f"f={fk:.3g}",
                (tk, fk),
                textcoords="offset points",
                xytext=(-8 if last else 8, -12),
                ha="right" if last else "left",
                fontsize=11,
            )
    ax_f.legend(loc="best", fontsize=10)
    for k, s in enumerate(slopes if t.size <= 12 else []):
        ax_f.annotate(
            f"{s:+.2f}",
            ((t[k] + t[k + 1]) / 2, (f[k] + f[k + 1]) / 2),
            fontsize=11,
            ha="right",
            va="bottom",
            color="tab:green",
        )
    ax_f.set(
        title=f"potential f: dual value {sol.value:.6g}",
        xlabel="x",
        ylabel="f(x)",
        xlim=(tt[0], tt[-1]),
    )
    fig.suptitle(
        f"primal cost = {sol.primal_cost:.10g}, dual value = {sol.value:.10g}, "
        f"|gap| = {sol.gap:.1e}; slopes of f in [{slopes.min():.3g}, {slopes.max():.3g}]"
        if slopes.size
        else f"primal cost = dual value = {sol.value:.10g}",
        fontsize=12,
    )
    tables = {
        "atoms": {"x": t, "p": sol.p, "q": sol.q, "f": f},
        "cdf": {"t": t, "F_P": cdf_p, "F_Q": cdf_q},
        "plan": {"x_from": x_from[:, 0], "x_to": x_to[:, 0], "mass": mass},
        "slopes": {"x_left": t[:-1], "x_right": t[1:], "slope": slopes},
    }
    return DualFigure(fig, tables, sol)


def dual_figure_2d(
    P: Discrete, Q: Discrete, *, grid_size: int = 120, margin: float = 0.5
) -> DualFigure:
    r"""Primal and dual of :math:`W_1(P, Q)` in the plane, in one panel.

    The potential is drawn as filled contours of its 1-Lipschitz extension
    :math:`f(z) = \min_i f(x_i) + \|z - x_i\|_2` (see
    :func:`~distances.lipschitz.lipschitz_extension`), the atoms of P and Q as dots of area
    proportional to their weight, and the optimal plan as segments of width proportional
    to the mass moved. Along each segment of the plan f drops at slope exactly 1.

    Parameters
    ----------
    P, Q : Discrete
        Two measures in the plane (dimension 2), at most
        :data:`~distances.dual.DUAL_MAX_ATOMS` atoms together.
    grid_size : int, default 120
        Grid points per axis for the contours (at least 2).
    margin : float, default 0.5
        Space around the atoms' bounding box, as a fraction of its larger side.

    Returns
    -------
    DualFigure
        Tables ``atoms`` (x1, x2, p, q, f), ``plan`` (from_1, from_2, to_1, to_2, mass)
        and ``grid`` (z1, z2, f: the extension on the grid, row by row).

    Raises
    ------
    ValueError
        If P or Q is not two-dimensional, or ``grid_size < 2`` or ``margin < 0``.
    """
    import matplotlib.pyplot as plt

    if not (isinstance(P, Discrete) and isinstance(Q, Discrete) and P.dim == Q.dim == 2):
        raise ValueError(
            "dual_figure_2d needs two Discrete measures in the plane; got dimensions "
            f"{getattr(P, 'dim', type(P).__name__)} and {getattr(Q, 'dim', type(Q).__name__)}"
        )
    if not (isinstance(grid_size, (int, np.integer)) and grid_size >= 2):
        raise ValueError(f"grid_size must be an integer >= 2; got {grid_size!r}")
    margin = as_scalar(margin, "margin", nonnegative=True)
    sol = kantorovich_dual(P, Q)
    lo, hi = sol.atoms.min(axis=0), sol.atoms.max(axis=0)
    span = max(float((hi - lo).max()), 1.0)
    g1 = np.linspace(lo[0] - margin * span, hi[0] + margin * span, grid_size)
    g2 = np.linspace(lo[1] - margin * span, hi[1] + margin * span, grid_size)
    z1, z2 = np.meshgrid(g1, g2)
    values = sol.extend(np.column_stack([z1.ravel(), z2.ravel()])).reshape(z1.shape)
    x_from, x_to, mass = _plan_edges(sol)

    fig, ax = plt.subplots(figsize=(6.4, 5.4), layout="constrained")
    cs = ax.contourf(z1, z2, values, levels=20, cmap="viridis")
    ax.contour(z1, z2, values, levels=cs.levels, colors="w", linewidths=0.3, alpha=0.5)
    fig.colorbar(cs, ax=ax, label="f (1-Lipschitz extension, min form)")
    width = 3.0 / max(float(mass.max()), 1e-300)
    for a, b, m in zip(x_from, x_to, mass, strict=True):
        ax.annotate(
            "",
            xy=b,
            xytext=a,
            arrowprops={
                "arrowstyle": "-|>",
                "color": "w",
                "lw": max(width * m, 0.5),
                "alpha": 0.9,
                "shrinkA": 4,
                "shrinkB": 4,
            },
        )
    scale = 160.0 / max(float(max(P.weights.max(), Q.weights.max())), 1e-300)
    ax.scatter(
        P.atoms[:, 0],
        P.atoms[:, 1],
        s=scale * P.weights + 8,
        color=_P_COLOR,
        edgecolor="w",
        zorder=3,
        label="P",
    )
    ax.scatter(
        Q.atoms[:, 0],
        Q.atoms[:, 1],
        s=scale * Q.weights + 8,
        color=_Q_COLOR,
        edgecolor="w",
        zorder=3,
        marker="s",
        label="Q",
    )
    ax.set(
        xlabel="$z_1$",
        ylabel="$z_2$",
        aspect="equal",
        title=f"primal cost {sol.primal_cost:.8g} = dual value {sol.value:.8g}",
    )
    ax.legend(loc="upper right", fontsize=8)
    tables = {
        "atoms": {
            "x1": sol.atoms[:, 0],
            "x2": sol.atoms[:, 1],
            "p": sol.p,
            "q": sol.q,
            "f": sol.potential,
        },
        "plan": {
            "from_1": x_from[:, 0],
            "from_2": x_from[:, 1],
            "to_1": x_to[:, 0],
            "to_2": x_to[:, 1],
            "mass": mass,
        },
        "grid": {"z1": z1.ravel(), "z2": z2.ravel(), "f": values.ravel()},
    }
    return DualFigure(fig, tables, sol)


def tutorial_measures() -> dict[str, tuple[Discrete, Discrete]]:
    """The measures of the documentation's KR-dual tutorial, by name.

    ``"line"``: P = (δ0 + δ3)/2, Q = 3/4 δ1 + 1/4 δ3 (W1 = 1, potential (1, 0, 2) on 0, 1, 3).
    ``"triangle"``: P = (δa + δb)/2, Q = δc with a = (0, 0), b = (3, 0), c = (0, 4)
    (W1 = 4.5, potential 4, 5, 0 at a, b, c). ``"clouds"``: 15 and 10 Gaussian points in the
    plane (seed 2), the gallery's two clouds.
    """
    rng = np.random.default_rng(2)
    clouds = (
        Discrete(rng.normal(size=(15, 2)) * [0.6, 1.0]),
        Discrete(rng.normal(size=(10, 2)) * 0.5 + [2.5, 0.5]),
    )
    return {
        "line": (Discrete([0.0, 3.0]), Discrete([1.0, 3.0], [0.75, 0.25])),
        "triangle": (Discrete([[0.0, 0.0], [3.0, 0.0]]), Discrete([[0.0, 4.0]])),
        "clouds": clouds,
    }


def teaching_figures(*, close: bool = True) -> dict[str, DualFigure]:
    """The teaching figures of the KR dual, on the measures of :func:`tutorial_measures`.

    ``"line"`` (the 1-D worked example), ``"triangle"`` and ``"clouds"`` (2-D). Each
    ``solution`` holds the primal cost, the dual value and the Lipschitz check.
    ``close=True`` closes the figures in pyplot (the Figure objects stay drawable and
    savable), so a caller that only saves them does not keep them open.
    """
    import matplotlib.pyplot as plt

    out: dict[str, DualFigure] = {}
    for name, (P, Q) in tutorial_measures().items():
        fig = dual_figure_1d(P, Q) if P.dim == 1 else dual_figure_2d(P, Q, grid_size=80)
        if close:
            plt.close(fig.figure)
        out[name] = fig
    return out


def check_duality(name: str, solution: DualSolution) -> CheckResult:
    """Eq. 2 on one pair: the primal LP and the dual LP, solved independently, agree.

    The verdict is :attr:`DualSolution.agrees` (gap and Lipschitz constant within the
    dual's tolerances).
    """
    sol = solution
    return CheckResult(
        "Kantorovich-Rubinstein duality (eq. 2)",
        f"'{name}': the primal LP (POT network simplex) and the dual LP over f on the union of "
        "the atoms (scipy HiGHS), solved independently.",
        (),
        sol.agrees,
        headline=f"primal {sol.primal_cost:.10g}, dual {sol.value:.10g}, gap {sol.gap:.1e}; "
        f"largest slope of f {sol.lipschitz.max_slope:.10g}",
    )
