"""The paper's claims about WGAN critics and training, judged from computed objects.

Each function takes the data an experiment returned (:mod:`wgan.experiments`,
:mod:`wgan.critic`, :func:`wgan.train.train`) and returns a
:class:`~distances.paper.results.CheckResult` with the claim, the headline numbers and the
verdict; the application writes the files and reports these objects. The rules live here
once, so a test can feed each of them a world where the claim is false.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from distances.paper.results import CheckResult

from .critic import CriticResult, FiniteSampleResult

__all__ = [
    "check_clipping",
    "check_critic_estimates",
    "check_example1_networks",
    "check_figure2",
    "check_figure3",
    "check_finite_sample",
    "check_lp_accuracy",
    "monte_carlo_allowance",
]


def check_figure2(summary: Mapping[str, Any]) -> CheckResult:
    """Figure 2: the discriminator saturates, the critic stays close to a line.

    ``summary`` is :func:`wgan.experiments.figure2_data`'s ``"summary"``.
    """
    span = abs(summary["fake"][0] - summary["real"][0])
    deviation = summary["critic_max_deviation_from_line"] / (
        abs(summary["critic_linear_fit_slope"]) * span
    )
    saturated = summary["discriminator_saturated_fraction"]
    return CheckResult(
        "Figure 2",
        f"Discriminator and clipped critic on N({summary['real'][0]:g}, "
        f"{summary['real'][1]:g}^2) vs N({summary['fake'][0]:g}, {summary['fake'][1]:g}^2) "
        "(figure2.csv).",
        (),
        saturated > 0.5 and deviation < 0.1,
        headline=f"D within 0.01 of 0 or 1 on {saturated:.0%} of the grid; critic's largest "
        f"deviation from its line {deviation:.1%} of its range",
        data={"deviation": deviation},
    )


def check_example1_networks(summary: Mapping[str, Any]) -> CheckResult:
    """Example 1 by networks: WGAN moves theta below theta0 / 4, the GAN keeps 90 % of it.

    ``summary`` is :func:`wgan.experiments.example1_learning`'s ``"summary"``.
    """
    theta0 = summary["theta0"]
    wgan, gan = summary["final_theta_wgan"], summary["final_theta_gan"]
    return CheckResult(
        "Example 1, learned by networks",
        f"{summary['updates']} generator updates from theta = {theta0:g}, SGD lr "
        f"{summary['lr']:g} (example1_learning.csv).",
        (),
        abs(wgan) < 0.25 * theta0 and abs(gan) > 0.9 * theta0,
        headline=f"final theta: WGAN {wgan:+.3f}, GAN {gan:+.4f}",
    )


def check_finite_sample(result: FiniteSampleResult, method: str = "lp") -> CheckResult:
    """Finite-sample duality: the critic divided by its largest pairwise slope, <= W1(X, Y)."""
    return CheckResult(
        "Kantorovich-Rubinstein duality (eq. 2), finite samples",
        f"An {method.upper()} critic fitted on {result.n} + {result.n} fixed points of the "
        "translation pair, divided by its largest pairwise slope, against the exact LP value.",
        (),
        # f / (largest pairwise slope) is 1-Lipschitz on the points, so the bound is exact up
        # to the round-off of two float64 means (1e-9 relative is ample).
        result.normalised <= result.exact * (1 + 1e-9),
        headline=f"critic {result.normalised:.4f} <= exact W1(X, Y) {result.exact:.4f}",
    )


def monte_carlo_allowance(n_eval: int) -> float:
    """Four standard errors of E_P f - E_Q f: two means of n_eval values of variance about 1."""
    return 4.0 * math.sqrt(2.0 / n_eval)


def check_critic_estimates(results: Sequence[CriticResult]) -> CheckResult:
    """Section 3: every normalised estimate is at most W1, up to the Monte Carlo allowance."""
    n_eval = results[0].n_eval
    tol = monte_carlo_allowance(n_eval)
    return CheckResult(
        "Section 3, the critic's estimate",
        f"{len(results)} critics ({', '.join(sorted({r.method for r in results}))}) on pairs "
        f"of known W1, estimates on {n_eval} fresh points per side, K = largest gradient norm "
        "(critic_estimates.md).",
        (),
        all(r.normalised_error <= tol for r in results),
        headline="normalised errors "
        + ", ".join(f"{r.pair}/{r.method} {r.normalised_error:+.1%}" for r in results)
        + f" (Monte Carlo allowance +{tol:.1%})",
    )


def check_clipping(results: Sequence[CriticResult]) -> CheckResult:
    """Algorithm 1: clipped critics' raw estimates far below W1, with a small K."""
    clip = [r for r in results if r.method == "clip"]
    return CheckResult(
        "Section 3, weight clipping (Algorithm 1)",
        "Raw estimates of the clipped critics against the exact W1 (critic_estimates.md).",
        (),
        bool(clip) and all(r.raw_error < -0.9 and r.lipschitz < 0.1 for r in clip),
        headline=", ".join(
            f"{r.pair}: raw {r.raw_error:+.1%}, K {r.lipschitz:.2g}, normalised "
            f"{r.normalised_error:+.1%}"
            for r in clip
        ),
    )


def check_lp_accuracy(results: Sequence[CriticResult]) -> CheckResult:
    """LP critics' raw estimates within 5 % of W1 (Korotin et al. 2022, for comparison)."""
    lp = [r for r in results if r.method == "lp"]
    return CheckResult(
        "WGAN critics (Korotin et al. 2022 for comparison)",
        "LP critics, 4000 steps, penalty weight 1000 (critic_estimates.md).",
        (),
        bool(lp) and all(abs(r.raw_error) <= 0.05 for r in lp),
        statement="A critic with a Lipschitz penalty estimates W1 closely (within 5 %).",
        headline=", ".join(f"{r.pair}: raw {r.raw_error:+.1%}" for r in lp),
    )


def check_figure3(history: Any) -> CheckResult:
    """Figure 3: exact W1 and the raw estimate both halve, and they correlate (> 0.5).

    ``history`` is what :func:`wgan.train.train` returns (its ``column``, ``config``, ``step``
    and ``iterations_per_second`` are used).
    """
    cfg = history.config
    raw, exact = history.column("critic_estimate"), history.column("exact_w1")
    est, floor = history.column("normalised_estimate"), history.column("floor")
    # From the first logged step after 0 on: at step 0 the critic is untrained.
    corr = float(np.corrcoef(raw[1:], exact[1:])[0, 1])
    return CheckResult(
        "Figure 3",
        f"WGAN ({cfg.method}) on {cfg.dataset}, {history.step} generator iterations; every "
        f"{cfg.log_every}: the critic's estimate (raw, and divided by its largest gradient "
        f"norm), the exact W1 between {cfg.n_exact} real and generated points, and the "
        "sampling floor between two real samples (training/metrics.csv).",
        (),
        bool(exact[-1] < 0.5 * exact[0] and raw[-1] < 0.5 * raw[1:].max() and corr > 0.5),
        headline=f"exact W1 {exact[0]:.3f} -> {exact[-1]:.3f} (floor {floor[-1]:.3f}); raw "
        f"estimate {raw[1]:.3f} -> {raw[-1]:.3f}, correlation with exact W1 {corr:.2f}; "
        f"normalised {est[1]:.3f} -> {est[-1]:.3f}; {history.iterations_per_second:.1f} it/s",
    )
