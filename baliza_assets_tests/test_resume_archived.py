"""A re-run fetches only what is not archived: the pending pages of a failed fetch, and the partitions a run
that did not finish promoted, are taken as they are. A day a successful run finished, or whose check failed,
is fetched again when materialized again."""

from __future__ import annotations

import json
import uuid
from collections import Counter
from dataclasses import replace

import dagster as dg
import polars as pl
import pytest

from baliza_assets.lib import archive
from baliza_assets.lib.lake import Lake, S3Settings
from baliza_sandbox import Sandbox, World
from baliza_sandbox.faults import Faults

from .archived import DAY_TABLES, MODALIDADES, archived_requests, asked_since, pages, pending_counts, request_of, rows
from .conftest import DAY
from .pipeline import materialize, resources

pytestmark = pytest.mark.e2e

DAY_OF_PUBLICATIONS = dg.AssetSelection.assets(*(t.split("/") for t in DAY_TABLES))


def metadata(result: dg.ExecuteInProcessResult) -> dict[str, dict]:
    return {ev.asset_key.to_user_string(): {k: v.value for k, v in ev.step_materialization_data.materialization.metadata.items()}
            for ev in result.get_asset_materialization_events()}


def busiest_itens(lake: Lake) -> str:
    """The itens request of the compra with the most resultados: withheld, it holds them back too."""
    compras = Counter(json.loads(c)["compra"] for c in lake.read("raw/resultados", DAY)["context"])
    compra = compras.most_common(1)[0][0]
    itens = lake.read("raw/itens", DAY).filter(pl.col("context").str.contains(compra, literal=True))
    return request_of(itens["url"][0])


def test_a_rerun_fetches_only_what_a_failed_run_did_not_archive(world, serve, tmp_path):
    """The details fail on one compra: the run fails after its listings were promoted and most details were
    archived as pending. The re-run asks only for the rest (and the modalidades table its plan reads)."""
    sandbox = Sandbox(world, Faults())
    with serve(sandbox) as ep:
        with dg.instance_for_test() as instance:  # a clean run on its own lake: what the day asks for and holds
            before = Counter(sandbox.requested)
            assert materialize(resources(ep, tmp_path / "clean"), instance, DAY, selection=DAY_OF_PUBLICATIONS).success
            clean_asks = asked_since(sandbox.requested, before)
        clean = Lake(str(tmp_path / "clean" / "lake"))
        withheld = busiest_itens(clean)

        lake = Lake(str(tmp_path / "lake"))
        with dg.instance_for_test() as instance:
            sandbox.withheld.add(withheld)  # an empty body, every time
            failed = materialize(resources(ep, tmp_path, max_attempts=2), instance, DAY,
                                 selection=DAY_OF_PUBLICATIONS, raise_on_error=False)
            assert not failed.success
            assert lake.exists("raw/contratacoes", DAY) and not lake.exists("raw/itens", DAY)
            archived, pending = archived_requests(lake, DAY), pending_counts(lake, DAY)
            assert withheld not in archived and pending["raw/itens"] > 0
            listing_pages = len(lake.read("raw/contratacoes", DAY))

            sandbox.withheld.clear()
            before = Counter(sandbox.requested)
            again = materialize(resources(ep, tmp_path), instance, DAY, selection=DAY_OF_PUBLICATIONS)
            asks = asked_since(sandbox.requested, before)

    assert again.success
    missing = set(clean_asks) - archived
    assert withheld in missing and len(missing) > 1, "the resultados of the withheld itens were not archived either"
    assert asks == Counter(missing | {MODALIDADES}), "the re-run asked for something already archived"
    meta = metadata(again)
    assert (meta["raw/contratacoes"]["requests_resumed"], meta["raw/contratacoes"]["requests_fetched"]) == (listing_pages, 0)
    for table in DAY_TABLES[1:]:
        assert meta[table]["requests_resumed"] == pending[table], table
        assert meta[table]["requests_fetched"] == meta[table]["requests"] - pending[table], table
    for table in DAY_TABLES:
        assert pages(lake, table, DAY) == pages(clean, table, DAY), f"{table} differs from a clean run's"
    assert not lake.store.list("_pending/")


def test_a_day_a_successful_run_archived_is_fetched_again(world, serve, tmp_path, instance):
    sandbox = Sandbox(world, Faults())
    selection = dg.AssetSelection.assets(["raw", "contratos"])
    with serve(sandbox) as ep:
        first = materialize(resources(ep, tmp_path), instance, DAY, selection=selection)
        before = Counter(sandbox.requested)
        again = materialize(resources(ep, tmp_path), instance, DAY, selection=selection)
        asks = asked_since(sandbox.requested, before)
    assert first.success and again.success
    meta = metadata(again)["raw/contratos"]
    assert meta["requests_resumed"] == 0 and meta["requests_fetched"] == meta["requests"] == sum(asks.values()) > 0


def test_a_day_whose_check_failed_is_fetched_again(world, serve, tmp_path, instance):
    """A run whose reconciliation failed did not finish, but what it archived is wrong: `baliza retry-failed`
    relaunches it to be fetched again, not resumed."""
    big = World(seed=world.seed, volume=replace(world.volume, contratos=2600), now=world.now)  # 6 pages of 500
    sandbox = Sandbox(big, Faults())
    vanished = "/api/consulta/v1/contratos?dataInicial=20250710&dataFinal=20250710&pagina=3&tamanhoPagina=500"
    selection = (dg.AssetSelection.assets(["raw", "contratos"], ["staging", "contratos"])
                 | dg.AssetSelection.checks_for_assets(["raw", "contratos"]))
    with serve(sandbox) as ep:
        sandbox.dropped.add(vanished)
        failed = materialize(resources(ep, tmp_path), instance, DAY, selection=selection, raise_on_error=False)
        assert not failed.success
        assert not next(e for e in failed.get_asset_check_evaluations() if e.check_name == "reconciliation").passed
        sandbox.dropped.clear()
        before = Counter(sandbox.requested)
        again = materialize(resources(ep, tmp_path), instance, DAY, selection=selection)
        asks = asked_since(sandbox.requested, before)
    assert again.success
    assert next(e for e in again.get_asset_check_evaluations() if e.check_name == "reconciliation").passed
    assert asks[vanished] == 1 and sum(asks.values()) == 6
    assert metadata(again)["raw/contratos"]["requests_resumed"] == 0


def test_a_partition_is_taken_back_once_on_s3(s3_server):
    bucket = f"baliza-{uuid.uuid4().hex[:8]}"
    s3_server.client().create_bucket(Bucket=bucket)
    lake = Lake(f"s3://{bucket}/lake", S3Settings(s3_server.endpoint_url, s3_server.access_key_id,
                                                  s3_server.secret_access_key, s3_server.region))
    lake.write_pending("raw/itens", DAY, rows([1, 2, 3]))
    lake.promote("raw/itens", DAY, archive.SCHEMA)
    assert lake.reopen("raw/itens", DAY) == 3
    assert lake.reopen("raw/itens", DAY) == 0
    lake.write_pending("raw/itens", DAY, rows([4]))
    lake.promote("raw/itens", DAY, archive.SCHEMA)
    assert lake.read("raw/itens", DAY).sort("request_id").equals(rows([1, 2, 3, 4]).sort("request_id"))
    assert not lake.store.list("_pending/")
