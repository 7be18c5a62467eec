"""The critic-benchmark sweep: benchmark cells through the generic runner, then the summary.

:func:`run_sweep` turns the cells of a :class:`~wgan.benchmark.table.SweepSettings` into jobs of
:mod:`wgan.app.cell_sweep` (key ``d{dim}-k{funnels}-{method}-s{seed}``, settings
:meth:`~wgan.benchmark.cell.BenchmarkCell.settings`), which runs them in this process, in local
processes or on Ray, appends each finished cell to ``cells.csv`` with its settings, and with
``resume=True`` keeps the cells already there only where their settings match (refusing a
folder computed with other settings in one line). At the end it writes the summary (CSV and
Markdown, Korotin et al.'s numbers beside ours, each pair's best method against theirs) and
the figures (PNG and PDF, their data in ``summary.csv``).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

from ..benchmark.cell import BenchmarkCell, CellResult, run_cell
from ..benchmark.checkpoints import (
    cell_identity,
    checkpoint_path,
    discard_checkpoint,
    load_fit_state,
    progress_path,
)
from ..benchmark.table import (
    COSINE_THRESHOLD,
    VALUE_ERROR_THRESHOLD,
    BenchmarkTable,
    PairBest,
    SummaryRow,
    SweepSettings,
)
from .artifacts import save_figure, write_csv, write_text
from .cell_sweep import (
    SETTINGS_COLUMN,
    Job,
    SweepFileError,
    SweepInterrupted,
    read_rows,
    run_jobs,
)

__all__ = [
    "CELL_COLUMNS",
    "SweepFileError",
    "SweepInterrupted",
    "SweepOutcome",
    "check_memory",
    "read_cells",
    "read_cells_settings",
    "run_sweep",
    "summary_markdown",
    "write_folder_summary",
]

#: Columns of cells.csv before the settings column, in order.
CELL_COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(CellResult))


@dataclass(frozen=True)
class SweepOutcome:
    """What a sweep did.

    Attributes
    ----------
    table : BenchmarkTable
        Every finished cell of the grid (resumed ones included) and the summary. The files
        written may cover more: every row of the folder (:func:`run_sweep`).
    ran, skipped : int
        Cells computed now, and cells taken from an earlier ``cells.csv``.
    seconds : float
        Wall time of the sweep.
    paths : tuple of Path
        Files written.
    notes : tuple of str
        What the resume repaired or counted once (one line each).
    """

    table: BenchmarkTable
    ran: int
    skipped: int
    seconds: float
    paths: tuple[Path, ...]
    notes: tuple[str, ...] = ()


def _check_row(row: dict[str, str]) -> None:
    res = CellResult.from_dict(row)
    expected = f"d{res.dim}-k{res.n_funnels}-{res.method}-s{res.seed}"
    if res.key != expected:
        raise ValueError(f"key {res.key} contradicts its columns (dim {res.dim}, funnels "
                         f"{res.n_funnels}, method {res.method}, seed {res.seed})")


def read_cells(path: str | Path) -> list[CellResult]:
    """The rows of a ``cells.csv`` (empty if the file does not exist); SweepFileError, naming
    the file, for one that cannot be read."""
    return [res for res, _ in read_cells_settings(path)]


def read_cells_settings(path: str | Path) -> list[tuple[CellResult, dict[str, Any]]]:
    """The rows of a ``cells.csv`` with the settings each was computed with
    (:meth:`~wgan.benchmark.cell.BenchmarkCell.settings`), for
    :func:`~wgan.benchmark.table.summarise` to keep cells of other settings apart."""
    rows, _ = read_rows(Path(path), CELL_COLUMNS, check_row=_check_row)
    return [(CellResult.from_dict(r), json.loads(r[SETTINGS_COLUMN])) for r in rows]


def _run(cell: BenchmarkCell) -> dict[str, Any]:
    return run_cell(cell).to_dict()


def _memory_bytes(cell: BenchmarkCell) -> int:
    """A floor of one cell's peak memory: Monte Carlo chunks, scoring points, critic weights."""
    width = cell.critic_width(cell.dim)
    chunk = min(cell.n_mc, 16384)
    points = 8 * cell.dim * (6 * chunk + 4 * cell.n_eval + 2 * (cell.batch_size or 256))
    weights = 4 * 4 * width * (cell.dim + cell.depth * width)  # weights, grads, Adam's two
    ot = 8 * cell.n_ot * cell.dim * 4 if cell.method in ("ot", "otnet") else 0
    return points + weights + ot


