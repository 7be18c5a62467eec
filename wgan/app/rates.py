r"""The sample complexity of W1, measured: ``wgan-theory rates``.

A cell is one (law, kind, dimension, sample size, seed) and one exact W1 value
(:func:`distances.sample_complexity.empirical_w1`): the law against its empirical measure
(``kind="law"``, closed form, 1-D only) or two independent empirical measures
(``kind="two-sample"``, any dimension, the project's certified exact solvers). The cells run
through the generic sweep of :mod:`wgan.app.cell_sweep` (the critic benchmark's): one CSV row per
finished cell with its settings, resumable, in this process, in local processes or on Ray.

From the cells :func:`summarise` makes the means per size and the fitted log-log slopes with
their 95 % intervals (least squares over every seed's value,
:func:`distances.sample_complexity.fit_slope`) beside the theory's rates, and :func:`rate_checks`
judges them: each slope's interval against the theory's slope, the 1-D uniform means against their
exact expectation, and the finite-sample floor that Figure 1's verdict uses against the measured
two-sample values at its size.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np

from distances.paper.results import CheckResult, EvidenceTable
from distances.sample_complexity import (
    LAWS,
    SlopeFit,
    empirical_w1,
    expected_w1_uniform_1d,
    fit_slope,
    theory_rate,
    theory_slope,
)

from .artifacts import save_figure, write_csv, write_text
from .cell_sweep import (
    Job,
    SweepFileError,
    SweepInterrupted,
    check_ray_address,
    read_rows,
    run_jobs,
)

__all__ = [
    "CELL_COLUMNS",
    "MAX_SIZE",
    "RateCell",
    "RateMean",
    "RateSlope",
    "RatesOutcome",
    "RatesSettings",
    "SweepFileError",
    "SweepInterrupted",
    "plot_rates",
    "rate_checks",
    "read_cells",
    "run_rates",
    "summarise",
]

#: Version of the cells' computation, in every cell's settings: a file computed otherwise
#: (another sampler, another solver) is refused by ``--resume``, never mixed in.
COMPUTATION = "rates-1: default_rng([seed, dim, n, law, kind]); 1-D closed forms; earth_mover"
#: The largest sample size accepted (the sparse solver's memory grows with n; 10^6 is the
#: solver issue's own target).
MAX_SIZE = 1_000_000
#: The largest dimension accepted.
MAX_DIM = 64
#: Figure 1's sample size (:func:`distances.paper.example1.figure1_data`'s default ``n``).
FIGURE1_N = 256


@dataclass(frozen=True)
class RateCell:
    """One cell: a W1 value of one draw."""

    law: str
    kind: str
    dim: int
    n: int
    seed: int

    @property
    def key(self) -> str:
        return f"{self.law}-{self.kind}-d{self.dim}-n{self.n}-s{self.seed}"

    def settings(self) -> dict[str, Any]:
        """Every setting that changes the cell's number."""
        return {"law": self.law, "kind": self.kind, "dim": self.dim, "n": self.n,
                "seed": self.seed, "computation": COMPUTATION}


#: Columns of cells.csv before the settings column, in order.
CELL_COLUMNS: tuple[str, ...] = ("key", "law", "kind", "dim", "n", "seed", "w1", "seconds")


def _run(cell: RateCell) -> dict[str, Any]:
    start = time.perf_counter()
    w1 = empirical_w1(cell.law, cell.kind, cell.dim, cell.n, cell.seed)  # type: ignore[arg-type]
    return {**asdict(cell), "key": cell.key, "w1": w1, "seconds": time.perf_counter() - start}


def _check_row(row: dict[str, str]) -> None:
    try:
        cell = RateCell(row["law"], row["kind"], int(row["dim"]), int(row["n"]), int(row["seed"]))
        w1 = float(row["w1"])
    except ValueError:
        raise ValueError(f"a row with a non-numeric dim, n, seed or w1: {row['key']}") from None
    if cell.key != row["key"]:
        raise ValueError(f"key {row['key']} contradicts its columns ({cell.key})")
    if not (math.isfinite(w1) and w1 >= 0):
        raise ValueError(f"{row['key']}: W1 must be finite and >= 0; got {row['w1']}")


def read_cells(path: str | Path) -> list[dict[str, str]]:
    """The rows of a rates ``cells.csv`` (empty if it does not exist); SweepFileError, naming
    the file, for one that cannot be read."""
    rows, _ = read_rows(Path(path), CELL_COLUMNS, check_row=_check_row)
    return rows


