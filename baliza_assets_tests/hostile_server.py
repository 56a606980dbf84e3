"""A loopback HTTP server written to misbehave: each test hands it the bytes to answer with, and it
counts the requests it saw. Plain asyncio sockets, so nothing cleans up after a broken answer."""

from __future__ import annotations

import asyncio
import json
import zlib
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Awaitable, Callable

Answer = Callable[[asyncio.StreamWriter], Awaitable[None]]


@dataclass
class Hostile:
    root: str
    requests: list[str] = field(default_factory=list)  # the request line of every request received
    headers: list[dict] = field(default_factory=list)  # and its headers, names in lower case

    @property
    def consulta(self) -> str:
        return self.root + "/api/consulta"

    @property
    def detail(self) -> str:
        return self.root + "/api/pncp"


def head(status: int, ctype: str = "application/json", length: int | None = None, chunked: bool = False,
         encoding: str | None = None) -> bytes:
    lines = [f"HTTP/1.1 {status} X", f"Content-Type: {ctype}", "Connection: close"]
    if length is not None:
        lines.append(f"Content-Length: {length}")
    if chunked:
        lines.append("Transfer-Encoding: chunked")
    if encoding:
        lines.append(f"Content-Encoding: {encoding}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def chunk(data: bytes) -> bytes:
    return b"%x\r\n" % len(data) + data + b"\r\n"


def replying(body: bytes | dict, status: int = 200, ctype: str = "application/json", encoding: str | None = None) -> Answer:
    """An answer with a fixed body (a dict is sent as JSON) and its Content-Length."""
    raw = json.dumps(body).encode() if isinstance(body, dict) else body

    async def answer(writer: asyncio.StreamWriter) -> None:
        writer.write(head(status, ctype, length=len(raw), encoding=encoding) + raw)

    return answer


def endless(block: int = 1_000_000, blocks: int = 5_000) -> Answer:
    """A chunked body with no Content-Length, ``blocks`` blocks of spaces long (5 GB by default), sent
    only as fast as the client reads it."""

    async def answer(writer: asyncio.StreamWriter) -> None:
        writer.write(head(200, chunked=True))
        data = chunk(b" " * block)
        for _ in range(blocks):
            if writer.is_closing():
                return
            writer.write(data)
            await writer.drain()

    return answer


def gzip_bomb(gigabytes: int = 5, burst: int = 128_000) -> Answer:
    """Content-Encoding: gzip, chunked: ``gigabytes`` GB of zeros, ~1 MB per GB on the wire. Compressed
    as the client reads, and sent in bursts of ``burst`` compressed bytes (~``burst`` MB of zeros), so
    one network read holds a lot; the server never holds more than one burst."""

    async def answer(writer: asyncio.StreamWriter) -> None:
        writer.write(head(200, chunked=True, encoding="gzip"))
        gz = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
        zeros = bytes(1_000_000)
        pending = []
        for i in range(gigabytes * 1000):
            pending.append(gz.compress(zeros))
            if sum(map(len, pending)) >= burst or i == gigabytes * 1000 - 1:
                if writer.is_closing():
                    return
                writer.write(chunk(b"".join(pending)))
                pending.clear()
                await writer.drain()
        writer.write(chunk(gz.flush()) + chunk(b""))

    return answer


@asynccontextmanager
async def hostile(answer: Answer):
    """Serve ``answer`` to every request on a loopback port; yields a :class:`Hostile`."""
    target = Hostile("")

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request = await reader.readuntil(b"\r\n\r\n")
            line, *fields = request.decode("latin-1").split("\r\n")
            target.requests.append(line)
            target.headers.append({k.strip().lower(): v.strip() for k, _, v in (f.partition(":") for f in fields if f)})
            await answer(writer)
            await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    target.root = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    try:
        yield target
    finally:
        server.close()
