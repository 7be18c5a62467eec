"""Exact W1 against its peers, interleaved in one process (not a test; not run in CI).

Contenders, on equal-size uniform clouds:

* ``pot``: ``ot.emd2(a, b, ot.dist(x, y, metric="euclidean"), numItermax=10**9)``;
* ``wasserstein``: the C++ network simplex behind EnergyFlow,
  ``wasserstein.EMD(n_iter_max=10**9, norm=True)(a, x, b, y)`` (distances computed inside);
* ``dense``: ``earth_mover(P, Q, method="network_simplex")`` (certified);
* ``sparse``: ``earth_mover(P, Q, method="sparse")`` (certified, never builds the matrix).

``ours`` in the tables is what ``method="auto"`` picks for that size and dimension. Shapes
(``clouds()``): ``alike`` (two samples of N(0, I)), ``stretched`` (the second stretched by 2
and 1/2 along the first two axes and shifted by (1, 0.5)), ``clustered`` (8 Gaussians on a
circle in the first two axes, noise 0.02, against N(0, I/4)), ``ring`` (a noisy unit ring
in the first two axes against N(0, I/4)). Every row runs its contenders in a rotated order
(A B C D, B C D A, ...) so that a change of load hits all alike; the time is the median of
``--repeat`` runs. Peak memory is the largest resident set size above the one before the
call (Linux: the kernel's high-water mark VmHWM, reset before each call; it sees C++
allocations, which tracemalloc does not). Every contender solves small problems before the
timings (the sparse one, one of each of its code paths), so imports and numba's compiled
kernels (loaded from its cache, or compiled on the very first run) are not timed.

Usage::

    python benchmarks/bench_peers.py --quick                 # 2-D/8-D/32-D, n = 500 ... 2000
    python benchmarks/bench_peers.py --dims 2 --sizes 4000 8000 --shapes alike clustered
    python benchmarks/bench_peers.py --ours-only --dims 2 --sizes 100000   # ours alone
    OMP_NUM_THREADS=1 python benchmarks/bench_peers.py --single alike 100000 2   # one process
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import statistics
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from distances import Discrete, earth_mover  # noqa: E402
from distances.wasserstein import auto_method  # noqa: E402

__all__ = ["Row", "clouds", "main"]

SHAPES = ("alike", "stretched", "clustered", "ring")
CONTENDERS = ("pot", "wasserstein", "dense", "sparse")
RESULTS = ROOT / "benchmarks" / "results"


def clouds(shape: str, n: int, d: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Two clouds of n points in dimension d (seeded); see the module docstring."""
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


def _solvers() -> dict[str, Callable[[np.ndarray, np.ndarray], float]]:
    import ot
    import wasserstein

    emd = wasserstein.EMD(n_iter_max=10**9, norm=True)

    def pot(x: np.ndarray, y: np.ndarray) -> float:
        a = np.full(x.shape[0], 1.0 / x.shape[0])
        b = np.full(y.shape[0], 1.0 / y.shape[0])
        return float(ot.emd2(a, b, ot.dist(x, y, metric="euclidean"), numItermax=10**9))

    def peer(x: np.ndarray, y: np.ndarray) -> float:
        a = np.full(x.shape[0], 1.0 / x.shape[0])
        b = np.full(y.shape[0], 1.0 / y.shape[0])
        return float(emd(a, x, b, y))

    def dense(x: np.ndarray, y: np.ndarray) -> float:
        return earth_mover(Discrete(x), Discrete(y), method="network_simplex")

    def sparse(x: np.ndarray, y: np.ndarray) -> float:
        return earth_mover(Discrete(x), Discrete(y), method="sparse")

    return {"pot": pot, "wasserstein": peer, "dense": dense, "sparse": sparse}


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


def _run_problem(
    shape: str, d: int, n: int, names: list[str], repeat: int, seed: int
) -> list[Row]:
    x, y = clouds(shape, n, d, seed)
    solvers = _solvers()
    times: dict[str, list[float]] = {k: [] for k in names}
    peaks: dict[str, float] = dict.fromkeys(names, 0.0)
    values: dict[str, float] = {}
    for r in range(repeat):
        order = names[r % len(names) :] + names[: r % len(names)]
        for name in order:
            with _PeakRSS() as mem:
                t0 = time.perf_counter()
                values[name] = solvers[name](x, y)
                times[name].append(time.perf_counter() - t0)
            peaks[name] = max(peaks[name], mem.peak / 2**20)
    return [
        Row(shape, d, n, k, statistics.median(times[k]), peaks[k], values[k]) for k in names
    ]


def _auto(shape: str, d: int, n: int, seed: int) -> str:
    """"dense" or "sparse": what ``earth_mover(P, Q)`` (method="auto") runs."""
    x, y = clouds(shape, n, d, seed)
    return "sparse" if auto_method(Discrete(x), Discrete(y)) == "sparse" else "dense"


