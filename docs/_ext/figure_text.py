"""The size of the smallest text of every gallery figure, for the browser check.

A figure's text is drawn into its PNG, where a browser cannot measure it; so the gallery's
image scraper (:func:`matplotlib_scraper`, sphinx-gallery's own, wrapped) records the font
size of every text drawn while it saves each figure, and writes beside each image a
sidecar ``<image>.text.json`` with the smallest text height in the image's pixels (the font
size in points times dpi / 72, for the image and for each of its ``image_srcset`` copies).

When the HTML build finishes, :func:`write_manifest` merges the sidecars of
``auto_examples/`` into ``_static/figure_text.json`` of the built site, keyed by image file
name (Sphinx copies images into ``_images/`` under the same name). ``docs/check_site.py``
reads it and fails a page whose figure is shown so small that its smallest text is under
8 px. Sidecars stay beside the images, so an example that sphinx-gallery does not rerun
(unchanged) keeps its entry.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from pathlib import Path

__all__ = [
    "MANIFEST",
    "SIDECAR_SUFFIX",
    "drawn_text",
    "matplotlib_scraper",
    "recording_text",
    "write_manifest",
]

#: Where the merged sizes go, relative to the built site.
MANIFEST = "_static/figure_text.json"
#: Appended to an image's file name for its sidecar.
SIDECAR_SUFFIX = ".text.json"


@contextmanager
def recording_text():
    """Record, per figure, the font size (points) and string of every non-empty text drawn.

    Yields a dict from ``id(figure)`` to a list of ``(points, text)``; the figure is the root
    figure (a subfigure's text counts for its figure).
    """
    from matplotlib.text import Text

    seen: dict[int, list[tuple[float, str]]] = {}
    original = Text.draw

    def draw(self, renderer):
        if self.get_visible() and self.get_text().strip() and self.get_alpha() != 0:
            fig = self.get_figure(root=True)
            seen.setdefault(id(fig), []).append((float(self.get_fontsize()), self.get_text()))
        return original(self, renderer)

    Text.draw = draw
    try:
        yield seen
    finally:
        Text.draw = original


def drawn_text(fig) -> list[tuple[float, str]]:
    """Font size (points) and string of every non-empty text drawn when ``fig`` is drawn."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    with recording_text() as seen:
        # a figure closed by pyplot has lost its Agg canvas: draw on a fresh one
        FigureCanvasAgg(fig).draw()
    return seen.get(id(fig), [])


def matplotlib_scraper(block, block_vars, gallery_conf, **kwargs) -> str:
    """sphinx-gallery's matplotlib scraper, writing a text-size sidecar beside each image.

    The sizes are recorded while the scraper saves the figures (no extra drawing).
    """
    import matplotlib
    import matplotlib.pyplot as plt
    from matplotlib.animation import Animation
    from sphinx_gallery.scrapers import matplotlib_scraper as scrape

    animated = {
        value._fig
        for value in block_vars["example_globals"].values()
        if isinstance(value, Animation)
    }
    figures = [plt.figure(num) for num in plt.get_fignums()]
    paths = block_vars["image_path_iterator"]
    first = len(paths)
    with recording_text() as seen:
        rst = scrape(block, block_vars, gallery_conf, **kwargs)
    for fig, image in zip(figures, paths.paths[first:], strict=False):
        texts = seen.get(id(fig))
        if fig in animated or not texts:  # an animation is embedded as frames, not a PNG
            continue
        points, text = min(texts)
        dpi = matplotlib.rcParams["savefig.dpi"]
        dpi = fig.dpi if dpi == "figure" else float(dpi)
        dpi = kwargs.get("dpi", dpi)
        image = Path(image)
        sizes = {image.name: points * dpi / 72}
        for mult in gallery_conf["image_srcset"]:
            name = f"{image.stem}_{mult:.2f}".replace(".", "_") + f"x{image.suffix}"
            sizes[name] = points * mult * dpi / 72
        record = {"min_text_px": sizes, "points": points, "text": text[:60]}
        Path(str(image) + SIDECAR_SUFFIX).write_text(json.dumps(record), encoding="utf-8")
    return rst


def write_manifest(app, exception) -> None:
    """Merge the sidecars into ``_static/figure_text.json`` of the HTML output."""
    if exception is not None or app.builder.format != "html":
        return
    sizes: dict[str, dict] = {}
    for sidecar in sorted(Path(app.srcdir).glob(f"auto_examples/**/*{SIDECAR_SUFFIX}")):
        record = json.loads(sidecar.read_text(encoding="utf-8"))
        for name, px in record["min_text_px"].items():
            sizes[name] = {"min_text_px": round(px, 2), "text": record["text"]}
    target = Path(app.outdir) / MANIFEST
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(sizes, indent=1, sort_keys=True), encoding="utf-8")


def setup(app) -> dict:
    app.connect("build-finished", write_manifest)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
