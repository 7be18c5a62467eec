r"""Lipschitz control of a critic, and measurements of its Lipschitz constant.

* Weight clipping (Algorithm 1 of the WGAN paper): after every critic step every parameter
  is clamped to :math:`[-c, c]`, which makes the critic K-Lipschitz for some unknown K.
* Gradient penalty (WGAN-GP, Gulrajani et al. 2017):
  :math:`\lambda\, E_{\hat x} (\|\nabla f(\hat x)\| - 1)^2` on random interpolates
  :math:`\hat x = \epsilon x + (1 - \epsilon) y`, :math:`\epsilon \sim U[0, 1]`.
* Lipschitz penalty (WGAN-LP, Petzka et al. 2018): the one-sided
  :math:`\lambda\, E_{\hat x} \max(0, \|\nabla f(\hat x)\| - 1)^2`.
* Spectral normalisation (Miyato et al. 2018) of every linear layer with
  :func:`torch.nn.utils.parametrizations.spectral_norm`: each layer has spectral norm about 1,
  so the ReLU network is at most 1-Lipschitz.

The constant of a trained critic is estimated two ways (:func:`lipschitz_estimates`): the
largest gradient norm over samples and interpolates, and the largest slope
:math:`|f(a) - f(b)| / |a - b|` over all pairs of those points. The slope is a certified lower
bound of the true constant; the gradient maximum is an estimate of it (the true constant is a
supremum over the whole space).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import nn

__all__ = [
    "BjorckOrthonormal",
    "LipschitzEstimate",
    "apply_bjorck",
    "apply_spectral_norm",
    "bjorck_orthonormalise",
    "clip_weights",
    "clipping_box_bound",
    "gradient_norms",
    "gradient_penalty",
    "interpolates",
    "lipschitz_estimates",
    "lipschitz_penalty",
    "max_pairwise_slope",
    "normalise",
]


def clip_weights(module: nn.Module, c: float) -> None:
    """Clamp every parameter of ``module`` to [-c, c] in place (Algorithm 1, line 7)."""
    if not c > 0:
        raise ValueError(f"clipping value c must be positive; got {c!r}")
    with torch.no_grad():
        for p in module.parameters():
            p.clamp_(-c, c)


def clipping_box_bound(module: nn.Module, c: float) -> float:
    """The Lipschitz bound every ReLU network with weights in [-c, c] obeys (Section 3's K).

    Each linear layer's spectral norm is at most its Frobenius norm, at most
    c sqrt(fan_in fan_out); ReLU is 1-Lipschitz; so the product of
    these over the layers bounds the constant, whatever the weights inside the box.

    >>> clipping_box_bound(nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 1)), 0.01)
    0.001131370849898
    """
    if not c > 0:
        raise ValueError(f"clipping value c must be positive; got {c!r}")
    bound = 1.0
    for layer in module.modules():
        if isinstance(layer, nn.Linear):
            bound *= c * math.sqrt(layer.in_features * layer.out_features)
    return round(bound, 15)


def apply_spectral_norm(module: nn.Module, n_power_iterations: int = 1) -> nn.Module:
    """Parametrise every :class:`torch.nn.Linear` inside ``module`` with spectral norm.

    ``n_power_iterations`` power iterations per training forward pass (1 as Miyato et al.;
    the W1 benchmark's notebook uses 5).
    """
    from torch.nn.utils.parametrizations import spectral_norm

    for name, child in list(module.named_children()):
        if isinstance(child, nn.Linear):
            setattr(module, name, spectral_norm(child, n_power_iterations=n_power_iterations))
        else:
            apply_spectral_norm(child, n_power_iterations)
    return module


def bjorck_orthonormalise(w: torch.Tensor, iterations: int = 20) -> torch.Tensor:
    r"""Björck's iteration :math:`W \leftarrow \tfrac32 W - \tfrac12 W W^T W` (differentiable).

    ``w`` is first divided by :math:`\sqrt{\|W\|_1 \|W\|_\infty}`, an upper bound of its
    spectral norm, so every singular value starts in (0, 1]; the map
    :math:`s \mapsto \tfrac32 s - \tfrac12 s^3` keeps them in [0, 1] and drives them to 1.
    The result has spectral norm at most 1 after any number of iterations (so a network
    of such layers with GroupSort is 1-Lipschitz), and is the nearest (semi-)orthogonal
    matrix in the limit (Björck and Bowie 1971; Anil, Lucas and Grosse 2019).

    >>> w = bjorck_orthonormalise(torch.tensor([[2.0, 0.0], [0.0, 0.5]]), 30)
    >>> [round(v, 6) for v in torch.linalg.svdvals(w).tolist()]
    [1.0, 1.0]
    """
    scale = torch.sqrt(w.abs().sum(dim=0).max() * w.abs().sum(dim=1).max())
    w = w / scale.clamp_min(1e-12)
    tall = w.shape[0] >= w.shape[1]
    for _ in range(iterations):
        w = 1.5 * w - 0.5 * (w @ (w.T @ w) if tall else (w @ w.T) @ w)
    return w


class BjorckOrthonormal(nn.Module):
    """A parametrisation: the weight used is :func:`bjorck_orthonormalise` of the stored one."""

    def __init__(self, iterations: int = 20) -> None:
        super().__init__()
        if isinstance(iterations, bool) or not isinstance(iterations, int) or iterations < 1:
            raise ValueError(f"iterations must be a positive integer; got {iterations!r}")
        self.iterations = iterations

    def forward(self, w: torch.Tensor) -> torch.Tensor:
        return bjorck_orthonormalise(w, self.iterations)


def apply_bjorck(module: nn.Module, iterations: int = 20) -> nn.Module:
    """Parametrise every :class:`torch.nn.Linear` weight inside ``module`` with
    :class:`BjorckOrthonormal` (in place; returns ``module``)."""
    from torch.nn.utils import parametrize

    for child in module.modules():
        if isinstance(child, nn.Linear) and not parametrize.is_parametrized(child, "weight"):
            parametrize.register_parametrization(child, "weight", BjorckOrthonormal(iterations))
    return module


def interpolates(x: torch.Tensor, y: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """Random points eps x + (1 - eps) y, eps ~ U[0, 1] per row (drawn on the CPU)."""
    eps = torch.rand(x.shape[0], 1, generator=generator).to(device=x.device, dtype=x.dtype)
    return eps * x + (1 - eps) * y


def gradient_norms(
    critic: nn.Module, x: torch.Tensor, *, create_graph: bool = False
) -> torch.Tensor:
    """||grad f(x_i)||_2 for every row x_i, shape (n,)."""
    x = x.detach().requires_grad_(True)
    with torch.enable_grad():
        (grad,) = torch.autograd.grad(critic(x).sum(), x, create_graph=create_graph)
    return grad.norm(dim=1)


def gradient_penalty(
    critic: nn.Module, x: torch.Tensor, y: torch.Tensor, generator: torch.Generator
) -> torch.Tensor:
    """WGAN-GP's E (||grad f(x_hat)|| - 1)^2 on random interpolates (differentiable)."""
    norms = gradient_norms(critic, interpolates(x, y, generator), create_graph=True)
    return ((norms - 1) ** 2).mean()


def lipschitz_penalty(
    critic: nn.Module, x: torch.Tensor, y: torch.Tensor, generator: torch.Generator
) -> torch.Tensor:
    """WGAN-LP's one-sided E max(0, ||grad f(x_hat)|| - 1)^2 on random interpolates."""
    norms = gradient_norms(critic, interpolates(x, y, generator), create_graph=True)
    return (torch.relu(norms - 1) ** 2).mean()


def normalise(raw: float, lipschitz: float) -> float:
    """The critic's estimate divided by its Lipschitz constant: the value of the 1-Lipschitz f / K.

    A constant 0 is returned for ``lipschitz == 0`` with ``raw == 0``: a critic that is flat
    on the points gives 0 whatever it is scaled by. A non-zero estimate with a zero Lipschitz
    estimate, or a negative or non-finite constant, has no normalised value and raises.

    Examples
    --------
    >>> normalise(0.5, 0.25), normalise(0.0, 0.0)
    (2.0, 0.0)
    """
    if not (math.isfinite(lipschitz) and lipschitz >= 0):
        raise ValueError(f"lipschitz must be finite and non-negative; got {lipschitz!r}")
    if lipschitz > 0:
        return raw / lipschitz
    if raw == 0:
        return 0.0
    raise ValueError(
        f"a critic with Lipschitz estimate 0 must have estimate 0; got {raw!r} "
        "(estimate the constant on more points)"
    )


def max_pairwise_slope(
    points_a: torch.Tensor,
    values_a: torch.Tensor,
    points_b: torch.Tensor | None = None,
    values_b: torch.Tensor | None = None,
    *,
    min_distance: float = 1e-6,
    block: int = 1024,
) -> float:
    """The largest |f(a) - f(b)| / |a - b| over pairs (a, b), a lower bound of Lip(f).

    With only ``points_a`` all pairs within it are used; with ``points_b`` too, the pairs
    (a_i, b_j). Pairs closer than ``min_distance`` are skipped (round-off in f dominates).
    Computed blockwise in the dtype of the inputs (use float64 for a certified bound).
    """
    same = points_b is None
    if same:
        points_b, values_b = points_a, values_a
    assert points_b is not None and values_b is not None
    best = 0.0
    for i in range(0, len(points_a), block):
        pa, fa = points_a[i : i + block], values_a[i : i + block]
        dist = torch.cdist(pa, points_b)
        diff = (fa[:, None] - values_b[None, :]).abs()
        ok = dist > min_distance
        if ok.any():
            best = max(best, float((diff[ok] / dist[ok]).max()))
    return best


@dataclass(frozen=True)
class LipschitzEstimate:
    """Two estimates of a critic's Lipschitz constant.

    Attributes
    ----------
    max_gradient_norm : float
        Largest ||grad f|| over the samples of both sides and their interpolates.
    max_slope : float
        Largest |f(a) - f(b)| / |a - b| over all pairs of those points: a lower bound.
    n_points : int
        How many points were looked at.
    """

    max_gradient_norm: float
    max_slope: float
    n_points: int


def lipschitz_estimates(
    critic: nn.Module, x: torch.Tensor, y: torch.Tensor, generator: torch.Generator
) -> LipschitzEstimate:
    """Gradient-norm and pairwise-slope estimates on x, y and as many interpolates.

    ``x`` and ``y`` must have the same number of rows; evaluate in float64 for exact slopes.
    """
    pts = torch.cat([x, y, interpolates(x, y, generator)])
    grad = float(gradient_norms(critic, pts).max())
    with torch.no_grad():
        values = critic(pts).reshape(-1)
    return LipschitzEstimate(grad, max_pairwise_slope(pts, values), int(pts.shape[0]))
