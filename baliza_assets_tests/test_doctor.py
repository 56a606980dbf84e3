"""`baliza doctor`: every setting the runs read is validated as they would read it, PNCP is probed as the
harvest asks it, and pool slots held by runs that no longer run fail the check."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from dagster._core.events import DagsterEvent  # a run's start recorded with a pid: no public constructor
from dagster._core.test_utils import create_run_for_test

from baliza_assets.cli import doctor
from baliza_assets.defs.reaper import PROCESS_TAG
from baliza_assets.lib import warehouse
from baliza_assets.lib.lake import Lake
from baliza_assets.lib.processes import identity
from baliza_assets.settings import Settings, SettingsError
from baliza_sandbox import Sandbox, World
from baliza_sandbox.faults import Faults
from baliza_sandbox.server import running

from .conftest import DAY, NOW

LOCAL_INSTANCE = Path(__file__).parents[1] / "deploy" / "local" / "dagster.yaml"
VARIABLES = (*Settings.variables(), "DAGSTER_HOME")


def three_pages(now: datetime, weekend_factor: float = 0.2) -> World:
    """About 1,300 contratos a weekday: three pages of 500."""
    volume = replace(World(seed=7, volume="small").volume, contratos=1200, weekend_factor=weekend_factor)
    return World(seed=7, volume=volume, now=now)


@pytest.fixture(scope="module")
def sandbox():
    with running(Sandbox(three_pages(NOW), Faults())) as ep:
        yield ep


@pytest.fixture
def env(monkeypatch, tmp_path, sandbox):
    """A clean environment: PNCP is the sandbox, the warehouse and lake are under tmp_path, the rest unset."""
    for name in VARIABLES:
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)
    monkeypatch.setenv("PNCP_CONSULTA_URL", sandbox.consulta)
    monkeypatch.setenv("PNCP_DETAIL_URL", sandbox.detail)
    monkeypatch.setenv("BALIZA_CATALOG", str(tmp_path / "catalog.sqlite"))
    monkeypatch.setenv("BALIZA_LAKE", str(tmp_path / "lake"))
    return monkeypatch


def _doctor(today: date = NOW.date(), **probe) -> tuple[int, str]:
    """doctor as `baliza doctor` runs it on ``today`` (the sandbox's clock, never the wall clock's);
    ``probe_day=`` picks the day to probe."""
    out = io.StringIO()
    return doctor.run(Settings.from_env(strict=False), out, today=today, **probe), out.getvalue()


def test_a_memory_limit_duckdb_refuses_fails_doctor_naming_the_variable(env, tmp_path):
    env.setenv("BALIZA_DUCKDB_MEMORY_LIMIT", "abc")
    code, text = _doctor()
    assert code == 1 and "all checks passed" not in text
    assert "FAIL  configuration: BALIZA_DUCKDB_MEMORY_LIMIT='abc': DuckDB refuses it as memory_limit: " in text
    assert "Memory must have a number" in text
    # ... which is what staging would meet opening DuckDB with that limit, so the code location refuses it as it
    # loads, with the same words, and no run starts.
    with pytest.raises(duckdb.Error, match="Memory must have a number"), warehouse.connect(
            str(tmp_path / "catalog.sqlite"), Lake(str(tmp_path / "lake")), memory_limit="abc"):
        pass
    with pytest.raises(SettingsError, match="BALIZA_DUCKDB_MEMORY_LIMIT='abc': DuckDB refuses it as memory_limit: "
                                            "Parser Error: Memory must have a number"):
        Settings.from_env()
    env.setenv("BALIZA_DUCKDB_MEMORY_LIMIT", "1.5GB")
    code, text = _doctor()
    assert code == 0 and "all checks passed" in text, text


@pytest.mark.parametrize("name, value, reason", [
    ("PNCP_CONSULTA_URL", "pncp.gov.br/api/consulta", "expected an http:// or https:// URL with a host"),
    ("PNCP_DETAIL_URL", "ftp://pncp.gov.br/api/pncp", "expected an http:// or https:// URL with a host"),
    ("PNCP_CONSULTA_CONCURRENCY", "0", "expected a whole number above 0"),
    ("PNCP_DETAIL_CONCURRENCY", "8.5", "expected a whole number above 0"),
    ("PNCP_READ_TIMEOUT", "nan", "expected a positive number"),
    ("PNCP_TIME_SCALE", "-1", "expected a positive number"),
    ("BALIZA_DUCKDB_MEMORY_LIMIT", "80%", "DuckDB refuses it as memory_limit: Parser Error: Unknown unit for memory"),
    ("BALIZA_DUCKDB_MEMORY_LIMIT", "", "DuckDB refuses it as memory_limit: Parser Error: Memory must have a number"),
    ("BALIZA_DUCKDB_MEMORY_LIMIT", "-5GB", "a negative limit, which DuckDB takes as no limit at all: DuckDB would "
     "use 80% of the machine's memory, leaving too little to the rest of it; expected a size of at least 64MB, such "
     "as 512MB"),
    ("BALIZA_DUCKDB_MEMORY_LIMIT", "none", "means no limit at all: DuckDB would use 80% of the machine's memory"),
    ("BALIZA_DUCKDB_MEMORY_LIMIT", "1KB", "below the minimum of 64MB: DuckDB cannot hold a run's work in it, so "
     "every run would fail out of memory"),
    ("BALIZA_DUCKDB_MEMORY_LIMIT", "61MiB", "below the minimum of 64MB"),
    ("BALIZA_CATALOG", "/proc/nope/catalog.sqlite",
     "its folder /proc/nope cannot be created: /proc takes no new file or folder (No such file or directory)"),
    ("BALIZA_CATALOG", "/proc/catalog.sqlite",
     "its folder /proc cannot be written: /proc takes no new file or folder (No such file or directory)"),
    ("BALIZA_CATALOG", "/dev/null/catalog.sqlite", "its folder /dev/null cannot be created: /dev/null is not a folder"),
    ("BALIZA_CATALOG", "{tmp}", "is a directory; expected the path of the catalog's SQLite file"),
    ("BALIZA_CATALOG", "{tmp}/baliza.duckdb", "baliza.duckdb looks like a DuckDB file: DuckDB lets one process at a "
     "time open it; use a SQLite file (such as data/catalog.sqlite) or PostgreSQL"),
    ("BALIZA_CATALOG", "postgresql://db.example", "expected postgresql://USER:PASSWORD@HOST:PORT/DATABASE"),
    ("BALIZA_CATALOG", "postgresql://u:p@db.example:x/catalog", "the port of the PostgreSQL URL is not a number"),
    ("BALIZA_CATALOG", "mysql://db.example/catalog", "expected a SQLite file path or postgresql://"),
    ("BALIZA_LAKE", "gs://bucket/lake", "use a folder or s3://bucket/prefix"),
    ("BALIZA_LAKE", "s3://ab/lake", "the bucket name must have at least 3 characters"),
    ("BALIZA_CONSULTA_SHARE", "0", "expected the share of the API's capacity Baliza may use, above 0 and at most 1"),
    ("BALIZA_HARVEST_CRON", "every morning", "is not a cron schedule"),
    ("BALIZA_DETAIL_SHARE", "half", "expected the share of the API's capacity Baliza may use, above 0 and at most 1"),
    ("AWS_ENDPOINT_URL", "127.0.0.1:8333", "the S3 client refuses them: ValueError: Invalid endpoint: 127.0.0.1:8333"),
    ("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE",
     "PartialCredentialsError: Partial credentials found in explicit, missing: aws_secret_access_key"),
])
def test_every_setting_the_runs_read_is_validated(env, tmp_path, name, value, reason):
    value = value.format(tmp=tmp_path)
    if name.startswith("AWS_"):  # read only for a lake on S3; nothing listens on port 9
        env.setenv("BALIZA_LAKE", "s3://baliza/lake")
        env.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    env.setenv(name, value)
    code, text = _doctor()
    assert code == 1, text
    fails = [line for line in text.splitlines() if line.startswith("FAIL  configuration: ")]
    assert len(fails) == 1 and name in fails[0] and reason in fails[0], text
    assert "Traceback" not in text


@pytest.mark.parametrize("name, value, reason", [
    ("BALIZA_DUCKDB_MEMORY_LIMIT", "-5GB", "a negative limit, which DuckDB takes as no limit at all"),
    ("BALIZA_DUCKDB_MEMORY_LIMIT", "1KB", "below the minimum of 64MB"),
    ("BALIZA_CATALOG", "/proc/nope/catalog.sqlite", "its folder /proc/nope cannot be created"),
])
def test_the_code_location_refuses_what_doctor_refuses(env, name, value, reason):
    """The code location reads the variables with the same checks as it loads: it refuses, naming the variable
    and the reason doctor gives, and no run starts with the value."""
    env.setenv(name, value)
    _, text = _doctor()
    (fail,) = [line for line in text.splitlines() if line.startswith("FAIL  configuration: ")]
    with pytest.raises(SettingsError) as refused:
        Settings.from_env()
    assert str(refused.value) == fail.removeprefix("FAIL  configuration: ") and reason in str(refused.value)


def test_the_memory_limit_doctor_takes_runs_and_the_one_it_refuses_does_not(env, tmp_path):
    """1KB is refused because DuckDB cannot work in it; 64MB, the minimum, is taken and works."""
    env.setenv("BALIZA_DUCKDB_MEMORY_LIMIT", "64MB")
    code, text = _doctor()
    assert code == 0, text
    lake = Lake(str(tmp_path / "lake"))
    with warehouse.connect(str(tmp_path / "small.sqlite"), lake, memory_limit="64MB") as con:
        assert con.execute("SELECT count(*) FROM range(1000000)").fetchone() == (1000000,)
    with pytest.raises(duckdb.OutOfMemoryException, match="Out of Memory"):
        with warehouse.connect(str(tmp_path / "tiny.sqlite"), lake, memory_limit="1KB") as con:
            con.execute("SELECT count(*) FROM range(1000000)")


def test_probing_where_the_warehouse_goes_leaves_nothing_behind(env, tmp_path):
    """Whether the warehouse's folder can be created is probed by creating one beside it and removing it."""
    env.setenv("BALIZA_CATALOG", str(tmp_path / "new" / "folder" / "catalog.sqlite"))
    code, text = _doctor()
    assert code == 0, text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lake"]


