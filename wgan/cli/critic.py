"""``wgan-theory critic``: fit a critic on a pair with a known W1 and compare its estimate
(comparison 1), or on N fixed points against their exact LP value (comparison 2)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..config import PAIRS
from ._common import add_common_options, common_kwargs

__all__ = ["register", "run"]

DESCRIPTION = """\
Fit a WGAN critic f and compare its estimate of W1 with the exact W1.

Comparison 1 (the default): f is trained on fresh samples of a pair (P, Q) whose W1 is
known exactly (--pair): translation, P = 8 Gaussians and Q = P moved by --shift, W1 =
shift; dilation, Q = the law of a X, W1 = (a - 1) E|X|; example1, the paper's parallel
lines, W1 = |theta|; 8g-vs-25g, 8 against 25 Gaussians, W1 from exact transport on large
stratified samples. Printed: the raw estimate E_P f - E_Q f on --n-eval fresh points, f's
Lipschitz constant K (its largest gradient norm), and the normalised estimate raw / K,
each with its signed error against W1.

Comparison 2 (--finite N): f is trained on N fixed points per side of the --pair
pair and compared with the exact W1 between those same points (the linear program's
value): by Kantorovich-Rubinstein duality the normalised value (raw / f's largest slope
over the point pairs) cannot exceed it.

Writes OUT/critic_result.json (comparison 2 also its figure and data).
"""


def run(args: argparse.Namespace) -> int:
    """Fit the critic, print its estimates against the exact W1, write result.json."""
    from ..config import CriticConfig

    try:
        cfg = CriticConfig(pair=args.pair, iterations=args.iterations, shift=args.shift,
                           dilation=args.dilation, theta=args.theta, n_eval=args.n_eval,
                           n_lipschitz=args.n_lipschitz,
                           **common_kwargs(args))  # type: ignore[arg-type]
        if args.finite is not None and args.finite < 2:
            raise ValueError(f"--finite must be at least 2; got {args.finite}")
        _check_memory(cfg)
        from ..critic import evaluate_critic
        from ..device import resolve_device

        resolve_device(cfg.device)
    except ValueError as exc:
        print(f"wgan-theory critic: error: {exc}", file=sys.stderr)
        return 2
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if args.finite is not None:
        from ..app.wgan_outputs import write_finite_sample

        fs, paths = write_finite_sample(out, n=args.finite, config=cfg,
                                        progress=not args.quiet)
        res = fs.result
        data = {"comparison": 2, "config": cfg.to_dict(), **res.to_dict()}
        print(f"{cfg.pair}: {cfg.method} critic on {res.n} + {res.n} fixed points "
              f"({cfg.iterations} steps, {res.seconds:.1f} s)")
        print(f"  exact LP W1(X, Y)          {res.exact:.6f}")
        print(f"  raw mean f(X) - mean f(Y)  {res.raw:.6f}")
        print(f"  largest slope over X x Y   {res.slope:.6f}")
        print(f"  normalised (raw / slope)   {res.normalised:.6f}  "
              f"({res.relative_gap:+.2%}; duality: <= exact "
              f"{'holds' if res.normalised <= res.exact else 'VIOLATED'})")
        print(f"  raw / max gradient norm    {res.normalised_by_gradient:.6f}")
        for p in paths:
            print(f"wrote {p}")
    else:
        res1, _ = evaluate_critic(cfg, progress=not args.quiet)
        data = {"comparison": 1, "config": cfg.to_dict(), **res1.to_dict()}
        print(f"{cfg.pair}: {cfg.method} critic, {cfg.iterations} steps, {res1.seconds:.1f} s")
        print(f"  exact W1                 {res1.w1:.6f}")
        print(f"  raw estimate             {res1.raw:.6f}  ({res1.raw_error:+.2%})")
        print(f"  Lipschitz K (max grad)   {res1.lipschitz:.6f}  "
              f"(pairwise-slope lower bound {res1.slope_bound:.6f})")
        print(f"  normalised estimate      {res1.normalised:.6f}  ({res1.normalised_error:+.2%})")
    path = out / "critic_result.json"
    path.write_text(json.dumps(data, indent=2) + "\n")
    print(f"wrote {path}")
    return 0


def evaluation_bytes(n_eval: int, n_lipschitz: int, width: int, dim: int = 2) -> int:
    """Memory of the final estimate, in bytes: the 2 x n_eval points and two layers of
    activations in float64, and the pairwise slopes among min(n_lipschitz, n_eval) points."""
    k = min(n_lipschitz, n_eval)
    return 8 * n_eval * (2 * dim + 2 * width) + 8 * 3 * k * k


def _check_memory(cfg) -> None:  # type: ignore[no-untyped-def]
    from ..app.memory import machine_memory, size_text

    need, have = evaluation_bytes(cfg.n_eval, cfg.n_lipschitz, cfg.width), machine_memory()
    if need > have:
        raise ValueError(
            f"--n-eval {cfg.n_eval} with --n-lipschitz {cfg.n_lipschitz} and --width "
            f"{cfg.width} needs about {size_text(need)} of memory for the estimate; this "
            f"machine has {size_text(have)}")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "critic",
        help="fit a WGAN critic on a pair with known W1 and compare its estimate",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--pair", choices=PAIRS, default="translation",
                        help="the pair (P, Q) (default: translation)")
    parser.add_argument("--iterations", type=int, default=4000,
                        help="critic steps (default: 4000)")
    parser.add_argument("--shift", type=float, default=1.0, help="|v| of translation")
    parser.add_argument("--dilation", type=float, default=1.5, help="a of dilation")
    parser.add_argument("--theta", type=float, default=0.5, help="theta of example1")
    parser.add_argument("--n-eval", type=int, default=100_000,
                        help="fresh points per side for the estimate (default: 100000)")
    parser.add_argument("--n-lipschitz", type=int, default=2000,
                        help="points per side (and interpolates) for the Lipschitz estimates "
                             "(default: 2000)")
    parser.add_argument("--finite", type=int, default=None, metavar="N",
                        help="comparison 2: fit on N fixed points per side and compare with the "
                             "exact W1 between those points")
    parser.add_argument("--out", default="wgan-critic", help="output folder")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    add_common_options(parser)
    parser.set_defaults(func=run)
