"""Each property of distances.testing held to its rule on hand-made cases, at its edges.

test_testing_checks.py runs the properties through hypothesis: correct code passes, code
that breaks a property fails it. These tests call a property's check directly on one case
(a :class:`~distances.testing.context.Context` around a function that returns a chosen
value), so each bound, slack and exact value can be probed just inside and just outside:
mutation testing showed that a slack doubled or a bound moved went unseen otherwise.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from distances import Discrete, js_divergence, total_variation
from distances.testing.cases import make_pair
from distances.testing.context import Context, PropertyViolation
from distances.testing.properties import PROPERTIES
from distances.testing.tolerances import w1_atol

PROPS = {p.name: p for p in PROPERTIES}
LOG2 = math.log(2.0)


def context(kind: str, fn, rtol: float = 0.0, atol: float = 0.0) -> Context:
    """A check's context around ``fn(x, a, y, b)``; no user tolerance unless given."""
    return Context(
        kind,
        lambda pair: (pair.x.copy(), pair.a.copy(), pair.y.copy(), pair.b.copy()),
        lambda args, pair: float(fn(*args)),
        rtol,
        atol,
        {},
    )


def constant(value: float):
    return lambda x, a, y, b: value


def holds(prop: str, kind: str, fn, case, **tols) -> None:
    PROPS[prop].check(context(kind, fn, **tols), case)


def fails(prop: str, kind: str, fn, case, **tols) -> PropertyViolation:
    with pytest.raises(PropertyViolation) as info:
        PROPS[prop].check(context(kind, fn, **tols), case)
    return info.value


# Two measures on the line: P = (delta_0 + delta_1)/2, Q = delta_1. TV = 1/2, W1 = 1/2.
PAIR = make_pair([[0.0], [1.0]], [0.5, 0.5], [[1.0]], [1.0])
DISJOINT = make_pair([[0.0]], [1.0], [[1.0]], [1.0], "disjoint")


def triples_of(pair, kind: str = "w1"):
    """The triangle property's strategy of triples, drawn around one fixed pair."""
    ctx = Context(kind, lambda p: (p.x, p.a, p.y, p.b), lambda args, p: 0.0, 0.0, 0.0, {},
                  make_pairs=lambda **options: st.just(pair))
    return PROPS["triangle"].inputs(ctx)


def _rows(case) -> list:
    return [case.x.ravel().tolist(), case.a.tolist(), case.y.ravel().tolist(), case.b.tolist()]


# P = (delta_0 + delta_1)/2, Q = delta_3: E_Q - E_P = 2.5.
TRIPLE_BASE = make_pair([[0.0], [1.0]], [0.5, 0.5], [[3.0]], [1.0])
SEEN: set[str] = set()


@settings(max_examples=60, derandomize=True, database=None)
@given(st.data())
def test_triangle_draws_the_three_documented_kinds_of_triple(data) -> None:
    pq, qr, pr = data.draw(triples_of(TRIPLE_BASE))
    x, a, y, b = _rows(TRIPLE_BASE)
    if _rows(pq) != [x, a, y, b]:
        # Q a mixture of P and R = Q: (P, M), (M, Q), (P, Q) with M = t P + (1 - t) Q.
        t = pq.b[0] / a[0]
        assert t in (0.25, 0.5, 0.75)
        assert _rows(pq) == [x, a, [*x, *y], [t * a[0], t * a[1], (1 - t) * b[0]]]
        assert _rows(qr) == [[*x, *y], pq.b.tolist(), y, b]
        assert _rows(pr) == [x, a, y, b]
        SEEN.add(("mixture", t))
        return
    z, c = pr.y.ravel().tolist(), pr.b.tolist()
    assert _rows(qr) == [y, b, z, c] and _rows(pr)[:2] == [x, a]
    if len(z) == 1 and (z[0] - 3.0) / 2.5 in (0.5, 1.0, 2.0):
        # R = Q moved along E_Q - E_P by 1/2, 1 or 2 of it: Q lies between P and R.
        assert c == b
        SEEN.add(("translation", (z[0] - 3.0) / 2.5))
    else:
        # R made of rows of P and Q, with weights summing to 1.
        assert set(z) <= {0.0, 1.0, 3.0} and 1 <= len(z) <= 8
        assert min(c) >= 0.0 and sum(c) == pytest.approx(1.0, abs=1e-15)
        SEEN.update(("row", r) for r in z)
        SEEN.add(("weights", len(set(c))))


