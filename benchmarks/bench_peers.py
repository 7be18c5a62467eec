"""Exact W1 against its peers, interleaved in one process (not a test; not run in CI).

Contenders:

* ``pot``: ``ot.emd2(a, b, ot.dist(x, y, metric="euclidean"), numItermax=10**9)``;
* ``wasserstein``: the C++ network simplex behind EnergyFlow,
  ``wasserstein.EMD(n_iter_max=10**9, norm=True)(a, x, b, y)`` (distances computed inside);
* ``dense``: ``earth_mover(P, Q, method="network_simplex")`` (certified);
* ``sparse``: ``earth_mover(P, Q, method="sparse")`` (certified, never builds the matrix).

``ours`` in the tables is what ``method="auto"`` picks for that size and dimension. Shapes
(``clouds()``): ``alike`` (two samples of N(0, I)), ``stretched`` (the second stretched by 2
and 1/2 along the first two axes and shifted by (1, 0.5)), ``clustered`` (8 Gaussians on a
circle in the first two axes, noise 0.02, against N(0, I/4)), ``ring`` (a noisy unit ring
in the first two axes against N(0, I/4)); the four the solver was tuned on. Four more it
was not tuned on: ``moons`` (two moons, noise 0.1, in the first two axes, 0.1 noise in the
others, against N(0, I/4)), ``heavy`` (Student t with 2 degrees of freedom in every axis
against N(0, I): a few far outliers), ``curve`` (a closed curve in d dimensions, a
trigonometric moment curve, sampled uniformly against a density piled up at one point,
noise 0.01: mass moves along a 1-D manifold) and ``lattice`` (both clouds rounded to the
integer lattice, N(0, 9 I) against N(1, 9 I): repeated atoms, which the
:class:`~distances.Discrete` measures merge, and ties between distances).

Sizes: ``n`` is the size of P, the larger cloud; Q has ``n / --ratio`` points (rounded;
``--ratio 1``: equal sizes). ``--weights random`` gives both clouds weights drawn from the
flat Dirichlet law (normalised exponentials) instead of uniform ones; ``--smaller-first``
makes the smaller cloud P. Every row runs its contenders in a rotated order (A B C D,
B C D A, ...) so that a change of load hits all alike; the time is the median of
``--repeat`` runs (``--stat best``: the fastest), wall-clock (``--clock cpu``: the
process's CPU time, which a loaded machine distorts less for one-thread solvers; the
full scans of large sparse problems use all cores and count every core's time; BLAS
runs on one thread, so that OpenBLAS's threads spinning after one contender's matrix
product are not charged to the next: ``threadpoolctl``, in the ``bench`` extra).

Peak memory is the largest resident set size above the one before the call (Linux: the
kernel's high-water mark VmHWM, reset before each call; it sees C++ allocations, which
tracemalloc does not). Every contender solves small problems before the timings (the
sparse one, one of each of its code paths), so imports and numba's compiled kernels
(loaded from its cache, or compiled on the very first run) are not timed.

Usage::

    python benchmarks/bench_peers.py --quick                 # 2-D/8-D/32-D, n = 500 ... 2000
    python benchmarks/bench_peers.py --dims 2 --sizes 4000 8000 --shapes alike clustered
    python benchmarks/bench_peers.py --ours-only --dims 2 --sizes 100000   # ours alone
    python benchmarks/bench_peers.py --sizes 500 1000 --ratio 3 --weights random --stat best
    OMP_NUM_THREADS=1 python benchmarks/bench_peers.py --single alike 100000 2   # one process
    python benchmarks/bench_peers.py --single alike 100000 2 --lazy    # POT's ot.lp.emd2_lazy

``--single`` prints the memory estimate and the solver's progress (levels, rounds, scans) on
stderr and one CSV line on stdout.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import os
import platform
import statistics
import sys
import threading
import time
import warnings
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from distances import Discrete, earth_mover  # noqa: E402
from distances.wasserstein import auto_method  # noqa: E402

__all__ = ["Row", "ab_checked", "ab_parser", "clouds", "main", "one_blas_thread", "solvers"]

TUNED_SHAPES = ("alike", "stretched", "clustered", "ring")
SHAPES = (*TUNED_SHAPES, "moons", "heavy", "curve", "lattice")
CONTENDERS = ("pot", "wasserstein", "dense", "sparse")
RESULTS = ROOT / "benchmarks" / "results"


def clouds(
    shape: str, n: int, d: int, seed: int, m: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Two clouds of n and m (default n) points in dimension d (seeded); see the module
    docstring. The first n points of a larger draw are the draw of size n."""
    if m is not None and m != n:
        x, y = clouds(shape, max(n, m), d, seed)
        return x[:n], y[:m]
    rng = np.random.default_rng(seed)
    x, y = rng.standard_normal((n, d)), rng.standard_normal((n, d))
    if shape == "alike":
        return x, y
    if shape == "stretched":
        y[:, 0] = 2.0 * y[:, 0] + 1.0
        y[:, 1] = 0.5 * y[:, 1] + 0.5
        return x, y
    if shape == "clustered":
        angles = rng.integers(0, 8, n) * np.pi / 4
        c = np.zeros((n, d))
        c[:, 0], c[:, 1] = 2 * np.cos(angles), 2 * np.sin(angles)
        return (c + 0.02 * x) / 1.414, 0.5 * y
    if shape == "ring":
        t = rng.uniform(0, 2 * np.pi, n)
        r = np.zeros((n, d))
        r[:, 0], r[:, 1] = np.cos(t), np.sin(t)
        return r + 0.05 * x, 0.5 * y
    if shape == "moons":
        t = rng.uniform(0, np.pi, n)
        upper = rng.integers(0, 2, n).astype(bool)
        c = np.zeros((n, d))
        c[:, 0] = np.where(upper, np.cos(t), 1 - np.cos(t)) - 0.5
        c[:, 1] = np.where(upper, np.sin(t), 0.5 - np.sin(t)) - 0.25
        return c + 0.1 * x, 0.5 * y
    if shape == "heavy":
        return rng.standard_t(2, (n, d)), y
    if shape == "curve":
        k = np.arange(1, d // 2 + 2)  # (cos t, sin t, cos 2t, sin 2t, ...): d coordinates

        def curve(t: np.ndarray) -> np.ndarray:
            c = np.stack([np.cos(np.outer(t, k)), np.sin(np.outer(t, k))], 2)
            return c.reshape(t.size, -1)[:, :d] / np.sqrt(d / 2)

        tx = rng.uniform(0, 2 * np.pi, n)
        ty = 2 * np.pi * rng.uniform(0, 1, n) ** 3
        return curve(tx) + 0.01 * x, curve(ty) + 0.01 * y
    if shape == "lattice":
        return np.round(3 * x), np.round(3 * y + 1)
    raise ValueError(f"shape must be one of {SHAPES}; got {shape!r}")


class _PeakRSS:
    """Peak resident set size during the block, above the one at its start.

    Linux: writing "5" to /proc/self/clear_refs resets the high-water mark VmHWM, read from
    /proc/self/status afterwards; it sees C++ allocations, which tracemalloc does not.
    Elsewhere a thread samples the RSS every 2 ms (short peaks can be missed).
    """

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._hwm = os.path.exists("/proc/self/clear_refs")

    @staticmethod
    def _status(key: str) -> int:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(key):
                    return int(line.split()[1]) * 1024
        raise RuntimeError(f"{key} not in /proc/self/status")

    def __enter__(self) -> _PeakRSS:
        self._base = self._status("VmRSS:")
        if self._hwm:
            try:
                with open("/proc/self/clear_refs", "w") as f:
                    f.write("5")
            except OSError:
                self._hwm = False
        if not self._hwm:
            self._thread = threading.Thread(target=self._run, daemon=True)
            self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(0.002):
            self.peak = max(self.peak, self._status("VmRSS:") - self._base)

    def __exit__(self, *exc: object) -> None:
        if self._hwm:
            self.peak = max(0, self._status("VmHWM:") - self._base)
            return
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._status("VmRSS:") - self._base)


