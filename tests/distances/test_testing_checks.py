"""The ready-made checks pass correct code and each property fails on code that breaks it."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import Phase, settings

from distances import Discrete, earth_mover, js_divergence, kl_divergence, total_variation
from distances.testing import (
    DistanceCheckFailure,
    check_distance,
    distance_checks,
    distance_settings,
    parametrize_distance_checks,
)
from distances.testing.properties import PROPERTIES

EXACT = {"tv": total_variation, "kl": kl_divergence, "js": js_divergence, "w1": earth_mover}
FEW = 25  # examples per property: enough to find each planted fault below (measured: <= 10)


def _measures(x, a, y, b) -> tuple[Discrete, Discrete]:
    return Discrete(x, a / a.sum()), Discrete(y, b / b.sum())


def exact_fn(kind: str):
    """A correct implementation on arrays: the library's value on the arrays' measures."""

    def fn(x, a, y, b):
        return EXACT[kind](*_measures(x, a, y, b))

    fn.__name__ = f"exact_{kind}"
    return fn


# The fault tests only need a property to fail, not the smallest input: without the shrink
# phase they ran in a fraction of the time (w1-triangle shrank for 26 s on a loaded machine).
NO_SHRINK = settings(
    distance_settings,
    max_examples=FEW,
    database=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    report_multiple_bugs=False,
)


def _check(fn, kind: str, prop: str, **options):
    checks = {c.name: c for c in distance_checks(fn, kind, settings=NO_SHRINK, **options)}
    return checks[f"{kind}-{prop}"]


@pytest.mark.parametrize("kind", ["tv", "kl", "js", "w1"])
def test_correct_code_passes_every_property(kind: str) -> None:
    report = check_distance(exact_fn(kind), kind, max_examples=FEW)
    expected = [p.name for p in PROPERTIES if kind in p.kinds]
    assert [name.split("-", 1)[1] for name in report.passed] == expected


def test_discrete_input_skips_the_raw_only_properties() -> None:
    names = [c.name for c in distance_checks(total_variation, "tv", input="discrete")]
    assert "tv-permutation_invariant" not in names and "tv-exact_value" in names
    check_distance(total_variation, "tv", input="discrete", max_examples=FEW)


def _plus(kind: str, extra):
    """The exact value plus a fault ``extra(x, a, y, b, value)``."""
    exact = exact_fn(kind)

    def fn(x, a, y, b):
        value = exact(x, a, y, b)
        return value + extra(x, a, y, b, value)

    return fn


# (kind, property, faulty function): each fault breaks the property it is listed with.
FAULTS = [
    ("tv", "exact_value", _plus("tv", lambda x, a, y, b, v: v)),
    ("w1", "exact_value", _plus("w1", lambda x, a, y, b, v: 1e-6 * v)),  # above rtol 1e-9
    ("tv", "zero_on_identical", _plus("tv", lambda x, a, y, b, v: 1e-3)),
    ("kl", "in_range", _plus("kl", lambda x, a, y, b, v: -v - 1e-3)),
    ("js", "in_range", _plus("js", lambda x, a, y, b, v: 1.0)),
    ("w1", "in_range", _plus("w1", lambda x, a, y, b, v: math.inf)),
    ("js", "symmetric", _plus("js", lambda x, a, y, b, v: 1e-3 * len(a))),
    ("tv", "permutation_invariant", _plus("tv", lambda x, a, y, b, v: 1e-3 * a[0])),
    ("kl", "duplicates_merge", _plus("kl", lambda x, a, y, b, v: 1e-3 * len(a))),
    ("w1", "translation_invariant", _plus("w1", lambda x, a, y, b, v: 1e-3 * abs(x.sum()))),
    ("w1", "scaling", _plus("w1", lambda x, a, y, b, v: v * v - v)),  # returns W1^2
    ("tv", "scaling", _plus("tv", lambda x, a, y, b, v: 1e-3 * np.abs(x).max())),
    ("w1", "triangle", _plus("w1", lambda x, a, y, b, v: v * v - v)),
    ("js", "triangle", _plus("js", lambda x, a, y, b, v: v * v - v)),  # JS^2: sqrt is JS
    ("tv", "pinsker", _plus("tv", lambda x, a, y, b, v: min(1.0, 3 * v) - v)),
    ("kl", "pinsker", _plus("kl", lambda x, a, y, b, v: -0.9 * v if math.isfinite(v) else 0)),
    ("tv", "appendix_c_bounds", _plus("tv", lambda x, a, y, b, v: -0.5 * v)),
    ("js", "appendix_c_bounds", _plus("js", lambda x, a, y, b, v: -0.9 * v)),
    ("w1", "diameter_bound", _plus("w1", lambda x, a, y, b, v: 1.0)),
    ("w1", "mean_lower_bound", _plus("w1", lambda x, a, y, b, v: -0.5 * v)),
    ("tv", "disjoint_supports", _plus("tv", lambda x, a, y, b, v: -1e-6)),
    ("kl", "disjoint_supports", lambda x, a, y, b: 50.0),
    ("w1", "dirac_distance", _plus("w1", lambda x, a, y, b, v: 1e-3 * (len(a) - 1))),
    ("w1", "translation_distance", _plus("w1", lambda x, a, y, b, v: 0.1 * v)),
]


@pytest.mark.parametrize(("kind", "prop", "fn"), FAULTS, ids=[f"{k}-{p}" for k, p, _ in FAULTS])
def test_each_property_fails_on_code_that_breaks_it(kind: str, prop: str, fn) -> None:
    with pytest.raises(DistanceCheckFailure) as info:
        _check(fn, kind, prop)()
    assert info.value.property == prop


def test_every_property_has_a_fault_that_breaks_it() -> None:
    covered = {prop for _, prop, _ in FAULTS}
    assert covered == {p.name for p in PROPERTIES}


def test_failure_reports_the_shrunk_input_and_both_values() -> None:
    def doubled_tv(x, a, y, b):
        return 2.0 * total_variation(*_measures(x, a, y, b))

    with pytest.raises(DistanceCheckFailure) as info:
        check_distance(doubled_tv, "tv", max_examples=FEW)
    failure = info.value
    # The first property run fails; hypothesis shrinks to two distinct Diracs: TV 1, user 2.
    assert failure.property == "exact_value"
    assert (failure.user_value, failure.exact_value) == (2.0, 1.0)
    text = str(failure)
    assert "doubled_tv (tv) fails property 'exact_value'" in text
    assert "user's value: 2.0" in text and "exact value:  1.0" in text
    assert "x = [[" in text and "b = [" in text


def test_exceptions_and_nan_from_user_code_are_findings() -> None:
    def raises(x, a, y, b):
        raise IndexError("index 3 is out of bounds")

    with pytest.raises(DistanceCheckFailure, match="raised IndexError: index 3"):
        check_distance(raises, "w1", settings=NO_SHRINK)
    with pytest.raises(DistanceCheckFailure, match="returned NaN"):
        check_distance(lambda x, a, y, b: float("nan"), "kl", settings=NO_SHRINK)


def test_user_code_gets_fresh_writable_copies() -> None:
    def sorts_in_place(x, a, y, b):
        x.sort(axis=0)  # would corrupt the input of later calls if it were shared
        a.sort()
        return total_variation(*_measures(np.zeros((1, x.shape[1])), np.ones(1),
                                          np.zeros((1, x.shape[1])), np.ones(1)))

    check = _check(sorts_in_place, "tv", "in_range")
    check()  # passes: TV of a measure with itself is 0, and nothing raised


def test_flat_1d_passes_vectors() -> None:
    shapes = set()

    def tv_1d(x, a, y, b):
        shapes.add(x.ndim)
        return total_variation(Discrete(x, a / a.sum()), Discrete(y, b / b.sum()))

    check_distance(tv_1d, "tv", dim=1, flat_1d=True, max_examples=10)
    assert shapes == {1}


def test_tolerances_are_the_users_to_choose() -> None:
    off = _plus("w1", lambda x, a, y, b, v: 1e-7 * v)  # like float32 code
    with pytest.raises(DistanceCheckFailure):
        _check(off, "w1", "exact_value")()
    check = distance_checks(off, "w1", rtol=1e-6, max_examples=FEW)[0]
    assert check.name == "w1-exact_value"
    check()  # an LP solver's tolerance: passes


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"kind": "w2"}, "kind must be one of 'tv', 'kl', 'js', 'w1'; got 'w2'"),
        ({"input": "vectors"}, "input must be one of 'arrays', 'discrete'; got 'vectors'"),
        ({"rtol": -1.0}, "rtol and atol must be finite and >= 0"),
        ({"max_examples": 0}, "max_examples must be a positive integer; got 0"),
        ({"dim": 0}, "dim must be a positive integer or None"),
        ({"pair_options": {"relations": ("overlap",)}}, "relations must be a non-empty tuple"),
        ({"fn": 3}, "fn must be callable; got int"),
    ],
)
def test_bad_check_arguments_fail_at_once(options: dict, message: str) -> None:
    args = {"fn": exact_fn("tv"), "kind": "tv", **options}
    with pytest.raises(ValueError) as info:
        distance_checks(args.pop("fn"), args.pop("kind"), **args)
    assert message in str(info.value)


@parametrize_distance_checks(exact_fn("w1"), "w1", max_examples=10)
def test_the_decorator_makes_one_test_per_property(check) -> None:
    check()


def test_the_decorator_names_tests_after_properties() -> None:
    mark = parametrize_distance_checks(exact_fn("kl"), "kl").mark
    assert mark.args[0] == "check"
    ids = mark.kwargs["ids"]
    assert ids[0] == "kl-exact_value" and "kl-pinsker" in ids and len(ids) == len(set(ids))
