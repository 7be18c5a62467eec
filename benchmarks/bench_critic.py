"""Targets of the WGAN issue, measured in one process and printed (and written as JSON).

1. Translation pair |v| = 1 on 8gaussians: gradient-penalty and Lipschitz-penalty critics,
   signed relative errors of the raw and normalised estimates, fit seconds (target: within
   3 % in at most 60 s each on CPU).
2. Weight clipping exactly as Algorithm 1: raw estimate K * W1, normalised estimate.
3. The method x pair table (``wgan.app.wgan_outputs.critic_table``), unless ``--skip-table``.
4. Generator iterations per second of the default TrainConfig (CPU, or CUDA when present).

Run: ``python benchmarks/bench_critic.py --out bench-out`` (``--quick`` for a smoke test).
Timings depend on the machine's load: the script prints the load average beside them.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

import torch

from wgan.app.wgan_outputs import critic_table, format_table
from wgan.config import CriticConfig, TrainConfig
from wgan.critic import evaluate_critic
from wgan.device import resolve_device
from wgan.train import train


def _load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg()) + f" on {os.cpu_count()} cores"
    except OSError:  # pragma: no cover
        return "unknown"


def critic_targets(quick: bool, device: str) -> list[dict[str, object]]:
    """Targets 1 and 2: GP, LP (lambda = 1000) and clipping on the translation pair."""
    runs = [
        ("gp", CriticConfig(method="gp", penalty_weight=1000.0, iterations=4000, device=device)),
        ("lp", CriticConfig(method="lp", penalty_weight=1000.0, iterations=4000, device=device)),
        ("gp (lambda 10)", CriticConfig(method="gp", iterations=4000, penalty_weight=10.0,
                                        device=device)),
        ("clip (Algorithm 1)", CriticConfig(method="clip", iterations=5000, device=device)),
    ]
    out = []
    for name, cfg in runs:
        if quick:
            cfg = cfg.with_(iterations=200, width=32, depth=2, n_eval=5000, n_lipschitz=300)
        start = time.perf_counter()
        result, _ = evaluate_critic(cfg)
        total = time.perf_counter() - start
        row = {"name": name, **result.to_dict(), "total_seconds": total,
               "penalty_weight": cfg.penalty_weight, "load": _load()}
        out.append(row)
        print(f"{name:<20} W1 {result.w1:.4f}  raw {result.raw:.5g} ({result.raw_error:+.2%})  "
              f"K {result.lipschitz:.4g}  normalised {result.normalised:.4f} "
              f"({result.normalised_error:+.2%})  {cfg.iterations} steps, fit "
              f"{result.seconds:.1f} s, with evaluation {total:.1f} s  [load {_load()}]",
              flush=True)
    return out


def generator_speed(quick: bool, device: str) -> dict[str, object]:
    """Target 4: generator iterations per second of the default TrainConfig."""
    iters = 40 if quick else 300
    with tempfile.TemporaryDirectory() as tmp:
        cfg = TrainConfig(generator_iterations=iters, out_dir=tmp, progress=False,
                          device=device, log_every=iters, checkpoint_every=iters)
        history = train(cfg)
    # two log rows (step 0 and the end): exact W1 on 512 points, a fraction of a second
    row = {"device": str(resolve_device(device)), "iterations": iters,
           "seconds": history.seconds, "iterations_per_second": history.iterations_per_second,
           "width": cfg.width, "depth": cfg.depth, "batch_size": cfg.resolved.batch_size,
           "n_critic": cfg.n_critic, "method": cfg.method, "threads": cfg.threads,
           "load": _load()}
    print(f"default TrainConfig ({cfg.method}, width {cfg.width}, depth {cfg.depth}, batch "
          f"{cfg.resolved.batch_size}, n_critic {cfg.n_critic}, {cfg.threads} thread) on "
          f"{row['device']}: {iters} generator iterations in {history.seconds:.1f} s = "
          f"{history.iterations_per_second:.1f} it/s  [load {_load()}]", flush=True)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="bench-critic-out")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--skip-table", action="store_true")
    parser.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda"))
    args = parser.parse_args()
    torch.set_num_threads(1)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    report: dict[str, object] = {"torch": torch.__version__, "load_at_start": _load()}
    report["critic_targets"] = critic_targets(args.quick, args.device)
    report["generator_speed"] = generator_speed(args.quick, args.device)
    if not args.skip_table:
        start = time.perf_counter()
        results = critic_table(quick=args.quick, out_dir=out, device=args.device, progress=True)
        report["table_seconds"] = time.perf_counter() - start
        print(format_table(results))
    (out / "bench_critic.json").write_text(json.dumps(report, indent=2, default=str) + "\n")
    print(f"wrote {out}/bench_critic.json")


if __name__ == "__main__":
    main()
