"""One cell of the critic benchmark: a (pair, method, seed) fitted and measured.

:func:`run_cell` builds the funnel pair of the cell, fits the critic (or solves the exact
discrete OT for the ``ot`` baseline), and returns a frozen :class:`CellResult`. It writes no
file: the sweep runner (``wgan.app.benchmark_sweep``) does.

Evaluation always runs on the CPU in float64 (a copy of the critic), whatever device the fit
used: ``CellResult.device`` names the fit's device and ``CellResult.eval_device`` says "cpu".
The ``ot`` baseline runs entirely on the CPU (POT's network simplex), and says so.
"""

from __future__ import annotations

import copy
import time
from dataclasses import asdict, dataclass, fields
from typing import Any, Literal, get_args

import numpy as np
import torch
from torch import nn

from ..config import DEVICES, INITS, CriticConfig
from ..lipschitz import lipschitz_estimates, normalise
from ..nets import critic_values
from .funnels import FunnelPair, make_funnel_pair
from .metrics import gradient_agreement, relative_error

__all__ = [
    "BENCH_METHODS",
    "BenchMethod",
    "BenchmarkCell",
    "CellResult",
    "fit_cell_critic",
    "run_cell",
]

BenchMethod = Literal["clip", "gp", "lp", "sn", "ot"]
"""A critic's Lipschitz control (as in :data:`wgan.config.Method`), or ``ot``: the exact
discrete OT on ``n_ot`` samples per side (value) with its LP potential extended by McShane
(gradient)."""
BENCH_METHODS: tuple[str, ...] = get_args(BenchMethod)


@dataclass(frozen=True)
class BenchmarkCell:
    """Everything one cell needs; small and picklable, so it travels to worker processes.

    The critic's optimiser settings are those of :data:`wgan.config.METHOD_DEFAULTS` unless
    ``lr`` or ``batch_size`` are given (RMSProp 5e-5 with clipping 0.01 for ``clip``; Adam
    1e-4, betas (0.5, 0.9) otherwise); the penalty weight is 10 (WGAN-GP's, and the W1
    benchmark's code's).
    """

    dim: int
    """Dimension d of the pair."""
    method: BenchMethod
    """``clip``, ``gp``, ``lp``, ``sn`` or the ``ot`` baseline."""
    seed: int = 0
    """Seed of the critic (initialisation, batches) and of the evaluation points."""
    n_funnels: int = 16
    """Funnels of the pair's potential (the difficulty knob)."""
    pair_seed: int = 0
    """Seed of the pair (funnel centres and offsets); fixed across methods and seeds."""
    steps: int = 2000
    """Critic optimisation steps."""
    width: int = 128
    """Hidden units per layer of the critic."""
    depth: int = 3
    """Hidden layers of the critic."""
    batch_size: int | None = None
    """Samples per side per step; None: the method's default (64 for clip, 256 otherwise)."""
    lr: float | None = None
    """Learning rate; None: the method's default."""
    penalty_weight: float = 10.0
    """lambda of gp / lp."""
    clip: float = 0.01
    """Weight-clipping box for ``clip``."""
    init: str = "wgan-gp"
    """Critic initialisation (:data:`wgan.nets.Init`)."""
    device: str = "auto"
    """Device of the critic's fit: ``auto``, ``cpu`` or ``cuda``."""
    threads: int = 1
    """torch CPU threads in this cell."""
    n_eval: int = 8192
    """Fresh plan samples for the value and gradient metrics."""
    n_lipschitz: int = 1000
    """Points per side for the Lipschitz estimate."""
    n_ot: int = 1024
    """Samples per side of the ``ot`` baseline."""
    n_mc: int = 2**17
    """Plan samples behind the pair's Monte Carlo W1."""

    def __post_init__(self) -> None:
        if self.method not in BENCH_METHODS:
            raise ValueError(f"method must be one of {', '.join(BENCH_METHODS)}; "
                             f"got {self.method!r}")
        if self.init not in INITS:
            raise ValueError(f"init must be one of {', '.join(INITS)}; got {self.init!r}")
        if self.device not in DEVICES:
            raise ValueError(f"device must be one of {', '.join(DEVICES)}; got {self.device!r}")
        for name in ("dim", "n_funnels", "steps", "width", "depth", "threads", "n_eval",
                     "n_lipschitz", "n_ot", "n_mc"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int) or v < 1:
                raise ValueError(f"{name} must be a positive integer; got {v!r}")
        for name in ("seed", "pair_seed"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int) or v < 0:
                raise ValueError(f"{name} must be a non-negative integer; got {v!r}")
        if self.n_ot < 2:
            raise ValueError(f"n_ot must be at least 2; got {self.n_ot}")

    @property
    def key(self) -> str:
        """The cell's identity in a sweep: ``d{dim}-k{n_funnels}-{method}-s{seed}``."""
        return f"d{self.dim}-k{self.n_funnels}-{self.method}-s{self.seed}"

    def pair(self) -> FunnelPair:
        """The cell's funnel pair (deterministic in dim, n_funnels, pair_seed, n_mc)."""
        return make_funnel_pair(self.dim, self.n_funnels, seed=self.pair_seed, n_mc=self.n_mc)

    def critic_config(self) -> CriticConfig:
        """The :class:`~wgan.config.CriticConfig` of the fit (not for ``ot``)."""
        if self.method == "ot":
            raise ValueError("the ot baseline fits no critic")
        return CriticConfig(method=self.method, width=self.width,  # type: ignore[arg-type]
                            depth=self.depth, batch_size=self.batch_size, lr=self.lr,
                            penalty_weight=self.penalty_weight, clip=self.clip,
                            seed=self.seed, device=self.device,  # type: ignore[arg-type]
                            threads=self.threads, iterations=self.steps,
                            init=self.init)  # type: ignore[arg-type]


