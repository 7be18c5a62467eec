"""wgan-theory benchmark: WGAN critics on pairs whose optimal critic is known (2 to 128 D).

A pair (P, Q) of the W1 benchmark of Korotin, Kolesov and Burnaev (2022), P uniform on a cube
and Q its points moved toward the tips of cones ("funnels"), has a known optimal critic u (the
minimum of those cones), so its W1 and the best gradient at every point are
known (W1: the Wasserstein-1 or earth mover's distance, the value an optimal critic
estimates). A cell is one (dimension, number of funnels, method, seed): it fits a critic, then
scores it on fresh points: the value's signed relative error (estimate - W1) / W1, raw and
divided by K (the critic's largest gradient norm), and the gradient cosine, the mean cosine
between the critic's gradient and u's on the moved side Q (1 is perfect). Methods: clip
(weight clipping), gp (gradient penalty), lp (one-sided Lipschitz penalty), sn (spectral
normalisation), groupsort (GroupSort activations, orthonormal weights), ot (the exact
discrete OT of --n-ot samples per side, extended to a critic), otnet (a network fitted to that
exact solution's potential and plan directions, --steps Adam steps).

Files in --out: cells.csv (one row per finished cell, with its settings; --resume keeps the
rows whose settings match and runs the rest, and refuses a folder run with other settings),
then summary.csv, summary.md (their published numbers beside ours) and the figures
value_error.png and gradient_cosine.png. Ctrl-C stops the sweep; the finished cells stay in
cells.csv and the same command with --resume runs the rest, a cell stopped midway going on from
its last checkpoint in OUT/checkpoints (--checkpoint-every).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..config import DEVICES, INITS

__all__ = ["register", "run"]

_METHODS = ("clip", "gp", "lp", "sn", "groupsort", "ot", "otnet")


def _checkpoint_every(text: str) -> int | None:
    try:
        value = int(text)
        if value < 0:
            raise ValueError
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"--checkpoint-every takes a whole number of steps >= 0; got {text!r}") from None
    return value or None


def _settings(args: argparse.Namespace) -> Any:
    from ..benchmark.cell import BenchmarkCell
    from ..benchmark.table import SweepSettings, anchor_settings, quick_settings

    if args.quick and args.anchor:
        raise ValueError("--quick and --anchor are two different sweeps; give one")
    if args.quick:
        return quick_settings(device=args.device)
    if args.anchor:
        return anchor_settings(
            args.device, dims=tuple(args.dims or (2, 16, 64)),
            funnels=tuple(args.funnels or (4, 16, 64)),
            methods=tuple(args.methods or ("clip", "gp", "lp", "sn", "groupsort", "ot")),
            seeds=tuple(args.seeds or (0,)), steps_scale=args.steps_scale,
            n_ot=args.n_ot or 4096)
    if args.steps_scale != 1.0:
        raise ValueError("--steps-scale goes with --anchor (give --steps otherwise)")
    template = BenchmarkCell(
        dim=2, method="gp", pairs=args.pairs, pair_seed=args.pair_seed,
        steps=args.steps, width=args.width, depth=args.depth, batch_size=args.batch_size,
        lr=args.lr, penalty_weight=args.penalty_weight, init=args.init, device=args.device,
        threads=args.threads, n_eval=args.n_eval, n_ot=args.n_ot or 1024,
        power_iterations=args.power_iterations)
    return SweepSettings(dims=tuple(args.dims or (2, 4, 8, 16, 32, 64)),
                         methods=tuple(args.methods or ("clip", "gp", "lp", "sn")),
                         seeds=tuple(args.seeds or (0, 1, 2)),
                         funnels=tuple(args.funnels or (16,)), template=template)


def run(args: argparse.Namespace) -> int:
    """Build the settings, run the sweep, print the summary table."""
    from ..app.benchmark_sweep import run_sweep, summary_markdown
    from ..app.cell_sweep import finished_lines, run_for_cli

    def work() -> Any:
        settings = _settings(args)
        if args.device == "cuda":
            from ..device import resolve_device

            resolve_device("cuda")
        return run_sweep(settings, args.out, workers=args.workers, ray_address=args.ray,
                         resume=args.resume, progress=not args.quiet,
                         checkpoint_every=args.checkpoint_every,
                         on_note=lambda note: print(f"note: {note}", file=sys.stderr))

    status, outcome = run_for_cli("wgan-theory benchmark", work)
    if outcome is None:
        return status
    print(summary_markdown(outcome.table))
    print(finished_lines(outcome.ran, outcome.skipped, outcome.seconds, outcome.paths))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "benchmark",
        help="critics on pairs with a known optimal critic: value and gradient errors",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--dims", nargs="+", type=int, default=None,
                        help="dimensions of the pairs (default: 2 4 8 16 32 64; with --anchor "
                             "2 16 64)")
    parser.add_argument("--funnels", nargs="+", type=int, default=None,
                        help="funnels of each pair, the difficulty knob (default: 16; with "
                             "--anchor 4 16 64)")
    parser.add_argument("--methods", nargs="+", choices=_METHODS, default=None,
                        help="methods (default: clip gp lp sn; with --anchor clip gp lp sn "
                             "groupsort ot)")
    parser.add_argument("--seeds", nargs="+", type=int, default=None,
                        help="critic seeds (default: 0 1 2; with --anchor 0)")
    parser.add_argument("--pairs", choices=("generated", "kkb22"), default="generated",
                        help="generated: pairs drawn with --pair-seed; kkb22: the benchmark's "
                             "own stored pairs (dims 2 4 8 16 32 64 128, funnels 4 16 64 "
                             "256) (default: generated)")
    parser.add_argument("--pair-seed", type=int, default=0,
                        help="seed of generated pairs (default: 0)")
    parser.add_argument("--steps", type=int, default=2000, help="critic steps (default: 2000)")
    parser.add_argument("--width", type=int, default=128,
                        help="hidden units per layer (default: 128)")
    parser.add_argument("--depth", type=int, default=3, help="hidden layers (default: 3)")
    parser.add_argument("--batch-size", type=int, default=None,
                        help="samples per side per step (default: 64 for clip, 256 otherwise)")
    parser.add_argument("--lr", type=float, default=None,
                        help="learning rate (default: 5e-5 with RMSProp for clip, 1e-4 with "
                             "Adam otherwise)")
    parser.add_argument("--penalty-weight", type=float, default=10.0,
                        help="weight of the gp / lp penalty (default: 10)")
    parser.add_argument("--power-iterations", type=int, default=1,
                        help="power iterations per step of spectral normalisation (default: 1)")
    parser.add_argument("--init", choices=INITS, default="wgan-gp",
                        help="critic initialisation: PyTorch's, or the WGAN-GP toy script's "
                             "He / Glorot (default: wgan-gp)")
    parser.add_argument("--n-eval", type=int, default=8192,
                        help="scoring points per side (default: 8192; with --anchor 4096)")
    parser.add_argument("--n-ot", type=int, default=None,
                        help="samples per side of the ot and otnet critics (default: 1024; with "
                             "--anchor 4096)")
    parser.add_argument("--device", choices=DEVICES, default="auto",
                        help="device of the critic fits; scoring and the ot critic always "
                             "run on the CPU (default: auto, CUDA when present)")
    parser.add_argument("--threads", type=int, default=1,
                        help="torch threads per cell (default: 1)")
    parser.add_argument("--workers", type=int, default=1,
                        help="cells run at once in local processes (default: 1)")
    parser.add_argument("--ray", default=None, metavar="ADDRESS",
                        help="run the cells on the Ray cluster at ADDRESS (host:port, "
                             "ray://host:port, auto, or local to start one here); needs the "
                             "distributed extra: pip install 'wgan-theory[distributed]'")
    parser.add_argument("--resume", action="store_true",
                        help="keep the cells already in OUT/cells.csv that were run with the "
                             "same settings, run the rest (a cell stopped midway goes on from "
                             "its last checkpoint)")
    parser.add_argument("--checkpoint-every", type=_checkpoint_every, default=1000,
                        metavar="STEPS",
                        help="save a neural critic's fit every STEPS steps in OUT/checkpoints "
                             "(with its learning curve, KEY.progress.csv), so that --resume "
                             "goes on from there; 0: no checkpoints (default: 1000)")
    parser.add_argument("--quick", action="store_true",
                        help="the small sweep of 'reproduce --quick': 2-D and 8-D, gp and lp, "
                             "one seed, 500 steps ('reproduce' without --quick runs all four "
                             "of clip gp lp sn)")
    parser.add_argument("--anchor", action="store_true",
                        help="the W1 benchmark's own settings on its own pairs: 2 hidden "
                             "layers of max(2d, 128), Adam 2e-4 with betas (0, 0.9), batch "
                             "1024, steps gp/lp 40000, clip/sn 5000, groupsort 15000, "
                             "scoring on 4096 + 4096 points; --dims, --funnels, --methods, "
                             "--seeds choose the grid")
    parser.add_argument("--steps-scale", type=float, default=1.0,
                        help="with --anchor: multiply every method's steps by this, in "
                             "(0, 1] (a reduced grid for a CPU; default: 1)")
    parser.add_argument("--out", default="wgan-benchmark",
                        help="output folder (default: wgan-benchmark)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(func=run)