def _summary(rows: list[Row], seed: int) -> list[str]:
    lines = [
        f"{'shape':10} {'d':>3} {'n':>6} {'pot s':>8} {'wass s':>8} {'dense s':>8} "
        f"{'sparse s':>8} {'auto':>6} {'ours/best':>9} {'best ours/best':>14} "
        f"{'rel diff':>8} {'MB pot/wass/dense/sparse':>26}"
    ]
    keys = sorted({(r.shape, r.d, r.n) for r in rows}, key=lambda k: (k[1], k[0], k[2]))
    for key in keys:
        got = {r.contender: r for r in rows if (r.shape, r.d, r.n) == key}

        def t(name: str, got: dict[str, Row] = got) -> float:
            return got[name].seconds if name in got else float("nan")

        peers = [t(k) for k in ("pot", "wasserstein") if k in got]
        best_peer = min(peers) if peers else float("nan")
        auto = _auto(key[0], key[1], key[2], seed)
        ours = t(auto)
        best_ours = min(t(k) for k in ("dense", "sparse") if k in got)
        ref = got.get("pot") or got.get("dense") or got.get("sparse")
        assert ref is not None
        diff = max(abs(r.value - ref.value) / abs(ref.value) for r in got.values())
        mem = "/".join(f"{got[k].peak_mb:.0f}" if k in got else "-" for k in CONTENDERS)
        lines.append(
            f"{key[0]:10} {key[1]:>3} {key[2]:>6} {t('pot'):>8.3f} {t('wasserstein'):>8.3f} "
            f"{t('dense'):>8.3f} {t('sparse'):>8.3f} {auto:>6} {best_peer / ours:>8.2f}x "
            f"{best_peer / best_ours:>13.2f}x {diff:>8.1e} {mem:>26}"
        )
    lines.append(
        "ours/best = best peer's time / the time of the method auto picks (> 1: ours faster); "
        "best ours = the faster of dense and sparse; rel diff = largest |value - ref| / ref over "
        "the contenders (ref: POT, else dense); MB = peak RSS above the start of the call"
    )
    return lines


def single(shape: str, n: int, d: int, seed: int = 0) -> str:
    """One sparse solve in this process: a CSV line with wall and CPU seconds, peak RSS
    (getrusage) and the RSS after the imports (POT is imported and the compiled kernels
    are loaded before the timing)."""
    import resource

    import ot  # noqa: F401  (its import, torch included, is not part of the solve)

    from distances.sparse_w1 import solve_sparse

    for warm_n, warm_d in ((300, 2), (300, 8), (2100, 2)):  # every kernel loaded first
        solve_sparse(*clouds(shape, warm_n, warm_d, seed))
    x, y = clouds(shape, n, d, seed)
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t, cpu = time.perf_counter(), time.process_time()
    r = solve_sparse(x, y)
    wall, cpu = time.perf_counter() - t, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    ok = r.solution.certificate.ok
    return (f"{shape},{d},{n},{wall:.1f},{cpu:.1f},{peak:.0f},{base:.0f},{r.solution.value!r},"
            f"{ok},{r.rounds},{r.full_scans},{r.edges},{r.pairs_priced}")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="d = 2, 8, 32; n = 500, 1000, 2000")
    p.add_argument("--shapes", nargs="+", default=list(SHAPES), choices=SHAPES)
    p.add_argument("--dims", nargs="+", type=int, default=[2, 8, 32])
    p.add_argument("--sizes", nargs="+", type=int, default=[500, 1000, 2000, 4000, 8000])
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--ours-only", action="store_true", help="only the sparse solver (big n)")
    p.add_argument("--contenders", nargs="+", default=list(CONTENDERS), choices=CONTENDERS)
    p.add_argument("--out", default="bench_peers", help="results file stem")
    p.add_argument("--resummarize", metavar="CSV", help="only redo the table of a results CSV")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--single", nargs=3, metavar=("SHAPE", "N", "D"),
                   help="one sparse solve, CSV line: shape,d,n,wall_s,cpu_s,peak_mb,...")
    args = p.parse_args(argv)
    if args.single:
        print(single(args.single[0], int(args.single[1]), int(args.single[2]), args.seed))
        return 0
    if args.quick:
        args.sizes = [500, 1000, 2000]
    if args.resummarize:  # e.g. after a change of the auto rule: same timings, new column
        with open(args.resummarize) as f:
            old = [Row(r["shape"], int(r["d"]), int(r["n"]), r["contender"], float(r["seconds"]),
                       float(r["peak_mb"]), float(r["value"])) for r in csv.DictReader(f)]
        print("\n".join(_summary(old, args.seed)))
        return 0
    names = ["sparse"] if args.ours_only else list(args.contenders)
    warm = _solvers()  # imports, and numba's compiled kernels loaded before any timing
    for name in names:
        warm[name](*clouds("alike", 300, 2, args.seed))
    if "sparse" in names:  # the other kernels: the star start (above 3-D), the scans of
        # problems too large to keep the matrix (above 2^22 pairs in 2-D)
        warm["sparse"](*clouds("alike", 300, 8, args.seed))
        warm["sparse"](*clouds("alike", 2100, 2, args.seed))
    started = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    load0 = os.getloadavg()
    rows: list[Row] = []
    for d in args.dims:
        for shape in args.shapes:
            for n in args.sizes:
                got = _run_problem(shape, d, n, names, args.repeat, args.seed)
                rows.extend(got)
                print(" ".join(f"{r.contender}={r.seconds:.3f}s" for r in got),
                      f"[{shape} d={d} n={n}]", flush=True)
    load1 = os.getloadavg()
    command = "python benchmarks/bench_peers.py " + " ".join(sys.argv[1:] if argv is None else argv)
    head = [
        f"# command: {command.strip()}",
        f"# started: {started}; median of {args.repeat} interleaved runs",
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
