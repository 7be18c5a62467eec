"""``wgan-theory distances``: the four distances on a worked example, beside their exact values."""

from __future__ import annotations

import argparse

from distances.paper.worked_examples import WORKED_EXAMPLES, agrees, rows

__all__ = ["register", "run"]


def run(args: argparse.Namespace) -> int:
    """Print the table; exit code 1 if any computed value differs from its exact value."""
    print("Worked examples (P, Q on the line):")
    for name, P, Q, _ in WORKED_EXAMPLES:
        print(f"  {name:<11} P = {P!r}\n  {'':<11} Q = {Q!r}")
    print()
    header = f"{'example':<12}{'distance':<10}{'computed':>22}{'exact':>22}  agree"
    print(header)
    print("-" * len(header))
    failures = 0
    for name, key, value, exact in rows():
        agree = agrees(value, exact)
        failures += not agree
        print(f"{name:<12}{key:<10}{value:>22.17g}{exact:>22.17g}  {'yes' if agree else 'NO'}")
    return 1 if failures else 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "distances",
        help="print TV, KL, JS and W1 on small worked examples beside their exact values",
        description=run.__doc__,
    )
    parser.set_defaults(func=run)
