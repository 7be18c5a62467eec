"""Time of the critic-benchmark sweep: a reduced sweep measured, the full one extrapolated.

The full CPU sweep (dimensions 2-64, 4 methods, 3 seeds, default 2000 steps, ``--workers 2``)
cannot be timed on a machine shared by several jobs in the time we had; this script reads the
``cells.csv`` of a reduced sweep (one seed, some dimensions), interpolates each method's
whole-cell wall time linearly in log2(dimension) to the missing dimensions, and sums over the
full grid divided by the number of workers. It prints the load average beside the numbers:
they scale with it.

Reduced sweep (the one in benchmarks/results/critic_benchmark_reduced):

    wgan-theory benchmark --dims 2 8 32 64 --methods clip gp lp sn ot --seeds 0 \\
        --workers 2 --device cpu --quiet --out benchmarks/results/critic_benchmark_reduced

Then: ``python benchmarks/bench_critic_benchmark.py benchmarks/results/critic_benchmark_reduced``
"""

from __future__ import annotations

import argparse
import math
import os
from pathlib import Path

from wgan.app.benchmark_sweep import read_cells

FULL_DIMS = (2, 4, 8, 16, 32, 64)
FULL_METHODS = ("clip", "gp", "lp", "sn")


def _interp(points: dict[int, float], dim: int) -> float:
    if dim in points:
        return points[dim]
    xs = sorted(points)
    lo = max([x for x in xs if x < dim], default=xs[0])
    hi = min([x for x in xs if x > dim], default=xs[-1])
    if lo == hi:
        return points[lo]
    w = (math.log2(dim) - math.log2(lo)) / (math.log2(hi) - math.log2(lo))
    return (1 - w) * points[lo] + w * points[hi]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args()
    rows = read_cells(args.folder / "cells.csv")
    per: dict[str, dict[int, float]] = {}
    for r in rows:
        per.setdefault(r.method, {})[r.dim] = r.total_seconds
    lines = [f"load average now: {' '.join(f'{x:.2f}' for x in os.getloadavg())} "
             f"on {os.cpu_count()} cores", "",
             "| method | measured dims | whole-cell seconds (measured) | steps/s |",
             "|---|---|---|---|"]
    for m, pts in per.items():
        sps = [f"{r.steps_per_second:.0f}" for r in rows if r.method == m]
        lines.append(f"| {m} | {sorted(pts)} | "
                     + ", ".join(f"{pts[d]:.0f}" for d in sorted(pts)) + f" | {', '.join(sps)} |")
    total = sum(_interp(per[m], d) for m in FULL_METHODS if m in per for d in FULL_DIMS)
    est = total * args.seeds / args.workers
    lines += ["", f"Full sweep estimate ({len(FULL_DIMS)} dims x {len(FULL_METHODS)} methods x "
              f"{args.seeds} seeds, --workers {args.workers}, perfect packing): "
              f"{est / 60:.1f} min at the load these cells ran under."]
    text = "\n".join(lines) + "\n"
    print(text)
    (args.folder / "extrapolation.md").write_text(text)


if __name__ == "__main__":
    main()
