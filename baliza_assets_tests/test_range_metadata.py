"""In a range run (a backfill's days in one run) each partition records its own metadata: the same
figures three single-day runs of those days record, never the range's totals on every day."""

from __future__ import annotations

from datetime import timedelta

import dagster as dg
import pytest

from baliza_sandbox import Sandbox, profile

from .conftest import DAY
from .pipeline import materialize, resources, truth

pytestmark = pytest.mark.e2e

# The partitioned graph a backfill fills, without the sweeps: a sweep lists earlier days only in the
# daily work of one day, never in a range, so its metadata differs by design.
BACKFILLED = ((dg.AssetSelection.groups("raw", "staging", "cdc") | dg.AssetSelection.assets(["marts", "daily_spend"]))
              - dg.AssetSelection.assets(["raw", "sweeps"]))
# What a run shares (its days, the API's latency and limits), what names the run or the folder it wrote to,
# and what depends on the order pages arrived in (a preview's rows, a compressed file's size).
RUN_LEVEL = {"days", "seconds", "api_latency_p50_s", "api_latency_p95_s", "retries", "rate_limited_429", "concurrency",
             "lake_uri", "lake_files", "preview", "compressed_bytes"}


def _by_partition(result: dg.ExecuteInProcessResult) -> dict[tuple[str, str], dict]:
    out = {}
    for ev in result.get_asset_materialization_events():
        mat = ev.step_materialization_data.materialization
        out[(mat.asset_key.to_user_string(), mat.partition)] = {
            k: v.value for k, v in mat.metadata.items()
            if k not in RUN_LEVEL and not k.endswith(("_concurrency_limit", "_throughput_rps"))}
    return out


def test_each_partition_of_a_range_run_records_its_own_metadata(world, serve, tmp_path):
    days = [DAY - timedelta(days=1), DAY, DAY + timedelta(days=1)]
    with serve(Sandbox(world, profile("none"))) as ep, dg.instance_for_test() as ranged, \
            dg.instance_for_test() as single:
        in_range = materialize(resources(ep, tmp_path / "range"), ranged, days[0], days[-1], selection=BACKFILLED)
        alone = {}
        for day in days:  # in order, as the range runs them
            alone |= _by_partition(materialize(resources(ep, tmp_path / "single"), single, day, selection=BACKFILLED))
        logs = [e.message for e in ranged.all_logs(in_range.run_id)]
    got = _by_partition(in_range)

    assert {p for _, p in got} == {d.isoformat() for d in days}
    assert got.keys() == alone.keys()
    for key, meta in alone.items():
        assert got[key] == meta, f"{key}: the range run's metadata differs from a single-day run's"
    for day in days:
        expected = {t: len(keys) for t, keys in truth(world, day).items()}
        assert got[("raw/contratacoes", day.isoformat())]["records"] == expected["contratacoes"]
        assert got[("staging/resultados", day.isoformat())]["rows_by_source"]["details"] == expected["resultados"]
    assert len({got[("raw/contratacoes", d.isoformat())]["records"] for d in days}) == 3, "each day its own count"
    assert any("raw/contratacoes: 3/3 days done" in m for m in logs), "the range's progress reaches its end"
