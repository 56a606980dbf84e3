"""A staging check's result for one day: an evaluation on that day's partition, pointing at the day's
materialization, so that a range run (one step for many days) records each day's own result."""

import dagster as dg

# Dagster exports no name for the materialization an evaluation targets. Without it Dagster takes a day's
# result as not current for the day's latest materialization, and the check's per-partition status clears.
from dagster._core.definitions.asset_checks.asset_check_evaluation import (
    AssetCheckEvaluationTargetMaterializationData,
)


def day_evaluation(check: dg.AssetCheckKey, day: str, materialization: dg.EventLogRecord | None, *, passed: bool,
                   severity: dg.AssetCheckSeverity, description: str | None, metadata: dict,
                   blocking: bool) -> dg.AssetCheckEvaluation:
    """``check``'s evaluation on ``day``, targeting ``materialization`` (the day's, if there is one)."""
    target = materialization and AssetCheckEvaluationTargetMaterializationData(
        storage_id=materialization.storage_id, run_id=materialization.run_id, timestamp=materialization.timestamp)
    return dg.AssetCheckEvaluation(
        asset_key=check.asset_key, check_name=check.name, passed=passed, severity=severity, description=description,
        metadata=metadata, blocking=blocking, partition=day, target_materialization_data=target)
