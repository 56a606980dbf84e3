"""`dagster dev` with the local settings launches nothing by itself: the schedules and the automation
sensor start stopped, so no run starts and nothing is fetched until someone asks. A production
deployment (BALIZA_ENV=production) runs them from the start."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import dagster as dg
import pytest

from .test_deployment import Processes
from .waiting import wait

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).parents[1]
BIN = Path(sys.executable).parent
# Nothing listens here: a run that started anyway would fail on it rather than reach the real PNCP.
NOWHERE = "http://127.0.0.1:9/api"


def _daemon_states(tmp_path: Path, environment: str | None) -> tuple[dict, dict, int]:
    """Run the daemon (as `dagster dev` does) until the scheduler, the sensor daemon and the asset daemon
    have each been through two iterations; return the instigators' status, their ticks and the runs."""
    home = tmp_path / environment_name(environment)
    home.mkdir()
    shutil.copy(ROOT / "deploy" / "local" / "dagster.yaml", home / "dagster.yaml")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PNCP_", "BALIZA_"))}
    env.update(DAGSTER_HOME=str(home), PNCP_CONSULTA_URL=NOWHERE + "/consulta", PNCP_DETAIL_URL=NOWHERE + "/pncp",
               BALIZA_CATALOG=str(tmp_path / "catalog.sqlite"), BALIZA_LAKE=str(tmp_path / "lake"))
    if environment:
        env["BALIZA_ENV"] = environment
    procs = Processes(home, env)
    daemons = ("SCHEDULER", "SENSOR", "ASSET")
    try:
        procs.start("daemon", [str(BIN / "dagster-daemon"), "run", "-w", str(ROOT / "workspace.yaml")])
        with dg.DagsterInstance.from_config(str(home)) as instance:
            seen: dict = {}

            def iterated_twice():
                procs.alive()
                for kind, beat in instance.get_daemon_heartbeats().items():
                    seen.setdefault(kind, set()).add(beat.timestamp)
                return all(len(seen.get(d, ())) >= 2 for d in daemons)

            wait("two iterations of the scheduler, sensor and asset daemons", iterated_twice, 600)
            if environment == "production":  # the control: there the automation sensor ticks by itself
                wait("the automation sensor's first tick", lambda: any(
                    instance.get_ticks(s.instigator_origin_id, s.selector_id)
                    for s in instance.all_instigator_state() if s.name == "automation"), 600)
            states = {s.name: s.status.value for s in instance.all_instigator_state()}
            ticks = {s.name: len(instance.get_ticks(s.instigator_origin_id, s.selector_id))
                     for s in instance.all_instigator_state()}
            return states, ticks, instance.get_runs_count()
    finally:
        procs.stop()


def environment_name(environment: str | None) -> str:
    return environment or "unset"


def test_dagster_dev_with_the_local_settings_launches_nothing(tmp_path):
    states, ticks, runs = _daemon_states(tmp_path, None)
    assert runs == 0, "a local instance started a run by itself"
    assert not any(ticks.values()), f"a schedule or sensor ticked by itself: {ticks}"
    assert "RUNNING" not in states.values(), states


def test_a_production_deployment_runs_its_automation_from_the_start(tmp_path):
    states, ticks, _ = _daemon_states(tmp_path, "production")
    assert ticks["automation"] >= 1
    assert states.get("automation") == "DECLARED_IN_CODE" or states.get("automation") == "RUNNING", states
