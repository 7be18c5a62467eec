"""Structured results of the theorem checks: a claim in words, evidence tables, a verdict.

Every check in :mod:`distances.theorems` returns a :class:`CheckResult`; the command
``wgan-theory theorems`` renders them as Markdown and writes each table as CSV.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["CheckResult", "EvidenceTable", "format_value", "write_csv"]


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
        Short name, e.g. ``"Theorem 1 (1)-(2), Example 1"``.
    claim : str
        The claim in words, and how it is checked.
    tables : tuple of EvidenceTable
        The evidence (the first is the main one).
    passed : bool
        Whether every condition of the check holds.
    failures : tuple of str
        What failed, in words (empty when passed).
    data : dict
        Arrays behind the figures (not rendered).
    """

    name: str
    claim: str
    tables: tuple[EvidenceTable, ...]
    passed: bool
    failures: tuple[str, ...] = ()
    data: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def evidence(self) -> EvidenceTable:
        """The main evidence table."""
        return self.tables[0]

    def to_markdown(self, figures: Sequence[str] = ()) -> str:
        """A report section: heading with verdict, claim, tables, figure links, failures."""
        verdict = "PASS" if self.passed else "FAIL"
        parts = [f"## {self.name}: {verdict}", "", self.claim, ""]
        for fig in figures:
            parts += [f"![{self.name}]({fig})", ""]
        for table in self.tables:
            parts += [table.to_markdown(), ""]
        if self.failures:
            parts += ["Failed conditions:", ""] + [f"- {f}" for f in self.failures] + [""]
        return "\n".join(parts)


def write_csv(path: str | Path, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> Path:
    """Write rows to CSV with full float precision; returns the path.

    Floats, numpy's included, are written as ``repr(float(v))`` (shortest round-trip form;
    ``repr`` of a numpy 2 scalar would be ``np.float64(...)``). The parent folder is created.
    """
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    with p.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(columns)
        for row in rows:
            w.writerow([_cell(v) for v in row])
    return p


def _cell(v: Any) -> Any:
    if isinstance(v, (float, np.floating)):
        return repr(float(v))
    if isinstance(v, np.generic):  # numpy ints and bools as their Python values
        return v.item()
    return v
