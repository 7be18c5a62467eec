"""Steps per second of the anchor's critics on this CPU: GroupSort against gp, interleaved.

For each dimension, the anchor cells' fits (:func:`wgan.benchmark.anchor_settings`: their
network, batch 1024 a side, one torch thread) run ``--steps`` steps at a time in ``--rounds``
interleaved rounds (GroupSort as the anchor runs it, FullSort with 20 Björck iterations; the
cheaper MaxMin, ``group_size=2``; gp as the peer every other speed is divided by), so a
change of load hits them alike. Reports the median seconds per step, the ratio to gp, the
minutes that the anchor's 15 000 GroupSort steps take at that speed, and the load average.
Writes ``benchmarks/results/critic_groupsort_speed.md`` and ``.csv``.

Run: ``nice -n 10 python benchmarks/bench_critic_groupsort_speed.py``
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import time
from dataclasses import replace
from pathlib import Path

import torch

from wgan.benchmark import anchor_settings, load_anchor_pair
from wgan.benchmark.table import ANCHOR_STEPS
from wgan.benchmark.training import fit_benchmark_critic

OUT = Path(__file__).resolve().parents[1] / "benchmarks" / "results"
VARIANTS = {"groupsort (FullSort, the anchor's)": ("groupsort", {}),
            "groupsort MaxMin (group_size=2)": ("groupsort", {"group_size": 2}),
            "gp (peer)": ("gp", {})}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dims", nargs="+", type=int, default=[2, 16, 64])
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(1)
    rows = []
    loads = []
    for d in args.dims:
        pair = load_anchor_pair(d, 16)
        cells = {}
        for name, (method, change) in VARIANTS.items():
            cell = anchor_settings("cpu", dims=[d], funnels=[16], methods=[method]).cells()[0]
            cells[name] = replace(cell, steps=args.steps, **change)
            fit_benchmark_critic(replace(cells[name], steps=2), pair)  # warm up
        times: dict[str, list[float]] = {name: [] for name in cells}
        for _ in range(args.rounds):
            for name, cell in cells.items():
                times[name].append(fit_benchmark_critic(cell, pair).seconds / args.steps)
                loads.append(os.getloadavg()[0])
        peer = statistics.median(times["gp (peer)"])
        for name, ts in times.items():
            s = statistics.median(ts)
            rows.append([str(d), name, f"{s * 1e3:.1f}", f"{1 / s:.1f}", f"{s / peer:.2f}",
                         f"{s * ANCHOR_STEPS['groupsort'] / 60:.0f}"])
            print(" | ".join(rows[-1]), flush=True)
    head = ["d", "critic", "ms per step (median)", "steps per second", "ratio to gp",
            "minutes for 15 000 steps"]
    with (OUT / "critic_groupsort_speed.csv").open("w", newline="") as fh:
        csv.writer(fh).writerows([head, *rows])
    md = ["# Steps per second of the anchor's critics on this CPU", "",
          f"Written by ``nice -n 10 python benchmarks/bench_critic_groupsort_speed.py`` "
          f"({args.steps} steps x {args.rounds} interleaved rounds per critic, batch 1024 a "
          f"side, the anchor's network, one torch thread; 2 shared CPU cores, load average "
          f"{min(loads):.1f}-{max(loads):.1f} during the run), "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}. The ratio to gp is the "
          "figure to compare across machines and loads.", "",
          "| " + " | ".join(head) + " |", "|" + "---|" * len(head),
          *("| " + " | ".join(r) + " |" for r in rows), ""]
    (OUT / "critic_groupsort_speed.md").write_text("\n".join(md))


if __name__ == "__main__":
    main()
