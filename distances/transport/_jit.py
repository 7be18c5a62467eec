"""numba for the solver's kernels: one decorator, cached on disk where numba can cache.

Every compiled kernel of :mod:`distances.transport` is declared with :func:`kernel`
(``nogil``: the kernels release the GIL, so scans run on several threads and compiling in
the background leaves the caller's thread free). Compiled code is cached on disk
(numba's ``cache=True``: next to the sources, or under ``NUMBA_CACHE_DIR``). Where numba
finds no writable place for its cache (a read-only installation and no user cache
directory), caching raised ``RuntimeError: cannot cache function ...: no locator
available`` when the module was imported; here the kernels are then compiled in memory,
anew in each process, and one :class:`KernelCacheWarning` says so.

Private module: importing it imports numba.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
from numba import njit

__all__ = ["KernelCacheWarning", "kernel", "unsigned"]

#: Index through this (``arr[unsigned(i)]``) in the kernels' hot loops where ``i`` is read
#: from an array (a node, an arc, a column): numba wraps a negative signed index around
#: (a sign test and an add at every access, and the array's length kept in a register
#: or, short of them, reloaded from the stack), an unsigned one it does not. Only for
#: numbers that are never negative. The pivots (:mod:`._pivots`) took 0.77x the time with
#: it, the same pivots; see ``docs/sparse_w1.rst``, "Fifth look".
unsigned = np.uint64


class KernelCacheWarning(RuntimeWarning):
    """numba cannot cache the solver's compiled kernels: they are compiled in each process."""


_UNCACHED: list[str] = []  # names of the kernels compiled without a cache (warned once)


def kernel(fn: Callable[..., Any] | None = None, **options: Any) -> Any:
    """``numba.njit(cache=True, nogil=True, **options)``, without the cache where numba
    has no place to write it (one warning per process). Use as ``@kernel`` or
    ``@kernel(inline="always")``."""
    if fn is None:
        return lambda f: kernel(f, **options)
    try:
        return njit(cache=True, nogil=True, **options)(fn)
    except RuntimeError as err:  # numba: "cannot cache function ...: no locator available"
        if "cannot cache" not in str(err):
            raise
        if not _UNCACHED:
            warnings.warn(
                "numba cannot cache the sparse W1 solver's compiled kernels (no writable "
                "cache directory next to the package or in the user's cache; set "
                "NUMBA_CACHE_DIR to a writable directory): they are compiled in every "
                "process, in the background while the dense solver answers small problems",
                KernelCacheWarning, stacklevel=2,
            )
        _UNCACHED.append(fn.__name__)
        return njit(cache=False, nogil=True, **options)(fn)
