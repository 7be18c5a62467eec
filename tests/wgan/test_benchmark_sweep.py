"""The benchmark's metrics, one cell, the sweep runner (CSV per cell, resume, workers, Ray)."""

import csv
import importlib.util
import json
import math

import numpy as np
import pytest
import torch

from wgan.app.benchmark_sweep import CELL_COLUMNS, read_cells, run_sweep
from wgan.benchmark import BenchmarkCell, gradient_agreement, make_funnel_pair, run_cell
from wgan.benchmark.table import BenchmarkTable, SweepSettings, benchmark_table
from wgan.cli import main

TINY = dict(n_funnels=4, steps=30, width=16, depth=2, n_eval=256, n_ot=64, n_mc=2048,
            device="cpu")


def result_row(method="gp", dim=2, err=0.0, cos=0.5, seed=0, n_funnels=4):
    """A CellResult with the given value error and cosine (W1 = 1, K = 1)."""
    from wgan.benchmark.cell import CellResult

    return CellResult(key=f"d{dim}-k{n_funnels}-{method}-s{seed}", dim=dim,
                      n_funnels=n_funnels, method=method, seed=seed,
                      pair=f"funnels-d{dim}-k{n_funnels}", w1=1.0, w1_stderr=0.0, raw=1 + err,
                      raw_stderr=0.01, lipschitz=1.0, normalised=1 + err, raw_error=err,
                      raw_error_lo=err - 0.02, raw_error_hi=err + 0.02, normalised_error=err,
                      grad_cosine=cos, grad_cosine_lo=cos - 0.01, grad_cosine_hi=cos + 0.01,
                      grad_l2=0.0, grad_l2_normalised=0.0, steps=1, seconds=1.0,
                      steps_per_second=1.0, total_seconds=1.0, device="cpu", eval_device="cpu")


def timeless(rows) -> list[dict]:
    """Rows without their wall times (which differ between runs)."""
    return [{**r.to_dict(), "seconds": 0, "steps_per_second": 0, "total_seconds": 0}
            for r in rows]


def tiny_settings(**kw) -> SweepSettings:
    return SweepSettings(dims=kw.pop("dims", (2, 3)), methods=kw.pop("methods", ("gp", "ot")),
                         seeds=kw.pop("seeds", (0,)),
                         template=BenchmarkCell(dim=2, method="gp", **TINY))


