"""``wgan-theory train``: train a WGAN on toy data, tracking the exact W1 beside the estimate."""

from __future__ import annotations

import argparse
import sys

from ..config import DATASETS
from ._common import add_common_options, common_kwargs

__all__ = ["register", "run"]

DESCRIPTION = """\
Train a WGAN on toy data, logging the critic's estimate of W1 beside the exact W1.

Every --log-every generator iterations, metrics.csv gets the critic's estimate, the exact
W1 between --n-exact real and generated points and the sampling floor (the exact W1
between two independent real samples of that size: closer than the floor, the samples
cannot tell the two apart). Also writes checkpoint.pt, training_curves.png/pdf,
samples.png/pdf with their data, and report.md into --out.

Ctrl-C finishes the current iteration, checkpoints it, draws the figures from it and
exits with status 130; --resume continues from OUT/checkpoint.pt (the seconds column too).
"""


def run(args: argparse.Namespace) -> int:
    """Build the TrainConfig, call wgan.train.train, write the figures."""
    from ..config import TrainConfig

    try:
        cfg = TrainConfig(dataset=args.dataset, generator_iterations=args.iterations,
                          n_critic=args.n_critic, log_every=args.log_every,
                          n_exact=args.n_exact, checkpoint_every=args.checkpoint_every,
                          checkpoint_seconds=args.checkpoint_seconds,
                          out_dir=args.out, progress=not args.quiet,
                          **common_kwargs(args))  # type: ignore[arg-type]
        from ..device import resolve_device

        resolve_device(cfg.device)
        from ..train import train

        history = train(cfg, resume=args.resume)
    except ValueError as exc:
        print(f"wgan-theory train: error: {exc}", file=sys.stderr)
        return 2
    from ..app.wgan_outputs import write_training_outputs

    paths = write_training_outputs(history)
    last = history.rows[-1] if history.rows else None
    print(f"{history.step} generator iterations; {history.iterations_run} in this process, "
          f"{history.iterations_per_second:.2f} it/s on {next(history.critic.parameters()).device}")
    if last:
        print(f"step {int(last['step'])}: exact W1 {last['exact_w1']:.4f} (floor "
              f"{last['floor']:.4f}), critic estimate {last['critic_estimate']:.4f}, "
              f"normalised {last['normalised_estimate']:.4f}")
    ckpt = (f"{history.checkpoint_path} (step {history.checkpoint_step})"
            if history.checkpoint_step >= 0 else "no checkpoint yet")
    print(f"wrote {history.metrics_path}, {ckpt}, " + ", ".join(str(p) for p in paths))
    return 130 if history.interrupted else 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "train",
        help="train a WGAN on toy data; log the critic's estimate beside the exact W1",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--dataset", choices=DATASETS, default="8gaussians",
                        help="real distribution (default: 8gaussians)")
    parser.add_argument("--iterations", type=int, default=1000,
                        help="generator iterations (default: 1000)")
    parser.add_argument("--n-critic", type=int, default=5, help="critic steps per generator step")
    parser.add_argument("--log-every", type=int, default=50,
                        help="K: log every K generator iterations (default: 50)")
    parser.add_argument("--n-exact", type=int, default=512,
                        help="n: points per side of the exact W1 (default: 512)")
    parser.add_argument("--checkpoint-every", type=int, default=250,
                        help="checkpoint every this many generator iterations (default: 250)")
    parser.add_argument("--checkpoint-seconds", type=float, default=30.0,
                        help="also checkpoint after this many seconds of work since the last "
                             "(default: 30)")
    parser.add_argument("--out", default="wgan-run", help="output folder (default: wgan-run)")
    parser.add_argument("--resume", action="store_true",
                        help="continue from OUT/checkpoint.pt")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    add_common_options(parser)
    parser.set_defaults(func=run)
