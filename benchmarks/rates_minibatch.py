"""The sampling floor a WGAN critic's minibatches see: exact W1 between two independent
minibatches of the same law, in 2-D, for the project's toy datasets and the two laws of
``wgan-theory rates``, at batch sizes 64 (WGAN's clipping default), 256 (the others') and 512
(``wgan-theory train``'s exact-W1 sample, ``n_exact``).

Run: ``nice -n 10 python benchmarks/rates_minibatch.py`` (about a minute). Writes
benchmarks/results/rates_minibatch.csv (one row per law and batch size: mean, std over 20 pairs
of batches, and E|X - X'|, the mean distance between two independent points, as a scale) and
prints it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import torch

from distances import Discrete, earth_mover
from distances.sample_complexity import sample_law
from wgan.app.artifacts import write_csv
from wgan.data import sample_dataset

SIZES = (64, 256, 512)
PAIRS = 20
LAWS = ("uniform", "gaussian", "8gaussians", "25gaussians", "swissroll")


def draw(law: str, n: int, seed: int) -> np.ndarray:
    if law in ("uniform", "gaussian"):
        return sample_law(law, n, 2, np.random.default_rng([seed, n, 7]))
    gen = torch.Generator().manual_seed(1000 * n + seed)
    return sample_dataset(law, n, gen).double().numpy()


def main() -> int:
    rows = []
    for law in LAWS:
        a, b = draw(law, 20000, 10**6), draw(law, 20000, 10**6 + 1)
        scale = float(np.mean(np.linalg.norm(a - b, axis=1)))  # E|X - X'|
        for n in SIZES:
            w = [earth_mover(Discrete(draw(law, n, 2 * s)), Discrete(draw(law, n, 2 * s + 1)))
                 for s in range(PAIRS)]
            rows.append((law, n, PAIRS, float(np.mean(w)), float(np.std(w, ddof=1)), scale,
                         float(np.mean(w)) / scale))
            print(f"{law:12s} n={n:4d}: floor {np.mean(w):.4f} +- {np.std(w, ddof=1):.4f} "
                  f"({np.mean(w) / scale:.1%} of E|X - X'| = {scale:.3f})", flush=True)
    out = Path(__file__).parent / "results" / "rates_minibatch.csv"
    write_csv(out, ("law", "n", "pairs", "floor_mean", "floor_std", "mean_distance",
                    "floor_over_mean_distance"), rows)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
