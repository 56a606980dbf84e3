"""Column drift on staging, per day: the `dagster/column_schema` each staging materialization records,
against the one the asset recorded before it. It only reads the event log: nothing is written."""

import dagster as dg

from ..partitions import daily, partition_days
from .assets import staging_assets
from .evaluation import day_evaluation

CHECK = "column_schema_change"


COLUMN_SCHEMA = "dagster/column_schema"  # the metadata key of a materialization's columns (dg.TableSchema)


def _schema(record) -> dg.TableSchema | None:
    value = record.asset_materialization.metadata.get(COLUMN_SCHEMA)
    return value.value if isinstance(value, dg.TableSchemaMetadataValue) else None


def _previous(instance: dg.DagsterInstance, key: dg.AssetKey, record):
    """The asset's latest materialization, any day, from before the run that wrote ``record``: the
    other days of a range run share its schema and would hide a change."""
    cursor = record.storage_id
    while True:
        page = instance.fetch_materializations(
            dg.AssetRecordsFilter(asset_key=key, before_storage_id=cursor), limit=100).records
        for earlier in page:
            if earlier.run_id != record.run_id:
                return earlier
        if len(page) < 100:
            return None
        cursor = page[-1].storage_id


def _compare(before: dg.TableSchema, after: dg.TableSchema) -> list[str]:
    old, new = {c.name: c.type for c in before.columns}, {c.name: c.type for c in after.columns}
    changes = []
    if added := [n for n in new if n not in old]:
        changes.append("added columns: " + ", ".join(added))
    if removed := [n for n in old if n not in new]:
        changes.append("removed columns: " + ", ".join(removed))
    if retyped := [f"{n} {old[n]} -> {new[n]}" for n in new if n in old and old[n] != new[n]]:
        changes.append("column type changes: " + ", ".join(retyped))
    return changes


def _evaluation(instance: dg.DagsterInstance, key: dg.AssetKey, day: str) -> dg.AssetCheckEvaluation:
    latest = instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=key, asset_partitions=[day]), limit=1).records
    record = latest[0] if latest else None
    passed, description, metadata = True, None, {}
    if record is None:
        passed, description = False, f"{day} has no materialization to check"
    elif (schema := _schema(record)) is None:
        passed, description = False, f"the materialization of {day} recorded no column schema"
    elif (previous := _previous(instance, key, record)) is None:
        description = "the asset's first materialization: no earlier column schema to compare with"
    elif (before := _schema(previous)) is None:
        passed, description = False, "the previous materialization recorded no column schema"
    else:
        changes = _compare(before, schema)
        passed = not changes
        description = ("; ".join(changes) if changes else "same columns and types as the previous materialization")
        metadata = {"previous_partition": previous.partition_key or "", "previous_run_id": previous.run_id,
                    "columns": len(schema.columns)}
    return day_evaluation(dg.AssetCheckKey(key, CHECK), day, record, passed=passed,
                          severity=dg.AssetCheckSeverity.WARN, description=description, metadata=metadata,
                          blocking=False)


def _column_schema_check(key: dg.AssetKey):
    table = key.to_user_string()

    @dg.asset_check(asset=key, name=CHECK, partitions_def=daily,
                    description=f"The columns and types the day's materialization of {table} recorded "
                                "(dagster/column_schema) against those of the materialization before it (any "
                                "day, from an earlier run): an added, removed or retyped column warns. One "
                                "result per day, also in a range run.")
    def _check(context: dg.AssetCheckExecutionContext):
        # One evaluation per day, each on its partition: a single AssetCheckResult of a range run would
        # be recorded on no partition at all.
        yield dg.Output(None, output_name=context.op_def.output_defs[0].name)
        for day in partition_days(context):
            yield _evaluation(context.instance, key, str(day))

    return _check


column_schema_checks = [_column_schema_check(key) for asset in staging_assets for key in asset.keys]
