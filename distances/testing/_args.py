"""Eager validation of strategy and check arguments, with messages in the caller's terms."""

from __future__ import annotations

import math
import numbers
from typing import Any

from hypothesis.strategies import SearchStrategy

__all__ = [
    "check_bound",
    "check_choice",
    "check_count",
    "check_dim",
    "check_flag",
    "check_sizes",
    "check_strategy",
]


def _is_int(v: Any) -> bool:
    """A whole number: Python or numpy integers, not bools."""
    return isinstance(v, numbers.Integral) and not isinstance(v, bool)


def _typed(v: Any) -> str:
    """``repr(v)`` and its type, for values that print alike (``'2'`` and ``2``)."""
    return f"{v!r} ({type(v).__name__})"


def check_sizes(min_size: Any, max_size: Any, *, what: str = "atoms", minimum: int = 1) -> None:
    """``minimum <= min_size <= max_size``, both whole numbers."""
    for name, v in (("min_size", min_size), ("max_size", max_size)):
        if not _is_int(v):
            raise ValueError(
                f"{name} (the number of {what}) must be an integer; got {_typed(v)}"
            )
    if min_size < minimum:
        raise ValueError(
            f"min_size must be at least {minimum} (a measure has at least one atom); "
            f"got min_size={min_size}"
        )
    if max_size < min_size:
        raise ValueError(
            f"max_size must be at least min_size; got min_size={min_size}, max_size={max_size}"
        )


def check_dim(dim: Any) -> None:
    """``dim`` is a positive integer, or None (drawn from 1, 2, 3)."""
    if dim is not None and (not _is_int(dim) or dim < 1):
        raise ValueError(
            f"dim must be a positive integer or None (1, 2 or 3); got {_typed(dim)}"
        )


def check_bound(bound: Any, name: str = "bound") -> None:
    """A finite positive number."""
    if (
        isinstance(bound, bool)
        or not isinstance(bound, numbers.Real)
        or not (math.isfinite(bound) and bound > 0)
    ):
        raise ValueError(f"{name} must be a finite positive number; got {_typed(bound)}")


def check_count(value: Any, name: str) -> int:
    """A positive whole number (numpy integers too), returned as an int."""
    if not _is_int(value) or value < 1:
        raise ValueError(f"{name} must be a positive integer; got {_typed(value)}")
    return int(value)


def check_flag(value: Any, name: str) -> None:
    """A bool."""
    if not isinstance(value, bool):
        raise ValueError(f"{name} must be True or False; got {_typed(value)}")


def check_strategy(value: Any, name: str) -> None:
    """None or a hypothesis strategy."""
    if value is not None and not isinstance(value, SearchStrategy):
        raise ValueError(
            f"{name} must be a hypothesis strategy (e.g. st.floats(-1, 1)) or None; "
            f"got {type(value).__name__}"
        )


def check_choice(value: Any, name: str, allowed: tuple[str, ...]) -> None:
    """One of ``allowed``."""
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, allowed))}; got {value!r}")
