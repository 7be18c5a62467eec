"""Figure 1 data, the W1 envelope and critic gradients, and learning parallel lines."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats
from scipy.spatial.distance import cdist

from distances import Discrete, earth_mover
from distances.continuous import earth_mover_continuous
from distances.gradients import (
    critic_gradient,
    earth_mover_gradient,
    optimal_critic,
    strictly_complementary_potential,
)
from distances.paper.example1 import LearningConfig, figure1_data, learn_parallel_lines
from distances.paper.generators import Example1Generator, MLPGenerator

LOG2 = math.log(2.0)


@pytest.fixture(scope="module")
def fig1():
    return figure1_data(n=48, seed=0)


class TestFigure1Data:
    def test_grid_contains_zero_exactly(self, fig1):
        assert fig1.theta.size == 21
        assert 0.0 in fig1.theta.tolist()
        assert fig1.theta[0] == -1.0 and fig1.theta[-1] == 1.0

    def test_same_z_w1_is_abs_theta_to_1e12(self, fig1):
        # The requirement: same z on both lines gives W1 = |theta| to 1e-12.
        np.testing.assert_allclose(
            fig1.columns["w1_same_z"], np.abs(fig1.theta), rtol=0, atol=1e-12
        )
        assert fig1.max_error_same_z <= 1e-12

    def test_same_z_divergences_equal_closed_forms(self, fig1):
        c = fig1.columns
        nonzero = fig1.theta != 0
        assert np.all(c["js_same_z"][nonzero] == LOG2) and c["js_same_z"][~nonzero] == 0.0
        assert np.all(c["tv_same_z"][nonzero] == 1.0) and c["tv_same_z"][~nonzero] == 0.0
        for key in ("kl_0_theta_same_z", "kl_theta_0_same_z"):
            assert np.all(np.isinf(c[key][nonzero])) and c[key][~nonzero] == 0.0
        np.testing.assert_array_equal(c["js_same_z"], c["js_exact"])
        np.testing.assert_array_equal(c["tv_same_z"], c["tv_exact"])

    def test_independent_within_floor(self, fig1):
        c = fig1.columns
        assert fig1.within_floor
        # |theta| <= W1_indep <= |theta| + floor, and the floor is W1 at theta = 0.
        assert c["floor"][0] == c["w1_indep"][fig1.theta.tolist().index(0.0)]
        assert c["floor"][0] > 0  # two independent samples of one law are not at distance 0
        # The population bound W1(z, U) + W1(z', U) dominates the sample floor (triangle).
        assert c["floor"][0] <= c["floor_population"][0]

    def test_independent_supports_disjoint_even_at_zero(self, fig1):
        c = fig1.columns
        assert np.all(c["js_indep"] == LOG2)
        assert np.all(c["tv_indep"] == 1.0)
        assert np.all(np.isinf(c["kl_0_theta_indep"]))

    def test_floor_population_matches_its_definition(self):
        d = figure1_data([0.5], n=10, seed=4)
        rng = np.random.default_rng(4)
        z, z2 = rng.uniform(size=10), rng.uniform(size=10)
        u = stats.uniform()
        expected = (
            earth_mover_continuous(u, Discrete(z)).value
            + earth_mover_continuous(u, Discrete(z2)).value
        )
        assert d.columns["floor_population"][0] == pytest.approx(expected, rel=1e-14)
        floor = earth_mover(Discrete(np.c_[np.zeros(10), z]), Discrete(np.c_[np.zeros(10), z2]))
        assert d.columns["floor"][0] == pytest.approx(floor, rel=1e-14)

    def test_rejects(self):
        with pytest.raises(ValueError, match="theta must be a non-empty 1-D array"):
            figure1_data([])
        with pytest.raises(ValueError, match="n must be a positive integer; got 0"):
            figure1_data(n=0)


class TestGradients:
    def test_example1_same_z_gradient_is_sign(self):
        g, z = Example1Generator(), np.linspace(0.05, 0.95, 10)
        for theta in (-0.4, 0.7):
            r = earth_mover_gradient(g(0.0, z), g(theta, z), g.dtheta(theta, z))
            assert r.value == pytest.approx(abs(theta), abs=1e-14)
            assert r.gradient == pytest.approx(math.copysign(1.0, theta), abs=1e-14)

    @pytest.mark.parametrize("gen", [Example1Generator(), MLPGenerator(hidden=5, seed=3)])
    def test_envelope_critic_and_finite_difference_agree(self, gen):
        rng = np.random.default_rng(7)
        z, zr = gen.sample_latent(20, rng), gen.sample_latent(20, rng)
        x, theta, h = gen(0.0, zr), 0.37, 1e-7
        y, dy = gen(theta, z), gen.dtheta(theta, z)
        env = earth_mover_gradient(x, y, dy)
        strict = strictly_complementary_potential(env.solution, cdist(x, y))
        assert strict.margin > 0  # unique optimal plan: W is differentiable here
        crit = critic_gradient(x, y, dy, strict.u)
        fd = (
            earth_mover_gradient(x, gen(theta + h, z), dy).value
            - earth_mover_gradient(x, gen(theta - h, z), dy).value
        ) / (2 * h)
        # Envelope and critic are the same sum over the same partners: round-off only.
        assert crit == pytest.approx(env.gradient, rel=1e-12)
        # Central difference: O(h^2) truncation plus ~1e-16 * W / h round-off -> 1e-6 is ample.
        assert fd == pytest.approx(crit, rel=1e-6)

    def test_optimal_critic_is_optimal_and_1_lipschitz(self):
        rng = np.random.default_rng(0)
        x, y = rng.normal(size=(15, 2)), rng.normal(1.0, 1.0, size=(15, 2))
        env = earth_mover_gradient(x, y, np.zeros_like(y))
        strict = strictly_complementary_potential(env.solution, cdist(x, y))
        fx, _ = optimal_critic(x, strict.u, x)
        fy, grad = optimal_critic(x, strict.u, y)
        # Kantorovich-Rubinstein: E_P f - E_Q f = W1 for the optimal critic.
        assert fx.mean() - fy.mean() == pytest.approx(env.value, rel=1e-9)
        pts = np.vstack([x, y])
        fp, _ = optimal_critic(x, strict.u, pts)
        d = cdist(pts, pts)
        assert np.all(np.abs(fp[:, None] - fp[None, :]) <= d + 1e-12)
        np.testing.assert_allclose(np.linalg.norm(grad, axis=1), 1.0, rtol=1e-12)

    def test_vertex_potential_can_mislead_the_critic(self):
        # POT's potentials are a vertex of the dual: on n x n uniform problems they tie,
        # and the critic built from them need not give the derivative. The strict one does.
        gen = MLPGenerator()
        rng = np.random.default_rng(1)
        z, zr = gen.sample_latent(64, rng), gen.sample_latent(64, rng)
        x, y, dy = gen(0.0, zr), gen(0.15, z), gen.dtheta(0.15, z)
        env = earth_mover_gradient(x, y, dy)
        vertex = critic_gradient(x, y, dy, env.solution.u)
        strict = critic_gradient(
            x, y, dy, strictly_complementary_potential(env.solution, cdist(x, y)).u
        )
        assert strict == pytest.approx(env.gradient, rel=1e-12)
        assert abs(vertex - env.gradient) > 1e-6

    def test_mlp_dtheta_matches_finite_difference(self):
        g = MLPGenerator(hidden=6, seed=2)
        z = np.linspace(-1, 1, 7)
        fd = (g(0.2 + 1e-6, z) - g(0.2 - 1e-6, z)) / 2e-6
        np.testing.assert_allclose(g.dtheta(0.2, z), fd, rtol=1e-6, atol=1e-9)

    def test_rejects_bad_shapes(self):
        with pytest.raises(ValueError, match="dy must have the shape of y"):
            earth_mover_gradient(np.zeros((2, 2)), np.ones((2, 2)), np.ones((3, 2)))
        with pytest.raises(ValueError, match=r"u must have one value per real point"):
            optimal_critic(np.zeros((2, 2)), [0.0], np.ones((1, 2)))
        with pytest.raises(ValueError, match="hidden must be a positive integer"):
            MLPGenerator(hidden=0)


class TestLearningParallelLines:
    def test_w1_drives_theta_to_zero(self):
        tr = learn_parallel_lines("w1", LearningConfig(steps=40, n=16))
        # Gradient sign(theta) = 1 with lr 0.1: ten steps of exactly 0.1 ...
        np.testing.assert_allclose(tr.theta[:11], 1 - 0.1 * np.arange(11), atol=1e-12)
        np.testing.assert_allclose(tr.gradient[:10], 1.0, atol=1e-12)
        # ... then the overshoots halve the step: |theta| below 1e-6 at the end.
        assert abs(tr.theta[-1]) < 1e-6
        assert np.all(np.abs(tr.theta[11:]) <= 0.1 + 1e-12)
        np.testing.assert_allclose(tr.value, np.abs(tr.theta), atol=1e-12)

    def test_js_does_not_move(self):
        tr = learn_parallel_lines("js", LearningConfig(steps=5, n=16))
        assert np.all(tr.theta == 1.0)
        assert np.all(tr.gradient == 0.0)
        assert np.all(tr.value == LOG2)

    def test_kl_does_not_move(self):
        tr = learn_parallel_lines("kl", LearningConfig(steps=5, n=16))
        assert np.all(tr.theta == 1.0)
        assert np.all(np.isinf(tr.value))
        assert np.all(tr.gradient == 0.0)

    def test_fixed_step_lands_on_zero_and_stays(self):
        # Ten steps of 0.1 from 1 leave 1.4e-16 in float64; that is snapped to 0, where the
        # W1 gradient is 0, so theta does not overshoot to -0.1 (issue 14, point 12).
        tr = learn_parallel_lines("w1", LearningConfig(steps=30, n=8, halve_on_flip=False))
        assert np.all(tr.theta[10:] == 0.0)
        assert np.all(tr.gradient[10:] == 0.0)

    def test_fixed_step_oscillates_within_lr(self):
        cfg = LearningConfig(steps=30, n=8, halve_on_flip=False, theta0=0.95)
        tr = learn_parallel_lines("w1", cfg)
        assert np.all(np.abs(tr.theta[10:]) <= 0.1 + 1e-12)
        np.testing.assert_allclose(np.abs(tr.theta[20:]), 0.05, atol=1e-12)

    def test_rejects_unknown_loss(self):
        with pytest.raises(ValueError, match="loss must be 'w1', 'js' or 'kl'; got 'tv'"):
            learn_parallel_lines("tv")  # type: ignore[arg-type]
