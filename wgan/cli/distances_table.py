"""``wgan-theory distances``: TV, KL, JS and W1 between two files of points or histograms;
without files, the four distances on small worked examples beside their exact values."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ._common import UsageError

__all__ = ["register", "run"]

DESCRIPTION = """\
TV, KL, JS and W1 between the measures in two files, with W1's certificate of optimality.

  wgan-theory distances a.csv b.npy                    print a table
  wgan-theory distances a.csv b.npy --out r.json       also write the numbers as JSON
  wgan-theory distances a.csv b.csv --plan plan.csv    also write the optimal plan
  wgan-theory distances --support bins.csv h1.txt h2.txt   histograms on common points
  wgan-theory distances                                worked examples, no files

Files of points: .csv or .txt (one point per line; commas, semicolons, tabs or spaces
between coordinates; lines starting with # and one header line are skipped), .npy (shape
(n,) or (n, d)) or .npz (an array named 'points', optionally 'weights'). Every point weighs
the same unless the last column is a weight column: say so with --weights, or name that
column weight, weights, mass, count, counts or probability in the header. Weights may be
counts; they are rescaled to sum to 1. Repeated points are merged into one atom.

Histograms: with --support S, the file S holds the common points and A and B hold one
weight (or count) per point of S, one number a line.

Conventions: TV in [0, 1]; KL(P||Q) = sum p log(p/q) in nats, inf where P has mass and
Q none; JS = (KL(P||M) + KL(Q||M)) / 2 with M = (P + Q) / 2, at most log 2; W1 is the
Earth-Mover distance with the Euclidean ground distance. TV, KL and JS compare the two
measures on the union of their points, by exact coordinates: two samples of continuous
laws share no point, so TV = 1, JS = log 2 and KL = inf, while W1 stays informative.

W1 is certified: the plan's marginals, dual feasibility and the duality gap are checked,
and the exit status is 1 if the certificate fails. A bad file is refused before any
solve, in one line with exit status 2; so is a problem whose estimated memory exceeds
this machine's. Progress goes to stderr (--quiet: none); 10^5 points a side in 2-D took 3 minutes of
CPU time and 1 GB of memory (measured, docs/cli.rst).
"""


def run(args: argparse.Namespace) -> int:
    """The worked examples without files; otherwise compare the two files."""
    if args.support is None and not args.files:
        if args.out_json or args.plan or args.weights:
            raise UsageError("--out, --plan and --weights need two files A B")
        return _worked_examples()
    if len(args.files) != 2:
        raise UsageError(f"give two files A B to compare; got {len(args.files)}"
                         + (f" ({', '.join(args.files)})" if args.files else ""))
    return _compare_files(args)


def _compare_files(args: argparse.Namespace) -> int:
    from ..app.compare_files import compare, comparison_record, plan_rows, plan_solve
    from ..app.measure_files import MeasureFileError, read_histograms, read_measure_file
    from ..app.memory import machine_memory, size_text

    for option, path in (("--out", args.out_json), ("--plan", args.plan)):
        if path is not None:
            _check_output_file(path, option)
    say = (lambda line: None) if args.quiet else (
        lambda line: print(line, file=sys.stderr, flush=True))
    try:
        if args.support is not None:
            P_file, Q_file = read_histograms(args.support, *args.files)
        else:
            P_file, Q_file = (read_measure_file(f, weights=args.weights) for f in args.files)
        if P_file.dim != Q_file.dim:
            raise UsageError(
                f"{P_file.path} has {P_file.dim}-D points and {Q_file.path} {Q_file.dim}-D "
                "points: both files need the same number of coordinate columns")
        P, Q = P_file.measure(), Q_file.measure()
    except MeasureFileError as exc:
        raise UsageError(str(exc)) from None
    memory = machine_memory()
    plan = plan_solve(P.size, Q.size, P.dim, memory)
    if plan.bytes_needed > memory:
        raise UsageError(
            f"W1 between {P.size} and {Q.size} points in {P.dim}-D would need about "
            f"{size_text(plan.bytes_needed)} of memory ({plan.method}); this machine has "
            f"{size_text(memory)}: compare random subsamples of the files")
    for f in (P_file, Q_file):
        say(f"read {f.describe()}")
    result = compare(P, Q, plan, progress=say)
    _print_table(P_file, Q_file, result)
    written = []
    if args.out_json is not None:
        from ..app.artifacts import write_json

        written.append(write_json(args.out_json,
                                  comparison_record(P_file, Q_file, result, plan)))
    if args.plan is not None:
        from ..app.artifacts import write_csv

        columns, rows = plan_rows(result.solution)
        written.append(write_csv(args.plan, columns, rows))
    for path in written:
        print(f"wrote {path}")
    return 0 if result.certified else 1


def _print_table(P_file, Q_file, result) -> None:  # type: ignore[no-untyped-def]
    cert = result.solution.certificate
    print(f"P = {P_file.describe()}")
    print(f"Q = {Q_file.describe()}")
    print()
    print(f"{'distance':<10}{'value':>22}")
    print("-" * 32)
    for name, value in (("TV", result.tv), ("KL(P||Q)", result.kl_pq),
                        ("KL(Q||P)", result.kl_qp), ("JS", result.js), ("W1", result.w1)):
        print(f"{name:<10}{value:>22.17g}")
    print()
    verdict = "certified optimal" if cert.ok else "NOT CERTIFIED"
    print(f"W1 {verdict} ({result.solution.method}, {result.seconds:.1f} s): marginal error "
          f"{cert.marginal_error:.1e}, dual infeasibility {cert.dual_infeasibility:.1e}, "
          f"duality gap {cert.duality_gap:.1e} (tolerance {cert.tolerance:.1e})")


def _check_output_file(path: str, option: str) -> None:
    p = Path(path)
    if p.is_dir():
        raise UsageError(f"{option} must name a file; {p} is a folder")
    parent = p.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK):
        raise UsageError(f"{option}: cannot write {p}: {parent} is not a writable folder")


def _worked_examples() -> int:
    """Print the worked examples; exit code 1 if any value differs from its exact value."""
    from distances.paper.worked_examples import WORKED_EXAMPLES, agrees, rows

    print("Worked examples (P, Q on the line):")
    for name, P, Q, _ in WORKED_EXAMPLES:
        print(f"  {name:<11} P = {P!r}\n  {'':<11} Q = {Q!r}")
    print()
    header = f"{'example':<12}{'distance':<10}{'computed':>22}{'exact':>22}  agree"
    print(header)
    print("-" * len(header))
    failures = 0
    for name, key, value, exact in rows():
        agree = agrees(value, exact)
        failures += not agree
        print(f"{name:<12}{key:<10}{value:>22.17g}{exact:>22.17g}  {'yes' if agree else 'NO'}")
    return 1 if failures else 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "distances",
        help="TV, KL, JS and W1 (certified) between two files of points or histograms; "
             "without files, worked examples",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("files", nargs="*", metavar="A B",
                        help="two files of points (.csv, .txt, .npy, .npz), or of weights "
                             "with --support")
    parser.add_argument("--support", default=None, metavar="S",
                        help="the common points of two histograms A and B")
    parser.add_argument("--weights", action="store_true",
                        help="the last column of each file is its points' weights")
    parser.add_argument("--out", dest="out_json", default=None, metavar="FILE.json",
                        help="also write the results as JSON (inf written as \"inf\")")
    parser.add_argument("--plan", default=None, metavar="FILE.csv",
                        help="write the optimal plan's nonzero entries: source point, "
                             "target point, mass, distance")
    parser.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    parser.set_defaults(func=run)
