"""Synthetic PNCP records vs the real captured samples (shape, key order, types, quirks)."""

from __future__ import annotations

import copy
import hashlib
import json
import random
import re
import statistics
import time
from datetime import date, datetime, timedelta

import pytest

from baliza_sandbox import records as R
from baliza_sandbox.records.weighted import Weighted

from .samples import SAMPLES, assert_shape_matches, load, real_records, shape, union_shape  # noqa: F401

TS_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _is_valid_cpf(s: str) -> bool:
    if len(s) != 11 or not s.isdigit() or s == s[0] * 11:
        return False
    for n in (9, 10):
        total = sum(int(s[i]) * (n + 1 - i) for i in range(n))
        if (total * 10 % 11) % 10 != int(s[n]):
            return False
    return True


# ---------------------------------------------------------------------------------------------
# a generated corpus
# ---------------------------------------------------------------------------------------------

N = 300
BASE = datetime(2025, 7, 10, 0, 0, 7)


def build_corpus(seed: int) -> dict[str, list]:
    pool = R.orgao_pool(seed)
    rng = random.Random(seed)
    # every modalidade 1..19 at least once, the rest following the real daily mix
    mods = list(range(1, 20))
    mix_vals = list(R.DAILY_MIX)
    mix_w = [R.DAILY_MIX[m] for m in mix_vals]
    mods += rng.choices(mix_vals, weights=mix_w, k=N - len(mods))
    contratacoes = []
    for i, m in enumerate(mods):
        o = pool[rng.randrange(len(pool))]
        u = o.unidades[rng.randrange(len(o.unidades))]
        contratacoes.append(R.contratacao(rng, orgao=o, unidade=u, ano=2025, sequencial=i + 1, modalidade_id=m,
                                          published_at=BASE + timedelta(seconds=37 * i)))
    itens, arquivos, resultados, detalhes = [], [], [], []
    for c in contratacoes:
        its = R.itens(rng, c, min(R.itens_count(rng), 40))
        itens.extend(its)
        arquivos.extend(R.arquivos(rng, c, R.arquivos_count(rng)))
        for it in its[:3]:
            if it["temResultado"]:
                resultados.extend(R.resultados(rng, c, it))
        listing = dict(c)
        listing["emendaParlamentar"] = rng.choice((None, False))  # callers add it (schema drift)
        detalhes.append(R.compra_detalhe(listing, existe_resultado=any(i["temResultado"] for i in its)))
    contratos = []
    for i in range(N):
        o = pool[rng.randrange(len(pool))]
        u = o.unidades[rng.randrange(len(o.unidades))]
        compra = contratacoes[i] if i % 2 == 0 else None
        contratos.append(R.contrato(rng, orgao=o, unidade=u, ano=2025, sequencial=1000 + i,
                                    published_at=BASE + timedelta(seconds=29 * i), compra=compra))
    srp = [c for c in contratacoes if c["modalidadeId"] in (6, 4, 7)] or contratacoes
    atas = [R.ata(rng, compra=srp[i % len(srp)], sequencial_ata=i % 7 + 1, published_at=BASE + timedelta(minutes=i))
            for i in range(N)]
    return {"pool": pool, "contratacoes": contratacoes, "detalhes": detalhes, "itens": itens, "arquivos": arquivos,
            "resultados": resultados, "contratos": contratos, "atas": atas}


@pytest.fixture(scope="module")
def corpus():
    return build_corpus(2025)


# ---------------------------------------------------------------------------------------------
# shape vs the real samples
# ---------------------------------------------------------------------------------------------


def test_contratacao_shape_and_order(corpus):
    gen = corpus["contratacoes"]
    real_2024 = real_records("contratacoes_2024")
    assert_shape_matches(gen, real_2024)
    # the 2025-26 records differ only by emendaParlamentar (added by callers)
    sp_keys = set(union_shape(real_records("contratacoes_sp")))
    assert set(union_shape(gen)) == sp_keys - {"emendaParlamentar"}
    # non-null types also agree with every real contratação we have
    assert_shape_matches(gen, real_records("contratacoes_all"), ignore=frozenset({"emendaParlamentar"}))
    order = list(real_2024[0])
    nested = {k: list(real_2024[0][k]) for k in ("orgaoEntidade", "unidadeOrgao", "amparoLegal")}
    for rec in gen:
        assert list(rec) == order
        for k, keys in nested.items():
            assert list(rec[k]) == keys


