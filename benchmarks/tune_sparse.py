"""Time the sparse W1 solver under other settings than its defaults (not a test; not in CI).

The defaults of :func:`distances.sparse_w1.solve_sparse` (the fields of
:class:`distances.sparse_w1.SparseOptions`: ``per_row``, ``coarsen_above``, ``k_neighbors``,
...) were set with this script: it solves the shapes of ``bench_peers.clouds`` at the given
sizes and dimensions, ``--repeat`` times each, and prints the best time of each case and
their sum, for the defaults and for every ``--variant``, interleaved (defaults, variant 1,
..., defaults, variant 1, ...) so that a change of load hits all alike. A variant is a
space-separated list of ``NAME=VALUE``, NAME a field of ``SparseOptions``, passed to the
solver as ``options=SparseOptions(NAME=VALUE, ...)`` (nothing is patched).

Usage::

    python benchmarks/tune_sparse.py --sizes 2000 --variant "per_row=4"
    python benchmarks/tune_sparse.py --sizes 500 --dims 8 32 --variant "coarsen_above=100"
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import fields
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_peers import SHAPES, clouds  # noqa: E402

from distances.sparse_w1 import SparseOptions, solve_sparse  # noqa: E402

__all__ = ["main"]


def options(variant: str) -> SparseOptions:
    """The options of one variant (``"per_row=4 coarsen_above=600"``)."""
    names = {f.name for f in fields(SparseOptions)}
    values: dict[str, int | float] = {}
    for item in variant.split():
        name, _, text = item.partition("=")
        if name not in names:
            raise SystemExit(f"--variant: {name!r} is not a field of SparseOptions "
                             f"({', '.join(sorted(names))})")
        try:
            values[name] = int(text)
        except ValueError:
            try:
                values[name] = float(text)  # 1e-3, 0.5, inf
            except ValueError:
                raise SystemExit(f"--variant: {item!r} is not NAME=NUMBER") from None
    return SparseOptions(**values)


def _run(variant: str, cases: list[tuple[str, int, int]], repeat: int) -> dict[tuple, float]:
    opts = options(variant)
    best = {}
    for shape, n, d in cases:
        x, y = clouds(shape, n, d, 0)
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            solve_sparse(x, y, options=opts)
            times.append(time.perf_counter() - t)
        best[(shape, n, d)] = min(times)
    return best


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", nargs="+", type=int, default=[500, 1000, 2000])
    p.add_argument("--dims", nargs="+", type=int, default=[2, 8, 32])
    p.add_argument("--shapes", nargs="+", default=list(SHAPES), choices=SHAPES)
    p.add_argument("--repeat", type=int, default=5, help="runs per case (the best counts)")
    p.add_argument("--rounds", type=int, default=2, help="interleaved passes over the variants")
    p.add_argument("--variant", action="append", default=[], help='e.g. "per_row=4"')
    args = p.parse_args(argv)
    # Load every compiled kernel (numba's cache) before timing.
    for variant in args.variant:
        options(variant)  # refuse a misspelt field before any timing
    solve_sparse(*clouds("alike", 600, 2, 0))
    solve_sparse(*clouds("alike", 300, 8, 0))
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
