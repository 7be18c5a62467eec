r"""The Kantorovich-Rubinstein dual of W1, as its own linear program.

For two finite measures :math:`P = \sum_i p_i \delta_{x_i}` and
:math:`Q = \sum_i q_i \delta_{x_i}` written on the union :math:`x_1, \dots, x_k` of
their atoms (Euclidean ground distance :math:`d(x, y) = \|x - y\|_2`),

.. math::

    W_1(P, Q) = \max_{f:\ \mathrm{Lip}(f) \le 1} \mathbb{E}_P f - \mathbb{E}_Q f
              = \max_{f \in \mathbb{R}^k} \sum_i f_i (p_i - q_i)
                \quad \text{s.t.}\quad f_i - f_j \le d(x_i, x_j)\ \ (i \ne j).

:func:`kantorovich_dual` solves the right-hand side with scipy's HiGHS
(:func:`scipy.optimize.linprog`), independently of POT, and compares its value with
the primal cost of :func:`~distances.earth_mover_solution` (strong duality). It has
:math:`k(k-1)` constraints, so it is sized for teaching: up to :data:`DUAL_MAX_ATOMS`
atoms. For larger problems use :func:`~distances.earth_mover_solution`, whose
potentials :func:`~distances.lipschitz.c_transform` turns into one 1-Lipschitz potential.

A potential is defined up to an additive constant (the objective ignores it, since
:math:`\sum_i (p_i - q_i) = 0`); this module fixes it so that the smallest value on
the atoms is 0.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._validation import as_atoms, as_float_array, check_same_dim
from .divergences import on_common_support
from .dual_lp import solve_dual_lp, tight_potential
from .lipschitz import (
    ExtensionForm,
    LipschitzCheck,
    c_transform,
    check_lipschitz,
    distance_unit,
    lipschitz_extension,
    pairwise_distances,
)
from .measures import Discrete
from .wasserstein import EarthMoverSolution, earth_mover_solution

__all__ = [
    "DUAL_MAX_ATOMS",
    "DUAL_RTOL",
    "DualSolution",
    "dual_objective",
    "kantorovich_dual",
    "potential_from_solution",
    "union_atoms",
]

FloatArray = NDArray[np.float64]

#: Largest number of atoms (union of the supports) :func:`kantorovich_dual` accepts.
#: The LP has k (k - 1) constraints: 400 atoms are 159,600 constraints (the gallery example
#: ``plot_kr_dual_2d.py`` prints the time at 50, 100, 200 and 400 atoms).
DUAL_MAX_ATOMS = 400

#: Relative tolerance of strong duality, judged against the value itself:
#: ``|dual value - primal cost| <= DUAL_RTOL * primal cost + 16 eps * diameter`` (the second
#: term is the round-off of distances of size ``diameter``).
DUAL_RTOL = 1e-9
_ROUNDOFF = 16 * float(np.finfo(float).eps)


@dataclass(frozen=True)
class DualSolution:
    """An optimal 1-Lipschitz potential of the Kantorovich-Rubinstein dual, and its check.

    Attributes
    ----------
    atoms : ndarray, shape (k, d)
        The union of the atoms of P and Q, lexicographically sorted.
    p, q : ndarray, shape (k,)
        The weights of P and Q on ``atoms``.
    potential : ndarray, shape (k,)
        Optimal values :math:`f(x_i)`, shifted so that the smallest is 0.
    value : float
        The dual value :math:`\\sum_i f(x_i)(p_i - q_i) = \\mathbb{E}_P f - \\mathbb{E}_Q f`.
    primal : EarthMoverSolution
        The primal solution from :func:`~distances.earth_mover_solution` (its ``value`` is
        the primal cost, its ``plan`` the optimal coupling).
    lipschitz : LipschitzCheck
        The largest slope of ``potential`` on ``atoms``, checked with
        ``atol = DUAL_RTOL * diameter``.
    tolerance : float
        Absolute tolerance of the strong-duality check,
        ``DUAL_RTOL * primal_cost + 16 eps * diameter``: ``agrees`` means the dual value
        matches the primal cost to 1e-9 relative, not merely to 1e-9 of the diameter.
    """

    atoms: FloatArray
    p: FloatArray
    q: FloatArray
    potential: FloatArray
    value: float
    primal: EarthMoverSolution
    lipschitz: LipschitzCheck
    tolerance: float

    @property
    def primal_cost(self) -> float:
        """The optimal transport cost :math:`W_1(P, Q)` of the primal problem."""
        return self.primal.value

    @property
    def gap(self) -> float:
        """``|value - primal_cost|``: zero up to round-off by strong duality."""
        return abs(self.value - self.primal.value)

    @property
    def agrees(self) -> bool:
        """True when the gap is within ``tolerance`` and the potential is 1-Lipschitz."""
        return self.gap <= self.tolerance and self.lipschitz.ok

    def extend(self, points: ArrayLike, *, form: ExtensionForm = "min") -> FloatArray:
        """The potential's 1-Lipschitz extension evaluated at ``points``.

        See :func:`~distances.lipschitz.lipschitz_extension`.
        """
        return lipschitz_extension(self.atoms, self.potential, points, form=form)


def union_atoms(P: Discrete, Q: Discrete) -> tuple[FloatArray, FloatArray, FloatArray]:
    """The union of the atoms of two measures and both weight vectors on it.

    Parameters
    ----------
    P, Q : Discrete
        Two measures of the same dimension.

    Returns
    -------
    atoms : ndarray, shape (k, d)
        The distinct atoms of P and Q (exact coordinate equality), lexicographically sorted.
    p, q : ndarray, shape (k,)
        The weights of P and Q on ``atoms`` (0 where a measure has no atom).

    Examples
    --------
    >>> from distances import Discrete
    >>> z, p, q = union_atoms(Discrete([0.0, 3.0]), Discrete([1.0, 3.0], [0.75, 0.25]))
    >>> z.ravel().tolist(), p.tolist(), q.tolist()
    ([0.0, 1.0, 3.0], [0.5, 0.0, 0.5], [0.0, 0.75, 0.25])
    """
    _check_discrete(P, Q)
    p, q = on_common_support(P, Q)
    atoms = np.unique(np.concatenate([P.atoms, Q.atoms]), axis=0)
    return atoms, p, q


def kantorovich_dual(P: Discrete, Q: Discrete, *, max_atoms: int = DUAL_MAX_ATOMS) -> DualSolution:
    r"""Solve the Kantorovich-Rubinstein dual of :math:`W_1(P, Q)` as a linear program.

    .. math::

        \max_{f \in \mathbb{R}^k} \sum_{i=1}^k f_i (p_i - q_i)
        \quad\text{s.t.}\quad f_i - f_j \le \|x_i - x_j\|_2 \quad (i \ne j),

    on the union :math:`x_1, \dots, x_k` of the atoms, with HiGHS
    (``scipy.optimize.linprog(method="highs")``), and compare the value with the primal
    cost of :func:`~distances.earth_mover_solution` (POT's network simplex, or the closed
    form on the line).

    Parameters
    ----------
    P, Q : Discrete
        Two finite measures of the same dimension.
    max_atoms : int, default DUAL_MAX_ATOMS
        Refuse problems whose union of atoms is larger (the LP has k (k - 1) rows).

    Returns
    -------
    DualSolution
        The potential on the atoms (smallest value 0), the dual value, the primal
        solution, the largest slope of the potential, and ``agrees``.

    Raises
    ------
    ValueError
        If P or Q is not a :class:`~distances.Discrete` measure, their dimensions differ,
        or the union of atoms exceeds ``max_atoms``.
    SolverError
        If HiGHS does not report an optimum.

    See Also
    --------
    earth_mover_solution : the primal problem, for any size.
    potential_from_solution : a 1-Lipschitz potential from POT's dual potentials.

    Notes
    -----
    The constraints for all ordered pairs are kept in every dimension; on the line the
    constraints between neighbours would suffice, but the LP is kept the same everywhere
    so that it reads as the definition. The LP is solved at unit diameter (HiGHS's
    tolerances are absolute) and its solution scaled back; one c-transform step,
    :math:`f_i \leftarrow \min_j f_j + \|x_i - x_j\|`, then removes the LP's feasibility
    round-off, so the potential is 1-Lipschitz up to one rounding. Where the optimum is not
    unique (e.g. on an atom that carries no net mass) the potential is one of the optima.

    Examples
    --------
    Three atoms on the line (the documentation's worked example): P = (δ0 + δ3)/2,
    Q = 3/4 δ1 + 1/4 δ3. Mass moves 0 -> 1 and 3 -> 1, so f has slope -1 then +1:

    >>> from distances import Discrete
    >>> sol = kantorovich_dual(Discrete([0.0, 3.0]), Discrete([1.0, 3.0], [0.75, 0.25]))
    >>> sol.potential.tolist(), sol.value, sol.primal_cost, sol.agrees
    ([1.0, 0.0, 2.0], 1.0, 1.0, True)
    """
    atoms, p, q = union_atoms(P, Q)
    k = atoms.shape[0]
    if not (isinstance(max_atoms, (int, np.integer)) and max_atoms >= 1):
        raise ValueError(f"max_atoms must be a positive integer; got {max_atoms!r}")
    if k > max_atoms:
        raise ValueError(
            f"kantorovich_dual is sized for teaching: the union of atoms must have at most "
            f"{max_atoms} points (the LP has k (k - 1) constraints); got {k}. Use "
            "distances.earth_mover (or earth_mover_solution with potential_from_solution) "
            "for larger problems"
        )
    dist = pairwise_distances(atoms, atoms, distance_unit(atoms))
    primal = earth_mover_solution(P, Q)
    diameter = float(dist.max())
    # HiGHS's tolerances are absolute: solve at unit diameter, then scale f back, so that
    # the accuracy is relative to the problem's size (atoms 1e-75 or 1e6 apart alike).
    scale = diameter if diameter > 0 else 1.0
    f_lp, flow = solve_dual_lp(p - q, dist / scale)
    candidates = [f_lp * scale, tight_potential(f_lp * scale, flow, dist)]
    # One c-transform step, f_i <- min_j f_j + d_ij: exactly 1-Lipschitz (up to one rounding),
    # and it moves no value by more than the LP's feasibility tolerance. Of the LP's values
    # and the ones rebuilt from its tight constraints, keep the larger dual value (both
    # are feasible, so both are lower bounds of W1).
    best = max(((f[None, :] + dist).min(axis=1) for f in candidates), key=lambda f: f @ (p - q))
    f = best - best.min()
    value = float(f @ (p - q))
    return DualSolution(
        atoms=atoms,
        p=p,
        q=q,
        potential=f,
        value=value,
        primal=primal,
        lipschitz=check_lipschitz(atoms, f, atol=DUAL_RTOL * scale),
        tolerance=DUAL_RTOL * primal.value + _ROUNDOFF * diameter,
    )


def potential_from_solution(
    solution: EarthMoverSolution, points: ArrayLike | None = None
) -> tuple[FloatArray, FloatArray]:
    """One 1-Lipschitz potential from the two potentials ``(u, v)`` of an EM solution.

    The c-transform :math:`f = v^c` (see :func:`~distances.lipschitz.c_transform`) has the
    same value :math:`\\mathbb{E}_P f - \\mathbb{E}_Q f = W_1(P, Q)` and is 1-Lipschitz everywhere.

    Parameters
    ----------
    solution : EarthMoverSolution
        A solution from :func:`~distances.earth_mover_solution` of two Discrete measures.
    points : array_like, shape (n,) or (n, d), optional
        Where to evaluate f; default the union of the atoms of P and Q.

    Returns
    -------
    points : ndarray, shape (n, d)
    f : ndarray, shape (n,)
        Shifted so that its smallest value on the atoms of P and Q is 0.

    Examples
    --------
    >>> from distances import Discrete, earth_mover_solution
    >>> sol = earth_mover_solution(Discrete([0.0, 3.0]), Discrete([1.0, 3.0], [0.75, 0.25]))
    >>> z, f = potential_from_solution(sol)
    >>> z.ravel().tolist(), f.tolist()
    ([0.0, 1.0, 3.0], [1.0, 0.0, 2.0])
    """
    if solution.x is None or solution.y is None:
        raise ValueError(
            "potential_from_solution needs the atoms of P and Q; got a solution computed "
            "from a cost matrix (x and y are None)"
        )
    atoms = np.unique(np.concatenate([solution.x, solution.y]), axis=0)
    shift = float(c_transform(solution.v, solution.y, atoms).min())
    z = atoms if points is None else as_atoms(points, "points")
    return z, c_transform(solution.v, solution.y, z) - shift


def dual_objective(P: Discrete, Q: Discrete, atoms: ArrayLike, values: ArrayLike) -> float:
    """:math:`\\mathbb{E}_P f - \\mathbb{E}_Q f` for f given by its values on ``atoms``.

    Every atom of P and Q must be one of ``atoms`` (exact coordinate equality); the
    value is then exact, whatever f's Lipschitz constant.

    Parameters
    ----------
    P, Q : Discrete
        Two measures of the same dimension.
    atoms : array_like, shape (k,) or (k, d)
        Distinct points, covering the atoms of P and Q.
    values : array_like, shape (k,)
        :math:`f` at ``atoms``.

    Returns
    -------
    float

    Examples
    --------
    >>> from distances import Discrete
    >>> dual_objective(Discrete([0.0, 2.0]), Discrete([1.0]), [0.0, 1.0, 2.0], [1.0, 0.0, 1.0])
    1.0
    """
    _check_discrete(P, Q)
    z = as_atoms(atoms, "atoms")
    f = as_float_array(values, "values", ndim=(1,))
    if f.shape[0] != z.shape[0]:
        raise ValueError(
            f"values must have one entry per atom; got {f.shape[0]} values and {z.shape[0]} atoms"
        )
    check_same_dim(P.dim, z.shape[1], ("P", "atoms"))
    lookup = {row.tobytes(): k for k, row in enumerate(z)}
    total = 0.0
    for measure, sign, name in ((P, 1.0, "P"), (Q, -1.0, "Q")):
        idx = []
        for row in measure.atoms:
            if row.tobytes() not in lookup:
                raise ValueError(
                    f"every atom of {name} must be one of atoms; got {row.tolist()} missing"
                )
            idx.append(lookup[row.tobytes()])
        total += sign * float(measure.weights @ f[np.asarray(idx)])
    return total


def _check_discrete(P: object, Q: object) -> None:
    if not (isinstance(P, Discrete) and isinstance(Q, Discrete)):
        raise ValueError(
            f"P and Q must be Discrete measures; got {type(P).__name__} and {type(Q).__name__}"
        )
    check_same_dim(P.dim, Q.dim)
