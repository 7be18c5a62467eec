"""Time the sparse W1 solver under other settings than its defaults (not a test; not in CI).

The defaults of :func:`distances.sparse_w1.solve_sparse` (``PER_ROW``, ``coarsen_above``,
``k_neighbors``, ...) were set with this script: it solves the shapes of
``bench_peers.clouds`` at the given sizes and dimensions, ``--repeat`` times each, and
prints the best time of each case and their sum, for the defaults and for every
``--variant``, interleaved (defaults, variant 1, ..., defaults, variant 1, ...) so that a
change of load hits all alike. A variant is a space-separated list of ``NAME=VALUE``:
a keyword of ``solve_sparse`` (``coarsen_above=600``) or a module constant of
``distances.transport._solver`` or ``distances.transport._sparse`` (``PER_ROW=4``).

Usage::

    python benchmarks/tune_sparse.py --sizes 2000 --variant "PER_ROW=4"
    python benchmarks/tune_sparse.py --sizes 500 --dims 8 32 --variant "coarsen_above=100"
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_peers import SHAPES, clouds  # noqa: E402

from distances.transport import _candidates, _solver, _sparse  # noqa: E402

__all__ = ["main"]

_MODULES = (_candidates, _solver, _sparse)


def _parse(variant: str) -> tuple[dict[str, int | float], dict[str, int | float]]:
    """(solve_sparse keywords, module constants) of one variant."""
    kwargs: dict[str, int | float] = {}
    constants: dict[str, int | float] = {}
    for item in variant.split():
        name, _, text = item.partition("=")
        value = float(text) if "." in text or "e" in text else int(text)
        if any(hasattr(mod, name) for mod in _MODULES):
            constants[name] = value
        else:
            kwargs[name] = value
    return kwargs, constants


def _run(variant: str, cases: list[tuple[str, int, int]], repeat: int) -> dict[tuple, float]:
    kwargs, constants = _parse(variant)
    saved = [(mod, name, getattr(mod, name)) for mod in _MODULES for name in constants
             if hasattr(mod, name)]
    for mod, name, _ in saved:
        setattr(mod, name, constants[name])
    try:
        best = {}
        for shape, n, d in cases:
            x, y = clouds(shape, n, d, 0)
            times = []
            for _ in range(repeat):
                t = time.perf_counter()
                _sparse.solve_sparse(x, y, **kwargs)
                times.append(time.perf_counter() - t)
            best[(shape, n, d)] = min(times)
        return best
    finally:
        for mod, name, value in saved:
            setattr(mod, name, value)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", nargs="+", type=int, default=[500, 1000, 2000])
    p.add_argument("--dims", nargs="+", type=int, default=[2, 8, 32])
    p.add_argument("--shapes", nargs="+", default=list(SHAPES), choices=SHAPES)
    p.add_argument("--repeat", type=int, default=5, help="runs per case (the best counts)")
    p.add_argument("--rounds", type=int, default=2, help="interleaved passes over the variants")
    p.add_argument("--variant", action="append", default=[], help='e.g. "PER_ROW=4"')
    args = p.parse_args(argv)
    # Load every compiled kernel (numba's cache) before timing.
    _sparse.solve_sparse(*clouds("alike", 600, 2, 0))
    _sparse.solve_sparse(*clouds("alike", 300, 8, 0))
    variants = ["", *args.variant]
    for n in args.sizes:
        cases = [(s, n, d) for d in args.dims for s in args.shapes]
        for _ in range(args.rounds):
            for variant in variants:
                best = _run(variant, cases, args.repeat)
                cells = " ".join(f"{s[:2]}{d}:{best[(s, n, d)] * 1e3:.1f}" for s, _, d in cases)
                total = sum(best.values()) * 1e3
                print(f"n={n} {variant or 'defaults':>22s}  {cells}  sum {total:.1f} ms",
                      flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
