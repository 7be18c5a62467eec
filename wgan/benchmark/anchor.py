"""The W1 benchmark's own pairs and released numbers (Korotin, Kolesov and Burnaev 2022).

Their 28 stored nd pairs (dimension D in 2 ... 128, K in 4, 16, 64, 256 funnels, map degree 8,
pair seed 987) and their released metrics per method ship with this package, under their MIT
licence (``wgan/benchmark/data/korotin_w1/LICENSE.md``).

* :func:`load_anchor_pair` returns one of their pairs as a :class:`~.funnels.FunnelPair`: their
  funnel centres and offsets, their cube :math:`[-2.5, 2.5]^D` and degree 8, so the potential,
  the sampler (their ``MotionSampler``) and W1 are theirs (W1 here by Monte Carlo over
  ``n_mc`` plan samples; their ``true`` row used 4096).
* :func:`anchor_metrics` returns their released scores of one pair, one
  :class:`AnchorScore` per method, under their method names (:data:`ANCHOR_METHODS`, with our
  names in :data:`OUR_NAMES`).
* :func:`anchor_best` names the method with the best published cosine of a pair.

Their sides are named the other way round (their critic maximises
:math:`E_{\\text{moved}} f - E_{\\text{cube}} f`, so its optimum is :math:`-u`); the value
and the cosine do not depend on that choice, so their numbers compare with ours as they are.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from .funnels import FunnelPair, check_int, monte_carlo_w1

__all__ = [
    "ANCHOR_DIMS",
    "ANCHOR_FUNNELS",
    "ANCHOR_METHODS",
    "OUR_NAMES",
    "AnchorScore",
    "anchor_best",
    "anchor_metrics",
    "load_anchor_pair",
]

ANCHOR_DIMS: tuple[int, ...] = (2, 4, 8, 16, 32, 64, 128)
"""Dimensions of their stored nd pairs."""
ANCHOR_FUNNELS: tuple[int, ...] = (4, 16, 64, 256)
"""Numbers of funnels ("width" in their file names) of their stored nd pairs."""
ANCHOR_METHODS: tuple[str, ...] = (
    "wgan", "wgan-gp", "wgan-lp", "sn-gan", "lsot-f", "3p-wgan", "sort-out", "wgan-qp",
    "cowgan", "3p-wgan_rev", "dot",
)
"""Their methods, in their names (``wgan`` is weight clipping, ``sort-out`` GroupSort with
orthogonal weights, ``dot`` the discrete OT of 4096 + 4096 samples)."""
OUR_NAMES: dict[str, str] = {"wgan": "clip", "wgan-gp": "gp", "wgan-lp": "lp",
                             "sn-gan": "sn", "sort-out": "groupsort", "dot": "ot"}
"""Their method name -> the method of :data:`~.cell.BENCH_METHODS` that follows it."""

_DATA = Path(__file__).parent / "data" / "korotin_w1"
_HALF_WIDTH = 2.5
_DEGREE = 8.0
_PAIR_SEED = 987


def _check_grid(dim: object, n_funnels: object) -> None:
    check_int("dim", dim, 1)
    check_int("n_funnels", n_funnels, 1)
    if dim not in ANCHOR_DIMS or n_funnels not in ANCHOR_FUNNELS:
        raise ValueError(
            f"the anchor stores pairs for dim in {ANCHOR_DIMS} and n_funnels in "
            f"{ANCHOR_FUNNELS}; got dim={dim}, n_funnels={n_funnels}")


@dataclass(frozen=True)
class AnchorScore:
    """One method's released scores on one pair.

    Attributes
    ----------
    method : str
        Their name of the method.
    cosine : float
        Mean cosine between the critic's gradient and the optimal one on 4096 moved points.
    l2 : float
        Mean squared distance between the two gradients on the same kind of points.
    cost : float
        The critic's W1 estimate on 4096 + 4096 fresh points (for ``true``: the pair's W1).
    relative_error : float
        cost / (their true W1) - 1.
    """

    method: str
    cosine: float
    l2: float
    cost: float
    relative_error: float


@cache
def _metrics(dim: int, n_funnels: int) -> dict[str, tuple[float, float, float]]:
    path = _DATA / "metrics" / f"dim_{dim}" / f"width_{n_funnels}" / "metrics_deg_8_seed_2.csv"
    with path.open(newline="") as fh:
        return {row[""]: (float(row["cos"]), float(row["l2"]), float(row["cost"]))
                for row in csv.DictReader(fh)}


def anchor_metrics(dim: int, n_funnels: int) -> dict[str, AnchorScore]:
    """Their released scores on the pair (dim, n_funnels): method -> :class:`AnchorScore`.

    The ``true`` entry holds their W1 (``cost``), cosine 1 and L2 0.

    Examples
    --------
    >>> m = anchor_metrics(16, 16)
    >>> round(m["true"].cost, 4), round(m["wgan-lp"].cosine, 3)
    (1.7375, 0.921)
    """
    _check_grid(dim, n_funnels)
    raw = _metrics(dim, n_funnels)
    true = raw["true"][2]
    return {name: AnchorScore(name, cos, l2, cost, cost / true - 1.0)
            for name, (cos, l2, cost) in raw.items()}


def anchor_best(dim: int, n_funnels: int) -> AnchorScore:
    """The method with the best published cosine on the pair (``true`` excluded).

    >>> anchor_best(64, 16).method, round(anchor_best(64, 16).cosine, 3)
    ('sort-out', 0.947)
    """
    scores = [s for name, s in anchor_metrics(dim, n_funnels).items() if name != "true"]
    return max(scores, key=lambda s: s.cosine)


def load_anchor_pair(dim: int, n_funnels: int, *, n_mc: int = 2**17,
                     mc_seed: int = 0) -> FunnelPair:
    """Their stored pair with ``n_funnels`` funnels in dimension ``dim``, as a FunnelPair.

    Parameters
    ----------
    dim : int
        One of :data:`ANCHOR_DIMS`.
    n_funnels : int
        One of :data:`ANCHOR_FUNNELS`.
    n_mc : int, default 2**17
        Plan samples behind the Monte Carlo W1 (theirs used 4096).
    mc_seed : int, default 0
        Seed of those plan samples.

    Returns
    -------
    FunnelPair
        ``seed`` is their pair seed (987); ``source`` is ``"kkb22"``.

    Examples
    --------
    >>> pair = load_anchor_pair(2, 4, n_mc=4096)
    >>> pair.name, pair.centres.shape
    ('kkb22-d2-k4', (4, 2))
    >>> load_anchor_pair(3, 4)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: the anchor stores pairs for dim in (2, 4, ...); got dim=3, n_funnels=4
    """
    import torch

    _check_grid(dim, n_funnels)
    check_int("n_mc", n_mc, 2)
    path = _DATA / "pairs" / f"dim_{dim}" / f"width_{n_funnels}" / "deg_8_seed_987.pt"
    state = torch.load(path, map_location="cpu", weights_only=True)
    centres = state["net.centers"].to(torch.float64).numpy()
    biases = state["net.bias"].to(torch.float64).numpy()
    draft = FunnelPair(np.ascontiguousarray(centres), np.ascontiguousarray(biases), _HALF_WIDTH,
                       _DEGREE, _PAIR_SEED, math.nan, math.nan, int(n_mc), source="kkb22")
    w1, stderr = monte_carlo_w1(draft, n_mc, torch.Generator().manual_seed(mc_seed))
    return FunnelPair(draft.centres, draft.biases, _HALF_WIDTH, _DEGREE, _PAIR_SEED, w1, stderr,
                      int(n_mc), source="kkb22")
