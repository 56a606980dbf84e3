"""`baliza verify` reads what the event log recorded: a partition's materialization even when Dagster's
asset status cache lost it, and every blocking check that failed on a day, whatever its name."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import dagster as dg
import pytest
from dagster._core.loader import LoadingContextForTest
from dagster._core.storage.event_log.base import AssetRecord
from dagster._core.storage.partition_status_cache import get_and_update_asset_status_cache_value

from baliza_assets.cli import verify
from baliza_assets.defs.partitions import daily
from baliza_sandbox import Sandbox, World
from baliza_sandbox.faults import Faults
from baliza_sandbox.world import DEFAULT_DRIFT, DriftRule

from .conftest import DAY, NOW
from .pipeline import materialize, resources

pytestmark = pytest.mark.e2e

ITENS = dg.AssetKey(["cdc", "itens"])


@dg.asset(key=ITENS, partitions_def=daily)
def _capture() -> dg.MaterializeResult:
    return dg.MaterializeResult()


@dg.asset(key=ITENS, partitions_def=daily)
def _broken_capture() -> dg.MaterializeResult:
    raise dg.Failure("refused")


def test_a_materialization_the_status_cache_lost_is_still_materialized():
    """The automation sensor loads every asset record when an evaluation starts and updates each asset's
    status cache later in it. A day captured in between, followed by a refresh run planned for another
    day, leaves a cache whose cursor is past that capture: Dagster's partition status then says the day
    was never materialized, for good. verify reads the event log."""
    earlier, harvested, refreshed, refused = "2026-11-20", "2026-12-01", "2026-11-30", "2026-11-25"
    refresh = dg.Definitions(assets=[_capture], jobs=[dg.define_asset_job("refresh", [ITENS], partitions_def=daily)])
    with dg.instance_for_test() as instance:
        assert dg.materialize([_capture], partition_key=earlier, instance=instance).success
        instance.get_status_by_partition(ITENS, [earlier], daily)  # the cache, as any reader writes it
        evaluation = LoadingContextForTest(instance)
        AssetRecord.blocking_get(evaluation, ITENS)  # an evaluation starts: asset records loaded
        assert dg.materialize([_capture], partition_key=harvested, instance=instance).success  # the harvest
        instance.create_run_for_job(refresh.get_job_def("refresh"), tags={"dagster/partition": refreshed},
                                    asset_selection=frozenset([ITENS]))  # a refresh run, planned
        get_and_update_asset_status_cache_value(instance, ITENS, daily, loading_context=evaluation)
        assert not dg.materialize([_broken_capture], partition_key=refused, instance=instance,
                                  raise_on_error=False).success

        recorded = instance.fetch_materializations(
            dg.AssetRecordsFilter(asset_key=ITENS, asset_partitions=[harvested]), limit=1).records
        assert [r.partition_key for r in recorded] == [harvested]
        assert instance.get_status_by_partition(ITENS, [harvested], daily)[harvested] is None, (
            "Dagster's status cache no longer loses this materialization: the premise of this test is gone")
        found = {(p.day, p.kind) for p in verify.verify(instance, date(2026, 11, 20), date(2026, 12, 1),
                                                        keys=[ITENS])}
    days = {(date(2026, 11, 20) + timedelta(days=i)).isoformat() for i in range(12)}
    never = days - {earlier, harvested, refreshed, refused}
    assert found == {(refreshed, "in progress"), (refused, "failed")} | {(d, "missing") for d in never}


def test_every_blocking_check_that_failed_is_named(serve, tmp_path):
    """Three days of contratos: one clean; one with a page gone (reconciliation fails) and a field added
    (payload_drift warns, which blocks nothing); one with a field retyped (payload_drift fails)."""
    d1, d2, d3 = DAY - timedelta(days=2), DAY - timedelta(days=1), DAY
    raw, staging = dg.AssetKey(["raw", "contratos"]), dg.AssetKey(["staging", "contratos"])
    checks = verify.blocking_checks()
    assert {c.name for c in checks[raw]} >= {"reconciliation", "payload_drift"}
    assert checks[staging] == [dg.AssetCheckKey(staging, "valid_records")], "column_schema_change does not block"

    drift = (*DEFAULT_DRIFT, DriftRule("contratos", "valorEmendaPix", d2, "add", 12.5),
             DriftRule("contratos", "valorGlobal", d3, "retype", str))
    world = World(seed=7, volume=replace(World(seed=7, volume="small").volume, contratos=1200), now=NOW,
                  drift=drift)  # 3 pages a day
    sandbox = Sandbox(world, Faults())
    sandbox.dropped.add(f"/api/consulta/v1/contratos?dataInicial={d2:%Y%m%d}&dataFinal={d2:%Y%m%d}&pagina=2"
                        "&tamanhoPagina=500")
    selection = dg.AssetSelection.assets(raw, staging) | dg.AssetSelection.checks(
        dg.AssetCheckKey(raw, "reconciliation"), dg.AssetCheckKey(raw, "payload_drift"))
    with dg.instance_for_test() as instance, serve(sandbox) as ep:
        runs = {day: materialize(resources(ep, tmp_path), instance, day, selection=selection, raise_on_error=False)
                for day in (d1, d2, d3)}
        (warned,) = [e for e in runs[d2].get_asset_check_evaluations() if e.check_name == "payload_drift"]
        found = {(p.day, p.asset, p.kind) for p in verify.verify(instance, d1, d3, keys=[raw, staging])}
    assert not warned.passed and warned.severity == dg.AssetCheckSeverity.WARN
    assert found == {
        (str(d2), "raw/contratos", "reconciliation failed"), (str(d2), "staging/contratos", "failed"),
        (str(d3), "raw/contratos", "payload_drift failed"), (str(d3), "staging/contratos", "failed"),
    }