def check_memory(settings: SweepSettings) -> None:
    """ValueError, before anything runs, when one cell alone needs more than the machine has."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # pragma: no cover - non-POSIX
        return
    worst = max(settings.cells(), key=_memory_bytes)
    need = _memory_bytes(worst)
    if need > total:
        raise ValueError(
            f"a cell in dimension {worst.dim} needs at least {need / 2**30:.0f} GiB (Monte Carlo "
            f"chunks of {min(worst.n_mc, 16384)} points, {worst.n_eval} scoring points, the "
            f"critic's weights); this machine has {total / 2**30:.0f} GiB")


def run_sweep(
    settings: SweepSettings,
    out_dir: str | Path,
    *,
    workers: int = 1,
    ray_address: str | None = None,
    resume: bool = False,
    progress: bool = True,
    on_result: Callable[[CellResult], None] | None = None,
    on_note: Callable[[str], None] | None = None,
    checkpoint_every: int | None = 1000,
) -> SweepOutcome:
    """Run the sweep, writing ``cells.csv`` row by row, then the summary and figures.

    Parameters
    ----------
    settings : SweepSettings
        The grid and the per-cell settings.
    out_dir : path
        Output folder (created once the configuration is accepted): ``cells.csv``,
        ``summary.csv``, ``summary.md``, ``value_error.png/pdf``, ``gradient_cosine.png/pdf``.
        The summary and figures cover every row of the folder's ``cells.csv``: with
        ``resume``, also the cells of earlier runs of other grids into the same folder.
    workers : int, default 1
        Local processes (or Ray CPUs with ``ray_address="local"``). The processes are
        spawned, so a script that calls this with ``workers > 1`` needs the
        ``if __name__ == "__main__":`` guard.
    ray_address : str, optional
        Send the cells to Ray at this address (``"local"`` starts a local instance).
    resume : bool, default False
        Keep the rows of an existing ``cells.csv`` whose key and settings match a cell and run
        only the others; a row with the same key and other settings is refused
        (:class:`~wgan.app.cell_sweep.SweepFileError`). Without it an existing ``cells.csv``
        is replaced.
    progress : bool, default True
        A tqdm progress bar on stderr.
    on_result : callable, optional
        Called with each newly finished cell.
    on_note : callable, optional
        Called with each one-line note of the resume (a cut last row, a duplicate row).
    checkpoint_every : int or None, default 1000
        A neural critic's fit saves a checkpoint every this many steps in
        ``out_dir/checkpoints`` (:mod:`wgan.benchmark.checkpoints`, with its learning curve
        ``{key}.progress.csv``); with ``resume`` an unfinished cell goes on from its
        checkpoint, and a checkpoint of other settings is refused in one line before
        anything runs. Without ``resume`` the checkpoints of the sweep's cells are removed
        first. None: no checkpoints.

    Raises
    ------
    SweepInterrupted
        On Ctrl-C, after every finished cell has been written (a KeyboardInterrupt).
    """
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ValueError(f"workers must be a positive integer; got {workers!r}")
    check_memory(settings)
    if ray_address is not None:
        from .cell_sweep import check_ray_address

        check_ray_address(ray_address)
    out = Path(out_dir)
    cells_csv = out / "cells.csv"
    cells = _with_checkpoints(settings.cells(), out / "checkpoints", checkpoint_every, resume)
    out.mkdir(parents=True, exist_ok=True)
    jobs = [Job(c.key, c.settings(), c) for c in cells]
    start = time.perf_counter()
    bar = None
    results: list[CellResult] = []

    def on_row(row: Any) -> None:
        res = CellResult.from_dict(row)
        results.append(res)
        if on_result is not None:
            on_result(res)
        if bar is not None:
            bar.set_postfix_str(res.key)
            bar.update(1)

    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(cells), desc="benchmark cells", unit="cell")
    try:
        done = run_jobs(jobs, _run, cells_csv, CELL_COLUMNS, resume=resume, workers=workers,
                        ray_address=ray_address, check_row=_check_row, on_row=on_row,
                        on_note=on_note)
    finally:
        if bar is not None:
            bar.close()
    order = {c.key: i for i, c in enumerate(cells)}
    rows = sorted(done.rows, key=lambda r: order[r["key"]])
    table = _table(rows)
    # The files describe the folder: with resume, cells.csv also holds the rows of earlier runs
    # of other grids (other methods, pairs, seeds), and the summary and figures cover them all;
    # without it the file holds this grid's rows only.
    written = (write_folder_summary(out, first=list(order)) if resume
               else _write_outputs(table, out))
    paths = [cells_csv, *written]
    return SweepOutcome(table, done.ran, done.kept, time.perf_counter() - start, tuple(paths),
                        done.notes)


def write_folder_summary(folder: str | Path, *, first: list[str] | None = None) -> list[Path]:
    """Write a sweep folder's summary (CSV, Markdown) and figures from every row of its
    ``cells.csv``; the cells whose keys are in ``first`` come first, in that order, the others
    in the file's order. Returns the paths written."""
    out = Path(folder)
    rows = read_rows(out / "cells.csv", CELL_COLUMNS, check_row=_check_row)[0]
    if not rows:
        raise ValueError(f"{out / 'cells.csv'} has no finished cell to summarise")
    rank = {k: i for i, k in enumerate(first or [])}
    rows = sorted(rows, key=lambda r: rank.get(r["key"], len(rank)))  # stable: file order
    return _write_outputs(_table(rows), out)


def _table(rows: list[dict[str, str]]) -> BenchmarkTable:
    return BenchmarkTable.from_rows([CellResult.from_dict(r) for r in rows],
                                    [json.loads(r[SETTINGS_COLUMN]) for r in rows])


