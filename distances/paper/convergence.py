r"""Theorem 2 of the WGAN paper: which distances see a sequence :math:`P_n \to P` converge.

Theorem 2 (X compact). (1) :math:`\delta(P_n, P) \to 0` iff :math:`JS(P_n, P) \to 0`;
(2) :math:`W(P_n, P) \to 0` iff :math:`P_n \to P` in distribution;
(3) :math:`KL(P_n\|P) \to 0` or :math:`KL(P\|P_n) \to 0` implies (1);
(4) (1) implies (2).

:func:`check_theorem2` computes TV, JS, both KL and W1 for five sequences at
n = 1, 10, 100, 1000, 10000, decides for each distance whether it tends to 0, and checks
the four statements and, at every n, the inequalities

.. math::

    \begin{aligned}
    &\delta \le \sqrt{KL/2}\ \text{(Pinsker, both directions)}, \quad
    \delta \le \sqrt{2\,JS} \le 2\sqrt{JS}, \\
    &JS \le \log(2)\, \delta, \quad W_1 \le \operatorname{diam}(X)\, \delta .
    \end{aligned}

Verdict rule. A finite table cannot prove a limit; the rule used is: a distance
"-> 0" when its values at the last two n are finite and it decays at least like
:math:`n^{-1/4}` between them (fitted exponent :math:`\le -1/4`); an infinite value at
small n (e.g. :math:`KL(P\|P_1) = +\infty` for the mixture) does not prevent a limit 0.
Every sequence below has a known limit, and the tests assert that the rule's verdicts
are the true ones.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

from ..divergences import js_divergence, kl_divergence, total_variation
from ..measures import Discrete
from ..wasserstein import earth_mover
from .families import example1_segment, segment_distances
from .results import CheckResult, EvidenceTable

__all__ = ["DECAY_EXPONENT", "INEQUALITY_RTOL", "Sequence2", "check_theorem2", "sequences"]

_LOG2 = math.log(2.0)
#: A distance "-> 0" when its fitted exponent between the last two n is at most this.
DECAY_EXPONENT = -0.25
#: Relative slack of the inequalities: quadrature error and equality cases (disjoint
#: supports give JS = log(2) TV exactly, up to round-off).
INEQUALITY_RTOL = 1e-9

Values = dict[str, float]


@dataclass(frozen=True)
class Sequence2:
    """A sequence :math:`P_n \\to P` for Theorem 2.

    Attributes
    ----------
    name : str
    compute : callable
        n -> dict with keys ``tv, js, kl_np, kl_pn, w1`` computed by the toolkit.
    exact : callable
        n -> dict of the closed forms known for this sequence (a subset of the keys).
    diam : callable
        n -> diameter of a compact set holding both supports (``inf`` if none).
    in_distribution : bool
        Whether :math:`P_n \\to P` in distribution (the truth, from the construction).
    """

    name: str
    compute: Callable[[int], Values]
    exact: Callable[[int], Values]
    diam: Callable[[int], float]
    in_distribution: bool


def _all(P: object, Q: object) -> Values:
    return {
        "tv": total_variation(P, Q),
        "js": js_divergence(P, Q),
        "kl_np": kl_divergence(P, Q),
        "kl_pn": kl_divergence(Q, P),
        "w1": earth_mover(P, Q),
    }


def _singular(w1: float) -> Values:
    return {"tv": 1.0, "js": _LOG2, "kl_np": math.inf, "kl_pn": math.inf, "w1": w1}


def _example1(n: int) -> Values:
    d = segment_distances(example1_segment(1.0 / n), example1_segment(0.0))
    return {"tv": d["tv"], "js": d["js"], "kl_np": d["kl_st"], "kl_pn": d["kl_ts"], "w1": d["w1"]}


def _mixture(n: int) -> Discrete:
    eps = 1.0 / n
    return Discrete([0.0, 1.0, 2.0], [(1 - eps) / 2, (1 - eps) / 2, eps])


def _mixture_exact(n: int) -> Values:
    e = 1.0 / n
    # KL(P || M) and KL(P_n || M) with M = (P + P_n) / 2, in log1p form (no lost digits).
    js_p = -math.log1p(-e / 2)
    js_n = (1 - e) * math.log1p(-e / (2 - e)) if e < 1 else 0.0
    return {
        "tv": e,
        "kl_np": math.inf,
        "kl_pn": -math.log1p(-e) if e < 1 else math.inf,
        "js": 0.5 * js_p + 0.5 * (js_n + e * _LOG2),
        "w1": 1.5 * e,
    }


def _gauss_exact(n: int) -> Values:
    mu = 1.0 / n
    return {
        "tv": float(2 * stats.norm.cdf(mu / 2) - 1),
        "kl_np": mu * mu / 2,
        "kl_pn": mu * mu / 2,
        "w1": mu,
    }


def sequences(seed: int = 0, n_max: int = 10000) -> list[Sequence2]:
    """The five sequences of the issue, in order.

    1. Dirac at 1/n to Dirac at 0; 2. Example 1 with theta_n = 1/n; 3. N(1/n, 1) to
    N(0, 1); 4. the empirical measure of the first n of ``n_max`` uniform samples
    (seeded) to U[0, 1]; 5. the mixture (1 - 1/n) P + (1/n) Q to P, with P uniform on
    {0, 1} and Q the Dirac at 2.
    """
    z = np.random.default_rng(seed).uniform(size=n_max)
    uniform = stats.uniform(0.0, 1.0)
    half = Discrete([0.0, 1.0])
    return [
        Sequence2(
            "Dirac 1/n -> Dirac 0",
            lambda n: _all(Discrete.dirac(1.0 / n), Discrete.dirac(0.0)),
            lambda n: _singular(1.0 / n),
            lambda n: 1.0 / n,
            True,
        ),
        Sequence2(
            "Example 1, theta = 1/n",
            _example1,
            lambda n: _singular(1.0 / n),
            lambda n: math.hypot(1.0, 1.0 / n),
            True,
        ),
        Sequence2(
            "N(1/n, 1) -> N(0, 1)",
            lambda n: _all(stats.norm(1.0 / n, 1.0), stats.norm(0.0, 1.0)),
            _gauss_exact,
            lambda n: math.inf,
            True,
        ),
        Sequence2(
            "empirical of n U[0,1] samples -> U[0,1]",
            lambda n: _all(Discrete(z[:n]), uniform),
            lambda n: {k: v for k, v in _singular(0.0).items() if k != "w1"},
            lambda n: 1.0,
            True,
        ),
        Sequence2(
            "(1 - 1/n) P + (1/n) Q -> P",
            lambda n: _all(_mixture(n), half),
            _mixture_exact,
            lambda n: 2.0,
            True,
        ),
    ]


def _tends_to_zero(ns: Sequence[int], values: Sequence[float]) -> tuple[bool, float]:
    """(verdict, fitted exponent between the last two n) by the module's rule."""
    v = np.asarray(values, dtype=float)
    if not np.all(np.isfinite(v[-2:])):  # a limit is about the tail: early +inf is allowed
        return False, math.nan
    if v[-1] == 0.0:
        return True, -math.inf
    if v[-2] <= 0.0:
        return False, math.nan
    slope = math.log(v[-1] / v[-2]) / math.log(ns[-1] / ns[-2])
    return slope <= DECAY_EXPONENT, slope


