r"""
Theorems 1-3, checked numerically
=================================

:func:`distances.paper.theorems.run_all_checks` runs every check of the paper's Theorems 1-3 (here
with its quick settings) and returns structured results: the claim in words, the evidence as
tables, and a verdict. ``wgan-theory theorems --out DIR`` writes the same results as a Markdown
report with these figures. Conventions: natural log, JS with the factor 1/2, TV in [0, 1], W1
with the Euclidean ground distance.
"""

# %%
from distances.paper.figures import plot_theorem1, plot_theorem2
from distances.paper.theorems import run_all_checks

results = run_all_checks(quick=True, seed=0)
for res in results:
    print(f"[{'pass' if res.passed else 'FAIL'}] {res.name}")

# %%
# Theorem 1 on a small random tanh network :math:`g_\theta`: on grids refined 10x, 100x and
# 1000x, the largest slope of :math:`\theta \mapsto W(P_r, P_\theta)` stays below the coupling
# bound :math:`\mathbb{E}_z |\partial g_\theta(z) / \partial \theta|`, while the JS jump at 0
# stays :math:`\log 2`. The evidence table:
theorem1 = next(r for r in results if r.name.startswith("Theorem 1, random"))
print(theorem1.evidence.to_markdown())
plot_theorem1(theorem1.data)

# %%
# Theorem 2: five sequences :math:`P_n \to P` and what each distance says about them. Only W1
# sees the Dirac at :math:`1/n` and Example 1 with :math:`\theta_n = 1/n` converge.
theorem2 = next(r for r in results if r.name.startswith("Theorem 2"))
print(theorem2.evidence.to_markdown())
plot_theorem2(theorem2.data["values"], theorem2.data["ns"])

# %%
# Theorem 3: the derivative of the exact W1 in :math:`\theta`, by finite differences, through
# the optimal plan (envelope), and through an optimal critic,
# :math:`-\mathbb{E}_z[\nabla_\theta f(g_\theta(z))]`.
theorem3 = next(r for r in results if r.name.startswith("Theorem 3, random"))
print(theorem3.evidence.to_markdown())
