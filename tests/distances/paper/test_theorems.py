"""Theorems 1-3 checks: every verdict, and every number with a closed form."""

from __future__ import annotations

import math
from typing import ClassVar

import numpy as np
import pytest
from scipy import stats

from distances.paper.convergence import DECAY_EXPONENT, _tends_to_zero, check_theorem2, sequences
from distances.paper.generators import Example1Generator, MLPGenerator
from distances.paper.results import CheckResult, EvidenceTable, format_value
from distances.paper.theorems import check_theorem1, check_theorem3
from wgan.app.artifacts import write_csv

LOG2 = math.log(2.0)
NS = (1, 10, 100, 1000, 10000)


@pytest.fixture(scope="module")
def theorem2() -> CheckResult:
    return check_theorem2(NS, seed=0)


def _values(result: CheckResult, name: str) -> dict[str, list[float]]:
    return next(v for v in result.data["values"] if v["name"] == name)


class TestTheorem2:
    def test_passes(self, theorem2):
        assert theorem2.passed, theorem2.failures

    # The true limits: which distances tend to 0 along each sequence.
    EXPECTED: ClassVar[dict[str, tuple[str, ...]]] = {
        "Dirac 1/n -> Dirac 0": ("not -> 0", "not -> 0", "not -> 0", "not -> 0", "-> 0"),
        "Example 1, theta = 1/n": ("not -> 0", "not -> 0", "not -> 0", "not -> 0", "-> 0"),
        "N(1/n, 1) -> N(0, 1)": ("-> 0", "-> 0", "-> 0", "-> 0", "-> 0"),
        "empirical of n U[0,1] samples -> U[0,1]": ("not -> 0",) * 4 + ("-> 0",),
        "(1 - 1/n) P + (1/n) Q -> P": ("-> 0", "-> 0", "not -> 0", "-> 0", "-> 0"),
    }

    def test_every_verdict(self, theorem2):
        table = theorem2.tables[0]
        got = {row[0]: row[1:6] for row in table.rows}
        assert got == self.EXPECTED

    def test_statements_hold_on_every_row(self, theorem2):
        table = theorem2.tables[0]
        for col in ("(1) TV<->JS", "(2) W1<->distr.", "(3) KL=>(1)", "(4) (1)=>W1"):
            assert all(v is True for v in table.column(col)), col

    def test_inequalities_hold_on_every_row(self, theorem2):
        assert all(v is True for v in theorem2.tables[1].column("inequalities hold"))

    def test_dirac_and_example1_closed_forms(self, theorem2):
        for name in ("Dirac 1/n -> Dirac 0", "Example 1, theta = 1/n"):
            v = _values(theorem2, name)
            assert v["tv"] == [1.0] * 5 and v["js"] == [LOG2] * 5
            assert v["kl_np"] == [math.inf] * 5 and v["kl_pn"] == [math.inf] * 5
            np.testing.assert_allclose(v["w1"], [1 / n for n in NS], rtol=1e-15)

    def test_gaussian_closed_forms(self, theorem2):
        v = _values(theorem2, "N(1/n, 1) -> N(0, 1)")
        mu = np.array([1 / n for n in NS])
        # Quadrature against closed forms. KL at n = 1e4 is 5e-9 and comes from logpdf
        # differences with ~1e-16 absolute error each: relative accuracy ~1e-8, so 1e-6.
        np.testing.assert_allclose(v["kl_np"], mu**2 / 2, rtol=1e-6)
        np.testing.assert_allclose(v["kl_pn"], mu**2 / 2, rtol=1e-6)
        np.testing.assert_allclose(v["tv"], 2 * stats.norm.cdf(mu / 2) - 1, rtol=1e-9)
        np.testing.assert_allclose(v["w1"], mu, rtol=1e-9)
        # JS has no closed form; its small-shift expansion is mu^2/8 (1 + O(mu^2)).
        np.testing.assert_allclose(v["js"][2:], mu[2:] ** 2 / 8, rtol=1e-4)

    def test_empirical_closed_forms(self, theorem2):
        v = _values(theorem2, "empirical of n U[0,1] samples -> U[0,1]")
        assert v["tv"] == [1.0] * 5 and v["js"] == [LOG2] * 5
        assert v["kl_np"] == [math.inf] * 5 and v["kl_pn"] == [math.inf] * 5
        # n = 1: W1(delta_z, U[0,1]) = (z^2 + (1 - z)^2) / 2.
        z = np.random.default_rng(0).uniform(size=10000)[0]
        assert v["w1"][0] == pytest.approx((z**2 + (1 - z) ** 2) / 2, abs=1e-14)
        # W1 <= sup|F_n - F| (DKW scale n^-1/2): loose sanity bound 2 / sqrt(n).
        assert all(w <= 2 / math.sqrt(n) for w, n in zip(v["w1"], NS, strict=True))

    def test_mixture_closed_forms(self, theorem2):
        v = _values(theorem2, "(1 - 1/n) P + (1/n) Q -> P")
        e = np.array([1 / n for n in NS])
        np.testing.assert_allclose(v["tv"], e, rtol=1e-12)
        np.testing.assert_allclose(v["w1"], 1.5 * e, rtol=1e-12)
        assert v["kl_np"] == [math.inf] * 5  # P_n puts mass 1/n at 2, where P has none
        assert v["kl_pn"][0] == math.inf  # n = 1: P_1 = Q, disjoint from P
        np.testing.assert_allclose(v["kl_pn"][1:], -np.log1p(-e[1:]), rtol=1e-12)
        # M = (P + P_n)/2 puts (2 - e)/4 on 0 and 1 and e/2 on 2:
        # KL(P||M) = log(2/(2-e)); KL(P_n||M) = (1-e) log(2(1-e)/(2-e)) + e log 2.
        # log1p forms: the logs of numbers near 1 lose no digits; (1-e) log(...) -> 0 at e = 1.
        with np.errstate(divide="ignore", invalid="ignore"):
            js_n = np.where(e < 1, (1 - e) * np.log1p(-e / (2 - e)), 0.0)
        js = -0.5 * np.log1p(-e / 2) + 0.5 * (js_n + e * LOG2)
        np.testing.assert_allclose(v["js"], js, rtol=1e-12)

    def test_verdict_rule(self):
        assert _tends_to_zero(NS, [1.0] * 5) == (False, 0.0)
        assert _tends_to_zero(NS, [1.0, 1.0, 1.0, 1.0, math.inf])[0] is False
        # +inf at n = 1 only (the mixture's KL(P||P_1)) does not block a limit 0.
        assert _tends_to_zero(NS, [math.inf, 0.1, 0.01, 0.001, 0.0001])[0] is True
        ok, slope = _tends_to_zero(NS, [1 / n for n in NS])
        assert ok and slope == pytest.approx(-1.0, abs=1e-12)
        # Slower than n^-1/4 is "not -> 0" by the rule (the rule's stated limit).
        assert not _tends_to_zero(NS, [n**-0.2 for n in NS])[0]
        assert _tends_to_zero(NS, [n**DECAY_EXPONENT for n in NS])[0]

    def test_sequences_truth(self):
        assert [s.in_distribution for s in sequences()] == [True] * 5

    def test_rejects_bad_ns(self):
        with pytest.raises(ValueError, match="at least two increasing sizes"):
            check_theorem2((10, 1))


