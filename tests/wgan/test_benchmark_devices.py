"""Public functions that take tensors never call np.asarray on them (which fails on CUDA).

CI has no GPU: a CPU tensor whose ``__array__`` raises stands in for a CUDA tensor, which
``np.asarray`` cannot convert either ("can't convert cuda:0 device type tensor to numpy").
"""

import pytest
import torch

from wgan.config import CriticConfig
from wgan.critic import finite_sample_bound, fit_critic_on_samples
from wgan.dual_compare import compare_critic_with_potential


@pytest.fixture
def no_numpy_conversion(monkeypatch):
    def refuse(self, *args, **kwargs):
        raise TypeError("can't convert this tensor to numpy with np.asarray (as on CUDA)")

    monkeypatch.setattr(torch.Tensor, "__array__", refuse)


@pytest.fixture
def samples():
    g = torch.Generator().manual_seed(0)
    return torch.randn(31, 2, generator=g), torch.randn(20, 2, generator=g) + 1.0


CFG = CriticConfig(method="gp", width=8, depth=1, iterations=5, device="cpu")


def test_the_stand_in_fails_like_a_cuda_tensor(no_numpy_conversion, samples):
    import numpy as np

    with pytest.raises(TypeError, match="as on CUDA"):
        np.asarray(samples[0])


def test_fit_on_samples_takes_device_tensors(no_numpy_conversion, samples):
    critic, _ = fit_critic_on_samples(*samples, CFG)
    assert sum(p.numel() for p in critic.parameters()) > 0


def test_finite_sample_bound_takes_device_tensors(no_numpy_conversion, samples):
    res, _ = finite_sample_bound(*samples, CFG)
    assert res.normalised <= res.exact + 1e-12  # duality (round-off allowance)


def test_dual_comparison_takes_device_tensors(no_numpy_conversion, samples):
    comp = compare_critic_with_potential(*samples, CFG)
    assert comp.normalised_value <= comp.exact_value + 1e-9  # duality (round-off allowance)
    assert comp.critic_on(samples[0]).shape == (31,)
