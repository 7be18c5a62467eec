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

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.spatial.distance import cdist

from ._validation import as_atoms, as_cost_matrix, as_weights, check_same_dim, check_same_length
from .continuous import earth_mover_continuous, is_scipy_distribution
from .measures import Discrete

__all__ = [
    "CERTIFICATE_RTOL",
    "Certificate",
    "EarthMoverSolution",
    "SolverError",
    "certify",
    "earth_mover",
    "earth_mover_solution",
]

Method = Literal["auto", "closed_form_1d", "network_simplex", "sparse"]
FloatArray = NDArray[np.float64]

#: Relative tolerance of the certificate: marginal errors against total mass 1, dual
#: infeasibility and duality gap against the largest ground cost.
CERTIFICATE_RTOL = 1e-9

_DEFAULT_MAX_ITER = 1_000_000
_RETRIES = 2  # each retry multiplies the iteration limit by 10
_T = TypeVar("_T")
#: ``method="auto"`` solves point clouds in dimension >= 2 with the sparse certified solver
#: (:mod:`distances.sparse_w1`) when both have at least this many atoms. Measured with
#: benchmarks/bench_sparse.py (2 cores): for two samples of one law sparse is 1.5x faster
#: at 1000 atoms and 4.7x at 2000; for dissimilar clouds (8gaussians vs a Gaussian) it is
#: as fast as dense at 2000 and 4000 and 3.2x faster at 8000; dense peaks near 1 GB at 4000.
SPARSE_AUTO_MIN_ATOMS = 2000
_BLOCK_ELEMENTS = 1 << 18  # rows of the (n, m) dual slack checked at a time: 2 MiB


class SolverError(RuntimeError):
    """The transport solver did not reach a certified optimum."""


@dataclass(frozen=True)
class Certificate:
    """Evidence that a transport plan and dual potentials are optimal.

    Attributes
    ----------
    marginal_error : float
        Largest absolute difference between a marginal of the plan and the weights.
    dual_infeasibility : float
        Largest violation :math:`\\max_{ij} (u_i + v_j - c_{ij})`, clipped below at 0.
    duality_gap : float
        :math:`|\\langle \\gamma, C\\rangle - (p \\cdot u + q \\cdot v)|`.
    cost_scale : float
        The largest ground cost, the scale the last two are judged against.
    """

    marginal_error: float
    dual_infeasibility: float
    duality_gap: float
    cost_scale: float

    @property
    def tolerance(self) -> float:
        """Absolute tolerance on dual infeasibility and gap: ``CERTIFICATE_RTOL * cost_scale``."""
        return CERTIFICATE_RTOL * max(self.cost_scale, np.finfo(float).tiny)

    @property
    def ok(self) -> bool:
        """True when all three errors are within tolerance: the value is the optimum."""
        return (
            self.marginal_error <= CERTIFICATE_RTOL
            and self.dual_infeasibility <= self.tolerance
            and self.duality_gap <= self.tolerance
        )


@dataclass(frozen=True)
class EarthMoverSolution:
    """The full solution of an exact W1 problem.

    Attributes
    ----------
    value : float
        The optimal cost :math:`W_1(P, Q)`.
    plan : ndarray or scipy.sparse.csr_array, shape (n, m)
        An optimal coupling: rows sum to ``a``, columns to ``b``. A sparse matrix when
        ``method == "sparse"`` (the dense plan would not fit in memory).
    u, v : ndarray, shapes (n,) and (m,)
        Optimal dual potentials: :math:`u_i + v_j \\le c_{ij}` and
        :math:`a \\cdot u + b \\cdot v` = ``value``. On Euclidean costs ``u`` is a
        1-Lipschitz potential on the atoms of P and ``v = -u`` on shared atoms.
    certificate : Certificate
        Marginal error, dual infeasibility and duality gap of this solution.
    a, b : ndarray
        The weights of P and Q in the order used by ``plan``.
    x, y : ndarray or None
        The atoms of P and Q, shapes (n, d) and (m, d); ``None`` when a cost matrix was given.
    method : str
        ``"closed_form_1d"``, ``"network_simplex"`` or ``"sparse"``.
    """

    value: float
    plan: FloatArray
    u: FloatArray
    v: FloatArray
    certificate: Certificate
    a: FloatArray
    b: FloatArray
    x: FloatArray | None
    y: FloatArray | None
    method: str