def _contratos_asked(served: Sandbox) -> list[str]:
    return [k for k in served.requested if k.startswith("/api/consulta/v1/contratos")]


def _page_one(day: date) -> str:
    day = day.strftime("%Y%m%d")
    return f"/api/consulta/v1/contratos?dataInicial={day}&dataFinal={day}&pagina=1&tamanhoPagina=500"


def test_the_probe_asks_page_one_as_the_harvest_does_on_a_day_with_records(env):
    """The day before today has contratos: doctor checks page 1 of their listing with the harvest's page size
    and envelope checks, and fetches no further page."""
    today = date(2025, 7, 11)  # a Friday: the Thursday before it has records
    world = three_pages(datetime.combine(today, time(12)))
    yesterday = today - timedelta(days=1)
    records = len(world.published("contratos", yesterday))
    assert records > 1000
    served = Sandbox(world, Faults())
    with running(served) as ep:
        env.setenv("PNCP_CONSULTA_URL", ep.consulta)
        env.setenv("PNCP_DETAIL_URL", ep.detail)
        code, text = _doctor(today)
        assert code == 0, text
        assert (f"ok    pncp: consulta API {ep.consulta}: HTTP 200, contratos of {yesterday}: page 1 of 3, "
                f"{records:,} records (") in text
        assert _contratos_asked(served) == [_page_one(yesterday)]
        # Any other day can be probed.
        code, text = _doctor(today, probe_day=DAY)
        assert code == 0 and f"contratos of {DAY}: page 1 of " in text, text


