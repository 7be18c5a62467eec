#!/usr/bin/env bash
# The issue's "done when" run of wgan-theory rates, timed with the load average before and after.
# Writes benchmarks/results/rates_done_when/ (the command's files) and rates_done_when.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
out=benchmarks/results/rates_done_when
log=benchmarks/results/rates_done_when.txt
rm -rf "$out"
{
  echo "command: wgan-theory rates --dims 1 3 --sizes 100 1000 10000 --seeds 5 --out $out"
  echo "git: $(git rev-parse --short HEAD); nproc $(nproc); before: $(uptime)"
  start=$(date +%s.%N)
  nice -n 10 wgan-theory rates --dims 1 3 --sizes 100 1000 10000 --seeds 5 --quiet --out "$out"
  end=$(date +%s.%N)
  echo "after: $(uptime)"
  echo "wall time: $(python3 -c "print(f'{$end - $start:.1f} s')")"
} 2>&1 | tee "$log"
