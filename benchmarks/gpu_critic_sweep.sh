#!/usr/bin/env bash
# The critic benchmark on a GPU: the full sweep (2-128 D, 4 methods + the ot baseline,
# 3 seeds, default steps) on CUDA, then the anchor check at the W1 benchmark's settings.
# Not run yet: no GPU was lent to the session that wrote it (issue 11). Run from the
# repository root:  bash benchmarks/gpu_critic_sweep.sh [OUT]   (default OUT: benchmarks/results)
# Each sweep writes cells.csv row by row; a rerun with the same OUT resumes (--resume).
# Iterations per second are in cells.csv (steps_per_second), per cell.
set -euo pipefail
OUT=${1:-benchmarks/results}
export PYTHONPATH=${PYTHONPATH:-$PWD}
wgan() { python -c 'import sys; from wgan.cli import main; sys.exit(main())' "$@"; }
python -c 'import torch; assert torch.cuda.is_available(), "no CUDA device"; print(torch.cuda.get_device_name(0))'
nvidia-smi --query-gpu=name,memory.total,utilization.gpu --format=csv || true
uptime
# 1. Full sweep on CUDA: fits on the GPU, evaluation and the ot baseline on the CPU.
#    Several cells share the GPU (small nets): 4 worker processes.
time wgan benchmark --device cuda --dims 2 4 8 16 32 64 128 --methods clip gp lp sn ot \
  --seeds 0 1 2 --workers 4 --threads 2 --resume --quiet --out "$OUT/critic_benchmark_gpu"
# 2. Anchor check: 2-D, 4 funnels, GP and LP at the paper's settings (40k steps, batch 1024).
time wgan benchmark --device cuda --anchor --funnels 4 --workers 3 --threads 2 --resume \
  --quiet --out "$OUT/critic_benchmark_anchor_k4"
uptime