@pytest.mark.parametrize("today", [date(2025, 7, 14), date(2025, 7, 13)], ids=["monday", "sunday"])
def test_on_a_monday_or_a_sunday_the_probe_finds_the_latest_day_with_records(env, today):
    """A weekend with nothing published proves nothing about listings: doctor goes back to the Friday."""
    world = three_pages(datetime.combine(today, time(12)), weekend_factor=0.0)
    friday = date(2025, 7, 11)
    quiet = [d for d in (date(2025, 7, 13), date(2025, 7, 12)) if d < today]
    assert all(not world.published("contratos", d) for d in quiet)
    records = len(world.published("contratos", friday))
    served = Sandbox(world, Faults())
    with running(served) as ep:
        env.setenv("PNCP_CONSULTA_URL", ep.consulta)
        env.setenv("PNCP_DETAIL_URL", ep.detail)
        code, text = _doctor(today)
        assert code == 0, text
        assert (f"contratos of {friday}: page 1 of 3, {records:,} records; the {len(quiet)} later day(s) had none, "
                f"{quiet[-1]}..{quiet[0]} (") in text, text
        assert _contratos_asked(served) == [_page_one(d) for d in quiet + [friday]]


def test_fourteen_days_without_records_fail_the_probe(env):
    world = World(seed=7, volume=replace(World(seed=7, volume="small").volume, contratos=0), now=NOW)
    with running(Sandbox(world, Faults())) as ep:
        env.setenv("PNCP_CONSULTA_URL", ep.consulta)
        env.setenv("PNCP_DETAIL_URL", ep.detail)
        code, text = _doctor()
        assert code == 1, text
        first, last = NOW.date() - timedelta(days=14), NOW.date() - timedelta(days=1)
        assert f"FAIL  pncp: consulta API {ep.consulta}: no contratos on any of the 14 days {first}..{last}" in text


