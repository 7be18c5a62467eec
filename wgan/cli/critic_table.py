"""``wgan-theory critic-table``: the method x pair table of signed relative errors, raw and
normalised, against the exact W1 (critic_table.csv, .json and .md in --out)."""

from __future__ import annotations

import argparse
import sys

from ..config import DEVICES, METHODS, PAIRS

__all__ = ["register", "run"]


def run(args: argparse.Namespace) -> int:
    """Fit one critic per method x pair and write the table."""
    from ..app.wgan_outputs import critic_table, format_table

    try:
        results = critic_table(quick=args.quick, out_dir=args.out, methods=args.methods,
                               pairs=args.pairs, seed=args.seed, device=args.device,
                               progress=not args.quiet)
    except ValueError as exc:
        print(f"wgan-theory critic-table: error: {exc}", file=sys.stderr)
        return 2
    print(format_table(results))
    print(f"wrote {args.out}/critic_table.csv, critic_table.json, critic_table.md")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("critic-table", help="method x pair table of critic errors",
                                   description=__doc__.replace("``", ""))  # plain for a terminal
    parser.add_argument("--quick", action="store_true", help="tiny settings (seconds)")
    parser.add_argument("--methods", nargs="+", choices=METHODS, default=list(METHODS))
    parser.add_argument("--pairs", nargs="+", choices=PAIRS, default=list(PAIRS))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--device", choices=DEVICES, default="auto")
    parser.add_argument("--out", default="wgan-critic-table", help="output folder")
    parser.add_argument("--quiet", action="store_true", help="no per-fit lines")
    parser.set_defaults(func=run)
