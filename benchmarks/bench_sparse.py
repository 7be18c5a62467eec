"""Sparse certified W1 against POT's dense network simplex: time, peak memory, value.

Two independent samples of N(0, I_2) of size n each (seeded). For every n, each solver runs
in its own subprocess so that peak resident memory (``getrusage``'s ``ru_maxrss``) is that
solver's alone:

* dense: ``cdist`` (the n x n Euclidean cost matrix) + ``ot.emd2`` (POT's network simplex);
* sparse: :func:`distances.sparse_w1.solve_sparse` (never builds the matrix; certified);
  the worker first solves two small problems, untimed, so that numba's compiled kernels
  are loaded (as POT's extension is by its import).

Dense runs only up to ``--dense-max`` (default 10,000: 800 MB per matrix, ~30 s here).
Prints the table and the targets of issue 7 side by side, and writes
``benchmarks/results/sparse_scaling{,_quick}.{csv,png,md}``.

Usage::

    python benchmarks/bench_sparse.py            # n = 1000 ... 50,000 (a few minutes)
    python benchmarks/bench_sparse.py --quick    # n = 500 ... 2000 (seconds)
    python benchmarks/bench_sparse.py --cloud eight_vs_gauss --sizes 2000 4000 8000
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import resource
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
FULL_SIZES = (1000, 2000, 4000, 8000, 10000, 20000, 50000)
QUICK_SIZES = (500, 1000, 2000)
TARGET_SPEEDUP_N, TARGET_SPEEDUP = 8000, 3.0
TARGET_BIG_N, TARGET_BIG_SECONDS, TARGET_BIG_MB = 50000, 180.0, 3072.0
VALUE_RTOL = 1e-9


@dataclass
class Run:
    """One solve in one subprocess."""

    method: str
    n: int
    seconds: float
    value: float
    peak_mb: float
    baseline_mb: float
    edges: int = 0
    rounds: int = 0
    full_scans: int = 0
    certified: bool = False


CLOUDS = ("gauss", "translated", "eight_vs_gauss")


def clouds(n: int, seed: int, kind: str = "gauss") -> tuple[np.ndarray, np.ndarray]:
    """``gauss``: two samples of N(0, I_2) (the issue's benchmark); ``translated``: the
    second shifted by (2, 0); ``eight_vs_gauss``: the 8gaussians toy data against
    N(0, I_2 / 4) (dissimilar clouds, as early in WGAN training)."""
    rng = np.random.default_rng(seed)
    x, y = rng.standard_normal((n, 2)), rng.standard_normal((n, 2))
    if kind == "translated":
        return x, y + np.array([2.0, 0.0])
    if kind == "eight_vs_gauss":
        angles = np.arange(8) * np.pi / 4
        centres = 2 * np.stack([np.cos(angles), np.sin(angles)], 1)
        x = (centres[rng.integers(0, 8, n)] + 0.02 * x) / 1.414
        return x, 0.5 * y
    return x, y


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux


def worker(method: str, n: int, seed: int, kind: str) -> Run:
    """Solve one problem in this process and measure it (called in a subprocess)."""
    import ot
    from scipy.spatial.distance import cdist

    from distances.sparse_w1 import solve_sparse

    if method == "sparse":  # numba's compiled kernels loaded (both code paths) untimed
        for warm in (300, 2100):
            solve_sparse(*clouds(warm, seed, kind))
    x, y = clouds(n, seed, kind)
    baseline = _peak_mb()
    if method == "dense":
        t0 = time.perf_counter()
        value = float(ot.emd2([], [], cdist(x, y), numItermax=100_000_000))
        seconds = time.perf_counter() - t0
        return Run(method, n, seconds, value, _peak_mb(), baseline)
    t0 = time.perf_counter()
    res = solve_sparse(x, y, max_iter=100_000_000)  # as numItermax for dense
    seconds = time.perf_counter() - t0
    sol = res.solution
    return Run(method, n, seconds, sol.value, _peak_mb(), baseline, res.edges, res.rounds,
               res.full_scans, sol.certificate.ok)


def run_in_subprocess(method: str, n: int, seed: int, kind: str) -> Run:
    cmd = [sys.executable, __file__, "--worker", method, str(n), "--seed", str(seed),
           "--cloud", kind]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, env=env, cwd=ROOT)
    return Run(**json.loads(out.stdout.strip().splitlines()[-1]))


def _fmt(x: float | None, spec: str) -> str:
    """``format(x, spec)``, or a dash of the same width when there is no value."""
    return "-".rjust(int(spec.split(".")[0])) if x is None else format(x, spec)


def table(rows: list[dict]) -> str:
    head = (f"{'n':>6} {'dense s':>8} {'sparse s':>9} {'speedup':>8} {'dense MB':>9} "
            f"{'sparse MB':>10} {'rel diff':>9} {'edges %':>8} {'rounds':>6} {'scans':>5}")
    lines = [head, "-" * len(head)]
    for r in rows:
        lines.append(
            f"{r['n']:>6} {_fmt(r['dense_s'], '8.2f')} {r['sparse_s']:9.2f} "
            f"{_fmt(r['speedup'], '8.1f')} {_fmt(r['dense_mb'], '9.0f')} {r['sparse_mb']:10.0f} "
            f"{_fmt(r['rel_diff'], '9.1e')} {100 * r['edge_fraction']:8.3f} "
            f"{r['rounds']:>6} {r['full_scans']:>5}"
        )
    return "\n".join(lines)


def targets(rows: list[dict]) -> list[str]:
    by_n = {r["n"]: r for r in rows}
    out = []
    if TARGET_SPEEDUP_N in by_n and by_n[TARGET_SPEEDUP_N]["dense_s"] is not None:
        r = by_n[TARGET_SPEEDUP_N]
        out.append(
            f"n = {TARGET_SPEEDUP_N}: sparse {r['speedup']:.1f}x faster than dense "
            f"(target >= {TARGET_SPEEDUP:g}x: "
            f"{'met' if r['speedup'] >= TARGET_SPEEDUP else 'MISSED'})"
            f"; relative value difference {r['rel_diff']:.1e} (target <= {VALUE_RTOL:g}: "
            f"{'met' if r['rel_diff'] <= VALUE_RTOL else 'MISSED'})"
        )
    if TARGET_BIG_N in by_n:
        r = by_n[TARGET_BIG_N]
        ok_t, ok_m = r["sparse_s"] < TARGET_BIG_SECONDS, r["sparse_mb"] < TARGET_BIG_MB
        out.append(
            f"n = {TARGET_BIG_N}: sparse {r['sparse_s']:.0f} s "
            f"(target < {TARGET_BIG_SECONDS:.0f} s: {'met' if ok_t else 'MISSED'}), "
            f"peak RSS {r['sparse_mb']:.0f} MB (target < "
            f"{TARGET_BIG_MB:.0f} MB: {'met' if ok_m else 'MISSED'}), certified: {r['certified']}"
        )
    return out


def figure(rows: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    n = np.array([r["n"] for r in rows], dtype=float)
    dense = [r for r in rows if r["dense_s"] is not None]
    nd = np.array([r["n"] for r in dense], dtype=float)
    fig, (ax_t, ax_m) = plt.subplots(1, 2, figsize=(10, 4), constrained_layout=True)
    ax_t.loglog(nd, [r["dense_s"] for r in dense], "o-", label="dense: cdist + ot.emd2")
    ax_t.loglog(n, [r["sparse_s"] for r in rows], "s-", label="sparse, certified")
    ax_t.set(xlabel="n (points per cloud)", ylabel="seconds", title="Time, exact W1 (2-D)")
    ax_m.loglog(nd, [r["dense_mb"] for r in dense], "o-", label="dense")
    ax_m.loglog(n, [r["sparse_mb"] for r in rows], "s-", label="sparse")
    ax_m.loglog(n, 8 * n**2 / 2**20, "k:", label="one n x n float64 matrix")
    ax_m.set(xlabel="n (points per cloud)", ylabel="peak RSS (MB)", title="Peak memory")
    for ax in (ax_t, ax_m):
        ax.grid(True, which="both", alpha=0.3)
        ax.legend()
        # the measured sizes as ticks (log-axis minor labels collided: "3x10^34x10^3"),
        # a label left out when it would touch the previous one
        labels, last = [], -np.inf
        for v in n:
            near = np.log10(v) - last < 0.15 * np.log10(n[-1] / n[0])
            labels.append("" if near else f"{v / 1000:g}k")
            last = last if near else np.log10(v)
        ax.set_xticks(n, labels)
        ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="n = 500, 1000, 2000 only")
    p.add_argument("--sizes", type=int, nargs="+", help="override the sizes")
    p.add_argument("--dense-max", type=int, default=10000, help="largest n for dense")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--cloud", choices=CLOUDS, default="gauss", help="which pair of clouds")
    p.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    p.add_argument("--worker", nargs=2, metavar=("METHOD", "N"), help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.worker:
        run = worker(args.worker[0], int(args.worker[1]), args.seed, args.cloud)
        print(json.dumps(asdict(run)))
        return 0
    sizes = args.sizes or (QUICK_SIZES if args.quick else FULL_SIZES)
    stem = "sparse_scaling" + ("" if args.cloud == "gauss" else f"_{args.cloud}")
    stem += "_quick" if args.quick else ""
    load_start = os.getloadavg()
    started = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
    rows = []
    for n in sizes:
        d = run_in_subprocess("dense", n, args.seed, args.cloud) if n <= args.dense_max else None
        s = run_in_subprocess("sparse", n, args.seed, args.cloud)
        rows.append({
            "n": n,
            "dense_s": d.seconds if d else None,
            "sparse_s": s.seconds,
            "speedup": d.seconds / s.seconds if d else None,
            "dense_mb": d.peak_mb if d else None,
            "sparse_mb": s.peak_mb,
            "baseline_mb": s.baseline_mb,
            "dense_value": d.value if d else None,
            "sparse_value": s.value,
            "rel_diff": abs(d.value - s.value) / d.value if d else None,
            "edges": s.edges,
            "edge_fraction": s.edges / n**2,
            "rounds": s.rounds,
            "full_scans": s.full_scans,
            "certified": s.certified,
        })
        print(table(rows).splitlines()[-1], flush=True)
    load_end = os.getloadavg()
    args.out.mkdir(parents=True, exist_ok=True)
    with open(args.out / f"{stem}.csv", "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    figure(rows, args.out / f"{stem}.png")
    given = argv if argv is not None else sys.argv[1:]
    cmd = "python benchmarks/bench_sparse.py " + " ".join(given)
    machine = (f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
               f"load average {load_start[0]:.1f} at start, {load_end[0]:.1f} at end")
    report = "\n".join([
        "# Sparse certified W1 vs dense network simplex", "",
        f"Command: `{cmd.strip()}`  ", f"Started: {started}  ", f"Machine: {machine}", "",
        f"Clouds: `{args.cloud}` (see `clouds()` in the script), n points each; "
        "each solve in its own process "
        "(peak RSS includes about "
        f"{rows[0]['baseline_mb']:.0f} MB of interpreter and libraries).", "",
        "```", table(rows), "```", "", *[f"- {t}" for t in targets(rows)], "",
        f"Data: `{stem}.csv`; figure: `{stem}.png`.", "",
    ])
    (args.out / f"{stem}.md").write_text(report)
    print()
    print("\n".join(targets(rows)))
    print(f"machine: {machine}")
    print(f"wrote {args.out / stem}.{{csv,png,md}}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
