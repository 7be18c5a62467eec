"""Critic fits against exact W1: comparison 1 on a tiny fit, the duality bound of comparison 2."""

import numpy as np
import pytest
import torch

from wgan.config import CriticConfig, TrainConfig
from wgan.critic import evaluate_critic, finite_sample_bound
from wgan.data import eight_gaussians
from wgan.device import resolve_device


def test_tiny_lp_critic_estimates_translation_w1():
    cfg = CriticConfig(pair="translation", method="lp", width=32, depth=2, iterations=300,
                       lr=1e-3, penalty_weight=100.0, n_eval=20_000, n_lipschitz=300, seed=0)
    result, _ = evaluate_critic(cfg)
    assert result.w1 == 1.0
    # Seeds 0-2 land within 1 % (raw). Tolerance 5 %: 3 Monte Carlo standard errors of the
    # estimate on 20,000 points per side (sd of f about 1, so 3 * sqrt(2 / 20000) = 3 %)
    # plus 2 % for the bias of a 300-step fit.
    np.testing.assert_allclose(result.raw, 1.0, rtol=0.05)
    # the normalising K is at least the certified slope lower bound, and near 1
    assert result.lipschitz >= result.slope_bound * (1 - 1e-6)
    assert 0.9 < result.lipschitz < 1.3
    np.testing.assert_allclose(result.raw_error, result.raw - 1.0, rtol=1e-12)
    np.testing.assert_allclose(result.normalised, result.raw / result.lipschitz, rtol=1e-12)


def test_fit_is_reproducible_from_the_seed():
    cfg = CriticConfig(method="gp", width=8, depth=1, iterations=20, n_eval=500, n_lipschitz=50)
    a, _ = evaluate_critic(cfg)
    b, _ = evaluate_critic(cfg)
    assert a.raw == b.raw and a.lipschitz == b.lipschitz


@pytest.mark.parametrize("method", ["gp", "lp", "clip", "sn"])
def test_duality_bound_on_finite_samples(method, gen):
    # comparison 2: f / max_ij slope(x_i, y_j) is feasible for the LP's dual on these points,
    # so its value cannot exceed the exact LP value W1(X, Y), whatever the fit's quality
    x = eight_gaussians(96, gen)
    y = 1.3 * eight_gaussians(96, gen) + torch.tensor([0.5, -0.2])
    cfg = CriticConfig(method=method, width=32, depth=2, iterations=200,
                       lr=None if method == "clip" else 1e-3, seed=1)
    result, _ = finite_sample_bound(x, y, cfg)
    assert result.normalised <= result.exact * (1 + 1e-12)
    assert result.relative_gap <= 1e-12
    if method != "clip":
        # and a fitted penalised critic gets most of the way (loose: a 200-step fit)
        assert result.normalised > 0.5 * result.exact


def test_duality_bound_is_tight_for_the_exact_potential():
    # the critic f(x) = -x_1 on a translation by (1, 0): value 1 = W1(X, Y), slope 1
    g = torch.Generator().manual_seed(0)
    x = eight_gaussians(40, g)
    y = x + torch.tensor([1.0, 0.0])
    f = torch.nn.Linear(2, 1)
    with torch.no_grad():
        f.weight.copy_(torch.tensor([[-1.0, 0.0]]))
        f.bias.zero_()
    result, _ = finite_sample_bound(x, y, CriticConfig(), critic=torch.nn.Sequential(f))
    np.testing.assert_allclose(result.exact, 1.0, rtol=1e-6)  # float32 samples
    np.testing.assert_allclose(result.normalised, result.exact, rtol=1e-6)


class TestBadOptions:
    def test_cuda_without_gpu(self):
        if torch.cuda.is_available():
            pytest.skip("a GPU is present")
        with pytest.raises(ValueError, match="device 'cuda' was asked for"):
            resolve_device("cuda")

    def test_unknown_device(self):
        with pytest.raises(ValueError, match="device must be one of auto, cpu, cuda; got 'tpu'"):
            resolve_device("tpu")

    @pytest.mark.parametrize(("field", "value", "message"), [
        ("method", "wgan", "method must be one of clip, gp, lp, sn; got 'wgan'"),
        ("pair", "rotation", "pair must be one of"),
        ("iterations", 0, "iterations must be a positive integer; got 0"),
        ("width", -4, "width must be a positive integer; got -4"),
        ("batch_size", 0, "batch_size must be a positive integer; got 0"),
        ("lr", -1.0, "lr must be a finite positive number; got -1.0"),
        ("clip", 0.0, "clip must be a finite positive number; got 0.0"),
        ("dilation", 0.5, "dilation must be a finite number >= 1; got 0.5"),
        ("n_eval", 0, "n_eval must be a positive integer; got 0"),
        ("device", "gpu", "device must be one of auto, cpu, cuda; got 'gpu'"),
        ("seed", -1, "seed must be a non-negative integer; got -1"),
    ])
    def test_critic_config(self, field, value, message):
        with pytest.raises(ValueError, match=message):
            CriticConfig(**{field: value})

    @pytest.mark.parametrize(("field", "value", "message"), [
        ("dataset", "mnist", "dataset must be one of 8gaussians, 25gaussians, swissroll"),
        ("generator_iterations", 0, "generator_iterations must be a positive integer"),
        ("n_critic", -1, "n_critic must be a positive integer; got -1"),
        ("n_exact", 1, "n_exact must be at least 2; got 1"),
        ("log_every", 0, "log_every must be a positive integer; got 0"),
    ])
    def test_train_config(self, field, value, message):
        with pytest.raises(ValueError, match=message):
            TrainConfig(**{field: value})


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_critic_fit_on_cuda():
    cfg = CriticConfig(method="lp", width=32, depth=2, iterations=300, lr=1e-3,
                       penalty_weight=100.0, n_eval=20_000, n_lipschitz=300, device="cuda")
    result, critic = evaluate_critic(cfg)
    assert next(critic.parameters()).is_cuda
    np.testing.assert_allclose(result.raw, 1.0, rtol=0.05)  # as on the CPU
