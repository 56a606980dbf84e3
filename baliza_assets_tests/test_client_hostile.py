"""A hostile or broken server can neither exhaust memory nor hang the client: real sockets, a server
written to misbehave."""

from __future__ import annotations

import asyncio
import json
import resource
from contextlib import asynccontextmanager
from datetime import date

import pytest

from baliza_assets.lib.pncp import PncpClient
from baliza_assets.lib.pncp import endpoints as E
from baliza_assets.lib.pncp.errors import FetchFailed, PncpError

DAY = date(2025, 7, 10)


def _head(status: int, ctype: str = "application/json", length: int | None = None) -> bytes:
    lines = [f"HTTP/1.1 {status} X", f"Content-Type: {ctype}", "Connection: close"]
    if length is not None:
        lines.append(f"Content-Length: {length}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


async def _huge_total(writer):
    body = json.dumps({"data": [{}] * 500, "totalRegistros": 10**12, "totalPaginas": 2 * 10**9,
                       "numeroPagina": 1, "paginasRestantes": 2 * 10**9 - 1, "empty": False}).encode()
    writer.write(_head(200, length=len(body)) + body)


async def _huge_body(writer):
    writer.write(_head(200))  # no length: the body runs until the connection closes
    chunk = b" " * 1_000_000
    for _ in range(300):  # 300 MB
        writer.write(chunk)
        await writer.drain()


async def _trickle(writer):
    writer.write(_head(200))
    await writer.drain()
    for _ in range(10_000):
        writer.write(b" ")
        await writer.drain()
        await asyncio.sleep(0.2)


async def _deep(writer):
    body = b"[" * 200_000 + b"]" * 200_000
    writer.write(_head(200, length=len(body)) + body)


@asynccontextmanager
async def hostile(answer):
    async def handle(reader, writer):
        try:
            await reader.readuntil(b"\r\n\r\n")
            await answer(writer)
            await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield type("Endpoints", (), {"consulta": f"http://127.0.0.1:{port}/api/consulta",
                                     "detail": f"http://127.0.0.1:{port}/api/pncp"})()
    finally:
        server.close()


async def _fail(client: PncpClient) -> str:
    with pytest.raises((FetchFailed, PncpError)) as info:
        await client.collect(client.listings(E.CONTRATOS_PUBLICACAO, DAY, DAY))
    return str(info.value)


async def test_a_page_claiming_a_trillion_records_is_refused_without_queueing_pages(client_for):
    async with hostile(_huge_total) as ep:
        client = client_for(ep, max_attempts=2)
        message = await _fail(client)
    assert "totalPaginas=2000000000" in message and "beyond the 2,000 pages" in message
    assert "/v1/contratos?dataInicial=20250710" in message
    assert client.stats.requests == 2  # page 1, retried once: no page 2 was ever scheduled


async def test_a_300_mb_body_is_cut_at_the_endpoints_limit(client_for):
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    async with hostile(_huge_body) as ep:
        client = client_for(ep, max_attempts=2, read_timeout=30.0)
        message = await _fail(client)
    assert "the body passed the 32,000,000-byte limit" in message and "/v1/contratos" in message
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 200, f"reading the body grew the peak RSS by {grown_mb:.0f} MB"


async def test_a_trickling_server_hits_the_whole_request_deadline(client_for):
    async with hostile(_trickle) as ep:
        client = client_for(ep, max_attempts=2, read_timeout=5.0, request_deadline=1.0)
        message = await _fail(client)
    assert "did not finish within 1 s" in message and "still failing after 2 attempts" in message


async def test_deeply_nested_json_is_a_bad_payload_naming_the_url(client_for):
    async with hostile(_deep) as ep:
        client = client_for(ep, max_attempts=2)
        message = await _fail(client)
    assert "nested too deeply" in message and "/v1/contratos?dataInicial=20250710" in message
    assert client.stats.bad_payloads == 2
