r"""Benchmark pairs with a known optimal critic: MinFunnel potentials and ray-monotone moves.

The construction follows Korotin, Kolesov and Burnaev, "Kantorovich Strikes Back! Wasserstein
GANs are not Optimal Transport?" (NeurIPS 2022, Section 4 and their code
``justkolesov/Wasserstein1Benchmark``, ``src/utils.py``: ``get_borders``, ``motion_samples``).

A *MinFunnel* potential

.. math::

    u(x) = \min_k \big( \|x - c_k\| + b_k \big)

is 1-Lipschitz (a minimum of 1-Lipschitz cones). On the *cell* of funnel k (the points where
funnel k attains the minimum) :math:`u(x) = \|x - c_k\| + b_k`, so along the ray from
:math:`c_k` through x, u grows at rate exactly 1 while the ray stays in the cell.

**The cell of funnel k is star-shaped with respect to** :math:`c_k`. If x is in cell k and
:math:`z = c_k + s (x - c_k)`, :math:`s \in [0, 1]`, then for every j, by the triangle
inequality :math:`\|z - c_j\| \ge \|x - c_j\| - (1 - s)\|x - c_k\|`, so
:math:`\|z - c_j\| + b_j \ge \|x - c_k\| + b_k - (1 - s)\|x - c_k\| = \|z - c_k\| + b_k`:
z is in cell k too. (Hence a non-empty cell contains its own centre.) Moving x toward
:math:`c_k` therefore never leaves the cell.

The pair: :math:`P` is uniform on the cube :math:`[-h, h]^d` (h = 2.5 as in the paper's
high-dimensional pairs). For x ~ P with active funnel k, the segment from :math:`c_k` through x
is extended to its *upper end* :math:`x^+`: the first point where another funnel takes over
(solved in closed form per funnel) or where the ray leaves the cube. With
:math:`t = \|x - c_k\| / \|x^+ - c_k\| \in [0, 1]`, the point moves to

.. math::

    y = c_k + t^{\,\text{degree}} (x^+ - c_k) ,

a ray-monotone map (degree 8 in the paper), and Q is the law of y. Since x and y lie on the
same segment of cell k with y nearer the centre, :math:`u(x) - u(y) = \|x - y\|`; for the
coupling (x, y) and the 1-Lipschitz u this gives

.. math::

    \mathbb{E}\|x - y\| \ge W_1(P, Q) \ge \mathbb{E}_P u - \mathbb{E}_Q u = \mathbb{E}\|x - y\| ,

so u is an optimal critic, the coupling is an optimal plan, :math:`W_1(P, Q) = \mathbb{E}\|x-y\|`
(computed here by Monte Carlo with its standard error), and at every y strictly inside its
segment every optimal critic has gradient :math:`\nabla u(y) = (y - c_k)/\|y - c_k\|`: the OT
gradient a generator step at y uses (Theorem 3 of the WGAN paper).

The paper calls its sides the other way round (the moved sample is its "input" P and its
critic maximises :math:`E_{\text{moved}} f - E_{\text{cube}} f`, so its optimal critic is
:math:`-u`); here P is the cube, as every critic of this toolkit maximises
:math:`E_P f - E_Q f`, and the gradients are compared on the moved (Q, generated) side, as the
paper does.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import torch

__all__ = ["FunnelPair", "check_int", "make_funnel_pair", "monte_carlo_w1"]

_CHUNK = 16384
_EXACT = "donot_use_mm_for_euclid_dist"  # the mm form loses ~1e-8 to cancellation


def check_int(name: str, value: object, low: int) -> None:
    """ValueError unless ``value`` is an integer (not a bool) >= ``low``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
        raise ValueError(f"{name} must be an integer >= {low}; got {value!r}")


def _check_positive(name: str, value: object, low: float = 0.0) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not (
        math.isfinite(value) and value > low
    ):
        raise ValueError(f"{name} must be a finite number > {low}; got {value!r}")


