"""Fixtures shared by the distance tests."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _no_warm_up_while_patching(request: pytest.FixtureRequest) -> None:
    """A test that replaces the solver's functions (``monkeypatch``) first waits for this
    process's warm-up, if one is running: the background solves of
    :mod:`distances.transport._warmup` would otherwise call the replacements (a spy would
    count their calls, a compilation would read a Python function where a kernel
    belongs). Starts no warm-up."""
    if "monkeypatch" in request.fixturenames:
        from distances.transport import _warmup

        _warmup.finish()
