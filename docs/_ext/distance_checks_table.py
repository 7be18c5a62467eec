"""``.. distance-checks-table::``: the table of the checks of :mod:`distances.testing`.

The rows come from :func:`distances.testing.list_checks` when the page is built, so the
table on docs/property_tests.rst always lists the properties the checks run: name, what it
asserts, the kinds of distance and the input forms it applies to.
"""

from __future__ import annotations

from docutils.parsers.rst import Directive
from docutils.statemachine import StringList

KINDS = ("tv", "kl", "js", "w1")


def table_lines() -> list[str]:
    """The reStructuredText of the table (a list-table)."""
    from distances.testing import list_checks

    lines = [
        ".. list-table::",
        "   :header-rows: 1",
        "   :widths: 22 48 15 15",
        "",
        "   * - check",
        "     - asserts",
        "     - kinds",
        "     - input forms",
    ]
    for info in list_checks():
        kinds = ", ".join(k.upper() if k != "w1" else "W1" for k in KINDS if k in info.kinds)
        claim = info.claim.replace("*", r"\*").replace("|", r"\|")
        lines += [
            f"   * - ``{info.name}``",
            f"     - {claim}",
            f"     - {kinds}",
            f"     - {', '.join(info.forms)}",
        ]
    return lines


class DistanceChecksTable(Directive):
    """Insert the table of :func:`distances.testing.list_checks`."""

    has_content = False

    def run(self) -> list:
        from docutils import nodes

        container = nodes.container()
        self.state.nested_parse(
            StringList(table_lines(), source="distance-checks-table"), self.content_offset,
            container,
        )
        return container.children


def setup(app) -> dict:
    app.add_directive("distance-checks-table", DistanceChecksTable)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
