"""The warehouse's upkeep (``lib/warehouse/upkeep.py``): an asset of its own, on a schedule of its own, at 03:00
Brasília, hours before the day's work."""

from datetime import datetime, timedelta, timezone

import dagster as dg

from .partitions import fresh_by
from .resources import WarehouseResource

UPKEEP_CRON = "0 3 * * *"
KEY = ["warehouse", "upkeep"]


class UpkeepConfig(dg.Config):
    cleanup_after_hours: float = 1.0
    """Files merged away (or read only by expired snapshots) are deleted once they were scheduled for deletion
    this long ago, counted in whole UTC days (the next day's upkeep deletes what a day's merged away): a reader's
    transaction that began before the merge may still be reading them."""
    orphans_after_days: float = 7.0
    """Files under the warehouse's data path that no snapshot references are deleted once this old: a writer's
    transaction still open has written files no snapshot references yet."""
    flush_older_inlined: bool = False
    """Flush the rows inlined in the catalog even while some table holds rows inlined under an earlier version of
    its columns (otherwise they all stay in the catalog, readable): that flush makes DuckLake drop the catalog's
    tables of those rows, and a read transaction held open across it fails."""


@dg.asset(key=KEY, group_name="warehouse", pool="warehouse_upkeep", kinds={"duckdb"},
          freshness_policy=fresh_by(5))
def upkeep(context: dg.AssetExecutionContext, config: UpkeepConfig, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """The warehouse kept in few large files: rows kept in the catalog (data inlining) are written to Parquet,
    files mostly deleted are written again without their deleted rows, adjacent small files of each table and
    partition are merged (every snapshot still reads the same rows), and
    the files no snapshot references any more are deleted. Snapshots are never expired unless the operator sets
    a retention (BALIZA_SNAPSHOT_RETENTION_DAYS): by default every snapshot a citation may name stays readable.
    The metadata counts the data files and bytes in storage, and the files the current snapshot reads, before
    and after."""
    from ..lib.warehouse.upkeep import upkeep as keep

    days = warehouse.snapshot_retention_days
    with warehouse.connect() as con:
        done = keep(con, warehouse.lake.lake(), datetime.now(timezone.utc),
                    retention=timedelta(days=days) if days else None,
                    cleanup_after=timedelta(hours=config.cleanup_after_hours),
                    orphans_after=timedelta(days=config.orphans_after_days),
                    flush_older=config.flush_older_inlined)
    if done.tables_left_inlined:
        context.log.info(f"warehouse/upkeep: the rows inlined in {done.tables_left_inlined} tables stay in the catalog: "
                         "some hold rows inlined under an earlier version of their columns, and flushing them would "
                         "fail a read transaction held open across it (run config flush_older_inlined: true flushes "
                         "them)")
    context.log.info(f"warehouse/upkeep: {done.before.files} files ({done.before.bytes:,} bytes) -> "
                     f"{done.after.files} files ({done.after.bytes:,} bytes); {done.rows_flushed} inlined rows "
                     f"flushed, {done.files_rewritten} rewritten, {done.files_merged} merged into {done.files_created}, "
                     f"{done.snapshots_expired} snapshots expired, {done.files_cleaned + done.orphans_deleted} "
                     f"files deleted")
    return dg.MaterializeResult(metadata={**done.metadata(), "retention_days": days or "keep every snapshot"})


def upkeep_schedule(running: bool) -> dg.ScheduleDefinition:
    """Every day at 03:00 Brasília; running from the start only when ``running`` (BALIZA_ENV=production)."""
    return dg.ScheduleDefinition(
        name="warehouse_upkeep", cron_schedule=UPKEEP_CRON, execution_timezone="America/Sao_Paulo",
        target=dg.AssetSelection.assets(KEY),
        default_status=dg.DefaultScheduleStatus.RUNNING if running else dg.DefaultScheduleStatus.STOPPED,
        tags={"baliza/trigger": "warehouse_upkeep"},
        description="Every day at 03:00 Brasília, before the day's work: the warehouse's upkeep (warehouse/upkeep).")


def definitions() -> dg.Definitions:
    return dg.Definitions(assets=[upkeep])
