"""The exact W1 solver's internals: a map for maintainers.

Users call :func:`distances.earth_mover` and :func:`distances.earth_mover_solution`
(:mod:`distances.wasserstein`, the public face: validation and the choice of method) or
:func:`distances.sparse_w1.solve_sparse`. Everything here is private; the modules, from
the top of a call down, and what flows between them::

    wasserstein (face) --Problem--> _dense    (line, or POT's dense simplex) --> EarthMoverSolution
                       --Problem--> _sparse   (column generation)            --> SparseResult
                       asks _warmup.ready(Problem) first; _resources for numba and memory

    _problem     Problem (a, b; x, y or cost), EarthMoverSolution, Certificate, certify,
                 SolverError; the tolerances (CERTIFICATE_RTOL, PRICING_RTOL, SIMPLEX_EPS,
                 STALL_RTOL, one floor TINY_SCALE: tolerance(rtol, scale)); max_iter rule and
                 retry_at_limit; exact power-of-two cost scaling; POT imported once.
    _resources   memory estimates and refusals (check_memory), numba's presence, Ctrl-C
                 (interruptible), per-thread scratch arrays (scratch, scratch_arrays):
                 what a solve needs from the machine.
    _options     SparseOptions: every tuning value of the sparse solver, frozen, measured;
                 options(), one shared instance per set of values.
    _dense       Problem -> certified EarthMoverSolution: closed form on the line; POT's
                 network simplex on the full cost matrix.
    _sparse      Problem, SparseOptions -> SparseResult: scaling, atoms without mass
                 (c-transforms), small problems on all their pairs at once
                 (_simplex.all_pairs_plan, up to SparseOptions.dense_pairs), the coarse
                 levels (the smallest on all its pairs by the same kernel; their plan
                 and potentials seed the next),
                 the first candidates and basis, and the certificate of the
                 last round.
    _candidates  point clouds -> candidate edges: Flow (rows, cols, mass, u, v), first
                 neighbours, local lists, cells of the coarse level, monotone tree,
                 largest cost, row repair of the last scan, c-transform.
    _solver      Solver: the simplex of one column generation (first basis: tree, big-M
                 star and restart, or least-cost plan, in reduced costs against the
                 coarse potentials for the dual start); run_rounds: seeds in, the compiled
                 rounds run, what they ask for done in Python (scans of all pairs on
                 threads, room for arcs, restart), Rounds (last Flow, row minima) out.
    _rounds      the one loop of rounds, compiled, for every problem: continue the simplex
                 (partial rounds on large problems), potentials, price (the kept matrix,
                 or the local lists; SCAN asks the caller to price all pairs), add the new
                 candidates (mask, or hash table of keys), the stop rule; ROUND_STATE, the
                 named record of the rounds' counters, limits and tolerances.
    _simplex     TransportSimplex: LEMON's primal network simplex on a growing arc set,
                 keeping its basis between solves (starts, arcs added, plan, potentials);
                 all_pairs_plan, its plan of a small problem on all pairs (a seed), in
                 one compiled call.
    _pivots      Arcs, Tree -> pivots: one pivot in LEMON's steps (find_entering_arc,
                 find_join_node, find_leaving_arc, change_flow, update_tree_structure,
                 update_potentials) on named state (Arcs, Tree, Pivot).
    _tree        the spanning tree's arrays (parent, pred, thread, succ_num, last_succ):
                 built from arcs, renumbered in thread order.
    _bases       first bases: north-west corner, a coarse plan refined to a spanning tree,
                 the least-cost plan of the candidates (kept-matrix problems; all pairs
                 of the smallest coarse level).
    _coarse      the coarse level's arrays: the cells' masses and centroids, the pairs of
                 points that a coarse plan links.
    _pricing     reduced costs against potentials (u, v) -> violated pairs, row minima:
                 scans of all pairs (k-d blocks, triangle-inequality skips, threads), the
                 matrix pricing, the local lists' pricing.
    _nearest     compiled distances: the cost matrix, nearest neighbours, squared rows;
                 the clouds' alignment for the first neighbours.
    _plans       the certificate's parts, compiled: the potentials repaired, the value,
                 the gap, the marginal error and the plan in compressed rows
                 (certificate_parts, every sparse solve); for a problem solved on all
                 its pairs, the pricing of every pair first (all_pairs_certificate).
    _jit         the kernels' decorator (numba, cached on disk where it can be) and
                 ``unsigned``, the index type of their hot loops (no wraparound test).
    _warmup      the kernels loaded in a background thread after the first dense answer;
                 ready(Problem) says whether the sparse solver can answer at once.

Imports point down this list (``_problem`` and ``_resources`` at the bottom; ``_sparse``
imports ``_options``); only the
compiled modules (``_rounds`` ... ``_plans``, ``_jit``) import numba, and only when a
sparse solve or the warm-up runs. After editing a compiled module in a source checkout, delete
``distances/transport/__pycache__/*.nbi`` and ``*.nbc`` (numba's cache checks only the
time stamp of the file that defines a kernel, not of the kernels it calls).
"""
