"""Checkpoints inside a benchmark cell: a long critic fit saved every few thousand steps.

At the W1 benchmark's settings one cell is hours of a CPU core (GroupSort at 64-D: 15 000
steps of a FullSort network with 20 Björck iterations a step), more than one session
holds. A cell with ``checkpoint_dir`` set saves, every ``checkpoint_every`` steps, everything
its fit needs to go on: the critic's and the optimiser's state, the two random generators
(batches and interpolates), the step reached and the fit's wall time so far, with the cell's
key and settings. The next run of the same cell (``--resume``) loads it and continues from
that step, so an interrupted-and-resumed fit is the same fit, number for number, as one that
ran straight through (tested). At each checkpoint the critic is also scored
(:func:`~.score.evaluate_critic`, the cell's own scoring points) and a row appended to
``{key}.progress.csv``: the learning curve of a long cell, readable while it runs.

The files, in ``checkpoint_dir``: ``{key}.pt`` (removed once the cell's row is computed) and
``{key}.progress.csv`` (kept).
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

__all__ = [
    "CHECKPOINT_FORMAT",
    "PROGRESS_COLUMNS",
    "FitState",
    "cell_identity",
    "checkpoint_path",
    "discard_checkpoint",
    "load_fit_state",
    "progress_path",
    "record_progress",
    "save_fit_state",
]

#: Version of the layout of a cell checkpoint.
CHECKPOINT_FORMAT = 1
#: Columns of ``{key}.progress.csv``.
PROGRESS_COLUMNS: tuple[str, ...] = ("step", "fit_seconds", "grad_cosine", "raw_error",
                                     "lipschitz", "load")


def checkpoint_path(folder: str | os.PathLike[str], key: str) -> Path:
    """Where the checkpoint of the cell ``key`` lives in ``folder``."""
    return Path(folder) / f"{key}.pt"


def progress_path(folder: str | os.PathLike[str], key: str) -> Path:
    """Where the learning curve of the cell ``key`` is written in ``folder``."""
    return Path(folder) / f"{key}.progress.csv"


@dataclass(frozen=True)
class FitState:
    """A fit's state at a checkpoint, as read back by :func:`load_fit_state`.

    Attributes
    ----------
    step : int
        Steps done.
    seconds : float
        Wall time of the fit up to ``step`` (summed over the runs that made it).
    critic, optimizer : dict
        ``state_dict()`` of the critic and of its optimiser.
    generators : tuple of ByteTensor
        ``get_state()`` of the fit's random generators, in the order they were saved.
    """

    step: int
    seconds: float
    critic: dict[str, Any]
    optimizer: dict[str, Any]
    generators: tuple[torch.Tensor, ...]


def cell_identity(cell: Any) -> dict[str, Any]:
    """What a checkpoint must match to be resumed: the cell's key and every setting that
    changes its numbers (:meth:`~.cell.BenchmarkCell.settings`)."""
    return {"key": cell.key, **cell.settings()}


def _identity_text(identity: Mapping[str, Any]) -> str:
    return json.dumps(identity, sort_keys=True, separators=(",", ":"))


def save_fit_state(
    path: str | os.PathLike[str],
    identity: Mapping[str, Any],
    *,
    step: int,
    seconds: float,
    critic: torch.nn.Module,
    optimizer: torch.optim.Optimizer,
    generators: Sequence[torch.Generator],
) -> Path:
    """Write the fit's state to ``path`` atomically (a temporary file, then a rename), so an
    interruption during the write leaves the previous checkpoint whole."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    state = {"format": CHECKPOINT_FORMAT, "identity": _identity_text(identity),
             "step": int(step), "seconds": float(seconds), "critic": critic.state_dict(),
             "optimizer": optimizer.state_dict(),
             "generators": [g.get_state() for g in generators]}
    tmp = path.with_name(path.name + ".tmp")
    torch.save(state, tmp)
    os.replace(tmp, path)
    return path


def load_fit_state(path: str | os.PathLike[str], identity: Mapping[str, Any]) -> FitState | None:
    """The state saved at ``path`` for the cell ``identity``; None when there is none.

    Raises
    ------
    ValueError
        In one line, when the file cannot be read as a checkpoint of this layout, or was
        written for another cell or other settings (naming the first difference).
    """
    import pickle

    path = Path(path)
    if not path.exists():
        return None
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except (RuntimeError, EOFError, OSError, pickle.UnpicklingError, ValueError) as exc:
        raise ValueError(f"{path} is not a readable cell checkpoint ({type(exc).__name__}); "
                         "remove it to start the cell again") from None
    if not isinstance(state, dict) or state.get("format") != CHECKPOINT_FORMAT:
        raise ValueError(f"{path} is not a cell checkpoint of format {CHECKPOINT_FORMAT}; "
                         "remove it to start the cell again")
    theirs = json.loads(state["identity"])
    mine = json.loads(_identity_text(identity))
    if theirs != mine:
        name = next(n for n in sorted(set(theirs) | set(mine)) if theirs.get(n) != mine.get(n))
        raise ValueError(f"{path} was saved with {name}={theirs.get(name)!r}, this cell has "
                         f"{name}={mine.get(name)!r}; remove it, or resume with the settings "
                         "it was run with")
    return FitState(step=int(state["step"]), seconds=float(state["seconds"]),
                    critic=state["critic"], optimizer=state["optimizer"],
                    generators=tuple(state["generators"]))


def discard_checkpoint(folder: str | os.PathLike[str], key: str) -> None:
    """Remove the checkpoint of ``key`` (a finished cell's row holds its result)."""
    checkpoint_path(folder, key).unlink(missing_ok=True)


def record_progress(folder: str | os.PathLike[str], key: str, *, step: int, seconds: float,
                    score: Any) -> Path:
    """Append one row of the learning curve (a :class:`~.score.CriticScore` at ``step``)."""
    path = progress_path(folder, key)
    path.parent.mkdir(parents=True, exist_ok=True)
    new = not path.exists() or path.stat().st_size == 0
    with path.open("a", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        if new:
            writer.writerow(PROGRESS_COLUMNS)
        writer.writerow([step, f"{seconds:.1f}", f"{score.cosine:.6f}",
                         f"{score.raw_error:.6f}", f"{score.lipschitz:.6f}",
                         f"{os.getloadavg()[0]:.1f}"])
    return path
