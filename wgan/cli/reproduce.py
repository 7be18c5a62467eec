"""``wgan-theory reproduce``: regenerate every figure and check every claim, one report."""

from __future__ import annotations

import argparse

from ._common import UsageError

__all__ = ["register", "run"]


def run(args: argparse.Namespace) -> int:
    """Run every stage into --out and write REPORT.md; exit 1 if any stage or claim fails."""
    from ..app.reproduce import Settings, reproduce
    from ..device import resolve_device

    settings = Settings(quick=args.quick, device=args.device, seed=args.seed)
    try:
        resolve_device(settings.device)
    except ValueError as exc:
        raise UsageError(f"--device: {exc}") from None
    outcomes = reproduce(args.out, settings)
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
        description=run.__doc__,
    )
    parser.add_argument("--out", required=True, help="output folder (created if absent)")
    parser.add_argument("--quick", action="store_true", help="small settings (about 90 s on CPU)")
    parser.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto")
    parser.add_argument("--seed", type=int, default=0)
    parser.set_defaults(func=run)
