"""``wgan-theory reproduce``: every stage of the toolkit, one report.

A *stage* is a function ``stage(out_dir, settings) -> StageReport`` that writes its
figures and data into ``out_dir`` and returns the paper's claims it checked, each with
what was computed, the numbers, the figure and a verdict. :func:`reproduce` runs the
stages in order, keeps going when one fails (its error goes into the report), and
:func:`write_report` writes ``REPORT.md``: the claims table, the settings, the device,
the library versions and the time each stage took.
"""

from __future__ import annotations

import importlib.metadata
import platform
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

__all__ = [
    "STAGES",
    "Claim",
    "Settings",
    "Stage",
    "StageOutcome",
    "StageReport",
    "reproduce",
    "write_report",
]


@dataclass(frozen=True)
class Settings:
    """What every stage is told."""

    quick: bool = False
    """Small settings (the whole run in about 90 s on 2 CPU cores); what the tests run."""
    device: Literal["auto", "cpu", "cuda"] = "auto"
    """Where the WGAN stages train: ``auto`` picks CUDA when present."""
    seed: int = 0
    """One seed for every stage."""


@dataclass(frozen=True)
class Claim:
    """One claim of the paper, checked."""

    reference: str
    """Where the paper makes it, e.g. ``"Example 1"`` or ``"Theorem 2 (1)"``."""
    statement: str
    """The claim, in words."""
    computed: str
    """What the toolkit computed to check it."""
    numbers: str
    """The key numbers, short."""
    figure: str | None
    """The figure that shows it, relative to the output folder."""
    passed: bool
    """The verdict."""


@dataclass(frozen=True)
class StageReport:
    """What a stage returns: its claims, and every file it wrote (relative paths)."""

    claims: tuple[Claim, ...] = ()
    files: tuple[str, ...] = ()


@dataclass(frozen=True)
class Stage:
    """A named step of :func:`reproduce`."""

    name: str
    run: Callable[[Path, Settings], StageReport]


@dataclass(frozen=True)
class StageOutcome:
    """A stage after it ran: its report, its time, and its error if it failed."""

    name: str
    seconds: float
    report: StageReport = field(default_factory=StageReport)
    error: str | None = None

    @property
    def passed(self) -> bool:
        return self.error is None and all(c.passed for c in self.report.claims)


def _stage_distances(out_dir: Path, settings: Settings) -> StageReport:
    from .cli.distances_table import rows

    lines = ["example,distance,computed,exact"]
    agree = True
    for name, key, value, exact in rows():
        lines.append(f"{name},{key},{value!r},{exact!r}")
        agree &= value == exact or abs(value - exact) <= 1e-12 * abs(exact)
    path = out_dir / "distances_worked_examples.csv"
    path.write_text("\n".join(lines) + "\n")
    claim = Claim(
        reference="Section 2 (definitions)",
        statement="TV, KL, JS and EM on small finite measures take their hand-computed values.",
        computed="The four distances on three worked examples (wgan-theory distances).",
        numbers="disjoint supports: TV 1, JS log 2, KL inf, W1 = gap",
        figure=None,
        passed=bool(agree),
    )
    return StageReport(claims=(claim,), files=(path.name,))


#: The stages, in the order they run.
STAGES: tuple[Stage, ...] = (Stage("distances", _stage_distances),)


