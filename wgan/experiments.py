"""The WGAN experiments, computed: each function returns its data and writes no files.

* :func:`fit_critic_table`: comparison 1 for every method x pair (signed relative errors of
  the raw and the normalised estimates against the exact W1), with the configurations used.
* :func:`finite_sample`: comparison 2, the critic's normalised value against the exact LP value
  on the same points, with the critic on a grid.
* :func:`figure2_data`: the paper's Figure 2 (a GAN discriminator and a WGAN critic between two
  Gaussians).
* :func:`example1_learning`: Example 1 learned by networks (WGAN moves theta to 0, GAN stalls).

The application (:mod:`wgan.app`) writes them as CSV, JSON and figures; :mod:`wgan.checks`
judges them.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
import torch
from torch import nn

from .config import METHODS, PAIRS, CriticConfig
from .critic import (
    CriticResult,
    FiniteSampleResult,
    critic_step,
    evaluate_critic,
    finite_sample_bound,
    fit_critic,
)
from .data import Pair, example1_lines, gaussian_1d, make_pair
from .device import resolve_device, torch_threads
from .dual_compare import PotentialComparison, compare_critic_with_potential
from .lipschitz import gradient_norms
from .nets import critic_values, make_critic

__all__ = [
    "CriticTable",
    "FiniteSample",
    "bce_step",
    "critic_grid",
    "example1_learning",
    "figure2_data",
    "finite_sample",
    "fit_critic_table",
    "table_config",
]

_R = TypeVar("_R")


# -- comparison 1: the method x pair table -----------------------------------------------


def table_config(method: str, pair: str, *, quick: bool = False, seed: int = 0,
                 device: str = "auto") -> CriticConfig:
    """The critic configuration the table uses for ``method`` on ``pair``.

    Full: the 128-wide, 3-layer critic, 6000 steps (clipping: 5000 steps of Algorithm 1),
    penalty weight 100, 10^5 evaluation points. Quick: 16 wide, 2 layers, 200 steps, 5000
    points (seconds; a smoke test, not an accuracy claim).
    """
    if quick:
        return CriticConfig(pair=pair, method=method, width=16, depth=2, iterations=200,  # type: ignore[arg-type]
                            lr=None if method == "clip" else 1e-3, n_eval=5000,
                            n_lipschitz=300, seed=seed, device=device, penalty_weight=100.0)  # type: ignore[arg-type]
    return CriticConfig(pair=pair, method=method,  # type: ignore[arg-type]
                        iterations=5000 if method == "clip" else 6000,
                        penalty_weight=100.0, seed=seed, device=device)  # type: ignore[arg-type]


@dataclass(frozen=True)
class CriticTable:
    """Comparison 1: one critic per (pair, method), in the order pairs x methods."""

    configs: tuple[CriticConfig, ...]
    results: tuple[CriticResult, ...]
    quick: bool
    seed: int
    pairs: tuple[Pair, ...]


def fit_critic_table(
    *,
    quick: bool = False,
    methods: Sequence[str] = METHODS,
    pairs: Sequence[str] = PAIRS,
    seed: int = 0,
    device: str = "auto",
    progress: bool = False,
) -> CriticTable:
    """Comparison 1 for every method x pair: signed relative errors, raw and normalised.

    ``progress`` prints one line per fit.
    """
    for m in methods:
        if m not in METHODS:
            raise ValueError(f"method must be one of {', '.join(METHODS)}; got {m!r}")
    for p in pairs:
        if p not in PAIRS:
            raise ValueError(f"pair must be one of {', '.join(PAIRS)}; got {p!r}")
    resolve_device(device)
    configs = [table_config(m, p, quick=quick, seed=seed, device=device)
               for p in pairs for m in methods]
    results = []
    for cfg in configs:
        result, _ = evaluate_critic(cfg)
        results.append(result)
        if progress:
            print(f"{cfg.pair:<12} {cfg.method:<5} raw {result.raw_error:+.1%}  "
                  f"normalised {result.normalised_error:+.1%}  ({result.seconds:.1f} s)",
                  flush=True)
    return CriticTable(tuple(configs), tuple(results), quick, seed,
                       tuple(make_pair(p) for p in pairs))


# -- comparison 2: finite samples ----------------------------------------------------------


@dataclass(frozen=True)
class FiniteSample:
    """Comparison 2 on fixed points: the result, the configuration, the points, the critic.

    ``potential`` compares the critic with the LP's optimal potential on the points
    (:func:`wgan.dual_compare.compare_critic_with_potential`), when it was asked for.
    """

    result: FiniteSampleResult
    config: CriticConfig
    pair: Pair
    x: np.ndarray
    y: np.ndarray
    grid_x: np.ndarray
    grid_y: np.ndarray
    grid_values: np.ndarray
    potential: PotentialComparison | None = None


def finite_sample(
    *,
    quick: bool = False,
    pair: str = "translation",
    method: str = "gp",
    n: int = 512,
    m: int | None = None,
    seed: int = 0,
    device: str = "auto",
    config: CriticConfig | None = None,
    progress: bool = False,
    potential: bool = False,
) -> FiniteSample:
    """Comparison 2 on n points of P and m of Q (default m = n), and the critic on a grid.

    ``config`` (optional) replaces the table's configuration for ``method`` on ``pair``; its
    ``pair``, ``shift``, ``dilation``, ``theta`` and ``seed`` then choose the points.
    ``quick`` caps n and m at 128. ``potential=True`` also compares the critic with the LP's
    optimal potential on the points (needs n + m <= ``distances.dual.DUAL_MAX_ATOMS``; the
    potential is unique up to a constant when the optimal plan connects all points, which
    samples of different sizes give).
    """
    m = n if m is None else m
    for name, k in (("n", n), ("m", m)):
        if isinstance(k, bool) or not isinstance(k, int) or k < 2:
            raise ValueError(f"{name} must be an integer >= 2; got {k!r}")
    if quick:
        n, m = min(n, 128), min(m, 128)
    cfg = config or table_config(method, pair, quick=quick, seed=seed, device=device)
    p = make_pair(cfg.pair, shift=cfg.shift, dilation=cfg.dilation, theta=cfg.theta)
    g = torch.Generator().manual_seed(cfg.seed + 10)
    x, y = p.sample_p(n, g), p.sample_q(m, g)
    result, critic = finite_sample_bound(x, y, cfg, progress=progress)
    gx, gy, values = critic_grid(critic, torch.cat([x, y]).numpy())
    comparison = (
        compare_critic_with_potential(x.numpy(), y.numpy(), critic=critic) if potential else None
    )
    return FiniteSample(result, cfg, p, x.numpy(), y.numpy(), gx, gy, values, comparison)


def critic_grid(
    critic: nn.Module, points: np.ndarray, *, size: int = 120, margin: float = 0.5
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The critic on a size x size grid covering ``points`` plus a margin."""
    lo, hi = points.min(axis=0) - margin, points.max(axis=0) + margin
    gx, gy = np.linspace(lo[0], hi[0], size), np.linspace(lo[1], hi[1], size)
    xx, yy = np.meshgrid(gx, gy)
    pts = torch.tensor(np.stack([xx.ravel(), yy.ravel()], 1), dtype=torch.float32)
    device = next(critic.parameters()).device
    was = critic.training
    critic.eval()
    values = critic_values(critic, pts.to(device)).cpu().numpy().reshape(size, size)
    critic.train(was)
    return gx, gy, values


