r"""Theorems 1 and 3 of the WGAN paper, checked numerically; Theorem 2 in :mod:`.convergence`.

Theorem 1. Let :math:`P_\theta = (g_\theta)_\# P_z`. (1) If g is continuous in
:math:`\theta`, so is :math:`W(P_r, P_\theta)`. (2) If g is locally Lipschitz with
:math:`\mathbb{E}_z L(\theta, z) < \infty` (Assumption 1), :math:`W(P_r, P_\theta)` is
continuous everywhere and differentiable almost everywhere. (3) Both fail for JS and KL.
The proof rests on the coupling bound

.. math::

    |W(P_r, P_\theta) - W(P_r, P_{\theta'})| \le W(P_\theta, P_{\theta'})
    \le \mathbb{E}_z \|g_\theta(z) - g_{\theta'}(z)\|
    \le |\theta - \theta'| \sup_{\vartheta} \mathbb{E}_z \|\partial_\vartheta g_\vartheta(z)\|.

:func:`check_theorem1` evaluates the exact W1 on grids refined 10x, 100x, 1000x (each a
window around the steepest place of the previous grid), with the same z for every
theta, and checks that every difference quotient stays under the coupling bound, while
the JS jump at :math:`\theta = 0` stays log 2 however fine the grid.

Theorem 3: :math:`\nabla_\theta W(P_r, P_\theta) = -\mathbb{E}_z[\nabla_\theta f(g_\theta(z))]`
with f the optimal critic. :func:`check_theorem3` compares, at random theta, the central
finite difference of the exact W1, the envelope gradient through the plan, and the
critic gradient through a strictly complementary dual potential.
"""

from __future__ import annotations

import itertools
import math
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray
from scipy.spatial.distance import cdist

from ..divergences import js_divergence, kl_divergence
from ..gradients import critic_gradient, earth_mover_gradient, strictly_complementary_potential
from ..measures import Discrete
from ..wasserstein import earth_mover
from .convergence import check_theorem2
from .generators import Example1Generator, MLPGenerator
from .results import CheckResult, EvidenceTable

__all__ = [
    "Generator",
    "check_theorem1",
    "check_theorem2",
    "check_theorem3",
    "run_all_checks",
]

FloatArray = NDArray[np.float64]
_LOG2 = math.log(2.0)
#: Relative slack on "slope <= bound": the round-off of summing n costs in each W value.
SLOPE_RTOL = 1e-9
#: Theorem 3: finite difference against the critic gradient, relative.
GRADIENT_RTOL = 1e-6


class Generator(Protocol):
    """What the checks need from a generator: latents, g_theta(z), d g_theta(z) / d theta."""

    name: str

    def sample_latent(self, n: int, rng: Any = None) -> FloatArray: ...

    def __call__(self, theta: float, z: Any) -> FloatArray: ...

    def dtheta(self, theta: float, z: Any) -> FloatArray: ...


def _w1(x: FloatArray, y: FloatArray) -> float:
    return earth_mover(Discrete(x), Discrete(y))


def _mean_speed(g: Generator, theta: float, z: FloatArray) -> float:
    return float(np.linalg.norm(g.dtheta(theta, z), axis=1).mean())


