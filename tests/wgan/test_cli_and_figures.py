"""The CLI subcommands and the experiment writers, at quick settings."""

import csv
import json

import numpy as np
import pytest
from matplotlib.figure import Figure

from wgan import figures
from wgan.app.wgan_outputs import (
    critic_table,
    write_example1_learning,
    write_figure2,
    write_finite_sample,
)
from wgan.cli import main


def test_cli_critic_comparison_1(tmp_path, capsys):
    code = main(["critic", "--method", "lp", "--width", "16", "--depth", "2",
                 "--iterations", "50", "--lr", "1e-3", "--n-eval", "2000", "--n-lipschitz", "200",
                 "--quiet",
                 "--out", str(tmp_path)])
    assert code == 0
    data = json.loads((tmp_path / "critic_result.json").read_text())
    assert data["w1"] == 1.0 and data["comparison"] == 1
    assert "normalised estimate" in capsys.readouterr().out


def test_cli_critic_comparison_2(tmp_path):
    code = main(["critic", "--finite", "64", "--width", "16", "--depth", "2",
                 "--iterations", "50", "--lr", "1e-3", "--quiet", "--out", str(tmp_path)])
    assert code == 0
    data = json.loads((tmp_path / "critic_result.json").read_text())
    assert data["normalised"] <= data["exact"]
    assert data["comparison"] == 2 and data["n"] == 64
    for name in ("finite_sample.png", "finite_sample.pdf", "finite_sample_grid.json"):
        assert (tmp_path / name).exists(), name


@pytest.mark.parametrize("argv", [
    ["critic", "--iterations", "0"],
    ["critic", "--finite", "1"],
    ["train", "--iterations", "-3"],
    ["train", "--n-exact", "1"],
])
def test_cli_bad_options_exit_2_with_the_rule(tmp_path, capsys, argv):
    assert main([*argv, "--out", str(tmp_path / "out")]) == 2
    assert "error:" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_cli_unknown_method_is_rejected_by_argparse(capsys):
    with pytest.raises(SystemExit):
        main(["train", "--method", "wgan"])
    assert "invalid choice: 'wgan'" in capsys.readouterr().err


def test_cli_train_writes_everything(tmp_path):
    out = tmp_path / "run"
    code = main(["train", "--iterations", "6", "--log-every", "3", "--n-exact", "32",
                 "--width", "8", "--depth", "1", "--quiet", "--out", str(out)])
    assert code == 0
    for name in ("metrics.csv", "checkpoint.pt", "training_curves.png", "training_curves.pdf",
                 "samples.png", "samples.csv", "critic_grid.json", "report.md"):
        assert (out / name).exists(), name
    assert main(["train", "--iterations", "9", "--log-every", "3", "--n-exact", "32",
                 "--width", "8", "--depth", "1", "--quiet", "--out", str(out), "--resume"]) == 0
    with open(out / "metrics.csv") as fh:
        assert [int(r["step"]) for r in csv.DictReader(fh)] == [0, 3, 6, 9]


def test_critic_table_quick(tmp_path):
    results = critic_table(quick=True, out_dir=tmp_path, methods=["lp", "clip"],
                           pairs=["translation", "example1"])
    assert [(r.pair, r.method) for r in results] == [
        ("translation", "lp"), ("translation", "clip"), ("example1", "lp"), ("example1", "clip")]
    with open(tmp_path / "critic_table.csv") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 4
    for r, row in zip(results, rows, strict=True):
        np.testing.assert_allclose(float(row["raw_error"]), r.raw / r.w1 - 1, rtol=1e-12)
    # weight clipping: the raw estimate is K * W1 with a tiny K, far below W1
    assert results[1].raw < 0.1 * results[1].w1
    assert "| translation | lp |" in (tmp_path / "critic_table.md").read_text()


def test_critic_table_rejects_unknown_method():
    with pytest.raises(ValueError, match="method must be one of clip, gp, lp, sn; got 'wgan'"):
        critic_table(quick=True, methods=["wgan"])


def test_finite_sample_quick(tmp_path):
    fs, _ = write_finite_sample(tmp_path, quick=True)
    result = fs.result
    assert result.normalised <= result.exact
    assert json.loads((tmp_path / "finite_sample.json").read_text())["duality_holds"] is True
    assert (tmp_path / "finite_sample.png").exists()


def test_figure2_quick_shows_saturation_and_linearity(tmp_path):
    write_figure2(tmp_path, quick=True)
    summary = json.loads((tmp_path / "figure2.json").read_text())
    # the GAN discriminator is flat (< 0.01 or > 0.99) on most of [-5, 5]
    assert summary["discriminator_saturated_fraction"] > 0.7
    # the normalised critic decreases between the modes (real on the left), slope well
    # away from 0 (the exact optimum has slope -1)
    assert summary["critic_linear_fit_slope"] < -0.5
    with open(tmp_path / "figure2.csv") as fh:
        assert len(list(csv.DictReader(fh))) == 401


def test_example1_learning_quick(tmp_path):
    write_example1_learning(tmp_path, quick=True)
    summary = json.loads((tmp_path / "example1_learning.json").read_text())
    # WGAN moves theta from 1 towards 0 (60 SGD steps of about 0.02: at most 1.2 in all; the
    # seeded run ends at -0.199); the bound is the one `reproduce` judges by, |theta| < 1/4.
    # The GAN's gradient has vanished: theta stays within 1e-3 of its start
    assert abs(summary["final_theta_wgan"]) < 0.25
    assert abs(summary["final_theta_gan"] - 1.0) < 1e-3


def test_figure_functions_return_figures():
    s = np.arange(5)
    assert isinstance(figures.training_curves_figure(s, s * 0.1, s * 0.2, s * 0 + 0.1), Figure)
    g = np.linspace(-1, 1, 5)
    fig = figures.level_sets_figure(g, g, np.add.outer(g, g), np.zeros((3, 2)), np.ones((3, 2)))
    assert isinstance(fig, Figure)
    fig = figures.example1_learning_figure(s, s, s, s, s)
    assert len(fig.axes) == 2