def test_triangle_draws_every_kind() -> None:
    test_triangle_draws_the_three_documented_kinds_of_triple()
    kinds = {("mixture", t) for t in (0.25, 0.5, 0.75)}
    kinds |= {("translation", k) for k in (0.5, 1.0, 2.0)}
    kinds |= {("row", r) for r in (0.0, 1.0, 3.0)}
    assert kinds <= SEEN  # every mixture, every step, every row
    assert any(kind == "weights" and n > 1 for kind, n in SEEN)  # unequal weights


MOVED: set[float] = set()


@settings(max_examples=40, derandomize=True, database=None)
@given(st.data())
def test_triangle_moves_q_by_one_when_the_means_agree(data) -> None:
    # P = (delta_0 + delta_6)/2 and Q = delta_3 have one mean, so there is no direction to
    # move Q along: R = Q + 1 = delta_4 (not a row of P or Q).
    base = make_pair([[0.0], [6.0]], [0.5, 0.5], [[3.0]], [1.0])
    pq, _, pr = data.draw(triples_of(base))
    if _rows(pq) == _rows(base) and pr.y.shape[0] == 1:
        assert pr.y[0, 0] in (4.0, 0.0, 6.0, 3.0)  # moved by 1, or one row
        MOVED.add(float(pr.y[0, 0]))


def test_triangle_moved_q_by_one() -> None:
    test_triangle_moves_q_by_one_when_the_means_agree()
    assert 4.0 in MOVED


def test_scaling_names_the_factor_of_w1_only() -> None:
    moved = make_pair([[0.0], [2.0]], [0.5, 0.5], [[2.0]], [1.0])
    w1 = fails("scaling", "w1", constant(0.5), (PAIR, moved, 2.0))
    assert w1.detail == "fn(cP, cQ) is not |c| fn(P, Q) at c=2.0"
    assert w1.label == "|c| times user's value before scaling" and w1.exact == 1.0
    tv = fails("scaling", "tv", lambda x, a, y, b: float(x.max()), (PAIR, moved, 2.0))
    assert tv.detail == "fn(cP, cQ) is not fn(P, Q) at c=2.0"
    assert tv.label == "user's value before scaling" and tv.exact == 1.0


# -- bounds and slacks, just inside and just outside ---------------------------------------
# With rtol = 1e-6 and atol = 0 a check's tolerance on a value near v is 1e-6 |v| plus the
# round-off allowance (1e-13 for TV, KL, JS on these few atoms; 1e-12 for W1 here).
RTOL = 1e-6
TOL1 = RTOL + 1e-13  # the divergences' tolerance at 1 on PAIR (3 rows)


def edge(prop: str, kind: str, case, inside: float, outside: float) -> PropertyViolation:
    """``inside`` passes the property on ``case``, ``outside`` fails it."""
    holds(prop, kind, constant(inside), case, rtol=RTOL)
    return fails(prop, kind, constant(outside), case, rtol=RTOL)


@pytest.mark.parametrize(("kind", "top"), [("tv", 1.0), ("js", LOG2)])
def test_in_range_upper_bounds_with_the_tolerance_at_1(kind: str, top: float) -> None:
    v = edge("in_range", kind, PAIR, top + 0.9 * TOL1, top + 1.1 * TOL1)
    assert (v.detail, v.label, v.exact) == ("exceeds its upper bound", "upper bound", top)


@pytest.mark.parametrize("kind", ["tv", "js", "kl"])
def test_in_range_lower_bound_is_zero(kind: str) -> None:
    v = edge("in_range", kind, PAIR, -0.9 * TOL1, -1.1 * TOL1)
    assert (v.detail, v.label, v.exact) == ("is negative", "lower bound", 0.0)


def test_in_range_of_w1_needs_a_finite_value_and_kl_may_be_infinite() -> None:
    holds("in_range", "kl", constant(math.inf), PAIR)
    holds("in_range", "w1", constant(1e300), PAIR)
    v = fails("in_range", "w1", constant(math.inf), PAIR)
    assert (v.detail, v.exact) == ("is not finite", 0.5)
    v = edge("in_range", "w1", PAIR, -0.9 * (RTOL + 1e-12), -1.1 * (RTOL + 1e-12))
    assert v.detail == "is negative"


