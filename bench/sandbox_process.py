"""The PNCP sandbox in a process of its own, for the benches: its CPU and memory are not the measured ones."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(port: int, options: list[str], log: Path | None = None) -> subprocess.Popen:
    """``python -m baliza_sandbox serve --port PORT OPTIONS`` (stderr to ``log``), once it answers."""
    import httpx

    proc = subprocess.Popen([sys.executable, "-m", "baliza_sandbox", "serve", "--port", str(port), *options],
                            stderr=open(log, "wb") if log else subprocess.DEVNULL)
    for _ in range(600):
        try:
            httpx.get(f"http://127.0.0.1:{port}/_sandbox/state", timeout=1)
            return proc
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("the sandbox did not start" + (f": {log.read_text()[-2000:]}" if log else ""))