Solve = Callable[[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray | None], float]


def solvers() -> dict[str, Solve]:
    """Each contender as f(x, y, a, b), weights None for uniform."""
    import ot
    import wasserstein

    emd = wasserstein.EMD(n_iter_max=10**9, norm=True)

    def uniform(w: np.ndarray | None, n: int) -> np.ndarray:
        return np.full(n, 1.0 / n) if w is None else w

    def pot(x: np.ndarray, y: np.ndarray, a: np.ndarray | None, b: np.ndarray | None) -> float:
        a, b = uniform(a, x.shape[0]), uniform(b, y.shape[0])
        return float(ot.emd2(a, b, ot.dist(x, y, metric="euclidean"), numItermax=10**9))

    def peer(x: np.ndarray, y: np.ndarray, a: np.ndarray | None, b: np.ndarray | None) -> float:
        a, b = uniform(a, x.shape[0]), uniform(b, y.shape[0])
        return float(emd(a, x, b, y))

    def dense(x: np.ndarray, y: np.ndarray, a: np.ndarray | None, b: np.ndarray | None) -> float:
        return earth_mover(Discrete(x, a), Discrete(y, b), method="network_simplex")

    def sparse(x: np.ndarray, y: np.ndarray, a: np.ndarray | None, b: np.ndarray | None) -> float:
        return earth_mover(Discrete(x, a), Discrete(y, b), method="sparse")

    return {"pot": pot, "wasserstein": peer, "dense": dense, "sparse": sparse}