@pytest.mark.parametrize(("kind", "value"), [("tv", 1.0), ("js", LOG2)])
def test_disjoint_supports_have_exact_values(kind: str, value: float) -> None:
    tol = RTOL + 1e-13  # the tolerance at 1 on two rows
    edge("disjoint_supports", kind, DISJOINT, value - 0.9 * tol, value - 1.1 * tol)
    v = fails("disjoint_supports", kind, constant(value + 1.1 * tol), DISJOINT, rtol=RTOL)
    assert v.detail == f"is not {value!r} on disjoint supports" and v.exact == value


def test_disjoint_supports_of_kl_is_infinite() -> None:
    holds("disjoint_supports", "kl", constant(math.inf), DISJOINT)
    v = fails("disjoint_supports", "kl", constant(1e300), DISJOINT)
    assert v.detail == "is not inf on disjoint supports"


def test_zero_on_identical_with_the_round_off_allowance_only() -> None:
    same = make_pair([[0.0], [1.0]], [0.5, 0.5], [[1.0], [0.0]], [0.5, 0.5], "identical")
    # At 0 the relative tolerance adds nothing: 1e-13 for 4 rows.
    v = edge("zero_on_identical", "tv", same, 0.9e-13, 1.1e-13)
    assert v.detail == "is not 0 for one measure given twice" and v.exact == 0.0


def test_exact_value_tolerance_is_relative_to_the_exact_value() -> None:
    tol = RTOL * 0.5 + 1e-13  # TV = 1/2
    v = edge("exact_value", "tv", PAIR, 0.5 + 0.9 * tol, 0.5 + 1.1 * tol)
    assert (v.detail, v.exact) == ("differs from the exact value", 0.5)
    holds("exact_value", "kl", constant(math.inf), PAIR)  # KL(P || Q) = inf: equal


def test_symmetric_holds_the_value_to_the_swapped_call() -> None:
    # fn(P, Q) = 0.5 (P has two rows), fn(Q, P) = 0.5 + d: tolerance 1e-6 * 0.5 + 1e-13.
    def fn(d):
        return lambda x, a, y, b: 0.5 if len(x) == 2 else 0.5 + d

    tol = RTOL * 0.5 + 1e-13
    holds("symmetric", "tv", fn(0.9 * tol), PAIR, rtol=RTOL)
    v = fails("symmetric", "tv", fn(1.1 * tol), PAIR, rtol=RTOL)
    assert v.label == "user's fn(Q, P)" and v.exact == 0.5 + 1.1 * tol


def test_diameter_and_mean_bounds_of_w1() -> None:
    # PAIR: diam = 1, TV = 1/2: W1 <= 1/2; |E_P - E_Q| = 1/2 <= W1. Tolerance at 1/2.
    tol = RTOL * 0.5 + 1e-12
    v = edge("diameter_bound", "w1", PAIR, 0.5 + 0.9 * tol, 0.5 + 1.1 * tol)
    assert (v.detail, v.label, v.exact) == ("breaks W1 <= diam(support) TV", "upper bound", 0.5)
    v = edge("mean_lower_bound", "w1", PAIR, 0.5 - 0.9 * tol, 0.5 - 1.1 * tol)
    assert (v.detail, v.label, v.exact) == ("breaks |E_P x - E_Q x| <= W1", "lower bound", 0.5)


def test_dirac_and_translation_distances_are_exact() -> None:
    dirac = make_pair([[0.0, 3.0]], [1.0], [[4.0, 0.0]], [1.0], "dirac")
    tol = RTOL * 5.0 + 4e-12  # |x - y| = 5; W1's round-off allowance at coordinates 4
    v = edge("dirac_distance", "w1", dirac, 5.0 + 0.9 * tol, 5.0 + 1.1 * tol)
    assert (v.detail, v.exact) == ("W1(delta_x, delta_y) is not |x - y|", 5.0)
    shifted = make_pair([[0.0], [1.0]], [0.5, 0.5], [[2.0], [3.0]], [0.5, 0.5], "translation")
    tol = RTOL * 2.0 + 3e-12
    v = edge("translation_distance", "w1", (shifted, 2.0), 2.0 - 0.9 * tol, 2.0 - 1.1 * tol)
    assert (v.detail, v.exact) == ("W1(P, P + v) is not |v|", 2.0)


