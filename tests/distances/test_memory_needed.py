"""distances.wasserstein.memory_needed: the estimates with which the solvers refuse."""

from __future__ import annotations

import numpy as np
import pytest

from distances import Discrete, earth_mover_solution
from distances.wasserstein import memory_needed


@pytest.mark.parametrize("method, n, m", [("network_simplex", 7, 5), ("sparse", 7, 5)])
def test_is_what_the_solver_checks(monkeypatch, method, n, m) -> None:
    """The bytes the solver hands to its memory check before it allocates are the estimate."""
    import distances.transport._dense as dense
    import distances.transport._sparse as sparse

    seen: list[int] = []
    module = dense if method == "network_simplex" else sparse
    monkeypatch.setattr(module, "check_memory",
                        lambda need, what, advice, *avail: seen.append(need))
    rng = np.random.default_rng(0)
    earth_mover_solution(Discrete(rng.normal(size=(n, 2))), Discrete(rng.normal(size=(m, 2))),
                         method=method)
    assert seen == [memory_needed(n, m, 2, method)]


def test_values() -> None:
    """48 bytes a pair; 3600 bytes a point, plus 9 a pair while the matrix is kept (2^22
    pairs in 2-D and 3-D: 2048 x 2048 keeps it, 2048 x 2049 does not)."""
    assert memory_needed(3, 4, 2, "network_simplex") == 48 * 12
    assert memory_needed(2048, 2048, 2, "sparse") == 3600 * 4096 + 9 * 2048**2
    assert memory_needed(2048, 2049, 2, "sparse") == 3600 * 4097


@pytest.mark.parametrize("args, message", [
    ((0, 3, 2, "sparse"), "n must be an integer >= 1; got 0"),
    ((3, 2.5, 2, "sparse"), "m must be an integer >= 1; got 2.5"),
    ((3, 3, 0, "sparse"), "d must be an integer >= 1; got 0"),
    ((3, 3, 2, "auto"), "method must be 'network_simplex' or 'sparse'; got 'auto'"),
])
def test_bad_input(args, message) -> None:
    with pytest.raises(ValueError, match=message):
        memory_needed(*args)
