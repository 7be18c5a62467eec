"""The WGAN outputs: critic tables, finite samples, training figures, Figure 2, Example 1.

Each ``write_*`` function computes with the WGAN library (:mod:`wgan.experiments`), writes PNG
and PDF figures with the CSV or JSON data behind them through :mod:`wgan.app.artifacts`, and
returns the computed object with the paths it wrote. ``quick`` means small settings that
finish in seconds (tests, a fast ``reproduce``).
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch

from wgan import figures
from wgan.config import METHODS, PAIRS, CriticConfig, TrainConfig
from wgan.critic import CriticResult
from wgan.data import sample_dataset
from wgan.experiments import (
    CriticTable,
    FiniteSample,
    critic_grid,
    example1_learning,
    figure2_data,
    finite_sample,
    fit_critic_table,
)

from .artifacts import save_figure, write_json, write_records, write_text

__all__ = [
    "TABLE_COLUMNS",
    "critic_table",
    "format_table",
    "save_example1_learning",
    "save_figure2",
    "save_finite_sample",
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


# -- comparison 1 ----------------------------------------------------------------------------


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
    n_eval = results[0].n_eval if results else 0
    md = write_text(
        out / f"{stem}.md",
        "# Critic estimates against exact W1\n\n"
        "Signed relative error (estimate - W1) / W1. Raw: E_P f - E_Q f on "
        f"{n_eval} fresh points per side. Normalised: raw divided by the largest "
        "gradient norm over samples and interpolates.\n\n"
        + (f"{settings}\n\n" if settings else "")
        + format_table(results) + "\n",
    )
    csv_path = write_records(out / f"{stem}.csv", TABLE_COLUMNS, [r.to_dict() for r in results])
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
    """Comparison 1 for every method x pair (:func:`wgan.experiments.fit_critic_table`).

    Writes ``critic_table.csv``, ``critic_table.json`` and ``critic_table.md`` into
    ``out_dir`` (when given) and returns the results in the order pairs x methods.
    """
    table = fit_critic_table(quick=quick, methods=methods, pairs=pairs, seed=seed,
                             device=device, progress=progress)
    if out_dir is not None:
        write_critic_table(out_dir, table)
    return list(table.results)


def write_critic_table(out_dir: str | Path, table: CriticTable) -> list[Path]:
    """``critic_table.csv``, ``.md`` (with the settings and the pairs) and ``.json``."""
    out = Path(out_dir)
    settings = (
        "Quick settings (16 wide, 2 layers, 200 steps): a smoke test of the pipeline, "
        "not an accuracy claim." if table.quick else
        "Critic 128 wide, 3 hidden layers; 6000 steps (clip: 5000 of Algorithm 1); "
        "penalty weight 100."
    )
    pair_lines = "\n".join(f"- {p.description}" for p in table.pairs)
    paths = write_critic_results(out, "critic_table", table.results, f"{settings}\n\n{pair_lines}")
    paths.append(write_json(out / "critic_table.json", {
        "quick": table.quick, "seed": table.seed,
        "configs": [c.to_dict() for c in table.configs],
        "results": [r.to_dict() for r in table.results],
    }))
    return paths


# -- comparison 2 ----------------------------------------------------------------------------


def save_finite_sample(out_dir: str | Path, fs: FiniteSample) -> list[Path]:
    """``finite_sample.json``, ``finite_sample_grid.json`` and ``finite_sample.{png,pdf}``."""
    out = Path(out_dir)
    result, cfg, n, m = fs.result, fs.config, len(fs.x), len(fs.y)
    extra = {}
    if fs.potential is not None:
        extra = {"potential_normalised_gap": fs.potential.normalised_gap,
                 "potential_unique_on_points": fs.potential.unique_on_atoms,
                 "potential_range": float(np.ptp(fs.potential.solution.potential))}
    paths = [write_json(out / "finite_sample.json", {
        "pair": fs.pair.description, "config": cfg.to_dict(), **result.to_dict(), "m": m,
        "duality_holds": result.normalised <= result.exact, **extra,
    })]
    paths.append(write_json(out / "finite_sample_grid.json", {
        "grid_x": fs.grid_x.tolist(), "grid_y": fs.grid_y.tolist(),
        "values": fs.grid_values.tolist(), "x": fs.x.tolist(), "y": fs.y.tolist()}))
    fig = figures.level_sets_figure(
        fs.grid_x, fs.grid_y, fs.grid_values, fs.x, fs.y, labels=("X ~ P", "Y ~ Q"),
        title=(f"{cfg.method} critic on {n} + {m} fixed points ({cfg.pair})\nnormalised value "
               f"{result.normalised:.4f} <= exact W1(X, Y) = {result.exact:.4f}"))
    return paths + _save(fig, out, "finite_sample")


def write_finite_sample(
    out_dir: str | Path,
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
) -> tuple[FiniteSample, list[Path]]:
    """Comparison 2 (:func:`wgan.experiments.finite_sample`), written by
    :func:`save_finite_sample`."""
    fs = finite_sample(quick=quick, pair=pair, method=method, n=n, m=m, seed=seed,
                       device=device, config=config, progress=progress, potential=potential)
    return fs, save_finite_sample(out_dir, fs)


# -- comparison 3 ----------------------------------------------------------------------------


def write_training_outputs(history: Any, out_dir: str | Path | None = None,
                           *, n_samples: int = 1000) -> list[Path]:
    """Figures of a training run: Figure 3 with exact W1, and samples over the level sets.

    Writes ``training_curves.{png,pdf}`` (data: ``metrics.csv``), ``samples.{png,pdf}``
    (data: ``samples.csv`` and ``critic_grid.json``) and ``report.md``.
    """
    cfg: TrainConfig = history.config
    out = Path(out_dir or cfg.out_dir)
    paths: list[Path] = []
    if history.rows:
        fig = figures.training_curves_figure(
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
    paths.append(write_records(out / "samples.csv", ("kind", "x", "y"), rows))
    gx, gy, values = critic_grid(history.critic, torch.cat([real, fake]).numpy())
    paths.append(write_json(out / "critic_grid.json", {
        "grid_x": gx.tolist(), "grid_y": gy.tolist(), "values": values.tolist()}))
    fig = figures.level_sets_figure(gx, gy, values, real.numpy(), fake.numpy(),
                                    title=f"{cfg.dataset} after {history.step} generator "
                                          "iterations")
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
    paths.append(write_text(out / "report.md", "\n".join(report)))
    return paths


# -- Figure 2 and Example 1 learned by networks ------------------------------------------------


def save_figure2(out_dir: str | Path, data: dict[str, Any]) -> list[Path]:
    """``figure2.{png,pdf}`` with ``figure2.csv`` and ``figure2.json`` (the summary)."""
    out = Path(out_dir)
    cols = ("x", "density_real", "density_fake", "discriminator", "optimal_discriminator",
            "critic", "critic_raw", "optimal_critic")
    rows = [{c: float(data[c][i]) for c in cols} for i in range(len(data["x"]))]
    paths = [write_records(out / "figure2.csv", cols, rows),
             write_json(out / "figure2.json", data["summary"])]
    fig = figures.figure2(data["x"], data["discriminator"], data["critic"],
                          data["density_real"], data["density_fake"],
                          optimal_discriminator=data["optimal_discriminator"],
                          optimal_critic=data["optimal_critic"])
    return paths + _save(fig, out, "figure2")


def write_figure2(out_dir: str | Path, *, quick: bool = False, seed: int = 0
                  ) -> tuple[dict[str, Any], list[Path]]:
    """The paper's Figure 2 (:func:`wgan.experiments.figure2_data`), saved; (data, paths)."""
    data = figure2_data(quick=quick, seed=seed)
    return data, save_figure2(out_dir, data)


def save_example1_learning(out_dir: str | Path, data: dict[str, Any]) -> list[Path]:
    """``example1_learning.{png,pdf}`` with ``example1_learning.csv`` and ``.json``."""
    out = Path(out_dir)
    cols = ("step", "theta_wgan", "theta_gan", "grad_wgan", "grad_gan")
    rows = [{c: float(data[c][i]) for c in cols} for i in range(len(data["step"]))]
    paths = [write_records(out / "example1_learning.csv", cols, rows),
             write_json(out / "example1_learning.json", data["summary"])]
    fig = figures.example1_learning_figure(data["step"], data["theta_wgan"], data["theta_gan"],
                                           data["grad_wgan"], data["grad_gan"])
    return paths + _save(fig, out, "example1_learning")


def write_example1_learning(out_dir: str | Path, *, quick: bool = False, seed: int = 0
                            ) -> tuple[dict[str, Any], list[Path]]:
    """Example 1 learned by networks (:func:`wgan.experiments.example1_learning`), saved."""
    start = time.perf_counter()
    data = example1_learning(quick=quick, seed=seed)
    data["summary"]["seconds"] = time.perf_counter() - start
    return data, save_example1_learning(out_dir, data)
