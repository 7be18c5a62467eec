"""TV, KL, JS and W1 (with its certificate) between two measures read from files.

What ``wgan-theory distances A B`` computes and writes: :func:`plan_solve` chooses the W1
method and estimates its memory before anything is solved (so a problem that cannot fit is
refused up front, with the size it would need), :func:`compare` computes the four distances
through the public :mod:`distances` API and reports progress while W1 is solved, and
:func:`comparison_record` / :func:`plan_rows` turn the result into what the writers write.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

import numpy as np

from .heartbeat import heartbeat as _heartbeat
from .memory import machine_memory, size_text

__all__ = [
    "BASE_BYTES",
    "Comparison",
    "SolvePlan",
    "compare",
    "comparison_record",
    "plan_rows",
    "plan_solve",
]

#: The interpreter, numpy, scipy, POT and numba, loaded: about 0.35 GB; rounded up. The
#: solvers' own estimates (:func:`distances.wasserstein.memory_needed`) count what a solve
#: takes above this baseline; the CLI adds it to the sparse solver's, the dense solver's
#: pairs dwarf it. Measured: ``wgan-theory distances`` on two 10^5-point 2-D files
#: (N(0, I) against N((0.5, 0), I)) peaked at 1.04 GB resident (/usr/bin/time -v), of which
#: about 0.35 GB is the interpreter and its libraries: 3.4 kB a point, under the sparse
#: solver's estimate of 3.6 kB.
BASE_BYTES = 400_000_000
#: Dense is chosen (where ``method="auto"`` would) only while it needs less than this share
#: of the machine's memory; above, the sparse solver is used instead.
DENSE_SHARE = 0.5


@dataclass(frozen=True)
class SolvePlan:
    """How W1 will be solved and the memory it needs (bytes)."""

    method: str
    bytes_needed: int

    def describe(self) -> str:
        names = {"closed_form_1d": "closed form on the line",
                 "network_simplex": "dense network simplex",
                 "sparse": "sparse certified solver"}
        return f"{names[self.method]}, about {size_text(self.bytes_needed)} of memory"


@dataclass(frozen=True)
class Comparison:
    """The four distances between P and Q, and W1's solution (plan, potentials, certificate)."""

    tv: float
    kl_pq: float
    kl_qp: float
    js: float
    solution: Any  # distances.EarthMoverSolution
    seconds: float

    @property
    def w1(self) -> float:
        return float(self.solution.value)

    @property
    def certified(self) -> bool:
        return bool(self.solution.certificate.ok)


def plan_solve(n: int, m: int, dim: int, memory: int | None = None) -> SolvePlan:
    """The W1 method for n + m points in ``dim`` dimensions and the memory it needs.

    As ``earth_mover_solution(method="auto")`` chooses (closed form on the line, sparse from
    ``SPARSE_AUTO_MIN_ATOMS`` points a side, dense below), except that a dense problem
    needing more than ``DENSE_SHARE`` of ``memory`` goes to the sparse solver.
    """
    from distances.wasserstein import SPARSE_AUTO_MIN_ATOMS, memory_needed

    memory = machine_memory() if memory is None else memory
    if dim == 1:
        return SolvePlan("closed_form_1d", 64 * (n + m))
    sparse = SolvePlan("sparse", BASE_BYTES + memory_needed(n, m, dim, "sparse"))
    if min(n, m) >= SPARSE_AUTO_MIN_ATOMS:
        return sparse
    dense = SolvePlan("network_simplex", memory_needed(n, m, dim, "network_simplex"))
    return dense if dense.bytes_needed <= DENSE_SHARE * memory else sparse


def compare(P: Any, Q: Any, plan: SolvePlan, *,
            progress: Callable[[str], None] | None = None,
            heartbeat: float = 5.0) -> Comparison:
    """TV, KL both ways, JS and W1 (with certificate) between two Discrete measures.

    ``progress`` gets a line before each step and, while W1 is solved, one every
    ``heartbeat`` seconds with the time elapsed.
    """
    from distances import earth_mover_solution, js_divergence, kl_divergence, total_variation

    say = progress or (lambda line: None)
    start = time.perf_counter()
    say(f"TV, KL, JS on the union of the atoms ({P.size} + {Q.size}) ...")
    tv, kl_pq, kl_qp, js = (total_variation(P, Q), kl_divergence(P, Q), kl_divergence(Q, P),
                            js_divergence(P, Q))
    say(f"W1: {plan.describe()} ...")
    beat = _heartbeat(say, heartbeat, "W1: still solving") if progress else nullcontext()
    with beat:
        solution = earth_mover_solution(P, Q, method=plan.method)  # type: ignore[arg-type]
    seconds = time.perf_counter() - start
    say(f"W1: done in {seconds:.1f} s")
    return Comparison(tv, kl_pq, kl_qp, js, solution, seconds)


def comparison_record(P_file: Any, Q_file: Any, result: Comparison, plan: SolvePlan) -> dict:
    """The JSON record of a comparison: the inputs, the four distances and W1's certificate.

    Infinite values (KL when one measure puts mass where the other has none) are written as
    the string ``"inf"``: JSON has no infinity.
    """
    cert = result.solution.certificate
    return {
        "P": _file_record(P_file),
        "Q": _file_record(Q_file),
        "TV": _finite_or_text(result.tv),
        "KL(P||Q)": _finite_or_text(result.kl_pq),
        "KL(Q||P)": _finite_or_text(result.kl_qp),
        "JS": _finite_or_text(result.js),
        "W1": result.w1,
        "W1_certificate": {
            "certified": bool(cert.ok),
            "marginal_error": float(cert.marginal_error),
            "dual_infeasibility": float(cert.dual_infeasibility),
            "duality_gap": float(cert.duality_gap),
            "value_error_bound": float(cert.value_error_bound),
            "tolerance": float(cert.tolerance),
        },
        "W1_method": result.solution.method,
        "memory_estimate_bytes": plan.bytes_needed,
        "seconds": result.seconds,
        "conventions": "TV in [0, 1]; KL and JS in nats, JS with the factor 1/2 (<= log 2); "
                       "W1 with the Euclidean distance; TV, KL and JS on the union of the "
                       "atoms (exact coordinates)",
    }


def plan_rows(solution: Any) -> tuple[list[str], Iterator[list[float]]]:
    """The optimal plan's nonzero entries as CSV columns and rows: the source point's
    coordinates, the target point's, the mass moved and the distance it travels."""
    x, y = solution.x, solution.y
    d = x.shape[1]
    columns = [*(f"x{k}" for k in range(d)), *(f"y{k}" for k in range(d)), "mass", "distance"]
    plan = solution.plan
    if hasattr(plan, "tocoo"):
        coo = plan.tocoo()
        i, j, mass = coo.row, coo.col, coo.data
    else:
        i, j = np.nonzero(plan)
        mass = plan[i, j]
    keep = mass > 0
    i, j, mass = i[keep], j[keep], mass[keep]
    order = np.lexsort((j, i))

    def rows() -> Iterator[list[float]]:
        for k in order:
            a, b = x[i[k]], y[j[k]]
            yield [*a.tolist(), *b.tolist(), float(mass[k]), float(np.linalg.norm(a - b))]

    return columns, rows()


def _file_record(f: Any) -> dict:
    return {"file": str(f.path), "points": int(f.points.shape[0]), "dim": f.dim,
            "weights": "from the file" if f.weights is not None else "uniform"}


def _finite_or_text(v: float) -> float | str:
    return v if math.isfinite(v) else ("inf" if v > 0 else "-inf")
