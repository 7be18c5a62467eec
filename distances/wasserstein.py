r"""The Earth-Mover (Wasserstein-1) distance, exactly, with a certificate of optimality.

.. math::

    W_1(P, Q) = \min_{\gamma \in \Pi(P, Q)} \sum_{i,j} \gamma_{ij} \, \|x_i - y_j\|_2
              = \max_{u_i + v_j \le c_{ij}} \sum_i p_i u_i + \sum_j q_j v_j .

On the line the closed form :math:`W_1 = \int |F_P - F_Q|` is used (sorted atoms,
O(n log n)); otherwise POT's network simplex (:func:`ot.emd`) solves the linear
program, and its answer is checked before it is returned: the plan's marginals, the
dual feasibility of the potentials and the duality gap (:class:`Certificate`). A
value that fails the check, or a solve that stops at its iteration limit, raises
:class:`SolverError`; nothing non-optimal is returned as if it were exact.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Literal

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray

from ._validation import (
    SUM_RTOL,
    as_atoms,
    as_cost_matrix,
    as_float_array,
    as_weights,
    check_same_dim,
    check_same_length,
    points_hint,
)
from .continuous import earth_mover_continuous, is_scipy_distribution
from .measures import Discrete
from .sparse_w1 import solve_problem as solve_sparse_problem
from .transport._dense import solve_line, solve_simplex, w1_line
from .transport._problem import (
    CERTIFICATE_RTOL,
    DEFAULT_MAX_ITER,
    Certificate,
    EarthMoverSolution,
    Problem,
    SolverError,
    certify,
    check_max_iter,
)
from .transport._resources import (
    DENSE_BYTES_PER_PAIR,
    SPARSE_BYTES_PER_POINT,
    interruptible,
    numba_available,
)
from .transport._warmup import DENSE_WHILE_COMPILING_PAIRS, ready, start

__all__ = [
    "CERTIFICATE_RTOL",
    "SPARSE_AUTO_MIN_ATOMS",
    "SPARSE_AUTO_MIN_PAIRS_VALUE",
    "SPARSE_AUTO_MIN_PAIRS_VALUE_HIGH_D",
    "SPARSE_AUTO_MIN_SIDE_VALUE",
    "Certificate",
    "EarthMoverSolution",
    "SolverError",
    "auto_method",
    "certify",
    "earth_mover",
    "earth_mover_solution",
    "memory_needed",
]

Method = Literal["auto", "closed_form_1d", "network_simplex", "sparse"]
FloatArray = NDArray[np.float64]

# The kernel's public types and certify are documented, pickled and shown as
# distances.wasserstein.* (their names before the kernel existed), not as a private module's.
for _public in (Certificate, EarthMoverSolution, SolverError, certify):
    _public.__module__ = __name__

#: :func:`earth_mover_solution` with ``method="auto"`` solves point clouds in dimension >= 2
#: with the sparse certified solver (:mod:`distances.sparse_w1`) when both have at least
#: this many atoms, and keeps the dense network simplex (and its dense plan) below: the
#: type of the plan does not change with the shape of the clouds. Sparse needs O(n)
#: memory where dense needs about 4 n^2 doubles.
SPARSE_AUTO_MIN_ATOMS = 2000
#: :func:`earth_mover` (the value only) with ``method="auto"`` switches to the sparse solver
#: when the clouds have at least this many pairs (n m; 8 x 8, 16 x 4) in any dimension:
#: the sparse solver solves problems of up to ``SparseOptions.dense_pairs`` (125,000)
#: pairs on all their pairs at once, in less time than the dense path (POT's network
#: simplex plus the certificate) at every size measured. Sparse over dense time, eight
#: shapes summed (``benchmarks/bench_peers.py --shapes all --contenders dense sparse
#: wasserstein --sizes 16 32 64 128 --ratio R --dims 2 8 --repeat 3 --stat best --clock
#: cpu``, load 1.1; results ``crossover_all_pairs_1to1``, ``_4to1``): 0.78x-0.80x at
#: 16 x 16 and 32 x 32, 0.73x at 64 x 64, 0.57x-0.58x at 128 x 128, 0.76x-0.79x from
#: 16 x 4 to 64 x 16, 0.70x-0.72x at 128 x 32, faster on 8 of 8 shapes each. Below 16 x 4
#: nothing was measured. (Before the solve on all pairs, the crossover lay at 16,384
#: pairs in up to 3-D and 12,100 above, with more than 15 atoms a side.)
SPARSE_AUTO_MIN_PAIRS_VALUE = 64
#: The same threshold above 3 dimensions, where it was 12,100 until the solve on all pairs
#: made the crossover independent of the dimension: kept for code that reads it, equal to
#: ``SPARSE_AUTO_MIN_PAIRS_VALUE`` (``method="auto"`` reads only that one).
SPARSE_AUTO_MIN_PAIRS_VALUE_HIGH_D = SPARSE_AUTO_MIN_PAIRS_VALUE
#: ... when the smaller cloud has more than this many atoms (measured from 4; it was 15,
#: and 64 before the dual start's coarse level kept the smaller cloud's points,
#: ``SparseOptions.dual_cell_size``: then 1220 x 41 took 1.01x-1.12x the dense time).
SPARSE_AUTO_MIN_SIDE_VALUE = 3


def _problem(P: Any, Q: Any, support: ArrayLike | None, cost: ArrayLike | None) -> Problem:
    p_is, q_is = isinstance(P, Discrete), isinstance(Q, Discrete)
    if p_is != q_is:
        raise ValueError(
            "P and Q must both be Discrete measures or both be probability vectors; "
            f"got {type(P).__name__} and {type(Q).__name__}"
        )
    if p_is:
        if support is not None or cost is not None:
            raise ValueError(
                "support= and cost= apply to probability vectors; Discrete measures carry "
                "their own atoms"
            )
        check_same_dim(P.dim, Q.dim)
        return Problem(_unit_mass(P.weights), _unit_mass(Q.weights), P.atoms, Q.atoms, None)
    if (support is None) == (cost is None):
        raise ValueError(
            points_hint(P, Q) +  # points passed where measures are expected: say Discrete
            "probability vectors need exactly one of support= (their common points) or "
            f"cost= (a ground cost matrix); got support={'given' if support is not None else None}"
            f", cost={'given' if cost is not None else None}"
        )
    a, b = _unit_mass(_probability_vector(P, "P")), _unit_mass(_probability_vector(Q, "Q"))
    if cost is not None:
        return Problem(a, b, None, None, as_cost_matrix(cost, a.shape[0], b.shape[0]))
    check_same_length(a, b)
    x = as_atoms(support, "support")
    if x.shape[0] != a.shape[0]:
        raise ValueError(
            f"support must have one point per weight; got {x.shape[0]} points and "
            f"{a.shape[0]} weights"
        )
    return Problem(a, b, x, x, None)


def _probability_vector(w: Any, name: str) -> FloatArray:
    """Finite, non-negative weights summing to 1 within SUM_RTOL. The sum is checked here,
    not by ``as_weights``, whose message advises a ``normalize=`` keyword that
    :func:`earth_mover` does not take."""
    arr = as_float_array(w, name, ndim=(1,))
    as_weights(arr, name, normalize=True)  # finite, non-negative, positive total
    total = float(arr.sum())
    if abs(total - 1.0) > SUM_RTOL:
        raise ValueError(
            f"{name} must sum to 1 (relative tolerance {SUM_RTOL:g}); got sum {total:.17g}; "
            f"divide by the sum ({name} / {name}.sum()) to compare shapes only"
        )
    return arr


def _unit_mass(w: FloatArray) -> FloatArray:
    """Rescale weights validated to sum to 1 within 1e-9 to sum to 1 up to round-off.

    Every path (closed form, network simplex, certificate) then solves the same problem,
    and POT sees equal masses. A no-op when the sum is exactly 1.
    """
    total = float(w.sum())
    return w if total == 1.0 else w / total


def earth_mover(
    P: Any,
    Q: Any,
    *,
    support: ArrayLike | None = None,
    cost: ArrayLike | None = None,
    method: Method = "auto",
    max_iter: int = DEFAULT_MAX_ITER,
) -> float:
    r"""Exact Earth-Mover (Wasserstein-1) distance with the Euclidean ground distance.

    Parameters
    ----------
    P, Q : Discrete or array_like or scipy.stats frozen distribution
        Two :class:`~distances.Discrete` measures of the same dimension, or two probability
        vectors together with ``support`` or ``cost``. One-dimensional continuous laws
        (against each other or against a Discrete measure on the line) are handled by
        :func:`distances.continuous.earth_mover_continuous` (quadrature of |F - G|).
    support : array_like, shape (n,) or (n, d), optional
        The common points of two probability vectors of length n.
    cost : array_like, shape (n, m), optional
        A ground cost matrix (finite, non-negative) for probability vectors of lengths n
        and m; the result is then the optimal transport cost for that cost.
    method : {"auto", "closed_form_1d", "network_simplex", "sparse"}, default "auto"
        ``"auto"`` uses the closed form on the line, the sparse solver for point clouds in
        dimension >= 2 with at least ``SPARSE_AUTO_MIN_PAIRS_VALUE`` (64) pairs and more than
        ``SPARSE_AUTO_MIN_SIDE_VALUE`` (3) atoms on the smaller side
        (in :func:`earth_mover_solution`: ``SPARSE_AUTO_MIN_ATOMS``, 2000 atoms each, so
        that the plan stays dense below), and the dense network simplex otherwise (the
        crossover was measured against the dense solver and the peers, see
        :doc:`/sparse_w1`; :func:`auto_method` says which). No call waits for the sparse
        solver's compilation: while a process loads its kernels in the background, and
        without numba, the dense solver answers instead.
        ``"sparse"`` (point clouds only) never builds the n x m cost matrix and certifies
        dual feasibility over all pairs (:func:`distances.sparse_w1.solve_sparse`); its
        plan is a scipy.sparse matrix.
    max_iter : int, default 1_000_000
        Iteration limit of the network simplex. A solve that reaches it is retried
        twice, each time with ten times the limit, then :class:`SolverError` is raised.

    Returns
    -------
    float
        :math:`W_1(P, Q)`.

    Raises
    ------
    ValueError
        On invalid input (for example weights that are negative or do not sum to 1, atoms
        or costs that are not finite, shapes that do not match, an unknown method); the
        message states the rule and the value.
    SolverError
        If the network simplex does not reach an optimum it can certify.

    See Also
    --------
    earth_mover_solution : the plan, the dual potentials and the certificate too.

    Notes
    -----
    On the line, :math:`W_1 = \int |F_P(t) - F_Q(t)|\, dt`, and for two samples of equal
    size n, :math:`W_1 = \frac1n \sum_k |x_{(k)} - y_{(k)}|` (sorted samples).

    Examples
    --------
    A measure and its translate by v are at distance |v|:

    >>> from distances import Discrete
    >>> P = Discrete([[0.0, 0.0], [1.0, 0.0]])
    >>> earth_mover(P, P.translate([3.0, 4.0]))
    5.0
    >>> earth_mover([0.5, 0.5, 0.0], [0.0, 0.5, 0.5], support=[0.0, 1.0, 2.0])
    1.0
    """
    if is_scipy_distribution(P) or is_scipy_distribution(Q):  # 1-D laws: distances.continuous
        if support is not None or cost is not None or method != "auto":
            raise ValueError("support=, cost= and method= do not apply to scipy.stats "
                             "distributions; W1 is computed by quadrature of |F_P - F_Q|")
        return earth_mover_continuous(P, Q).value
    prob = _problem(P, Q, support, cost)
    _check_method(method, prob)
    limit = check_max_iter(max_iter)
    if prob.is_1d and method in ("auto", "closed_form_1d"):
        assert prob.x is not None and prob.y is not None
        return w1_line(prob.x[:, 0], prob.a, prob.y[:, 0], prob.b)
    return _solve(prob, method, limit, value_only=True).value


def earth_mover_solution(
    P: Any,
    Q: Any,
    *,
    support: ArrayLike | None = None,
    cost: ArrayLike | None = None,
    method: Method = "auto",
    max_iter: int = DEFAULT_MAX_ITER,
) -> EarthMoverSolution:
    """Exact W1 with an optimal plan, optimal dual potentials and their certificate.

    Takes the same arguments as :func:`earth_mover`. The plan is a dense (n, m) array,
    except from the sparse solver (``method="sparse"``, or ``"auto"`` on point clouds in
    dimension >= 2 with at least ``SPARSE_AUTO_MIN_ATOMS`` atoms each), whose plan is a
    ``scipy.sparse.csr_array``.

    Examples
    --------
    >>> from distances import Discrete
    >>> sol = earth_mover_solution(Discrete([0.0, 1.0]), Discrete([1.0, 3.0]))
    >>> sol.value, sol.certificate.ok
    (1.5, True)
    >>> sol.plan.tolist()
    [[0.5, 0.0], [0.0, 0.5]]
    """
    if is_scipy_distribution(P) or is_scipy_distribution(Q):
        raise ValueError(
            "earth_mover_solution needs finite measures (Discrete measures or probability "
            "vectors): a plan and dual potentials between scipy.stats laws are not computed; "
            f"got {type(P).__name__} and {type(Q).__name__}. earth_mover(P, Q) gives their W1 "
            "by quadrature, or compare samples: Discrete.from_samples(P.rvs(n))"
        )
    prob = _problem(P, Q, support, cost)
    _check_method(method, prob)
    limit = check_max_iter(max_iter)
    if prob.is_1d and method in ("auto", "closed_form_1d"):
        return solve_line(prob)
    return _solve(prob, method, limit, value_only=False)


def _check_method(method: str, prob: Problem) -> None:
    if method not in ("auto", "closed_form_1d", "network_simplex", "sparse"):
        raise ValueError(
            "method must be 'auto', 'closed_form_1d', 'network_simplex' or 'sparse'; "
            f"got {method!r}"
        )
    if method == "sparse" and prob.x is None:
        raise ValueError("method='sparse' needs point clouds (Discrete measures or support=); "
                         "got a cost matrix")
    if method == "closed_form_1d" and not prob.is_1d:
        raise ValueError("method='closed_form_1d' needs atoms on the line (dimension 1)")


def _solve(prob: Problem, method: str, max_iter: int, *, value_only: bool) -> EarthMoverSolution:
    """The dense or the sparse solver (not the line), as ``method`` and the sizes say.

    The dense network simplex stands in for the sparse solver without numba (one
    warning), and, with ``method="auto"``, for problems of up to
    ``DENSE_WHILE_COMPILING_PAIRS`` pairs while this process loads the sparse solver's
    compiled kernels in the background (:mod:`distances.transport._warmup`): no call
    waits for a compilation. Its plan is then a ``csr_array`` as the sparse one would be."""
    with interruptible():
        if not _use_sparse(method, prob, value_only=value_only):
            return solve_simplex(prob, max_iter)
        if _sparse_ready(method, prob):
            return solve_sparse_problem(prob, max_iter=max_iter, value_only=value_only).solution
        sol = solve_simplex(prob, max_iter)
    if numba_available(warn=False):
        start()  # load the kernels in the background, now that this call has its answer
    return sol if value_only else replace(sol, plan=sp.csr_array(sol.plan))


def _sparse_ready(method: str, prob: Problem) -> bool:
    """Whether the sparse solver answers now: numba is installed, and with ``"auto"`` the
    kernels are loaded or the problem is too large for the dense solver."""
    if not numba_available():  # warns once
        return False
    assert prob.x is not None and prob.y is not None
    small = prob.x.shape[0] * prob.y.shape[0] <= DENSE_WHILE_COMPILING_PAIRS
    return method != "auto" or not small or ready(prob)


def auto_method(P: Discrete, Q: Discrete, *, value_only: bool = True) -> Method:
    """The method ``method="auto"`` uses for two Discrete measures: in :func:`earth_mover`
    (``value_only=True``), or in :func:`earth_mover_solution` (``False``), which keeps the
    dense plan below ``SPARSE_AUTO_MIN_ATOMS`` atoms whatever the shapes (``"network_simplex"``
    where numba is not installed). The sizes decide, not the moment: in the first seconds
    of a process, while the sparse solver's compiled kernels load in the background, a call
    it sends to ``"sparse"`` is answered by the dense solver if its matrix is small.

    Examples
    --------
    >>> from distances import Discrete
    >>> auto_method(Discrete([0.0, 1.0]), Discrete([2.0]))
    'closed_form_1d'
    >>> auto_method(Discrete([[0.0, 0.0]]), Discrete([[1.0, 1.0]]))
    'network_simplex'
    """
    prob = _problem(P, Q, None, None)
    if prob.is_1d:
        return "closed_form_1d"
    if _use_sparse("auto", prob, value_only=value_only) and numba_available(warn=False):
        return "sparse"
    return "network_simplex"


def _use_sparse(method: str, prob: Problem, *, value_only: bool) -> bool:
    if method == "sparse":
        return True
    if method != "auto" or prob.x is None or prob.y is None or prob.x.shape[1] < 2:
        return False
    n, m = prob.x.shape[0], prob.y.shape[0]
    if value_only:
        return n * m >= SPARSE_AUTO_MIN_PAIRS_VALUE and min(n, m) > SPARSE_AUTO_MIN_SIDE_VALUE
    return min(n, m) >= SPARSE_AUTO_MIN_ATOMS


def memory_needed(n: int, m: int, d: int,
                  method: Literal["network_simplex", "sparse"]) -> int:
    """Bytes an exact W1 solve of ``n`` against ``m`` atoms in dimension ``d`` takes at its peak.

    The estimates with which the solvers refuse up front (``MemoryError``, nothing
    allocated) a problem the memory available cannot hold: the dense network simplex
    needs about ``DENSE_BYTES_PER_PAIR`` (48) bytes a pair, ``n m`` (the cost matrix, the
    plan, POT's arcs, the certificate's blocks); the sparse solver about
    ``SPARSE_BYTES_PER_POINT`` (3600) bytes a point, ``n + m``, plus 9 bytes a pair where it
    keeps the cost matrix (small problems). Both are measured peaks over the process's
    baseline: the interpreter and its libraries are not counted.

    Parameters
    ----------
    n, m : int
        Atoms of the two measures; >= 1.
    d : int
        Dimension of the atoms; >= 1.
    method : {"network_simplex", "sparse"}
        The solver, as in :func:`earth_mover_solution` (with its default options).

    Returns
    -------
    int
        The estimated peak, in bytes.

    Examples
    --------
    >>> memory_needed(1000, 1000, 2, "network_simplex")
    48000000
    >>> memory_needed(10**5, 10**5, 2, "sparse")
    720000000
    """
    from .transport._options import options as sparse_options

    for name, k in (("n", n), ("m", m), ("d", d)):
        if not (isinstance(k, (int, np.integer)) and k >= 1):
            raise ValueError(f"{name} must be an integer >= 1; got {k!r}")
    if method == "network_simplex":
        return DENSE_BYTES_PER_PAIR * n * m
    if method == "sparse":
        need = SPARSE_BYTES_PER_POINT * (n + m)
        if sparse_options().keeps_matrix(n, m, d):
            need += 9 * n * m  # the cost matrix and the mask of candidate pairs
        return int(need)
    raise ValueError(f"method must be 'network_simplex' or 'sparse'; got {method!r}")
