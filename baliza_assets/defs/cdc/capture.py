"""CDC assets: every record a partition's archived pages show (publication listing, update feed,
sweep, details) is a version of it; what is newer than the recorded version becomes the change log,
the SCD2 history and the lake's change sets."""

from datetime import datetime

import dagster as dg

from ...lib import capture as C
from ...lib.observe import SOURCES, observations
from ..automation import FOLLOWS_UPSTREAM_PARTITION
from ..partitions import FRESHNESS, RANGE_IN_ONE_RUN, daily, window_days
from ..resources import LakeResource, WarehouseResource


class CaptureConfig(dg.Config):
    max_delete_share: float = 0.2
    """Refuse the deletions of a scope (a publication day, a compra's details) that would lose more
    than this share of its records..."""
    tolerated_deletes: int = 10
    """...beyond this many: a small scope losing a few records is normal."""


def _capture_asset(name: str):
    target = C.TARGETS[name]
    sources = SOURCES[name]
    tables = sorted({s.table for s in sources})
    wholes = {s.whole for s in sources}
    deletions = ("a record absent from a reconciled listing of its publication day (the publication listing "
                 "or a sweep) is a deletion (tombstone)" if "listing" in wholes
                 else "a record absent from a compra's complete details is a deletion (tombstone)" if "compra" in wholes
                 else "a result absent from its item's complete resultados is a deletion (tombstone); a cancelled "
                      "result is an update (situação 2, data_cancelamento)" if "item" in wholes
                 else "deletions cannot be seen: PNCP lists atas by update date only")
    seen = ", ".join(f"{s.table} ({s.name})" for s in sources)

    @dg.asset(
        key=["cdc", name],
        description=f"Versions of {name} from every archived observation of the partition: {seen}. An observation "
                    f"newer than the recorded version and different from it is a change: cdc.{name}_changes (key, "
                    f"op I/U/D, cdc_at when seen, pncp_stamp, source, the columns that changed with old and new "
                    f"values), cdc.{name}_history (SCD2: valid_from/valid_to), cdc.{name}_current (one row per live "
                    f"record) and, in the lake, cdc/{name}/changes (one file per capture that changed something). "
                    f"{deletions[0].upper() + deletions[1:]}.",
        group_name="cdc",
        partitions_def=daily,
        deps=[["staging", name]] + [t.split("/") for t in tables if t != f"raw/{name}"],
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
        by_source: dict[str, int] = {}
        refused, lake_files, rejected, incomplete, unchanged = [], [], 0, [], 0
        for day in window_days(context.partition_time_window):
            archives = {t: store.scan(t, [day]) for t in tables if store.exists(t, day)}
            found = observations(name, archives)
            for source, seen_ in found:
                rejected += seen_.rejected
                incomplete += [f"{day} {source.table} {p}" for p in seen_.incomplete]
            snapshot = f"{datetime.now():%Y%m%d-%H%M%S}-{context.run_id[:8]}"
            with warehouse.connect() as con:
                cap = C.compute(con, target, day, snapshot, [o.observation for _, o in found],
                                config.max_delete_share, config.tolerated_deletes)
                if len(cap.log):
                    part = f"changes-{snapshot}"
                    store.write(f"cdc/{name}/changes", day, cap.change_set, part=part)
                    lake_files.append(store.uri(f"cdc/{name}/changes", day, part))
                C.apply(con, cap)  # the lake file first: a failure in between is redone identically
            refused += [f"{day} {r}" for r in cap.refused]
            unchanged += cap.unchanged
            for op, n in cap.counts().items():
                totals[op] += n
            for source in cap.log["source"].to_list() if len(cap.log) else []:
                by_source[source] = by_source.get(source, 0) + 1
            context.log.info(f"cdc/{name} {day}: {cap.rows} records observed by "
                             f"{', '.join(s.name + ' ' + s.table for s, _ in found) or 'no source yet'}; "
                             f"changes {cap.counts()}, {cap.unchanged} already recorded or older")
        for problem in incomplete[:5]:
            context.log.warning(f"cdc/{name}: listing did not reconcile, no deletion inferred from it: {problem}")
        if refused:
            raise dg.Failure(f"cdc/{name}: refused the deletions of {len(refused)} scope(s), nothing recorded for "
                             "them: " + "; ".join(refused), metadata={"refused": len(refused)})
        return dg.MaterializeResult(metadata={
            "inserts": totals["I"], "updates": totals["U"], "deletes": totals["D"],
            "changes_by_source": dg.MetadataValue.json(by_source),
            "already_recorded": unchanged,
            "rejected_observations": rejected,
            "unreconciled_listings": len(incomplete),
            "lake_files": dg.MetadataValue.json(lake_files[:50]),
        })

    return _asset


capture_assets = [_capture_asset(name) for name in C.TARGETS]
