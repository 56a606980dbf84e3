"""A day's details in one pass: itens, arquivos and resultados fetched by one step under one limiter,
each still its own asset, selectable alone."""

from __future__ import annotations

import dagster as dg
import pytest

from baliza_sandbox import Sandbox

from .conftest import DAY
from .pipeline import materialize, resources, truth

pytestmark = pytest.mark.e2e

DETAIL_TABLES = ("raw/itens", "raw/arquivos", "raw/resultados")


def _materializations(result) -> dict:
    return {ev.asset_key.to_user_string(): ev for ev in result.get_asset_materialization_events()}


def test_the_three_detail_tables_come_from_one_step(world, serve, tmp_path, instance):
    sandbox = Sandbox(world)
    selection = dg.AssetSelection.assets(["raw", "contratacoes"], *[t.split("/") for t in DETAIL_TABLES])
    with serve(sandbox) as ep:
        result = materialize(resources(ep, tmp_path), instance, DAY, selection=selection)
    events = _materializations(result)
    assert {events[t].step_key for t in DETAIL_TABLES} == {"raw_details"}
    meta = {t: events[t].step_materialization_data.materialization.metadata for t in DETAIL_TABLES}
    # one limiter: the three tables report the same pass's detail-API figures
    assert len({meta[t]["detail_concurrency_limit"].value for t in DETAIL_TABLES}) == 1
    assert len({meta[t]["seconds"].value for t in DETAIL_TABLES}) == 1
    compras = world.published("contratacoes", DAY)
    with_result = sum(1 for c in compras for i in world.itens(c) if i["temResultado"])
    assert meta["raw/resultados"]["requests"].value == with_result > 0
    assert meta["raw/arquivos"]["requests"].value == len(compras)
    assert sandbox.stats.by_endpoint["resultados"] == with_result, "each result asked once"


def test_resultados_alone_read_the_archived_itens(world, serve, tmp_path, instance):
    first = dg.AssetSelection.assets(["raw", "contratacoes"], ["raw", "itens"])
    with serve(Sandbox(world)) as ep:
        materialize(resources(ep, tmp_path), instance, DAY, selection=first)
    sandbox = Sandbox(world)
    with serve(sandbox) as ep:
        result = materialize(resources(ep, tmp_path), instance, DAY, selection=dg.AssetSelection.assets(["raw", "resultados"]))
    events = _materializations(result)
    assert set(events) == {"raw/resultados"}
    compras = world.published("contratacoes", DAY)
    with_result = sum(1 for c in compras for i in world.itens(c) if i["temResultado"])
    assert sandbox.stats.by_endpoint["resultados"] == with_result
    assert sandbox.stats.by_endpoint["itens"] == 0 and sandbox.stats.by_endpoint["arquivos"] == 0
    records = events["raw/resultados"].step_materialization_data.materialization.metadata["records"].value
    assert records == len(truth(world, DAY)["resultados"]) == 230, "every result of the day archived"
