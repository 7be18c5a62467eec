"""A reduced anchor check: 2-D, 4 funnels, GP and LP at the W1 benchmark's settings but with
a tenth of its steps (4 000 instead of 40 000; batch 1024, Adam 2e-4, penalty 10), one seed.

The full anchor check (``wgan-theory benchmark --anchor --funnels 4``) is a GPU job
(benchmarks/gpu_critic_sweep.sh). Run: ``PYTHONPATH=. python
benchmarks/bench_critic_benchmark_anchor.py [OUT] [STEPS] [N_SEEDS]``.
"""

import sys
from dataclasses import replace

from wgan.app.benchmark_sweep import run_sweep, summary_markdown
from wgan.benchmark import anchor_settings


def main() -> None:
    out = sys.argv[1] if len(sys.argv) > 1 else "benchmarks/results/critic_benchmark_anchor_reduced"
    steps = int(sys.argv[2]) if len(sys.argv) > 2 else 4000
    seeds = tuple(range(int(sys.argv[3]))) if len(sys.argv) > 3 else (0,)
    base = anchor_settings(device="cpu", n_funnels=4)
    settings = replace(base, seeds=seeds, template=replace(base.template, steps=steps))
    outcome = run_sweep(settings, out, workers=2, resume=True, progress=False)
    print(summary_markdown(outcome.table, title=f"Reduced anchor check ({steps} steps)"))
    print(f"{outcome.ran} cells, {outcome.seconds:.0f} s")


if __name__ == "__main__":  # worker processes are spawned: they re-import this file
    main()
