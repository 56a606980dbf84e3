"""Typing, trimming, deduplication and rejects of the staging builder, on hand-made payloads."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from decimal import Decimal

import polars as pl

from baliza_assets.lib import archive
from baliza_assets.lib.staging import ENTITIES, build

from .conftest import DAY


def _row(endpoint: str, doc, context=None, at=datetime(2025, 7, 11, 12, tzinfo=timezone.utc)) -> dict:
    body = json.dumps(doc, ensure_ascii=False).encode()
    records = len(doc["data"]) if isinstance(doc, dict) else len(doc)
    return {"request_id": hashlib.sha256(body).hexdigest(), "partition_date": DAY, "endpoint": endpoint, "path": "/p",
            "params": "{}", "context": json.dumps(context or {}), "url": "http://x/p", "http_status": 200, "etag": None,
            "content_type": "application/json", "payload_sha256": hashlib.sha256(body).hexdigest(),
            "payload_bytes": len(body), "payload": body, "collected_at": at, "elapsed_s": 0.1, "attempts": 1,
            "numero_pagina": 1, "total_paginas": 1, "total_registros": records, "records": records}


def _contratacao(ncp: str, updated: str, **fields) -> dict:
    rec = {"numeroControlePNCP": ncp, "anoCompra": 2025, "sequencialCompra": 1, "modalidadeId": 8,
           "valorTotalEstimado": 1234.56, "valorTotalHomologado": None, "srp": False, "objetoCompra": "  Objeto  ",
           "processo": "", "dataAtualizacaoGlobal": updated, "dataPublicacaoPncp": "2025-07-10T09:00:00",
           "orgaoEntidade": {"cnpj": "00394452000103", "razaoSocial": "ORGAO ", "esferaId": "F", "poderId": "E"},
           "unidadeOrgao": {"ufSigla": "DF", "codigoUnidade": " 1 "}, "amparoLegal": {"codigo": 19, "nome": "Art. 75"},
           "campoNovo": "ignored by staging"}
    rec.update(fields)
    return rec


def test_typed_trimmed_flattened_and_deduplicated():
    old = _contratacao("00394452000103-1-000001/2025", "2025-07-10T09:00:00", valorTotalEstimado=1.0)
    new = _contratacao("00394452000103-1-000001/2025", "2025-07-10T15:30:00")
    other = _contratacao("00394452000103-1-000002/2025", "2025-07-10T10:00:00")
    frame = archive.frame([_row("contratacoes_publicacao", {"data": [old, other]}),
                           _row("contratacoes_publicacao", {"data": [new]}),
                           _row("contratos_publicacao", {"data": [{"numeroControlePNCP": "not a contratação"}]})])
    good, bad = build(ENTITIES["contratacoes"], frame)
    assert bad.is_empty()
    assert good["numero_controle_pncp"].to_list() == ["00394452000103-1-000001/2025", "00394452000103-1-000002/2025"]
    first = good.row(0, named=True)
    assert first["valor_total_estimado"] == Decimal("1234.56"), "the latest version wins"
    assert first["data_atualizacao_global"] == datetime(2025, 7, 10, 15, 30)
    assert first["objeto_compra"] == "Objeto" and first["processo"] is None
    assert first["orgao_cnpj"] == "00394452000103" and first["orgao_razao_social"] == "ORGAO"
    assert first["unidade_uf_sigla"] == "DF" and first["unidade_codigo"] == "1" and first["amparo_legal_codigo"] == 19
    assert first["srp"] is False and first["modalidade_id"] == 8
    assert first["payload_sha256"] == frame["payload_sha256"][1]
    assert good.schema["valor_total_estimado"] == pl.Decimal(38, 6)


def test_values_that_cannot_be_typed_are_rejected_with_the_reason():
    bad_value = _contratacao("00394452000103-1-000003/2025", "2025-07-10T09:00:00", valorTotalEstimado="R$ 10,00",
                             dataPublicacaoPncp="ontem")
    no_key = _contratacao(None, "2025-07-10T09:00:00")
    fine = _contratacao("00394452000103-1-000004/2025", "2025-07-10T09:00:00")
    good, bad = build(ENTITIES["contratacoes"], archive.frame([_row("contratacoes_publicacao",
                                                                    {"data": [bad_value, no_key, fine]})]))
    assert good["numero_controle_pncp"].to_list() == ["00394452000103-1-000004/2025"]
    reasons = dict(zip(bad["record_key"].to_list(), bad["reason"].to_list()))
    assert "valor_total_estimado: cannot read 'R$ 10,00' as dec" in reasons["00394452000103-1-000003/2025"]
    assert "data_publicacao_pncp: cannot read 'ontem' as ts" in reasons["00394452000103-1-000003/2025"]
    assert any("natural key missing" in r for r in reasons.values())
    assert json.loads(bad["record"][0])["valorTotalEstimado"] == "R$ 10,00", "the rejected record is kept whole"


def test_detail_records_take_their_compra_from_the_request():
    itens = [{"numeroItem": 1, "descricao": "Caneta", "quantidade": 10, "valorUnitarioEstimado": 1.5,
              "unidadeMedida": "UN ", "dataAtualizacao": "2025-07-10T09:00:00"},
             {"numeroItem": 2, "descricao": "Papel", "quantidade": 1.25, "valorUnitarioEstimado": 20,
              "unidadeMedida": "Resma", "dataAtualizacao": "2025-07-10T09:00:00"}]
    good, bad = build(ENTITIES["itens"], archive.frame([
        _row("itens", itens, {"compra": "00394452000103-1-000001/2025"}),
        _row("itens", [], {"compra": "00394452000103-1-000002/2025"})]))
    assert bad.is_empty()
    assert good.select("numero_controle_pncp_compra", "numero_item", "unidade_medida").rows() == [
        ("00394452000103-1-000001/2025", 1, "UN"), ("00394452000103-1-000001/2025", 2, "Resma")]
    assert good["quantidade"].to_list() == [Decimal("10"), Decimal("1.25")]
