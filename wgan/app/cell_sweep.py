"""A generic sweep of cells: (key, settings) -> one CSV row, resumable, local workers or Ray.

Any kind of cell can use it (the critic benchmark's, and cells of other sweeps): a
:class:`Job` carries the cell's ``key`` (its identity), its ``settings`` (every setting that
changes its numbers, JSON-able) and a picklable ``payload`` that ``run(payload)`` turns into a
row (a dict over the sweep's columns, ``key`` included). :func:`run_jobs`

* appends each finished row to the CSV at once, with its settings as a JSON column, so an
  interrupted sweep loses at most the cells in flight;
* on ``resume`` keeps the rows whose key and settings match a job, and refuses in one line
  (:class:`SweepFileError`) a row whose key matches but whose settings differ (a stale cell
  is never reported as a new one), a file with other columns, a file that is not UTF-8 text,
  a malformed row before the last, or a row that ``check_row`` rejects; a last row cut by an
  interrupted write is dropped (the file is truncated to the rows before it) and that cell
  runs again, with a one-line note; a duplicated row counts once;
* runs the jobs in this process, in ``workers`` spawned processes (which ignore Ctrl-C: the
  parent stops them), or on Ray (the address is checked for a listener first, so an
  unreachable one fails in seconds);
* turns Ctrl-C into :class:`SweepInterrupted`, after every finished row has been written.

:func:`run_for_cli` and :func:`finished_lines` are what a command built on it prints: one line
and exit status 2 for bad input, one line saying how to resume and 130 for Ctrl-C, and the
count of cells run and resumed with the files written.
"""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import socket
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import IO, Any, TypeVar

__all__ = [
    "SETTINGS_COLUMN",
    "Job",
    "JobsOutcome",
    "SweepFileError",
    "SweepInterrupted",
    "check_ray_address",
    "finished_lines",
    "read_rows",
    "run_for_cli",
    "run_jobs",
]

T = TypeVar("T")

SETTINGS_COLUMN = "settings"
"""The CSV column holding each row's settings (compact JSON, keys sorted)."""


class SweepFileError(ValueError):
    """A sweep's CSV cannot be resumed as it is (the message says why, in one line)."""


class SweepInterrupted(KeyboardInterrupt):
    """Ctrl-C stopped the sweep; ``written`` rows of this run are in ``path``."""

    def __init__(self, path: Path, written: int, remaining: int) -> None:
        super().__init__(f"interrupted: {written} cells written to {path}, {remaining} not run")
        self.path, self.written, self.remaining = path, written, remaining


@dataclass(frozen=True)
class Job:
    """One cell: its identity, its result-changing settings, and what ``run`` needs."""

    key: str
    settings: Mapping[str, Any]
    payload: Any


@dataclass(frozen=True)
class JobsOutcome:
    """Rows of the sweep's jobs (kept ones first, in file order, then new ones as finished),
    how many ran now and were kept, and the notes said along the way."""

    rows: tuple[dict[str, str], ...]
    ran: int
    kept: int
    notes: tuple[str, ...]


def _settings_text(settings: Mapping[str, Any]) -> str:
    return json.dumps(settings, sort_keys=True, separators=(",", ":"))


def read_rows(
    path: Path,
    columns: Sequence[str],
    *,
    check_row: Callable[[dict[str, str]], None] | None = None,
) -> tuple[list[dict[str, str]], list[str]]:
    """The rows of a sweep CSV and notes; repairs a cut last row (truncating the file).

    Raises :class:`SweepFileError` (naming the file and what is wrong) for anything else.
    """
    expected = [*columns, SETTINGS_COLUMN]
    if not path.exists():
        return [], []
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SweepFileError(f"{path} is not a UTF-8 text CSV (byte {data[exc.start]:#04x} at "
                             f"offset {exc.start}); move it away or use another --out") from None
    if not text:
        return [], []
    lines = text.splitlines(keepends=True)
    header = next(csv.reader([lines[0]]), [])
    if header != expected:
        missing = [c for c in expected if c not in header]
        extra = [c for c in header if c not in expected]
        raise SweepFileError(
            f"{path} does not have this sweep's columns (missing: {', '.join(missing) or '-'}; "
            f"unexpected: {', '.join(extra) or '-'}); it was written by another version or "
            "is not a cells file: use another --out")
    rows: list[dict[str, str]] = []
    notes: list[str] = []
    seen: dict[str, dict[str, str]] = {}
    good_bytes = len(lines[0].encode())
    for number, line in enumerate(lines[1:], start=2):
        last = number == len(lines)
        fields = next(csv.reader([line]), [])
        if not line.endswith(("\n", "\r")) or len(fields) != len(expected):
            if last:
                notes.append(f"{path}: its last row (line {number}) was cut by an interrupted "
                             "write; that cell runs again")
                with path.open("r+b") as fh:
                    fh.truncate(good_bytes)
                break
            raise SweepFileError(f"{path}, line {number}: {len(fields)} fields where "
                                 f"{len(expected)} are expected; fix or remove the line")
        row = dict(zip(expected, fields, strict=True))
        try:
            json.loads(row[SETTINGS_COLUMN])
            if check_row is not None:
                check_row(row)
        except ValueError as exc:
            raise SweepFileError(f"{path}, line {number}: {exc}") from None
        good_bytes += len(line.encode())
        if row["key"] in seen:
            if seen[row["key"]] != row:
                raise SweepFileError(f"{path}, line {number}: a second, different row for "
                                     f"{row['key']}; remove one of them")
            notes.append(f"{path}, line {number}: a duplicate of {row['key']}'s row, counted once")
            continue
        seen[row["key"]] = row
        rows.append(row)
    return rows, notes


