"""Where torch computes: the one place a device name becomes a :class:`torch.device`.

``resolve_device`` turns ``"auto" | "cpu" | "cuda"`` into a device (``auto``: CUDA when
present), :func:`describe_device` says in words what a run used, and :func:`torch_threads`
sets torch's CPU thread count for a block and restores it afterwards, so no library function
changes global torch state for its caller.
"""

from __future__ import annotations

import contextlib
import platform
from collections.abc import Iterator

import torch

__all__ = ["describe_device", "resolve_device", "torch_threads"]


def resolve_device(device: str) -> torch.device:
    """``auto`` -> CUDA when available, else CPU; ``cuda`` without a GPU raises ValueError."""
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device == "cpu":
        return torch.device("cpu")
    if device == "cuda":
        if not torch.cuda.is_available():
            raise ValueError(
                "device 'cuda' was asked for but torch.cuda.is_available() is False on this "
                "machine; use device='auto' or 'cpu'"
            )
        return torch.device("cuda")
    raise ValueError(f"device must be one of auto, cpu, cuda; got {device!r}")


def describe_device(requested: str) -> str:
    """What ``requested`` resolves to here, in words (GPU name, or CPU and torch threads)."""
    if torch.cuda.is_available() and requested in ("auto", "cuda"):
        return f"cuda ({torch.cuda.get_device_name(0)})"
    cpu = platform.processor() or platform.machine()
    return f"cpu ({cpu}, torch threads {torch.get_num_threads()})"


@contextlib.contextmanager
def torch_threads(n: int) -> Iterator[None]:
    """Run a block with ``torch.set_num_threads(n)``; the previous count is restored after.

    Small networks train fastest on one thread (no thread-pool overhead); the caller's own
    setting is left as it was.
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"the number of threads must be an integer >= 1; got {n!r}")
    before = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(before)
