"""Every file the application writes: CSV, JSON, Markdown, figures. Writers only write.

Each writer creates the parent folder, writes one artifact and returns its path(s). Floats go to
CSV as ``repr(float(v))`` (the shortest round-trip form; ``repr`` of a numpy 2 scalar would be
``np.float64(...)``), so a CSV read back gives the very numbers computed.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from distances.paper.dual_figures import DualFigure
    from distances.paper.results import EvidenceTable

__all__ = [
    "append_csv_row",
    "save_dual_figure",
    "save_figure",
    "write_csv",
    "write_json",
    "write_records",
    "write_table",
    "write_text",
]


def _parent(path: str | Path) -> Path:
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    return p


def _cell(v: Any) -> Any:
    if isinstance(v, (float, np.floating)):
        return repr(float(v))
    if isinstance(v, np.generic):  # numpy ints and bools as their Python values
        return v.item()
    return v


def write_csv(path: str | Path, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> Path:
    """Write rows to CSV with full float precision; returns the path."""
    p = _parent(path)
    with p.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(columns)
        for row in rows:
            w.writerow([_cell(v) for v in row])
    return p


def append_csv_row(path: str | Path, columns: Sequence[str], row: Sequence[Any]) -> Path:
    """Append one row (the header first, if the file is new or empty) and flush it to disk.

    For results that arrive one at a time (a sweep's cells), so an interrupted run keeps every
    finished row.
    """
    p = _parent(path)
    new = not p.exists() or p.stat().st_size == 0
    with p.open("a", newline="") as fh:
        w = csv.writer(fh)
        if new:
            w.writerow(columns)
        w.writerow([_cell(v) for v in row])
        fh.flush()
    return p


def write_records(
    path: str | Path, columns: Sequence[str], records: Iterable[Mapping[str, Any]]
) -> Path:
    """Rows given as dicts (keys not in ``columns`` ignored, missing ones left empty)."""
    return write_csv(path, columns, ([r.get(c, "") for c in columns] for r in records))


def write_table(path: str | Path, table: EvidenceTable) -> Path:
    """An evidence table of a check as CSV."""
    return write_csv(path, table.columns, table.rows)


def write_json(path: str | Path, data: Any) -> Path:
    """JSON, indented; numpy scalars and arrays written as floats and lists."""
    p = _parent(path)

    def default(o: Any) -> Any:
        if isinstance(o, np.ndarray):
            return o.tolist()
        return float(o)

    p.write_text(json.dumps(data, indent=2, default=default) + "\n")
    return p


def write_text(path: str | Path, text: str) -> Path:
    """A text (Markdown) file."""
    p = _parent(path)
    p.write_text(text)
    return p


def save_figure(
    fig: Figure,
    out_dir: str | Path,
    stem: str,
    *,
    pdf: bool = True,
    dpi: int = 150,
    bbox_inches: str | None = None,
    close: bool = True,
) -> list[Path]:
    """Write ``stem.png`` (and ``stem.pdf``) into ``out_dir`` (created); return the paths.

    ``close`` (default) closes the figure in pyplot afterwards.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / f"{stem}.png"]
    fig.savefig(paths[0], dpi=dpi, bbox_inches=bbox_inches)
    if pdf:
        paths.append(out / f"{stem}.pdf")
        fig.savefig(paths[1], bbox_inches=bbox_inches)
    if close:
        import matplotlib.pyplot as plt

        plt.close(fig)
    return paths


def save_dual_figure(
    fig: DualFigure, out_dir: str | Path, stem: str, *, pdf: bool = True
) -> list[Path]:
    """A KR-dual teaching figure: ``stem.png`` (and ``.pdf``) and one ``stem_<table>.csv`` each."""
    out = Path(out_dir)
    paths = save_figure(fig.figure, out, stem, pdf=pdf, bbox_inches="tight", close=False)
    for name, columns in fig.tables.items():
        floats = [np.asarray(c, dtype=float) for c in columns.values()]
        rows = zip(*floats, strict=True)
        paths.append(write_csv(out / f"{stem}_{name}.csv", list(columns), rows))
    return paths