def _append(path: Path, columns: Sequence[str], row: Mapping[str, Any], settings: str) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    if not path.exists() or path.stat().st_size == 0:
        writer.writerow([*columns, SETTINGS_COLUMN])
    writer.writerow([*(row[c] for c in columns), settings])
    with path.open("a", newline="") as fh:
        fh.write(buf.getvalue())
        fh.flush()


def _first_difference(old: Mapping[str, Any], new: Mapping[str, Any]) -> str:
    for name in sorted(set(old) | set(new)):
        if old.get(name) != new.get(name):
            return f"{name}={old.get(name)!r} there, {name}={new.get(name)!r} here"
    return "the same settings"  # pragma: no cover - only called on a difference


def check_ray_address(address: str, *, timeout: float = 5.0) -> None:
    """Raise ValueError in seconds when nothing listens at a ``host:port`` Ray address.

    ``local`` and ``auto`` are left to Ray; ``ray://host:port`` and ``host:port`` are tried
    with a TCP connection first (Ray itself keeps retrying an unreachable address for
    minutes).
    """
    if address in ("local", "auto"):
        return
    hostport = address.split("://", 1)[1] if "://" in address else address
    host, sep, port = hostport.rpartition(":")
    if not sep or not host or not port.isdigit():
        raise ValueError(f"a Ray address is local, auto, host:port or ray://host:port; "
                         f"got {address!r}")
    try:
        with socket.create_connection((host, int(port)), timeout=timeout):
            pass
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise ValueError(f"cannot reach a Ray cluster at {address}: {reason}") from None


def _ignore_sigint() -> None:  # pragma: no cover - runs in the worker processes
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _run_local(run: Callable[[Any], Any], payloads: list[Any], workers: int) -> Iterator[Any]:
    if workers == 1 or len(payloads) <= 1:  # a finished sweep resumed: no pool of 0
        for p in payloads:
            yield run(p)
        return
    pool = get_context("spawn").Pool(min(workers, len(payloads)), initializer=_ignore_sigint)
    try:
        yield from pool.imap_unordered(run, payloads)
        pool.close()
    except BaseException:
        pool.terminate()
        raise
    finally:
        pool.join()


def _run_ray(run: Callable[[Any], Any], payloads: list[Any], address: str,
             workers: int) -> Iterator[Any]:
    check_ray_address(address)
    try:
        import ray
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ValueError(
            "--ray needs the optional dependency ray: pip install 'wgan-theory[distributed]'"
        ) from exc
    started = not ray.is_initialized()
    if started:
        try:
            if address == "local":
                ray.init(num_cpus=workers, include_dashboard=False, log_to_driver=False)
            else:
                ray.init(address=address, log_to_driver=False)
        except (ConnectionError, RuntimeError) as exc:
            raise ValueError(f"cannot reach a Ray cluster at {address}: {exc}") from None
    try:
        remote = ray.remote(num_cpus=1)(run)
        pending = [remote.remote(p) for p in payloads]
        while pending:
            done, pending = ray.wait(pending, num_returns=1)
            for ref in done:
                yield ray.get(ref)
    finally:
        if started:
            ray.shutdown()


