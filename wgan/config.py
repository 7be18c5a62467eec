"""Typed configuration of critic fits and WGAN training runs, validated before any work starts.

Every option with a handful of string values is a ``Literal``; every field has a docstring.
``None`` in an optimiser field means "the default of the Lipschitz method" (see
:data:`METHOD_DEFAULTS`): weight clipping gets Algorithm 1 of the paper (RMSProp, learning
rate 5e-5, c = 0.01, m = 64, n_critic = 5), the penalties and spectral normalisation get the
WGAN-GP settings (Adam, 1e-4, betas (0.5, 0.9)). RMSProp is PyTorch's with its defaults
(alpha 0.99, eps 1e-8, no momentum), which is what the WGAN authors' PyTorch code
(``optim.RMSprop(netD.parameters(), lr=5e-5)``) ran.

This module imports no torch, so the CLI can build and validate a configuration cheaply.
"""

from __future__ import annotations

import math
import os
from dataclasses import asdict, dataclass, fields, replace
from typing import Any, Literal, get_args

__all__ = [
    "DATASETS",
    "DEVICES",
    "INITS",
    "MAX_THREADS",
    "METHODS",
    "METHOD_DEFAULTS",
    "PAIRS",
    "CriticConfig",
    "Dataset",
    "Device",
    "Init",
    "Method",
    "MethodDefaults",
    "PairName",
    "TrainConfig",
]

Method = Literal["clip", "gp", "lp", "sn"]
"""Lipschitz control: weight clipping, gradient penalty, one-sided (Lipschitz) penalty,
spectral normalisation."""
Device = Literal["auto", "cpu", "cuda"]
Dataset = Literal["8gaussians", "25gaussians", "swissroll"]
PairName = Literal["translation", "dilation", "example1", "8g-vs-25g"]
Optimizer = Literal["rmsprop", "adam"]
Init = Literal["torch", "wgan-gp"]

METHODS: tuple[str, ...] = get_args(Method)
DEVICES: tuple[str, ...] = get_args(Device)
DATASETS: tuple[str, ...] = get_args(Dataset)
PAIRS: tuple[str, ...] = get_args(PairName)
INITS: tuple[str, ...] = get_args(Init)
#: Most CPU threads a run may ask torch for: ``torch.set_num_threads(100_000)`` ends the
#: interpreter with a segmentation fault (torch 2.13, 2 cores); 1024 works but is far past
#: any use on a CPU of this decade.
MAX_THREADS = 256


@dataclass(frozen=True)
class MethodDefaults:
    """Optimiser settings a Lipschitz method uses when the configuration leaves them at None."""

    optimizer: Optimizer
    lr: float
    betas: tuple[float, float]
    batch_size: int


#: Algorithm 1 of the WGAN paper for clipping; the WGAN-GP paper's settings for the rest.
METHOD_DEFAULTS: dict[str, MethodDefaults] = {
    "clip": MethodDefaults("rmsprop", 5e-5, (0.9, 0.999), 64),
    "gp": MethodDefaults("adam", 1e-4, (0.5, 0.9), 256),
    "lp": MethodDefaults("adam", 1e-4, (0.5, 0.9), 256),
    "sn": MethodDefaults("adam", 1e-4, (0.5, 0.9), 256),
}


def _choice(name: str, value: Any, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(allowed)}; got {value!r}")


def _positive_int(name: str, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"{name} must be a positive integer; got {value!r}")


