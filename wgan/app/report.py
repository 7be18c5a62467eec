"""``REPORT.md`` of ``wgan-theory reproduce``, and the types its stages return.

A stage returns a :class:`StageReport`: the paper's claims it checked (:class:`Claim`, each
made from a :class:`~distances.paper.results.CheckResult` with the figure that shows it) and
the files it wrote. :func:`write_report` writes the claims table, the settings, the device,
the library versions and the time each stage took.
"""

from __future__ import annotations

import importlib.metadata
import platform
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from distances.paper.results import CheckResult, verdict_word

from ..device import describe_device

__all__ = [
    "Claim",
    "Settings",
    "Stage",
    "StageOutcome",
    "StageReport",
    "run_context",
    "write_report",
]


@dataclass(frozen=True)
class Settings:
    """What every stage is told."""

    quick: bool = False
    """Small settings (the whole run in about a minute of CPU time); what the tests run."""
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
    passed: bool | None
    """The verdict; ``None`` for a measurement reported without one."""

    @classmethod
    def from_check(cls, check: CheckResult, figure: str | None = None) -> Claim:
        """The report's row for a check: its reference, statement, computation and numbers."""
        return cls(check.reference, check.statement, check.claim, check.headline, figure,
                   check.passed)


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
        """No error, and no claim failed (measurements carry no verdict)."""
        return self.error is None and all(c.passed is not False for c in self.report.claims)


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for dist in ("wgan-theory", "numpy", "scipy", "pot", "torch", "matplotlib", "hypothesis"):
        try:
            out[dist] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            out[dist] = "not installed"
    return out


def _verdict(passed: bool | None) -> str:
    word = verdict_word(passed)
    return "**FAIL**" if word == "FAIL" else word


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def run_context(started: float | None = None) -> dict[str, str]:
    """What names a run: the commit of the code, the machine's cores and its load average
    when the run started (the caller reads it before any stage, ``os.getloadavg()[0]``)."""
    import os
    import subprocess

    here = Path(__file__).resolve().parent
    try:
        commit = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=here,
                                capture_output=True, text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               cwd=here, capture_output=True, text=True,
                               timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit, dirty = "", ""
    return {
        "commit": (commit + (" (with uncommitted changes)" if dirty else "")) or "unknown",
        "cpu cores": str(os.cpu_count()),
        "load average at the start": "unknown" if started is None else f"{started:.1f}",
    }


def write_report(out_dir: str | Path, settings: Settings, outcomes: Sequence[StageOutcome],
                 context: dict[str, str] | None = None) -> Path:
    """Write ``REPORT.md``: the claims table, settings, the run (commit, load, total time),
    device, versions, stage times."""
    out = Path(out_dir)
    n_claims = sum(len(o.report.claims) for o in outcomes)
    n_passed = sum(c.passed is True for o in outcomes for c in o.report.claims)
    n_measured = sum(c.passed is None for o in outcomes for c in o.report.claims)
    failed_stages = [o.name for o in outcomes if o.error is not None]
    lines = [
        "# Wasserstein GAN (Arjovsky, Chintala, Bottou 2017): the claims, checked",
        "",
        f"{n_passed} of {n_claims - n_measured} claims pass"
        + (
            f" ({n_measured} measurement{'s' if n_measured > 1 else ''} reported without a "
            "verdict); "
            if n_measured
            else "; "
        )
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
                f"{_cell(c.numbers)} | {fig} | {_verdict(c.passed)} |"
            )
    lines += ["", "## Settings", ""]
    lines += [
        f"- quick: {settings.quick}",
        f"- seed: {settings.seed}",
        f"- device requested: {settings.device}; used: {describe_device(settings.device)}",
        "- command: `wgan-theory reproduce --out DIR"
        + (" --quick" if settings.quick else "")
        + f" --device {settings.device} --seed {settings.seed}`",
        "",
        "## Run",
        "",
    ]
    total = sum(o.seconds for o in outcomes)
    lines += [f"- {k}: {v}" for k, v in (context or {}).items()]
    lines += [f"- total time of the stages: {total:.0f} s ({int(total // 60)} min "
              f"{total % 60:.0f} s)", "", "## Versions", ""]
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