class TestGradientAgreement:
    def test_optimal_critic_scores_perfectly(self, gen):
        pair = make_funnel_pair(4, 8, n_mc=1024)
        _, y = pair.sample_plan(500, gen)
        a = gradient_agreement(pair.gradient(y), pair.gradient(y))
        assert a.cosine == pytest.approx(1.0, abs=1e-12)
        assert a.l2 == pytest.approx(0.0, abs=1e-12)

    def test_reversed_critic_scores_minus_one(self, gen):
        # A world where the critic is wrong: -grad u has cosine -1 and L2 error 4.
        pair = make_funnel_pair(4, 8, n_mc=1024)
        _, y = pair.sample_plan(500, gen)
        a = gradient_agreement(-pair.gradient(y), pair.gradient(y))
        assert a.cosine == pytest.approx(-1.0, abs=1e-12)
        assert a.l2 == pytest.approx(4.0, rel=1e-12)

    def test_scale_only_error_vanishes_after_normalising(self):
        g = torch.randn(100, 3, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
        g = g / g.norm(dim=1, keepdim=True)
        a = gradient_agreement(0.01 * g, g, lipschitz=0.01)
        assert a.cosine == pytest.approx(1.0, abs=1e-12)
        assert a.l2 == pytest.approx(0.99**2, rel=1e-12)
        assert a.l2_normalised == pytest.approx(0.0, abs=1e-12)

    def test_bad_shapes(self):
        with pytest.raises(ValueError, match="same shape"):
            gradient_agreement(torch.zeros(3, 2), torch.zeros(3, 3))


def test_ot_cell_scores_the_exact_ot_critic():
    from wgan.benchmark import evaluate_critic, fit_exact_ot_critic

    cell = BenchmarkCell(dim=2, method="ot", **TINY)
    res = run_cell(cell)
    pair = cell.pair()
    fit = fit_exact_ot_critic(pair, 64, seed=0)
    score = evaluate_critic(fit.critic, pair, n=256, seed=1_000_003)
    assert (res.raw, res.grad_cosine) == (score.raw, score.cosine)  # the same critic, scored
    assert res.lipschitz <= 1 + 1e-12 and res.steps == 0 and res.device == "cpu"


def test_critic_cell_reports_its_fit_and_errors():
    res = run_cell(BenchmarkCell(dim=3, method="sn", **TINY))
    assert (res.key, res.steps, res.eval_device) == ("d3-k4-sn-s0", 30, "cpu")
    assert res.raw_error == pytest.approx(res.raw / res.w1 - 1, rel=1e-9)
    assert res.normalised == pytest.approx(res.raw / res.lipschitz, rel=1e-12)
    assert res.raw_error_lo < res.raw_error < res.raw_error_hi


def test_benchmark_table_summarises_over_seeds():
    table = benchmark_table(tiny_settings(dims=(2,), methods=("ot",), seeds=(0, 1)))
    assert len(table.rows) == 2 and len(table.summary) == 1
    s = table.summary[0]
    errs = [r.raw_error for r in table.rows]
    assert s.raw_error == pytest.approx(np.mean(errs), rel=1e-12)
    assert s.raw_error_std == pytest.approx(np.std(errs, ddof=1), rel=1e-9)
    # their released number for the same method (dot = discrete OT) on their 2-D, 4-funnel pair
    from wgan.benchmark import anchor_metrics

    assert s.their_cosine == anchor_metrics(2, 4)["dot"].cosine


def test_cells_of_other_settings_are_rows_of_their_own_never_seeds(tmp_path):
    # otnet at N = 4096 (two seeds) and N = 16384 (one seed) on one pair, read back from two
    # sweep folders: two rows, each named by the N that sets it apart, each its own mean.
    from wgan.app.benchmark_sweep import read_cells_settings
    from wgan.benchmark.table import summarise

    rows = []
    for name, n_ot, cosines in (("a", 4096, (0.80, 0.82)), ("b", 16384, (0.95,))):
        settings = {"n_ot": n_ot, "steps": 2000}
        with (tmp_path / f"{name}.csv").open("w", newline="") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow([*CELL_COLUMNS, "settings"])
            for seed, cos in enumerate(cosines):
                r = result_row(method="otnet", dim=16, cos=cos, seed=seed)
                w.writerow([*r.to_dict().values(), json.dumps({**settings, "seed": seed})])
        rows += read_cells_settings(tmp_path / f"{name}.csv")
    summary = summarise([r for r, _ in rows], [st for _, st in rows])
    got = {(s.variant, s.n_seeds): s.grad_cosine for s in summary}
    assert got == pytest.approx({("n_ot=4096", 2): 0.81, ("n_ot=16384", 1): 0.95}, abs=1e-12)
    best = BenchmarkTable.from_rows([r for r, _ in rows], [st for _, st in rows]).best()
    assert [(b.method, b.variant) for b in best] == [("otnet", "n_ot=16384")]
    # The world the key guards against: without the settings the three cells are one row,
    # the two N's averaged as if they were seeds.
    (merged,) = summarise([r for r, _ in rows])
    assert (merged.variant, merged.n_seeds) == ("", 3)
    assert merged.grad_cosine == pytest.approx((0.80 + 0.82 + 0.95) / 3, abs=1e-12)


def test_breakdowns_find_the_first_failing_dimension():
    def row(dim, cos, err):
        return result_row(dim=dim, cos=cos, err=err)

    table = BenchmarkTable.from_rows([row(2, 0.95, 0.05), row(8, 0.85, 0.05),
                                      row(32, 0.80, -0.2)])
    assert table.breakdowns()["gp"] == {"cosine_below": 8, "normalised_beyond": 32,
                                        "raw_beyond": 32}


def test_sweep_writes_a_row_per_cell_and_resume_skips_them(tmp_path):
    settings = tiny_settings()
    first = run_sweep(settings, tmp_path, progress=False)
    assert (first.ran, first.skipped) == (4, 0)
    with (tmp_path / "cells.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    assert [r["key"] for r in rows] == [c.key for c in settings.cells()]
    assert tuple(rows[0]) == (*CELL_COLUMNS, "settings")
    for name in ("summary.csv", "summary.md", "value_error.png", "gradient_cosine.png"):
        assert (tmp_path / name).stat().st_size > 0
    seen = []
    again = run_sweep(settings, tmp_path, resume=True, progress=False, on_result=seen.append)
    assert (again.ran, again.skipped, seen) == (0, 4, [])
    # A round trip through the CSV keeps every number exactly.
    assert read_cells(tmp_path / "cells.csv") == list(first.table.rows)
    # Resume after an interruption: drop the last row, only that cell runs again.
    lines = (tmp_path / "cells.csv").read_text().splitlines()
    (tmp_path / "cells.csv").write_text("\n".join(lines[:-1]) + "\n")
    third = run_sweep(settings, tmp_path, resume=True, progress=False)
    assert (third.ran, third.skipped) == (1, 3)
    assert timeless(third.table.rows) == timeless(first.table.rows)  # seeded: same numbers


def test_two_local_workers_give_the_same_rows(tmp_path):
    settings = tiny_settings(dims=(2,), methods=("gp", "lp"))
    serial = run_sweep(settings, tmp_path / "a", progress=False)
    parallel = run_sweep(settings, tmp_path / "b", workers=2, progress=False)
    assert timeless(serial.table.rows) == timeless(parallel.table.rows)


@pytest.mark.skipif(importlib.util.find_spec("ray") is None,
                    reason="ray is not installed (optional extra [distributed])")
def test_ray_local_cluster_runs_the_cells(tmp_path):
    settings = tiny_settings(dims=(2,), methods=("ot",), seeds=(0, 1))
    out = run_sweep(settings, tmp_path, ray_address="local", workers=1, progress=False)
    assert out.ran == 2
    ref = benchmark_table(settings)
    # The same exact W1 in another process: equal up to the round-off of summing the plan's
    # costs (seen: one ulp apart, 2e-16 relative, when Ray's worker summed in another order).
    np.testing.assert_allclose([r.raw for r in out.table.rows], [r.raw for r in ref.rows],
                               rtol=1e-12)


def test_cli_benchmark_writes_outputs_and_rejects_bad_input(tmp_path, capsys):
    rc = main(["benchmark", "--dims", "2", "--methods", "ot", "--seeds", "0", "--funnels", "4",
               "--n-eval", "256", "--n-ot", "64", "--out", str(tmp_path), "--quiet"])
    assert rc == 0
    assert "| ot | 2 |" in capsys.readouterr().out
    assert len(read_cells(tmp_path / "cells.csv")) == 1
    assert main(["benchmark", "--dims", "0", "--out", str(tmp_path), "--quiet"]) == 2
    assert "dim must be a positive integer; got 0" in capsys.readouterr().err


def test_cell_rejects_bad_settings():
    with pytest.raises(ValueError, match="method must be one of clip, gp, lp, sn, groupsort, ot"):
        BenchmarkCell(dim=2, method="wgan")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="workers must be a positive integer; got 0"):
        run_sweep(tiny_settings(), "x", workers=0)
    assert math.isfinite(make_funnel_pair(2, 4, n_mc=64).w1)


def test_figures_draw_one_line_per_method_and_switch_to_symlog_only_when_needed():
    import matplotlib.pyplot as plt

    from wgan.benchmark.plots import cosine_figure, value_error_figure

    def row(method, dim, err, seed=0):
        return result_row(method=method, dim=dim, err=err, cos=0.5 + 0.1 * seed, seed=seed,
                          n_funnels=5)  # not one of the anchor's pairs: no 'their best'

    small = BenchmarkTable.from_rows([row("gp", 2, -0.2), row("gp", 8, -0.3),
                                      row("lp", 2, 0.1), row("lp", 2, 0.05, seed=1)])
    fig = value_error_figure(small.summary)
    assert [ax.get_yscale() for ax in fig.axes] == ["linear", "linear"]
    # one legend, for both panels (the same lines), beside the right one
    assert fig.axes[0].get_legend() is None
    assert len(fig.axes[1].get_legend().get_texts()) == 2
    cos = cosine_figure(small.summary)
    assert len(cos.axes[0].get_legend().get_texts()) == 3  # + 0.9
    # never over the data: the legend lies right of the axes' box
    cos.canvas.draw()
    box, legend = cos.axes[0].get_window_extent(), cos.axes[0].get_legend().get_window_extent()
    assert legend.x0 > box.x1
    # lp: cosines 0.5 and 0.6 over two seeds -> the error bar is their std 0.1 / sqrt(2)
    lp = next(s for s in small.summary if s.method == "lp")
    assert lp.grad_cosine_std == pytest.approx(0.1 / math.sqrt(2), rel=1e-12)
    big = BenchmarkTable.from_rows([row("ot", 64, 8.0), row("gp", 64, -0.4)])
    assert value_error_figure(big.summary).axes[0].get_yscale() == "symlog"
    plt.close("all")