def test_compra_detalhe_shape_and_order(corpus):
    real = real_records("detalhe")
    assert_shape_matches(corpus["detalhes"], real)
    order = list(load("compra_detalhe.json"))
    unidade_order = list(load("compra_detalhe.json")["unidadeOrgao"])
    for rec in corpus["detalhes"]:
        assert list(rec) == order
        assert list(rec["unidadeOrgao"]) == unidade_order
    # without emendaParlamentar in the listing the detail does not invent it
    d = R.compra_detalhe(corpus["contratacoes"][0], existe_resultado=False)
    assert "emendaParlamentar" not in d and d["existeResultado"] is False
    assert list(d) == [k for k in order if k != "emendaParlamentar"]


def test_itens_shape_and_order(corpus):
    assert_shape_matches(corpus["itens"], real_records("itens"))
    order = list(load("itens.json")[0])
    for it in corpus["itens"]:
        assert list(it) == order
    cat_order = list(load("compra_bundle_00394452000103_2026_19867.json")["itens"][0]["catalogo"])
    assert any(it["catalogo"] is not None and list(it["catalogo"]) == cat_order for it in corpus["itens"])


def test_arquivos_shape_and_order(corpus):
    assert_shape_matches(corpus["arquivos"], real_records("arquivos"))
    order = list(load("compra_bundle_00394452000103_2026_19867.json")["arquivos"][0])
    for a in corpus["arquivos"]:
        assert list(a) == order


def test_resultados_shape_and_order(corpus):
    assert corpus["resultados"]
    assert_shape_matches(corpus["resultados"], real_records("resultados"))
    order = list(load("resultados.json")[0])
    for r in corpus["resultados"]:
        assert list(r) == order


def test_contratos_shape_and_order(corpus):
    assert_shape_matches(corpus["contratos"], real_records("contratos"))
    order = list(load("contratos_page.json")["data"]["data"][0])
    for c in corpus["contratos"]:
        assert list(c) == order


def test_atas_shape_and_order(corpus):
    assert_shape_matches(corpus["atas"], real_records("atas"))
    order = list(load("atas_atualizacao_page.json")["data"]["data"][0])
    for a in corpus["atas"]:
        assert list(a) == order


# ---------------------------------------------------------------------------------------------
# values and quirks
# ---------------------------------------------------------------------------------------------


def test_determinism():
    a = build_corpus(99)
    b = build_corpus(99)
    assert a["pool"] == b["pool"]
    for k in ("contratacoes", "detalhes", "itens", "arquivos", "resultados", "contratos", "atas"):
        assert json.dumps(a[k], ensure_ascii=False) == json.dumps(b[k], ensure_ascii=False), k
    c = build_corpus(100)
    assert json.dumps(a["contratacoes"]) != json.dumps(c["contratacoes"])


# The digest of a slice of the world (seed 1, small volume, the clock at 2025-09-01 06:00). Every
# test's truth comes from this world; when a change to the sandbox changes it on purpose, update it.
WORLD_DIGEST = "d88bcd980e7679fb01188a1bd4493e971bea2a6d97a713b8fc0b8f620ded8150"


def test_a_seed_gives_the_same_world():
    from baliza_sandbox import World

    world = World(seed=1, volume="small", now=datetime(2025, 9, 1, 6))
    day = date(2025, 7, 10)
    served = [world.published(e, day) for e in ("contratacoes", "contratos", "atas")]
    served += [world.updated(e, date(2025, 8, 20)) for e in ("contratacoes", "contratos", "atas")]
    for compra in world.published("contratacoes", day)[:25]:
        its = world.itens(compra)
        served.append([its, world.arquivos(compra), world.compra_detalhe(compra), [world.resultados(compra, i) for i in its]])
    assert hashlib.sha256(json.dumps(served, ensure_ascii=False).encode()).hexdigest() == WORLD_DIGEST


def test_a_weighted_table_draws_as_its_ladder():
    table = Weighted([("a", 0.3), ("b", 0.2), ("c", 0.35), ("d", 0.15)])
    ladder = lambda r: "a" if r < 0.3 else ("b" if r < 0.5 else ("c" if r < 0.85 else "d"))  # noqa: E731
    rng = random.Random(3)
    draws = [rng.random() for _ in range(20_000)] + [0.0, 0.3, 0.5, 0.85, 0.8499999999999999, 0.9999999999999999]
    assert [table.at(r) for r in draws] == [ladder(r) for r in draws]
    a, b = random.Random(4), random.Random(4)
    assert [table.pick(a) for _ in range(100)] == [ladder(b.random()) for _ in range(100)]
    with pytest.raises(ValueError):
        Weighted([("a", 0.3), ("b", 0.3)])


