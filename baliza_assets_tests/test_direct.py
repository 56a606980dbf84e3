"""The fast tier's direct invocations: an asset called as a function with its context and resources,
the lake IO manager loading what it wrote, a drift check on what the asset recorded. No Dagster run,
no instance: what each piece does on its own."""

from __future__ import annotations

import dagster as dg
import polars as pl

from baliza_assets.defs.io_managers import LakeIOManager
from baliza_assets.defs.partitions import daily
from baliza_assets.defs.raw.assets import raw_contratos
from baliza_assets.defs.resources import LakeResource
from baliza_assets.defs.wiring import pncp_resource
from baliza_assets.lib import archive, drift
from baliza_assets.lib.frames import DayFrames
from baliza_assets.settings import Settings
from baliza_sandbox import Sandbox

from .conftest import DAY


def _fetch_contratos(world, serve, tmp_path) -> tuple[dg.MaterializeResult, LakeResource, Sandbox]:
    lake = LakeResource(location=str(tmp_path / "lake"))
    sandbox = Sandbox(world)
    with serve(sandbox) as ep:
        pncp = pncp_resource(Settings(consulta_url=ep.consulta, detail_url=ep.detail, time_scale=0.01, read_timeout=100.0))
        result = raw_contratos(dg.build_asset_context(partition_key=DAY.isoformat()), pncp=pncp, lake=lake)
    return result, lake, sandbox


def test_a_fetching_asset_owns_its_partition(world, serve, tmp_path):
    result, lake, sandbox = _fetch_contratos(world, serve, tmp_path)
    truth = {c["numeroControlePNCP"] for c in world.published("contratos", DAY)}
    store = lake.lake()
    got = {r["numeroControlePNCP"] for r in archive.records(store.read("raw/contratos", DAY), "contratos_publicacao")}
    assert got == truth
    pages = sandbox.stats.total("consulta", 200)
    assert result.metadata["requests"] == result.metadata["requests_fetched"] == result.metadata["lake_rows"] == pages
    assert result.metadata["records"] == len(truth)
    assert not store.store.list("_pending/"), "the pending pages became the partition"
    # and beside it, the fingerprints of what it archived, as the drift check reads them
    versions = store.read(drift.versions_table("raw/contratos"), DAY)
    assert versions["endpoint"].to_list() == ["contratos_publicacao"] and versions["records"].to_list() == [len(truth)]


def test_the_lake_io_manager_loads_a_day_as_the_asset_wrote_it(world, serve, tmp_path):
    _, lake, _ = _fetch_contratos(world, serve, tmp_path)
    manager = LakeIOManager(lake=lake)
    context = dg.build_input_context(asset_key=dg.AssetKey(["raw", "contratos"]), partition_key=DAY.isoformat(),
                                     asset_partitions_def=daily)
    frames = manager.load_input(context)
    assert isinstance(frames, DayFrames) and frames.days == [DAY]
    loaded = frames.lazy(DAY).collect()
    assert loaded.equals(lake.lake().read("raw/contratos", DAY))
    assert loaded["partition_date"].unique().to_list() == [DAY]
    assert loaded.schema == pl.Schema(archive.SCHEMA)
