"""The dense exact W1 solvers: the closed form on the line and POT's network simplex on
the full (n, m) cost matrix. Both take a validated :class:`~distances.transport._problem.Problem`
and return a certified :class:`~distances.transport._problem.EarthMoverSolution`.
(The sparse solver's smallest coarse level is solved on all its pairs by its own simplex,
:func:`distances.transport._simplex.all_pairs_plan`.)

Private module: use :func:`distances.earth_mover` and :func:`distances.earth_mover_solution`.
"""

from __future__ import annotations

import warnings
from dataclasses import replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ._problem import (
    EarthMoverSolution,
    Problem,
    SolverError,
    certify_dense,
    pot,
    retry_at_limit,
    scaled,
)
from ._resources import DENSE_BYTES_PER_PAIR, check_memory

__all__ = ["solve_line", "solve_simplex", "w1_line"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]

#: Above this |coordinate| (2^1000, about 1e301), w1_line scales the coordinates by 2^-64.
_HUGE_COORDINATE = 2.0**1000


# -- on the line -----------------------------------------------------------------------


def w1_line(x: FloatArray, a: FloatArray, y: FloatArray, b: FloatArray) -> float:
    """W1 on the line: integral of |F_P - F_Q| over the merged sorted atoms."""
    if max(float(np.abs(x).max()), float(np.abs(y).max())) > _HUGE_COORDINATE:
        # Gaps between atoms (up to twice the largest |coordinate|) could overflow to inf:
        # work on coordinates scaled by 2^-64 (exact), then scale back.
        return w1_line(x * 2.0**-64, a, y * 2.0**-64, b) * 2.0**64
    n, m = x.shape[0], y.shape[0]
    if n == m and _is_uniform(a) and _is_uniform(b):
        # Equal-size empirical measures: match the order statistics.
        xs = x if _is_sorted(x) else np.sort(x)
        ys = y if _is_sorted(y) else np.sort(y)
        gaps = xs - ys
        return float(np.abs(gaps, out=gaps).mean())
    _, cdf_gap, widths = _merged_cdf_gap(x, a, y, b)
    return float(np.abs(cdf_gap) @ widths)


def _merged_cdf_gap(
    x: FloatArray, a: FloatArray, y: FloatArray, b: FloatArray
) -> tuple[NDArray[np.intp], FloatArray, FloatArray]:
    """The order of the merged atoms, F_P - F_Q on each interval between them, its width."""
    z = np.concatenate([x, y])
    order = np.argsort(z, kind="stable")
    cdf_gap = np.cumsum(np.concatenate([a, -b])[order])[:-1]
    return order, cdf_gap, np.diff(z[order])


def _is_uniform(w: FloatArray) -> bool:
    return bool(w[0] == w.max() == w.min())


def _is_sorted(x: FloatArray) -> bool:
    return bool((x[1:] >= x[:-1]).all())


def solve_line(prob: Problem) -> EarthMoverSolution:
    """Monotone (north-west corner) plan and a 1-Lipschitz potential on the merged atoms."""
    assert prob.x is not None and prob.y is not None
    x, y, a, b = prob.x[:, 0], prob.y[:, 0], prob.a, prob.b
    ox, oy = np.argsort(x, kind="stable"), np.argsort(y, kind="stable")
    plan = np.zeros((x.shape[0], y.shape[0]))
    i = j = 0
    ra, rb = a[ox[0]], b[oy[0]]
    while i < x.shape[0] and j < y.shape[0]:
        mass = min(ra, rb)
        plan[ox[i], oy[j]] += mass
        ra -= mass
        rb -= mass
        if ra <= rb:
            i += 1
            ra = a[ox[i]] if i < x.shape[0] else 0.0
        else:
            j += 1
            rb = b[oy[j]] if j < y.shape[0] else 0.0
    # f' = -sign(F_P - F_Q) between consecutive merged atoms gives sum f d(P - Q) = W1.
    order, cdf_gap, widths = _merged_cdf_gap(x, a, y, b)
    steps = -np.sign(cdf_gap) * widths
    f_sorted = np.concatenate([[0.0], np.cumsum(steps)])
    f = np.empty_like(f_sorted)
    f[order] = f_sorted
    u, v = f[: x.shape[0]], -f[x.shape[0] :]
    cert, _ = certify_dense(plan, u, v, a, b, prob.ground_cost())
    if not cert.ok:  # the closed form is exact: this would be a bug, not bad luck
        raise SolverError(f"closed-form 1-D solution fails its certificate: {cert}")
    return EarthMoverSolution(
        value=float(np.abs(cdf_gap) @ widths),
        plan=plan,
        u=u,
        v=v,
        certificate=cert,
        a=a,
        b=b,
        x=prob.x,
        y=prob.y,
        method="closed_form_1d",
    )


