"""A fresh warehouse where only part of the CDC is captured: the automation rebuilds the marts that read
it, and every such rebuild succeeds, reading what is not captured yet as empty."""

from __future__ import annotations

import dagster as dg
import pytest

from baliza_assets.definitions import defs
from baliza_sandbox import Sandbox, profile

from .conftest import DAY
from .pipeline import materialize, query, resources

pytestmark = pytest.mark.e2e

CAPTURED = ["raw/contratacoes", "raw/contratos", "staging/contratacoes", "staging/contratos", "cdc/contratacoes",
            "cdc/contratos"]
MARTS = ["marts/buyer_profiles", "marts/item_price_references", "marts/price_evidence", "marts/supplier_profiles"]


def test_marts_rebuilt_on_a_fresh_warehouse_with_part_of_the_cdc_succeed(world, serve, tmp_path, instance):
    automated = dg.AssetSelection.assets(*[dg.AssetKey.from_user_string(k) for k in MARTS])
    first = dg.evaluate_automation_conditions(defs=defs, instance=instance, asset_selection=automated)
    assert first.total_requested == 0, "nothing to rebuild before anything is captured"

    with serve(Sandbox(world, profile("none"))) as ep:
        res = resources(ep, tmp_path)
        captured = dg.AssetSelection.assets(*[dg.AssetKey.from_user_string(k) for k in CAPTURED])
        assert materialize(res, instance, DAY, selection=captured).success
        # Only contratações and contratos are captured: no itens, resultados, arquivos or atas yet.
        db = tmp_path / "catalog.sqlite"
        assert {t for (t,) in query(db, "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'cdc'")} == {
            "contratacoes_history", "contratacoes_changes", "contratacoes_current", "contratacoes_deleted",
            "contratos_history", "contratos_changes", "contratos_current", "contratos_deleted", "snapshots"}

        # The automation asks for every mart that reads them...
        second = dg.evaluate_automation_conditions(defs=defs, instance=instance, asset_selection=automated,
                                                   cursor=first.cursor)
        requested = sorted(k.to_user_string() for k in automated.resolve(defs.resolve_asset_graph())
                           if second.get_num_requested(k))
        assert requested == MARTS
        # ... and each rebuild succeeds, as the automation sensor's run would run it.
        rebuilt = materialize(res, instance, selection=automated, raise_on_error=False)
    failures = [e.message for e in rebuilt.all_events if e.is_step_failure]
    assert rebuilt.success, failures

    contratos = world.published("contratos", DAY)
    suppliers = {c["niFornecedor"] for c in contratos if c.get("niFornecedor")}
    buyers = {c["orgaoEntidade"]["cnpj"] for c in world.published("contratacoes", DAY)}
    assert query(db, "SELECT count(*) FROM marts.supplier_profiles")[0][0] == len(suppliers)
    assert query(db, "SELECT count(*) FROM marts.buyer_profiles")[0][0] == len(buyers)
    # price evidence needs the resultados and itens of the compras: none captured yet, so none
    assert query(db, "SELECT count(*) FROM marts.price_evidence")[0][0] == 0
    assert query(db, "SELECT count(*) FROM marts.item_price_references")[0][0] == 0
    meta = {e.asset_key.to_user_string(): e.step_materialization_data.materialization.metadata
            for e in rebuilt.get_asset_materialization_events()}
    assert meta["marts/price_evidence"]["inputs_not_captured"].value == "cdc.resultados_current, cdc.itens_current"
    assert meta["marts/buyer_profiles"]["inputs_not_captured"].value == "none"
