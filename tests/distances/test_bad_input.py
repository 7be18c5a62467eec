"""Bad input gets a ValueError that names the rule and the value; the solver never lies.

:class:`TestBadInput` holds one test per rule of the issue's "Bad input" section (and of
the options the functions take). :class:`TestNoAssertionErrorOrWarning` runs with
warnings turned into errors, so that neither POT's AssertionError nor its warnings can
reach the user. :class:`TestSolverLimits` checks that an iteration limit is retried, and
then raised, never returned as a non-optimal value.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterator
from fractions import Fraction
from typing import Any

import numpy as np
import ot
import pytest
from scipy.spatial.distance import cdist

from distances import (
    Discrete,
    SolverError,
    certify,
    earth_mover,
    earth_mover_solution,
    js_divergence,
    kl_divergence,
    total_variation,
)

DIVERGENCES = (total_variation, kl_divergence, js_divergence)


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(3)


@pytest.fixture
def no_warnings() -> Iterator[None]:
    """Turn every warning into an error for the duration of a test."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


class TestBadInput:
    """One test per rule; each matches the rule and the offending value in the message."""

    def test_negative_weight(self) -> None:
        rule = r"weights must be non-negative; got -0\.25 at index 1"
        with pytest.raises(ValueError, match=rule):
            Discrete([0.0, 1.0, 2.0], [0.5, -0.25, 0.75])

    def test_negative_probability(self) -> None:
        with pytest.raises(ValueError, match=r"Q must be non-negative; got -0\.5 at index 0"):
            total_variation([0.5, 0.5], [-0.5, 1.5])

    def test_nan_weight(self) -> None:
        with pytest.raises(ValueError, match=r"weights must be finite; got nan at index 1"):
            Discrete([0.0, 1.0], [1.0, np.nan])

    def test_infinite_weight(self) -> None:
        with pytest.raises(ValueError, match=r"weights must be finite; got inf at index 0"):
            Discrete([0.0, 1.0], [np.inf, 1.0], normalize=True)

    def test_nan_atom(self) -> None:
        with pytest.raises(ValueError, match=r"atoms must be finite; got nan at index \(1, 0\)"):
            Discrete([[0.0, 0.0], [np.nan, 1.0]])

    def test_infinite_atom(self) -> None:
        with pytest.raises(ValueError, match=r"atoms must be finite; got -inf at index 2"):
            Discrete([0.0, 1.0, -np.inf])

    def test_infinite_support_point(self) -> None:
        with pytest.raises(ValueError, match=r"support must be finite; got inf at index 1"):
            earth_mover([0.5, 0.5], [1.0, 0.0], support=[0.0, np.inf])

    def test_zero_total_mass(self) -> None:
        with pytest.raises(ValueError, match=r"weights must have positive total mass; got sum 0"):
            Discrete.from_histogram([0.0, 1.0], [0, 0])

    def test_weights_not_summing_to_one(self) -> None:
        with pytest.raises(ValueError, match=r"weights must sum to 1 .*got sum 0\.75.*normalize"):
            Discrete([0.0, 1.0], [0.5, 0.25])

    def test_probability_vector_not_summing_to_one(self) -> None:
        with pytest.raises(ValueError, match=r"P must sum to 1 .*got sum 1\.0000000999"):
            kl_divergence([0.5, 0.5000001], [0.5, 0.5])

    def test_normalize_rescales_instead(self) -> None:
        # Not an error: the documented way out, including sums that overflow to inf.
        assert Discrete([0.0, 1.0], [1.0, 3.0], normalize=True).weights.tolist() == [0.25, 0.75]
        huge = Discrete.from_histogram([0.0, 1.0], [1e308, 1e308])
        assert huge.weights.tolist() == [0.5, 0.5]

    def test_length_mismatch_atoms_and_weights(self) -> None:
        with pytest.raises(ValueError, match=r"same length; got 3 atoms and 2 weights"):
            Discrete([0.0, 1.0, 2.0], [0.5, 0.5])

    def test_length_mismatch_probability_vectors(self) -> None:
        with pytest.raises(ValueError, match=r"same length on a shared support; got 2 and 3"):
            js_divergence([0.5, 0.5], [0.25, 0.25, 0.5])

    def test_length_mismatch_support_and_weights(self) -> None:
        with pytest.raises(ValueError, match=r"one point per weight; got 3 points and 2 weights"):
            earth_mover([0.5, 0.5], [0.0, 1.0], support=[0.0, 1.0, 2.0])

    @pytest.mark.parametrize("f", [*DIVERGENCES, earth_mover])
    def test_dimension_mismatch(self, f: Any) -> None:
        with pytest.raises(ValueError, match=r"same dimension; got 1 and 2"):
            f(Discrete([0.0]), Discrete([[0.0, 0.0]]))

    @pytest.mark.parametrize("empty", [[], np.empty((0, 2)), np.empty((3, 0))])
    def test_empty_atoms(self, empty: Any) -> None:
        with pytest.raises(ValueError, match=r"atoms must (not be empty|have at least one coord)"):
            Discrete(empty)

    def test_empty_probability_vectors(self) -> None:
        with pytest.raises(ValueError, match=r"P must not be empty; got shape \(0,\)"):
            total_variation([], [])

    @pytest.mark.parametrize(
        ("bad", "rule"),
        [
            ("abc", r"must be numeric; got a string 'abc'"),
            (["1", "2"], r"must be numeric; got dtype <U1"),
            ([1.0, None], r"must be numeric; got \[1\.0, None\]"),
            ([[0.0, 1.0], [2.0]], r"must be a numeric array; got list"),
            ([1 + 2j], r"must be real; got complex dtype"),
            (np.array(["2020-01-01"], dtype="datetime64[D]"), r"must be numeric; got dtype"),
        ],
    )
    def test_non_numeric_atoms(self, bad: Any, rule: str) -> None:
        with pytest.raises(ValueError, match=rf"atoms {rule}"):
            Discrete(bad)

    def test_non_numeric_weights(self) -> None:
        with pytest.raises(ValueError, match=r"weights must be numeric; got dtype <U3"):
            Discrete([0.0, 1.0], ["0.5", "0.5"])

    def test_exact_numbers_are_numeric(self) -> None:
        # Objects that convert to float are accepted (and computed in float64).
        P = Discrete([0, 1], [Fraction(1, 4), Fraction(3, 4)])
        assert P.weights.tolist() == [0.25, 0.75]

    def test_cost_matrix_of_the_wrong_shape(self) -> None:
        with pytest.raises(ValueError, match=r"cost must have shape \(2, 3\) .*got \(3, 2\)"):
            earth_mover([0.5, 0.5], [0.25, 0.25, 0.5], cost=np.ones((3, 2)))

    def test_cost_matrix_with_a_negative_entry(self) -> None:
        rule = r"cost must be non-negative; got -1 at index \(0, 1\)"
        with pytest.raises(ValueError, match=rule):
            earth_mover([0.5, 0.5], [0.5, 0.5], cost=[[0.0, -1.0], [1.0, 0.0]])

    def test_cost_matrix_with_nan(self) -> None:
        with pytest.raises(ValueError, match=r"cost must be finite; got nan at index \(1, 1\)"):
            earth_mover([0.5, 0.5], [0.5, 0.5], cost=[[0.0, 1.0], [1.0, np.nan]])

    def test_cost_matrix_that_is_not_a_matrix(self) -> None:
        with pytest.raises(ValueError, match=r"cost must have 2 dimension\(s\); got shape \(4,\)"):
            earth_mover([0.5, 0.5], [0.5, 0.5], cost=[0.0, 1.0, 1.0, 0.0])

    @pytest.mark.parametrize("f", [*DIVERGENCES, earth_mover])
    def test_a_measure_and_a_vector(self, f: Any) -> None:
        with pytest.raises(ValueError, match=r"both be Discrete .*got Discrete and list"):
            f(Discrete([0.0, 1.0]), [0.5, 0.5])

    def test_vectors_need_support_or_cost(self) -> None:
        with pytest.raises(ValueError, match=r"exactly one of support= .*support=None, cost=None"):
            earth_mover([0.5, 0.5], [0.5, 0.5])

    def test_vectors_with_both_support_and_cost(self) -> None:
        with pytest.raises(ValueError, match=r"support=given, cost=given"):
            earth_mover([0.5, 0.5], [0.5, 0.5], support=[0, 1], cost=np.eye(2))

    def test_measures_with_support(self) -> None:
        with pytest.raises(ValueError, match=r"Discrete measures carry their own atoms"):
            earth_mover(Discrete([0.0]), Discrete([1.0]), support=[0.0])

    def test_unknown_method(self) -> None:
        with pytest.raises(ValueError, match=r"method must be .*got 'sinkhorn'"):
            earth_mover(Discrete([0.0]), Discrete([1.0]), method="sinkhorn")  # type: ignore[arg-type]

    def test_closed_form_off_the_line(self) -> None:
        with pytest.raises(ValueError, match=r"closed_form_1d' needs atoms on the line"):
            earth_mover(Discrete([[0.0, 0.0]]), Discrete([[1.0, 0.0]]), method="closed_form_1d")

    @pytest.mark.parametrize("max_iter", [0, -5, 2.5, True, "100"])
    def test_bad_iteration_limit(self, max_iter: Any) -> None:
        # Checked up front, also on the line where the closed form needs no iterations.
        with pytest.raises(ValueError, match=r"max_iter must be a positive integer; got"):
            earth_mover(Discrete([0.0]), Discrete([1.0]), max_iter=max_iter)

    @pytest.mark.parametrize("base", [1, 0, -2.0, math.inf, math.nan, "two"])
    def test_bad_logarithm_base(self, base: Any) -> None:
        with pytest.raises(ValueError, match=r"base must be a positive number other than 1; got"):
            js_divergence([0.5, 0.5], [0.5, 0.5], base=base)

    def test_translation_of_the_wrong_dimension(self) -> None:
        with pytest.raises(ValueError, match=r"v must be a scalar or have 2 coordinates; got"):
            Discrete([[0.0, 0.0]]).translate([1.0, 2.0, 3.0])

    def test_certificate_of_mismatched_shapes(self) -> None:
        plan, cost = np.eye(2) / 2, np.ones((2, 2))
        with pytest.raises(ValueError, match=r"b must have shape \(2,\) to match plan"):
            certify(plan, [0, 0], [0, 0], [0.5, 0.5], [1.0], cost)

    def test_discrete_is_immutable(self) -> None:
        P = Discrete([0.0, 1.0])
        with pytest.raises(AttributeError, match=r"immutable"):
            P.weights = np.array([1.0, 0.0])  # type: ignore[misc]
        with pytest.raises(ValueError, match=r"read-only"):
            P.weights[0] = 1.0


