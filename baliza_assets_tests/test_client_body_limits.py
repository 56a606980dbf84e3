"""Bodies are read under a size limit counted in decompressed bytes: an endless body and a gzip bomb
cost the client the limit and little more, in one request. The client runs in a fresh process so its
peak memory (ru_maxrss) is its own; the server runs here, on loopback, and counts what it was asked."""

from __future__ import annotations

import asyncio
import gzip
import json
import sys
import zlib
from datetime import date
from pathlib import Path

import httpx
import pytest

from baliza_assets.lib.pncp import BodyTooLarge
from baliza_assets.lib.pncp import endpoints as E
from baliza_assets.lib.pncp.body import read_body

from .hostile_server import endless, gzip_bomb, hostile, replying

DAY = date(2025, 7, 10)
URL = "/api/consulta/v1/contratos?dataInicial=20250710&dataFinal=20250710&pagina=1&tamanhoPagina=500"
ROOT = Path(__file__).resolve().parent.parent

# The client side: fetch one listing with the production limits, report the error and how much the
# process's peak memory grew while fetching.
PROBE = """
import asyncio, json, resource, sys
from datetime import date
from dataclasses import replace
from baliza_assets.lib.pncp import FetchFailed, PncpClient, endpoints as E
from baliza_assets.settings import Settings

async def main(root):
    production = Settings(consulta_url=root + "/api/consulta", detail_url=root + "/api/pncp").client_config()
    config = replace(production, read_timeout=120.0, request_deadline=600.0, backoff_base=0.01, backoff_cap=0.02)
    async with PncpClient(config) as client:
        walks = client.listings(E.CONTRATOS_PUBLICACAO, date(2025, 7, 10), date(2025, 7, 10))
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        try:
            await client.collect(walks)
            error = None
        except FetchFailed as e:
            error = e.errors[0]
        grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    print(json.dumps({"grown_mb": grown / 1024, "error": type(error).__name__, "message": str(error),
                      "requests": client.stats.requests}))

asyncio.run(main(sys.argv[1]))
"""


async def probe(root: str) -> dict:
    proc = await asyncio.create_subprocess_exec(sys.executable, "-c", PROBE, root, cwd=ROOT,
                                                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), timeout=300)
    assert proc.returncode == 0, err.decode()
    return json.loads(out.decode().strip().splitlines()[-1])


@pytest.mark.parametrize("answer, wire", [
    (endless(), ""),  # 5 GB, chunked, no Content-Length
    (gzip_bomb(5), " from "),  # ~5 MB of gzip on the wire that would expand to 5 GB
], ids=["endless_chunked_body", "gzip_bomb"])
async def test_an_oversized_body_stops_at_the_limit_in_one_request_and_tens_of_mb(answer, wire):
    async with hostile(answer) as server:
        got = await probe(server.root)
    assert server.requests == [f"GET {URL} HTTP/1.1"]
    assert got["requests"] == 1 and got["error"] == "BodyTooLarge", got
    message = got["message"]
    assert message.startswith("PNCP contratos_publicacao: the body passed the 32,000,000-byte limit: 32,"), message
    assert " bytes received" + wire in message and message.endswith(f"({server.root}{URL})"), message
    if wire:
        assert "bytes of gzip when reading stopped" in message
    # The body itself may take its 32 MB; reading 5 GB must not take more than another 32.
    assert got["grown_mb"] < 64, f"reading the body grew the peak memory by {got['grown_mb']:.0f} MB"


PAGE = json.dumps({"data": [{"numeroControlePNCP": f"r{i}", "objeto": "Aquisição de café"} for i in range(500)],
                   "totalRegistros": 500, "totalPaginas": 1, "numeroPagina": 1, "paginasRestantes": 0,
                   "empty": False}, ensure_ascii=False).encode()


BIG_PAGE = json.dumps({"data": [{"numeroControlePNCP": f"r{i}", "objeto": f"Aquisição de café {i} " * 300} for i in range(500)],
                       "totalRegistros": 500, "totalPaginas": 1, "numeroPagina": 1, "paginasRestantes": 0,
                       "empty": False}, ensure_ascii=False).encode()  # ~9 MB: decompressed in many steps


