"""A three-day range, launched from the CLI as one run, equals the ground truth day by day."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import dagster as dg
import pytest

from baliza_sandbox import Sandbox, profile

from .conftest import DAY
from .pipeline import assert_day_matches, query

pytestmark = pytest.mark.e2e

PARTITIONED = "group:raw or group:staging or group:cdc or key:marts/daily_spend"  # the README's range


def test_three_day_range_from_the_cli_in_one_run(world, serve, tmp_path):
    first, last = DAY - timedelta(days=1), DAY + timedelta(days=1)
    home = tmp_path / "dagster_home"
    home.mkdir()
    with serve(Sandbox(world, profile("real", 0.005))) as ep:
        env = {**os.environ, "DAGSTER_HOME": str(home), "PNCP_CONSULTA_URL": ep.consulta,
               "PNCP_DETAIL_URL": ep.detail, "PNCP_TIME_SCALE": "0.01", "BALIZA_LAKE": str(tmp_path / "lake"),
               "BALIZA_CATALOG": str(tmp_path / "catalog.sqlite")}
        done = subprocess.run(
            [str(Path(sys.executable).with_name("dagster")), "asset", "materialize", "-m", "baliza_assets.definitions",
             "--select", PARTITIONED, "--partition-range", f"{first}...{last}"],
            env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    for day in (first, DAY, last):
        assert_day_matches(world, tmp_path / "catalog.sqlite", day)
    spend = query(tmp_path / "catalog.sqlite", "SELECT data, sum(contratacoes) FROM marts.daily_spend GROUP BY 1 ORDER BY 1")
    assert [d for d, _ in spend] == [first, DAY, last]
    assert [n for _, n in spend] == [len(world.published("contratacoes", d)) for d in (first, DAY, last)]

    with dg.DagsterInstance.from_config(str(home)) as instance:
        runs = instance.get_runs()
        assert len(runs) == 1, "a range of daily partitions runs as one run"
        assert runs[0].tags["dagster/asset_partition_range_start"] == first.isoformat()
        mats = instance.fetch_materializations(dg.AssetKey(["raw", "itens"]), limit=10).records
        assert sorted(m.partition_key for m in mats) == [first.isoformat(), DAY.isoformat(), last.isoformat()]
