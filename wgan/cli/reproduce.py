"""``wgan-theory reproduce``: regenerate every figure and check every claim, one report."""

from __future__ import annotations

import argparse

from ._common import UsageError

__all__ = ["FULL_TIME", "QUICK_TIME", "register", "run"]

#: CPU time of ``wgan-theory reproduce`` on 2 cores, quoted in --help and the README (a test
#: keeps the two the same). CPU time, because wall time is the machine's load's: measured
#: with /usr/bin/time on this project's 2-core machine, full run 441 s user + 20 s sys (29 min
#: wall, nice -n 10 at load average 11-18, commit 0f1937d); --quick 63 s user + 3 s sys
#: (5 min 16 s wall at load 15-17.5). The issue's --quick at load 5: 25 s CPU, 46-52 s wall.
FULL_TIME = "about 8 minutes of CPU time"
QUICK_TIME = "about 1 minute of CPU time"


def run(args: argparse.Namespace) -> int:
    """Run every stage into --out and write REPORT.md; exit 1 if any stage or claim fails."""
    from ..app.reproduce import Settings, reproduce
    from ..device import resolve_device

    settings = Settings(quick=args.quick, device=args.device, seed=args.seed)
    try:
        resolve_device(settings.device)
    except ValueError as exc:
        raise UsageError(f"--device: {exc}") from None
    outcomes = reproduce(args.out, settings, progress=lambda line: print(line, flush=True))
    failed = [o.name for o in outcomes if not o.passed]
    print(f"report: {args.out}/REPORT.md")
    if failed:
        print(f"failed stages: {', '.join(failed)}")
        return 1
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "reproduce",
        help="regenerate every figure, check every claim of the paper, write DIR/REPORT.md",
        description=(f"{run.__doc__} Takes {FULL_TIME} on 2 CPU cores (--quick: "
                     f"{QUICK_TIME}; wall time grows with the machine's load). A line is "
                     "printed as each stage starts, as each of its cells finishes, and at "
                     "least every 10 s. Ctrl-C stops it (exit status 130); the files of the "
                     "finished stages stay in --out."),
    )
    parser.add_argument("--out", required=True, help="output folder (created if absent)")
    parser.add_argument("--quick", action="store_true",
                        help=f"small settings ({QUICK_TIME} on 2 CPU cores): a smoke test")
    parser.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto",
                        help="where the WGAN stages train: auto (CUDA when present), cpu, cuda")
    parser.add_argument("--seed", type=int, default=0, help="one seed for every stage")
    parser.set_defaults(func=run)
