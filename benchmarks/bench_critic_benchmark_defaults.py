"""Defaults of the critic benchmark measured: initialisation and learning rate of GP.

Fits the gradient-penalty critic of one benchmark cell (16 funnels, seed 0, 2000 steps, the
128 x 3 critic) with PyTorch's and the WGAN-GP toy script's initialisation, at Adam learning
rates 1e-4 (WGAN-GP's) and 1e-3, in 2-D and 8-D, and prints one line per fit with the load
average. Results of one run: benchmarks/results/critic_benchmark_defaults.md.

Run: ``PYTHONPATH=. python benchmarks/bench_critic_benchmark_defaults.py``
"""

import os

from wgan.benchmark import BenchmarkCell, run_cell

for dim in (2, 8):
    for init in ("torch", "wgan-gp"):
        for lr in (1e-4, 1e-3):
            if dim == 8 and lr == 1e-3:
                continue
            r = run_cell(BenchmarkCell(dim=dim, method="gp", init=init, lr=lr, device="cpu"))
            print(dict(dim=dim, init=init, lr=lr, raw_error=round(r.raw_error, 4),
                       normalised_error=round(r.normalised_error, 4),
                       cos=round(r.grad_cosine, 4), l2=round(r.grad_l2, 4),
                       K=round(r.lipschitz, 3), seconds=round(r.total_seconds, 1)),
                  "load", " ".join(f"{x:.1f}" for x in os.getloadavg()), flush=True)
