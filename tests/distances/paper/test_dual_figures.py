"""Tests of distances.paper.dual_figures: the data behind each figure, and the files it saves."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest

from distances import Discrete, earth_mover
from distances.paper.dual_figures import (
    DualFigure,
    dual_figure_1d,
    dual_figure_2d,
    teaching_figures,
)
from wgan.app.artifacts import save_dual_figure
from wgan.app.paper_outputs import write_dual_figures

EXACT = 1e-12  # hand-computed numbers of the tutorial example, exact up to round-off


@pytest.fixture()
def tutorial_figure() -> Iterator[DualFigure]:
    fig = dual_figure_1d(Discrete([0.0, 3.0]), Discrete([1.0, 3.0], [0.75, 0.25]))
    yield fig
    plt.close(fig.figure)


def test_1d_tables_hold_the_tutorial_numbers(tutorial_figure: DualFigure) -> None:
    t = tutorial_figure.tables
    assert t["atoms"]["x"].tolist() == [0.0, 1.0, 3.0]
    np.testing.assert_allclose(t["atoms"]["f"], [1.0, 0.0, 2.0], atol=EXACT)
    np.testing.assert_allclose(t["cdf"]["F_P"], [0.5, 0.5, 1.0], atol=EXACT)
    np.testing.assert_allclose(t["cdf"]["F_Q"], [0.0, 0.75, 1.0], atol=EXACT)
    np.testing.assert_allclose(t["slopes"]["slope"], [-1.0, 1.0], atol=EXACT)
    plan = sorted(zip(t["plan"]["x_from"], t["plan"]["x_to"], t["plan"]["mass"], strict=True))
    np.testing.assert_allclose(plan, [(0.0, 1.0, 0.5), (3.0, 1.0, 0.25), (3.0, 3.0, 0.25)])
    assert "primal cost = 1, dual value = 1" in tutorial_figure.figure.get_suptitle()


def test_1d_cdf_area_is_w1() -> None:
    rng = np.random.default_rng(3)
    P, Q = Discrete(rng.normal(size=7)), Discrete(rng.normal(size=5) + 0.5)
    res = dual_figure_1d(P, Q)
    c = res.tables["cdf"]
    area = float(np.abs(c["F_P"] - c["F_Q"])[:-1] @ np.diff(c["t"]))
    np.testing.assert_allclose(area, earth_mover(P, Q), rtol=1e-12)
    assert np.all(np.abs(res.tables["slopes"]["slope"]) <= 1.0 + 1e-9)
    plt.close(res.figure)


def test_2d_tables_and_plan_slope() -> None:
    rng = np.random.default_rng(5)
    P, Q = Discrete(rng.normal(size=(6, 2))), Discrete(rng.normal(size=(4, 2)) + 2.0)
    res = dual_figure_2d(P, Q, grid_size=30)
    sol = res.solution
    g = res.tables["grid"]
    assert g["f"].shape == (900,)
    np.testing.assert_allclose(g["f"], sol.extend(np.column_stack([g["z1"], g["z2"]])))
    pl = res.tables["plan"]
    np.testing.assert_allclose(pl["mass"].sum(), 1.0, rtol=1e-12)
    # along every segment of the plan, f drops by exactly its length (slope 1)
    start = sol.extend(np.column_stack([pl["from_1"], pl["from_2"]]))
    end = sol.extend(np.column_stack([pl["to_1"], pl["to_2"]]))
    length = np.hypot(pl["to_1"] - pl["from_1"], pl["to_2"] - pl["from_2"])
    np.testing.assert_allclose(start - end, length, atol=1e-9)
    plt.close(res.figure)


def test_save_writes_figure_and_csv(tutorial_figure: DualFigure, tmp_path: Path) -> None:
    paths = save_dual_figure(tutorial_figure, tmp_path, "dual1d")
    names = sorted(p.name for p in paths)
    assert names == [
        "dual1d.pdf",
        "dual1d.png",
        "dual1d_atoms.csv",
        "dual1d_cdf.csv",
        "dual1d_plan.csv",
        "dual1d_slopes.csv",
    ]
    with (tmp_path / "dual1d_atoms.csv").open() as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["x", "p", "q", "f"]
    assert [float(v) for v in rows[3]] == [3.0, 0.5, 0.25, 2.0]


def test_dimension_errors() -> None:
    with pytest.raises(ValueError, match="on the line; got dimensions 2 and 2"):
        dual_figure_1d(Discrete([[0.0, 0.0]]), Discrete([[1.0, 0.0]]))
    with pytest.raises(ValueError, match="in the plane; got dimensions 1 and 1"):
        dual_figure_2d(Discrete([0.0]), Discrete([1.0]))
    with pytest.raises(ValueError, match="grid_size must be an integer >= 2; got 1"):
        dual_figure_2d(Discrete([[0.0, 0.0]]), Discrete([[1.0, 0.0]]), grid_size=1)


def test_teaching_figures_are_computed_without_files(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    figures = teaching_figures()
    assert sorted(figures) == ["clouds", "line", "triangle"]
    assert list(tmp_path.iterdir()) == []  # the paper layer writes nothing


def test_write_teaching_figures(tmp_path: Path) -> None:
    figures, checks, _ = write_dual_figures(tmp_path)
    assert sorted(figures) == ["clouds", "line", "triangle"]
    assert [c.passed for c in checks] == [True, True, True]
    written = sorted(p.name for p in tmp_path.iterdir())
    for name in ("line", "triangle", "clouds"):
        assert f"dual_{name}.png" in written
        assert f"dual_{name}.pdf" in written
        assert f"dual_{name}_atoms.csv" in written
    np.testing.assert_allclose(figures["line"].solution.value, 1.0, rtol=EXACT)
    np.testing.assert_allclose(figures["triangle"].solution.value, 4.5, rtol=EXACT)
    clouds = figures["clouds"].solution
    np.testing.assert_allclose(clouds.value, clouds.primal_cost, rtol=1e-9)
