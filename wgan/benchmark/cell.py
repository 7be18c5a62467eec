"""One cell of the critic benchmark: a (pair, method, seed) fitted and scored.

:func:`run_cell` builds the funnel pair of the cell, fits the critic
(:mod:`~wgan.benchmark.training`) or solves the exact-OT critic (:mod:`~wgan.benchmark.exact_ot`),
scores it with :func:`~wgan.benchmark.score.evaluate_critic` and returns a frozen
:class:`CellResult`. It writes no file: the sweep runner (``wgan.app.benchmark_sweep``) does.

Scoring always runs on the CPU in float64 (a copy of the critic), whatever device the fit
used: ``CellResult.device`` names the fit's device and ``CellResult.eval_device`` says "cpu".
The ``ot`` critic runs entirely on the CPU, and says so.
"""

from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass, fields
from typing import Any, Literal, get_args

from ..config import DEVICES, INITS
from ..device import torch_threads
from .checkpoints import discard_checkpoint, progress_path, record_progress
from .funnels import FunnelPair, make_funnel_pair
from .score import CriticScore, evaluate_critic
from .training import SCORE_SEED, fit_benchmark_critic

__all__ = [
    "BENCH_METHODS",
    "IDENTITY_FIELDS",
    "PAIR_SOURCES",
    "RUN_ONLY_FIELDS",
    "BenchMethod",
    "BenchmarkCell",
    "CellResult",
    "PairSource",
    "run_cell",
    "score_columns",
]

BenchMethod = Literal["clip", "gp", "lp", "sn", "groupsort", "ot", "otnet"]
"""A critic's Lipschitz control: weight clipping, gradient penalty, Lipschitz penalty, spectral
normalisation, GroupSort with Björck-orthonormal weights (Anil et al. 2019); or ``ot``, the
exact-OT critic (:mod:`~wgan.benchmark.exact_ot`: the certified discrete W1 of ``n_ot``
independent samples per side, its potential extended by McShane); or ``otnet``, a network
fitted to that solution's potentials and plan directions
(:func:`~wgan.benchmark.exact_ot.fit_plan_network`: ``steps`` Adam steps at ``lr``, batches of
``batch_size`` atoms, ``depth`` SiLU layers of ``width`` units)."""
BENCH_METHODS: tuple[str, ...] = get_args(BenchMethod)
PairSource = Literal["generated", "kkb22"]
"""``generated``: :func:`~.funnels.make_funnel_pair` with ``pair_seed``; ``kkb22``: Korotin et
al.'s stored pair (:func:`~.anchor.load_anchor_pair`)."""
PAIR_SOURCES: tuple[str, ...] = get_args(PairSource)

#: Fields that say where or how a cell runs, not what it computes: left out of
#: :meth:`BenchmarkCell.settings` (a sweep may resume on another device or thread count, and
#: a fit resumed from a checkpoint is the fit that ran straight through).
RUN_ONLY_FIELDS: tuple[str, ...] = ("device", "threads", "checkpoint_dir", "checkpoint_every")
#: Fields that name the cell inside a sweep (:attr:`BenchmarkCell.key`).
IDENTITY_FIELDS: tuple[str, ...] = ("dim", "n_funnels", "method", "seed")


