"""The sandbox over a real socket, checked against what the real PNCP APIs answer (API.md, samples)."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import httpx
import pytest

from baliza_sandbox import DriftRule, Sandbox, World

from .conftest import DAY, NOW
from .samples import assert_shape_matches, load, real_records

D = DAY.strftime("%Y%m%d")


@pytest.fixture
def api(world, serve):
    with serve(Sandbox(world)) as ep:
        with httpx.Client(base_url=ep.root, timeout=10) as http:
            yield http


def listing(http, path="/api/consulta/v1/contratacoes/publicacao", **params):
    base = {"dataInicial": D, "dataFinal": D, "pagina": 1}
    if path.endswith("publicacao") or path.endswith("contratacoes/atualizacao"):
        base["codigoModalidadeContratacao"] = 8
    base.update(params)
    return http.get(path, params={k: v for k, v in base.items() if v is not None})


def test_missing_modalidade_gets_springs_400_body(api):
    r = listing(api, codigoModalidadeContratacao=None)
    assert r.status_code == 400
    body = r.json()
    assert list(body) == ["timestamp", "status", "error", "message", "path"]
    assert body["status"] == 400 and body["error"] == "Bad Request"
    assert body["message"] == ("Required request parameter 'codigoModalidadeContratacao' for method parameter type "
                               "Long is not present")
    assert body["path"] == "/pncp-consulta/v1/contratacoes/publicacao"


def test_unknown_modalidade_and_bad_windows_get_pncps_422_body(api):
    r = listing(api, codigoModalidadeContratacao=20)
    assert r.status_code == 422
    body = r.json()
    assert list(body) == ["path", "message", "error", "timestamp", "status"]
    assert body["status"] == "422" and body["error"] == "422 UNPROCESSABLE_ENTITY"
    assert body["message"] == "Código da modalidade de contratação inválido."
    assert body["timestamp"].endswith("-03:00")
    assert listing(api, dataInicial="20250711", dataFinal="20250710").json()["message"] == \
        "Data Inicial deve ser anterior ou igual à Data Final"
    assert listing(api, dataInicial="20240101", dataFinal="20250710").json()["message"] == \
        "Período inicial e final maior que 365 dias."
    r = api.get("/api/consulta/v1/contratacoes/proposta", params={"dataFinal": "20250101", "pagina": 1})
    assert r.status_code == 422 and r.json()["message"].startswith("Data Final inválida")


@pytest.mark.parametrize("path,size,ok", [
    ("/api/consulta/v1/contratacoes/publicacao", 50, True),
    ("/api/consulta/v1/contratacoes/publicacao", 51, False),
    ("/api/consulta/v1/contratacoes/publicacao", 9, False),
    ("/api/consulta/v1/contratos", 500, True),
    ("/api/consulta/v1/contratos", 501, False),
    ("/api/consulta/v1/atas/atualizacao", 500, True),
])
def test_page_size_caps(api, path, size, ok):
    r = listing(api, path, tamanhoPagina=size)
    assert (r.status_code in (200, 204)) == ok
    if not ok:
        assert r.status_code == 400 and r.json()["message"] == "Tamanho de página inválido"


def test_envelope_counters_and_paging(api, world):
    expected = world.published("contratacoes", DAY, modalidade=8)
    assert len(expected) > 10
    r1 = listing(api, tamanhoPagina=10)
    body = r1.json()
    assert list(body) == ["data", "totalRegistros", "totalPaginas", "numeroPagina", "paginasRestantes", "empty"]
    pages = -(-len(expected) // 10)
    assert (body["totalRegistros"], body["totalPaginas"], body["numeroPagina"], body["paginasRestantes"], body["empty"]) == \
        (len(expected), pages, 1, pages - 1, False)
    rows = []
    for p in range(1, pages + 1):
        rows += listing(api, tamanhoPagina=10, pagina=p).json()["data"]
    assert rows == expected
    stamps = [r["dataPublicacaoPncp"] for r in rows]
    assert stamps == sorted(stamps)
    assert len(stamps) > len(set(stamps)), "bulk loads give ties in the sort key"
    assert r1.headers["content-type"].startswith("application/json") and r1.headers["etag"]


def test_empty_result_is_204_with_no_body(api):
    r = listing(api, codigoModalidadeContratacao=2)
    assert r.status_code == 204 and r.content == b""
    r = listing(api, "/api/consulta/v1/contratos", dataInicial="20200101", dataFinal="20200101")
    assert r.status_code == 204 and r.content == b""


def test_detail_endpoints_are_bare_arrays_and_itens_default_to_10(api, world):
    compra = max(world.published("contratacoes", DAY), key=lambda c: len(world.itens(c)))
    n = len(world.itens(compra))
    assert n > 10
    base = f"/api/pncp/v1/orgaos/{compra['orgaoEntidade']['cnpj']}/compras/{compra['anoCompra']}/{compra['sequencialCompra']}"
    assert len(api.get(base + "/itens").json()) == 10
    assert len(api.get(base + "/itens", params={"pagina": 1, "tamanhoPagina": 500}).json()) == n
    past = api.get(base + "/itens", params={"pagina": 99, "tamanhoPagina": 500})
    assert past.status_code == 200 and past.json() == []
    assert api.get(base + "/itens/quantidade").json() == n
    arquivos = api.get(base + "/arquivos")
    assert isinstance(arquivos.json(), list) or arquivos.status_code == 204
    no_result = next((i for i in world.itens(compra) if not i["temResultado"]), None)
    if no_result:
        assert api.get(base + f"/itens/{no_result['numeroItem']}/resultados").status_code == 204
    r = api.get(f"/api/pncp/v1/orgaos/{compra['orgaoEntidade']['cnpj']}/compras/{compra['anoCompra']}/999999/itens")
    assert r.status_code == 404 and r.json()["message"] == "Contratação não cadastrada."
    mods = api.get("/api/pncp/v1/modalidades", params={"statusAtivo": "true"}).json()
    assert [m["id"] for m in mods] == list(range(1, 20))


def test_pages_have_the_keys_and_types_of_the_real_captures(world, serve):
    """Fidelity: the sandbox's pages vs the real captured pages (envelope and records)."""
    old = World(seed=3, volume="small", now=datetime(2024, 7, 3))
    with serve(Sandbox(old)) as ep, httpx.Client(base_url=ep.root, timeout=10) as http:
        cases = [
            ("contratacoes_publicacao_page.json", "/api/consulta/v1/contratacoes/publicacao", {"codigoModalidadeContratacao": 8}, "contratacoes_2024"),
            ("contratacoes_atualizacao_page.json", "/api/consulta/v1/contratacoes/atualizacao", {"codigoModalidadeContratacao": 8}, "contratacoes_2024"),
            ("contratos_page.json", "/api/consulta/v1/contratos", {}, "contratos"),
            ("atas_atualizacao_page.json", "/api/consulta/v1/atas/atualizacao", {}, "atas"),
        ]
        for sample, path, extra, kind in cases:
            real_page = load(sample)["data"]
            page = http.get(path, params={"dataInicial": "20240701", "dataFinal": "20240701", "pagina": 1,
                                          "tamanhoPagina": 10, **extra})
            assert page.status_code == 200, (path, page.status_code, page.text[:200])
            got = page.json()
            assert list(got) == list(real_page), f"{path}: envelope keys"
            assert {k: type(v) for k, v in got.items() if k != "data"} == \
                {k: type(v) for k, v in real_page.items() if k != "data"}, f"{path}: envelope types"
            if path.endswith("publicacao") or path.endswith("contratos"):
                # (the real atualizacao captures order their keys differently from one another)
                assert list(got["data"][0]) == list(real_page["data"][0]), f"{path}: record key order"
            assert_shape_matches(got["data"], real_records(kind))


