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