def _leq(a: float, b: float) -> bool:
    return a <= b * (1 + INEQUALITY_RTOL) + 1e-15 or math.isinf(b)


def _inequalities(v: Values, diam: float) -> dict[str, bool | str]:
    tv, js = v["tv"], v["js"]
    return {
        "Pinsker TV <= sqrt(KL(Pn||P)/2)": _leq(tv, math.sqrt(v["kl_np"] / 2)),
        "Pinsker TV <= sqrt(KL(P||Pn)/2)": _leq(tv, math.sqrt(v["kl_pn"] / 2)),
        "TV <= sqrt(2 JS)": _leq(tv, math.sqrt(2 * js)),
        "sqrt(2 JS) <= 2 sqrt(JS)": _leq(math.sqrt(2 * js), 2 * math.sqrt(js)),
        "JS <= log(2) TV": _leq(js, _LOG2 * tv),
        "W1 <= diam TV": _leq(v["w1"], diam * tv) if math.isfinite(diam) else "n/a",
    }


def check_theorem2(
    ns: Sequence[int] = (1, 10, 100, 1000, 10000),
    *,
    seed: int = 0,
    cases: Sequence[Sequence2] | None = None,
) -> CheckResult:
    """Theorem 2 on five sequences: a table of values, verdicts and inequalities.

    Parameters
    ----------
    ns : sequence of int
        Increasing n values (at least two).
    seed : int
        Seed of the uniform samples of sequence 4.
    cases : sequence of Sequence2, optional
        The sequences to judge; default :func:`sequences` (the five of the report). Another
        list lets a test feed the rule a world where the theorem is false.

    Returns
    -------
    CheckResult
        Tables: verdicts per sequence (with fitted exponents and the four statements),
        the values per (sequence, n) with closed forms and inequalities.
        ``data["values"]``: {sequence name: {key: list over ns}} for the figure.
    """
    ns = tuple(int(n) for n in ns)
    if len(ns) < 2 or any(b <= a for a, b in itertools.pairwise(ns)):
        raise ValueError(f"ns must be at least two increasing sizes; got {ns}")
    keys = ("tv", "js", "kl_np", "kl_pn", "w1")
    verdict_rows, value_rows, failures, figure = [], [], [], []
    for seq in sequences(seed, n_max=max(ns)) if cases is None else cases:
        vals = {k: [] for k in keys}
        for n in ns:
            v, exact = seq.compute(n), seq.exact(n)
            ineq = _inequalities(v, seq.diam(n))
            bad_ineq = [name for name, ok in ineq.items() if ok is False]
            off = {
                k: abs(v[k] - e) / max(abs(e), 1e-300)
                for k, e in exact.items()
                if not (math.isinf(e) and v[k] == e)
            }
            worst = max(off.values(), default=0.0)
            value_rows.append((seq.name, n, *(v[k] for k in keys), worst, not bad_ineq))
            for k in keys:
                vals[k].append(v[k])
            if bad_ineq:
                failures.append(f"{seq.name}, n={n}: inequalities fail: {bad_ineq}")
            if worst > 1e-6:
                failures.append(f"{seq.name}, n={n}: off its closed form by {worst:.3g}")
        verdicts = {k: _tends_to_zero(ns, vals[k]) for k in keys}
        to0 = {k: verdicts[k][0] for k in keys}
        s1 = to0["tv"] == to0["js"]
        s2 = to0["w1"] == seq.in_distribution
        s3 = (not (to0["kl_np"] or to0["kl_pn"])) or (to0["tv"] and to0["js"])
        s4 = (not to0["tv"]) or to0["w1"]
        verdict_rows.append(
            (
                seq.name,
                *("-> 0" if to0[k] else "not -> 0" for k in keys),
                *(verdicts[k][1] for k in keys),
                seq.in_distribution,
                s1,
                s2,
                s3,
                s4,
            )
        )
        for label, ok in zip(("(1)", "(2)", "(3)", "(4)"), (s1, s2, s3, s4), strict=True):
            if not ok:
                failures.append(f"{seq.name}: statement {label} of Theorem 2 fails")
        figure.append({"name": seq.name, **vals})
    verdict_table = EvidenceTable(
        "Verdicts (rule: finite at the last two n and decaying at least like n^-1/4 between them)",
        (
            "sequence",
            "TV",
            "JS",
            "KL(Pn||P)",
            "KL(P||Pn)",
            "W1",
            "exp TV",
            "exp JS",
            "exp KL(Pn||P)",
            "exp KL(P||Pn)",
            "exp W1",
            "Pn -> P in distribution",
            "(1) TV<->JS",
            "(2) W1<->distr.",
            "(3) KL=>(1)",
            "(4) (1)=>W1",
        ),
        tuple(verdict_rows),
    )
    value_table = EvidenceTable(
        "Values (natural log); worst relative error against the closed forms; inequalities",
        (
            "sequence",
            "n",
            "TV",
            "JS",
            "KL(Pn||P)",
            "KL(P||Pn)",
            "W1",
            "max rel. error vs closed form",
            "inequalities hold",
        ),
        tuple(value_rows),
    )
    claim = (
        "Theorem 2: (1) TV -> 0 iff JS -> 0; (2) W1 -> 0 iff P_n -> P in distribution; "
        "(3) KL(P_n||P) -> 0 or KL(P||P_n) -> 0 implies (1); (4) (1) implies (2). Five "
        f"sequences at n = {', '.join(map(str, ns))}; every value with a closed form is "
        "compared with it, and every row checks Pinsker (both KL), TV <= sqrt(2 JS) <= "
        "2 sqrt(JS), JS <= log(2) TV and W1 <= diam TV (where the supports lie in a "
        "compact set)."
    )
    return CheckResult(
        f"Theorem 2, {'five' if cases is None else len(verdict_rows)} sequences",
        claim,
        (verdict_table, value_table),
        not failures,
        tuple(failures),
        data={"values": figure, "ns": ns},
        headline=(
            f"{len(verdict_rows)} sequences, "
            + (
                "verdicts as the theorem says"
                if not any("statement" in f for f in failures)
                else f"{sum('statement' in f for f in failures)} statements FAIL"
            )
            + f"; largest relative error against closed forms "
            f"{max(float(r[7]) for r in value_rows):.1e}; "
            + (
                "inequalities hold in every row"
                if all(r[8] for r in value_rows)
                else f"inequalities fail in {sum(not r[8] for r in value_rows)} rows"
            )
        ),
    )