@dataclass(frozen=True)
class Case:
    """One problem: P has n points, Q m; ``weighted``: Dirichlet weights, else uniform."""

    shape: str
    d: int
    n: int
    m: int
    weighted: bool = False

    def data(self, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray | None,
                                       np.ndarray | None]:
        x, y = clouds(self.shape, self.n, self.d, seed, self.m)
        if not self.weighted:
            return x, y, None, None
        rng = np.random.default_rng(seed + 1)
        a, b = rng.exponential(size=self.n), rng.exponential(size=self.m)
        return x, y, a / a.sum(), b / b.sum()

    @property
    def label(self) -> str:
        return f"{self.shape} d={self.d} n={self.n} m={self.m}" + (" w" if self.weighted else "")


@dataclass
class Row:
    """One contender on one problem."""

    shape: str
    d: int
    n: int
    contender: str
    seconds: float
    peak_mb: float
    value: float
    m: int = 0  # 0: equal to n (results files from before unequal sizes)
    weighted: bool = False

    @property
    def case(self) -> Case:
        return Case(self.shape, self.d, self.n, self.m or self.n, self.weighted)


def _run_problem(
    case: Case, names: list[str], repeat: int, seed: int, stat: str, clock: Callable[[], float]
) -> list[Row]:
    x, y, a, b = case.data(seed)
    solve = solvers()
    times: dict[str, list[float]] = {k: [] for k in names}
    peaks: dict[str, float] = dict.fromkeys(names, 0.0)
    values: dict[str, float] = {}
    for r in range(repeat):
        order = names[r % len(names) :] + names[: r % len(names)]
        for name in order:
            with _PeakRSS() as mem:
                t0 = clock()
                values[name] = solve[name](x, y, a, b)
                times[name].append(clock() - t0)
            peaks[name] = max(peaks[name], mem.peak / 2**20)
    pick = min if stat == "best" else statistics.median
    return [
        Row(case.shape, case.d, case.n, k, pick(times[k]), peaks[k], values[k], case.m,
            case.weighted)
        for k in names
    ]


def _auto(case: Case, seed: int) -> str:
    """"dense" or "sparse": what ``earth_mover(P, Q)`` (method="auto") runs."""
    x, y, a, b = case.data(seed)
    return "sparse" if auto_method(Discrete(x, a), Discrete(y, b)) == "sparse" else "dense"


