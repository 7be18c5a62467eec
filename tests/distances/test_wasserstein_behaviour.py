"""Behaviours of distances.wasserstein (the W1 face) that mutation testing found unprotected.

Each test names the behaviour it protects (docs/testing.rst, "What the survivors taught").
Values are exact where the problem is (masses and distances in binary fractions).
"""

from __future__ import annotations

import pytest

from distances import earth_mover, earth_mover_solution


@pytest.mark.parametrize("method", ["auto", "network_simplex", "closed_form_1d"])
def test_weights_off_one_within_the_tolerance_are_rescaled_to_one(method: str) -> None:
    # p sums to 1 - 5e-10 (allowed: SUM_RTOL is 1e-9): it is rescaled before solving, so all
    # the mass moves from 0 to 1 and W1 is exactly 1, not 1 - 5e-10.
    p, q = [1.0 - 5e-10, 0.0], [0.0, 1.0]
    assert earth_mover(p, q, support=[0.0, 1.0], method=method) == 1.0


def test_the_plan_of_rescaled_weights_carries_unit_mass() -> None:
    sol = earth_mover_solution([1.0 - 5e-10, 0.0], [0.0, 1.0], support=[0.0, 1.0])
    assert sol.plan.tolist() == [[0.0, 1.0], [0.0, 0.0]]
    assert sol.value == 1.0
