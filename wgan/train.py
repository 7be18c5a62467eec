"""Training a WGAN on toy data while tracking the exact W1 (comparison 3).

``train(config) -> History`` runs Algorithm 1 of the WGAN paper (with the configured Lipschitz
control). Every ``log_every`` generator iterations it logs, on fresh points drawn from a
separate random stream (so logging never changes the training trajectory):

* ``critic_estimate``: mean f(real) - mean f(generated) on ``n_exact`` points per side (the
  quantity the paper's Figure 3 plots, -Loss_D);
* ``lipschitz`` and ``normalised_estimate``: the largest gradient norm of f over those points
  and their interpolates, and the estimate divided by it;
* ``exact_w1``: the exact W1 between those real and generated points
  (:func:`distances.earth_mover`);
* ``floor``: the exact W1 between two independent real samples of ``n_exact`` points, the
  value a perfect generator would get.

Rows are appended to ``metrics.csv`` as they are made; ``checkpoint.pt`` (every
``checkpoint_every`` iterations, after ``checkpoint_seconds`` of work since the last one,
and at the end) holds the networks, the optimisers, the random streams and the seconds of
work so far, so ``train(config, resume=True)`` continues exactly as an uninterrupted run
would, its ``seconds`` column included. It loads with ``torch.load(path, weights_only=True)``.

Ctrl-C lets the current generator iteration finish (a second Ctrl-C stops at once), then
writes a checkpoint at the last completed iteration and keeps every row logged up to it;
the returned networks and rows are that state, so figures drawn from the History match
the checkpoint. A KeyboardInterrupt raised inside an iteration rolls the run back to the
end of the previous one (a copy of the state is kept after every iteration).
"""

from __future__ import annotations

import contextlib
import copy
import csv
import errno
import shutil
import signal
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from .checkpoint import CHECKPOINT_FORMAT, CheckpointError, load_checkpoint
from .config import TrainConfig
from .critic import critic_step, make_optimizer
from .data import sample_dataset
from .device import resolve_device, torch_threads
from .lipschitz import clip_weights, gradient_norms, interpolates, normalise
from .nets import critic_values, make_critic, make_generator

__all__ = [
    "CHECKPOINT_FORMAT",
    "METRIC_COLUMNS",
    "CheckpointError",
    "History",
    "load_checkpoint",
    "train",
]

#: Columns of metrics.csv, in order.
METRIC_COLUMNS: tuple[str, ...] = (
    "step", "critic_estimate", "lipschitz", "normalised_estimate", "exact_w1", "floor", "seconds",
)
_RESUMABLE = ("generator_iterations", "progress", "out_dir", "threads", "device",
              "checkpoint_every", "checkpoint_seconds")


@dataclass
class History:
    """What a training run logged, and where.

    Attributes
    ----------
    config : TrainConfig
        The configuration of the run.
    rows : list of dict
        One dict per logged step with the keys :data:`METRIC_COLUMNS`.
    step : int
        Generator iterations completed.
    seconds : float
        Wall time of the training loop in this process (logging included); the rows'
        ``seconds`` column counts the work of every process since step 0.
    iterations_run : int
        Generator iterations run in this process (less than ``step`` after a resume).
    interrupted : bool
        True if Ctrl-C stopped the run; ``step``, ``rows`` and the networks are then those
        of the last completed iteration, which the checkpoint holds.
    metrics_path, checkpoint_path : Path
        Where the rows and the last checkpoint are.
    checkpoint_step : int
        The step of the last checkpoint written.
    critic, generator : nn.Module
        The networks at ``step``.
    """

    config: TrainConfig
    rows: list[dict[str, float]]
    step: int
    seconds: float
    iterations_run: int
    interrupted: bool
    metrics_path: Path
    checkpoint_path: Path
    checkpoint_step: int
    critic: nn.Module = field(repr=False)
    generator: nn.Module = field(repr=False)

    @property
    def iterations_per_second(self) -> float:
        """Generator iterations per second of wall time in this process (logging included)."""
        return self.iterations_run / self.seconds if self.seconds > 0 else float("nan")

    def column(self, name: str) -> np.ndarray:
        """One metric over the logged steps, as a float array."""
        if name not in METRIC_COLUMNS:
            raise ValueError(f"column must be one of {', '.join(METRIC_COLUMNS)}; got {name!r}")
        return np.array([row[name] for row in self.rows], dtype=float)


