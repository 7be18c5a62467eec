"""A reduced anchor check: GP and LP at the W1 benchmark's settings on its own 2-D pair with
4 funnels, with a fraction of its steps (``STEPS`` instead of 40 000), ``N_SEEDS`` seeds.

The full anchor grid is ``wgan-theory benchmark --anchor`` (benchmarks/gpu_critic_sweep.sh on
a GPU). Run: ``PYTHONPATH=. python benchmarks/bench_critic_benchmark_anchor.py [OUT] [STEPS]
[N_SEEDS]``.
"""

import sys

from wgan.app.benchmark_sweep import run_sweep, summary_markdown
from wgan.benchmark import anchor_settings
from wgan.benchmark.table import ANCHOR_STEPS


def main() -> None:
    steps = int(sys.argv[2]) if len(sys.argv) > 2 else 4000
    out = sys.argv[1] if len(sys.argv) > 1 else (
        f"benchmarks/results/critic_benchmark_anchor_s{steps / ANCHOR_STEPS['gp']:g}")
    seeds = tuple(range(int(sys.argv[3]))) if len(sys.argv) > 3 else (0,)
    settings = anchor_settings("cpu", dims=(2,), funnels=(4,), methods=("gp", "lp"),
                               seeds=seeds, steps_scale=steps / ANCHOR_STEPS["gp"])
    outcome = run_sweep(settings, out, workers=2, resume=True, progress=False)
    print(summary_markdown(outcome.table, title=f"Reduced anchor check ({steps} steps)"))
    print(f"{outcome.ran} cells, {outcome.seconds:.0f} s")


if __name__ == "__main__":  # worker processes are spawned: they re-import this file
    main()
