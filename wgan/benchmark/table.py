"""A sweep of benchmark cells as settings, and its table of results as an object.

:class:`SweepSettings` names the grid (dimensions x funnels x methods x seeds), the per-cell
settings, and per-method changes to them; :meth:`SweepSettings.cells` lists the cells.
:func:`summarise` reduces finished :class:`~wgan.benchmark.cell.CellResult` rows to one row per
(dimension, funnels, method) with the mean and the standard deviation over seeds, the scoring
noise, and Korotin et al.'s released number for the same method on the same pair
(:mod:`~wgan.benchmark.anchor`). :func:`best_per_pair` names each pair's best method against
their best published cosine. :func:`benchmark_table` computes a small sweep serially (the
``reproduce`` stage calls it); the parallel runner that writes files is
``wgan.app.benchmark_sweep``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from .anchor import ANCHOR_DIMS, ANCHOR_FUNNELS, OUR_NAMES, anchor_best, anchor_metrics
from .cell import BENCH_METHODS, BenchmarkCell, CellResult, run_cell

__all__ = [
    "ANCHOR_GRID_DIMS",
    "ANCHOR_GRID_FUNNELS",
    "ANCHOR_STEPS",
    "COSINE_THRESHOLD",
    "DEFAULT_DIMS",
    "VALUE_ERROR_THRESHOLD",
    "BenchmarkTable",
    "PairBest",
    "SummaryRow",
    "SweepSettings",
    "anchor_settings",
    "benchmark_table",
    "best_per_pair",
    "quick_settings",
    "summarise",
]

DEFAULT_DIMS: tuple[int, ...] = (2, 4, 8, 16, 32, 64)
COSINE_THRESHOLD = 0.9
"""A gradient cosine below this is reported as 'falls below'."""
VALUE_ERROR_THRESHOLD = 0.10
"""A relative value error beyond this (in absolute value) is reported as 'falls beyond'."""
ANCHOR_GRID_DIMS: tuple[int, ...] = (2, 16, 64)
ANCHOR_GRID_FUNNELS: tuple[int, ...] = (4, 16, 64)
#: Steps per method in the W1 benchmark's notebook at the commit of its released metrics
#: (0af1e05, notebooks/test_nd.ipynb): GP/LP 40 000, clipping and SN 5 000, sort-out 15 000.
#: (Its later commit 6ae670b has 60 000, 5 000, 10 000 and 25 000.)
#: ``otnet`` is ours, not theirs: its 2000 regression steps (:func:`anchor_settings`).
ANCHOR_STEPS: dict[str, int] = {"gp": 40_000, "lp": 40_000, "clip": 5_000, "sn": 5_000,
                                "groupsort": 15_000, "ot": 1, "otnet": 2_000}

Override = tuple[str, tuple[tuple[str, Any], ...]]


@dataclass(frozen=True)
class SweepSettings:
    """The grid of a sweep and the settings every cell shares.

    ``template`` carries the per-cell settings; its ``dim``, ``n_funnels``, ``method`` and
    ``seed`` are replaced by each grid point. ``funnels`` None keeps the template's.
    ``overrides`` changes fields for one method: ``(("clip", (("steps", 5000),)), ...)``.
    """

    dims: tuple[int, ...] = DEFAULT_DIMS
    methods: tuple[str, ...] = ("clip", "gp", "lp", "sn")
    seeds: tuple[int, ...] = (0, 1, 2)
    template: BenchmarkCell = field(
        default_factory=lambda: BenchmarkCell(dim=2, method="gp")
    )
    funnels: tuple[int, ...] | None = None
    overrides: tuple[Override, ...] = ()

    def __post_init__(self) -> None:
        for name in ("dims", "methods", "seeds"):
            if not getattr(self, name):
                raise ValueError(f"{name} must not be empty; got {getattr(self, name)!r}")
        if self.funnels is not None and not self.funnels:
            raise ValueError(f"funnels must not be empty; got {self.funnels!r}")
        bad = [m for m in self.methods if m not in BENCH_METHODS]
        if bad:
            raise ValueError(f"methods must be among {', '.join(BENCH_METHODS)}; got {bad}")
        self.cells()  # every cell validated before any work starts

    def cells(self) -> list[BenchmarkCell]:
        """Every (dim, funnels, method, seed) cell (the ``ot`` critic gets the seeds too:
        its samples change with the seed)."""
        extra = dict(self.overrides)
        ks = self.funnels if self.funnels is not None else (self.template.n_funnels,)
        return [replace(self.template, dim=d, n_funnels=k, method=m, seed=s,  # type: ignore[arg-type]
                        **dict(extra.get(m, ())))
                for d in self.dims for k in ks for m in self.methods for s in self.seeds]


def quick_settings(device: str = "cpu") -> SweepSettings:
    """The small sweep of the ``reproduce`` stage: 2-D and 8-D, GP and LP, one seed.

    500 steps of a 64-wide, 2-layer critic: the 4 cells took 20 s in one process at load
    average 6 on 2 cores (``wgan-theory benchmark --quick``, 2026-11-30).
    """
    return SweepSettings(dims=(2, 8), methods=("gp", "lp"), seeds=(0,),
                         template=BenchmarkCell(dim=2, method="gp", steps=500, width=64,
                                                depth=2, n_eval=4096, n_mc=2**15,
                                                device=device))  # type: ignore[arg-type]


def anchor_settings(
    device: str = "auto",
    *,
    dims: Sequence[int] = ANCHOR_GRID_DIMS,
    funnels: Sequence[int] = ANCHOR_GRID_FUNNELS,
    methods: Sequence[str] = ("clip", "gp", "lp", "sn", "groupsort", "ot", "otnet"),
    seeds: Sequence[int] = (0,),
    steps_scale: float = 1.0,
    n_ot: int = 4096,
) -> SweepSettings:
    """The W1 benchmark's settings on its own pairs (Korotin et al. 2022, ``test_nd.ipynb``).

    Their stored pairs (``pairs="kkb22"``), a critic with 2 hidden layers of max(2 d, 128)
    units and PyTorch's initialisation, Adam 2e-4 with betas (0, 0.9) (GroupSort: PyTorch's
    betas, as their sort-out), batch 1024, penalty 10, clipping box 0.04, spectral norm
    with 5 power iterations, GroupSort as one group per layer (their ``NUM_UNITS = 1``),
    the steps of :data:`ANCHOR_STEPS`, and scoring on 4096 + 4096 points. The exact-OT critic
    solves ``n_ot`` + ``n_ot`` samples (their discrete OT used 4096); ``otnet`` (ours) fits a
    network to that solution (width 256, 3 SiLU layers, Adam 1e-3, batch 512, 2000 steps).

    ``steps_scale`` multiplies every method's steps (at least 1 step): a reduced grid for a
    machine without a GPU. The sweep records the steps beside each row, so a reduced folder
    is never read as the full one.
    """
    if not (isinstance(steps_scale, (int, float)) and 0 < steps_scale <= 1):
        raise ValueError(f"steps_scale must be in (0, 1]; got {steps_scale!r}")
    template = BenchmarkCell(
        dim=2, method="gp", pairs="kkb22", n_funnels=4, steps=1, width=None, depth=2,
        batch_size=1024, lr=2e-4, optimizer="adam", betas=(0.0, 0.9), penalty_weight=10.0,
        clip=0.04, power_iterations=5, group_size=None, init="torch", n_eval=4096,
        n_ot=n_ot, device=device)  # type: ignore[arg-type]
    overrides: list[Override] = []
    for m in methods:
        change: list[tuple[str, Any]] = [("steps", max(1, round(ANCHOR_STEPS[m] * steps_scale)))]
        if m == "groupsort":
            change.append(("betas", (0.9, 0.999)))
        if m == "otnet":  # ours: the regression of fit_plan_network, at its defaults
            change += [("width", 256), ("depth", 3), ("batch_size", 512), ("lr", 1e-3)]
        overrides.append((m, tuple(change)))
    return SweepSettings(dims=tuple(dims), methods=tuple(methods), seeds=tuple(seeds),
                         template=template, funnels=tuple(funnels), overrides=tuple(overrides))


def _their(dim: int, n_funnels: int, method: str) -> tuple[float, float]:
    """Korotin et al.'s (cosine, relative error) for our ``method`` on their pair, or NaNs."""
    if dim not in ANCHOR_DIMS or n_funnels not in ANCHOR_FUNNELS:
        return math.nan, math.nan
    theirs = {OUR_NAMES[k]: v for k, v in anchor_metrics(dim, n_funnels).items()
              if k in OUR_NAMES}
    if method not in theirs:
        return math.nan, math.nan
    return theirs[method].cosine, theirs[method].relative_error


