"""Parallel runs share PNCP's concurrency limit through pools, and both write the warehouse."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import dagster as dg
import pytest

from baliza_assets.definitions import ASSETS
from baliza_sandbox import Sandbox, profile

from .conftest import DAY
from .pipeline import assert_day_matches
from .waiting import wait

pytestmark = pytest.mark.e2e

LOCAL_INSTANCE = Path(__file__).parents[1] / "deploy" / "local" / "dagster.yaml"
POOL_OF_STEP = {a.node_def.name: a.node_def.pool for a in ASSETS if a.node_def.pool}
CONSULTA = "pncp_consulta"
HOLDER = ("test-holds-the-slot", "hold")  # (run id, step key) of a claim that no run makes
BLOCKED = f"Step blocked by limit for pool {CONSULTA}"
DONE = (dg.DagsterEventType.STEP_SUCCESS, dg.DagsterEventType.STEP_FAILURE)


def test_two_parallel_runs_stay_under_the_api_limit(world, serve, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(LOCAL_INSTANCE, home / "dagster.yaml")
    days = [DAY, DAY + timedelta(days=1)]
    sandbox = Sandbox(world, profile("real", 0.02))  # the 6-in-flight ceiling, answered with 429
    with dg.DagsterInstance.from_config(str(home)) as instance, serve(sandbox) as ep:
        # The consulta pool's only slot is held until both runs wait for it: they overlap, whatever
        # the speed of the machine, and each must queue behind the other's steps from then on.
        storage = instance.event_log_storage
        storage.initialize_concurrency_limit_to_default(CONSULTA)
        assert storage.get_concurrency_info(CONSULTA).slot_count == 1, "deploy/local/dagster.yaml: one slot per pool"
        assert storage.claim_concurrency_slot(CONSULTA, *HOLDER).is_claimed
        # PNCP_TIME_SCALE is left at 1: the sandbox answers in tens of milliseconds, and the client's
        # timeouts stay those of the real API (seconds), so a slow machine is never taken for a hung API.
        env = {**os.environ, "DAGSTER_HOME": str(home), "PNCP_CONSULTA_URL": ep.consulta,
               "PNCP_DETAIL_URL": ep.detail, "BALIZA_LAKE": str(tmp_path / "lake"),
               "BALIZA_CATALOG": str(tmp_path / "catalog.sqlite")}
        env.pop("PNCP_TIME_SCALE", None)
        dagster = str(Path(sys.executable).with_name("dagster"))
        logs = [tmp_path / f"run-{d}.log" for d in days]
        procs = [subprocess.Popen([dagster, "asset", "materialize", "-m", "baliza_assets.definitions",
                                   "--select", "group:raw or group:staging", "--partition",
                                   d.isoformat()],
                                  env=env, stdout=subprocess.DEVNULL, stderr=log.open("w"))
                 for d, log in zip(days, logs)]
        runs = released_together(instance, procs, logs, BLOCKED, lambda: storage.free_concurrency_slot_for_step(*HOLDER))
        for p, log in zip(procs, logs):
            text = log.read_text()
            assert p.returncode == 0, text[-3000:]
            assert "Conflicting lock" not in text and "Could not set lock" not in text
        assert {r.tags["dagster/partition"] for r in runs} == {d.isoformat() for d in days}
        assert_pools_held(instance, [r.run_id for r in runs])
    assert sandbox.stats.max_inflight["consulta"] <= 6, sandbox.stats.max_inflight
    assert sandbox.stats.total("consulta", 429) == 0, "the two runs together went over PNCP's limit"
    for d in days:
        assert_day_matches(world, tmp_path / "catalog.sqlite", d)


def released_together(instance: dg.DagsterInstance, procs: list[subprocess.Popen], logs: list[Path],
                      blocked: str, release, deadline: float = 1200) -> list[dg.DagsterRun]:
    """Wait until both runs (``procs``, their stderr in ``logs``) wait on a held pool (an engine event holding
    ``blocked``), then ``release`` it and wait for both to end (killed if they outlive the wait); the runs."""
    try:
        def both_blocked():
            for p, log in zip(procs, logs):
                assert p.poll() is None, f"a run exited before its steps were released: {log.read_text()[-3000:]}"
            waiting = [r for r in instance.get_runs() if any(blocked in (e.dagster_event.message or "") for e in
                                                              instance.all_logs(r.run_id, of_type=dg.DagsterEventType.ENGINE_EVENT))]
            return waiting if len(waiting) == 2 else None

        runs = wait("both runs to wait for a held pool", both_blocked, deadline)
        release()
        for p in procs:
            p.wait(timeout=1800)
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
    return runs


def assert_pools_held(instance: dg.DagsterInstance, run_ids: list[str],
                      pools: set[str] = frozenset({"pncp_consulta", "pncp_detail"})) -> None:
    """The runs overlapped, and in every pool (``pools``, those their steps used) the steps of both, as Dagster
    recorded their start and end, ran one at a time."""
    spans: dict[str, list[tuple[float, float, str]]] = {}
    lifetimes = []
    for run_id in run_ids:
        events = [e for e in instance.all_logs(run_id) if e.is_dagster_event]
        # each attempt of a step holds its slot: from its start (or restart) to its end (or its retry's request)
        open_: dict[str, float] = {}
        for e in events:
            if e.step_key not in POOL_OF_STEP:
                continue
            if e.dagster_event_type in (dg.DagsterEventType.STEP_START, dg.DagsterEventType.STEP_RESTARTED):
                open_[e.step_key] = e.timestamp
            elif e.dagster_event_type in (*DONE, dg.DagsterEventType.STEP_UP_FOR_RETRY) and e.step_key in open_:
                spans.setdefault(POOL_OF_STEP[e.step_key], []).append(
                    (open_.pop(e.step_key), e.timestamp, f"{run_id[:8]}/{e.step_key}"))
        assert not open_, f"run {run_id}: steps {sorted(open_)} never ended"
        stamps = [e.timestamp for e in events if e.dagster_event_type in (dg.DagsterEventType.RUN_START,
                                                                          dg.DagsterEventType.RUN_SUCCESS)]
        lifetimes.append((min(stamps), max(stamps)))
    (a_start, a_end), (b_start, b_end) = lifetimes
    assert a_start < b_end and b_start < a_end, "the two runs did not run at the same time"
    assert set(spans) == set(pools), set(spans)
    for pool, steps in spans.items():
        assert {s.split("/")[0] for _, _, s in steps} == {r[:8] for r in run_ids}, f"{pool}: steps of one run only"
        steps.sort()
        for (_, end, before), (start, _, after) in zip(steps, steps[1:]):
            assert end < start, f"pool {pool}: {after} started before {before} ended"
