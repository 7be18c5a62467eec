"""The paper's outputs: Figure 1, learning parallel lines, the theorem report, the KR dual.

These are the stages behind ``wgan-theory figure1`` and ``wgan-theory theorems`` (and
``wgan-theory reproduce``). Each computes with :mod:`distances.paper`, writes through
:mod:`wgan.app.artifacts`, and returns the result objects with the paths it wrote.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from distances.paper.dual_figures import DualFigure, check_duality, teaching_figures
from distances.paper.example1 import (
    Figure1Data,
    LearningConfig,
    Trajectory,
    check_figure1,
    check_learning,
    figure1_data,
    learn_parallel_lines,
)
from distances.paper.figures import plot_figure1, plot_learning, plot_theorem1, plot_theorem2
from distances.paper.results import CheckResult
from distances.paper.theorems import run_all_checks

from .artifacts import save_dual_figure, save_figure, write_csv, write_json, write_table, write_text

__all__ = [
    "Figure1Outputs",
    "TheoremsReport",
    "write_dual_figures",
    "write_figure1",
    "write_learning",
    "write_theorems_report",
]


@dataclass(frozen=True)
class Figure1Outputs:
    """What :func:`write_figure1` computed, judged and wrote."""

    data: Figure1Data
    trajectories: tuple[Trajectory, ...]
    checks: tuple[CheckResult, ...]
    """W1, JS, KL and TV (:func:`~distances.paper.example1.check_figure1`), then learning."""
    paths: list[Path]

    @property
    def passed(self) -> bool:
        """True when every check passed."""
        return all(c.passed for c in self.checks)


def write_figure1(out_dir: str | Path, *, quick: bool = False, seed: int = 0) -> Figure1Outputs:
    """Figure 1 (and its extended 2 x 2 version) with the CSV and a JSON summary.

    Files: ``figure1.png/.pdf`` (EM and JS), ``figure1_extended.png/.pdf`` (EM, JS, KL,
    TV), ``figure1.csv`` (one row per theta: closed forms, same-z and independent-z
    sample values, the finite-sample floor), ``figure1_summary.json`` (the largest
    same-z error, the floor, whether the independent values lie in
    [|theta|, |theta| + floor]), and the learning-parallel-lines files of
    :func:`write_learning`.

    Parameters
    ----------
    out_dir : path
        Created if missing.
    quick : bool, default False
        n = 64 samples per line instead of 512 (and a shorter learning run).
    seed : int, default 0
    """
    out = Path(out_dir)  # the writers of .artifacts create it
    data = figure1_data(n=64 if quick else 512, seed=seed)
    paths = save_figure(plot_figure1(data), out, "figure1")
    paths += save_figure(plot_figure1(data, extended=True), out, "figure1_extended")
    names = list(data.columns)
    rows = [
        (float(t), *(float(data.columns[k][i]) for k in names)) for i, t in enumerate(data.theta)
    ]
    paths.append(write_csv(out / "figure1.csv", ("theta", *names), rows))
    summary = {
        "n_per_line": data.n,
        "seed": data.seed,
        "max_abs_error_w1_same_z": data.max_error_same_z,
        "finite_sample_floor": float(data.columns["floor"][0]),
        "floor_population_bound": float(data.columns["floor_population"][0]),
        "independent_within_floor": data.within_floor,
        "js_same_z_equals_closed_form": bool(
            (data.columns["js_same_z"] == data.columns["js_exact"]).all()
        ),
    }
    paths.append(write_json(out / "figure1_summary.json", summary))
    trajectories, learning_paths = write_learning(out, quick=quick, seed=seed)
    checks = (*check_figure1(data), check_learning(trajectories))
    return Figure1Outputs(data, trajectories, checks, paths + learning_paths)


def write_learning(
    out_dir: str | Path, *, quick: bool = False, seed: int = 0
) -> tuple[tuple[Trajectory, ...], list[Path]]:
    """Learning parallel lines: ``learning_parallel_lines.png/.pdf/.csv``.

    The CSV has one row per step: theta, loss value and gradient for W1, JS and KL. Returns
    the three trajectories and the paths.
    """
    out = Path(out_dir)  # the writers of .artifacts create it
    cfg = LearningConfig(steps=25 if quick else 40, n=16 if quick else 64, seed=seed)
    runs = tuple(learn_parallel_lines(loss, cfg) for loss in ("w1", "js", "kl"))
    paths = save_figure(plot_learning(runs), out, "learning_parallel_lines")
    cols = ["step"] + [f"{r.loss}_{f}" for r in runs for f in ("theta", "value", "gradient")]
    rows = [
        (i, *(float(getattr(r, f)[i]) for r in runs for f in ("theta", "value", "gradient")))
        for i in range(runs[0].theta.size)
    ]
    paths.append(write_csv(out / "learning_parallel_lines.csv", cols, rows))
    return runs, paths


@dataclass(frozen=True)
class TheoremsReport:
    """What :func:`write_theorems_report` wrote, and whether every check passed."""

    paths: list[Path]
    results: list[CheckResult]
    figures: dict[str, str]
    """The figure's file name (in the output folder) of each check that has one, by name."""

    @property
    def passed(self) -> bool:
        """True when every check passed."""
        return all(r.passed for r in self.results)


