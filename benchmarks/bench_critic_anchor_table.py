"""The 9-pair anchor table: run (or resume) the anchor grid, then write it beside their numbers.

Runs ``anchor_settings`` (Korotin et al.'s settings on their own pairs, d in {2, 16, 64} x
funnels in {4, 16, 64}) for ``--methods`` at ``--steps-scale`` times their steps into
``benchmarks/results/critic_benchmark_anchor_s{scale}/`` with ``--resume`` (cells already
there with the same settings are kept), then reads every
``benchmarks/results/critic_benchmark_anchor_*/cells.csv`` and writes, for each pair, every
method's cosine (mean and std over seeds, the 95 % scoring noise, the steps it ran) beside their
released cosine for the same method, and the pair's best method against their best published
cosine, into:

* ``benchmarks/results/critic_benchmark_anchor_table.md`` and ``.csv``;
* ``docs/critic_benchmark.rst``, between the lines ``.. anchor-table-start`` and
  ``.. anchor-table-end``.

Cells of one method and pair run with other settings (another N for ``otnet``, other steps)
are separate rows, named by the settings that differ (``otnet (n_ot=16384)``), never averaged
as seeds; the pair's best is the best of them all. The command's wall time and the load
average are written beside the table.

Run: ``nice -n 10 python benchmarks/bench_critic_anchor_table.py`` (every method at their
steps, one seed, into ``critic_benchmark_anchor_s1``: the done-when command; on this 2-core
CPU it runs for days, so it is run in ``--resume`` pieces, e.g. ``--methods groupsort --dims
64 --funnels 16``, or ``--steps-scale 0.02`` for a reduced folder); ``--no-run`` only
rebuilds the table from the folders. A neural critic's fit saves a checkpoint every
``--checkpoint-every`` steps in the folder's ``checkpoints/`` (with its learning curve,
``{key}.progress.csv``), so a cell stopped by Ctrl-C or the end of a session goes on from
there at the next run. ``--n-ot 16384 --methods otnet --dims 16`` runs the exact-OT network at
N = 16384 into ``critic_benchmark_anchor_s1_n16384``: rows of their own in the table.
"""

from __future__ import annotations

import argparse
import math
import os
import time
from dataclasses import fields, replace
from pathlib import Path

from wgan.app.benchmark_sweep import read_cells_settings, run_sweep
from wgan.app.cell_sweep import SweepInterrupted
from wgan.benchmark import BenchmarkCell, anchor_best, anchor_metrics, anchor_settings
from wgan.benchmark.anchor import OUR_NAMES
from wgan.benchmark.table import ANCHOR_GRID_DIMS, ANCHOR_GRID_FUNNELS, ANCHOR_STEPS, summarise

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
DOCS = ROOT / "docs" / "critic_benchmark.rst"
START, END = ".. anchor-table-start", ".. anchor-table-end"
THEIRS = {ours: theirs for theirs, ours in OUR_NAMES.items()}


def _rows():
    """Every cell of their pairs in the anchor folders, with the settings it ran with."""
    rows = []
    for folder in sorted(RESULTS.glob("critic_benchmark_anchor_s*")):
        if (folder / "cells.csv").exists():
            rows += [(r, st) for r, st in read_cells_settings(folder / "cells.csv")
                     if r.pair.startswith("kkb22")]
    return rows


def _why(best, margin: float, ours) -> str:
    """Why the pair's best here misses theirs: the reasons this table can name."""
    if margin >= 0:
        return "-"
    reasons = []
    if -margin <= best.grad_cosine_noise:
        reasons.append(f"their cosine is inside our 95 % scoring interval "
                       f"(+-{best.grad_cosine_noise:.3f})")
    full = {s.method for s in ours if s.steps >= ANCHOR_STEPS[s.method]}
    reduced = [s for s in ours if s.method in THEIRS and s.method != "ot"
               and s.steps < ANCHOR_STEPS[s.method] and s.method not in full]
    if reduced:
        steps: dict[str, set[int]] = {}
        for s in reduced:
            steps.setdefault(s.method, set()).add(s.steps)
        reasons.append("reduced runs: " + ", ".join(
            f"{m} {', '.join(map(str, sorted(v)))} of {ANCHOR_STEPS[m]} steps"
            for m, v in steps.items()))
    if any(s.method in ("ot", "otnet") for s in ours) and best.dim > 2:
        reasons.append("ot/otnet: the plan of independent samples is mostly sampling noise")
        by_n = _otnet_by_n(ours)
        if len(by_n) > 1:
            reasons.append("otnet cosine by samples per side (finite-sample bias): " + ", ".join(
                f"N={n} {c:.3f}" for n, c in by_n))
    missing = sorted(set(ANCHOR_STEPS) - {s.method for s in ours})
    if missing:
        reasons.append("not run: " + " ".join(missing))
    return "; ".join(reasons)


