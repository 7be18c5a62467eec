"""The gallery as a course: its order, and figure text that reads at page size.

:class:`CourseOrder` (``within_subsection_order``) orders the examples from the distances,
through Example 1 and the dual (by hand, then computed), to the theorems and the WGAN
critics; an example not listed goes to the end, by file name. :func:`reset_matplotlib`
(``reset_modules``) resets matplotlib before each example, with a larger default font: the
pages show a 13-inch-wide figure in a column about 740 px wide, where the default 10 pt text
is 6 px high.

"""

from __future__ import annotations

from pathlib import Path

__all__ = ["COURSE", "FONT_SIZE", "CourseOrder", "reset_matplotlib"]

COURSE = (
    "plot_four_distances.py",
    "plot_example1.py",
    "plot_test_functions.py",
    "plot_kr_dual_1d.py",
    "plot_dual_lp_by_hand.py",
    "plot_kr_dual_2d.py",
    "plot_gradient_flow.py",
    "plot_theorems.py",
    "plot_sampling_floor.py",
    "plot_critic_estimates.py",
    "plot_critic_vs_potential.py",
)


class CourseOrder:
    """Sort key: position in :data:`COURSE`, then file name for unlisted examples."""

    def __init__(self, src_dir: str | Path) -> None:
        self.src_dir = src_dir

    def __call__(self, filename: str) -> tuple[int, str]:
        name = Path(filename).name
        return (COURSE.index(name) if name in COURSE else len(COURSE), name)

    def __repr__(self) -> str:  # sphinx-gallery puts it in the environment's config hash
        return f"<{self.__class__.__name__}>"


#: Default font size (pt) of the gallery's figures (matplotlib's default is 10).
FONT_SIZE = 12


def reset_matplotlib(gallery_conf: dict, fname: str) -> None:
    """Reset matplotlib to its defaults, then enlarge the default font (``reset_modules``)."""
    import matplotlib

    matplotlib.rcdefaults()
    matplotlib.rcParams.update(
        {
            "font.size": FONT_SIZE,
            "axes.titlesize": FONT_SIZE + 1,
            "figure.titlesize": FONT_SIZE,  # long suptitles must still fit the figure's width
            "legend.fontsize": FONT_SIZE - 2,
        }
    )
