"""Writers of the lakehouse: runs of different days write staging, CDC and marts at once (two processes, on a
SQLite catalog and on PostgreSQL) and both are exact; a commit another writer's conflicting commit refused applies
nothing and its step runs again; a day's replacement and its rejects land together or not at all."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import uuid
from datetime import date, timedelta
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import pytest

from baliza_assets.defs.marts import sql
from baliza_assets.defs.resources import LakeResource, WarehouseResource
from baliza_assets.defs.wiring import resources_for
from baliza_assets.lib import warehouse
from baliza_assets.lib.cdc.targets import TARGETS
from baliza_assets.lib.frames import DayFrames
from baliza_assets.lib.lake import Lake
from baliza_assets.settings import Settings
from baliza_sandbox import Sandbox, profile

from .conftest import DAY
from .pgserver import database_of_its_own, postgres
from .pipeline import assert_day_matches, query
from .test_assets_parallel import LOCAL_INSTANCE, assert_pools_held, released_together

pytestmark = pytest.mark.e2e

DAYS = [DAY, DAY + timedelta(days=1)]
BIN = Path(sys.executable).parent
CDC_POOLS = [f"cdc_{e}" for e in TARGETS]
HOLDER = "test-holds-the-captures"  # the run id of claims that no run makes, one step per pool


@pytest.fixture(params=["sqlite", "postgres"])
def catalog(request, tmp_path):
    """The warehouse's catalog: the embedded default, or a database and role of its own on PostgreSQL."""
    if request.param == "sqlite":
        yield str(tmp_path / "catalog.sqlite")
        return
    with postgres(f"pg-{uuid.uuid4().hex[:8]}") as pg:
        yield database_of_its_own(pg, "baliza_catalog", f"cat-{uuid.uuid4().hex[:8]}")


def _materialize(env: dict, selection: str, partition: list[str], log: Path) -> subprocess.Popen:
    return subprocess.Popen([str(BIN / "dagster"), "asset", "materialize", "-m", "baliza_assets.definitions",
                             "--select", selection, *partition], env=env, stdout=subprocess.DEVNULL,
                            stderr=log.open("w"))


def _digest(catalog: str, select: str, params=None) -> tuple[int, str]:
    return query(catalog, f"SELECT count(*), md5(coalesce(string_agg(t::VARCHAR, chr(10) ORDER BY t::VARCHAR), '')) "
                          f"FROM ({select}) t", params)[0]


def test_two_runs_of_different_days_write_at_once_and_both_are_exact(world, serve, tmp_path, catalog):
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(LOCAL_INSTANCE, home / "dagster.yaml")
    with dg.DagsterInstance.from_config(str(home)) as instance, serve(Sandbox(world, profile("none"))) as ep:
        env = {**os.environ, "DAGSTER_HOME": str(home), "PNCP_CONSULTA_URL": ep.consulta, "PNCP_DETAIL_URL": ep.detail,
               "BALIZA_LAKE": str(tmp_path / "lake"), "BALIZA_CATALOG": catalog}
        env.pop("PNCP_TIME_SCALE", None)
        # Both days archived first, so the two runs below do nothing but write the warehouse.
        fetch = _materialize(env, "group:raw", ["--partition-range", f"{DAYS[0]}...{DAYS[1]}"], tmp_path / "raw.log")
        assert fetch.wait(timeout=1800) == 0, (tmp_path / "raw.log").read_text()[-3000:]
        # Every capture pool's slot is held until both runs wait for one: their captures and marts then run at
        # the same time, whatever the speed of the machine.
        storage = instance.event_log_storage
        for pool in CDC_POOLS:
            storage.initialize_concurrency_limit_to_default(pool)
            assert storage.claim_concurrency_slot(pool, HOLDER, f"hold-{pool}").is_claimed
        logs = [tmp_path / f"run-{d}.log" for d in DAYS]
        procs = [_materialize(env, "group:staging or group:cdc or group:marts", ["--partition", str(d)], log)
                 for d, log in zip(DAYS, logs)]
        runs = released_together(instance, procs, logs, "Step blocked by limit for pool cdc_",
                                 lambda: [storage.free_concurrency_slot_for_step(HOLDER, f"hold-{pool}")
                                          for pool in CDC_POOLS])
        for p, log in zip(procs, logs):
            assert p.returncode == 0, log.read_text()[-3000:]
        assert {r.tags["dagster/partition"] for r in runs} == {str(d) for d in DAYS}
        assert_pools_held(instance, [r.run_id for r in runs], pools=set(CDC_POOLS))

    # Staging: each day exactly the sandbox's records.
    for d in DAYS:
        assert_day_matches(world, catalog, d)
    for entity, target in TARGETS.items():
        key = ", ".join(target.key)
        # One current version per record, each record first seen (inserted) once, whatever run saw it first...
        assert query(catalog, f"SELECT {key} FROM cdc.{entity}_history WHERE valid_to IS NULL GROUP BY ALL "
                              "HAVING count(*) > 1") == [], entity
        assert query(catalog, f"SELECT {key} FROM cdc.{entity}_changes WHERE op = 'I' GROUP BY ALL "
                              "HAVING count(*) > 1") == [], entity
        # ...every record staged on either day is current...
        assert query(catalog, f"SELECT {key} FROM staging.{entity} EXCEPT SELECT {key} FROM cdc.{entity}_current"
                     ) == [], entity
        # ...and every capture is registered with the changes it recorded.
        registered = query(catalog, "SELECT sum(inserts + updates + deletes) FROM cdc.snapshots WHERE entity = ?",
                           [entity])
        assert registered == query(catalog, f"SELECT count(*) FROM cdc.{entity}_changes") != [(0,)], entity
    # Marts: what their SQL gives over the final warehouse (the later rebuild saw everything committed).
    params = {"first": DAYS[0], "last": DAYS[1]}
    assert _digest(catalog, "SELECT * FROM marts.daily_spend WHERE data BETWEEN $first AND $last", params) == \
        _digest(catalog, sql.DAILY_SPEND, params)
    assert query(catalog, "SELECT DISTINCT data FROM marts.daily_spend ORDER BY 1") == [(d,) for d in DAYS]
    for name, select in (("price_evidence", sql.PRICE_EVIDENCE), ("item_price_references", sql.ITEM_PRICE_REFERENCES),
                         ("supplier_profiles", sql.SUPPLIER_PROFILES), ("buyer_profiles", sql.BUYER_PROFILES)):
        made, fresh = _digest(catalog, f"SELECT * FROM marts.{name}"), _digest(catalog, select)
        assert made == fresh and made[0] > 0, name


