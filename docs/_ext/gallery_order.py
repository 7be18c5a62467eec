"""The gallery as a course: its order, and figure text that reads at page size.

:class:`SectionOrder` (``subsection_order``) puts the gallery's sections (the folders of
``examples/``, each with a ``README.txt``) in the order of the course, :data:`SECTIONS`; a
section not listed goes to the end, by name. :class:`CourseOrder`
(``within_subsection_order``) orders the examples within a section as :data:`COURSE` lists
them; an example not listed goes to the end of its section, by file name. :func:`reset_matplotlib`
(``reset_modules``) resets matplotlib before each example, with a larger default font: the
pages show a 13-inch-wide figure in a column about 740 px wide, where the default 10 pt text
is 6 px high.

"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "COURSE",
    "FONT_SIZE",
    "SECTIONS",
    "SECTION_ORDER",
    "CourseOrder",
    "SectionOrder",
    "reset_matplotlib",
]

#: The gallery's sections (folders of ``examples/``), in the order of the course.
SECTIONS = ("distances", "example1", "kr_dual", "critics")

COURSE = (
    # distances
    "plot_four_distances.py",
    # example1
    "plot_example1.py",
    "plot_example1_animation.py",
    "plot_theorems.py",
    # kr_dual
    "plot_kr_dual_1d.py",
    "plot_dual_lp_by_hand.py",
    "plot_kr_dual_2d.py",
    "plot_test_functions.py",
    "plot_gradient_flow.py",
    # critics
    "plot_sampling_floor.py",
    "plot_critic_estimates.py",
    "plot_critic_vs_potential.py",
    "plot_score_your_critic.py",
)


class SectionOrder:
    """Sort key of the gallery's sections: position in ``sections``, then name."""

    def __init__(self, sections: tuple[str, ...]) -> None:
        self.sections = tuple(sections)

    def __call__(self, path: str) -> tuple[int, str]:
        name = Path(path).name
        order = self.sections.index(name) if name in self.sections else len(self.sections)
        return (order, name)

    def __repr__(self) -> str:  # sphinx-gallery puts it in the environment's config hash
        return f"<{self.__class__.__name__} {' '.join(self.sections)}>"


#: The ``subsection_order`` of docs/conf.py (named by a string there: the configuration must
#: pickle).
SECTION_ORDER = SectionOrder(SECTIONS)


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
            # the GIF thumbnail of an animation: Pillow is always there, ffmpeg may not be
            "animation.writer": "pillow",
        }
    )
