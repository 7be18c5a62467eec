r"""
The finite-sample floor of exact W1
===================================

Two independent samples of the *same* distribution are at a positive exact W1 distance
(Euclidean ground distance): the samples differ, and W1 sees it. This floor is what a perfect
generator would score against a fresh real sample, so a curve of exact W1 during WGAN training
must be read against it (see :doc:`/wgan_critics`).

Here the distribution is the standard Gaussian in the plane; for each sample size :math:`n`
the exact W1 (:func:`distances.earth_mover`, POT's network simplex with its optimality
certificate) between two independent samples is averaged over a few seeds. In two dimensions
the floor shrinks like :math:`\sqrt{\log n / n}`, not like :math:`n^{-1/2}`: the logarithm is
the price of the plane (Ajtai, Komlós and Tusnády's matching theorem
:cite:p:`ajtai1984optimal`, for uniform samples of the square), and over a range of :math:`n`
it makes the fitted exponent look smaller than 1/2.
"""

# %%
# The knobs: change one line and rerun.
SIZES = [32, 64, 128, 256, 512, 1024]  # sample sizes n
REPEATS = 4  # independent pairs of samples per size
DIM = 2  # dimension of the standard Gaussian

# %%
import time

import matplotlib.pyplot as plt
import numpy as np

from distances import Discrete, earth_mover

sizes, repeats = SIZES, REPEATS
floor = []
start = time.perf_counter()
for n in sizes:
    values = []
    for seed in range(repeats):
        rng = np.random.default_rng(1000 * n + seed)
        values.append(
            earth_mover(Discrete(rng.normal(size=(n, DIM))), Discrete(rng.normal(size=(n, DIM))))
        )
    floor.append((np.mean(values), np.std(values)))
print(f"{repeats} pairs per size, {time.perf_counter() - start:.1f} s in all")
for n, (m, s) in zip(sizes, floor, strict=True):
    print(f"n = {n:5d}: exact W1 between two independent samples = {m:.4f} +- {s:.4f}")

# %%
# The slope of :math:`\log W_1` against :math:`\log n`, fitted by least squares, beside the
# slope the two reference rates have over the same range of :math:`n`:
mean = np.array([m for m, _ in floor])
n = np.array(sizes, dtype=float)
slope = np.polyfit(np.log(n), np.log(mean), 1)[0]
ref_slope = np.polyfit(np.log(n), 0.5 * np.log(np.log(n) / n), 1)[0]
print(f"fitted exponent of the floor          {slope:.3f}")
print(f"fitted exponent of sqrt(log n / n)    {ref_slope:.3f}")
print("exponent of n^(-1/2)                 -0.500")

# %%
# Both reference curves are drawn through the first point. The measured floor follows
# :math:`\sqrt{\log n / n}` and falls more slowly than :math:`n^{-1/2}`.
fig, ax = plt.subplots(figsize=(6, 4.2), layout="constrained")
ax.errorbar(
    sizes, mean, yerr=[s for _, s in floor], fmt="o-", capsize=3, label="exact W1, same law"
)
rate = np.sqrt(np.log(n) / n)
ax.plot(n, mean[0] * rate / rate[0], "C3--", label=r"$\propto \sqrt{\log n / n}$")
ax.plot(n, mean[0] * (n / n[0]) ** -0.5, "k:", label=r"$\propto n^{-1/2}$")
ax.set(
    xscale="log",
    yscale="log",
    xlabel="sample size n",
    ylabel="W1",
    title=f"Two samples of N(0, I) in dimension {DIM}: fitted exponent {slope:.2f}",
)
ax.legend()
plt.show()