# P = (delta_0 + delta_1)/2, Q = (delta_0 + delta_1.001)/2: TV = 1/2 and JS = log(2)/2, so
# JS <= log(2) TV holds with equality; W1 = 5e-4 is far below diam TV.
TIGHT = make_pair([[0.0], [1.0]], [0.5, 0.5], [[0.0], [1.001]], [0.5, 0.5])


def test_pinsker_slacks() -> None:
    # TV: 2 TV^2 <= min(KL(P||Q), KL(Q||P)) + 4 tol = log 2 + 4 tol on PAIR.
    v = edge("pinsker", "tv", PAIR, math.sqrt((LOG2 + 3.6 * TOL1) / 2),
             math.sqrt((LOG2 + 4.4 * TOL1) / 2))
    assert (v.detail, v.label) == ("breaks Pinsker 2 TV^2 <= KL", "upper bound")
    assert v.exact == pytest.approx(math.sqrt(LOG2 / 2), rel=1e-15)
    # KL >= 2 TV^2 = 1/2 on PAIR, with the tolerance at 1.
    v = edge("pinsker", "kl", PAIR, 0.5 - 0.9 * TOL1, 0.5 - 1.1 * TOL1)
    assert (v.label, v.exact) == ("lower bound", 0.5)


def test_appendix_c_bounds_on_tv() -> None:
    # JS <= log(2) TV: TV >= JS / log 2 = 1/2 on TIGHT.
    v = edge("appendix_c_bounds", "tv", TIGHT, 0.5 - 0.9 * TOL1 / LOG2, 0.5 - 1.1 * TOL1 / LOG2)
    assert (v.detail, v.label) == ("breaks JS <= log(2) TV", "lower bound")
    assert v.exact == pytest.approx(0.5, rel=1e-12)
    # TV <= sqrt(2 JS) = sqrt(log 2), squared with 4 tol.
    v = edge("appendix_c_bounds", "tv", TIGHT, math.sqrt(LOG2 + 3.6 * TOL1),
             math.sqrt(LOG2 + 4.4 * TOL1))
    assert (v.detail, v.label) == ("breaks TV <= sqrt(2 JS)", "upper bound")
    assert v.exact == pytest.approx(math.sqrt(LOG2), rel=1e-12)
    # W1 <= diam TV: TV >= W1 / diam = 1/2 on PAIR, less W1's and TV's tolerances.
    slack = 1e-12 + TOL1
    v = edge("appendix_c_bounds", "tv", PAIR, 0.5 - 0.9 * slack, 0.5 - 1.1 * slack)
    assert (v.detail, v.label, v.exact) == ("breaks W1 <= diam TV", "lower bound", 0.5)


def test_appendix_c_bounds_on_js() -> None:
    # TV = 1/2 on PAIR: TV^2 / 2 = 1/8 <= JS <= log(2) / 2.
    v = edge("appendix_c_bounds", "js", PAIR, LOG2 / 2 + 0.9 * TOL1, LOG2 / 2 + 1.1 * TOL1)
    assert (v.detail, v.label, v.exact) == ("breaks JS <= log(2) TV", "upper bound", LOG2 / 2)
    v = edge("appendix_c_bounds", "js", PAIR, 0.125 - 0.9 * TOL1, 0.125 - 1.1 * TOL1)
    assert (v.detail, v.label, v.exact) == ("breaks TV <= sqrt(2 JS)", "lower bound", 0.125)


def _on_moved(base: float, moved: float):
    """``base`` on PAIR (its x is [[0], [1]]), ``moved`` on any other pair."""
    return lambda x, a, y, b: base if x.ravel().tolist() == [0.0, 1.0] else moved


def test_translation_invariance_allows_both_tolerances() -> None:
    moved = make_pair([[5.0], [6.0]], [0.5, 0.5], [[6.0]], [1.0])
    tol = 2 * (RTOL * 0.5 + 1e-13)  # TV = 1/2 before and after
    holds("translation_invariant", "tv", _on_moved(0.5, 0.5 + 0.9 * tol), (PAIR, moved),
          rtol=RTOL)
    v = fails("translation_invariant", "tv", _on_moved(0.5, 0.5 + 1.1 * tol), (PAIR, moved),
              rtol=RTOL)
    assert v.label == "user's value before translating" and v.exact == 0.5


