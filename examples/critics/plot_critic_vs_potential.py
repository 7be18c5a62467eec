r"""
A WGAN critic beside the exact potential
========================================

On two fixed samples :math:`X` (31 points, the "real" side) and :math:`Y` (20 points), the
Kantorovich-Rubinstein dual of :math:`W_1(X, Y)` (Euclidean ground distance) is a linear
program whose optimal potential :math:`f^\star` is what a perfect critic would learn on those
points, up to an additive constant. Here a WGAN-GP critic (:mod:`wgan.critic`) is trained on
the same points and compared with :math:`f^\star`
(:func:`wgan.dual_compare.compare_critic_with_potential`):

* its **raw** value :math:`\mathbb{E}_X f_w - \mathbb{E}_Y f_w`;
* its **normalised** value, divided by its largest slope :math:`K` between the points, which is
  1-Lipschitz there and so cannot exceed :math:`W_1(X, Y)` (weak duality);
* the **largest gap** :math:`\min_c \max_i |f^\star(z_i) - f_w(z_i)/K - c|` over the points.

The sizes 31 and 20 make the optimal plan a spanning tree, so :math:`f^\star` is unique on the
points up to its constant and the gap measures the critic alone.
"""

# %%
# The knobs: change one line and rerun.
N_X, N_Y = 31, 20  # sample sizes (no subset sums balance: the plan is a spanning tree)
METHOD = "gp"  # Lipschitz control of the critic: "clip", "gp", "lp" or "sn"
ITERATIONS = 1500  # critic steps
SEED = 0

# %%
import numpy as np
import torch

from wgan.config import CriticConfig
from wgan.dual_compare import compare_critic_with_potential, potential_comparison_figure

torch.set_num_threads(1)
rng = np.random.default_rng(SEED)
x = rng.normal(size=(N_X, 2)) * [0.5, 1.0]
y = rng.normal(size=(N_Y, 2)) * 0.5 + [2.0, 0.5]
config = CriticConfig(
    method=METHOD, iterations=ITERATIONS, width=64, depth=3, device="cpu", seed=SEED
)
cmp = compare_critic_with_potential(x, y, config)
print(f"exact W1(X, Y)                 {cmp.exact_value:.6f}")
print(f"critic, raw E_X f - E_Y f      {cmp.raw_value:.6f}")
print(f"critic's largest slope K       {cmp.critic_slope:.6f}")
print(f"critic, normalised (raw / K)   {cmp.normalised_value:.6f}")
print(f"largest gap to the potential   {cmp.normalised_gap:.4f}")
print(f"potential unique on the points {cmp.unique_on_atoms}")
print(f"fit: {config.iterations} critic steps in {cmp.seconds:.1f} s")

# %%
# Left, the exact potential's largest 1-Lipschitz extension; middle, the critic divided by
# :math:`K` and shifted by the best constant, on the same colour levels; right, the two at the
# sample points (a perfect critic would lie on the diagonal). The raw value can exceed
# :math:`W_1`: the gradient penalty only pulls gradient norms *towards* 1, so :math:`K > 1` is
# possible; the normalised value never does.
fig, tables = potential_comparison_figure(cmp, grid_size=80)
fig
