"""Do the ready-made checks of distances.testing catch real bugs, and how fast?

Runs every planted bug of ``proptest_user_code.py`` (distance code as a user writes it,
with the bug classes of issue 23 among them: a KL finite when the unmatched mass is below
1e-12, a TV that drops differences below 1e-9, an unscaled LP, a W1 that overflows at
1e154, functions that modify their inputs) through the checks as the docs teach them
(:func:`distances.testing.check_distance`, default settings: 100 examples per property),
at the default (derandomized) seed and at seeds 1, 2, 3; the vectors-form bugs with
``input="vectors"``. With ``--plain`` the same bugs also go through ten properties a user
writes with plain ``hypothesis`` lists of floats, interleaved in one process.

Each suite runs its properties in order and stops at the first failure; the time to catch
includes shrinking. ``--correct N`` instead runs the correct implementations (arrays and
vectors forms) through the checks with N examples per property (no property may fire).
``--speed`` measures draws per second of pair strategies (up to 20 atoms each).

Run from the repository root::

    PYTHONPATH=. python benchmarks/bench_proptest.py            # bugs, 4 seeds
    PYTHONPATH=. python benchmarks/bench_proptest.py --correct 1000
    PYTHONPATH=. python benchmarks/bench_proptest.py --speed

Results go to ``benchmarks/results/bench_proptest*.{csv,md,json}``.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent))
from proptest_user_code import BUGS, CORRECT, CORRECT_VECTORS, RARE_BUGS, VECTOR_BUGS

from distances import (
    Discrete,
    earth_mover,
    js_divergence,
    kl_divergence,
    total_variation,
)
from distances.testing import (
    DistanceCheckFailure,
    check_distance,
    distance_checks,
    measure_tuples,
    raw_pairs,
)

RESULTS = Path(__file__).resolve().parent / "results"
EXACT = {"tv": total_variation, "kl": kl_divergence, "js": js_divergence, "w1": earth_mover}
RTOL, ATOL = 1e-9, 1e-12  # the same allowance as the checks' defaults
LOG2 = math.log(2.0)


# -- the plain-lists suite: what a user writes by hand ---------------------------------------
@st.composite
def plain_measure(draw: st.DrawFn, d: int) -> tuple[np.ndarray, np.ndarray]:
    pts = draw(
        st.lists(st.lists(st.floats(-100, 100), min_size=d, max_size=d), min_size=1, max_size=8)
    )
    w = draw(st.lists(st.floats(0.01, 1.0), min_size=len(pts), max_size=len(pts)))
    return np.array(pts, dtype=float), np.array(w) / sum(w)


plain_pairs = st.integers(1, 3).flatmap(lambda d: st.tuples(plain_measure(d), plain_measure(d)))


def _exact(kind: str, x, a, y, b) -> float:
    return EXACT[kind](Discrete(x, a, normalize=True), Discrete(y, b, normalize=True))


def _close(u: float, v: float) -> bool:
    if math.isinf(u) or math.isinf(v):
        return u == v
    return abs(u - v) <= ATOL + 1e-13 + RTOL * abs(v)


def plain_properties(fn: Callable, kind: str) -> list[tuple[str, Callable]]:
    """Ten properties written with plain lists, as tests a user writes by hand."""

    def exact_value(m):
        (x, a), (y, b) = m
        assert _close(fn(x, a, y, b), _exact(kind, x, a, y, b))

    def symmetric_or_nonnegative(m):
        (x, a), (y, b) = m
        if kind == "kl":
            assert fn(x, a, y, b) >= 0
        else:
            assert _close(fn(x, a, y, b), fn(y, b, x, a))

    def identity(m):
        (x, a), _ = m
        assert abs(fn(x, a, x.copy(), a.copy())) <= 1e-12

    def in_range(m):
        (x, a), (y, b) = m
        v = fn(x, a, y, b)
        hi = {"tv": 1.0, "js": LOG2, "kl": math.inf, "w1": math.inf}[kind]
        assert -1e-12 <= v <= hi + 1e-12

    def permutation(m):
        (x, a), (y, b) = m
        assert _close(fn(x[::-1], a[::-1], y, b), fn(x, a, y, b))

    def duplicate(m):
        (x, a), (y, b) = m
        x2 = np.concatenate([x, x[:1]])
        a2 = np.concatenate([a, a[:1] / 2])
        a2[0] /= 2
        assert _close(fn(x2, a2, y, b), fn(x, a, y, b))

    def translation(m):
        (x, a), (y, b) = m
        assert _close(fn(x + 1.0, a, y + 1.0, b), fn(x, a, y, b)) or _shape_changed(x, y, 1.0)

    def scaling(m):
        (x, a), (y, b) = m
        factor = 2.0 if kind == "w1" else 1.0
        assert _close(fn(2 * x, a, 2 * y, b), factor * fn(x, a, y, b))

    def inequality(m):
        (x, a), (y, b) = m
        v = fn(x, a, y, b)
        if kind == "tv":
            assert 2 * v * v <= _exact("kl", x, a, y, b) + 1e-12
        elif kind == "kl":
            assert 2 * _exact("tv", x, a, y, b) ** 2 <= v + 1e-12
        elif kind == "js":
            assert v <= LOG2 * _exact("tv", x, a, y, b) + 1e-12
        else:
            z = np.concatenate([x, y])
            diam = max(np.linalg.norm(p - q) for p in z for q in z)
            assert v <= diam * _exact("tv", x, a, y, b) + 1e-9

    def equality_case(m):
        (x, a), (y, b) = m
        far = y + 1000.0  # disjoint from x
        v = fn(x, a, far, b)
        if kind == "w1":
            dirac = fn(x[:1], np.ones(1), y[:1], np.ones(1))
            assert _close(dirac, float(np.linalg.norm(x[0] - y[0])))
        else:
            assert _close(v, {"tv": 1.0, "js": LOG2, "kl": math.inf}[kind])

    return [
        (f.__name__, f)
        for f in (
            exact_value,
            symmetric_or_nonnegative,
            identity,
            in_range,
            permutation,
            duplicate,
            translation,
            scaling,
            inequality,
            equality_case,
        )
    ]


def _shape_changed(x, y, v) -> bool:
    """Translating merged or split atoms by rounding (then the value may change)."""
    before = np.unique(np.concatenate([x, y]), axis=0).shape[0]
    return np.unique(np.concatenate([x + v, y + v]), axis=0).shape[0] != before


def run_plain(fn: Callable, kind: str, s: int, examples: int) -> str | None:
    for name, prop in plain_properties(fn, kind):
        test = settings(
            max_examples=examples,
            database=None,
            deadline=None,
            report_multiple_bugs=False,
            suppress_health_check=list(HealthCheck),
        )(given(plain_pairs)(prop))
        try:
            seed(s)(test)()
        except Exception:  # an assertion, or the user's code raising or returning NaN
            return name
    return None


def run_checks(
    fn: Callable, kind: str, s: int | None, examples: int, form: str = "arrays"
) -> str | None:
    try:
        check_distance(fn, kind, seed=s, max_examples=examples, input=form)
    except DistanceCheckFailure as failure:
        return failure.property
    return None


ALL_BUGS = {
    **{bug: (kind, fn, "arrays") for bug, (kind, fn) in BUGS.items()},
    **{bug: (kind, fn, "vectors") for bug, (kind, fn) in VECTOR_BUGS.items()},
}


def bench_bugs(seeds: int, examples: int, plain: bool, only: list[str] | None) -> None:
    """Seeds: None (the default, derandomized), then 1 .. seeds - 1."""
    rows = []
    seed_list: list[int | None] = [None, *range(1, seeds)]
    for bug, (kind, fn, form) in ALL_BUGS.items():
        if only and bug not in only:
            continue
        for i, s in enumerate(seed_list):
            order = [("checks", run_checks)]
            if plain and form == "arrays":
                order.append(("plain", run_plain))
            for approach, runner in order if i % 2 == 0 else order[::-1]:
                t0 = time.perf_counter()
                if approach == "checks":
                    prop = run_checks(fn, kind, s, examples, form)
                else:
                    prop = runner(fn, kind, 0 if s is None else s, examples)
                dt = time.perf_counter() - t0
                rows.append(
                    {
                        "bug": bug,
                        "kind": kind,
                        "form": form,
                        "rare": bug in RARE_BUGS,
                        "approach": approach,
                        "seed": "default" if s is None else s,
                        "caught": prop is not None,
                        "property": prop or "",
                        "seconds": round(dt, 3),
                    }
                )
                print(
                    f"{bug:24s} seed {s!s:7s} {approach:6s} {prop or 'MISSED':24s} {dt:7.2f} s",
                    flush=True,
                )
    _write_bugs(rows, seeds, examples)


def _write_bugs(rows: list[dict], seeds: int, examples: int, load: str | None = "now") -> None:
    RESULTS.mkdir(exist_ok=True)
    if load == "now":
        load = f"{os.getloadavg()[0]:.1f}"
        with open(RESULTS / "bench_proptest.csv", "w", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
            fh.write(f"# load average at the end: {load} on {os.cpu_count()} cores\n")
    lines = [
        "# Planted bugs: the ready-made checks (and plain hypothesis lists, with --plain)",
        "",
        f"`PYTHONPATH=. python benchmarks/bench_proptest.py --seeds {seeds} --examples "
        f"{examples}`: seeds default (derandomized), 1 .. {seeds - 1}; load average at the "
        f"end: {load} on {os.cpu_count()} cores (a machine shared with other "
        "jobs: times are not comparable across runs). Times include shrinking; median over "
        "the seeds that caught. Rare: the bug classes of issue 23. Correct code against "
        "1,000 examples per check: bench_proptest_correct.json.",
        "",
    ]
    with_plain = any(r["approach"] == "plain" for r in rows)
    if with_plain:
        lines += [
            "| bug | kind | form | rare | checks caught | plain caught | checks median s "
            "| plain median s | checks property |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
    else:
        lines += [
            "| bug | kind | form | rare | checks caught | checks median s | checks property |",
            "|---|---|---|---|---|---|---|",
        ]
    totals = {"checks": 0, "plain": 0}
    counts = {"checks": 0, "plain": 0}
    ratios = []
    faster = 0
    bugs = list(dict.fromkeys(r["bug"] for r in rows))
    for bug in bugs:
        first = next(r for r in rows if r["bug"] == bug)
        kind, form, rare = first["kind"], first.get("form", "arrays"), first.get("rare")
        cells = {}
        for approach in ("checks", "plain"):
            mine = [r for r in rows if r["bug"] == bug and r["approach"] == approach]
            caught = [r for r in mine if r["caught"]]
            totals[approach] += len(caught)
            counts[approach] += len(mine)
            med = statistics.median(r["seconds"] for r in caught) if caught else float("nan")
            cells[approach] = (len(caught), len(mine), med, caught)
        props = sorted({r["property"] for r in cells["checks"][3]})
        if cells["checks"][0] and cells["plain"][0]:
            ratios.append(cells["checks"][2] / cells["plain"][2])
        if cells["checks"][0] == cells["checks"][1] and (
            not cells["plain"][0] or cells["checks"][2] <= cells["plain"][2]
        ):
            faster += 1
        lines.append(
            f"| {bug} | {kind} | {form} | {'yes' if str(rare) == 'True' else ''} | "
            f"{cells['checks'][0]}/{cells['checks'][1]} | "
            + (f"{cells['plain'][0]}/{cells['plain'][1]} | " if with_plain else "")
            + f"{cells['checks'][2]:.2f} | "
            + (f"{cells['plain'][2]:.2f} | " if with_plain else "")
            + f"{', '.join(props)} |"
        )
    both = [r for r in rows if r["caught"]]
    plain_times = [r["seconds"] for r in both if r["approach"] == "plain"] or [math.nan]
    rare_rows = [r for r in rows if str(r.get("rare")) == "True" and r["approach"] == "checks"]
    plain_part = (
        f", plain lists {totals['plain']}/{counts['plain']}" if counts["plain"] else ""
    )
    summary = [
        f"Caught: checks {totals['checks']}/{counts['checks']}{plain_part} "
        f"({len(bugs)} bugs x {seeds} seeds).",
        f"Rare bug classes of issue 23 caught by the checks: "
        f"{sum(r['caught'] for r in rare_rows)}/{len(rare_rows)}.",
        f"Median time to catch, all caught runs: checks "
        f"{statistics.median(r['seconds'] for r in both if r['approach'] == 'checks'):.2f} s"
        + (f", plain {statistics.median(plain_times):.2f} s." if counts["plain"] else "."),
    ]
    if counts["plain"]:
        summary += [
            f"Bugs whose median time to catch is no longer with the checks than with plain "
            f"lists (or that plain lists miss): {faster}/{len(bugs)}.",
        ]
    if ratios:
        summary.append(
            f"Median over bugs caught by both of (checks median time / plain median time): "
            f"{statistics.median(ratios):.2f}"
        )
    lines += ["", *summary]
    (RESULTS / "bench_proptest.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines[-3:]))


def rewrite_from_csv() -> None:
    """Re-render bench_proptest.md from bench_proptest.csv (no rerun)."""
    text = (RESULTS / "bench_proptest.csv").read_text()
    load = text.rsplit("# load average at the end: ", 1)[-1].split(" ")[0]
    with open(RESULTS / "bench_proptest.csv") as fh:
        rows = [
            {
                **r,
                "seed": r["seed"],
                "caught": r["caught"] == "True",
                "seconds": float(r["seconds"]),
            }
            for r in csv.DictReader(fh)
            if not r["bug"].startswith("#")
        ]
    seeds = len({r["seed"] for r in rows})
    _write_bugs(rows, seeds, 100, load=load)


def bench_correct(examples: int, only: list[str] | None = None) -> None:
    """Runs the correct code; ``only`` selects runs by "kind-form" (e.g. "w1-arrays"), and
    the results are merged into bench_proptest_correct.json (several processes at once)."""
    out: dict = {"examples_per_property": examples, "kinds": {}}
    runs = [(kind, fn, "arrays") for kind, fn in CORRECT.items()]
    runs += [(kind, fn, "vectors") for kind, fn in CORRECT_VECTORS.items()]
    runs = [r for r in runs if not only or f"{r[0]}-{r[2]}" in only]
    for kind, fn, form in runs:
        t0 = time.perf_counter()
        fired = None
        names = []
        for check in distance_checks(fn, kind, max_examples=examples, input=form):
            try:
                check()
                names.append(check.name)
            except DistanceCheckFailure as failure:
                fired = str(failure)
                break
        out["kinds"][f"{kind} ({form})"] = {
            "properties_passed": names,
            "false_alarm": fired,
            "seconds": round(time.perf_counter() - t0, 1),
        }
        print(kind, form, len(names), "passed", "FALSE ALARM:\n" + fired if fired else "",
              flush=True)
    out["load_at_end"] = round(os.getloadavg()[0], 1)
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / "bench_proptest_correct.json"
    if only and path.exists():  # merge with the other parts of the same run
        old = json.loads(path.read_text())
        if old.get("examples_per_property") == examples:
            out["kinds"] = {**old.get("kinds", {}), **out["kinds"]}
            out["load_at_end"] = max(out["load_at_end"], old.get("load_at_end", 0.0))
    out["command"] = (
        f"PYTHONPATH=. python benchmarks/bench_proptest.py --correct {examples}"
        + (" --only-correct " + " ".join(only) if only else "")
    )
    path.write_text(json.dumps(out, indent=2) + "\n")


def _draws_per_second(strategy: st.SearchStrategy, n: int) -> float:
    count = [0]

    @settings(
        max_examples=n,
        phases=[Phase.generate],
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def draw(_):
        count[0] += 1

    t0 = time.perf_counter()
    draw()
    return count[0] / (time.perf_counter() - t0)


def bench_speed(n: int = 300, rounds: int = 3) -> None:
    plain = st.tuples(*[st.lists(st.floats(-100, 100), min_size=1, max_size=20)] * 2)
    strategies = {
        "plain lists of floats (1-D, <= 20 each)": plain,
        "raw_pairs(max_size=20), d in 1-3": raw_pairs(max_size=20),
        "measure_tuples(2, max_size=20, dim=None) (old)": measure_tuples(2, max_size=20, dim=None),
    }
    rates: dict[str, list[float]] = {k: [] for k in strategies}
    for _ in range(rounds):  # interleaved
        for name, strat in strategies.items():
            rates[name].append(_draws_per_second(strat, n))
    out = {name: round(statistics.median(r), 1) for name, r in rates.items()}
    out["load_at_end"] = os.getloadavg()[0]
    print(json.dumps(out, indent=2))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "bench_proptest_speed.json").write_text(json.dumps(out, indent=2) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=4, help="the default seed and 1 .. N-1")
    parser.add_argument("--plain", action="store_true", help="also the plain-lists suite")
    parser.add_argument("--only", nargs="*", help="only these bugs")
    parser.add_argument("--only-correct", nargs="*", help='with --correct: e.g. "w1-arrays"')
    parser.add_argument("--examples", type=int, default=100, help="per property")
    parser.add_argument("--correct", type=int, default=0, metavar="N")
    parser.add_argument("--speed", action="store_true")
    parser.add_argument("--from-csv", action="store_true", help="re-render the Markdown")
    args = parser.parse_args()
    if args.from_csv:
        rewrite_from_csv()
    elif args.speed:
        bench_speed()
    elif args.correct:
        bench_correct(args.correct, args.only_correct)
    else:
        bench_bugs(args.seeds, args.examples, args.plain, args.only)


if __name__ == "__main__":
    main()
