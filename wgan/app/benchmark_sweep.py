"""The critic-benchmark sweep runner: cells in parallel, one CSV row per finished cell.

:func:`run_sweep` runs the cells of a :class:`~wgan.benchmark.table.SweepSettings`

* in this process (``workers=1``),
* in ``workers`` local processes (:class:`concurrent.futures.ProcessPoolExecutor`, spawned so
  that no torch thread pool is forked), or
* on a Ray cluster (``ray_address``: an address such as ``"ray://host:10001"`` or ``"auto"``,
  or ``"local"`` to start a local Ray instance; needs the ``[distributed]`` extra),

appends each finished cell to ``cells.csv`` as it finishes (so an interrupted sweep loses at
most the cells in flight), skips the cells already in ``cells.csv`` with ``resume=True``,
and at the end writes the summary (CSV and Markdown, the paper's numbers beside ours) and
the figures (PNG and PDF, with their data in ``summary.csv``).
"""

from __future__ import annotations

import csv
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import asdict, dataclass, fields
from multiprocessing import get_context
from pathlib import Path

from ..benchmark.cell import BenchmarkCell, CellResult, run_cell
from ..benchmark.table import (
    COSINE_THRESHOLD,
    VALUE_ERROR_THRESHOLD,
    BenchmarkTable,
    SummaryRow,
    SweepSettings,
)
from .artifacts import append_csv_row, save_figure, write_csv, write_text

__all__ = ["CELL_COLUMNS", "SweepOutcome", "read_cells", "run_sweep", "summary_markdown"]

#: Columns of cells.csv, in order.
CELL_COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(CellResult))


@dataclass(frozen=True)
class SweepOutcome:
    """What a sweep did.

    Attributes
    ----------
    table : BenchmarkTable
        Every finished cell of the grid (resumed ones included) and the summary.
    ran, skipped : int
        Cells computed now, and cells taken from an earlier ``cells.csv``.
    seconds : float
        Wall time of the sweep.
    paths : tuple of Path
        Files written.
    """

    table: BenchmarkTable
    ran: int
    skipped: int
    seconds: float
    paths: tuple[Path, ...]


def read_cells(path: str | Path) -> list[CellResult]:
    """The rows of a ``cells.csv`` (empty if the file does not exist)."""
    p = Path(path)
    if not p.exists():
        return []
    with p.open(newline="") as fh:
        return [CellResult.from_dict(row) for row in csv.DictReader(fh)]


def _append_row(path: Path, result: CellResult) -> None:
    row = result.to_dict()
    append_csv_row(path, CELL_COLUMNS, [row[c] for c in CELL_COLUMNS])


def _write_summary_csv(path: Path, summary: tuple[SummaryRow, ...]) -> Path:
    cols = [f.name for f in fields(SummaryRow)]
    return write_csv(path, cols, ([asdict(s)[c] for c in cols] for s in summary))


