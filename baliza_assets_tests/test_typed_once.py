"""Each archived page is decoded twice in a day's work, once to check it as it arrives and once to type it,
and each record is validated once: a day's three runs (harvest, update feed, sweep) counted against the
sandbox, with wrappers around every JSON decode. CDC then reads staging and nothing else from raw.

What is counted is the observation: an archive row (one request's answer) and a record of it. Two requests
may be answered byte-identical pages (a modalidade's publication listing of the day and its update feed,
when nothing older changed that day): one payload in two archive rows of two sources, each row decoded on
arrival and typed once, each record validated once per source that showed it."""

from __future__ import annotations

import hashlib
import importlib
import json
import shutil
from collections import Counter
from datetime import datetime, time, timedelta

import dagster as dg
import polars as pl
import pytest
from polars.expr.string import ExprStringNameSpace

from baliza_assets.defs.schedules import DAILY_WORK
from baliza_assets.lib.staging import ENTITIES
from baliza_assets.lib.staging import models as M
from baliza_assets.lib.staging.sources import SOURCES
from baliza_sandbox import Sandbox, World
from baliza_sandbox.server import running

from .conftest import DAY
from .pipeline import materialize, query, resources

pytestmark = pytest.mark.e2e

build = importlib.import_module("baliza_assets.lib.staging.build")  # the module (the package exports its function)
TYPED_ENDPOINTS = {s.endpoint for sources in SOURCES.values() for s in sources}


def morning(day):
    return datetime.combine(day + timedelta(days=1), time(6))


class Counting:
    """Every JSON decode of an archived payload (``json.loads`` by the sha256 of what it decodes, and the
    payloads the staging builder decodes), every polars JSON decode made elsewhere, and every record a
    pandera model validates (entity, payload sha256, key)."""

    def __init__(self, monkeypatch):
        self.loads, self.typed, self.validated, self.elsewhere = Counter(), Counter(), Counter(), 0
        inside = [False]
        real_loads, real_decode, real_json_decode = json.loads, build._decode, ExprStringNameSpace.json_decode

        def loads(s, *args, **kwargs):
            raw = bytes(s) if isinstance(s, (bytes, bytearray)) else s.encode() if isinstance(s, str) else b""
            self.loads[hashlib.sha256(raw).hexdigest()] += 1
            return real_loads(s, *args, **kwargs)

        def decode(entity, payloads, *args, **kwargs):
            self.typed.update(payloads["payload_sha256"].to_list())
            inside[0] = True
            try:
                return real_decode(entity, payloads, *args, **kwargs)
            finally:
                inside[0] = False

        def json_decode(namespace, *args, **kwargs):
            if not inside[0]:
                self.elsewhere += 1
            return real_json_decode(namespace, *args, **kwargs)

        monkeypatch.setattr(json, "loads", loads)
        monkeypatch.setattr(build, "_decode", decode)
        monkeypatch.setattr(ExprStringNameSpace, "json_decode", json_decode)
        for entity, model in M.MODELS.items():
            key, real = list(ENTITIES[entity].key), model.validate.__func__

            def validate(cls, frame, *args, _real=real, _entity=entity, _key=key, **kwargs):
                self.validated.update((_entity, *r) for r in frame.select("payload_sha256", *_key).iter_rows())
                return _real(cls, frame, *args, **kwargs)

            monkeypatch.setattr(model, "validate", classmethod(validate))


@pytest.fixture(scope="module")
def counted_day(tmp_path_factory):
    """The day before archived (uncounted), then DAY's three runs counted; yields (counts, root, res, instance)."""
    world, root = World(seed=7, volume="small", now=morning(DAY - timedelta(days=1))), tmp_path_factory.mktemp("once")
    harvest = DAILY_WORK[0].selection
    with pytest.MonkeyPatch.context() as monkeypatch, dg.instance_for_test() as instance:
        with running(Sandbox(world)) as ep:
            res = resources(ep, root)
            assert materialize(res, instance, DAY - timedelta(days=1), selection=harvest).success
            world.set_now(morning(DAY))
            counts = Counting(monkeypatch)
            for work in DAILY_WORK:  # in priority order, as the queue launches them
                assert materialize(res, instance, DAY, selection=work.selection).success, work.name
        monkeypatch.undo()
        yield counts, root, res, instance


def _archived(root) -> pl.DataFrame:
    """DAY's archived pages that hold records, every raw table."""
    return (pl.scan_parquet(str(root / "lake" / "raw" / "*" / f"date={DAY}" / "*.parquet"))
            .filter((pl.col("http_status") == 200) & (pl.col("records") > 0))
            .select("endpoint", "payload_sha256").collect())