def _otnet_by_n(ours) -> list[tuple[int, float]]:
    """``otnet``'s cosine on a pair at each N it ran with (rows that differ in nothing else)."""
    out = []
    for s in ours:
        parts = dict(v.split("=", 1) for v in s.variant.split(", ") if "=" in v)
        if s.method == "otnet" and set(parts) <= {"n_ot"}:
            out.append((int(parts.get("n_ot", 4096)), s.grad_cosine))
    return sorted(out)


def _steps(s) -> str:
    """The steps a row ran, and whether that is their setting (``full``), fewer (``reduced``)
    or a method of ours with no step count of theirs."""
    if s.method == "ot":
        return "solved"
    if s.method not in THEIRS:
        return f"{s.steps} (ours)"
    full = ANCHOR_STEPS[s.method]
    return f"{s.steps} of {full} ({'full' if s.steps >= full else 'reduced'})"


def _name(s) -> str:
    """The row's method and, where cells of other settings ran too, what sets it apart (but
    the steps, which have their own column)."""
    variant = ", ".join(v for v in s.variant.split(", ") if v and not v.startswith("steps="))
    return f"{s.method} ({variant})" if variant else s.method


def _table(rows) -> tuple[list[list[str]], list[list[str]]]:
    summary = summarise([r for r, _ in rows], [st for _, st in rows])
    per_pair: list[list[str]] = []
    best_rows: list[list[str]] = []
    for d in ANCHOR_GRID_DIMS:
        for k in ANCHOR_GRID_FUNNELS:
            ours = [s for s in summary if (s.dim, s.n_funnels) == (d, k)]
            theirs = anchor_best(d, k)
            for s in sorted(ours, key=lambda s: -s.grad_cosine):
                their = anchor_metrics(d, k).get(THEIRS.get(s.method, ""), None)
                per_pair.append([str(d), str(k), _name(s), _steps(s), str(s.n_seeds),
                                 f"{s.grad_cosine:.3f}", f"{s.grad_cosine_std:.3f}",
                                 f"{s.grad_cosine_noise:.3f}", f"{s.raw_error:+.1%}",
                                 f"{s.raw_error_noise:.1%}",
                                 "-" if their is None else f"{their.cosine:.3f}",
                                 "-" if their is None else f"{their.relative_error:+.1%}"])
            if ours:
                b = max(ours, key=lambda s: s.grad_cosine)
                margin = b.grad_cosine - theirs.cosine
                best_rows.append([str(d), str(k), _name(b), _steps(b), f"{b.grad_cosine:.3f}",
                                  f"{b.grad_cosine_noise:.3f}", theirs.method,
                                  f"{theirs.cosine:.3f}", f"{margin:+.3f}",
                                  "yes" if margin >= 0 else "no", _why(b, margin, ours)])
            else:
                best_rows.append([str(d), str(k), "not run", "-", "-", "-", theirs.method,
                                  f"{theirs.cosine:.3f}", "-", "-", "not run"])
    return best_rows, per_pair


BEST_HEAD = ["d", "funnels", "our best", "steps", "cosine", "noise (95 %)", "their best",
             "their cosine", "ours - theirs", "reaches theirs", "why not"]
PAIR_HEAD = ["d", "funnels", "method", "steps", "seeds", "cosine", "seed std", "noise (95 %)",
             "raw error", "noise (95 %)", "their cosine", "their error"]


def _rst(head: list[str], body: list[list[str]], title: str) -> list[str]:
    out = [f".. list-table:: {title}", "   :header-rows: 1", ""]
    for row in [head, *body]:
        out.append("   * - " + row[0])
        out += [f"     - {c}" for c in row[1:]]
    return out


def _md(head: list[str], body: list[list[str]]) -> list[str]:
    return ["| " + " | ".join(head) + " |", "|" + "---|" * len(head),
            *("| " + " | ".join(r) + " |" for r in body)]