def _ints(values: Sequence[Any], name: str, low: int, high: int) -> tuple[int, ...]:
    out = []
    for v in values:
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or not low <= v <= high:
            raise ValueError(f"{name} must be integers from {low} to {high}; got {v!r}")
        out.append(int(v))
    if not out:
        raise ValueError(f"{name} must not be empty")
    if len(set(out)) != len(out):
        raise ValueError(f"{name} must not repeat a value; got {list(values)}")
    return tuple(out)


@dataclass(frozen=True)
class RatesSettings:
    """The grid of a rates sweep (validated: ValueError naming the rule and the value).

    Attributes
    ----------
    dims : tuple of int
        Dimensions, 1 to :data:`MAX_DIM`.
    sizes : tuple of int
        Sample sizes n, at least two different ones, 2 to :data:`MAX_SIZE`.
    seeds : int
        Seeds 0, 1, ..., seeds - 1 per (law, kind, dim, n); at least 2 (the interval needs a
        spread).
    laws : tuple of str
        Of :data:`distances.sample_complexity.LAWS`.
    max_size : tuple of (int, int)
        (dim, largest n) pairs: sizes above it are left out in that dimension, which must keep
        two sizes.
    """

    dims: tuple[int, ...] = (1, 2, 3, 5, 8)
    sizes: tuple[int, ...] = (100, 1000, 10000)
    seeds: int = 5
    laws: tuple[str, ...] = LAWS
    max_size: tuple[tuple[int, int], ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "dims", _ints(self.dims, "dims", 1, MAX_DIM))
        sizes = tuple(sorted(_ints(self.sizes, "sizes", 2, MAX_SIZE)))
        if len(sizes) < 2:
            raise ValueError(f"sizes must hold at least two sizes to fit a slope; got "
                             f"{list(sizes)}")
        object.__setattr__(self, "sizes", sizes)
        if isinstance(self.seeds, bool) or not isinstance(self.seeds, int) or self.seeds < 2:
            raise ValueError(f"seeds must be an integer >= 2 (the slope's interval needs a "
                             f"spread over seeds); got {self.seeds!r}")
        if not self.laws or any(law not in LAWS for law in self.laws):
            raise ValueError(f"laws must be some of {', '.join(LAWS)}; got {list(self.laws)}")
        for dim, cap in self.max_size:
            if dim not in self.dims:
                raise ValueError(f"max_size names dimension {dim}, which is not among the "
                                 f"dims {list(self.dims)}")
            if sum(n <= cap for n in sizes) < 2:
                raise ValueError(f"max_size {dim}={cap} leaves fewer than two of the sizes "
                                 f"{list(sizes)} in dimension {dim}")

    def sizes_for(self, dim: int) -> tuple[int, ...]:
        """The sizes run in dimension ``dim``."""
        cap = dict(self.max_size).get(dim, MAX_SIZE)
        return tuple(n for n in self.sizes if n <= cap)

    def cells(self) -> list[RateCell]:
        """Every cell, smallest samples first (so an interrupted sweep has every small size)."""
        cells = [RateCell(law, kind, dim, n, seed)
                 for dim in self.dims for n in self.sizes_for(dim) for law in self.laws
                 for kind in (("law", "two-sample") if dim == 1 else ("two-sample",))
                 for seed in range(self.seeds)]
        return sorted(cells, key=lambda c: (c.n, c.dim))


@dataclass(frozen=True)
class RateMean:
    """The mean and spread over seeds of one (law, kind, dim, n); ``exact`` is the exact
    expectation where known (1-D uniform, law vs sample), NaN elsewhere."""

    law: str
    kind: str
    dim: int
    n: int
    seeds: int
    mean: float
    std: float
    exact: float = math.nan


@dataclass(frozen=True)
class RateSlope:
    """The fitted log-log slope of one (law, kind, dim) beside the theory's."""

    law: str
    kind: str
    dim: int
    n_min: int
    n_max: int
    sizes: int
    seeds: int
    slope: float
    low: float
    high: float
    stderr: float
    intercept: float
    spread: float
    theory_rate: str
    theory_slope: float
    contains_theory: bool

    def predict(self, n: float) -> float:
        """The fitted mean W1 at size ``n`` (the line through the logs)."""
        return math.exp(self.intercept + self.slope * math.log(n))


@dataclass(frozen=True)
class RatesOutcome:
    """What a sweep did: the means, the slopes, the checks, and the files written."""

    means: tuple[RateMean, ...]
    slopes: tuple[RateSlope, ...]
    checks: tuple[CheckResult, ...]
    ran: int
    kept: int
    seconds: float
    paths: tuple[Path, ...]
    notes: tuple[str, ...] = field(default=())


