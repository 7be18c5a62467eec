"""The compiled kernels made ready in the background, so that no call waits for them.

The sparse solver's kernels are compiled by numba on first use (and cached on disk): with
an empty cache the first sparse solve of a process took 11.5 s at n = 600 (idle machine),
5.1 s more at n = 3000, where the dense network simplex (POT) answers in 0.02 s and 1.4 s.
Loading them from a warm cache still takes 0.5-2 s. So :func:`distances.earth_mover`
(``method="auto"``) asks :func:`ready` before choosing the sparse solver: if this process
has not loaded the kernels the problem needs, a background thread starts loading them
(compiling where the cache is empty: :func:`warm_up`, small solves that reach every
specialisation), and the problem is solved by the dense network simplex when its matrix is
small (``DENSE_WHILE_COMPILING_PAIRS``); larger problems compile what they need on the
spot (numba's compiler lock serialises the two threads). Both answers are exact and
certified; the dense one of ``earth_mover_solution`` keeps the sparse plan's type.

Without numba (``import numba`` fails) the sparse solver is unavailable: ``method="auto"``
and ``method="sparse"`` answer with the dense network simplex and one
:class:`SparseUnavailableWarning`.

Private module; the threads are plain daemon threads, one per process (a forked child
starts its own; at exit the interpreter does not wait for a warm-up in progress, whose
finished kernels are cached already).
"""

from __future__ import annotations

import os
import threading

import numpy as np

from ._options import SparseOptions, options
from ._problem import Problem
from ._resources import numba_missing

__all__ = [
    "DENSE_WHILE_COMPILING_PAIRS",
    "finish",
    "ready",
    "start",
    "wait",
    "warm_up",
]

#: While the kernels are not ready, problems of up to this many pairs (n = m = 4096: 128 MB
#: a cost matrix, about 0.6 GB for POT's dense solve; 3.8 s idle at n = 4000 against a
#: compile of 15-30 s) are solved by the dense network simplex.
DENSE_WHILE_COMPILING_PAIRS = 1 << 24


class _Warmup:
    """This process's warm-up: its thread (started by :func:`start`) and what it has made
    ready."""

    def __init__(self) -> None:
        self.pid = os.getpid()
        self.small = threading.Event()  # the rounds with a kept cost matrix
        self.large = threading.Event()  # every kernel
        self.thread = threading.Thread(target=warm_up, args=(self.small, self.large),
                                       name="distances-warm-up", daemon=True)


_STATE: list[_Warmup] = []
_LOCK = threading.Lock()


def _warmup() -> _Warmup:
    with _LOCK:
        if not _STATE or _STATE[0].pid != os.getpid():
            _STATE[:] = [_Warmup()]
        return _STATE[0]


def ready(prob: Problem, opts: SparseOptions | None = None) -> bool:
    """Whether the kernels that the sparse solve of ``prob`` runs are loaded in this
    process. Does not start loading them: the caller calls :func:`start` once it has
    answered (the warm-up would otherwise compete with its answer for the GIL)."""
    assert prob.x is not None and prob.y is not None
    opts = opts or options()
    state = _warmup()
    if opts.keeps_matrix(prob.x.shape[0], prob.y.shape[0], prob.x.shape[1]):
        return state.small.is_set()
    return state.large.is_set()


def start() -> None:
    """Start this process's warm-up in the background, unless it is running or done."""
    state = _warmup()
    with _LOCK:
        if state.thread.ident is None:
            state.thread.start()


def wait(timeout: float | None = None) -> bool:
    """Wait for the warm-up of this process (started if need be); whether it finished."""
    start()
    return _warmup().large.wait(timeout)


def finish() -> None:
    """Wait for this process's warm-up if it has started; start none. (For code that
    replaces a kernel's module globals, as tests do: a warm-up compiling meanwhile would
    read the replacement.)"""
    thread = _warmup().thread
    if thread.ident is not None:
        thread.join()


def warm_up(small: threading.Event | None = None, large: threading.Event | None = None) -> None:
    """Solve small problems that reach every compiled kernel and specialisation of the
    sparse solver (loading them from numba's cache, or compiling them): first those of the
    rounds with a kept cost matrix (``small``), then those of large problems, forced onto
    tiny ones by :class:`SparseOptions` (``large``). The events are set as each part is
    done, and also if the warm-up fails (a real solve then compiles, or raises, itself)."""
    try:
        from ._sparse import solve_with_options  # imports numba and the compiled kernels
    except ImportError:  # numba is found but does not import (e.g. a numpy it does not know)
        numba_missing()
        for event in (small, large):
            if event is not None:
                event.set()
        return
    rng = np.random.default_rng(0)

    def solve(n: int, d: int, **options: int) -> None:
        x, y = rng.normal(size=(n, d)), rng.normal(size=(n, d)) + 0.5
        a = np.full(n, 1.0 / n)
        solve_with_options(Problem(a, a, x, y, None), SparseOptions(**options))

    try:
        solve(60, 2)  # all pairs at once (SparseOptions.dense_pairs)
        solve(150, 2, dense_pairs=0)  # kept matrix, coarse level, brute-force neighbours
        solve(40, 8, dense_pairs=0)  # above 3-D: the big-M star, neighbours from the matrix
        if small is not None:
            small.set()
        local_lists = {"matrix_max_pairs": 0, "matrix_max_pairs_high_d": 0}
        solve(150, 2, **local_lists)  # local lists, scans, partial rounds, int64
        solve(150, 2, index32_nodes=0, renumber_nodes=0, **local_lists)  # int32, renumbered
        solve(40, 8, index32_nodes=0)  # kept matrix above 3-D in int32 (n + m >= 8192)
        solve(40, 8, index32_nodes=0, renumber_nodes=0, **local_lists)
    finally:
        for event in (small, large):
            if event is not None:
                event.set()
