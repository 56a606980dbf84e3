"""Whether a process recorded earlier still runs on this machine."""

from __future__ import annotations

import os


def identity(pid: int) -> str | None:
    """``pid:start``, the process's start in clock ticks since boot: a reused pid has another start, and no
    change of the wall clock (NTP, a faked date) moves it. None when it cannot be read."""
    stat = _stat(pid)
    return f"{pid}:{stat[19]}" if stat else None


def _stat(pid: int) -> list[str] | None:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def process_alive(pid: int, started_at: float | None, known: str | None = None) -> bool:
    """Whether ``pid`` is still the process that was running at ``started_at`` (a Unix time), when known.

    With ``known`` (its :func:`identity` recorded while it ran), alive means the same identity and not a
    zombie. Otherwise False only when that is proven: no such pid, a zombie, or a pid reused by a process
    that started after ``started_at``. When the answer cannot be read (another user's process, no /proc),
    it is True."""
    if known is not None and known.startswith(f"{pid}:"):
        stat = _stat(pid)
        if stat is not None or not os.path.exists("/proc/self/stat"):
            return stat is not None and stat[0] not in ("Z", "X") and identity(pid) == known
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
