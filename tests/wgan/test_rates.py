"""wgan-theory rates: exact 1-D values, the exact expectation, the slope fit, the sweep, the CLI.

Oracles: Gauss-Legendre quadrature of |F - F_n| (distances.continuous) for the closed forms,
a direct binomial sum integrated by scipy's quad for the exact expectation, scipy's linregress
for the slope and its standard error, hand values for single points; the checks are fed worlds
where their claim is false.
"""

import math
import pickle
import sys
import types

import numpy as np
import pytest
from scipy import integrate, stats

from distances import Discrete
from distances.continuous import earth_mover_continuous
from distances.sample_complexity import (
    empirical_w1,
    expected_w1_uniform_1d,
    fit_slope,
    theory_slope,
    w1_to_law_1d,
)
from wgan.app import rates as rates_module
from wgan.app.cell_sweep import SweepFileError
from wgan.app.rates import (
    RateMean,
    RateSlope,
    RatesSettings,
    rate_checks,
    read_cells,
    run_rates,
    summarise,
)
from wgan.cli import main

TINY = ["--dims", "1", "2", "--sizes", "20", "40", "--seeds", "3", "--quiet"]


@pytest.mark.parametrize("n", [1, 2, 7, 500])
def test_closed_forms_agree_with_quadrature(n):
    rng = np.random.default_rng(n)
    x, g = rng.random(n), rng.standard_normal(n)
    # the quadrature's own error estimate is ~1e-14; 1e-10 relative leaves room for round-off
    assert w1_to_law_1d("uniform", x) == pytest.approx(
        earth_mover_continuous(stats.uniform(0, 1), Discrete(x)).value, rel=1e-10)
    assert w1_to_law_1d("gaussian", g) == pytest.approx(
        earth_mover_continuous(stats.norm(), Discrete(g)).value, rel=1e-10)


def test_one_point_by_hand():
    # U[0,1] against a point x: x^2/2 + (1-x)^2/2; N(0,1) against x: E|Z - x|
    for x in (0.0, 0.3, 1.0):
        assert w1_to_law_1d("uniform", [x]) == pytest.approx(x**2 / 2 + (1 - x) ** 2 / 2,
                                                             abs=1e-15)
    x = 1.7
    e_abs = 2 * stats.norm.pdf(x) + x * (2 * stats.norm.cdf(x) - 1)  # E|Z - x|
    assert w1_to_law_1d("gaussian", [x]) == pytest.approx(e_abs, rel=1e-14)


@pytest.mark.parametrize("n", [1, 2, 7])
def test_exact_expectation_against_a_binomial_sum(n):
    k = np.arange(n + 1)

    def mean_abs(t):  # E|Bin(n, t)/n - t| summed directly
        return float(np.sum(stats.binom.pmf(k, n, t) * np.abs(k / n - t)))

    direct = sum(integrate.quad(mean_abs, j / n, (j + 1) / n, epsabs=1e-14)[0]
                 for j in range(n))
    assert expected_w1_uniform_1d(n) == pytest.approx(direct, rel=1e-10)


def test_exact_expectation_tends_to_the_brownian_bridge_constant():
    # sqrt(n) E W1 -> E int |bridge| = sqrt(pi/32); the correction is O(1/sqrt(n))... seen 1e-6
    assert math.sqrt(1e5) * expected_w1_uniform_1d(100_000) == pytest.approx(
        math.sqrt(math.pi / 32), rel=1e-5)


def test_monte_carlo_means_match_the_exact_expectation_and_the_bracket():
    law = np.array([empirical_w1("uniform", "law", 1, 40, s) for s in range(600)])
    two = np.array([empirical_w1("uniform", "two-sample", 1, 40, s) for s in range(600)])
    se = law.std(ddof=1) / math.sqrt(law.size)
    assert abs(law.mean() - expected_w1_uniform_1d(40)) < 4 * se
    # E W1(mu, mu_n) <= E W1(mu_n, mu'_n) <= 2 E W1(mu, mu_n); ~sqrt(2) in 1-D
    ratio = two.mean() / law.mean()
    assert 1.2 < ratio < 1.65


def test_a_cell_is_the_same_in_every_call_and_certified_in_2d():
    a = empirical_w1("gaussian", "two-sample", 2, 30, 4)
    assert a == empirical_w1("gaussian", "two-sample", 2, 30, 4)
    assert a != empirical_w1("gaussian", "two-sample", 2, 30, 5)


def test_slope_and_interval_match_linregress():
    rng = np.random.default_rng(0)
    n = np.repeat([100.0, 1000.0, 10000.0], 4)
    w = n**-0.5 * np.exp(0.1 * rng.standard_normal(n.size))
    fit, ref = fit_slope(n, w), stats.linregress(np.log(n), np.log(w))
    assert fit.slope == pytest.approx(ref.slope, rel=1e-12)
    assert fit.stderr == pytest.approx(ref.stderr, rel=1e-10)
    half = stats.t.ppf(0.975, n.size - 2) * ref.stderr
    assert (fit.low, fit.high) == pytest.approx((ref.slope - half, ref.slope + half), rel=1e-10)


