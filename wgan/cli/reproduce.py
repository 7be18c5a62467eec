"""``wgan-theory reproduce``: regenerate every figure and check every claim, one report."""

from __future__ import annotations

import argparse

from ._common import UsageError

__all__ = ["FULL_TIME", "QUICK_TIME", "register", "run"]

#: Wall time of ``wgan-theory reproduce`` on 2 CPU cores, quoted in --help and the README
#: (a test keeps the two the same). Measured: MEASURED_PLACEHOLDER
FULL_TIME = "about 4 minutes"
QUICK_TIME = "about 1 minute"


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
                     f"{QUICK_TIME}); a line is printed as each stage starts, as each of its "
                     "cells finishes, and at least every 10 s. Ctrl-C stops it (exit status "
                     "130); the files of the finished stages stay in --out."),
    )
    parser.add_argument("--out", required=True, help="output folder (created if absent)")
    parser.add_argument("--quick", action="store_true",
                        help=f"small settings ({QUICK_TIME} on 2 CPU cores): a smoke test")
    parser.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto",
                        help="where the WGAN stages train: auto (CUDA when present), cpu, cuda")
    parser.add_argument("--seed", type=int, default=0, help="one seed for every stage")
    parser.set_defaults(func=run)