@dataclass(frozen=True)
class SummaryRow:
    """One (dimension, funnels, method, variant) of a sweep: mean and spread over seeds, scoring
    noise, and Korotin et al.'s number for the same method on their pair of that size."""

    dim: int
    n_funnels: int
    method: str
    pair: str
    variant: str
    """What sets these cells apart from the other cells of the same method and pair:
    ``field=value`` for each setting (:meth:`~.cell.BenchmarkCell.settings`) whose values
    differ between them, e.g. ``n_ot=16384``; empty when there is one setting per method and
    pair (the rows of one sweep)."""
    n_seeds: int
    w1: float
    raw_error: float
    raw_error_std: float
    raw_error_noise: float
    """Half-width of the 95 % scoring interval of one cell's raw error (mean over seeds)."""
    normalised_error: float
    normalised_error_std: float
    grad_cosine: float
    grad_cosine_std: float
    grad_cosine_noise: float
    """Half-width of the 95 % scoring interval of one cell's cosine (mean over seeds)."""
    grad_l2: float
    lipschitz: float
    steps: int
    seconds: float
    their_cosine: float
    """Their cosine for this method on their pair of this size (NaN where they have none)."""
    their_error: float
    """Their relative value error, likewise."""


def _mean_std(values: Sequence[float]) -> tuple[float, float]:
    n = len(values)
    mean = sum(values) / n
    if n < 2:
        return mean, 0.0
    return mean, math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1))