def _raw_deflate(data: bytes) -> bytes:
    c = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    return c.compress(data) + c.flush()


@pytest.mark.parametrize("encoding, body, page", [
    ("gzip", gzip.compress(PAGE), PAGE),
    ("gzip", gzip.compress(BIG_PAGE), BIG_PAGE),
    ("deflate", zlib.compress(BIG_PAGE), BIG_PAGE),
    ("deflate", _raw_deflate(PAGE), PAGE),  # what some servers send as "deflate"
    ("gzip", gzip.compress(PAGE[:7000]) + gzip.compress(PAGE[7000:]), PAGE),  # two gzip members
    ("deflate, gzip", gzip.compress(zlib.compress(PAGE)), PAGE),  # deflate first, then gzip
    ("identity", PAGE, PAGE),
], ids=["gzip", "gzip_9_mb", "zlib_deflate_9_mb", "raw_deflate", "two_gzip_members", "deflate_then_gzip", "identity"])
async def test_compressed_bodies_are_archived_decompressed(encoding, body, page, client_for):
    async with hostile(replying(body, encoding=encoding)) as server:
        async with client_for(server) as client:
            (ex,) = await client.collect(client.listings(E.CONTRATOS_PUBLICACAO, DAY, DAY))
    assert ex.body == page and ex.records == 500
    assert [r["numeroControlePNCP"] for r in ex.data()] == [f"r{i}" for i in range(500)]
    assert ex.data()[0]["objeto"].startswith("Aquisição de café")
    assert len(server.requests) == 1


async def test_the_client_asks_only_for_the_encodings_it_decodes(client_for):
    async with hostile(replying(PAGE)) as server:
        async with client_for(server) as client:
            await client.collect(client.listings(E.CONTRATOS_PUBLICACAO, DAY, DAY))
    assert server.headers[0]["accept-encoding"] == "gzip, deflate"


def streamed(body: bytes, encoding: str, sizes: tuple[int, ...] = (65_536,)) -> httpx.Response:
    """A response whose body arrives in pieces of ``sizes`` bytes, in turn."""

    async def pieces():
        at, turn = 0, 0
        while at < len(body):
            size = sizes[turn % len(sizes)]
            yield body[at:at + size]
            at, turn = at + size, turn + 1

    return httpx.Response(200, headers={"content-encoding": encoding}, content=pieces())


@pytest.mark.parametrize("encoding, body, expected", [
    ("deflate", zlib.compress(BIG_PAGE), BIG_PAGE),
    ("deflate", _raw_deflate(PAGE), PAGE),
    ("gzip", gzip.compress(PAGE) + gzip.compress(PAGE), PAGE + PAGE),
], ids=["zlib_deflate", "raw_deflate", "two_gzip_members"])
async def test_decoding_does_not_depend_on_how_the_network_splits_the_body(encoding, body, expected):
    """However the bytes arrive (one at a time, or in uneven pieces), the body decoded is the same."""
    for sizes in ((1,), (2, 1, 7), (65_536,)):
        got = await read_body(streamed(body, encoding, sizes), 32_000_000, "contratos_publicacao", "http://pncp/x")
        assert got == expected, (encoding, sizes)


async def test_a_body_that_fits_once_decompressed_is_read_to_the_end_and_one_that_does_not_is_cut():
    body = gzip.compress(BIG_PAGE)
    limit = len(BIG_PAGE)
    assert await read_body(streamed(body, "gzip"), limit, "contratos_publicacao", "http://pncp/x") == BIG_PAGE
    with pytest.raises(BodyTooLarge) as info:
        await read_body(streamed(body, "gzip"), limit - 1, "contratos_publicacao", "http://pncp/x")
    assert info.value.limit == limit - 1 and info.value.received == limit
    assert f"the body passed the {limit - 1:,}-byte limit: {limit:,} bytes received" in str(info.value)
