r"""
The finite-sample floor of exact W1
===================================

Two independent samples of the *same* distribution are at a positive exact W1 distance
(Euclidean ground distance): the samples differ, and W1 sees it. This floor is what a perfect
generator would score against a fresh real sample, so a curve of exact W1 during WGAN training
must be read against it (see :doc:`../wgan_critics`).

Here the distribution is the standard Gaussian in the plane; for each sample size :math:`n`
the exact W1 (:func:`distances.earth_mover`, POT's network simplex with its optimality
certificate) between two independent samples is averaged over a few seeds. In two dimensions
the floor shrinks only about like :math:`n^{-1/2}` (up to a logarithmic factor).
"""

# %%
import time

import matplotlib.pyplot as plt
import numpy as np

from distances import Discrete, earth_mover

sizes = [32, 64, 128, 256, 512, 1024]
repeats = 4
floor = []
start = time.perf_counter()
for n in sizes:
    values = []
    for seed in range(repeats):
        rng = np.random.default_rng(1000 * n + seed)
        values.append(
            earth_mover(Discrete(rng.normal(size=(n, 2))), Discrete(rng.normal(size=(n, 2))))
        )
    floor.append((np.mean(values), np.std(values)))
print(f"{repeats} pairs per size, {time.perf_counter() - start:.1f} s in all")
for n, (m, s) in zip(sizes, floor, strict=True):
    print(f"n = {n:5d}: exact W1 between two independent samples = {m:.4f} +- {s:.4f}")

# %%
# The slope of :math:`\log W_1` against :math:`\log n`, fitted by least squares:
mean = np.array([m for m, _ in floor])
slope = np.polyfit(np.log(sizes), np.log(mean), 1)[0]
print(f"fitted exponent: {slope:.3f}  (n^(-1/2) would be -0.5)")

fig, ax = plt.subplots(figsize=(5.5, 4), layout="constrained")
ax.errorbar(
    sizes, mean, yerr=[s for _, s in floor], fmt="o-", capsize=3, label="exact W1, same law"
)
ax.plot(sizes, mean[0] * (np.array(sizes) / sizes[0]) ** -0.5, "k:", label=r"$\propto n^{-1/2}$")
ax.set(
    xscale="log",
    yscale="log",
    xlabel="sample size n",
    ylabel="W1",
    title="Two samples of N(0, I) in the plane",
)
ax.legend()
plt.show()
