r"""Multilayer perceptrons for the critic and the generator.

Both are ``in -> width -> ... -> width -> out`` with ReLU, as in the WGAN-GP toy experiments
(2 -> 512 -> 512 -> 512 -> out there; narrower by default here so a CPU run takes a minute).

Initialisation (``init``):

* ``"torch"`` (the default of :func:`mlp`, :func:`make_critic`, :func:`make_generator`):
  PyTorch's :class:`torch.nn.Linear` default, weights and biases
  :math:`U(\pm 1/\sqrt{\text{fan\_in}})`. The ``critic``, ``critic-table``, ``train`` and
  ``reproduce`` commands keep it: their documented, seeded numbers were measured with it.
* ``"wgan-gp"``: the WGAN-GP toy script's (``gan_toy.py`` with ``tflib.ops.linear``): hidden
  layers He-uniform, weights :math:`U(\pm\sqrt{6/\text{fan\_in}})` (std
  :math:`\sqrt{2/\text{fan\_in}}`), output layer Glorot-uniform
  :math:`U(\pm\sqrt{6/(\text{fan\_in} + \text{fan\_out})})`, biases 0. The critic
  benchmark (:mod:`wgan.benchmark`) uses it by default.
"""

from __future__ import annotations

import math
from typing import Literal, get_args

import torch
from torch import nn

__all__ = ["INITS", "Init", "critic_values", "init_wgan_gp", "make_critic", "make_generator",
           "mlp"]

Init = Literal["torch", "wgan-gp"]
"""Weight initialisation: PyTorch's default, or the WGAN-GP toy script's (He / Glorot)."""
INITS: tuple[str, ...] = get_args(Init)


def init_wgan_gp(net: nn.Sequential, generator: torch.Generator | None = None) -> nn.Sequential:
    r"""Re-initialise ``net``'s linear layers as ``gan_toy.py`` does (in place; returns it).

    Hidden layers: weights uniform with std :math:`\sqrt{2/\text{fan\_in}}` (He); the last
    layer: std :math:`\sqrt{2/(\text{fan\_in} + \text{fan\_out})}` (Glorot); biases 0.
    """
    linears = [m for m in net.modules() if isinstance(m, nn.Linear)]
    with torch.no_grad():
        for i, layer in enumerate(linears):
            fan_out, fan_in = layer.weight.shape
            std = math.sqrt(2.0 / fan_in) if i < len(linears) - 1 else math.sqrt(
                2.0 / (fan_in + fan_out))
            bound = std * math.sqrt(3.0)
            w = torch.rand(layer.weight.shape, generator=generator) * (2 * bound) - bound
            layer.weight.copy_(w)
            if layer.bias is not None:
                layer.bias.zero_()
    return net


def mlp(
    in_dim: int, out_dim: int, *, width: int, depth: int, init: Init = "torch"
) -> nn.Sequential:
    """A ReLU MLP with ``depth`` hidden layers of ``width`` units.

    Parameters
    ----------
    in_dim, out_dim : int
        Input and output dimensions.
    width : int
        Hidden units per layer (positive).
    depth : int
        Number of hidden layers (non-negative; 0 gives a single linear map).
    init : {"torch", "wgan-gp"}, default "torch"
        Weight initialisation (see the module's docstring).
    """
    for name, value, low in (("in_dim", in_dim, 1), ("out_dim", out_dim, 1),
                             ("width", width, 1), ("depth", depth, 0)):
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise ValueError(f"{name} must be an integer >= {low}; got {value!r}")
    if init not in INITS:
        raise ValueError(f"init must be one of {', '.join(INITS)}; got {init!r}")
    layers: list[nn.Module] = []
    d = in_dim
    for _ in range(depth):
        layers += [nn.Linear(d, width), nn.ReLU()]
        d = width
    layers.append(nn.Linear(d, out_dim))
    net = nn.Sequential(*layers)
    return init_wgan_gp(net) if init == "wgan-gp" else net


def make_critic(
    in_dim: int, *, width: int, depth: int, spectral_norm: bool = False, init: Init = "torch"
) -> nn.Sequential:
    """The critic f_w: R^in_dim -> R; ``spectral_norm`` parametrises every linear layer.

    Spectral normalisation uses :func:`torch.nn.utils.parametrizations.spectral_norm` with
    its default of one power iteration per training forward pass, as Miyato et al. (2018)
    and the W1 benchmark's code (``power_iters=1``) do.

    See Also
    --------
    wgan.lipschitz.apply_spectral_norm
    """
    net = mlp(in_dim, 1, width=width, depth=depth, init=init)
    if spectral_norm:
        from .lipschitz import apply_spectral_norm

        apply_spectral_norm(net)
    return net


def make_generator(latent_dim: int, out_dim: int, *, width: int, depth: int) -> nn.Sequential:
    """The generator g_theta: R^latent_dim -> R^out_dim."""
    return mlp(latent_dim, out_dim, width=width, depth=depth)


def critic_values(critic: nn.Module, x: torch.Tensor, *, batch: int = 65536) -> torch.Tensor:
    """f(x) as a 1-D tensor, evaluated without gradients in batches."""
    with torch.no_grad():
        return torch.cat([critic(x[i : i + batch]).reshape(-1) for i in range(0, len(x), batch)])