def _variants(keys: Sequence[tuple[int, int, str, str]]) -> dict[tuple[int, int, str, str], str]:
    """Each group's label: ``field=value`` for every setting whose values differ between the
    groups of the same (dim, funnels, method)."""
    siblings: dict[tuple[int, int, str], list[dict[str, Any]]] = {}
    for key in keys:
        siblings.setdefault(key[:3], []).append(json.loads(key[3]))
    out = {}
    for key in keys:
        groups = siblings[key[:3]]
        mine = json.loads(key[3])
        names = sorted({n for g in groups for n in g
                        if any(h.get(n) != g.get(n) for h in groups)})
        out[key] = ", ".join(f"{n}={_short(mine.get(n))}" for n in names)
    return out


def _short(v: Any) -> str:
    return f"{v:g}" if isinstance(v, float) else str(v)


def summarise(
    rows: Sequence[CellResult],
    settings: Sequence[Mapping[str, Any]] | None = None,
) -> tuple[SummaryRow, ...]:
    """One :class:`SummaryRow` per (dim, funnels, method, variant), sorted by method, dim,
    funnels, variant.

    Parameters
    ----------
    rows : sequence of CellResult
        Finished cells.
    settings : sequence of mapping, optional
        Each row's settings (:meth:`~.cell.BenchmarkCell.settings`, as ``cells.csv``
        records them), in the order of ``rows``. Cells of one method and pair whose settings
        differ (other than the seed) are then summarised apart, as variants named by what
        differs (:attr:`SummaryRow.variant`), never averaged as if they were seeds. Without
        it every cell of a method and pair counts as one of its seeds.

    Examples
    --------
    >>> from dataclasses import replace
    >>> from wgan.benchmark.cell import CellResult
    >>> row = CellResult(key="d2-k4-otnet-s0", dim=2, n_funnels=4, method="otnet", seed=0,
    ...     pair="kkb22-d2-k4", w1=1.0, w1_stderr=0.0, raw=1.0, raw_stderr=0.0, lipschitz=1.0,
    ...     normalised=1.0, raw_error=0.0, raw_error_lo=0.0, raw_error_hi=0.0,
    ...     normalised_error=0.0, grad_cosine=0.8, grad_cosine_lo=0.8, grad_cosine_hi=0.8,
    ...     grad_l2=0.0, grad_l2_normalised=0.0, steps=1, seconds=1.0, steps_per_second=1.0,
    ...     total_seconds=1.0, device="cpu", eval_device="cpu")
    >>> big = replace(row, grad_cosine=0.9)
    >>> [(s.variant, s.n_seeds, s.grad_cosine)
    ...  for s in summarise([row, big], [{"n_ot": 4096}, {"n_ot": 16384}])]
    [('n_ot=16384', 1, 0.9), ('n_ot=4096', 1, 0.8)]
    >>> [(s.variant, s.n_seeds) for s in summarise([row, big])]
    [('', 2)]
    """
    if settings is not None and len(settings) != len(rows):
        raise ValueError(f"settings must give one mapping per row: {len(settings)} for "
                         f"{len(rows)} rows")
    groups: dict[tuple[int, int, str, str], list[CellResult]] = {}
    for i, r in enumerate(rows):
        own = {} if settings is None else {k: v for k, v in settings[i].items() if k != "seed"}
        key = (r.dim, r.n_funnels, r.method, json.dumps(own, sort_keys=True))
        groups.setdefault(key, []).append(r)
    labels = _variants(list(groups))
    out = []
    for key, rs in sorted(groups.items(), key=lambda kv: (kv[0][2], kv[0][:2], labels[kv[0]])):
        dim, k, method, _ = key
        raw, raw_s = _mean_std([r.raw_error for r in rs])
        nor, nor_s = _mean_std([r.normalised_error for r in rs])
        cos, cos_s = _mean_std([r.grad_cosine for r in rs])
        their_cos, their_err = _their(dim, k, method)
        out.append(SummaryRow(
            dim=dim, n_funnels=k, method=method, pair=rs[0].pair, variant=labels[key],
            n_seeds=len(rs), w1=rs[0].w1, raw_error=raw, raw_error_std=raw_s,
            raw_error_noise=_mean_std([(r.raw_error_hi - r.raw_error_lo) / 2 for r in rs])[0],
            normalised_error=nor, normalised_error_std=nor_s, grad_cosine=cos,
            grad_cosine_std=cos_s,
            grad_cosine_noise=_mean_std([(r.grad_cosine_hi - r.grad_cosine_lo) / 2
                                         for r in rs])[0],
            grad_l2=_mean_std([r.grad_l2 for r in rs])[0],
            lipschitz=_mean_std([r.lipschitz for r in rs])[0],
            steps=rs[0].steps, seconds=_mean_std([r.seconds for r in rs])[0],
            their_cosine=their_cos, their_error=their_err,
        ))
    return tuple(out)


