"""Runs that hold pool slots although their process is gone, and the executor that frees them.

A `dagster asset materialize` killed with -9 records no end: its run stays "started" and keeps the pool
slot of the step it was in, and with one slot per pool every later step of that pool waits for good (run
monitoring frees only the slots of runs that ended). With SQLite storage every run executes on this
machine, so whether a run's process still exists can be asked: the pid its RUN_START event recorded is
gone, or now belongs to a process that started after the run did. Such a run is marked failed, saying
why in its event log, and its slots are freed, by the next run of this code location before it claims
any slot (and named by `baliza doctor` until then).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import dagster as dg

from ..lib.processes import identity, process_alive

PROCESS_TAG = "baliza/process"  # the run process's identity (pid and start since boot), set as it starts


@dataclass
class Holding:
    """What one run holds in the pools, each as "pool (step)"."""

    slots: list[str] = field(default_factory=list)  # slots it claimed
    queued: list[str] = field(default_factory=list)  # steps queued for a slot, or assigned one not claimed yet

    def describe(self) -> str:
        """"holds 1 pool slot(s), pool (step) and has 1 step(s) queued for a pool, pool (step)"."""
        parts = ([f"holds {len(self.slots)} pool slot(s), {', '.join(self.slots)}"] if self.slots else []) + (
            [f"has {len(self.queued)} step(s) queued for a pool, {', '.join(self.queued)}"] if self.queued else [])
        return " and ".join(parts)


def pool_infos(instance: dg.DagsterInstance) -> dict:
    """Each pool's concurrency info (limit, claimed slots, pending steps), by pool name, sorted."""
    storage = instance.event_log_storage
    if not storage.supports_global_concurrency_limits:
        return {}
    keys = sorted(storage.get_concurrency_keys())
    infos = storage.get_concurrency_infos(keys) if keys else {}
    return {key: infos[key] for key in keys}


def holdings(infos: dict) -> dict[str, Holding]:
    """What each run holds in the pools of ``infos``, by run id."""
    held: dict[str, Holding] = {}
    for key, info in infos.items():
        claimed = {(slot.run_id, slot.step_key) for slot in info.claimed_slots}
        for run_id, step in sorted(claimed):
            held.setdefault(run_id, Holding()).slots.append(f"{key} ({step})")
        for p in info.pending_steps:
            if (p.run_id, p.step_key) not in claimed:
                held.setdefault(p.run_id, Holding()).queued.append(f"{key} ({p.step_key})")
    return held


def runs_on_this_machine(instance: dg.DagsterInstance) -> bool:
    """Whether every run of ``instance`` executes on this machine: its runs are kept in SQLite files (the run
    storage its configuration names)."""
    return instance.get_ref().run_storage_data.class_name == "SqliteRunStorage"


def gone_pid(instance: dg.DagsterInstance, record) -> int | None:
    """The pid of the process of ``record``'s run when that run is recorded in progress, every run of
    ``instance`` executes on this machine, and that process is provably gone; None otherwise."""
    if record.dagster_run.is_finished or not runs_on_this_machine(instance):
        return None
    run_id = record.dagster_run.run_id
    starts = instance.get_records_for_run(run_id, of_type=dg.DagsterEventType.RUN_START, limit=1).records
    event = starts[0].event_log_entry.dagster_event if starts else None
    pid = event.pid if event else None
    if pid is None or process_alive(pid, record.start_time, record.dagster_run.tags.get(PROCESS_TAG)):
        return None
    return pid


def reap(instance: dg.DagsterInstance, by_run_id: str) -> list[str]:
    """Mark failed every run that holds pool slots while its process is gone, and free its slots; one line
    per run saying what was done. ``by_run_id`` is the run doing it (recorded in the dead run's log)."""
    if not runs_on_this_machine(instance):
        return []
    done = []
    for run_id, held in holdings(pool_infos(instance)).items():
        record = instance.get_run_record_by_id(run_id) if run_id != by_run_id else None
        pid = gone_pid(instance, record) if record else None
        if pid is None:
            continue
        status = record.dagster_run.status.value
        run = instance.get_run_by_id(run_id)
        if not run.is_finished:  # another run may have reaped it meanwhile
            instance.report_run_failed(run, message=(
                f"The process of this run (pid {pid}) is gone while the run was recorded as {status}: it was "
                f"killed without a chance to record its end. Run {by_run_id} marked it failed and freed what it "
                f"held in the pools (it {held.describe()})."))
        instance.event_log_storage.free_concurrency_slots_for_run(run_id)
        done.append(f"Run {run_id}, recorded as {status}, {held.describe()}, but its process (pid {pid}) is "
                    "gone: marked it failed and freed them.")
    return done


class _Reaping(dg.Executor):
    """An executor that first reaps the dead runs of the instance, then executes as ``inner`` does."""

    def __init__(self, inner: dg.Executor):
        self._inner = inner

    @property
    def retries(self):
        return self._inner.retries

    @property
    def step_dependency_config(self):
        return self._inner.step_dependency_config

    def execute(self, plan_context, execution_plan):
        me = identity(os.getpid())
        if me:  # how a later run tells this process from another that reused its pid, whatever the clock says
            plan_context.instance.add_run_tags(plan_context.run_id, {PROCESS_TAG: me})
        for line in reap(plan_context.instance, plan_context.run_id):
            plan_context.log.warning(line)
        yield from self._inner.execute(plan_context, execution_plan)


@dg.executor(name=dg.in_process_executor.name, config_schema=dg.in_process_executor.config_schema)
def in_process_executor(init_context: dg.InitExecutorContext) -> dg.Executor:
    """Dagster's in-process executor (same name and config), which before any step claims a pool slot
    marks failed the runs whose process is gone and frees the slots they hold."""
    return _Reaping(dg.in_process_executor.executor_creation_fn(init_context))
