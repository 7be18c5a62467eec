"""wgan-theory rates: how fast the empirical measure converges in W1, measured exactly.

For the uniform cube [0, 1]^d and the standard Gaussian N(0, I_d), each cell is one exact W1
value of one draw: in 1-D the law against its n-sample (closed form of the integral of
|F - F_n|) and two independent n-samples (sorted samples); in d >= 2 two independent n-samples
(the certified exact solvers; the law-vs-sample value lies between half of it and it, in
expectation). The log-log slope of W1 against n is fitted by least squares over every seed's
value, with its 95 % interval, beside the theory's rate: n^(-1/2) in 1-D, sqrt(log n / n) in 2-D,
n^(-1/d) for d >= 3.

Files in --out: cells.csv (one row per finished cell, with its settings; --resume keeps the rows
whose settings match and runs the rest), means.csv, slopes.csv (a "slope" column, one row per
law, kind and dimension), rates.png/.pdf and report.md (the checks). Ctrl-C stops the sweep; the
finished cells stay in cells.csv and the same command with --resume runs the rest.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import Mapping
from typing import Any

__all__ = ["register", "run"]


def _max_size(text: str) -> tuple[int, int]:
    dim, sep, n = text.partition("=")
    try:
        if not sep:
            raise ValueError
        return int(dim), _size(n)
    except (ValueError, argparse.ArgumentTypeError):
        raise argparse.ArgumentTypeError(
            f"--max-size takes DIM=N (the largest n in dimension DIM); got {text!r}") from None


def _size(text: str) -> int:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a sample size is a whole number; got {text!r}") from None
    if not value.is_integer():
        raise argparse.ArgumentTypeError(f"a sample size is a whole number; got {text!r}")
    return int(value)


def _command(args: argparse.Namespace) -> str:
    words = ["wgan-theory", "rates", "--dims", *map(str, args.dims), "--sizes",
             *map(str, args.sizes), "--seeds", str(args.seeds), "--laws", *args.laws]
    for dim, n in args.max_size or ():
        words += ["--max-size", f"{dim}={n}"]
    return shlex.join([*words, "--out", str(args.out)])


def run(args: argparse.Namespace) -> int:
    """Run the sweep, print progress lines, the slopes and the checks."""
    from ..app.cell_sweep import finished_lines, run_for_cli
    from ..app.rates import RatesSettings, run_rates

    prog = "wgan-theory rates"

    def progress(row: Mapping[str, Any], done: int, total: int) -> None:
        if not args.quiet:
            print(f"[{done}/{total}] {row['law']} {row['kind']} d={row['dim']} n={row['n']} "
                  f"seed {row['seed']}: W1 = {float(row['w1']):.5g} "
                  f"({float(row['seconds']):.1f} s)", file=sys.stderr, flush=True)

    def work() -> Any:
        settings = RatesSettings(dims=tuple(args.dims), sizes=tuple(args.sizes),
                                 seeds=args.seeds, laws=tuple(args.laws),
                                 max_size=tuple(args.max_size or ()))
        return run_rates(settings, args.out, workers=args.workers, ray_address=args.ray,
                         resume=args.resume, command=_command(args), on_row=progress,
                         on_note=lambda note: print(f"note: {note}", file=sys.stderr))

    status, outcome = run_for_cli(prog, work)
    if outcome is None:
        return status
    print("| law | kind | d | n | slope | 95 % interval | theory | theory slope | inside |")
    print("|---|---|---:|---|---:|---|---|---:|---|")
    for s in outcome.slopes:
        print(f"| {s.law} | {s.kind} | {s.dim} | {s.n_min}-{s.n_max} | {s.slope:.3f} | "
              f"[{s.low:.3f}, {s.high:.3f}] | {s.theory_rate} | {s.theory_slope:.3f} | "
              f"{'yes' if s.contains_theory else 'NO'} |")
    for c in outcome.checks:
        print(f"{c.name}: {c.verdict}" + "".join(f"\n  - {f}" for f in c.failures))
    print(finished_lines(outcome.ran, outcome.kept, outcome.seconds, outcome.paths))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "rates",
        help="sample complexity of W1: E W1 against n, fitted slopes beside the theory's",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--dims", nargs="+", type=int, default=[1, 2, 3],
                        help="dimensions (default: 1 2 3)")
    parser.add_argument("--sizes", nargs="+", type=_size, default=[100, 1000, 10000],
                        help="sample sizes n, at least two (default: 100 1000 10000)")
    parser.add_argument("--seeds", type=int, default=5,
                        help="seeds 0..SEEDS-1 per cell, at least 2 (default: 5)")
    parser.add_argument("--laws", nargs="+", choices=("uniform", "gaussian"),
                        default=["uniform", "gaussian"],
                        help="uniform: the cube [0, 1]^d; gaussian: N(0, I_d) (default: both)")
    parser.add_argument("--max-size", action="append", type=_max_size, metavar="DIM=N",
                        help="the largest n run in dimension DIM (repeatable), e.g. 8=10000")
    parser.add_argument("--workers", type=int, default=1,
                        help="cells run at once in local processes (default: 1)")
    parser.add_argument("--ray", default=None, metavar="ADDRESS",
                        help="run the cells on the Ray cluster at ADDRESS (host:port, "
                             "ray://host:port, auto, or local to start one here); needs the "
                             "distributed extra: pip install 'wgan-theory[distributed]'")
    parser.add_argument("--resume", action="store_true",
                        help="keep the cells already in OUT/cells.csv that were run with the "
                             "same settings, run the rest")
    parser.add_argument("--out", default="wgan-rates",
                        help="output folder (default: wgan-rates)")
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    parser.set_defaults(func=run)