def _non_negative_int(name: str, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{name} must be a non-negative integer; got {value!r}")


def _positive_float(name: str, value: Any, *, allow_none: bool = False) -> None:
    if value is None and allow_none:
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not (
        math.isfinite(value) and value > 0
    ):
        raise ValueError(f"{name} must be a finite positive number; got {value!r}")


@dataclass(frozen=True)
class _Common:
    method: Method = "gp"
    """Lipschitz control of the critic: ``clip`` (weight clipping, Algorithm 1), ``gp``
    (two-sided gradient penalty, WGAN-GP), ``lp`` (one-sided penalty, WGAN-LP), ``sn``
    (spectral normalisation of every linear layer)."""
    width: int = 128
    """Hidden units per layer of the critic (and the generator)."""
    depth: int = 3
    """Number of hidden layers of the critic (and the generator)."""
    batch_size: int | None = None
    """Samples per side per critic step (m in Algorithm 1); None: the method's default."""
    lr: float | None = None
    """Learning rate of the critic; None: the method's default."""
    optimizer: Optimizer | None = None
    """``rmsprop`` or ``adam``; None: the method's default."""
    betas: tuple[float, float] | None = None
    """Adam's betas; None: the method's default (0.5, 0.9)."""
    clip: float = 0.01
    """Weight-clipping box [-c, c] for ``method="clip"`` (c in Algorithm 1)."""
    penalty_weight: float = 10.0
    """lambda of the gradient and Lipschitz penalties (10 as in the WGAN-GP paper; the toy
    script gan_toy.py used 0.1, which lets the gradient norm drift well above 1)."""
    seed: int = 0
    """The one seed of the run: network initialisation, data and interpolates."""
    device: Device = "auto"
    """``auto`` (CUDA when present), ``cpu`` or ``cuda`` (an error when absent)."""
    threads: int = 1
    """CPU threads torch may use (``torch.set_num_threads``)."""
    init: Init = "torch"
    """Critic initialisation: ``torch`` (PyTorch's default; the seeded numbers of the
    ``critic``, ``train`` and ``reproduce`` commands were measured with it) or ``wgan-gp``
    (the WGAN-GP toy script's He / Glorot initialisation, see :mod:`wgan.nets`)."""

    def _validate_common(self) -> None:
        _choice("method", self.method, METHODS)
        _choice("init", self.init, INITS)
        _choice("device", self.device, DEVICES)
        _positive_int("width", self.width)
        _positive_int("depth", self.depth)
        _positive_int("threads", self.threads)
        if self.threads > MAX_THREADS:
            raise ValueError(
                f"threads must be at most {MAX_THREADS} (torch's thread pool crashes the "
                f"interpreter far above the core count; this machine has {os.cpu_count()} "
                f"cores); got {self.threads}")
        if self.batch_size is not None:
            _positive_int("batch_size", self.batch_size)
        _positive_float("lr", self.lr, allow_none=True)
        if self.optimizer is not None:
            _choice("optimizer", self.optimizer, ("rmsprop", "adam"))
        if self.betas is not None and not (
            len(self.betas) == 2 and all(0 <= b < 1 for b in self.betas)
        ):
            raise ValueError(f"betas must be two numbers in [0, 1); got {self.betas!r}")
        _positive_float("clip", self.clip)
        _positive_float("penalty_weight", self.penalty_weight)
        if isinstance(self.seed, bool) or not isinstance(self.seed, int) or self.seed < 0:
            raise ValueError(f"seed must be a non-negative integer; got {self.seed!r}")

    def _default_lr(self) -> float:
        return METHOD_DEFAULTS[self.method].lr

    @property
    def resolved(self) -> MethodDefaults:
        """The optimiser settings actually used: the fields, or the method's defaults."""
        d = METHOD_DEFAULTS[self.method]
        return MethodDefaults(
            optimizer=self.optimizer or d.optimizer,
            lr=self.lr if self.lr is not None else self._default_lr(),
            betas=tuple(self.betas) if self.betas is not None else d.betas,  # type: ignore[arg-type]
            batch_size=self.batch_size if self.batch_size is not None else d.batch_size,
        )

    def to_dict(self) -> dict[str, Any]:
        """The fields as plain Python values (JSON- and ``weights_only``-checkpoint-safe)."""
        out = asdict(self)
        for k, v in out.items():
            if isinstance(v, tuple):
                out[k] = list(v)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Any:
        """Inverse of :meth:`to_dict`; unknown keys raise ValueError."""
        names = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - names)
        if unknown:
            raise ValueError(f"unknown {cls.__name__} fields: {', '.join(unknown)}")
        kw = {k: (tuple(v) if isinstance(v, list) else v) for k, v in data.items()}
        return cls(**kw)

    def with_(self, **changes: Any) -> Any:
        """A copy with some fields changed (validated again)."""
        return replace(self, **changes)


@dataclass(frozen=True)
class CriticConfig(_Common):
    """A critic-only fit on a pair of distributions with a known W1 (comparison 1).

    Examples
    --------
    >>> CriticConfig(pair="translation", method="gp", iterations=2000).resolved.optimizer
    'adam'
    >>> CriticConfig(iterations=0)
    Traceback (most recent call last):
    ...
    ValueError: iterations must be a positive integer; got 0
    """

    pair: PairName = "translation"
    """Which pair (P, Q): ``translation`` (8gaussians and its translate by v, W1 = |v|),
    ``dilation`` (8gaussians and its image under x -> a x, W1 = (a - 1) E|X|), ``example1``
    (the paper's parallel lines at theta, W1 = |theta|), ``8g-vs-25g`` (W1 from exact OT on
    stratified samples)."""
    iterations: int = 4000
    """Critic optimisation steps."""
    shift: float = 1.0
    """|v| of the translation pair (v points along the first axis)."""
    dilation: float = 1.5
    """a >= 1 of the dilation pair."""
    theta: float = 0.5
    """theta of the Example 1 pair."""
    n_eval: int = 100_000
    """Fresh points per side on which the final estimate is computed."""
    n_lipschitz: int = 2000
    """Points (per side, plus as many interpolates) for the Lipschitz-constant estimates;
    the pairwise-slope bound looks at all pairs among them."""

    def __post_init__(self) -> None:
        self._validate_common()
        _choice("pair", self.pair, PAIRS)
        _positive_int("iterations", self.iterations)
        _positive_int("n_eval", self.n_eval)
        _positive_int("n_lipschitz", self.n_lipschitz)
        _positive_float("shift", self.shift)
        if not (isinstance(self.dilation, (int, float)) and math.isfinite(self.dilation)
                and self.dilation >= 1):
            raise ValueError(f"dilation must be a finite number >= 1; got {self.dilation!r}")
        if not (isinstance(self.theta, (int, float)) and math.isfinite(self.theta)):
            raise ValueError(f"theta must be a finite number; got {self.theta!r}")


