"""The summary of a day, read from a warehouse the real pipeline built for one fresh day, against the
sandbox's ground truth."""

from __future__ import annotations

from datetime import timedelta

import pytest

from baliza_assets.cli import summary
from baliza_assets.defs.raw.updates import SweepConfig
from baliza_assets.lib.staging.sources import SOURCES
from baliza_sandbox import Sandbox, profile

from .conftest import DAY
from .pipeline import KEY_SQL, materialize, query, resources, truth

pytestmark = pytest.mark.e2e

LISTED = {"contratacoes": "numeroControlePNCP", "contratos": "numeroControlePNCP", "atas": "numeroControlePNCPAta"}


def _first_seen_truth(world) -> dict[str, set]:
    """The records the day's listings show, as the sandbox holds them: the publication listing of the
    day (not for atas, listed by update only), the update feed of the day and the sweep's update feed
    of ``late_feed_days`` before (a fresh warehouse has no archived publication day to sweep)."""
    late = DAY - timedelta(days=SweepConfig().late_feed_days)
    out = {}
    for entity, key in LISTED.items():
        rows = [*world.updated(entity, DAY), *world.updated(entity, late)]
        if entity != "atas":
            rows += world.published(entity, DAY)
        out[entity] = {r[key] for r in rows}
    return out


def test_summary_of_a_fresh_day(world, serve, tmp_path, instance, monkeypatch, capsys):
    with serve(Sandbox(world, profile("none"))) as ep:
        assert materialize(resources(ep, tmp_path), instance, DAY).success
    db = tmp_path / "catalog.sqlite"
    monkeypatch.setenv("BALIZA_CATALOG", str(db))
    monkeypatch.setenv("BALIZA_LAKE", str(tmp_path / "lake"))
    capsys.readouterr()
    assert summary.main([DAY.isoformat()]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == f"Warehouse {db}, day {DAY}"
    lines = set(printed)

    # staging: the day's rows per table and source; its primary source's are the sandbox's records of the day
    expected = {t: len(keys) for t, keys in truth(world, DAY).items()}
    assert (f"staging: rows of partition {DAY} per table (one per record and source that showed it), and the "
            "records refused") in lines
    for table, n in expected.items():
        line = next(x for x in printed if x.startswith(f"  {table:<24} "))
        by_source = dict(query(db, f"SELECT source, count(*) FROM staging.{table} WHERE partition_date = ? GROUP BY 1",
                               [DAY]))
        assert by_source[SOURCES[table][0].name] == n, table
        assert line == f"  {table:<24} {sum(by_source.values()):>6} rows: " + ", ".join(
            f"{s} {k}" for s, k in sorted(by_source.items())), line
    assert f"  {'rejects':<24} {0:>6} rows (records refused by validation)" in lines

    # raw: the header names the partition and the units; every request of the day is counted once
    header = next(i for i, line in enumerate(printed) if line.startswith("raw: "))
    assert printed[header].startswith(f"raw: API requests archived in partition {DAY}, per raw table and endpoint")
    raw = printed[header + 1:printed.index(next(x for x in printed if x.startswith("staging: ")))]
    requests, = query(db, "SELECT count(*) FROM raw.api_requests WHERE partition_date = ?", [DAY])[0]
    assert sum(int(line.split()[2]) for line in raw) == requests
    assert all(line.split()[3] == "requests" and line.split()[5] == "records" for line in raw)

    # marts: the day's rows where the mart has a day, the whole table said so elsewhere
    spend, = query(db, "SELECT count(*) FROM marts.daily_spend WHERE data = ?", [DAY])[0]
    assert spend > 0
    assert f"  {'daily_spend':<24} {spend:>6} rows with data = {DAY}" in lines
    for table in ("item_price_references", "supplier_profiles", "buyer_profiles"):
        n, = query(db, f"SELECT count(*) FROM marts.{table}")[0]
        assert f"  {table:<24} {n:>6} rows (all days)" in lines, table

    # cdc: a first load records every record observed as first seen, nothing updated or deleted; one
    # line per entity however many sources observed it
    observed = dict(query(db, "SELECT entity, sum(rows) FROM cdc.snapshots WHERE partition_date = ? GROUP BY 1",
                          [DAY]))
    listed = _first_seen_truth(world)
    for entity in ("contratacoes", "contratos", "atas", "itens", "arquivos", "resultados"):
        rows = [line for line in printed if line.startswith(f"  {entity:<24} ") and "records observed" in line]
        assert len(rows) == 1, (entity, rows)
        seen = {k if len(k) > 1 else k[0] for k in query(
            db, f"SELECT {KEY_SQL[entity]} FROM cdc.{entity}_changes WHERE partition_date = ? AND op = 'I'", [DAY])}
        if entity in listed:
            assert seen == listed[entity], entity  # exactly the records the day's listings show
        else:
            assert truth(world, DAY)[entity] <= seen, entity  # the day's compras, and the updated ones' details
        current, = query(db, f"SELECT count(*) FROM cdc.{entity}_current")[0]
        assert len(seen) == current >= expected[entity]
        assert rows[0] == (f"  {entity:<24} {observed[entity]:>6} records observed in 1 capture: "
                           f"{current} first seen, 0 updated, 0 deleted"), entity


def test_summary_sums_the_captures_of_a_day(world, serve, tmp_path, instance, monkeypatch, capsys):
    """The day captured twice (the sandbox clock moved on between the runs, so the second capture
    changes something): one line per entity, the records observed and the changes of both captures
    summed, the changes by op exactly as the change log holds them."""
    with serve(Sandbox(world, profile("none"))) as ep:
        res = resources(ep, tmp_path)
        assert materialize(res, instance, DAY).success
        world.set_now(world.now + timedelta(days=20))
        assert materialize(res, instance, DAY).success
    db = tmp_path / "catalog.sqlite"
    monkeypatch.setenv("BALIZA_CATALOG", str(db))
    monkeypatch.setenv("BALIZA_LAKE", str(tmp_path / "lake"))
    capsys.readouterr()
    assert summary.main([DAY.isoformat()]) == 0
    printed = capsys.readouterr().out.splitlines()
    twice = []
    for entity in ("contratacoes", "contratos", "atas", "itens", "arquivos", "resultados"):
        ops = dict(query(db, f"SELECT op, count(*) FROM cdc.{entity}_changes WHERE partition_date = ? GROUP BY 1",
                         [DAY]))
        captures, observed = query(db, "SELECT count(*), sum(rows) FROM cdc.snapshots WHERE entity = ? "
                                       "AND partition_date = ?", [entity, DAY])[0]
        rows = [line for line in printed if line.startswith(f"  {entity:<24} ") and "records observed" in line]
        assert rows == [f"  {entity:<24} {observed:>6} records observed in {captures} capture"
                        f"{'' if captures == 1 else 's'}: {ops.get('I', 0)} first seen, {ops.get('U', 0)} updated, "
                        f"{ops.get('D', 0)} deleted"], entity
        twice += [entity] * (captures == 2)
    assert twice, "the second run changed nothing: the test does not sum two captures"