def summary_markdown(table: BenchmarkTable, *, title: str = "Critic benchmark") -> str:
    """The summary as Markdown: one row per (method, dimension), the paper's number beside
    ours, and where each method falls below cosine 0.9 / beyond 10 % value error."""
    lines = [f"# {title}", "",
             "Signed relative errors (estimate - W1) / W1, mean +- std over seeds; gradient "
             "cosine E_Q cos(grad f, grad u) on the generated side. Measurements, no verdict.",
             "",
             "| method | d | seeds | W1 | raw error | normalised error | cosine | L2 | K | "
             "fit s | paper (Korotin et al.) |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for s in table.summary:
        lines.append(
            f"| {s.method} | {s.dim} | {s.n_seeds} | {s.w1:.4f} | "
            f"{s.raw_error:+.1%} +- {s.raw_error_std:.1%} | "
            f"{s.normalised_error:+.1%} +- {s.normalised_error_std:.1%} | "
            f"{s.grad_cosine:.3f} +- {s.grad_cosine_std:.3f} | {s.grad_l2:.3f} | "
            f"{s.lipschitz:.3f} | {s.seconds:.1f} | {s.paper_error} |")
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


def _run_local(cells: list[BenchmarkCell], workers: int) -> Iterator[CellResult]:
    if workers == 1:
        for cell in cells:
            yield run_cell(cell)
        return
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
        pending = {pool.submit(run_cell, c) for c in cells}
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                yield fut.result()


def _run_ray(cells: list[BenchmarkCell], address: str, workers: int) -> Iterator[CellResult]:
    try:
        import ray
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ValueError(
            "--ray needs the optional dependency ray: pip install 'wgan-theory[distributed]'"
        ) from exc
    started = not ray.is_initialized()
    if started:
        if address == "local":
            ray.init(num_cpus=workers, include_dashboard=False, log_to_driver=False)
        else:
            ray.init(address=address, log_to_driver=False)
    try:
        remote = ray.remote(num_cpus=1)(run_cell)
        pending = [remote.remote(c) for c in cells]
        while pending:
            done, pending = ray.wait(pending, num_returns=1)
            for ref in done:
                yield ray.get(ref)
    finally:
        if started:
            ray.shutdown()


def run_sweep(
    settings: SweepSettings,
    out_dir: str | Path,
    *,
    workers: int = 1,
    ray_address: str | None = None,
    resume: bool = False,
    progress: bool = True,
    on_result: Callable[[CellResult], None] | None = None,
) -> SweepOutcome:
    """Run the sweep, writing ``cells.csv`` row by row, then the summary and figures.

    Parameters
    ----------
    settings : SweepSettings
        The grid and the per-cell settings.
    out_dir : path
        Output folder (created): ``cells.csv``, ``summary.csv``, ``summary.md``,
        ``value_error.png/pdf``, ``gradient_cosine.png/pdf``.
    workers : int, default 1
        Local processes (or Ray CPUs with ``ray_address="local"``). The processes are
        spawned, so a script that calls this with ``workers > 1`` needs the
        ``if __name__ == "__main__":`` guard.
    ray_address : str, optional
        Send the cells to Ray at this address (``"local"`` starts a local instance).
    resume : bool, default False
        Keep the rows of an existing ``cells.csv`` and run only the missing cells; without
        it an existing ``cells.csv`` is replaced.
    progress : bool, default True
        A tqdm progress bar on stderr.
    on_result : callable, optional
        Called with each newly finished cell.
    """
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ValueError(f"workers must be a positive integer; got {workers!r}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    cells_csv = out / "cells.csv"
    wanted = {c.key: c for c in settings.cells()}
    kept: list[CellResult] = []
    if resume:
        kept = [r for r in read_cells(cells_csv) if r.key in wanted]
    elif cells_csv.exists():
        cells_csv.unlink()
    done_keys = {r.key for r in kept}
    todo = [c for k, c in wanted.items() if k not in done_keys]
    start = time.perf_counter()
    results = list(kept)
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(wanted), initial=len(kept), desc="benchmark cells", unit="cell")
    stream = (_run_ray(todo, ray_address, workers) if ray_address is not None
              else _run_local(todo, workers))
    for res in stream:
        _append_row(cells_csv, res)
        results.append(res)
        if on_result is not None:
            on_result(res)
        if bar is not None:
            bar.set_postfix_str(res.key)
            bar.update(1)
    if bar is not None:
        bar.close()
    order = {k: i for i, k in enumerate(wanted)}
    results.sort(key=lambda r: order[r.key])
    table = BenchmarkTable.from_rows(results)
    paths = [cells_csv, *_write_outputs(table, out)]
    return SweepOutcome(table, len(todo), len(kept), time.perf_counter() - start, tuple(paths))


def _write_outputs(table: BenchmarkTable, out: Path) -> list[Path]:
    from ..benchmark.plots import cosine_figure, value_error_figure

    paths = [_write_summary_csv(out / "summary.csv", table.summary)]
    paths.append(write_text(out / "summary.md", summary_markdown(table)))
    paths += save_figure(value_error_figure(table.summary), out, "value_error")
    paths += save_figure(cosine_figure(table.summary), out, "gradient_cosine")
    return paths
