"""What a solve needs from the machine: memory, numba, the keyboard, scratch arrays.

* Memory: each solver estimates its peak from measured bytes a pair (dense) or a point
  (sparse) and refuses up front (:func:`check_memory`, a MemoryError naming the size)
  what the machine cannot hold: the dense solver on 12,000 + 12,000 points under a 3 GiB
  limit aborted the interpreter inside POT (``std::bad_alloc``), and the sparse one on
  2 x 10^6 points a side ran to 6.9 GB with no word.
* numba: :func:`numba_available` says, without importing it, whether the sparse solver's
  kernels can be compiled; without it the dense solver answers (one warning a process).
* Ctrl-C: :func:`interruptible` delivers an interrupt inside a compiled kernel as
  KeyboardInterrupt.
* Scratch memory: :func:`scratch` keeps a solve's large arrays per thread for the next
  solve, which fresh memory would make page-fault.

Private module.
"""

from __future__ import annotations

import importlib.util
import sys
import threading
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "DENSE_BYTES_PER_PAIR",
    "SCRATCH_MAX_BYTES",
    "SPARSE_BYTES_PER_POINT",
    "SparseUnavailableWarning",
    "available_memory",
    "check_memory",
    "interruptible",
    "numba_available",
    "numba_missing",
    "scratch",
    "scratch_arrays",
]


class SparseUnavailableWarning(RuntimeWarning):
    """numba is not installed: the dense network simplex answers instead of the sparse solver."""


_NUMBA: list[bool] = []
_NUMBA_WARNED: list[bool] = []


def numba_available(warn: bool = True) -> bool:
    """Whether numba is installed, without importing it (``import numba`` takes 0.5-1 s);
    one :class:`SparseUnavailableWarning` a process when it is not (``warn``). An import
    that fails later (:func:`numba_missing`) makes it False too."""
    if not _NUMBA:
        if "numba" in sys.modules:
            _NUMBA.append(sys.modules["numba"] is not None)
        else:
            _NUMBA.append(importlib.util.find_spec("numba") is not None)
    if warn and not _NUMBA[0] and not _NUMBA_WARNED:
        _NUMBA_WARNED.append(True)
        warnings.warn(
            "numba is not installed (or does not import), so the sparse W1 solver is "
            "unavailable: the dense network simplex answers instead (exact and certified; "
            "it needs the n x m cost matrix). pip install numba for the sparse solver.",
            SparseUnavailableWarning, stacklevel=4,
        )
    return _NUMBA[0]


def numba_missing() -> None:
    """Record that ``import numba`` failed: :func:`numba_available` is False from now on."""
    _NUMBA[:] = [False]


@contextmanager
def interruptible() -> Iterator[None]:
    """Ctrl-C inside a compiled kernel arrives as KeyboardInterrupt.

    numba's kernels do not check for signals; the interrupt is noticed as the kernel
    returns, and CPython reported it as ``SystemError: ... returned a result with an
    exception set`` (5-9 of 30 tries, issue 27), which ``except KeyboardInterrupt`` missed.
    This turns that SystemError back into the KeyboardInterrupt it carries."""
    try:
        yield
    except SystemError as err:
        cause = err.__cause__ or err.__context__
        if isinstance(cause, KeyboardInterrupt):
            raise KeyboardInterrupt(*cause.args) from None
        raise


# -- memory ------------------------------------------------------------------------------

#: Bytes a pair of the dense network simplex takes at its peak (the (n, m) unit cost and
#: plan, POT's arcs, the certificate's blocks): measured ``ru_maxrss`` over the process's
#: baseline for ``earth_mover_solution(..., method="network_simplex")``, 2-D, n = m = 1000,
#: 2000, 3000: 37.2, 35.2, 34.5 bytes a pair; 40.9 at n = 2500 in CI's fresh venv
#: (numpy 2): 48 leaves a fifth for allocator and version differences.
DENSE_BYTES_PER_PAIR = 48
#: Bytes a point (n + m) the sparse solver takes at its peak (candidate arcs, local lists,
#: k-d trees): measured ``ru_maxrss`` over the baseline, 2-D Gaussians, n = m = 10^4,
#: 3 x 10^4, 6 x 10^4: 2.0, 3.3, 3.4 KB a point (``benchmarks/bench_sparse.py`` reports
#: its peaks too).
SPARSE_BYTES_PER_POINT = 3600