def summarise(rows: Sequence[Mapping[str, Any]]) -> tuple[tuple[RateMean, ...],
                                                          tuple[RateSlope, ...]]:
    """Means per (law, kind, dim, n) and slopes per (law, kind, dim) from cell rows."""
    groups: dict[tuple[str, str, int], list[tuple[int, float]]] = {}
    for r in rows:
        key = (str(r["law"]), str(r["kind"]), int(r["dim"]))
        groups.setdefault(key, []).append((int(r["n"]), float(r["w1"])))
    means, slopes = [], []
    for (law, kind, dim), pts in sorted(groups.items()):
        n = np.array([p[0] for p in pts], dtype=float)
        w = np.array([p[1] for p in pts])
        for size in np.unique(n):
            v = w[n == size]
            exact = (expected_w1_uniform_1d(int(size)) if (law, kind, dim) == ("uniform", "law", 1)
                     else math.nan)
            means.append(RateMean(law, kind, dim, int(size), v.size, float(v.mean()),
                                  float(v.std(ddof=1)) if v.size > 1 else math.nan, exact))
        if np.unique(n).size < 2 or n.size < 3:
            continue
        fit: SlopeFit = fit_slope(n, w)
        ref = theory_slope(dim, np.unique(n))
        slopes.append(RateSlope(law, kind, dim, int(n.min()), int(n.max()), np.unique(n).size,
                                int(min(np.sum(n == s) for s in np.unique(n))), fit.slope,
                                fit.low, fit.high, fit.stderr, fit.intercept, fit.residual_std,
                                theory_rate(dim),
                                ref, fit.contains(ref)))
    return tuple(means), tuple(slopes)


def _slope_table(slopes: Sequence[RateSlope]) -> EvidenceTable:
    return EvidenceTable(
        "Fitted log-log slopes (95 % interval) and the theory's",
        ("law", "kind", "d", "n", "slope", "interval", "theory", "theory slope", "inside"),
        tuple((s.law, s.kind, s.dim, f"{s.n_min}-{s.n_max}", round(s.slope, 3),
               f"[{s.low:.3f}, {s.high:.3f}]", s.theory_rate, round(s.theory_slope, 3),
               s.contains_theory) for s in slopes))


