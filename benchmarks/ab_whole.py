"""Whole solves of two or more versions of the code, on the small problems of
``bench_peers.py`` (not a test; not in CI).

``ab_small.py --trees`` replays only the compiled rounds: it cannot see a change to what
runs around them (the first basis, the coarse level, the certificate). This times what a
user waits for, ``earth_mover(Discrete(x, a), Discrete(y, b), method="sparse")`` with the
measures built inside the timing, as ``bench_peers.py``'s ``sparse`` column does.

Each tree (a source tree holding a ``distances/`` package, e.g. ``git archive REV
distances | tar -x -C DIR``) runs in a process of its own: two versions of the package in
one process do not time alike (the one imported second took about 1 ms more a solve at
500 x 125, whichever it was; a third copy of the same code showed it too). The trees'
processes alternate ``--processes`` times (each tree copied once, its numba cache
compiled by a first untimed process); in each, every case is solved ``--repeat`` times
after one untimed solve, and the best CPU time over all passes and processes counts.
The values must agree to 1e-12 (else it stops).

Usage::

    python benchmarks/ab_whole.py --trees /tmp/old /tmp/new --ratio 4 --dims 2 3
    python benchmarks/ab_whole.py --trees /tmp/old /tmp/new --ratio 3 --weights random
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_peers import Case, ab_checked, ab_parser  # noqa: E402

__all__ = ["main"]


def _one_tree(args: argparse.Namespace) -> int:
    """(Child process) every case with the package ``ab_whole_tree`` in ``--one-tree``:
    JSON {case: [best seconds, value]}."""
    import numpy as np

    sys.path.insert(0, args.one_tree)
    pkg = importlib.import_module("ab_whole_tree")
    m = max(1, round(args.n / args.ratio))
    out = {}
    for d in args.dims:
        for shape in args.shapes:
            x, y, a, b = Case(shape, d, args.n, m, args.weights == "random").data(args.seed)
            best, value = np.inf, 0.0
            for r in range(args.repeat + 1):  # pass 0 untimed (warms)
                t = time.process_time()
                value = float(pkg.earth_mover(pkg.Discrete(x, a), pkg.Discrete(y, b),
                                              method="sparse"))
                if r:
                    best = min(best, time.process_time() - t)
            out[f"{shape} d={d}"] = [best, value]
    print(json.dumps(out))
    return 0


def main(argv: list[str] | None = None) -> int:
    p = ab_parser(__doc__.splitlines()[0], ratio=4.0)
    p.add_argument("--trees", nargs="+", default=[], help="source trees to compare")
    p.add_argument("--repeat", type=int, default=5, help="timed solves a process")
    p.add_argument("--processes", type=int, default=3, help="processes a tree")
    p.add_argument("--one-tree", help=argparse.SUPPRESS)  # the child processes
    args = ab_checked(p, argv)
    if args.one_tree:
        return _one_tree(args)
    if len(args.trees) < 2:
        p.error("--trees: give two or more source trees")
    m = max(1, round(args.n / args.ratio))
    command = " ".join(sys.argv[1:] if argv is None else argv)
    print(f"# command: python benchmarks/ab_whole.py {command}")
    print(f"# {args.n} x {m}{' weighted' if args.weights == 'random' else ''}; CPU seconds "
          f"of earth_mover(method='sparse') with the measures built, best of {args.repeat} "
          f"solves x {args.processes} processes a tree; load average "
          f"{os.getloadavg()[0]:.2f} at start", flush=True)
    child = [sys.executable, str(Path(__file__).resolve()), "--n", str(args.n),
             "--ratio", str(args.ratio), "--weights", args.weights,
             "--dims", *map(str, args.dims), "--shapes", *args.shapes,
             "--repeat", str(args.repeat), "--seed", str(args.seed)]
    best: dict[str, dict[int, float]] = {}
    values: dict[str, float] = {}
    work = Path(tempfile.mkdtemp(prefix="ab_whole_"))
    copies = []
    for k, tree in enumerate(args.trees):  # one copy a tree: its numba cache is kept
        copies.append(work / str(k))
        shutil.copytree(Path(tree) / "distances", copies[-1] / "ab_whole_tree",
                        ignore=shutil.ignore_patterns("__pycache__"))
        subprocess.run([*child, "--repeat", "0", "--shapes", "alike", "--one-tree",
                        str(copies[-1])], check=True, capture_output=True)  # compiles
    for r in range(args.processes):
        order = list(range(len(args.trees)))
        order = order[r % len(order):] + order[: r % len(order)]  # rotated each time
        for k in order:
            run = subprocess.run([*child, "--one-tree", str(copies[k])], check=True,
                                 capture_output=True, text=True)
            for case, (seconds, value) in json.loads(run.stdout).items():
                got = best.setdefault(case, {})
                got[k] = min(got.get(k, float("inf")), seconds)
                ref = values.setdefault(case, value)
                if abs(value - ref) > 1e-12 * abs(ref):
                    raise SystemExit(f"{args.trees[k]}: value {value!r} on {case}, "
                                     f"against {ref!r}")
    shutil.rmtree(work, ignore_errors=True)
    names = [Path(tree).name or tree for tree in args.trees]
    sums = [0.0] * len(names)
    for case, got in best.items():
        line = f"{case:14}"
        for k in range(len(names)):
            sums[k] += got[k]
            line += f" | {names[k]} {got[k] * 1e3:6.2f} ms ({got[k] / got[0]:.3f})"
        print(line)
    print("sum: " + " | ".join(f"{names[k]} {sums[k] * 1e3:.1f} ms ({sums[k] / sums[0]:.3f})"
                               for k in range(len(names))))
    print(f"# load average {os.getloadavg()[0]:.2f} at end")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