@dataclass(frozen=True)
class CellResult:
    """The measurements of one cell (one CSV row).

    Attributes
    ----------
    key, dim, n_funnels, method, seed : identity of the cell
    w1, w1_stderr : float
        The pair's W1 (Monte Carlo) and its standard error.
    raw : float
        :math:`E_P f - E_Q f` on ``n_eval`` fresh points per side (``ot``: the exact discrete
        W1 of ``n_ot`` samples per side).
    lipschitz : float
        Largest gradient norm over samples and interpolates (``ot``: 1, the potential's
        McShane extension is 1-Lipschitz by construction).
    normalised : float
        raw / lipschitz.
    raw_error, normalised_error : float
        Signed relative errors against ``w1``.
    grad_cosine, grad_l2, grad_l2_normalised : float
        See :mod:`wgan.benchmark.metrics`.
    steps : int
        Critic steps (0 for ``ot``).
    seconds : float
        Wall time of the fit (``ot``: of the exact solve).
    steps_per_second : float
        steps / seconds (0 for ``ot``).
    total_seconds : float
        Wall time of the whole cell: pair, fit, evaluation.
    device, eval_device : str
        Where the fit and the evaluation ran.
    """

    key: str
    dim: int
    n_funnels: int
    method: str
    seed: int
    w1: float
    w1_stderr: float
    raw: float
    lipschitz: float
    normalised: float
    raw_error: float
    normalised_error: float
    grad_cosine: float
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
        """Inverse of :meth:`to_dict`, also from a CSV row of strings."""
        kw: dict[str, Any] = {}
        for f in fields(cls):
            v = row[f.name]
            kw[f.name] = v if f.type == "str" else (int(v) if f.type == "int" else float(v))
        return cls(**kw)


def fit_cell_critic(cell: BenchmarkCell, pair: FunnelPair) -> tuple[nn.Module, float, str]:
    """Fit the cell's critic on fresh batches of the pair; (critic, seconds, device name)."""
    from ..critic import fit_critic
    from ..device import resolve_device

    cfg = cell.critic_config()
    device = resolve_device(cfg.device)
    critic, seconds = fit_critic(pair.sample_p, pair.sample_q, cfg, dim=pair.dim)
    return critic, seconds, device.type


def _eval_points(cell: BenchmarkCell, pair: FunnelPair) -> tuple[torch.Tensor, torch.Tensor]:
    gen = torch.Generator().manual_seed(1_000_003 + cell.seed)
    return pair.sample_plan(cell.n_eval, gen)


