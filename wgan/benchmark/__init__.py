"""The critic benchmark: pairs with a known optimal critic in 2 to 128 dimensions.

Korotin, Kolesov and Burnaev (NeurIPS 2022) built pairs (P, Q) whose optimal critic is a
MinFunnel potential u, so the exact W1, the optimal plan and the OT gradient are known. This
package builds such pairs (:mod:`~wgan.benchmark.funnels`), loads their own 28 stored pairs and
released scores (:mod:`~wgan.benchmark.anchor`), scores any critic the way they do
(:mod:`~wgan.benchmark.score`: :func:`evaluate_critic`), fits the critics
(:mod:`~wgan.benchmark.training`, GroupSort included) and the exact-OT critic
(:mod:`~wgan.benchmark.exact_ot`), runs one (pair, method, seed) cell
(:mod:`~wgan.benchmark.cell`) and a table of cells (:mod:`~wgan.benchmark.table`).
Everything returns frozen objects; the sweep runner that writes files is
``wgan.app.benchmark_sweep``.
"""

from .anchor import (
    ANCHOR_DIMS,
    ANCHOR_FUNNELS,
    ANCHOR_METHODS,
    AnchorScore,
    anchor_best,
    anchor_metrics,
    load_anchor_pair,
)
from .cell import BENCH_METHODS, BenchmarkCell, BenchMethod, CellResult, run_cell
from .exact_ot import ExactOTCritic, ExactOTFit, fit_exact_ot_critic
from .funnels import FunnelPair, make_funnel_pair
from .metrics import GradientAgreement, gradient_agreement, relative_error
from .score import CriticScore, evaluate_critic
from .table import (
    BenchmarkTable,
    PairBest,
    SummaryRow,
    SweepSettings,
    anchor_settings,
    benchmark_table,
    best_per_pair,
    quick_settings,
    summarise,
)

__all__ = [
    "ANCHOR_DIMS",
    "ANCHOR_FUNNELS",
    "ANCHOR_METHODS",
    "BENCH_METHODS",
    "AnchorScore",
    "BenchMethod",
    "BenchmarkCell",
    "BenchmarkTable",
    "CellResult",
    "CriticScore",
    "ExactOTCritic",
    "ExactOTFit",
    "FunnelPair",
    "GradientAgreement",
    "PairBest",
    "SummaryRow",
    "SweepSettings",
    "anchor_best",
    "anchor_metrics",
    "anchor_settings",
    "benchmark_table",
    "best_per_pair",
    "evaluate_critic",
    "fit_exact_ot_critic",
    "gradient_agreement",
    "load_anchor_pair",
    "make_funnel_pair",
    "quick_settings",
    "relative_error",
    "run_cell",
    "summarise",
]