def _changes(items: list[str]) -> dict[str, object]:
    """``FIELD=VALUE`` words as BenchmarkCell fields (numbers parsed; SystemExit otherwise)."""
    names = {f.name: f for f in fields(BenchmarkCell)}
    out: dict[str, object] = {}
    for item in items:
        name, sep, text = item.partition("=")
        if not sep or name not in names:
            raise SystemExit(f"--set takes FIELD=VALUE with a BenchmarkCell field; got {item!r}")
        try:
            out[name] = int(text) if text.lstrip("-").isdigit() else float(text)
        except ValueError:
            out[name] = text
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--methods", nargs="+",
                        default=["ot", "otnet", "groupsort", "gp", "lp", "clip", "sn"])
    parser.add_argument("--steps-scale", type=float, default=1.0)
    parser.add_argument("--seeds", nargs="+", type=int, default=[0])
    parser.add_argument("--dims", nargs="+", type=int, default=list(ANCHOR_GRID_DIMS))
    parser.add_argument("--funnels", nargs="+", type=int, default=list(ANCHOR_GRID_FUNNELS))
    parser.add_argument("--n-ot", type=int, default=4096,
                        help="samples per side of ot / otnet (default: 4096, the anchor's; "
                             "another N goes to its own folder, ..._n{N}, and its own rows)")
    parser.add_argument("--checkpoint-every", type=int, default=1000,
                        help="steps between checkpoints of a neural critic's fit (default: "
                             "1000); a rerun goes on from the last one")
    parser.add_argument("--set", nargs="+", default=[], metavar="FIELD=VALUE",
                        help="change a cell setting for every method (e.g. lr=0.001 "
                             "group_size=2), into its own folder ..._FIELDVALUE: a variant "
                             "row of its own in the table")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--no-run", action="store_true")
    parser.add_argument("--out", default=None,
                        help="folder under benchmarks/results (default "
                             "critic_benchmark_anchor_s{scale}; must start with "
                             "critic_benchmark_anchor_s to be read into the table)")
    args = parser.parse_args()
    start = time.perf_counter()
    if not args.no_run:
        settings = anchor_settings("cpu", dims=args.dims, funnels=args.funnels,
                                   methods=args.methods, seeds=args.seeds,
                                   steps_scale=args.steps_scale, n_ot=args.n_ot)
        changes = _changes(args.set)
        settings = replace(settings, overrides=tuple(
            (m, (*change, *changes.items())) for m, change in settings.overrides))
        n_ot = "" if args.n_ot == 4096 else f"_n{args.n_ot}"
        n_ot += "".join(f"_{k}{v}" for k, v in changes.items())
        out = RESULTS / (args.out or f"critic_benchmark_anchor_s{args.steps_scale:g}{n_ot}")
        done = run_sweep(settings, out, resume=True, workers=args.workers, progress=False,
                         checkpoint_every=args.checkpoint_every,
                         on_result=lambda r: print(r.key, f"cos {r.grad_cosine:.3f}",
                                                   flush=True))
        print(f"{done.ran} cells run, {done.skipped} resumed")
    rows = _rows()
    best_rows, per_pair = _table(rows)
    wall = time.perf_counter() - start
    cells_wall = sum(r.total_seconds for r, _ in rows)
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    dims = ("" if args.no_run or args.dims == list(ANCHOR_GRID_DIMS)
            else " --dims " + " ".join(map(str, args.dims)))
    if not args.no_run and args.funnels != list(ANCHOR_GRID_FUNNELS):
        dims += " --funnels " + " ".join(map(str, args.funnels))
    if not args.no_run and args.n_ot != 4096:
        dims += f" --n-ot {args.n_ot}"
    if not args.no_run and args.set:
        dims += " --set " + " ".join(args.set)
    stamp = (f"Written by ``python benchmarks/bench_critic_anchor_table.py "
             f"{'--no-run' if args.no_run else '--methods ' + ' '.join(args.methods)}"
             f"{'' if args.no_run else f' --steps-scale {args.steps_scale:g}'}"
             f"{dims}`` in "
             f"{wall:.0f} s wall (load average {load}, 2 shared CPU cores, no GPU), "
             f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}. The {len(rows)} cells "
             f"in the table took {cells_wall / 3600:.1f} h of wall time in all (the sum of "
             f"their own wall times, each cell on one thread of a shared core; run in several "
             f"``--resume`` pieces), which is what one command running them all would take "
             f"here at the same load.")
    md = ["# Critic benchmark on Korotin et al.'s pairs, beside their numbers", "", stamp, "",
          "## Each pair's best method against their best published cosine", "",
          *_md(BEST_HEAD, best_rows), "", "## Every method run, per pair", "",
          *_md(PAIR_HEAD, per_pair), ""]
    (RESULTS / "critic_benchmark_anchor_table.md").write_text("\n".join(md))
    with (RESULTS / "critic_benchmark_anchor_table.csv").open("w") as fh:
        fh.write(",".join(PAIR_HEAD) + "\n")
        fh.writelines(",".join(r) + "\n" for r in per_pair)
    rst = [START, "", stamp, "", *_rst(BEST_HEAD, best_rows,
                                       "Each pair's best method here against theirs"), "",
           *_rst(PAIR_HEAD, per_pair, "Every method run, per pair (their number beside)"),
           "", END]
    text = DOCS.read_text()
    if START in text and END in text:
        head, rest = text.split(START, 1)
        text = head + "\n".join(rst) + rest.split(END, 1)[1]
        DOCS.write_text(text)
    print("\n".join(md))
    if any(math.isnan(float(r[4])) for r in best_rows if r[4] != "-"):
        raise SystemExit("a cosine is NaN")


if __name__ == "__main__":  # worker processes are spawned: they re-import this file
    # Ctrl-C: one line and status 130, no traceback (every finished cell is in its cells.csv;
    # this script always resumes, so rerunning the same command runs the rest)
    try:
        main()
    except SweepInterrupted as exc:
        raise SystemExit(
            f"bench_critic_anchor_table.py: interrupted: {exc.written} cells of this run are in "
            f"{exc.path}, {exc.remaining} not run; the same command runs the rest"
        ) from None
