"""``wgan-theory figure1``: the paper's Figure 1 (Example 1) and learning parallel lines."""

from __future__ import annotations

import argparse

__all__ = ["register", "run"]


def run(args: argparse.Namespace) -> int:
    """Write Figure 1 (PNG, PDF), its extended version, the CSV data and learning parallel lines.

    Exit code 1 if the sample values disagree with the closed forms: W1 on the same z
    must equal |theta| to 1e-12, and W1 on independent z must lie in
    [|theta|, |theta| + floor].
    """
    import json

    from distances.reports import write_figure1

    paths = write_figure1(args.out, quick=args.quick, seed=args.seed)
    summary = json.loads(next(p for p in paths if p.name == "figure1_summary.json").read_text())
    for p in paths:
        print(p)
    ok = summary["max_abs_error_w1_same_z"] <= 1e-12 and summary["independent_within_floor"]
    print(
        f"W1 same z: max |W1 - |theta|| = {summary['max_abs_error_w1_same_z']:.3g}; "
        f"finite-sample floor (n = {summary['n_per_line']}) = "
        f"{summary['finite_sample_floor']:.4g}; independent z within floor: "
        f"{summary['independent_within_floor']}"
    )
    return 0 if ok else 1


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