@pytest.mark.parametrize(("kind", "tol"), [
    # W1(2P, 2Q) = 1 = 2 W1(P, Q): (round-off at scale 2 + 1e-6 * 1) * 2.
    ("w1", (2e-12 + RTOL * 1.0) * 2),
    # TV(2P, 2Q) = TV(P, Q) = 1/2: (1e-13 + 1e-6 * 1/2) * 2.
    ("tv", (1e-13 + RTOL * 0.5) * 2),
])
def test_scaling_tolerance_grows_with_the_factor(kind: str, tol: float) -> None:
    moved = make_pair([[0.0], [2.0]], [0.5, 0.5], [[2.0]], [1.0])
    target = 1.0 if kind == "w1" else 0.5
    holds("scaling", kind, _on_moved(0.5, target + 0.9 * tol), (PAIR, moved, 2.0), rtol=RTOL)
    fails("scaling", kind, _on_moved(0.5, target + 1.1 * tol), (PAIR, moved, 2.0), rtol=RTOL)
    # A negative factor scales W1 by |c|.
    flipped = make_pair([[0.0], [-2.0]], [0.5, 0.5], [[-2.0]], [1.0])
    holds("scaling", kind, _on_moved(0.5, target), (PAIR, flipped, -2.0), rtol=RTOL)


def strategy_of(prop: str, pair, kind: str = "tv"):
    """A property's strategy of inputs, drawn around one fixed pair."""
    ctx = Context(kind, lambda p: (p.x, p.a, p.y, p.b), lambda args, p: 0.0, 0.0, 0.0, {},
                  make_pairs=lambda **options: st.just(pair))
    return PROPS[prop].inputs(ctx)


def exact_tv(x, a, y, b) -> float:
    return total_variation(Discrete(x, a / a.sum()), Discrete(y, b / b.sum()))


# delta_1e-20 against delta_2e-20: TV = 1. Moved by an integer v != 0 (the shift's unit is
# 1 for coordinates this small) both atoms round to v, and TV would be 0.
MERGING = make_pair([[1e-20]], [1.0], [[2e-20]], [1.0])


