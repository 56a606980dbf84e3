"""A hostile or broken server can neither hang the client nor make it ask the same question over and
over: real sockets, a server written to misbehave. What asking again cannot fix fails after one
request, naming the cause; what it can fix is retried."""

from __future__ import annotations

import asyncio
import gzip
import json
from datetime import date

import pytest

from baliza_assets.lib.pncp import PncpClient, RetriesExhausted, UnusableAnswer
from baliza_assets.lib.pncp import endpoints as E
from baliza_assets.lib.pncp.errors import FetchFailed, PncpError

from .hostile_server import head, hostile, replying

DAY = date(2025, 7, 10)
URL = "/api/consulta/v1/contratos?dataInicial=20250710&dataFinal=20250710&pagina=1&tamanhoPagina=500"


def envelope(records: int, total: int, pages: int, number: int = 1) -> dict:
    return {"data": [{"numeroControlePNCP": f"r{i}"} for i in range(records)], "totalRegistros": total,
            "totalPaginas": pages, "numeroPagina": number, "paginasRestantes": max(0, pages - number), "empty": False}


async def _trickle(writer):
    writer.write(head(200))
    await writer.drain()
    for _ in range(10_000):
        writer.write(b" ")
        await writer.drain()
        await asyncio.sleep(0.2)


async def _fail(client: PncpClient) -> BaseException:
    with pytest.raises((FetchFailed, PncpError)) as info:
        await client.collect(client.listings(E.CONTRATOS_PUBLICACAO, DAY, DAY))
    error = info.value
    return error.errors[0] if isinstance(error, FetchFailed) and len(error.errors) == 1 else error


def _page(records: int = 500, total: int = 500, pages: int = 1) -> bytes:
    return json.dumps(envelope(records, total, pages), ensure_ascii=False).encode()


UTF8_PAGE = _page().replace(b'"r0"', '"Licitação"'.encode())
DETERMINISTIC = {
    "trillion_records": (replying(envelope(500, 10**12, 2 * 10**9)),
                         "totalPaginas=2000000000 (totalRegistros=1000000000000) is beyond the 2,000 pages"),
    "pages_do_not_fit_records": (replying(envelope(500, 1000, 3)), "totalPaginas=3 does not fit totalRegistros=1000 at 500 per page"),
    "short_page": (replying(envelope(10, 700, 2)), "page 1/2 holds 10 records, expected 500"),
    "wrong_page": (replying(envelope(500, 1500, 3, number=2)), "asked for page 1, got numeroPagina=2"),
    "no_envelope": (replying(b'[{"numeroControlePNCP": "r0"}]'), "HTTP 200 without the {data, totalRegistros, totalPaginas, ...} envelope"),
    "invalid_utf8": (replying(UTF8_PAGE.replace("ção".encode(), b"\xe7\xe3o")),
                     "HTTP 200 with a body that is not valid UTF-8 (invalid continuation byte at byte 40: b'\\xe7\\xe3o"),
    "nested_too_deeply": (replying(b"[" * 200_000 + b"]" * 200_000), "HTTP 200 with JSON nested too deeply to decode (400000 bytes)"),
    "declared_oversize": (replying(b" " * 32_000_001),
                          "a body of 32,000,001 bytes (Content-Length) is over the 32,000,000-byte limit; none of it read"),
    "unknown_encoding": (replying(_page(), encoding="br"), "HTTP 200 with Content-Encoding 'br', which the client did not ask for"),
    "corrupt_gzip": (replying(b"\x1f\x8b\x08\x00garbage" * 100, encoding="gzip"), "HTTP 200 with a gzip body that cannot be decompressed"),
}


@pytest.mark.parametrize("fault", DETERMINISTIC)
async def test_an_answer_that_asking_again_cannot_fix_fails_after_one_request(fault, client_for):
    answer, cause = DETERMINISTIC[fault]
    async with hostile(answer) as server:
        client = client_for(server, max_attempts=6)
        error = await _fail(client)
    assert server.requests == [f"GET {URL} HTTP/1.1"]
    assert client.stats.requests == 1 and client.stats.retries == 0 and client.stats.bad_payloads == 1
    assert isinstance(error, UnusableAnswer), repr(error)
    message = str(error)
    assert message.startswith("PNCP contratos_publicacao: ") and cause in message, message
    assert "not retried, the same request gets the same answer" in message and message.endswith(f"({server.root}{URL})")


TRANSIENT = {
    "cut_inside_a_character": (replying(UTF8_PAGE[:UTF8_PAGE.index("ção".encode()) + 1]),
                               "HTTP 200 with a body cut short inside a UTF-8 character (41 bytes)"),
    "truncated_json": (replying(_page()[:5000]), "HTTP 200 with a body that is not valid JSON (Unterminated string starting at"),
    "cut_short_gzip": (replying(gzip.compress(_page())[:-40], encoding="gzip"),
                       "HTTP 200 with a gzip body that ends before its compressed stream does"),
    "waf_page": (replying(b"<html><title>Request Rejected</title></html>", ctype="text/html"),
                 "HTTP 200 with text/html where JSON was expected: '<html><title>Request Rejected"),
}


@pytest.mark.parametrize("fault", TRANSIENT)
async def test_an_answer_the_next_attempt_can_fix_is_retried(fault, client_for):
    answer, cause = TRANSIENT[fault]
    async with hostile(answer) as server:
        client = client_for(server, max_attempts=3)
        error = await _fail(client)
    assert server.requests == [f"GET {URL} HTTP/1.1"] * 3
    assert isinstance(error, RetriesExhausted), repr(error)
    assert cause in str(error) and "still failing after 3 attempts" in str(error), str(error)


async def test_a_trickling_server_hits_the_whole_request_deadline(client_for):
    async with hostile(_trickle) as server:
        client = client_for(server, max_attempts=2, read_timeout=5.0, request_deadline=1.0)
        message = str(await _fail(client))
    assert "did not finish within 1 s" in message and "still failing after 2 attempts" in message
    assert len(server.requests) == 2


def test_a_scaled_client_gives_a_whole_request_at_least_its_read_timeout():
    """A sandbox 100x faster scales every wait; on a busy machine the read timeout the tests give must not be cut
    short by the whole-request deadline scaled below it."""
    from dataclasses import replace

    from baliza_assets.settings import Settings

    unscaled = Settings().client_config()
    config = replace(unscaled, read_timeout=3000.0, request_deadline=120.0).scaled(0.01)
    assert (config.read_timeout, config.request_deadline) == (30.0, 30.0)
    config = replace(unscaled, read_timeout=60.0, request_deadline=120.0).scaled(0.5)
    assert (config.read_timeout, config.request_deadline) == (30.0, 60.0)
