"""Properties of TV, KL, JS and W1, checked with the strategies of :mod:`distances.testing`.

Round-off tolerances (all absolute unless said otherwise), derived once here:

* ``ATOL_DIV = 1e-13`` for TV, KL and JS. The strategies draw at most 8 atoms per measure,
  so a divergence is a sum of at most 16 terms, each of size <= 1 and rounded a few times:
  its absolute error is below ~16 * 4 * eps = 1.4e-14. 1e-13 leaves a margin of 7.
  At disjoint supports JS <= log(2) TV holds with equality (REFERENCE.md saw the ratio
  1.0000000000000002 there); the absolute tolerance covers that 2e-16 too.
* A square root turns an absolute error ``e`` on ``x`` into at most
  ``min(sqrt(e), e / (2 sqrt(x)))`` (``distances.testing.tolerances.sqrt_atol``), which is why
  the inequalities of the form TV <= sqrt(...) are tested squared, and the triangle
  inequality for sqrt(JS) gets that bound per term.
* ``w1_atol(R) = 1e-12 * R`` for W1 between measures whose coordinates are at most R in
  absolute value. W1 is 1-Lipschitz in each atom, translating or scaling an atom moves it by
  one rounding (eps * R), and the closed form or the plan's cost sums at most 8 * 8 terms of
  size <= 2 sqrt(3) R: the error is below ~64 * 4 * eps * R = 6e-14 R; 1e-12 R is a margin of 16.
"""

from __future__ import annotations

import math

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st
from scipy.spatial.distance import pdist

from distances import Discrete, earth_mover, js_divergence, kl_divergence, total_variation
from distances.testing import (
    discrete_measures,
    disjoint_support_pairs,
    measure_tuples,
    probability_vector_pairs,
    shared_support_pairs,
)
from distances.testing.tolerances import DIVERGENCE_ATOL, sqrt_atol, w1_atol

LOG2 = math.log(2.0)
ATOL_DIV = DIVERGENCE_ATOL  # 1e-13, derived above; the public value users' checks get

# Settings for tests that solve several 2-D/3-D transport LPs per example.
LP_SETTINGS = settings(max_examples=40)

# Pairs of measures of any kind: shared atoms, disjoint atoms, or independent draws on a
# small grid (partial overlap), in 1 to 3 dimensions.
any_pair = st.one_of(
    shared_support_pairs(dim=None),
    disjoint_support_pairs(dim=None),
    measure_tuples(2, dim=None, on_grid=True, duplicates=True),
    measure_tuples(2, dim=None, max_size=4),
)
one_d_pair = st.one_of(
    shared_support_pairs(),
    disjoint_support_pairs(),
    measure_tuples(2, on_grid=True, duplicates=True),
    measure_tuples(2, max_size=5),
)
# Triples on a grid of 7 points on the line or 49 in the plane: atoms are often shared,
# so the triangle inequalities for TV and JS are not all trivially 1 <= 1 + 1.
grid_triple = measure_tuples(3, min_size=1, max_size=5, dim=None, on_grid=True)
grid_triple_1d = measure_tuples(3, min_size=1, max_size=5, on_grid=True)

DIRAC_0, DIRAC_1 = Discrete([0.0]), Discrete([1.0])


def _diameter(P: Discrete, Q: Discrete) -> float:
    points = np.concatenate([P.atoms, Q.atoms])
    return float(pdist(points).max()) if points.shape[0] > 1 else 0.0


class TestSymmetry:
    @given(any_pair)
    @example((DIRAC_0, DIRAC_1))
    def test_tv_and_js_are_symmetric_exactly(self, pair: tuple[Discrete, Discrete]) -> None:
        # The union of atoms is sorted the same way both ways round, and each sum adds the
        # same terms in the same order: exact equality, no tolerance.
        P, Q = pair
        assert total_variation(P, Q) == total_variation(Q, P)
        assert js_divergence(P, Q) == js_divergence(Q, P)

    @given(one_d_pair)
    def test_w1_is_symmetric_on_the_line(self, pair: tuple[Discrete, Discrete]) -> None:
        # The CDF difference is accumulated in another order when P and Q swap.
        P, Q = pair
        assert math.isclose(earth_mover(P, Q), earth_mover(Q, P), abs_tol=w1_atol(P, Q))

    @LP_SETTINGS
    @given(measure_tuples(2, dim=2, max_size=6))
    def test_w1_is_symmetric_in_the_plane(self, pair: tuple[Discrete, Discrete]) -> None:
        P, Q = pair
        assert math.isclose(earth_mover(P, Q), earth_mover(Q, P), abs_tol=w1_atol(P, Q))


