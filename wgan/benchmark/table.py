"""A sweep of benchmark cells as settings, and its table of results as an object.

:class:`SweepSettings` names the grid (dimensions x methods x seeds) and the per-cell
settings; :meth:`SweepSettings.cells` lists the cells. :func:`summarise` reduces finished
:class:`~wgan.benchmark.cell.CellResult` rows to one row per (dimension, method) with the mean
and the standard deviation over seeds, and the first dimension where a method falls below
cosine 0.9 or beyond 10 % value error. :func:`benchmark_table` computes a small sweep
serially and returns a :class:`BenchmarkTable` (the ``reproduce`` stage calls it);
the parallel runner that writes files is ``wgan.app.benchmark_sweep``.

The numbers Korotin et al. (2022) report are in :data:`PAPER_RELATIVE_ERRORS`, for the
table's side-by-side columns.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from .cell import BENCH_METHODS, BenchmarkCell, CellResult, run_cell

__all__ = [
    "COSINE_THRESHOLD",
    "DEFAULT_DIMS",
    "PAPER_RELATIVE_ERRORS",
    "VALUE_ERROR_THRESHOLD",
    "BenchmarkTable",
    "SummaryRow",
    "SweepSettings",
    "anchor_settings",
    "benchmark_table",
    "quick_settings",
    "summarise",
]

DEFAULT_DIMS: tuple[int, ...] = (2, 4, 8, 16, 32, 64)
COSINE_THRESHOLD = 0.9
"""A gradient cosine below this is reported as 'falls below'."""
VALUE_ERROR_THRESHOLD = 0.10
"""A relative value error beyond this (in absolute value) is reported as 'falls beyond'."""

#: Signed relative errors of the W1 estimate reported by Korotin et al. (2022) (their
#: ``metrics/`` files, as collected in the team's REFERENCE.md): keys (dimension, method),
#: values per number of funnels where known. Clipping and SN: raw estimates.
PAPER_RELATIVE_ERRORS: dict[tuple[int, str], dict[int | str, float]] = {
    (2, "gp"): {4: 0.049, 16: -0.094, 64: -0.449, 256: -0.691},
    (2, "lp"): {4: 0.083, 16: 0.027, 64: -0.029, 256: -0.215},
    (2, "sn"): {"low": -1.01, "high": -0.81},
    (2, "clip"): {"low": -1.05, "high": -0.90},
    (2, "ot"): {"low": 0.003, "high": 0.136},
    (128, "gp"): {"any": -0.14},
    (128, "lp"): {"any": -0.19},
    (128, "sn"): {"any": -0.73},
    (128, "clip"): {"any": 4.52},
}


@dataclass(frozen=True)
class SweepSettings:
    """The grid of a sweep and the settings every cell shares.

    ``template`` carries the per-cell settings (steps, network, device, ...); its ``dim``,
    ``method`` and ``seed`` are replaced by each grid point.
    """

    dims: tuple[int, ...] = DEFAULT_DIMS
    methods: tuple[str, ...] = ("clip", "gp", "lp", "sn")
    seeds: tuple[int, ...] = (0, 1, 2)
    template: BenchmarkCell = field(
        default_factory=lambda: BenchmarkCell(dim=2, method="gp")
    )

    def __post_init__(self) -> None:
        for name in ("dims", "methods", "seeds"):
            if not getattr(self, name):
                raise ValueError(f"{name} must not be empty; got {getattr(self, name)!r}")
        bad = [m for m in self.methods if m not in BENCH_METHODS]
        if bad:
            raise ValueError(f"methods must be among {', '.join(BENCH_METHODS)}; got {bad}")

    def cells(self) -> list[BenchmarkCell]:
        """Every (dim, method, seed) cell; the ``ot`` baseline is deterministic in the pair,
        so it gets the seeds too (its samples change with the seed)."""
        return [replace(self.template, dim=d, method=m, seed=s)  # type: ignore[arg-type]
                for d in self.dims for m in self.methods for s in self.seeds]


def quick_settings(device: str = "cpu") -> SweepSettings:
    """The small sweep of the ``reproduce`` stage: 2-D and 8-D, GP and LP, one seed.

    500 steps of a 64-wide, 2-layer critic: the 4 cells took 20 s in one process at load
    average 6 on 2 cores (``wgan-theory benchmark --quick``, 2026-11-30).
    """
    return SweepSettings(dims=(2, 8), methods=("gp", "lp"), seeds=(0,),
                         template=BenchmarkCell(dim=2, method="gp", steps=500, width=64,
                                                depth=2, n_eval=4096, n_mc=2**15,
                                                device=device))  # type: ignore[arg-type]


def anchor_settings(device: str = "auto", *, n_funnels: int = 4) -> SweepSettings:
    """The anchor check: 2-D, GP and LP at the W1 benchmark's settings, three seeds.

    Their code's settings (see REFERENCE.md): penalty weight 10, Adam with learning rate
    2e-4, batch 1024, 40 000 steps. Their critic's hidden sizes and Adam betas are not in the
    files we read; we keep our 128 x 3 ReLU critic and betas (0.5, 0.9). About 40 000 x 1024
    samples per side per cell: a GPU job (``benchmarks/gpu_critic_sweep.sh``).
    """
    return SweepSettings(dims=(2,), methods=("gp", "lp"), seeds=(0, 1, 2),
                         template=BenchmarkCell(dim=2, method="gp", n_funnels=n_funnels,
                                                steps=40_000, batch_size=1024, lr=2e-4,
                                                penalty_weight=10.0,
                                                device=device))  # type: ignore[arg-type]


@dataclass(frozen=True)
class SummaryRow:
    """One (dimension, method) of a sweep: mean and standard deviation over seeds."""

    dim: int
    method: str
    n_seeds: int
    w1: float
    raw_error: float
    raw_error_std: float
    normalised_error: float
    normalised_error_std: float
    grad_cosine: float
    grad_cosine_std: float
    grad_l2: float
    lipschitz: float
    seconds: float
    paper_error: str
    """Korotin et al.'s reported relative error at this dimension and method, or ''."""