@settings(max_examples=30, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
@given(st.data())
def test_translation_never_compares_with_a_pair_whose_atoms_merged(data) -> None:
    pair, moved = data.draw(strategy_of("translation_invariant", MERGING))
    assert total_variation(moved.P, moved.Q) == 1.0  # still disjoint
    PROPS["translation_invariant"].check(context("tv", exact_tv), (pair, moved))


# -- the strategies of the other properties -------------------------------------------------
SHIFTS: set[float] = set()


@settings(max_examples=40, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
@given(st.data())
def test_translations_are_small_integers_times_a_power_of_two(data) -> None:
    # Coordinates up to 300: the unit is 2^(9 - 8) = 2, the shift v * 2 with |v| <= 5.
    base = make_pair([[300.0], [1.0]], [0.5, 0.5], [[-7.0]], [1.0])
    pair, moved = data.draw(strategy_of("translation_invariant", base))
    v = (moved.x - pair.x) / 2.0
    assert np.all(v == v[0, 0]) and np.all(moved.y - pair.y == 2.0 * v[0, 0])
    assert v[0, 0] == int(v[0, 0]) and abs(v[0, 0]) <= 5
    SHIFTS.add(float(v[0, 0]))


def test_translations_reach_both_ends() -> None:
    test_translations_are_small_integers_times_a_power_of_two()
    assert {-5.0, 5.0, 0.0} <= SHIFTS and len(SHIFTS) > 3


FACTORS: set[float] = set()


@settings(max_examples=40, derandomize=True, database=None)
@given(st.data())
def test_scaling_factors_are_powers_of_two(data) -> None:
    pair, moved, c = data.draw(strategy_of("scaling", PAIR))
    assert abs(c) in (0.5, 1.0, 2.0, 4.0)
    assert np.array_equal(moved.x, pair.x * c) and np.array_equal(moved.y, pair.y * c)
    FACTORS.add(c)


def test_scaling_draws_every_factor() -> None:
    test_scaling_factors_are_powers_of_two()
    assert FACTORS == {-4.0, -2.0, -1.0, -0.5, 0.5, 2.0, 4.0}


@settings(max_examples=20, derandomize=True, database=None)
@given(st.data())
def test_diracs_are_single_atoms(data) -> None:
    base = make_pair([[0.0], [1.0]], [0.5, 0.5], [[5.0], [7.0]], [0.5, 0.5])
    pair = data.draw(strategy_of("dirac_distance", base, "w1"))
    assert pair.P.size == 1 and pair.Q.size == 1 and pair.relation == "dirac"
    assert pair.x[0, 0] == 0.0 and pair.y.ravel().tolist() == [5.0]
    assert pair.b.tolist() == [1.0] and pair.a.tolist() in ([1.0], [0.5, 0.5])


# -- the triangle inequality, checked directly ------------------------------------------------
def _triangle_fn(values: dict):
    """fn returning ``values[(first x, first y)]`` for each of the three pairs."""
    return lambda x, a, y, b: values[(float(x[0, 0]), float(y[0, 0]))]


TRIPLE = (make_pair([[0.0]], [1.0], [[1.0]], [1.0]), make_pair([[1.0]], [1.0], [[2.0]], [1.0]),
          make_pair([[0.0]], [1.0], [[2.0]], [1.0]))


def test_triangle_reports_the_sum_of_the_other_two_values() -> None:
    # d(P, Q) = 1, d(Q, R) = 2: d(P, R) may be 3 plus the three tolerances (1e-12 + 1e-6
    # |exact| each: exact 1, 1, 2), not more.
    tol = 3e-12 + RTOL * 4.0
    holds("triangle", "w1", _triangle_fn({(0, 1): 1.0, (1, 2): 2.0, (0, 2): 3.0 + 0.9 * tol}),
          TRIPLE, rtol=RTOL)
    v = fails("triangle", "w1",
              _triangle_fn({(0, 1): 1.0, (1, 2): 2.0, (0, 2): 3.0 + 1.1 * tol}), TRIPLE,
              rtol=RTOL)
    assert (v.label, v.exact, v.user) == ("upper bound", 3.0, 3.0 + 1.1 * tol)


def test_triangle_of_js_holds_square_roots() -> None:
    # sqrt(JS) is the metric: JS(P, R) <= (sqrt 0.01 + sqrt 0.04)^2 = 0.09 (not 0.05).
    fn = _triangle_fn({(0, 1): 0.01, (1, 2): 0.04, (0, 2): 0.0899})
    holds("triangle", "js", fn, TRIPLE)
    v = fails("triangle", "js", _triangle_fn({(0, 1): 0.01, (1, 2): 0.04, (0, 2): 0.0901}),
              TRIPLE)
    assert v.label == "upper bound" and v.exact == pytest.approx(0.09, rel=1e-15)
    assert v.detail.startswith("breaks the triangle inequality of sqrt(JS)")


# -- the strategies, drawn around one fixed pair (the full mutation run's survivors) ----------
SPLITS: set[tuple[int, int]] = set()


@settings(max_examples=60, derandomize=True, database=None)
@given(st.data())
def test_duplicates_split_one_row_into_two_equal_halves(data) -> None:
    # P = 0.25 delta_0 + 0.75 delta_1: row i of x is given twice, each with half its
    # weight, the copy inserted at any position 0..2.
    base = make_pair([[0.0], [1.0]], [0.25, 0.75], [[3.0]], [1.0])
    pair, split = data.draw(strategy_of("duplicates_merge", base))
    assert _rows(pair) == _rows(base)
    x, a = split.x.ravel().tolist(), split.a.tolist()
    assert len(x) == 3 and sorted(set(x)) == [0.0, 1.0]
    i = 0 if x.count(0.0) == 2 else 1
    assert sorted(w for xi, w in zip(x, a, strict=True) if xi == float(i)) == [
        base.a[i] / 2, base.a[i] / 2]
    at = next(k for k, xi in enumerate(x) if xi == float(i))  # the first copy
    SPLITS.add((i, at))


def test_duplicates_split_inserts_at_every_position() -> None:
    test_duplicates_split_one_row_into_two_equal_halves()
    assert {(0, 0), (1, 0), (1, 1)} <= SPLITS  # the copy in front, and row 1 at 1


SMALL_SHIFTS: set[float] = set()


@settings(max_examples=40, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
@given(st.data())
def test_translations_of_small_coordinates_are_integers(data) -> None:
    # Coordinates below 2^8: the unit is 2^0 = 1 (not 2, not 1/2): v itself, |v| <= 5.
    base = make_pair([[0.0], [1.0]], [0.5, 0.5], [[3.0]], [1.0])
    pair, moved = data.draw(strategy_of("translation_invariant", base))
    v = float(moved.x[0, 0] - pair.x[0, 0])
    assert v == int(v) and abs(v) <= 5
    SMALL_SHIFTS.add(v)


def test_translations_of_small_coordinates_reach_odd_integers() -> None:
    test_translations_of_small_coordinates_are_integers()
    assert {-5.0, 5.0} <= SMALL_SHIFTS and any(v % 2 for v in SMALL_SHIFTS)


def test_scaling_tolerance_is_not_shrunk_below_the_factor_1() -> None:
    # c = 1/2: TV(P/2, Q/2) = 1/2, tolerance (1e-13 + 1e-6 * 1/2) * max(1, 1/2).
    moved = make_pair([[0.0], [0.5]], [0.5, 0.5], [[0.5]], [1.0])
    tol = 1e-13 + RTOL * 0.5
    holds("scaling", "tv", _on_moved(0.5, 0.5 + 0.9 * tol), (PAIR, moved, 0.5), rtol=RTOL)
    fails("scaling", "tv", _on_moved(0.5, 0.5 + 1.1 * tol), (PAIR, moved, 0.5), rtol=RTOL)


ROW_TRIPLES: dict[str, bool] = {}


@settings(max_examples=150, derandomize=True, database=None)
@given(st.data())
def test_triangle_rows_have_valid_weights_zero_ones_included(data) -> None:
    # R made of rows of P and Q: weights normalised from [0, 1] draws, finite, summing
    # to 1; a single row of P or Q is an R too, and a row may get weight 0.
    pq, _, pr = data.draw(triples_of(TRIPLE_BASE))
    z, c = pr.y.ravel().tolist(), pr.b.tolist()
    assert all(math.isfinite(w) and w >= 0 for w in c)
    assert sum(c) == pytest.approx(1.0, abs=1e-15, rel=0)
    if _rows(pq) == _rows(TRIPLE_BASE) and set(z) <= {0.0, 1.0, 3.0}:
        if len(z) == 1:
            ROW_TRIPLES["single row"] = True
        if len(z) > 1 and min(c) == 0.0 < max(c):
            ROW_TRIPLES["a zero weight"] = True


def test_triangle_rows_include_single_rows_and_zero_weights() -> None:
    test_triangle_rows_have_valid_weights_zero_ones_included()
    assert ROW_TRIPLES == {"single row": True, "a zero weight": True}


def test_triangle_of_js_takes_a_slightly_negative_value_as_0() -> None:
    # sqrt(JS) of a user's -1e-15 (rounding) is taken as 0, not a math domain error.
    fn = _triangle_fn({(0, 1): -1e-15, (1, 2): 0.04, (0, 2): 0.0399})
    holds("triangle", "js", fn, TRIPLE)
    v = fails("triangle", "js", _triangle_fn({(0, 1): -1e-15, (1, 2): 0.04, (0, 2): 0.0401}),
              TRIPLE)
    assert v.exact == pytest.approx(0.04, rel=1e-15, abs=0)


MIXTURES: set[float] = set()


@settings(max_examples=60, derandomize=True, database=None)
@given(st.data())
def test_triangle_mixture_normalises_raw_weights(data) -> None:
    # Raw weights need not sum to 1 (a = [1, 3], b = [2]): the mixture M = t P + (1 - t) Q
    # weighs P's rows t/4 and 3t/4 and Q's row 1 - t.
    base = make_pair([[0.0], [1.0]], [1.0, 3.0], [[3.0]], [2.0])
    pm, _, _ = data.draw(triples_of(base))
    if pm.y.shape[0] == 3:  # the mixture kind: (P, M), (M, Q), (P, Q)
        t = 1.0 - float(pm.b[2])
        assert pm.b.tolist() == pytest.approx([t / 4, 3 * t / 4, 1 - t], abs=1e-15, rel=0)
        MIXTURES.add(t)


def test_triangle_mixtures_drawn_with_raw_weights() -> None:
    test_triangle_mixture_normalises_raw_weights()
    assert MIXTURES == {0.25, 0.5, 0.75}


def test_appendix_c_reports_w1_over_the_diameter() -> None:
    # P = (delta_0 + delta_2)/2, Q = delta_2: W1 = 1, diam = 2, JS = 0.2158: a TV of 0.4
    # passes JS <= log(2) TV and TV <= sqrt(2 JS) but breaks W1 <= diam TV, whose bound
    # on TV is W1 / diam = 1/2 (not W1 * diam).
    pair = make_pair([[0.0], [2.0]], [0.5, 0.5], [[2.0]], [1.0])
    v = fails("appendix_c_bounds", "tv", constant(0.4), pair)
    assert (v.detail, v.exact) == ("breaks W1 <= diam TV", 0.5)


def at_equality(expr, target: float, start: float) -> float:
    """A float u near ``start`` with ``expr(u) == target`` exactly (as the check computes)."""
    u = start
    for _ in range(64):
        if expr(u) == target:
            return u
        u = math.nextafter(u, math.inf if expr(u) < target else -math.inf)
    raise AssertionError("no float reaches the bound exactly")


def test_every_bound_holds_with_equality() -> None:
    # Each check is `value <= bound`: a value exactly at its bound passes (not `<`).
    ctx = context("tv", constant(0.0), rtol=RTOL)
    # Triangle of W1 (d(P, R) = d(P, Q) + d(Q, R) + the three tolerances, as summed).
    w1 = context("w1", constant(0.0), rtol=RTOL)
    tol = sum(w1.tol(p, w1.exact(p)) for p in TRIPLE)
    holds("triangle", "w1", _triangle_fn({(0, 1): 1.0, (1, 2): 2.0, (0, 2): 1.0 + 2.0 + tol}),
          TRIPLE, rtol=RTOL)
    # Triangle of sqrt(JS): sqrt(JS(P, R)) = sqrt(0.01) + sqrt(0.04) + sqrt(tol).
    js = context("js", constant(0.0), rtol=RTOL)
    tol = sum(js.tol(p, js.exact(p)) for p in TRIPLE)
    root = math.sqrt(0.01) + math.sqrt(0.04) + math.sqrt(tol)
    assert math.sqrt(root * root) == root
    holds("triangle", "js", _triangle_fn({(0, 1): 0.01, (1, 2): 0.04, (0, 2): root * root}),
          TRIPLE, rtol=RTOL)
    # Pinsker on PAIR: 2 TV^2 = min KL + 4 tol = log 2 + 4 tol.
    tol = ctx.tol(PAIR, 1.0)
    u = at_equality(lambda u: 2.0 * u * u, LOG2 + 4.0 * tol, math.sqrt((LOG2 + 4 * tol) / 2))
    holds("pinsker", "tv", constant(u), PAIR, rtol=RTOL)
    # Appendix C on TIGHT: JS = log(2) TV + tol.
    tol, j = ctx.tol(TIGHT, 1.0), js_divergence(TIGHT.P, TIGHT.Q)
    u = at_equality(lambda u: LOG2 * u + tol, j, (j - tol) / LOG2)
    holds("appendix_c_bounds", "tv", constant(u), TIGHT, rtol=RTOL)
    # TV^2 = 2 JS + 4 tol at TV = 15/16 (a square no rounding moves), for the user
    # tolerance atol that makes it exact.
    roundoff = context("tv", constant(0.0)).tol(TIGHT, 1.0)
    u, atol = 0.9375, (0.9375 ** 2 - 2.0 * j) / 4.0 - roundoff
    for _ in range(64):
        bound = 2.0 * j + 4.0 * context("tv", constant(0.0), atol=atol).tol(TIGHT, 1.0)
        if bound == u * u:
            break
        atol = math.nextafter(atol, math.inf if bound < u * u else -math.inf)
    assert bound == u * u
    holds("appendix_c_bounds", "tv", constant(u), TIGHT, atol=atol)
    # W1 <= diam TV + W1's and diam times TV's tolerances, on PAIR (W1 = 1/2, diam = 1).
    w1_slack = w1_atol(PAIR.P, PAIR.Q)
    tol = ctx.tol(PAIR, 1.0)
    u = at_equality(lambda u: 1.0 * u + w1_slack + 1.0 * tol, 0.5, 0.5 - w1_slack - tol)
    holds("appendix_c_bounds", "tv", constant(u), PAIR, rtol=RTOL)