@dataclass(frozen=True)
class PairBest:
    """A pair's best method here against the best published cosine on it.

    ``reaches`` is whether our best mean cosine is at least theirs; ``margin`` ours - theirs.
    """

    dim: int
    n_funnels: int
    method: str
    variant: str
    """The best row's :attr:`SummaryRow.variant` (empty when it has none)."""
    cosine: float
    cosine_std: float
    cosine_noise: float
    their_method: str
    their_cosine: float
    margin: float
    reaches: bool


def best_per_pair(summary: Sequence[SummaryRow]) -> tuple[PairBest, ...]:
    """For each (dim, funnels) of their grid in ``summary``: our best method by mean cosine
    against their best published one (:func:`~.anchor.anchor_best`)."""
    pairs: dict[tuple[int, int], list[SummaryRow]] = {}
    for s in summary:
        if s.dim in ANCHOR_DIMS and s.n_funnels in ANCHOR_FUNNELS:
            pairs.setdefault((s.dim, s.n_funnels), []).append(s)
    out = []
    for (dim, k), rs in sorted(pairs.items()):
        best = max(rs, key=lambda s: s.grad_cosine)
        theirs = anchor_best(dim, k)
        margin = best.grad_cosine - theirs.cosine
        out.append(PairBest(dim, k, best.method, best.variant, best.grad_cosine,
                            best.grad_cosine_std, best.grad_cosine_noise, theirs.method,
                            theirs.cosine, margin, margin >= 0))
    return tuple(out)


@dataclass(frozen=True)
class BenchmarkTable:
    """Finished cells and their summary; the measurements of a sweep (no verdict).

    Attributes
    ----------
    rows : tuple of CellResult
        One per finished cell.
    summary : tuple of SummaryRow
        Mean and standard deviation over seeds per (dimension, funnels, method).
    """

    rows: tuple[CellResult, ...]
    summary: tuple[SummaryRow, ...]

    @classmethod
    def from_rows(cls, rows: Sequence[CellResult],
                  settings: Sequence[Mapping[str, Any]] | None = None) -> BenchmarkTable:
        """The table of ``rows`` (summary computed; ``settings`` as in :func:`summarise`)."""
        return cls(tuple(rows), summarise(rows, settings))

    def best(self) -> tuple[PairBest, ...]:
        """:func:`best_per_pair` of the summary."""
        return best_per_pair(self.summary)

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
