"""Detail API through the client: itens paged until exhausted, arquivos, resultados, compra."""

from __future__ import annotations

from dataclasses import replace

import pytest

from baliza_assets.lib.pncp import CompraRef, InvalidValue
from baliza_assets.lib.pncp import endpoints as E
from baliza_assets.lib.pncp.client import _Walk
from baliza_sandbox import Sandbox

from .conftest import DAY


def compras_of(world):
    return [CompraRef.from_record(r) for r in world.published("contratacoes", DAY)]


async def test_itens_and_arquivos_of_every_compra_of_the_day(world, serve, client_for):
    refs = compras_of(world)
    with serve(Sandbox(world)) as ep:
        async with client_for(ep) as client:
            exchanges = await client.collect(client.detail_walks(refs))
    itens, arquivos = {}, {}
    for ex in exchanges:
        target = itens if ex.endpoint == "itens" else arquivos
        target.setdefault(ex.meta["compra"], []).extend(ex.data())
    for ref in refs:
        compra = world.find_compra(ref.cnpj, ref.ano, ref.sequencial)
        assert [i["numeroItem"] for i in itens.get(ref.numero_controle, [])] == [i["numeroItem"] for i in world.itens(compra)]
        assert arquivos.get(ref.numero_controle, []) == world.arquivos(compra)
    # Without paging the API would have returned at most 10 items per compra.
    assert max(len(v) for v in itens.values()) > 10


async def test_itens_are_paged_until_a_short_page(world, serve, client_for):
    refs = compras_of(world)
    ref = max(refs, key=lambda r: len(world.itens(world.find_compra(r.cnpj, r.ano, r.sequencial))))
    expected = world.itens(world.find_compra(ref.cnpj, ref.ano, ref.sequencial))
    assert len(expected) > 10
    small_pages = replace(E.ITENS, page_size=10)
    walk = _Walk(small_pages, E.ITENS.path.format(cnpj=ref.cnpj, ano=ref.ano, sequencial=ref.sequencial), (), {})
    with serve(Sandbox(world)) as ep:
        async with client_for(ep) as client:
            exchanges = await client.collect([walk])
    pages = sorted(exchanges, key=lambda ex: ex.page)
    assert [ex.page for ex in pages] == list(range(1, len(expected) // 10 + 2))
    assert [i["numeroItem"] for ex in pages for i in ex.data()] == [i["numeroItem"] for i in expected]
    assert pages[-1].records == len(expected) % 10  # the short (possibly empty []) last page


async def test_compra_detail_resultados_and_a_vanished_compra(world, serve, client_for):
    ref = compras_of(world)[0]
    compra = world.find_compra(ref.cnpj, ref.ano, ref.sequencial)
    item = next(i for i in world.itens(compra) if i["temResultado"])
    with serve(Sandbox(world)) as ep:
        async with client_for(ep) as client:
            detail = await client.fetch_one(E.COMPRA, cnpj=ref.cnpj, ano=ref.ano, sequencial=ref.sequencial)
            results = await client.fetch_one(E.RESULTADOS, cnpj=ref.cnpj, ano=ref.ano, sequencial=ref.sequencial,
                                              numeroItem=item["numeroItem"])
            gone = await client.fetch_one(E.ARQUIVOS, cnpj=ref.cnpj, ano=ref.ano, sequencial=ref.sequencial + 1000)
    assert detail.data()[0]["numeroControlePNCP"] == ref.numero_controle and "existeResultado" in detail.data()[0]
    assert results.data() == world.resultados(compra, item)
    assert gone.status == 404 and gone.gone and gone.data() == []
    assert "Contratação não cadastrada." in gone.body.decode()


@pytest.mark.parametrize("hostile", ["../../../etc/passwd", "12345678000199/../x", "1234567800019", "12345678000199?a=b", 12])
async def test_values_from_responses_are_validated_before_building_urls(hostile, world, serve, client_for):
    with pytest.raises(InvalidValue, match="cnpj"):
        CompraRef(hostile, 2025, 1)
    record = {"numeroControlePNCP": f"{hostile}-1-000001/2025"}
    with pytest.raises(InvalidValue, match="numeroControlePNCP"):
        CompraRef.from_record(record)
    with serve(Sandbox(world)) as ep:
        async with client_for(ep) as client:
            with pytest.raises(InvalidValue):
                await client.fetch_one(E.COMPRA, cnpj=hostile, ano=2025, sequencial=1)
    assert sandbox_untouched(client)


def sandbox_untouched(client) -> bool:
    return client.stats.requests == 0


def test_record_fields_must_agree_with_the_control_number():
    with pytest.raises(InvalidValue, match="sequencialCompra"):
        CompraRef.from_record({"numeroControlePNCP": "12345678000199-1-000010/2025", "sequencialCompra": 11})
    with pytest.raises(InvalidValue, match="ano"):
        CompraRef("12345678000199", 1899, 1)
    with pytest.raises(InvalidValue, match="sequencial"):
        CompraRef("12345678000199", 2025, 0)
    assert CompraRef.from_record({"numeroControlePNCP": "12345678000199-1-000010/2025", "sequencialCompra": 10,
                                  "anoCompra": 2025, "orgaoEntidade": {"cnpj": "12345678000199"}}).path == \
        "/v1/orgaos/12345678000199/compras/2025/10"


async def test_resultados_join_the_pass_as_their_itens_arrive(world, serve, client_for):
    """One pass: the resultados of an item are requested as soon as its itens page arrives, under the
    same limiter as the itens and arquivos still to come, each one once."""
    refs = compras_of(world)
    expected = {}
    for ref in refs:
        compra = world.find_compra(ref.cnpj, ref.ano, ref.sequencial)
        for item in world.itens(compra):
            if item["temResultado"]:
                expected[(ref.numero_controle, item["numeroItem"])] = world.resultados(compra, item)
    with serve(Sandbox(world)) as ep:
        async with client_for(ep) as client:
            def results_of(ex):
                if ex.endpoint != "itens":
                    return []
                compra = CompraRef.parse(ex.meta["compra"])
                return client.result_walks([(compra, i["numeroItem"]) for i in ex.data() if i["temResultado"]])

            walks = client.detail_walks(refs)
            exchanges = await client.collect(walks + walks, expand=results_of)  # every walk asked twice
    got = {(ex.meta["compra"], ex.meta["item"]): ex.data() for ex in exchanges if ex.endpoint == "resultados"}
    assert got == expected
    keys = [ex.key for ex in exchanges]
    assert len(keys) == len(set(keys)), "a request made twice"
    assert sum(ex.endpoint == "resultados" for ex in exchanges) == len(expected)
    order = [ex.endpoint for ex in exchanges]
    last_detail = max(i for i, e in enumerate(order) if e in ("itens", "arquivos"))
    assert order.index("resultados") < last_detail, "resultados waited for every itens and arquivos request"