def test_theory_slopes():
    assert theory_slope(1, [10, 100]) == -0.5
    assert theory_slope(5, [10, 100]) == -0.2
    # 2-D: the slope of 0.5 log(log n / n) between two sizes, by hand
    a, b = math.log(100), math.log(10000)
    assert theory_slope(2, [100, 10000]) == pytest.approx(
        (0.5 * (math.log(b) - b) - 0.5 * (math.log(a) - a)) / (b - a), rel=1e-12)


@pytest.mark.parametrize("call, message", [
    (lambda: empirical_w1("uniform", "law", 2, 10, 0), "dimension 1 only"),
    (lambda: empirical_w1("cauchy", "law", 1, 10, 0), "law must be one of"),
    (lambda: empirical_w1("uniform", "law", 1, 0, 0), "n must be an integer >= 1"),
    (lambda: w1_to_law_1d("uniform", [0.5, 1.5]), "lies in [0, 1]"),
    (lambda: fit_slope([10, 10, 10], [1, 2, 3]), "at least two sizes"),
    (lambda: RatesSettings(sizes=(100,)), "at least two sizes"),
    (lambda: RatesSettings(seeds=1), "seeds must be an integer >= 2"),
    (lambda: RatesSettings(dims=(0,)), "dims must be integers from 1"),
    (lambda: RatesSettings(sizes=(10, 10**7)), "sizes must be integers from 2 to 1000000"),
    (lambda: RatesSettings(dims=(2,), sizes=(10, 100), max_size=((2, 50),)), "fewer than two"),
    (lambda: RatesSettings(dims=(2,), max_size=((3, 50),)), "not among the dims"),
])
def test_bad_input_states_the_rule(call, message):
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        call()


def _slope(**kw):
    base = dict(law="uniform", kind="two-sample", dim=2, n_min=100, n_max=10000, sizes=3,
                seeds=5, slope=-0.42, low=-0.45, high=-0.39, stderr=0.015, intercept=-0.5,
                spread=0.05, theory_rate="sqrt(log n / n)", theory_slope=-0.425,
                contains_theory=True)
    base.update(kw)
    return RateSlope(**base)


def test_checks_fail_where_the_claim_is_false():
    good = rate_checks([], [_slope()])
    assert [c.passed for c in good] == [True]
    # a 2-D floor falling like 1/sqrt(n): the interval excludes sqrt(log n / n)'s slope
    bad = rate_checks([], [_slope(slope=-0.5, low=-0.51, high=-0.49, contains_theory=False)])
    assert bad[0].passed is False and "excludes the theory's -0.425" in bad[0].failures[0]
    exact = expected_w1_uniform_1d(100)
    m = RateMean("uniform", "law", 1, 100, 5, exact * 1.5, exact * 0.1, exact)
    assert rate_checks([m], [])[0].passed is False
    m_ok = RateMean("uniform", "law", 1, 100, 5, exact * 1.01, exact * 0.3, exact)
    assert rate_checks([m_ok], [])[0].passed is True
    one_d = _slope(dim=1, theory_slope=-0.5, slope=-0.5, intercept=math.log(0.44))
    floor = one_d.predict(256)
    assert rate_checks([], [one_d], figure1_floor=floor)[-1].passed is True
    assert rate_checks([], [one_d], figure1_floor=10 * floor)[-1].passed is False


@pytest.fixture(scope="module")
def swept(tmp_path_factory):
    """One tiny sweep through the CLI, shared by the tests that read or resume it."""
    out = tmp_path_factory.mktemp("rates")
    assert main(["rates", *TINY, "--out", str(out)]) == 0
    return out


def test_sweep_writes_cells_slopes_and_figure(swept):
    rows = read_cells(swept / "cells.csv")
    # 1-D: law and two-sample for 2 laws; 2-D: two-sample for 2 laws; 2 sizes, 3 seeds
    assert len(rows) == (4 + 2) * 2 * 3
    slopes = (swept / "slopes.csv").read_text().splitlines()
    assert slopes[0].split(",")[:8] == ["law", "kind", "dim", "n_min", "n_max", "sizes",
                                        "seeds", "slope"] and len(slopes) == 1 + 6
    for name in ("means.csv", "rates.png", "rates.pdf", "report.md"):
        assert (swept / name).stat().st_size > 0
    row = next(r for r in rows if r["key"] == "gaussian-two-sample-d2-n40-s1")
    assert float(row["w1"]) == empirical_w1("gaussian", "two-sample", 2, 40, 1)


