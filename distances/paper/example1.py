r"""The data of the paper's Figure 1 and of "learning parallel lines" (Example 1).

Figure 1 plots :math:`\rho(P_0, P_\theta)` against :math:`\theta`: the EM distance
:math:`|\theta|` (continuous, with a usable gradient everywhere) and the JS divergence
(log 2 except at 0). :func:`figure1_data` computes, for a grid of :math:`\theta`, the
closed forms and the values the toolkit computes from samples:

- **same z**: :math:`P_0` and :math:`P_\theta` sampled with the same latent values
  :math:`z_1..z_n`. The exact W1 of the two empirical measures is then :math:`|\theta|`
  exactly (every point moves horizontally by :math:`|\theta|`, and no point can move
  less), and JS, KL, TV equal their closed forms.
- **independent z**: :math:`P_0` from :math:`z_1..z_n`, :math:`P_\theta` from an
  independent :math:`z'_1..z'_n`. Then
  :math:`|\theta| \le W_1 \le |\theta| + \text{floor}`, where the *finite-sample floor*
  is the exact W1 between the two samples at :math:`\theta = 0` (two independent samples
  of the same law), because the horizontal move alone costs :math:`|\theta|` and the
  triangle inequality gives the upper bound. JS is log 2 and TV is 1 even at
  :math:`\theta = 0`: the supports of two continuous samples are disjoint.

:func:`learn_parallel_lines` runs gradient descent on :math:`\theta` from 1 with the exact
W1 envelope gradient (it reaches 0), and with JS or KL (the gradient is 0: it does not move).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats

from ..continuous import earth_mover_continuous
from ..divergences import js_divergence, kl_divergence, total_variation
from ..gradients import earth_mover_gradient
from ..measures import Discrete
from ..wasserstein import earth_mover
from .families import example1_distances, example1_sample
from .generators import Example1Generator
from .results import CheckResult

__all__ = [
    "Figure1Data",
    "LearningConfig",
    "Trajectory",
    "check_figure1",
    "check_learning",
    "figure1_data",
    "learn_parallel_lines",
]

FloatArray = NDArray[np.float64]
Loss = Literal["w1", "js", "kl"]
_LOG2 = math.log(2.0)


@dataclass(frozen=True)
class Figure1Data:
    r"""Closed forms and sample-based values of the four distances along :math:`\theta`.

    Every array has one entry per :math:`\theta` in ``theta``. Columns ending in ``_same_z``
    use the same latent sample on both lines; ``_indep`` uses independent samples.

    Attributes
    ----------
    theta : ndarray
        The grid.
    n : int
        Sample size on each line.
    seed : int
        Seed of the latent samples.
    columns : dict of str to ndarray
        ``w1_exact, js_exact, kl_exact, tv_exact`` (closed forms; KL is the same in both
        directions), ``w1_same_z, js_same_z, kl_0_theta_same_z, kl_theta_0_same_z,
        tv_same_z``, ``w1_indep, js_indep, kl_0_theta_indep, tv_indep``,
        ``floor`` (exact W1 between the two independent samples at theta = 0) and
        ``floor_population`` (:math:`W_1(\hat z, U[0,1]) + W_1(\hat z', U[0,1])`, the
        population bound on the same gap, computed by quadrature).
    """

    theta: FloatArray
    n: int
    seed: int
    columns: dict[str, FloatArray] = field(repr=False)

    @property
    def max_error_same_z(self) -> float:
        """:math:`\\max_\\theta |W_1^{same\\,z}(\\theta) - |\\theta||`."""
        return float(np.max(np.abs(self.columns["w1_same_z"] - self.columns["w1_exact"])))

    @property
    def within_floor(self) -> bool:
        """True when :math:`|\\theta| \\le W_1^{indep} \\le |\\theta| + floor` at every theta.

        A relative slack of 1e-12 absorbs the round-off of summing n costs.
        """
        c = self.columns
        tol = 1e-12 * np.maximum(1.0, c["w1_exact"])
        return bool(
            np.all(c["w1_indep"] >= c["w1_exact"] - tol)
            and np.all(c["w1_indep"] <= c["w1_exact"] + c["floor"] + tol)
        )


def figure1_data(theta: ArrayLike | None = None, *, n: int = 256, seed: int = 0) -> Figure1Data:
    r"""Compute the closed forms and the toolkit's sample values for Figure 1.

    Parameters
    ----------
    theta : array_like, optional
        The grid; default 21 points :math:`-1, -0.9, \dots, 1` (0 included exactly).
    n : int, default 256
        Samples per line. W1 on independent samples uses the exact network simplex on
        n x n costs.
    seed : int, default 0
        Seed of the two latent samples (fixed across theta, like a fixed noise batch).

    Returns
    -------
    Figure1Data

    Examples
    --------
    >>> d = figure1_data([-0.5, 0.0, 0.5], n=16)
    >>> d.columns["w1_same_z"].tolist(), d.columns["js_same_z"].tolist()
    ([0.5, 0.0, 0.5], [0.6931471805599453, 0.0, 0.6931471805599453])
    >>> d.within_floor
    True
    """
    grid = np.arange(-10, 11) / 10.0 if theta is None else np.asarray(theta, dtype=float)
    if grid.ndim != 1 or grid.size == 0 or not np.isfinite(grid).all():
        raise ValueError(f"theta must be a non-empty 1-D array of finite values; got {grid!r}")
    if not (isinstance(n, (int, np.integer)) and n > 0):
        raise ValueError(f"n must be a positive integer; got {n!r}")
    rng = np.random.default_rng(seed)
    z, z_indep = rng.uniform(size=n), rng.uniform(size=n)
    real = Discrete(example1_sample(0.0, z=z))
    keys = (
        "w1_exact",
        "js_exact",
        "kl_exact",
        "tv_exact",
        "w1_same_z",
        "js_same_z",
        "kl_0_theta_same_z",
        "kl_theta_0_same_z",
        "tv_same_z",
        "w1_indep",
        "js_indep",
        "kl_0_theta_indep",
        "tv_indep",
    )
    cols: dict[str, list[float]] = {k: [] for k in keys}
    for t in grid:
        exact = example1_distances(t)
        same = Discrete(example1_sample(t, z=z))
        indep = Discrete(example1_sample(t, z=z_indep))
        row = {
            "w1_exact": exact.earth_mover,
            "js_exact": exact.js,
            "kl_exact": exact.kl_theta_0,
            "tv_exact": exact.total_variation,
            "w1_same_z": earth_mover(real, same),
            "js_same_z": js_divergence(real, same),
            "kl_0_theta_same_z": kl_divergence(real, same),
            "kl_theta_0_same_z": kl_divergence(same, real),
            "tv_same_z": total_variation(real, same),
            "w1_indep": earth_mover(real, indep),
            "js_indep": js_divergence(real, indep),
            "kl_0_theta_indep": kl_divergence(real, indep),
            "tv_indep": total_variation(real, indep),
        }
        for k in keys:
            cols[k].append(float(row[k]))
    floor = earth_mover(real, Discrete(example1_sample(0.0, z=z_indep)))
    uniform = stats.uniform(0.0, 1.0)
    floor_pop = (
        earth_mover_continuous(uniform, Discrete(z)).value
        + earth_mover_continuous(uniform, Discrete(z_indep)).value
    )
    columns = {k: np.asarray(v) for k, v in cols.items()}
    columns["floor"] = np.full(grid.size, floor)
    columns["floor_population"] = np.full(grid.size, floor_pop)
    return Figure1Data(theta=grid, n=int(n), seed=int(seed), columns=columns)


# -- learning parallel lines -------------------------------------------------------------


@dataclass(frozen=True)
class LearningConfig:
    """Settings of :func:`learn_parallel_lines`.

    Attributes
    ----------
    theta0 : float
        Starting offset of the generator's line (the paper's picture: 1).
    lr : float
        Initial step size.
    steps : int
        Number of gradient steps.
    n : int
        Samples per line in the fixed latent batch.
    seed : int
        Seed of the latent batch (the same z on both lines, fixed over the steps).
    halve_on_flip : bool
        Halve the step when the gradient changes sign. The W1 loss is :math:`|\\theta|`,
        with a kink at the minimum: a fixed step would hop over 0 forever at distance at
        most ``lr``; halving on each overshoot converges to 0 geometrically.
    fd_step : float
        Step of the central finite difference used for the JS and KL gradients.
    """

    theta0: float = 1.0
    lr: float = 0.1
    steps: int = 40
    n: int = 64
    seed: int = 0
    halve_on_flip: bool = True
    fd_step: float = 1e-6


@dataclass(frozen=True)
class Trajectory:
    """One run of gradient descent on theta.

    Attributes
    ----------
    loss : {"w1", "js", "kl"}
        The distance minimised.
    theta : ndarray, shape (steps + 1,)
        Theta before each step and after the last one.
    value : ndarray, shape (steps + 1,)
        The distance between the two empirical measures at each theta.
    gradient : ndarray, shape (steps + 1,)
        Its derivative in theta: the exact W1 envelope gradient, or the central finite
        difference of JS; for KL, which is +inf on both sides of every theta != 0, the
        finite difference inf - inf is undefined and the gradient is recorded as 0 (no
        information flows).
    """

    loss: str
    theta: FloatArray
    value: FloatArray
    gradient: FloatArray


def _loss_and_grad(loss: Loss, t: float, z: FloatArray, cfg: LearningConfig) -> tuple[float, float]:
    g = Example1Generator()
    x = g(0.0, z)
    if loss == "w1":
        r = earth_mover_gradient(x, g(t, z), g.dtheta(t, z))
        return r.value, r.gradient
    real = Discrete(x)
    fn = js_divergence if loss == "js" else kl_divergence
    value = fn(Discrete(g(t, z)), real)
    up, down = fn(Discrete(g(t + cfg.fd_step, z)), real), fn(Discrete(g(t - cfg.fd_step, z)), real)
    if math.isinf(up) and math.isinf(down):
        return value, 0.0
    return value, (up - down) / (2.0 * cfg.fd_step)


def learn_parallel_lines(loss: Loss, config: LearningConfig | None = None) -> Trajectory:
    r"""Gradient descent on :math:`\theta` to bring :math:`P_\theta` onto :math:`P_0`.

    Parameters
    ----------
    loss : {"w1", "js", "kl"}
        ``"w1"``: exact W1 between the two empirical measures and its envelope gradient
        (:func:`~distances.gradients.earth_mover_gradient`), which is
        :math:`\mathrm{sign}(\theta)` here. ``"js"``: JS between the empirical measures
        (log 2 for every :math:`\theta \ne 0`), finite-difference gradient 0.
        ``"kl"``: :math:`KL(P_\theta \| P_0)` (+inf), no gradient.
    config : LearningConfig, optional

    Returns
    -------
    Trajectory

    Examples
    --------
    >>> w1 = learn_parallel_lines("w1", LearningConfig(steps=30, n=8))
    >>> bool(abs(w1.theta[-1]) < 1e-4), float(w1.theta[1])
    (True, 0.9)
    >>> learn_parallel_lines("js", LearningConfig(steps=3, n=8)).theta.tolist()
    [1.0, 1.0, 1.0, 1.0]
    """
    if loss not in ("w1", "js", "kl"):
        raise ValueError(f"loss must be 'w1', 'js' or 'kl'; got {loss!r}")
    cfg = config or LearningConfig()
    z = np.random.default_rng(cfg.seed).uniform(size=cfg.n)
    theta, lr = float(cfg.theta0), float(cfg.lr)
    thetas, values, grads = [], [], []
    prev = 0.0
    for _ in range(cfg.steps + 1):
        value, grad = _loss_and_grad(loss, theta, z, cfg)
        thetas.append(theta)
        values.append(value)
        grads.append(grad)
        if cfg.halve_on_flip and grad * prev < 0:
            lr *= 0.5
        prev = grad if grad != 0 else prev
        theta -= lr * grad
        if abs(theta) <= 1e-12 * abs(cfg.theta0):
            # Ten steps of 0.1 from 1 leave 1.4e-16 (0.1 is not a binary fraction), whose
            # sign(+1) would step theta to -lr: it is 0 up to round-off, and stays there.
            theta = 0.0
    return Trajectory(loss, np.asarray(thetas), np.asarray(values), np.asarray(grads))


# -- the verdicts of Figure 1 and of learning parallel lines --------------------------------


def check_figure1(data: Figure1Data) -> tuple[CheckResult, CheckResult, CheckResult]:
    r"""The three claims Figure 1 shows, judged from its data: W1, JS, and KL with TV.

    - W1: on the same latent sample the exact W1 equals :math:`|\theta|` to 1e-12 (it is
      exact up to summing n costs), and on independent samples it lies in
      :math:`[|\theta|, |\theta| + \text{floor}]` (:attr:`Figure1Data.within_floor`).
    - JS is exactly log 2 at every :math:`\theta \ne 0` and 0 at :math:`\theta = 0`.
    - KL is :math:`+\infty` both ways and TV is 1 at every :math:`\theta \ne 0`, 0 at 0.

    Returns
    -------
    tuple of CheckResult
        W1 (Figure 1, left), JS (Figure 1, right), KL and TV.
    """
    c, theta = data.columns, data.theta
    off = theta != 0
    err, within = data.max_error_same_z, data.within_floor
    floor = float(c["floor"][0])
    js_ok = bool(np.all(c["js_same_z"][off] == _LOG2) and np.all(c["js_same_z"][~off] == 0))
    kl_tv_ok = bool(
        np.all(np.isinf(c["kl_0_theta_same_z"][off]))
        and np.all(np.isinf(c["kl_theta_0_same_z"][off]))
        and np.all(c["tv_same_z"][off] == 1.0)
        and np.all(c["tv_same_z"][~off] == 0.0)
    )
    w1 = CheckResult(
        "Example 1, Figure 1 (left)",
        f"Exact W1 (network simplex, certified) between samples of the two lines, n = {data.n} "
        f"per line, {theta.size} values of theta in [-1, 1].",
        (),
        err <= 1e-12 and within,
        failures=tuple(
            f
            for f, bad in (
                (f"same z: max |W1 - |theta|| = {err:.3g} > 1e-12", err > 1e-12),
                ("independent z: W1 outside [|theta|, |theta| + floor]", not within),
            )
            if bad
        ),
        headline=f"same z: max |W1 - |theta|| = {err:.1e}; independent z within [|theta|, "
        f"|theta| + floor], floor = {floor:.4f}: {within}",
    )
    js = CheckResult(
        "Example 1, Figure 1 (right)",
        "JS on the empirical measures of the two lines (disjoint supports unless theta = 0).",
        (),
        js_ok,
        headline=f"JS = log 2 = {_LOG2:.6f} at every theta != 0, 0 at theta = 0: {js_ok}",
    )
    kl_tv = CheckResult(
        "Example 1 (KL, TV)",
        "KL both ways and TV on the empirical measures of the two lines.",
        (),
        kl_tv_ok,
        headline=f"KL = +inf both ways and TV = 1 at every theta != 0, 0 at theta = 0: {kl_tv_ok}",
    )
    return w1, js, kl_tv


def check_learning(trajectories: Sequence[Trajectory]) -> CheckResult:
    r"""Learning parallel lines: W1's gradient moves :math:`\theta` to 0, JS's does not.

    Passes when the W1 run ends within 1e-6 of 0 and the JS run ends where it started at
    :math:`\theta = 1` (JS has zero gradient off 0).
    """
    runs = {t.loss: t for t in trajectories}
    for needed in ("w1", "js"):
        if needed not in runs:
            raise ValueError(f"trajectories must include a {needed!r} run; got {sorted(runs)}")
    w1_end, js_end = float(runs["w1"].theta[-1]), float(runs["js"].theta[-1])
    steps = runs["w1"].theta.size - 1
    return CheckResult(
        "Example 1 (learning parallel lines)",
        f"{steps} steps from theta = 1 with the exact W1 envelope gradient, and with the JS/KL "
        "finite-difference gradient.",
        (),
        abs(w1_end) < 1e-6 and js_end == 1.0,
        headline=f"final theta: W1 {w1_end:.2e}, JS {js_end:g}",
    )
