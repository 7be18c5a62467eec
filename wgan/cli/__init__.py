"""The ``wgan-theory`` command line.

Each subcommand lives in its own module of this package, with two functions:
``register(subparsers)`` adds its parser (and sets ``func``), and the function it sets
parses nothing itself: it calls the library and returns an exit code. Heavy imports
(torch, matplotlib) happen inside those functions, so ``wgan-theory --help`` is fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

__all__ = ["build_parser", "main"]

#: Modules that each register one subcommand, in the order ``--help`` lists them.
SUBCOMMANDS: tuple[str, ...] = (
    "wgan.cli.reproduce",
    "wgan.cli.distances_table",
    "wgan.cli.figure1",
    "wgan.cli.theorems",
    "wgan.cli.critic",
    "wgan.cli.critic_table",
    "wgan.cli.train",
    "wgan.cli.wgan_figures",
    "wgan.cli.benchmark",
    "wgan.cli.rates",
)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand registered."""
    parser = argparse.ArgumentParser(
        prog="wgan-theory",
        description=(
            "Exact TV, KL, JS and Wasserstein-1 distances, the WGAN paper's examples and "
            "theorems checked numerically, and WGAN critics measured against exact W1."
        ),
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in SUBCOMMANDS:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``wgan-theory`` console script; returns the exit code.

    A user's mistake is one line on stderr and exit status 2, never a traceback: a
    :class:`~wgan.cli._common.UsageError` (raised by a command, or by the ``--out``
    check every command gets here), a checkpoint that ``--resume`` cannot read, and an
    output file that cannot be written. Ctrl-C is one line too, with exit status 130
    (``train`` first finishes its iteration and checkpoints it, and returns 130 itself).
    """
    args = build_parser().parse_args(argv)
    prog = f"wgan-theory {args.command}"
    from ..checkpoint import CheckpointError
    from ._common import UsageError, check_output_folder

    try:
        if getattr(args, "out", None) is not None:
            check_output_folder(args.out)
        return int(args.func(args) or 0)
    except UsageError as exc:
        message = str(exc)
    except CheckpointError as exc:
        message = (f"--resume: cannot read the checkpoint {exc.path} ({exc.reason}); the "
                   f"metrics logged so far are kept in {exc.path.parent / 'metrics.csv'}; run "
                   "without --resume to start over (it overwrites them)")
    except OSError as exc:  # the folder checked out, but writing failed (disk full, races)
        where = f" {exc.filename}" if exc.filename else ""
        message = f"cannot write{where}: {exc.strerror or exc}"
    except KeyboardInterrupt:
        return _interrupted(prog, args)
    except SystemError as exc:  # numba reports Ctrl-C inside a compiled kernel so
        if not isinstance(exc.__cause__ or exc.__context__, KeyboardInterrupt):
            raise
        return _interrupted(prog, args)
    print(f"{prog}: error: {message}", file=sys.stderr)
    return 2


def _interrupted(prog: str, args: argparse.Namespace) -> int:
    kept = getattr(args, "out", None)
    kept_text = f"; the files finished before it are in {kept}" if kept else ""
    print(f"\n{prog}: interrupted (Ctrl-C){kept_text}", file=sys.stderr)
    return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
