"""Two directives that take their text from the ``wgan-theory`` command at build time.

``.. wgan-cli-help::`` renders the ``--help`` text of ``wgan-theory`` and of each
subcommand, from :func:`wgan.cli.build_parser`, so the CLI reference cannot drift from
the code. ``.. wgan-cli-run:: ARGS`` runs ``wgan-theory ARGS`` in-process (for quick
commands only) and renders the command and what it printed; a non-zero exit code fails
the build.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import shlex

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

__all__ = ["CliHelp", "CliRun", "setup"]


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:  # argparse has no public accessor for these
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


class CliHelp(SphinxDirective):
    """One section per command: its name as a title and its ``--help`` as a literal block."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        from wgan.cli import build_parser

        os.environ.setdefault("COLUMNS", "100")  # argparse wraps to the terminal width
        parser = build_parser()
        out: list[nodes.Node] = [self._section("wgan-theory", parser)]
        for name, sub in _subparsers(parser).items():
            out.append(self._section(f"wgan-theory {name}", sub))
        return out

    def _section(self, title: str, parser: argparse.ArgumentParser) -> nodes.section:
        section = nodes.section(ids=[nodes.make_id(title)])
        section += nodes.title(text=title)
        text = parser.format_help()
        block = nodes.literal_block(text, text)
        block["language"] = "text"
        section += block
        return section


class CliRun(SphinxDirective):
    """Run ``wgan-theory ARGS`` and show ``$ wgan-theory ARGS`` followed by its output."""

    required_arguments = 1
    final_argument_whitespace = True
    has_content = False

    def run(self) -> list[nodes.Node]:
        from wgan.cli import main

        argv = shlex.split(self.arguments[0])
        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer):
            code = main(argv)
        if code != 0:
            raise self.error(f"wgan-theory {self.arguments[0]} exited with status {code}")
        text = f"$ wgan-theory {self.arguments[0]}\n{buffer.getvalue().rstrip()}"
        block = nodes.literal_block(text, text)
        block["language"] = "text"
        return [block]


def setup(app: Sphinx) -> dict[str, object]:
    app.add_directive("wgan-cli-help", CliHelp)
    app.add_directive("wgan-cli-run", CliRun)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
