"""The critic benchmark: pairs with a known optimal critic in 2 to 64 (128) dimensions.

Korotin, Kolesov and Burnaev (NeurIPS 2022) built pairs (P, Q) whose optimal critic is a
MinFunnel potential u, so the exact W1, the optimal plan and the OT gradient are known; this
package builds them (:mod:`~wgan.benchmark.funnels`), measures a critic's value and gradient
against them (:mod:`~wgan.benchmark.metrics`), runs one (pair, method, seed) cell
(:mod:`~wgan.benchmark.cell`) and a small table of cells (:mod:`~wgan.benchmark.table`).
Everything returns frozen objects; the sweep runner that writes files is
``wgan.app.benchmark_sweep``.
"""

from .cell import BENCH_METHODS, BenchmarkCell, BenchMethod, CellResult, run_cell
from .funnels import FunnelPair, make_funnel_pair
from .metrics import GradientAgreement, gradient_agreement, relative_error
from .table import (
    BenchmarkTable,
    SummaryRow,
    SweepSettings,
    anchor_settings,
    benchmark_table,
    quick_settings,
    summarise,
)

__all__ = [
    "BENCH_METHODS",
    "BenchMethod",
    "BenchmarkCell",
    "BenchmarkTable",
    "CellResult",
    "FunnelPair",
    "GradientAgreement",
    "SummaryRow",
    "SweepSettings",
    "anchor_settings",
    "benchmark_table",
    "gradient_agreement",
    "make_funnel_pair",
    "quick_settings",
    "relative_error",
    "run_cell",
    "summarise",
]
