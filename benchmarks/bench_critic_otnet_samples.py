"""The exact-OT critics against the number of samples N and the dimension d.

For each (d, funnels, N): the McShane extension (``ot``) and the network fitted to the same
certified solution (``otnet``, :func:`wgan.benchmark.exact_ot.fit_plan_network`), both scored
on Korotin et al.'s pair as the anchor grid does (4096 + 4096 points), plus two diagnostics of
the solution itself: the discrete W1's excess over W1 (the finite-sample bias) and the mean
cosine of the plan's directions at the Q atoms against the optimal gradient there (how much of
the plan is signal). Writes ``benchmarks/results/critic_benchmark_otnet_samples.csv`` and
``.md`` (rows appended as they land; ``--resume`` skips rows already there).

Run: ``nice -n 10 python benchmarks/bench_critic_otnet_samples.py --grid 16:16:1024 16:16:16384
64:16:1024``
"""

from __future__ import annotations

import argparse
import csv
import os
import time
from dataclasses import replace
from pathlib import Path

import torch

from wgan.benchmark import anchor_settings, evaluate_critic, load_anchor_pair
from wgan.benchmark.exact_ot import (
    ExactOTCritic,
    fit_plan_network,
    plan_targets,
    solve_independent_samples,
)

OUT = Path(__file__).resolve().parents[1] / "benchmarks" / "results"
HEAD = ["d", "funnels", "N", "discrete W1 excess", "plan cosine at Q atoms", "ot cosine",
        "otnet cosine", "otnet raw error", "solve s", "fit s", "load"]


def one(d: int, k: int, n: int) -> list[str]:
    cell = replace(anchor_settings("cpu", dims=[d], funnels=[k], methods=["otnet"]).cells()[0],
                   n_ot=n)
    pair = load_anchor_pair(d, k)
    gen = torch.Generator().manual_seed(3_000_017 + cell.seed)  # fit_plan_network's samples
    sol, solve_s = solve_independent_samples(pair, n, gen)
    z, g, _ = plan_targets(sol)
    q = z[len(sol.x):]
    plan_cos = float((g[len(sol.x):] * pair.gradient(q)).sum(dim=1).mean())
    mcshane = ExactOTCritic(torch.tensor(sol.x), torch.tensor(sol.u))
    s_ot = evaluate_critic(mcshane, pair, n=cell.n_eval, seed=1_000_003 + cell.seed)
    fit = fit_plan_network(pair, n, seed=cell.seed, steps=cell.steps, width=cell.width,
                           depth=cell.depth, batch_size=cell.batch_size, lr=cell.lr)
    s_net = evaluate_critic(fit.critic, pair, n=cell.n_eval, seed=1_000_003 + cell.seed)
    return [str(d), str(k), str(n), f"{sol.value / pair.w1 - 1:+.1%}", f"{plan_cos:.3f}",
            f"{s_ot.cosine:.3f}", f"{s_net.cosine:.3f}", f"{s_net.raw_error:+.1%}",
            f"{solve_s:.0f}", f"{fit.fit_seconds:.0f}", f"{os.getloadavg()[0]:.1f}"]


def scales(n: int = 4096) -> None:
    """W1 against the median nearest-sample distance, on the 16-funnel pairs."""
    for d in (2, 16, 64):
        pair = load_anchor_pair(d, 16, n_mc=n)
        gen = torch.Generator().manual_seed(0)
        x, y = pair.sample_plan(n, gen)[0], pair.sample_plan(n, gen)[1]
        near = torch.cdist(y, x).min(dim=1).values.median()
        print(f"d={d}: W1 {pair.w1:.3f}, median distance from a Q sample to the nearest of {n} "
              f"P samples {float(near):.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grid", nargs="+", default=[], help="d:funnels:N ...")
    parser.add_argument("--resume", action="store_true")
    parser.add_argument("--scales", action="store_true")
    parser.add_argument("--out", default="critic_benchmark_otnet_samples",
                        help="file stem under benchmarks/results (.csv and .md)")
    args = parser.parse_args()
    torch.set_num_threads(1)
    if args.scales:
        scales()
        return
    path = OUT / f"{args.out}.csv"
    rows = list(csv.reader(path.open())) [1:] if args.resume and path.exists() else []
    done = {tuple(r[:3]) for r in rows}
    for spec in args.grid:
        d, k, n = (int(v) for v in spec.split(":"))
        if (str(d), str(k), str(n)) in done:
            continue
        start = time.perf_counter()
        rows.append(one(d, k, n))
        print(" ".join(rows[-1]), f"({time.perf_counter() - start:.0f} s)", flush=True)
        with path.open("w", newline="") as fh:
            csv.writer(fh).writerows([HEAD, *rows])
        md = ["# Exact-OT critics against N and d (Korotin et al.'s pairs)", "",
              "Written by ``python benchmarks/bench_critic_otnet_samples.py --grid "
              + " ".join(args.grid) + ("" if args.out == parser.get_default("out")
                                       else f" --out {args.out}")
              + "`` (2 shared CPU cores, load in the last column).", "",
              "| " + " | ".join(HEAD) + " |", "|" + "---|" * len(HEAD),
              *("| " + " | ".join(r) + " |" for r in rows), ""]
        path.with_suffix(".md").write_text("\n".join(md))


if __name__ == "__main__":
    main()
