"""Serving the sandbox over real sockets on loopback."""

from __future__ import annotations

import socket
import threading
from contextlib import contextmanager
from dataclasses import dataclass

import uvicorn

from .app import Sandbox


@dataclass(frozen=True)
class Endpoints:
    """Base URLs of a running sandbox, shaped like the real ones."""

    root: str

    @property
    def consulta(self) -> str:
        return self.root + "/api/consulta"

    @property
    def detail(self) -> str:
        return self.root + "/api/pncp"


def bind(host: str = "127.0.0.1", port: int = 0) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(1024)
    return sock


def _server(sandbox: Sandbox, log_level: str) -> uvicorn.Server:
    config = uvicorn.Config(sandbox.app, log_level=log_level, access_log=False, lifespan="off",
                            timeout_keep_alive=30, backlog=1024)
    return uvicorn.Server(config)


@contextmanager
def running(sandbox: Sandbox, host: str = "127.0.0.1", port: int = 0, log_level: str = "warning"):
    """Serve ``sandbox`` from a background thread; yields its :class:`Endpoints`."""
    sock = bind(host, port)
    server = _server(sandbox, log_level)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("the PNCP sandbox server failed to start")
            threading.Event().wait(0.01)
        yield Endpoints(f"http://{host}:{sock.getsockname()[1]}")
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def serve_forever(sandbox: Sandbox, host: str, port: int, log_level: str = "info") -> None:
    sock = bind(host, port)
    _server(sandbox, log_level).run(sockets=[sock])
