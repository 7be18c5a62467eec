r"""A WGAN critic beside the exact Kantorovich-Rubinstein potential, on the same two samples.

On two finite point sets :math:`X` (the P side) and :math:`Y` (the Q side), the exact dual
of :math:`W_1` (Euclidean ground distance) is a linear program
(:func:`distances.dual.kantorovich_dual`): its optimal potential :math:`f^\star` on the
atoms is the function a perfect critic would learn there, up to an additive constant. This
module fits a critic on the same points (:func:`wgan.critic.fit_critic_on_samples`) and
measures how far it is from :math:`f^\star`:

.. math::

    \text{gap}(g) = \min_{c \in \mathbb{R}} \max_i |f^\star(z_i) - g(z_i) - c|
                  = \tfrac12 \big(\max_i d_i - \min_i d_i\big), \quad d_i = f^\star(z_i) - g(z_i),

over the atoms :math:`z_i` of :math:`X \cup Y`, for the raw critic :math:`g = f_w` and for the
normalised critic :math:`g = f_w / K`, where :math:`K` is the critic's largest slope between
atoms (so :math:`f_w / K` is 1-Lipschitz there and its value
:math:`\mathbb{E}_X - \mathbb{E}_Y` cannot exceed :math:`W_1(X, Y)`).

The gap is only meaningful where :math:`f^\star` is unique on the atoms up to its constant,
which holds when the support of the optimal plan connects all atoms (``unique_on_atoms``);
with two samples of the same size and uniform weights the plan is a matching and the
potential is far from unique, so use samples of different sizes (e.g. 31 and 20 points).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import torch
from numpy.typing import ArrayLike, NDArray
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from torch import nn

from distances import Discrete
from distances.dual import DualSolution, kantorovich_dual
from distances.lipschitz import check_lipschitz

from .config import CriticConfig
from .critic import fit_critic_on_samples
from .nets import critic_values

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["PotentialComparison", "compare_critic_with_potential", "potential_comparison_figure"]

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class PotentialComparison:
    """A critic and the exact potential on the atoms of two samples.

    Attributes
    ----------
    solution : DualSolution
        The exact primal and dual solution (atoms, weights, potential, W1).
    critic : torch.nn.Module
        The critic (on the CPU, float64, in eval mode).
    critic_values : ndarray, shape (k,)
        :math:`f_w` at ``solution.atoms``.
    critic_slope : float
        The critic's largest slope between atoms, :math:`K` (a lower bound of its Lipschitz
        constant).
    exact_value : float
        :math:`W_1(X, Y)`, the dual value (equal to the primal cost).
    raw_value : float
        :math:`\\mathbb{E}_X f_w - \\mathbb{E}_Y f_w` on the atoms.
    normalised_value : float
        ``raw_value / critic_slope``, at most ``exact_value`` (up to round-off) by duality.
    raw_gap, normalised_gap : float
        Largest :math:`|f^\\star - g - c|` over the atoms with the best constant :math:`c`, for
        :math:`g = f_w` and :math:`g = f_w / K`.
    shift : float
        The best constant for the normalised critic: ``f_w / K + shift`` is drawn beside
        :math:`f^\\star`.
    unique_on_atoms : bool
        True when the optimal plan's support connects all atoms, so that :math:`f^\\star` is
        unique on them up to a constant and the gaps measure the critic alone.
    seconds : float
        Wall time of the critic fit (0 if a fitted critic was passed in).
    """

    solution: DualSolution
    critic: nn.Module
    critic_values: FloatArray
    critic_slope: float
    exact_value: float
    raw_value: float
    normalised_value: float
    raw_gap: float
    normalised_gap: float
    shift: float
    unique_on_atoms: bool
    seconds: float

    def critic_on(self, points: ArrayLike) -> FloatArray:
        """The normalised, shifted critic ``f_w / K + shift`` at ``points``, shape (n,)."""
        arr = _float64_array(points)
        x = torch.as_tensor(arr[:, None] if arr.ndim == 1 else arr)  # (n,): points on the line
        values = critic_values(self.critic, x).numpy()
        return values / self.critic_slope + self.shift


def _float64_array(x: ArrayLike | torch.Tensor) -> FloatArray:
    """A float64 numpy copy of an array or a tensor on any device (no ``np.asarray`` on CUDA)."""
    if isinstance(x, torch.Tensor):
        return x.detach().to(device="cpu", dtype=torch.float64).numpy()
    return np.asarray(x, dtype=np.float64)


def _gap(exact: FloatArray, other: FloatArray) -> tuple[float, float]:
    """(gap, best constant) of the sup-norm distance after removing a constant."""
    d = exact - other
    return float(d.max() - d.min()) / 2.0, float(d.max() + d.min()) / 2.0


def _plan_connects_atoms(sol: DualSolution) -> bool:
    em = sol.primal
    assert em.x is not None and em.y is not None
    index = {row.tobytes(): k for k, row in enumerate(sol.atoms)}
    ix = np.array([index[row.tobytes()] for row in em.x])
    iy = np.array([index[row.tobytes()] for row in em.y])
    i, j = np.nonzero(em.plan > 0)
    k = sol.atoms.shape[0]
    graph = coo_matrix((np.ones(i.size), (ix[i], iy[j])), shape=(k, k))
    n_components, _ = connected_components(graph, directed=False)
    return bool(n_components == 1)


def compare_critic_with_potential(
    x: ArrayLike,
    y: ArrayLike,
    config: CriticConfig | None = None,
    *,
    critic: nn.Module | None = None,
) -> PotentialComparison:
    """Fit a critic on the samples ``x`` (P) and ``y`` (Q) and compare it with the exact potential.

    Parameters
    ----------
    x, y : array_like or torch.Tensor, shapes (n, d) and (m, d)
        The two samples (tensors on any device, CUDA included; the LP and the evaluation run
        on the CPU in float64); together at most :data:`distances.dual.DUAL_MAX_ATOMS`
        distinct points.
    config : CriticConfig, optional
        Method, network, optimiser, iterations, seed and device of the fit (``pair`` is
        ignored). Default: ``CriticConfig(method="gp", iterations=2000, device="cpu")``.
    critic : torch.nn.Module, optional
        An already fitted critic; then nothing is trained and ``config`` is ignored.

    Returns
    -------
    PotentialComparison

    Raises
    ------
    ValueError
        On samples of different dimensions, too many atoms for the dual LP, or a bad config.
    """
    x_arr, y_arr = _float64_array(x), _float64_array(y)
    P, Q = Discrete.from_samples(x_arr), Discrete.from_samples(y_arr)
    sol = kantorovich_dual(P, Q)
    seconds = 0.0
    if critic is None:
        cfg = (
            config
            if config is not None
            else CriticConfig(method="gp", iterations=2000, device="cpu")
        )
        critic, seconds = fit_critic_on_samples(x_arr, y_arr, cfg)
    evaluator = copy.deepcopy(critic).to("cpu").double().eval()
    values = critic_values(evaluator, torch.as_tensor(sol.atoms)).numpy().astype(np.float64)
    slope = check_lipschitz(sol.atoms, values).max_slope
    raw_value = float(values @ (sol.p - sol.q))
    scale = slope if slope > 0 else 1.0
    raw_gap, _ = _gap(sol.potential, values)
    normalised_gap, shift = _gap(sol.potential, values / scale)
    return PotentialComparison(
        solution=sol,
        critic=evaluator,
        critic_values=values,
        critic_slope=float(slope),
        exact_value=sol.value,
        raw_value=raw_value,
        normalised_value=raw_value / scale,
        raw_gap=raw_gap,
        normalised_gap=normalised_gap,
        shift=shift,
        unique_on_atoms=_plan_connects_atoms(sol),
        seconds=float(seconds),
    )


def potential_comparison_figure(
    comparison: PotentialComparison, *, grid_size: int = 100, margin: float = 0.3
) -> tuple[Figure, dict[str, dict[str, FloatArray]]]:
    """The exact potential and the critic side by side, with the data drawn.

    In the plane: filled contours of the exact potential's 1-Lipschitz extension (min form,
    :func:`distances.dual.lipschitz_extension`), the normalised, shifted critic on the same
    levels, and the two against each other at the atoms (a perfect critic lies on the
    diagonal). On the line: both as curves, the exact potential's extension band
    (max form to min form) shaded.

    Parameters
    ----------
    comparison : PotentialComparison
        From :func:`compare_critic_with_potential`.
    grid_size : int, default 100
        Grid points per axis.
    margin : float, default 0.3
        Space around the atoms, as a fraction of their bounding box's larger side.

    Returns
    -------
    figure : matplotlib.figure.Figure
    tables : dict of str to dict of str to ndarray
        ``atoms`` (coordinates, p, q, exact, critic: the normalised, shifted critic) and
        ``grid`` (coordinates, exact, critic).
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    if not (isinstance(grid_size, (int, np.integer)) and grid_size >= 2):
        raise ValueError(f"grid_size must be an integer >= 2; got {grid_size!r}")
    sol = comparison.solution
    d = sol.atoms.shape[1]
    if d not in (1, 2):
        raise ValueError(f"the figure draws samples on the line or in the plane; got dimension {d}")
    lo, hi = sol.atoms.min(axis=0), sol.atoms.max(axis=0)
    span = max(float((hi - lo).max()), 1.0)
    axes_1d = [
        np.linspace(lo[k] - margin * span, hi[k] + margin * span, grid_size) for k in range(d)
    ]
    critic_atoms = (
        comparison.critic_values / max(comparison.critic_slope, 1e-300) + comparison.shift
    )
    title = (
        f"W1 = {comparison.exact_value:.4f}; critic: raw {comparison.raw_value:.4f}, "
        f"normalised {comparison.normalised_value:.4f}; largest gap {comparison.normalised_gap:.3g}"
    )
    if d == 1:
        t = axes_1d[0]
        upper, lower = sol.extend(t[:, None]), sol.extend(t[:, None], form="max")
        crit = comparison.critic_on(t[:, None])
        fig, ax = plt.subplots(figsize=(7, 4), layout="constrained")
        ax.fill_between(t, lower, upper, color="0.85", label="all 1-Lipschitz extensions")
        ax.plot(sol.atoms[:, 0], sol.potential, "ko", label="exact potential on the atoms")
        ax.plot(t, crit, "C3-", label="critic / K + c")
        ax.set(xlabel="x", ylabel="f(x)", title=title)
        ax.legend(fontsize=8)
        tables = {
            "atoms": {
                "x": sol.atoms[:, 0],
                "p": sol.p,
                "q": sol.q,
                "exact": sol.potential,
                "critic": critic_atoms,
            },
            "grid": {"x": t, "exact_min": upper, "exact_max": lower, "critic": crit},
        }
        return fig, tables
    z1, z2 = np.meshgrid(*axes_1d)
    pts = np.column_stack([z1.ravel(), z2.ravel()])
    exact = sol.extend(pts).reshape(z1.shape)
    crit = comparison.critic_on(pts).reshape(z1.shape)
    # round levels, so that the colour bar's ticks are round numbers
    levels = MaxNLocator(nbins=20).tick_values(
        min(exact.min(), crit.min()), max(exact.max(), crit.max())
    )
    fig, (ax_e, ax_c, ax_s) = plt.subplots(1, 3, figsize=(12, 4.2), layout="constrained")
    for ax, values, name in (
        (ax_e, exact, "exact potential (extension)"),
        (ax_c, crit, "critic / K + c"),
    ):
        cs = ax.contourf(z1, z2, values, levels=levels, cmap="viridis")
        ax.scatter(*sol.atoms[sol.p > 0].T, s=30, color="tab:blue", edgecolor="k", label="X (P)")
        ax.scatter(
            *sol.atoms[sol.q > 0].T,
            s=30,
            color="tab:orange",
            marker="s",
            edgecolor="k",
            label="Y (Q)",
        )
        ax.set(title=name, aspect="equal", xlabel="$z_1$", ylabel="$z_2$")
    ax_e.legend(loc="upper right")
    fig.colorbar(cs, ax=[ax_e, ax_c], shrink=0.9)
    ax_s.plot(sol.potential, critic_atoms, "o", ms=4, color="C3")
    ends = [
        float(min(sol.potential.min(), critic_atoms.min())),
        float(max(sol.potential.max(), critic_atoms.max())),
    ]
    ax_s.plot(ends, ends, "k:", lw=1, label="equal")
    ax_s.set(
        xlabel="exact potential at the atoms",
        ylabel="critic / K + c at the atoms",
        title=f"largest gap {comparison.normalised_gap:.3g}"
        + ("" if comparison.unique_on_atoms else " (potential not unique)"),
    )
    ax_s.legend()
    fig.suptitle(title)
    tables = {
        "atoms": {
            "z1": sol.atoms[:, 0],
            "z2": sol.atoms[:, 1],
            "p": sol.p,
            "q": sol.q,
            "exact": sol.potential,
            "critic": critic_atoms,
        },
        "grid": {
            "z1": z1.ravel(),
            "z2": z2.ravel(),
            "exact": exact.ravel(),
            "critic": crit.ravel(),
        },
    }
    return fig, tables