@pytest.fixture
def pg_catalog(tmp_path):
    with postgres(f"pg-{uuid.uuid4().hex[:8]}") as pg:
        yield database_of_its_own(pg, "baliza_catalog", f"cat-{uuid.uuid4().hex[:8]}")


def _rows(day: date, n: int, tag: str) -> pl.LazyFrame:
    return pl.DataFrame({"partition_date": [day] * n, "k": list(range(n)), "tag": [tag] * n}).lazy()


def test_a_conflicting_commit_applies_nothing_and_is_raised(tmp_path, pg_catalog):
    """Two writers replace rows of one table at once: the later commit is refused whole (none of its days), and
    the error says another writer changed the warehouse first."""
    lake = Lake(str(tmp_path / "lake"))
    with warehouse.connect(pg_catalog, lake) as con, warehouse.transaction(con):
        warehouse.replace_days(con, "staging.t", DayFrames({DAY: _rows(DAY, 5, "old"), DAYS[1]: _rows(DAYS[1], 5, "old")}))
    with warehouse.connect(pg_catalog, lake) as first, warehouse.connect(pg_catalog, lake) as second:
        first.execute("BEGIN TRANSACTION")
        warehouse.replace_days(first, "staging.t", DayFrames({DAY: _rows(DAY, 7, "first")}))
        with warehouse.transaction(second):
            warehouse.replace_days(second, "staging.t", DayFrames({DAYS[1]: _rows(DAYS[1], 3, "second")}))
        with pytest.raises(Exception) as refused:
            first.execute("COMMIT")
        assert warehouse.is_conflict(refused.value), refused.value
    assert query(pg_catalog, "SELECT partition_date, tag, count(*) FROM staging.t GROUP BY ALL ORDER BY ALL") == [
        (DAY, "old", 5), (DAYS[1], "second", 3)]


def test_a_table_another_writer_created_after_this_one_looked_is_a_conflict(tmp_path, pg_catalog):
    """Two runs' first day: both find no staging table, one creates it, and the other's creation is refused;
    it is raised as a conflict (the step runs again from a fresh snapshot and finds the table)."""
    lake = Lake(str(tmp_path / "lake"))
    with warehouse.connect(pg_catalog, lake) as first, warehouse.connect(pg_catalog, lake) as second:
        first.execute("CREATE SCHEMA IF NOT EXISTS staging")
        assert first.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'made_twice'").fetchone() == (0,)
        second.execute("CREATE TABLE staging.made_twice (k INTEGER)")
        with pytest.raises(duckdb.Error) as refused:
            first.execute("CREATE TABLE staging.made_twice (k INTEGER)")
        assert warehouse.is_conflict(refused.value), refused.value
    with pytest.raises(warehouse.WriteConflict, match="another writer changed the warehouse first"):
        with warehouse.connect(pg_catalog, lake) as con:
            con.execute("CREATE TABLE staging.made_twice (k INTEGER)")


