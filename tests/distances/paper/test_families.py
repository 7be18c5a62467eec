"""Uniform segments, Example 1 as a family, and the mutually-singular rule."""

from __future__ import annotations

import math

import numpy as np
import pytest

from distances import Discrete, earth_mover, js_divergence, kl_divergence, total_variation
from distances.paper.families import (
    UniformSegment,
    example1_distances,
    example1_sample,
    example1_segment,
    mutually_singular_divergences,
    segment_distances,
)

LOG2 = math.log(2.0)


def test_mutually_singular_rule_values():
    r = mutually_singular_divergences()
    assert (r.total_variation, r.js, r.kl_pq, r.kl_qp) == (1.0, LOG2, math.inf, math.inf)


def test_rule_agrees_with_discrete_disjoint_supports():
    # Two finite measures on disjoint sets are the simplest mutually singular pair.
    P, Q = Discrete([0.0, 1.0]), Discrete([1e-9, 5.0], [0.9, 0.1])
    r = mutually_singular_divergences()
    assert total_variation(P, Q) == r.total_variation
    assert js_divergence(P, Q) == r.js
    assert kl_divergence(P, Q) == r.kl_pq
    assert kl_divergence(Q, P) == r.kl_qp


class TestExample1:
    @pytest.mark.parametrize("theta", [-1.0, -0.3, 1e-12, 0.5, 7.0])
    def test_nonzero_theta(self, theta):
        d = example1_distances(theta)
        assert d.earth_mover == abs(theta)
        assert (d.total_variation, d.js) == (1.0, LOG2)
        assert (d.kl_theta_0, d.kl_0_theta) == (math.inf, math.inf)

    @pytest.mark.parametrize("theta", [0.0, -0.0])
    def test_zero_theta(self, theta):
        d = example1_distances(theta)
        assert (d.earth_mover, d.total_variation, d.js, d.kl_theta_0, d.kl_0_theta) == (0,) * 5

    def test_rejects_nonfinite(self):
        with pytest.raises(ValueError, match="theta must be finite; got nan"):
            example1_distances(float("nan"))
        with pytest.raises(ValueError, match="theta must be a real number; got None"):
            example1_distances(None)  # type: ignore[arg-type]  # was float()'s TypeError

    def test_segment_and_samples(self):
        assert example1_segment(0.25) == UniformSegment((0.25, 0.0), (0.25, 1.0))
        pts = example1_sample(0.25, 1000, rng=np.random.default_rng(0))
        assert pts.shape == (1000, 2)
        assert np.all(pts[:, 0] == 0.25)
        assert 0.0 <= pts[:, 1].min() and pts[:, 1].max() <= 1.0
        # Same seed, same samples (seeded, reproducible).
        again = example1_sample(0.25, 1000, rng=np.random.default_rng(0))
        assert np.array_equal(pts, again)

    def test_sample_with_given_z(self):
        assert example1_sample(-1.0, z=[0.5]).tolist() == [[-1.0, 0.5]]
        with pytest.raises(ValueError, match="exactly one of n"):
            example1_sample(0.0, 3, z=[0.1])
        with pytest.raises(ValueError, match="exactly one of n"):
            example1_sample(0.0)

    def test_family_matches_segment_distances(self):
        for theta in (-0.7, 0.2):
            d = segment_distances(example1_segment(0.0), example1_segment(theta))
            e = example1_distances(theta)
            assert (d["w1"], d["tv"], d["js"], d["kl_st"], d["kl_ts"]) == (
                e.earth_mover,
                e.total_variation,
                e.js,
                e.kl_0_theta,
                e.kl_theta_0,
            )

    def test_exact_solver_on_same_z_samples(self):
        # Same z on both lines: the identity coupling costs |theta| and nothing costs less.
        z = np.random.default_rng(1).uniform(size=200)
        for theta in (-0.6, 0.05, 1.0):
            w = earth_mover(
                Discrete(example1_sample(0.0, z=z)), Discrete(example1_sample(theta, z=z))
            )
            assert w == pytest.approx(abs(theta), abs=1e-12)


class TestSegments:
    S = UniformSegment((0.0, 0.0), (0.0, 1.0))

    def test_translate_off_the_line(self):
        d = segment_distances(self.S, self.S.translate([3.0, 4.0]))
        assert d == {"tv": 1.0, "js": LOG2, "kl_st": math.inf, "kl_ts": math.inf, "w1": 5.0}

    def test_collinear_half_overlap(self):
        # [0,1] vs [0.5,1.5] on one line: TV = 1/2, W1 = 1/2, JS = (1/2) log 2 (half of
        # each mass is on a part the other does not cover), KL = inf both ways.
        d = segment_distances(self.S, self.S.translate([0.0, 0.5]))
        assert d["tv"] == pytest.approx(0.5, abs=1e-15)
        assert d["w1"] == pytest.approx(0.5, abs=1e-15)
        assert d["js"] == pytest.approx(LOG2 / 2, abs=1e-15)
        assert (d["kl_st"], d["kl_ts"]) == (math.inf, math.inf)

    def test_nested_collinear(self):
        # [0,1] inside [0,2]: KL(S||T) = log 2, KL(T||S) = inf, TV = 1/2,
        # W1 = int_0^1 |u - 2u| du = 1/2, JS = 1/2[log(4/3)] + 1/2[1/2 log(2/3) + 1/2 log 2].
        T = UniformSegment((0.0, 0.0), (0.0, 2.0))
        d = segment_distances(self.S, T)
        assert d["kl_st"] == pytest.approx(LOG2, abs=1e-15)
        assert d["kl_ts"] == math.inf
        assert d["tv"] == pytest.approx(0.5, abs=1e-15)
        assert d["w1"] == pytest.approx(0.5, abs=1e-15)
        js = 0.5 * math.log(4 / 3) + 0.5 * (0.5 * math.log(2 / 3) + 0.5 * LOG2)
        assert d["js"] == pytest.approx(js, abs=1e-15)

    def test_crossing_segments_w1_unknown(self):
        d = segment_distances(self.S, UniformSegment((-0.5, 0.5), (0.5, 0.5)))
        assert d["tv"] == 1.0 and d["js"] == LOG2
        assert d["w1"] is None  # no closed form: None, never a NaN

    def test_w1_of_translates_matches_solver(self):
        # The solver on the same z: the coupling s + z d -> s + v + z d costs |v| exactly.
        z = np.random.default_rng(2).uniform(size=100)
        T = self.S.translate([0.3, 0.4])
        w = earth_mover(Discrete(self.S.point(z)), Discrete(T.point(z)))
        assert w == pytest.approx(segment_distances(self.S, T)["w1"], abs=1e-12)

    def test_properties(self):
        S = UniformSegment((1.0, 1.0), (4.0, 5.0))
        assert S.length == 5.0 and S.dim == 2
        assert S.point([0.0, 1.0]).tolist() == [[1.0, 1.0], [4.0, 5.0]]

    def test_rejects(self):
        with pytest.raises(ValueError, match="two distinct ends"):
            UniformSegment((0.0, 0.0), (0.0, 0.0))
        with pytest.raises(ValueError, match="same dimension; got 2 and 3"):
            UniformSegment((0.0, 0.0), (0.0, 0.0, 1.0))
        with pytest.raises(ValueError, match="must be finite"):
            UniformSegment((0.0, math.inf), (0.0, 1.0))
        with pytest.raises(ValueError, match="n must be a positive integer; got 0"):
            self.S.sample(0)
