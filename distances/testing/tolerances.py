r"""Round-off tolerances for tests of distance code, derived once and shared.

The library's own tests and the ready-made checks of :mod:`distances.testing` use these
helpers; use them in your own tests too, so that a tolerance says what it allows for.

* Divergences (TV, KL, JS) of measures with ``n`` atoms in all are sums of at most ``n``
  terms of size at most 1, each rounded a few times: the absolute error is below about
  ``4 eps n``. :func:`divergence_atol` allows ``28 eps n`` (a margin of 7), and never less
  than :data:`DIVERGENCE_ATOL` = 1e-13, the value that covers 16 atoms (two measures of 8).
* W1 between measures whose coordinates are at most ``R`` in absolute value: W1 is
  1-Lipschitz in each atom, a translated or scaled atom moves by one rounding (``eps R``),
  and the closed form or the plan's cost sums at most ``n m`` terms of size at most
  ``2 sqrt(d) R``: :func:`w1_atol` allows ``1e-12 R`` for up to 8 x 8 atoms (a margin of 16
  over ``64 * 4 eps R``), and grows with ``n m`` beyond that.
* A square root turns an absolute error ``e`` on ``x >= 0`` into at most
  ``min(sqrt(e), e / (2 sqrt(x)))`` (:func:`sqrt_atol`): test inequalities such as
  Pinsker's ``TV <= sqrt(KL / 2)`` squared, or with this tolerance.
* Equality cases: ``TV <= 1`` and ``JS <= log(2) TV`` hold with equality at disjoint
  supports, where a correct float sum can land an ulp or two above the bound (a ratio
  ``JS / (log(2) TV)`` of 1.0000000000000002 was seen on 200k random histograms). The
  absolute tolerances above cover those ulps.

User code is allowed more than round-off: :data:`USER_RTOL` and :data:`USER_ATOL` are the
defaults of :func:`~distances.testing.check_distance`.

Examples
--------
>>> from distances import Discrete
>>> divergence_atol(16)
1e-13
>>> w1_atol(Discrete([0.0, 300.0]), Discrete([-2.0]))
3e-10
>>> within(1.0 + 1e-12, 1.0, rtol=1e-9, atol=0.0)
True
"""

from __future__ import annotations

import math

import numpy as np

from ..measures import Discrete

__all__ = [
    "DIVERGENCE_ATOL",
    "EPS",
    "USER_ATOL",
    "USER_RTOL",
    "divergence_atol",
    "sqrt_atol",
    "w1_atol",
    "within",
]

#: Machine epsilon of float64, 2.2e-16.
EPS = float(np.finfo(np.float64).eps)

#: Absolute tolerance on TV, KL and JS of measures with at most 16 atoms in all.
DIVERGENCE_ATOL = 1e-13

#: Default relative tolerance on a user's value against the exact one. 1e-9 passes a
#: float64 sum or a network simplex (POT) in any order, and fails float32 code (errors
#: near 1e-7). An LP solved to feasibility 1e-7 (scipy's HiGHS behind
#: ``wasserstein_distance_nd``) needs an absolute allowance too: it returned -0.0 for a
#: W1 of 5e-10, and passed the checks with ``rtol=1e-6, atol=1e-6``.
USER_RTOL = 1e-9

#: Default absolute tolerance on a user's value, added to the round-off tolerance of the
#: exact value (for values near 0, where a relative tolerance allows nothing).
USER_ATOL = 1e-12


def divergence_atol(n_atoms: int) -> float:
    """Absolute round-off tolerance on TV, KL or JS over ``n_atoms`` atoms in all.

    Parameters
    ----------
    n_atoms : int
        The number of terms summed (the size of the union of the two supports, or the
        total number of rows given).

    Returns
    -------
    float
        ``max(1e-13, 28 * eps * n_atoms)``.
    """
    return max(DIVERGENCE_ATOL, 28.0 * EPS * max(int(n_atoms), 1))


def w1_atol(*measures: Discrete, scale: float = 1.0) -> float:
    """Absolute round-off tolerance on W1 between ``measures`` (after scaling by ``scale``).

    Parameters
    ----------
    *measures : Discrete
        The measures involved (two for a value, three for a triangle inequality).
    scale : float, default 1.0
        A factor applied to the coordinates (for ``W1(aP, aQ) = |a| W1(P, Q)``).

    Returns
    -------
    float
        ``1e-12 * max(R * |scale|, 1) * max(1, n m / 64)`` with ``R`` the largest
        coordinate magnitude and ``n m`` the largest product of two sizes.
    """
    if not measures:
        raise ValueError("w1_atol needs at least one measure; got none")
    extent = max(float(np.abs(M.atoms).max()) for M in measures)
    sizes = sorted(M.size for M in measures)
    terms = sizes[-1] * (sizes[-2] if len(sizes) > 1 else 1)
    return 1e-12 * max(extent * abs(scale), 1.0) * max(1.0, terms / 64.0)


def sqrt_atol(x: float, e: float = DIVERGENCE_ATOL) -> float:
    """How far ``sqrt(x)`` can move when ``x >= 0`` moves by ``e``.

    ``sqrt`` is concave with slope ``1 / (2 sqrt(x))``, so the answer is
    ``min(sqrt(e), e / (2 sqrt(x)))`` (``sqrt(e)`` at ``x = 0``).

    >>> sqrt_atol(0.0, 1e-12)
    1e-06
    """
    return min(math.sqrt(e), e / (2.0 * math.sqrt(x))) if x > 0 else math.sqrt(e)


def within(value: float, expected: float, *, rtol: float, atol: float) -> bool:
    """``|value - expected| <= atol + rtol |expected|``; two equal infinities agree.

    NaN agrees with nothing.
    """
    if math.isinf(expected) or math.isinf(value):
        return value == expected
    return abs(value - expected) <= atol + rtol * abs(expected)
