r"""The derivative of exact W1 with respect to a generator parameter, two ways.

Let :math:`x_1, \dots, x_n` be real points with weights :math:`a`, and
:math:`y_j = g_\theta(z_j)` generated points with weights :math:`b`. The exact cost

.. math::

    W(\theta) = \min_{\gamma \in \Pi(a, b)} \sum_{ij} \gamma_{ij} \|x_i - y_j(\theta)\|

is a minimum of smooth functions of :math:`\theta`. Where the optimal plan is unique and
does not change, its derivative is given by

- the **envelope gradient** (:func:`earth_mover_gradient`), the derivative of the
  optimal cost through the plan held fixed:
  :math:`W'(\theta) = \sum_{ij} \gamma_{ij} \frac{(y_j - x_i)}{\|y_j - x_i\|}
  \cdot \partial_\theta y_j`;
- the **dual (critic) gradient** of Theorem 3 (:func:`critic_gradient`): with the optimal
  critic :math:`f(y) = \max_i (u_i - \|x_i - y\|)` built from the optimal dual potential
  u on the real points, :math:`W = \mathbb{E}_{P_r} f - \mathbb{E}_{P_\theta} f` and
  :math:`W'(\theta) = -\mathbb{E}_z[\nabla f(g_\theta(z)) \cdot \partial_\theta g_\theta(z)]`.

The two use different parts of the solution (the plan; the potential u alone, with the
partner of each generated point found by the argmax in f), and both are compared with
finite differences of the exact value in :mod:`distances.paper.theorems`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import sparse
from scipy.optimize import linprog
from scipy.spatial.distance import cdist

from ._validation import as_atoms
from .wasserstein import EarthMoverSolution, certify, earth_mover_solution

__all__ = [
    "EarthMoverGradient",
    "StrictPotential",
    "critic_gradient",
    "earth_mover_gradient",
    "optimal_critic",
    "strictly_complementary_potential",
]

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class EarthMoverGradient:
    """Exact W1 and its envelope derivative in theta.

    Attributes
    ----------
    value : float
        :math:`W(\\theta)`, certified by the solver.
    gradient : float
        The envelope derivative
        :math:`\\sum_{ij}\\gamma_{ij}\\, e_{ij} \\cdot \\partial_\\theta y_j`.
    solution : EarthMoverSolution
        The exact solution (plan, potentials, certificate) in the order of the inputs.
    """

    value: float
    gradient: float
    solution: EarthMoverSolution


def _uniform(n: int) -> FloatArray:
    return np.full(n, 1.0 / n)


def _unit_vectors(x: FloatArray, y: FloatArray, dist: FloatArray) -> FloatArray:
    """(y_j - x_i) / |y_j - x_i|, shape (n, m, d); 0 where the points coincide."""
    diff = y[None, :, :] - x[:, None, :]
    with np.errstate(invalid="ignore", divide="ignore"):
        unit = diff / dist[:, :, None]
    return np.where(dist[:, :, None] > 0, unit, 0.0)


def earth_mover_gradient(x: ArrayLike, y: ArrayLike, dy: ArrayLike) -> EarthMoverGradient:
    r"""Exact W1 between the empirical measures of ``x`` and ``y``, and :math:`dW/d\theta`.

    Parameters
    ----------
    x : array_like, shape (n, d)
        Real points (uniform weights).
    y : array_like, shape (m, d)
        Generated points :math:`y_j = g_\theta(z_j)` (uniform weights).
    dy : array_like, shape (m, d)
        Their derivatives :math:`\partial_\theta y_j`.

    Returns
    -------
    EarthMoverGradient

    Notes
    -----
    Where a generated point sits exactly on its partner (distance 0), the cost
    :math:`\|x_i - y_j\|` has a kink and the term is taken as 0 (a subgradient).

    Examples
    --------
    Example 1 with the same z on both lines:
    :math:`W = |\theta|`, :math:`W' = \mathrm{sign}\,\theta`.

    >>> z = np.array([0.1, 0.5, 0.9])
    >>> x = np.column_stack([np.zeros(3), z])
    >>> y = np.column_stack([np.full(3, -0.3), z])
    >>> r = earth_mover_gradient(x, y, np.tile([1.0, 0.0], (3, 1)))
    >>> round(r.value, 15), round(r.gradient, 15)
    (0.3, -1.0)
    """
    xx, yy = as_atoms(x, "x"), as_atoms(y, "y")
    dyy = as_atoms(dy, "dy")
    if dyy.shape != yy.shape:
        raise ValueError(f"dy must have the shape of y {yy.shape}; got {dyy.shape}")
    cost = cdist(xx, yy)
    sol = earth_mover_solution(_uniform(xx.shape[0]), _uniform(yy.shape[0]), cost=cost)
    unit = _unit_vectors(xx, yy, cost)
    grad = float(np.einsum("ij,ijd,jd->", sol.plan, unit, dyy))
    return EarthMoverGradient(sol.value, grad, sol)


def optimal_critic(x: ArrayLike, u: ArrayLike, y: ArrayLike) -> tuple[FloatArray, FloatArray]:
    r"""The critic :math:`f(y) = \max_i (u_i - \|x_i - y\|)` and its gradient at points y.

    f is 1-Lipschitz (a maximum of 1-Lipschitz functions). When u is an optimal dual
    potential on the real points x, f is an optimal critic of the Kantorovich-Rubinstein
    dual: :math:`W_1 = \mathbb{E}_{P_r} f - \mathbb{E}_{Q} f`.

    Parameters
    ----------
    x : array_like, shape (n, d)
        Real points.
    u : array_like, shape (n,)
        Potential values on them.
    y : array_like, shape (m, d)
        Where to evaluate.

    Returns
    -------
    values : ndarray, shape (m,)
    gradients : ndarray, shape (m, d)
        :math:`\nabla f(y_j) = -(y_j - x_{i^*}) / \|y_j - x_{i^*}\|`, i* the argmax.

    Examples
    --------
    >>> f, df = optimal_critic([[0.0]], [0.0], [[2.0], [-1.0]])
    >>> f.tolist(), df.ravel().tolist()
    ([-2.0, -1.0], [-1.0, 1.0])
    """
    xx, yy = as_atoms(x, "x"), as_atoms(y, "y")
    uu = np.asarray(u, dtype=float)
    if uu.shape != (xx.shape[0],):
        raise ValueError(
            f"u must have one value per real point, shape ({xx.shape[0]},); got {uu.shape}"
        )
    dist = cdist(xx, yy)
    scores = uu[:, None] - dist
    best = np.argmax(scores, axis=0)
    cols = np.arange(yy.shape[0])
    diff = yy - xx[best]
    norm = dist[best, cols]
    with np.errstate(invalid="ignore", divide="ignore"):
        grad = np.where(norm[:, None] > 0, -diff / norm[:, None], 0.0)
    return scores[best, cols], grad


def critic_gradient(x: ArrayLike, y: ArrayLike, dy: ArrayLike, u: ArrayLike) -> float:
    r"""Theorem 3's gradient, through the critic built from the dual potential u.

    .. math::

        W'(\theta) = -\mathbb{E}_z[\nabla f(g_\theta(z)) \cdot \partial_\theta g_\theta(z)].

    Parameters
    ----------
    x : array_like, shape (n, d)
        Real points.
    y, dy : array_like, shape (m, d)
        Generated points and their derivatives in theta (uniform weights).
    u : array_like, shape (n,)
        An optimal dual potential on x (``earth_mover_solution(...).u``).

    Returns
    -------
    float
    """
    _, grad_f = optimal_critic(x, u, y)
    dyy = as_atoms(dy, "dy")
    if dyy.shape != grad_f.shape:
        raise ValueError(f"dy must have the shape of y {grad_f.shape}; got {dyy.shape}")
    return float(-np.mean(np.sum(grad_f * dyy, axis=1)))


@dataclass(frozen=True)
class StrictPotential:
    """Optimal dual potentials with the largest slack off the plan's support.

    Attributes
    ----------
    u, v : ndarray, shapes (n,) and (m,)
        Optimal potentials: :math:`u_i + v_j = c_{ij}` where the plan is positive and
        :math:`u_i + v_j \\le c_{ij} - \\text{margin}` elsewhere.
    margin : float
        The smallest slack off the support. ``margin > 0`` certifies that the optimal
        plan is unique (any other optimal plan would use an edge of zero reduced cost),
        so the optimal cost is differentiable in the positions of the points, and that
        the critic :func:`optimal_critic` built from u has a unique maximiser, hence a
        gradient, at every generated point.
    """

    u: FloatArray
    v: FloatArray
    margin: float


def strictly_complementary_potential(
    solution: EarthMoverSolution, cost: ArrayLike, *, support_tol: float = 1e-12
) -> StrictPotential:
    r"""Among the optimal dual potentials, one with the largest slack off the plan's support.

    The network simplex returns a vertex of the dual polytope: on a degenerate problem
    (n = m uniform weights, a permutation plan) it has n - 1 extra tight edges of zero
    flow, where the critic :math:`\max_i (u_i - c_{ij})` has ties and no gradient. This
    solves the linear program (HiGHS)

    .. math::

        \max t \quad\text{s.t.}\quad u_i + v_j = c_{ij}\ (\gamma_{ij} > 0), \quad
        u_i + v_j + t \le c_{ij}\ (\gamma_{ij} = 0), \quad t \le \max c,\ u_1 = 0,

    whose solution is strictly complementary when the optimal plan is unique
    (Goldman-Tucker), and checks it with :func:`~distances.certify`.

    Parameters
    ----------
    solution : EarthMoverSolution
        An exact solution (from :func:`~distances.earth_mover_solution`).
    cost : array_like, shape (n, m)
        Its ground cost.
    support_tol : float, default 1e-12
        Plan entries above this are the support.

    Returns
    -------
    StrictPotential
    """
    c = np.asarray(cost, dtype=float)
    n, m = c.shape
    on = solution.plan > support_tol
    rows, cols = np.nonzero(np.ones((n, m), dtype=bool))
    k = rows.size
    a_pot = sparse.csr_matrix(
        (np.ones(2 * k), (np.r_[np.arange(k), np.arange(k)], np.r_[rows, n + cols])),
        shape=(k, n + m + 1),
    )
    t_col = sparse.csr_matrix((np.ones(k), (np.arange(k), np.full(k, n + m))), shape=(k, n + m + 1))
    flat_on = on.ravel()
    a_eq = a_pot[flat_on]
    a_ub = (a_pot + t_col)[~flat_on]
    scale = float(c.max()) if c.size else 1.0
    bounds = [(0.0, 0.0)] + [(None, None)] * (n + m - 1) + [(None, scale)]
    objective = np.zeros(n + m + 1)
    objective[-1] = -1.0
    res = linprog(
        objective,
        A_ub=a_ub if a_ub.shape[0] else None,
        b_ub=c.ravel()[~flat_on] if a_ub.shape[0] else None,
        A_eq=a_eq,
        b_eq=c.ravel()[flat_on],
        bounds=bounds,
        method="highs",
    )
    if res.status != 0:
        raise ValueError(
            f"the plan's support admits no complementary potentials; HiGHS says: {res.message}"
        )
    u, v, margin = res.x[:n], res.x[n : n + m], float(res.x[-1])
    cert = certify(solution.plan, u, v, solution.a, solution.b, c)
    if not cert.ok:
        raise ValueError(f"the strictly complementary potentials fail the certificate: {cert}")
    return StrictPotential(u, v, margin if a_ub.shape[0] else float("inf"))
