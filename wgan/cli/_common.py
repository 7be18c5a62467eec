"""Options shared by the WGAN subcommands (argparse only; no torch here)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from ..config import DEVICES, METHODS

__all__ = ["UsageError", "add_common_options", "check_output_folder", "common_kwargs"]


class UsageError(Exception):
    """A mistake of the user's that the CLI reports in one line, with exit status 2."""


def check_output_folder(path: str | os.PathLike[str], option: str = "--out") -> Path:
    """``path`` as a folder the command can create (if absent) and write into.

    Nothing is created here. Raises :class:`UsageError` when ``path`` is an existing
    file, when a parent on the way to it is a file, or when the nearest existing folder
    is not writable.
    """
    out = Path(path)
    if out.exists() and not out.is_dir():
        raise UsageError(f"{option} must name a folder; {out} is an existing file")
    probe = out
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    if not probe.is_dir():
        raise UsageError(f"{option}: cannot create the folder {out}: {probe} is a file")
    if not os.access(probe, os.W_OK | os.X_OK):
        what = "write into" if probe == out else "create the folder"
        raise UsageError(f"{option}: cannot {what} {out}: {probe} is not writable")
    return out


def add_common_options(parser: argparse.ArgumentParser, *, method_default: str = "gp") -> None:
    """--method, --width, --depth, --batch-size, --lr, --clip, --penalty-weight, --seed,
    --device, --threads."""
    parser.add_argument("--method", choices=METHODS, default=method_default,
                        help="Lipschitz control: clip (Algorithm 1), gp, lp, sn "
                             "(default: %(default)s)")
    parser.add_argument("--width", type=int, default=128, help="hidden units (default: 128)")
    parser.add_argument("--depth", type=int, default=3, help="hidden layers (default: 3)")
    parser.add_argument("--batch-size", type=int, default=None,
                        help="samples per side per step (default: the method's, 64 for clip, "
                             "256 otherwise)")
    parser.add_argument("--lr", type=float, default=None,
                        help="learning rate (default: 5e-5 for clip; otherwise 1e-4 for "
                             "critic, 1e-3 for train)")
    parser.add_argument("--clip", type=float, default=0.01, help="clipping box c (default: 0.01)")
    parser.add_argument("--penalty-weight", type=float, default=None,
                        help="lambda of gp / lp (default: 10 for critic, 0.1 for train)")
    parser.add_argument("--seed", type=int, default=0, help="the run's one seed (default: 0)")
    parser.add_argument("--device", choices=DEVICES, default="auto",
                        help="auto (CUDA when present), cpu, cuda (default: auto)")
    parser.add_argument("--threads", type=int, default=1,
                        help="CPU threads for torch (default: 1)")


def common_kwargs(args: argparse.Namespace) -> dict[str, object]:
    """The shared options as config keyword arguments (None values left out)."""
    kw = {
        "method": args.method, "width": args.width, "depth": args.depth,
        "batch_size": args.batch_size, "lr": args.lr, "clip": args.clip,
        "penalty_weight": args.penalty_weight, "seed": args.seed, "device": args.device,
        "threads": args.threads,
    }
    return {k: v for k, v in kw.items() if v is not None}
