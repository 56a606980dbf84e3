"""When PNCP fails mid-partition the run fails loudly, writes no partition, and a re-run resumes."""

from __future__ import annotations

from dataclasses import replace

import dagster as dg
import pytest

from baliza_assets.lib.lake import Lake
from baliza_sandbox import Sandbox, World
from baliza_sandbox.faults import ApiFaults, Faults

from .conftest import DAY
from .pipeline import materialize, query, resources

pytestmark = pytest.mark.e2e

CONTRATOS = dg.AssetSelection.assets(["raw", "contratos"], ["staging", "contratos"])


def test_failure_mid_partition_then_resume(world, serve, tmp_path, instance):
    big = World(seed=world.seed, volume=replace(world.volume, contratos=2600), now=world.now)  # 6 pages of 500
    broken = Faults(consulta=ApiFaults(rates={"500_text": 1.0}, repeats=None, deep_page=3, slow_error_seconds=0.0))
    with serve(Sandbox(big, broken)) as ep:
        failed = materialize(resources(ep, tmp_path, max_attempts=2), instance, DAY, selection=CONTRATOS,
                             raise_on_error=False)
    assert not failed.success
    failure = failed.get_step_failure_events()[0].step_failure_data.error
    text = failure.message + "".join(str(c.message) for c in (failure.cause,) if c)
    assert "raw/contratos 2025-07-10" in text and "re-execution resumes" in text
    assert "Erro na comunicação com o banco de dados" in text

    lake = Lake(str(tmp_path / "lake"))
    assert not lake.exists("raw/contratos", DAY), "a failed fetch must not leave a partition that looks complete"
    pending = lake.scan_pending("raw/contratos", DAY).collect()
    assert sorted(pending["numero_pagina"].to_list()) == [1, 2]
    assert not (tmp_path / "catalog.sqlite").exists() or not query(
        tmp_path / "catalog.sqlite",
        "SELECT * FROM duckdb_tables() WHERE schema_name = 'staging' AND table_name = 'contratos'")

    healthy = Sandbox(big, Faults())
    with serve(healthy) as ep:
        again = materialize(resources(ep, tmp_path), instance, DAY, selection=CONTRATOS)
    assert again.success
    assert healthy.stats.total("consulta", 200) == 4, "pages 1 and 2 were archived already and must not be refetched"
    meta = {ev.asset_key.to_user_string(): ev.step_materialization_data.materialization.metadata
            for ev in again.get_asset_materialization_events()}
    assert meta["raw/contratos"]["requests_resumed"].value == 2
    assert meta["raw/contratos"]["requests_fetched"].value == 4
    assert lake.exists("raw/contratos", DAY) and not lake.store.list("_pending/")
    got = query(tmp_path / "catalog.sqlite", "SELECT count(*), count(DISTINCT numero_controle_pncp) FROM staging.contratos")
    truth = len(big.published("contratos", DAY))
    assert truth > 2500 and got == [(truth, truth)]
