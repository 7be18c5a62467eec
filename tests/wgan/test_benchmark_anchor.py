"""Korotin et al.'s stored pairs and released metrics, as shipped in the package."""

import math
from pathlib import Path

import pytest
import torch

from wgan.benchmark import (
    ANCHOR_DIMS,
    ANCHOR_FUNNELS,
    anchor_best,
    anchor_metrics,
    load_anchor_pair,
)

DATA = Path(__file__).parents[2] / "wgan" / "benchmark" / "data" / "korotin_w1"


def test_sixteen_d_sixteen_funnels_has_their_w1():
    # Their `true` cost is a Monte Carlo mean of |x - T(x)| over 4096 plan samples; ours over
    # 2^15. Both estimate the same W1 if the pair and the map are theirs: the difference must
    # be within 4 standard errors of the two estimates combined (their one from our spread).
    pair = load_anchor_pair(16, 16, n_mc=2**15)
    theirs = anchor_metrics(16, 16)["true"].cost
    assert theirs == pytest.approx(1.7375, abs=5e-5)
    spread = pair.w1_stderr * math.sqrt(pair.n_mc)  # std of |x - T(x)|
    allowance = 4 * math.hypot(spread / math.sqrt(4096), pair.w1_stderr)
    assert abs(pair.w1 - theirs) < allowance
    # ... and the W1 of their other 16-D pairs is far outside it: the test tells pairs apart
    for k in (4, 64):
        assert abs(anchor_metrics(16, k)["true"].cost - pair.w1) > allowance


def test_the_potential_is_their_minfunnels():
    pair = load_anchor_pair(8, 4, n_mc=64)
    state = torch.load(DATA / "pairs" / "dim_8" / "width_4" / "deg_8_seed_987.pt",
                       weights_only=True)
    x = torch.rand(100, 8, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    c, b = state["net.centers"].double(), state["net.bias"].double()
    theirs = (torch.cdist(x, c) + b).min(dim=1).values  # their MinFunnels.forward
    torch.testing.assert_close(pair.potential(x), theirs, rtol=1e-12, atol=1e-12)
    assert (pair.name, pair.seed, pair.half_width, pair.degree) == ("kkb22-d8-k4", 987, 2.5, 8.0)


def test_every_stored_pair_and_metrics_file_loads():
    for d in ANCHOR_DIMS:
        for k in ANCHOR_FUNNELS:
            pair = load_anchor_pair(d, k, n_mc=2)
            assert pair.centres.shape == (k, d)
            m = anchor_metrics(d, k)
            assert m["true"].cosine == 1.0 and m["true"].relative_error == 0.0
            assert len(m) == 12


def test_best_published_cosines_match_the_readme_table():
    assert (anchor_best(2, 4).method, round(anchor_best(2, 4).cosine, 3)) == ("wgan-qp", 0.859)
    assert (anchor_best(64, 16).method, round(anchor_best(64, 16).cosine, 3)) == ("sort-out",
                                                                                 0.947)
    assert round(anchor_best(2, 256).cosine, 3) == 0.546


def test_relative_error_is_cost_over_true():
    m = anchor_metrics(16, 16)
    assert m["wgan-gp"].relative_error == pytest.approx(1.8132991790771484 / 1.7375342845916748
                                                        - 1, rel=1e-12)


def test_off_grid_pairs_are_refused():
    with pytest.raises(ValueError, match="got dim=3, n_funnels=4"):
        load_anchor_pair(3, 4)
    with pytest.raises(ValueError, match="got dim=2, n_funnels=5"):
        anchor_metrics(2, 5)


def test_package_data_ships_the_pairs_and_their_licence():
    tomllib = pytest.importorskip("tomllib")  # Python >= 3.11
    conf = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())
    patterns = conf["tool"]["setuptools"]["package-data"]["wgan.benchmark"]
    files = [p.relative_to(DATA.parents[1]).as_posix() for p in DATA.rglob("*") if p.is_file()]
    assert len([f for f in files if f.endswith(".pt")]) == 28
    assert len([f for f in files if f.endswith(".csv")]) == 28
    assert "data/korotin_w1/LICENSE.md" in files
    from fnmatch import fnmatch

    for f in files:
        assert any(fnmatch(f, pat) for pat in patterns), f
