"""What a run prints is what a person reads: with the local instance's configuration (the quick start's and
`dagster dev`'s), a run shows its progress at INFO and none of Dagster's DEBUG lines, while the run's
event log keeps every event."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest

from baliza_sandbox import Sandbox, profile

from .conftest import DAY

pytestmark = pytest.mark.e2e

LOCAL_INSTANCE = Path(__file__).parents[1] / "deploy" / "local" / "dagster.yaml"


def test_a_run_prints_its_progress_and_no_debug_lines(world, serve, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(LOCAL_INSTANCE, home / "dagster.yaml")
    with serve(Sandbox(world, profile("none"))) as ep:
        env = {**os.environ, "DAGSTER_HOME": str(home), "PNCP_CONSULTA_URL": ep.consulta,
               "PNCP_DETAIL_URL": ep.detail, "PNCP_TIME_SCALE": "0.01", "BALIZA_LAKE": str(tmp_path / "lake"),
               "BALIZA_CATALOG": str(tmp_path / "catalog.sqlite")}
        done = subprocess.run(
            [str(Path(sys.executable).with_name("dagster")), "asset", "materialize", "-m", "baliza_assets.definitions",
             "--select", "raw/contratacoes", "--partition", DAY.isoformat()],
            env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    lines = [line for line in done.stderr.splitlines() if " - dagster - " in line]
    assert not [line for line in lines if " - DEBUG - " in line], "no DEBUG line in a run's output"
    assert any(" - INFO - " in line and f"raw/contratacoes {DAY}: " in line and " pages" in line for line in lines), \
        "the run's progress is shown"
    with dg.DagsterInstance.from_config(str(home)) as instance:
        run, = instance.get_runs()
        kinds = {e.dagster_event_type for e in instance.all_logs(run.run_id) if e.dagster_event}
    assert {dg.DagsterEventType.STEP_START, dg.DagsterEventType.ASSET_MATERIALIZATION,
            dg.DagsterEventType.RUN_SUCCESS} <= kinds, "the event log keeps every event"
