"""The ready-made checks pass correct code and each property fails on code that breaks it."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import Phase, reproduce_failure, settings

from distances import Discrete, earth_mover, js_divergence, kl_divergence, total_variation
from distances.testing import (
    FORMS,
    LONG_PROFILE,
    DistanceCheckFailure,
    check_distance,
    distance_checks,
    distance_settings,
    list_checks,
    parametrize_distance_checks,
)
from distances.testing.context import snapshot
from distances.testing.properties import PROPERTIES

EXACT = {"tv": total_variation, "kl": kl_divergence, "js": js_divergence, "w1": earth_mover}
FEW = 25  # examples per property: enough to find each planted fault below (measured: <= 10)
PASSES = 12  # examples per property where correct code must pass (1,000 in the benchmark)


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
    report = check_distance(exact_fn(kind), kind, max_examples=PASSES)
    expected = [p.name for p in PROPERTIES if kind in p.kinds and "arrays" in p.forms]
    assert [name.split("-", 1)[1] for name in report.passed] == expected
    assert report.max_examples == PASSES


def test_discrete_input_skips_the_raw_only_properties() -> None:
    names = [c.name for c in distance_checks(total_variation, "tv", input="discrete")]
    assert "tv-permutation_invariant" not in names and "tv-exact_value" in names
    check_distance(total_variation, "tv", input="discrete", max_examples=PASSES)


def _plus(kind: str, extra):
    """The exact value plus a fault ``extra(x, a, y, b, value)``."""
    exact = exact_fn(kind)

    def fn(x, a, y, b):
        value = exact(x, a, y, b)
        return value + extra(x, a, y, b, value)

    return fn


# (kind, property, faulty function): each fault breaks the property it is listed with.
def _normalizes_in_place(kind: str):
    exact = exact_fn(kind)

    def fn(x, a, y, b):
        a *= 2.0  # the value is right (the weights are normalised), the caller's a is not
        return exact(x, a, y, b)

    return fn


FAULTS = [
    ("tv", "exact_value", _plus("tv", lambda x, a, y, b, v: v)),
    ("kl", "inputs_unchanged", _normalizes_in_place("kl")),
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


# What each property holds the user's value to, as the report labels it.
LABELS = {
    "exact_value": "exact value",
    "inputs_unchanged": "a as passed",
    "zero_on_identical": "exact value",
    "symmetric": "user's fn(Q, P)",
    "permutation_invariant": "user's value in the drawn order",
    "duplicates_merge": "user's value before the split",
    "translation_invariant": "user's value before translating",
    "triangle": "upper bound",
    "diameter_bound": "upper bound",
    "mean_lower_bound": "lower bound",
    "disjoint_supports": "exact value",
    "dirac_distance": "exact value",
    "translation_distance": "exact value",
}
FAULT_LABELS = {
    ("kl", "in_range"): "lower bound",
    ("js", "in_range"): "upper bound",
    ("w1", "in_range"): "exact value",  # "is not finite": W1 is held to its exact value
    ("w1", "scaling"): "|c| times user's value before scaling",
    ("tv", "scaling"): "user's value before scaling",
    ("tv", "pinsker"): "upper bound",  # TV <= sqrt(KL / 2)
    ("kl", "pinsker"): "lower bound",  # KL >= 2 TV^2
    ("tv", "appendix_c_bounds"): "lower bound",  # TV >= JS / log 2 breaks first
    ("js", "appendix_c_bounds"): "lower bound",  # JS >= TV^2 / 2 breaks first
}


@pytest.mark.parametrize(("kind", "prop", "fn"), FAULTS, ids=[f"{k}-{p}" for k, p, _ in FAULTS])
def test_each_property_fails_on_code_that_breaks_it(kind: str, prop: str, fn) -> None:
    with pytest.raises(DistanceCheckFailure) as info:
        _check(fn, kind, prop)()
    failure = info.value
    assert failure.property == prop and failure.check == f"{kind}-{prop}"
    assert failure.label == FAULT_LABELS.get((kind, prop), LABELS.get(prop))
    assert f"  {failure.label + ':':<13} {failure.exact_value!r}" in str(failure)
    if prop == "inputs_unchanged":
        return
    # "user's value" is the user's result on the input shown (the last of a triple).
    case = failure.case[-1] if isinstance(failure.case, tuple) else failure.case
    assert failure.user_value == fn(case.x.copy(), case.a.copy(), case.y.copy(), case.b.copy())


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
    head = text.split("\n  hypothesis:")[0]
    assert head == (
        "doubled_tv (tv) fails property 'exact_value': fn(P, Q) equals the exact value.\n"
        "  it differs from the exact value\n"
        "  user's value: 2.0\n"
        "  exact value:  1.0\n"
        "  shrunk input:\n"
        "    relation='empirical', d=1\n"
        "    x = [[0.0]]\n"
        "    a = [1.0]\n"
        "    y = [[1.0]]\n"
        "    b = [1.0]"
    )
    # Hypothesis's own report is kept: the failing case and the reproduce blob.
    assert "\n  hypothesis:\n    Failing test case: test(\n" in text
    assert "@reproduce_failure(" in text and "Explanation" not in text
    version, blob = failure.reproduce
    assert isinstance(version, str) and isinstance(blob, bytes)
    assert text.endswith(
        f"  replay: reproduce_failure{failure.reproduce!r}(check)() with check the "
        "'tv-exact_value' check of distance_checks(...) called as this one was"
    )


def test_the_reproduce_blob_replays_the_failure_on_the_check() -> None:
    def doubled_tv(x, a, y, b):
        return 2.0 * total_variation(*_measures(x, a, y, b))

    with pytest.raises(DistanceCheckFailure) as info:
        check_distance(doubled_tv, "tv", max_examples=FEW)
    checks = {c.name: c for c in distance_checks(doubled_tv, "tv", max_examples=FEW)}
    replay = reproduce_failure(*info.value.reproduce)(checks[info.value.check])
    with pytest.raises(DistanceCheckFailure) as again:
        replay()
    assert (again.value.property, again.value.user_value, again.value.exact_value) == (
        "exact_value",
        2.0,
        1.0,
    )


def test_exceptions_and_nan_from_user_code_are_findings() -> None:
    def raises(x, a, y, b):
        raise IndexError("index 3 is out of bounds")

    with pytest.raises(DistanceCheckFailure, match="raised IndexError: index 3") as info:
        check_distance(raises, "w1", settings=NO_SHRINK)
    assert (info.value.label, info.value.exact_value) == ("expected", "a number")
    with pytest.raises(DistanceCheckFailure, match="returned NaN"):
        check_distance(lambda x, a, y, b: float("nan"), "kl", settings=NO_SHRINK)


@pytest.mark.parametrize(
    ("out", "shown"),
    [
        ("0.5", "returned '0.5' (str), not a real number"),
        (True, "returned True (bool), not a real number"),
        # repr and type name of numpy scalars differ between numpy 1 and 2
        (
            np.bool_(False),
            f"returned {np.bool_(False)!r} ({type(np.bool_(False)).__name__}), not a real number",
        ),
        (None, "returned None (NoneType), not a real number"),
        (0.5 + 0j, "returned (0.5+0j) (complex), not a real number"),
        (np.array([0.5, 0.5]), "returned array([0.5, 0.5]) (ndarray), not a real number"),
        ([0.5], "returned [0.5] (list), not a real number"),
    ],
)
def test_returns_that_are_not_one_real_number_are_findings(out, shown: str) -> None:
    with pytest.raises(DistanceCheckFailure) as info:
        _check(lambda x, a, y, b: out, "tv", "exact_value")()
    assert f"  it {shown}\n" in str(info.value)
    assert (info.value.label, info.value.exact_value) == (
        "expected",
        "a real number (float, int or a numpy real scalar)",
    )


@pytest.mark.parametrize(
    "wrap", [float, np.float32, np.float64, lambda v: np.array(v), lambda v: np.array([v])]
)
def test_real_returns_of_every_numeric_type_are_accepted(wrap) -> None:
    exact = exact_fn("tv")
    rtol = 1e-6 if wrap is np.float32 else 1e-9  # float32 rounds the value
    checks = distance_checks(
        lambda x, a, y, b: wrap(exact(x, a, y, b)), "tv", settings=NO_SHRINK, rtol=rtol
    )
    checks[0]()


def test_user_code_gets_fresh_writable_copies() -> None:
    def sorts_in_place(x, a, y, b):
        x.sort(axis=0)  # would corrupt the input of later calls if it were shared
        a.sort()
        return total_variation(*_measures(np.zeros((1, x.shape[1])), np.ones(1),
                                          np.zeros((1, x.shape[1])), np.ones(1)))

    check = _check(sorts_in_place, "tv", "in_range")
    check()  # passes: TV of a measure with itself is 0, and nothing raised
    with pytest.raises(DistanceCheckFailure, match=r"it changed its argument [xa] in place"):
        _check(sorts_in_place, "tv", "inputs_unchanged")()


def test_a_function_that_changes_a_signed_zero_in_place_is_caught() -> None:
    exact = exact_fn("w1")

    def adds_zero(x, a, y, b):
        x += 0.0  # -0.0 becomes 0.0: the same value, not the same array
        return exact(x, a, y, b)

    # -0.0 is drawn in some examples only: 200 without shrinking (cheap, 1-D)
    many = settings(NO_SHRINK, max_examples=200)
    checks = {c.name: c for c in distance_checks(adds_zero, "w1", dim=1, settings=many)}
    with pytest.raises(DistanceCheckFailure) as info:
        checks["w1-inputs_unchanged"]()
    assert info.value.label == "x as passed"
    assert "it changed its argument x in place" in str(info.value)


def test_snapshots_see_changes_in_arrays_measures_and_lists() -> None:
    assert snapshot([1.0, [np.zeros(2)]]) == snapshot([1.0, [np.zeros(2)]])
    assert snapshot([1.0, [np.zeros(2)]]) != snapshot([1.0, [np.array([0.0, -0.0])]])
    assert snapshot([1.0, 2.0]) != snapshot([1.0, 2.0, 3.0])
    assert snapshot((0.1,)) != snapshot((0.1 + 1e-17 * 20,))
    assert snapshot(Discrete([0.0, 1.0])) != snapshot(Discrete([0.0, 2.0]))
    assert snapshot(np.zeros(2)) != snapshot(np.zeros(2, dtype=np.float32))


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
        (
            {"input": "lists"},
            "input must be one of 'arrays', 'discrete', 'vectors'; got 'lists'",
        ),
        (
            {"rtol": -1.0},
            "rtol and atol must be finite real numbers >= 0; got rtol=-1.0 (float), "
            "atol=1e-12 (float)",
        ),
        (
            {"rtol": "1e-06"},
            "rtol and atol must be finite real numbers >= 0; got rtol='1e-06' (str)",
        ),
        ({"atol": True}, "got rtol=1e-09 (float), atol=True (bool)"),
        ({"max_examples": 0}, "max_examples must be a positive integer; got 0 (int)"),
        ({"max_examples": "100"}, "max_examples must be a positive integer; got '100' (str)"),
        ({"dim": 0}, "dim must be a positive integer or None (1, 2 or 3); got 0 (int)"),
        (
            {"dim": 100000},
            "dim must be at most 1000 for the checks (hypothesis draws every coordinate; "
            "from dim=5000 on its smallest example is too large); got dim=100000",
        ),
        (
            {"input": "vectors", "dim": 2},
            "dim and flat_1d do not apply to input='vectors' (probability vectors on a "
            "shared support have no coordinates); got dim=2, flat_1d=False",
        ),
        (
            {"settings": [("max_examples", 5)]},
            "settings must be a hypothesis settings object, a dict of its options (e.g. "
            "{'max_examples': 1000}) or the name of a registered profile; got "
            "[('max_examples', 5)] (list)",
        ),
        ({"settings": {"max_exampels": 5}}, "settings must hold options of hypothesis.settings"),
        (
            {"settings": "no-such-profile"},
            "settings names no registered hypothesis profile; got 'no-such-profile'",
        ),
        ({"pair_options": {"relations": ("overlap",)}}, "relations must be a non-empty tuple"),
        ({"fn": 3}, "fn must be callable; got int"),
    ],
)
def test_bad_check_arguments_fail_at_once(options: dict, message: str) -> None:
    args = {"fn": exact_fn("tv"), "kind": "tv", **options}
    with pytest.raises(ValueError) as info:
        distance_checks(args.pop("fn"), args.pop("kind"), **args)
    assert message in str(info.value)


def test_numpy_scalars_are_accepted_as_numbers() -> None:
    checks = distance_checks(
        exact_fn("tv"), "tv", rtol=np.float32(1e-6), atol=np.float64(0.0),
        max_examples=np.int64(7), dim=np.int64(2), max_size=np.int32(3),
    )
    assert checks[0].max_examples == 7


def test_settings_may_be_a_dict_a_settings_object_or_a_profile_name() -> None:
    fn = exact_fn("tv")
    assert distance_checks(fn, "tv", settings={"max_examples": 5})[0].max_examples == 5
    assert distance_checks(fn, "tv", settings=NO_SHRINK)[0].max_examples == FEW
    assert distance_checks(fn, "tv", settings=LONG_PROFILE)[0].max_examples == 1000
    assert settings.get_profile(LONG_PROFILE).derandomize is False
    report = check_distance(fn, "tv", settings={"max_examples": 3})
    assert report.max_examples == 3


def test_list_checks_names_every_property_of_each_kind_and_form() -> None:
    names = {
        (kind, form): [c.name for c in list_checks(kind, input=form)]
        for kind in ("tv", "kl", "js", "w1")
        for form in FORMS
    }
    assert names[("w1", "arrays")] == [
        "exact_value", "inputs_unchanged", "zero_on_identical", "in_range", "symmetric",
        "permutation_invariant", "duplicates_merge", "translation_invariant", "scaling",
        "triangle", "diameter_bound", "mean_lower_bound", "dirac_distance",
        "translation_distance",
    ]
    assert names[("kl", "discrete")] == [
        "exact_value", "inputs_unchanged", "zero_on_identical", "in_range",
        "translation_invariant", "scaling", "pinsker", "disjoint_supports",
    ]
    assert names[("js", "vectors")] == [
        "exact_value", "inputs_unchanged", "zero_on_identical", "in_range", "symmetric",
        "appendix_c_bounds", "disjoint_supports", "joint_permutation", "zero_padding",
        "split_entry", "coarse_graining", "triangle",
    ]
    for (kind, form), listed in names.items():
        made = [c.name for c in distance_checks(exact_fn(kind), kind, input=form)]
        assert made == [f"{kind}-{n}" for n in listed]
    info = list_checks("w1", input="vectors")[-1]
    assert (info.name, info.claim, info.kinds, info.forms) == (
        "shift_distance", "W1(p, p shifted by k bins) = k", ("w1",), ("vectors",)
    )
    assert len(list_checks()) == len(PROPERTIES) + 7
    with pytest.raises(ValueError, match="input must be one of"):
        list_checks(input="list")


@parametrize_distance_checks(exact_fn("w1"), "w1", max_examples=10)
def test_the_decorator_makes_one_test_per_property(check) -> None:
    check()


def test_the_decorator_names_tests_after_properties() -> None:
    mark = parametrize_distance_checks(exact_fn("kl"), "kl").mark
    assert mark.args[0] == "check"
    ids = mark.kwargs["ids"]
    assert ids[0] == "kl-exact_value" and "kl-pinsker" in ids and len(ids) == len(set(ids))
