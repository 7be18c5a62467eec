"""``wgan-theory distances``: the four distances on a worked example, beside their exact values."""

from __future__ import annotations

import argparse
import math

from distances import Discrete, earth_mover, js_divergence, kl_divergence, total_variation

__all__ = ["WORKED_EXAMPLES", "register", "rows", "run"]

#: (name, P, Q, exact values) -- worked by hand in the README.
WORKED_EXAMPLES = (
    (
        "shifted",
        Discrete([0.0, 1.0]),
        Discrete([1.0, 2.0]),
        {"TV": 0.5, "KL(P||Q)": math.inf, "KL(Q||P)": math.inf, "JS": math.log(2) / 2, "W1": 1.0},
    ),
    (
        "reweighted",
        Discrete([0.0, 1.0]),
        Discrete([0.0, 1.0], [0.25, 0.75]),
        {
            "TV": 0.25,
            "KL(P||Q)": 0.5 * math.log(4 / 3),
            "KL(Q||P)": 0.25 * math.log(0.5) + 0.75 * math.log(1.5),
            "JS": 0.5 * (0.5 * math.log(0.5 / 0.375) + 0.5 * math.log(0.5 / 0.625))
            + 0.5 * (0.25 * math.log(0.25 / 0.375) + 0.75 * math.log(0.75 / 0.625)),
            "W1": 0.25,
        },
    ),
    (
        "disjoint",
        Discrete([0.0]),
        Discrete([1e-3]),
        {"TV": 1.0, "KL(P||Q)": math.inf, "KL(Q||P)": math.inf, "JS": math.log(2), "W1": 1e-3},
    ),
)


def rows() -> list[tuple[str, str, float, float]]:
    """(example, distance, computed, exact) for every worked example."""
    out = []
    for name, P, Q, exact in WORKED_EXAMPLES:
        computed = {
            "TV": total_variation(P, Q),
            "KL(P||Q)": kl_divergence(P, Q),
            "KL(Q||P)": kl_divergence(Q, P),
            "JS": js_divergence(P, Q),
            "W1": earth_mover(P, Q),
        }
        out.extend((name, key, computed[key], exact[key]) for key in exact)
    return out


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
        agree = value == exact or math.isclose(value, exact, rel_tol=1e-12)
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
