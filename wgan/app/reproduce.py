"""``wgan-theory reproduce``: every stage of the toolkit, one report.

A *stage* is a function ``stage(out_dir, settings) -> StageReport``: it computes with the
libraries, writes the figures and data through :mod:`wgan.app.artifacts`, and returns the
paper's claims it checked, each made from the result object of a check
(:mod:`distances.paper`, :mod:`wgan.checks`), never from the files it wrote. :func:`reproduce`
runs the stages in order, keeps going when one fails (its error goes into the report), and
:func:`~wgan.app.report.write_report` writes ``REPORT.md``.

Progress: a stage reports each cell it finishes through :func:`tell` (a line prefixed with
the stage's ``[k/n] name``), and while a stage has printed nothing for ``heartbeat``
seconds (10 by default) a line says it is still running and for how long, so no stage is
silent for long.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from .heartbeat import heartbeat as _heartbeat
from .report import (
    Claim,
    Settings,
    Stage,
    StageOutcome,
    StageReport,
    run_context,
    write_report,
)

__all__ = [
    "STAGES",
    "Claim",
    "Settings",
    "Stage",
    "StageOutcome",
    "StageReport",
    "reproduce",
    "tell",
    "write_report",
]

#: Where :func:`tell` sends a line: set by :func:`reproduce` for the stage that runs.
_STAGE_PROGRESS: contextvars.ContextVar[Callable[[str], None]] = contextvars.ContextVar(
    "stage_progress", default=lambda line: None)


def tell(line: str) -> None:
    """Report progress inside a stage (a finished cell, say); a no-op outside
    :func:`reproduce`."""
    _STAGE_PROGRESS.get()(line)


def _rel(paths: Sequence[Path], out: Path) -> tuple[str, ...]:
    return tuple(str(Path(p).resolve().relative_to(out.resolve())) for p in paths)


def _stage_distances(out_dir: Path, settings: Settings) -> StageReport:
    from distances.paper.worked_examples import check_worked_examples

    from .artifacts import write_table

    check = check_worked_examples()
    path = write_table(out_dir / "distances_worked_examples.csv", check.evidence)
    return StageReport((Claim.from_check(check),), (path.name,))


def _stage_figure1(out_dir: Path, settings: Settings) -> StageReport:
    from .paper_outputs import write_figure1

    outputs = write_figure1(out_dir, quick=settings.quick, seed=settings.seed)
    w1, js, kl_tv, learning = outputs.checks
    claims = (
        Claim.from_check(w1, "figure1.png"),
        Claim.from_check(js, "figure1.png"),
        Claim.from_check(kl_tv, "figure1_extended.png"),
        Claim.from_check(learning, "learning_parallel_lines.png"),
    )
    return StageReport(claims, _rel(outputs.paths, out_dir))


def _stage_theorems(out_dir: Path, settings: Settings) -> StageReport:
    from .paper_outputs import write_theorems_report

    report = write_theorems_report(out_dir, quick=settings.quick, seed=settings.seed)
    files = set(_rel(report.paths, out_dir))
    claims = []
    for res in report.results:
        _, _, subject = res.name.partition(", ")
        computed = (
            f"{subject}: {res.tables[0].title[0].lower()}{res.tables[0].title[1:]} "
            "(details in theorems.md)"
        )
        claims.append(
            Claim(res.reference, res.statement, computed, res.headline,
                  report.figures.get(res.name, "theorems.md"), res.passed)
        )
    claims.sort(key=lambda c: c.reference)  # the paper's order: Theorem 1, 2, 3
    return StageReport(tuple(claims), tuple(sorted(files)))


def _stage_dual(out_dir: Path, settings: Settings) -> StageReport:
    from .paper_outputs import write_dual_figures

    figures, checks, paths = write_dual_figures(out_dir)
    claims = tuple(
        Claim.from_check(check, f"dual_{name}.png")
        for name, check in zip(figures, checks, strict=True)
    )
    return StageReport(claims, _rel(paths, out_dir))


# -- the WGAN stages ----------------------------------------------------------------------


def _critic_configs(settings: Settings) -> list[Any]:
    """Weight clipping (Algorithm 1) on two pairs, and the Lipschitz penalty at the CLI's
    defaults on every pair."""
    from wgan.config import PAIRS, CriticConfig
    from wgan.experiments import table_config

    configs = []
    for pair in ("translation", "example1"):  # Algorithm 1: RMSProp 5e-5, c = 0.01, 5000 steps
        cfg = (table_config("clip", pair, quick=True, seed=settings.seed) if settings.quick
               else CriticConfig(pair=pair, method="clip", iterations=5000, seed=settings.seed))
        configs.append(cfg)
    for pair in PAIRS:  # `wgan-theory critic --method lp`'s defaults
        # quick: the finite-sample stage's quick critic (64 wide, 1000 steps); the table's
        # quick one (16 wide, 200 steps) is untrained on 8g-vs-25g (-72 %), which the
        # two-sided rule of check_critic_estimates rightly fails
        cfg = (CriticConfig(pair=pair, method="lp", width=64, depth=2, iterations=1000,  # type: ignore[arg-type]
                            lr=1e-3, penalty_weight=100.0, n_eval=5000, n_lipschitz=300,
                            seed=settings.seed) if settings.quick
               else CriticConfig(pair=pair, method="lp", seed=settings.seed))  # type: ignore[arg-type]
        configs.append(cfg)
    return [cfg.with_(device=settings.device) for cfg in configs]


#: Points of the finite-sample check: different sizes, so the LP's potential is unique.
FINITE_SIZES = {"quick": (60, 40), "full": (120, 80)}


def _finite_config(settings: Settings) -> Any:
    """The finite-sample critic: the table's LP critic; quick, a 64-wide one for 1000 steps
    (the quick table critic, 16 wide for 200 steps, reaches only 77 % of W1(X, Y))."""
    from wgan.config import CriticConfig
    from wgan.experiments import table_config

    if settings.quick:
        cfg = CriticConfig(pair="translation", method="lp", width=64, depth=2, iterations=1000,
                           lr=1e-3, penalty_weight=100.0, n_eval=5000, n_lipschitz=300,
                           seed=settings.seed)
    else:
        cfg = table_config("lp", "translation", seed=settings.seed)
    return cfg.with_(device=settings.device)


def _stage_critics(out_dir: Path, settings: Settings) -> StageReport:
    from wgan.checks import (
        check_clipping,
        check_critic_estimates,
        check_finite_sample,
        measure_lp_critics,
    )
    from wgan.critic import evaluate_critic

    from .wgan_outputs import write_critic_results, write_finite_sample

    configs = _critic_configs(settings)
    results = []
    for i, cfg in enumerate(configs, 1):
        results.append(evaluate_critic(cfg)[0])
        tell(f"critic {i}/{len(configs) + 1}: {cfg.method} on {cfg.pair}, {cfg.iterations} "
             f"steps, {results[-1].seconds:.0f} s")
    note = (
        "Quick settings (16 wide, 200 steps): a smoke test of the pipeline."
        if settings.quick
        else "Clip: Algorithm 1 (RMSProp 5e-5, c = 0.01, 5000 steps). LP: the CLI's defaults "
        "(penalty weight 10, 4000 steps)."
    )
    table_paths = write_critic_results(out_dir, "critic_estimates", results, note)
    n, m = FINITE_SIZES["quick" if settings.quick else "full"]
    finite, finite_paths = write_finite_sample(
        out_dir,
        method="lp",
        n=n,
        m=m,
        seed=settings.seed,
        device=settings.device,
        config=_finite_config(settings),
        potential=True,
    )
    tell(f"critic {len(configs) + 1}/{len(configs) + 1}: lp on {n} + {m} fixed points")
    assert finite.potential is not None  # asked for with potential=True
    files = list(_rel([*table_paths, *finite_paths], out_dir))
    claims = [
        Claim.from_check(check_finite_sample(finite.potential, "lp"), "finite_sample.png"),
        Claim.from_check(check_critic_estimates(results)),
        Claim.from_check(check_clipping(results)),
        Claim.from_check(measure_lp_critics(results)),
    ]
    return StageReport(tuple(claims), tuple(files))


def _stage_training(out_dir: Path, settings: Settings) -> StageReport:
    from wgan.checks import check_figure3
    from wgan.config import TrainConfig
    from wgan.train import train

    from .wgan_outputs import write_training_outputs

    folder = out_dir / "training"
    cfg = TrainConfig(
        out_dir=str(folder),
        progress=False,
        seed=settings.seed,
        device=settings.device,
        **(
            {
                "generator_iterations": 150,
                "width": 64,
                "log_every": 25,
                "n_exact": 256,
                "checkpoint_every": 150,
            }
            if settings.quick
            else {}
        ),
    )
    history = train(cfg)
    paths = [history.metrics_path, *write_training_outputs(history, folder)]
    claim = Claim.from_check(check_figure3(history), "training/training_curves.png")
    return StageReport((claim,), _rel(paths, out_dir))


def _stage_figure2(out_dir: Path, settings: Settings) -> StageReport:
    from wgan.checks import check_example1_networks, check_figure2

    from .wgan_outputs import write_example1_learning, write_figure2

    fig2, paths = write_figure2(out_dir, quick=settings.quick, seed=settings.seed)
    tell("Figure 2 written; Example 1 learned by networks ...")
    ex1, ex1_paths = write_example1_learning(out_dir, quick=settings.quick, seed=settings.seed)
    claims = (
        Claim.from_check(check_figure2(fig2), "figure2.png"),
        Claim.from_check(check_example1_networks(ex1["summary"]), "example1_learning.png"),
    )
    return StageReport(claims, _rel(paths + ex1_paths, out_dir))


def _stage_benchmark(out_dir: Path, settings: Settings) -> StageReport:
    """The critic benchmark's small sweep: 2-D and 8-D, one seed, 500 steps per critic; GP and
    LP (quick) or all four Lipschitz controls. Measurements only: the paper makes no claim."""
    import dataclasses

    from wgan.benchmark import quick_settings
    from wgan.checks import measure_critic_benchmark

    from .benchmark_sweep import run_sweep

    sweep = quick_settings("cpu" if settings.device == "cpu" else "auto")
    sweep = dataclasses.replace(sweep, seeds=(settings.seed,))
    if not settings.quick:
        sweep = dataclasses.replace(sweep, methods=("clip", "gp", "lp", "sn"))
    n_cells = len(list(sweep.cells()))
    done = iter(range(1, n_cells + 1))
    outcome = run_sweep(sweep, out_dir / "benchmark", progress=False,
                        on_result=lambda res: tell(f"cell {next(done)}/{n_cells} {res.key}"))
    claim = Claim.from_check(measure_critic_benchmark(outcome.table),
                             "benchmark/gradient_cosine.png")
    return StageReport((claim,), _rel(list(outcome.paths), out_dir))


#: The stages, in the order they run.
STAGES: tuple[Stage, ...] = (
    Stage("distances", _stage_distances),
    Stage("figure1", _stage_figure1),
    Stage("theorems", _stage_theorems),
    Stage("dual", _stage_dual),
    Stage("figure2", _stage_figure2),
    Stage("critics", _stage_critics),
    Stage("training", _stage_training),
    Stage("benchmark", _stage_benchmark),
)


def reproduce(
    out_dir: str | Path,
    settings: Settings | None = None,
    *,
    stages: Sequence[Stage] = STAGES,
    progress: Callable[[str], None] = print,
    heartbeat: float = 10.0,
) -> list[StageOutcome]:
    """Run every stage into ``out_dir`` and write ``out_dir/REPORT.md``.

    A stage that raises is recorded with its error and the others still run. Files a
    stage regenerates are replaced; other files in ``out_dir`` are left alone.
    ``progress`` gets a line as each stage starts and ends, each line a stage
    :func:`tell` s, and, after ``heartbeat`` seconds without one, a line saying the
    stage is still running.

    Returns
    -------
    list of StageOutcome
        One per stage; the run passed if every ``outcome.passed``.
    """
    settings = Settings() if settings is None else settings
    context = run_context(os.getloadavg()[0] if hasattr(os, "getloadavg") else None)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    outcomes = []
    for k, stage in enumerate(stages, 1):
        tag = f"[{k}/{len(stages)}] {stage.name}"
        progress(f"{tag} ...")
        start = time.perf_counter()
        try:
            with _reporting(progress, tag, heartbeat):
                report = stage.run(out, settings)
            outcome = StageOutcome(stage.name, time.perf_counter() - start, report)
        except Exception as exc:  # a failing stage is reported, the others still run
            if _from_ctrl_c(exc):  # numba turns Ctrl-C in a kernel into SystemError
                raise KeyboardInterrupt from exc
            tb = traceback.format_exc()
            outcome = StageOutcome(stage.name, time.perf_counter() - start, error=tb)
            progress(f"[{k}/{len(stages)}] {stage.name} FAILED: {type(exc).__name__}: {exc}")
        else:
            verdict = "pass" if outcome.passed else "FAIL"
            progress(f"[{k}/{len(stages)}] {stage.name} {verdict} ({outcome.seconds:.1f} s)")
        outcomes.append(outcome)
    write_report(out, settings, outcomes, context)
    return outcomes


def _from_ctrl_c(exc: BaseException) -> bool:
    """Whether ``exc`` was raised while handling a KeyboardInterrupt (its cause or context)."""
    seen: set[int] = set()
    link: BaseException | None = exc
    while link is not None and id(link) not in seen:
        if isinstance(link, KeyboardInterrupt):
            return True
        seen.add(id(link))
        link = link.__cause__ or link.__context__
    return False


@contextlib.contextmanager
def _reporting(progress: Callable[[str], None], tag: str, every: float) -> Iterator[None]:
    """Route :func:`tell` to ``progress`` as ``"{tag}: line"``, and from a thread print
    ``"{tag}: still running, N s"`` whenever ``every`` seconds pass without a line."""
    with _heartbeat(lambda line: progress(f"{tag}: {line}"), every) as say:
        token = _STAGE_PROGRESS.set(say)
        try:
            yield
        finally:
            _STAGE_PROGRESS.reset(token)