def available_memory() -> int | None:
    """Bytes this process can still allocate: the system's available memory
    (``MemAvailable``, read at most every ``MEMINFO_MAX_AGE`` seconds), and below an
    address-space limit (``ulimit -v``) what is left of it; None where neither is known
    (not Linux)."""
    avail = _mem_available()
    try:
        import resource

        soft, _ = resource.getrlimit(resource.RLIMIT_AS)
        if soft != resource.RLIM_INFINITY:
            used = 0
            with open("/proc/self/status") as f:
                for line in f:
                    if line.startswith("VmSize:"):
                        used = int(line.split()[1]) * 1024
            left = max(0, soft - used)
            avail = left if avail is None else min(avail, left)
    except (ImportError, OSError, ValueError):
        pass
    return avail


#: /proc/meminfo is read at most once in this many seconds: each read takes 40-50 us (the
#: kernel writes the whole file), and a sparse solve at 500 x 250 points asked twice, 1 %
#: of its time; memory a process allocates within the interval goes unseen.
MEMINFO_MAX_AGE = 0.5
_MEMINFO: list[float] = []  # [time of the last read, MemAvailable in bytes or -1]


def _mem_available() -> int | None:
    """The system's ``MemAvailable`` in bytes (None where unknown), at most
    ``MEMINFO_MAX_AGE`` seconds old."""
    now = time.monotonic()
    if not _MEMINFO or now - _MEMINFO[0] > MEMINFO_MAX_AGE:
        avail = -1
        try:
            with open("/proc/meminfo", "rb") as f:
                text = f.read()
            at = text.find(b"MemAvailable:")
            if at >= 0:
                avail = int(text[at + 13 : text.index(b"kB", at)]) * 1024
        except (OSError, ValueError):
            pass
        _MEMINFO[:] = [now, avail]
    return None if _MEMINFO[1] < 0 else int(_MEMINFO[1])


def check_memory(need: int, what: str, advice: str, avail: int | None = -1) -> None:
    """MemoryError naming ``what`` and the bytes it needs, when they exceed
    :func:`available_memory` (nothing is allocated before: the dense solver aborted the
    interpreter with ``std::bad_alloc`` inside POT); ``avail``, its value when the caller
    has just read it (-1: read here)."""
    if avail == -1:
        avail = available_memory()
    if avail is not None and need > avail:
        raise MemoryError(
            f"{what} needs about {need / 2**30:.1f} GiB; {avail / 2**30:.1f} GiB is "
            f"available to this process; {advice}")


#: Scratch arrays of up to this many bytes (the cost matrix, the mask of candidate pairs,
#: the arcs of the pivots on all pairs) are kept per thread between solves
#: (:func:`scratch`).
SCRATCH_MAX_BYTES = 1 << 23
_SCRATCH = threading.local()


def scratch(name: str, size: int, dtype: type) -> NDArray:
    """An uninitialised 1-D array of ``size`` items, kept for this thread's next solve
    when at most SCRATCH_MAX_BYTES (one array per ``name``: a caller must be done with it
    before the next call with the same name). A fresh array of a few MB costs a page fault
    every 4 KB each time the allocator has returned it to the system: n = 500 in 2-D took
    11.2-11.7 ms in some processes and 13.1-13.5 ms in others, where the 2 MB cost matrix
    alone took 1.25 ms instead of 0.31 ms."""
    nbytes = size * np.dtype(dtype).itemsize
    if nbytes > SCRATCH_MAX_BYTES:
        return np.empty(size, dtype)
    buf = getattr(_SCRATCH, name, None)
    if buf is None or buf.size < size or buf.dtype != dtype:
        buf = np.empty(max(size, 1 << 12), dtype)
        setattr(_SCRATCH, name, buf)
    return buf[:size]


def scratch_arrays(name: str, size: int, dtypes: tuple[type, ...]) -> tuple[NDArray, ...]:
    """:func:`scratch` arrays of ``size`` items, one of each of ``dtypes``, under one
    ``name``: the same arrays again when the last call asked for the same (one lookup
    instead of one a dtype: 6 arrays, 9 -> 1 us)."""
    key = (size, dtypes)
    last = getattr(_SCRATCH, name, None)
    if last is not None and last[0] == key:
        return last[1]
    arrays = tuple(scratch(f"{name}.{k}", size, dtype) for k, dtype in enumerate(dtypes))
    kept = all(v.nbytes <= SCRATCH_MAX_BYTES for v in arrays)  # (large ones: never kept)
    setattr(_SCRATCH, name, (key, arrays) if kept else None)
    return arrays