def test_every_page_is_decoded_once_on_arrival_and_once_to_type_it(counted_day):
    counts, root, *_ = counted_day
    pages = _archived(root)
    assert set(pages["endpoint"]) >= TYPED_ENDPOINTS, "the day has pages of every source"
    rows = Counter(pages["payload_sha256"].to_list())
    typed = Counter(pages.filter(pl.col("endpoint").is_in(TYPED_ENDPOINTS))["payload_sha256"].to_list())
    assert {sha: counts.loads[sha] for sha in rows} == dict(rows), "one decode on arrival per page, no other"
    assert {sha: counts.typed[sha] for sha in rows} == {sha: typed[sha] for sha in rows}, "one typing decode per page"
    per_page = [(counts.loads[sha] + counts.typed[sha]) / n for sha, n in rows.items()]
    assert max(per_page) <= 2 and len(per_page) > 300
    assert counts.elsewhere == 0, "no JSON is decoded by polars outside the staging builder"


def test_a_payload_two_sources_archived_is_two_observations(counted_day):
    counts, root, *_ = counted_day
    pages = _archived(root).filter(pl.col("endpoint").is_in(TYPED_ENDPOINTS))
    twins = (pages.group_by("payload_sha256").agg(pl.col("endpoint").sort(), rows=pl.len())
             .filter(pl.col("rows") > 1))
    assert ["contratacoes_atualizacao", "contratacoes_publicacao"] in twins["endpoint"].to_list(), \
        "the day has a publication listing page the update feed answered byte for byte"
    rows = dict(twins.select("payload_sha256", "rows").iter_rows())
    assert {sha: (counts.loads[sha], counts.typed[sha]) for sha in rows} == {sha: (n, n) for sha, n in rows.items()}
    validated = Counter({k: n for k, n in counts.validated.items() if k[1] in rows})
    assert 2 in validated.values(), "a record of a payload two sources archived, validated for each of them"
    shown = Counter()
    for entity, spec in ENTITIES.items():
        shown.update((entity, *r) for r in query(
            root / "catalog.sqlite", f"SELECT payload_sha256, {', '.join(spec.key)} FROM staging.{entity} "
            "WHERE partition_date = ? AND payload_sha256 IN (SELECT unnest(?))", [DAY, list(rows)]))
    assert validated == shown


def test_every_staged_record_is_validated_once(counted_day):
    counts, root, *_ = counted_day
    staged = Counter()
    for entity, spec in ENTITIES.items():
        keys = ", ".join(spec.key)
        staged.update((entity, *r) for r in query(root / "catalog.sqlite", f"SELECT payload_sha256, {keys} FROM "
                                                  f"staging.{entity} WHERE partition_date = ?", [DAY]))
    rejected = query(root / "catalog.sqlite", "SELECT count(*) FROM staging.rejects WHERE partition_date = ?", [DAY])
    assert rejected == [(0,)]
    assert counts.validated == staged
    sources = dict(query(root / "catalog.sqlite", "SELECT source, count(*) FROM staging.contratos "
                                                 "WHERE partition_date = ? GROUP BY 1", [DAY]))
    assert set(sources) == {"publication", "update_feed", "sweep"} and min(sources.values()) > 0
    assert {s for (s,) in query(root / "catalog.sqlite", "SELECT DISTINCT source FROM staging.itens "
                                                        "WHERE partition_date = ?", [DAY])} == {"details",
                                                                                                 "targeted_details"}


def test_cdc_reads_staging_and_nothing_from_raw(counted_day):
    """With the raw archive gone, capturing the day again finds every observation already recorded."""
    _, root, res, instance = counted_day
    lake = root / "lake"
    shutil.move(lake / "raw", root / "raw_elsewhere")
    try:
        result = materialize(res, instance, DAY, selection=dg.AssetSelection.groups("cdc"))
    finally:
        shutil.move(root / "raw_elsewhere", lake / "raw")
    assert result.success
    meta = {e.asset_key.path[1]: e.materialization.metadata for e in result.get_asset_materialization_events()}
    assert set(meta) == set(ENTITIES)
    for entity, m in meta.items():
        observed = query(root / "catalog.sqlite", f"SELECT count(*) FROM staging.{entity} WHERE partition_date = ?",
                         [DAY])[0][0]
        assert (m["inserts"].value, m["updates"].value, m["deletes"].value) == (0, 0, 0), entity
        assert 0 < m["observed"].value <= observed, entity
