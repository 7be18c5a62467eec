"""The draws aim at the boundaries where distance code breaks, and the checks find the rare
bugs of issue 23 there, without a false alarm on correct code at huge coordinates."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import Phase, find, given, settings

from distances import (
    Discrete,
    earth_mover,
    js_divergence,
    kl_divergence,
    on_common_support,
    total_variation,
)
from distances.testing import (
    BOUNDARIES,
    DistanceCheckFailure,
    RawPair,
    check_distance,
    distance_checks,
    distance_settings,
    raw_measures,
    raw_pairs,
)
from distances.testing.boundaries import (
    CUTOFF_EXPONENTS,
    HUGE_SCALES,
    TINY_EXPONENTS,
    diameter,
    norm,
    nudged,
)

FAST = settings(phases=[Phase.generate], database=None, max_examples=3000)  # find(): no shrink
EXACT = {"tv": total_variation, "kl": kl_divergence, "js": js_divergence, "w1": earth_mover}


def _exact(kind: str):
    def fn(x, a, y, b):
        return EXACT[kind](Discrete(x, a / a.sum()), Discrete(y, b / b.sum()))

    fn.__name__ = f"exact_{kind}"
    return fn


def _union(pair: RawPair) -> tuple[np.ndarray, np.ndarray]:
    return on_common_support(pair.P, pair.Q)


def _unmatched_tiny(pair: RawPair) -> bool:
    p, q = _union(pair)
    lone = (p > 0) & (q == 0)
    return bool(lone.any() and (p[lone] < 1e-12).all())


def _near_atoms(pair: RawPair) -> bool:
    z = np.concatenate([pair.P.atoms, pair.Q.atoms])
    for i in range(z.shape[0]):
        for j in range(i):
            gap = np.abs(z[i] - z[j])
            ulp = np.spacing(np.maximum(np.abs(z[i]), np.abs(z[j])))
            if (gap > 0).any() and (gap <= 4 * ulp).all():
                return True
    return False


@pytest.mark.parametrize(
    ("what", "condition"),
    [
        ("an unmatched mass below 1e-12 in P", _unmatched_tiny),
        ("a mass below 1e-100", lambda p: bool(((p.a > 0) & (p.a < 1e-100)).any())),
        ("a subnormal mass", lambda p: bool(((p.a > 0) & (p.a < 2.2e-308)).any())),
        ("a TV in (1e-12, 1e-9)", lambda p: 1e-12 < total_variation(p.P, p.Q) < 1e-9),
        ("a coordinate beyond 1.34e154", lambda p: np.abs(p.x).max() > 1.35e154),
        ("a coordinate beyond 1e299", lambda p: np.abs(p.x).max() > 1e299),
        ("atoms a few ulps apart", _near_atoms),
        ("two one-atom measures", lambda p: p.P.size == 1 and p.Q.size == 1 and p.dim > 1),
    ],
)
def test_default_pairs_reach_every_boundary(what: str, condition) -> None:
    assert find(raw_pairs(), condition, settings=FAST) is not None, what


def test_boundaries_false_draws_the_bulk_only() -> None:
    @settings(distance_settings, max_examples=200, database=None, derandomize=True)
    @given(raw_pairs(boundaries=False, subnormal_weights=False))
    def bulk(pair: RawPair) -> None:
        assert np.abs(pair.x).max() <= 100.0  # y of a disjoint pair is moved beyond x
        assert not _unmatched_tiny(pair) or pair.relation != "shared_support"

    bulk()


def test_injected_elements_are_not_moved_to_the_boundaries() -> None:
    from hypothesis import strategies as st

    @settings(distance_settings, max_examples=200, database=None, derandomize=True)
    @given(
        raw_measures(
            coordinates=st.integers(-2, 2).map(float), weights=st.just(1.0), duplicates=False
        )
    )
    def injected(m) -> None:
        assert set(np.unique(m.atoms)) <= {-2.0, -1.0, 0.0, 1.0, 2.0}
        np.testing.assert_array_equal(m.weights, np.full(m.weights.size, 1 / m.weights.size))

    injected()


def test_boundary_constants() -> None:
    assert BOUNDARIES == ("tiny_masses", "huge_coordinates", "near_atoms", "one_atom")
    assert set(CUTOFF_EXPONENTS) == {-9, -10, -11, -12, -13}
    assert min(TINY_EXPONENTS) == -300 and len(set(TINY_EXPONENTS)) == len(TINY_EXPONENTS)
    assert max(HUGE_SCALES) * 100 <= 1.05e300
    # 2^511 and 2^512 straddle sqrt(largest float): a squared distance overflows between
    assert HUGE_SCALES[1] < math.sqrt(np.finfo(float).max) < HUGE_SCALES[2]
    assert all(math.frexp(s)[0] == 0.5 for s in HUGE_SCALES)  # powers of two: exact


def test_overflow_safe_norm_and_diameter() -> None:
    assert norm(np.array([3e300, -4e300])) == 5e300
    assert norm(np.array([0.0, -0.0])) == 0.0
    assert diameter(np.array([[0.0, 0.0], [3e300, 4e300], [1.0, 1.0]])) == 5e300
    assert diameter(np.array([[2.0]])) == 0.0
    assert norm(np.array([1.5e154, 0.0])) == 1.5e154  # np.linalg.norm: inf
    assert nudged(np.array([1.0, 2.0]), 2, 1)[1] == np.nextafter(np.nextafter(2.0, 3), 3)
    assert nudged(np.array([1.0]), -1, 0)[0] == np.nextafter(1.0, 0.0)


# -- the checks at the boundaries -----------------------------------------------------------
# At most 100 examples each, derandomized, no shrinking: each rare bug is found in the
# first few dozen examples of the property named (measured with the derandomized seed).
RARE = settings(
    distance_settings,
    max_examples=100,
    database=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
)


def _union_arrays(x, a, y, b):
    pts, inv = np.unique(np.concatenate([x, y]) + 0.0, axis=0, return_inverse=True)
    inv = inv.ravel()
    p = np.bincount(inv[: len(a)], weights=a, minlength=len(pts))
    q = np.bincount(inv[len(a) :], weights=b, minlength=len(pts))
    return p / p.sum(), q / q.sum()


def kl_unmatched_cutoff(x, a, y, b):
    p, q = _union_arrays(x, a, y, b)
    on = p > 1e-12
    if (q[on] == 0).any():
        return math.inf
    return float(np.sum(p[on] * (np.log(p[on]) - np.log(q[on]))))


def tv_drops_small(x, a, y, b):
    p, q = _union_arrays(x, a, y, b)
    d = np.abs(p - q)
    return 0.5 * float(d[d >= 1e-9].sum())


def w1_overflow(x, a, y, b):
    from scipy.spatial.distance import cdist

    cost = cdist(x, y)  # squares the coordinates
    if not np.isfinite(cost).all():
        return math.inf
    return _exact("w1")(x, a, y, b)


@pytest.mark.parametrize(
    ("fn", "kind", "prop"),
    [
        (kl_unmatched_cutoff, "kl", "exact_value"),
        (tv_drops_small, "tv", "exact_value"),
        (w1_overflow, "w1", "exact_value"),
    ],
)
def test_rare_bugs_are_found_by_default(fn, kind: str, prop: str) -> None:
    checks = {c.name: c for c in distance_checks(fn, kind, settings=RARE)}
    with pytest.raises(DistanceCheckFailure) as info:
        checks[f"{kind}-{prop}"]()
    assert info.value.property == prop


@pytest.mark.parametrize("kind", ["tv", "kl", "js", "w1"])
def test_the_library_passes_every_check_with_extreme_coordinates(kind: str) -> None:
    # No false alarm from the checks' own computations up to 1e300 (they used to overflow
    # at 1.34e154: diameter_bound printed nan for identical measures).
    report = check_distance(
        _exact(kind), kind, max_examples=25, pair_options={"extreme_coordinates": True}
    )
    assert len(report.passed) >= 8


def test_earth_mover_passes_every_check_on_discrete_input_with_extreme_coordinates() -> None:
    report = check_distance(
        earth_mover, "w1", input="discrete", max_examples=25,
        pair_options={"extreme_coordinates": True},
    )
    assert "w1-diameter_bound" in report.passed and "w1-mean_lower_bound" in report.passed
