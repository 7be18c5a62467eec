r"""The exact-OT critic: a certified discrete W1 solution extended to the whole space.

Given N samples :math:`x_i \sim P` and N independent samples :math:`y_j \sim Q` (never the
plan's pairs: a generator has only independent samples), the exact discrete problem is solved
with its certificate (:func:`distances.earth_mover_solution`; the sparse solver above a few
thousand atoms). Its potentials satisfy :math:`u_i + v_j \le \|x_i - y_j\|` with equality on
the plan. The critic extends them from the P atoms,

.. math::

    f(z) = \max_i \big( u_i - \|z - x_i\| \big) ,

the smallest 1-Lipschitz function with :math:`f(x_i) \ge u_i` (McShane). At a Q atom
:math:`y_j` the maximum is attained at its partner in the plan, so :math:`f(y_j) = -v_j` and
:math:`\nabla f(y_j)` is the unit vector from :math:`y_j` to the point it is transported to:
the plan's direction, which is what the optimal critic's gradient is at :math:`y_j`. (The
extension from the Q atoms, :math:`\min_j (\|z - y_j\| - v_j)`, is the largest one; at a
point near :math:`y_j` its gradient points away from :math:`y_j`, which carries no plan
information: the older ``ot`` baseline used it.)

With ``temperature`` :math:`\tau > 0` the maximum is replaced by
:math:`\tau \log \sum_i \exp((u_i - \|z - x_i\|)/\tau)`, still 1-Lipschitz (a log-sum-exp of
1-Lipschitz functions), whose gradient averages the plan directions of nearby atoms.
:func:`fit_exact_ot_critic` picks :math:`\tau` from a grid by the critic's own objective
:math:`E_P f - E_Q f` on a held-out sample, never by the benchmark's answer.

Finite-sample bias: the discrete plan between N independent samples matches each :math:`y_j`
to a nearby :math:`x_i` only when N is large next to the dimension's covering number; the
discrete W1 exceeds W1 by the sampling floor (about :math:`N^{-1/d}`), and in high dimension
the plan's directions go astray (measured in ``docs/critic_benchmark.rst``).

:func:`fit_plan_network` fits a smooth network to the same solution instead of extending it:
at every atom the target value is its potential (:math:`u_i` at :math:`x_i`,
:math:`-v_j` at :math:`y_j`) and the target gradient is its plan direction, the
mass-weighted mean of the unit vectors :math:`(x_i - y_j)/\|x_i - y_j\|` over its plan
pairs (an optimal critic has exactly that gradient along every transport segment). The
regression averages the per-atom sampling noise over neighbouring atoms, which the McShane
extension (one atom decides each point) cannot.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch import nn

from .funnels import FunnelPair, check_int

__all__ = ["TEMPERATURES", "ExactOTCritic", "ExactOTFit", "PlanNetworkFit", "fit_exact_ot_critic",
           "fit_plan_network", "plan_targets", "solve_independent_samples"]

TEMPERATURES: tuple[float, ...] = (0.0, 0.01, 0.02, 0.05, 0.1, 0.2)
"""Temperatures tried by :func:`fit_exact_ot_critic` (0 is the plain McShane maximum)."""
_BLOCK = 4096
_EXACT = "donot_use_mm_for_euclid_dist"  # the mm form loses ~1e-8 to cancellation


class ExactOTCritic(nn.Module):
    """:math:`f(z) = \\tau \\log \\sum_i \\exp((u_i - \\|z - x_i\\|)/\\tau)` (max for tau = 0).

    Parameters
    ----------
    atoms : Tensor, shape (N, d)
        The P atoms :math:`x_i`.
    potential : Tensor, shape (N,)
        Their potentials :math:`u_i`.
    temperature : float, default 0
        :math:`\\tau \\ge 0`.
    """

    def __init__(self, atoms: torch.Tensor, potential: torch.Tensor, temperature: float = 0.0):
        super().__init__()
        if atoms.ndim != 2 or potential.shape != (atoms.shape[0],):
            raise ValueError(f"atoms must be (N, d) and potential (N,); got "
                             f"{tuple(atoms.shape)} and {tuple(potential.shape)}")
        if not (math.isfinite(temperature) and temperature >= 0):
            raise ValueError(f"temperature must be a finite number >= 0; got {temperature!r}")
        self.register_buffer("atoms", atoms.to(torch.float64))
        self.register_buffer("potential", potential.to(torch.float64))
        self.temperature = float(temperature)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        """f(z), shape (m, 1)."""
        a = self.atoms.to(z.dtype)
        u = self.potential.to(z.dtype)
        out = []
        for s in range(0, len(z), _BLOCK):
            vals = u[None, :] - torch.cdist(z[s : s + _BLOCK], a, compute_mode=_EXACT)
            if self.temperature > 0:
                t = self.temperature
                out.append(t * torch.logsumexp(vals / t, dim=1))
            else:
                out.append(vals.max(dim=1).values)
        return torch.cat(out)[:, None]


@dataclass(frozen=True)
class ExactOTFit:
    """An exact-OT critic and how it was made.

    Attributes
    ----------
    critic : ExactOTCritic
    n : int
        Samples per side of the discrete problem.
    discrete_w1 : float
        The exact (certified) W1 between the two samples.
    certified : bool
        Whether the solution's certificate (marginals, dual feasibility, zero gap) held.
    temperature : float
        The temperature chosen on the held-out sample.
    held_out_values : tuple of float
        :math:`E_P f - E_Q f` on the held-out sample, one per temperature tried.
    seconds : float
        Wall time of the exact solve.
    """

    critic: ExactOTCritic
    n: int
    discrete_w1: float
    certified: bool
    temperature: float
    held_out_values: tuple[float, ...]
    seconds: float


def solve_independent_samples(pair: FunnelPair, n: int,
                              gen: torch.Generator) -> tuple[Any, float]:
    """The certified exact W1 solution of n + n independent samples of ``pair`` drawn from
    ``gen`` (P's first), and its wall time in seconds: what :func:`fit_exact_ot_critic` and
    :func:`fit_plan_network` solve."""
    from distances import Discrete, earth_mover_solution

    xs = pair.sample_plan(n, gen)[0]
    ys = pair.sample_plan(n, gen)[1]  # an independent draw: not the plan's partners
    start = time.perf_counter()
    sol = earth_mover_solution(Discrete(xs.numpy()), Discrete(ys.numpy()))
    seconds = time.perf_counter() - start
    if sol.x is None or sol.y is None:  # pragma: no cover - point clouds carry their atoms
        raise ValueError("the exact solution lost its atoms")
    return sol, seconds


def fit_exact_ot_critic(
    pair: FunnelPair,
    n: int,
    *,
    seed: int = 0,
    temperatures: Sequence[float] = TEMPERATURES,
    n_held_out: int = 4096,
) -> ExactOTFit:
    """Solve the exact discrete W1 of n + n independent samples and extend it (see the module).

    Parameters
    ----------
    pair : FunnelPair
        The pair to sample from.
    n : int
        Samples per side (>= 2); the sparse solver does 10^4-10^5 in low dimension.
    seed : int, default 0
        Seed of the samples (the held-out ones included).
    temperatures : sequence of float, default :data:`TEMPERATURES`
        Candidates for tau; the one with the largest held-out value wins.
    n_held_out : int, default 4096
        Held-out points per side for the choice.

    Examples
    --------
    >>> from wgan.benchmark import make_funnel_pair
    >>> fit = fit_exact_ot_critic(make_funnel_pair(2, 4, n_mc=4096), 200, n_held_out=256)
    >>> fit.certified, fit.temperature in TEMPERATURES
    (True, True)
    """
    check_int("n", n, 2)
    check_int("n_held_out", n_held_out, 2)
    if not temperatures or any(not (math.isfinite(t) and t >= 0) for t in temperatures):
        raise ValueError(f"temperatures must be finite numbers >= 0; got {temperatures!r}")
    gen = torch.Generator().manual_seed(3_000_017 + seed)
    sol, seconds = solve_independent_samples(pair, n, gen)
    atoms = torch.tensor(np.asarray(sol.x, dtype=np.float64))  # Discrete may reorder
    u = torch.tensor(np.asarray(sol.u, dtype=np.float64))
    hx = pair.sample_plan(n_held_out, gen)[0]
    hy = pair.sample_plan(n_held_out, gen)[1]
    values = []
    for t in temperatures:
        critic = ExactOTCritic(atoms, u, t)
        with torch.no_grad():
            values.append(float(critic(hx).mean() - critic(hy).mean()))
    best = int(np.argmax(values))
    return ExactOTFit(ExactOTCritic(atoms, u, float(temperatures[best])), int(n), float(sol.value),
                      bool(sol.certificate.ok), float(temperatures[best]), tuple(values), seconds)


def plan_targets(solution: Any) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    r"""Regression targets from an exact W1 solution: (points, gradients, values), float64.

    The points are the P atoms then the Q atoms of ``solution``
    (:func:`distances.earth_mover_solution` of two point clouds); each one's gradient target
    is the mass-weighted mean of the unit plan directions :math:`(x_i - y_j)/\|x_i - y_j\|`
    over its plan pairs, normalised (zero where they cancel or the pair coincides); its value
    target is :math:`u_i` or :math:`-v_j`, less the mean of all of them.

    >>> from distances import Discrete, earth_mover_solution
    >>> sol = earth_mover_solution(Discrete([[0.0, 0.0], [3.0, 0.0]]),
    ...                            Discrete([[0.0, 1.0], [3.0, -2.0]]))
    >>> z, g, v = plan_targets(sol)
    >>> g.tolist()
    [[0.0, -1.0], [0.0, 1.0], [0.0, -1.0], [0.0, 1.0]]
    """
    from scipy import sparse

    x = torch.tensor(np.asarray(solution.x, dtype=np.float64))
    y = torch.tensor(np.asarray(solution.y, dtype=np.float64))
    coo = sparse.coo_array(solution.plan)
    keep = coo.data > 0
    i = torch.tensor(coo.row[keep], dtype=torch.long)
    j = torch.tensor(coo.col[keep], dtype=torch.long)
    mass = torch.tensor(coo.data[keep], dtype=torch.float64)[:, None]
    step = x[i] - y[j]
    length = step.norm(dim=1, keepdim=True)
    unit = torch.where(length > 0, step / length.clamp_min(1e-300), torch.zeros_like(step))
    gx = torch.zeros_like(x).index_add_(0, i, mass * unit)
    gy = torch.zeros_like(y).index_add_(0, j, mass * unit)
    g = torch.cat([gx, gy])
    norm = g.norm(dim=1, keepdim=True)
    g = torch.where(norm > 1e-12, g / norm.clamp_min(1e-300), torch.zeros_like(g))
    values = torch.cat([torch.as_tensor(np.asarray(solution.u, dtype=np.float64)),
                        -torch.as_tensor(np.asarray(solution.v, dtype=np.float64))])
    return torch.cat([x, y]), g, values - values.mean()


@dataclass(frozen=True)
class PlanNetworkFit:
    """A network fitted to an exact W1 solution (:func:`fit_plan_network`).

    Attributes
    ----------
    critic : torch.nn.Module
        The fitted network, float32, on the CPU (not 1-Lipschitz by construction).
    n : int
        Samples per side of the discrete problem.
    discrete_w1 : float
        The exact W1 between the two samples.
    certified : bool
        Whether the solution's certificate held.
    seconds : float
        Wall time of the exact solve.
    fit_seconds : float
        Wall time of the regression.
    steps : int
        Regression steps.
    """

    critic: nn.Module
    n: int
    discrete_w1: float
    certified: bool
    seconds: float
    fit_seconds: float
    steps: int


def fit_plan_network(
    pair: FunnelPair,
    n: int,
    *,
    seed: int = 0,
    steps: int = 2000,
    width: int = 256,
    depth: int = 3,
    batch_size: int = 512,
    lr: float = 1e-3,
    value_weight: float = 1.0,
) -> PlanNetworkFit:
    r"""Fit a network to the potentials and plan directions of an exact W1 solution.

    The same n + n independent samples and certified solve as :func:`fit_exact_ot_critic`
    (same seed, same samples); the targets are :func:`plan_targets`'. An MLP with ``depth``
    hidden SiLU layers of ``width`` units (smooth, so its input gradient is trainable)
    minimises, over batches of atoms of both sides, the mean of
    :math:`\|\nabla f(z) - g(z)\|^2 + w\,(f(z) - v(z))^2` with Adam and a cosine-decayed
    learning rate. Nothing of the pair but its samples is used.

    Parameters
    ----------
    pair : FunnelPair
    n : int
        Samples per side (>= 2).
    seed : int, default 0
        Seed of the samples, the network and its batches.
    steps, width, depth, batch_size : int
        The regression's size.
    lr : float, default 1e-3
        Adam's initial learning rate.
    value_weight : float, default 1
        w, the weight of the value term (0: gradients only).

    Examples
    --------
    >>> from wgan.benchmark import make_funnel_pair
    >>> fit = fit_plan_network(make_funnel_pair(2, 4, n_mc=4096), 100, steps=5, width=8)
    >>> fit.certified, fit.critic(torch.zeros(3, 2)).shape
    (True, torch.Size([3, 1]))
    """
    for name, v in (("n", n), ("steps", steps), ("width", width), ("depth", depth),
                    ("batch_size", batch_size)):
        check_int(name, v, 2 if name == "n" else 1)
    check_int("seed", seed, 0)
    for name, w in (("lr", lr), ("value_weight", value_weight)):
        if isinstance(w, bool) or not isinstance(w, (int, float)) or not (
                math.isfinite(w) and (w > 0 if name == "lr" else w >= 0)):
            raise ValueError(f"{name} must be a finite number {'> 0' if name == 'lr' else '>= 0'}"
                             f"; got {w!r}")
    gen = torch.Generator().manual_seed(3_000_017 + seed)
    sol, seconds = solve_independent_samples(pair, n, gen)
    z, g, v = (t.float() for t in plan_targets(sol))
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        layers: list[nn.Module] = []
        for k in range(depth):
            layers += [nn.Linear(pair.dim if k == 0 else width, width), nn.SiLU()]
        net = nn.Sequential(*layers, nn.Linear(width, 1))
    opt = torch.optim.Adam(net.parameters(), lr)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(opt, steps)
    batches = torch.Generator().manual_seed(4_000_037 + seed)
    start = time.perf_counter()
    for _ in range(steps):
        idx = torch.randint(len(z), (batch_size,), generator=batches)
        zb = z[idx].clone().requires_grad_(True)
        f = net(zb)[:, 0]
        (grad,) = torch.autograd.grad(f.sum(), zb, create_graph=True)
        loss = ((grad - g[idx]) ** 2).sum(dim=1).mean() + value_weight * ((f - v[idx]) ** 2).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        schedule.step()
    fit_seconds = time.perf_counter() - start
    net.eval()
    return PlanNetworkFit(net, int(n), float(sol.value), bool(sol.certificate.ok), seconds,
                          fit_seconds, int(steps))
