"""Behaviours of distances.testing.checks that mutation testing found unprotected.

Each test names the behaviour it protects (docs/testing.rst, "What the survivors taught").
"""

from __future__ import annotations

import pytest

from distances import Discrete, total_variation
from distances.testing import DistanceCheckFailure, check_distance, distance_checks


def _recording_tv(seen: list):
    def tv(x, a, y, b):
        seen.append((x.tobytes(), a.tobytes(), y.tobytes(), b.tobytes()))
        return total_variation(Discrete(x, a / a.sum()), Discrete(y, b / b.sum()))

    return tv


def _examples(seed: int) -> list:
    seen: list = []
    checks = {c.name: c for c in distance_checks(_recording_tv(seen), "tv", seed=seed,
                                                  max_examples=4)}
    checks["tv-symmetric"]()
    return seen


def test_a_seed_reproduces_the_same_examples() -> None:
    # seed= makes a run that is not derandomized repeatable: the same inputs, in order.
    first = _examples(7)
    assert first and _examples(7) == first


class _Unreadable:
    def __array__(self, dtype=None, copy=None):
        raise RuntimeError("no array here")


def test_a_result_numpy_cannot_read_is_a_finding_not_a_crash() -> None:
    # The user's function returning an object whose conversion raises is reported as a
    # failed check (not one real number), not as an error inside the checks.
    with pytest.raises(DistanceCheckFailure, match="not a real number"):
        check_distance(lambda x, a, y, b: _Unreadable(), "tv", max_examples=2)



def test_by_default_a_check_draws_up_to_8_atoms_and_100_examples() -> None:
    # The documented defaults: max_size=8 (reached within 40 derandomized examples: sizes
    # 1 to 8 all drawn) and max_examples=100.
    sizes: list[int] = []

    def tv(x, a, y, b):
        sizes.append(max(len(a), len(b)))
        return total_variation(Discrete(x, a / a.sum()), Discrete(y, b / b.sum()))

    assert all(c.max_examples == 100 for c in distance_checks(tv, "tv"))
    checks = {c.name: c for c in distance_checks(tv, "tv", max_examples=40)}
    checks["tv-symmetric"]()
    assert max(sizes) == 8


def test_max_size_1_is_allowed() -> None:
    checks = distance_checks(total_variation, "tv", input="discrete", max_size=1)
    assert checks and all(c.max_examples == 100 for c in checks)
