"""Experiments that write figures and their data: the entry points of the CLI and of ``reproduce``.

Every ``write_*`` function takes an output folder and a ``quick`` flag (small settings that
finish in seconds, for tests and a fast ``reproduce``), writes PNG and PDF figures with the
CSV or JSON data behind them, and returns the paths it wrote.

* :func:`critic_table`: comparison 1 for every method x pair, signed relative errors of the
  raw and the normalised estimates against the exact W1.
* :func:`write_finite_sample`: comparison 2, the critic's normalised value against the exact
  LP value on the same points.
* :func:`write_training_outputs`: comparison 3's figures for a finished :func:`wgan.train.train`.
* :func:`write_figure2`: the paper's Figure 2.
* :func:`write_example1_learning`: Example 1 learned by networks (WGAN moves theta to 0, GAN
  stalls).
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from distances.checks import write_csv
from distances.figures import save_figure

from .config import METHODS, PAIRS, CriticConfig, TrainConfig
from .critic import (
    CriticResult,
    FiniteSampleResult,
    critic_step,
    evaluate_critic,
    finite_sample_bound,
    resolve_device,
)
from .data import example1_lines, gaussian_1d, make_pair, sample_dataset
from .lipschitz import gradient_norms
from .nets import critic_values, make_critic

__all__ = [
    "TABLE_COLUMNS",
    "critic_table",
    "example1_learning",
    "figure2_data",
    "format_table",
    "table_config",
    "write_critic_results",
    "write_example1_learning",
    "write_figure2",
    "write_finite_sample",
    "write_training_outputs",
]

#: Columns of critic_table.csv.
TABLE_COLUMNS: tuple[str, ...] = (
    "pair", "method", "w1", "raw", "raw_error", "lipschitz", "slope_bound", "normalised",
    "normalised_error", "iterations", "seconds", "n_eval",
)


def _save(fig: Any, out: Path, stem: str) -> list[Path]:
    return save_figure(fig, out, stem, dpi=130)


def _write_csv(path: Path, columns: Sequence[str], rows: Sequence[dict[str, Any]]) -> Path:
    """Rows as dicts, through :func:`distances.checks.write_csv` (keys not in columns ignored)."""
    return write_csv(path, columns, ([row.get(c, "") for c in columns] for row in rows))


def _write_json(path: Path, data: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, default=float) + "\n")
    return path


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


def format_table(results: Sequence[CriticResult]) -> str:
    """A Markdown table of signed relative errors (raw and normalised), one row per fit."""
    lines = [
        "| pair | method | exact W1 | raw | raw error | Lipschitz K | normalised | "
        "normalised error | steps | fit s |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r.pair} | {r.method} | {r.w1:.4f} | {r.raw:.4g} | {r.raw_error:+.1%} | "
            f"{r.lipschitz:.4g} | {r.normalised:.4f} | {r.normalised_error:+.1%} | "
            f"{r.iterations} | {r.seconds:.1f} |"
        )
    return "\n".join(lines)


def write_critic_results(
    out_dir: str | Path, stem: str, results: Sequence[CriticResult], settings: str = ""
) -> list[Path]:
    """``stem.csv`` (columns :data:`TABLE_COLUMNS`) and ``stem.md`` (``settings``, then the table).

    The Markdown states what the errors mean: signed (estimate - W1) / W1, raw and divided by
    the largest gradient norm.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    md = out / f"{stem}.md"
    n_eval = results[0].n_eval if results else 0
    md.write_text(
        "# Critic estimates against exact W1\n\n"
        "Signed relative error (estimate - W1) / W1. Raw: E_P f - E_Q f on "
        f"{n_eval} fresh points per side. Normalised: raw divided by the largest "
        "gradient norm over samples and interpolates.\n\n"
        + (f"{settings}\n\n" if settings else "")
        + format_table(results) + "\n"
    )
    csv_path = _write_csv(out / f"{stem}.csv", TABLE_COLUMNS, [r.to_dict() for r in results])
    return [csv_path, md]


