"""The exact W1 solver's runtime: ready at the first call, without numba or a numba cache,
forked processes and torch, memory refused up front, Ctrl-C (issues 27 and 28).

Subprocesses isolate what a test changes in the interpreter (numba missing, numba without
a cache, torch's and the scans' threads, an address-space limit). torch is imported by
the tests only: :mod:`distances` never imports it.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose
from scipy.spatial.distance import cdist

import distances.wasserstein as w
from distances import Discrete, earth_mover, earth_mover_solution
from distances.transport import _resources, _warmup

ROOT = Path(__file__).resolve().parents[2]


def _run(code: str, timeout: float = 240, **env: str) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh interpreter on this checkout; fails the test on a timeout."""
    import os

    environ = dict(os.environ, PYTHONPATH=str(ROOT), **env)
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, timeout=timeout, env=environ)


def _pot_value(x: np.ndarray, y: np.ndarray) -> float:
    import ot

    return float(ot.emd2(np.full(len(x), 1 / len(x)), np.full(len(y), 1 / len(y)),
                         cdist(x, y), numItermax=10**7))


class TestFirstCall:
    def test_auto_answers_dense_while_the_kernels_load(self, monkeypatch):
        """While the kernels are not loaded, ``auto`` answers a problem the sparse solver
        would take with the dense network simplex (exact, certified), keeps the sparse
        plan's type, and starts the warm-up only after it has answered."""
        started = []
        monkeypatch.setattr(w, "ready", lambda prob: False)
        monkeypatch.setattr(w, "start", lambda: started.append(True))
        monkeypatch.setattr(w, "SPARSE_AUTO_MIN_ATOMS", 50)
        rng = np.random.default_rng(1)
        x, y = rng.normal(size=(60, 2)), rng.normal(size=(70, 2)) + 0.5
        sol = earth_mover_solution(Discrete(x), Discrete(y))
        assert sol.method == "network_simplex" and isinstance(sol.plan, sp.csr_array)
        assert sol.certificate.ok and started == [True]
        # auto_method says what the sizes pick, whatever has been loaded
        assert w.auto_method(Discrete(x), Discrete(y), value_only=False) == "sparse"
        monkeypatch.setattr(w, "ready", lambda prob: True)
        ready = earth_mover_solution(Discrete(x), Discrete(y))
        assert ready.method == "sparse"
        assert_allclose(sol.value, ready.value, rtol=1e-12)  # both certified exact

    def test_a_problem_too_large_for_dense_does_not_wait_for_the_warm_up(self, monkeypatch):
        monkeypatch.setattr(w, "ready", lambda prob: False)
        monkeypatch.setattr(w, "DENSE_WHILE_COMPILING_PAIRS", 100)
        monkeypatch.setattr(w, "SPARSE_AUTO_MIN_ATOMS", 50)
        rng = np.random.default_rng(2)
        x, y = rng.normal(size=(60, 2)), rng.normal(size=(60, 2))
        assert earth_mover_solution(Discrete(x), Discrete(y)).method == "sparse"

    def test_the_warm_up_reaches_every_specialisation(self):
        """After the warm-up, real solves compile nothing more: Discrete's read-only
        weights, all pairs at once, the kept matrix, the large-problem rounds (int32 and
        renumbered), 8-D."""
        from numba.core.registry import CPUDispatcher

        from distances.sparse_w1 import SparseOptions
        from distances.transport import (
            _bases,
            _coarse,
            _nearest,
            _pivots,
            _plans,
            _pricing,
            _rounds,
            _simplex,
            _tree,
        )
        from distances.transport._problem import Problem
        from distances.transport._sparse import solve_with_options

        assert _warmup.wait(timeout=1200)
        modules = (_bases, _coarse, _nearest, _pivots, _plans, _pricing, _rounds, _simplex,
                   _tree)
        kernels = [k for mod in modules
                   for k in vars(mod).values() if isinstance(k, CPUDispatcher)]
        before = sum(len(k.signatures) for k in kernels)
        rng = np.random.default_rng(3)
        for n, d, opts in [(400, 2, {}), (150, 3, {}), (120, 8, {}),
                           (120, 8, {"dense_pairs": 0}), (300, 2, {"matrix_max_pairs": 0}),
                           (300, 2, {"matrix_max_pairs": 0, "index32_nodes": 0,
                                     "renumber_nodes": 0})]:
            P = Discrete(rng.normal(size=(n, d)))
            Q = Discrete(rng.normal(size=(n, d)))
            prob = Problem(P.weights, Q.weights, P.atoms, Q.atoms, None)
            assert solve_with_options(prob, SparseOptions(**opts)).solution.certificate.ok
        assert sum(len(k.signatures) for k in kernels) == before

    def test_finish_waits_for_a_started_warm_up_and_starts_none(self, monkeypatch):
        """``finish`` (for code that replaces a kernel's globals): nothing started,
        nothing to wait for, and it starts nothing; once started, it returns when the
        warm-up has done its work."""
        import threading
        import time

        done = []

        def slow_warm_up(small, large):
            time.sleep(0.2)
            done.append(True)
            small.set()
            large.set()

        monkeypatch.setattr(_warmup, "warm_up", slow_warm_up)
        monkeypatch.setattr(_warmup, "_STATE", [])
        _warmup.finish()
        state = _warmup._warmup()
        assert state.thread.ident is None and done == []
        _warmup.start()
        _warmup.finish()
        assert done == [True] and not state.thread.is_alive()
        assert state.thread is not threading.current_thread()

    def test_without_numba_auto_and_sparse_answer_dense_with_one_warning(self):
        """``import numba`` fails (blocked in sys.modules): earth_mover answers with the
        dense solver and warns once; solve_sparse names what is missing."""
        out = _run("""
            import sys, warnings
            sys.modules["numba"] = None  # import numba raises ImportError
            import numpy as np
            from distances import Discrete, earth_mover
            from distances.sparse_w1 import solve_sparse
            rng = np.random.default_rng(0)
            P, Q = Discrete(rng.normal(size=(400, 2))), Discrete(rng.normal(size=(400, 2)))
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                values = [earth_mover(P, Q), earth_mover(P, Q, method="sparse")]
            try:
                solve_sparse(P.atoms, Q.atoms)
            except ModuleNotFoundError as err:
                print("refused:", err)
            print([type(c.message).__name__ for c in caught])
            print(repr(values[0]), repr(values[1]))
        """)
        assert out.returncode == 0, out.stderr
        lines = out.stdout.splitlines()
        assert lines[0].startswith("refused: the sparse W1 solver needs numba")
        assert lines[1] == "['SparseUnavailableWarning']"
        rng = np.random.default_rng(0)
        x, y = rng.normal(size=(400, 2)), rng.normal(size=(400, 2))
        for value in lines[2].split():
            assert_allclose(float(value), _pot_value(x, y), rtol=1e-12)

    def test_without_a_writable_cache_the_kernels_compile_with_one_warning(self):
        """numba finds no place for its cache (a read-only installation and no user cache
        directory: no cache locator applies): the kernel modules import, with one
        KernelCacheWarning, and compute; earth_mover answers. (As root, permissions do not
        make a directory read-only, so the locators are emptied instead.)"""
        out = _run("""
            import warnings
            import numba.core.caching as caching
            caching.CacheImpl._locator_classes = []  # no locator: "cannot cache function"
            import numpy as np
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                from distances.transport import _bases, _nearest, _pricing, _rounds
                from distances.transport import _simplex, _tree
            print([type(c.message).__name__ for c in caught])
            rows, cols, mass = _bases.northwest_corner(np.array([0.5, 0.5]),
                                                       np.array([0.25, 0.75]))
            print(rows.tolist(), cols.tolist(), mass.tolist())
            from distances import Discrete, earth_mover
            rng = np.random.default_rng(0)
            P, Q = Discrete(rng.normal(size=(600, 2))), Discrete(rng.normal(size=(600, 2)))
            print(repr(earth_mover(P, Q)))
        """)
        assert out.returncode == 0, out.stderr
        lines = out.stdout.splitlines()
        assert lines[0] == "['KernelCacheWarning']"
        assert lines[1] == "[0, 0, 1] [0, 1, 1] [0.25, 0.25, 0.5]"
        rng = np.random.default_rng(0)
        x, y = rng.normal(size=(600, 2)), rng.normal(size=(600, 2))
        assert_allclose(float(lines[2]), _pot_value(x, y), rtol=1e-12)