@dataclass(frozen=True)
class TrainConfig(_Common):
    """A WGAN training run on toy data (comparison 3).

    The CPU default (a 128-wide, 3-layer critic and generator, 1000 generator iterations)
    finishes in about a minute on 2 cores; use ``width=512`` on a GPU for the paper's size.

    Examples
    --------
    >>> TrainConfig(dataset="8gaussians", generator_iterations=10).n_critic
    5
    >>> TrainConfig(dataset="mnist")
    Traceback (most recent call last):
    ...
    ValueError: dataset must be one of 8gaussians, 25gaussians, swissroll; got 'mnist'
    """

    lr: float | None = None
    """Learning rate of the critic (and, unless ``generator_lr``, of the generator); None:
    5e-5 for ``clip`` (Algorithm 1), 1e-3 otherwise (ten times the WGAN-GP paper's 1e-4, so
    that the 1000-iteration CPU default converges; 1e-4 needs about ten times as long)."""
    penalty_weight: float = 0.1
    """lambda of the gradient and Lipschitz penalties; 0.1 as in the WGAN-GP toy experiments
    (gan_toy.py). The critic's gradient norm may then exceed 1: see ``normalised_estimate``."""
    dataset: Dataset = "8gaussians"
    """The real distribution: ``8gaussians``, ``25gaussians`` or ``swissroll`` (the scales of
    the WGAN-GP toy experiments)."""
    generator_iterations: int = 1000
    """Generator updates (the outer loop of Algorithm 1)."""
    n_critic: int = 5
    """Critic steps per generator step (n_critic in Algorithm 1)."""
    critic_warmup: int | None = None
    """Critic steps for the first 25 generator iterations and every 500th one (the WGAN
    authors' code uses 100 with clipping); None: 100 for ``clip``, ``n_critic`` otherwise."""
    generator_lr: float | None = None
    """Learning rate of the generator; None: the critic's."""
    latent_dim: int = 2
    """Dimension of the generator's Gaussian noise z."""
    log_every: int = 50
    """K: every K generator iterations log the critic's estimate, the exact W1 and the floor."""
    n_exact: int = 512
    """n: points per side of the exact W1 (real vs generated, and real vs real for the floor)."""
    checkpoint_every: int = 250
    """Save a checkpoint every this many generator iterations (and at the end)."""
    checkpoint_seconds: float = 30.0
    """Also save one when this many seconds of work have passed since the last, so an
    interruption that no checkpoint follows (a killed process) loses at most about this."""
    out_dir: str = "wgan-run"
    """Folder for metrics.csv, checkpoint.pt, figures and the report."""
    progress: bool = True
    """Show a progress bar (tqdm) on stderr."""

    def __post_init__(self) -> None:
        self._validate_common()
        _choice("dataset", self.dataset, DATASETS)
        for name in ("generator_iterations", "n_critic", "latent_dim", "log_every", "n_exact",
                     "checkpoint_every"):
            _positive_int(name, getattr(self, name))
        if self.critic_warmup is not None:
            _positive_int("critic_warmup", self.critic_warmup)
        _positive_float("generator_lr", self.generator_lr, allow_none=True)
        _positive_float("checkpoint_seconds", self.checkpoint_seconds)
        if self.n_exact < 2:
            raise ValueError(f"n_exact must be at least 2; got {self.n_exact}")

    def _default_lr(self) -> float:
        return METHOD_DEFAULTS[self.method].lr if self.method == "clip" else 1e-3

    @property
    def warmup_steps(self) -> int:
        """Critic steps of a boosted generator iteration (see ``critic_warmup``)."""
        if self.critic_warmup is not None:
            return self.critic_warmup
        return 100 if self.method == "clip" else self.n_critic

    def critic_steps(self, iteration: int) -> int:
        """Critic steps before generator update ``iteration`` (0-based)."""
        if iteration < 25 or iteration % 500 == 0:
            return max(self.n_critic, self.warmup_steps)
        return self.n_critic