@dataclass(frozen=True)
class _Problem:
    a: FloatArray
    b: FloatArray
    x: FloatArray | None
    y: FloatArray | None
    cost: FloatArray | None

    @property
    def is_1d(self) -> bool:
        return self.x is not None and self.x.shape[1] == 1

    def ground_cost(self) -> FloatArray:
        if self.cost is not None:
            return self.cost
        assert self.x is not None and self.y is not None
        return _euclidean(self.x, self.y)

    def unit_ground_cost(self) -> tuple[FloatArray, float]:
        """The ground cost divided by a power of two ``s`` that makes it O(1), and ``s``.

        Solving and certifying the problem with this cost and multiplying the value and
        the potentials by ``s`` is exact (scaling by 2^k commutes with rounding), and:
        POT's potentials carry an absolute error of ~1e-17 whatever the scale of the costs
        (all costs 1e-10: u + v off by 8e-8 relative; 1e-20: u = v = 0); and distances
        are computed from coordinates divided by ``s``, so the squares inside cdist
        neither overflow (coordinates above ~1e154) nor underflow (below ~1e-154). Atoms
        clustered far from the origin give distances much smaller than the coordinates:
        those are rescaled to O(1) again (a Dirac at (0, 4) against one at (0, 4 + 1e-11)
        failed its certificate on POT's ~1e-16 absolute gap).
        """
        if self.cost is not None:
            s = _power_of_two_below(float(self.cost.max()))
            return self.cost / s, s
        assert self.x is not None and self.y is not None
        s = _power_of_two_below(max(float(np.abs(self.x).max()), float(np.abs(self.y).max())))
        unit = _euclidean(self.x / s, self.y / s)
        t = _power_of_two_below(float(unit.max()))
        return unit / t, s * t


def _power_of_two_below(v: float) -> float:
    """The largest power of two <= v (1.0 for v = 0)."""
    return 2.0 ** math.floor(math.log2(v)) if v > 0 else 1.0


def _euclidean(x: FloatArray, y: FloatArray) -> FloatArray:
    """Pairwise Euclidean distances; |x_i - y_j| directly on the line (no square root)."""
    if x.shape[1] == 1:
        return np.abs(np.subtract.outer(x[:, 0], y[:, 0]))
    return cdist(x, y, metric="euclidean")


def _problem(P: Any, Q: Any, support: ArrayLike | None, cost: ArrayLike | None) -> _Problem:
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
        return _Problem(_unit_mass(P.weights), _unit_mass(Q.weights), P.atoms, Q.atoms, None)
    if (support is None) == (cost is None):
        raise ValueError(
            "probability vectors need exactly one of support= (their common points) or "
            f"cost= (a ground cost matrix); got support={'given' if support is not None else None}"
            f", cost={'given' if cost is not None else None}"
        )
    a, b = _unit_mass(as_weights(P, "P")), _unit_mass(as_weights(Q, "Q"))
    if cost is not None:
        return _Problem(a, b, None, None, as_cost_matrix(cost, a.shape[0], b.shape[0]))
    check_same_length(a, b)
    x = as_atoms(support, "support")
    if x.shape[0] != a.shape[0]:
        raise ValueError(
            f"support must have one point per weight; got {x.shape[0]} points and "
            f"{a.shape[0]} weights"
        )
    return _Problem(a, b, x, x, None)


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
    max_iter: int = _DEFAULT_MAX_ITER,
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
        dimension >= 2 with at least ``SPARSE_AUTO_MIN_ATOMS`` atoms each, and the dense
        network simplex otherwise. ``"sparse"`` (point clouds only) never builds the
        n x m cost matrix and certifies dual feasibility over all pairs
        (:func:`distances.sparse_w1.solve_sparse`); its plan is a scipy.sparse matrix.
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
        On invalid input (see :mod:`distances._validation` for the rules).
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
    _check_max_iter(max_iter)
    if prob.is_1d and method in ("auto", "closed_form_1d"):
        assert prob.x is not None and prob.y is not None
        return _w1_line(prob.x[:, 0], prob.a, prob.y[:, 0], prob.b)
    if _use_sparse(method, prob):
        return _solve_sparse(prob, max_iter).value
    return _solve_simplex(prob, max_iter).value


