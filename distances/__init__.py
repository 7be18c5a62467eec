"""Exact probability distances between finite measures: TV, KL, JS and Wasserstein-1.

Conventions (see the documentation's "The four distances"): total variation in [0, 1],
KL and JS in natural log with JS carrying the factor 1/2, W1 with the Euclidean ground
distance, everything in float64.

Hypothesis strategies for property tests live in the submodule :mod:`distances.testing`
(``import distances.testing``; it is not imported here, so ``import distances`` does not
load hypothesis).
"""

from .divergences import js_divergence, kl_divergence, on_common_support, total_variation
from .measures import Discrete
from .wasserstein import (
    Certificate,
    EarthMoverSolution,
    SolverError,
    certify,
    earth_mover,
    earth_mover_solution,
)

__all__ = [
    "Certificate",
    "Discrete",
    "EarthMoverSolution",
    "SolverError",
    "certify",
    "earth_mover",
    "earth_mover_solution",
    "js_divergence",
    "kl_divergence",
    "on_common_support",
    "total_variation",
]
