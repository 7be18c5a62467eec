"""The figure functions, the report writers and the two commands (quick settings)."""

from __future__ import annotations

import csv
import json
import math

import matplotlib.pyplot as plt
import numpy as np
import pytest

from distances.paper.example1 import LearningConfig, figure1_data, learn_parallel_lines
from distances.paper.figures import plot_figure1, plot_learning, plot_theorem1, plot_theorem2
from distances.paper.results import CheckResult, EvidenceTable
from wgan.cli import main

LOG2 = math.log(2.0)


@pytest.fixture(scope="module")
def figure1_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("figure1")
    assert main(["figure1", "--out", str(out), "--quick"]) == 0
    return out


@pytest.fixture(scope="module")
def theorems_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("theorems")
    assert main(["theorems", "--out", str(out), "--quick"]) == 0
    return out


class TestFigure1Command:
    def test_files(self, figure1_dir):
        names = {p.name for p in figure1_dir.iterdir()}
        for stem in ("figure1", "figure1_extended", "learning_parallel_lines"):
            assert {f"{stem}.png", f"{stem}.pdf"} <= names
        assert {"figure1.csv", "figure1_summary.json", "learning_parallel_lines.csv"} <= names
        assert (figure1_dir / "figure1.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert (figure1_dir / "figure1.pdf").read_bytes()[:5] == b"%PDF-"

    def test_csv_matches_closed_forms(self, figure1_dir):
        with (figure1_dir / "figure1.csv").open() as fh:
            rows = list(csv.DictReader(fh))
        assert len(rows) == 21
        for row in rows:
            theta = float(row["theta"])
            assert abs(float(row["w1_same_z"]) - abs(theta)) <= 1e-12
            assert float(row["w1_exact"]) == abs(theta)
            w1, floor = float(row["w1_indep"]), float(row["floor"])
            # |theta| <= W1(indep) <= |theta| + floor (round-off slack 1e-12).
            assert abs(theta) - 1e-12 <= w1 <= abs(theta) + floor + 1e-12
            assert float(row["js_same_z"]) == (0.0 if theta == 0 else LOG2)
            assert float(row["js_indep"]) == LOG2
            assert float(row["kl_exact"]) == (0.0 if theta == 0 else math.inf)

    def test_summary(self, figure1_dir):
        s = json.loads((figure1_dir / "figure1_summary.json").read_text())
        assert s["n_per_line"] == 64 and s["independent_within_floor"] is True
        assert s["max_abs_error_w1_same_z"] <= 1e-12
        assert 0 < s["finite_sample_floor"] <= s["floor_population_bound"]

    def test_learning_csv(self, figure1_dir):
        with (figure1_dir / "learning_parallel_lines.csv").open() as fh:
            rows = list(csv.DictReader(fh))
        assert float(rows[0]["w1_theta"]) == 1.0
        assert abs(float(rows[-1]["w1_theta"])) < 1e-3
        assert {float(r["js_theta"]) for r in rows} == {1.0}
        assert {float(r["kl_theta"]) for r in rows} == {1.0}
        assert {float(r["js_value"]) for r in rows} == {LOG2}


class TestTheoremsCommand:
    def test_report(self, theorems_dir):
        md = (theorems_dir / "theorems.md").read_text()
        assert "Result: **all checks pass**" in md
        assert md.count(": PASS") >= 5 and "FAIL" not in md
        for png in ("theorem_1_example_1_g_z_theta_z.png", "theorem_2_five_sequences.png"):
            assert f"]({png})" in md and (theorems_dir / png).exists()

    def test_tables_written(self, theorems_dir):
        with (theorems_dir / "theorem_2_five_sequences.csv").open() as fh:
            rows = list(csv.DictReader(fh))
        assert [r["W1"] for r in rows] == ["-> 0"] * 5

    def test_failing_check_gives_exit_code_1(self, tmp_path, monkeypatch, capsys):
        bad = CheckResult(
            "Broken", "a claim", (EvidenceTable("t", ("a",), ((1.0,),)),), False, ("it broke",)
        )
        monkeypatch.setattr("wgan.app.paper_outputs.run_all_checks", lambda **kw: [bad])
        assert main(["theorems", "--out", str(tmp_path), "--quick"]) == 1
        assert "FAIL  Broken" in capsys.readouterr().out
        assert "SOME CHECKS FAIL" in (tmp_path / "theorems.md").read_text()


class TestFigureFunctions:
    def test_figure1_panels(self):
        data = figure1_data([-1.0, 0.0, 1.0], n=8)
        fig = plot_figure1(data)
        titles = [ax.get_title() for ax in fig.axes]
        assert any("Earth-Mover" in t for t in titles) and any("Jensen" in t for t in titles)
        assert len(fig.axes) == 2
        # The left panel's markers are the data: same-z values at theta = -1, 0, 1.
        same = [ln for ln in fig.axes[0].lines if ln.get_label() == "exact solver, same $z$"]
        np.testing.assert_array_equal(same[0].get_ydata(), [1.0, 0.0, 1.0])
        plt.close(fig)
        fig = plot_figure1(data, extended=True)
        assert len(fig.axes) == 4
        plt.close(fig)

    def test_learning_figure(self):
        runs = [learn_parallel_lines(k, LearningConfig(steps=3, n=4)) for k in ("w1", "js")]
        fig = plot_learning(runs)
        labels = [ln.get_label() for ln in fig.axes[0].lines]
        assert "exact W1 (envelope gradient)" in labels and "JS (gradient 0)" in labels
        plt.close(fig)

    def test_theorem_figures(self):
        table = {
            "curves": [("h = 0.1", np.array([0.0, 0.1]), np.array([0.0, 0.1]))],
            "levels": [{"h": 0.1, "max_slope": 1.0, "bound": 1.0, "js_jump": LOG2}],
        }
        plt.close(plot_theorem1(table))
        rows = [
            {
                "name": "s",
                "tv": [1.0, 1.0],
                "js": [LOG2] * 2,
                "kl_np": [math.inf] * 2,
                "kl_pn": [math.inf] * 2,
                "w1": [1.0, 0.1],
            }
        ]
        fig = plot_theorem2(rows, [1, 10])
        assert fig.axes[0].get_title() == "s"
        plt.close(fig)
