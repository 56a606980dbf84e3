"""Parallel runs share PNCP's concurrency limit through pools and never trip on DuckDB's lock."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import dagster as dg

from baliza_assets.sandbox import Sandbox, profile

from .conftest import DAY
from .pipeline import assert_day_matches

LOCAL_INSTANCE = Path(__file__).parents[1] / "deploy" / "local" / "dagster.yaml"


def test_two_parallel_runs_stay_under_the_api_limit(world, serve, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(LOCAL_INSTANCE, home / "dagster.yaml")
    with dg.DagsterInstance.from_config(str(home)):  # create the instance's storage once, as `dagster dev` would
        pass
    days = [DAY, DAY + timedelta(days=1)]
    sandbox = Sandbox(world, profile("real", 0.02))  # the 6-in-flight ceiling, answered with 429
    with serve(sandbox) as ep:
        env = {**os.environ, "DAGSTER_HOME": str(home), "PNCP_CONSULTA_URL": ep.consulta,
               "PNCP_DETAIL_URL": ep.detail, "PNCP_TIME_SCALE": "0.02", "BALIZA_LAKE": str(tmp_path / "lake"),
               "BALIZA_DUCKDB_PATH": str(tmp_path / "baliza.duckdb")}
        dagster = str(Path(sys.executable).with_name("dagster"))
        logs = [tmp_path / f"run-{d}.log" for d in days]
        procs = [subprocess.Popen([dagster, "asset", "materialize", "-m", "baliza_assets.definitions",
                                   "--select", "group:raw or group:details or group:staging", "--partition",
                                   d.isoformat()],
                                  env=env, stdout=subprocess.DEVNULL, stderr=log.open("w"))
                 for d, log in zip(days, logs)]
        for p in procs:
            p.wait(timeout=600)
    for p, log in zip(procs, logs):
        text = log.read_text()
        assert p.returncode == 0, text[-3000:]
        assert "Conflicting lock" not in text and "Could not set lock" not in text
    assert any("Step blocked by limit for pool" in log.read_text() for log in logs), "the pools never engaged"
    assert sandbox.stats.max_inflight["consulta"] <= 6, sandbox.stats.max_inflight
    assert sandbox.stats.total("consulta", 429) == 0, "the two runs together went over PNCP's limit"
    for d in days:
        assert_day_matches(world, tmp_path / "baliza.duckdb", d)
