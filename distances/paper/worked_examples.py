"""Section 2's definitions on small worked examples: the four distances against hand values.

``wgan-theory distances`` prints the table and ``reproduce`` reports the check; both take the
examples and the rule from here.
"""

from __future__ import annotations

import math

from ..divergences import js_divergence, kl_divergence, total_variation
from ..measures import Discrete
from ..wasserstein import earth_mover
from .results import CheckResult, EvidenceTable

__all__ = ["WORKED_EXAMPLES", "agrees", "check_worked_examples", "rows"]

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

#: Relative tolerance of the agreement: the hand values are sums of a few logarithms.
RTOL = 1e-12


def agrees(value: float, exact: float) -> bool:
    """Equal (infinities included), or equal to :data:`RTOL` relative."""
    return value == exact or math.isclose(value, exact, rel_tol=RTOL)


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


def check_worked_examples(
    table: list[tuple[str, str, float, float]] | None = None,
) -> CheckResult:
    """Every computed value equals its hand value (see :func:`agrees`).

    ``table`` defaults to :func:`rows`; pass another to judge other numbers.
    """
    table = rows() if table is None else table
    bad = [f"{name} {key}: computed {v!r}, exact {e!r}" for name, key, v, e in table
           if not agrees(v, e)]
    return CheckResult(
        "Section 2 (definitions)",
        "The four distances on three worked examples (wgan-theory distances).",
        (EvidenceTable("Worked examples", ("example", "distance", "computed", "exact"),
                       tuple(table)),),
        not bad,
        tuple(bad),
        headline="disjoint supports: TV 1, JS log 2, KL inf, W1 = gap",
    )
