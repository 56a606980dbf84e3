"""Readers of the lakehouse: never locked out while a run writes, never locking a run out, and able to read the
archive as it was at a snapshot, so a cited query gives the same rows after new days, amendments and deletions."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import dagster as dg
import pytest

from baliza_assets.cli import query as baliza_query
from baliza_assets.lib import warehouse
from baliza_assets.lib.lake import Lake
from baliza_assets.settings import Settings
from baliza_sandbox import Sandbox, World, profile
from baliza_sandbox.server import running

from .conftest import DAY
from .pipeline import CATALOG, materialize, query, resources
from .test_assets_parallel import LOCAL_INSTANCE
from .test_cdc_steady import BUSY, DAILY, FIRST, morning

pytestmark = pytest.mark.e2e

BIN = Path(sys.executable).parent
# What a reader asks meanwhile; the last is the snapshot it read. raw.api_requests reads the lake's files as
# they are when the query runs (the archive is not versioned by the warehouse): it is asked in the loop only.
READS = ("SELECT count(*) FROM staging.contratos", "SELECT count(*) FROM cdc.contratacoes_current",
         "SELECT count(*), sum(contratacoes) FROM marts.daily_spend", "SELECT id FROM baliza.current_snapshot()")
RAW = "SELECT count(*) FROM raw.api_requests"


def test_readers_during_a_day_and_a_long_read_across_its_writes(world, serve, tmp_path):
    """While a run materializes a day in its own process: a reader loop gets every answer (0 errors) and sees the
    run's commits land; a transaction opened before the run and held until it ends reads the same snapshot
    throughout, and the run succeeds."""
    catalog, lake = str(tmp_path / CATALOG), Lake(str(tmp_path / "lake"))
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(LOCAL_INSTANCE, home / "dagster.yaml")
    following = DAY + timedelta(days=1)
    with dg.instance_for_test() as instance, serve(Sandbox(world, profile("none"))) as ep:
        assert materialize(resources(ep, tmp_path), instance, DAY).success
        env = {**os.environ, "DAGSTER_HOME": str(home), "PNCP_CONSULTA_URL": ep.consulta,
               "PNCP_DETAIL_URL": ep.detail, "BALIZA_LAKE": str(tmp_path / "lake"), "BALIZA_CATALOG": catalog}
        env.pop("PNCP_TIME_SCALE", None)
        with warehouse.connect(catalog, lake, read_only=True) as long_read:
            long_read.execute("BEGIN TRANSACTION")
            before = [long_read.execute(sql).fetchall() for sql in READS]
            itens = long_read.execute("SELECT count(*) FROM staging.itens").fetchone()[0]
            cursor = long_read.cursor()  # and a result read a little at a time, across the run's writes
            held = cursor.execute("SELECT * FROM baliza.staging.itens")
            first_rows = held.fetchmany(10)
            log = tmp_path / "run.log"
            run = subprocess.Popen([str(BIN / "dagster"), "asset", "materialize", "-m", "baliza_assets.definitions",
                                    "--select", "*", "--partition", str(following)], env=env,
                                   stdout=subprocess.DEVNULL, stderr=log.open("w"))
            errors, seen, latencies = [], set(), []

            def reader_loop():
                while run.poll() is None:
                    t0 = time.monotonic()
                    try:
                        with warehouse.connect(catalog, lake, read_only=True) as con:
                            answers = [con.execute(sql).fetchall() for sql in (RAW, *READS)]
                        seen.add(answers[-1][0][0])
                    except Exception as e:  # every error counts: none may happen
                        errors.append(f"{type(e).__name__}: {e}")
                    latencies.append(time.monotonic() - t0)

            loop = threading.Thread(target=reader_loop)
            loop.start()
            try:
                assert run.wait(timeout=1800) == 0, log.read_text()[-3000:]
            finally:
                if run.poll() is None:
                    run.kill()
                loop.join()
            # the held transaction still reads the snapshot it began with, after every commit of the run
            assert [long_read.execute(sql).fetchall() for sql in READS] == before
            assert len(first_rows) + len(held.fetchall()) == itens > 10
            cursor.close()
            long_read.execute("COMMIT")
            after = [long_read.execute(sql).fetchall() for sql in READS]
    assert errors == [], errors[:5]
    assert len(seen) > 1, f"the reader loop saw one snapshot only ({seen}): it did not read while the run wrote"
    assert after[0][0][0] > before[0][0][0] and after[-1][0][0] > before[-1][0][0]
    published = "SELECT count(*) FROM staging.contratos WHERE partition_date = ? AND source = 'publication'"
    assert query(catalog, published, [following]) == [(len(world.published("contratos", following)),)]


def _cli(settings: Settings, sql: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "BALIZA_CATALOG": settings.catalog, "BALIZA_LAKE": settings.lake_location}
    return subprocess.run([str(BIN / "baliza"), "query", sql, "--format", "csv", *args], env=env,
                          capture_output=True, text=True, timeout=300)


def _run(sql: str, settings: Settings, as_of: str | None = None) -> str:
    out = io.StringIO()
    assert baliza_query.run(sql, settings, "csv", out, as_of=as_of) == 0
    return out.getvalue()


CITED = ("SELECT numero_controle_pncp, valor_total_estimado, situacao_compra_id, objeto_compra "
         "FROM cdc.contratacoes_current ORDER BY ALL")
PRICES = ("SELECT numero_controle_pncp_compra, numero_item, valor_unitario_homologado, fornecedor_ni, payload_sha256 "
          "FROM marts.price_evidence ORDER BY ALL")


def test_a_cited_query_gives_the_same_rows_as_of_its_snapshot(tmp_path):
    """A query cited with its snapshot (id or time) gives the rows it gave then, after new days, amendments and
    deletions landed, through `baliza query --as-of` as through the library."""
    world = World(seed=5, volume=BUSY, now=morning(FIRST), first_day=FIRST)
    with dg.instance_for_test() as instance, running(Sandbox(world)) as ep:
        res = resources(ep, tmp_path)
        settings = Settings(catalog=str(tmp_path / CATALOG), lake_location=str(tmp_path / "lake"))
        assert materialize(res, instance, FIRST, selection=DAILY).success
        assert materialize(res, instance, selection=dg.AssetSelection.assets(["marts", "price_evidence"])).success
        snapshot = _run("SELECT id FROM baliza.current_snapshot()", settings).splitlines()[1]
        cited_at = query(tmp_path / CATALOG, "SELECT snapshot_time FROM baliza.snapshots() WHERE snapshot_id = ?",
                         [int(snapshot)])[0][0]  # the time the cited snapshot was committed
        cited, prices = _run(CITED, settings), _run(PRICES, settings)
        assert len(cited.splitlines()) > 5 and len(prices.splitlines()) > 1
        keys = {line.split(",")[0] for line in cited.splitlines()[1:]}
        day = FIRST
        while True:  # days go by until a cited record was amended and another deleted
            day += timedelta(days=1)
            assert day < FIRST + timedelta(days=13), "the sandbox neither amended nor deleted a cited record"
            world.set_now(morning(day))
            assert materialize(res, instance, day, selection=DAILY).success
            changed = query(tmp_path / CATALOG, "SELECT DISTINCT op FROM cdc.contratacoes_changes WHERE "
                            "list_contains(?, numero_controle_pncp) AND op IN ('U', 'D')", [sorted(keys)])
            if {op for (op,) in changed} == {"U", "D"}:
                break
        assert materialize(res, instance, selection=dg.AssetSelection.assets(["marts", "price_evidence"])).success
    now = _run(CITED, settings)
    assert now != cited and set(now.splitlines()) - set(cited.splitlines()) and set(cited.splitlines()) - set(
        now.splitlines()), "new, amended and deleted records show today"
    assert _run(CITED, settings, as_of=snapshot) == cited
    assert _run(PRICES, settings, as_of=snapshot) == prices
    assert _run(CITED, settings, as_of=cited_at.isoformat()) == cited
    done = _cli(settings, CITED, "--as-of", snapshot)
    assert done.returncode == 0 and done.stdout.splitlines() == cited.splitlines(), done.stderr
    wrong = _cli(settings, CITED, "--as-of", "last tuesday")
    assert wrong.returncode == 2 and wrong.stderr.startswith(
        "baliza query: --as-of 'last tuesday': expected a snapshot id (a whole number, from baliza.snapshots()) "
        "or a timestamp"), wrong.stderr
    later = _cli(settings, CITED, "--as-of", "999999")
    assert later.returncode == 2 and "999999" in later.stderr, later.stderr


def test_as_of_is_read_only(tmp_path):
    """A warehouse read as it was cannot be written, whatever the caller asks."""
    catalog, lake = str(tmp_path / CATALOG), Lake(str(tmp_path / "lake"))
    with warehouse.connect(catalog, lake) as con:
        con.execute("CREATE TABLE t AS SELECT 1 AS x")
        version = con.execute("SELECT id FROM baliza.current_snapshot()").fetchone()[0]
        con.execute("INSERT INTO t VALUES (2)")
    with warehouse.connect(catalog, lake, as_of=warehouse.AsOf(version=version)) as con:
        assert con.execute("SELECT x FROM t").fetchall() == [(1,)]
        with pytest.raises(Exception, match="read-only"):
            con.execute("INSERT INTO t VALUES (3)")
    assert query(catalog, "SELECT x FROM t ORDER BY x") == [(1,), (2,)]
