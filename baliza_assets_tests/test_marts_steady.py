"""The unpartitioned marts through the daily work, day after day on the sandbox clock, records amended,
backdated and deleted: each day's run applies that day's captures only, and after the last day the
kept marts are exactly what a full rebuild (the asset's ``full_rebuild`` config) makes, and what each
mart's defining query gives."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import dagster as dg
import pytest

from baliza_assets.definitions import ASSETS, CHECKS
from baliza_assets.defs.schedules import DAILY_WORK
from baliza_assets.lib.marts import queries
from baliza_sandbox import Sandbox, World
from baliza_sandbox.server import running
from baliza_sandbox.world import Lifetime, Volume

from .pipeline import CATALOG, materialize, query, resources

pytestmark = pytest.mark.e2e

FIRST = date(2025, 7, 1)
DAYS = 7
BUSY = Volume(contratacoes=14, contratos=18, atas=6, lifetimes={
    "contratacoes": Lifetime(0.8, ((1.0, 1, 20),)), "contratos": Lifetime(0.8, ((1.0, 1, 20),)),
    "atas": Lifetime(0.5, ((1.0, 1, 20),))}, delete_rate=0.06, backdate_rate=0.3)
DAILY = DAILY_WORK[0].selection | DAILY_WORK[1].selection | DAILY_WORK[2].selection
MARTS = ["price_evidence", "item_price_references", "supplier_profiles", "buyer_profiles"]
KEPT = dg.AssetSelection.assets(*[["marts", m] for m in MARTS])


def _metadata(result) -> dict[str, dict]:
    return {e.asset_key.path[-1]: {k: v.value for k, v in e.step_materialization_data.materialization.metadata.items()}
            for e in result.get_asset_materialization_events()}


def _rows(db, mart: str) -> list[tuple]:
    return sorted(query(db, f"SELECT * FROM marts.{mart}"), key=repr)


def test_kept_marts_apply_each_days_captures_and_equal_a_full_rebuild(tmp_path):
    world = World(seed=9, volume=BUSY, now=datetime.combine(FIRST + timedelta(days=1), time(6)), first_day=FIRST)
    db = tmp_path / CATALOG
    days = []
    with dg.instance_for_test() as instance, running(Sandbox(world)) as ep:
        res = resources(ep, tmp_path)
        for n in range(DAYS):
            day = FIRST + timedelta(days=n)
            world.set_now(datetime.combine(day + timedelta(days=1), time(6)))
            assert materialize(res, instance, day, selection=DAILY).success
            captures = query(db, "SELECT count(*) FROM cdc.snapshots WHERE entity IN "
                                 "('resultados', 'itens', 'contratacoes') AND partition_date = ?", [day])[0][0]
            days.append((captures, _metadata(materialize(res, instance, selection=KEPT))))
        kept = {m: _rows(db, m) for m in MARTS}
        rebuilt = dg.materialize([*ASSETS, *CHECKS], selection=KEPT, resources=res, instance=instance,
                                 run_config={"ops": {f"marts__{m}": {"config": {"full_rebuild": True}} for m in MARTS}})
    assert rebuilt.success
    first, *later = days
    assert {m: meta["upkeep"] for m, meta in first[1].items()} == dict.fromkeys(MARTS, "full")
    for captures, meta in later:
        assert meta["price_evidence"]["upkeep"] == "incremental"
        assert meta["price_evidence"]["captures_applied"] == captures, "a day's run applies that day's captures"
    changes = dict(query(db, "SELECT op, count(*) FROM (" + " UNION ALL ".join(
        f"SELECT op FROM cdc.{e}_changes" for e in ("contratacoes", "contratos", "itens", "resultados")) + ") GROUP BY op"))
    assert changes.get("U", 0) > 10 and changes.get("D", 0) > 0, f"the world amended and deleted records: {changes}"
    assert {m: _rows(db, m) for m in MARTS} == kept, "a full rebuild gives the rows the daily upkeep kept"
    assert all(kept[m] for m in MARTS)
    for mart in MARTS:
        differing = query(db, f"SELECT (SELECT count(*) FROM (SELECT * FROM marts.{mart} EXCEPT ALL "
                              f"SELECT * FROM ({queries.REFERENCES[mart]}))) + (SELECT count(*) FROM "
                              f"(SELECT * FROM ({queries.REFERENCES[mart]}) EXCEPT ALL SELECT * FROM marts.{mart}))")
        assert differing == [(0,)], mart
