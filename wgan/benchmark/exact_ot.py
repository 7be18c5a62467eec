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
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from .funnels import FunnelPair, check_int

__all__ = ["TEMPERATURES", "ExactOTCritic", "ExactOTFit", "fit_exact_ot_critic"]

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
    from distances import Discrete, earth_mover_solution

    check_int("n", n, 2)
    check_int("n_held_out", n_held_out, 2)
    if not temperatures or any(not (math.isfinite(t) and t >= 0) for t in temperatures):
        raise ValueError(f"temperatures must be finite numbers >= 0; got {temperatures!r}")
    gen = torch.Generator().manual_seed(3_000_017 + seed)
    xs = pair.sample_plan(n, gen)[0]
    ys = pair.sample_plan(n, gen)[1]  # an independent draw: not the plan's partners
    start = time.perf_counter()
    sol = earth_mover_solution(Discrete(xs.numpy()), Discrete(ys.numpy()))
    seconds = time.perf_counter() - start
    if sol.x is None:  # pragma: no cover - point clouds always carry their atoms
        raise ValueError("the exact solution lost its atoms")
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
