"""README.md: the CPU-torch hint first, times quoted as --help quotes them, the claims table
made from the committed report of a named run (issue 27)."""

from __future__ import annotations

from pathlib import Path

import pytest

from wgan.app.readme_claims import BEGIN, END, REPORT, parse_report, readme_block, replace_block
from wgan.app.report import Claim, Settings, StageOutcome, StageReport, write_report
from wgan.cli import build_parser
from wgan.cli.reproduce import FULL_TIME, QUICK_TIME

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_cpu_torch_hint_comes_before_the_commands():
    hint = README.index("pip install torch --index-url https://download.pytorch.org/whl/cpu")
    assert hint < README.index("pip install . && wgan-theory reproduce --out results")
    assert hint < README.index("pip install -e '.[test]' && pytest")


def test_times_in_the_readme_are_the_ones_in_the_help():
    parser = build_parser()
    help_text = _flat(parser._subparsers._group_actions[0].choices["reproduce"].format_help())
    assert f"Takes {FULL_TIME} on 2 CPU cores (--quick: {QUICK_TIME};" in help_text
    assert f"It takes {FULL_TIME} on 2 CPU cores (`--quick`: {QUICK_TIME};" in _flat(README)


def test_results_folder_is_ignored():
    lines = (ROOT / ".gitignore").read_text().splitlines()
    assert "/results/" in lines
    assert "results/" not in lines  # that would also hide benchmarks/results/, committed


def _report(tmp_path: Path, claims: tuple[Claim, ...]) -> str:
    outcome = StageOutcome("stage", 12.5, StageReport(claims, ()))
    path = write_report(tmp_path, Settings(seed=3), [outcome],
                        {"commit": "abc123", "cpu cores": "2", "load average at the start": "1.5"})
    return path.read_text()


def test_block_is_made_from_the_report(tmp_path):
    claims = (
        Claim("Theorem 1", "W is continuous", "computed", "max |W1 - |theta|| = 0", "f.png", True),
        Claim("Section 3", "a measurement", "computed", "raw +13%", None, None),
        Claim("Example 1", "false here", "computed", "1 = 2", None, False),
    )
    block = readme_block(_report(tmp_path, claims))
    lines = block.splitlines()
    assert lines[0] == BEGIN and lines[-1] == END
    assert "commit abc123, seed 3" in lines[1] and "load average 1.5 at the start" in lines[1]
    assert "stages 12 s (0 min 12 s)" in lines[1]
    assert "1 of 2 claims pass (1 measurement reported without a verdict)" in lines[1]
    rows = lines[lines.index("|---|---|---|---|") + 1:-1]
    assert rows == [
        r"| Theorem 1 | W is continuous | max \|W1 - \|theta\|\| = 0 | pass |",
        "| Section 3 | a measurement | raw +13% | measured |",
        "| Example 1 | false here | 1 = 2 | **FAIL** |",
    ]


def test_a_file_that_is_not_a_report_is_refused():
    with pytest.raises(ValueError, match=r"not a reproduce REPORT\.md"):
        parse_report("# something else\n")


def test_replace_block_keeps_the_rest():
    text = f"before\n{BEGIN}\nold\n{END}\nafter\n"
    assert replace_block(text, f"{BEGIN}\nnew\n{END}") == f"before\n{BEGIN}\nnew\n{END}\nafter\n"
    with pytest.raises(ValueError, match="no block"):
        replace_block("no markers", "x")
def test_the_committed_report_is_a_named_full_run():
    rep = parse_report((ROOT / REPORT).read_text())
    assert rep.settings["quick"] == "False" and rep.settings["seed"] == "0"
    assert "with uncommitted changes" not in rep.run["commit"]
    assert rep.run["load average at the start"] != "unknown"
    assert {row[-1] for row in rep.rows} <= {"pass", "measured"}


def test_readme_table_is_what_the_script_makes_of_the_committed_report():
    expected = readme_block((ROOT / REPORT).read_text())
    assert BEGIN in README and END in README
    got = README[README.index(BEGIN):README.index(END) + len(END)]
    assert got == expected, "README's claims table is stale: python benchmarks/readme_claims.py"