def test_cnpj_validity(corpus):
    rng = random.Random(5)
    for _ in range(2000):
        c = R.valid_cnpj(rng)
        assert len(c) == 14 and c.isdigit() and R.is_valid_cnpj(c)
    for real in ("07954480000179", "00394452000103", "75475038000110", "46395000000139", "36750137000100"):
        assert R.is_valid_cnpj(real)
    assert not R.is_valid_cnpj("07954480000178")
    assert not R.is_valid_cnpj("11111111111111")
    assert not R.is_valid_cnpj("0795448000017")
    assert all(R.is_valid_cnpj(o.cnpj) for o in corpus["pool"])
    assert len({o.cnpj for o in corpus["pool"]}) == len(corpus["pool"])
    kinds = set()
    for rec in corpus["contratos"] + corpus["resultados"]:
        ni, tp = rec["niFornecedor"], rec["tipoPessoa"]
        kinds.add(tp)
        if tp == "PJ":
            assert R.is_valid_cnpj(ni), ni
        else:
            assert tp == "PF" and _is_valid_cpf(ni), ni
    assert "PJ" in kinds


def test_orgao_pool_mix():
    pool = R.orgao_pool(1)
    assert len(pool) == 600
    assert len(R.orgao_pool(1, n=25)) == 25
    esferas = {o.esferaId for o in pool}
    poderes = {o.poderId for o in pool}
    assert {"F", "E", "M", "D", "N"} <= esferas
    assert {"E", "L", "J", "N"} <= poderes
    municipais = [o for o in pool if o.esferaId == "M"]
    assert len(municipais) > len(pool) / 2
    ufs = set()
    for o in pool:
        assert o.unidades
        assert list(o.as_json()) == ["cnpj", "razaoSocial", "poderId", "esferaId"]
        for u in o.unidades:
            ufs.add(u.ufSigla)
            assert re.fullmatch(r"\d{7}", u.codigoIbge)
            assert list(u.as_json()) == ["ufNome", "codigoIbge", "codigoUnidade", "nomeUnidade", "ufSigla", "municipioNome"]
    assert len(ufs) == 27


def test_control_number_patterns(corpus):
    for c in corpus["contratacoes"]:
        assert re.fullmatch(r"\d{14}-1-\d{6}/\d{4}", c["numeroControlePNCP"])
        assert c["numeroControlePNCP"].startswith(c["orgaoEntidade"]["cnpj"])
    for c in corpus["contratos"]:
        assert re.fullmatch(r"\d{14}-2-\d{6}/\d{4}", c["numeroControlePNCP"])
        assert re.fullmatch(r"\d{14}-1-\d{6}/\d{4}", c["numeroControlePncpCompra"])
    for a in corpus["atas"]:
        assert re.fullmatch(r"\d{14}-1-\d{6}/\d{4}-\d{6}", a["numeroControlePNCPAta"])
        assert a["numeroControlePNCPAta"].startswith(a["numeroControlePNCPCompra"] + "-")


def test_dates_formats(corpus):
    for c in corpus["contratacoes"]:
        for k in ("dataPublicacaoPncp", "dataInclusao", "dataAtualizacao", "dataAtualizacaoGlobal"):
            assert TS_RE.match(c[k])
        for k in ("dataAberturaProposta", "dataEncerramentoProposta"):
            assert c[k] is None or TS_RE.match(c[k])
        assert c["dataInclusao"] == c["dataPublicacaoPncp"] == c["dataAtualizacao"] == c["dataAtualizacaoGlobal"]
    for c in corpus["contratos"]:
        for k in ("dataAssinatura", "dataVigenciaInicio", "dataVigenciaFim"):
            assert DATE_RE.match(c[k])
        for k in ("dataPublicacaoPncp", "dataAtualizacao", "dataAtualizacaoGlobal"):
            assert TS_RE.match(c[k])
    for a in corpus["atas"]:
        for k in ("dataAssinatura", "vigenciaInicio", "vigenciaFim", "dataPublicacaoPncp", "dataInclusao", "dataAtualizacao", "dataAtualizacaoGlobal"):
            assert DATE_RE.match(a[k])
    for r in corpus["resultados"]:
        assert DATE_RE.match(r["dataResultado"]) and TS_RE.match(r["dataInclusao"])