# -- network simplex -------------------------------------------------------------------


def solve_simplex(prob: Problem, max_iter: int) -> EarthMoverSolution:
    """POT's network simplex on the full cost matrix (scaled to O(1)), certified.

    Point clouds are solved with their atoms in a fixed pseudo-random order, then put back:
    :class:`~distances.Discrete` sorts its atoms lexicographically, and POT's block-search
    pivoting is 3-6x slower on sorted clouds (measured: 8 Gaussians vs a Gaussian,
    n = 2000, 2-D: ``ot.emd`` 1.8-2.7 s in sample order, 7.7-10.9 s in sorted order).
    """
    if prob.x is None or prob.y is None:
        return _solve_simplex(prob, max_iter)
    n, m = prob.a.size, prob.b.size
    rng = np.random.default_rng(_PERMUTATION_SEED)
    px, py = rng.permutation(n), rng.permutation(m)
    shuffled = Problem(prob.a[px], prob.b[py], prob.x[px], prob.y[py], None)
    sol = _solve_simplex(shuffled, max_iter)
    plan = np.empty_like(sol.plan)
    plan[np.ix_(px, py)] = sol.plan
    u, v = np.empty_like(sol.u), np.empty_like(sol.v)
    u[px], v[py] = sol.u, sol.v
    return replace(sol, plan=plan, u=u, v=v, a=prob.a, b=prob.b, x=prob.x, y=prob.y)


#: Seed of the fixed atom order of solve_simplex (any seed does; fixed for reproducibility).
_PERMUTATION_SEED = 20170126


def _emd(
    a: FloatArray, b: FloatArray, cost: FloatArray, limit: int
) -> tuple[FloatArray, dict[str, Any], int]:
    """POT's ``ot.emd`` with its log: plan, log and result code (1: optimal; 0:
    infeasible; 2: unbounded; POT's warning at the iteration limit is silenced, the code
    says it)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        plan, log = pot().emd(a, b, cost, numItermax=limit, log=True)
    return plan, log, int(log["result_code"])


def _solve_simplex(prob: Problem, max_iter: int) -> EarthMoverSolution:
    n, m = prob.a.size, prob.b.size
    check_memory(DENSE_BYTES_PER_PAIR * n * m,
                 f"the dense network simplex on {n} x {m} atoms ({DENSE_BYTES_PER_PAIR} "
                 "bytes a pair)",
                 "method='sparse' solves point clouds in O(n + m) memory" if prob.x is not None
                 else "the cost matrix is too large for this machine")
    unit, s = prob.unit_ground_cost()  # solve with costs O(1), then scale back by s
    a, b = prob.a, prob.b  # unit masses: POT needs equal masses
    plan, u, v = _network_simplex(a, b, unit, max_iter)
    cert, primal = certify_dense(plan, u, v, a, b, unit)
    if not cert.ok:
        raise SolverError(f"network simplex returned a solution that fails its certificate: {cert}")
    return EarthMoverSolution(
        value=primal * s,
        plan=plan,
        u=u * s,
        v=v * s,
        certificate=scaled(cert, s),
        a=a,
        b=b,
        x=prob.x,
        y=prob.y,
        method="network_simplex",
    )


def _network_simplex(
    a: FloatArray, b: FloatArray, cost: FloatArray, max_iter: int
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """POT's ot.emd with retries at a larger limit; raise rather than return a non-optimum."""
    def solve(limit: int) -> tuple[tuple[FloatArray, dict[str, Any]], int]:
        plan, log, code = _emd(a, b, cost, limit)
        return (plan, log), code

    (plan, log), code = retry_at_limit(solve, max_iter, "network simplex")
    if code != 1:  # 1: optimal; 0: infeasible; 2: unbounded
        raise SolverError(f"network simplex failed: {log['warning']} (result code {code})")
    return plan, np.asarray(log["u"], dtype=float), np.asarray(log["v"], dtype=float)
