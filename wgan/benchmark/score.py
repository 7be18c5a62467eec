r"""Score any critic on a benchmark pair, to Korotin et al.'s standard ("bring your own critic").

:func:`evaluate_critic` takes any torch callable :math:`x \mapsto f(x)` (a module, a closure,
the exact-OT critic of :mod:`~wgan.benchmark.exact_ot`) and a :class:`~.funnels.FunnelPair`,
and scores it the way the W1 benchmark's code does (``src/methods.py``:
``calculate_kantorovitch_wasserstein``, ``cosine_metrics``, ``L2_metrics``): the value
:math:`E_P f - E_Q f` on ``n`` + ``n`` independent fresh points (their 4096 + 4096), and the
gradient against the optimal critic's on the ``n`` points of the moved side Q.

Confidence intervals come from the scoring sample itself (normal approximation, 95 %):

* value: the two sides are independent, so the estimate's variance is
  :math:`\mathrm{Var}_P f / n + \mathrm{Var}_Q f / n` (sample variances); the pair's own Monte
  Carlo error of W1 is added in quadrature to the relative error's;
* cosine: the mean of n per-point cosines, :math:`\pm 1.96\, s / \sqrt{n}`.

These are the scoring noise of one evaluation; the spread over training seeds is a separate
number (the sweep reports both).
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

import torch
from torch import nn

from .funnels import FunnelPair, check_int

__all__ = ["Z95", "CriticScore", "evaluate_critic"]

Z95 = 1.959963984540054
"""The two-sided 95 % quantile of the standard normal."""
_BLOCK = 1024


@dataclass(frozen=True)
class CriticScore:
    """A critic scored on one pair.

    Attributes
    ----------
    pair : str
        The pair's name.
    n, seed : int
        Scoring points per side, and the seed they were drawn with.
    w1, w1_stderr : float
        The pair's W1 and its Monte Carlo standard error.
    raw : float
        :math:`E_P f - E_Q f` on n + n independent fresh points.
    raw_stderr : float
        Standard error of ``raw`` from the two samples' variances.
    lipschitz : float
        K: the largest gradient norm over the 3n points (both samples and their interpolates).
    normalised : float
        raw / K (0 for a critic that is flat everywhere it was looked at).
    raw_error, normalised_error : float
        Signed relative errors (estimate - W1) / W1.
    raw_error_ci, normalised_error_ci : tuple of float
        95 % intervals of the two relative errors from the scoring noise (K held fixed).
    cosine : float
        Mean cosine between :math:`\\nabla f` and :math:`\\nabla u` on the n points of Q
        (a zero gradient counts 0).
    cosine_ci : tuple of float
        Its 95 % interval.
    l2, l2_normalised : float
        :math:`E_Q\\|\\nabla f - \\nabla u\\|^2` (:math:`\\|\\nabla u\\| = 1`), and the same for
        :math:`\\nabla f / K`.
    """

    pair: str
    n: int
    seed: int
    w1: float
    w1_stderr: float
    raw: float
    raw_stderr: float
    lipschitz: float
    normalised: float
    raw_error: float
    normalised_error: float
    raw_error_ci: tuple[float, float]
    normalised_error_ci: tuple[float, float]
    cosine: float
    cosine_ci: tuple[float, float]
    l2: float
    l2_normalised: float

    def to_dict(self) -> dict[str, Any]:
        """The fields as a dict."""
        return asdict(self)


def _float64(critic: Callable[[torch.Tensor], torch.Tensor]) -> Callable[[torch.Tensor], Any]:
    if isinstance(critic, nn.Module):
        return copy.deepcopy(critic).to("cpu").double().eval()
    return critic


def _values_and_grads(f: Callable[[torch.Tensor], Any], x: torch.Tensor,
                      need_grad: bool) -> tuple[torch.Tensor, torch.Tensor | None]:
    values, grads = [], []
    for s in range(0, len(x), _BLOCK):
        xb = x[s : s + _BLOCK].detach().clone().requires_grad_(need_grad)
        with torch.enable_grad() if need_grad else torch.no_grad():
            out = f(xb)
            if not isinstance(out, torch.Tensor) or out.numel() != len(xb):
                shape = tuple(out.shape) if isinstance(out, torch.Tensor) else type(out).__name__
                raise ValueError(f"the critic must return one value per point, shape ({len(xb)},) "
                                 f"or ({len(xb)}, 1); got {shape}")
            out = out.reshape(-1).to(torch.float64)
            if need_grad:
                if out.requires_grad:
                    (g,) = torch.autograd.grad(out.sum(), xb)
                else:  # a constant critic: no graph, gradient zero
                    g = torch.zeros_like(xb)
                grads.append(g.detach())
        values.append(out.detach())
    return torch.cat(values), (torch.cat(grads) if need_grad else None)


def _interval(centre: float, half: float) -> tuple[float, float]:
    return (centre - half, centre + half)


def evaluate_critic(
    critic: Callable[[torch.Tensor], torch.Tensor],
    pair: FunnelPair,
    *,
    n: int = 4096,
    seed: int = 0,
) -> CriticScore:
    """Score ``critic`` on ``pair`` as the W1 benchmark does: value, gradient, their noise.

    Parameters
    ----------
    critic : callable
        ``critic(x) -> f(x)`` for a float64 tensor x of shape (m, d) on the CPU, returning m
        values (shape (m,) or (m, 1)), differentiable in x with torch autograd. A
        :class:`torch.nn.Module` is scored on a float64 CPU copy in eval mode (the module
        itself is not changed); any other callable must accept float64.
    pair : FunnelPair
        A pair with a known optimal critic (:func:`~.anchor.load_anchor_pair`,
        :func:`~.funnels.make_funnel_pair`).
    n : int, default 4096
        Scoring points per side (the benchmark's 4096 + 4096).
    seed : int, default 0
        Seed of the scoring points.

    Returns
    -------
    CriticScore

    Examples
    --------
    >>> from wgan.benchmark import make_funnel_pair
    >>> pair = make_funnel_pair(2, 4, n_mc=4096)
    >>> best = evaluate_critic(pair.potential, pair, n=512)
    >>> round(best.cosine, 12), best.lipschitz <= 1 + 1e-9
    (1.0, True)
    >>> evaluate_critic(lambda x: -pair.potential(x), pair, n=512).cosine
    -1.0
    """
    check_int("n", n, 2)
    check_int("seed", seed, 0)
    f = _float64(critic)
    gen = torch.Generator().manual_seed(seed)
    x = pair.sample_plan(n, gen)[0]  # P: the cube
    y = pair.sample_plan(n, gen)[1]  # Q: moved points, drawn independently of x
    eps = torch.rand(n, 1, generator=gen, dtype=torch.float64)
    fx, gx = _values_and_grads(f, x, True)
    fy, gy = _values_and_grads(f, y, True)
    _, gi = _values_and_grads(f, eps * x + (1 - eps) * y, True)
    assert gx is not None and gy is not None and gi is not None
    raw = float(fx.mean() - fy.mean())
    raw_se = math.sqrt(float(fx.var()) / n + float(fy.var()) / n)
    lip = float(torch.cat([gx, gy, gi]).norm(dim=1).max())
    normalised = raw / lip if lip > 0 else 0.0
    w1 = pair.w1
    rel_w1 = pair.w1_stderr / w1
    raw_err = raw / w1 - 1.0
    nor_err = normalised / w1 - 1.0
    raw_half = Z95 * math.hypot(raw_se / w1, (1 + raw_err) * rel_w1)
    nor_half = Z95 * math.hypot(raw_se / (lip * w1) if lip > 0 else 0.0, (1 + nor_err) * rel_w1)
    gu = pair.gradient(y)
    den = gy.norm(dim=1) * gu.norm(dim=1)
    cos = torch.where(den > 0, (gy * gu).sum(dim=1) / den.clamp_min(1e-300),
                      torch.zeros_like(den))
    cos_mean = float(cos.mean())
    cos_half = Z95 * float(cos.std()) / math.sqrt(n)
    l2 = float(((gy - gu) ** 2).sum(dim=1).mean())
    l2n = float(((gy / lip - gu) ** 2).sum(dim=1).mean()) if lip > 0 else 1.0
    return CriticScore(
        pair=pair.name, n=int(n), seed=int(seed), w1=w1, w1_stderr=pair.w1_stderr, raw=raw,
        raw_stderr=raw_se, lipschitz=lip, normalised=normalised, raw_error=raw_err,
        normalised_error=nor_err, raw_error_ci=_interval(raw_err, raw_half),
        normalised_error_ci=_interval(nor_err, nor_half), cosine=cos_mean,
        cosine_ci=_interval(cos_mean, cos_half), l2=l2, l2_normalised=l2n,
    )