def rate_checks(means: Sequence[RateMean], slopes: Sequence[RateSlope], *,
                figure1_floor: float | None = None) -> tuple[CheckResult, ...]:
    """Judge the measured rates.

    * **Theory's rates**: every slope's 95 % interval contains the theory's slope over the same
      sizes (:func:`distances.sample_complexity.theory_slope`).
    * **Exact expectation, 1-D**: every 1-D uniform law-vs-sample mean lies within 4 standard
      errors (its seeds' std / sqrt(seeds)) of :func:`expected_w1_uniform_1d`.
    * **Figure 1's floor**: with ``figure1_floor`` (the floor that Figure 1's verdict uses: the
      exact W1 between two independent samples of :data:`FIGURE1_N` uniform points), it lies
      within a factor exp(+-3 s) of the fitted 1-D uniform two-sample line at that size, s the
      fit's residual spread on the log scale (the seeds' spread).
    """
    checks = []
    if slopes:
        bad = [f"{s.law} {s.kind} d={s.dim}: slope {s.slope:.3f} [{s.low:.3f}, {s.high:.3f}] "
               f"excludes the theory's {s.theory_slope:.3f} ({s.theory_rate})"
               for s in slopes if not s.contains_theory]
        checks.append(CheckResult(
            "Sample complexity of W1, rates",
            "E W1 between a law and its n-sample (1-D) and between two independent n-samples, "
            "fitted as log W1 = a + b log n by least squares over every seed's value; the 95 % "
            "interval of b against the theory's slope over the same sizes (slopes.csv).",
            (_slope_table(slopes),), not bad, tuple(bad),
            statement="E W1(mu, mu_n) decays like n^(-1/2) in 1-D, sqrt(log n / n) in 2-D "
            "(uniform square), n^(-1/d) for d >= 3 (Dudley 1969; Ajtai, Komlós, Tusnády 1984; "
            "Fournier and Guillin 2015).",
            headline="; ".join(f"{s.law} {s.kind} {s.dim}-D {s.slope:.3f} "
                               f"[{s.low:.3f}, {s.high:.3f}] vs {s.theory_slope:.3f}"
                               for s in slopes)))
    exact = [m for m in means if not math.isnan(m.exact)]
    if exact:
        rows, bad = [], []
        for m in exact:
            se = m.std / math.sqrt(m.seeds)
            z = (m.mean - m.exact) / se if se > 0 else math.inf
            rows.append((m.n, m.seeds, m.mean, m.exact, round(z, 2)))
            if not abs(z) <= 4:
                bad.append(f"n={m.n}: mean {m.mean:.6g} is {z:+.1f} standard errors from the "
                           f"exact {m.exact:.6g}")
        checks.append(CheckResult(
            "Sample complexity of W1, exact expectation in 1-D",
            "The mean over seeds of the closed-form W1(U[0,1], mu_n) against its exact "
            "expectation (de Moivre's binomial mean deviation integrated exactly); within 4 "
            "standard errors.",
            (EvidenceTable("1-D uniform, law vs sample",
                           ("n", "seeds", "mean", "exact E W1", "z"), tuple(rows)),),
            not bad, tuple(bad),
            statement="E W1(U[0,1], mu_n) = (2 / (n (n+1) (n+2))) sum_j (j+1)(n-j) "
            "[I_{(j+1)/n} - I_{j/n}](j+2, n-j+1) ~ sqrt(pi/32) n^(-1/2).",
            headline=", ".join(f"n={r[0]}: z={r[4]}" for r in rows)))
    fit = next((s for s in slopes if (s.law, s.kind, s.dim) == ("uniform", "two-sample", 1)),
               None)
    if figure1_floor is not None and fit is not None:
        spread = fit.spread
        centre = fit.predict(FIGURE1_N)
        low, high = centre * math.exp(-3 * spread), centre * math.exp(3 * spread)
        ok = low <= figure1_floor <= high
        checks.append(CheckResult(
            "Sample complexity of W1, Figure 1's floor",
            f"Figure 1's finite-sample floor (exact W1 between two independent samples of "
            f"{FIGURE1_N} points of U[0, 1], seed 0) against the fitted 1-D uniform two-sample "
            f"line at n = {FIGURE1_N}, within a factor exp(+-3 s), s = {spread:.3f} the seeds' "
            "spread on the log scale.",
            (EvidenceTable("Figure 1's floor", ("n", "floor", "fitted mean", "low", "high"),
                           ((FIGURE1_N, figure1_floor, centre, low, high),)),),
            ok, () if ok else (f"Figure 1's floor {figure1_floor:.4g} lies outside "
                               f"[{low:.4g}, {high:.4g}]",),
            statement="The floor a verdict uses is a typical value of W1 between two "
            "independent samples of that size.",
            headline=f"floor {figure1_floor:.4f}, fitted mean {centre:.4f} "
            f"[{low:.4f}, {high:.4f}]"))
    return tuple(checks)


def plot_rates(means: Sequence[RateMean], slopes: Sequence[RateSlope]) -> Any:
    """One log-log panel per law (stacked): mean W1 against n (error bars: the seeds' std), the
    fitted lines, the theory's rates (dotted, through the fitted value at the smallest size)
    and, for the 1-D uniform law, the exact expectation (grey).

    Returns the matplotlib Figure.
    """
    import matplotlib.pyplot as plt

    laws = [law for law in LAWS if any(m.law == law for m in means)]
    fig, axes = plt.subplots(len(laws), 1, figsize=(6.4, 4.6 * len(laws)), squeeze=False,
                             layout="constrained")
    dims = sorted({m.dim for m in means})
    colours = {d: f"C{i}" for i, d in enumerate(dims)}
    for ax, law in zip(axes[:, 0], laws, strict=True):
        for s in (s for s in slopes if s.law == law):
            pts = [m for m in means if (m.law, m.kind, m.dim) == (s.law, s.kind, s.dim)]
            n = np.array([m.n for m in pts], dtype=float)
            two = s.kind == "two-sample"
            ax.errorbar(n, [m.mean for m in pts], yerr=[m.std for m in pts],
                        fmt="o" if two else "s", mfc=colours[s.dim] if two else "none",
                        color=colours[s.dim], capsize=2, ms=4,
                        label=f"d={s.dim} {'two samples' if two else 'law vs sample'}: "
                              f"{s.slope:.3f} [{s.low:.3f}, {s.high:.3f}]")
            grid = np.geomspace(s.n_min, s.n_max, 50)
            ax.plot(grid, [s.predict(x) for x in grid], color=colours[s.dim],
                    ls="-" if two else "--", lw=1)
            rate = _rate_curve(s.dim, grid)
            ax.plot(grid, s.predict(s.n_min) * rate / rate[0], color="k", ls=":", lw=0.8)
        exact = [m for m in means if m.law == law and not math.isnan(m.exact)]
        if exact:
            ax.plot([m.n for m in exact], [m.exact for m in exact], color="0.5", lw=3,
                    alpha=0.5, zorder=0, label="exact E W1(law, sample), 1-D")
        ax.plot([], [], "k:", lw=0.8, label="theory's rate (through the first fitted point)")
        ax.set(xscale="log", yscale="log", xlabel="sample size n", ylabel="E W1",
               title=f"{'uniform cube' if law == 'uniform' else 'standard Gaussian'}: "
                     "fitted slope [95 % interval]")
        ax.legend(fontsize=7)
    return fig


