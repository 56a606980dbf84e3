"""The staging checks report per day, as the raw ones do: `valid_records` and `column_schema_change`
are partitioned, and a range run (one step for several days) records each day's own evaluation.
A real Dagster run of staging/contratacoes over hand-made raw partitions in a local lake."""

from __future__ import annotations

from datetime import timedelta

import dagster as dg

from baliza_assets.definitions import ASSETS, CHECKS
from baliza_assets.defs.wiring import resources_for
from baliza_assets.lib import archive
from baliza_assets.lib.lake import Lake
from baliza_assets.settings import Settings

from .conftest import DAY
from .test_staging_build import _contratacao, _row

KEY = dg.AssetKey(["staging", "contratacoes"])
VALID, COLUMNS = dg.AssetCheckKey(KEY, "valid_records"), dg.AssetCheckKey(KEY, "column_schema_change")
SELECTION = dg.AssetSelection.assets(KEY) | dg.AssetSelection.checks(VALID, COLUMNS)
D1, D2 = DAY - timedelta(days=1), DAY


def _raw_day(lake: Lake, day, good: int, bad: int = 0) -> None:
    """A day of raw/contratacoes: ``good`` records that type, ``bad`` whose value cannot be typed."""
    records = [_contratacao(f"00394452000103-1-{day:%m%d}{i:02d}/2025", "2025-07-10T09:00:00") for i in range(good)]
    records += [_contratacao(f"00394452000103-1-{day:%m%d}9{i:01d}/2025", "2025-07-10T09:00:00",
                             valorTotalEstimado="R$ 10,00") for i in range(bad)]
    lake.write("raw/contratacoes", day, archive.frame([_row("contratacoes_publicacao", {"data": records})])
               .with_columns(partition_date=day))


def _resources(tmp_path) -> dict:
    return resources_for(Settings(lake_location=str(tmp_path / "lake"), catalog=str(tmp_path / "catalog.sqlite")))


def _run(tmp_path, instance, first, last=None) -> dg.ExecuteInProcessResult:
    tags = ({"dagster/asset_partition_range_start": str(first), "dagster/asset_partition_range_end": str(last)}
            if last else {})
    return dg.materialize([*ASSETS, *CHECKS], selection=SELECTION, resources=_resources(tmp_path), instance=instance,
                          partition_key=None if last else str(first), tags=tags, raise_on_error=False)


def _latest(instance, check: dg.AssetCheckKey, day) -> str:
    """The status of the check's latest execution for the day, as the UI's partition view reads it."""
    (info,) = instance.event_log_storage.get_asset_check_partition_info([check], partition_keys=[str(day)])
    return info.latest_execution_status.value


def test_a_day_run_records_each_check_on_its_partition(tmp_path, instance):
    _raw_day(Lake(str(tmp_path / "lake")), D2, good=3)
    result = _run(tmp_path, instance, D2)
    assert result.success
    evaluations = {e.check_name: e for e in result.get_asset_check_evaluations()}
    assert set(evaluations) == {"valid_records", "column_schema_change"}
    assert {e.partition for e in evaluations.values()} == {str(D2)}
    assert evaluations["valid_records"].passed and evaluations["valid_records"].blocking
    assert evaluations["valid_records"].target_materialization_data is not None
    assert evaluations["column_schema_change"].passed
    assert "first materialization" in evaluations["column_schema_change"].description
    for check in (VALID, COLUMNS):
        assert _latest(instance, check, D2) == "SUCCEEDED"


def test_a_range_run_gives_each_day_its_own_result(tmp_path, instance):
    """Two days in one step: the clean day passes, the day with half its records rejected fails with
    ERROR (its own share, not the range's) and blocks; nothing is left planned."""
    lake = Lake(str(tmp_path / "lake"))
    _raw_day(lake, D1, good=4)
    _raw_day(lake, D2, good=1, bad=1)
    result = _run(tmp_path, instance, D1, D2)
    assert not result.success, "a blocking check failed with ERROR"
    valid = {e.partition: e for e in result.get_asset_check_evaluations() if e.check_name == "valid_records"}
    assert set(valid) == {str(D1), str(D2)}
    assert valid[str(D1)].passed and valid[str(D1)].metadata["rejected"].value == 0
    failed = valid[str(D2)]
    assert not failed.passed and failed.severity == dg.AssetCheckSeverity.ERROR
    assert failed.metadata["rejected"].value == 1 and failed.description.startswith("1 of 2 records rejected")
    assert _latest(instance, VALID, D1) == "SUCCEEDED"
    assert _latest(instance, VALID, D2) == "FAILED"
    history = instance.event_log_storage.get_asset_check_execution_history(VALID, limit=10)
    assert sorted((r.partition, r.status.value) for r in history) == [(str(D1), "SUCCEEDED"), (str(D2), "FAILED")], (
        "one execution per day, none left planned, none off the partitions")
    # the partition status the UI shows: each day's own status, on that day's latest materialization
    info = {i.partition_key: i for i in instance.event_log_storage.get_asset_check_partition_info([VALID])}
    assert {day: i.latest_execution_status.value for day, i in info.items()} == {str(D1): "SUCCEEDED", str(D2): "FAILED"}
    assert all(i.is_current for i in info.values())


def test_a_range_run_of_the_schema_check_compares_with_the_run_before(tmp_path, instance):
    """A schema recorded before the range run differs from what staging writes: every day of the
    range warns, naming the columns, and the run goes on (the check does not block)."""
    lake = Lake(str(tmp_path / "lake"))
    _raw_day(lake, D1, good=2)
    _raw_day(lake, D2, good=2)
    instance.report_runless_asset_event(dg.AssetMaterialization(
        asset_key=KEY, partition=str(D1 - timedelta(days=1)),
        metadata={"dagster/column_schema": dg.TableSchema(columns=[
            dg.TableColumn("numero_controle_pncp", "String"), dg.TableColumn("coluna_antiga", "Int64")])}))
    result = _run(tmp_path, instance, D1, D2)
    assert result.success
    columns = {e.partition: e for e in result.get_asset_check_evaluations() if e.check_name == "column_schema_change"}
    assert set(columns) == {str(D1), str(D2)}
    for e in columns.values():
        assert not e.passed and e.severity == dg.AssetCheckSeverity.WARN and not e.blocking
        assert "removed columns: coluna_antiga" in e.description and "added columns:" in e.description
    again = _run(tmp_path, instance, D1, D2)
    assert all(e.passed for e in again.get_asset_check_evaluations()), "the same code reports no drift"
    assert _latest(instance, COLUMNS, D2) == "SUCCEEDED"
    history = instance.event_log_storage.get_asset_check_execution_history(COLUMNS, limit=10)
    assert sorted((r.partition, r.status.value) for r in history) == sorted(
        [(str(D1), "FAILED"), (str(D2), "FAILED"), (str(D1), "SUCCEEDED"), (str(D2), "SUCCEEDED")])