def test_drift_rules_change_payloads_from_a_date(serve):
    drift = [DriftRule("contratos", "novoCampo", date(2025, 7, 10), "add", "x"),
             DriftRule("contratos", "valorGlobal", date(2025, 7, 10), "retype")]
    w = World(seed=7, volume="small", now=NOW, drift=drift)
    before = w.published("contratos", DAY - timedelta(days=1))[0]
    after = w.published("contratos", DAY)[0]
    assert "novoCampo" not in before and isinstance(before["valorGlobal"], float)
    assert after["novoCampo"] == "x" and isinstance(after["valorGlobal"], str)


def test_the_clock_amends_and_removes_records(world):
    later = NOW + timedelta(days=400)
    before = {r["numeroControlePNCP"]: r for r in world.published("contratos", DAY)}
    after = {r["numeroControlePNCP"]: r for r in world.published("contratos", DAY, as_of=later)}
    changed = [k for k in after if after[k] != before.get(k)]
    assert changed, "nothing was amended in 400 days"
    assert all(after[k]["dataAtualizacaoGlobal"] > before[k]["dataAtualizacaoGlobal"] for k in changed)
    # What disappeared is exactly what the ground-truth change log says was deleted.
    deleted = {k for k, op, _ in world.changes("contratos", NOW, later) if op == "D"}
    assert set(before) - set(after) == {k for k in deleted if k in before}
    # The update-date view of a later day lists amended records published on DAY.
    updated_days = {r["dataAtualizacaoGlobal"][:10] for k in changed for r in [after[k]]}
    some_day = date.fromisoformat(sorted(updated_days)[0])
    assert any(r["numeroControlePNCP"] in changed for r in world.updated("contratos", some_day, as_of=later))
    assert json.dumps(world.published("contratos", DAY)) == json.dumps(list(before.values()))


def test_records_change_over_their_life_as_the_real_feed_shows():
    """Contratos change over years, contratações over months, deletions come within 30 days of
    publication, and a record changes at most once in the quiet window, so a daily observer sees
    every change."""
    w = World(seed=3, volume="small", now=datetime(2025, 9, 1))
    for entity in ("contratacoes", "contratos"):
        seen: dict[str, list] = {}
        for key, op, at in w.changes(entity, datetime(2025, 6, 1), datetime(2025, 9, 1)):
            seen.setdefault(key, []).append((at, op))
        assert seen
        for key, events in seen.items():
            gaps = [(b[0] - a[0]).days for a, b in zip(events, events[1:])]
            assert all(g >= w.volume.quiet_days for g in gaps), (key, events)
            assert all(op == "U" for _, op in events[:-1]), f"{key} changed after its deletion"
    day, as_of = date(2025, 8, 20), datetime(2025, 8, 21, 6)
    contrato_ages = [(day - date.fromisoformat(r["dataPublicacaoPncp"][:10])).days
                     for r in w.updated("contratos", day, as_of=as_of)]
    compra_ages = [(day - date.fromisoformat(r["dataPublicacaoPncp"][:10])).days
                   for r in w.updated("contratacoes", day, as_of=as_of)]
    assert max(contrato_ages) > 365, "no contrato amended after its first year"
    assert 14 < max(compra_ages) <= 365, compra_ages
    assert sum(a > 0 for a in contrato_ages) < 0.3 * len(contrato_ages), "the feed is mostly the day's own"
