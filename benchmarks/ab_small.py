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

``--trees A B ...`` compares versions of the code instead (source trees holding a
``distances/`` package, e.g. ``git archive REV | tar -x -C A``): each tree's package is
copied under a name of its own into a temporary directory (its numba cache empty, compiled
on the untimed pass), the first tree solves each case once with the compiled rounds
(``_rounds.rounds``) recorded, and every tree replays those calls on fresh copies of the
recorded arrays, interleaved, the order rotated at each pass; the time is the CPU time of
the replayed calls alone (the pivots and the pricing of the kept matrix: the code the
kernels' changes touch, without the run-to-run spread of the rest of a solve), the best
of the passes. The replays must end in the same pivots and values (else it stops). With
``--full-arcs`` each tree's simplex solves each case on all n m arcs from LEMON's star by
LEMON's block search instead, as the ``wasserstein`` package does (timed beside it): the
cost of a pivot against a peer taking about as many.

``--phases`` times where one default solve goes instead (the k-d cells, the nearest
neighbours, the coarse level, the first basis, the rounds with the compiled part in them,
the certificate), wall-clock, mean over the cases and passes.

Usage::

    python benchmarks/ab_small.py --dims 2 --ratio 2 --variant "coarse_dense_pairs=0"
    python benchmarks/ab_small.py --dims 8 32 --ratio 3 --weights random --variant "k_neighbors=5"
    python benchmarks/ab_small.py --dims 2 --ratio 2 --repeat 9 --trees /tmp/old /tmp/new
    python benchmarks/ab_small.py --dims 2 --ratio 2 --trees /tmp/old /tmp/new --full-arcs
    python benchmarks/ab_small.py --dims 2 --ratio 2 --repeat 7 --phases
"""

from __future__ import annotations

import argparse
import importlib
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_peers import Case, ab_checked, ab_parser  # noqa: E402
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


def _copy(x: Any) -> Any:
    """Fresh copies of the arrays in a call's arguments (namedtuples kept)."""
    if isinstance(x, np.ndarray):
        return x.copy()
    if isinstance(x, tuple):
        items = [_copy(v) for v in x]
        return type(x)(*items) if hasattr(x, "_fields") else tuple(items)
    return x


def _trees(args: argparse.Namespace, m: int) -> int:
    """``--trees``: the compiled rounds of each tree replayed on the first tree's calls."""
    work = Path(tempfile.mkdtemp(prefix="ab_trees_"))
    sys.path.insert(0, str(work))
    rounds, names = [], []
    for k, tree in enumerate(args.trees):
        shutil.copytree(Path(tree) / "distances", work / f"ab_tree{k}",
                        ignore=shutil.ignore_patterns("__pycache__"))
        names.append(f"{k}:{Path(tree).name}")
        rounds.append(importlib.import_module(f"ab_tree{k}.transport._rounds"))
    first = importlib.import_module("ab_tree0")
    if args.full_arcs:
        return _full_arcs(args, m, names)
    print(f"# command: python benchmarks/ab_small.py {' '.join(sys.argv[1:])}")
    print(f"# {args.n} x {m}{' weighted' if args.weights == 'random' else ''}; CPU seconds of "
          f"the compiled rounds, best of {args.repeat}; load average "
          f"{os.getloadavg()[0]:.2f} at start", flush=True)
    sums = dict.fromkeys(names, 0.0)
    for d in args.dims:
        for shape in args.shapes:
            x, y, a, b = Case(shape, d, args.n, m, args.weights == "random").data(args.seed)
            calls: list[tuple] = []
            real = rounds[0].rounds

            def record(*call: Any, real: Any = real, calls: list = calls) -> Any:
                calls.append(_copy(call))
                return real(*call)

            rounds[0].rounds = record
            try:
                first.earth_mover(first.Discrete(x, a), first.Discrete(y, b), method="sparse")
            finally:
                rounds[0].rounds = real
            times: dict[str, list[float]] = {k: [] for k in names}
            ends: dict[str, list[tuple[int, float]]] = {}
            for r in range(args.repeat + 1):  # pass 0 untimed (compiles)
                for k in list(range(r % len(names), len(names))) + list(range(r % len(names))):
                    fresh = [_copy(call) for call in calls]
                    t = time.process_time()
                    for call in fresh:
                        rounds[k].rounds(*call)
                    dt = time.process_time() - t
                    if r:
                        times[names[k]].append(dt)
                    ends[names[k]] = [(int(c[5]["pivots"][0]), float(c[5]["value"][0]))
                                      for c in fresh]
            line = f"{shape:10} d={d:<3} pivots {sum(p for p, _ in ends[names[0]]):6d}"
            for name in names:
                if ends[name] != ends[names[0]]:
                    raise SystemExit(f"{name}: other pivots or values on {shape} d={d}: "
                                     f"{ends[name]} against {ends[names[0]]}")
                best = min(times[name])
                sums[name] += best
                line += f" | {name} {best * 1e3:7.2f} ms ({best / min(times[names[0]]):.3f})"
            print(line, flush=True)
    print("sum: " + " | ".join(f"{name} {sums[name] * 1e3:.1f} ms "
                               f"({sums[name] / sums[names[0]]:.3f})" for name in names))
    print(f"# load average {os.getloadavg()[0]:.2f} at end")
    shutil.rmtree(work, ignore_errors=True)
    return 0


def _full_arcs(args: argparse.Namespace, m: int, names: list[str]) -> int:
    """``--trees ... --full-arcs``: each tree's simplex on all pairs from LEMON's star."""
    import wasserstein

    emd = wasserstein.EMD(n_iter_max=10**9, norm=True)
    simplex = [importlib.import_module(f"ab_tree{k}.transport._simplex")
               for k in range(len(names))]
    print(f"# command: python benchmarks/ab_small.py {' '.join(sys.argv[1:])}")
    print(f"# {args.n} x {m}{' weighted' if args.weights == 'random' else ''}, all pairs, "
          f"LEMON's star and block search; CPU seconds, best of {args.repeat}; load average "
          f"{os.getloadavg()[0]:.2f} at start", flush=True)
    for d in args.dims:
        for shape in args.shapes:
            x, y, a, b = Case(shape, d, args.n, m, args.weights == "random").data(args.seed)
            a = np.full(args.n, 1 / args.n) if a is None else a
            b = np.full(m, 1 / m) if b is None else b
            cost = np.sqrt(((x[:, None, :] - y[None, :, :]) ** 2).sum(-1))
            rows, cols = np.divmod(np.arange(args.n * m), m)
            best = dict.fromkeys([*names, "peer"], np.inf)
            done = {}
            for r in range(args.repeat + 1):  # pass 0 untimed (compiles)
                for k, name in enumerate(names):
                    sx = simplex[k].TransportSimplex.star(a, b, 8.0 * (1.0 + cost.max()),
                                                          capacity=args.n * m + args.n + m)
                    sx.add(rows, cols, cost.ravel())
                    t = time.process_time()
                    sx.solve(10**9, 1e-12)
                    if r:
                        best[name] = min(best[name], time.process_time() - t)
                    done[name] = sx.pivots
                t = time.process_time()
                emd(a, x, b, y)
                if r:
                    best["peer"] = min(best["peer"], time.process_time() - t)
            line = (f"{shape:10} d={d:<3} peer {best['peer'] * 1e3:6.2f} ms, "
                    f"{emd.n_iter()} iterations ({best['peer'] / emd.n_iter() * 1e6:.2f} us)")
            for name in names:
                line += (f" | {name} {best[name] * 1e3:6.2f} ms, {done[name]} pivots "
                         f"({best[name] / done[name] * 1e6:.2f} us)")
            print(line, flush=True)
    print(f"# load average {os.getloadavg()[0]:.2f} at end")
    return 0


#: The phases ``--phases`` times (module, function, label): the solver's own calls,
#: wrapped in place for the run (the compiled rounds inside ``run_rounds``).
PHASES = (
    ("_sparse", "cells", "k-d cells"),
    ("_sparse", "nearest_pairs", "nearest neighbours"),
    ("_sparse", "_coarse_seed", "coarse level"),
    ("_simplex", "all_pairs_plan", "  its plan on all pairs"),
    ("_sparse", "Solver", "first basis"),
    ("_sparse", "run_rounds", "rounds"),
    ("_rounds", "rounds", "  compiled (pivots, pricing)"),
    ("_sparse", "_certified", "certificate"),
)


def _phases(args: argparse.Namespace, m: int) -> int:
    """``--phases``: where one default solve's time goes, averaged over the cases and the
    ``--repeat`` passes (wall-clock, after two untimed passes; the phases nest as
    indented)."""
    import collections

    from distances import earth_mover
    from distances.transport import _rounds, _simplex, _sparse

    modules = {"_sparse": _sparse, "_rounds": _rounds, "_simplex": _simplex}
    spent: collections.Counter = collections.Counter()

    def timed(f: Any, label: str) -> Any:
        def call(*a: Any, **k: Any) -> Any:
            t = time.perf_counter()
            try:
                return f(*a, **k)
            finally:
                spent[label] += time.perf_counter() - t
        return call

    for mod, name, label in PHASES:
        setattr(modules[mod], name, timed(getattr(modules[mod], name), label))
    cases = [Case(shape, d, args.n, m, args.weights == "random").data(args.seed)
             for d in args.dims for shape in args.shapes]

    def solve_all() -> None:
        for x, y, a, b in cases:
            t = time.perf_counter()
            P, Q = Discrete(x, a), Discrete(y, b)
            spent["Discrete (both)"] += time.perf_counter() - t
            t = time.perf_counter()
            earth_mover(P, Q, method="sparse")
            spent["earth_mover"] += time.perf_counter() - t

    print(f"# command: python benchmarks/ab_small.py {' '.join(sys.argv[1:])}")
    print(f"# {args.n} x {m}{' weighted' if args.weights == 'random' else ''}, "
          f"{len(cases)} cases; ms a solve (wall-clock), mean of {args.repeat} passes; "
          f"load average {os.getloadavg()[0]:.2f} at start", flush=True)
    solve_all()
    solve_all()
    spent.clear()
    for _ in range(args.repeat):
        solve_all()
    k = args.repeat * len(cases)
    for label in ("Discrete (both)", "earth_mover", *(p[2] for p in PHASES)):
        print(f"{label:30} {spent[label] / k * 1e3:7.3f}")
    print(f"# load average {os.getloadavg()[0]:.2f} at end")
    return 0


def main(argv: list[str] | None = None) -> int:
    import wasserstein

    p = ab_parser(__doc__.splitlines()[0], ratio=2.0)
    p.add_argument("--repeat", type=int, default=5, help="timed passes (the best counts)")
    p.add_argument("--variant", action="append", default=[], help='e.g. "per_row=8"')
    p.add_argument("--phases", action="store_true",
                   help="where a default solve's time goes, phase by phase (see above)")
    p.add_argument("--trees", nargs="+", default=[],
                   help="source trees to compare (replayed compiled rounds; see above)")
    p.add_argument("--full-arcs", action="store_true",
                   help="with --trees: solve on all pairs from LEMON's star (see above)")
    args = ab_checked(p, argv)
    if args.full_arcs and not args.trees:
        p.error("--full-arcs compares --trees")
    if args.phases:
        return _phases(args, max(1, round(args.n / args.ratio)))
    if args.trees:
        return _trees(args, max(1, round(args.n / args.ratio)))
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