class _Run:
    """The state of one run: networks, optimisers, random streams, output files."""

    def __init__(self, config: TrainConfig, device: torch.device) -> None:
        self.config = config
        self.device = device
        settings = config.resolved
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(config.seed)
            self.critic = make_critic(2, width=config.width, depth=config.depth,
                                      spectral_norm=config.method == "sn")
            self.generator = make_generator(config.latent_dim, 2, width=config.width,
                                            depth=config.depth)
        if config.method == "clip":
            clip_weights(self.critic, config.clip)
        self.critic.to(device)
        self.generator.to(device)
        self.critic_opt = make_optimizer(self.critic.parameters(), settings)
        self.generator_opt = make_optimizer(self.generator.parameters(), settings,
                                            lr=config.generator_lr)
        self.train_rng = torch.Generator().manual_seed(config.seed + 1)
        self.eval_rng = torch.Generator().manual_seed(config.seed + 2)
        self.step = 0

    def state(self, seconds: float) -> dict[str, Any]:
        """The checkpoint's entries (references to the live tensors, not copies)."""
        return {
            "format": CHECKPOINT_FORMAT,
            "seconds": seconds,
            "config": self.config.to_dict(),
            "step": self.step,
            "critic": self.critic.state_dict(),
            "generator": self.generator.state_dict(),
            "critic_opt": self.critic_opt.state_dict(),
            "generator_opt": self.generator_opt.state_dict(),
            "train_rng": self.train_rng.get_state(),
            "eval_rng": self.eval_rng.get_state(),
        }

    def load(self, ckpt: dict[str, Any]) -> None:
        self.critic.load_state_dict(ckpt["critic"])
        self.generator.load_state_dict(ckpt["generator"])
        self.critic_opt.load_state_dict(ckpt["critic_opt"])
        self.generator_opt.load_state_dict(ckpt["generator_opt"])
        self.train_rng.set_state(ckpt["train_rng"])
        self.eval_rng.set_state(ckpt["eval_rng"])
        self.step = int(ckpt["step"])

    def snapshot(self, seconds: float) -> dict[str, Any]:
        """A copy of :meth:`state` that later iterations do not change."""
        return _clone(self.state(seconds))

    def noise(self, n: int, rng: torch.Generator) -> torch.Tensor:
        return torch.randn(n, self.config.latent_dim, generator=rng).to(self.device)

    def iteration(self) -> None:
        """Critic steps then one generator step (Algorithm 1, lines 2-12)."""
        cfg, settings = self.config, self.config.resolved
        m = settings.batch_size
        for _ in range(cfg.critic_steps(self.step)):
            real = sample_dataset(cfg.dataset, m, self.train_rng).to(self.device)
            with torch.no_grad():
                fake = self.generator(self.noise(m, self.train_rng))
            critic_step(self.critic, self.critic_opt, real, fake, method=cfg.method,
                        penalty_weight=cfg.penalty_weight, clip=cfg.clip,
                        generator=self.train_rng)
        for p in self.critic.parameters():
            p.requires_grad_(False)
        loss = -self.critic(self.generator(self.noise(m, self.train_rng))).mean()
        self.generator_opt.zero_grad(set_to_none=True)
        loss.backward()
        self.generator_opt.step()
        for p in self.critic.parameters():
            p.requires_grad_(True)
        self.step += 1

    def metrics(self) -> dict[str, float]:
        """The logged quantities at the current step (uses only ``eval_rng``)."""
        from distances import Discrete, earth_mover

        n = self.config.n_exact
        real = sample_dataset(self.config.dataset, n, self.eval_rng).to(self.device)
        real2 = sample_dataset(self.config.dataset, n, self.eval_rng).to(self.device)
        with torch.no_grad():
            fake = self.generator(self.noise(n, self.eval_rng))
        was_training = self.critic.training
        self.critic.eval()  # spectral norm: no power iteration while measuring
        estimate = float(critic_values(self.critic, real).mean()
                         - critic_values(self.critic, fake).mean())
        pts = torch.cat([real, fake, interpolates(real, fake, self.eval_rng)])
        lip = float(gradient_norms(self.critic, pts).max())
        self.critic.train(was_training)
        r64 = real.detach().cpu().double().numpy()
        return {
            "step": self.step,
            "critic_estimate": estimate,
            "lipschitz": lip,
            "normalised_estimate": normalise(estimate, lip),
            "exact_w1": earth_mover(Discrete(r64), Discrete(fake.cpu().double().numpy())),
            "floor": earth_mover(Discrete(r64), Discrete(real2.cpu().double().numpy())),
        }


