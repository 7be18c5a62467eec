"""The doctests of the documentation pages (docs/*.rst): every number quoted there is checked.

The pages quote exact values (the KR-dual tutorial's worked example, the conventions of the
four distances, Example 1's closed forms); running their ``>>>`` lines here keeps those
numbers true as the code changes. The gallery (examples/) is run by the docs build instead.
"""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"
PAGES = sorted(p for p in DOCS.glob("*.rst") if ">>>" in p.read_text(encoding="utf-8"))


def test_the_pages_with_doctests_are_found() -> None:
    names = {p.name for p in PAGES}
    assert {"kr_dual.rst", "distances.rst", "getting_started.rst"} <= names


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_page_doctests(page: Path) -> None:
    result = doctest.testfile(
        str(page),
        module_relative=False,
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
        raise_on_error=False,
        report=True,
        verbose=False,
    )
    assert result.attempted > 0
    assert result.failed == 0, f"{result.failed} of {result.attempted} doctests failed in {page}"