class TestForks:
    """Issue 27: numba's OpenMP threading layer hung forked processes. The scans now run
    on Python threads (per process), so neither direction hangs."""

    def test_a_forked_worker_scans_after_the_parent_ran_torch(self):
        pytest.importorskip("torch")
        out = _run("""
            import multiprocessing as mp
            import numpy as np
            import torch
            from distances.sparse_w1 import SparseOptions, solve_sparse
            rng = np.random.default_rng(0)
            x, y = rng.normal(size=(300, 2)), rng.normal(size=(300, 2))
            large = SparseOptions(matrix_max_pairs=0)  # the rounds that scan all pairs
            ref = solve_sparse(x, y, options=large).solution.value  # scans in the parent
            torch.randn(256, 256) @ torch.randn(256, 256)
            def work(q):
                q.put(solve_sparse(x, y, options=large).solution.value)
            ctx = mp.get_context("fork")
            q = ctx.Queue()
            p = ctx.Process(target=work, args=(q,))
            p.start()
            p.join(120)
            print(p.exitcode, q.get(timeout=5) == ref)
        """)
        assert out.returncode == 0, out.stderr
        assert out.stdout.split() == ["0", "True"]

    def test_a_forked_child_runs_torch_after_the_parent_ran_earth_mover(self):
        pytest.importorskip("torch")
        out = _run("""
            import multiprocessing as mp
            import numpy as np
            from distances import Discrete, earth_mover
            from distances.transport._warmup import wait
            rng = np.random.default_rng(0)
            P, Q = Discrete(rng.normal(size=(400, 2))), Discrete(rng.normal(size=(400, 2)))
            earth_mover(P, Q)
            wait()
            earth_mover(P, Q, method="sparse")
            import torch
            def work(q):
                q.put(float((torch.ones(128, 128) @ torch.ones(128, 128))[0, 0]))
            ctx = mp.get_context("fork")
            q = ctx.Queue()
            p = ctx.Process(target=work, args=(q,))
            p.start()
            p.join(120)
            print(p.exitcode, q.get(timeout=5))
        """)
        assert out.returncode == 0, out.stderr
        assert out.stdout.split() == ["0", "128.0"]


