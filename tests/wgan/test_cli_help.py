"""``--help`` is written for a terminal and starts fast (issue 27)."""

from __future__ import annotations

import argparse
import re
import subprocess
import sys

import pytest

from wgan.cli import build_parser

# Sphinx roles (:func:`x`), inline literals (``x``), interpreted text and links (`x`_) and
# directives (.. note::) are markup a terminal shows raw.
SPHINX_MARKUP = re.compile(r"`|:[a-z]+:`|^\s*\.\. [a-z-]+::", re.MULTILINE)


def _subparsers() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    for action in parser._actions:  # argparse has no public accessor for these
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    raise AssertionError("no subcommands")


SUBCOMMANDS = sorted(_subparsers())


def test_every_subcommand_is_checked():
    # A new command must not escape the markup test below.
    assert {"distances", "figure1", "theorems", "critic", "critic-table", "train",
            "reproduce", "benchmark", "figure2", "example1-nets"} <= set(SUBCOMMANDS)


@pytest.mark.parametrize("name", ["wgan-theory", *SUBCOMMANDS])
def test_help_has_no_sphinx_markup(name):
    parser = build_parser() if name == "wgan-theory" else _subparsers()[name]
    text = parser.format_help()
    found = SPHINX_MARKUP.search(text)
    assert found is None, f"{name} --help shows markup {found.group()!r}:\n{text}"


def test_the_markup_rule_catches_markup():
    for text in (":func:`distances.paper.example1.check_figure1`", "``--finite N``",
                 "see `the docs`_", ".. note:: x"):
        assert SPHINX_MARKUP.search(text), text
    assert SPHINX_MARKUP.search("comparison 1: a critic on a pair with a known W1") is None


def test_critic_help_says_what_the_comparisons_are():
    text = " ".join(_subparsers()["critic"].format_help().split())  # unwrapped
    for term in ("comparison 1", "comparison 2"):
        assert term in text.lower()
    assert "whose W1 is known" in text and "fixed points" in text


def test_help_imports_nothing_heavy():
    code = (
        "import sys\n"
        "from wgan.cli import main\n"
        "try:\n"
        "    main(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = ('torch', 'scipy.stats', 'numba', 'matplotlib', 'ot', 'distances')\n"
        "print('HEAVY:' + ','.join(m for m in heavy if m in sys.modules))\n"
    )
    out = _heavy(code)
    assert out == "", f"wgan-theory --help imported {out}"


def _heavy(code: str) -> str:
    """Run ``code`` in a fresh interpreter; the heavy modules it reports having imported."""
    stdout = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True).stdout
    return stdout.rpartition("HEAVY:")[2].strip()


@pytest.mark.parametrize("name", ["distances", "train", "critic", "reproduce"])
def test_subcommand_help_imports_nothing_heavy(name):
    code = (
        "import sys\n"
        "from wgan.cli import main\n"
        "try:\n"
        f"    main([{name!r}, '--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = ('torch', 'scipy.stats', 'numba', 'matplotlib')\n"
        "print('HEAVY:' + ','.join(m for m in heavy if m in sys.modules))\n"
    )
    out = _heavy(code)
    assert out == "", f"wgan-theory {name} --help imported {out}"
