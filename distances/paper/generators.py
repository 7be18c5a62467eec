r"""Generators :math:`g_\theta(z)` with a scalar parameter, in numpy, for the theorem checks.

A generator here maps latent values :math:`z` (shape ``(n,)``, one latent dimension) to
points in the plane, :math:`g_\theta : \mathbb{R} \to \mathbb{R}^2`, and gives its
derivative :math:`\partial g_\theta(z) / \partial \theta` exactly. With one latent
dimension and two data dimensions, :math:`P_\theta = (g_\theta)_\# P_z` lives on a curve:
the low-dimensional situation of the WGAN paper, where JS and KL jump and W1 does not.

- :class:`Example1Generator`: :math:`g_\theta(z) = (\theta, z)`, Z ~ U[0, 1].
- :class:`MLPGenerator`: a small random tanh network whose weights move along a fixed
  direction, :math:`w(\theta) = w_0 + \theta\, d`, Z ~ U[-1, 1].

Both satisfy Assumption 1 of the paper (smooth in :math:`\theta`, with
:math:`\mathbb{E}_z \|\partial_\theta g\|` finite), so Theorem 1 (2) applies.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import as_float_array

__all__ = ["Example1Generator", "MLPGenerator"]

FloatArray = NDArray[np.float64]


def _latent(z: ArrayLike) -> FloatArray:
    return as_float_array(z, "z", ndim=(1,))


@dataclass(frozen=True)
class Example1Generator:
    r"""The generator of Example 1, :math:`g_\theta(z) = (\theta, z)` with Z ~ U[0, 1].

    Examples
    --------
    >>> g = Example1Generator()
    >>> g(0.5, [0.0, 1.0]).tolist(), g.dtheta(0.5, [0.0, 1.0]).tolist()
    ([[0.5, 0.0], [0.5, 1.0]], [[1.0, 0.0], [1.0, 0.0]])
    """

    name: str = "Example 1: g(z) = (theta, z)"

    def sample_latent(self, n: int, rng: np.random.Generator | int | None = None) -> FloatArray:
        """``n`` latent values from U[0, 1]."""
        return np.random.default_rng(rng).uniform(0.0, 1.0, size=int(n))

    def __call__(self, theta: float, z: ArrayLike) -> FloatArray:
        """The points :math:`(\\theta, z_i)`, shape (n, 2)."""
        zz = _latent(z)
        return np.column_stack([np.full(zz.size, float(theta)), zz])

    def dtheta(self, theta: float, z: ArrayLike) -> FloatArray:
        """:math:`\\partial g_\\theta(z)/\\partial\\theta = (1, 0)`, shape (n, 2)."""
        zz = _latent(z)
        return np.column_stack([np.ones(zz.size), np.zeros(zz.size)])


@dataclass(frozen=True)
class MLPGenerator:
    r"""A random one-hidden-layer tanh network moved along a direction in weight space.

    .. math::

        g_\theta(z) = W_2(\theta) \tanh(W_1(\theta) z + b_1(\theta)) + b_2(\theta),
        \qquad (W_1, b_1, W_2, b_2)(\theta) = w_0 + \theta\, d,

    with :math:`z \in \mathbb{R}` (Z ~ U[-1, 1]), ``hidden`` units and output in R^2.
    The initial weights :math:`w_0` are Gaussian with variance 1/fan-in, the direction
    :math:`d` is Gaussian, normalised to unit length and scaled by ``step``.

    Parameters
    ----------
    hidden : int, default 8
        Width of the hidden layer.
    seed : int, default 0
        Seed of the weights and of the direction.
    step : float, default 1.0
        Length of the direction vector d in weight space.

    Examples
    --------
    The derivative in theta matches a central finite difference:

    >>> g = MLPGenerator(hidden=4, seed=1)
    >>> z = np.array([-0.5, 0.25])
    >>> fd = (g(0.3 + 1e-6, z) - g(0.3 - 1e-6, z)) / 2e-6
    >>> bool(np.allclose(fd, g.dtheta(0.3, z), rtol=1e-7, atol=1e-9))
    True
    """

    hidden: int = 8
    seed: int = 0
    step: float = 1.0
    name: str = field(default="random tanh MLP, 1 -> 8 -> 2", compare=False)
    _w0: FloatArray = field(init=False, repr=False, compare=False)
    _dir: FloatArray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not (isinstance(self.hidden, (int, np.integer)) and self.hidden > 0):
            raise ValueError(f"hidden must be a positive integer; got {self.hidden!r}")
        rng = np.random.default_rng(self.seed)
        h = int(self.hidden)
        w0 = np.concatenate(
            [
                rng.normal(0.0, 1.0, h),  # W1 (h x 1), fan-in 1
                rng.normal(0.0, 0.5, h),  # b1
                rng.normal(0.0, 1.0 / np.sqrt(h), 2 * h),  # W2 (2 x h)
                rng.normal(0.0, 0.1, 2),  # b2
            ]
        )
        d = rng.normal(size=w0.size)
        d *= float(self.step) / np.linalg.norm(d)
        object.__setattr__(self, "_w0", w0)
        object.__setattr__(self, "_dir", d)
        object.__setattr__(self, "name", f"random tanh MLP, 1 -> {h} -> 2 (seed {self.seed})")

    def _unpack(self, w: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
        h = int(self.hidden)
        return w[:h], w[h : 2 * h], w[2 * h : 4 * h].reshape(2, h), w[4 * h :]

    def sample_latent(self, n: int, rng: np.random.Generator | int | None = None) -> FloatArray:
        """``n`` latent values from U[-1, 1]."""
        return np.random.default_rng(rng).uniform(-1.0, 1.0, size=int(n))

    def __call__(self, theta: float, z: ArrayLike) -> FloatArray:
        """:math:`g_\\theta(z_i)`, shape (n, 2)."""
        w1, b1, w2, b2 = self._unpack(self._w0 + float(theta) * self._dir)
        return np.tanh(np.outer(_latent(z), w1) + b1) @ w2.T + b2

    def dtheta(self, theta: float, z: ArrayLike) -> FloatArray:
        """:math:`\\partial g_\\theta(z_i) / \\partial\\theta` by forward-mode differentiation."""
        zz = _latent(z)
        w1, b1, w2, _ = self._unpack(self._w0 + float(theta) * self._dir)
        dw1, db1, dw2, db2 = self._unpack(self._dir)
        hid = np.tanh(np.outer(zz, w1) + b1)
        dhid = (1.0 - hid**2) * (np.outer(zz, dw1) + db1)
        return hid @ dw2.T + dhid @ w2.T + db2
