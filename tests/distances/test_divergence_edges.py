"""TV, KL and JS at their edges: the clips to the exact range, and the logarithm's base.

Probability vectors may sum to 1 within a relative 1e-9 (they are not renormalised), so
round-off and that slack can push a sum past the exact bounds; each function clips to
its range, and these tests feed inputs that land outside it.
"""

from __future__ import annotations

import math

import pytest
from scipy import stats

from distances import Discrete, js_divergence, kl_divergence, total_variation


def test_tv_is_clipped_to_one_when_the_sums_exceed_one() -> None:
    """Overlapping supports with sums 1 + 6e-10: 1/2 sum |p - q| = 1 + 4.5e-10, reported 1."""
    p = [1.0 + 4e-10, 2e-10, 0.0]
    q = [0.0, 1e-10, 1.0 + 4e-10]
    assert total_variation(p, q) == 1.0


def test_kl_is_never_negative() -> None:
    """P summing to 1 and Q to 1 + 8e-10: sum p log(p/q) is -8e-10, reported 0."""
    assert kl_divergence([0.5, 0.5], [0.5 + 4e-10, 0.5 + 4e-10]) == 0.0


def test_js_is_never_negative() -> None:
    """Q = P up to relative 1e-12: JS's sum is -2.8e-17 by round-off, reported 0 exactly
    (the vectors were found by a seeded search of such pairs)."""
    p = [0.0016869086488913183, 0.5281586999842169, 0.02068862294710561, 0.44946576841978614]
    q = [0.001686908648890083, 0.5281586999839295, 0.020688622947099066, 0.44946576841997116]
    assert js_divergence(p, q) == 0.0


class TestBase:
    P, Q = [0.5, 0.5], [0.0, 1.0]

    def test_base_two_gives_bits(self) -> None:
        nats = js_divergence(self.P, self.Q)
        assert js_divergence(self.P, self.Q, base=2) == nats / math.log(2)

    def test_base_below_one_is_a_valid_base(self) -> None:
        """log base 1/2 is minus log base 2: a positive base other than 1 is allowed."""
        nats = js_divergence(self.P, self.Q)
        assert js_divergence(self.P, self.Q, base=0.5) == nats / math.log(0.5)

    @pytest.mark.parametrize("base", [0, -2, 1, math.inf, math.nan, "two"])
    def test_invalid_base_is_refused(self, base: object) -> None:
        with pytest.raises(ValueError, match="base must be a positive number other than 1"):
            js_divergence(self.P, self.Q, base=base)

    def test_continuous_laws_take_the_base_too(self) -> None:
        """JS between two Gaussians, in nats and in bits: the same quadrature, divided by
        log 2 (exactly: the value is computed once)."""
        P, Q = stats.norm(0, 1), stats.norm(1, 1)
        nats = js_divergence(P, Q)
        assert 0.0 < nats < math.log(2)
        assert js_divergence(P, Q, base=2) == nats / math.log(2)


class TestContinuousAgainstDiscrete:
    """A law with a density against a finite measure: each puts all its mass where the
    other has none (the paper's point about disjoint supports), whichever comes first."""

    P, D = stats.norm(0, 1), Discrete([0.0, 1.0])

    def test_tv_is_one_both_ways(self) -> None:
        assert total_variation(self.P, self.D) == 1.0
        assert total_variation(self.D, self.P) == 1.0

    def test_kl_is_infinite_both_ways(self) -> None:
        assert kl_divergence(self.P, self.D) == math.inf
        assert kl_divergence(self.D, self.P) == math.inf

    def test_js_is_log_two_both_ways(self) -> None:
        assert js_divergence(self.P, self.D) == math.log(2)
        assert js_divergence(self.D, self.P, base=2) == 1.0
