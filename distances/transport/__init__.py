"""The exact W1 solver's internals, for maintainers (users: :mod:`distances.wasserstein`
and :mod:`distances.sparse_w1`).

Placeholder map (the plain move; refined in the next commits)::

    _problem     Problem, EarthMoverSolution, Certificate, certify, SolverError, POT
    _dense       closed form on the line; POT's dense network simplex, certified
    _sparse      solve_sparse: column generation (the Python rounds)
    _solver      Solver: the simplex of one column generation; run_matrix_rounds
    _rounds      the compiled rounds when the cost matrix is kept
    _candidates  candidate edges: seeds, cells, local lists, EdgeSet, Flow
    _simplex     TransportSimplex: LEMON's network simplex on a growing arc set
    _tree        spanning-tree bookkeeping of the simplex
    _bases       first bases: northwest corner, a coarse plan refined
    _pricing     reduced costs of all pairs (scans)
    _nearest     distances and nearest neighbours, compiled
"""