def test_contratacao_consistency_and_quirks(corpus):
    cs = corpus["contratacoes"]
    for c in cs:
        m = c["modalidadeId"]
        assert c["modalidadeNome"] == R.MODALIDADE_NOME_EM_REGISTRO[m]
        assert c["fontesOrcamentarias"] == []
        assert isinstance(c["valorTotalEstimado"], float)
        assert c["valorTotalHomologado"] is None or isinstance(c["valorTotalHomologado"], float)
        if m in (8, 9):
            assert c["tipoInstrumentoConvocatorioCodigo"] in (2, 3)
            assert c["modoDisputaId"] in (4, 5)
        if m in (6, 7):
            assert c["tipoInstrumentoConvocatorioCodigo"] == 1
            assert c["amparoLegal"]["codigo"] == 1
        if m in (1, 13):
            assert c["amparoLegal"]["codigo"] == 4
    assert any(c["modalidadeNome"] == "Dispensa" for c in cs)
    assert sum(c["situacaoCompraId"] == 1 for c in cs) > 0.9 * len(cs)
    assert sum(c["valorTotalHomologado"] is None for c in cs) > 0.5 * len(cs)
    assert any(c["valorTotalEstimado"] == 0.0 for c in cs)
    links = [c["linkSistemaOrigem"] for c in cs]
    assert None in links and any(isinstance(x, str) and x.startswith("https://") for x in links)
    assert any(c["amparoLegal"]["nome"].endswith(" ") for c in cs)
    assert any(c["informacaoComplementar"] == "" for c in cs) and any(c["informacaoComplementar"] is None for c in cs)
    assert {c["orgaoEntidade"]["poderId"] for c in cs} & {"N"}


def test_itens_values(corpus):
    rng = random.Random(8)
    pool = R.orgao_pool(3)
    o = pool[0]
    c = R.contratacao(rng, orgao=o, unidade=o.unidades[0], ano=2025, sequencial=1, modalidade_id=6, published_at=BASE)
    its = R.itens(rng, c, 25)
    assert [i["numeroItem"] for i in its] == list(range(1, 26))
    for it in corpus["itens"]:
        if it["orcamentoSigiloso"]:
            assert it["valorUnitarioEstimado"] == 0.0 and it["valorTotal"] == 0.0
        else:
            assert it["valorTotal"] == round(it["quantidade"] * it["valorUnitarioEstimado"], 2)
        assert isinstance(it["situacaoCompraItem"], int) and isinstance(it["tipoBeneficio"], int)
        assert (it["catalogo"] is None) == (it["categoriaItemCatalogo"] is None)
    # a dispensa or inexigibilidade comes with its results; a competitive compra mostly gets them later
    direct = {c["numeroControlePNCP"] for c in corpus["contratacoes"] if c["modalidadeId"] in (8, 9)}
    first = [R.itens(random.Random(n), c, 30) for n, c in enumerate(corpus["contratacoes"])]
    share = {kind: statistics.mean(it["temResultado"] for c, its in zip(corpus["contratacoes"], first) for it in its
                                   if (c["numeroControlePNCP"] in direct) == kind) for kind in (True, False)}
    assert 0.82 < share[True] < 0.96 and 0.35 < share[False] < 0.55
    codes = {it["catalogoCodigoItem"] for it in corpus["itens"] if it["catalogoCodigoItem"]}
    assert 20 < len(codes) <= 400
    assert any(it["unidadeMedida"].endswith(" ") for it in corpus["itens"])
    sig = dict(c, valorTotalEstimado=0.0)
    assert all(i["valorTotal"] == 0.0 and i["orcamentoSigiloso"] for i in R.itens(rng, sig, 5))


def test_arquivos_values(corpus):
    urls = re.compile(r"^https://pncp\.gov\.br/pncp-api/v1/orgaos/\d{14}/compras/\d{4}/\d+/arquivos/\d+$")
    for a in corpus["arquivos"]:
        assert a["uri"] == a["url"] and urls.match(a["url"])
        assert a["url"].endswith(f"/{a['sequencialDocumento']}")
        assert a["tipoDocumentoNome"] == a["tipoDocumentoDescricao"]
    tipos = {a["tipoDocumentoId"] for a in corpus["arquivos"]}
    assert {2, 16, 4} <= tipos
    assert any(a["titulo"].isdigit() for a in corpus["arquivos"])


