r"""The divergences of two mutually singular measures: TV 1, JS log 2, KL +inf.

Two measures that live on disjoint sets (more generally, mutually singular measures, e.g. a
law with a density and a measure on a Lebesgue-null set) are at TV 1, JS log 2 and KL +inf
in both directions, however close the sets are; W1 sees the distance. The continuous laws
(:mod:`distances.continuous`) and the paper's families (:mod:`distances.paper.families`)
both answer by this rule.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["SingularDivergences", "mutually_singular_divergences"]

_LOG2 = math.log(2.0)


@dataclass(frozen=True)
class SingularDivergences:
    """TV, JS and both KLs of a mutually singular pair.

    Attributes
    ----------
    total_variation : float
        1.0
    js : float
        log 2 (natural log; 1 bit)
    kl_pq, kl_qp : float
        +inf, both directions.
    """

    total_variation: float
    js: float
    kl_pq: float
    kl_qp: float


def mutually_singular_divergences() -> SingularDivergences:
    r"""The divergences of two mutually singular measures: TV 1, JS log 2, KL +inf.

    Rule. If there is a set A with :math:`P(A) = 1` and :math:`Q(A) = 0` (P and Q are
    *mutually singular*; for instance P has a density and Q lives on a finite set, a
    segment in the plane, or any Lebesgue-null set; or P and Q live on disjoint sets), then

    - :math:`\delta(P, Q) = P(A) - Q(A) = 1`, the largest possible value;
    - :math:`KL(P \| Q) = KL(Q \| P) = +\infty`, as each puts mass where the other has none;
    - :math:`M = (P+Q)/2` has :math:`dP/dM = 2` on A and :math:`dQ/dM = 2` off A, so
      :math:`JS(P, Q) = \tfrac12 \log 2 + \tfrac12 \log 2 = \log 2`, the largest value.

    None of the three depends on *how far apart* the supports are, which is why they
    carry no gradient for a generator whose samples live on a low-dimensional set
    (Example 1), while :math:`W_1` does.

    Returns
    -------
    SingularDivergences

    Examples
    --------
    >>> r = mutually_singular_divergences()
    >>> r.total_variation, r.js == math.log(2), r.kl_pq, r.kl_qp
    (1.0, True, inf, inf)
    """
    return SingularDivergences(1.0, _LOG2, math.inf, math.inf)
