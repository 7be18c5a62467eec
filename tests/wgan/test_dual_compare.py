"""Tests of wgan.dual_compare: a critic measured against the exact KR potential.

Exact checks use critics whose values are known (a linear map, the exact potential's own
Lipschitz extension written in torch), so the comparison's numbers have exact answers; one
short fit checks the duality bound that holds for every critic.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
from torch import nn

from distances import Discrete, earth_mover
from distances.dual import kantorovich_dual
from wgan.config import CriticConfig
from wgan.dual_compare import compare_critic_with_potential, potential_comparison_figure

ROUND_OFF = 1e-9  # float64 evaluation of small networks and LP values of size ~1


class _Extension(nn.Module):
    """The min-form Lipschitz extension of values f_i on atoms z_i, as a torch module."""

    def __init__(self, atoms: np.ndarray, values: np.ndarray) -> None:
        super().__init__()
        self.register_buffer("atoms", torch.as_tensor(atoms))
        self.register_buffer("values", torch.as_tensor(values))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # exact differences, not torch.cdist (its matrix-product form loses ~1e-8)
        dist = (x.to(self.atoms.dtype)[:, None, :] - self.atoms[None]).pow(2).sum(-1).sqrt()
        return (self.values + dist).min(dim=1).values[:, None]


def _unequal_samples(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """31 and 20 points: no partial sums of 1/31 and 1/20 coincide, so the plan is a tree."""
    rng = np.random.default_rng(seed)
    return rng.normal(size=(31, 2)), rng.normal(size=(20, 2)) * 0.5 + [2.0, 0.5]


def test_the_exact_potential_as_critic_has_zero_gap() -> None:
    x, y = _unequal_samples()
    sol = kantorovich_dual(*map(_discrete, (x, y)))
    critic = _Extension(sol.atoms, sol.potential + 3.0)  # shifted: the constant is removed
    cmp = compare_critic_with_potential(x, y, critic=critic)
    assert cmp.unique_on_atoms
    assert cmp.seconds == 0.0
    assert cmp.raw_gap <= ROUND_OFF
    assert cmp.normalised_gap <= ROUND_OFF
    np.testing.assert_allclose(cmp.shift, -3.0, atol=ROUND_OFF)
    np.testing.assert_allclose(cmp.raw_value, earth_mover(*map(_discrete, (x, y))), rtol=1e-9)
    np.testing.assert_allclose(cmp.critic_slope, 1.0, atol=ROUND_OFF)


def test_a_scaled_potential_is_normalised_back() -> None:
    x, y = _unequal_samples(1)
    sol = kantorovich_dual(*map(_discrete, (x, y)))
    critic = _Extension(sol.atoms, 0.01 * sol.potential)  # a "clipped" critic: K = 0.01
    cmp = compare_critic_with_potential(x, y, critic=critic)
    np.testing.assert_allclose(cmp.critic_slope, 0.01, rtol=1e-9)
    np.testing.assert_allclose(cmp.raw_value, 0.01 * cmp.exact_value, rtol=1e-9)
    np.testing.assert_allclose(cmp.normalised_value, cmp.exact_value, rtol=1e-9)
    assert cmp.normalised_gap <= ROUND_OFF
    # the raw critic is 100x too flat: its gap is 0.99 x the potential's half-range
    half_range = (sol.potential.max() - sol.potential.min()) / 2
    np.testing.assert_allclose(cmp.raw_gap, 0.99 * half_range, rtol=1e-9)


def test_translation_with_a_linear_critic() -> None:
    # X and X + v: W1 = |v| = 1, and f(x) = -x_1 is optimal; equal sizes give a matching,
    # so the LP potential need not be -x_1 and the potential is not unique on the atoms.
    rng = np.random.default_rng(2)
    x = rng.normal(size=(12, 2))
    y = x + np.array([1.0, 0.0])
    critic = nn.Linear(2, 1).double()
    with torch.no_grad():
        critic.weight.copy_(torch.tensor([[-1.0, 0.0]]))
        critic.bias.zero_()
    cmp = compare_critic_with_potential(x, y, critic=critic)
    np.testing.assert_allclose(cmp.exact_value, 1.0, rtol=1e-12)
    np.testing.assert_allclose(cmp.normalised_value, 1.0, rtol=1e-9)
    assert not cmp.unique_on_atoms


def test_a_short_fit_respects_the_duality_bound() -> None:
    x, y = _unequal_samples(3)
    cfg = CriticConfig(method="gp", iterations=150, width=32, depth=2, device="cpu", seed=5)
    cmp = compare_critic_with_potential(x, y, cfg)
    assert cmp.seconds > 0.0
    # f_w / K is 1-Lipschitz on the atoms, so its value is feasible for the dual LP
    assert cmp.normalised_value <= cmp.exact_value + ROUND_OFF
    assert cmp.critic_values.shape == (51,)
    assert cmp.normalised_gap >= 0.0


@pytest.mark.parametrize("dim", [1, 2])
def test_figure_tables(dim: int) -> None:
    rng = np.random.default_rng(4)
    x, y = rng.normal(size=(9, dim)), rng.normal(size=(7, dim)) + 1.0
    sol = kantorovich_dual(_discrete(x), _discrete(y))
    cmp = compare_critic_with_potential(x, y, critic=_Extension(sol.atoms, sol.potential))
    fig, tables = potential_comparison_figure(cmp, grid_size=12)
    np.testing.assert_allclose(tables["atoms"]["critic"], tables["atoms"]["exact"], atol=1e-9)
    assert len(next(iter(tables["grid"].values()))) == 12**dim
    plt.close(fig)


def test_figure_rejects_three_dimensions() -> None:
    rng = np.random.default_rng(5)
    x, y = rng.normal(size=(4, 3)), rng.normal(size=(3, 3))
    sol = kantorovich_dual(_discrete(x), _discrete(y))
    cmp = compare_critic_with_potential(x, y, critic=_Extension(sol.atoms, sol.potential))
    with pytest.raises(ValueError, match="on the line or in the plane; got dimension 3"):
        potential_comparison_figure(cmp)


def _discrete(points: np.ndarray) -> Discrete:
    return Discrete.from_samples(points)