class TestTriangleInequalities:
    @given(grid_triple)
    def test_tv(self, triple: tuple[Discrete, Discrete, Discrete]) -> None:
        P, Q, R = triple
        tv = total_variation
        assert tv(P, R) <= tv(P, Q) + tv(Q, R) + ATOL_DIV

    @given(grid_triple)
    @example((Discrete([0.0, 1.0]), Discrete([0.0, 1.0], [0.5 - 1e-9, 0.5 + 1e-9]), DIRAC_1))
    def test_sqrt_js(self, triple: tuple[Discrete, Discrete, Discrete]) -> None:
        # sqrt(JS) is a metric (Endres and Schindelin 2003); JS itself is not.
        P, Q, R = triple
        pr, pq, qr = js_divergence(P, R), js_divergence(P, Q), js_divergence(Q, R)
        tol = sqrt_atol(pr) + sqrt_atol(pq) + sqrt_atol(qr)
        assert math.sqrt(pr) <= math.sqrt(pq) + math.sqrt(qr) + tol

    @given(grid_triple_1d)
    def test_w1_on_the_line(self, triple: tuple[Discrete, Discrete, Discrete]) -> None:
        P, Q, R = triple
        w = earth_mover
        assert w(P, R) <= w(P, Q) + w(Q, R) + 3 * w1_atol(P, Q, R)

    @LP_SETTINGS
    @given(measure_tuples(3, dim=2, max_size=5))
    def test_w1_in_the_plane(self, triple: tuple[Discrete, Discrete, Discrete]) -> None:
        P, Q, R = triple
        w = earth_mover
        assert w(P, R) <= w(P, Q) + w(Q, R) + 3 * w1_atol(P, Q, R)


class TestBoundsAndInequalities:
    @given(st.one_of(any_pair, probability_vector_pairs()))
    @example((DIRAC_0, DIRAC_1))
    @example((np.array([1.0, 0.0]), np.array([1.0, 0.0])))
    def test_ranges(self, pair: tuple[object, object]) -> None:
        # The functions clip round-off to the exact ranges, so these hold without tolerance.
        P, Q = pair
        assert 0.0 <= total_variation(P, Q) <= 1.0
        assert 0.0 <= js_divergence(P, Q) <= LOG2
        assert 0.0 <= js_divergence(P, Q, base=2) <= 1.0
        assert kl_divergence(P, Q) >= 0.0

    @given(st.one_of(any_pair, probability_vector_pairs()))
    @example((np.array([0.5, 0.5]), np.array([0.5 + 1e-15, 0.5 - 1e-15])))
    def test_pinsker(self, pair: tuple[object, object]) -> None:
        # TV <= sqrt(KL / 2), squared: 2 TV^2 <= KL (an infinite KL satisfies it).
        P, Q = pair
        tv = total_variation(P, Q)
        assert 2.0 * tv**2 <= kl_divergence(P, Q) + ATOL_DIV
        assert 2.0 * tv**2 <= kl_divergence(Q, P) + ATOL_DIV

    @given(st.one_of(any_pair, probability_vector_pairs()))
    def test_tv_at_most_sqrt_2js(self, pair: tuple[object, object]) -> None:
        # TV <= sqrt(2 JS), squared (the paper's Appendix C writes the looser 2 sqrt(JS)).
        P, Q = pair
        assert total_variation(P, Q) ** 2 <= 2.0 * js_divergence(P, Q) + ATOL_DIV

    @given(st.one_of(any_pair, probability_vector_pairs()))
    @example((DIRAC_0, DIRAC_1))
    def test_js_at_most_log2_tv(self, pair: tuple[object, object]) -> None:
        # Equality at disjoint supports: see ATOL_DIV in the module docstring.
        P, Q = pair
        assert js_divergence(P, Q) <= LOG2 * total_variation(P, Q) + ATOL_DIV

    @LP_SETTINGS
    @given(any_pair)
    @example((DIRAC_0, DIRAC_1))  # equality: W1 = diam = 1, TV = 1
    def test_w1_at_most_diameter_times_tv(self, pair: tuple[Discrete, Discrete]) -> None:
        # Keep the mass P and Q share in place, move the rest at most diam(support).
        P, Q = pair
        bound = _diameter(P, Q) * total_variation(P, Q)
        assert earth_mover(P, Q) <= bound + w1_atol(P, Q)


