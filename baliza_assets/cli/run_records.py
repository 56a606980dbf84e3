"""The Dagster instance's run records in a backup, and back: every run, the snapshots of the job and the
execution plan it ran, and its event log (step outcomes, asset materializations and check evaluations, which
is what the UI, `baliza verify` and the automation read the state of every partition from).

``runs.jsonl.gz`` holds one run a line, in the order the runs were created, with its creation time and its
events in the order they were stored; ``snapshots.jsonl.gz`` one snapshot a line. Both are Dagster's own
serialization (``dagster.serialize_value``), readable by the Dagster version pinned in the project.
A restore stores the events again and replays the run's status changes with their original times, so a
restored run shows the status, start and end it had.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import dagster as dg

RUNS = "runs.jsonl.gz"
SNAPSHOTS = "snapshots.jsonl.gz"


class RunRecordsError(RuntimeError):
    """The run records of a backup that cannot be restored as they are."""


def export(instance: dg.DagsterInstance, folder: Path) -> dict:
    """Write every run of ``instance`` to ``folder``; the counts for the manifest."""
    folder.mkdir(parents=True, exist_ok=True)
    snapshot_ids: set[str] = set()
    runs = events = 0
    with gzip.open(folder / RUNS, "wt", encoding="utf-8") as out:
        for record in instance.get_run_records(ascending=True):
            run = record.dagster_run
            logs = instance.all_logs(run.run_id)
            out.write(dg.serialize_value({"run": run, "created_at": record.create_timestamp.timestamp(),
                                          "events": list(logs)}) + "\n")
            snapshot_ids.update(s for s in (run.job_snapshot_id, run.execution_plan_snapshot_id) if s)
            runs, events = runs + 1, events + len(logs)
    with gzip.open(folder / SNAPSHOTS, "wt", encoding="utf-8") as out:
        for snapshot_id in sorted(snapshot_ids):
            snapshot = (instance.get_job_snapshot(snapshot_id) if instance.has_job_snapshot(snapshot_id)
                        else instance.get_execution_plan_snapshot(snapshot_id))
            out.write(dg.serialize_value({"id": snapshot_id, "snapshot": snapshot}) + "\n")
    return {"runs": runs, "events": events, "snapshots": len(snapshot_ids), "files": [RUNS, SNAPSHOTS]}


def _lines(path: Path) -> Iterator[dict]:
    if not path.is_file():
        raise RunRecordsError(f"{path} is missing from the backup")
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            try:
                yield dg.deserialize_value(line)
            except Exception as e:
                raise RunRecordsError(f"{path}, line {number}: not a record this Dagster reads "
                                      f"({type(e).__name__}: {e})") from None


def run_ids(folder: Path) -> list[str]:
    """The ids of the runs a backup holds (reads every line: also proves the file whole)."""
    return [line["run"].run_id for line in _lines(folder / RUNS)]


def restore(instance: dg.DagsterInstance, folder: Path, keep_existing: bool = False) -> dict:
    """Add every run of the backup in ``folder`` to ``instance``. A run the instance already has (the same run:
    ids are unique) is refused, or with ``keep_existing`` left as it is: Dagster cannot take a run back whole
    (deleting one leaves its check executions behind, which its events, stored again, would collide with)."""
    for line in _lines(folder / SNAPSHOTS):
        if not instance.has_snapshot(line["id"]):
            instance.add_snapshot(line["snapshot"])
        if not instance.has_snapshot(line["id"]):
            raise RunRecordsError(f"snapshot {line['id']} is stored under another id by this Dagster "
                                  f"({dg.__version__}): the runs that ran it cannot be restored")
    storage = instance.run_storage
    replays_status = not instance.event_log_storage.handles_run_events_in_store_event
    runs = events = kept = 0
    for line in _lines(folder / RUNS):
        run: dg.DagsterRun = line["run"]
        if instance.has_run(run.run_id):
            if not keep_existing:
                raise RunRecordsError(f"the instance already has run {run.run_id}")
            kept += 1
            continue
        storage.add_historical_run(run, datetime.fromtimestamp(line["created_at"], timezone.utc))
        for entry in line["events"]:
            instance.store_event(entry)
            if replays_status and entry.is_dagster_event and entry.get_dagster_event().is_job_event:
                instance.handle_run_event(run.run_id, entry.get_dagster_event(),
                                          datetime.fromtimestamp(entry.timestamp, timezone.utc))
        runs, events = runs + 1, events + len(line["events"])
    return {"runs": runs, "events": events, "kept": kept}
