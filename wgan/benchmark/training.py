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
from typing import Any

import torch
from torch import nn
from torch.nn.utils import parametrize

from ..config import METHOD_DEFAULTS, MethodDefaults
from ..critic import critic_step, make_optimizer
from ..device import resolve_device, torch_threads
from ..lipschitz import clip_weights
from ..nets import make_critic
from .funnels import FunnelPair

__all__ = ["fit_benchmark_critic", "optimiser_settings"]


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


def fit_benchmark_critic(cell: Any, pair: FunnelPair) -> tuple[nn.Module, float, str]:
    """Fit the cell's critic on fresh batches of ``pair``: (critic, seconds, device name).

    Batches are drawn in float64 on the fit's device (on a GPU from a generator of the device,
    so a GPU run's steps per second are the GPU's) and cast to float32;
    ``benchmarks/gpu_critic_sweep.sh`` records them.
    """
    if cell.method == "ot":
        raise ValueError("the ot critic is solved, not fitted (wgan.benchmark.exact_ot)")
    device = resolve_device(cell.device)  # type: ignore[arg-type]
    settings = optimiser_settings(cell)
    with torch_threads(cell.threads):
        critic = _new_critic(cell, pair.dim, device)
        optimizer = make_optimizer(critic.parameters(), settings)
        gen = torch.Generator().manual_seed(cell.seed + 1)  # batches (CPU) and interpolates
        # on a GPU the batches are drawn there, from a generator of the device
        data = gen if device.type == "cpu" else torch.Generator(device=device).manual_seed(
            cell.seed + 1)
        m = settings.batch_size
        # GroupSort's Björck weights depend on the parameters only: computed once per step
        # (the real and the fake batch share them) instead of once per forward pass; the
        # same numbers up to rounding, about 20 % less time per step. Not for SN, whose power
        # iterations run on every forward pass in training mode.
        once = parametrize.cached if cell.method == "groupsort" else contextlib.nullcontext
        start = time.perf_counter()
        for _ in range(cell.steps):
            real = pair.sample_p(m, data).to(device)
            fake = pair.sample_q(m, data).to(device)
            with once():
                critic_step(critic, optimizer, real, fake, method=cell.method,
                            penalty_weight=cell.penalty_weight, clip=cell.clip, generator=gen)
        seconds = time.perf_counter() - start
    return critic, seconds, device.type
