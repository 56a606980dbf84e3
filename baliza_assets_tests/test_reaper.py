"""A run whose process is gone while it is recorded in progress (a `dagster asset materialize` killed with -9)
does not block its pool: the next run of the code location marks it failed, saying why, and frees its slots
before it claims any. Only on a SQLite instance (every run on this machine), and only runs whose process is
provably gone."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import pytest

from baliza_assets.defs import reaper
from baliza_assets.defs.reaper import PROCESS_TAG
from baliza_assets.lib.processes import identity
from baliza_sandbox import Sandbox, World
from baliza_sandbox.faults import ApiFaults, Faults
from baliza_sandbox.server import running

from .conftest import DAY, NOW
from .waiting import wait

LOCAL_INSTANCE = Path(__file__).parents[1] / "deploy" / "local" / "dagster.yaml"
BIN = Path(sys.executable).parent
HOUR = 3600.0


def local_instance(tmp_path: Path) -> dg.DagsterInstance:
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(LOCAL_INSTANCE, home / "dagster.yaml")
    return dg.DagsterInstance.from_config(str(home))


def started(instance: dg.DagsterInstance, pid: int, at: float | None = None, tag: str | None = None) -> str:
    """A run recorded as STARTED by process ``pid`` at ``at`` (now by default); ``tag``: the process identity its
    executor recorded (as the code location's executor does when a run starts)."""
    run = instance.create_run_for_job(job_def=pooled, status=dg.DagsterRunStatus.NOT_STARTED,
                                      tags={PROCESS_TAG: tag} if tag else None)
    instance.report_dagster_event(dg.DagsterEvent(dg.DagsterEventType.RUN_START.value, run.job_name, pid=pid),
                                  run.run_id, timestamp=at)
    return run.run_id


def claim(instance: dg.DagsterInstance, pool: str, run_id: str, step: str) -> bool:
    storage = instance.event_log_storage
    storage.initialize_concurrency_limit_to_default(pool)
    return storage.claim_concurrency_slot(pool, run_id, step).is_claimed


def dead_pid() -> int:
    proc = subprocess.Popen(["sleep", "60"])
    proc.kill()
    proc.wait()
    return proc.pid


def holders(instance: dg.DagsterInstance, pool: str) -> set[str]:
    return {s.run_id for s in instance.event_log_storage.get_concurrency_info(pool).claimed_slots}


def failure_message(instance: dg.DagsterInstance, run_id: str) -> str:
    (event,) = instance.get_records_for_run(run_id, of_type=dg.DagsterEventType.RUN_FAILURE).records
    return event.event_log_entry.dagster_event.message


@dg.op(pool="duckdb_writer")
def write():
    return 1


@dg.job(executor_def=reaper.in_process_executor)
def pooled():
    write()


def test_the_next_run_fails_the_runs_whose_process_is_gone_and_frees_their_slots(tmp_path):
    with local_instance(tmp_path) as instance, subprocess.Popen(["sleep", "600"]) as newer:
        try:
            # The pid of a run that started an hour ago now belongs to a process started since: reused.
            reused = started(instance, newer.pid, at=time.time() - HOUR)  # clock-ok: against a real process start time
            # Tagged with another start than the process now holding the pid: reused, whatever the clock says.
            retagged = started(instance, newer.pid, tag=f"{newer.pid}:1")
            gone = started(instance, dead_pid())
            # Recorded ten hours before this process began by the wall clock (a clock that jumped, a faked
            # date): the identity its executor recorded says it is this very process, alive.
            live = started(instance, os.getpid(), at=time.time() - 10 * HOUR, tag=identity(os.getpid()))  # clock-ok
            assert claim(instance, "duckdb_writer", gone, "stage")
            assert claim(instance, "pncp_detail", reused, "fetch")
            assert claim(instance, "marts", retagged, "build")
            assert claim(instance, "pncp_consulta", live, "list")
            assert not claim(instance, "pncp_consulta", gone, "queued")  # queued behind the live run's slot

            # The run blocks on duckdb_writer unless the dead run's slot is freed: it runs in a thread
            # that the test stops waiting for rather than hang.
            done = {}
            runner = threading.Thread(daemon=True, target=lambda: done.setdefault(
                "result", dg.execute_job(dg.reconstructable(pooled), instance)))
            runner.start()
            runner.join(timeout=300)
            assert "result" in done, "the run still waits for the slot of a run whose process is gone"
            result = done["result"]
            assert result.success
        finally:
            newer.kill()

        assert instance.get_run_by_id(gone).status == dg.DagsterRunStatus.FAILURE
        assert instance.get_run_by_id(reused).status == dg.DagsterRunStatus.FAILURE
        assert instance.get_run_by_id(retagged).status == dg.DagsterRunStatus.FAILURE
        assert instance.get_run_by_id(live).status == dg.DagsterRunStatus.STARTED
        assert instance.get_run_by_id(result.run_id).tags[PROCESS_TAG] == identity(os.getpid())
        assert holders(instance, "duckdb_writer") == holders(instance, "pncp_detail") == set()
        assert holders(instance, "pncp_consulta") == {live}
        assert {p.run_id for p in instance.event_log_storage.get_concurrency_info("pncp_consulta").pending_steps} \
            == {live}, "the dead run's queued step is gone"

        gone_pid = instance.get_records_for_run(gone, of_type=dg.DagsterEventType.RUN_START).records[0] \
            .event_log_entry.dagster_event.pid
        assert failure_message(instance, gone) == (
            f"The process of this run (pid {gone_pid}) is gone while the run was recorded as STARTED: it was killed "
            f"without a chance to record its end. Run {result.run_id} marked it failed and freed what it held in "
            "the pools (it holds 1 pool slot(s), duckdb_writer (stage) and has 1 step(s) queued for a pool, "
            "pncp_consulta (queued)).")
        assert f"(pid {newer.pid}) is gone" in failure_message(instance, reused)
        logs = [e.user_message for e in instance.all_logs(result.run_id) if not e.is_dagster_event]
        said = sorted(m for m in logs if "is gone: marked it failed and freed them." in m)
        assert said == sorted([
            f"Run {gone}, recorded as STARTED, holds 1 pool slot(s), duckdb_writer (stage) and has 1 step(s) queued "
            f"for a pool, pncp_consulta (queued), but its process (pid {gone_pid}) is gone: marked it failed and "
            "freed them.",
            f"Run {reused}, recorded as STARTED, holds 1 pool slot(s), pncp_detail (fetch), but its process "
            f"(pid {newer.pid}) is gone: marked it failed and freed them.",
            f"Run {retagged}, recorded as STARTED, holds 1 pool slot(s), marts (build), but its process "
            f"(pid {newer.pid}) is gone: marked it failed and freed them."])


def test_runs_are_left_alone_where_they_may_run_on_another_machine(tmp_path, monkeypatch):
    """Outside SQLite storage a pid says nothing: another machine's process may hold the slot."""
    with local_instance(tmp_path) as instance:
        gone = started(instance, dead_pid())
        assert claim(instance, "duckdb_writer", gone, "stage")
        monkeypatch.setattr(reaper, "runs_on_this_machine", lambda _: False)
        assert reaper.reap(instance, "another") == []
        assert instance.get_run_by_id(gone).status == dg.DagsterRunStatus.STARTED
        assert holders(instance, "duckdb_writer") == {gone}
        monkeypatch.undo()
        assert len(reaper.reap(instance, "another")) == 1
        assert holders(instance, "duckdb_writer") == set()


# ---- for real: `dagster asset materialize` killed with -9, then another ------------------------------------

# PNCP never answers page 1: the first run holds the pncp_consulta slot for as long as the test needs.
HANGS = Faults(consulta=ApiFaults(rates={"hang": 1.0}, repeats=None, hang_seconds=900.0))


@contextmanager
def materialize(env: dict, cwd: Path, log: Path):
    """`dagster asset materialize` of raw/contratos (pool pncp_consulta), in a process group of its own,
    killed on the way out if it still runs."""
    with open(log, "wb") as err:
        proc = subprocess.Popen([str(BIN / "dagster"), "asset", "materialize", "-m", "baliza_assets.definitions",
                                 "--select", "raw/contratos", "--partition", str(DAY)], env=env, cwd=cwd,
                                stdout=subprocess.DEVNULL, stderr=err, start_new_session=True)
        try:
            yield proc
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=60)


