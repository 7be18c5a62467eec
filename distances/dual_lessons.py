r"""Teaching helpers for the Kantorovich-Rubinstein dual: the LP by hand, and plan supports.

Two questions a student asks in front of the dual LP, answered with data and a figure:

* *What does the dual LP look like?* For three atoms, with one potential value fixed
  (the free constant), the dual is a linear program in two unknowns: its feasible set is a
  polygon, its objective a family of parallel level lines, and the optimum a vertex.
  :func:`dual_lp_by_hand` writes out every constraint :math:`f_i - f_j \le d(z_i, z_j)` and
  the polygon; :func:`plot_dual_lp_by_hand` draws it beside the plan (a heatmap with its
  marginals) and the cost matrix.
* *Why is the potential not unique?* An optimal plan with :math:`n` rows and :math:`m`
  columns is a vertex of the transport polytope; its support is a forest in the bipartite
  graph of the atoms. When it is a spanning tree (:math:`n + m - 1` edges, one group) the
  equalities :math:`f(x_i) - f(y_j) = d(x_i, y_j)` on its edges fix the potential up to one
  constant. When it is *degenerate* (fewer edges, several groups, which happens when a subset
  of :math:`P`'s atoms has exactly the mass of a subset of :math:`Q`'s) each group has its own
  free constant, limited only by the slack constraints between groups, and two solvers can
  return different optimal potentials. :func:`plan_support` finds the groups;
  :func:`plot_plan_support` draws them.

Convention: W1 with the Euclidean ground distance. Data functions use numpy and scipy only;
the plotting functions import matplotlib when called, take data and return the Figure.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import sparse
from scipy.sparse.csgraph import connected_components
from scipy.spatial.distance import cdist

from ._validation import as_atoms, as_float_array

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = [
    "DualLPByHand",
    "PlanSupport",
    "dual_lp_by_hand",
    "plan_support",
    "plot_dual_lp_by_hand",
    "plot_plan_support",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

# A vertex of the polygon satisfies every constraint to this absolute tolerance (the
# constraints' right-hand sides are distances of order 1 in the teaching examples).
_VERTEX_ATOL = 1e-9


@dataclass(frozen=True)
class PlanSupport:
    """The support of a transport plan as a bipartite graph, and its connected groups.

    Attributes
    ----------
    edges : ndarray of int, shape (e, 2)
        The pairs (row i, column j) with ``plan[i, j] > atol``.
    mass : ndarray, shape (e,)
        The mass moved along each edge.
    n_rows, n_cols : int
        The numbers of atoms of P (rows) and Q (columns).
    row_group, col_group : ndarray of int, shapes (n_rows,) and (n_cols,)
        The group (connected component of the support graph) of each atom.
    n_groups : int
        The number of groups.
    """

    edges: IntArray
    mass: FloatArray
    n_rows: int
    n_cols: int
    row_group: IntArray
    col_group: IntArray
    n_groups: int

    @property
    def n_edges(self) -> int:
        """The number of non-zero entries of the plan."""
        return int(self.edges.shape[0])

    @property
    def tree_size(self) -> int:
        """:math:`n + m - 1`, the number of edges of a spanning tree (a non-degenerate vertex)."""
        return self.n_rows + self.n_cols - 1

    @property
    def is_spanning_tree(self) -> bool:
        """True when the support is one tree over all atoms: the potential is then unique on
        the atoms up to one additive constant."""
        return self.n_groups == 1 and self.n_edges == self.tree_size


def plan_support(plan: ArrayLike, *, atol: float = 1e-12) -> PlanSupport:
    """The support graph of a transport plan and its connected groups.

    Parameters
    ----------
    plan : array_like, shape (n, m)
        A transport plan (non-negative).
    atol : float, default 1e-12
        Entries above this are support edges (the network simplex returns exact zeros off
        its basis; 1e-12 only absorbs round-off).

    Returns
    -------
    PlanSupport

    Examples
    --------
    The plan of the tutorial's worked example is a spanning tree (3 edges, 2 + 2 - 1):

    >>> s = plan_support([[0.5, 0.0], [0.25, 0.25]])
    >>> s.n_edges, s.tree_size, s.n_groups, s.is_spanning_tree
    (3, 3, 1, True)

    Two atoms moved to two atoms, each on its own, is degenerate: two groups.

    >>> s = plan_support([[0.5, 0.0], [0.0, 0.5]])
    >>> s.n_edges, s.tree_size, s.n_groups, s.row_group.tolist(), s.col_group.tolist()
    (2, 3, 2, [0, 1], [0, 1])
    """
    gamma = as_float_array(plan, "plan", ndim=(2,))
    if np.any(gamma < 0):
        i, j = np.unravel_index(int(np.argmin(gamma)), gamma.shape)
        raise ValueError(f"a plan must be non-negative; got {float(gamma[i, j])!r} at ({i}, {j})")
    if not atol >= 0:
        raise ValueError(f"atol must be >= 0; got {atol!r}")
    n, m = gamma.shape
    on = gamma > atol
    rows, cols = np.nonzero(on)
    graph = sparse.bmat([[None, sparse.csr_array(on)], [sparse.csr_array(on.T), None]])
    n_groups, labels = connected_components(graph, directed=False)
    return PlanSupport(
        edges=np.column_stack([rows, cols]).astype(np.int64),
        mass=gamma[rows, cols],
        n_rows=n,
        n_cols=m,
        row_group=labels[:n].astype(np.int64),
        col_group=labels[n:].astype(np.int64),
        n_groups=int(n_groups),
    )


@dataclass(frozen=True)
class DualLPByHand:
    r"""The dual LP of three atoms, written out, with one potential value fixed to 0.

    Attributes
    ----------
    atoms : ndarray, shape (3, d)
        The union of the atoms, :math:`z_0, z_1, z_2`.
    net_mass : ndarray, shape (3,)
        :math:`p_i - q_i`, the objective's coefficients.
    distance : ndarray, shape (3, 3)
        :math:`d(z_i, z_j)`.
    fixed : int
        The atom whose potential is fixed to 0 (the free additive constant).
    free : tuple of int
        The two atoms whose potentials are the unknowns (x and y axes of the polygon).
    constraints : list of (int, int, float)
        Every constraint :math:`f_i - f_j \le d(z_i, z_j)`, :math:`i \ne j` (six of them).
    A, b : ndarray, shapes (6, 2) and (6,)
        The same constraints in the two unknowns: :math:`A u \le b`.
    objective : ndarray, shape (2,)
        The objective in the two unknowns (the fixed potential contributes 0).
    polygon : ndarray, shape (v, 2)
        The vertices of the feasible polygon, counter-clockwise.
    optimum : ndarray, shape (2,)
        The best vertex (the first one, if several tie).
    value : float
        The optimal value, :math:`W_1(P, Q)`.
    potential : ndarray, shape (3,)
        The optimal potential on all three atoms (0 at ``fixed``).
    tied : bool
        True when more than one vertex attains the optimum (the potential is not unique).
    """

    atoms: FloatArray
    net_mass: FloatArray
    distance: FloatArray
    fixed: int
    free: tuple[int, int]
    constraints: list[tuple[int, int, float]]
    A: FloatArray
    b: FloatArray
    objective: FloatArray
    polygon: FloatArray
    optimum: FloatArray
    value: float
    potential: FloatArray
    tied: bool


def dual_lp_by_hand(
    atoms: ArrayLike, p: ArrayLike, q: ArrayLike, *, fixed: int = 1
) -> DualLPByHand:
    r"""Write out the dual LP of two measures on three atoms and solve it by vertices.

    .. math::

        \max_{f \in \mathbb{R}^3} \sum_i f_i (p_i - q_i) \quad\text{s.t.}\quad
        f_i - f_j \le d(z_i, z_j) \quad (i \ne j), \qquad f_{\text{fixed}} = 0 .

    Fixing one value removes the free constant (the objective ignores it, since
    :math:`\sum_i (p_i - q_i) = 0`); what is left is an LP in two unknowns, solved here the
    way one does by hand: list the vertices of the feasible polygon (intersections of two
    constraint lines that satisfy all constraints) and take the best.

    Parameters
    ----------
    atoms : array_like, shape (3,) or (3, d)
        The three atoms :math:`z_0, z_1, z_2` (distinct).
    p, q : array_like, shape (3,)
        The weights of P and Q on those atoms (each non-negative, summing to 1).
    fixed : {0, 1, 2}, default 1
        The atom whose potential is fixed to 0.

    Returns
    -------
    DualLPByHand

    Examples
    --------
    The tutorial's worked example: atoms 0, 1, 3, :math:`P = (\delta_0 + \delta_3)/2`,
    :math:`Q = \tfrac34 \delta_1 + \tfrac14 \delta_3`, :math:`f(1) = 0`.

    >>> lp = dual_lp_by_hand([0.0, 1.0, 3.0], [0.5, 0.0, 0.5], [0.0, 0.75, 0.25])
    >>> lp.objective.tolist(), lp.optimum.tolist(), lp.value, lp.potential.tolist()
    ([0.5, 0.25], [1.0, 2.0], 1.0, [1.0, 0.0, 2.0])
    >>> lp.polygon.tolist()                    # the box |f(0)| <= 1, |f(3)| <= 2
    [[-1.0, -2.0], [1.0, -2.0], [1.0, 2.0], [-1.0, 2.0]]
    """
    z = as_atoms(atoms, "atoms")
    if z.shape[0] != 3:
        raise ValueError(f"dual_lp_by_hand takes exactly 3 atoms; got {z.shape[0]}")
    dist = cdist(z, z)
    if np.any(dist[~np.eye(3, dtype=bool)] == 0):
        raise ValueError(f"the 3 atoms must be distinct; got {z.tolist()}")
    pw, qw = as_float_array(p, "p", ndim=(1,)), as_float_array(q, "q", ndim=(1,))
    for name, w in (("p", pw), ("q", qw)):
        if w.shape != (3,) or np.any(w < 0) or not np.isclose(w.sum(), 1.0, rtol=1e-9):
            raise ValueError(
                f"{name} must be 3 non-negative weights summing to 1; got {w.tolist()}"
            )
    if fixed not in (0, 1, 2):
        raise ValueError(f"fixed must be 0, 1 or 2; got {fixed!r}")
    free = tuple(k for k in range(3) if k != fixed)
    net = pw - qw
    constraints = [(i, j, float(dist[i, j])) for i in range(3) for j in range(3) if i != j]
    A = np.zeros((6, 2))
    b = np.array([c[2] for c in constraints])
    for row, (i, j, _) in enumerate(constraints):
        if i in free:
            A[row, free.index(i)] += 1.0
        if j in free:
            A[row, free.index(j)] -= 1.0
    objective = net[list(free)]
    polygon = _polygon(A, b)
    scores = polygon @ objective
    best = int(np.argmax(scores))
    value = float(scores[best])
    tied = int(np.sum(np.isclose(scores, value, rtol=0, atol=_VERTEX_ATOL))) > 1
    potential = np.zeros(3)
    potential[list(free)] = polygon[best]
    return DualLPByHand(
        atoms=z,
        net_mass=net,
        distance=dist,
        fixed=fixed,
        free=free,
        constraints=constraints,
        A=A,
        b=b,
        objective=objective,
        polygon=polygon,
        optimum=polygon[best],
        value=value,
        potential=potential,
        tied=tied,
    )


def _polygon(A: FloatArray, b: FloatArray) -> FloatArray:
    """Vertices of the bounded polygon {u : A u <= b}, counter-clockwise from the lowest-left."""
    points = []
    for r in range(len(b)):
        for s in range(r + 1, len(b)):
            M = A[[r, s]]
            if abs(np.linalg.det(M)) < 1e-12:
                continue  # parallel lines
            u = np.linalg.solve(M, b[[r, s]])
            if np.all(A @ u <= b + _VERTEX_ATOL):
                points.append(u)
    unique = np.unique(np.round(np.array(points), 12) + 0.0, axis=0)
    centre = unique.mean(axis=0)
    angles = np.arctan2(unique[:, 1] - centre[1], unique[:, 0] - centre[0])
    ordered = unique[np.argsort(angles)]
    start = int(np.lexsort((ordered[:, 0], ordered[:, 1]))[0])  # lowest, then leftmost
    return np.roll(ordered, -start, axis=0)


def plot_dual_lp_by_hand(
    lp: DualLPByHand, plan: ArrayLike, p_atoms: ArrayLike, q_atoms: ArrayLike
) -> Figure:
    """Draw the dual LP by hand: the polygon, the plan with its marginals, the cost matrix.

    Parameters
    ----------
    lp : DualLPByHand
        From :func:`dual_lp_by_hand`.
    plan : array_like, shape (n, m)
        An optimal plan (rows: P's atoms, columns: Q's atoms).
    p_atoms, q_atoms : array_like, shapes (n,) and (m,)
        The atoms of P and Q, in the plan's order (one-dimensional, for the labels).

    Returns
    -------
    matplotlib.figure.Figure
        Left: the feasible polygon in the two free potentials, the constraint lines (labelled
        :math:`f_i - f_j \\le d`), level lines of the objective and the optimal vertex.
        Middle: the plan as a heatmap with P's weights on the left and Q's on top (as POT's
        ``plot1D_mat`` draws it). Right: the cost matrix :math:`|x_i - y_j|`.
    """
    import matplotlib.pyplot as plt

    gamma = as_float_array(plan, "plan", ndim=(2,))
    xs = as_float_array(p_atoms, "p_atoms", ndim=(1,))
    ys = as_float_array(q_atoms, "q_atoms", ndim=(1,))
    cost = np.abs(xs[:, None] - ys[None, :])
    names = [f"{v:g}" for v in lp.atoms[:, 0]]
    i0, i1 = lp.free

    fig = plt.figure(figsize=(12.5, 5), layout="constrained")
    outer = fig.add_gridspec(1, 3, width_ratios=[1.25, 1, 0.8])
    ax = fig.add_subplot(outer[0])
    lo, hi = lp.polygon.min(axis=0) - 1.0, lp.polygon.max(axis=0) + 1.0
    ax.fill(*lp.polygon.T, color="tab:green", alpha=0.25, label="feasible set")
    t = np.linspace(lo[0], hi[0], 2)
    for row in range(len(lp.constraints)):
        a0, a1 = lp.A[row]
        style = {"color": "0.45", "lw": 0.9}
        if a1 != 0:
            ax.plot(t, (lp.b[row] - a0 * t) / a1, **style)
        else:
            ax.axvline(lp.b[row] / a0, **style)
    for k, (i, j, d) in enumerate(lp.constraints):
        a = lp.A[k]
        mid = lp.b[k] * a / max(a @ a, 1e-300)  # the point of the line nearest the origin
        ax.annotate(
            f"$f({names[i]}) - f({names[j]}) \\leq {d:g}$",
            mid,
            fontsize=11,
            color="0.3",
            ha="center",
            va="center",
            rotation=0,
            bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8, "pad": 0.5},
        )
    grid = np.meshgrid(np.linspace(lo[0], hi[0], 200), np.linspace(lo[1], hi[1], 200))
    level = lp.objective[0] * grid[0] + lp.objective[1] * grid[1]
    cs = ax.contour(*grid, level, levels=9, cmap="viridis", linewidths=0.8, linestyles="--")
    # the levels' values on a colour bar: labels on the lines would collide with the
    # constraints' labels
    fig.colorbar(cs, ax=ax, shrink=0.8, pad=0.01).set_label("objective (dashed level lines)")
    ax.plot(*lp.polygon.T, "o", color="tab:green", ms=5)
    ax.plot(*lp.optimum, "*", color="tab:red", ms=16, label=f"optimum, value {lp.value:.4g}")
    ax.set(
        xlim=(lo[0], hi[0]),
        ylim=(lo[1], hi[1]),
        xlabel=f"$f({names[i0]})$",
        ylabel=f"$f({names[i1]})$",
        title=(
            f"dual LP with $f({names[lp.fixed]}) = 0$: maximise "
            f"${lp.objective[0]:g}\\,f({names[i0]}) + {lp.objective[1]:g}\\,f({names[i1]})$"
        ),
    )
    ax.title.set_fontsize(12)
    ax.legend(loc="lower left", fontsize=11)

    inner = outer[1].subgridspec(2, 2, width_ratios=[1, 4], height_ratios=[1, 4])
    ax_m = fig.add_subplot(inner[1, 1])
    ax_p = fig.add_subplot(inner[1, 0], sharey=ax_m)
    ax_q = fig.add_subplot(inner[0, 1], sharex=ax_m)
    ax_m.imshow(gamma, cmap="Blues", vmin=0, aspect="auto")
    for (r, c), v in np.ndenumerate(gamma):
        dark = v > 0.6 * gamma.max()
        ax_m.text(
            c,
            r,
            f"{v:.3g}",
            ha="center",
            va="center",
            fontsize=13,
            color="white" if dark else "black",
        )
    ax_m.set(xticks=range(len(ys)), xticklabels=[f"y={v:g}" for v in ys], yticks=[])
    ax_m.set_xlabel("plan $\\gamma$ (rows: P, columns: Q)", fontsize=11)
    ax_m.tick_params(labelleft=False)  # the rows are labelled on the marginal of P
    a = gamma.sum(axis=1)
    bq = gamma.sum(axis=0)
    ax_p.barh(range(len(xs)), a, color="tab:blue")
    ax_p.invert_xaxis()
    ax_p.set(yticks=range(len(xs)), yticklabels=[f"x={v:g}" for v in xs], xticks=[])
    ax_p.set_title("P", fontsize=11)
    ax_q.bar(range(len(ys)), bq, color="tab:orange")
    ax_q.set(yticks=[], title="Q")
    ax_q.title.set_fontsize(11)
    ax_q.tick_params(labelbottom=False)
    for k, v in enumerate(a):
        ax_p.text(
            v / 2, k, f"{v:g}", ha="center", va="center", fontsize=11, color="white", rotation=90
        )
    for k, v in enumerate(bq):
        ax_q.text(k, v / 2, f"{v:g}", ha="center", va="center", fontsize=11, color="white")

    ax_c = fig.add_subplot(outer[2])
    ax_c.imshow(cost, cmap="Greys", vmax=1.6 * cost.max(), aspect="auto")  # orange is Q
    for (r, c), v in np.ndenumerate(cost):
        dark = v > 0.6 * cost.max()
        ax_c.text(
            c,
            r,
            f"{v:g}",
            ha="center",
            va="center",
            fontsize=13,
            color="white" if dark else "black",
        )
    ax_c.set(
        xticks=range(len(ys)),
        xticklabels=[f"y={v:g}" for v in ys],
        yticks=range(len(xs)),
        yticklabels=[f"x={v:g}" for v in xs],
        title=f"cost $|x - y|$: plan cost {float(np.sum(gamma * cost)):.4g}",
    )
    ax_c.title.set_fontsize(12)
    return fig


def plot_plan_support(x: ArrayLike, y: ArrayLike, support: PlanSupport) -> Figure:
    """Draw a plan's support in the plane, one colour per group.

    Parameters
    ----------
    x, y : array_like, shapes (n, 2) and (m, 2)
        The atoms of P (circles) and Q (squares), in the plan's row and column order.
    support : PlanSupport
        From :func:`plan_support`.

    Returns
    -------
    matplotlib.figure.Figure
        Each support edge is a segment coloured by its group; the title says how many edges
        there are against :math:`n + m - 1`, and how many groups.
    """
    import matplotlib.pyplot as plt

    xa, ya = as_atoms(x, "x"), as_atoms(y, "y")
    colors = plt.get_cmap("tab10")
    fig, ax = plt.subplots(figsize=(5.8, 4.8), layout="constrained")
    for (i, j), g in zip(support.edges, support.row_group[support.edges[:, 0]], strict=True):
        ax.plot(*np.column_stack([xa[i], ya[j]]), color=colors(g % 10), lw=2)
    for g in range(support.n_groups):
        rows, cols = support.row_group == g, support.col_group == g
        ax.plot(*xa[rows].T, "o", color=colors(g % 10), ms=8, mec="k", mew=0.6)
        ax.plot(*ya[cols].T, "s", color=colors(g % 10), ms=8, mec="k", mew=0.6)
        ax.plot(
            [],
            [],
            "o",
            color=colors(g % 10),
            label=f"group {g}: {rows.sum()} of P, {cols.sum()} of Q",
        )
    ax.set(
        aspect="equal",
        title=(
            f"plan support: {support.n_edges} edges, n + m - 1 = {support.tree_size}; "
            f"{support.n_groups} groups\n(circles: atoms of P, squares: atoms of Q)"
        ),
    )
    ax.title.set_fontsize(11)
    ax.legend(fontsize=10, loc="best")
    return fig