def earth_mover_solution(
    P: Any,
    Q: Any,
    *,
    support: ArrayLike | None = None,
    cost: ArrayLike | None = None,
    method: Method = "auto",
    max_iter: int = _DEFAULT_MAX_ITER,
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
    prob = _problem(P, Q, support, cost)
    _check_method(method, prob)
    _check_max_iter(max_iter)
    if prob.is_1d and method in ("auto", "closed_form_1d"):
        return _solve_line(prob)
    if _use_sparse(method, prob):
        return _solve_sparse(prob, max_iter)
    return _solve_simplex(prob, max_iter)


def _check_max_iter(max_iter: Any) -> None:
    if isinstance(max_iter, bool) or not (
        isinstance(max_iter, (int, np.integer)) and max_iter > 0
    ):
        raise ValueError(f"max_iter must be a positive integer; got {max_iter!r}")


def _check_method(method: str, prob: _Problem) -> None:
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


# -- on the line -----------------------------------------------------------------------


def _w1_line(x: FloatArray, a: FloatArray, y: FloatArray, b: FloatArray) -> float:
    """W1 on the line: integral of |F_P - F_Q| over the merged sorted atoms."""
    if max(float(np.abs(x).max()), float(np.abs(y).max())) > _HUGE_COORDINATE:
        # Gaps between atoms (up to twice the largest |coordinate|) could overflow to inf:
        # work on coordinates scaled by 2^-64 (exact), then scale back.
        return _w1_line(x * 2.0**-64, a, y * 2.0**-64, b) * 2.0**64
    n, m = x.shape[0], y.shape[0]
    if n == m and _is_uniform(a) and _is_uniform(b):
        # Equal-size empirical measures: match the order statistics.
        xs = x if _is_sorted(x) else np.sort(x)
        ys = y if _is_sorted(y) else np.sort(y)
        gaps = xs - ys
        return float(np.abs(gaps, out=gaps).mean())
    _, cdf_gap, widths = _merged_cdf_gap(x, a, y, b)
    return float(np.abs(cdf_gap) @ widths)


def _merged_cdf_gap(
    x: FloatArray, a: FloatArray, y: FloatArray, b: FloatArray
) -> tuple[NDArray[np.intp], FloatArray, FloatArray]:
    """The order of the merged atoms, F_P - F_Q on each interval between them, its width."""
    z = np.concatenate([x, y])
    order = np.argsort(z, kind="stable")
    cdf_gap = np.cumsum(np.concatenate([a, -b])[order])[:-1]
    return order, cdf_gap, np.diff(z[order])


#: Above this |coordinate| (2^1000, about 1e301), _w1_line scales the coordinates by 2^-64.
_HUGE_COORDINATE = 2.0**1000


def _is_uniform(w: FloatArray) -> bool:
    return bool(w[0] == w.max() == w.min())


def _is_sorted(x: FloatArray) -> bool:
    return bool((x[1:] >= x[:-1]).all())


def _solve_line(prob: _Problem) -> EarthMoverSolution:
    """Monotone (north-west corner) plan and a 1-Lipschitz potential on the merged atoms."""
    assert prob.x is not None and prob.y is not None
    x, y, a, b = prob.x[:, 0], prob.y[:, 0], prob.a, prob.b
    ox, oy = np.argsort(x, kind="stable"), np.argsort(y, kind="stable")
    plan = np.zeros((x.shape[0], y.shape[0]))
    i = j = 0
    ra, rb = a[ox[0]], b[oy[0]]
    while i < x.shape[0] and j < y.shape[0]:
        mass = min(ra, rb)
        plan[ox[i], oy[j]] += mass
        ra -= mass
        rb -= mass
        if ra <= rb:
            i += 1
            ra = a[ox[i]] if i < x.shape[0] else 0.0
        else:
            j += 1
            rb = b[oy[j]] if j < y.shape[0] else 0.0
    # f' = -sign(F_P - F_Q) between consecutive merged atoms gives sum f d(P - Q) = W1.
    order, cdf_gap, widths = _merged_cdf_gap(x, a, y, b)
    steps = -np.sign(cdf_gap) * widths
    f_sorted = np.concatenate([[0.0], np.cumsum(steps)])
    f = np.empty_like(f_sorted)
    f[order] = f_sorted
    u, v = f[: x.shape[0]], -f[x.shape[0] :]
    cert = certify(plan, u, v, a, b, prob.ground_cost())
    if not cert.ok:  # the closed form is exact: this would be a bug, not bad luck
        raise SolverError(f"closed-form 1-D solution fails its certificate: {cert}")
    return EarthMoverSolution(
        value=float(np.abs(cdf_gap) @ widths),
        plan=plan,
        u=u,
        v=v,
        certificate=cert,
        a=a,
        b=b,
        x=prob.x,
        y=prob.y,
        method="closed_form_1d",
    )


# -- network simplex -------------------------------------------------------------------


def _solve_simplex(prob: _Problem, max_iter: int) -> EarthMoverSolution:
    unit, s = prob.unit_ground_cost()  # solve with costs O(1), then scale back by s
    a, b = prob.a, prob.b  # unit masses (see _unit_mass): POT needs equal masses
    plan, u, v = _network_simplex(a, b, unit, max_iter)
    cert = certify(plan, u, v, a, b, unit)
    if not cert.ok:
        raise SolverError(f"network simplex returned a solution that fails its certificate: {cert}")
    return EarthMoverSolution(
        value=_primal_cost(plan, unit) * s,
        plan=plan,
        u=u * s,
        v=v * s,
        certificate=_scaled(cert, s),
        a=a,
        b=b,
        x=prob.x,
        y=prob.y,
        method="network_simplex",
    )


def _scaled(cert: Certificate, s: float) -> Certificate:
    """The certificate of the problem whose costs are ``s`` times larger."""
    return Certificate(
        cert.marginal_error, cert.dual_infeasibility * s, cert.duality_gap * s, cert.cost_scale * s
    )


def _network_simplex(
    a: FloatArray, b: FloatArray, cost: FloatArray, max_iter: int
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """POT's ot.emd with retries at a larger limit; raise rather than return a non-optimum."""
    import ot  # here, not at module level: importing POT loads its backends (torch: ~2 s)

    def solve(limit: int) -> tuple[tuple[FloatArray, dict[str, Any]], int]:
        with warnings.catch_warnings():
            # POT signals a stop at the iteration limit by a warning; we read result_code.
            warnings.simplefilter("ignore", UserWarning)
            plan, log = ot.emd(a, b, cost, numItermax=limit, log=True)
        return (plan, log), int(log["result_code"])

    (plan, log), code = _retry_at_limit(solve, max_iter, "network simplex")
    if code != 1:  # 1: optimal; 0: infeasible; 2: unbounded
        raise SolverError(f"network simplex failed: {log['warning']} (result code {code})")
    return plan, np.asarray(log["u"], dtype=float), np.asarray(log["v"], dtype=float)


def _retry_at_limit(
    solve: Callable[[int], tuple[_T, int]], max_iter: int, name: str
) -> tuple[_T, int]:
    """``solve(limit)`` -> (result, POT result code), retried with 10x the limit on code 3.

    Raises :class:`SolverError` when the last of the ``_RETRIES + 1`` tries also stops at
    its iteration limit: a non-optimal plan is never returned.
    """
    limit = int(max_iter)
    for _ in range(_RETRIES + 1):
        result, code = solve(limit)
        if code != 3:  # 3: iteration limit reached
            return result, code
        limit *= 10
    raise SolverError(
        f"{name} stopped at its iteration limit ({limit // 10}) "
        f"{_RETRIES + 1} times; pass a larger max_iter"
    )


def certify(
    plan: ArrayLike, u: ArrayLike, v: ArrayLike, a: ArrayLike, b: ArrayLike, cost: ArrayLike
) -> Certificate:
    """Check a primal plan and dual potentials against each other.

    Parameters
    ----------
    plan : array_like, shape (n, m)
        A candidate coupling.
    u, v : array_like, shapes (n,) and (m,)
        Candidate dual potentials.
    a, b : array_like, shapes (n,) and (m,)
        The marginals.
    cost : array_like, shape (n, m)
        The ground cost.

    Returns
    -------
    Certificate
        If ``ok``, the plan is optimal and its cost is the optimal value (weak duality:
        any feasible plan costs at least the value of any feasible dual pair).
    """
    plan, u, v = np.asarray(plan, float), np.asarray(u, float), np.asarray(v, float)
    a, b, cost = np.asarray(a, float), np.asarray(b, float), np.asarray(cost, float)
    _check_certificate_shapes(plan, u, v, a, b, cost)
    marginal = max(
        float(np.abs(plan.sum(axis=1) - a).max()),
        float(np.abs(plan.sum(axis=0) - b).max()),
        float(max(0.0, -plan.min())),
    )
    gap = abs(_primal_cost(plan, cost) - float(a @ u + b @ v))
    return Certificate(marginal, _dual_violation(u, v, cost), gap, float(cost.max()))


def _check_certificate_shapes(
    plan: FloatArray, u: FloatArray, v: FloatArray, a: FloatArray, b: FloatArray, cost: FloatArray
) -> None:
    """plan and cost of shape (n, m), u and a of shape (n,), v and b of shape (m,)."""
    if plan.ndim != 2 or plan.size == 0:
        raise ValueError(f"plan must be a non-empty (n, m) matrix; got shape {plan.shape}")
    n, m = plan.shape
    expected = {"cost": (n, m), "u": (n,), "a": (n,), "v": (m,), "b": (m,)}
    for name, arr in (("cost", cost), ("u", u), ("a", a), ("v", v), ("b", b)):
        if arr.shape != expected[name]:
            raise ValueError(
                f"{name} must have shape {expected[name]} to match plan {plan.shape}; "
                f"got {arr.shape}"
            )


def _primal_cost(plan: FloatArray, cost: FloatArray) -> float:
    """<plan, cost> without an (n, m) temporary.

    einsum, not np.vdot: vdot goes through BLAS, which took 8-16 ms even on 200 x 200
    inputs on a loaded 2-core machine (thread start-up), more than POT's solve itself.
    """
    return float(np.einsum("ij,ij->", plan, cost))


def _dual_violation(u: FloatArray, v: FloatArray, cost: FloatArray) -> float:
    """max(0, max_ij u_i + v_j - c_ij), a block of rows at a time (bounded memory)."""
    n, m = cost.shape
    rows = max(1, _BLOCK_ELEMENTS // max(m, 1))
    buf = np.empty((min(rows, n), m))
    worst = 0.0
    for start in range(0, n, rows):
        block = buf[: min(rows, n - start)]
        np.add.outer(u[start : start + rows], v, out=block)
        block -= cost[start : start + rows]
        worst = max(worst, float(block.max()))
    return worst


# -- the sparse certified solver (distances.sparse_w1) --------------------------------


def _use_sparse(method: str, prob: _Problem) -> bool:
    if method == "sparse":
        return True
    return (
        method == "auto"
        and prob.x is not None
        and prob.y is not None
        and prob.x.shape[1] >= 2
        and min(prob.x.shape[0], prob.y.shape[0]) >= SPARSE_AUTO_MIN_ATOMS
    )


def _solve_sparse(prob: _Problem, max_iter: int) -> EarthMoverSolution:
    from .sparse_w1 import solve_sparse  # imports this module

    assert prob.x is not None and prob.y is not None
    return solve_sparse(prob.x, prob.y, prob.a, prob.b, max_iter=max_iter).solution
