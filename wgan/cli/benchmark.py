"""``wgan-theory benchmark``: WGAN critics on pairs with a known optimal critic (2 to 64 D).

Each (dimension, method, seed) cell fits a critic on a MinFunnel pair (Korotin, Kolesov and
Burnaev 2022) and measures its value error (raw and Lipschitz-normalised) against the pair's
W1 and its gradient against the optimal critic's gradient. One CSV row per finished cell
(cells.csv, written as cells finish; --resume skips the cells already there), then
summary.csv, summary.md and the figures value_error.png and gradient_cosine.png in --out.
"""

from __future__ import annotations

import argparse
import sys

from ..config import DEVICES, INITS

__all__ = ["register", "run"]

_METHODS = ("clip", "gp", "lp", "sn", "ot")


def run(args: argparse.Namespace) -> int:
    """Build the settings, run the sweep, print the summary table."""
    from ..app.benchmark_sweep import run_sweep, summary_markdown
    from ..benchmark.cell import BenchmarkCell
    from ..benchmark.table import SweepSettings, anchor_settings, quick_settings

    try:
        if args.quick and args.anchor:
            raise ValueError("--quick and --anchor are two different sweeps; give one")
        if args.quick:
            settings = quick_settings(device=args.device)
        elif args.anchor:
            settings = anchor_settings(device=args.device, n_funnels=args.funnels)
        else:
            template = BenchmarkCell(
                dim=2, method="gp", n_funnels=args.funnels, pair_seed=args.pair_seed,
                steps=args.steps, width=args.width, depth=args.depth,
                batch_size=args.batch_size, lr=args.lr, penalty_weight=args.penalty_weight,
                init=args.init, device=args.device, threads=args.threads,
                n_eval=args.n_eval, n_ot=args.n_ot)
            settings = SweepSettings(dims=tuple(args.dims), methods=tuple(args.methods),
                                     seeds=tuple(args.seeds), template=template)
        if args.device == "cuda":
            from ..device import resolve_device

            resolve_device("cuda")
        outcome = run_sweep(settings, args.out, workers=args.workers, ray_address=args.ray,
                            resume=args.resume, progress=not args.quiet)
    except ValueError as exc:
        print(f"wgan-theory benchmark: error: {exc}", file=sys.stderr)
        return 2
    print(summary_markdown(outcome.table))
    print(f"{outcome.ran} cells run, {outcome.skipped} resumed, {outcome.seconds:.1f} s")
    for p in outcome.paths:
        print(f"wrote {p}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "benchmark",
        help="critics on pairs with a known optimal critic: value and gradient errors",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--dims", nargs="+", type=int, default=[2, 4, 8, 16, 32, 64],
                        help="dimensions (default: 2 4 8 16 32 64)")
    parser.add_argument("--methods", nargs="+", choices=_METHODS,
                        default=["clip", "gp", "lp", "sn"],
                        help="critics, and the ot baseline (default: clip gp lp sn)")
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2],
                        help="critic seeds (default: 0 1 2)")
    parser.add_argument("--funnels", type=int, default=16,
                        help="funnels of each pair, the difficulty knob (default: 16)")
    parser.add_argument("--pair-seed", type=int, default=0, help="seed of the pairs")
    parser.add_argument("--steps", type=int, default=2000, help="critic steps (default: 2000)")
    parser.add_argument("--width", type=int, default=128, help="hidden units (default: 128)")
    parser.add_argument("--depth", type=int, default=3, help="hidden layers (default: 3)")
    parser.add_argument("--batch-size", type=int, default=None,
                        help="samples per side per step (default: 64 for clip, 256 otherwise)")
    parser.add_argument("--lr", type=float, default=None,
                        help="learning rate (default: 5e-5 RMSProp for clip, 1e-4 Adam "
                             "otherwise)")
    parser.add_argument("--penalty-weight", type=float, default=10.0,
                        help="lambda of gp / lp (default: 10)")
    parser.add_argument("--init", choices=INITS, default="wgan-gp",
                        help="critic initialisation (default: wgan-gp)")
    parser.add_argument("--n-eval", type=int, default=8192,
                        help="evaluation points per cell (default: 8192)")
    parser.add_argument("--n-ot", type=int, default=1024,
                        help="samples per side of the ot baseline (default: 1024)")
    parser.add_argument("--device", choices=DEVICES, default="auto",
                        help="device of the critic fits; evaluation and the ot baseline "
                             "always run on the CPU (default: auto)")
    parser.add_argument("--threads", type=int, default=1, help="torch threads per cell")
    parser.add_argument("--workers", type=int, default=1,
                        help="local worker processes (default: 1)")
    parser.add_argument("--ray", default=None, metavar="ADDRESS",
                        help="run the cells on the Ray cluster at ADDRESS ('local' starts "
                             "one here); needs the [distributed] extra")
    parser.add_argument("--resume", action="store_true",
                        help="keep the cells already in OUT/cells.csv, run the rest")
    parser.add_argument("--quick", action="store_true",
                        help="the reproduce stage's sweep: 2-D and 8-D, gp and lp, one seed")
    parser.add_argument("--anchor", action="store_true",
                        help="the anchor check: 2-D, gp and lp at the W1 benchmark paper's "
                             "settings (40k steps, batch 1024, Adam 2e-4; a GPU job), "
                             "--funnels of them")
    parser.add_argument("--out", default="wgan-benchmark", help="output folder")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(func=run)