def check_theorem1(
    generator: Generator | None = None,
    *,
    n: int = 64,
    seed: int = 0,
    refinements: int = 3,
    base_step: float = 0.1,
    half_window: int = 10,
    same_z_real: bool = False,
) -> CheckResult:
    r"""Theorem 1 (1)-(2) and (3) for JS/KL on one generator.

    Parameters
    ----------
    generator : Generator, optional
        :class:`~distances.paper.generators.Example1Generator` (default) or an
        :class:`~distances.paper.generators.MLPGenerator`.
    n : int, default 64
        Samples: n latent values z, fixed for every theta, and n real points
        :math:`x_i = g_0(z^r_i)` (:math:`P_r = P_{\theta=0}`).
    seed : int, default 0
    refinements : int, default 3
        Number of grids refined 10x each after the base grid (3: 10x, 100x, 1000x).
    base_step : float, default 0.1
        Step of the base grid on [-1, 1].
    half_window : int, default 10
        Each refined grid has ``2 * half_window + 1`` points around the midpoint of the
        steepest interval of the previous grid.
    same_z_real : bool, default False
        Use the generator's own z for the real points too (for Example 1 then
        :math:`W = |\theta|` and the bound is attained: slope 1).

    Returns
    -------
    CheckResult
        Evidence: one row per grid with its step, the largest slope of W, the largest
        coupling quotient :math:`\mathbb{E}_z\|g_{\theta_{k+1}} - g_{\theta_k}\| / h`, the
        bound :math:`L = \max_\theta \mathbb{E}_z\|\partial_\theta g\|`, and the JS and KL
        between :math:`P_0` and :math:`P_h` on the same z (the jump at 0).
    """
    g = generator or Example1Generator()
    rng = np.random.default_rng(seed)
    z = g.sample_latent(n, rng)
    x = g(0.0, z if same_z_real else g.sample_latent(n, rng))
    dense = np.linspace(-1.0, 1.0, 2001)
    grids = [np.round(np.arange(-1.0, 1.0 + base_step / 2, base_step), 12)]
    rows, curves, failures = [], [], []
    p0 = Discrete(g(0.0, z))
    for level in range(refinements + 1):
        th = grids[-1]
        h = float(th[1] - th[0])
        w = np.array([_w1(x, g(t, z)) for t in th])
        slopes = np.abs(np.diff(w)) / h
        coupling = np.array(
            [
                np.linalg.norm(g(b, z) - g(a, z), axis=1).mean() / h
                for a, b in itertools.pairwise(th)
            ]
        )
        dense = np.concatenate([dense, th])
        bound = max(_mean_speed(g, t, z) for t in dense)
        ph = Discrete(g(h, z))
        js_jump = js_divergence(p0, ph) - js_divergence(p0, p0)
        kl_h = kl_divergence(ph, p0)
        k = int(np.argmax(slopes))
        rows.append(
            (
                f"{10**level}x" if level else "base",
                h,
                int(th.size),
                f"[{th[0]:.6g}, {th[-1]:.6g}]",
                float(slopes.max()),
                float(coupling[k]),
                float(coupling.max()),
                bound,
                bool(slopes.max() <= bound * (1 + SLOPE_RTOL)),
                js_jump,
                kl_h,
            )
        )
        curves.append((f"h = {h:g}", th, w))
        if np.any(slopes > coupling * (1 + SLOPE_RTOL) + 1e-15):
            failures.append(f"grid h={h:g}: a W slope exceeds its coupling quotient")
        if slopes.max() > bound * (1 + SLOPE_RTOL):
            failures.append(f"grid h={h:g}: largest slope {slopes.max():.6g} > bound {bound:.6g}")
        if js_jump < _LOG2 * (1 - 1e-12):
            failures.append(f"grid h={h:g}: JS jump at 0 is {js_jump:.6g} < log 2")
        step = h / 10
        # Zoom into the steepest interval, keeping the window inside [-1, 1].
        edge = 1.0 - half_window * step
        centre = float(np.clip(0.5 * (th[k] + th[k + 1]), -edge, edge))
        grids.append(centre + step * np.arange(-half_window, half_window + 1))
    table = EvidenceTable(
        "Largest slope of W(P_r, P_theta) per grid, against the coupling bound; JS/KL jump at 0",
        (
            "grid",
            "h",
            "points",
            "theta range",
            "max W slope",
            "coupling quotient there",
            "max coupling quotient",
            "bound L",
            "slope <= L",
            "JS(P_0,P_h) - JS(P_0,P_0)",
            "KL(P_h||P_0)",
        ),
        tuple(rows),
    )
    claim = (
        f"Generator: {g.name}; n = {n} latent samples fixed for every theta, real sample "
        f"{'with the same z' if same_z_real else 'independent'} from P_0. Theorem 1 (1)-(2): "
        "W(P_r, P_theta) is Lipschitz in theta with constant at most "
        "L = max over theta of E_z ||d_theta g_theta(z)|| (coupling bound), so its largest "
        "difference "
        "quotient stays under L on grids refined 10x, 100x, 1000x (each zooming into the "
        "steepest interval of the previous one). Theorem 1 (3): JS(P_0, P_h) - JS(P_0, P_0) "
        "stays log 2 and KL(P_h||P_0) stays +inf as h -> 0: JS and KL are not continuous at 0."
    )
    return CheckResult(
        name=f"Theorem 1, {g.name}",
        claim=claim,
        tables=(table,),
        passed=not failures,
        failures=tuple(failures),
        headline=(
            f"finest grid (h = {rows[-1][1]:.0e}): max slope {rows[-1][4]:.4g} <= "
            f"L = {rows[-1][7]:.4g}; JS jump at 0: {rows[-1][9]:.4g}"
        ),
        data={
            "curves": curves,
            "levels": [
                {"h": r[1], "max_slope": r[4], "bound": r[7], "js_jump": r[9]} for r in rows
            ],
            "title": f"Theorem 1 on {g.name}: exact W (same z for every theta)",
        },
    )


