"""The tutorial docs/property_tests.rst runs as a doctest, without this project's conftest.

The page promises that ``python -m doctest docs/property_tests.rst`` passes: the examples
must not rely on the hypothesis profiles registered in conftest.py (they use
``distance_settings``, which has no deadline), nor on doctest option flags from pyproject.
"""

from __future__ import annotations

import doctest
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "property_tests.rst"


def test_the_tutorial_runs_as_a_plain_doctest(tmp_path: Path) -> None:
    # A fresh interpreter in an empty directory: no conftest, no registered profile.
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("HYPOTHESIS_PROFILE", None)
    run = subprocess.run(
        [sys.executable, "-m", "doctest", "-v", str(PAGE)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]
    assert "0 failed" in run.stdout


def test_the_tutorial_has_examples() -> None:
    examples = doctest.DocTestParser().get_examples(PAGE.read_text())
    assert len(examples) >= 25


def test_the_tutorial_teaches_vectors_the_long_run_and_the_blob() -> None:
    text = PAGE.read_text()
    assert 'input="vectors"' in text and "def my_tv(p, q):" in text
    assert "distances-long" in text and 'settings=os.environ.get("DISTANCE_CHECKS")' in text
    assert "reproduce_failure(*caught.reproduce)" in text and "@reproduce_failure(" in text
    assert ".. distance-checks-table::" in text


def test_the_checks_table_lists_every_check_from_list_checks() -> None:
    sys.path.insert(0, str(ROOT / "docs" / "_ext"))
    try:
        from distance_checks_table import table_lines
    finally:
        sys.path.remove(str(ROOT / "docs" / "_ext"))
    from distances.testing import list_checks

    lines = table_lines()
    names = [line.split("``")[1] for line in lines if line.startswith("   * - ``")]
    assert names == [c.name for c in list_checks()]
    row = lines.index("   * - ``mean_lower_bound``")
    assert lines[row + 1 : row + 4] == [
        "     - \\|E_P x - E_Q x\\| <= W1",
        "     - W1",
        "     - arrays, discrete, vectors",
    ]