def _summary(rows: list[Row], seed: int) -> list[str]:
    lines = [
        f"{'shape':10} {'d':>3} {'n':>6} {'m':>6} {'w':>1} {'pot s':>8} {'wass s':>8} "
        f"{'dense s':>8} {'sparse s':>8} {'auto':>6} {'ours/best':>9} {'best ours/best':>14} "
        f"{'rel diff':>8} {'MB pot/wass/dense/sparse':>26}"
    ]
    cases = sorted({r.case for r in rows},
                   key=lambda c: (c.d, c.shape, c.n, c.m, c.weighted))
    for case in cases:
        got = {r.contender: r for r in rows if r.case == case}

        def t(name: str, got: dict[str, Row] = got) -> float:
            return got[name].seconds if name in got else float("nan")

        peers = [t(k) for k in ("pot", "wasserstein") if k in got]
        best_peer = min(peers) if peers else float("nan")
        auto = _auto(case, seed)
        ours = t(auto)
        best_ours = min(t(k) for k in ("dense", "sparse") if k in got)
        ref = got.get("pot") or got.get("dense") or got.get("sparse")
        assert ref is not None
        diff = max(abs(r.value - ref.value) / abs(ref.value) for r in got.values())
        mem = "/".join(f"{got[k].peak_mb:.0f}" if k in got else "-" for k in CONTENDERS)
        lines.append(
            f"{case.shape:10} {case.d:>3} {case.n:>6} {case.m:>6} "
            f"{'w' if case.weighted else '-':>1} "
            f"{t('pot'):>8.4f} {t('wasserstein'):>8.4f} "
            f"{t('dense'):>8.4f} {t('sparse'):>8.4f} {auto:>6} {best_peer / ours:>8.2f}x "
            f"{best_peer / best_ours:>13.2f}x {diff:>8.1e} {mem:>26}"
        )
    lines.append(
        "n, m = the sizes of P and Q; w = weighted (Dirichlet weights); ours/best = best "
        "peer's time / the time of the method auto picks (> 1: ours faster); best ours = the "
        "faster of dense and sparse; rel diff = largest |value - ref| / ref over the "
        "contenders (ref: POT, else dense); MB = peak RSS above the start of the call"
    )
    return lines


def single(case: Case, seed: int = 0) -> str:
    """One sparse solve in this process: a CSV line with wall and CPU seconds, peak RSS
    (getrusage) and the RSS after the imports (POT is imported and the compiled kernels
    are loaded before the timing)."""
    import resource

    import ot  # noqa: F401  (its import, torch included, is not part of the solve)

    from distances.sparse_w1 import solve_sparse

    for warm_n, warm_d in ((300, 2), (300, 8), (2100, 2)):  # every kernel loaded first
        solve_sparse(*clouds(case.shape, warm_n, warm_d, seed))
    _single_progress(case)
    x, y, a, b = case.data(seed)
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t, cpu = time.perf_counter(), time.process_time()
    r = solve_sparse(x, y, a, b)
    wall, cpu = time.perf_counter() - t, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    ok = r.solution.certificate.ok
    size = f"{case.n}" if case.m == case.n and not case.weighted else (
        f"{case.n}x{case.m}{'w' if case.weighted else ''}")
    return (f"{case.shape},{case.d},{size},{wall:.1f},{cpu:.1f},{peak:.0f},{base:.0f},"
            f"{r.solution.value!r},{ok},{r.rounds},{r.full_scans},{r.edges},{r.pairs_priced}")


def single_lazy(case: Case, seed: int = 0) -> str:
    """``--single ... --lazy``: POT's ``ot.lp.emd2_lazy`` (exact network simplex with
    costs computed on the fly, O(n) memory) on the problem of :func:`single`, the same
    CSV columns (rounds, scans, edges, pairs priced empty; certified: n/a)."""
    import resource

    import ot

    def lazy(x: np.ndarray, y: np.ndarray, a: np.ndarray | None,
             b: np.ndarray | None) -> float:
        return float(ot.lp.emd2_lazy(x, y, a, b, metric="euclidean", numItermax=10**12,
                                     return_matrix=False))

    lazy(*clouds(case.shape, 300, case.d, seed), None, None)  # imports, first call
    x, y, a, b = case.data(seed)
    print(f"# {case.label}: ot.lp.emd2_lazy (POT {ot.__version__}); load average "
          f"{' '.join(f'{v:.1f}' for v in os.getloadavg())}", file=sys.stderr, flush=True)
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t, cpu = time.perf_counter(), time.process_time()
    value = lazy(x, y, a, b)
    wall, cpu = time.perf_counter() - t, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    size = f"{case.n}" if case.m == case.n and not case.weighted else (
        f"{case.n}x{case.m}{'w' if case.weighted else ''}")
    return (f"{case.shape},{case.d},{size},{wall:.1f},{cpu:.1f},{peak:.0f},{base:.0f},"
            f"{value!r},n/a,,,,")


