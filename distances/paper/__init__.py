"""The paper: Arjovsky, Chintala, Bottou (2017), "Wasserstein GAN", checked with :mod:`distances`.

Built on the distance library (which knows nothing of this package):

- :mod:`~distances.paper.families`: uniform measures on segments, Example 1's closed forms.
- :mod:`~distances.paper.generators`: the generators of Theorems 1 and 3 (numpy).
- :mod:`~distances.paper.example1`: Figure 1's data, learning parallel lines, their verdicts.
- :mod:`~distances.paper.theorems`, :mod:`~distances.paper.convergence`: Theorems 1-3.
- :mod:`~distances.paper.worked_examples`: Section 2's definitions on hand-computed examples.
- :mod:`~distances.paper.dual_figures`: the Kantorovich-Rubinstein dual (eq. 2), drawn.
- :mod:`~distances.paper.figures`: the figures (functions that take data, return a Figure).
- :mod:`~distances.paper.results`: ``CheckResult`` (claim, numbers, evidence, verdict) and the
  paper's statements, written once (``STATEMENTS``).

Every check returns a :class:`~distances.paper.results.CheckResult`; nothing here writes files.
"""
