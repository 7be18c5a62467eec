"""Gallery animations that play offline: no icon font from a CDN.

sphinx-gallery embeds a matplotlib animation with ``Animation.to_jshtml()``, whose player
loads Font Awesome from ``maxcdn.bootstrapcdn.com`` for the icons of its buttons. Offline
(and for ``docs/check_site.py``, which fails any network request) that link is dead and
the buttons are blank. This extension removes the link from every page and replaces each
icon by a Unicode symbol with the same meaning, chosen from those that common fonts (DejaVu,
Liberation) draw; the buttons keep their ``title`` and ``aria-label``.
"""

from __future__ import annotations

import re

__all__ = ["ICONS", "offline_player"]

#: Font Awesome class of each button of matplotlib's player, and the symbol shown instead.
ICONS = {
    "fa-minus": "\u2212",  # slower
    "fa-fast-backward": "\u21e4",  # first frame
    "fa-step-backward": "\u2039",  # previous frame
    "fa-play": "\u25b6",  # play (and, flipped, play backwards: see _ICON)
    "fa-pause": "\u2016",
    "fa-step-forward": "\u203a",  # next frame
    "fa-fast-forward": "\u21e5",  # last frame
    "fa-plus": "+",  # faster
}
_LINK = re.compile(r'<link rel="stylesheet"\s+href="https://maxcdn\.bootstrapcdn\.com/[^"]*">')
_ICON = re.compile(r'<i class="fa (fa-[a-z-]+)( fa-flip-horizontal)?"></i>')
_BACKWARDS = "\u25c0"


def offline_player(html: str) -> str:
    """``html`` without the CDN stylesheet, its Font Awesome icons as Unicode symbols."""
    html = _LINK.sub("", html)

    def symbol(match: re.Match) -> str:
        text = _BACKWARDS if match[2] else ICONS.get(match[1], "?")
        return f'<span aria-hidden="true">{text}</span>'

    return _ICON.sub(symbol, html)


def _page(app, pagename, templatename, context, doctree) -> None:
    body = context.get("body")
    if body and "bootstrapcdn" in body:
        context["body"] = offline_player(body)


def setup(app) -> dict:
    app.connect("html-page-context", _page)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