def critic_table(
    *,
    quick: bool = False,
    out_dir: str | Path | None = None,
    methods: Sequence[str] = METHODS,
    pairs: Sequence[str] = PAIRS,
    seed: int = 0,
    device: str = "auto",
    progress: bool = False,
) -> list[CriticResult]:
    """Comparison 1 for every method x pair: signed relative errors, raw and normalised.

    Writes ``critic_table.csv``, ``critic_table.json`` and ``critic_table.md`` into
    ``out_dir`` (when given) and returns the results in the order pairs x methods.
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
    if out_dir is not None:
        out = Path(out_dir)
        settings = (
            "Quick settings (16 wide, 2 layers, 200 steps): a smoke test of the pipeline, "
            "not an accuracy claim." if quick else
            "Critic 128 wide, 3 hidden layers; 6000 steps (clip: 5000 of Algorithm 1); "
            "penalty weight 100."
        )
        pair_lines = "\n".join(f"- {make_pair(p).description}" for p in pairs)
        write_critic_results(out, "critic_table", results, f"{settings}\n\n{pair_lines}")
        _write_json(out / "critic_table.json", {
            "quick": quick, "seed": seed,
            "configs": [c.to_dict() for c in configs],
            "results": [r.to_dict() for r in results],
        })
    return results


# -- comparison 2: finite samples ----------------------------------------------------------


def write_finite_sample(
    out_dir: str | Path,
    *,
    quick: bool = False,
    pair: str = "translation",
    method: str = "gp",
    n: int = 512,
    seed: int = 0,
    device: str = "auto",
    config: CriticConfig | None = None,
    progress: bool = False,
) -> tuple[FiniteSampleResult, list[Path]]:
    """Comparison 2 on n fixed points per side of a pair; writes JSON and a level-set figure.

    ``config`` (optional) replaces the table's configuration for ``method`` on ``pair``; its
    ``pair``, ``shift``, ``dilation``, ``theta`` and ``seed`` then choose the points.
    Writes ``finite_sample.json`` (the result, the configuration, whether duality holds),
    ``finite_sample_grid.json`` (the points and the critic on a grid) and
    ``finite_sample.{png,pdf}``.
    """
    from .figures import level_sets_figure

    if isinstance(n, bool) or not isinstance(n, int) or n < 2:
        raise ValueError(f"n must be an integer >= 2; got {n!r}")
    if quick:
        n = min(n, 128)
    cfg = config or table_config(method, pair, quick=quick, seed=seed, device=device)
    p = make_pair(cfg.pair, shift=cfg.shift, dilation=cfg.dilation, theta=cfg.theta)
    g = torch.Generator().manual_seed(cfg.seed + 10)
    x, y = p.sample_p(n, g), p.sample_q(n, g)
    result, critic = finite_sample_bound(x, y, cfg, progress=progress)
    out = Path(out_dir)
    paths = [_write_json(out / "finite_sample.json", {
        "pair": p.description, "config": cfg.to_dict(), **result.to_dict(),
        "duality_holds": result.normalised <= result.exact,
    })]
    gx, gy, values = critic_grid(critic, torch.cat([x, y]).numpy())
    paths.append(_write_json(out / "finite_sample_grid.json", {
        "grid_x": gx.tolist(), "grid_y": gy.tolist(), "values": values.tolist(),
        "x": x.tolist(), "y": y.tolist()}))
    fig = level_sets_figure(gx, gy, values, x.numpy(), y.numpy(), labels=("X ~ P", "Y ~ Q"),
                            title=(f"{cfg.method} critic on {n} + {n} fixed points "
                                   f"({cfg.pair})\nnormalised value {result.normalised:.4f} "
                                   f"<= exact W1(X, Y) = {result.exact:.4f}"))
    paths += _save(fig, out, "finite_sample")
    return result, paths


# -- comparison 3: training figures ----------------------------------------------------------


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


def write_training_outputs(history: Any, out_dir: str | Path | None = None,
                           *, n_samples: int = 1000) -> list[Path]:
    """Figures of a training run: Figure 3 with exact W1, and samples over the level sets.

    Writes ``training_curves.{png,pdf}`` (data: ``metrics.csv``), ``samples.{png,pdf}``
    (data: ``samples.csv`` and ``critic_grid.json``) and ``report.md``.
    """
    from .figures import level_sets_figure, training_curves_figure

    cfg: TrainConfig = history.config
    out = Path(out_dir or cfg.out_dir)
    paths: list[Path] = []
    if history.rows:
        fig = training_curves_figure(
            history.column("step"), history.column("critic_estimate"),
            history.column("exact_w1"), history.column("floor"),
            normalised_estimate=history.column("normalised_estimate"),
            title=f"WGAN ({cfg.method}) on {cfg.dataset}: estimate vs exact W1 (n = {cfg.n_exact})",
        )
        paths += _save(fig, out, "training_curves")
    g = torch.Generator().manual_seed(cfg.seed + 99)
    real = sample_dataset(cfg.dataset, n_samples, g)
    device = next(history.generator.parameters()).device
    with torch.no_grad():
        fake = history.generator(torch.randn(n_samples, cfg.latent_dim, generator=g).to(device))
    fake = fake.cpu()
    rows = [{"kind": "real", "x": float(a), "y": float(b)} for a, b in real.tolist()]
    rows += [{"kind": "generated", "x": float(a), "y": float(b)} for a, b in fake.tolist()]
    paths.append(_write_csv(out / "samples.csv", ("kind", "x", "y"), rows))
    gx, gy, values = critic_grid(history.critic, torch.cat([real, fake]).numpy())
    paths.append(_write_json(out / "critic_grid.json", {
        "grid_x": gx.tolist(), "grid_y": gy.tolist(), "values": values.tolist()}))
    fig = level_sets_figure(gx, gy, values, real.numpy(), fake.numpy(),
                            title=f"{cfg.dataset} after {history.step} generator iterations")
    paths += _save(fig, out, "samples")
    last = history.rows[-1] if history.rows else {}
    report = [
        f"# WGAN run: {cfg.method} on {cfg.dataset}", "",
        f"- generator iterations: {history.step} (this process: {history.iterations_run} in "
        f"{history.seconds:.1f} s, {history.iterations_per_second:.2f} it/s, logging included)",
        f"- interrupted: {history.interrupted}",
        f"- metrics: {history.metrics_path.name}; checkpoint: {history.checkpoint_path.name} "
        f"(step {history.checkpoint_step})",
        "", "## Last logged step", "",
    ]
    report += [f"- {k}: {v:.6g}" for k, v in last.items()]
    report += ["", "## Configuration", "", "```json", json.dumps(cfg.to_dict(), indent=2), "```",
               ""]
    (out / "report.md").write_text("\n".join(report))
    paths.append(out / "report.md")
    return paths


# -- Figure 2 ---------------------------------------------------------------------------------


def _gaussian_pdf(x: np.ndarray, mean: float, std: float) -> np.ndarray:
    return np.exp(-0.5 * ((x - mean) / std) ** 2) / (std * math.sqrt(2 * math.pi))


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
    torch.set_num_threads(1)
    g = torch.Generator().manual_seed(seed)

    def sample_real(n: int, gen: torch.Generator) -> torch.Tensor:
        return gaussian_1d(n, gen, mean=real[0], std=real[1])

    def sample_fake(n: int, gen: torch.Generator) -> torch.Tensor:
        return gaussian_1d(n, gen, mean=fake[0], std=fake[1])

    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        disc = make_critic(1, width=64, depth=2)
    opt = torch.optim.Adam(disc.parameters(), lr=1e-3)
    bce = nn.BCEWithLogitsLoss()
    for _ in range(steps):
        xr, xf = sample_real(256, g), sample_fake(256, g)
        loss = bce(disc(xr), torch.ones(256, 1)) + bce(disc(xf), torch.zeros(256, 1))
        opt.zero_grad()
        loss.backward()
        opt.step()
    ccfg = CriticConfig(method=method, width=64, depth=2,  # type: ignore[arg-type]
                        iterations=steps if method != "clip" else 2 * steps,
                        lr=None if method != "clip" else 5e-4, seed=seed, device="cpu")
    from .critic import fit_critic

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


def write_figure2(out_dir: str | Path, *, quick: bool = False, seed: int = 0) -> list[Path]:
    """The paper's Figure 2 (``figure2.{png,pdf}``) with ``figure2.csv`` and ``figure2.json``."""
    from .figures import figure2

    data = figure2_data(quick=quick, seed=seed)
    out = Path(out_dir)
    cols = ("x", "density_real", "density_fake", "discriminator", "optimal_discriminator",
            "critic", "critic_raw", "optimal_critic")
    rows = [{c: float(data[c][i]) for c in cols} for i in range(len(data["x"]))]
    paths = [_write_csv(out / "figure2.csv", cols, rows),
             _write_json(out / "figure2.json", data["summary"])]
    fig = figure2(data["x"], data["discriminator"], data["critic"], data["density_real"],
                  data["density_fake"], optimal_discriminator=data["optimal_discriminator"],
                  optimal_critic=data["optimal_critic"])
    return paths + _save(fig, out, "figure2")