def test_doctor_leaves_nothing_in_the_lake(env, tmp_path):
    code, text = _doctor()
    assert code == 0, text
    assert [p.name for p in (tmp_path / "lake").iterdir()] == [], "no empty _doctor/ folder left behind"


def _started(instance: dg.DagsterInstance, pid: int) -> str:
    """A run recorded as started by ``pid``, with the process identity the code location's executor records."""
    tags = {PROCESS_TAG: identity(pid)} if identity(pid) else {}
    run = create_run_for_test(instance, job_name="__ASSET_JOB", status=dg.DagsterRunStatus.STARTING, tags=tags)
    instance.report_dagster_event(DagsterEvent(dg.DagsterEventType.RUN_START.value, "__ASSET_JOB", pid=pid), run.run_id)
    return run.run_id


def _dead_pid() -> int:
    proc = subprocess.Popen(["sleep", "60"])
    proc.kill()
    proc.wait()
    return proc.pid


def test_slots_held_by_runs_that_no_longer_run_fail_doctor(env, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(LOCAL_INSTANCE, home / "dagster.yaml")
    env.setenv("DAGSTER_HOME", str(home))
    with dg.DagsterInstance.get() as instance:
        live = _started(instance, os.getpid())
        gone = _started(instance, _dead_pid())
        ended = _started(instance, os.getpid())
        instance.report_run_failed(instance.get_run_by_id(ended))
        for key, run_id in (("pncp_consulta", live), ("pncp_detail", gone), ("duckdb_writer", ended)):
            assert instance.event_log_storage.initialize_concurrency_limit_to_default(key)
            assert instance.event_log_storage.claim_concurrency_slot(key, run_id, f"step_of_{key}").is_claimed
        # The dead run also had a step queued behind the live run's slot.
        assert not instance.event_log_storage.claim_concurrency_slot("pncp_consulta", gone, "queued").is_claimed
        code, text = _doctor()
        assert code == 1, text
        assert ("ok    dagster: pools: duckdb_writer 1/1 slots occupied; pncp_consulta 1/1 slots occupied, "
                "1 step(s) waiting; pncp_detail 1/1 slots occupied") in text
        fails = [line for line in text.splitlines() if line.startswith("FAIL  dagster: ")]
        assert len(fails) == 2, text
        (held_by_gone,) = [f for f in fails if gone in f]
        assert ("holds 1 pool slot(s), pncp_detail (step_of_pncp_detail) and has 1 step(s) queued for a pool, "
                "pncp_consulta (queued), but it is recorded as STARTED while its process") in held_by_gone
        assert ("killed without a chance to record its end; the next run of this code location marks it failed and "
                "frees them before it claims a slot. Mark the run failed and free them: ") in held_by_gone
        assert f'report_run_failed(i.get_run_by_id("{gone}"))' in held_by_gone
        (held_by_ended,) = [f for f in fails if ended in f]
        assert "but it ended (FAILURE)" in held_by_ended and "run monitoring frees them 60 s after the run ended" \
            in held_by_ended and "no daemon is running now" in held_by_ended
        assert not any(live in f for f in fails), "a run whose process is alive holds its slot rightly"

        # The commands doctor prints free the slots.
        for line in fails:
            command = line.rsplit(": ", 1)[1]
            assert subprocess.run(command, shell=True, capture_output=True, timeout=120).returncode == 0
        assert instance.get_run_by_id(gone).status == dg.DagsterRunStatus.FAILURE
        code, text = _doctor()
        assert code == 0, text
        assert ("ok    dagster: pools: duckdb_writer 0/1 slots occupied; pncp_consulta 1/1 slots occupied; "
                "pncp_detail 0/1 slots occupied") in text


def test_an_instance_that_never_frees_the_slots_of_ended_runs_fails_doctor(env, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / "dagster.yaml").write_text("concurrency:\n  pools:\n    default_limit: 1\ntelemetry:\n  enabled: false\n")
    env.setenv("DAGSTER_HOME", str(home))
    code, text = _doctor()
    assert code == 1
    assert "FAIL  dagster: run monitoring does not free the pool slots of runs that ended" in text, text
