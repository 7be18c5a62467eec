"""The machine's memory, and byte counts for messages: what the commands check a problem's
estimated size against before they start it."""

from __future__ import annotations

import os

__all__ = ["machine_memory", "size_text"]


def machine_memory() -> int:
    """Physical memory of this machine in bytes (the smaller of RAM and a cgroup limit)."""
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    for limit_file in ("/sys/fs/cgroup/memory.max",
                       "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            with open(limit_file) as fh:
                text = fh.read().strip()
        except OSError:
            continue
        if text.isdigit():
            total = min(total, int(text))
    return int(total)


def size_text(n_bytes: float) -> str:
    """A byte count for a message.

    >>> size_text(640), size_text(2.5e10)
    ('640 bytes', '25.0 GB')
    """
    for unit, scale in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n_bytes >= scale:
            return f"{n_bytes / scale:.1f} {unit}"
    return f"{n_bytes:.0f} bytes"
