"""Training checkpoints: reading one back, and the error for a file that is not one.

Torch is imported inside :func:`load_checkpoint` only, so :class:`CheckpointError` can be
imported (e.g. by the command line) without it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

__all__ = ["CHECKPOINT_FORMAT", "CHECKPOINT_KEYS", "CheckpointError", "load_checkpoint"]

#: Version of the checkpoint layout written by :func:`wgan.train.train`.
CHECKPOINT_FORMAT = 1
#: The entries every checkpoint holds.
CHECKPOINT_KEYS: tuple[str, ...] = (
    "format", "config", "step", "critic", "generator", "critic_opt", "generator_opt",
    "train_rng", "eval_rng",
)


class CheckpointError(Exception):
    """A checkpoint file that cannot be read back: truncated, foreign or of another format.

    Attributes
    ----------
    path : Path
        The file.
    reason : str
        What is wrong with it, in a few words.
    """

    def __init__(self, path: str | os.PathLike[str], reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"cannot read the checkpoint {self.path}: {reason}")


def load_checkpoint(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Load a checkpoint written by :func:`wgan.train.train` (``weights_only=True``).

    Raises
    ------
    CheckpointError
        When the file is missing, cannot be unpickled by torch (truncated, not a torch
        file, or holding code rather than tensors), or lacks the entries of format
        :data:`CHECKPOINT_FORMAT`.
    """
    import pickle

    import torch

    path = Path(path)
    try:
        ckpt = torch.load(path, map_location="cpu", weights_only=True)
    except FileNotFoundError:
        raise CheckpointError(path, "no such file") from None
    except (RuntimeError, EOFError, OSError, pickle.UnpicklingError, ValueError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise CheckpointError(
            path, f"not a complete torch checkpoint (truncated or foreign file: {first[:120]})"
        ) from None
    if not isinstance(ckpt, dict):
        raise CheckpointError(path, f"holds a {type(ckpt).__name__}, not a training checkpoint")
    if ckpt.get("format") != CHECKPOINT_FORMAT:
        raise CheckpointError(
            path, f"format must be {CHECKPOINT_FORMAT}; got {ckpt.get('format')!r}"
        )
    missing = [k for k in CHECKPOINT_KEYS if k not in ckpt]
    if missing:
        raise CheckpointError(path, f"missing entries {', '.join(missing)}")
    return ckpt
