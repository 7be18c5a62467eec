"""Rewrite README.md's claims table from the committed REPORT.md of a named reproduce run.

    nice -n 10 wgan-theory reproduce --out results --device cpu   # about 4 minutes on 2 cores
    cp results/REPORT.md benchmarks/results/reproduce_report.md
    python benchmarks/readme_claims.py            # rewrites the README's block
    python benchmarks/readme_claims.py --check    # exit 1 if the README differs

The block runs from ``wgan.app.readme_claims.BEGIN`` to ``END``; the table keeps the
report's Paper, Claim, Numbers and Verdict columns, and the sentence before it names the
run (command, commit, seed, device, cores, load average, time).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from wgan.app.readme_claims import REPORT, readme_block, replace_block

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--report", default=str(ROOT / REPORT), help="the REPORT.md to use")
    parser.add_argument("--readme", default=str(ROOT / "README.md"))
    parser.add_argument("--check", action="store_true", help="only compare; exit 1 if stale")
    args = parser.parse_args()
    readme = Path(args.readme)
    before = readme.read_text()
    after = replace_block(before, readme_block(Path(args.report).read_text()))
    if args.check:
        if after != before:
            print(f"{readme}: the claims table differs from {args.report}; run "
                  "python benchmarks/readme_claims.py", file=sys.stderr)
            return 1
        return 0
    readme.write_text(after)
    print(f"wrote the claims table of {args.report} into {readme}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