def _slug(name: str) -> str:
    keep = "".join(ch if ch.isalnum() else "_" for ch in name.lower())
    return "_".join(part for part in keep.split("_") if part)[:60]


def write_theorems_report(
    out_dir: str | Path, *, quick: bool = False, seed: int = 0
) -> TheoremsReport:
    """Run every check and write ``theorems.md`` with figures and one CSV per table.

    Parameters
    ----------
    out_dir : path
        Created if missing.
    quick : bool, default False
        Smaller settings (see :func:`distances.paper.theorems.run_all_checks`).
    seed : int, default 0

    Returns
    -------
    TheoremsReport
    """
    out = Path(out_dir)  # the writers of .artifacts create it
    results = run_all_checks(quick=quick, seed=seed)
    paths: list[Path] = []
    figures: dict[str, str] = {}
    sections = []
    for res in results:
        slug = _slug(res.name)
        figs: list[str] = []
        if "curves" in res.data:
            paths += save_figure(plot_theorem1(res.data), out, slug, pdf=False)
            figs.append(f"{slug}.png")
        if "values" in res.data:
            fig = plot_theorem2(res.data["values"], res.data["ns"])
            paths += save_figure(fig, out, slug, pdf=False)
            figs.append(f"{slug}.png")
        if figs:
            figures[res.name] = figs[0]
        for k, table in enumerate(res.tables):
            name = f"{slug}.csv" if k == 0 else f"{slug}_{k + 1}.csv"
            paths.append(write_table(out / name, table))
        sections.append(res.to_markdown(figs))
    verdict = "all checks pass" if all(r.passed for r in results) else "SOME CHECKS FAIL"
    summary = "\n".join(f"- {r.name}: {'PASS' if r.passed else 'FAIL'}" for r in results)
    head = (
        "# The WGAN paper's Theorems 1-3, checked numerically\n\n"
        f"Result: **{verdict}**. Settings: {'quick' if quick else 'full'}, seed {seed}. "
        "Command: `wgan-theory theorems --out DIR"
        f"{' --quick' if quick else ''}`.\n\n"
        "Conventions: natural logarithm; JS with the factor 1/2 (so 0 <= JS <= log 2); "
        "TV = sup_A |P(A) - Q(A)|; W1 = exact Earth-Mover distance (Euclidean ground cost) "
        "from POT's network simplex with a duality certificate, or by quadrature of "
        "|F - G| on the line. `+inf` is an exact infinity (mass where the other measure "
        f"has none), not an overflow; log 2 = {math.log(2):.6f}.\n\n{summary}\n"
    )
    report = write_text(out / "theorems.md", head + "\n" + "\n".join(sections))
    return TheoremsReport([report, *paths], results, figures)


def write_dual_figures(out_dir: str | Path) -> tuple[dict[str, DualFigure], list[CheckResult],
                                                      list[Path]]:
    """The KR-dual teaching figures (``dual_line``, ``dual_triangle``, ``dual_clouds``).

    Each is written as PNG, PDF and one CSV per data table, and judged by
    :func:`~distances.paper.dual_figures.check_duality`. Returns the figures by name, the
    checks and the paths.
    """
    figures = teaching_figures()
    checks, paths = [], []
    for name, fig in figures.items():
        paths += save_dual_figure(fig, out_dir, f"dual_{name}")
        checks.append(check_duality(name, fig.solution))
    return figures, checks, paths
