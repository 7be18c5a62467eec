"""A user's points or histograms, read from a file as they have it, into a :class:`Discrete`.

Formats (by extension):

- ``.csv``, ``.txt`` and anything else: text, one point per line, the coordinates separated
  by commas, semicolons, tabs or spaces. Blank lines and lines starting with ``#`` are
  skipped; one header line (any line whose fields are not all numbers, before the first
  row of numbers) is allowed; Windows line ends and a UTF-8 byte-order mark are fine.
- ``.npy``: one array, shape (n,) (points on the line) or (n, d).
- ``.npz``: the points under ``points`` (or ``atoms``, ``x``, or the only array in the
  file), optional weights under ``weights``.

Weights: the last column is a weight column when ``weights=True`` or when the header names
it ``weight``, ``weights``, ``mass``, ``count``, ``counts`` or ``probability``. Weights may
be counts: they are rescaled to sum to 1. Without them every point weighs the same.

Every problem is a :class:`MeasureFileError` (a ValueError) whose one-line message names
the file, the line and the rule: a missing or empty file, a binary file, rows of different
lengths, a field that is not a number, NaN or infinity, a negative weight.
"""

from __future__ import annotations

import math
import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "WEIGHT_NAMES",
    "MeasureFile",
    "MeasureFileError",
    "read_histograms",
    "read_measure_file",
]

#: Header names that mark the last column as weights.
WEIGHT_NAMES = frozenset({"weight", "weights", "mass", "count", "counts", "probability", "w"})

_SPLIT = re.compile(r"[,;\s]+")


class MeasureFileError(ValueError):
    """A file that cannot be read as points or weights; the message names file, line, rule."""


@dataclass(frozen=True)
class MeasureFile:
    """Points (and weights) as read from one file, before they become a measure.

    Attributes
    ----------
    path : Path
        The file.
    points : ndarray, shape (n, d)
        One row per point, float64, finite.
    weights : ndarray, shape (n,) or None
        Non-negative weights of positive sum (not yet rescaled); None for uniform weights.
    """

    path: Path
    points: NDArray[np.float64]
    weights: NDArray[np.float64] | None
    support: Path | None = None
    """The file of the points, for a histogram; None when ``path`` holds the points."""

    @property
    def dim(self) -> int:
        """The dimension d of the points."""
        return int(self.points.shape[1])

    def describe(self) -> str:
        """``"a.csv: 6 points in 2-D, uniform weights"``, for the table."""
        n = self.points.shape[0]
        if self.support is not None:
            return f"{self.path}: {n} weights on the points of {self.support} ({self.dim}-D)"
        w = "uniform weights" if self.weights is None else "weights from the file"
        return f"{self.path}: {n} point{'s' if n != 1 else ''} in {self.dim}-D, {w}"

    def measure(self) -> Any:
        """The :class:`distances.Discrete` measure (duplicate points merged, weights
        rescaled to sum to 1)."""
        from distances import Discrete

        return Discrete(self.points, self.weights, normalize=self.weights is not None)


def read_measure_file(path: str | os.PathLike[str], *, weights: bool = False) -> MeasureFile:
    """Read points, and weights if the file has a weight column, from ``path``.

    Parameters
    ----------
    path : path-like
        A ``.npy``, ``.npz`` or text (``.csv``, ``.txt``) file; see the module docstring.
    weights : bool, default False
        Read the last column as weights even without a header naming it.

    Raises
    ------
    MeasureFileError
        With a one-line message naming the file, the line and the rule broken.
    """
    p = Path(path)
    if not p.exists():
        raise MeasureFileError(f"{p}: no such file")
    if p.is_dir():
        raise MeasureFileError(f"{p}: is a folder, not a file")
    suffix = p.suffix.lower()
    if suffix == ".npy":
        pts, w = _from_npy(p), None
        if weights:
            pts, w = _split_weights(p, pts)
    elif suffix == ".npz":
        pts, w = _from_npz(p, weights)
    else:
        table, header = _read_text_table(p)
        named = header is not None and header[-1].strip().strip('"').lower() in WEIGHT_NAMES
        pts, w = _split_weights(p, table) if (weights or named) else (table, None)
    pts = _check_values(p, pts, "coordinate")
    if w is not None:
        _check_weights(p, w)
    return MeasureFile(p, pts, w)


def read_histograms(
    support: str | os.PathLike[str], *paths: str | os.PathLike[str]
) -> tuple[MeasureFile, ...]:
    """Histograms on a common support: the support's points, and one weight (or count) per
    support point in each of ``paths`` (one number a line, or one column)."""
    sup = read_measure_file(support)
    out = []
    for path in paths:
        p = Path(path)
        hist = read_measure_file(p)
        w = hist.points
        if w.shape[1] != 1:
            raise MeasureFileError(
                f"{p}: a histogram has one weight per line (one column); got {w.shape[1]} "
                "columns")
        w = w[:, 0]
        if w.shape[0] != sup.points.shape[0]:
            raise MeasureFileError(
                f"{p}: a histogram needs one weight per point of the support {sup.path} "
                f"({sup.points.shape[0]}); got {w.shape[0]}")
        _check_weights(p, w)
        out.append(MeasureFile(p, sup.points, w, sup.path))
    return tuple(out)


# -- the formats --------------------------------------------------------------------------


def _from_npy(p: Path) -> NDArray[Any]:
    try:
        arr = np.load(p, allow_pickle=False)
    except (ValueError, OSError, EOFError) as exc:
        raise MeasureFileError(f"{p}: not a readable .npy array ({_first_line(exc)})") from None
    return _as_table(p, arr, "the array")


