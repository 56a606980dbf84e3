"""Whether a process recorded earlier still runs on this machine."""

from __future__ import annotations

import os


def process_alive(pid: int, started_at: float | None) -> bool:
    """Whether ``pid`` is still the process that was running at ``started_at`` (a Unix time), when known.

    False only when that is proven: no such pid, a zombie, or a pid reused by a process that started after
    ``started_at``. When the answer cannot be read (another user's process, no /proc), it is True."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        with open("/proc/stat") as f:
            boot = next(float(line.split()[1]) for line in f if line.startswith("btime"))
    except (OSError, StopIteration, IndexError, ValueError):
        return True
    if fields[0] in ("Z", "X"):
        return False
    began = boot + int(fields[19]) / os.sysconf("SC_CLK_TCK")
    return started_at is None or began <= started_at + 5
