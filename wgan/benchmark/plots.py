"""Figures of a benchmark sweep: value error and gradient cosine against dimension.

Each function takes the summary rows and returns a matplotlib Figure (no file written), one
line per method, the standard deviation over seeds as error bars.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from .table import COSINE_THRESHOLD, VALUE_ERROR_THRESHOLD, SummaryRow

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["cosine_figure", "value_error_figure"]


#: One colour per method in every figure.
_COLOURS = {"clip": "C0", "gp": "C1", "lp": "C2", "ot": "C3", "sn": "C4", "groupsort": "C5",
            "otnet": "C6"}
_STYLES = ("-", "--", ":", "-.")


def _by_method(summary: Sequence[SummaryRow]) -> dict[str, list[SummaryRow]]:
    """Rows per line: one line per method, or per (method, funnels) when funnels vary."""
    several = len({s.n_funnels for s in summary}) > 1
    out: dict[str, list[SummaryRow]] = {}
    for s in summary:
        out.setdefault(f"{s.method} k={s.n_funnels}" if several else s.method, []).append(s)
    return {m: sorted(rs, key=lambda r: r.dim) for m, rs in out.items()}


def _legend(ax) -> None:
    """The legend beside the axes, never over the data (a folder of many methods and funnel
    counts draws twenty lines and more)."""
    n = len(ax.get_legend_handles_labels()[1])
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0,
              ncols=1 if n <= 14 else 2)


def _style(rows: Sequence[SummaryRow], summary: Sequence[SummaryRow]) -> dict[str, str]:
    ks = sorted({s.n_funnels for s in summary})
    return {"color": _COLOURS.get(rows[0].method, "k"),
            "ls": _STYLES[ks.index(rows[0].n_funnels) % len(_STYLES)]}


def value_error_figure(summary: Sequence[SummaryRow]) -> Figure:
    """Signed relative error of the raw and the normalised estimates against dimension."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(13, 4.2), layout="constrained", sharey=False)
    for (name, attr, std), ax in zip(
        (("raw estimate", "raw_error", "raw_error_std"),
         ("normalised estimate (raw / K)", "normalised_error", "normalised_error_std")),
        axes,
        strict=True,
    ):
        for method, rs in _by_method(summary).items():
            ax.errorbar([r.dim for r in rs], [100 * getattr(r, attr) for r in rs],
                        yerr=[100 * getattr(r, std) for r in rs], marker="o", capsize=3,
                        label=method, **_style(rs, summary))
        for y in (-100 * VALUE_ERROR_THRESHOLD, 100 * VALUE_ERROR_THRESHOLD):
            ax.axhline(y, color="0.6", ls=":", lw=1)
        ax.axhline(0, color="k", lw=0.8)
        ax.set_xscale("log", base=2)
        if max(abs(getattr(r, attr)) for r in summary) > 1.0:
            # linear within +-100 % (every critic), logarithmic beyond (the ot baseline's bias)
            ax.set_yscale("symlog", linthresh=100)
        ax.set(xlabel="dimension d", ylabel="(estimate - W1) / W1  [%]", title=name)
    _legend(axes[-1])
    fig.suptitle("Critic value error on funnel pairs (dotted: +-10 %; bars: std over seeds; "
                 "errors beyond +-100 %: y logarithmic there)",
                 fontsize=10)
    return fig


def cosine_figure(summary: Sequence[SummaryRow]) -> Figure:
    """Mean gradient cosine with the optimal critic's gradient against dimension."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8.5, 4.2), layout="constrained")
    for method, rs in _by_method(summary).items():
        ax.errorbar([r.dim for r in rs], [r.grad_cosine for r in rs],
                    yerr=[r.grad_cosine_std for r in rs], marker="o", capsize=3,
                    label=method, **_style(rs, summary))
    from .anchor import ANCHOR_DIMS, ANCHOR_FUNNELS, anchor_best

    theirs = sorted({(s.dim, s.n_funnels) for s in summary
                     if s.dim in ANCHOR_DIMS and s.n_funnels in ANCHOR_FUNNELS})
    if theirs:
        ax.scatter([d for d, _ in theirs], [anchor_best(d, k).cosine for d, k in theirs],
                   marker="x", color="k", zorder=5, label="their best (Korotin et al.)")
    ax.axhline(COSINE_THRESHOLD, color="0.6", ls=":", lw=1, label=f"{COSINE_THRESHOLD}")
    ax.set_xscale("log", base=2)
    low = min([-0.05, *(s.grad_cosine - 0.05 for s in summary)])
    ax.set(xlabel="dimension d", ylabel="E_Q cos(grad f, grad u)", ylim=(low, 1.02),
           title="Gradient cosine on the generated side (bars: std over seeds)")
    _legend(ax)
    return fig
