"""A collapsible answer for the exercises: ``.. answer::`` renders as ``<details>``.

::

    .. answer::

       The plan is degenerate because ...

On HTML pages the answer is folded under a "Show the answer" summary that the reader opens
with a click (no JavaScript: the browser's own ``<details>`` element); other builders print
it as a plain block headed "Answer".
"""

from __future__ import annotations

from typing import ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective


class answer(nodes.General, nodes.Element):  # docutils names its node classes in lower case
    """A folded answer."""


class AnswerDirective(SphinxDirective):
    """``.. answer:: [summary text]``: its content is folded under the summary."""

    has_content = True
    optional_arguments = 1
    final_argument_whitespace = True
    option_spec: ClassVar[dict] = {"class": directives.class_option}

    def run(self) -> list[nodes.Node]:
        node = answer()
        node["summary"] = self.arguments[0] if self.arguments else "Show the answer"
        node["classes"] += ["answer", *self.options.get("class", [])]
        self.state.nested_parse(self.content, self.content_offset, node)
        return [node]


def _visit_html(self, node: answer) -> None:
    self.body.append(self.starttag(node, "details", CLASS="answer"))
    self.body.append(f"<summary>{self.encode(node['summary'])}</summary>\n")


def _depart_html(self, node: answer) -> None:
    self.body.append("</details>\n")


def _visit_other(self, node: answer) -> None:
    pass


def _depart_other(self, node: answer) -> None:
    pass


def setup(app):
    app.add_node(
        answer,
        html=(_visit_html, _depart_html),
        latex=(_visit_other, _depart_other),
        text=(_visit_other, _depart_other),
    )
    app.add_directive("answer", AnswerDirective)
    app.add_css_file("answers.css")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
