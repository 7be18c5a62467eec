"""Pivots of the finest level of a large sparse solve, from one basis, renumbered how often?

Runs the sparse solver on two clouds of ``bench_peers.py`` (``--shape``, ``--n`` a side,
2-D) up to the finest level's first call of the compiled rounds, keeps the simplex's
state there (arcs, spanning tree, node numbers), and for each ``--every`` (pivots between
renumberings; 0: none) pivots ``--pivots`` times from a copy of that state in chunks of
``--chunk``, printing the CPU microseconds a pivot of each chunk and the CPU seconds of
each renumbering (``_tree.relabel`` and ``_tree.sort_arcs``, as the rounds call them)::

    python benchmarks/renumber_pivots.py --n 1000000 --pivots 3000000 --every 0 250000 1000000

(2,000,001 nodes and 13 million arcs: about 3 GB beside the solver's own; the coarse
levels take a few minutes first.) See ``docs/sparse_w1.rst``, *What the profiles showed*.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bench_peers import clouds


class _Captured(Exception):
    pass


def finest_state(shape: str, n: int, seed: int = 0) -> tuple:
    """(arcs, tree, nodes, first_arc, n_arcs, eps, rule) at the finest level's first round."""
    import distances.transport._rounds as rounds_module
    from distances.sparse_w1 import solve_sparse

    real = rounds_module.rounds
    got: dict = {}

    def capture(points, cands, arcs, tree, nodes, state, *rest):  # type: ignore[no-untyped-def]
        if points.a.shape[0] < n:
            return real(points, cands, arcs, tree, nodes, state, *rest)
        st = state[0]
        got["state"] = (arcs._replace(**{k: v.copy() for k, v in arcs._asdict().items()}),
                        tree._replace(**{k: v.copy() for k, v in tree._asdict().items()}),
                        nodes._replace(**{k: v.copy() for k, v in nodes._asdict().items()}),
                        int(st["first_arc"]), int(st["n_arcs"]), float(st["eps"]),
                        int(st["rule"]))
        raise _Captured

    rounds_module.rounds = capture
    try:
        solve_sparse(*clouds(shape, n, 2, seed))
    except _Captured:
        pass
    finally:
        rounds_module.rounds = real
    return got["state"]


def run(state: tuple, pivots_total: int, every: int, chunk: int) -> None:
    from distances.transport._pivots import pivots
    from distances.transport._tree import relabel, sort_arcs

    arcs0, tree0, nodes0, first_arc, n_arcs, eps, rule = state
    arcs = arcs0._replace(**{k: v.copy() for k, v in arcs0._asdict().items()})
    tree = tree0._replace(**{k: v.copy() for k, v in tree0._asdict().items()})
    label = nodes0.label.copy()

    def renumber() -> float:
        t = time.process_time()
        relabel(n_arcs, arcs.src, arcs.tgt, tree.parent, tree.pred, tree.forward,
                tree.thread, tree.rev_thread, tree.succ_num, tree.last_succ, tree.pi, label)
        sort_arcs(first_arc, n_arcs, arcs.src, arcs.tgt, arcs.cost, arcs.flow, arcs.state,
                  tree.pred)
        return time.process_time() - t

    print(f"every {every}: renumbered first in {renumber():.2f} s", flush=True)
    done = since = 0
    nxt = first_arc
    spent = 0.0
    while done < pivots_total:
        t = time.process_time()
        status, k, nxt = pivots(first_arc, n_arcs, arcs, tree, nxt, chunk, eps, rule)
        dt = time.process_time() - t
        spent += dt
        done += k
        since += k
        line = f"  {done} pivots: {1e6 * dt / max(k, 1):.1f} us a pivot"
        if status != 2:
            print(line + " (optimal)", flush=True)
            break
        if every and since >= every:
            r = renumber()
            spent += r
            since = 0
            line += f"; renumbered in {r:.2f} s"
        print(line, flush=True)
    print(f"every {every}: {done} pivots, {spent:.1f} s CPU with the renumberings, "
          f"{1e6 * spent / max(done, 1):.1f} us a pivot; load average "
          f"{os.getloadavg()[0]:.1f}", flush=True)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--shape", default="alike")
    p.add_argument("--n", type=int, default=1_000_000)
    p.add_argument("--pivots", type=int, default=3_000_000)
    p.add_argument("--chunk", type=int, default=125_000)
    p.add_argument("--every", type=int, nargs="+", default=[0, 250_000, 1_000_000])
    args = p.parse_args()
    t = time.process_time()
    state = finest_state(args.shape, args.n)
    print(f"{args.shape} n = m = {args.n}, 2-D: finest level's first basis after "
          f"{time.process_time() - t:.0f} s CPU; {state[1].pi.size} nodes, "
          f"{state[4] - state[3]} candidate arcs", flush=True)
    for every in args.every:
        run(state, args.pivots, every, args.chunk)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
