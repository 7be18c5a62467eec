r"""Metrics of a critic on a benchmark pair: value errors and gradient agreement.

Following Korotin et al. (2022, Section 5, ``src/methods.py``: ``cosine_metrics``,
``L2_metrics``), the gradients are compared on fresh points y of the moved side Q (the
generated side, where a generator step reads the critic's gradient):

.. math::

    \cos = \mathbb{E}_{y \sim Q} \frac{\langle \nabla f(y), \nabla u(y) \rangle}
                                      {\|\nabla f(y)\| \, \|\nabla u(y)\|}, \qquad
    L^2 = \frac{\mathbb{E}_Q \|\nabla f - \nabla u\|^2}{\mathbb{E}_Q \|\nabla u\|^2} .

Since :math:`\|\nabla u\| = 1` almost everywhere, the normalised :math:`L^2` equals the
paper's unnormalised one. A point where the critic's gradient vanishes contributes cosine 0
(the paper adds 1e-15 to the denominator, with the same effect). ``l2_normalised`` is the
same error for the Lipschitz-normalised critic :math:`f / K`, which separates a wrong
direction from a wrong scale (weight clipping leaves :math:`K \ll 1`).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

__all__ = ["GradientAgreement", "gradient_agreement", "relative_error"]


@dataclass(frozen=True)
class GradientAgreement:
    """How well a critic's gradients match the optimal critic's on the Q side.

    Attributes
    ----------
    cosine : float
        Mean cosine between :math:`\\nabla f` and :math:`\\nabla u` (1 is perfect).
    l2 : float
        :math:`\\mathbb{E}\\|\\nabla f - \\nabla u\\|^2 / \\mathbb{E}\\|\\nabla u\\|^2`.
    l2_normalised : float
        The same for :math:`\\nabla f / K`.
    n : int
        Points averaged over.
    """

    cosine: float
    l2: float
    l2_normalised: float
    n: int


def gradient_agreement(
    grad_f: torch.Tensor, grad_u: torch.Tensor, *, lipschitz: float = 1.0
) -> GradientAgreement:
    """Cosine and normalised L2 error between two gradient fields sampled at the same points.

    Parameters
    ----------
    grad_f, grad_u : Tensor, shape (n, d)
        The critic's and the optimal critic's gradients (any device; computed in float64).
    lipschitz : float, default 1.0
        K for ``l2_normalised`` (positive and finite).

    Examples
    --------
    >>> g = torch.tensor([[1.0, 0.0], [0.0, 1.0]])
    >>> a = gradient_agreement(2 * g, g, lipschitz=2.0)
    >>> a.cosine, a.l2, a.l2_normalised
    (1.0, 1.0, 0.0)
    >>> gradient_agreement(torch.zeros(2, 2), g).cosine
    0.0
    """
    if grad_f.shape != grad_u.shape or grad_f.ndim != 2 or grad_f.shape[0] == 0:
        raise ValueError(
            "grad_f and grad_u must be non-empty (n, d) tensors of the same shape; "
            f"got {tuple(grad_f.shape)} and {tuple(grad_u.shape)}"
        )
    if not (isinstance(lipschitz, (int, float)) and 0 < lipschitz < float("inf")):
        raise ValueError(f"lipschitz must be a finite positive number; got {lipschitz!r}")
    gf = grad_f.detach().to(torch.float64)
    gu = grad_u.detach().to(device=gf.device, dtype=torch.float64)
    den = gf.norm(dim=1) * gu.norm(dim=1)
    dot = (gf * gu).sum(dim=1)
    cos = torch.where(den > 0, dot / den.clamp_min(1e-300), torch.zeros_like(dot))
    scale = float((gu**2).sum(dim=1).mean())
    if not scale > 0:
        raise ValueError("grad_u is zero at every point; the L2 error has no scale")
    l2 = float(((gf - gu) ** 2).sum(dim=1).mean()) / scale
    l2n = float(((gf / lipschitz - gu) ** 2).sum(dim=1).mean()) / scale
    return GradientAgreement(float(cos.mean()), l2, l2n, int(gf.shape[0]))


def relative_error(estimate: float, exact: float) -> float:
    """Signed relative error (estimate - exact) / exact; ``exact`` must be positive.

    >>> relative_error(0.9, 1.0)
    -0.1
    """
    if not exact > 0:
        raise ValueError(f"the exact value must be positive for a relative error; got {exact!r}")
    return round(estimate / exact - 1.0, 15)