@pytest.mark.usefixtures("no_warnings")
class TestNoAssertionErrorOrWarning:
    """Inputs on which bare POT raises AssertionError or only warns."""

    def test_mass_mismatch_is_a_value_error(self) -> None:
        # Bare ot.emd2 raises AssertionError here.
        with pytest.raises(ValueError, match=r"Q must sum to 1 .*got sum 0\.9"):
            earth_mover([0.5, 0.5], [0.45, 0.45], cost=np.ones((2, 2)))

    def test_negative_weights_are_a_value_error(self) -> None:
        # Bare ot.emd2 returns cost 0 with only a "Problem infeasible" UserWarning.
        with pytest.raises(ValueError, match=r"P must be non-negative; got -0\.5 at index 1"):
            earth_mover([1.5, -0.5], [0.5, 0.5], cost=[[0.0, 1.0], [1.0, 0.0]])

    def test_mixed_float32_and_float64_marginals_solve(self) -> None:
        # float32 weights that sum to 1 only within float32 round-off (2e-8 in float64) are
        # rejected unless normalize=True; then POT sees float64 unit masses on both sides.
        a = np.float32([0.1, 0.2, 0.7])
        with pytest.raises(ValueError, match=r"must sum to 1"):
            Discrete([0.0, 1.0, 2.0], a)
        P = Discrete([[0.0, 0.0], [1.0, 0.0], [2.0, 0.0]], a, normalize=True)
        Q = Discrete([[0.0, 0.0], [1.0, 0.0], [2.0, 0.0]], [0.7, 0.2, 0.1])
        w = a.astype(float) / a.astype(float).sum()
        # On the x axis: W1 = integral |F_P - F_Q| = |w0 - 0.7| + |w0 + w1 - 0.9|.
        expected = abs(w[0] - 0.7) + abs(w[0] + w[1] - 0.9)
        assert math.isclose(earth_mover(P, Q), expected, rel_tol=1e-12)

    def test_iteration_limit_is_an_error_not_a_warning(self, rng: np.random.Generator) -> None:
        P = Discrete.from_samples(rng.normal(size=(100, 2)))
        Q = Discrete.from_samples(rng.normal(size=(100, 2)))
        with pytest.raises(SolverError, match=r"iteration limit"):
            earth_mover(P, Q, max_iter=1)

    def test_zero_weights_and_shared_atoms_solve_quietly(self, rng: np.random.Generator) -> None:
        x = rng.normal(size=(20, 3))
        a = rng.dirichlet(np.ones(20))
        a[::3] = 0.0
        P, Q = Discrete(x, a / a.sum()), Discrete(x[5:], rng.dirichlet(np.ones(15)))
        sol = earth_mover_solution(P, Q)
        assert sol.certificate.ok and sol.value > 0


