"""Structured results of the paper's checks: the claim, its numbers, evidence tables, a verdict.

Every check of the paper (:mod:`distances.paper.theorems`, :mod:`~distances.paper.convergence`,
:mod:`~distances.paper.example1`, and the WGAN checks of :mod:`wgan.checks`) returns a
:class:`CheckResult`. It carries the paper's statement (written once, in :data:`STATEMENTS`),
what was computed, the headline numbers, the evidence and the verdict; the application renders
it (Markdown, CSV) and judges from it, never from files.

A result whose ``passed`` is ``None`` is a *measurement*: numbers reported without a verdict,
because no rule can be stated that the paper's claim would fail.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["STATEMENTS", "CheckResult", "EvidenceTable", "format_value", "verdict_word"]

#: The paper's claims in words, by reference: written once, used by every check and report.
STATEMENTS: dict[str, str] = {
    "Section 2 (definitions)": "TV, KL, JS and EM on small finite measures take their "
    "hand-computed values.",
    "Example 1, Figure 1 (left)": "W(P_0, P_theta) = |theta|: continuous in theta, with a "
    "usable gradient everywhere.",
    "Example 1, Figure 1 (right)": "JS(P_0, P_theta) = log 2 for theta != 0 and 0 at theta = 0: "
    "discontinuous at 0.",
    "Example 1 (KL, TV)": "KL(P_theta||P_0) = KL(P_0||P_theta) = +inf and TV = 1 for "
    "theta != 0; 0 at 0.",
    "Example 1 (learning parallel lines)": "Gradient descent on W1 moves theta from 1 to 0; "
    "JS (and KL) give no gradient.",
    "Theorem 1": "W(P_r, P_theta) is continuous in theta, and locally Lipschitz with constant "
    "at most L = max over theta of E_z ||d_theta g_theta(z)||; JS and KL are not continuous.",
    "Theorem 2": "(1) TV -> 0 iff JS -> 0; (2) W -> 0 iff P_n -> P in distribution; "
    "(3) KL(P_n||P) -> 0 or KL(P||P_n) -> 0 implies (1); (4) (1) implies (2).",
    "Theorem 3": "grad_theta W(P_r, P_theta) = -E_z[grad_theta f(g_theta(z))] with f the "
    "optimal critic, wherever both sides are defined.",
    "Kantorovich-Rubinstein duality (eq. 2)": "W1(P, Q) = sup over 1-Lipschitz f of "
    "E_P f - E_Q f.",
    "Figure 2": "A GAN discriminator trained to optimality saturates between two Gaussians; "
    "the WGAN critic stays close to linear and gives usable gradients.",
    "Example 1, learned by networks": "g_theta(z) = (theta, z) trained against a WGAN critic "
    "moves theta to 0; against a GAN discriminator theta stalls.",
    "Kantorovich-Rubinstein duality (eq. 2), finite samples": "On two samples the sup over "
    "1-Lipschitz f is W1(X, Y), attained by the LP's optimal potential: a critic trained on the "
    "points, divided by its largest slope, approaches both.",
    "Section 3, the critic's estimate": "A critic's estimate divided by its Lipschitz "
    "constant K is about W1: at most W1 and within a factor of 2 of it, up to the measured "
    "scoring noise.",
    "Section 3, weight clipping (Algorithm 1)": "With weights clipped to a box the critic is "
    "K-Lipschitz for a K that depends only on the box: K is at most the box's bound, and the "
    "raw estimate is at most K * W1.",
    "Section 3, critics at the CLI's defaults": "Not a claim of the paper: how close a critic "
    "with a Lipschitz penalty comes to W1 on every pair (a measurement, no verdict).",
    "Critic benchmark (Korotin et al. 2022)": "Not a claim of the paper: what a WGAN critic's "
    "value and gradient get right on pairs whose optimal critic is known (a measurement, no "
    "verdict).",
    "Figure 3": "The critic's estimate E_real f - E_fake f falls as the samples improve, "
    "tracking the true distance.",
}


def verdict_word(passed: bool | None) -> str:
    """``"pass"``, ``"FAIL"`` or ``"measured"`` (no verdict) for a check's ``passed``."""
    return "measured" if passed is None else ("pass" if passed else "FAIL")