# -- Example 1 learned by networks -------------------------------------------------------------


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
    torch.set_num_threads(1)
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
    bce = nn.BCEWithLogitsLoss()

    def adversary_step() -> None:
        real = example1_lines(64, g, theta=0.0)
        fake = example1_lines(64, g, theta=float(theta.detach()))
        if kind == "wgan":
            critic_step(net, opt, real, fake, method=method, penalty_weight=10.0, clip=0.01,
                        generator=g)
            return
        loss = bce(net(real), torch.ones(64, 1)) + bce(net(fake), torch.zeros(64, 1))
        opt.zero_grad()
        loss.backward()
        opt.step()

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


def write_example1_learning(out_dir: str | Path, *, quick: bool = False,
                            seed: int = 0) -> list[Path]:
    """``example1_learning.{png,pdf}`` with ``example1_learning.csv`` and ``.json``."""
    from .figures import example1_learning_figure

    start = time.perf_counter()
    data = example1_learning(quick=quick, seed=seed)
    data["summary"]["seconds"] = time.perf_counter() - start
    out = Path(out_dir)
    cols = ("step", "theta_wgan", "theta_gan", "grad_wgan", "grad_gan")
    rows = [{c: float(data[c][i]) for c in cols} for i in range(len(data["step"]))]
    paths = [_write_csv(out / "example1_learning.csv", cols, rows),
             _write_json(out / "example1_learning.json", data["summary"])]
    fig = example1_learning_figure(data["step"], data["theta_wgan"], data["theta_gan"],
                                   data["grad_wgan"], data["grad_gan"])
    return paths + _save(fig, out, "example1_learning")
