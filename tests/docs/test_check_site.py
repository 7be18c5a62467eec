"""docs/check_site.py: each rule of the browser check fails on a page that breaks it.

Runs a real headless Chromium (the system's, through Selenium and chromedriver) on a tiny
site written here. Skipped, with the reason, when no browser, chromedriver, selenium or
offline MathJax (the ``sphinx-mathjax-offline`` package of the ``docs`` extra) is installed.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import sys
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"
sys.path.insert(0, str(DOCS))
import check_site  # noqa: E402  (docs/ is not a package)

FOUND = check_site.find_browser()
MATHJAX = importlib.util.find_spec("sphinx-mathjax-offline")
pytestmark = [
    pytest.mark.skipif(isinstance(FOUND, str), reason=f"no browser: {FOUND}"),
    pytest.mark.skipif(importlib.util.find_spec("selenium") is None, reason="no selenium"),
    pytest.mark.skipif(MATHJAX is None, reason="no sphinx-mathjax-offline (MathJax files)"),
]

HEAD = '<html><head><script defer src="{src}"></script></head><body>{body}</body></html>'
LOCAL = "_static/mathjax/tex-chtml.js"


def _site(tmp_path: Path) -> Path:
    mathjax = Path(MATHJAX.submodule_search_locations[0]) / "static" / "mathjax"
    shutil.copytree(mathjax, tmp_path / "_static" / "mathjax")
    pages = {
        "index.html": HEAD.format(
            src=LOCAL,
            body='<p id="top"><span class="math">\\(x^2\\)</span> <a href="good.html#here">a</a>'
            '<img src="dot.svg"></p>',
        ),
        "good.html": HEAD.format(src=LOCAL, body='<p id="here">fine <a href="#here">x</a></p>'),
        "cdn.html": HEAD.format(
            src="https://cdn.example.org/mathjax/tex-chtml.js",
            body='<span class="math">\\(y\\)</span>',
        ),
        "texerror.html": HEAD.format(
            src=LOCAL,
            body='<span class="math">\\(x^1^2\\)</span> <span class="math">\\(\\foo\\)</span>',
        ),
        "links.html": HEAD.format(
            src=LOCAL, body='<a href="missing.html">m</a> <a href="good.html#nowhere">n</a>'
        ),
        "image.html": HEAD.format(src=LOCAL, body='<img src="_images/missing.png">'),
        "js.html": HEAD.format(src=LOCAL, body='<script>throw new Error("boom")</script>'),
    }
    for name, text in pages.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "dot.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" '
        'height="4"/></svg>',
        encoding="utf-8",
    )
    return tmp_path


def test_each_rule_fails_on_a_page_that_breaks_it(tmp_path: Path) -> None:
    root = _site(tmp_path)
    names = [
        "index.html",
        "good.html",
        "cdn.html",
        "texerror.html",
        "links.html",
        "image.html",
        "js.html",
    ]
    reports = {r.page: r for r in check_site.check_pages(root, [root / n for n in names], *FOUND)}
    assert reports["index.html"].problems == []
    assert reports["index.html"].math == 1 and reports["index.html"].images == 1
    assert reports["good.html"].problems == []

    cdn = " ".join(reports["cdn.html"].problems)
    assert "network request" in cdn and "cdn.example.org" in cdn
    assert "unrendered math: '\\\\(y\\\\)'" in cdn

    assert reports["texerror.html"].problems == [
        "TeX error: 'Double exponent: use braces to clarify'",
        "undefined TeX macro: '\\\\foo'",
    ]
    assert sorted(reports["links.html"].problems) == [
        "broken anchor: good.html#nowhere",
        "broken link: missing.html",
    ]
    assert reports["image.html"].problems[0] == "broken image: _images/missing.png"
    assert any("boom" in p for p in reports["js.html"].problems)


def test_main_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _site(tmp_path)
    assert check_site.main([str(root), "--page", "index.html", "--page", "good.html"]) == 0
    assert check_site.main([str(root), "--page", "links.html"]) == 1
    assert "FAIL links.html" in capsys.readouterr().out


FIXTURES = Path(__file__).resolve().parent / "fixtures"
READABILITY_PAGES = (
    "readable.html",
    "wide_display.html",
    "garbled_tex.html",
    "small_figure.html",
    "small_text.html",
    "dead_slider.html",
)


@pytest.fixture(scope="module")
def readability(tmp_path_factory: pytest.TempPathFactory) -> dict[str, check_site.PageReport]:
    """The readability rules run on tests/docs/fixtures, one page breaking each rule."""
    root = tmp_path_factory.mktemp("readability")
    shutil.copytree(FIXTURES, root, dirs_exist_ok=True)
    mathjax = Path(MATHJAX.submodule_search_locations[0]) / "static" / "mathjax"
    shutil.copytree(mathjax, root / "_static" / "mathjax")
    pages = [root / name for name in READABILITY_PAGES]
    return {r.page: r for r in check_site.check_pages(root, pages, *FOUND)}


def test_a_readable_page_passes(readability: dict[str, check_site.PageReport]) -> None:
    # a split display, TeX and backticks inside code, a figure at its natural width with
    # 20 px text, and a slider that updates its output: no problem, and all of it counted
    page = readability["readable.html"]
    assert page.problems == []
    assert (page.displays, page.sliders, page.images) == (1, 1, 1)


def test_a_display_wider_than_its_column_fails(readability) -> None:
    (problem,) = readability["wide_display.html"].problems
    assert problem.startswith("display formula ") and "px column" in problem
    wide, room = (int(s) for s in re.findall(r"(\d+) px", problem)[:2])
    assert wide > room and room <= 600  # the article is 600 px wide


def test_tex_showing_through_fails(readability) -> None:
    problems = readability["garbled_tex.html"].problems
    assert len(problems) == 3, problems
    assert problems[0].startswith("stray backtick in math: ")  # ``THETA`` inside \( \)
    assert any(p.startswith("TeX in text: ") and "\\frac" in p for p in problems)
    assert any(p.startswith("stray backtick in text: ") for p in problems)


def test_a_squeezed_figure_fails(readability) -> None:
    # 300 px shown of 1000: 30 % < 40 %; its 12 px text is then 3.6 px < 8 px as well
    assert readability["small_figure.html"].problems == [
        "figure shown at 30 % of its natural width (300 of 1000 px): wide.svg",
        'figure text 3.6 px high as shown ("a tick label"): wide.svg',
    ]


def test_small_figure_text_fails(readability) -> None:
    # 500 of 1000 px is allowed (50 % >= 40 %), but 12 px text at 50 % is 6 px < 8 px
    assert readability["small_text.html"].problems == [
        'figure text 6.0 px high as shown ("a tick label"): wide.svg'
    ]


def test_a_slider_that_changes_nothing_fails(readability) -> None:
    page = readability["dead_slider.html"]
    assert page.sliders == 1
    assert page.problems == ["a slider changes nothing when moved: dead"]
