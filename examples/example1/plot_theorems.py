r"""
Theorems 1-3, checked numerically
=================================

:func:`distances.paper.theorems.run_all_checks` runs every check of the paper's Theorems 1-3
:cite:p:`arjovsky2017wgan` (here with its quick settings) and returns structured results: the
claim in words, the evidence as tables, and a verdict. ``wgan-theory theorems --out DIR``
writes the same results as a Markdown report with these figures. Conventions: natural log, JS
with the factor 1/2, TV in [0, 1], W1 with the Euclidean ground distance.
"""

# %%
# The knobs: change one line and rerun.
QUICK = True  # the quick settings (False: the full grids and sample sizes of the report)
SEED = 0

# %%
import html

from distances.paper.figures import plot_theorem1, plot_theorem2
from distances.paper.results import EvidenceTable, format_value
from distances.paper.theorems import run_all_checks


class Table:
    """An evidence table shown as an HTML table on the page (and as text in a terminal)."""

    def __init__(self, table: EvidenceTable) -> None:
        self.table = table

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{html.escape(c)}</th>" for c in self.table.columns)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(format_value(v))}</td>" for v in row) + "</tr>"
            for row in self.table.rows
        )
        return (
            f'<div class="evidence-table"><p><strong>{html.escape(self.table.title)}'
            f"</strong></p><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody>"
            "</table></div>"
        )

    def __repr__(self) -> str:
        return self.table.to_markdown()


results = run_all_checks(quick=QUICK, seed=SEED)
for res in results:
    print(f"[{'pass' if res.passed else 'FAIL'}] {res.name}")

# %%
# Theorem 1 on a small random tanh network :math:`g_\theta`: on grids refined 10x, 100x and
# 1000x, the largest slope of :math:`\theta \mapsto W(P_r, P_\theta)` stays below the coupling
# bound :math:`L = \max_\theta \mathbb{E}_z \|\partial_\theta g_\theta(z)\|_2` (the
# maximum over the :math:`\theta` of the grid), while the JS jump at 0 stays :math:`\log 2`.
theorem1 = next(r for r in results if r.name.startswith("Theorem 1, random"))
fig1 = plot_theorem1(theorem1.data)
Table(theorem1.evidence)

# %%
# Theorem 2: five sequences :math:`P_n \to P` and what each distance says about them. W1 alone
# sees three of them converge: the Dirac at :math:`1/n`, Example 1 with
# :math:`\theta_n = 1/n`, and the empirical measure of :math:`n` uniform samples (whose atoms
# are never those of :math:`U[0, 1]`, so TV stays 1 and KL infinite). The theorem assumes a
# compact space: the row :math:`N(1/n, 1) \to N(0, 1)` lies outside that assumption (the real
# line is not compact), and is shown because its conclusions happen to hold there too; it is
# evidence beyond the theorem, not for it.
theorem2 = next(r for r in results if r.name.startswith("Theorem 2"))
fig2 = plot_theorem2(theorem2.data["values"], theorem2.data["ns"])
fig2.set_size_inches(10.4, 6.4)  # narrower: its smallest text reads at the page's width
Table(theorem2.evidence)

# %%
# Theorem 3: the derivative of the exact W1 in :math:`\theta`, by finite differences, through
# the optimal plan (envelope), and through an optimal critic,
# :math:`-\mathbb{E}_z[\nabla_\theta f(g_\theta(z))]`.
theorem3 = next(r for r in results if r.name.startswith("Theorem 3, random"))
Table(theorem3.evidence)
