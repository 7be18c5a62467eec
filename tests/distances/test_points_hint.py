"""Points passed where a measure is expected: the message says to wrap them in Discrete
(issue 27)."""

from __future__ import annotations

import pytest

from distances import (
    Discrete,
    earth_mover,
    earth_mover_solution,
    js_divergence,
    kl_divergence,
    total_variation,
)

SQUARE_BOTTOM, SQUARE_TOP = [[0.0, 0.0], [1.0, 0.0]], [[0.0, 1.0], [1.0, 1.0]]


@pytest.mark.parametrize("func", [earth_mover, earth_mover_solution])
def test_point_clouds_to_earth_mover(func):
    with pytest.raises(ValueError) as info:
        func(SQUARE_BOTTOM, SQUARE_TOP)
    message = str(info.value)
    assert "look like points (shapes (2, 2) and (2, 2))" in message
    assert "earth_mover(Discrete(P), Discrete(Q))" in message
    assert "support=" in message  # the rule for probability vectors is still stated
    # ... and the advice works: W1 between the bottom and the top of the unit square is 1.
    assert earth_mover(Discrete(SQUARE_BOTTOM), Discrete(SQUARE_TOP)) == 1.0


def test_samples_on_the_line_to_earth_mover():
    with pytest.raises(ValueError, match=r"look like samples on the line .*Discrete\(P\)"):
        earth_mover([0.0, 1.0], [1.0, 2.0])  # sums 1 and 3: not probability vectors


def test_probability_vectors_without_support_get_no_points_advice():
    with pytest.raises(ValueError) as info:
        earth_mover([0.5, 0.5], [0.25, 0.75])
    assert "Discrete" not in str(info.value) and "support=" in str(info.value)


@pytest.mark.parametrize("func", [total_variation, kl_divergence, js_divergence])
def test_point_clouds_to_the_divergences(func):
    with pytest.raises(ValueError, match=r"P looks like 2 points in 2-D.*Discrete\(P\)"):
        func(SQUARE_BOTTOM, SQUARE_TOP)
