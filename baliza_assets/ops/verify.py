"""`baliza verify --from D --to D`: partitions missing, failed, or failing reconciliation, per asset."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import dagster as dg
from dagster._core.storage.asset_check_execution_record import (
    AssetCheckExecutionRecordStatus,
)

from ..defs.partitions import daily


@dataclass
class Problem:
    asset: str
    day: str
    kind: str  # missing | failed | in progress | reconciliation failed


def partitioned_keys() -> list[dg.AssetKey]:
    from ..definitions import PARTITIONED

    return list(PARTITIONED)


def days_between(first: date, last: date) -> list[str]:
    if first > last:
        raise ValueError(f"--from {first} is after --to {last}")
    keys = daily.get_partition_keys_in_range(dg.PartitionKeyRange(first.isoformat(), last.isoformat()))
    if not keys:
        raise ValueError(f"no daily partitions between {first} and {last} (they start at 2021-01-01 and end today)")
    return keys


def _reconciliation_failures(instance: dg.DagsterInstance, key: dg.AssetKey, days: list[str]) -> set[str]:
    check = dg.AssetCheckKey(key, "reconciliation")
    latest: dict[str, AssetCheckExecutionRecordStatus] = {}
    wanted = set(days)
    for record in instance.event_log_storage.get_asset_check_execution_history(check, limit=20 * len(days) + 100):
        if record.partition in wanted and record.partition not in latest:  # newest first
            latest[record.partition] = record.status
    return {d for d, status in latest.items() if status == AssetCheckExecutionRecordStatus.FAILED}


def verify(instance: dg.DagsterInstance, first: date, last: date, keys: list[dg.AssetKey] | None = None
           ) -> list[Problem]:
    from ..defs.raw.checks import ARCHIVED

    days = days_between(first, last)
    problems = []
    checked = {tuple(k) for k in ARCHIVED}
    for key in keys or partitioned_keys():
        statuses = instance.get_status_by_partition(key, days, daily) or {}
        for day in days:
            status = statuses.get(day)
            if status is None:
                problems.append(Problem(key.to_user_string(), day, "missing"))
            elif status.value == "FAILED":
                problems.append(Problem(key.to_user_string(), day, "failed"))
            elif status.value == "IN_PROGRESS":
                problems.append(Problem(key.to_user_string(), day, "in progress"))
        if tuple(key.path) in checked:
            for day in sorted(_reconciliation_failures(instance, key, days)):
                problems.append(Problem(key.to_user_string(), day, "reconciliation failed"))
    return sorted(problems, key=lambda p: (p.day, p.asset, p.kind))


def run(instance: dg.DagsterInstance, first: date, last: date, out) -> int:
    problems = verify(instance, first, last)
    days = days_between(first, last)
    for p in problems:
        out.write(f"{p.day}  {p.asset:<24} {p.kind}\n")
    out.write(f"{len(days)} day(s) x {len(partitioned_keys())} partitioned assets: "
              + (f"{len(problems)} problem(s)\n" if problems else "every partition materialized and reconciled\n"))
    return 1 if problems else 0
