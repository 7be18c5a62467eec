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

``--interleaved`` times each solve as ``bench_peers.py`` does, among the other contenders:
every pass runs POT (``ot.emd2`` on ``ot.dist``), the ``wasserstein`` package, the tree's
dense solver and its sparse one on the same problem, in an order rotated each pass, and
reports our best time with the best peer's over it (the table's "ours/best"). A solve
right after the others takes longer than one repeated alone (the interpreter's and the
kernels' code and branch history evicted: ``docs/sparse_w1.rst``, "Fourteenth look"), and
changes to the Python around the kernels show there first.

Usage::

    python benchmarks/ab_whole.py --trees /tmp/old /tmp/new --ratio 4 --dims 2 3
    python benchmarks/ab_whole.py --trees /tmp/old /tmp/new --ratio 3 --weights random
    python benchmarks/ab_whole.py --trees /tmp/old /tmp/new --ratio 10 --dims 2 8 --interleaved
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_peers import Case, ab_checked, ab_parser, one_blas_thread, solvers  # noqa: E402

__all__ = ["main"]


def _one_tree(args: argparse.Namespace) -> int:
    """(Child process) every case with the package ``ab_whole_tree`` in ``--one-tree``:
    JSON {case: [best seconds, value]}, with ``--interleaved`` the best peers' seconds
    after them (:func:`_times`)."""

    sys.path.insert(0, args.one_tree)
    pkg = importlib.import_module("ab_whole_tree")
    m = max(1, round(args.n / args.ratio))
    out = {}
    blas = contextlib.nullcontext()
    if args.interleaved:  # (as bench_peers --clock cpu: OpenBLAS's threads would spin)
        blas = one_blas_thread()[0]
    with blas:
        for d in args.dims:
            for shape in args.shapes:
                x, y, a, b = Case(shape, d, args.n, m, args.weights == "random").data(
                    args.seed)
                out[f"{shape} d={d}"] = _times(pkg, x, y, a, b, args)
    print(json.dumps(out))
    return 0


def _times(pkg: Any, x: Any, y: Any, a: Any, b: Any, args: argparse.Namespace) -> list[float]:
    """[best CPU seconds of the sparse solve, its value], then with ``--interleaved`` the
    best of POT and of the ``wasserstein`` package (timed among the others, in an order
    rotated each pass as ``bench_peers.py`` rotates it)."""
    import numpy as np

    def sparse() -> float:
        return float(pkg.earth_mover(pkg.Discrete(x, a), pkg.Discrete(y, b),
                                     method="sparse"))

    solves = {"sparse": sparse}
    if args.interleaved:  # the peers as bench_peers.py calls them; ours from the tree
        peer = solvers()
        solves = {
            "pot": lambda: peer["pot"](x, y, a, b),
            "wasserstein": lambda: peer["wasserstein"](x, y, a, b),
            "dense": lambda: float(pkg.earth_mover(pkg.Discrete(x, a), pkg.Discrete(y, b),
                                                   method="network_simplex")),
            "sparse": sparse,
        }
    names = list(solves)
    best = dict.fromkeys(names, np.inf)
    value = 0.0
    for r in range(args.repeat + 1):  # pass 0 untimed (warms)
        for name in names[r % len(names):] + names[: r % len(names)]:
            t = time.process_time()
            got = solves[name]()
            if r:
                best[name] = min(best[name], time.process_time() - t)
            if name == "sparse":
                value = got
    if not args.interleaved:
        return [best["sparse"], value]
    return [best["sparse"], value, best["pot"], best["wasserstein"]]


def main(argv: list[str] | None = None) -> int:
    p = ab_parser(__doc__.splitlines()[0], ratio=4.0)
    p.add_argument("--trees", nargs="+", default=[], help="source trees to compare")
    p.add_argument("--repeat", type=int, default=5, help="timed solves a process")
    p.add_argument("--processes", type=int, default=3, help="processes a tree")
    p.add_argument("--interleaved", action="store_true",
                   help="each pass also runs POT, wasserstein and the dense solver (rotated)")
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
             "--repeat", str(args.repeat), "--seed", str(args.seed),
             *(["--interleaved"] if args.interleaved else [])]
    best: dict[str, dict[int, float]] = {}
    peers: dict[str, dict[int, float]] = {}  # --interleaved: the best peer's time
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
            for case, (seconds, value, *peer) in json.loads(run.stdout).items():
                got = best.setdefault(case, {})
                got[k] = min(got.get(k, float("inf")), seconds)
                if peer:
                    them = peers.setdefault(case, {})
                    them[k] = min(them.get(k, float("inf")), *peer)
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
    if peers:
        print("interleaved, the best peer's time over ours (as bench_peers' ours/best):")
        for k in range(len(names)):
            ratios = sorted((peers[case][k] / best[case][k], case) for case in best)
            total = sum(peers[case][k] for case in best) / sums[k]
            print(f"  {names[k]}: in sum {total:.3f}; lowest "
                  + ", ".join(f"{case} {r:.2f}" for r, case in ratios[:4]))
    print(f"# load average {os.getloadavg()[0]:.2f} at end")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
