"""The sparse solver's options: one frozen, validated object instead of module constants.

Every tuning value of the column generation lives in :class:`SparseOptions`, with the
measurement that set it. The solver reads its options from the object it is given;
``benchmarks/tune_sparse.py`` times variants by passing ``SparseOptions(per_row=4)``
(nothing is patched). The tolerances are not options: they follow from the certificate
(:mod:`distances.transport._problem`).

Private module: :class:`SparseOptions` is re-exported by :mod:`distances.sparse_w1`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import lru_cache

import numpy as np

from ._problem import DEFAULT_MAX_ITER, check_max_iter

__all__ = ["CELL_SIZE_MAX", "SparseOptions", "options"]

#: The largest ``cell_size``: each pair of coarse cells that exchange mass links
#: ``cell_size ** 2`` pairs of points, so the coarse level's edges take about
#: ``16 (n + m) cell_size`` bytes (cell_size = 100,000 asked for 9.3 GiB at n = 3000).
CELL_SIZE_MAX = 64


@dataclass(frozen=True)
class SparseOptions:
    """Options of :func:`~distances.sparse_w1.solve_sparse` (frozen; validated on creation).

    The first six are the keywords of ``solve_sparse``; the others are the solver's tuning
    values, each set by a measurement quoted below (``python benchmarks/tune_sparse.py
    --variant NAME=VALUE`` times a change against the defaults, interleaved).

    Attributes
    ----------
    k_neighbors : int, default 8
        Nearest neighbours per point in the first candidate set (both directions).
    local_neighbors : int, default 48
        Neighbours per point checked by the cheap local pricing before a full scan.
    cell_size : int, default 4
        Points per cell of the coarse problem (0 or 1: no coarse level; at most
        ``CELL_SIZE_MAX``, 64).
    coarsen_above : int or None, default None
        Solve a coarse problem first when both clouds have more points than this; None:
        ``coarsen_above_low_d`` in up to 2 dimensions, ``coarsen_above_3d`` in 3 and
        ``coarsen_above_high_d`` above.
    max_rounds : int, default 500
        Rounds of solve-and-price that reach the optimum on their candidates before
        :class:`~distances.SolverError` is raised.
    max_iter : int, default 1_000_000
        Iteration limit of each network-simplex solve (then 10x and 100x).
    coarsen_above_low_d, coarsen_above_3d, coarsen_above_high_d : int, default 100, 200, 800
        The default ``coarsen_above``: above 3-D k-d cells of 4 points are far from local
        (and the star start does not use the coarse plan). ``--sizes 500 700 1000 2000
        --dims 8 32 --variant coarsen_above=100``, four shapes summed: without a coarse
        level 13 % less time at n = 500, 10 % at 700; at 1000 in 8-D 7 % more, at 2000
        14 % more. In 3-D (``benchmarks/ab_small.py --dims 3 --variant
        coarsen_above_low_d=600`` when it set 3-D's threshold too; eight shapes summed,
        CPU, best of 5, load 1-1.5): without a coarse level 0.88x-0.93x the time at 500 x
        125, 500 x 167 and 500 x 250, uniform and weighted, 0.97x at 500 x 250 weighted;
        with it, 1000 x 333 weighted took 0.94x the time of without (1000 x 500 0.98x;
        1000 x 1000 and 2000 x 1000 0.90x and 0.83x). (Those 3-D figures predate the
        coarse level's least-cost start and the 3-D dual start: 200 since, see
        ``dual_start_ratio_3d``.) In 2-D the coarse level pays from
        500 x 167 (without it 1.02x-1.19x the time at 500 x 167 and 500 x 250; at 500 x
        125 0.89x uniform, 1.06x weighted).
    per_row : int, default 16
        Violated pairs per row that a scan adds (the most violated ones). 16, not 4: the
        bench_peers shapes took 4-7 % less time at n = 2000 (stretched 2-D 15 %), the same
        at 500, 1000 and 20,000.
    partial_pivots : int, default 2
        Problems whose cost matrix is not kept price their local lists after
        ``partial_pivots`` x n pivots, without waiting for the optimum on the candidates
        (0: wait). Optima of intermediate candidate sets are detours: from the same first
        basis, all the final candidates at once took 494,000 pivots (8 Gaussians vs a
        Gaussian, n = 20,000), the rounds 1.6 million. ``--sizes 20000 --dims 2``, two
        passes, the four shapes in sum: 2 pivots an atom 19.4-19.5 s, 4 19.9-20.0 s,
        waiting 20.3-20.5 s, 1 21.1-22.0 s.
    matrix_max_pairs, matrix_max_pairs_high_d : int, default 2**22 and 2**26
        Up to this many pairs (32 MB of costs; above 3-D 512 MB, n = m = 8192) the cost
        matrix is computed once and every round prices all pairs from it, in one compiled
        loop. Above 3-D k-d trees degrade to brute force and each scan would recompute
        d-term distances (32-D, n = 8000: 12.5 s without the matrix, 3.4 s with it).
    index32_nodes : int, default 8192
        From this many atoms (n + m) the simplex numbers nodes and arcs in int32: half the
        memory for the pivots to walk (2-D: 7-10 % less time at n = 20,000, 2 % at 8000;
        int32 at every size cost 1-2 % at 2000).
    renumber_nodes : int, default 8192
        From this many atoms, problems whose cost matrix is not kept renumber the
        simplex's nodes in the tree's order and sort its arcs by source before each solve
        (2-D, n = 20,000: two samples of one law 3.1-3.3 s -> 2.6 s, 8 Gaussians vs a
        Gaussian 10.5-11.5 -> 8.6-9.4 s; with the arcs sorted too, the four shapes 9 %
        less in sum at 20,000, 8 % at 8000, 1.5 % at 5000).
    renumber_pivots, renumber_within_nodes : float, int; default 0.125 and 2**20
        From ``renumber_within_nodes`` atoms (node arrays beyond the caches), renumbered
        problems renumber again within a round after every ``renumber_pivots`` x (n + m)
        pivots (0: only before each round): the pivots scatter the tree's order over the
        node arrays. The finest level of n = m = 10^6 in 2-D (two samples of one
        Gaussian), its first 3 million pivots from the same basis, CPU microseconds a
        pivot (load 9-11): never 5-14 over the first 500,000, then rising to 90-240 from
        1.25 million on; every 250,000 pivots 4-20, 8-14 with the renumberings (about
        1 s each); every 500,000 about 12 with them; every 10^6 6-29, rising within each
        stretch (``benchmarks/renumber_pivots.py``; the whole solve:
        ``benchmarks/results/bench_peers_single_alike_1000000_2d.txt``).
    brute_force_pairs : int, default 2**19
        Up to this many pairs (n = m = 724) the first neighbours are found by brute force,
        above with two k-d trees (2-D, 8 neighbours: 8 Gaussians vs a Gaussian 0.62 vs
        0.94 ms at n = 500, 6.3 vs 5.3 at 2000).
    bulk_radius : float, default 3.0
        The seeds of problems whose cost matrix is kept (up to ``aligned_max_d``) are nearest
        neighbours after mapping x by the transport map between the clouds' Gaussian
        approximations; their moments leave out the points beyond ``bulk_radius`` times
        the median Mahalanobis distance when those hold more than a tenth of the spread
        (heavy tails; ``inf``: every point counts). Student t with 2 degrees of freedom
        against a Gaussian (bench_peers ``heavy``), 2-D, 500 x 500, 1000 x 1000 and
        500 x 250, three seeds: 26 % fewer pivots at 3 than with every point, 24 % at 4;
        the seven other bench_peers shapes the same pivots.
    aligned_max_d : int, default 12
        Above 3-D the first neighbours of a problem whose cost matrix is kept come from
        the aligned clouds (as in 2-D and 3-D, by brute force) up to this dimension and
        ``brute_force_pairs`` pairs, else from the cost matrix (the clouds not aligned).
        ``benchmarks/ab_small.py --repeat 5 --variant aligned_max_d=3`` (the matrix's
        neighbours, as before; eight shapes summed, CPU, best of 5, load 1.5-1.75;
        ``benchmarks/results/ab_small_aligned_max_d.txt``): those took 1.15x the time at
        500 x 167 weighted in 4-D, 1.035x in 8-D, 1.05x in 12-D (in 16-D, the same rule
        either way, 1.02x: the harness's noise); in 8-D
        1.04x at 500 x 250, 1.07x at 500 x 500, 1.03x at 500 x 125 and 1.15x at 1000 x 333
        weighted (fewer pivots: the clustered clouds at 500 x 167 weighted in 8-D 5,838 ->
        4,125). In 32-D the alignment itself (a 32 x 32 eigen-decomposition of the bulk
        moments: 1.9 ms) made the whole solve 1.4x slower at 500 x 167 weighted, in 16-D
        1.05x at 500 x 250, and in 8-D at 1000 x 1000 (k-d trees) 1.08x (scratch A/Bs).
    plan_neighbors : int, default 16
        Neighbours of each end of a plan pair checked by the local pricing.
    polish, polish_rounds, polish_max_pairs : float, int, int; default 1e-3, 2, 10**8
        Up to ``polish_max_pairs`` pairs, up to ``polish_rounds`` more rounds add the
        pairs violated beyond ``polish`` x the pricing tolerance (2-D, stretched n = 1000,
        8 Gaussians vs a Gaussian n = 2000: agreement with dense 5e-16, not 1.5e-12 and
        5e-13).
    coarse_dense_pairs : int, default 2**13
        A coarse level of up to this many pairs of cells (8192: 125 x 63 cells under
        500 x 250 points) is solved on all its pairs at once
        (:func:`~distances.transport._simplex.all_pairs_plan`: the kernel's simplex from
        the least-cost plan) instead of by column generation: its plan only seeds the finer
        level, and the column generation of so small a problem spent most of its time
        around the pivots. POT's ``ot.emd`` did this until it proved slower than the
        kernel: 0.99-1.14 ms a coarse level against 0.74-0.87 (eight 2-D shapes of
        ``benchmarks/bench_peers.py``, 500 x 250 and 500 x 167 weighted, CPU, load 1).
        With POT, ``python benchmarks/ab_small.py --dims 2 --repeat 9 --variant
        coarse_dense_pairs=0`` (CPU seconds, load 13-14;
        ``benchmarks/results/ab_small_coarse_dense_*.txt``) had the column generation at
        1.039x the time at 500 x 250 (``--ratio 2``) and 1.057x at 500 x 167 weighted
        (``--ratio 3 --weights random``); with the kernel (load 1.2) 16384 and 32768
        were within 3 % of 8192 at 500 x 500 and 1000 x 500.
    dense_pairs : int, default 125,000
        A problem that keeps its cost matrix and has at most this many pairs is solved on
        all of them at once (:func:`~distances.transport._simplex.all_pairs_plan`, the
        kernel that solves the small coarse levels), then priced and certified as the last
        round of a column generation would be: no neighbours, no coarse level, no rounds.
        0: never. ``python benchmarks/ab_small.py --dims 2 3 8 --repeat 5 --variant
        dense_pairs=0`` (the column generation instead; eight shapes summed, CPU, best of
        5, load 1.1-1.2; ``benchmarks/results/ab_small_dense_pairs_*.txt``): 1.412x the
        time at 500 x 50, 1.297x at 700 x 70, 1.389x at 500 x 83, 1.270x at 200 x 200,
        1.435x at 250 x 125, 1.330x at 400 x 133 weighted. Up to 125,000 pairs (500 x 250)
        since the kernel's arrays stopped page-faulting (:func:`~._resources.scratch`):
        the same command with ``--variant dense_pairs=0`` (the column generation; eight
        shapes, CPU, best of 5, load 0.5-0.8) took 1.229x the time at 500 x 167 weighted
        and 1.167x at 500 x 125 (2-D, 3-D, 8-D, 32-D), 1.141x at 1000 x 100, 1.080x at
        300 x 300, 0.982x at 500 x 250 (2-D, 8-D); ``--variant dense_pairs=1000000`` (all
        pairs above it too) 1.058x at 400 x 400, 1.287x at 1000 x 250, 1.218x at 1000 x 333
        weighted. All pairs reached the ``wasserstein`` package on every case up to 500 x
        250 (112 of 112), the column generation on 106: behind on the curve (0.86x-0.87x at
        500 x 125 in 3-D and 300 x 300 in 8-D) and the clustered clouds (0.95x-0.99x).
        (The options below that quote sizes of at most 125,000 pairs were measured with
        the column generation there, and act on it only with a smaller ``dense_pairs``.)
    pairs_list_ratio : float, default 4.0
        On all pairs (``dense_pairs``), a problem whose larger cloud has at least this many
        times the atoms of the smaller (``inf``: never) keeps a candidate list of
        ``sqrt(n m) / 2`` arcs instead of ``sqrt(n m) / 4`` (:meth:`pairs_list_div`; the
        list of :func:`~distances.transport._pivots.pivots_on_pairs`). With few columns a
        row, the rows' scans find violated arcs seldom near the optimum, and a longer list
        amortises them. The kernel alone on the arrays a solve passes it (eight shapes
        summed, best of 15; ``/2`` over ``/4``): 0.924x-0.968x the time at 10:1 (500 x 50
        to 1000 x 100, 2-D to 32-D), 0.926x-0.995x at 8:1 to 5:1, 0.957x-0.991x at 600 x
        150; but 1.020x at 500 x 167 in 2-D and 1.037x at 300 x 300 in 8-D. Whole solves,
        ``python benchmarks/ab_small.py --repeat 5 --variant pairs_list_ratio=inf`` (the
        ``/4`` list at every ratio; eight shapes summed, CPU, best of 5, load 0.4-1.0;
        ``benchmarks/results/ab_small_pairs_list_ratio_*.txt``): 1.029x the time at
        500 x 50 (2-D to 32-D), 1.035x at 1000 x 100, 1.014x at 500 x 83, 1.011x at
        500 x 125.
    artificial_dust : float, default 1e-12
        Mass an artificial arc of the big-M start may keep from round-off (measured: up
        to 2e-16); more means the artificial cost was too small, and the solver starts
        over from its spanning tree.
    dual_start_ratio : float, default 2.5
        Up to 2-D (in 3-D: ``dual_start_ratio_3d``), a problem that keeps its cost
        matrix and whose larger cloud has at
        least this many times the atoms of the smaller (``inf``: never) starts, after its
        coarse level, from the least-cost plan of its candidates in reduced costs
        against the coarse level's potentials (each point's, its cell's): the dual
        start. Elsewhere the refined coarse plan is the first basis (the coarse plan
        split over the points of its cells by north-west corners, blind to their costs:
        1.1-2.4x the optimal cost at 500 x 125 in 2-D, eight shapes).
        ``benchmarks/ab_small.py --repeat 5 --variant dual_start_ratio=inf`` (the refined
        plan instead; eight shapes summed, CPU, best of 5, load 0.85-1.25;
        ``benchmarks/results/ab_small_dual_start_*.txt``): without the dual start 1.077x
        the time at 500 x 125 in 2-D, 1.091x at 1000 x 125, 1.012x at 500 x 167
        weighted, 1.021x at 1000 x 250, 1.024x at 1000 x 333 weighted; in 3-D 1.039x at
        1000 x 333 weighted and 1.082x at 2000 x 500 (best of 3). Only the finest level
        (the one certified) starts so: on the coarse levels of 20,000 x 5000 the dual
        start had the whole solve at 0.98x-1.30x the time (a scratch A/B). Not at 2 or below
        (``benchmarks/results/ab_small_dual_start_low_ratios.txt``): with the rule at 2,
        2-D 2:1 problems took 1.073x-1.090x the time at 1000 x 500 and 2000 x 1000,
        0.999x at 500 x 250; at 1, equal sizes 1.076x-1.082x (500 and 1000);
        above 3-D the star stays (8-D 4000 x 1000, two samples of one law: 1.14x the
        time, twice the pivots). From this ratio, in 3-D too, the coarse level keeps the
        smaller cloud's points (``dual_cell_size``).
    dual_start_ratio_3d : float, default 1.0
        ``dual_start_ratio`` in 3-D: 1, every 3-D problem that keeps its cost matrix and
        has a coarse level starts from the least-cost plan in reduced costs (below
        ``dual_start_ratio`` on cells of ``cell_size`` points on both sides). With the
        coarse level from 200 points a side (``coarsen_above_3d``), against the rules
        before (300 and 2.5: ``python benchmarks/ab_small.py --dims 3 --ratio R [--n N]
        [--weights random] --variant "coarsen_above_3d=300 dual_start_ratio_3d=2.5"``,
        eight shapes summed, CPU, best of 5 at 500, of 3 above, load 0.5-1.3;
        ``benchmarks/results/ab_small_3d_start_*.txt``), the old rules took 1.000x the
        time at 500 x 250, 1.071x at 500 x 125, 0.999x at 500 x 167 weighted, 1.091x at
        500 x 500, 1.115x at 1000 x 500, 0.995x at 1000 x 333 weighted, 1.042x at
        1000 x 1000, 1.019x at 2000 x 1000. The curve, whose mass travels along the
        curve, past each point's nearest neighbours, was behind the ``wasserstein``
        package under the old rules (0.86x at 500 x 250, 0.56x at 500 x 125, 0.75x at
        500 x 167 weighted) and is at 1.13x, 0.83x and 0.93x; the seven other shapes
        stay at 1.08x-2.23x the package's speed.
    dual_cell_size : int, default 8
        The coarse level of a dual start groups only the larger cloud, in cells of this
        many points; each point of the smaller cloud is a cell of its own, so that the
        potentials the start reads on the smaller cloud are each point's, not shared by
        ``cell_size`` of them (0: ``cell_size`` points a cell on both sides, as on every
        other coarse level). Such a problem also coarsens by its pairs: above
        ``coarsens_above(d)**2`` (:meth:`coarsens`; 1000 x 250 in 3-D, 1000 x 100 in 2-D),
        not by its smaller cloud. Whole solves against the cells of 4 on both sides
        (``python benchmarks/ab_whole.py --trees OLD NEW``, eight shapes summed, 2-D and
        3-D, CPU, load 1.0-1.2; ``benchmarks/results/ab_whole_dual_cells_*.txt``): 0.961x
        the time at 500 x 125 (the 2-D curve 0.80x, clustered clouds 0.83x; the 2-D
        alike 1.10x), 0.834x at 1000 x 250, 0.823x at 2000 x 500, 0.826x at 1000 x 100,
        0.895x at 1000 x 333 weighted, 0.945x at 950 x 95, 0.454x at 2120 x 71 (2-D),
        1.011x at 500 x 167 weighted (its coarse level of
        63 x 167 is solved by column generation: the 2-D heavy tails 1.14x, the ring
        1.11x, the clustered clouds 0.91x, the curve 0.87x). The fine level's pivots
        fell by a third at 500 x 125 in 2-D (eight shapes, three seeds: 80,578 ->
        53,008) and by a quarter at 500 x 167 weighted; the heavy tails' did not move.
    dual_cell_ratio : float, default 4.0
        Below this size ratio a dual start keeps ``cell_size`` points a cell on both sides
        where its coarse problem with ``dual_cell_size`` cells would have more than
        ``coarse_dense_pairs`` pairs of cells (solved by column generation) and the one
        with ``cell_size`` both would not (solved on all its pairs): 500 x 167 and
        500 x 200, not 500 x 125 (63 x 125 fits), 1000 x 333 (neither fits) or 1000 x 100
        (10:1). ``python benchmarks/ab_small.py --dims 2 3 --ratio 3 --weights random
        --variant dual_cell_ratio=1.0`` (the dual cells always; eight shapes, CPU, best of
        5, load 0.9-1.5; ``benchmarks/results/ab_small_dual_cell_ratio_*.txt``): 1.069x
        and 1.073x the time in sum over two runs, the 3-D curve 1.09x-1.12x -> 0.91x-0.96x
        the ``wasserstein`` package's speed, the 2-D clustered clouds 1.02x-1.03x ->
        1.07x-1.09x. Whole
        solves (``python benchmarks/ab_whole.py --trees OLD NEW``,
        ``benchmarks/results/ab_whole_dual_cells_fit_*.txt``): 0.942x at 500 x 167
        weighted, 0.981x at 500 x 200; without the ratio limit, 1.247x at 1000 x 100 and
        1.128x at 950 x 95, where each point of the smaller cloud needs its own potential
        more than the coarse level needs to be cheap.
    """

    k_neighbors: int = 8
    local_neighbors: int = 48
    cell_size: int = 4
    coarsen_above: int | None = None
    max_rounds: int = 500
    max_iter: int = DEFAULT_MAX_ITER
    coarsen_above_low_d: int = 100
    coarsen_above_3d: int = 200
    coarsen_above_high_d: int = 800
    per_row: int = 16
    partial_pivots: int = 2
    matrix_max_pairs: int = 1 << 22
    matrix_max_pairs_high_d: int = 1 << 26
    index32_nodes: int = 8192
    renumber_nodes: int = 8192
    renumber_pivots: float = 0.125
    renumber_within_nodes: int = 1 << 20
    brute_force_pairs: int = 1 << 19
    bulk_radius: float = 3.0
    plan_neighbors: int = 16
    polish: float = 1e-3
    polish_rounds: int = 2
    polish_max_pairs: int = 10**8
    artificial_dust: float = 1e-12
    coarse_dense_pairs: int = 1 << 13
    dense_pairs: int = 125_000
    pairs_list_ratio: float = 4.0
    dual_start_ratio: float = 2.5
    dual_start_ratio_3d: float = 1.0
    dual_cell_size: int = 8
    dual_cell_ratio: float = 4.0
    aligned_max_d: int = 12

    def __post_init__(self) -> None:
        lows = {"k_neighbors": 1, "local_neighbors": 1, "cell_size": 0, "coarsen_above": 1,
                "max_rounds": 1, "per_row": 1, "plan_neighbors": 1, "polish_rounds": 0}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "max_iter":
                check_max_iter(value)
            elif f.name in ("polish", "artificial_dust"):
                if not (isinstance(value, (int, float, np.floating))
                        and not isinstance(value, bool) and 0 <= value <= 1):
                    raise ValueError(f"{f.name} must be a number in [0, 1]; got {value!r}")
            elif f.name == "renumber_pivots":
                if not (isinstance(value, (int, float, np.floating))
                        and not isinstance(value, bool) and value >= 0):
                    raise ValueError(f"renumber_pivots must be a number >= 0; got {value!r}")
            elif f.name in ("dual_start_ratio", "dual_start_ratio_3d", "dual_cell_ratio",
                            "pairs_list_ratio"):
                if not (isinstance(value, (int, float, np.floating))
                        and not isinstance(value, bool) and value >= 1):
                    raise ValueError(f"{f.name} must be a number >= 1 (inf: never); "
                                     f"got {value!r}")
            elif f.name == "bulk_radius":
                if not (isinstance(value, (int, float, np.floating))
                        and not isinstance(value, bool) and value > 0):
                    raise ValueError(f"bulk_radius must be a number > 0; got {value!r}")
            elif not (f.name == "coarsen_above" and value is None):
                low = lows.get(f.name, 0)
                if (isinstance(value, bool) or not isinstance(value, (int, np.integer))
                        or value < low):
                    raise ValueError(f"{f.name} must be an integer >= {low}; got {value!r}")
        if self.dual_cell_size == 1 or self.dual_cell_size > CELL_SIZE_MAX:
            raise ValueError(f"dual_cell_size must be 0 or an integer from 2 to "
                             f"{CELL_SIZE_MAX}; got {self.dual_cell_size!r}")
        if self.cell_size > CELL_SIZE_MAX:
            raise ValueError(
                f"cell_size must be at most {CELL_SIZE_MAX} (each pair of coarse cells that "
                f"exchange mass links cell_size**2 pairs of points: about "
                f"{16 * self.cell_size} bytes a point); got {self.cell_size!r}")

    def keeps_matrix(self, n: int, m: int, d: int) -> bool:
        """Whether the solver keeps the cost matrix and prices every pair each round."""
        return n * m <= (self.matrix_max_pairs if d <= 3 else self.matrix_max_pairs_high_d)

    def pairs_list_div(self, n: int, m: int) -> int:
        """The candidate list's divisor on all pairs (``sqrt(n m) // it`` arcs): 2 where
        the sizes differ by ``pairs_list_ratio`` or more, else 4 (the rounds' own,
        ``_simplex.TREE_RULE``)."""
        return 2 if max(n, m) >= self.pairs_list_ratio * min(n, m) else 4

    def node_index(self, nodes: int) -> type:
        """The integer type of the simplex's node and arc numbers for ``nodes`` atoms:
        ``numpy.int32`` from ``index32_nodes``, else ``numpy.int64``."""
        return np.int32 if nodes >= self.index32_nodes else np.int64

    def cell_sizes(self, n: int, m: int, dual_start: bool) -> tuple[int, int]:
        """The points a cell of x and of y hold on the coarse level of an ``n x m``
        problem: ``cell_size`` both, or under a dual start of sizes differing by
        ``dual_start_ratio`` or more ``dual_cell_size`` for the larger cloud and 1 for
        the smaller; below ``dual_cell_ratio``, not where that coarse problem would be
        solved by column generation (more than ``coarse_dense_pairs`` pairs of cells)
        and the one of ``cell_size`` both on all its pairs (500 x 167: 63 x 167 cells,
        or 125 x 42)."""
        plain = self.cell_size, self.cell_size
        if not self._dual_cells(n, m, dual_start):
            return plain
        dual = (self.dual_cell_size, 1) if n >= m else (1, self.dual_cell_size)
        if (max(n, m) < self.dual_cell_ratio * min(n, m)
                and _cells(n, dual[0]) * _cells(m, dual[1]) > self.coarse_dense_pairs
                and _cells(n, plain[0]) * _cells(m, plain[1]) <= self.coarse_dense_pairs):
            return plain
        return dual

    def dual_starts(self, n: int, m: int, d: int) -> bool:
        """Whether an ``n x m`` problem in ``d`` dimensions that keeps its cost matrix
        starts from the least-cost plan in reduced costs after its coarse level
        (``dual_start_ratio`` up to 2-D, ``dual_start_ratio_3d`` in 3-D)."""
        ratio = self.dual_start_ratio if d <= 2 else self.dual_start_ratio_3d
        return d <= 3 and max(n, m) >= ratio * min(n, m)

    def _dual_cells(self, n: int, m: int, dual_start: bool) -> bool:
        """Whether the coarse level of a ``dual_start`` keeps the smaller cloud's points
        (``dual_cell_size``): sizes differing by ``dual_start_ratio`` or more."""
        return (dual_start and self.dual_cell_size > 0
                and max(n, m) >= self.dual_start_ratio * min(n, m))

    def coarsens_above(self, d: int) -> int:
        """``coarsen_above``, or its default in dimension ``d``."""
        if self.coarsen_above is not None:
            return self.coarsen_above
        if d <= 2:
            return self.coarsen_above_low_d
        return self.coarsen_above_3d if d == 3 else self.coarsen_above_high_d

    def coarsens(self, n: int, m: int, d: int, dual_start: bool = False) -> bool:
        """Whether an ``n x m`` problem in ``d`` dimensions is seeded by a coarse level:
        cells of ``cell_size`` >= 2 points and both clouds above ``coarsens_above(d)``;
        for a ``dual_start`` candidate (:meth:`dual_starts`, on the finest level), more
        than ``coarsens_above(d)**2`` pairs (its smaller cloud is not grouped:
        ``dual_cell_size``)."""
        if self.cell_size < 2:
            return False
        if self._dual_cells(n, m, dual_start):
            return n * m > self.coarsens_above(d) ** 2
        return min(n, m) > self.coarsens_above(d)


def options(**fields: object) -> SparseOptions:
    """``SparseOptions(**fields)``, made once for each set of values (frozen, so shared):
    validating a new one took 14 us, 1 % of a solve at 500 x 50. Invalid values raise
    each time (nothing is cached); ``True`` and ``1`` are different keys (the first is
    refused); unhashable values are validated (and refused) by ``SparseOptions``."""
    try:
        hash(tuple(fields.values()))
    except TypeError:
        return SparseOptions(**fields)
    return _options(**fields)


@lru_cache(maxsize=32, typed=True)
def _options(**fields: object) -> SparseOptions:
    return SparseOptions(**fields)


def _cells(points: int, size: int) -> int:
    """Cells of ``size`` points holding ``points`` points."""
    return -(-points // size)