class TestInvariances:
    @given(one_d_pair, st.floats(-100, 100))
    def test_w1_translation_on_the_line(self, pair: tuple[Discrete, Discrete], v: float) -> None:
        P, Q = pair
        moved = earth_mover(P.translate(v), Q.translate(v))
        atol = w1_atol(P, Q, P.translate(v))
        assert math.isclose(moved, earth_mover(P, Q), abs_tol=atol)

    @LP_SETTINGS
    @given(measure_tuples(2, dim=2, max_size=6), st.tuples(*[st.floats(-100, 100)] * 2))
    def test_w1_translation_in_the_plane(
        self, pair: tuple[Discrete, Discrete], v: tuple[float, float]
    ) -> None:
        P, Q = pair
        moved = earth_mover(P.translate(v), Q.translate(v))
        atol = w1_atol(P, Q, P.translate(v))
        assert math.isclose(moved, earth_mover(P, Q), abs_tol=atol)

    @LP_SETTINGS
    @given(st.one_of(one_d_pair, measure_tuples(2, dim=2, max_size=6)), st.floats(-10, 10))
    @example((DIRAC_0, DIRAC_1), -3.0)
    @example((Discrete([[0.0, 0.0]]), Discrete([[0.0, 1.0]])), 6e-108)  # POT's duals at tiny costs
    def test_w1_scaling(self, pair: tuple[Discrete, Discrete], a: float) -> None:
        # W1(aP, aQ) = |a| W1(P, Q); a = 0 collapses both to one point (W1 = 0).
        P, Q = pair
        scaled = earth_mover(P.scale(a), Q.scale(a))
        atol = w1_atol(P, Q, scale=max(abs(a), 1.0))
        assert math.isclose(scaled, abs(a) * earth_mover(P, Q), abs_tol=atol)

    @given(discrete_measures(dim=None, duplicates=False), st.data())
    def test_the_order_of_atoms_does_not_matter(self, P: Discrete, data: st.DataObject) -> None:
        # The constructor sorts the atoms: any order gives the same measure, bit for bit.
        perm = np.array(data.draw(st.permutations(range(P.size))))
        assert Discrete(P.atoms[perm], P.weights[perm]) == P

    @given(probability_vector_pairs(min_size=2), st.data())
    def test_permuting_a_shared_support(
        self, pair: tuple[np.ndarray, np.ndarray], data: st.DataObject
    ) -> None:
        # Probability vectors: permuting p, q and their support together changes only the
        # order of summation (ATOL_DIV for TV/KL/JS, w1_atol for W1 on support 0..n-1).
        p, q = pair
        perm = np.array(data.draw(st.permutations(range(p.size))))
        support = np.arange(p.size, dtype=float)
        for f in (total_variation, js_divergence):
            assert math.isclose(f(p, q), f(p[perm], q[perm]), abs_tol=ATOL_DIV)
        kl, kl_perm = kl_divergence(p, q), kl_divergence(p[perm], q[perm])
        assert kl == kl_perm or math.isclose(kl, kl_perm, rel_tol=1e-12, abs_tol=ATOL_DIV)
        w = earth_mover(p, q, support=support)
        w_perm = earth_mover(p[perm], q[perm], support=support[perm])
        assert math.isclose(w, w_perm, abs_tol=1e-12 * p.size)

    @given(any_pair)
    def test_js_in_bits_is_js_over_log2(self, pair: tuple[Discrete, Discrete]) -> None:
        P, Q = pair
        # One division by log(2) of the same float: 1 ulp at most.
        assert math.isclose(js_divergence(P, Q, base=2), js_divergence(P, Q) / LOG2, rel_tol=2e-16)
        assert math.isclose(
            js_divergence(P, Q, base=math.e), js_divergence(P, Q), rel_tol=4e-16, abs_tol=0
        )
