"""The warehouse's upkeep: after days of writes it leaves fewer files, every snapshot reads what it read (a
citation made before it gives the same rows after it), and it expires snapshots only with a retention."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import dagster as dg
import duckdb
import pytest

from baliza_assets.defs.upkeep import upkeep as upkeep_asset
from baliza_assets.lib import warehouse
from baliza_assets.lib.warehouse.upkeep import upkeep
from baliza_assets.settings import Settings
from baliza_sandbox import Sandbox, World
from baliza_sandbox.server import running

from .pipeline import CATALOG, materialize, query, resources
from .test_cdc_steady import BUSY, DAILY, FIRST, morning

pytestmark = pytest.mark.e2e

PRICES = dg.AssetSelection.assets(["marts", "price_evidence"])
CITED = ("SELECT numero_controle_pncp_compra, numero_item, valor_unitario_homologado, fornecedor_ni, payload_sha256 "
         "FROM marts.price_evidence ORDER BY ALL")
HISTORY = "SELECT * FROM cdc.contratacoes_history ORDER BY ALL"


def _digests(catalog: str, as_of: warehouse.AsOf | None = None) -> dict[str, tuple]:
    """Every table's row count and a digest of its rows, as the warehouse reads them (now, or at a snapshot)."""
    with warehouse.connect(catalog, read_only=True, as_of=as_of) as con:
        names = con.execute("SELECT schema_name || '.' || table_name FROM duckdb_tables() WHERE database_name = ? "
                            "ORDER BY 1", [warehouse.NAME]).fetchall()
        return {t: con.execute(f"SELECT count(*), md5(coalesce(string_agg(x::VARCHAR, '|' ORDER BY x::VARCHAR), '')) "
                               f"FROM {t} x").fetchone() for (t,) in names}


def test_upkeep_merges_and_cleans_and_every_snapshot_reads_what_it_read(tmp_path, monkeypatch):
    # This little world's days write tens of rows per table, where a real day writes thousands: inserts of more
    # than DuckLake's default 10 rows become files of their own, as a real day's do beyond 100
    monkeypatch.setattr(warehouse.connection, "INLINING_ROWS", 10)
    world = World(seed=11, volume=BUSY, now=morning(FIRST), first_day=FIRST)
    catalog = str(tmp_path / CATALOG)
    with dg.instance_for_test() as instance, running(Sandbox(world)) as ep:
        res = resources(ep, tmp_path)
        for n in range(4):  # four days of the daily work, the price evidence after the second and the fourth
            day = FIRST + timedelta(days=n)
            world.set_now(morning(day))
            assert materialize(res, instance, day, selection=DAILY).success
            if n in (1, 3):
                assert materialize(res, instance, selection=PRICES).success
            if n == 1:
                cited = warehouse.AsOf(version=query(catalog, "SELECT id FROM current_snapshot()")[0][0])
                cited_rows, cited_history = query(catalog, CITED), query(catalog, HISTORY)
                assert cited_rows and cited_history
        snapshots = {s for (s,) in query(catalog, "SELECT snapshot_id FROM baliza.snapshots()")}
        tables = _digests(catalog)
        held = warehouse.connect(catalog, read_only=True)  # a read transaction held open across the upkeep
        reader = held.__enter__()
        reader.execute("BEGIN TRANSACTION")
        before_upkeep = reader.execute(HISTORY).fetchall()
        first = dg.materialize([upkeep_asset], instance=instance, resources={"warehouse": res["warehouse"]})
        assert reader.execute(HISTORY).fetchall() == before_upkeep
        reader.execute("COMMIT")
        held.__exit__(None, None, None)
    assert first.success
    meta = {k: v.value for k, v in first.get_asset_materialization_events()[0].materialization.metadata.items()}
    assert meta["current_files_after"] < meta["current_files_before"], meta
    assert meta["files_merged"] > meta["files_created"] > 0 and meta["files_cleaned"] == 0, meta
    # tables laid out after their first rows were inlined: no flush, which would fail the held read
    assert meta["rows_flushed"] == 0 and meta["tables_left_inlined"] > 0, meta
    assert meta["snapshots_expired"] == meta["orphans_deleted"] == 0, meta
    # the files merged away are deleted by a later day's upkeep
    lake = Settings(lake_location=str(tmp_path / "lake")).lake()
    with warehouse.connect(catalog, lake) as con:
        later = upkeep(con, lake, now=datetime(2999, 1, 1, tzinfo=timezone.utc))
    stored = [p for p in (tmp_path / "lake" / "warehouse").rglob("*") if p.is_file()]
    assert later.after.files == len(stored) and later.after.bytes == sum(p.stat().st_size for p in stored)
    assert later.after.files < meta["files_before"] and later.after.bytes < meta["bytes_before"], (meta, later)
    assert later.files_cleaned > 0 and later.files_merged == later.snapshots_expired == 0, later
    assert meta["retention_days"] == "keep every snapshot"
    # Nothing changed for a reader (this process's, which attached the warehouse before the upkeep, as a notebook
    # would): now, and as of a snapshot cited before the upkeep, after two more days
    assert _digests(catalog) == tables
    assert query(catalog, CITED, as_of=cited) == cited_rows and query(catalog, HISTORY, as_of=cited) == cited_history
    assert query(catalog, CITED) != cited_rows, "the days after the citation changed the price evidence"
    assert snapshots < {s for (s,) in query(catalog, "SELECT snapshot_id FROM baliza.snapshots()")}, "none expired"

    # A retention expires the snapshots older than it (counted from the ``now`` given), and only then; the inlined
    # rows are flushed when asked (this process's DuckDB, attached before, reads the catalog afresh)
    kept = query(catalog, "SELECT count(*) FROM baliza.snapshots()")[0][0]
    with warehouse.connect(catalog, lake) as con:
        done = upkeep(con, lake, now=datetime(2999, 1, 1, tzinfo=timezone.utc), retention=timedelta(days=30),
                      cleanup_after=timedelta(0), flush_older=True)
    assert done.snapshots == 1 and done.snapshots_expired >= kept - 1, done
    assert done.rows_flushed > 0 and done.tables_left_inlined == 0, done
    assert done.after.files == done.after.current_files, "only the current snapshot's files are left"
    assert _digests(catalog) == tables
    with pytest.raises((warehouse.CatalogError, duckdb.Error), match=str(cited.version)):
        query(catalog, CITED, as_of=cited)

