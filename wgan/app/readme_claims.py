"""The README's claims table, made from the ``REPORT.md`` of a named ``reproduce`` run.

``python benchmarks/readme_claims.py`` rewrites the block of README.md between
:data:`BEGIN` and :data:`END` from the committed report :data:`REPORT` (a copy of
``results/REPORT.md`` of ``wgan-theory reproduce --out results``); a test checks that the
README holds what :func:`readme_block` makes of that report, so the README's numbers are
those of a run anyone can name (commit, seed, load) and rerun.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["BEGIN", "END", "REPORT", "Report", "parse_report", "readme_block", "replace_block"]

#: The committed report the README's table is made from, relative to the repository root.
REPORT = "benchmarks/results/reproduce_report.md"
BEGIN = ("<!-- claims table: made by `python benchmarks/readme_claims.py` from "
         f"{REPORT}; do not edit by hand -->")
END = "<!-- end of the claims table -->"

_SPLIT = re.compile(r"(?<!\\)\|")  # cell separators; "\|" inside a cell is text


@dataclass(frozen=True)
class Report:
    """What the README takes from a REPORT.md."""

    rows: tuple[tuple[str, ...], ...]
    """(paper, claim, computed, numbers, figure, verdict) per claim, as written."""
    settings: dict[str, str]
    run: dict[str, str]
    summary: str
    """The report's first sentence: how many claims pass."""


def _bullets(lines: list[str], heading: str) -> dict[str, str]:
    try:
        start = lines.index(heading) + 1
    except ValueError:
        return {}
    out = {}
    for line in lines[start:]:
        if line.startswith("## "):
            break
        if line.startswith("- "):
            key, _, value = line[2:].partition(": ")
            out[key] = value
    return out


def parse_report(text: str) -> Report:
    """The claims, settings and run of a ``REPORT.md`` written by
    :func:`wgan.app.report.write_report`."""
    lines = text.splitlines()
    header = "| Paper | Claim | Computed | Numbers | Figure | Verdict |"
    if header not in lines:
        raise ValueError(f"not a reproduce REPORT.md: no line {header!r}")
    start = lines.index(header) + 2
    rows = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in _SPLIT.split(line)[1:-1]]
        if len(cells) != 6:
            raise ValueError(f"a claims row must have 6 cells; got {len(cells)}: {line[:80]!r}")
        rows.append(tuple(cells))
    summary = next((line for line in lines[1:start] if line.strip()
                    and not line.startswith("|")), "")
    return Report(tuple(rows), _bullets(lines, "## Settings"), _bullets(lines, "## Run"),
                  summary)


def readme_block(report_text: str) -> str:
    """The README's block: which run, then the table (the report's Computed and Figure
    columns left out), between :data:`BEGIN` and :data:`END`."""
    rep = parse_report(report_text)
    command = rep.settings.get("command", "`wgan-theory reproduce`")
    device = rep.settings.get("device requested", "unknown")
    run = rep.run
    intro = (
        f"The claims table of the run recorded in `{REPORT}` ({command}, commit "
        f"{run.get('commit', 'unknown')}, seed {rep.settings.get('seed', '?')}, device "
        f"{device}, {run.get('cpu cores', '?')} CPU cores, load average "
        f"{run.get('load average at the start', '?')} at the start; stages "
        f"{run.get('total time of the stages', '?')}). {rep.summary}"
    )
    table = ["| Paper | Claim | Numbers (default settings) | Verdict |", "|---|---|---|---|"]
    table += [f"| {paper} | {claim} | {numbers} | {verdict} |"
              for paper, claim, _computed, numbers, _figure, verdict in rep.rows]
    return "\n".join([BEGIN, intro, "", *table, END])


def replace_block(readme_text: str, block: str) -> str:
    """``readme_text`` with the text from :data:`BEGIN` to :data:`END` replaced by ``block``."""
    try:
        start = readme_text.index(BEGIN)
        end = readme_text.index(END, start) + len(END)
    except ValueError:
        raise ValueError(f"the README has no block from {BEGIN!r} to {END!r}") from None
    return readme_text[:start] + block + readme_text[end:]
