"""CDC assets: each staging partition, once materialized, is captured as a snapshot and compared with
the last one (change log and SCD2 history in DuckDB, full load and change sets in the lake)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import dagster as dg

from ...lib import capture as C
from ...lib.cdc import SuspiciousSnapshot
from ..automation import FOLLOWS_UPSTREAM_PARTITION
from ..partitions import FRESHNESS, RANGE_IN_ONE_RUN, daily, window_days
from ..resources import LakeResource, WarehouseResource

BRASILIA = ZoneInfo("America/Sao_Paulo")


class CaptureConfig(dg.Config):
    max_delete_share: float = 0.2
    """Refuse a snapshot that would delete more than this share of the partition's records..."""
    tolerated_deletes: int = 10
    """...beyond this many: a small partition losing a few records is normal."""


def snapshot_of(instance: dg.DagsterInstance, key: dg.AssetKey, partition: str) -> tuple[str, datetime]:
    """The staging materialization a capture reads: its id (time and run) and when it happened."""
    records = instance.fetch_materializations(dg.AssetRecordsFilter(asset_key=key, asset_partitions=[partition]),
                                              limit=1).records
    if not records:
        raise dg.Failure(f"{key.to_user_string()} {partition} was never materialized in this Dagster instance; "
                         "materialize it before capturing its changes")
    at = datetime.fromtimestamp(records[0].timestamp, BRASILIA).replace(tzinfo=None)  # as PNCP stamps times
    return f"{at:%Y%m%d-%H%M%S}-{records[0].run_id[:8]}", at


def _capture_asset(name: str):
    staging_key = dg.AssetKey(["staging", name])
    target = C.TARGETS[name]
    scope = ("a record missing from a refreshed partition is a deletion (tombstone)" if target.whole_partition
             else "records are compared key by key with their current version (deletions cannot be seen)")

    @dg.asset(
        key=["cdc", name],
        description=f"Changes of staging.{name}, captured each time a partition is materialized: "
                    f"cdc.{name}_changes (key, op I/U/D, cdc_at, the two snapshots, the columns that changed with "
                    f"old and new values), cdc.{name}_history (SCD2: valid_from/valid_to) and cdc.snapshots; "
                    f"in the lake, cdc/{name}/full (first capture) and cdc/{name}/changes (one file per later "
                    f"snapshot). {scope[0].upper() + scope[1:]}.",
        group_name="cdc",
        partitions_def=daily,
        deps=[staging_key],
        pool="duckdb_writer",
        backfill_policy=RANGE_IN_ONE_RUN,
        kinds={"polars", "duckdb", "parquet"},
        automation_condition=FOLLOWS_UPSTREAM_PARTITION,
        freshness_policy=FRESHNESS["cdc"],
    )
    def _asset(context: dg.AssetExecutionContext, config: CaptureConfig, warehouse: WarehouseResource,
               lake: LakeResource) -> dg.MaterializeResult:
        store = lake.lake()
        totals = {"I": 0, "U": 0, "D": 0}
        kinds, refused, lake_files = {}, [], []
        for day in window_days(context.partition_time_window):
            snapshot, at = snapshot_of(context.instance, staging_key, day.isoformat())
            with warehouse.connect() as con:
                try:
                    cap = C.compute(con, target, day, snapshot, at, config.max_delete_share, config.tolerated_deletes)
                except SuspiciousSnapshot as e:
                    context.log.error(f"cdc/{name} {day}: {e}")
                    refused.append(f"{day}: {e}")
                    continue
                if cap.kind == "full":
                    store.write(f"cdc/{name}/full", day, cap.change_set)
                    lake_files.append(store.uri(f"cdc/{name}/full", day))
                elif cap.kind == "changes" and len(cap.log):
                    part = f"changes-{snapshot}"
                    store.write(f"cdc/{name}/changes", day, cap.change_set, part=part)
                    lake_files.append(store.uri(f"cdc/{name}/changes", day, part))
                C.apply(con, cap, at)  # the lake file first: a failure in between is redone identically
            kinds[cap.kind] = kinds.get(cap.kind, 0) + 1
            for op, n in cap.counts().items():
                totals[op] += n
            context.log.info(f"cdc/{name} {day}: {cap.kind} snapshot {snapshot} ({cap.rows} rows; "
                             f"{cap.counts()} against {cap.previous})")
        if refused:
            raise dg.Failure(f"cdc/{name}: refused {len(refused)} snapshot(s), nothing recorded for them: "
                             + "; ".join(refused), metadata={"refused": len(refused)})
        return dg.MaterializeResult(metadata={
            "inserts": totals["I"], "updates": totals["U"], "deletes": totals["D"],
            "captures": dg.MetadataValue.json(kinds),
            "lake_files": dg.MetadataValue.json(lake_files[:50]),
        })

    return _asset


capture_assets = [_capture_asset(name) for name in C.TARGETS]
