"""``wgan-theory theorems``: Theorems 1-3 of the paper checked numerically, as a report."""

from __future__ import annotations

import argparse

__all__ = ["register", "run"]


def run(args: argparse.Namespace) -> int:
    """Run every theorem check and write DIR/theorems.md with figures and CSV tables.

    Exit code 1 if any check fails.
    """
    from ..app.paper_outputs import write_theorems_report

    report = write_theorems_report(args.out, quick=args.quick, seed=args.seed)
    for res in report.results:
        print(f"{'PASS' if res.passed else 'FAIL'}  {res.name}")
        for failure in res.failures:
            print(f"      {failure}")
    print(f"report: {report.paths[0]}")
    return 0 if report.passed else 1


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "theorems",
        help="check Theorems 1, 2 and 3 numerically; write a Markdown report with figures",
        description=run.__doc__,
    )
    parser.add_argument("--out", required=True, help="output folder (created if absent)")
    parser.add_argument("--quick", action="store_true", help="smaller samples, n up to 1000")
    parser.add_argument("--seed", type=int, default=0)
    parser.set_defaults(func=run)
