"""WGAN critics and generators on toy data, measured against exact W1 from :mod:`distances`.

``import wgan`` stays light (no torch); import the modules you need:

- :mod:`wgan.config`: ``CriticConfig``, ``TrainConfig`` (typed, validated dataclasses).
- :mod:`wgan.data`: toy samplers (8gaussians, 25gaussians, swissroll, Example 1's lines,
  1-D Gaussians) and ``make_pair`` (pairs with an exact W1).
- :mod:`wgan.nets`, :mod:`wgan.lipschitz`: MLPs; weight clipping, gradient and Lipschitz
  penalties, spectral normalisation, Lipschitz-constant estimates.
- :mod:`wgan.critic`: critic-only fits against exact W1 (``evaluate_critic``,
  ``finite_sample_bound``).
- :mod:`wgan.train`: ``train(config) -> History``.
- :mod:`wgan.experiments`, :mod:`wgan.figures`: the table, Figure 2, Example 1 learned by
  networks, training figures; each written with its data.
"""

__all__: list[str] = []
