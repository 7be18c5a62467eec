"""The gallery's order: a course, not the alphabet (``within_subsection_order``).

From the distances, through Example 1 and the dual (by hand, then computed), to the
theorems and the WGAN critics. An example not listed here goes to the end, by file name.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["COURSE", "CourseOrder"]

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
