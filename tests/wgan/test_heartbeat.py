"""wgan.app.heartbeat: a line while a block is silent, none while it speaks, none after it."""

from __future__ import annotations

import re
import time

import pytest

from wgan.app.heartbeat import heartbeat


def test_beats_while_the_block_is_silent_and_stops_with_it() -> None:
    lines: list[str] = []
    with heartbeat(lines.append, 0.02, "W1: still solving"):
        time.sleep(0.3)
    # 0.3 s at one beat per 0.02 s of silence: at least a few, however loaded the machine
    assert len(lines) >= 3 and all(re.fullmatch(r"W1: still solving, \d+ s", line)
                                   for line in lines)  # whole seconds since the block began
    n = len(lines)
    time.sleep(0.1)
    assert len(lines) == n  # the thread stopped with the block


def test_a_line_through_the_block_resets_the_silence_clock() -> None:
    """Lines every 0.01 s for 0.3 s under a 0.2 s heartbeat: no beat (a beat would need 0.2 s
    of silence, 20 missed lines); then 0.5 s of silence: at least one beat."""
    lines: list[str] = []
    with heartbeat(lines.append, 0.2) as tell:
        for k in range(30):
            tell(f"cell {k}")
            time.sleep(0.01)
        assert lines == [f"cell {k}" for k in range(30)]
        time.sleep(0.5)
    assert lines[30:] and all(line.startswith("still running, ") for line in lines[30:])


def test_stops_when_the_block_raises() -> None:
    lines: list[str] = []
    with pytest.raises(KeyError), heartbeat(lines.append, 0.01):
        raise KeyError("boom")
    n = len(lines)
    time.sleep(0.1)
    assert len(lines) == n


@pytest.mark.parametrize("every", [0, -1.0, float("nan"), "5"])
def test_every_must_be_positive(every) -> None:
    with pytest.raises(ValueError, match="every must be a positive number of seconds; got"):
        with heartbeat(print, every):
            pass
