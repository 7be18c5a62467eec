"""Figures of the WGAN side. Each function takes data (arrays) and returns a matplotlib Figure.

matplotlib is imported inside the functions, so ``import wgan.figures`` is cheap. The data
behind each figure is computed and written by :mod:`wgan.experiments`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "example1_learning_figure",
    "figure2",
    "level_sets_figure",
    "training_curves_figure",
]


def _figure(ncols: int = 1, *, width: float = 6.0, height: float = 4.0) -> tuple[Figure, list]:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width * ncols, height), layout="constrained")
    axes = [fig.add_subplot(1, ncols, i + 1) for i in range(ncols)]
    return fig, axes


def training_curves_figure(
    steps: ArrayLike,
    critic_estimate: ArrayLike,
    exact_w1: ArrayLike,
    floor: ArrayLike,
    *,
    normalised_estimate: ArrayLike | None = None,
    title: str = "",
) -> Figure:
    """The paper's Figure 3 with the exact reference: estimates and exact W1 over iterations.

    Parameters
    ----------
    steps : array_like, shape (k,)
        Generator iterations of the logged rows.
    critic_estimate : array_like, shape (k,)
        The critic's raw estimate E_real f - E_fake f.
    exact_w1 : array_like, shape (k,)
        Exact W1 between a real and a generated sample of n points.
    floor : array_like, shape (k,)
        Exact W1 between two independent real samples of n points (drawn dashed).
    normalised_estimate : array_like, shape (k,), optional
        The estimate divided by the critic's largest gradient norm.
    title : str
        Axes title.
    """
    fig, (ax,) = _figure()
    s = np.asarray(steps, float)
    ax.plot(s, np.asarray(exact_w1, float), color="black", lw=2,
            label="exact W1 (real vs generated)")
    ax.plot(s, np.asarray(critic_estimate, float), color="tab:blue", label="critic estimate (raw)")
    if normalised_estimate is not None:
        ax.plot(s, np.asarray(normalised_estimate, float), color="tab:orange",
                label="critic estimate / max gradient norm")
    fl = np.asarray(floor, float)
    ax.plot(s, fl, color="gray", ls="--", label="sampling floor (real vs real)")
    ax.axhline(float(np.mean(fl)), color="gray", ls=":", lw=1)
    ax.set_xlabel("generator iterations")
    ax.set_ylabel("distance estimate")
    ax.set_ylim(bottom=min(0.0, float(np.nanmin(np.asarray(critic_estimate, float)))))
    ax.legend(loc="upper right", fontsize=8)
    ax.grid(alpha=0.3)
    ax.set_title(title or "Critic estimate and exact W1 during training")
    return fig


def level_sets_figure(
    grid_x: ArrayLike,
    grid_y: ArrayLike,
    values: ArrayLike,
    real: ArrayLike,
    fake: ArrayLike,
    *,
    title: str = "",
    labels: tuple[str, str] = ("real", "generated"),
) -> Figure:
    """Real and generated samples over the critic's level sets.

    Parameters
    ----------
    grid_x, grid_y : array_like, shapes (gx,) and (gy,)
        The grid's coordinates.
    values : array_like, shape (gy, gx)
        The critic on the grid.
    real, fake : array_like, shapes (n, 2) and (m, 2)
        Real and generated points (or the samples of P and Q).
    title : str
        Axes title (may contain a line break).
    labels : tuple of str
        Legend labels of ``real`` and ``fake``.
    """
    fig, (ax,) = _figure(width=5.5, height=5.0)
    cs = ax.contourf(np.asarray(grid_x), np.asarray(grid_y), np.asarray(values), levels=20,
                     cmap="coolwarm", alpha=0.8)
    ax.contour(np.asarray(grid_x), np.asarray(grid_y), np.asarray(values), levels=20,
               colors="k", linewidths=0.3, alpha=0.5)
    fig.colorbar(cs, ax=ax, label="critic f(x)")
    r, f = np.asarray(real), np.asarray(fake)
    ax.scatter(r[:, 0], r[:, 1], s=4, c="darkorange", label=labels[0])
    ax.scatter(f[:, 0], f[:, 1], s=4, c="darkgreen", marker="+", label=labels[1])
    ax.set_aspect("equal")
    ax.legend(loc="upper right", fontsize=8)
    ax.set_title(title or "Samples and the critic's level sets", fontsize=10)
    return fig


def figure2(
    x: ArrayLike,
    discriminator: ArrayLike,
    critic: ArrayLike,
    density_real: ArrayLike,
    density_fake: ArrayLike,
    *,
    optimal_discriminator: ArrayLike | None = None,
    optimal_critic: ArrayLike | None = None,
) -> Figure:
    """The paper's Figure 2: a saturating GAN discriminator and a near-linear WGAN critic.

    Parameters
    ----------
    x : array_like, shape (k,)
        Points on the line.
    discriminator : array_like, shape (k,)
        D(x) in [0, 1] of a GAN discriminator trained to (near) optimality.
    critic : array_like, shape (k,)
        The WGAN critic, divided by its Lipschitz constant estimate and centred.
    density_real, density_fake : array_like, shape (k,)
        The two Gaussian densities (drawn shaded, scaled to the discriminator's axis).
    optimal_discriminator, optimal_critic : array_like, shape (k,), optional
        p / (p + q), and the exact optimal 1-Lipschitz critic (centred), drawn dashed.
    """
    fig, (ax,) = _figure(width=7.0, height=4.8)
    xs = np.asarray(x, float)
    pr, pf = np.asarray(density_real, float), np.asarray(density_fake, float)
    top = max(pr.max(), pf.max())
    ax.fill_between(xs, 0, pr / top, color="tab:blue", alpha=0.15, label="real density")
    ax.fill_between(xs, 0, pf / top, color="tab:green", alpha=0.15, label="fake density")
    ax.plot(xs, np.asarray(discriminator, float), color="tab:red", lw=2,
            label="GAN discriminator D(x)")
    if optimal_discriminator is not None:
        ax.plot(xs, np.asarray(optimal_discriminator, float), color="tab:red", ls="--", lw=1,
                label="optimal D = p / (p + q)")
    ax.set_ylim(-0.05, 1.05)
    ax.set_xlabel("x")
    ax.set_ylabel("discriminator output")
    ax2 = ax.twinx()
    ax2.plot(xs, np.asarray(critic, float), color="tab:cyan", lw=2, label="WGAN critic f(x) / K")
    if optimal_critic is not None:
        ax2.plot(xs, np.asarray(optimal_critic, float), color="tab:cyan", ls="--", lw=1,
                 label="optimal 1-Lipschitz critic")
    ax2.set_ylabel("critic value")
    h1, l1 = ax.get_legend_handles_labels()
    h2, l2 = ax2.get_legend_handles_labels()
    fig.legend(h1 + h2, l1 + l2, loc="outside lower center", fontsize=8, ncol=3)
    ax.set_title("GAN discriminator saturates; WGAN critic stays close to linear")
    return fig


def example1_learning_figure(
    steps: ArrayLike,
    theta_wgan: ArrayLike,
    theta_gan: ArrayLike,
    grad_wgan: ArrayLike,
    grad_gan: ArrayLike,
) -> Figure:
    """Example 1 learned by networks: theta over training against a WGAN critic and a GAN.

    Parameters
    ----------
    steps : array_like, shape (k,)
        Generator (theta) updates.
    theta_wgan, theta_gan : array_like, shape (k,)
        theta after each update against a WGAN critic and against a GAN discriminator.
    grad_wgan, grad_gan : array_like, shape (k,)
        |d loss / d theta| at each update (drawn on a log scale).
    """
    fig, (ax, ax2) = _figure(2, width=5.5)
    s = np.asarray(steps, float)
    ax.plot(s, np.asarray(theta_wgan, float), color="tab:blue", label="WGAN critic")
    ax.plot(s, np.asarray(theta_gan, float), color="tab:red", label="GAN discriminator")
    ax.axhline(0, color="k", lw=0.8)
    ax.set_xlabel("theta updates")
    ax.set_ylabel("theta (W1 = |theta|)")
    ax.legend()
    ax.set_title("Example 1: g(z) = (theta, z) learning P0 = (0, Z)")
    floor = 1e-12
    ax2.semilogy(s, np.maximum(np.abs(np.asarray(grad_wgan, float)), floor), color="tab:blue",
                 label="WGAN")
    ax2.semilogy(s, np.maximum(np.abs(np.asarray(grad_gan, float)), floor), color="tab:red",
                 label="GAN")
    ax2.set_xlabel("theta updates")
    ax2.set_ylabel("|gradient wrt theta|")
    ax2.legend()
    ax2.set_title("The GAN's gradient vanishes")
    return fig
