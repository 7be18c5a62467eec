"""Sphinx configuration of the wgan-theory documentation.

Build (from the repository root)::

    pip install -e '.[docs]' && sphinx-build -W -b html docs docs/_build/html

then check every page in a headless browser, offline (Debian: ``apt-get install chromium
chromium-driver``)::

    python docs/check_site.py docs/_build/html

MathJax is served from the built site (``_static/mathjax``, from the
``sphinx-mathjax-offline`` package), so the formulas render without a network.

The gallery (``examples/plot_*.py``) is executed during the build; every number it
prints or draws is computed then. ``SPHINX_GALLERY_PLOT=0`` skips running it (the pages
are then built without outputs, and the guide pages that embed gallery figures warn, so
build without ``-W``), for a quick look at the prose.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))
sys.path.insert(0, str(HERE.parent))  # the packages, even without an install

os.environ.setdefault("MPLBACKEND", "Agg")

project = "wgan-theory"
author = "wgan-theory developers"
copyright = "2026, wgan-theory developers"

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx-mathjax-offline",  # serves MathJax 3 from _static/mathjax: formulas render offline
    "sphinx.ext.viewcode",
    "sphinxcontrib.bibtex",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "cli_help",
    "answers",  # ``.. answer::``: the exercises' folded answers
    "figure_text",  # collects the figures' text sizes into _static/figure_text.json
    "example1_slider",  # ``.. example1-slider::``: Example 1 with a slider over theta
    "offline_animations",  # the gallery's animation players without a CDN icon font
    "distance_checks_table",  # ``.. distance-checks-table::``: distances.testing.list_checks()
]

# -- bibliography: docs/references.bib, cited with :cite:`key`, listed on references.rst -----
bibtex_bibfiles = ["references.bib"]
bibtex_default_style = "plain"
bibtex_reference_style = "author_year"

exclude_patterns = ["_build", "**.ipynb_checkpoints", "auto_examples/*.ipynb"]
templates_path = ["_templates"]

# -- API reference: numpydoc docstrings, one page per object -----------------------------
autosummary_generate = True
autosummary_ignore_module_all = False  # document what each module lists in __all__
autodoc_typehints = "none"  # the numpydoc Parameters sections carry the types
autodoc_default_options = {"members": False}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
# numpydoc renders "References" as citations; a docstring that lists a reference without
# citing it in the text ("[1]_") is fine to read, so that warning is not an error here.
suppress_warnings = ["ref.citation"]

# -- the gallery: examples/ run at build time ----------------------------------------------
sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    # the gallery's sections, in the order of the course (examples/<section>/README.txt)
    "subsection_order": "gallery_order.SECTION_ORDER",
    "within_subsection_order": "gallery_order.CourseOrder",  # docs/_ext: a course, in order
    "plot_gallery": os.environ.get("SPHINX_GALLERY_PLOT", "True"),
    "abort_on_example_error": True,
    "remove_config_comments": True,
    "download_all_examples": True,  # "download all" buttons (zipped .py and .ipynb)
    "min_reported_time": 0,
    "write_computation_times": False,  # each example page still shows its own run time
    # every figure is saved as by sphinx-gallery, and the size of its smallest text is
    # recorded for docs/check_site.py (docs/_ext/figure_text.py)
    "image_scrapers": ("figure_text.matplotlib_scraper",),
    "reset_modules": ("gallery_order.reset_matplotlib",),  # defaults, with a larger font
    "capture_repr": ("_repr_html_", "__repr__"),
    # a figure is shown as the image; its repr ("<Figure size ... with N Axes>") is noise
    "ignore_repr_types": r"matplotlib\.(figure|axes|text|image)",
    "image_srcset": ["2x"],  # a high-resolution copy of every figure, for sharp zoom and print
    # an Animation left at the end of a cell is embedded as JavaScript frames (no ffmpeg)
    "matplotlib_animations": (True, "jshtml"),
    # "Examples using X" on the API pages (docs/_templates/autosummary)
    "backreferences_dir": "gen_modules/backreferences",
    "doc_module": ("distances", "wgan"),
    "reference_url": {"distances": None, "wgan": None},
}

# -- HTML ----------------------------------------------------------------------------------
html_theme = "furo"
html_title = "wgan-theory"
html_static_path = ["_static"]
html_css_files = ["course.css"]
html_show_sourcelink = False


# -- docstrings: a bare |x| in prose is an absolute value, not a substitution ---------------
# Docstrings are written to read well in a terminal, where "|v|" means the norm of v. In
# reStructuredText "|v|" is a substitution reference (an error under -W). Escape bars in
# prose lines, leaving inline literals, roles, math blocks, literal blocks and doctests alone.
_INLINE = re.compile(r"(``.+?``|:\w+:`[^`]*`|`[^`]*`)")
_BAR = re.compile(r"(?<!\\)\|")


def _escape_bars(app, what, name, obj, options, lines: list[str]) -> None:
    block_indent: int | None = None
    in_doctest = False
    for k, line in enumerate(lines):
        stripped = line.lstrip()
        indent = len(line) - len(stripped)
        if block_indent is not None:
            if not stripped or indent > block_indent:
                continue
            block_indent = None
        if in_doctest:
            if not stripped:
                in_doctest = False
            continue
        if stripped.startswith(">>>"):
            in_doctest = True
            continue
        if line.rstrip().endswith("::"):
            block_indent = indent
            if stripped.startswith(".."):
                continue
        if "|" in line:
            parts = _INLINE.split(line)
            lines[k] = "".join(
                part if i % 2 else _BAR.sub(r"\\|", part) for i, part in enumerate(parts)
            )


def setup(app) -> None:
    app.connect("autodoc-process-docstring", _escape_bars)
    # ``sphinx-build -j auto`` (CI) reads and writes the pages in parallel: furo's navigation
    # tree of every page is most of the writing time. sphinx-mathjax-offline does not declare
    # whether it is parallel-safe, so Sphinx would warn (an error under -W) and go serial; it
    # only sets ``mathjax_path`` and copies MathJax at build-finished, in the main process.
    offline = app.extensions.get("sphinx-mathjax-offline")
    if offline is not None and offline.parallel_read_safe is None:
        offline.parallel_read_safe = offline.parallel_write_safe = True
