"""What runs without anyone clicking: the update-feed sensor, the CDC automation and the daily schedule."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta

import dagster as dg
import pytest

from baliza_assets.definitions import PARTITIONED, defs
from baliza_assets.defs.cdc.sensors import update_feed_refresh
from baliza_assets.defs.schedules import daily_harvest
from baliza_assets.sandbox import Sandbox
from baliza_assets.sandbox.faults import Faults

from .conftest import DAY
from .pipeline import materialize, query, resources

FEED = dg.AssetSelection.assets(["raw", "atualizacoes"], ["raw", "atas"], ["cdc", "update_feed"])
CONTRATOS = dg.AssetSelection.assets(["raw", "contratos"], ["staging", "contratos"], ["cdc", "contratos"])


def at_end_of(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time())


def feed_days(world, day: date) -> dict[date, set[str]]:
    """The sandbox's truth: publication days (other than ``day``) of records updated on ``day``."""
    out: dict[date, set[str]] = {}
    for entity in ("contratacoes", "contratos"):
        for rec in world.updated(entity, day):
            published = date.fromisoformat(rec["dataPublicacaoPncp"][:10])
            if published != day:
                out.setdefault(published, set()).add(entity)
    return out


def evaluate(instance, cursor=None) -> dg.SensorResult:
    return update_feed_refresh(dg.build_sensor_context(instance=instance, cursor=cursor))


def test_the_sensor_requests_exactly_the_publication_days_the_feed_touched(world, serve, tmp_path):
    with dg.instance_for_test() as instance, serve(Sandbox(world, Faults())) as ep:
        assert materialize(resources(ep, tmp_path), instance, DAY, selection=FEED).success
        first = evaluate(instance)
        again = evaluate(instance, first.cursor)
        replay = evaluate(instance)
    expected = feed_days(world, DAY)
    assert len(expected) > 3
    got = {date.fromisoformat(r.partition_key): set(r.tags["baliza/entities"].split(",")) for r in first.run_requests}
    assert got == expected
    assert len(first.run_requests) == len(expected), "one run per publication day"
    for request in first.run_requests:
        keys = {k.to_user_string() for k in request.asset_selection}
        assert ("cdc/contratos" in keys) == ("contratos" in request.tags["baliza/entities"])
        assert ("raw/itens" in keys) == ("contratacoes" in request.tags["baliza/entities"])
        assert "raw/atas" not in keys and "cdc/update_feed" not in keys
    assert not again.run_requests and again.cursor == first.cursor, "the cursor moved past the feed"
    assert [r.run_key for r in replay.run_requests] == [r.run_key for r in first.run_requests], "idempotent keys"


def test_a_feed_driven_refresh_captures_the_amendments(world, serve, tmp_path):
    """Capture a publication day, let time pass, materialize the feed of a later day, run what the
    sensor asks for: the change log of that day holds every record the feed reported."""
    update_day = DAY + timedelta(days=20)
    world.set_now(at_end_of(update_day))
    touched = Counter(date.fromisoformat(r["dataPublicacaoPncp"][:10]) for r in world.updated("contratos", update_day))
    published = max((d for d in touched if d <= update_day - timedelta(days=3)), key=lambda d: touched[d])
    with dg.instance_for_test() as instance, serve(Sandbox(world, Faults())) as ep:
        res = resources(ep, tmp_path)
        world.set_now(at_end_of(published + timedelta(days=1)))
        assert materialize(res, instance, published, selection=CONTRATOS).success
        world.set_now(at_end_of(update_day))
        assert materialize(res, instance, update_day, selection=FEED).success
        result = evaluate(instance)
        request = next(r for r in result.run_requests if r.partition_key == published.isoformat())
        assert dg.AssetKey(["cdc", "contratos"]) in request.asset_selection
        run = materialize(res, instance, published, selection=dg.AssetSelection.assets(*request.asset_selection))
        assert run.success
    db = tmp_path / "baliza.duckdb"
    reported = {r[0] for r in query(db, "SELECT record_key FROM cdc.update_feed WHERE entity = 'contratos' "
                                        "AND publication_date = ? AND partition_date = ?", [published, update_day])}
    changed = dict(query(db, "SELECT numero_controle_pncp, op FROM cdc.contratos_changes WHERE partition_date = ?",
                         [published]))
    assert len(reported) == touched[published]
    assert reported <= {k for k, op in changed.items() if op == "U"}