def test_resume_keeps_cells_refuses_other_settings_and_repairs_a_cut_row(swept, tmp_path,
                                                                          capsys):
    cells = tmp_path / "cells.csv"
    text = (swept / "cells.csv").read_text()
    cells.write_text(text[:-25])  # an interrupted write: the last row cut
    capsys.readouterr()
    assert main(["rates", *TINY, "--resume", "--out", str(tmp_path)]) == 0
    out, err = capsys.readouterr()
    assert "1 cells run, 35 resumed" in out and "runs again" in err
    # the recomputed row is the same cell with the same W1 (only its seconds differ)
    old, new = text.splitlines()[-1].split(","), cells.read_text().splitlines()[-1].split(",")
    assert old[:7] == new[:7] and old[8:] == new[8:]
    # every cell done: nothing to run, even with workers (a pool of 0 processes was an error)
    assert main(["rates", *TINY, "--resume", "--workers", "2", "--out", str(tmp_path)]) == 0
    assert "0 cells run, 36 resumed" in capsys.readouterr().out
    cells.write_text(text.replace("rates-1:", "rates-0:", 1))
    assert main(["rates", *TINY, "--resume", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "computation=" in err and "another --out" in err


def test_cells_travel_to_worker_processes():
    # what --workers and --ray send: the cell and the module-level runner, pickled
    cell = RatesSettings(dims=(2,), sizes=(10, 20), seeds=2).cells()[0]
    run = pickle.loads(pickle.dumps(rates_module._run))
    row = run(pickle.loads(pickle.dumps(cell)))
    assert row["key"] == cell.key and row["w1"] == empirical_w1(
        cell.law, cell.kind, cell.dim, cell.n, cell.seed)


@pytest.mark.parametrize("args, message", [
    (["--sizes", "100"], "at least two sizes"),
    (["--seeds", "1"], "seeds must be an integer >= 2"),
    (["--dims", "0"], "dims must be integers from 1"),
    (["--workers", "0"], "workers must be a positive integer"),
    (["--ray", "127.0.0.1:1"], "cannot reach a Ray cluster"),
])
def test_cli_bad_input_is_one_line_and_exit_2(tmp_path, capsys, args, message):
    assert main(["rates", "--dims", "1", "--sizes", "10", "20", "--quiet", *args,
                 "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and message in err, err


def test_summarise_needs_two_sizes_for_a_slope():
    rows = [{"law": "uniform", "kind": "law", "dim": 1, "n": 10, "w1": 0.1 + s / 100}
            for s in range(3)]
    means, slopes = summarise(rows)
    assert len(means) == 1 and slopes == ()


class _FakeRay(types.ModuleType):
    """Ray's API as the sweep uses it (init, remote, wait, get, shutdown), run in-process."""

    def __init__(self):
        super().__init__("ray")
        self.inits, self.submitted, self.started = [], 0, False

    def is_initialized(self):
        return self.started

    def init(self, **kw):
        self.inits.append(kw)
        self.started = True

    def shutdown(self):
        self.started = False

    def remote(self, num_cpus):
        def wrap(fn):
            ray = self

            class Remote:
                def remote(self, payload):
                    ray.submitted += 1
                    return fn(payload)

            return Remote()

        return wrap

    def wait(self, pending, num_returns):
        return pending[:num_returns], pending[num_returns:]

    def get(self, ref):
        return ref


def test_the_ray_path_submits_every_cell(tmp_path, monkeypatch):
    # A real cluster (ray start --head and a worker) is benchmarks/rates_ray_cluster.sh; here
    # the sweep's Ray path runs against an in-process stand-in, in milliseconds.
    fake = _FakeRay()
    monkeypatch.setitem(sys.modules, "ray", fake)
    settings = RatesSettings(dims=(1, 2), sizes=(10, 20), seeds=2, laws=("uniform",))
    out = run_rates(settings, tmp_path, ray_address="local", workers=3, check_figure1=False)
    assert fake.submitted == out.ran == 12 and fake.inits[0]["num_cpus"] == 3
    got = {r["key"]: float(r["w1"]) for r in read_cells(tmp_path / "cells.csv")}
    for c in settings.cells():
        assert got[c.key] == empirical_w1(c.law, c.kind, c.dim, c.n, c.seed)


def test_a_foreign_csv_is_refused(tmp_path):
    (tmp_path / "cells.csv").write_text("a,b\n1,2\n")
    with pytest.raises(SweepFileError, match="does not have this sweep's columns"):
        run_rates(RatesSettings(dims=(1,), sizes=(10, 20), seeds=2), tmp_path, resume=True)


def test_ctrl_c_says_how_to_resume(tmp_path, capsys, monkeypatch):
    from pathlib import Path

    from wgan.app.cell_sweep import SweepInterrupted

    def interrupted(*args, **kwargs):
        raise SweepInterrupted(Path(tmp_path) / "cells.csv", 3, 9)

    monkeypatch.setattr(rates_module, "run_rates", interrupted)
    assert main(["rates", "--dims", "1", "--sizes", "10", "20", "--out", str(tmp_path)]) == 130
    err = capsys.readouterr().err
    assert "3 cells of this run are in" in err and "9 not run" in err and "--resume" in err
