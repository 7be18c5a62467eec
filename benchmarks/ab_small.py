"""A/B of sparse-solver settings on small problems of any sizes, beside the fastest peer
(not a test; not in CI).

Each case (shape, dimension, n x n / ``--ratio``, optionally Dirichlet weights: the
problems of ``bench_peers.py``) is solved with the default
:class:`~distances.sparse_w1.SparseOptions` and with every ``--variant``
(``"NAME=VALUE ..."``, passed as ``options=``; nothing is patched), interleaved, the order
rotated at each of the ``--repeat`` passes (after one untimed pass), and with the
``wasserstein`` package, the peer that is fastest at these sizes. Times are CPU seconds
(every contender runs on one thread), the best of the passes. Like ``bench_peers.py``'s
``sparse`` column, each timing includes building the two :class:`~distances.Discrete`
measures (which sort the atoms and merge repeats; their order changes the pivots), and
the solver sees the measures' atoms and weights. Prints each case's times and the peer's
time over ours, then the sums and how many cases reach the peer (results of the settings
of ``SparseOptions`` measured with it: ``benchmarks/results/ab_small_*.txt``).

Usage::

    python benchmarks/ab_small.py --dims 2 --ratio 2 --variant "coarse_dense_pairs=0"
    python benchmarks/ab_small.py --dims 8 32 --ratio 3 --weights random --variant "k_neighbors=5"
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_peers import SHAPES, Case  # noqa: E402
from tune_sparse import options  # noqa: E402

from distances import Discrete  # noqa: E402
from distances.sparse_w1 import SparseOptions, solve_sparse  # noqa: E402

__all__ = ["main"]


def _ours(case: Case, opts: SparseOptions, seed: int) -> tuple[float, float]:
    """CPU seconds and value of one solve, the measures built inside the timing."""
    x, y, a, b = case.data(seed)
    t = time.process_time()
    P, Q = Discrete(x, a), Discrete(y, b)
    value = solve_sparse(P.atoms, Q.atoms, P.weights, Q.weights, options=opts).solution.value
    return time.process_time() - t, value


def main(argv: list[str] | None = None) -> int:
    import wasserstein

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=500, help="the larger cloud's size")
    p.add_argument("--ratio", type=float, default=2.0, help="n / m (>= 1)")
    p.add_argument("--weights", choices=("uniform", "random"), default="uniform")
    p.add_argument("--dims", nargs="+", type=int, default=[2])
    p.add_argument("--shapes", nargs="+", default=list(SHAPES), choices=SHAPES)
    p.add_argument("--repeat", type=int, default=5, help="timed passes (the best counts)")
    p.add_argument("--variant", action="append", default=[], help='e.g. "per_row=8"')
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    if args.ratio < 1:
        p.error(f"--ratio must be >= 1; got {args.ratio}")
    names = ["defaults", *args.variant]
    opts = {name: SparseOptions() if name == "defaults" else options(name) for name in names}
    emd = wasserstein.EMD(n_iter_max=10**9, norm=True)
    m = max(1, round(args.n / args.ratio))
    command = " ".join(sys.argv[1:] if argv is None else argv)
    print(f"# command: python benchmarks/ab_small.py {command}")
    print(f"# {args.n} x {m}{' weighted' if args.weights == 'random' else ''}; CPU seconds, "
          f"best of {args.repeat}; load average {os.getloadavg()[0]:.2f} at start", flush=True)
    sums = dict.fromkeys([*names, "peer"], 0.0)
    ahead = dict.fromkeys(names, 0)
    for d in args.dims:
        for shape in args.shapes:
            case = Case(shape, d, args.n, m, args.weights == "random")
            x, y, a, b = case.data(args.seed)
            wa = np.full(args.n, 1 / args.n) if a is None else a
            wb = np.full(m, 1 / m) if b is None else b
            times: dict[str, list[float]] = {k: [] for k in [*names, "peer"]}
            values = {}
            for r in range(args.repeat + 1):  # pass 0 untimed
                for name in names[r % len(names):] + names[: r % len(names)]:
                    dt, values[name] = _ours(case, opts[name], args.seed)
                    if r:
                        times[name].append(dt)
                t = time.process_time()
                emd(wa, x, wb, y)
                if r:
                    times["peer"].append(time.process_time() - t)
            peer = min(times["peer"])
            sums["peer"] += peer
            line = f"{shape:10} d={d:<3} peer {peer * 1e3:7.2f} ms"
            for name in names:
                best = min(times[name])
                sums[name] += best
                ahead[name] += peer >= best
                diff = abs(values[name] - values["defaults"]) / values["defaults"]
                if diff > 1e-12:
                    raise SystemExit(f"{name}: value differs by {diff:.1e} on {case.label}")
                line += f" | {name} {best * 1e3:7.2f} ({peer / best:.2f}x)"
            print(line, flush=True)
    print(f"sum: peer {sums['peer'] * 1e3:.1f} ms | " + " | ".join(
        f"{name} {sums[name] * 1e3:.1f} ms ({sums[name] / sums['defaults']:.3f} of the "
        f"defaults; {ahead[name]} cases >= the peer)" for name in names))
    print(f"# load average {os.getloadavg()[0]:.2f} at end")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