class TestMemory:
    def test_dense_solve_beyond_memory_is_refused_not_aborted(self):
        """12,000 + 12,000 points under a 3 GiB address-space limit: POT aborted the
        interpreter (std::bad_alloc); now a MemoryError names the size, before any
        allocation."""
        out = _run("""
            import resource
            import numpy as np
            from distances import Discrete, earth_mover_solution
            rng = np.random.default_rng(0)
            P = Discrete(rng.normal(size=(12000, 2)))
            Q = Discrete(rng.normal(size=(12000, 2)))
            resource.setrlimit(resource.RLIMIT_AS, (3 * 2**30, resource.RLIM_INFINITY))
            try:
                earth_mover_solution(P, Q, method="network_simplex")
            except MemoryError as err:
                print(err)
        """)
        assert out.returncode == 0, out.stderr
        assert out.stdout.startswith(
            "the dense network simplex on 12000 x 12000 atoms (48 bytes a pair) needs about "
            "6.4 GiB;")
        assert "method='sparse'" in out.stdout

    def test_sparse_estimate_is_refused_or_warned_up_front(self, monkeypatch):
        """2 x 10^6 points a side ran to 6.9 GB with no word (issue 27): the estimated peak
        (3600 bytes a point) is refused beyond the available memory and warned about
        beyond half of it, before any work."""
        from distances.sparse_w1 import SparseOptions, solve_sparse
        from distances.transport import _sparse

        def available(nbytes):
            monkeypatch.setattr(_resources, "available_memory", lambda: nbytes)
            monkeypatch.setattr(_sparse, "available_memory", lambda: nbytes)

        available(8 * 2**30)
        with pytest.raises(MemoryError, match=r"on 2000000 \+ 2000000 points .* needs about "
                                              r"13\.4 GiB; 8\.0 GiB is available"):
            _sparse._check_memory(2 * 10**6, 2 * 10**6, 2, SparseOptions())
        x = np.zeros((4, 2))
        need = _resources.SPARSE_BYTES_PER_POINT * 8 + 9 * 16  # 8 points, a 4 x 4 matrix
        available(need - 1)
        with pytest.raises(MemoryError, match=r"the sparse solver on 4 \+ 4 points"):
            solve_sparse(x, x + 1)
        available(need + need // 2)
        with pytest.warns(RuntimeWarning, match="needs about"):
            assert solve_sparse(x, x + 1).solution.value == pytest.approx(2**0.5, rel=1e-15)

    @pytest.mark.skipif(not Path("/proc/self/clear_refs").exists(), reason="Linux only")
    def test_the_dense_estimate_is_honest(self):
        """The estimate (40 bytes a pair) is at least the measured peak: the resident
        peak (VmHWM, reset before the solve through /proc/self/clear_refs) over the
        resident size before it, n = 2500 (250 MB at the estimate)."""
        out = _run("""
            import numpy as np
            from distances import Discrete, earth_mover_solution
            def status(key):
                with open("/proc/self/status") as f:
                    return next(int(l.split()[1]) for l in f if l.startswith(key)) * 1024
            rng = np.random.default_rng(0)
            small = [Discrete(rng.normal(size=(5, 2))) for _ in range(2)]
            earth_mover_solution(*small, method="network_simplex")  # POT loaded
            P = Discrete(rng.normal(size=(2500, 2)))
            Q = Discrete(rng.normal(size=(2500, 2)))
            with open("/proc/self/clear_refs", "w") as f:
                f.write("5")  # the peak resident size starts again from here
            base = status("VmRSS:")
            earth_mover_solution(P, Q, method="network_simplex")
            print((status("VmHWM:") - base) / 2500**2)
        """)
        assert out.returncode == 0, out.stderr
        assert 10 < float(out.stdout) <= _resources.DENSE_BYTES_PER_PAIR


class TestInterrupt:
    def test_an_interrupt_inside_a_kernel_arrives_as_keyboard_interrupt(self, monkeypatch):
        """CPython reported Ctrl-C inside a compiled kernel as SystemError (its cause the
        KeyboardInterrupt): the solvers re-raise it as KeyboardInterrupt."""
        from distances.transport import _sparse

        def interrupted(*args, **kwargs):
            try:
                raise KeyboardInterrupt
            except KeyboardInterrupt as cause:
                raise SystemError("<function> returned a result with an exception set") \
                    from cause

        monkeypatch.setattr(_sparse, "_solve_scaled", interrupted)
        x = np.random.default_rng(0).normal(size=(50, 2))
        with pytest.raises(KeyboardInterrupt):
            _sparse.solve_sparse(x, x + 1)
        with pytest.raises(KeyboardInterrupt):
            earth_mover(Discrete(x), Discrete(x + 1), method="sparse")
        monkeypatch.setattr(_sparse, "_solve_scaled",
                            lambda *a: (_ for _ in ()).throw(SystemError("other")))
        with pytest.raises(SystemError, match="other"):  # a real SystemError stays one
            _sparse.solve_sparse(x, x + 1)