def _critic_row(cell: BenchmarkCell, pair: FunnelPair) -> dict[str, Any]:
    critic, seconds, device = fit_cell_critic(cell, pair)
    f64 = copy.deepcopy(critic).to("cpu").double().eval()
    x, y = _eval_points(cell, pair)
    raw = float(critic_values(f64, x).mean() - critic_values(f64, y).mean())
    k = min(cell.n_lipschitz, cell.n_eval)
    gen = torch.Generator().manual_seed(2_000_003 + cell.seed)
    lip = lipschitz_estimates(f64, x[:k], y[:k], gen).max_gradient_norm
    yq = y.clone().requires_grad_(True)
    (grad_f,) = torch.autograd.grad(f64(yq).sum(), yq)
    agree = gradient_agreement(grad_f, pair.gradient(y), lipschitz=lip if lip > 0 else 1.0)
    return {"raw": raw, "lipschitz": lip, "normalised": normalise(raw, lip), "agree": agree,
            "steps": cell.steps, "seconds": seconds, "device": device}


def _ot_row(cell: BenchmarkCell, pair: FunnelPair) -> dict[str, Any]:
    from distances import Discrete, earth_mover_solution

    gen = torch.Generator().manual_seed(3_000_017 + cell.seed)
    xs = pair.sample_plan(cell.n_ot, gen)[0].numpy()
    ys = pair.sample_plan(cell.n_ot, gen)[1].numpy()  # an independent draw: not the plan
    start = time.perf_counter()
    sol = earth_mover_solution(Discrete(xs), Discrete(ys))
    seconds = time.perf_counter() - start
    assert sol.y is not None
    _, y = _eval_points(cell, pair)
    z = y.numpy()
    # McShane (c-transform) extension f(z) = min_j |z - y_j| - v_j, 1-Lipschitz and optimal
    # on the samples (distances.dual.c_transform); its gradient is the unit vector from the
    # minimising atom.
    grads = np.empty_like(z)
    for s in range(0, len(z), 2048):
        d = z[s : s + 2048, None, :] - sol.y[None, :, :]
        dist = np.sqrt((d**2).sum(axis=2))
        j = (dist - sol.v[None, :]).argmin(axis=1)
        g = d[np.arange(len(j)), j]
        grads[s : s + 2048] = g / np.maximum(np.linalg.norm(g, axis=1, keepdims=True), 1e-300)
    agree = gradient_agreement(torch.from_numpy(grads), pair.gradient(y))
    return {"raw": sol.value, "lipschitz": 1.0, "normalised": sol.value, "agree": agree,
            "steps": 0, "seconds": seconds, "device": "cpu"}


def run_cell(cell: BenchmarkCell) -> CellResult:
    """Fit and measure one cell; returns its :class:`CellResult`.

    Examples
    --------
    >>> cell = BenchmarkCell(dim=2, method="gp", n_funnels=4, steps=20, width=16, depth=2,
    ...                      n_eval=256, n_lipschitz=64, n_mc=4096, device="cpu")
    >>> res = run_cell(cell)
    >>> res.key, res.steps, -1.0 <= res.grad_cosine <= 1.0
    ('d2-k4-gp-s0', 20, True)
    """
    start = time.perf_counter()
    torch.set_num_threads(cell.threads)
    pair = cell.pair()
    row = _ot_row(cell, pair) if cell.method == "ot" else _critic_row(cell, pair)
    agree = row["agree"]
    seconds = float(row["seconds"])
    return CellResult(
        key=cell.key, dim=cell.dim, n_funnels=cell.n_funnels, method=cell.method,
        seed=cell.seed, w1=pair.w1, w1_stderr=pair.w1_stderr, raw=float(row["raw"]),
        lipschitz=float(row["lipschitz"]), normalised=float(row["normalised"]),
        raw_error=relative_error(row["raw"], pair.w1),
        normalised_error=relative_error(row["normalised"], pair.w1),
        grad_cosine=agree.cosine, grad_l2=agree.l2, grad_l2_normalised=agree.l2_normalised,
        steps=int(row["steps"]), seconds=seconds,
        steps_per_second=row["steps"] / seconds if row["steps"] and seconds > 0 else 0.0,
        total_seconds=time.perf_counter() - start,
        device=str(row["device"]), eval_device="cpu",
    )