def check_theorem3(
    generator: Generator | None = None,
    *,
    n: int = 64,
    seed: int = 0,
    points: int = 5,
    fd_step: float = 1e-7,
) -> CheckResult:
    r"""Theorem 3: finite difference of exact W1 = gradient through the optimal critic.

    At ``points`` random :math:`\theta \in [-1, 1]`, with real points
    :math:`x_i = g_0(z^r_i)` and generated points :math:`g_\theta(z_j)`:

    - the central finite difference :math:`(W(\theta+h) - W(\theta-h)) / 2h` of the exact W1,
    - the envelope gradient through the optimal plan,
    - the critic gradient :math:`-\frac1n\sum_j \nabla f(g_\theta(z_j)) \cdot
      \partial_\theta g_\theta(z_j)` with :math:`f(y) = \max_i(u_i - \|x_i - y\|)` and u a
      strictly complementary optimal potential.

    W is differentiable at :math:`\theta` when the optimal plan is unique (the potential's
    margin is positive) and the same at :math:`\theta \pm h`; then the three agree: the
    finite difference and the critic gradient to ``GRADIENT_RTOL`` = 1e-6 relative.

    Returns
    -------
    CheckResult
    """
    g = generator or Example1Generator()
    rng = np.random.default_rng(seed)
    z, zr = g.sample_latent(n, rng), g.sample_latent(n, rng)
    x = g(0.0, zr)
    rows, failures = [], []
    for theta in rng.uniform(-1.0, 1.0, size=points):
        t = float(theta)
        y, dy = g(t, z), g.dtheta(t, z)
        env = earth_mover_gradient(x, y, dy)
        strict = strictly_complementary_potential(env.solution, cdist(x, y))
        crit = critic_gradient(x, y, dy, strict.u)
        crit_vertex = critic_gradient(x, y, dy, env.solution.u)  # POT's potential, for contrast
        up = earth_mover_gradient(x, g(t + fd_step, z), dy)
        down = earth_mover_gradient(x, g(t - fd_step, z), dy)
        fd = (up.value - down.value) / (2 * fd_step)
        same_plan = bool(
            np.array_equal(up.solution.plan > 1e-12, env.solution.plan > 1e-12)
            and np.array_equal(down.solution.plan > 1e-12, env.solution.plan > 1e-12)
        )
        rel = abs(fd - crit) / abs(crit) if crit != 0 else abs(fd)
        ok = same_plan and strict.margin > 0 and rel <= GRADIENT_RTOL
        rows.append(
            (t, env.value, fd, env.gradient, crit, rel, strict.margin, same_plan, ok, crit_vertex)
        )
        if not ok:
            failures.append(
                f"theta={t:.6g}: finite difference {fd:.12g} vs critic gradient "
                f"{crit:.12g} (relative {rel:.3g}), margin {strict.margin:.3g}, "
                f"same plan at theta +- h: {same_plan}"
            )
    table = EvidenceTable(
        "Derivative of the exact W1 at random theta, three ways",
        (
            "theta",
            "W",
            "finite difference",
            "envelope (plan)",
            "critic -E[grad f . dg]",
            "relative error FD vs critic",
            "potential margin",
            "plan unchanged at theta +- h",
            "agree to 1e-6",
            "critic with POT's vertex u (ties; for contrast)",
        ),
        tuple(rows),
    )
    claim = (
        f"Generator: {g.name}; n = {n}. Theorem 3: where W(P_r, P_theta) is differentiable, "
        "grad_theta W = -E_z[grad_theta f(g_theta(z))] with f the optimal critic. The critic "
        "is f(y) = max_i (u_i - |x_i - y|) from a strictly complementary optimal potential u "
        "(POT's vertex potentials have ties on the degenerate n x n problem, where f has no "
        f"gradient). Central finite differences use h = {fd_step:g}; W is differentiable there "
        "because the optimal plan is unique (positive margin) and unchanged at theta +- h."
    )
    worst = max(float(r[5]) for r in rows)
    return CheckResult(
        f"Theorem 3, {g.name}",
        claim,
        (table,),
        not failures,
        tuple(failures),
        headline=f"{len(rows)} values of theta: largest relative error FD vs critic {worst:.1e}",
    )


def run_all_checks(*, quick: bool = False, seed: int = 0) -> list[CheckResult]:
    """Every check, in the order of the report: Theorem 1 (Example 1, MLP), 3, 2.

    Parameters
    ----------
    quick : bool, default False
        Smaller samples (n = 24 instead of 64, 3 points for Theorem 3, Theorem 2 up to
        n = 1000) for tests and dry runs.
    seed : int, default 0
    """
    n = 24 if quick else 64
    mlp = MLPGenerator(seed=seed)
    return [
        check_theorem1(Example1Generator(), n=n, seed=seed),
        check_theorem1(mlp, n=n, seed=seed),
        check_theorem3(Example1Generator(), n=n, seed=seed, points=3 if quick else 5),
        check_theorem3(mlp, n=n, seed=seed, points=3 if quick else 5),
        check_theorem2(ns=(1, 10, 100, 1000) if quick else (1, 10, 100, 1000, 10000), seed=seed),
    ]