def format_value(x: Any) -> str:
    """A table cell: floats with 6 significant digits (``inf`` and ``log 2`` spelled out)."""
    if isinstance(x, bool):
        return "yes" if x else "NO"
    if isinstance(x, float):
        if math.isinf(x):
            return "+inf" if x > 0 else "-inf"
        if x == math.log(2.0):
            return "log 2"
        return f"{x:.6g}"
    return str(x)


@dataclass(frozen=True)
class EvidenceTable:
    """A table of evidence: a title, column names and rows of values."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]

    def __post_init__(self) -> None:
        for row in self.rows:
            if len(row) != len(self.columns):
                raise ValueError(
                    f"every row must have {len(self.columns)} cells "
                    f"({self.columns}); got {len(row)}: {row}"
                )

    def column(self, name: str) -> list[Any]:
        """The values of one column."""
        k = self.columns.index(name)
        return [row[k] for row in self.rows]

    def to_markdown(self) -> str:
        """A GitHub-flavoured Markdown table."""

        def cell(v: Any) -> str:
            return format_value(v).replace("|", "\\|")  # a bare | would end the cell

        head = "| " + " | ".join(cell(c) for c in self.columns) + " |"
        rule = "|" + "|".join("---" for _ in self.columns) + "|"
        body = ["| " + " | ".join(cell(v) for v in row) + " |" for row in self.rows]
        return "\n".join([f"**{self.title}**", "", head, rule, *body])


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one numerical check of a claim of the paper.

    Attributes
    ----------
    name : str
        Short name, e.g. ``"Theorem 1, Example 1"``.
    claim : str
        What was computed to check it, in words.
    tables : tuple of EvidenceTable
        The evidence (the first is the main one; may be empty).
    passed : bool or None
        Whether every condition of the check holds; ``None`` for a measurement that
        carries no verdict.
    failures : tuple of str
        What failed, in words (empty when passed).
    data : dict
        Arrays and objects behind the figures (not rendered).
    reference : str
        Where the paper makes the claim, e.g. ``"Theorem 2"``; defaults to ``name`` when it
        is a key of :data:`STATEMENTS`, else to the part of ``name`` before the first comma.
    statement : str
        The paper's claim in words; defaults to ``STATEMENTS[reference]``.
    headline : str
        The key numbers, one line.
    """

    name: str
    claim: str
    tables: tuple[EvidenceTable, ...]
    passed: bool | None
    failures: tuple[str, ...] = ()
    data: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    reference: str = ""
    statement: str = ""
    headline: str = ""

    def __post_init__(self) -> None:
        if not self.reference:
            ref = self.name if self.name in STATEMENTS else self.name.partition(", ")[0]
            object.__setattr__(self, "reference", ref)
        if not self.statement:
            object.__setattr__(self, "statement", STATEMENTS.get(self.reference, ""))
        if self.passed is not None and not isinstance(self.passed, bool):
            object.__setattr__(self, "passed", bool(self.passed))

    @property
    def verdict(self) -> str:
        """``"pass"``, ``"FAIL"`` or ``"measured"``."""
        return verdict_word(self.passed)

    @property
    def evidence(self) -> EvidenceTable:
        """The main evidence table."""
        return self.tables[0]

    def to_markdown(self, figures: Sequence[str] = ()) -> str:
        """A report section: heading with verdict, claim, tables, figure links, failures."""
        verdict = {"pass": "PASS", "FAIL": "FAIL", "measured": "measured"}[self.verdict]
        parts = [f"## {self.name}: {verdict}", ""]
        if self.statement:
            parts += [f"*{self.statement}*", ""]
        parts += [self.claim, ""]
        for fig in figures:
            parts += [f"![{self.name}]({fig})", ""]
        for table in self.tables:
            parts += [table.to_markdown(), ""]
        if self.failures:
            parts += ["Failed conditions:", ""] + [f"- {f}" for f in self.failures] + [""]
        return "\n".join(parts)
