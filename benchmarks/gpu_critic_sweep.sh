#!/usr/bin/env bash
# The critic benchmark's anchor grid on a GPU: Korotin et al.'s settings on their own pairs
# (wgan-theory benchmark --anchor: 2 hidden layers of max(2d, 128), Adam 2e-4 betas (0, 0.9),
# batch 1024, steps gp/lp 40000, clip/sn 5000, groupsort 15000, scoring 4096 + 4096), all six
# methods, then the whole 28-pair grid. Batches are drawn on the GPU (a generator of the
# device); the scoring and the ot critic run on the CPU.
# NOT RUN ON A GPU YET: no GPU was lent to the sessions that wrote it (issues 11, 22); CI never
# needs it. Run from the repository root:
#     bash benchmarks/gpu_critic_sweep.sh [OUT]      (default OUT: benchmarks/results)
# Each sweep writes cells.csv row by row with its settings (steps_per_second per cell); a rerun
# with the same OUT resumes. Wall time per sweep and the device go to OUT/gpu_timings.csv.
set -euo pipefail
OUT=${1:-benchmarks/results}
mkdir -p "$OUT"
export PYTHONPATH=${PYTHONPATH:-$PWD}
wgan() { python -c 'import sys; from wgan.cli import main; sys.exit(main())' "$@"; }
DEVICE=$(python -c 'import torch; assert torch.cuda.is_available(), "no CUDA device"; print(torch.cuda.get_device_name(0))')
nvidia-smi --query-gpu=name,memory.total,utilization.gpu --format=csv || true
TIMINGS="$OUT/gpu_timings.csv"
[ -s "$TIMINGS" ] || echo "sweep,device,wall_seconds,load_before,load_after,cells_csv" > "$TIMINGS"
timed() {  # name folder args...: run one sweep, append its wall time
  local name=$1 folder=$2; shift 2
  local load0; load0=$(cut -d' ' -f1 /proc/loadavg)
  local t0=$SECONDS
  wgan benchmark --device cuda --resume --quiet --out "$folder" "$@"
  echo "$name,$DEVICE,$((SECONDS - t0)),$load0,$(cut -d' ' -f1 /proc/loadavg),$folder/cells.csv" >> "$TIMINGS"
}
# 1. The 9-pair anchor grid (d 2 16 64 x funnels 4 16 64), six methods, three seeds.
timed anchor9 "$OUT/critic_benchmark_anchor_s1" --anchor --seeds 0 1 2 --workers 4 --threads 2
# 2. The whole 28-pair grid, one seed.
timed anchor28 "$OUT/critic_benchmark_anchor28_s1" --anchor --dims 2 4 8 16 32 64 128 \
  --funnels 4 16 64 256 --workers 4 --threads 2
# Steps per second per cell, from the cells files (fit on the GPU, batches drawn there).
python - "$OUT" <<'PY'
import sys
from pathlib import Path
from wgan.app.benchmark_sweep import read_cells
out = Path(sys.argv[1])
lines = ["folder,key,device,steps,seconds,steps_per_second"]
for folder in ("critic_benchmark_anchor_s1", "critic_benchmark_anchor28_s1"):
    for r in read_cells(out / folder / "cells.csv"):
        lines.append(f"{folder},{r.key},{r.device},{r.steps},{r.seconds:.1f},{r.steps_per_second:.1f}")
(out / "gpu_steps_per_second.csv").write_text("\n".join(lines) + "\n")
print(f"wrote {out / 'gpu_steps_per_second.csv'}")
PY
python benchmarks/bench_critic_anchor_table.py --no-run