def _single_progress(case: Case) -> None:
    """--single: the memory estimate up front, then the solver's progress (levels, rounds,
    scans: the ``distances.sparse`` logger), on stderr."""
    import logging

    from distances.transport._resources import SPARSE_BYTES_PER_POINT

    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    need = SPARSE_BYTES_PER_POINT * (case.n + case.m)
    print(f"# {case.label}: estimated peak {need / 2**30:.1f} GiB above the imports "
          f"({SPARSE_BYTES_PER_POINT} bytes a point); load average "
          f"{' '.join(f'{v:.1f}' for v in os.getloadavg())}", file=sys.stderr, flush=True)


_SHAPE_SETS = {"tuned": TUNED_SHAPES, "untuned": SHAPES[len(TUNED_SHAPES):], "all": SHAPES}


def ab_parser(description: str, ratio: float) -> argparse.ArgumentParser:
    """The arguments the A/B scripts (``ab_small.py``, ``ab_whole.py``) share: one problem
    size ``--n`` x ``--n / --ratio`` (default ``ratio``), its weights, dimensions, shapes
    and seed. Each script adds its own ``--trees`` (the source trees to compare, with its
    own help) before parsing with :func:`ab_checked`, which checks them."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--n", type=int, default=500, help="the larger cloud's size")
    p.add_argument("--ratio", type=float, default=ratio, help="n / m (>= 1)")
    p.add_argument("--weights", choices=("uniform", "random"), default="uniform")
    p.add_argument("--dims", nargs="+", type=int, default=[2])
    p.add_argument("--shapes", nargs="+", default=list(SHAPES), choices=SHAPES)
    p.add_argument("--seed", type=int, default=0)
    return p


def ab_checked(p: argparse.ArgumentParser, argv: list[str] | None) -> argparse.Namespace:
    """Parse :func:`ab_parser`'s arguments (and the script's own): ``--ratio`` at least
    1, and every tree of ``--trees`` holding a ``distances/`` package."""
    args = p.parse_args(argv)
    if args.ratio < 1:
        p.error(f"--ratio must be >= 1; got {args.ratio}")
    missing = [tree for tree in args.trees if not (Path(tree) / "distances").is_dir()]
    if missing:
        p.error(f"--trees: no distances/ package in {', '.join(missing)}")
    return args


def one_blas_thread() -> tuple[Any, str]:
    """For ``--clock cpu``: BLAS limited to one thread (threadpoolctl, the ``bench``
    extra), and the note for the results' header. A process's CPU time counts every
    thread's, and OpenBLAS's threads spin for a while after a call: after POT's
    ``ot.dist`` (a matrix product on all cores from 2^18 multiply-adds: 8-D and 32-D at
    500 points, every dimension at 1000) they were charged to whichever contender ran
    next. 500 x 125 in 8-D:
    every contender's CPU time there doubled, the peer's 3.8-4.4 ms read 7.6-12 ms."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        warnings.warn("threadpoolctl is not installed (pip install -e '.[bench]'): BLAS "
                      "threads left spinning by one contender count in the next one's CPU "
                      "time", RuntimeWarning, stacklevel=2)
        return contextlib.nullcontext(), "; BLAS threads not limited"
    return threadpool_limits(limits=1, user_api="blas"), "; BLAS on one thread"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="d = 2, 8, 32; n = 500, 1000, 2000")
    p.add_argument("--shapes", nargs="+", default=["tuned"], choices=[*SHAPES, *_SHAPE_SETS],
                   help="shapes, or 'tuned' (the first four, default), 'untuned', 'all'")
    p.add_argument("--dims", nargs="+", type=int, default=[2, 8, 32])
    p.add_argument("--sizes", nargs="+", type=int, default=[500, 1000, 2000, 4000, 8000],
                   help="n, the size of the larger cloud")
    p.add_argument("--ratio", type=float, default=1.0,
                   help="n / m: the larger cloud's size over the smaller's (>= 1)")
    p.add_argument("--smaller-first", action="store_true", help="P is the smaller cloud")
    p.add_argument("--weights", choices=("uniform", "random"), default="uniform",
                   help="random: Dirichlet weights on both clouds")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--stat", choices=("median", "best"), default="median",
                   help="the time of a contender: median or fastest of --repeat runs")
    p.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                   help="wall-clock or the process's CPU time (all threads)")
    p.add_argument("--ours-only", action="store_true", help="only the sparse solver (big n)")
    p.add_argument("--contenders", nargs="+", default=list(CONTENDERS), choices=CONTENDERS)
    p.add_argument("--out", default="bench_peers", help="results file stem")
    p.add_argument("--resummarize", metavar="CSV", help="only redo the table of a results CSV")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--single", nargs=3, metavar=("SHAPE", "N", "D"),
                   help="one sparse solve, CSV line: shape,d,n,wall_s,cpu_s,peak_mb,...")
    p.add_argument("--lazy", action="store_true",
                   help="with --single: POT's ot.lp.emd2_lazy instead of ours")
    args = p.parse_args(argv)
    if args.ratio < 1:
        p.error(f"--ratio must be >= 1 (n is the larger cloud); got {args.ratio}")
    shapes = list(dict.fromkeys(
        s for name in args.shapes for s in _SHAPE_SETS.get(name, (name,))))
    weighted = args.weights == "random"

    def case(shape: str, d: int, n: int) -> Case:
        m = max(1, round(n / args.ratio))
        return Case(shape, d, m, n, weighted) if args.smaller_first else Case(
            shape, d, n, m, weighted)

    if args.single:
        shape, n, d = args.single[0], int(args.single[1]), int(args.single[2])
        run = single_lazy if args.lazy else single
        print(run(case(shape, d, n), args.seed))
        return 0
    if args.quick:
        args.sizes = [500, 1000, 2000]
    if args.resummarize:  # e.g. after a change of the auto rule: same timings, new column
        with open(args.resummarize) as f:
            old = [Row(r["shape"], int(r["d"]), int(r["n"]), r["contender"], float(r["seconds"]),
                       float(r["peak_mb"]), float(r["value"]), int(r.get("m") or 0),
                       r.get("weighted") == "True") for r in csv.DictReader(f)]
        print("\n".join(_summary(old, args.seed)))
        return 0
    names = ["sparse"] if args.ours_only else list(args.contenders)
    warm = solvers()  # imports, and numba's compiled kernels loaded before any timing
    for name in names:
        warm[name](*Case("alike", 2, 300, 300).data(args.seed))
    if "sparse" in names:  # the other kernels: the star start (above 3-D), the scans of
        # problems too large to keep the matrix (above 2^22 pairs in 2-D)
        warm["sparse"](*Case("alike", 8, 300, 300).data(args.seed))
        warm["sparse"](*Case("alike", 2, 2100, 2100).data(args.seed))
    clock = time.process_time if args.clock == "cpu" else time.perf_counter
    blas, blas_note = contextlib.nullcontext(), ""
    if args.clock == "cpu":
        blas, blas_note = one_blas_thread()
    started = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    load0 = os.getloadavg()
    rows: list[Row] = []
    with blas:
        for d in args.dims:
            for shape in shapes:
                for n in args.sizes:
                    c = case(shape, d, n)
                    got = _run_problem(c, names, args.repeat, args.seed, args.stat, clock)
                    rows.extend(got)
                    print(" ".join(f"{r.contender}={r.seconds:.4f}s" for r in got),
                          f"[{c.label}]", flush=True)
    load1 = os.getloadavg()
    command = "python benchmarks/bench_peers.py " + " ".join(sys.argv[1:] if argv is None else argv)
    what = "median" if args.stat == "median" else "best"
    head = [
        f"# command: {command.strip()}",
        f"# started: {started}; {what} of {args.repeat} interleaved runs, "
        f"{'wall-clock' if args.clock == 'wall' else 'CPU'} seconds{blas_note}",
        f"# machine: {platform.machine()}, {os.cpu_count()} CPUs; load average "
        f"{load0[0]:.2f} at start, {load1[0]:.2f} at end",
    ]
    text = "\n".join([*head, "", *_summary(rows, args.seed)]) + "\n"
    print(text)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{args.out}.txt").write_text(text)
    with open(RESULTS / f"{args.out}.csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(asdict(rows[0])))
        w.writeheader()
        w.writerows(asdict(r) for r in rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
