"""What the instance records of a partitioned check's days: the code location (the recovery sensor) and
`baliza verify` read it alike."""

from __future__ import annotations

import dagster as dg


def failed_checks(instance: dg.DagsterInstance, checks: list[dg.AssetCheckKey], days: list[str]
                  ) -> list[tuple[dg.AssetCheckKey, str]]:
    """(check, day) whose latest execution for that day failed with ERROR severity, the severity that
    blocks what depends on the asset (a failure at WARN severity is a warning: nothing was held back).
    The latest execution of each check and day comes from the event log's index of check executions, its
    severity from the evaluation that execution's run recorded."""
    if not checks:
        return []
    wanted = set(days)
    failed = [info for info in instance.event_log_storage.get_asset_check_partition_info(list(checks),
                                                                                      partition_keys=days)
              if info.partition_key in wanted and info.latest_execution_status.value == "FAILED"]
    evaluations: dict[str, dict[tuple, dg.AssetCheckEvaluation]] = {}
    found = []
    for info in failed:
        run_id = info.latest_planned_run_id
        if run_id not in evaluations:  # the run's evaluations, the latest of each check and day last
            records = instance.get_records_for_run(run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION)
            evaluations[run_id] = {(e.asset_check_key, e.partition): e for e in (
                r.event_log_entry.dagster_event.asset_check_evaluation_data for r in records.records)}
        evaluation = evaluations[run_id].get((info.check_key, info.partition_key))
        if evaluation is None or evaluation.severity == dg.AssetCheckSeverity.ERROR:
            found.append((info.check_key, info.partition_key))
    order = {day: i for i, day in enumerate(days)}
    return sorted(found, key=lambda failure: (order[failure[1]], checks.index(failure[0])))
