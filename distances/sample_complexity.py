r"""How fast the empirical measure converges in W1: exact values on samples, rates, fitted slopes.

For a law :math:`\mu` on :math:`\mathbb R^d` and its empirical measure
:math:`\mu_n = \frac1n\sum_i \delta_{X_i}` of :math:`n` independent draws, the theory's rates for
:math:`\mathbb E\, W_1(\mu, \mu_n)` (compactly supported laws, or laws with enough moments) are

* :math:`n^{-1/2}` in dimension 1 (:math:`\int |F - F_n|` and the Brownian bridge),
* :math:`\sqrt{\log n / n}` in dimension 2 for the uniform square (Ajtai, Komlós and Tusnády 1984),
* :math:`n^{-1/d}` in dimension :math:`d \ge 3` (Dudley 1969; Fournier and Guillin 2015).

This module computes, for one draw, the two quantities the rates are about:

``kind="law"``
    :math:`W_1(\mu, \mu_n)` **exactly**, in dimension 1 only: the integral of :math:`|F - F_n|`
    in closed form (piecewise polynomials for the uniform law on [0, 1], the antiderivative
    :math:`t\Phi(t) + \varphi(t)` of the normal CDF for the standard Gaussian).
``kind="two-sample"``
    :math:`W_1(\mu_n, \mu'_n)` between two independent :math:`n`-samples, exactly, in any
    dimension (:func:`distances.earth_mover`: sorted samples on the line, the certified network
    simplex or the certified sparse solver in the plane and above).

In dimension :math:`d \ge 2` the law-vs-sample value is not computed: a semi-discrete transport
problem has no exact finite solver here, and a reference sample of size :math:`N` in place of
:math:`\mu` is biased by up to :math:`W_1(\mu, \mu_N) \sim N^{-1/d}`, which in 8-D is 75 % of
:math:`n^{-1/d}` even for :math:`N = 10 n`. The two-sample value brackets it instead, with no bias:
by the triangle inequality and by Jensen's inequality (:math:`W_1` is convex in each argument and
:math:`\mathbb E\,\mu'_n = \mu`),

.. math::

    \tfrac12\, \mathbb E\, W_1(\mu_n, \mu'_n) \;\le\; \mathbb E\, W_1(\mu, \mu_n)
    \;\le\; \mathbb E\, W_1(\mu_n, \mu'_n),

so both decay at the same rate. In dimension 1 the ratio tends to :math:`1/\sqrt2`.

References
----------
1. R. M. Dudley, "The speed of mean Glivenko-Cantelli convergence", Ann. Math. Statist. 40 (1969).
2. M. Ajtai, J. Komlós, G. Tusnády, "On optimal matchings", Combinatorica 4 (1984).
3. N. Fournier, A. Guillin, "On the rate of convergence in Wasserstein distance of the empirical
   measure", Probab. Theory Relat. Fields 162 (2015).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special, stats

from .measures import Discrete
from .wasserstein import earth_mover

__all__ = [
    "KINDS",
    "LAWS",
    "SlopeFit",
    "empirical_w1",
    "expected_w1_uniform_1d",
    "fit_slope",
    "sample_law",
    "theory_rate",
    "theory_slope",
    "w1_to_law_1d",
]

Law = Literal["uniform", "gaussian"]
Kind = Literal["law", "two-sample"]

#: The laws whose samples are drawn: the uniform cube [0, 1]^d and the standard Gaussian N(0, I_d).
LAWS: tuple[str, ...] = ("uniform", "gaussian")
#: What is measured: W1(law, sample) (dimension 1 only) and W1(sample, independent sample).
KINDS: tuple[str, ...] = ("law", "two-sample")

FloatArray = NDArray[np.float64]


def _check_choice(value: object, choices: Sequence[str], name: str) -> None:
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(choices)}; got {value!r}")


def _check_positive_int(value: object, name: str, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}; got {value!r}")
    return int(value)


def sample_law(law: Law, n: int, dim: int, rng: np.random.Generator) -> FloatArray:
    """``n`` independent points of ``law`` in dimension ``dim``, shape (n, dim), float64.

    ``"uniform"`` is the uniform law on the cube :math:`[0, 1]^d`, ``"gaussian"`` the standard
    normal law :math:`N(0, I_d)`.
    """
    _check_choice(law, LAWS, "law")
    n = _check_positive_int(n, "n")
    dim = _check_positive_int(dim, "dim")
    if law == "uniform":
        return rng.random((n, dim))
    return rng.standard_normal((n, dim))


def _abs_antiderivative(t: FloatArray, c: FloatArray) -> FloatArray:
    # d/dt of sign(t - c) (t - c)^2 / 2 is |t - c|
    return np.sign(t - c) * (t - c) ** 2 / 2


def _normal_antiderivative(t: FloatArray, c: FloatArray) -> FloatArray:
    # d/dt of t Phi(t) + phi(t) - c t is Phi(t) - c
    return t * special.ndtr(t) + np.exp(-t * t / 2) / math.sqrt(2 * math.pi) - c * t


def w1_to_law_1d(law: Law, x: ArrayLike) -> float:
    r"""Exact :math:`W_1(\mu, \mu_n) = \int |F(t) - F_n(t)|\, dt` for a sample ``x`` on the line.

    Parameters
    ----------
    law : {"uniform", "gaussian"}
        :math:`\mu`: the uniform law on [0, 1] or the standard normal law.
    x : array_like, shape (n,) or (n, 1)
        The sample, each point with weight 1/n (for ``"uniform"`` inside [0, 1]).

    Returns
    -------
    float
        The closed form: between consecutive order statistics :math:`F_n` is the constant
        :math:`k/n`, and :math:`\int_a^b |F - k/n|` is a difference of antiderivatives
        (:math:`\operatorname{sign}(t-c)(t-c)^2/2` for the uniform law,
        :math:`t\Phi(t) + \varphi(t) - ct` split at :math:`\Phi^{-1}(c)` for the Gaussian).

    Examples
    --------
    A point at the median of U[0, 1] is at distance 1/4; a point at 0 from N(0, 1) at
    :math:`E|Z| = \sqrt{2/\pi}`:

    >>> w1_to_law_1d("uniform", [0.5])
    0.25
    >>> round(w1_to_law_1d("gaussian", [0.0]) - (2 / np.pi) ** 0.5, 15)
    0.0
    """
    _check_choice(law, LAWS, "law")
    arr = np.asarray(x, dtype=np.float64)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"x must be a non-empty sample on the line, shape (n,) or (n, 1); "
                         f"got shape {np.shape(x)}")
    if not np.all(np.isfinite(arr)):
        raise ValueError("x must be finite; got a NaN or an infinite value")
    s = np.sort(arr)
    n = s.size
    levels = np.arange(n + 1) / n  # F_n on (s[k-1], s[k]) is k / n
    if law == "uniform":
        if s[0] < 0 or s[-1] > 1:
            raise ValueError(f"a sample of the uniform law on [0, 1] lies in [0, 1]; got points "
                             f"from {s[0]!r} to {s[-1]!r}")
        edges = np.concatenate([[0.0], s, [1.0]])
        a, b = edges[:-1], edges[1:]
        return float(np.sum(_abs_antiderivative(b, levels) - _abs_antiderivative(a, levels)))
    # Gaussian: tails (-inf, s[0]] with F_n = 0 and [s[-1], inf) with F_n = 1 in closed form,
    # then each gap split where Phi crosses k / n.
    phi = lambda t: math.exp(-t * t / 2) / math.sqrt(2 * math.pi)  # noqa: E731
    low_tail = s[0] * special.ndtr(s[0]) + phi(s[0])
    high_tail = -s[-1] * special.ndtr(-s[-1]) + phi(s[-1])
    a, b, c = s[:-1], s[1:], levels[1:-1]
    cut = np.clip(special.ndtri(c), a, b)
    middle = (_normal_antiderivative(a, c) + _normal_antiderivative(b, c)
              - 2 * _normal_antiderivative(cut, c))
    return float(low_tail + high_tail + np.sum(middle))


def expected_w1_uniform_1d(n: int) -> float:
    r"""Exact :math:`\mathbb E\, W_1(U[0,1], \mu_n)` for the empirical measure of n uniform draws.

    :math:`\mathbb E \int_0^1 |F_n(t) - t|\, dt = \frac1n \int_0^1 \mathbb E|B_t - nt|\, dt` with
    :math:`B_t \sim \mathrm{Bin}(n, t)`, whose mean absolute deviation is de Moivre's
    :math:`2(j+1)\binom{n}{j+1} t^{j+1}(1-t)^{n-j}` for :math:`t \in [j/n, (j+1)/n)`; integrated
    over each piece with the regularised incomplete beta function this is

    .. math::

        \frac{2}{n(n+1)(n+2)} \sum_{j=0}^{n-1} (j+1)(n-j)
        \left[I_{(j+1)/n} - I_{j/n}\right](j+2,\, n-j+1),

    which tends to :math:`\sqrt{\pi/32}\, n^{-1/2}` (:math:`\mathbb E\int_0^1|B^\circ_t|\,dt`
    for a Brownian bridge :math:`B^\circ`).

    Examples
    --------
    One point X: :math:`\mathbb E[X^2/2 + (1-X)^2/2] = 1/3`.

    >>> round(expected_w1_uniform_1d(1), 15)
    0.333333333333333
    """
    n = _check_positive_int(n, "n")
    j = np.arange(n, dtype=np.float64)
    a, b = j + 2, n - j + 1
    pieces = special.betainc(a, b, (j + 1) / n) - special.betainc(a, b, j / n)
    return float(2 * np.sum((j + 1) * (n - j) * pieces) / (n * (n + 1.0) * (n + 2.0)))


def _stream(law: str, kind: str, dim: int, n: int, seed: int) -> np.random.Generator:
    # one independent stream per cell: the same cell gives the same draw in any process
    return np.random.default_rng([seed, dim, n, LAWS.index(law), KINDS.index(kind)])


def empirical_w1(law: Law, kind: Kind, dim: int, n: int, seed: int) -> float:
    """One draw of W1 for the cell (law, kind, dim, n, seed), computed exactly.

    Parameters
    ----------
    law : {"uniform", "gaussian"}
        The law (see :func:`sample_law`).
    kind : {"law", "two-sample"}
        ``"law"``: :math:`W_1(\\mu, \\mu_n)` by :func:`w1_to_law_1d` (dimension 1 only).
        ``"two-sample"``: :math:`W_1(\\mu_n, \\mu'_n)` by :func:`distances.earth_mover`
        (closed form on the line, a certified exact solver above).
    dim, n, seed : int
        Dimension, sample size, seed. The samples come from
        ``numpy.random.default_rng([seed, dim, n, law index, kind index])``, so a cell gives the
        same number in any process.

    Examples
    --------
    >>> empirical_w1("uniform", "law", 1, 1000, 0) == empirical_w1("uniform", "law", 1, 1000, 0)
    True
    """
    _check_choice(law, LAWS, "law")
    _check_choice(kind, KINDS, "kind")
    dim = _check_positive_int(dim, "dim")
    n = _check_positive_int(n, "n")
    seed = _check_positive_int(seed, "seed", minimum=0)
    if kind == "law" and dim != 1:
        raise ValueError(f"kind='law' (W1 between the law and its sample) is computed exactly "
                         f"in dimension 1 only; got dim={dim} (use kind='two-sample')")
    rng = _stream(law, kind, dim, n, seed)
    x = sample_law(law, n, dim, rng)
    if kind == "law":
        return w1_to_law_1d(law, x[:, 0])
    y = sample_law(law, n, dim, rng)
    return float(earth_mover(Discrete(x), Discrete(y)))


def theory_rate(dim: int) -> str:
    """The theory's rate of :math:`\\mathbb E W_1` in dimension ``dim``, in words.

    >>> [theory_rate(d) for d in (1, 2, 3)]
    ['n^(-1/2)', 'sqrt(log n / n)', 'n^(-1/3)']
    """
    dim = _check_positive_int(dim, "dim")
    return {1: "n^(-1/2)", 2: "sqrt(log n / n)"}.get(dim, f"n^(-1/{dim})")


def theory_slope(dim: int, sizes: ArrayLike) -> float:
    r"""The log-log slope of the theory's rate over ``sizes``, fitted as the data are.

    :math:`-1/2` in dimension 1 and :math:`-1/d` for :math:`d \ge 3`. In dimension 2 the
    least-squares slope of :math:`\tfrac12\log(\log n / n)` against :math:`\log n` over the same
    sizes: the logarithm makes it shallower than :math:`-1/2` at every finite size (about
    :math:`-0.42` over :math:`10^2 \dots 10^4`, :math:`-0.43` over
    :math:`10^2 \dots 10^5`).

    >>> theory_slope(1, [100, 1000]), theory_slope(4, [100, 1000])
    (-0.5, -0.25)
    >>> round(theory_slope(2, [100, 1000, 10000]), 3)
    -0.425
    """
    dim = _check_positive_int(dim, "dim")
    n = np.asarray(sizes, dtype=np.float64)
    if n.ndim != 1 or n.size < 2 or np.unique(n).size < 2 or np.any(n < 2):
        raise ValueError(f"sizes must hold at least two different sizes >= 2; got {sizes!r}")
    if dim == 1:
        return -0.5
    if dim >= 3:
        return -1.0 / dim
    x = np.log(n)
    return float(np.polyfit(x, 0.5 * (np.log(x) - x), 1)[0])


@dataclass(frozen=True)
class SlopeFit:
    """A least-squares log-log slope with its confidence interval.

    Attributes
    ----------
    slope, intercept : float
        Of :math:`\\log W_1 = \\text{intercept} + \\text{slope}\\,\\log n`.
    stderr : float
        The slope's standard error.
    residual_std : float
        The residuals' standard deviation (the seeds' spread on the log scale).
    low, high : float
        The two-sided confidence interval: slope -+ t quantile (``dof`` degrees of freedom)
        times ``stderr``.
    dof : int
        Points minus 2.
    level : float
        Confidence level of the interval.
    """

    slope: float
    intercept: float
    stderr: float
    residual_std: float
    low: float
    high: float
    dof: int
    level: float

    def contains(self, value: float) -> bool:
        """Whether ``value`` lies in the interval."""
        return self.low <= value <= self.high


def fit_slope(sizes: ArrayLike, values: ArrayLike, *, level: float = 0.95) -> SlopeFit:
    r"""Fit :math:`\log W_1 = a + b \log n` by least squares over every (size, seed) value.

    Each seed's value is one point, so the residuals measure the seed-to-seed spread, and the
    interval is the regression's: :math:`b \pm t_{N-2}\,\mathrm{se}(b)`. On the log scale the
    spread is about the same at every size (:math:`\sqrt n\,W_1` has a limit law in 1-D), which
    is what ordinary least squares assumes.

    Parameters
    ----------
    sizes, values : array_like, shape (N,)
        Sample sizes and the W1 measured at them (several seeds per size); values > 0.
    level : float, default 0.95
        Confidence level of the interval.

    Examples
    --------
    Exact power laws give their exponent with a zero-width interval:

    >>> fit = fit_slope([10, 10, 100, 100, 1000], [1.0, 1.0, 0.1, 0.1, 0.01])
    >>> round(fit.slope, 12), round(fit.high - fit.low, 12)
    (-1.0, 0.0)
    """
    n = np.asarray(sizes, dtype=np.float64)
    w = np.asarray(values, dtype=np.float64)
    if n.ndim != 1 or n.shape != w.shape:
        raise ValueError(f"sizes and values must be 1-D of one length; got shapes {n.shape} "
                         f"and {w.shape}")
    if np.unique(n).size < 2 or n.size < 3:
        raise ValueError(f"a slope with an interval needs at least two sizes and three values; "
                         f"got sizes {sorted(set(n.tolist()))} and {n.size} values")
    if not np.all(np.isfinite(w)) or np.any(w <= 0) or np.any(n <= 0):
        raise ValueError("sizes and values must be finite and positive (they are logged)")
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1); got {level!r}")
    x, y = np.log(n), np.log(w)
    xc = x - x.mean()
    slope = float(np.sum(xc * (y - y.mean())) / np.sum(xc * xc))
    intercept = float(y.mean() - slope * x.mean())
    dof = n.size - 2
    resid = y - intercept - slope * x
    residual_std = float(math.sqrt(np.sum(resid**2) / dof))
    stderr = residual_std / float(math.sqrt(np.sum(xc * xc)))
    half = float(stats.t.ppf(0.5 + level / 2, dof)) * stderr
    return SlopeFit(slope, intercept, stderr, residual_std, slope - half, slope + half, dof,
                    level)