@pytest.mark.e2e
def test_a_cli_run_killed_with_a_pool_slot_is_failed_by_the_next_run_which_takes_the_slot(tmp_path):
    sandbox = Sandbox(World(seed=7, volume="small", now=NOW), HANGS)
    with running(sandbox) as ep, local_instance(tmp_path) as instance:
        env = {**os.environ, "DAGSTER_HOME": instance.root_directory, "PNCP_CONSULTA_URL": ep.consulta,
               "PNCP_DETAIL_URL": ep.detail, "BALIZA_LAKE": str(tmp_path / "lake"),
               "BALIZA_CATALOG": str(tmp_path / "catalog.sqlite"), "PNCP_TIME_SCALE": "1",
               "PNCP_READ_TIMEOUT": "900"}
        with materialize(env, tmp_path, tmp_path / "first.log") as first:

            def claimed():
                assert first.poll() is None, (tmp_path / "first.log").read_text()[-3000:]
                return next(iter(holders(instance, "pncp_consulta")), None)

            killed = wait("the first run to claim the pncp_consulta slot", claimed, 300, every=0.5)
            os.killpg(first.pid, signal.SIGKILL)
            first.wait(timeout=30)
        assert instance.get_run_by_id(killed).status == dg.DagsterRunStatus.STARTED

        sandbox.faults = Faults()
        with materialize(env, tmp_path, tmp_path / "second.log") as second:
            assert second.wait(timeout=600) == 0, (tmp_path / "second.log").read_text()[-3000:]
        (again,) = [r.run_id for r in instance.get_runs() if r.run_id != killed]
        assert instance.get_run_by_id(again).status == dg.DagsterRunStatus.SUCCESS
        assert instance.get_run_by_id(killed).status == dg.DagsterRunStatus.FAILURE
        assert failure_message(instance, killed) == (
            f"The process of this run (pid {first.pid}) is gone while the run was recorded as STARTED: it was killed "
            f"without a chance to record its end. Run {again} marked it failed and freed what it held in the pools "
            "(it holds 1 pool slot(s), pncp_consulta (raw__contratos)).")
        messages = [e.user_message for e in instance.all_logs(again)]
        assert (f"Run {killed}, recorded as STARTED, holds 1 pool slot(s), pncp_consulta (raw__contratos), but its "
                f"process (pid {first.pid}) is gone: marked it failed and freed them.") in messages
        assert not [m for m in messages if "blocked by limit for pool" in m], "it never waited for the pool"
        assert not holders(instance, "pncp_consulta")
