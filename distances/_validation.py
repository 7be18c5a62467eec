"""Input validation shared by every public function of :mod:`distances`.

Each check raises :class:`ValueError` whose message states the rule and the
value that broke it, e.g. ``"weights must be non-negative; got -0.25 at index 3"``.
Everything that passes is returned as a C-contiguous ``float64`` array, whatever
the input dtype (integers, float32, lists).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "SUM_RTOL",
    "as_atoms",
    "as_cost_matrix",
    "as_float_array",
    "as_scalar",
    "as_weights",
    "check_same_dim",
    "check_same_length",
    "points_hint",
]

#: Relative tolerance on ``sum(weights) == 1`` (and on equal total masses).
SUM_RTOL = 1e-9

FloatArray = NDArray[np.float64]
_FLOAT_MAX = float(np.finfo(np.float64).max)


def _fmt(x: float) -> str:
    return f"{x:.17g}" if np.isfinite(x) else str(x)


def as_float_array(x: Any, name: str, *, ndim: tuple[int, ...] | None = None) -> FloatArray:
    """Convert ``x`` to a float64 array, rejecting non-numeric, complex and empty input.

    Parameters
    ----------
    x : array_like
        The input.
    name : str
        The argument's name, used in error messages.
    ndim : tuple of int, optional
        The accepted numbers of dimensions.
    """
    if isinstance(x, (str, bytes)):
        raise ValueError(f"{name} must be numeric; got a string {x!r}")
    _check_not_torch(x, name)
    try:
        raw = np.asarray(x)
    except (TypeError, ValueError) as exc:  # ragged nested sequences
        raise ValueError(
            f"{name} must be a numeric array; got {type(x).__name__} ({exc})"
        ) from None
    if raw.dtype.kind == "c":
        raise ValueError(f"{name} must be real; got complex dtype {raw.dtype}")
    if raw.dtype.kind in "USVMm":  # strings, bytes, records, dates and durations
        raise ValueError(
            f"{name} must be numeric; got dtype {raw.dtype} ({_short_repr(x)})"
        )
    if raw.dtype.kind == "O":  # e.g. a list of Fractions or Decimals
        raw = _object_to_float(raw, x, name)
    arr = np.ascontiguousarray(raw, dtype=np.float64)
    if ndim is not None and arr.ndim not in ndim:
        allowed = " or ".join(str(k) for k in ndim)
        hint = ""
        if name in ("P", "Q") and ndim == (1,) and arr.ndim == 2:  # points, not a vector
            hint = (f": {name} looks like {arr.shape[0]} points in {arr.shape[1]}-D; a "
                    "probability vector is 1-D. Wrap points in Discrete(...): pass Discrete(P) "
                    "and Discrete(Q) (uniform weights), or Discrete(points, weights)")
        raise ValueError(
            f"{name} must have {allowed} dimension(s); got shape {arr.shape}{hint}")
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty; got shape {arr.shape}")
    return arr


def _check_not_torch(x: Any, name: str) -> None:
    """Refuse torch tensors that numpy cannot take as they are (duck-typed: no torch import).

    A tensor that requires grad or lives on a GPU is refused rather than converted: the
    distances are computed in numpy, so no gradient would flow back and the caller should
    see that. A CPU tensor without grad is converted by numpy as usual.
    """
    if not type(x).__module__.startswith("torch"):
        return
    if getattr(x, "requires_grad", False):
        raise ValueError(
            f"{name} must be an array without autograd history; got a torch tensor that "
            "requires grad (distances are computed in numpy and pass no gradient back): "
            "pass tensor.detach()"
        )
    device = getattr(getattr(x, "device", None), "type", "cpu")
    if device != "cpu":
        raise ValueError(
            f"{name} must be in host memory; got a torch tensor on device {device!r}: "
            "pass tensor.cpu()"
        )


def _object_to_float(raw: NDArray[Any], x: Any, name: str) -> FloatArray:
    """Convert an object array of numbers; None, strings and the like are not numbers."""
    if any(isinstance(v, (str, bytes, type(None))) for v in raw.ravel()):
        raise ValueError(f"{name} must be numeric; got {_short_repr(x)}")
    try:
        return raw.astype(np.float64)
    except OverflowError:
        big = next(v for v in raw.ravel() if isinstance(v, int) and abs(v) > _FLOAT_MAX)
        raise ValueError(
            f"{name} must be within the float64 range (|x| <= 1.8e308); got an integer "
            f"of {len(str(abs(big)))} digits"
        ) from None
    except (TypeError, ValueError):
        raise ValueError(
            f"{name} must be numeric; got dtype {raw.dtype} ({_short_repr(x)})"
        ) from None


def _short_repr(x: Any) -> str:
    text = repr(x)
    return text if len(text) <= 60 else text[:57] + "..."


def _first_bad(mask: NDArray[np.bool_]) -> tuple[int, ...] | int:
    idx = np.unravel_index(int(np.argmax(mask)), mask.shape)
    return int(idx[0]) if len(idx) == 1 else tuple(int(i) for i in idx)


def as_scalar(x: Any, name: str, *, nonnegative: bool = False) -> float:
    """A finite real number (and >= 0 if ``nonnegative``) as a Python float.

    >>> as_scalar(-1, "margin", nonnegative=True)
    Traceback (most recent call last):
    ...
    ValueError: margin must be finite and non-negative; got -1
    """
    if isinstance(x, (str, bytes, bool, np.bool_)) or np.ndim(x) != 0:
        raise ValueError(f"{name} must be a real number; got {x!r}")
    _check_not_torch(x, name)
    try:
        v = float(x)
    except OverflowError:
        raise ValueError(
            f"{name} must be within the float64 range (|x| <= 1.8e308); got an integer "
            f"of {len(str(abs(int(x))))} digits"
        ) from None
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a real number; got {x!r}") from None
    if not math.isfinite(v) or (nonnegative and v < 0):
        rule = "finite and non-negative" if nonnegative else "finite"
        raise ValueError(f"{name} must be {rule}; got {x!r}")
    return v


def _check_finite(arr: FloatArray, name: str) -> None:
    finite = np.isfinite(arr)
    if not finite.all():
        where = _first_bad(~finite)
        raise ValueError(f"{name} must be finite; got {_fmt(float(arr[where]))} at index {where}")


def as_atoms(x: Any, name: str = "atoms") -> FloatArray:
    """Atoms of a finite measure as an ``(n, d)`` float64 array.

    A 1-D input of shape ``(n,)`` is read as ``n`` points on the line, shape ``(n, 1)``.
    """
    arr = as_float_array(x, name, ndim=(1, 2))
    _check_finite(arr, name)  # before reshaping, so the index is the one the user gave
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.shape[1] == 0:
        raise ValueError(f"{name} must have at least one coordinate; got shape {arr.shape}")
    # -0.0 and 0.0 are the same point: make them the same bits too.
    return arr + 0.0


def as_weights(w: Any, name: str = "weights", *, normalize: bool = False) -> FloatArray:
    """Probability weights: finite, non-negative, summing to 1 within :data:`SUM_RTOL`.

    With ``normalize=True`` any non-negative vector of positive finite sum is rescaled
    to sum to 1 instead of raising.
    """
    arr = as_float_array(w, name, ndim=(1,))
    _check_finite(arr, name)
    negative = arr < 0
    if negative.any():
        i = _first_bad(negative)
        raise ValueError(f"{name} must be non-negative; got {_fmt(float(arr[i]))} at index {i}")
    with np.errstate(over="ignore"):  # a sum that overflows is reported as inf below
        total = float(arr.sum())
    if not total > 0:
        raise ValueError(f"{name} must have positive total mass; got sum {_fmt(total)}")
    if normalize:
        # Divide by the largest weight first, so a sum that overflows to inf cannot
        # turn every weight into 0.
        scaled = arr / arr.max()
        return scaled / scaled.sum()
    if abs(total - 1.0) > SUM_RTOL:
        raise ValueError(
            f"{name} must sum to 1 (relative tolerance {SUM_RTOL:g}); got sum {_fmt(total)}; "
            "pass normalize=True to rescale"
        )
    return arr


def as_cost_matrix(c: Any, n: int, m: int, name: str = "cost") -> FloatArray:
    """A ground cost matrix of shape ``(n, m)`` with finite, non-negative entries."""
    arr = as_float_array(c, name, ndim=(2,))
    if arr.shape != (n, m):
        raise ValueError(f"{name} must have shape ({n}, {m}) to match the weights; got {arr.shape}")
    _check_finite(arr, name)
    negative = arr < 0
    if negative.any():
        i = _first_bad(negative)
        raise ValueError(f"{name} must be non-negative; got {_fmt(float(arr[i]))} at index {i}")
    return arr


def check_same_length(p: FloatArray, q: FloatArray, names: tuple[str, str] = ("P", "Q")) -> None:
    """Two probability vectors on a shared index support must have equal lengths."""
    if p.shape[0] != q.shape[0]:
        raise ValueError(
            f"{names[0]} and {names[1]} must have the same length on a shared support; "
            f"got {p.shape[0]} and {q.shape[0]}"
        )


def check_same_dim(d_p: int, d_q: int, names: tuple[str, str] = ("P", "Q")) -> None:
    """Two measures compared by a distance must live in the same dimension."""
    if d_p != d_q:
        raise ValueError(
            f"{names[0]} and {names[1]} must have atoms of the same dimension; got {d_p} and {d_q}"
        )


def points_hint(P: Any, Q: Any) -> str:
    """Advice for two arrays that look like point clouds passed where measures (or
    probability vectors with ``support=``/``cost=``) are expected; ``""`` otherwise.

    2-D arrays are points; 1-D arrays that are not probability vectors (a negative entry,
    or a sum other than 1) are read as samples on the line.

    >>> points_hint([[0., 0.], [1., 0.]], [[0., 1.], [1., 1.]])[:62]
    'P and Q look like points (shapes (2, 2) and (2, 2)), not proba'
    >>> points_hint([0.5, 0.5], [1.0, 0.0])
    ''
    """
    try:
        p, q = np.asarray(P, dtype=np.float64), np.asarray(Q, dtype=np.float64)
    except (TypeError, ValueError):
        return ""
    if p.ndim == 2 or q.ndim == 2:
        what = "points"
    elif p.ndim == q.ndim == 1 and p.size and q.size and not all(
        (v >= 0).all() and abs(float(v.sum()) - 1.0) <= SUM_RTOL for v in (p, q)
    ):
        what = "samples on the line"
    else:
        return ""
    return (
        f"P and Q look like {what} (shapes {p.shape} and {q.shape}), not probability "
        "vectors: wrap them in Discrete(...), e.g. earth_mover(Discrete(P), Discrete(Q)) "
        "(uniform weights; Discrete(points, weights) otherwise); "
    )
