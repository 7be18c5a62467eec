"""The sparse W1 solver on problems it was not tuned on: heavy tails, unequal sizes,
weights (``benchmarks/bench_peers.py --shapes untuned --ratio ...``).

Values are checked against POT's dense network simplex on the full cost matrix
(``cdist``, not ``ot.dist``, whose expanded squares are off by up to 1e-8), and every
answer must carry a valid certificate.
"""

from __future__ import annotations

import numpy as np
import ot
import pytest
from numpy.testing import assert_allclose
from scipy.spatial.distance import cdist

from distances import Discrete, earth_mover
from distances.sparse_w1 import SparseOptions, solve_sparse
from distances.transport._candidates import aligned, bulk_moments


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(20170126)


def _plain_moments(x: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    xc = x - w @ x
    return w @ x, (xc * w[:, None]).T @ xc


class TestBulkMoments:
    """The moments behind the seeds' alignment leave far outliers out, and only them."""

    @pytest.mark.parametrize("d", [2, 3, 8])
    def test_a_gaussian_keeps_every_point(self, rng: np.random.Generator, d: int):
        x = rng.normal(size=(2000, d)) @ rng.normal(size=(d, d))
        w = rng.dirichlet(np.ones(2000))
        mean, cov = bulk_moments(x, w)
        ref_mean, ref_cov = _plain_moments(x, w)
        # The compiled sums run in index order, BLAS's in blocks: equal up to round-off
        # (1e-15 of the cloud's size); leaving out one point (weight ~ 1/2000) would move
        # them by ~1e-4 of it.
        size = float(np.abs(x).max())
        assert_allclose(mean, ref_mean, rtol=1e-12, atol=1e-14 * size)
        assert_allclose(cov, ref_cov, rtol=1e-12, atol=1e-14 * size**2)

    def test_far_outliers_are_left_out(self, rng: np.random.Generator):
        inner = rng.normal(size=(980, 2)) * [1.0, 3.0]
        far = rng.normal(size=(20, 2)) * 1e3  # 2 % of the points, far away
        x = np.r_[inner, far]
        w = np.full(1000, 1e-3)
        mean, cov = bulk_moments(x, w)
        ref_mean, ref_cov = _plain_moments(inner, np.full(980, 1 / 980))
        assert_allclose(mean, ref_mean, atol=1e-12)
        assert_allclose(cov, ref_cov, rtol=1e-12)
        # Every point counted (share 1: never leave any out), the covariance is the
        # outliers': this is what the seeds were aligned with before.
        _, all_cov = bulk_moments(x, w, share=1.0)
        assert_allclose(all_cov, _plain_moments(x, w)[1])
        assert np.trace(all_cov) > 100 * np.trace(cov)

    def test_student_t_against_a_gaussian_maps_the_bulks(self, rng: np.random.Generator):
        # The map between the clouds' Gaussian approximations: with every point it shrinks
        # the heavy-tailed cloud by its outliers' spread; with the bulks, nearly identity.
        x, y = rng.standard_t(2, size=(4000, 2)), rng.normal(size=(4000, 2))
        a = b = np.full(4000, 1 / 4000)
        xa, _ = aligned(x, y, a, b)
        xa_all, _ = aligned(x, y, a, b, bulk_radius=np.inf)
        # Typical points (not the outliers) keep their size within a factor of 2 ...
        typical = np.linalg.norm(x, axis=1) < 3
        ratio = np.linalg.norm(xa[typical], axis=1) / np.linalg.norm(x[typical], axis=1)
        assert 0.5 < np.median(ratio) < 2
        # ... where every point's moments shrank them several times.
        ratio_all = np.linalg.norm(xa_all[typical], axis=1) / np.linalg.norm(
            x[typical], axis=1)
        assert np.median(ratio_all) < 0.5

    def test_its_eigen_decomposition_and_median_are_numpy_s(self, rng: np.random.Generator):
        """The compiled steps (Jacobi rotations, a quickselect) against numpy's eigh and
        median: equal up to round-off (1e-12 of the largest eigenvalue), on diagonal,
        repeated-eigenvalue and random matrices, values with ties, odd and even sizes."""
        from distances.transport._nearest import _eigen, _select

        b = rng.normal(size=(8, 8))
        for s in (np.diag([3.0, 1.0]), np.eye(3) * 2.0, np.array([[1.0, 1.0], [1.0, 1.0]]),
                  b[:2, :2] @ b[:2, :2].T, b[:3, :3] @ b[:3, :3].T, b @ b.T):
            lam, vecs = _eigen(s)
            scale = np.abs(s).max()
            assert_allclose(np.sort(lam), np.linalg.eigvalsh(s), rtol=0, atol=1e-12 * scale)
            assert_allclose(vecs @ np.diag(lam) @ vecs.T, s, rtol=0, atol=1e-12 * scale)
            assert_allclose(vecs.T @ vecs, np.eye(len(s)), rtol=0, atol=1e-12)
        for v in (rng.random(1), rng.random(7), rng.random(500), rng.integers(0, 3, 40) * 1.0):
            h = v.size // 2
            middle, below = _select(v, h)
            ordered = np.sort(v)
            assert middle == ordered[h] and below == (ordered[h - 1] if h else -np.inf)

    def test_bulk_radius_is_validated(self):
        with pytest.raises(ValueError, match="bulk_radius must be a number > 0; got 0"):
            SparseOptions(bulk_radius=0)
        assert SparseOptions(bulk_radius=np.inf).bulk_radius == np.inf


def _heavy(rng: np.random.Generator, n: int, m: int, d: int, weighted: bool):
    x, y = rng.standard_t(2, size=(n, d)), rng.normal(size=(m, d))
    if weighted:
        a, b = rng.exponential(size=n), rng.exponential(size=m)
        return x, y, a / a.sum(), b / b.sum()
    return x, y, np.full(n, 1 / n), np.full(m, 1 / m)


@pytest.mark.parametrize(
    ("n", "m", "d", "weighted"),
    [(400, 200, 2, False), (150, 450, 2, True), (300, 100, 8, True), (350, 350, 2, False),
     # one side of at most 100 points in 2-D and 3-D: no coarse level, the big-M star start
     (600, 60, 2, False), (40, 500, 3, True)],
)
def test_heavy_tails_and_unequal_sizes_agree_with_pot(
    rng: np.random.Generator, n: int, m: int, d: int, weighted: bool
):
    x, y, a, b = _heavy(rng, n, m, d, weighted)
    res = solve_sparse(x, y, a, b)
    sol = res.solution
    ref = ot.emd2(a, b, cdist(x, y), numItermax=10**9)
    assert sol.certificate.ok
    assert_allclose(sol.value, ref, rtol=1e-12)
    plan = sol.plan.toarray()
    assert plan.shape == (n, m)
    assert_allclose(plan.sum(axis=1), a, atol=1e-12)
    assert_allclose(plan.sum(axis=0), b, atol=1e-12)
    # Dual feasibility on every pair, and the dual value equals the primal one.
    assert (sol.u[:, None] + sol.v[None, :] - cdist(x, y)).max() <= 1e-12 * ref + 1e-15
    assert_allclose(a @ sol.u + b @ sol.v, ref, rtol=1e-12)
    # The public face agrees (Discrete merges nothing here: atoms are distinct).
    assert_allclose(earth_mover(Discrete(x, a), Discrete(y, b), method="sparse"), ref,
                    rtol=1e-12)