@dataclass(frozen=True)
class FunnelPair:
    """A pair (P, Q) with the MinFunnel potential u as a known optimal critic.

    Build it with :func:`make_funnel_pair`. Every method takes and returns torch tensors on
    the device of its input (CUDA included), computed in float64.

    Attributes
    ----------
    centres : ndarray, shape (k, d)
        Funnel centres :math:`c_k`, uniform in the cube.
    biases : ndarray, shape (k,)
        Funnel offsets :math:`b_k` (0.1 N(0, 1) as in the paper's code).
    half_width : float
        h: P is uniform on :math:`[-h, h]^d`.
    degree : float
        The exponent of the ray-monotone map :math:`t \\mapsto t^{degree}` (>= 1).
    seed : int
        The seed the funnels were drawn with.
    w1 : float
        :math:`W_1(P, Q) = \\mathbb{E}\\|x - y\\|`, Monte Carlo over ``n_mc`` plan samples.
    w1_stderr : float
        The standard error of ``w1`` (sample standard deviation of ``|x - y|`` / sqrt(n_mc)).
    n_mc : int
        Plan samples behind ``w1``.
    source : str
        ``"generated"`` (:func:`make_funnel_pair`) or ``"kkb22"`` (one of Korotin et al.'s
        stored pairs, :func:`~wgan.benchmark.anchor.load_anchor_pair`).
    """

    centres: np.ndarray = field(repr=False)
    biases: np.ndarray = field(repr=False)
    half_width: float
    degree: float
    seed: int
    w1: float
    w1_stderr: float
    n_mc: int
    source: str = "generated"

    @property
    def dim(self) -> int:
        """Dimension d of the points."""
        return int(self.centres.shape[1])

    @property
    def n_funnels(self) -> int:
        """Number of funnels k (the difficulty knob)."""
        return int(self.centres.shape[0])

    @property
    def name(self) -> str:
        """``funnels-d{dim}-k{n_funnels}``, or ``kkb22-d{dim}-k{n_funnels}`` for their pairs."""
        prefix = "kkb22" if self.source == "kkb22" else "funnels"
        return f"{prefix}-d{self.dim}-k{self.n_funnels}"

    def _params(self, like: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        c = torch.as_tensor(self.centres, dtype=torch.float64, device=like.device)
        b = torch.as_tensor(self.biases, dtype=torch.float64, device=like.device)
        return c, b

    def _as_points(self, x: torch.Tensor) -> torch.Tensor:
        if not isinstance(x, torch.Tensor):
            x = torch.as_tensor(np.asarray(x, dtype=np.float64))
        if x.ndim != 2 or x.shape[1] != self.dim:
            raise ValueError(
                f"points must have shape (n, {self.dim}); got {tuple(x.shape)}"
            )
        return x.to(torch.float64)

    def funnel_values(self, x: torch.Tensor) -> torch.Tensor:
        """:math:`\\|x_i - c_k\\| + b_k` for every point and funnel, shape (n, k)."""
        x = self._as_points(x)
        c, b = self._params(x)
        return torch.cdist(x, c, compute_mode=_EXACT) + b

    def potential(self, x: torch.Tensor) -> torch.Tensor:
        """u(x), shape (n,); differentiable with torch autograd."""
        return self.funnel_values(x).min(dim=1).values

    def active_funnel(self, x: torch.Tensor) -> torch.Tensor:
        """Index of the funnel attaining the minimum at each point, shape (n,)."""
        return self.funnel_values(x).argmin(dim=1)

    def gradient(self, x: torch.Tensor) -> torch.Tensor:
        """:math:`\\nabla u(x) = (x - c_k)/\\|x - c_k\\|` of the active funnel, shape (n, d).

        Unit vectors; at a centre itself (probability 0) the zero vector.
        """
        x = self._as_points(x)
        c, _ = self._params(x)
        d = x - c[self.active_funnel(x)]
        norm = d.norm(dim=1, keepdim=True)
        return torch.where(norm > 0, d / norm.clamp_min(1e-300), torch.zeros_like(d))

    def ray_segment(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """The transport segment through each x: (lower end c_k, upper end x+, k).

        The upper end is the first point of the ray from :math:`c_k` through x, beyond x,
        where another funnel attains the minimum (for funnel j: the root r >= 0 of
        :math:`\\|x + r v - c_j\\| + b_j = u(x) + r`, unique because the left side minus
        the right is non-increasing in r), or where the ray leaves the cube.
        """
        x = self._as_points(x)
        c, b = self._params(x)
        vals = torch.cdist(x, c, compute_mode=_EXACT) + b
        u, k = vals.min(dim=1)
        low = c[k]
        diff = x - low
        s0 = diff.norm(dim=1)
        v = diff / s0.clamp_min(1e-300)[:, None]
        # distance along v to the cube's boundary
        h = self.half_width
        with torch.no_grad():
            comp = torch.where(v > 0, (h - x) / v, torch.where(v < 0, (-h - x) / v,
                                                              torch.full_like(x, math.inf)))
        r_cube = comp.min(dim=1).values.clamp_min(0.0)
        # distance along v until funnel j takes over
        da2 = (vals - b) ** 2  # |x - c_j|^2
        dv = (x * v).sum(dim=1, keepdim=True) - v @ c.T  # (x - c_j) . v
        db = u[:, None] - b  # u(x) - b_j
        denom = 2.0 * (db - dv)
        with torch.no_grad():
            r = torch.where(denom.abs() > 1e-12, (da2 - db**2) / denom,
                            torch.full_like(denom, math.inf))
            bad = (r <= 0) | (db + r < 0) | ~torch.isfinite(r)
            bad[torch.arange(len(k), device=x.device), k] = True
            r = torch.where(bad, torch.full_like(r, math.inf), r)
        r_end = torch.minimum(r.min(dim=1).values, r_cube)
        up = x + r_end[:, None] * v
        up = torch.where((s0 > 0)[:, None], up, x)
        return low, up, k

    def move(self, x: torch.Tensor) -> torch.Tensor:
        """The ray-monotone map T: y = c_k + t^degree (x+ - c_k), t = |x - c_k| / |x+ - c_k|."""
        low, up, _ = self.ray_segment(x)
        x = self._as_points(x)
        full = (up - low).norm(dim=1)
        base = (x - low).norm(dim=1)
        t = torch.where(full > 0, base / full.clamp_min(1e-300), torch.zeros_like(full))
        t = t.clamp(0.0, 1.0)
        return low + (t**self.degree)[:, None] * (up - low)

    def sample_plan(self, n: int, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        """n pairs (x, y) of the optimal plan: x ~ P, y = T(x) ~ Q; float64 on the generator's
        device (the CPU for a CPU generator)."""
        x = self._cube(n, generator)
        ys = [self.move(x[i : i + _CHUNK]) for i in range(0, n, _CHUNK)]
        return x, torch.cat(ys)

    def _cube(self, n: int, generator: torch.Generator) -> torch.Tensor:
        check_int("n", n, 1)
        x = 2.0 * torch.rand(n, self.dim, generator=generator, dtype=torch.float64,
                             device=generator.device) - 1.0
        return x * self.half_width

    def sample_p(self, n: int, generator: torch.Generator) -> torch.Tensor:
        """n points of P (uniform on the cube), float32 on the generator's device.

        Draws from ``generator`` exactly what :meth:`sample_plan` draws (the move is
        deterministic), so ``sample_p`` and ``sample_plan(...)[0]`` agree.
        """
        return self._cube(n, generator).float()

    def sample_q(self, n: int, generator: torch.Generator) -> torch.Tensor:
        """n points of Q (moved cube points), float32 on the generator's device."""
        return self.sample_plan(n, generator)[1].float()


def make_funnel_pair(
    dim: int,
    n_funnels: int = 16,
    *,
    seed: int = 0,
    half_width: float = 2.5,
    degree: float = 8.0,
    bias_scale: float = 0.1,
    n_mc: int = 2**17,
) -> FunnelPair:
    """The benchmark pair with ``n_funnels`` funnels in dimension ``dim``.

    Centres uniform in :math:`[-h, h]^d`, offsets ``bias_scale * N(0, 1)``, as in the
    paper's code (``MixToOneBenchmark``: h = 2.5, offsets 0.1 N(0, 1), degree 8).

    Parameters
    ----------
    dim : int
        Dimension d >= 1.
    n_funnels : int, default 16
        Number of funnels (the difficulty knob; the paper uses 4, 16, 64, 256).
    seed : int, default 0
        Seed of the funnels (and of the Monte Carlo estimate of W1).
    half_width : float, default 2.5
        P is uniform on the cube ``[-half_width, half_width]^dim``.
    degree : float, default 8.0
        Exponent of the ray-monotone map (>= 1: y lies between the centre and x).
    bias_scale : float, default 0.1
        Standard deviation of the offsets :math:`b_k` (>= 0).
    n_mc : int, default 2**17
        Plan samples for the Monte Carlo W1 and its standard error.

    Returns
    -------
    FunnelPair

    Examples
    --------
    >>> pair = make_funnel_pair(2, 4, n_mc=4096)
    >>> pair.name, pair.w1 > 0
    ('funnels-d2-k4', True)
    >>> make_funnel_pair(2, 0)
    Traceback (most recent call last):
    ...
    ValueError: n_funnels must be an integer >= 1; got 0
    """
    check_int("dim", dim, 1)
    check_int("n_funnels", n_funnels, 1)
    check_int("seed", seed, 0)
    check_int("n_mc", n_mc, 2)
    _check_positive("half_width", half_width)
    if isinstance(degree, bool) or not isinstance(degree, (int, float)) or not (
        math.isfinite(degree) and degree >= 1
    ):
        raise ValueError(f"degree must be a finite number >= 1; got {degree!r}")
    if isinstance(bias_scale, bool) or not isinstance(bias_scale, (int, float)) or not (
        math.isfinite(bias_scale) and bias_scale >= 0
    ):
        raise ValueError(f"bias_scale must be a finite number >= 0; got {bias_scale!r}")
    gen = torch.Generator().manual_seed(seed)
    centres = half_width * (2.0 * torch.rand(n_funnels, dim, generator=gen,
                                             dtype=torch.float64) - 1.0)
    biases = bias_scale * torch.randn(n_funnels, generator=gen, dtype=torch.float64)
    draft = FunnelPair(centres.numpy(), biases.numpy(), float(half_width), float(degree),
                       int(seed), math.nan, math.nan, int(n_mc))
    w1, stderr = monte_carlo_w1(draft, n_mc, gen)
    return FunnelPair(draft.centres, draft.biases, draft.half_width, draft.degree, draft.seed,
                      w1, stderr, int(n_mc))


def monte_carlo_w1(pair: FunnelPair, n: int, generator: torch.Generator) -> tuple[float, float]:
    """W1 = E|x - T(x)| by Monte Carlo over ``n`` plan samples: (mean, standard error)."""
    check_int("n", n, 2)
    total, total_sq = 0.0, 0.0
    for start in range(0, n, _CHUNK):
        x = pair._cube(min(_CHUNK, n - start), generator)
        cost = (x - pair.move(x)).norm(dim=1)
        total += float(cost.sum())
        total_sq += float((cost**2).sum())
    mean = total / n
    var = max(total_sq / n - mean**2, 0.0) * n / (n - 1)
    return mean, math.sqrt(var / n)
