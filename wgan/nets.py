"""Multilayer perceptrons for the critic and the generator.

Both are ``in -> width -> ... -> width -> out`` with ReLU, as in the WGAN-GP toy experiments
(2 -> 512 -> 512 -> 512 -> out there; narrower by default here so a CPU run takes a minute).
"""

from __future__ import annotations

import torch
from torch import nn

__all__ = ["critic_values", "make_critic", "make_generator", "mlp"]


def mlp(in_dim: int, out_dim: int, *, width: int, depth: int) -> nn.Sequential:
    """A ReLU MLP with ``depth`` hidden layers of ``width`` units.

    Parameters
    ----------
    in_dim, out_dim : int
        Input and output dimensions.
    width : int
        Hidden units per layer (positive).
    depth : int
        Number of hidden layers (non-negative; 0 gives a single linear map).
    """
    for name, value, low in (("in_dim", in_dim, 1), ("out_dim", out_dim, 1),
                             ("width", width, 1), ("depth", depth, 0)):
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise ValueError(f"{name} must be an integer >= {low}; got {value!r}")
    layers: list[nn.Module] = []
    d = in_dim
    for _ in range(depth):
        layers += [nn.Linear(d, width), nn.ReLU()]
        d = width
    layers.append(nn.Linear(d, out_dim))
    return nn.Sequential(*layers)


def make_critic(
    in_dim: int, *, width: int, depth: int, spectral_norm: bool = False
) -> nn.Sequential:
    """The critic f_w: R^in_dim -> R; ``spectral_norm`` parametrises every linear layer.

    See Also
    --------
    wgan.lipschitz.apply_spectral_norm
    """
    net = mlp(in_dim, 1, width=width, depth=depth)
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