def _rate_curve(dim: int, n: np.ndarray) -> np.ndarray:
    if dim == 1:
        return n**-0.5
    if dim == 2:
        return np.sqrt(np.log(n) / n)
    return n ** (-1.0 / dim)


def _markdown(means: Sequence[RateMean], slopes: Sequence[RateSlope],
              checks: Sequence[CheckResult], command: str) -> str:
    lines = ["# Sample complexity of W1", "", f"Command: `{command}`", "",
             "Cells: exact W1 per (law, kind, dimension, n, seed) in cells.csv; means.csv and "
             "slopes.csv below; figure rates.png.", ""]
    for c in checks:
        lines += [c.to_markdown(["rates.png"] if c is checks[0] else ()), ""]
    lines += ["## Means over seeds", "", "| law | kind | d | n | seeds | mean W1 | std |",
              "|---|---|---:|---:|---:|---:|---:|"]
    lines += [f"| {m.law} | {m.kind} | {m.dim} | {m.n} | {m.seeds} | {m.mean:.5g} | "
              f"{m.std:.2g} |" for m in means]
    return "\n".join(lines) + "\n"


def _write_outputs(out: Path, means: Sequence[RateMean], slopes: Sequence[RateSlope],
                   checks: Sequence[CheckResult], command: str) -> list[Path]:
    mcols = [f.name for f in fields(RateMean)]
    scols = [f.name for f in fields(RateSlope)]
    paths = [write_csv(out / "means.csv", mcols, ([getattr(m, c) for c in mcols] for m in means)),
             write_csv(out / "slopes.csv", scols,
                       ([getattr(s, c) for c in scols] for s in slopes))]
    if slopes:
        paths += save_figure(plot_rates(means, slopes), out, "rates")
    paths.append(write_text(out / "report.md", _markdown(means, slopes, checks, command)))
    return paths


def run_rates(
    settings: RatesSettings,
    out_dir: str | Path,
    *,
    workers: int = 1,
    ray_address: str | None = None,
    resume: bool = False,
    check_figure1: bool = True,
    command: str = "",
    on_row: Callable[[Mapping[str, Any], int, int], None] | None = None,
    on_note: Callable[[str], None] | None = None,
) -> RatesOutcome:
    """Run the cells (``out_dir/cells.csv``, one row per finished cell), then write
    ``means.csv``, ``slopes.csv``, ``rates.png``/``.pdf`` and ``report.md``.

    ``workers``, ``ray_address`` and ``resume`` are those of
    :func:`wgan.app.cell_sweep.run_jobs`. ``on_row(row, done, total)`` is called as each cell
    finishes. With ``check_figure1`` (and 1-D uniform cells) Figure 1's floor is recomputed
    (:func:`distances.paper.example1.figure1_data`) and checked. Raises
    :class:`~wgan.app.cell_sweep.SweepInterrupted` on Ctrl-C, after every finished cell has
    been written.
    """
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ValueError(f"workers must be a positive integer; got {workers!r}")
    if ray_address is not None:
        check_ray_address(ray_address)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    cells = settings.cells()
    jobs = [Job(c.key, c.settings(), c) for c in cells]
    start = time.perf_counter()
    count = [0]

    def row_done(row: Mapping[str, Any]) -> None:
        count[0] += 1
        if on_row is not None:
            on_row(row, count[0], len(jobs))

    done = run_jobs(jobs, _run, out / "cells.csv", CELL_COLUMNS, resume=resume,
                    workers=workers, ray_address=ray_address, check_row=_check_row,
                    on_row=row_done, on_note=on_note)
    means, slopes = summarise(done.rows)
    floor = None
    if check_figure1 and 1 in settings.dims and "uniform" in settings.laws:
        from distances.paper.example1 import figure1_data

        floor = float(figure1_data([0.0], n=FIGURE1_N, seed=0).columns["floor"][0])
    checks = rate_checks(means, slopes, figure1_floor=floor)
    paths = [out / "cells.csv", *_write_outputs(out, means, slopes, checks, command)]
    return RatesOutcome(means, slopes, checks, done.ran, done.kept,
                        time.perf_counter() - start, tuple(paths), done.notes)
