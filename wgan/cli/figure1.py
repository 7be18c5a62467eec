"""``wgan-theory figure1``: the paper's Figure 1 (Example 1) and learning parallel lines."""

from __future__ import annotations

import argparse

__all__ = ["register", "run"]


def run(args: argparse.Namespace) -> int:
    """Write Figure 1 (PNG, PDF), its extended version, the CSV data and learning parallel lines.

    Exit code 1 if a claim of Figure 1 fails (the rules of check_figure1 and check_learning
    in distances.paper.example1): W1 on the same z must equal |theta| to 1e-12, W1 on
    independent z must lie in [|theta|, |theta| + floor] (floor: the exact W1 between two
    independent samples of one line), JS, KL and TV must take their closed-form values, and
    gradient descent on W1 must move theta to 0.
    """
    from ..app.paper_outputs import write_figure1

    outputs = write_figure1(args.out, quick=args.quick, seed=args.seed)
    for p in outputs.paths:
        print(p)
    for check in outputs.checks:
        print(f"{check.verdict:<5} {check.reference}: {check.headline}")
    return 0 if outputs.passed else 1


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "figure1",
        help="regenerate the paper's Figure 1 (EM and JS against theta) with its data",
        description=run.__doc__,
    )
    parser.add_argument("--out", required=True, help="output folder (created if absent)")
    parser.add_argument("--quick", action="store_true", help="64 samples per line, not 512")
    parser.add_argument("--seed", type=int, default=0, help="seed of the latent samples")
    parser.set_defaults(func=run)
