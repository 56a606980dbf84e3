"""CDC assets: every record a partition's staging holds (its publication listing, update feed, sweep,
details) is an observation of it; what is newer than the recorded version becomes the change log,
the SCD2 history and the lake's change sets. A capture reads staging and nothing else."""

import dagster as dg

from ...lib.cdc import versions
from ...lib.cdc.clock import snapshot_id
from ...lib.cdc.observations import observations
from ...lib.cdc.targets import TARGETS
from ...lib.staging import store
from ...lib.staging.sources import SOURCES
from ..automation import FOLLOWS_UPSTREAM_PARTITION
from ..metadata import per_partition
from ..partitions import FRESHNESS, RANGE_IN_ONE_RUN, daily, partition_days
from ..resources import LakeResource, WarehouseResource


class CaptureConfig(dg.Config):
    max_delete_share: float = 0.2
    """Refuse the deletions of a scope (a publication day, a compra's details) that would lose more
    than this share of its records..."""
    tolerated_deletes: int = 10
    """...beyond this many: a small scope losing a few records is normal."""


def _capture_asset(name: str):
    target = TARGETS[name]
    sources = SOURCES[name]
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
        description=f"Versions of {name} from every observation staging/{name} holds for the partition ({seen}). "
                    f"An observation newer than the recorded version and different from it is a change: "
                    f"cdc.{name}_changes (key, op I/U/D, cdc_at when seen, pncp_stamp, source, the columns that "
                    f"changed with old and new values), cdc.{name}_history (SCD2: valid_from/valid_to), "
                    f"cdc.{name}_current (one row per live record) and, in the lake, cdc/{name}/changes (one file "
                    f"per capture that changed something). {deletions[0].upper() + deletions[1:]}. Every cdc "
                    "timestamp is Brasília time.",
        group_name="cdc",
        partitions_def=daily,
        deps=[["staging", name]],
        # one capture of an entity at a time: it reads the current versions, then writes new ones (two at once
        # could both insert the same first version, which DuckLake does not see as a conflict)
        pool=f"cdc_{name}",
        backfill_policy=RANGE_IN_ONE_RUN,
        kinds={"polars", "duckdb", "parquet"},
        automation_condition=FOLLOWS_UPSTREAM_PARTITION,
        freshness_policy=FRESHNESS["cdc"],
    )
    def _asset(context: dg.AssetExecutionContext, config: CaptureConfig, warehouse: WarehouseResource,
               lake: LakeResource) -> dg.MaterializeResult:
        store_ = lake.lake()
        refused, own = [], {}
        for day in partition_days(context):
            snapshot = snapshot_id(context.run_id)
            with warehouse.connect() as con:
                seen_, lake_files = observations(name, *store.read_day(con, name, day)), []
                cap = versions.compute(con, target, day, snapshot, seen_, config.max_delete_share,
                                       config.tolerated_deletes)
                if len(cap.log):
                    part = f"changes-{snapshot}"
                    store_.write(f"cdc/{name}/changes", day, cap.change_set, part=part)
                    lake_files = [store_.uri(f"cdc/{name}/changes", day, part)]
                versions.apply(con, cap)  # the lake file first: a failure in between is redone identically
            refused += [f"{day} {r}" for r in cap.refused]
            by_source: dict[str, int] = {}
            for source in cap.log["source"].to_list() if len(cap.log) else []:
                by_source[source] = by_source.get(source, 0) + 1
            counts = cap.counts()
            own[day] = {"inserts": counts["I"], "updates": counts["U"], "deletes": counts["D"],
                        "changes_by_source": dg.MetadataValue.json(by_source), "observed": cap.rows,
                        "already_recorded": cap.unchanged,
                        "lake_files": dg.MetadataValue.json(lake_files)}
            context.log.info(f"cdc/{name} {day}: {cap.rows} records observed by "
                             f"{', '.join(seen_.seen_by) or 'no source yet'}; "
                             f"changes {cap.counts()}, {cap.unchanged} already recorded or older")
        if refused:
            raise dg.Failure(f"cdc/{name}: refused the deletions of {len(refused)} scope(s), nothing recorded for "
                             "them: " + "; ".join(refused), metadata={"refused": len(refused)})
        return dg.MaterializeResult(metadata=per_partition(context, own))

    return _asset


capture_assets = [_capture_asset(name) for name in TARGETS]