def test_a_step_whose_commit_conflicts_runs_again_and_lands_once(tmp_path, pg_catalog):
    """On PostgreSQL, a step's commit that another writer's refused asks Dagster to run the step again, from a
    fresh snapshot: the second attempt commits, and the table holds both writers' rows, the step's once."""
    lake = LakeResource(location=str(tmp_path / "lake"))
    with warehouse.connect(pg_catalog, lake.lake()) as con, warehouse.transaction(con):
        warehouse.replace_days(con, "staging.t", DayFrames({DAY: _rows(DAY, 5, "old"), DAYS[1]: _rows(DAYS[1], 5, "old")}))
    attempts = []

    @dg.asset(partitions_def=dg.DailyPartitionsDefinition("2025-07-01"))
    def replaces_a_day(context, warehouse_: WarehouseResource) -> None:
        attempts.append(context.retry_number)
        with warehouse_.connect(atomic=True) as con:
            warehouse.replace_days(con, "staging.t", DayFrames({DAY: _rows(DAY, 7, "step")}))
            if context.retry_number == 0:  # another run replaces its own day meanwhile, and commits first
                other = threading.Thread(target=_replace_other_day, args=(pg_catalog, lake.lake()))
                other.start()
                other.join()

    with dg.instance_for_test() as instance:
        result = dg.materialize([replaces_a_day], partition_key=str(DAY), instance=instance, resources={
            "warehouse_": resources_for(Settings(catalog=pg_catalog, lake_location=lake.location))["warehouse"]})
        assert result.success
        retried = [e for e in result.all_events if e.event_type == dg.DagsterEventType.STEP_UP_FOR_RETRY]
        assert len(retried) == 1 and "another writer changed the warehouse first" in str(
            retried[0].event_specific_data.error), retried
    assert attempts == [0, 1]
    assert query(pg_catalog, "SELECT partition_date, tag, count(*) FROM staging.t GROUP BY ALL ORDER BY ALL") == [
        (DAY, "step", 7), (DAYS[1], "other", 2)]


def _replace_other_day(catalog: str, lake: Lake) -> None:
    with warehouse.connect(catalog, lake) as con, warehouse.transaction(con):
        warehouse.replace_days(con, "staging.t", DayFrames({DAYS[1]: _rows(DAYS[1], 2, "other")}))


def test_a_day_and_its_rejects_land_together_or_not_at_all(tmp_path):
    """The staging step writes its days and their rejects in one transaction: a failure after the days were
    replaced leaves the warehouse as it was, the old day and its rejects whole."""
    res = resources_for(Settings(catalog=str(tmp_path / "catalog.sqlite"), lake_location=str(tmp_path / "l")))["warehouse"]
    with res.connect(atomic=True) as con:
        warehouse.replace_days(con, "staging.t", DayFrames({DAY: _rows(DAY, 4, "old")}))
        con.execute("CREATE TABLE staging.rejects AS SELECT 't' AS entity, DATE '2025-07-10' AS partition_date")
    with pytest.raises(RuntimeError, match="the rejects could not be written"), res.connect(atomic=True) as con:
        warehouse.replace_days(con, "staging.t", DayFrames({DAY: _rows(DAY, 9, "new")}))
        con.execute("DELETE FROM staging.rejects")
        raise RuntimeError("the rejects could not be written")
    catalog = str(tmp_path / "catalog.sqlite")
    assert query(catalog, "SELECT tag, count(*) FROM staging.t GROUP BY 1") == [("old", 4)]
    assert query(catalog, "SELECT count(*) FROM staging.rejects") == [(1,)]


def test_two_captures_of_one_entity_at_once_would_both_record_it_first(tmp_path, pg_catalog):
    """Why the captures of an entity take turns (a pool per entity): two transactions that read the current
    versions, then insert the same new one, both commit, as DuckLake sees no conflict between two inserts."""
    lake = Lake(str(tmp_path / "lake"))
    with warehouse.connect(pg_catalog, lake) as con:
        con.execute("CREATE SCHEMA cdc")
        con.execute("CREATE TABLE cdc.x_history (k VARCHAR, valid_to TIMESTAMP)")
    with warehouse.connect(pg_catalog, lake) as a, warehouse.connect(pg_catalog, lake) as b:
        for con in (a, b):
            con.execute("BEGIN TRANSACTION")
            assert con.execute("SELECT count(*) FROM cdc.x_history WHERE k = 'K' AND valid_to IS NULL").fetchone() == (0,)
        for con in (a, b):
            con.execute("INSERT INTO cdc.x_history VALUES ('K', NULL)")
            con.execute("COMMIT")
    assert query(pg_catalog, "SELECT count(*) FROM cdc.x_history WHERE k = 'K' AND valid_to IS NULL") == [(2,)]