class TestSolverLimits:
    """An iteration limit is retried with 10x and 100x the limit, then raises SolverError."""

    @pytest.fixture
    def emd_limits(self, monkeypatch: pytest.MonkeyPatch) -> list[int]:
        """Record the numItermax of every ot.emd call."""
        calls: list[int] = []
        original = ot.emd

        def spy(*args: Any, **kwargs: Any) -> Any:
            calls.append(kwargs["numItermax"])
            return original(*args, **kwargs)

        monkeypatch.setattr(ot, "emd", spy)
        return calls

    @staticmethod
    def _clouds(rng: np.random.Generator, n: int) -> tuple[Discrete, Discrete]:
        return Discrete.from_samples(rng.normal(size=(n, 2))), Discrete.from_samples(
            rng.normal(size=(n, 2))
        )

    def test_retries_reach_the_optimum(
        self, rng: np.random.Generator, emd_limits: list[int]
    ) -> None:
        # A 6 x 6 problem needs more than 1 pivot but well under 100.
        P, Q = self._clouds(rng, 6)
        expected = earth_mover(P, Q)  # default limit: one call
        assert emd_limits == [1_000_000]
        emd_limits.clear()
        assert earth_mover(P, Q, max_iter=1) == expected
        assert emd_limits[0] == 1 and len(emd_limits) >= 2  # at least one retry happened
        assert emd_limits == [1, 10, 100][: len(emd_limits)]

    def test_a_limit_too_small_raises(
        self, rng: np.random.Generator, emd_limits: list[int]
    ) -> None:
        # 100 x 100 needs hundreds of pivots: 1, 10 and 100 all stop short.
        P, Q = self._clouds(rng, 100)
        with pytest.raises(SolverError, match=r"iteration limit \(100\) 3 times; pass a larger"):
            earth_mover_solution(P, Q, max_iter=1)
        assert emd_limits == [1, 10, 100]

    def test_infeasible_result_code_raises(self, monkeypatch: pytest.MonkeyPatch) -> None:
        def infeasible(a: Any, b: Any, M: Any, **kwargs: Any) -> Any:
            log = {"result_code": 0, "warning": "Problem infeasible", "u": a * 0, "v": b * 0}
            return np.zeros_like(M), log

        monkeypatch.setattr(ot, "emd", infeasible)
        with pytest.raises(SolverError, match=r"network simplex failed: Problem infeasible"):
            earth_mover(Discrete([[0.0, 0.0]]), Discrete([[1.0, 0.0]]))

    def test_a_non_optimal_answer_is_refused(
        self, rng: np.random.Generator, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # A solver that claims optimality for the independent coupling: the certificate
        # (duality gap) catches it, and no value is returned.
        def liar(a: Any, b: Any, M: Any, **kwargs: Any) -> Any:
            return np.outer(a, b), {"result_code": 1, "warning": None, "u": a * 0, "v": b * 0}

        monkeypatch.setattr(ot, "emd", liar)
        P, Q = self._clouds(rng, 5)
        rule = r"fails its certificate: Certificate\(.*duality_gap="
        with pytest.raises(SolverError, match=rule):
            earth_mover(P, Q)

    def test_retry_gives_the_same_plan_as_a_single_call(self, rng: np.random.Generator) -> None:
        P, Q = self._clouds(rng, 30)
        once, retried = earth_mover_solution(P, Q), earth_mover_solution(P, Q, max_iter=10)
        assert retried.certificate.ok
        assert math.isclose(once.value, retried.value, rel_tol=1e-12)
        assert math.isclose(
            once.value, float((once.plan * cdist(P.atoms, Q.atoms)).sum()), rel_tol=1e-12
        )
