"""Where a sparse W1 solve spends its time, phase by phase and level by level (not a test;
not in CI).

Wraps the phases of :func:`distances.sparse_w1.solve_sparse` (the compiled loop of rounds
between its returns, the full scans, the local lists, the coarse levels, ...) with timers and
prints seconds and calls per (level size, phase), and the pivots of each level. The coarse
levels' time is inclusive (their own phases are listed under their sizes as well).
Example, one core throughout::

    NUMBA_NUM_THREADS=1 python benchmarks/profile_sparse.py clustered 100000

The kernels are compiled (or loaded) on a small problem first.
"""

from __future__ import annotations

import argparse
import collections
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_peers import SHAPES, clouds  # noqa: E402

from distances.transport import _solver, _sparse  # noqa: E402

__all__ = ["main"]

_SECONDS: collections.Counter[tuple[int, str]] = collections.Counter()
_CALLS: collections.Counter[tuple[int, str]] = collections.Counter()
_PIVOTS: collections.Counter[int] = collections.Counter()


def _timed(fn: Callable[..., Any], name: str, size: Callable[..., int]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            key = (size(*args), name)
            _SECONDS[key] += time.perf_counter() - start
            _CALLS[key] += 1

    return wrapper


def _instrument() -> None:
    from distances.transport import _rounds

    # the compiled loop of rounds (simplex, local pricing, additions), between its returns
    _rounds.rounds = _timed(_rounds.rounds, "rounds", lambda p, *a: p.a.shape[0])
    _solver.scan_all = _timed(_solver.scan_all, "scan_all", lambda x, *a: x.shape[0])
    _solver._keys = _timed(_solver._keys, "hash table", lambda sx, *a: sx.n)
    for name in ("LocalLists", "Solver", "_coarse_seed", "_certified", "nearest_pairs",
                 "cells", "monotone_tree"):
        setattr(_sparse, name,
                _timed(getattr(_sparse, name), name, lambda x, *a, **k: x.shape[0]))
    real = _sparse.run_rounds

    def run_rounds(solver: Any, *args: Any) -> Any:
        start = time.perf_counter()
        try:
            return real(solver, *args)
        finally:
            key = (solver.a.size, "run_rounds (all)")
            _SECONDS[key] += time.perf_counter() - start
            _CALLS[key] += 1
            _PIVOTS[solver.a.size] += solver.simplex.pivots

    _sparse.run_rounds = run_rounds


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("shape", choices=sorted(SHAPES))
    p.add_argument("n", type=int)
    p.add_argument("--dim", type=int, default=2)
    args = p.parse_args(argv)
    warm_x, warm_y = clouds(args.shape, 3000, args.dim, 1)
    _sparse.solve_sparse(warm_x, warm_y)  # compile or load the kernels
    _instrument()
    x, y = clouds(args.shape, args.n, args.dim, 0)
    start = time.perf_counter()
    res = _sparse.solve_sparse(x, y)
    total = time.perf_counter() - start
    print(f"{args.shape} n={args.n} d={args.dim}: {total:.2f} s, value {res.solution.value!r}, "
          f"rounds {res.rounds}, full scans {res.full_scans}, edges {res.edges}")
    for key in sorted(_SECONDS):
        print(f"  level {key[0]:>7}  {key[1]:<18} {_SECONDS[key]:8.2f} s  {_CALLS[key]:5d} calls")
    for size in sorted(_PIVOTS):
        print(f"  level {size:>7}  pivots {_PIVOTS[size]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