def _with_checkpoints(cells: list[BenchmarkCell], folder: Path, every: int | None,
                      resume: bool) -> list[BenchmarkCell]:
    """The cells with their checkpoint folder set (the neural critics'), after removing their
    old checkpoints (a fresh sweep) or checking them (``resume``: ValueError, one line, for a
    checkpoint of other settings)."""
    if every is None:
        return cells
    out = [replace(c, checkpoint_dir=str(folder), checkpoint_every=every)
           if c.method not in ("ot", "otnet") and c.checkpoint_dir is None else c
           for c in cells]
    for c in out:
        if c.checkpoint_dir is None:
            continue
        if resume:
            load_fit_state(checkpoint_path(c.checkpoint_dir, c.key), cell_identity(c))
        else:
            discard_checkpoint(c.checkpoint_dir, c.key)
            progress_path(c.checkpoint_dir, c.key).unlink(missing_ok=True)
    return out


def _write_summary_csv(path: Path, summary: tuple[SummaryRow, ...]) -> Path:
    cols = [f.name for f in fields(SummaryRow)]
    return write_csv(path, cols, ([asdict(s)[c] for c in cols] for s in summary))


def _named(method: str, variant: str) -> str:
    return f"{method} ({variant})" if variant else method


def _pct(x: float) -> str:
    return "-" if x != x else f"{x:+.1%}"


def _num(x: float) -> str:
    return "-" if x != x else f"{x:.3f}"


def best_markdown(best: tuple[PairBest, ...]) -> list[str]:
    """Each pair's best method here against the best published cosine (Markdown lines)."""
    lines = ["| d | funnels | our best | cosine (seed std; 95 % scoring noise) | their best | "
             "their cosine | ours - theirs | reaches theirs |",
             "|---:|---:|---|---:|---|---:|---:|---|"]
    for b in best:
        lines.append(f"| {b.dim} | {b.n_funnels} | {_named(b.method, b.variant)} | "
                     f"{b.cosine:.3f} "
                     f"(+- {b.cosine_std:.3f}; +- {b.cosine_noise:.3f}) | {b.their_method} | "
                     f"{b.their_cosine:.3f} | {b.margin:+.3f} | {'yes' if b.reaches else 'no'} |")
    return lines


def summary_markdown(table: BenchmarkTable, *, title: str = "Critic benchmark") -> str:
    """The summary as Markdown: one row per (method, dimension, funnels) with Korotin et al.'s
    number for the same method and pair size beside ours, the scoring noise, each pair's best
    method against theirs, and where each method falls below cosine 0.9 / beyond 10 %."""
    lines = [f"# {title}", "",
             "Signed relative errors (estimate - W1) / W1 and gradient cosines "
             "E_Q cos(grad f, grad u): mean +- std over seeds, and the half-width of one "
             "cell's 95 % scoring interval (noise). 'theirs': Korotin et al.'s released number "
             "for the same method on their pair of this size. Measurements, no verdict.", "",
             "| method | d | funnels | pair | seeds | steps | raw error | noise | their error | "
             "normalised error | cosine | noise | their cosine | L2 | K | fit s |",
             "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for s in table.summary:
        lines.append(
            f"| {_named(s.method, s.variant)} | {s.dim} | {s.n_funnels} | {s.pair} | "
            f"{s.n_seeds} | {s.steps} | "
            f"{s.raw_error:+.1%} +- {s.raw_error_std:.1%} | {s.raw_error_noise:.1%} | "
            f"{_pct(s.their_error)} | "
            f"{s.normalised_error:+.1%} +- {s.normalised_error_std:.1%} | "
            f"{s.grad_cosine:.3f} +- {s.grad_cosine_std:.3f} | {s.grad_cosine_noise:.3f} | "
            f"{_num(s.their_cosine)} | {s.grad_l2:.3f} | {s.lipschitz:.3f} | {s.seconds:.1f} |")
    best = table.best()
    if best:
        lines += ["", "Each pair's best method here against the best published cosine on it:",
                  "", *best_markdown(best)]
    lines += ["", f"Where each method breaks down (smallest dimension of the sweep; "
              f"'-' where it never does): cosine below {COSINE_THRESHOLD}, |error| beyond "
              f"{VALUE_ERROR_THRESHOLD:.0%}.", "",
              "| method | cosine < 0.9 from d | normalised error > 10 % from d | "
              "raw error > 10 % from d |", "|---|---:|---:|---:|"]
    for method, b in table.breakdowns().items():
        cells = ["-" if b[k] is None else str(b[k])
                 for k in ("cosine_below", "normalised_beyond", "raw_beyond")]
        lines.append(f"| {method} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _write_outputs(table: BenchmarkTable, out: Path) -> list[Path]:
    from ..benchmark.plots import cosine_figure, value_error_figure

    paths = [_write_summary_csv(out / "summary.csv", table.summary)]
    paths.append(write_text(out / "summary.md", summary_markdown(table)))
    paths += save_figure(value_error_figure(table.summary), out, "value_error")
    paths += save_figure(cosine_figure(table.summary), out, "gradient_cosine")
    return paths
