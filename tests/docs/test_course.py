"""The course's own machinery: gallery sections, figure text sizes, the slider's numbers,
and CITATION.cff (docs/_ext, examples/, CITATION.cff)."""

from __future__ import annotations

import math
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "docs" / "_ext"))
import figure_text  # noqa: E402  (docs/_ext is not a package)
import gallery_order  # noqa: E402


def test_every_gallery_section_is_ordered_and_has_a_header() -> None:
    folders = sorted(p.name for p in (ROOT / "examples").iterdir() if p.is_dir())
    assert sorted(gallery_order.SECTIONS) == folders
    for name in folders:
        assert (ROOT / "examples" / name / "README.txt").is_file(), name
    # the order of the course, and an unknown section after the known ones
    key = gallery_order.SECTION_ORDER
    paths = [f"../examples/{name}" for name in ("critics", "zzz", "distances", "kr_dual")]
    assert sorted(paths, key=key) == [
        "../examples/distances",
        "../examples/kr_dual",
        "../examples/critics",
        "../examples/zzz",
    ]


def test_every_listed_example_exists() -> None:
    present = {p.name for p in (ROOT / "examples").glob("*/plot_*.py")}
    assert set(gallery_order.COURSE) <= present, set(gallery_order.COURSE) - present
    assert not list((ROOT / "examples").glob("plot_*.py")), "an example outside the sections"


def test_drawn_text_reports_the_smallest_font() -> None:
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.set_title("title", fontsize=14)
    ax.set_xlabel("tiny", fontsize=5)
    ax.tick_params(labelsize=9)
    ax.text(0.5, 0.5, "hidden", fontsize=2, visible=False)  # not drawn: not counted
    plt.close(fig)  # as the gallery's scraper leaves it: closed by pyplot, drawn again
    sizes = figure_text.drawn_text(fig)
    assert min(sizes) == (5.0, "tiny")
    assert (14.0, "title") in sizes and all(text != "hidden" for _, text in sizes)
    assert any(size == 9.0 for size, _ in sizes)  # the tick labels


def test_slider_numbers_are_example1() -> None:
    pytest.importorskip("docutils", reason="the slider directive needs the [docs] extra")
    import example1_slider

    data = example1_slider.slider_data(points=4, steps=8)
    rows = {round(r["theta"], 6): r for r in data["rows"]}
    assert sorted(rows) == [-1.0, -0.75, -0.5, -0.25, 0.0, 0.25, 0.5, 0.75, 1.0]
    for theta, r in rows.items():
        assert r["w1"] == abs(theta)
        assert r["w1_samples"] == pytest.approx(abs(theta), abs=1e-12)  # exact solver
        assert r["js"] == (math.log(2) if theta else 0.0)
        assert r["tv"] == (1.0 if theta else 0.0)
        assert r["kl"] == ("+inf" if theta else 0.0)
        # the same heights on both lines: the plan moves each point straight across
        assert sorted((i, j) for i, j, _ in r["plan"]) == [(k, k) for k in range(4)]
        assert sum(mass for *_, mass in r["plan"]) == pytest.approx(1.0)


def test_citation_matches_the_package() -> None:
    cff = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    version = re.search(r'^version = "([^"]+)"', (ROOT / "pyproject.toml").read_text(), re.M)
    assert re.search(rf"^version: {re.escape(version.group(1))}$", cff, re.M)
    assert cff.startswith("cff-version: 1.2.0")
    assert "Wasserstein Generative Adversarial Networks" in cff
    assert "Kantorovich Strikes Back" in cff


def test_animation_player_needs_no_network() -> None:
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import offline_animations
    from matplotlib.animation import FuncAnimation

    fig, ax = plt.subplots(figsize=(1, 1), dpi=20)
    (line,) = ax.plot([0, 1], [0, 0])
    anim = FuncAnimation(fig, lambda k: (line.set_ydata([k, k]),), frames=2)
    raw = anim.to_jshtml()
    plt.close(fig)
    assert (
        "maxcdn.bootstrapcdn.com" in raw and 'class="fa fa-play' in raw
    )  # as matplotlib writes it
    html = offline_animations.offline_player(raw)
    assert "http" not in html.replace("http://www.w3.org", "")  # nothing fetched from a network
    assert 'class="fa ' not in html
    assert html.count('<span aria-hidden="true">') == 9  # the player's nine buttons
    assert offline_animations.ICONS["fa-pause"] in html and "\u25c0" in html  # backwards