def _from_npz(p: Path, weights: bool) -> tuple[NDArray[Any], NDArray[Any] | None]:
    try:
        with np.load(p, allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files}
    except (ValueError, OSError, EOFError, zipfile.BadZipFile) as exc:
        raise MeasureFileError(f"{p}: not a readable .npz archive ({_first_line(exc)})") from None
    key = next((k for k in ("points", "atoms", "x") if k in arrays), None)
    if key is None:
        others = [k for k in arrays if k != "weights"]
        if len(others) != 1:
            raise MeasureFileError(
                f"{p}: name the points 'points' in the archive; it holds "
                f"{sorted(arrays) or 'no arrays'}")
        key = others[0]
    pts = _as_table(p, arrays[key], f"the array {key!r}")
    if "weights" in arrays:
        w = np.asarray(arrays["weights"])
        if w.ndim != 1 or w.shape[0] != pts.shape[0]:
            raise MeasureFileError(
                f"{p}: 'weights' must have one weight per point ({pts.shape[0]}); got shape "
                f"{w.shape}")
        return pts, _numeric(p, w, "'weights'")
    return _split_weights(p, pts) if weights else (pts, None)


def _as_table(p: Path, arr: NDArray[Any], what: str) -> NDArray[Any]:
    arr = _numeric(p, arr, what)
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2:
        raise MeasureFileError(
            f"{p}: {what} must have shape (n,) or (n, d); got shape {arr.shape}")
    if arr.size == 0:
        raise MeasureFileError(f"{p}: no points ({what} has shape {arr.shape})")
    return arr


def _numeric(p: Path, arr: NDArray[Any], what: str) -> NDArray[np.float64]:
    if arr.dtype.kind not in "biuf":
        raise MeasureFileError(f"{p}: {what} must hold numbers; got dtype {arr.dtype}")
    return np.asarray(arr, dtype=np.float64)


def _read_text_table(p: Path) -> tuple[NDArray[np.float64], list[str] | None]:
    """Rows of numbers and the header line's fields (None if there was none)."""
    try:
        with p.open(encoding="utf-8-sig", newline=None) as fh:  # \r\n read as \n
            text = fh.read()
    except UnicodeDecodeError as exc:
        raise MeasureFileError(
            f"{p}: not a text file (byte 0x{exc.object[exc.start]:02x} at offset "
            f"{exc.start} is not UTF-8); give a .csv or .txt of numbers, a .npy or a .npz"
        ) from None
    if "\x00" in text:
        raise MeasureFileError(
            f"{p}: not a text file (it contains NUL bytes); give a .csv or .txt of numbers, "
            "a .npy or a .npz")
    header: list[str] | None = None
    rows: list[list[float]] = []
    width = 0
    first_line = 0
    for lineno, line in enumerate(text.split("\n"), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        fields = [f for f in _SPLIT.split(stripped) if f]
        values = [_number(f) for f in fields]
        if any(v is None for v in values):
            if not rows and header is None:
                header = fields
                continue
            bad = next(f for f, v in zip(fields, values, strict=True) if v is None)
            raise MeasureFileError(
                f"{p}, line {lineno}: {bad!r} is not a number (only the first line may be "
                "a header; comment lines start with #)")
        nonfinite = next((f for f, v in zip(fields, values, strict=True)
                          if not math.isfinite(v)), None)  # type: ignore[arg-type]
        if nonfinite is not None:
            raise MeasureFileError(
                f"{p}, line {lineno}: {nonfinite!r}: coordinates and weights must be finite "
                "numbers")
        if not rows:
            width, first_line = len(values), lineno
        elif len(values) != width:
            raise MeasureFileError(
                f"{p}, line {lineno}: {len(values)} value{'s' if len(values) != 1 else ''}, "
                f"but line {first_line} has {width}: every row needs the same number of "
                "columns")
        rows.append(values)  # type: ignore[arg-type]
    if not rows:
        what = "empty" if not text.strip() else "has no rows of numbers"
        raise MeasureFileError(f"{p}: {what}; expected one point per line")
    if header is not None and len(header) != width:
        header = None  # a title line rather than column names
    return np.asarray(rows, dtype=np.float64), header


def _number(field: str) -> float | None:
    try:
        return float(field.strip('"'))
    except ValueError:
        return None


def _split_weights(p: Path, table: NDArray[np.float64]) -> tuple[NDArray[Any], NDArray[Any]]:
    if table.shape[1] < 2:
        raise MeasureFileError(
            f"{p}: a weight column needs at least one coordinate column before it; the file "
            "has one column")
    return table[:, :-1], table[:, -1]


def _check_values(p: Path, arr: NDArray[np.float64], what: str) -> NDArray[np.float64]:
    bad = ~np.isfinite(arr)
    if bad.any():
        i, j = (int(k) for k in np.argwhere(bad)[0])
        raise MeasureFileError(
            f"{p}: {what}s must be finite numbers; got {arr[i, j]} in row {i + 1} (of the "
            f"numbers), column {j + 1}")
    return np.ascontiguousarray(arr) + 0.0  # -0.0 and 0.0: the same point


def _check_weights(p: Path, w: NDArray[np.float64]) -> None:
    _check_values(p, w[:, None], "weight")
    if (w < 0).any():
        i = int(np.argmax(w < 0))
        raise MeasureFileError(
            f"{p}: weights must be non-negative; got {w[i]} in row {i + 1} (of the numbers)")
    total = float(w.sum())
    if not (total > 0 and math.isfinite(total)):
        raise MeasureFileError(f"{p}: weights must have a positive, finite sum; got {total}")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