@dataclass(frozen=True)
class BenchmarkCell:
    """Everything one cell needs; small and picklable, so it travels to worker processes.

    The optimiser settings are those of :data:`wgan.config.METHOD_DEFAULTS` unless given
    (``otnet``: width 256, batch 512, Adam 1e-3 unless given)
    (RMSProp 5e-5 with clipping 0.01 for ``clip``; Adam 1e-4, betas (0.5, 0.9) for gp, lp, sn;
    Adam 1e-4 with PyTorch's betas for ``groupsort``); the penalty weight is 10.
    :func:`~.table.anchor_settings` sets everything to the W1 benchmark's values.
    """

    dim: int
    """Dimension d of the pair."""
    method: BenchMethod
    """``clip``, ``gp``, ``lp``, ``sn``, ``groupsort`` or the exact-OT critic ``ot``."""
    seed: int = 0
    """Seed of the critic (initialisation, batches; ``ot``: its samples) and of the scoring."""
    n_funnels: int = 16
    """Funnels of the pair's potential (the difficulty knob)."""
    pairs: PairSource = "generated"
    """Which pairs: ours (``generated``, with ``pair_seed``) or Korotin et al.'s (``kkb22``)."""
    pair_seed: int = 0
    """Seed of a generated pair (funnel centres and offsets); fixed across methods and seeds."""
    steps: int = 2000
    """Critic optimisation steps."""
    width: int | None = 128
    """Hidden units per layer; None: max(2 d, 128), the W1 benchmark's."""
    depth: int = 3
    """Hidden layers of the critic."""
    batch_size: int | None = None
    """Samples per side per step; None: the method's default (64 for clip, 256 otherwise)."""
    lr: float | None = None
    """Learning rate; None: the method's default."""
    optimizer: str | None = None
    """``adam`` or ``rmsprop``; None: the method's default."""
    betas: tuple[float, float] | None = None
    """Adam's betas; None: the method's default."""
    penalty_weight: float = 10.0
    """lambda of gp / lp."""
    clip: float = 0.01
    """Weight-clipping box for ``clip``."""
    power_iterations: int = 1
    """Power iterations per training step of spectral normalisation (``sn``)."""
    group_size: int | None = 2
    """GroupSort's group size (``groupsort``); None: the whole layer (FullSort)."""
    bjorck_iterations: int = 20
    """Björck iterations per forward pass (``groupsort``)."""
    init: str = "wgan-gp"
    """Critic initialisation (:data:`wgan.nets.Init`)."""
    device: str = "auto"
    """Device of the critic's fit: ``auto``, ``cpu`` or ``cuda``."""
    threads: int = 1
    """torch CPU threads in this cell."""
    n_eval: int = 8192
    """Scoring points per side (:func:`~.score.evaluate_critic`)."""
    n_ot: int = 1024
    """Samples per side of the ``ot`` critic."""
    n_mc: int = 2**17
    """Plan samples behind the pair's Monte Carlo W1."""
    checkpoint_dir: str | None = None
    """Folder of the fit's checkpoints (:mod:`~.checkpoints`); None: none. A neural critic's
    fit resumes from its checkpoint there and saves one every ``checkpoint_every`` steps."""
    checkpoint_every: int = 1000
    """Steps between two checkpoints (with ``checkpoint_dir``)."""

    def __post_init__(self) -> None:
        if self.method not in BENCH_METHODS:
            raise ValueError(f"method must be one of {', '.join(BENCH_METHODS)}; "
                             f"got {self.method!r}")
        if self.pairs not in PAIR_SOURCES:
            raise ValueError(f"pairs must be one of {', '.join(PAIR_SOURCES)}; "
                             f"got {self.pairs!r}")
        if self.init not in INITS:
            raise ValueError(f"init must be one of {', '.join(INITS)}; got {self.init!r}")
        if self.device not in DEVICES:
            raise ValueError(f"device must be one of {', '.join(DEVICES)}; got {self.device!r}")
        if self.optimizer not in (None, "adam", "rmsprop"):
            raise ValueError(f"optimizer must be adam or rmsprop; got {self.optimizer!r}")
        for name in ("dim", "n_funnels", "steps", "depth", "threads", "n_eval", "n_mc",
                     "power_iterations", "bjorck_iterations", "checkpoint_every"):
            _positive(name, getattr(self, name))
        for name in ("width", "batch_size", "group_size"):
            if getattr(self, name) is not None:
                _positive(name, getattr(self, name))
        for name in ("seed", "pair_seed"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int) or v < 0:
                raise ValueError(f"{name} must be a non-negative integer; got {v!r}")
        if isinstance(self.n_ot, bool) or not isinstance(self.n_ot, int) or self.n_ot < 2:
            raise ValueError(f"n_ot must be an integer >= 2; got {self.n_ot!r}")
        for name in ("lr", "penalty_weight", "clip"):
            v = getattr(self, name)
            if v is not None and (isinstance(v, bool) or not isinstance(v, (int, float))
                                  or not (math.isfinite(v) and v > 0)):
                raise ValueError(f"{name} must be a finite positive number; got {v!r}")
        if self.betas is not None and not (
                len(self.betas) == 2 and all(isinstance(b, (int, float)) and 0 <= b < 1
                                             for b in self.betas)):
            raise ValueError(f"betas must be two numbers in [0, 1); got {self.betas!r}")
        if self.pairs == "kkb22":
            from .anchor import ANCHOR_DIMS, ANCHOR_FUNNELS

            if self.dim not in ANCHOR_DIMS or self.n_funnels not in ANCHOR_FUNNELS:
                raise ValueError(
                    f"Korotin et al.'s pairs have dim in {ANCHOR_DIMS} and n_funnels in "
                    f"{ANCHOR_FUNNELS}; got dim={self.dim}, n_funnels={self.n_funnels}")

    @property
    def key(self) -> str:
        """The cell's identity in a sweep: ``d{dim}-k{n_funnels}-{method}-s{seed}``."""
        return f"d{self.dim}-k{self.n_funnels}-{self.method}-s{self.seed}"

    def settings(self) -> dict[str, Any]:
        """Every field that changes the cell's numbers, except its identity (:attr:`key`).

        The sweep records it beside each row and refuses to resume a cell whose recorded
        settings differ. Device and threads are left out (:data:`RUN_ONLY_FIELDS`).
        """
        skip = set(RUN_ONLY_FIELDS) | set(IDENTITY_FIELDS)
        out = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in skip}
        out["betas"] = list(self.betas) if self.betas is not None else None
        return out

    def critic_width(self, dim: int) -> int:
        """Hidden units of the critic in dimension ``dim``."""
        return self.width if self.width is not None else max(2 * dim, 128)

    def pair(self) -> FunnelPair:
        """The cell's funnel pair (deterministic in its settings)."""
        if self.pairs == "kkb22":
            from .anchor import load_anchor_pair

            return load_anchor_pair(self.dim, self.n_funnels, n_mc=self.n_mc)
        return make_funnel_pair(self.dim, self.n_funnels, seed=self.pair_seed, n_mc=self.n_mc)


