r"""Critic-only fits: how close is a WGAN critic's estimate to the exact W1?

By the Kantorovich-Rubinstein duality

.. math::

    W_1(P, Q) = \sup_{\mathrm{Lip}(f) \le 1} E_P f - E_Q f ,

so a critic f with Lipschitz constant K gives :math:`E_P f - E_Q f \le K\, W_1(P, Q)`. The raw
estimate :math:`E_P f - E_Q f` is therefore about :math:`K W_1` (weight clipping leaves K
unknown and tiny); dividing by an estimate of K gives the *normalised* estimate.

Comparison 1 (:func:`evaluate_critic`): population pairs with a known W1; the critic is fitted
on fresh batches, then the raw estimate is computed on 10^5 fresh points per side, together
with the largest gradient norm over samples and interpolates (the estimate of K), the
largest pairwise slope (a lower bound of K), the normalised estimate and their signed
relative errors :math:`(\hat W - W_1) / W_1`.

Comparison 2 (:func:`finite_sample_bound`): fixed samples X, Y. The exact LP value
:math:`W_1(X, Y)` (from :func:`distances.earth_mover`) bounds the value of every 1-Lipschitz
function on those points. Dividing the critic's raw value by its largest slope over the pairs
:math:`(x_i, y_j)` makes it feasible for the LP's dual (:math:`u_i + v_j \le |x_i - y_j|` with
:math:`u = f/K`, :math:`v = -f/K`), so duality guarantees ``normalised <= exact``.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass

import numpy as np
import torch
from torch import nn

from .config import CriticConfig, MethodDefaults
from .data import Pair, make_pair
from .device import resolve_device, torch_threads
from .lipschitz import (
    clip_weights,
    clipping_box_bound,
    gradient_penalty,
    lipschitz_estimates,
    lipschitz_penalty,
    max_pairwise_slope,
    normalise,
)
from .nets import critic_values, make_critic

__all__ = [
    "CriticResult",
    "FiniteSampleResult",
    "critic_loss",
    "critic_step",
    "evaluate_critic",
    "finite_sample_bound",
    "fit_critic",
    "fit_critic_on_samples",
    "make_optimizer",
]


def make_optimizer(
    params: Iterable[nn.Parameter], settings: MethodDefaults, lr: float | None = None
) -> torch.optim.Optimizer:
    """RMSProp or Adam with the given settings (``lr`` overrides ``settings.lr``)."""
    rate = settings.lr if lr is None else lr
    if settings.optimizer == "rmsprop":
        return torch.optim.RMSprop(params, lr=rate)
    return torch.optim.Adam(params, lr=rate, betas=settings.betas)


def critic_loss(
    critic: nn.Module,
    real: torch.Tensor,
    fake: torch.Tensor,
    *,
    method: str,
    penalty_weight: float,
    generator: torch.Generator,
) -> tuple[torch.Tensor, float]:
    """The loss the critic minimises, and the batch estimate E_real f - E_fake f."""
    estimate = critic(real).mean() - critic(fake).mean()
    loss = -estimate
    if method == "gp":
        loss = loss + penalty_weight * gradient_penalty(critic, real, fake, generator)
    elif method == "lp":
        loss = loss + penalty_weight * lipschitz_penalty(critic, real, fake, generator)
    return loss, float(estimate.detach())


def critic_step(
    critic: nn.Module,
    optimizer: torch.optim.Optimizer,
    real: torch.Tensor,
    fake: torch.Tensor,
    *,
    method: str,
    penalty_weight: float,
    clip: float,
    generator: torch.Generator,
) -> float:
    """One critic update (and the clipping of Algorithm 1 for ``clip``); returns the estimate."""
    loss, estimate = critic_loss(
        critic, real, fake, method=method, penalty_weight=penalty_weight, generator=generator
    )
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    optimizer.step()
    if method == "clip":
        clip_weights(critic, clip)
    return estimate


def _cpu_tensor(x: torch.Tensor | np.ndarray, dtype: torch.dtype) -> torch.Tensor:
    """``x`` as a CPU tensor of ``dtype``: tensors on any device (CUDA included) are copied
    with ``.to``, never through ``np.asarray`` (which fails on a CUDA tensor)."""
    if isinstance(x, torch.Tensor):
        return x.detach().to(device="cpu", dtype=dtype)
    return torch.as_tensor(np.asarray(x), dtype=dtype)


def _new_critic(config: CriticConfig, dim: int, device: torch.device) -> nn.Module:
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(config.seed)
        net = make_critic(dim, width=config.width, depth=config.depth,
                          spectral_norm=config.method == "sn", init=config.init)
    if config.method == "clip":
        clip_weights(net, config.clip)
    return net.to(device)


def fit_critic(
    sample_p: Callable[[int, torch.Generator], torch.Tensor],
    sample_q: Callable[[int, torch.Generator], torch.Tensor],
    config: CriticConfig,
    *,
    dim: int = 2,
    progress: bool = False,
) -> tuple[nn.Module, float]:
    """Fit a critic to maximise E_P f - E_Q f on fresh batches; returns (critic, seconds).

    Parameters
    ----------
    sample_p, sample_q : callable
        ``sample(n, generator) -> Tensor (n, dim)`` on the CPU.
    config : CriticConfig
        Method, network size, optimiser, iterations and seed (``config.pair`` is ignored).
    dim : int
        Dimension of the points.
    progress : bool
        Show a tqdm progress bar.
    """
    with torch_threads(config.threads):
        return _fit(sample_p, sample_q, config, dim, progress)


def _fit(
    sample_p: Callable[[int, torch.Generator], torch.Tensor],
    sample_q: Callable[[int, torch.Generator], torch.Tensor],
    config: CriticConfig,
    dim: int,
    progress: bool,
) -> tuple[nn.Module, float]:
    device = resolve_device(config.device)
    settings = config.resolved
    critic = _new_critic(config, dim, device)
    optimizer = make_optimizer(critic.parameters(), settings)
    gen = torch.Generator().manual_seed(config.seed + 1)
    m = settings.batch_size
    steps = range(config.iterations)
    if progress:
        from tqdm.auto import tqdm

        steps = tqdm(steps, desc=f"critic {config.method}", unit="it", leave=False)
    start = time.perf_counter()
    for _ in steps:
        real = sample_p(m, gen).to(device)
        fake = sample_q(m, gen).to(device)
        critic_step(critic, optimizer, real, fake, method=config.method,
                    penalty_weight=config.penalty_weight, clip=config.clip, generator=gen)
    return critic, time.perf_counter() - start


def fit_critic_on_samples(
    x: torch.Tensor | np.ndarray, y: torch.Tensor | np.ndarray, config: CriticConfig,
    *, progress: bool = False,
) -> tuple[nn.Module, float]:
    """Fit a critic on the fixed point sets x (P side) and y (Q side), shapes (n, d), (m, d).

    Each step draws a minibatch with replacement from each set. Returns (critic, seconds).
    Tensors on any device are accepted (they are copied to the CPU, where the minibatches
    are drawn, and each minibatch goes to ``config.device``).
    """
    xt = _cpu_tensor(x, torch.float32)
    yt = _cpu_tensor(y, torch.float32)
    if xt.ndim != 2 or yt.ndim != 2 or xt.shape[1] != yt.shape[1] or not len(xt) or not len(yt):
        raise ValueError(
            "x and y must be non-empty arrays of shape (n, d) and (m, d) with the same d; "
            f"got {tuple(xt.shape)} and {tuple(yt.shape)}"
        )

    def from_x(n: int, g: torch.Generator) -> torch.Tensor:
        return xt[torch.randint(len(xt), (n,), generator=g)]

    def from_y(n: int, g: torch.Generator) -> torch.Tensor:
        return yt[torch.randint(len(yt), (n,), generator=g)]

    return fit_critic(from_x, from_y, config, dim=int(xt.shape[1]), progress=progress)


def _float64_copy(critic: nn.Module) -> nn.Module:
    """An evaluation copy in float64 on the CPU (spectral norm frozen at its current u, v)."""
    return copy.deepcopy(critic).to("cpu").double().eval()


@dataclass(frozen=True)
class CriticResult:
    """Comparison 1: a critic's estimate of a known W1.

    Attributes
    ----------
    pair, method : str
        What was compared, and the Lipschitz control.
    w1 : float
        The exact W1 of the pair.
    raw : float
        E_P f - E_Q f on ``n_eval`` fresh points per side.
    lipschitz : float
        Largest gradient norm over samples and interpolates (the estimate of K).
    slope_bound : float
        Largest pairwise slope over the same points, a lower bound of K.
    normalised : float
        raw / lipschitz.
    raw_error, normalised_error : float
        Signed relative errors (estimate - w1) / w1.
    iterations : int
        Critic steps.
    seconds : float
        Wall time of the fit (not the evaluation).
    n_eval : int
        Points per side of the raw estimate.
    raw_stderr : float
        Standard error of ``raw`` from the two scoring samples' variances (the measured
        scoring noise; NaN where not measured).
    lipschitz_bound : float
        For ``clip``: the bound of K that the clipping box gives
        (:func:`wgan.lipschitz.clipping_box_bound`); NaN otherwise.
    """

    pair: str
    method: str
    w1: float
    raw: float
    lipschitz: float
    slope_bound: float
    normalised: float
    raw_error: float
    normalised_error: float
    iterations: int
    seconds: float
    n_eval: int
    raw_stderr: float = float("nan")
    lipschitz_bound: float = float("nan")

    def to_dict(self) -> dict[str, object]:
        """The fields as a dict (for CSV and JSON)."""
        return asdict(self)


def evaluate_critic(
    config: CriticConfig, *, progress: bool = False, pair: Pair | None = None
) -> tuple[CriticResult, nn.Module]:
    """Comparison 1: fit a critic on ``config.pair`` and measure its estimate against W1.

    Returns the result and the fitted critic.

    Examples
    --------
    >>> cfg = CriticConfig(pair="translation", method="lp", width=16, depth=2, iterations=50,
    ...                    n_eval=1000, n_lipschitz=100, lr=1e-3)
    >>> result, critic = evaluate_critic(cfg)
    >>> result.w1
    1.0
    """
    pair = pair or make_pair(config.pair, shift=config.shift, dilation=config.dilation,
                             theta=config.theta)
    critic, seconds = fit_critic(pair.sample_p, pair.sample_q, config, dim=pair.dim,
                                 progress=progress)
    f64 = _float64_copy(critic)
    gen = torch.Generator().manual_seed(config.seed + 2)
    x = pair.sample_p(config.n_eval, gen).double()
    y = pair.sample_q(config.n_eval, gen).double()
    fx, fy = critic_values(f64, x), critic_values(f64, y)
    raw = float(fx.mean() - fy.mean())
    raw_stderr = float((fx.var() / len(fx) + fy.var() / len(fy)).sqrt())
    k = min(config.n_lipschitz, config.n_eval)
    lip = lipschitz_estimates(f64, x[:k], y[:k], gen)
    normalised = normalise(raw, lip.max_gradient_norm)
    bound = clipping_box_bound(f64, config.clip) if config.method == "clip" else float("nan")
    result = CriticResult(
        pair=pair.name,
        method=config.method,
        w1=pair.w1,
        raw=raw,
        lipschitz=lip.max_gradient_norm,
        slope_bound=lip.max_slope,
        normalised=normalised,
        raw_error=raw / pair.w1 - 1 if pair.w1 else float("nan"),
        normalised_error=normalised / pair.w1 - 1 if pair.w1 else float("nan"),
        iterations=config.iterations,
        seconds=seconds,
        n_eval=config.n_eval,
        raw_stderr=raw_stderr,
        lipschitz_bound=bound,
    )
    return result, critic


@dataclass(frozen=True)
class FiniteSampleResult:
    """Comparison 2: a critic on fixed samples X, Y against the exact LP value on them.

    Attributes
    ----------
    n : int
        Points per side.
    exact : float
        W1(X, Y) from :func:`distances.earth_mover` (exact, certified).
    raw : float
        mean f(X) - mean f(Y).
    slope : float
        max_{i,j} |f(x_i) - f(y_j)| / |x_i - y_j| in float64: f / slope is feasible for the
        LP's dual.
    normalised : float
        raw / slope; duality says ``normalised <= exact``.
    lipschitz : float
        Largest gradient norm over X, Y and interpolates.
    normalised_by_gradient : float
        raw / lipschitz (no guarantee: the gradient maximum may miss the steepest pair).
    seconds : float
        Wall time of the fit.
    """

    n: int
    exact: float
    raw: float
    slope: float
    normalised: float
    lipschitz: float
    normalised_by_gradient: float
    seconds: float

    @property
    def relative_gap(self) -> float:
        """(normalised - exact) / exact, <= 0 by duality."""
        return self.normalised / self.exact - 1

    def to_dict(self) -> dict[str, object]:
        """The fields (and the relative gap) as a dict."""
        return {**asdict(self), "relative_gap": self.relative_gap}


def finite_sample_bound(
    x: torch.Tensor | np.ndarray,
    y: torch.Tensor | np.ndarray,
    config: CriticConfig,
    *,
    critic: nn.Module | None = None,
    progress: bool = False,
) -> tuple[FiniteSampleResult, nn.Module]:
    """Comparison 2: fit a critic on X, Y (unless ``critic`` is given) and compare with W1(X, Y).

    ``x`` and ``y`` may be arrays or tensors on any device; the exact W1 and the evaluation
    always run on the CPU in float64 (POT's network simplex is a CPU solver).

    Examples
    --------
    >>> g = torch.Generator().manual_seed(0)
    >>> from wgan.data import eight_gaussians
    >>> x = eight_gaussians(64, g); y = x + torch.tensor([1.0, 0.0])
    >>> cfg = CriticConfig(method="gp", width=16, depth=2, iterations=50, lr=1e-3)
    >>> res, _ = finite_sample_bound(x, y, cfg)
    >>> res.normalised <= res.exact
    True
    """
    from distances import Discrete, earth_mover

    xd = _cpu_tensor(x, torch.float64)
    yd = _cpu_tensor(y, torch.float64)
    seconds = 0.0
    if critic is None:
        critic, seconds = fit_critic_on_samples(xd, yd, config, progress=progress)
    exact = earth_mover(Discrete(xd.numpy()), Discrete(yd.numpy()))
    f64 = _float64_copy(critic)
    fx, fy = critic_values(f64, xd), critic_values(f64, yd)
    raw = float(fx.mean() - fy.mean())
    slope = max_pairwise_slope(xd, fx, yd, fy, min_distance=0.0)
    n = min(len(xd), len(yd))
    gen = torch.Generator().manual_seed(config.seed + 3)
    lip = lipschitz_estimates(f64, xd[:n], yd[:n], gen)
    result = FiniteSampleResult(
        n=len(xd),
        exact=exact,
        raw=raw,
        slope=slope,
        normalised=normalise(raw, slope),
        lipschitz=lip.max_gradient_norm,
        normalised_by_gradient=normalise(raw, lip.max_gradient_norm),
        seconds=seconds,
    )
    return result, critic
