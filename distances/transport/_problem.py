r"""The transport kernel shared by the exact W1 solvers (dense, sparse and on the line).

One place for what every solver of :mod:`distances.wasserstein` needs:

* the validated problem (:class:`Problem`), built once by the public face and passed down;
* the answer (:class:`EarthMoverSolution`) and its :class:`Certificate`, and
  :func:`certify`, which checks a dense plan and dual potentials against each other;
* :class:`SolverError`, raised rather than returning anything unproven;
* power-of-two cost scaling (exact: the solvers work on costs of order 1);
* the iteration limit: its rule (:func:`check_max_iter`) and the retries of a solve that
  stops at it (:func:`retry_at_limit`);
* POT, imported lazily and once (:func:`pot`): importing it loads its backends (torch,
  about 1-2 s here), which ``import distances`` must not pay.

Private module: the public names are re-exported by :mod:`distances.wasserstein`.

The certificate's tolerance
---------------------------
A plan :math:`\gamma` with exact marginals and potentials with
:math:`u_i + v_j \le c_{ij} + \epsilon` (dual infeasibility :math:`\epsilon`) bound the optimum
from both sides: :math:`a \cdot u + b \cdot v - \epsilon \le W \le \langle \gamma, C\rangle`,
so the value is within ``duality_gap + dual_infeasibility`` of the optimum
(:attr:`Certificate.value_error_bound`). Those two are judged against
``CERTIFICATE_RTOL`` times :attr:`Certificate.value_scale`: the largest cost the plan uses and
the largest :math:`|u_i|`, :math:`|v_j|` (the numbers whose round-off the check sees), not the
largest ground cost, so that one outlier cost (1e8 among costs near 1) that the plan does
not use cannot make the certificate prove almost nothing about a value near 0.4. The scale
is floored at ``SCALE_FLOOR`` (1e-2) times the largest ground cost, for the solver's own
round-off (which grows with the largest cost): with the outlier the value is then certified
to 1e-3 absolute, where the largest ground cost alone allowed 0.1.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any, TypeVar

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.spatial.distance import cdist

__all__ = [
    "CERTIFICATE_RTOL",
    "DEFAULT_MAX_ITER",
    "MAX_ITER_LIMIT",
    "PRICING_RTOL",
    "SCALE_FLOOR",
    "SIMPLEX_EPS",
    "STALL_RTOL",
    "TINY_SCALE",
    "Certificate",
    "EarthMoverSolution",
    "Problem",
    "SolverError",
    "certify",
    "certify_dense",
    "check_max_iter",
    "euclidean",
    "pot",
    "power_of_two_below",
    "retry_at_limit",
    "scaled",
    "tolerance",
]

FloatArray = NDArray[np.float64]
_T = TypeVar("_T")

#: Relative tolerance of the certificate: marginal errors against total mass 1, dual
#: infeasibility and duality gap against :attr:`Certificate.value_scale`.
CERTIFICATE_RTOL = 1e-9

#: The certificate's scale is at least this fraction of the largest ground cost: POT's
#: potentials carry a round-off that grows with n and with the largest cost it is given.
#: Measured with one cost 1e8 among U(0.5, 1.5) costs (unit masses): dual infeasibility
#: 5e-16, 6e-15, 5e-14 and 3e-13 of the largest cost at n = 5, 50, 300 and 1000; a floor of
#: 1e-2 leaves room to n of a few 10^4. The value is then certified to 1e-9 * 1e-2 * 1e8 =
#: 1e-3 absolute there (the largest cost alone allowed 0.1). A Dirac at 0 against one at
#: 1.2e-175 (a massless atom at 1) gets u = v = 0 and a gap of 1.2e-175: also within the floor.
SCALE_FLOOR = 1e-2
#: The scale below which every tolerance stops shrinking (tolerances are ``rtol * max(scale,
#: TINY_SCALE)``: the certificate's, and the sparse solver's pricing in Python and compiled).
TINY_SCALE = float(np.finfo(float).tiny)
#: Pricing tolerance of the sparse solver relative to the certificate's scale: a pair with
#: reduced cost below ``-PRICING_RTOL * scale`` is a violation and joins the candidates.
PRICING_RTOL = 0.5 * CERTIFICATE_RTOL
#: Reduced costs above ``-SIMPLEX_EPS`` count as optimal inside one simplex solve (its costs
#: are scaled to at most 1, the certificate's scale is at least 1e-2 of that): 10^3 times
#: below the pricing tolerance.
SIMPLEX_EPS = 1e-3 * PRICING_RTOL
#: A full scan whose violations are all below ``STALL_RTOL * scale`` and that did not lower
#: the value since the previous one stops the rounds (round-off; within the certificate).
STALL_RTOL = 0.8 * CERTIFICATE_RTOL

DEFAULT_MAX_ITER = 1_000_000
RETRIES = 2  # each retry multiplies the iteration limit by 10
#: The largest ``max_iter``: POT's network simplex counts iterations in a C ``uint64``
#: (limit 2^64 - 1, about 1.8e19) and the two retries multiply the limit by 100.
MAX_ITER_LIMIT = 10**17
_BLOCK_ELEMENTS = 1 << 18  # rows of the (n, m) dual slack checked at a time: 2 MiB


class SolverError(RuntimeError):
    """The transport solver did not reach a certified optimum."""


@dataclass(frozen=True)
class Certificate:
    """Evidence that a transport plan and dual potentials are optimal.

    Attributes
    ----------
    marginal_error : float
        Largest absolute difference between a marginal of the plan and the weights (and
        the largest negative entry of the plan).
    dual_infeasibility : float
        Largest violation :math:`\\max_{ij} (u_i + v_j - c_{ij})`, clipped below at 0.
    duality_gap : float
        :math:`|\\langle \\gamma, C\\rangle - (p \\cdot u + q \\cdot v)|`.
    cost_scale : float
        The largest ground cost :math:`\\max_{ij} c_{ij}`.
    plan_scale : float or None
        The largest cost on the plan's support and the largest :math:`|u_i|`, :math:`|v_j|`:
        the scale the infeasibility and the gap are judged against (see
        :attr:`value_scale`). ``None`` (a certificate built by hand) falls back to
        ``cost_scale``.
    """

    marginal_error: float
    dual_infeasibility: float
    duality_gap: float
    cost_scale: float
    plan_scale: float | None = None

    @property
    def value_scale(self) -> float:
        """The scale of the value's certificate: ``plan_scale``, but at least
        ``SCALE_FLOOR * cost_scale`` (the solver's own round-off); ``cost_scale`` when
        ``plan_scale`` is None."""
        if self.plan_scale is None:
            return self.cost_scale
        return max(self.plan_scale, SCALE_FLOOR * self.cost_scale)

    @property
    def tolerance(self) -> float:
        """Absolute tolerance on dual infeasibility and gap: ``CERTIFICATE_RTOL * value_scale``."""
        return tolerance(CERTIFICATE_RTOL, self.value_scale)

    @property
    def value_error_bound(self) -> float:
        """``duality_gap + dual_infeasibility``: a bound on |value - optimum| (given exact
        marginals), since lowering every :math:`u_i` by the infeasibility gives a feasible dual."""
        return self.duality_gap + self.dual_infeasibility

    @property
    def ok(self) -> bool:
        """True when all three errors are within tolerance: the value is the optimum."""
        return (
            self.marginal_error <= CERTIFICATE_RTOL
            and self.dual_infeasibility <= self.tolerance
            and self.duality_gap <= self.tolerance
        )


def scaled(cert: Certificate, s: float) -> Certificate:
    """The certificate of the same solution for costs ``s`` times larger."""
    plan = None if cert.plan_scale is None else cert.plan_scale * s
    return Certificate(
        cert.marginal_error,
        cert.dual_infeasibility * s,
        cert.duality_gap * s,
        cert.cost_scale * s,
        plan,
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
class Problem:
    """A validated transport problem: unit masses ``a``, ``b`` (float64, summing to 1 up
    to round-off) and either point clouds ``x``, ``y`` or a ground ``cost`` matrix. The
    solvers take it as it is; nothing below the public face validates it again."""

    a: FloatArray
    b: FloatArray
    x: FloatArray | None
    y: FloatArray | None
    cost: FloatArray | None

    @property
    def is_1d(self) -> bool:
        return self.x is not None and self.x.shape[1] == 1

    def ground_cost(self) -> FloatArray:
        """The (n, m) ground cost: the given matrix, or Euclidean distances."""
        if self.cost is not None:
            return self.cost
        assert self.x is not None and self.y is not None
        return euclidean(self.x, self.y)

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
            s = power_of_two_below(float(self.cost.max()))
            return (self.cost if s == 1.0 else self.cost / s), s
        assert self.x is not None and self.y is not None
        s = power_of_two_below(max(float(np.abs(self.x).max()), float(np.abs(self.y).max())))
        unit = euclidean(self.x, self.y) if s == 1.0 else euclidean(self.x / s, self.y / s)
        t = power_of_two_below(float(unit.max()))
        if t != 1.0:
            unit /= t  # in place: no second (n, m) array
        return unit, s * t


def tolerance(rtol: float, scale: float) -> float:
    """``rtol * max(scale, TINY_SCALE)``: the one rule of every tolerance of the solvers."""
    return rtol * max(scale, TINY_SCALE)


def power_of_two_below(v: float) -> float:
    """The largest power of two <= v (1.0 for v = 0)."""
    return 2.0 ** math.floor(math.log2(v)) if v > 0 else 1.0


def euclidean(x: FloatArray, y: FloatArray) -> FloatArray:
    """Pairwise Euclidean distances; |x_i - y_j| directly on the line (no square root)."""
    if x.shape[1] == 1:
        return np.abs(np.subtract.outer(x[:, 0], y[:, 0]))
    return cdist(x, y, metric="euclidean")


# -- the iteration limit ----------------------------------------------------------------


def check_max_iter(max_iter: Any) -> int:
    """``max_iter`` as an int in [1, MAX_ITER_LIMIT], or a ValueError naming the rule."""
    if isinstance(max_iter, bool) or not (
        isinstance(max_iter, (int, np.integer)) and max_iter > 0
    ):
        raise ValueError(f"max_iter must be a positive integer; got {max_iter!r}")
    if max_iter > MAX_ITER_LIMIT:
        raise ValueError(
            f"max_iter must be at most {MAX_ITER_LIMIT:.0e} (the solver counts iterations in "
            f"a 64-bit integer and a retry multiplies the limit by up to 100); got {max_iter!r}"
        )
    return int(max_iter)


def retry_at_limit(
    solve: Callable[[int], tuple[_T, int]], max_iter: int, name: str
) -> tuple[_T, int]:
    """``solve(limit)`` -> (result, POT result code), retried with 10x the limit on code 3.

    Raises :class:`SolverError` when the last of the ``RETRIES + 1`` tries also stops at
    its iteration limit: a non-optimal plan is never returned.
    """
    limit = int(max_iter)
    for _ in range(RETRIES + 1):
        result, code = solve(limit)
        if code != 3:  # 3: iteration limit reached
            return result, code
        limit *= 10
    raise SolverError(
        f"{name} stopped at its iteration limit ({limit // 10}) "
        f"{RETRIES + 1} times; pass a larger max_iter"
    )


_POT: list[ModuleType] = []


def pot() -> ModuleType:
    """The ``ot`` module (POT), imported on first use and then reused.

    Not at module level: ``import ot`` loads POT's backends, torch among them when it is
    installed (1.8 s of ``python -X importtime -c 'import ot'`` here, 1.1 s of it torch).
    Importing only ``ot.lp.emd_wrap`` does not avoid it (the extension imports the package).
    """
    if not _POT:
        import ot

        _POT.append(ot)
    return _POT[0]


# -- the certificate ------------------------------------------------------------------


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
    return certify_dense(plan, u, v, a, b, cost)[0]


def certify_dense(
    plan: FloatArray, u: FloatArray, v: FloatArray, a: FloatArray, b: FloatArray, cost: FloatArray
) -> tuple[Certificate, float]:
    """:func:`certify` without the conversions and shape checks, and the primal cost.

    For arrays the caller built with the right shapes and dtype. Two passes over the
    (n, m) arrays: the plan's support (``flatnonzero``; marginals, negativity, primal cost
    and the plan's costs come from it) and the dual slack with the largest cost, a block of
    rows at a time.
    """
    n, m = plan.shape
    support = np.flatnonzero(plan)
    mass = plan.ravel()[support]
    used = cost.ravel()[support]
    rows, cols = np.divmod(support, m)
    marginal = max(
        float(np.abs(np.bincount(rows, weights=mass, minlength=n) - a).max()),
        float(np.abs(np.bincount(cols, weights=mass, minlength=m) - b).max()),
        float(max(0.0, -mass.min(initial=0.0))),
    )
    primal = float(mass @ used)
    gap = abs(primal - float(a @ u + b @ v))
    violation, largest = dual_violation(u, v, cost)
    plan_scale = max(
        float(used.max(initial=0.0)), float(np.abs(u).max()), float(np.abs(v).max())
    )
    return Certificate(marginal, violation, gap, largest, plan_scale), primal


def dual_violation(u: FloatArray, v: FloatArray, cost: FloatArray) -> tuple[float, float]:
    """(max(0, max_ij u_i + v_j - c_ij), max_ij c_ij), a block of rows at a time."""
    n, m = cost.shape
    rows = max(1, _BLOCK_ELEMENTS // max(m, 1))
    buf = np.empty((min(rows, n), m))
    worst, largest = 0.0, 0.0
    for start in range(0, n, rows):
        c = cost[start : start + rows]
        block = buf[: c.shape[0]]
        largest = max(largest, float(c.max()))
        np.add.outer(u[start : start + rows], v, out=block)
        block -= c
        worst = max(worst, float(block.max()))
    return worst, largest


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
