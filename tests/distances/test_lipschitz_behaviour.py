"""Behaviours of distances.lipschitz that mutation testing found unprotected.

Each test names the behaviour it protects (docs/testing.rst, "What the survivors taught").
Values are exact: the points and values are small integers or powers of two, so slopes,
distances and violations are computed without round-off (asserted with ==), except near
1e308 where the subtraction rounds once (1e-15 relative).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from distances.lipschitz import c_transform, check_lipschitz, lipschitz_extension


def test_points_all_at_the_origin_have_distance_zero() -> None:
    # The distance unit of points whose largest coordinate is 0 must stay a usable power
    # of two (1.0): a unit of 0 would divide 0 by 0.
    assert c_transform([0.0, 1.0], [[0.0, 0.0], [0.0, 0.0]], [[0.0, 0.0]]).tolist() == [-1.0]
    chk = check_lipschitz([0.0, 0.0, 0.0], [1.0, 1.0, 1.0])
    assert (chk.max_slope, chk.pair, chk.max_violation, chk.ok) == (0.0, (0, 0), 0.0, True)


def test_distances_near_the_largest_float_are_finite() -> None:
    # The unit is capped at 2**1023: 2**1024 overflows to inf and would turn finite
    # distances between points near 1.5e308 into nan.
    a, b = 1.5e308, 1.4e308
    got = c_transform([0.0], [b], [a])
    assert math.isclose(float(got[0]), a - b, rel_tol=1e-15)
    chk = check_lipschitz([a, b], [1.0, 0.0])
    assert math.isclose(chk.max_slope, 1.0 / (a - b), rel_tol=1e-15)


def test_a_single_point_has_slope_zero_at_pair_0_0() -> None:
    chk = check_lipschitz([3.0], [5.0])
    assert (chk.max_slope, chk.pair, chk.max_violation, chk.ok) == (0.0, (0, 0), 0.0, True)


def test_a_constant_function_has_slope_zero_at_pair_0_0() -> None:
    chk = check_lipschitz([0.0, 1.0, 4.0], [2.0, 2.0, 2.0])
    assert (chk.max_slope, chk.pair) == (0.0, (0, 0))


def test_equal_points_with_different_values_give_infinite_slope_at_the_larger_value() -> None:
    # The pair (i, j) has f_i >= f_j, as documented, also when the slope is infinite.
    chk = check_lipschitz([0.0, 0.0], [0.0, 1.0])
    assert chk.max_slope == math.inf
    assert chk.pair == (1, 0)
    assert not chk.ok


def test_slope_exactly_the_constant_passes_with_no_slack() -> None:
    # ok is max_violation <= atol: a function with slope exactly L is L-Lipschitz.
    chk = check_lipschitz([0.0, 2.0], [0.0, 1.0], constant=0.5, atol=0.0)
    assert chk.max_violation == 0.0
    assert chk.ok
    assert not check_lipschitz([0.0, 2.0], [0.0, 1.0], constant=0.25, atol=0.0).ok


def test_the_pair_is_the_first_maximum_whatever_the_blocks() -> None:
    # 1030 points are checked in three blocks of rows; the pair is the first maximum in
    # row-major order, the one a single block would give: a tie in a later block does
    # not replace it.
    x = np.arange(1030.0)
    chk = check_lipschitz(x, x)  # every pair i > j has slope exactly 1
    assert (chk.max_slope, chk.pair) == (1.0, (1, 0))


@pytest.mark.parametrize(
    ("call", "quoted"),
    [
        (lambda: c_transform([0.0, math.nan, math.inf], [0.0, 1.0, 2.0], [0.0]), "got nan"),
        (lambda: check_lipschitz([0.0, 1.0, 2.0], [0.0, -math.inf, math.nan]), "got -inf"),
    ],
)
def test_a_non_finite_value_is_quoted_first_one_first(call, quoted: str) -> None:
    with pytest.raises(ValueError, match="must be finite") as info:
        call()
    assert str(info.value).endswith(quoted)


def test_the_extensions_bracket_the_values_on_the_atoms() -> None:
    # Sanity for the helpers above: upper and lower extensions agree with a 1-Lipschitz f.
    atoms, f = [0.0, 1.0, 3.0], [1.0, 0.0, 2.0]
    assert lipschitz_extension(atoms, f, atoms).tolist() == f
    assert lipschitz_extension(atoms, f, atoms, form="max").tolist() == f


def test_a_check_cannot_be_altered_after_the_fact() -> None:
    chk = check_lipschitz([0.0, 1.0], [0.0, 2.0])
    with pytest.raises(AttributeError):
        chk.max_slope = 1.0  # type: ignore[misc]


def test_an_overflowing_distance_is_quoted_with_its_points() -> None:
    # -1e308 to 1e308 overflows; 0 to 1e308 does not: the message names the first pair
    # whose distance is not finite, not a finite one.
    with pytest.raises(ValueError, match=r"got inf between \[-1e\+308\] and \[1e\+308\]"):
        c_transform([0.0], [1e308], [-1e308, 0.0])