def reproduce(
    out_dir: str | Path,
    settings: Settings = Settings(),
    *,
    stages: Sequence[Stage] = STAGES,
    progress: Callable[[str], None] = print,
) -> list[StageOutcome]:
    """Run every stage into ``out_dir`` and write ``out_dir/REPORT.md``.

    A stage that raises is recorded with its error and the others still run. Files a
    stage regenerates are replaced; other files in ``out_dir`` are left alone.

    Returns
    -------
    list of StageOutcome
        One per stage; the run passed if every ``outcome.passed``.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    outcomes = []
    for k, stage in enumerate(stages, 1):
        progress(f"[{k}/{len(stages)}] {stage.name} ...")
        start = time.perf_counter()
        try:
            report = stage.run(out, settings)
            outcome = StageOutcome(stage.name, time.perf_counter() - start, report)
        except Exception as exc:  # a failing stage is reported, the others still run
            tb = traceback.format_exc()
            outcome = StageOutcome(stage.name, time.perf_counter() - start, error=tb)
            progress(f"[{k}/{len(stages)}] {stage.name} FAILED: {type(exc).__name__}: {exc}")
        else:
            verdict = "pass" if outcome.passed else "FAIL"
            progress(f"[{k}/{len(stages)}] {stage.name} {verdict} ({outcome.seconds:.1f} s)")
        outcomes.append(outcome)
    write_report(out, settings, outcomes)
    return outcomes


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for dist in ("wgan-theory", "numpy", "scipy", "pot", "torch", "matplotlib", "hypothesis"):
        try:
            out[dist] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            out[dist] = "not installed"
    return out


def _device_description(requested: str) -> str:
    try:
        import torch
    except ImportError:  # pragma: no cover - torch is a dependency
        return "cpu (torch not importable)"
    if torch.cuda.is_available() and requested in ("auto", "cuda"):
        return f"cuda ({torch.cuda.get_device_name(0)})"
    cpu = platform.processor() or platform.machine()
    return f"cpu ({cpu}, torch threads {torch.get_num_threads()})"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def write_report(out_dir: str | Path, settings: Settings, outcomes: Sequence[StageOutcome]) -> Path:
    """Write ``REPORT.md``: the claims table, settings, device, versions, stage times."""
    out = Path(out_dir)
    n_claims = sum(len(o.report.claims) for o in outcomes)
    n_passed = sum(c.passed for o in outcomes for c in o.report.claims)
    failed_stages = [o.name for o in outcomes if o.error is not None]
    lines = [
        "# Wasserstein GAN (Arjovsky, Chintala, Bottou 2017): the claims, checked",
        "",
        f"{n_passed} of {n_claims} claims pass; "
        + (
            f"stages that failed: {', '.join(failed_stages)}."
            if failed_stages
            else "every stage ran."
        ),
        "",
        "| Paper | Claim | Computed | Numbers | Figure | Verdict |",
        "|---|---|---|---|---|---|",
    ]
    for o in outcomes:
        for c in o.report.claims:
            fig = f"[{c.figure}]({c.figure})" if c.figure else ""
            lines.append(
                f"| {_cell(c.reference)} | {_cell(c.statement)} | {_cell(c.computed)} | "
                f"{_cell(c.numbers)} | {fig} | {'pass' if c.passed else '**FAIL**'} |"
            )
    lines += ["", "## Settings", ""]
    lines += [
        f"- quick: {settings.quick}",
        f"- seed: {settings.seed}",
        f"- device requested: {settings.device}; used: {_device_description(settings.device)}",
        "- command: `wgan-theory reproduce --out DIR"
        + (" --quick" if settings.quick else "")
        + f" --device {settings.device} --seed {settings.seed}`",
        "",
        "## Versions",
        "",
    ]
    lines += [f"- {k}: {v}" for k, v in _versions().items()]
    lines += ["", "## Stages", "", "| Stage | Time (s) | Files | Result |", "|---|---|---|---|"]
    for o in outcomes:
        files = ", ".join(f"[{f}]({f})" for f in o.report.files)
        result = "error" if o.error else ("pass" if o.passed else "FAIL")
        lines.append(f"| {o.name} | {o.seconds:.1f} | {files} | {result} |")
    errors = [o for o in outcomes if o.error]
    if errors:
        lines += ["", "## Errors", ""]
        for o in errors:
            lines += [f"### {o.name}", "", "```", o.error.rstrip(), "```", ""]
    path = out / "REPORT.md"
    path.write_text("\n".join(lines) + "\n")
    return path
