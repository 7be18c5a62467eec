"""Write the Example 1 figures and the theorem report into a folder: PNG, PDF, CSV, Markdown.

These are the stages behind ``wgan-theory figure1`` and ``wgan-theory theorems`` (and
``wgan-theory reproduce``). Each returns the paths it wrote; the theorem stage also
returns whether every check passed.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .checks import CheckResult, write_csv
from .example1 import LearningConfig, figure1_data, learn_parallel_lines
from .figures import plot_figure1, plot_learning, plot_theorem1, plot_theorem2, save_figure
from .theorems import run_all_checks

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["TheoremsReport", "write_figure1", "write_learning", "write_theorems_report"]


def _save(fig: Figure, out: Path, stem: str, *, pdf: bool = True) -> list[Path]:
    return save_figure(fig, out, stem, pdf=pdf, close=True)


def _folder(out_dir: str | Path) -> Path:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    return out


def write_figure1(out_dir: str | Path, *, quick: bool = False, seed: int = 0) -> list[Path]:
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
    out = _folder(out_dir)
    data = figure1_data(n=64 if quick else 512, seed=seed)
    paths = _save(plot_figure1(data), out, "figure1")
    paths += _save(plot_figure1(data, extended=True), out, "figure1_extended")
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
    p = out / "figure1_summary.json"
    p.write_text(json.dumps(summary, indent=2) + "\n")
    paths.append(p)
    paths += write_learning(out, quick=quick, seed=seed)
    return paths


def write_learning(out_dir: str | Path, *, quick: bool = False, seed: int = 0) -> list[Path]:
    """Learning parallel lines: ``learning_parallel_lines.png/.pdf/.csv``.

    The CSV has one row per step: theta, loss value and gradient for W1, JS and KL.
    """
    out = _folder(out_dir)
    cfg = LearningConfig(steps=25 if quick else 40, n=16 if quick else 64, seed=seed)
    runs = [learn_parallel_lines(loss, cfg) for loss in ("w1", "js", "kl")]
    paths = _save(plot_learning(runs), out, "learning_parallel_lines")
    cols = ["step"] + [f"{r.loss}_{f}" for r in runs for f in ("theta", "value", "gradient")]
    rows = [
        (i, *(float(getattr(r, f)[i]) for r in runs for f in ("theta", "value", "gradient")))
        for i in range(runs[0].theta.size)
    ]
    paths.append(write_csv(out / "learning_parallel_lines.csv", cols, rows))
    return paths


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
        Smaller settings (see :func:`distances.theorems.run_all_checks`).
    seed : int, default 0

    Returns
    -------
    TheoremsReport
    """
    out = _folder(out_dir)
    results = run_all_checks(quick=quick, seed=seed)
    paths: list[Path] = []
    figures: dict[str, str] = {}
    sections = []
    for res in results:
        slug = _slug(res.name)
        figs: list[str] = []
        if "curves" in res.data:
            paths += _save(plot_theorem1(res.data), out, slug, pdf=False)
            figs.append(f"{slug}.png")
        if "values" in res.data:
            paths += _save(plot_theorem2(res.data["values"], res.data["ns"]), out, slug, pdf=False)
            figs.append(f"{slug}.png")
        if figs:
            figures[res.name] = figs[0]
        for k, table in enumerate(res.tables):
            name = f"{slug}.csv" if k == 0 else f"{slug}_{k + 1}.csv"
            paths.append(write_csv(out / name, table.columns, table.rows))
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
    report = out / "theorems.md"
    report.write_text(head + "\n" + "\n".join(sections))
    return TheoremsReport([report, *paths], results, figures)
