"""The dense solver works on costs divided by a power of two and scales back exactly.

:meth:`~distances.transport._problem.Problem.unit_ground_cost` divides the ground cost by
the largest power of two below its maximum (``power_of_two_below``); dividing and
multiplying by 2^k is exact in binary floating point, so the value of a problem whose
answer is one cost entry comes back as that entry, bit for bit, in every binade.
"""

from __future__ import annotations

import numpy as np
import pytest

from distances import Discrete, earth_mover, earth_mover_solution
from distances.transport._problem import power_of_two_below


@pytest.mark.parametrize(
    ("v", "expected"),
    [
        (0.0, 1.0),  # the documented value for 0: all costs zero, nothing to scale
        (1.0, 1.0),
        (3.0, 2.0),
        (4.0, 4.0),
        (0.3, 0.25),
        (1e-300, 2.0**-997),
        (1.5e300, 2.0**997),
    ],
)
def test_power_of_two_below_is_the_largest_power_of_two_not_above(v: float, expected: float):
    assert power_of_two_below(v) == expected
    assert expected <= v < 2 * expected or v == 0.0


@pytest.mark.parametrize("c", [3.0, 0.75, 3e-10, 3e10, 7.0])
def test_a_cost_matrix_in_any_binade_gives_its_entry_exactly(c: float) -> None:
    # All the mass of atom 0 goes to atom 1 at cost c: W1 = c exactly (the scale s of
    # the cost is 2, 0.5, 2^-32, 2^34, 4: each must divide and multiply back).
    assert earth_mover([1.0, 0.0], [0.0, 1.0], cost=[[0.0, c], [c, 0.0]]) == c
    sol = earth_mover_solution([1.0, 0.0], [0.0, 1.0], cost=[[0.0, c], [c, 0.0]])
    assert sol.value == c
    assert sol.certificate.cost_scale == c  # the largest cost, scaled back
    assert sol.u[0] + sol.v[1] == pytest.approx(c, rel=1e-15)  # strong duality


@pytest.mark.parametrize("d", [3.0, 0.75, 3e-10, 3e10])
def test_point_clouds_in_any_binade_give_their_distance_exactly(d: float) -> None:
    # Two Diracs d apart in the plane (the dense simplex): W1 = d. Coordinates and then
    # distances are rescaled by powers of two; both must come back.
    P, Q = Discrete([[0.0, 0.0]]), Discrete([[0.0, d]])
    sol = earth_mover_solution(P, Q, method="network_simplex")
    assert sol.value == d
    # Far from the origin: coordinates scaled by one power of two, distances by another.
    # The exact distance is the rounded coordinate's difference (exact, Sterbenz); the
    # square root of its square may be 1 ulp off.
    far = Discrete([[1e6, 1e6]]), Discrete([[1e6, 1e6 + d]])
    exact = (1e6 + d) - 1e6
    assert earth_mover(*far, method="network_simplex") == pytest.approx(exact, rel=1e-15)


def test_all_zero_costs_give_zero_with_zero_potentials() -> None:
    sol = earth_mover_solution([0.2, 0.3, 0.5], [0.6, 0.4], cost=np.zeros((3, 2)))
    assert sol.value == 0.0 and sol.certificate.ok
    assert not sol.u.any() and not sol.v.any()
