#!/usr/bin/env bash
# wgan-theory rates on a REAL multi-process Ray cluster on this machine: a head node and a
# second (worker) node started with `ray start`, one CPU each, then `--ray 127.0.0.1:PORT`.
# Checks that every cell computed on the cluster equals the same cell computed in this process,
# and that cells ran on both nodes. Only the two `ray start --block` processes this script
# starts are stopped (by their ids; no `ray stop`, which would stop every Ray on the machine).
# Needs the distributed extra: pip install -e '.[distributed]'.
# Writes benchmarks/results/rates_ray_cluster/ and the log benchmarks/results/rates_ray_cluster.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
out=benchmarks/results/rates_ray_cluster
log=benchmarks/results/rates_ray_cluster.txt
port=$(python -c "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
tmp=$(mktemp -d /tmp/ray_rates_XXXX)
export RAY_USAGE_STATS_ENABLED=0
# Ray 2.5x starts a head with token authentication; its clients (the worker node, the driver)
# must then be told to use the token (which `ray start --head` keeps in ~/.ray/auth_token).
export RAY_AUTH_MODE=token
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait "${pids[@]}" 2>/dev/null || true; }
trap cleanup EXIT
rm -rf "$out"
exec > >(tee "$log") 2>&1
  echo "git: $(git rev-parse --short HEAD); nproc $(nproc); ray $(python -c 'import ray; print(ray.__version__)')"
  echo "before: $(uptime)"
  ray start --head --port="$port" --num-cpus=1 --include-dashboard=false --temp-dir="$tmp" \
      --disable-usage-stats --block > "$tmp/head.log" 2>&1 &
  pids+=($!)
  python - "$port" <<'PY'
import socket, sys, time
port, t = int(sys.argv[1]), time.time()
while time.time() - t < 300:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close(); break
    except OSError:
        time.sleep(1)
print(f"head listening on 127.0.0.1:{port} after {time.time() - t:.0f} s")
PY
  ray start --address="127.0.0.1:$port" --num-cpus=1 --disable-usage-stats --block \
      > "$tmp/worker.log" 2>&1 &
  pids+=($!)
  python - "$port" <<'PY'
import sys, time
import ray
ray.init(address=f"127.0.0.1:{sys.argv[1]}", log_to_driver=False)
t = time.time()
while len([n for n in ray.nodes() if n["Alive"]]) < 2 and time.time() - t < 300:
    time.sleep(1)
for n in ray.nodes():
    print(f"node {n['NodeID'][:8]} alive={n['Alive']} CPU={n['Resources'].get('CPU')} "
          f"head={'node:__internal_head__' in n['Resources']}")
PY
  start=$(date +%s.%N)
  wgan-theory rates --dims 1 2 3 --sizes 100 300 1000 --seeds 3 --ray "127.0.0.1:$port" \
      --out "$out"
  end=$(date +%s.%N)
  echo "rates on the cluster: wall time $(python -c "print(f'{$end - $start:.1f} s')")"
  python - "$port" "$out" <<'PY'
import os, sys
import ray
from distances.sample_complexity import empirical_w1
from wgan.app.rates import RateCell, read_cells
from wgan.app import rates

rows = read_cells(os.path.join(sys.argv[2], "cells.csv"))
here = [empirical_w1(r["law"], r["kind"], int(r["dim"]), int(r["n"]), int(r["seed"]))
        for r in rows]
there = [float(r["w1"]) for r in rows]
same = sum(a == b for a, b in zip(here, there))
worst = max(abs(a - b) / b for a, b in zip(here, there))
# Not all bit-identical: a process whose sparse kernels are still loading answers a mid-size
# problem with the dense solver (distances.earth_mover, method "auto"); both are exact, and
# their sums differ in the last bits.
print(f"{same} of {len(rows)} cells from the cluster equal the same cells computed here "
      f"bit for bit; largest relative difference {worst:.1e}")
assert worst < 1e-12, worst
ray.init(address=f"127.0.0.1:{sys.argv[1]}", log_to_driver=False)

@ray.remote(num_cpus=1)
def where(cell):
    row = rates._run(cell)
    return ray.get_runtime_context().get_node_id()[:8], os.getpid(), row["key"]

cells = [RateCell("uniform", "two-sample", 2, 300, s) for s in range(6)]
seen = ray.get([where.remote(c) for c in cells])
for node, pid, key in seen:
    print(f"{key} ran on node {node}, process {pid}")
print(f"nodes used: {len({s[0] for s in seen})}, processes: {len({s[1] for s in seen})}")
PY
  echo "after: $(uptime)"