def test_itens_count_distribution():
    rng = random.Random(42)
    xs = [R.itens_count(rng) for _ in range(20_000)]
    assert 5 <= statistics.mean(xs) <= 9
    assert 2 <= statistics.median(xs) <= 4
    assert max(xs) >= 100 and max(xs) <= 1200 and min(xs) >= 1
    assert 0.002 <= sum(x >= 100 for x in xs) / len(xs) <= 0.01


def test_arquivos_count_distribution():
    rng = random.Random(43)
    xs = [R.arquivos_count(rng) for _ in range(20_000)]
    assert 1.8 <= statistics.mean(xs) <= 2.5
    assert 0.70 <= xs.count(1) / len(xs) <= 0.78
    assert statistics.median(xs) == 1
    assert max(xs) == 12 and 0 < xs.count(0) < 0.03 * len(xs)


def test_modalidades_table():
    assert [m["id"] for m in R.MODALIDADES] == list(range(1, 20))
    assert all(list(m) == ["id", "nome", "descricao", "dataInclusao", "dataAtualizacao", "statusAtivo"] for m in R.MODALIDADES)
    assert all(m["statusAtivo"] is True for m in R.MODALIDADES)
    by = {m["id"]: m["nome"] for m in R.MODALIDADES}
    assert by[1] == "Leilão - Eletrônico" and by[8] == "Dispensa de Licitação" and by[14] == "Inaplicabilidade da Licitação"
    assert by[15] == "Chamada pública" and all("–" in by[i] for i in range(16, 20))
    assert R.MODALIDADE_NOME_EM_REGISTRO[8] == "Dispensa" and R.MODALIDADE_NOME_EM_REGISTRO[9] == "Inexigibilidade"
    assert R.DAILY_MIX == {1: 8, 4: 223, 5: 17, 6: 1802, 7: 63, 8: 3030, 9: 1244, 10: 1, 11: 5, 12: 105, 13: 1}


VALUE_FIELDS = {
    "contratacoes": ("valorTotalHomologado", "situacaoCompraId", "situacaoCompraNome", "objetoCompra", "dataEncerramentoProposta"),
    "contratos": ("valorGlobal", "valorAcumulado", "dataVigenciaFim", "numeroRetificacao"),
    "atas": ("vigenciaFim", "cancelado", "dataCancelamento"),
}


@pytest.mark.parametrize("entity", ["contratacoes", "contratos", "atas"])
def test_amend(corpus, entity):
    rng = random.Random(77)
    at = BASE + timedelta(days=3, hours=5, minutes=7, seconds=11)
    for rec in corpus[entity][:100]:
        before = copy.deepcopy(rec)
        new = R.amend(rng, entity, rec, at)
        assert rec == before  # input not mutated
        assert new is not rec and list(new) == list(rec)
        if entity == "atas":
            assert new["dataAtualizacaoGlobal"] == new["dataAtualizacao"] == at.strftime("%Y-%m-%d")
        else:
            assert new["dataAtualizacaoGlobal"] == new["dataAtualizacao"] == at.strftime("%Y-%m-%dT%H:%M:%S")
        assert new["dataAtualizacaoGlobal"] != rec["dataAtualizacaoGlobal"]
        assert any(new[k] != rec[k] for k in VALUE_FIELDS[entity]), rec
        assert shape(new).keys() == shape(rec).keys()
        # amend again on the amended record (chained updates) keeps working and stays non-mutating
        again_before = copy.deepcopy(new)
        R.amend(rng, entity, new, at + timedelta(days=1))
        assert new == again_before
    with pytest.raises(ValueError):
        R.amend(rng, "pca", corpus["atas"][0], at)


def test_speed_realistic_day():
    pool = R.orgao_pool(7)
    rng = random.Random(7)
    mods = [m for m, c in R.DAILY_MIX.items() for _ in range(c)]
    t0 = time.perf_counter()
    cs = []
    for i, m in enumerate(mods):
        o = pool[i % len(pool)]
        cs.append(R.contratacao(rng, orgao=o, unidade=o.unidades[0], ano=2025, sequencial=i + 1, modalidade_id=m,
                                published_at=BASE + timedelta(seconds=i)))
    for i in range(8500):
        o = pool[(i * 7) % len(pool)]
        R.contrato(rng, orgao=o, unidade=o.unidades[-1], ano=2025, sequencial=i + 1, published_at=BASE + timedelta(seconds=i),
                   compra=cs[i % len(cs)] if i % 3 == 0 else None)
    elapsed = time.perf_counter() - t0
    assert elapsed < 2.5, f"a realistic day of contratações+contratos took {elapsed:.2f}s"
