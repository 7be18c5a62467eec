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
- :mod:`wgan.experiments`: the method x pair table, finite samples, Figure 2, Example 1
  learned by networks, computed and returned (no files).
- :mod:`wgan.figures`: their figures (functions that take data and return a Figure).
- :mod:`wgan.checks`: the paper's claims about critics and training, judged from those objects.
- :mod:`wgan.device`: the one place a device name becomes a ``torch.device``.

The application sits on top: :mod:`wgan.app` (``reproduce``, the one artifacts writer, the
outputs of each command) and :mod:`wgan.cli` (the ``wgan-theory`` command line). Library
modules never import them.
"""

__all__: list[str] = []
