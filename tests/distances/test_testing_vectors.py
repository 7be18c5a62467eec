"""The ``input="vectors"`` form: fn(p, q) on probability vectors of one length."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import Phase, given, settings

from distances import Discrete, earth_mover, js_divergence, kl_divergence, total_variation
from distances.testing import (
    DistanceCheckFailure,
    RawPair,
    check_distance,
    distance_checks,
    distance_settings,
    vector_pairs,
)

FEW = 25
NO_SHRINK = settings(
    distance_settings,
    max_examples=FEW,
    database=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
)
EXACT = {"tv": total_variation, "kl": kl_divergence, "js": js_divergence, "w1": earth_mover}


def exact_pq(kind: str):
    """The library's value on the vectors' measures (W1 on the points 0..n-1)."""

    def fn(p, q):
        if kind == "w1":
            points = np.arange(p.size, dtype=float)
            return earth_mover(Discrete(points, p / p.sum()), Discrete(points, q / q.sum()))
        return EXACT[kind](p / p.sum(), q / q.sum())

    fn.__name__ = f"exact_{kind}_pq"
    return fn


@given(vector_pairs(max_size=5))
def test_vector_pairs_are_probability_vectors_on_shared_points(pair: RawPair) -> None:
    n = pair.a.size
    assert pair.b.size == n and 1 <= n <= 10
    np.testing.assert_array_equal(pair.x, np.arange(n, dtype=float)[:, None])
    np.testing.assert_array_equal(pair.y, pair.x)
    for w in (pair.a, pair.b):
        assert (w >= 0).all() and abs(w.sum() - 1.0) <= 1e-15 * n


@given(vector_pairs(relations=("disjoint",)))
def test_disjoint_vector_pairs_share_no_index(pair: RawPair) -> None:
    assert not ((pair.a > 0) & (pair.b > 0)).any()


@pytest.mark.parametrize("kind", ["tv", "kl", "js", "w1"])
def test_correct_vector_code_passes_every_check(kind: str) -> None:
    report = check_distance(exact_pq(kind), kind, input="vectors", max_examples=12)
    assert report.passed[:2] == (f"{kind}-exact_value", f"{kind}-inputs_unchanged")


def _plus(kind: str, extra):
    exact = exact_pq(kind)

    def fn(p, q):
        value = exact(p, q)
        return value + extra(p, q, value)

    return fn


def _doubles_p_in_place(p, q):
    p *= 2.0
    return exact_pq("tv")(p / 2.0, q)


def _kl_epsilon(p, q):
    on = p > 0  # "+ 1e-300 avoids log(0)": finite where p has mass and q none
    return float(np.sum(p[on] * np.log(p[on] / (q[on] + 1e-300))))


VECTOR_FAULTS = [
    ("kl", "exact_value", _kl_epsilon),
    ("tv", "inputs_unchanged", _doubles_p_in_place),
    ("js", "joint_permutation", _plus("js", lambda p, q, v: 1e-3 * p[0])),
    ("tv", "zero_padding", _plus("tv", lambda p, q, v: 1e-3 * p.size)),
    ("kl", "split_entry", _plus("kl", lambda p, q, v: 1e-3 * p.size if math.isfinite(v) else 0)),
    ("tv", "coarse_graining", lambda p, q: exact_pq("tv")(p, q) * 4.0 / p.size),
    ("tv", "triangle", _plus("tv", lambda p, q, v: v * v - v)),
    ("w1", "reversal", _plus("w1", lambda p, q, v: 1e-3 * p[0])),
    ("w1", "shift_distance", _plus("w1", lambda p, q, v: 0.1 * v)),
]


@pytest.mark.parametrize(
    ("kind", "prop", "fn"), VECTOR_FAULTS, ids=[f"{k}-{p}" for k, p, _ in VECTOR_FAULTS]
)
def test_each_vector_property_fails_on_code_that_breaks_it(kind: str, prop: str, fn) -> None:
    checks = {c.name: c for c in distance_checks(fn, kind, input="vectors", settings=NO_SHRINK)}
    with pytest.raises(DistanceCheckFailure) as info:
        checks[f"{kind}-{prop}"]()
    failure = info.value
    assert failure.property == prop
    text = str(failure)
    assert "\n    p = [" in text and "\n    q = [" in text and "x = [" not in text


def test_every_vector_property_has_a_fault() -> None:
    from distances.testing.vectors import VECTOR_PROPERTIES

    assert {p.name for p in VECTOR_PROPERTIES} <= {prop for _, prop, _ in VECTOR_FAULTS}


def test_coarse_graining_is_an_upper_bound_labelled_as_such() -> None:
    fn = VECTOR_FAULTS[5][2]
    checks = {c.name: c for c in distance_checks(fn, "tv", input="vectors", settings=NO_SHRINK)}
    with pytest.raises(DistanceCheckFailure) as info:
        checks["tv-coarse_graining"]()
    assert info.value.label == "upper bound (user's value before merging)"
    assert info.value.user_value > info.value.exact_value
