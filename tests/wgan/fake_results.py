"""Fake results for the WGAN verdict rules (wgan.checks): a critic's scores, a training
run's history and a critic-against-potential comparison, built with exactly the numbers the
rules read. One place for tests/wgan/test_verdict_rules.py (the rules at their thresholds)
and tests/wgan/test_checks_can_fail.py (the rules in worlds where their claim is false).
"""

from __future__ import annotations

import dataclasses
import math
from types import SimpleNamespace
from typing import Any

import numpy as np

from wgan.critic import CriticResult
from wgan.dual_compare import PotentialComparison

__all__ = ["FakeHistory", "critic_result", "history", "potential_comparison"]


def critic_result(method: str = "lp", *, raw: float, k: float = 1.0, w1: float = 1.0,
                  raw_stderr: float = 0.0625, bound: float = math.nan, n_eval: int = 800,
                  pair: str = "translation") -> CriticResult:
    """A critic scored on a pair of known ``w1``: its raw estimate, its largest gradient norm
    ``k`` (its slope bound too), the standard error of ``raw`` and, for ``clip``, the
    clipping box's bound of K. The defaults make the thresholds binary fractions: with
    K W1 = 1, 4 standard errors of 0.0625 widen the band [1/2, 1] to [0.25, 1.25]."""
    normalised = raw / k if k > 0 else 0.0
    return CriticResult(pair, method, w1, raw, k, k, normalised, raw / w1 - 1,
                        normalised / w1 - 1, 100, 1.0, n_eval, raw_stderr, bound)


@dataclasses.dataclass
class FakeHistory:
    """What check_figure3 reads of a wgan.train.History: columns, step, speed, config."""

    columns: dict[str, np.ndarray]
    step: int = 400
    iterations_per_second: float = 12.5
    config: SimpleNamespace = dataclasses.field(default_factory=lambda: SimpleNamespace(
        method="gp", dataset="8gaussians", log_every=100, n_exact=512))

    def column(self, name: str) -> np.ndarray:
        return self.columns[name]


def history(steps: Any, exact: Any, raw: Any, est: Any = None,
            floor: Any = None) -> FakeHistory:
    """A training run logged at ``steps``: exact W1, the raw estimate, the normalised one
    (twice the raw by default) and the sampling floor (a number or a series; 0.05 by
    default)."""
    steps, exact, raw = (np.asarray(a, dtype=float) for a in (steps, exact, raw))
    est = raw * 2 if est is None else np.asarray(est, dtype=float)
    floor = np.broadcast_to(np.asarray(0.05 if floor is None else floor, dtype=float),
                            steps.shape)
    return FakeHistory({"step": steps, "exact_w1": exact, "critic_estimate": raw,
                        "normalised_estimate": est, "floor": floor})


def potential_comparison(solution: Any, *, exact: float, normalised: float, gap: float,
                         values: np.ndarray | None = None, slope: float = 1.0,
                         unique: bool = True) -> PotentialComparison:
    """A critic compared with the LP potential of ``solution`` (anything with ``potential``,
    ``p`` and ``q``): the exact value, the normalised critic's value and its largest
    distance ``gap`` to the potential; the critic's ``values`` on the atoms (zeros by
    default) and slope K; whether the potential is unique on the atoms. No network."""
    values = np.zeros(np.size(solution.potential)) if values is None else values
    return PotentialComparison(solution, None, values, slope, exact, normalised * slope,
                               normalised, gap * slope, gap, 0.0, unique, 0.0)
