#!/usr/bin/env bash
# The docs figure of docs/sample_complexity.rst: wgan-theory rates on d in {1, 2, 3, 5, 8},
# n from 10^2 to 10^5 (capped per dimension where this 2-core shared machine has no time),
# 5 seeds, two local workers at nice 10. Resumable: rerun the script to finish an interrupted
# run, or raise a cap (e.g. MAX2=100000) to extend the grid with the cells already computed kept.
# Writes benchmarks/results/rates_full/ and the log benchmarks/results/rates_full.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
out=benchmarks/results/rates_full
log=benchmarks/results/rates_full.txt
caps=(--max-size "2=${MAX2:-31623}" --max-size "3=${MAX3:-31623}"
      --max-size "5=${MAX5:-31623}" --max-size "8=${MAX8:-31623}")
{
  echo "git: $(git rev-parse --short HEAD); nproc $(nproc); before: $(uptime)"
  start=$(date +%s.%N)
  nice -n 10 wgan-theory rates --dims 1 2 3 5 8 \
      --sizes 100 316 1000 3162 10000 31623 100000 --seeds 5 "${caps[@]}" \
      --workers "${WORKERS:-2}" --resume --out "$out"
  end=$(date +%s.%N)
  echo "after: $(uptime)"
  echo "wall time: $(python3 -c "print(f'{$end - $start:.1f} s')")"
} 2>&1 | tee -a "$log"