def run_jobs(
    jobs: Sequence[Job],
    run: Callable[[Any], Mapping[str, Any]],
    path: str | os.PathLike[str],
    columns: Sequence[str],
    *,
    resume: bool = False,
    workers: int = 1,
    ray_address: str | None = None,
    check_row: Callable[[dict[str, str]], None] | None = None,
    on_row: Callable[[Mapping[str, Any]], None] | None = None,
    on_note: Callable[[str], None] | None = None,
) -> JobsOutcome:
    """Run the jobs not already in ``path`` (with ``resume``), appending a row per finished job.

    ``run`` must be a module-level function (it travels to worker processes) returning a
    mapping over ``columns`` whose ``key`` is the job's. The folder of ``path`` must exist.
    Without ``resume`` an existing file is replaced.
    """
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ValueError(f"workers must be a positive integer; got {workers!r}")
    if "key" not in columns:
        raise ValueError("columns must include 'key'")
    keys = [j.key for j in jobs]
    if len(set(keys)) != len(keys):
        raise ValueError("two jobs share a key; every cell of a sweep needs its own")
    p = Path(path)
    notes: list[str] = []
    kept: list[dict[str, str]] = []
    if resume:
        found, notes = read_rows(p, columns, check_row=check_row)
        by_key = {r["key"]: r for r in found}
        for job in jobs:
            row = by_key.get(job.key)
            if row is None:
                continue
            old = json.loads(row[SETTINGS_COLUMN])
            new = json.loads(_settings_text(job.settings))
            if old != new:
                raise SweepFileError(
                    f"{p} holds {job.key} computed with {_first_difference(old, new)}; "
                    "resume with the settings it was run with, or use another --out")
            kept.append(row)
    elif p.exists():
        p.unlink()
    for note in notes:
        if on_note is not None:
            on_note(note)
    done = {r["key"] for r in kept}
    todo = [j for j in jobs if j.key not in done]
    texts = {j.key: _settings_text(j.settings) for j in todo}
    payloads = [j.payload for j in todo]
    new_rows: list[dict[str, str]] = []
    stream = (_run_ray(run, payloads, ray_address, workers) if ray_address is not None
              else _run_local(run, payloads, workers))
    try:
        for row in stream:
            _append(p, columns, row, texts[row["key"]])
            new_rows.append({**{c: str(row[c]) for c in columns},
                             SETTINGS_COLUMN: texts[row["key"]]})
            if on_row is not None:
                on_row(row)
    except KeyboardInterrupt:
        raise SweepInterrupted(p, len(new_rows), len(todo) - len(new_rows)) from None
    finally:
        stream.close()  # stops the workers at once, whatever ended the loop
    return JobsOutcome(tuple(kept + new_rows), len(todo), len(kept), tuple(notes))


def run_for_cli(prog: str, work: Callable[[], T], *,
                stream: IO[str] | None = None) -> tuple[int, T | None]:
    """Run a command's sweep: ``(0, what work returned)``, or an exit status after one line.

    ``ValueError`` (bad input, a refused resume): ``{prog}: error: ...`` and status 2.
    Ctrl-C (:class:`SweepInterrupted`): how many cells are in the file, how many did not run,
    and that the same command with ``--resume`` runs the rest; status 130 (also for a Ctrl-C
    before the sweep started). The line goes to ``stream`` (default: stderr); no traceback.

    >>> import io
    >>> err = io.StringIO()
    >>> def bad():
    ...     raise ValueError("dims must be positive; got -1")
    >>> run_for_cli("wgan-theory x", bad, stream=err), err.getvalue()
    ((2, None), 'wgan-theory x: error: dims must be positive; got -1\\n')
    """
    out = sys.stderr if stream is None else stream
    try:
        return 0, work()
    except ValueError as exc:
        print(f"{prog}: error: {exc}", file=out)
        return 2, None
    except SweepInterrupted as exc:
        print(f"{prog}: interrupted: {exc.written} cells of this run are in {exc.path}, "
              f"{exc.remaining} not run; the same command with --resume runs the rest",
              file=out)
        return 130, None
    except KeyboardInterrupt:
        print(f"{prog}: interrupted before any cell finished; the same command with --resume "
              "starts again", file=out)
        return 130, None


def finished_lines(ran: int, kept: int, seconds: float, paths: Iterable[os.PathLike[str] | str]
                   ) -> str:
    """What a finished sweep prints last: cells run and resumed, its wall time, the files.

    >>> print(finished_lines(3, 1, 2.0, ["out/cells.csv"]))
    3 cells run, 1 resumed, 2.0 s
    wrote out/cells.csv
    """
    return "\n".join([f"{ran} cells run, {kept} resumed, {seconds:.1f} s",
                      *(f"wrote {p}" for p in paths)])
