"""A line every so often while a long step runs, so that no command is silent for long.

``wgan-theory distances`` says "W1: still solving, N s" while the transport problem is
solved, and ``wgan-theory reproduce`` says "[k/n] stage: still running, N s" while a stage
has printed nothing: both are :func:`heartbeat`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

__all__ = ["heartbeat"]


@contextmanager
def heartbeat(say: Callable[[str], None], every: float,
              what: str = "still running") -> Iterator[Callable[[str], None]]:
    """Call ``say(f"{what}, N s")`` from a thread whenever ``every`` seconds pass without a line.

    Parameters
    ----------
    say : callable
        Where the lines go (``print``, a list's ``append``, ...). Called from the heartbeat's
        thread and from the caller's, never from both at once.
    every : float
        Seconds of silence before a heartbeat line; > 0.
    what : str
        The start of the heartbeat line; N is the whole seconds since the block began.

    Yields
    ------
    callable
        ``say`` with the silence clock: a line passed through it resets the clock, so the
        heartbeat speaks only while the block is otherwise silent.

    Raises
    ------
    ValueError
        If ``every`` is not a positive number.

    Notes
    -----
    The thread is a daemon and is stopped and joined when the block ends, however it ends,
    so no heartbeat line follows the block.

    Examples
    --------
    >>> import time
    >>> lines = []
    >>> with heartbeat(lines.append, 0.05, "W1: still solving") as tell:
    ...     tell("W1: started")
    ...     time.sleep(0.3)
    >>> lines[0], lines[1].startswith("W1: still solving, ")
    ('W1: started', True)
    """
    if not (isinstance(every, (int, float)) and every > 0):
        raise ValueError(f"every must be a positive number of seconds; got {every!r}")
    lock = threading.Lock()
    start = last = time.perf_counter()
    stop = threading.Event()

    def tell(line: str) -> None:
        nonlocal last
        with lock:
            last = time.perf_counter()
            say(line)

    def watch() -> None:
        # Wake four times a heartbeat (at least once a second) to see how long it has been
        # silent: a line may have reset the clock since the last wake.
        while not stop.wait(min(1.0, every / 4)):
            now = time.perf_counter()
            if now - last >= every:
                tell(f"{what}, {now - start:.0f} s")

    thread = threading.Thread(target=watch, name="heartbeat", daemon=True)
    thread.start()
    try:
        yield tell
    finally:
        stop.set()
        thread.join()