def _clone(x: Any) -> Any:
    """Copy tensors, dicts, lists and tuples; 5x faster than ``copy.deepcopy`` here.

    The per-iteration snapshot costs 2 % (gp) and 4 % (clip) of an iteration of the
    default run (1 thread, ratios from one interleaved process at load 8).
    """
    if isinstance(x, torch.Tensor):
        return x.detach().clone()
    if isinstance(x, dict):
        return {k: _clone(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return type(x)(_clone(v) for v in x)
    return copy.copy(x)


def _save(state: dict[str, Any], path: Path) -> None:
    """Write a checkpoint atomically (a crash mid-write leaves the previous one).

    A write that fails (a full disk) raises OSError naming the file: ``torch.save`` reports
    it as a RuntimeError of its zip writer, which says neither.
    """
    tmp = path.with_suffix(".tmp")
    try:
        torch.save(state, tmp)
    except RuntimeError as exc:
        tmp.unlink(missing_ok=True)
        free = shutil.disk_usage(path.parent).free
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else "write failed"
        raise OSError(errno.ENOSPC if free < (1 << 20) else errno.EIO,
                      f"{'No space left on device; ' if free < (1 << 20) else ''}"
                      f"torch.save failed ({reason[:120]}); the previous checkpoint, if any, "
                      "is kept", str(path)) from None
    tmp.replace(path)


def _write_rows(path: Path, rows: list[dict[str, float]]) -> None:
    with path.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=METRIC_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)


@contextlib.contextmanager
def _deferred_sigint() -> Iterator[dict[str, bool]]:
    """While active, a first Ctrl-C only sets ``flag["requested"]``; a second one raises.

    Only in the main thread, and only when SIGINT has Python's default handler (a caller
    with its own handler keeps it).
    """
    flag = {"requested": False}
    if (threading.current_thread() is not threading.main_thread()
            or signal.getsignal(signal.SIGINT) is not signal.default_int_handler):
        yield flag
        return

    def handler(signum: int, frame: Any) -> None:
        if flag["requested"]:
            raise KeyboardInterrupt
        flag["requested"] = True
        print("\nCtrl-C: finishing this generator iteration, then writing a checkpoint "
              "(Ctrl-C again to stop at once)", file=sys.stderr)

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield flag
    finally:
        signal.signal(signal.SIGINT, previous)


def _read_rows(path: Path, up_to: int) -> list[dict[str, float]]:
    """The rows of ``metrics.csv`` up to the checkpoint's step ``up_to``.

    A last line cut while it was written (no line end) is dropped when its step is past
    ``up_to`` (it is made again). Any other damage raises ValueError naming the file and
    the line, before anything is overwritten.
    """
    if not path.exists():
        return []
    fix = (f"; the checkpoint is intact, but the metrics up to its step ({up_to}) are read "
           f"back from this file: repair it, or delete it to resume without them")
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"resuming: cannot read {path}: not a text CSV (byte at offset "
                         f"{exc.start} is not UTF-8){fix}") from None
    lines = text.splitlines()
    reader = csv.DictReader(lines)
    missing = [c for c in METRIC_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ValueError(f"resuming: cannot read {path}: no column {missing[0]!r} in its "
                         f"header (line 1: {lines[0][:80] if lines else ''!r}){fix}")
    rows = []
    for k, raw in enumerate(reader, 2):
        try:
            row = {c: float(raw[c]) for c in METRIC_COLUMNS}
        except (TypeError, ValueError):  # None: a short row; ValueError: not a number
            cut_last = k == len(lines) and not text.endswith(("\n", "\r"))
            step = _number_or_none(raw.get("step"))
            if cut_last and step is not None and step > up_to:
                break  # cut while being written; it is made again from the checkpoint
            raise ValueError(f"resuming: cannot read {path}, line {k}: "
                             f"{lines[k - 1][:80]!r} is cut or not a row of numbers{fix}") from None
        row["step"] = int(row["step"])
        rows.append(row)
    return [row for row in rows if row["step"] <= up_to]


def _number_or_none(text: str | None) -> float | None:
    try:
        return float(text) if text else None
    except ValueError:
        return None


def _check_resumable(saved: dict[str, Any], config: TrainConfig, path: Path) -> None:
    now = config.to_dict()
    diff = [k for k in now if k not in _RESUMABLE and saved.get(k) != now[k]]
    if diff:
        details = ", ".join(f"{k}: {saved.get(k)!r} -> {now[k]!r}" for k in diff)
        raise ValueError(
            f"resuming needs the configuration of the checkpoint {path} (only "
            f"{', '.join(_RESUMABLE)} may change); these differ: {details}"
        )


def train(config: TrainConfig, *, resume: bool = False) -> History:
    """Train a WGAN and log the critic's estimate beside the exact W1 (comparison 3).

    Parameters
    ----------
    config : TrainConfig
        The run. ``config.out_dir`` receives ``metrics.csv`` and ``checkpoint.pt``.
    resume : bool
        Continue from ``out_dir/checkpoint.pt`` (rows logged after it are dropped and made
        again, identically). The configuration must match the checkpoint's, except
        ``generator_iterations`` (to train longer), ``progress``, ``out_dir``, ``threads``
        and ``device``.

    Returns
    -------
    History
        The logged rows, timings and the networks.

    Raises
    ------
    ValueError
        Before any training: CUDA asked for but absent; ``resume`` without a checkpoint or
        with a different configuration; a checkpoint already past ``generator_iterations``.
    CheckpointError
        Before any training, ``metrics.csv`` untouched: ``resume`` with a checkpoint that
        cannot be read (truncated, foreign, another format).

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as out:
    ...     cfg = TrainConfig(generator_iterations=4, log_every=2, n_exact=32, width=8,
    ...                       depth=1, out_dir=out, progress=False)
    ...     h = train(cfg)
    >>> [row["step"] for row in h.rows]
    [0, 2, 4]
    """
    with torch_threads(config.threads):  # the caller's thread count is restored after
        return _train(config, resume)


def _train(config: TrainConfig, resume: bool) -> History:
    device = resolve_device(config.device)
    out = Path(config.out_dir)
    metrics_path, ckpt_path = out / "metrics.csv", out / "checkpoint.pt"
    ckpt = None
    if resume:
        if not ckpt_path.exists():
            raise ValueError(f"resuming needs a checkpoint; none at {ckpt_path}")
        ckpt = load_checkpoint(ckpt_path)
        _check_resumable(ckpt["config"], config, ckpt_path)
        if int(ckpt["step"]) > config.generator_iterations:
            raise ValueError(
                f"generator_iterations must be >= the checkpoint's step {ckpt['step']}; "
                f"got {config.generator_iterations}"
            )
    run = _Run(config, device)
    rows: list[dict[str, float]] = []
    offset = 0.0  # seconds of work before this process
    if ckpt is not None:
        run.load(ckpt)
        rows = _read_rows(metrics_path, run.step)
        offset = float(ckpt.get("seconds", rows[-1]["seconds"] if rows else 0.0))
    out.mkdir(parents=True, exist_ok=True)
    checkpoint_step = run.step if ckpt is not None else -1
    start_step, interrupted = run.step, False
    start = last_save = time.perf_counter()
    snapshot: tuple[dict[str, Any], int] | None = None

    def elapsed() -> float:
        return offset + time.perf_counter() - start

    with metrics_path.open("w", newline="") as fh, _deferred_sigint() as sigint:
        writer = csv.DictWriter(fh, fieldnames=METRIC_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
        fh.flush()

        def log() -> None:
            row = {**run.metrics(), "seconds": elapsed()}
            rows.append(row)
            writer.writerow(row)
            fh.flush()

        bar = None
        if config.progress:
            from tqdm.auto import tqdm

            bar = tqdm(total=config.generator_iterations, initial=run.step, unit="it",
                       desc=f"wgan {config.method} {config.dataset}", file=sys.stderr)
        try:
            if run.step == 0 and not rows:
                log()
            snapshot = (run.snapshot(elapsed()), len(rows))
            while run.step < config.generator_iterations:
                if sigint["requested"]:
                    raise KeyboardInterrupt
                run.iteration()
                if run.step % config.log_every == 0 or run.step == config.generator_iterations:
                    log()
                    if bar is not None:
                        bar.set_postfix(W1=f"{rows[-1]['exact_w1']:.3f}",
                                        est=f"{rows[-1]['critic_estimate']:.3f}")
                snapshot = (run.snapshot(elapsed()), len(rows))
                if (run.step % config.checkpoint_every == 0
                        or run.step == config.generator_iterations
                        or time.perf_counter() - last_save >= config.checkpoint_seconds):
                    _save(snapshot[0], ckpt_path)
                    checkpoint_step, last_save = run.step, time.perf_counter()
                if bar is not None:
                    bar.update(1)
        except KeyboardInterrupt:
            interrupted = True
        finally:
            if bar is not None:
                bar.close()
    seconds = time.perf_counter() - start
    if interrupted:
        if snapshot is not None:
            # Back to the end of the last completed iteration: its checkpoint, its rows.
            state, n_rows = snapshot
            run.load(state)
            del rows[n_rows:]
            if checkpoint_step != run.step:
                _save(state, ckpt_path)
                checkpoint_step = run.step
        _write_rows(metrics_path, rows)
        where = (f"the checkpoint (step {checkpoint_step}) is {ckpt_path}; resume to "
                 "continue from it" if checkpoint_step >= 0 else "no checkpoint was written")
        print(
            f"\ninterrupted after generator iteration {run.step}: {len(rows)} metric rows "
            f"(up to step {int(rows[-1]['step']) if rows else '-'}) are in {metrics_path}; "
            f"{where}.",
            file=sys.stderr,
        )
    return History(
        config=config, rows=rows, step=run.step, seconds=seconds,
        iterations_run=run.step - start_step, interrupted=interrupted,
        metrics_path=metrics_path, checkpoint_path=ckpt_path,
        checkpoint_step=checkpoint_step, critic=run.critic, generator=run.generator,
    )
