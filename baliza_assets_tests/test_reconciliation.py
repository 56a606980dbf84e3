"""Reconciliation: the archive is complete only when every listing's pages and records add up."""

from __future__ import annotations

from dataclasses import replace

import dagster as dg

from baliza_assets.lib import archive
from baliza_assets.lib.reconcile import reconcile
from baliza_sandbox import Sandbox, World
from baliza_sandbox.faults import Faults

from .conftest import DAY
from .pipeline import materialize, query, resources

CONTRATOS = dg.AssetSelection.assets(["raw", "contratos"], ["staging", "contratos"]) | dg.AssetSelection.checks_for_assets(
    ["raw", "contratos"])


def _page(endpoint, page, pages, total, records, status=200, params=None, path="/v1/contratos"):
    params = params or {"dataInicial": "20250710", "dataFinal": "20250710"}
    return {"request_id": f"{endpoint}{params}{page}", "partition_date": DAY, "endpoint": endpoint, "path": path,
            "params": __import__("json").dumps({**params, "pagina": str(page), "tamanhoPagina": "500"}),
            "context": "{}", "url": "u", "http_status": status, "etag": None, "content_type": None,
            "payload_sha256": "x", "payload_bytes": 1, "payload": b"", "collected_at": None, "elapsed_s": 0.0,
            "attempts": 1, "numero_pagina": page, "total_paginas": pages, "total_registros": total, "records": records}


def test_complete_listings_pass_and_gaps_are_named():
    ok = [_page("contratos_publicacao", p, 3, 1200, n) for p, n in ((1, 500), (2, 500), (3, 200))]
    assert reconcile(archive.frame(ok)).is_empty()
    assert reconcile(archive.frame([_page("contratos_publicacao", 1, 0, 0, 0, status=204)])).is_empty()

    gap = [_page("contratos_publicacao", p, 4, 1700, n) for p, n in ((1, 500), (2, 500), (4, 200))]
    problem = reconcile(archive.frame(gap)).row(0, named=True)
    assert problem["problem"] == "pages 3 of 4 are missing" and problem["missing_pages"] == "3"
    assert problem["listing"] == "/v1/contratos?dataInicial=20250710&dataFinal=20250710"

    vanished = [_page("contratos_publicacao", 1, 2, 700, 500), _page("contratos_publicacao", 2, None, None, 0, 204)]
    assert reconcile(archive.frame(vanished))["problem"].to_list() == [
        "pages 2 of 2 came back empty (HTTP 204); 500 records archived, PNCP reported 700"]

    itens = "/v1/orgaos/00394452000103/compras/2025/1/itens"
    cut = [_page("itens", 1, None, None, 500, params={}, path=itens)]
    assert reconcile(archive.frame(cut))["problem"].to_list() == [
        "page 1 is full (500 records) and no page follows it"]


def test_a_page_that_silently_vanishes_fails_the_check_and_blocks_staging(world, serve, tmp_path):
    big = World(seed=world.seed, volume=replace(world.volume, contratos=2600), now=world.now)
    sandbox = Sandbox(big, Faults())
    sandbox.dropped.add("/api/consulta/v1/contratos?dataInicial=20250710&dataFinal=20250710&pagina=3&tamanhoPagina=500")
    with dg.instance_for_test() as instance, serve(sandbox) as ep:
        result = materialize(resources(ep, tmp_path), instance, DAY, selection=CONTRATOS, raise_on_error=False)
    evaluation = next(e for e in result.get_asset_check_evaluations() if e.check_name == "reconciliation")
    assert not evaluation.passed
    problems = evaluation.metadata["problems"].value
    total = len(big.published("contratos", DAY))
    assert "contratos_publicacao" in problems
    assert f"pages 3 of 6 came back empty (HTTP 204); {total - 500} records archived, PNCP reported {total}" in problems
    materialized = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert materialized == {"raw/contratos"}, "the failed reconciliation must block staging"
    assert not (tmp_path / "catalog.sqlite").exists() or not query(
        tmp_path / "catalog.sqlite", "SELECT 1 FROM duckdb_tables() WHERE table_name = 'contratos'")
