"""A whole day materialized through Dagster against the sandbox over loopback."""

from __future__ import annotations

import hashlib

import dagster as dg
import pytest

from baliza_assets.lib.lake import Lake
from baliza_sandbox import Sandbox, profile

from .conftest import DAY
from .pipeline import assert_day_matches, materialize, query, resources

pytestmark = pytest.mark.e2e


def _materializations(result: dg.ExecuteInProcessResult) -> dict[str, dict]:
    return {ev.asset_key.to_user_string(): ev.step_materialization_data.materialization.metadata
            for ev in result.get_asset_materialization_events()}


def test_whole_day_equals_ground_truth(world, serve, tmp_path, instance):
    sandbox = Sandbox(world, profile("none"))
    with serve(sandbox) as ep:
        result = materialize(resources(ep, tmp_path), instance, DAY)
    assert result.success
    counts = assert_day_matches(world, tmp_path / "catalog.sqlite", DAY)
    assert counts["contratacoes"] > 30 and counts["itens"] > counts["contratacoes"]
    assert 0 < counts["resultados"] < counts["itens"], "items with and without results"
    checks = {(e.asset_key.to_user_string(), e.check_name): e.passed for e in result.get_asset_check_evaluations()}
    tables = ("contratacoes", "contratos", "atas", "itens", "arquivos", "resultados")
    archived = (*tables, "atualizacoes", "itens_updated", "arquivos_updated", "resultados_updated", "sweeps")
    assert checks == {**{(f"raw/{t}", c): True for t in archived
                         for c in ("reconciliation", "payload_drift")},
                      **{(f"raw/{t}", "completeness"): True
                         for t in ("itens", "arquivos", "resultados", "resultados_updated")},
                      **{(f"raw/{t}", "volume"): True for t in ("contratacoes", "contratos", "atas")},
                      **{(f"staging/{t}", c): True for t in tables for c in ("valid_records", "column_schema_change")}}

    meta = _materializations(result)
    raw = meta["raw/contratacoes"]
    for key in ("requests", "records", "payload_bytes", "compressed_bytes", "api_latency_p50_s",
                "api_latency_p95_s", "retries", "rate_limited_429", "preview"):
        assert key in raw, f"raw/contratacoes metadata lacks {key}"
    assert raw["records"].value == counts["contratacoes"]  # the modalidades table archived beside it is not counted
    assert 0 < raw["compressed_bytes"].value < raw["payload_bytes"].value
    by_source = meta["staging/itens"]["rows_by_source"].value
    assert by_source["details"] == counts["itens"], "every item of the day's compras, once"
    assert meta["staging/itens"]["dagster/row_count"].value == sum(by_source.values())
    assert meta["staging/itens"]["rejected_rows"].value == 0

    # raw.api_requests holds every request (once, however many attempts a slow machine made it take), and a
    # payload reads back by its sha256.
    db = tmp_path / "catalog.sqlite"
    archived = query(db, "SELECT DISTINCT regexp_replace(url, '^https?://[^/]+', '') FROM raw.api_requests")
    assert {u for (u,) in archived} == set(sandbox.attempts)
    sha, = query(db, "SELECT payload_sha256 FROM raw.api_requests WHERE endpoint = 'contratos_publicacao'")[0]
    text, = query(db, "SELECT raw.payload(?)", [sha])[0]
    assert hashlib.sha256(text.encode()).hexdigest() == sha

    marts = dict(query(db, "SELECT table_name, estimated_size FROM duckdb_tables() WHERE schema_name = 'marts'"))
    assert set(marts) == {"daily_spend", "price_evidence", "item_price_references", "supplier_profiles",
                          "buyer_profiles"}
    # one resultados request per item that says it has a result, and none for the others
    with_result = {(c["numeroControlePNCP"], i["numeroItem"]) for c in world.published("contratacoes", DAY)
                   for i in world.itens(c) if i["temResultado"]}
    asked = {tuple(r) for r in query(db, "SELECT context->>'$.compra', CAST(context->>'$.item' AS INT) "
                                         "FROM raw.api_requests WHERE raw_table = 'resultados'")}
    assert asked == with_result
    spent, = query(db, "SELECT sum(contratacoes) FROM marts.daily_spend WHERE data = ?", [DAY])[0]
    assert spent == counts["contratacoes"]


def test_rematerializing_replaces_the_partition(world, serve, tmp_path, instance):
    with serve(Sandbox(world, profile("none"))) as ep:
        res = resources(ep, tmp_path)
        assert materialize(res, instance, DAY).success
        before = query(tmp_path / "catalog.sqlite", "SELECT count(*) FROM raw.api_requests")[0][0]
        again = materialize(res, instance, DAY)
        assert again.success
    columns = {e.asset_key.to_user_string(): e for e in again.get_asset_check_evaluations()
               if e.check_name == "column_schema_change"}
    assert set(columns) == {f"staging/{t}" for t in ("contratacoes", "contratos", "atas", "itens", "arquivos",
                                                     "resultados")}
    assert all(e.passed for e in columns.values()), "the same code must not report column drift"
    assert not any("fewer than 2" in (e.description or "") for e in columns.values()), "the second run compares"
    db = tmp_path / "catalog.sqlite"
    assert_day_matches(world, db, DAY)
    assert query(db, "SELECT count(*) FROM raw.api_requests")[0][0] == before
    assert query(db, "SELECT count(*) - count(DISTINCT (raw_table, request_id)) FROM raw.api_requests")[0][0] == 0
    assert {t for t, in query(db, "SELECT DISTINCT raw_table FROM raw.api_requests")} == {
        "contratacoes", "contratos", "atas", "itens", "arquivos", "resultados", "atualizacoes", "itens_updated",
        "arquivos_updated", "resultados_updated", "sweeps"}
    lake = Lake(str(tmp_path / "lake"))
    assert lake.days("raw/itens") == [DAY]
    assert not lake.store.list("_pending/")


def test_whole_day_with_faults(world, serve, tmp_path, instance):
    sandbox = Sandbox(world, profile("flaky", 0.01))
    with serve(sandbox) as ep:
        result = materialize(resources(ep, tmp_path), instance, DAY)
    assert result.success
    assert_day_matches(world, tmp_path / "catalog.sqlite", DAY)
    errors = sum(n for (api, status), n in sandbox.stats.requests.items() if status >= 400)
    assert errors > 0, "the fault profile never fired"
    meta = _materializations(result)
    assert sum(meta[k]["retries"].value for k in ("raw/contratacoes", "raw/itens", "raw/arquivos")) > 0