class TestTheorem1:
    def test_example1_same_z_attains_bound(self):
        r = check_theorem1(Example1Generator(), n=16, same_z_real=True, refinements=3)
        assert r.passed, r.failures
        t = r.evidence
        assert t.column("h") == pytest.approx([0.1, 0.01, 0.001, 0.0001], rel=1e-12)
        # W = |theta| exactly: every slope is 1 = max_theta E_z ||d_theta g|| (the bound is tight).
        np.testing.assert_allclose(t.column("max W slope"), 1.0, rtol=1e-9)
        assert t.column("bound L") == [1.0] * 4
        assert t.column("JS(P_0,P_h) - JS(P_0,P_0)") == [LOG2] * 4
        assert t.column("KL(P_h||P_0)") == [math.inf] * 4

    @pytest.mark.parametrize("gen", [Example1Generator(), MLPGenerator()])
    def test_independent_real_sample(self, gen):
        r = check_theorem1(gen, n=24, refinements=3)
        assert r.passed, r.failures
        t = r.evidence
        slopes, bounds = np.array(t.column("max W slope")), np.array(t.column("bound L"))
        assert np.all(slopes <= bounds * (1 + 1e-9))
        assert np.all(
            np.array(t.column("max W slope"))
            <= np.array(t.column("max coupling quotient")) * (1 + 1e-9)
        )
        # The JS jump at 0 does not shrink with h.
        assert t.column("JS(P_0,P_h) - JS(P_0,P_0)") == [LOG2] * 4
        # Windows stay inside [-1, 1].
        for rng_text in t.column("theta range"):
            lo, hi = (float(s) for s in rng_text.strip("[]").split(","))
            assert -1 - 1e-12 <= lo < hi <= 1 + 1e-12


class TestTheorem3:
    @pytest.mark.parametrize("gen", [Example1Generator(), MLPGenerator()])
    def test_finite_difference_equals_critic_gradient(self, gen):
        r = check_theorem3(gen, n=24, points=3)
        assert r.passed, r.failures
        t = r.evidence
        assert max(t.column("relative error FD vs critic")) <= 1e-6
        np.testing.assert_allclose(
            t.column("envelope (plan)"), t.column("critic -E[grad f . dg]"), rtol=1e-12
        )
        assert all(m > 0 for m in t.column("potential margin"))
        assert all(t.column("plan unchanged at theta +- h"))


class TestChecks:
    def test_markdown_escapes_pipes_and_formats(self):
        t = EvidenceTable("t", ("KL(P||Q)", "x"), ((math.inf, LOG2), (True, 0.5)))
        md = t.to_markdown()
        assert "KL(P\\|\\|Q)" in md and "+inf" in md and "log 2" in md and "yes" in md
        assert format_value(False) == "NO" and format_value(1e-9) == "1e-09"

    def test_row_length_checked(self):
        with pytest.raises(ValueError, match="every row must have 2 cells"):
            EvidenceTable("t", ("a", "b"), ((1,),))

    def test_report_section(self):
        r = CheckResult(
            "X", "claim", (EvidenceTable("t", ("a",), ((1.0,),)),), False, ("it broke",)
        )
        md = r.to_markdown(["x.png"])
        assert md.startswith("## X: FAIL") and "![X](x.png)" in md and "- it broke" in md

    def test_csv_round_trips_numpy_scalars(self, tmp_path):
        # repr of a numpy 2 scalar is "np.float64(0.1)": write_csv must write the number.
        path = write_csv(
            tmp_path / "sub" / "t.csv",
            ("a", "b", "c", "d"),
            [(np.float64(0.1), np.float32(0.1), np.int64(3), 1 / 3)],
        )
        assert path.read_text().splitlines() == [
            "a,b,c,d",
            f"0.1,{float(np.float32(0.1))!r},3,{1 / 3!r}",
        ]