def _positive(name: str, v: object) -> None:
    if isinstance(v, bool) or not isinstance(v, int) or v < 1:
        raise ValueError(f"{name} must be a positive integer; got {v!r}")


@dataclass(frozen=True)
class CellResult:
    """The measurements of one cell (one CSV row).

    Attributes
    ----------
    key, dim, n_funnels, method, seed : identity of the cell
    pair : str
        The pair's name (``funnels-d2-k4``, ``kkb22-d2-k4``).
    w1, w1_stderr : float
        The pair's W1 (Monte Carlo) and its standard error.
    raw, raw_stderr : float
        :math:`E_P f - E_Q f` on ``n_eval`` + ``n_eval`` fresh independent points, and its
        standard error from the two samples' variances (the scoring noise).
    lipschitz : float
        K: the largest gradient norm over the scoring points and their interpolates.
    normalised : float
        raw / K.
    raw_error, normalised_error : float
        Signed relative errors against ``w1``.
    raw_error_lo, raw_error_hi : float
        95 % interval of ``raw_error`` from the scoring noise.
    grad_cosine, grad_l2, grad_l2_normalised : float
        See :class:`~.score.CriticScore` (``cosine``, ``l2``, ``l2_normalised``).
    grad_cosine_lo, grad_cosine_hi : float
        95 % interval of the cosine from the scoring sample.
    steps : int
        Critic steps (0 for ``ot``; ``otnet``: regression steps).
    seconds : float
        Wall time of the fit (``ot``: of the exact solve; ``otnet``: solve and regression).
    steps_per_second : float
        steps / seconds (0 for ``ot``).
    total_seconds : float
        Wall time of the whole cell: pair, fit, scoring.
    device, eval_device : str
        Where the fit and the scoring ran.
    """

    key: str
    dim: int
    n_funnels: int
    method: str
    seed: int
    pair: str
    w1: float
    w1_stderr: float
    raw: float
    raw_stderr: float
    lipschitz: float
    normalised: float
    raw_error: float
    raw_error_lo: float
    raw_error_hi: float
    normalised_error: float
    grad_cosine: float
    grad_cosine_lo: float
    grad_cosine_hi: float
    grad_l2: float
    grad_l2_normalised: float
    steps: int
    seconds: float
    steps_per_second: float
    total_seconds: float
    device: str
    eval_device: str

    def to_dict(self) -> dict[str, Any]:
        """The fields as a dict (one CSV row)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, row: dict[str, Any]) -> CellResult:
        """Inverse of :meth:`to_dict`, also from a CSV row of strings (ValueError naming the
        field when one is missing or does not parse)."""
        kw: dict[str, Any] = {}
        for f in fields(cls):
            if row.get(f.name) is None:
                raise ValueError(f"column {f.name!r} is missing")
            v = row[f.name]
            try:
                kw[f.name] = v if f.type == "str" else (int(v) if f.type == "int" else float(v))
            except (TypeError, ValueError):
                raise ValueError(f"column {f.name!r} holds {v!r}, not a number") from None
        return cls(**kw)


#: CellResult columns named differently in :class:`~.score.CriticScore` (the rest share names;
#: ``*_lo`` / ``*_hi`` are the ends of the score's ``*_ci``).
_SCORE_NAMES = {"grad_cosine": "cosine", "grad_l2": "l2", "grad_l2_normalised": "l2_normalised"}


def score_columns(score: CriticScore) -> dict[str, Any]:
    """The columns of a :class:`CellResult` that come from the cell's score, by name.

    >>> from wgan.benchmark import make_funnel_pair
    >>> pair = make_funnel_pair(2, 4, n_mc=4096)
    >>> cols = score_columns(evaluate_critic(pair.potential, pair, n=256))
    >>> cols["grad_cosine"], sorted(cols)[:3]
    (1.0, ['grad_cosine', 'grad_cosine_hi', 'grad_cosine_lo'])
    """
    values = score.to_dict()
    out: dict[str, Any] = {}
    for f in fields(CellResult):
        if f.name in IDENTITY_FIELDS or f.name in ("key", "pair"):
            continue
        name = _SCORE_NAMES.get(f.name, f.name)
        end = name[-3:]
        base = _SCORE_NAMES.get(name[:-3], name[:-3]) + "_ci"
        if name in values:
            out[f.name] = values[name]
        elif end in ("_lo", "_hi") and base in values:
            out[f.name] = values[base][end == "_hi"]
    return out


def _critic_row(cell: BenchmarkCell, pair: FunnelPair) -> dict[str, Any]:
    fit = fit_benchmark_critic(cell, pair)
    score = evaluate_critic(fit.critic, pair, n=cell.n_eval, seed=SCORE_SEED + cell.seed)
    folder = cell.checkpoint_dir
    if folder is not None:
        if progress_path(folder, cell.key).exists():  # a learning curve: its last point
            record_progress(folder, cell.key, step=cell.steps, seconds=fit.seconds,
                            score=score)
        discard_checkpoint(folder, cell.key)
    return {"score": score, "steps": cell.steps, "seconds": fit.seconds, "device": fit.device,
            "earlier": fit.resumed_seconds}


def _ot_row(cell: BenchmarkCell, pair: FunnelPair) -> dict[str, Any]:
    from .exact_ot import fit_exact_ot_critic

    fit = fit_exact_ot_critic(pair, cell.n_ot, seed=cell.seed)
    score = evaluate_critic(fit.critic, pair, n=cell.n_eval, seed=SCORE_SEED + cell.seed)
    return {"score": score, "steps": 0, "seconds": fit.seconds, "device": "cpu"}


def _otnet_row(cell: BenchmarkCell, pair: FunnelPair) -> dict[str, Any]:
    from .exact_ot import fit_plan_network

    fit = fit_plan_network(pair, cell.n_ot, seed=cell.seed, steps=cell.steps,
                           width=cell.width or 256, depth=cell.depth,
                           batch_size=cell.batch_size or 512,
                           lr=cell.lr if cell.lr is not None else 1e-3)
    score = evaluate_critic(fit.critic, pair, n=cell.n_eval, seed=SCORE_SEED + cell.seed)
    return {"score": score, "steps": cell.steps, "seconds": fit.seconds + fit.fit_seconds,
            "device": "cpu"}


_ROWS = {"ot": _ot_row, "otnet": _otnet_row}


def run_cell(cell: BenchmarkCell) -> CellResult:
    """Fit and measure one cell; returns its :class:`CellResult`.

    Examples
    --------
    >>> cell = BenchmarkCell(dim=2, method="gp", n_funnels=4, steps=20, width=16, depth=2,
    ...                      n_eval=256, n_mc=4096, device="cpu")
    >>> res = run_cell(cell)
    >>> res.key, res.steps, -1.0 <= res.grad_cosine <= 1.0
    ('d2-k4-gp-s0', 20, True)
    """
    start = time.perf_counter()
    with torch_threads(cell.threads):
        pair = cell.pair()
        row = _ROWS.get(cell.method, _critic_row)(cell, pair)
    seconds = float(row["seconds"])
    earlier = float(row.get("earlier", 0.0))  # fit time of the runs before a checkpoint
    return CellResult(
        key=cell.key, dim=cell.dim, n_funnels=cell.n_funnels, method=cell.method,
        seed=cell.seed, pair=pair.name, **score_columns(row["score"]),
        steps=int(row["steps"]), seconds=seconds,
        steps_per_second=row["steps"] / seconds if row["steps"] and seconds > 0 else 0.0,
        total_seconds=time.perf_counter() - start + earlier,
        device=str(row["device"]), eval_device="cpu",
    )
