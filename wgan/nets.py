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

__all__ = ["ACTIVATIONS", "INITS", "Activation", "GroupSort", "Init", "critic_values",
           "init_wgan_gp", "make_critic", "make_generator", "mlp"]

Init = Literal["torch", "wgan-gp"]
"""Weight initialisation: PyTorch's default, or the WGAN-GP toy script's (He / Glorot)."""
INITS: tuple[str, ...] = get_args(Init)
Activation = Literal["relu", "groupsort"]
"""Hidden activation: ReLU, or GroupSort (Anil, Lucas and Grosse 2019)."""
ACTIVATIONS: tuple[str, ...] = get_args(Activation)


class GroupSort(nn.Module):
    """Sort each group of ``group_size`` consecutive units, in descending order.

    A permutation of its input on every point, so it is 1-Lipschitz and preserves the
    gradient's norm (Anil, Lucas and Grosse 2019, "Sorting out Lipschitz function
    approximation"); ``group_size=2`` is MaxMin, ``group_size`` = the layer's width FullSort.

    >>> GroupSort(2)(torch.tensor([[1.0, 3.0, 2.0, -1.0]])).tolist()
    [[3.0, 1.0, 2.0, -1.0]]
    """

    def __init__(self, group_size: int = 2) -> None:
        super().__init__()
        if isinstance(group_size, bool) or not isinstance(group_size, int) or group_size < 1:
            raise ValueError(f"group_size must be a positive integer; got {group_size!r}")
        self.group_size = group_size

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        n, c = x.shape
        if c % self.group_size:
            raise ValueError(f"GroupSort({self.group_size}) needs a width divisible by "
                             f"{self.group_size}; got {c}")
        g = x.reshape(n, c // self.group_size, self.group_size)
        return g.sort(dim=-1, descending=True).values.reshape(n, c)

    def extra_repr(self) -> str:
        return f"group_size={self.group_size}"


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
    in_dim: int, out_dim: int, *, width: int, depth: int, init: Init = "torch",
    activation: Activation = "relu", group_size: int = 2,
) -> nn.Sequential:
    """An MLP with ``depth`` hidden layers of ``width`` units (ReLU or GroupSort).

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
    activation : {"relu", "groupsort"}, default "relu"
        Hidden activation.
    group_size : int, default 2
        Group size of :class:`GroupSort` (must divide ``width``).
    """
    for name, value, low in (("in_dim", in_dim, 1), ("out_dim", out_dim, 1),
                             ("width", width, 1), ("depth", depth, 0)):
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise ValueError(f"{name} must be an integer >= {low}; got {value!r}")
    if init not in INITS:
        raise ValueError(f"init must be one of {', '.join(INITS)}; got {init!r}")
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {', '.join(ACTIVATIONS)}; "
                         f"got {activation!r}")
    if activation == "groupsort" and depth and width % group_size:
        raise ValueError(f"group_size must divide width; got group_size={group_size}, "
                         f"width={width}")
    layers: list[nn.Module] = []
    d = in_dim
    for _ in range(depth):
        act = nn.ReLU() if activation == "relu" else GroupSort(group_size)
        layers += [nn.Linear(d, width), act]
        d = width
    layers.append(nn.Linear(d, out_dim))
    net = nn.Sequential(*layers)
    return init_wgan_gp(net) if init == "wgan-gp" else net


def make_critic(
    in_dim: int, *, width: int, depth: int, spectral_norm: bool = False, init: Init = "torch",
    power_iterations: int = 1, groupsort: bool = False, group_size: int = 2,
    bjorck_iterations: int = 20,
) -> nn.Sequential:
    """The critic f_w: R^in_dim -> R; ``spectral_norm`` parametrises every linear layer.

    ``groupsort=True`` builds Anil et al.'s 1-Lipschitz critic instead: GroupSort activations
    (``group_size``) and every weight Björck-orthonormalised (``bjorck_iterations``) in each
    forward pass (:func:`wgan.lipschitz.apply_bjorck`).

    Spectral normalisation uses :func:`torch.nn.utils.parametrizations.spectral_norm` with
    its default of one power iteration per training forward pass, as Miyato et al. (2018)
    and the W1 benchmark's code (``power_iters=1``) do.

    See Also
    --------
    wgan.lipschitz.apply_spectral_norm
    """
    net = mlp(in_dim, 1, width=width, depth=depth, init=init,
              activation="groupsort" if groupsort else "relu", group_size=group_size)
    if spectral_norm:
        from .lipschitz import apply_spectral_norm

        apply_spectral_norm(net, power_iterations)
    if groupsort:
        from .lipschitz import apply_bjorck

        apply_bjorck(net, bjorck_iterations)
    return net


def make_generator(latent_dim: int, out_dim: int, *, width: int, depth: int) -> nn.Sequential:
    """The generator g_theta: R^latent_dim -> R^out_dim."""
    return mlp(latent_dim, out_dim, width=width, depth=depth)


def critic_values(critic: nn.Module, x: torch.Tensor, *, batch: int = 65536) -> torch.Tensor:
    """f(x) as a 1-D tensor, evaluated without gradients in batches."""
    with torch.no_grad():
        return torch.cat([critic(x[i : i + batch]).reshape(-1) for i in range(0, len(x), batch)])