def bce_step(net: nn.Module, optimizer: torch.optim.Optimizer, real: torch.Tensor,
             fake: torch.Tensor) -> float:
    """One step of a GAN discriminator: binary cross-entropy, real labelled 1, fake 0."""
    bce = nn.BCEWithLogitsLoss()
    ones = torch.ones(len(real), 1, device=real.device)
    zeros = torch.zeros(len(fake), 1, device=fake.device)
    loss = bce(net(real), ones) + bce(net(fake), zeros)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return float(loss.detach())


# -- Figure 2 ---------------------------------------------------------------------------------


def _gaussian_pdf(x: np.ndarray, mean: float, std: float) -> np.ndarray:
    return np.exp(-0.5 * ((x - mean) / std) ** 2) / (std * math.sqrt(2 * math.pi))


def _on_one_thread(fn: Callable[..., _R]) -> Callable[..., _R]:
    """Run ``fn`` with one torch CPU thread (small nets), restoring the caller's setting."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> _R:
        with torch_threads(1):
            return fn(*args, **kwargs)

    return wrapper


@_on_one_thread
def figure2_data(
    *, quick: bool = False, seed: int = 0, real: tuple[float, float] = (-2.0, 0.5),
    fake: tuple[float, float] = (2.0, 0.5), method: str = "clip",
) -> dict[str, Any]:
    """Train a GAN discriminator and a WGAN critic on two 1-D Gaussians; their values on a grid.

    The discriminator (BCE, Adam 1e-3, 3000 steps) approaches the optimum p / (p + q); the
    critic is trained with ``method`` (default: weight clipping, as in the paper's figure).
    Returns the grid, the curves, the exact optimal ones and a summary (saturation of D,
    largest deviation of the normalised critic from a straight line on the central region).
    """
    steps = 300 if quick else 3000
    g = torch.Generator().manual_seed(seed)

    def sample_real(n: int, gen: torch.Generator) -> torch.Tensor:
        return gaussian_1d(n, gen, mean=real[0], std=real[1])

    def sample_fake(n: int, gen: torch.Generator) -> torch.Tensor:
        return gaussian_1d(n, gen, mean=fake[0], std=fake[1])

    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        disc = make_critic(1, width=64, depth=2)
    opt = torch.optim.Adam(disc.parameters(), lr=1e-3)
    for _ in range(steps):
        bce_step(disc, opt, sample_real(256, g), sample_fake(256, g))
    ccfg = CriticConfig(method=method, width=64, depth=2,  # type: ignore[arg-type]
                        iterations=steps if method != "clip" else 2 * steps,
                        lr=None if method != "clip" else 5e-4, seed=seed, device="cpu")
    critic, _ = fit_critic(sample_real, sample_fake, ccfg, dim=1)
    x = np.linspace(-5, 5, 401)
    xt = torch.tensor(x, dtype=torch.float32)[:, None]
    with torch.no_grad():
        d = torch.sigmoid(disc(xt)).reshape(-1).numpy().astype(float)
    critic.eval()
    fvals = critic_values(critic, xt).numpy().astype(float)
    k = float(gradient_norms(critic, xt).max())
    if not k > 0:
        raise ValueError(f"the critic must not be flat on the grid; got gradient norm {k!r}")
    centre = 0.5 * (real[0] + fake[0])
    f0 = float(np.interp(centre, x, fvals))
    f_norm = (fvals - f0) / k
    pr, pf = _gaussian_pdf(x, *real), _gaussian_pdf(x, *fake)
    sign = 1.0 if real[0] > fake[0] else -1.0
    optimal_critic = sign * (x - centre)  # equal variances: F_P - F_Q keeps one sign
    inner = (x >= min(real[0], fake[0])) & (x <= max(real[0], fake[0]))
    slope, intercept = np.polyfit(x[inner], f_norm[inner], 1)
    return {
        "x": x, "density_real": pr, "density_fake": pf, "discriminator": d,
        "optimal_discriminator": pr / (pr + pf), "critic": f_norm, "critic_raw": fvals,
        "optimal_critic": optimal_critic,
        "summary": {
            "real": list(real), "fake": list(fake), "method": method, "steps": steps,
            "critic_lipschitz": k,
            "discriminator_saturated_fraction": float(np.mean((d < 0.01) | (d > 0.99))),
            "critic_linear_fit_slope": float(slope),
            "critic_max_deviation_from_line": float(
                np.max(np.abs(f_norm[inner] - (slope * x[inner] + intercept)))),
            "w1": abs(real[0] - fake[0]),
        },
    }


# -- Example 1 learned by networks -------------------------------------------------------------


@_on_one_thread
def example1_learning(
    *, quick: bool = False, seed: int = 0, theta0: float = 1.0, lr: float = 0.02,
    method: str = "gp",
) -> dict[str, Any]:
    """Learn theta of g_theta(z) = (theta, z) against a WGAN critic and a GAN discriminator.

    Both adversaries are MLPs (64 wide, 2 layers, Adam 1e-3) given 200 warm-up steps, then
    5 steps per theta update; theta follows plain SGD (learning rate ``lr``) so a vanishing
    gradient shows as a stalled theta. The GAN uses the minimax loss log(1 - D(g(z))).
    """
    updates = 60 if quick else 300
    out: dict[str, Any] = {"step": np.arange(1, updates + 1)}
    for kind in ("wgan", "gan"):
        thetas, grads = _learn_theta(kind, updates=updates, seed=seed, theta0=theta0, lr=lr,
                                     method=method)
        out[f"theta_{kind}"] = np.array(thetas)
        out[f"grad_{kind}"] = np.array(grads)
    out["summary"] = {
        "theta0": theta0, "lr": lr, "updates": updates, "method": method,
        "final_theta_wgan": float(out["theta_wgan"][-1]),
        "final_theta_gan": float(out["theta_gan"][-1]),
        "final_w1_wgan": abs(float(out["theta_wgan"][-1])),
        "final_w1_gan": abs(float(out["theta_gan"][-1])),
    }
    return out


def _learn_theta(kind: str, *, updates: int, seed: int, theta0: float, lr: float,
                 method: str) -> tuple[list[float], list[float]]:
    """theta and d loss / d theta after each update, against a WGAN critic or a GAN."""
    g = torch.Generator().manual_seed(seed + 1)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        net = make_critic(2, width=64, depth=2)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3, betas=(0.5, 0.9))
    theta = torch.tensor(float(theta0), requires_grad=True)
    theta_opt = torch.optim.SGD([theta], lr=lr)

    def adversary_step() -> None:
        real = example1_lines(64, g, theta=0.0)
        fake = example1_lines(64, g, theta=float(theta.detach()))
        if kind == "wgan":
            critic_step(net, opt, real, fake, method=method, penalty_weight=10.0, clip=0.01,
                        generator=g)
            return
        bce_step(net, opt, real, fake)

    for _ in range(200):
        adversary_step()
    thetas, grads = [], []
    for _ in range(updates):
        for _ in range(5):
            adversary_step()
        z = torch.rand(64, 1, generator=g)
        fake = torch.cat([theta.expand(64, 1), z], dim=1)
        if kind == "wgan":
            loss = -net(fake).mean()
        else:  # the minimax generator loss E log(1 - D(g(z)))
            loss = torch.log1p(-torch.sigmoid(net(fake))).mean()
        theta_opt.zero_grad()
        loss.backward()
        grads.append(float(theta.grad))
        theta_opt.step()
        thetas.append(float(theta.detach()))
    return thetas, grads