def _mean_std(values: Sequence[float]) -> tuple[float, float]:
    n = len(values)
    mean = sum(values) / n
    if n < 2:
        return mean, 0.0
    return mean, math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1))


def _paper(dim: int, method: str, n_funnels: int) -> str:
    got = PAPER_RELATIVE_ERRORS.get((dim, method))
    if not got:
        return ""
    if n_funnels in got:
        return f"{got[n_funnels]:+.1%}"
    if "any" in got:
        return f"{got['any']:+.1%}"
    return f"{got['low']:+.0%} to {got['high']:+.0%}"


def summarise(rows: Sequence[CellResult]) -> tuple[SummaryRow, ...]:
    """One :class:`SummaryRow` per (dim, method), sorted by method then dimension."""
    groups: dict[tuple[int, str], list[CellResult]] = {}
    for r in rows:
        groups.setdefault((r.dim, r.method), []).append(r)
    out = []
    for (dim, method), rs in sorted(groups.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        raw, raw_s = _mean_std([r.raw_error for r in rs])
        nor, nor_s = _mean_std([r.normalised_error for r in rs])
        cos, cos_s = _mean_std([r.grad_cosine for r in rs])
        out.append(SummaryRow(
            dim=dim, method=method, n_seeds=len(rs), w1=rs[0].w1, raw_error=raw,
            raw_error_std=raw_s, normalised_error=nor, normalised_error_std=nor_s,
            grad_cosine=cos, grad_cosine_std=cos_s,
            grad_l2=_mean_std([r.grad_l2 for r in rs])[0],
            lipschitz=_mean_std([r.lipschitz for r in rs])[0],
            seconds=_mean_std([r.seconds for r in rs])[0],
            paper_error=_paper(dim, method, rs[0].n_funnels),
        ))
    return tuple(out)


@dataclass(frozen=True)
class BenchmarkTable:
    """Finished cells and their summary; the measurements of a sweep (no verdict).

    Attributes
    ----------
    rows : tuple of CellResult
        One per finished cell.
    summary : tuple of SummaryRow
        Mean and standard deviation over seeds per (dimension, method).
    """

    rows: tuple[CellResult, ...]
    summary: tuple[SummaryRow, ...]

    @classmethod
    def from_rows(cls, rows: Sequence[CellResult]) -> BenchmarkTable:
        """The table of ``rows`` (summary computed)."""
        return cls(tuple(rows), summarise(rows))

    def breakdowns(self) -> dict[str, dict[str, Any]]:
        """Per method: the smallest dimension where the mean gradient cosine falls below
        :data:`COSINE_THRESHOLD`, and where the mean |normalised error| (and |raw error|)
        goes beyond :data:`VALUE_ERROR_THRESHOLD`; None where it never does."""
        out: dict[str, dict[str, Any]] = {}
        for s in self.summary:
            d = out.setdefault(s.method, {"cosine_below": None, "normalised_beyond": None,
                                          "raw_beyond": None})
            checks = (("cosine_below", s.grad_cosine < COSINE_THRESHOLD),
                      ("normalised_beyond", abs(s.normalised_error) > VALUE_ERROR_THRESHOLD),
                      ("raw_beyond", abs(s.raw_error) > VALUE_ERROR_THRESHOLD))
            for name, hit in checks:
                if hit and (d[name] is None or s.dim < d[name]):
                    d[name] = s.dim
        return out


def benchmark_table(
    settings: SweepSettings | None = None,
    *,
    on_result: Callable[[CellResult], None] | None = None,
) -> BenchmarkTable:
    """Run every cell of ``settings`` serially in this process; returns the table.

    Parameters
    ----------
    settings : SweepSettings, optional
        Default: :func:`quick_settings` (2-D and 8-D, GP and LP, one seed), the ``reproduce``
        stage's sweep.
    on_result : callable, optional
        Called with each :class:`CellResult` as it finishes (a progress hook).
    """
    settings = settings or quick_settings()
    rows = []
    for cell in settings.cells():
        res = run_cell(cell)
        rows.append(res)
        if on_result is not None:
            on_result(res)
    return BenchmarkTable.from_rows(rows)
