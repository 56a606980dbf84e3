"""The PNCP client against the sandbox over real sockets, one test per fault.

Each test checks what a user of the archive cares about: the records that come back equal the
sandbox's ground truth for the day (nothing lost, nothing duplicated), and failures surface
with a message that names the endpoint and the cause.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import replace

import pytest

from baliza_assets.lib.pncp import CircuitOpen, FetchFailed, PncpClient, RetriesExhausted
from baliza_assets.lib.pncp import endpoints as E
from baliza_sandbox import ApiFaults, Faults, Latency, Sandbox
from baliza_sandbox.world import KEYS

from .conftest import DAY, fast_config

FAST = Latency(0.002, 0.006)


async def fetch_day(client: PncpClient) -> list:
    mods = await client.modalidades()
    walks = (
        client.listings(E.CONTRATACOES_PUBLICACAO, DAY, DAY, mods)
        + client.listings(E.CONTRATOS_PUBLICACAO, DAY, DAY)
        + client.listings(E.ATAS_ATUALIZACAO, DAY, DAY)
    )
    return await client.collect(walks)


def by_endpoint(exchanges) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for ex in exchanges:
        out.setdefault(ex.endpoint, []).extend(ex.data())
    return out


def assert_ground_truth(world, exchanges) -> None:
    got = by_endpoint(exchanges)
    truth = {
        "contratacoes_publicacao": world.published("contratacoes", DAY),
        "contratos_publicacao": world.published("contratos", DAY),
        "atas_atualizacao": world.updated("atas", DAY),
    }
    for endpoint, expected in truth.items():
        key = KEYS["atas"] if endpoint.startswith("atas") else KEYS["contratacoes"]
        keys = [r[key] for r in got.get(endpoint, [])]
        assert len(keys) == len(set(keys)), f"{endpoint}: duplicated records"
        assert sorted(keys) == sorted(r[key] for r in expected), f"{endpoint}: records differ from ground truth"
        assert {json.dumps(r, sort_keys=True) for r in got.get(endpoint, [])} == {json.dumps(r, sort_keys=True) for r in expected}
    for ex in exchanges:
        assert ex.sha256 == hashlib.sha256(ex.body).hexdigest()
        assert ex.status in (200, 204)


async def test_clean_day_matches_ground_truth(world, serve, client_for):
    sandbox = Sandbox(world, Faults(consulta=ApiFaults(latency=FAST, ceiling=6)))
    with serve(sandbox) as ep:
        async with client_for(ep) as client:
            exchanges = await fetch_day(client)
    assert_ground_truth(world, exchanges)
    assert len(world.published("contratacoes", DAY)) > 40
    # Every modalidade of the official table was asked for, including the empty ones (204).
    asked = {ex.meta["modalidade"] for ex in exchanges if ex.endpoint == "contratacoes_publicacao"}
    assert asked == set(range(1, 20))
    empties = [ex for ex in exchanges if ex.status == 204]
    assert empties and all(ex.records == 0 and ex.body == b"" for ex in empties)
    # Raw-archive fields are all there.
    page = next(ex for ex in exchanges if ex.status == 200 and ex.endpoint == "contratos_publicacao")
    assert page.etag and page.headers["content-type"].startswith("application/json")
    assert page.page == 1 and page.total_records == len(world.published("contratos", DAY))
    assert ("dataInicial", "20250710") in page.params and ("tamanhoPagina", "500") in page.params
    assert page.url.startswith(ep.consulta + "/v1/contratos?") and page.elapsed_s > 0
    assert sandbox.stats.max_inflight["consulta"] <= 6
    assert client.stats.rate_limited == 0


@pytest.mark.parametrize("kind", ["429", "500_json", "500_text", "503", "hang", "html_200", "422", "truncated"])
async def test_each_fault_is_retried_and_nothing_is_lost(kind, world, serve, client_for):
    # A hang outlasts the read timeout many times over; every other answer is waited for as long as it takes.
    faults = Faults(consulta=ApiFaults(latency=FAST, ceiling=6, rates={kind: 0.35}, repeats=1,
                                       slow_error_seconds=0.05, hang_seconds=8.0, fast_error_seconds=0.001), seed=3)
    sandbox = Sandbox(world, faults)
    with serve(sandbox) as ep:
        async with client_for(ep, **({"read_timeout": 2.0} if kind == "hang" else {})) as client:
            exchanges = await fetch_day(client)
    assert_ground_truth(world, exchanges)
    # Each URL destined to the fault was asked exactly twice (the fault, then the answer), every other once.
    consulta = {url: n for url, n in sandbox.attempts.items() if url.startswith("/api/consulta/")}
    faulted = {url for url in consulta if faults.consulta.pick(faults.seed, url, 1) == kind}
    asked_twice = {url for url, n in consulta.items() if n == 2}
    assert faulted, "the fault was never hit"
    if kind == "hang":  # a slow answer on a busy machine may also time out: it is asked again, and that is all
        assert faulted <= asked_twice and client.stats.timeouts >= len(faulted)
    else:
        assert asked_twice == faulted and max(consulta.values()) == 2
        assert client.stats.retries == len(faulted) and client.stats.timeouts == 0
    if kind == "429":
        # every 429 the sandbox sent was seen as one, and none was taken for anything else
        assert client.stats.rate_limited == sandbox.stats.total("consulta", 429) == len(faulted)
    if kind in ("html_200", "truncated"):
        assert client.stats.bad_payloads == len(faulted)
    if kind == "422":
        assert sandbox.stats.total("consulta", 422) == len(faulted)


async def test_concurrency_ceiling_is_respected_and_over_eager_clients_adapt(world, serve, client_for):
    # answers slow enough that 12 requests go out before the first comes back, however busy the machine
    sandbox = Sandbox(world, Faults(consulta=ApiFaults(latency=Latency(0.1, 0.2), ceiling=6), seed=1))
    with serve(sandbox) as ep:
        async with client_for(ep, consulta_concurrency=12) as client:
            exchanges = await fetch_day(client)
    assert_ground_truth(world, exchanges)
    assert sandbox.stats.total("consulta", 429) > 0
    assert client.limiters["consulta"].limit < 12, "the limiter did not shrink on 429"


async def test_dead_api_opens_the_circuit_and_fails_loudly(world, serve, client_for):
    faults = Faults(consulta=ApiFaults(rates={"503": 1.0}, repeats=None, fast_error_seconds=0.0))
    sandbox = Sandbox(world, faults)
    with serve(sandbox) as ep:
        async with client_for(ep, breaker_threshold=5) as client:
            walks = client.listings(E.CONTRATOS_PUBLICACAO, DAY, DAY) + client.listings(E.ATAS_ATUALIZACAO, DAY, DAY)
            got = []
            with pytest.raises(FetchFailed) as info:
                async for ex in client.stream(walks):
                    got.append(ex)
    assert got == []
    message = str(info.value)
    assert "503" in message and ("contratos_publicacao" in message or "atas_atualizacao" in message)
    assert any(isinstance(e, CircuitOpen) for e in info.value.errors) or "circuit" in message
    assert sandbox.stats.total("consulta") <= 10, "the client kept hammering a dead API"


async def test_a_page_that_keeps_failing_fails_the_fetch_but_keeps_what_arrived(world, serve, client_for):
    # Only deep pages hit (page >= 2), always: page 1 of each listing still arrives.
    faults = Faults(consulta=ApiFaults(rates={"500_text": 1.0}, repeats=None, deep_page=2, slow_error_seconds=0.0))
    big_world = replace_world_volume(world, 1200)
    sandbox = Sandbox(big_world, faults)
    with serve(sandbox) as ep:
        async with client_for(ep, breaker_threshold=100, max_attempts=3) as client:
            got = []
            with pytest.raises(FetchFailed) as info:
                async for ex in client.stream(client.listings(E.CONTRATOS_PUBLICACAO, DAY, DAY)):
                    got.append(ex)
    assert [ex.page for ex in got] == [1]
    err = info.value.errors[0]
    assert isinstance(err, RetriesExhausted)
    assert "contratos_publicacao" in str(err) and "Erro na comunicação com o banco de dados" in str(err)
    assert "3 attempts" in str(err) and info.value.done == 1


def replace_world_volume(world, contratos_per_day: int):
    from baliza_sandbox import World

    return World(seed=world.seed, volume=replace(world.volume, contratos=contratos_per_day), now=world.now)


async def test_html_with_status_200_is_an_error_never_no_records(world, serve, client_for):
    faults = Faults(consulta=ApiFaults(rates={"html_200": 1.0}, repeats=None, fast_error_seconds=0.0))
    with serve(Sandbox(world, faults)) as ep:
        async with client_for(ep, breaker_threshold=100, max_attempts=2) as client:
            with pytest.raises(FetchFailed) as info:
                await client.collect(client.listings(E.ATAS_ATUALIZACAO, DAY, DAY))
    assert "HTTP 200 with text/html" in str(info.value) and "where JSON was expected" in str(info.value)
    assert "Request Rejected" in str(info.value)


async def test_resume_skips_pages_already_archived(world, serve, client_for):
    big_world = replace_world_volume(world, 2600)  # 6 pages of 500
    sandbox = Sandbox(big_world, Faults(consulta=ApiFaults(latency=FAST)))
    with serve(sandbox) as ep:
        async with client_for(ep) as client:
            first = await client.collect(client.listings(E.CONTRATOS_PUBLICACAO, DAY, DAY))
        assert len(first) >= 5
        archived = {ex.key: ex for ex in first if ex.page in (1, 2, 4)}
        before = sandbox.stats.total("consulta")
        async with client_for(ep) as client:
            rest = await client.collect(client.listings(E.CONTRATOS_PUBLICACAO, DAY, DAY), known=archived)
        assert sandbox.stats.total("consulta") - before == len(first) - 3
    assert sorted(ex.page for ex in rest) == sorted(ex.page for ex in first if ex.page not in (1, 2, 4))
    keys = [r["numeroControlePNCP"] for ex in list(archived.values()) + rest for r in ex.data()]
    assert sorted(keys) == sorted(r["numeroControlePNCP"] for r in big_world.published("contratos", DAY))


async def test_update_endpoints_match_ground_truth(world, serve, client_for):
    with serve(Sandbox(world)) as ep:
        async with client_for(ep) as client:
            mods = await client.modalidades()
            walks = (client.listings(E.CONTRATACOES_ATUALIZACAO, DAY, DAY, mods)
                     + client.listings(E.CONTRATOS_ATUALIZACAO, DAY, DAY))
            got = by_endpoint(await client.collect(walks))
    for endpoint, entity in (("contratacoes_atualizacao", "contratacoes"), ("contratos_atualizacao", "contratos")):
        keys = Counter(r["numeroControlePNCP"] for r in got.get(endpoint, []))
        assert keys == Counter(r["numeroControlePNCP"] for r in world.updated(entity, DAY))
        assert keys, f"{endpoint}: the day had no updates"


async def test_in_process_sandbox_needs_no_socket(world):
    """The same sandbox mounted in-process (httpx.ASGITransport) for the fastest tests."""
    import httpx

    from baliza_sandbox.server import Endpoints

    sandbox = Sandbox(world)
    config = fast_config(Endpoints("http://sandbox"))
    async with PncpClient(config, transport=httpx.ASGITransport(app=sandbox.app)) as client:
        exchanges = await fetch_day(client)
    assert_ground_truth(world, exchanges)