def test_cdc_follows_a_staging_partition_materialized_on_its_own(world, serve, tmp_path):
    staging_only = dg.AssetSelection.assets(["raw", "contratos"], ["staging", "contratos"])
    earlier = DAY - timedelta(days=30)  # not the latest partition: eager() alone would ignore it
    with dg.instance_for_test() as instance, serve(Sandbox(world, Faults())) as ep:
        res = resources(ep, tmp_path)
        cursor = dg.evaluate_automation_conditions(defs=defs, instance=instance).cursor
        assert materialize(res, instance, earlier, selection=staging_only).success
        result = dg.evaluate_automation_conditions(defs=defs, instance=instance, cursor=cursor)
        assert result.get_requested_partitions(dg.AssetKey(["cdc", "contratos"])) == {earlier.isoformat()}
        requested = {k for k in map(dg.AssetKey, (["cdc", "contratos"], ["cdc", "contratacoes"], ["marts", "supplier_profiles"],
                                                   ["marts", "buyer_profiles"], ["marts", "item_price_references"]))
                     if result.get_num_requested(k)}
        assert requested == {dg.AssetKey(["cdc", "contratos"]), dg.AssetKey(["marts", "supplier_profiles"]),
                             dg.AssetKey(["marts", "buyer_profiles"])}, "what reads staging.contratos, no more"
        assert result.total_requested == 3
        # Once captured (as the automation sensor's run would), nothing more is requested.
        assert materialize(res, instance, earlier, selection=dg.AssetSelection.assets(["cdc", "contratos"])).success
        assert dg.evaluate_automation_conditions(defs=defs, instance=instance,
                                                 cursor=result.cursor).get_num_requested(
            dg.AssetKey(["cdc", "contratos"])) == 0
    assert query(tmp_path / "baliza.duckdb", "SELECT kind FROM cdc.snapshots WHERE entity = 'contratos'") == [("full",)]


def test_the_daily_harvest_requests_the_trailing_window_as_one_run(monkeypatch):
    schedule = daily_harvest(PARTITIONED)
    when = datetime(2025, 7, 12, 6, 0)
    monkeypatch.setenv("BALIZA_REFRESH_DAYS", "5")
    request = schedule.evaluate_tick(dg.build_schedule_context(scheduled_execution_time=when)).run_requests[0]
    assert request.tags["dagster/asset_partition_range_start"] == "2025-07-07"
    assert request.tags["dagster/asset_partition_range_end"] == "2025-07-11"
    assert request.run_key == "daily:2025-07-07:2025-07-11"
    keys = {k.to_user_string() for k in request.asset_selection}
    assert {"raw/contratacoes", "raw/itens", "staging/atas", "cdc/update_feed", "cdc/itens", "marts/daily_spend"} <= keys
    assert "marts/supplier_profiles" not in keys, "unpartitioned marts rebuild on their own automation"
    monkeypatch.setenv("BALIZA_REFRESH_DAYS", "a week")
    with pytest.raises(dg.DagsterError) as failed:
        schedule.evaluate_tick(dg.build_schedule_context(scheduled_execution_time=when))
    assert "BALIZA_REFRESH_DAYS='a week': expected a whole number of days from 1 to 60" in str(failed.value.__cause__)


def updates_on(world, day: date) -> set[tuple]:
    return {(e, r["numeroControlePNCP"], r["dataAtualizacaoGlobal"], date.fromisoformat(r["dataPublicacaoPncp"][:10]))
            for e in ("contratacoes", "contratos") for r in world.updated(e, day)}


def test_a_feed_day_observed_again_requests_only_what_changed(world, serve, tmp_path):
    with dg.instance_for_test() as instance, serve(Sandbox(world, Faults())) as ep:
        res = resources(ep, tmp_path)
        assert materialize(res, instance, DAY, selection=FEED).success
        first = evaluate(instance)
        assert materialize(res, instance, DAY, selection=FEED).success  # the same feed, fetched again
        unchanged = evaluate(instance, first.cursor)
        before = updates_on(world, DAY)
        world.set_now(world.now + timedelta(days=30))  # some records updated on DAY get amended again later
        after = updates_on(world, DAY)
        assert materialize(res, instance, DAY, selection=FEED).success
        later = evaluate(instance, unchanged.cursor)
    assert first.run_requests and not unchanged.run_requests
    assert unchanged.skip_reason.skip_message == "no earlier publication day with new or changed updates"
    # Days whose records all moved to a later update day are that later feed day's to request.
    changed = ({published for *_, published in before ^ after} & {published for *_, published in after}) - {DAY}
    assert changed, "the scenario needs records amended again"
    got = {date.fromisoformat(r.partition_key) for r in later.run_requests}
    assert got == changed and got < {date.fromisoformat(r.partition_key) for r in first.run_requests}
