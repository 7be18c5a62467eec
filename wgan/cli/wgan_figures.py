"""``wgan-theory figure2`` and ``wgan-theory example1-nets``: the paper's Figure 2 and Example 1
learned by networks, each written with its data."""

from __future__ import annotations

import argparse

__all__ = ["register", "run_example1", "run_figure2"]


def run_figure2(args: argparse.Namespace) -> int:
    """GAN discriminator vs WGAN critic on two 1-D Gaussians (figure2.png/pdf/csv/json)."""
    from ..app.wgan_outputs import write_figure2

    _, paths = write_figure2(args.out, quick=args.quick, seed=args.seed)
    for p in paths:
        print(f"wrote {p}")
    return 0


def run_example1(args: argparse.Namespace) -> int:
    """theta of g(z) = (theta, z) against a WGAN critic and a GAN discriminator."""
    from ..app.wgan_outputs import write_example1_learning

    _, paths = write_example1_learning(args.out, quick=args.quick, seed=args.seed)
    for p in paths:
        print(f"wrote {p}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    for name, func, default, help_ in (
        ("figure2", run_figure2, "wgan-figure2",
         "the paper's Figure 2: saturating GAN discriminator vs near-linear WGAN critic"),
        ("example1-nets", run_example1, "wgan-example1-nets",
         "Example 1 learned by networks: WGAN moves theta to 0, the GAN stalls"),
    ):
        parser = subparsers.add_parser(name, help=help_, description=func.__doc__)
        parser.add_argument("--out", default=default, help=f"output folder (default: {default})")
        parser.add_argument("--quick", action="store_true", help="small settings (seconds)")
        parser.add_argument("--seed", type=int, default=0)
        parser.set_defaults(func=func)
