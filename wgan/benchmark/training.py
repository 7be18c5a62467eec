"""Fit one benchmark cell's critic: the loop of :func:`wgan.critic.fit_critic`, every knob open.

The critic benchmark needs settings that :class:`wgan.config.CriticConfig` does not carry:
Adam for weight clipping (the W1 benchmark trains every critic with Adam 2e-4, betas (0, 0.9)),
spectral norm with 5 power iterations, and the GroupSort critic (Anil et al. 2019). This loop
is :func:`wgan.critic.fit_critic`'s (same seeding: the network under ``torch.manual_seed(seed)``,
the batches and interpolates from ``Generator(seed + 1)``, P's batch drawn before Q's), so a
cell at the defaults reproduces the earlier sweeps' fits.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn
from torch.nn.utils import parametrize

from ..config import METHOD_DEFAULTS, MethodDefaults
from ..critic import critic_step, make_optimizer
from ..device import resolve_device, torch_threads
from ..lipschitz import clip_weights
from ..nets import make_critic
from .checkpoints import (
    cell_identity,
    checkpoint_path,
    load_fit_state,
    record_progress,
    save_fit_state,
)
from .funnels import FunnelPair
from .score import evaluate_critic

__all__ = ["SCORE_SEED", "CriticFit", "fit_benchmark_critic", "optimiser_settings"]

#: A cell's scoring points are drawn with seed ``SCORE_SEED + seed`` (the cell's seed).
SCORE_SEED = 1_000_003


def optimiser_settings(cell: Any) -> MethodDefaults:
    """The optimiser a :class:`~.cell.BenchmarkCell`'s fit uses: its fields, else
    :data:`wgan.config.METHOD_DEFAULTS` (GroupSort: Adam with PyTorch's default betas
    (0.9, 0.999), as the W1 benchmark's code)."""
    base = METHOD_DEFAULTS["gp" if cell.method == "groupsort" else cell.method]
    if cell.method == "groupsort":
        base = MethodDefaults("adam", 1e-4, (0.9, 0.999), 256)
    return MethodDefaults(
        optimizer=cell.optimizer or base.optimizer,  # type: ignore[arg-type]
        lr=cell.lr if cell.lr is not None else base.lr,
        betas=tuple(cell.betas) if cell.betas is not None else base.betas,  # type: ignore[arg-type]
        batch_size=cell.batch_size if cell.batch_size is not None else base.batch_size,
    )


def _new_critic(cell: Any, dim: int, device: torch.device) -> nn.Module:
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(cell.seed)
        net = make_critic(dim, width=cell.critic_width(dim), depth=cell.depth,
                          spectral_norm=cell.method == "sn", init=cell.init,  # type: ignore[arg-type]
                          power_iterations=cell.power_iterations,
                          groupsort=cell.method == "groupsort",
                          group_size=cell.group_size or cell.critic_width(dim),
                          bjorck_iterations=cell.bjorck_iterations)
    if cell.method == "clip":
        clip_weights(net, cell.clip)
    return net.to(device)


@dataclass(frozen=True)
class CriticFit:
    """A fitted critic and how its fit went.

    Attributes
    ----------
    critic : nn.Module
        The critic (on the fit's device).
    seconds : float
        Wall time of the whole fit, the runs before a checkpoint included.
    device : str
        The fit's device type (``cpu``, ``cuda``).
    resumed_step : int
        The step a checkpoint resumed the fit from (0: from the start).
    resumed_seconds : float
        The part of ``seconds`` spent before that checkpoint.
    """

    critic: nn.Module
    seconds: float
    device: str
    resumed_step: int = 0
    resumed_seconds: float = 0.0


def fit_benchmark_critic(cell: Any, pair: FunnelPair) -> CriticFit:
    """Fit the cell's critic on fresh batches of ``pair``.

    Batches are drawn in float64 on the fit's device (on a GPU from a generator of the device,
    so a GPU run's steps per second are the GPU's) and cast to float32;
    ``benchmarks/gpu_critic_sweep.sh`` records them.

    With ``cell.checkpoint_dir`` set, the fit starts from the cell's checkpoint there if one
    exists, and saves one every ``cell.checkpoint_every`` steps (:mod:`~.checkpoints`): the
    same fit, number for number, as one run straight through.
    """
    if cell.method == "ot":
        raise ValueError("the ot critic is solved, not fitted (wgan.benchmark.exact_ot)")
    device = resolve_device(cell.device)  # type: ignore[arg-type]
    settings = optimiser_settings(cell)
    folder = cell.checkpoint_dir
    with torch_threads(cell.threads):
        critic = _new_critic(cell, pair.dim, device)
        optimizer = make_optimizer(critic.parameters(), settings)
        gen = torch.Generator().manual_seed(cell.seed + 1)  # batches (CPU) and interpolates
        # on a GPU the batches are drawn there, from a generator of the device
        data = gen if device.type == "cpu" else torch.Generator(device=device).manual_seed(
            cell.seed + 1)
        generators = (gen,) if data is gen else (gen, data)
        first, before = 0, 0.0
        if folder is not None:
            state = load_fit_state(checkpoint_path(folder, cell.key), cell_identity(cell))
            if state is not None:
                critic.load_state_dict(state.critic)
                optimizer.load_state_dict(state.optimizer)
                for g, saved in zip(generators, state.generators, strict=True):
                    g.set_state(saved)
                first, before = state.step, state.seconds
        m = settings.batch_size
        # GroupSort's Björck weights depend on the parameters only: computed once per step
        # (the real and the fake batch share them) instead of once per forward pass; the
        # same numbers up to rounding, about 20 % less time per step. Not for SN, whose power
        # iterations run on every forward pass in training mode.
        once = parametrize.cached if cell.method == "groupsort" else contextlib.nullcontext
        start = time.perf_counter()
        for step in range(first + 1, cell.steps + 1):
            real = pair.sample_p(m, data).to(device)
            fake = pair.sample_q(m, data).to(device)
            with once():
                critic_step(critic, optimizer, real, fake, method=cell.method,
                            penalty_weight=cell.penalty_weight, clip=cell.clip, generator=gen)
            if folder is not None and step % cell.checkpoint_every == 0 and step < cell.steps:
                _checkpoint(cell, pair, folder, step, before + time.perf_counter() - start,
                            critic, optimizer, generators)
        seconds = before + time.perf_counter() - start
    return CriticFit(critic, seconds, device.type, first, before)


def _checkpoint(cell: Any, pair: FunnelPair, folder: str, step: int, seconds: float,
                critic: nn.Module, optimizer: torch.optim.Optimizer,
                generators: tuple[torch.Generator, ...]) -> None:
    save_fit_state(checkpoint_path(folder, cell.key), cell_identity(cell), step=step,
                   seconds=seconds, critic=critic, optimizer=optimizer, generators=generators)
    score = evaluate_critic(critic, pair, n=cell.n_eval, seed=SCORE_SEED + cell.seed)
    record_progress(folder, cell.key, step=step, seconds=seconds, score=score)
