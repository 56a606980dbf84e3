"""The production deployment, as real processes on loopback: PostgreSQL (Dagster's instance, and the
warehouse's catalog in a database and role of its own), `dagster api grpc` serving baliza_assets,
`dagster-daemon run`, `dagster-webserver`, the lake and the warehouse's data on S3 (SeaweedFS) and the PNCP
sandbox: no file is shared between the processes. The daemon ticks the daily schedule and the update-feed sensor, which launch runs that
succeed; a backfill over a date range is launched through the webserver's GraphQL API and completes."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import uuid
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg
import pytest
import yaml
from dagster._core.remote_origin import GrpcServerCodeLocationOrigin
from dagster._core.scheduler.instigation import (
    InstigatorState,
    InstigatorStatus,
    InstigatorType,
    ScheduleInstigatorData,
)

from baliza_assets.cli import graphql
from baliza_assets.lib import warehouse
from baliza_assets.lib.lake import Lake, S3Settings
from baliza_sandbox import Sandbox, World
from baliza_sandbox.faults import Faults
from baliza_sandbox.server import running

from .pgserver import database_of_its_own, postgres
from .s3server import free_port
from .waiting import http_ok, wait

pytestmark = pytest.mark.e2e

DEPLOY = Path(__file__).parents[1] / "deploy"
PG_SECRET = f"pg-secret-{uuid.uuid4().hex[:12]}"
CATALOG_SECRET = f"catalog-secret-{uuid.uuid4().hex[:12]}"
BIN = Path(sys.executable).parent
BRASILIA = ZoneInfo("America/Sao_Paulo")
SCHEDULE = {"repositoryLocationName": "baliza_assets", "repositoryName": "__repository__"}
DAILY = ("daily_harvest", "daily_updates", "daily_sweep")
POOLS = ("pncp_consulta", "pncp_detail", *(f"cdc_{e}" for e in ("contratacoes", "contratos", "atas", "itens",
                                                                "arquivos", "resultados")))

TICKS = """
query Ticks($schedule: ScheduleSelector!, $automation: SensorSelector!) {
  scheduleOrError(scheduleSelector: $schedule) {
    ... on Schedule { scheduleState { status ticks(statuses: [SUCCESS], limit: 5) { status runIds } } }
  }
  automation: sensorOrError(sensorSelector: $automation) {
    ... on Sensor { sensorState { status ticks(limit: 5) { status } } }
  }
}"""

class Processes:
    def __init__(self, logs: Path, env: dict):
        self.logs, self.env, self.procs = logs, env, {}

    def start(self, name: str, args: list[str]) -> None:
        log = open(self.logs / f"{name}.log", "wb")
        self.procs[name] = subprocess.Popen(args, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True)

    def alive(self) -> None:
        for name, proc in self.procs.items():
            assert proc.poll() is None, f"{name} exited: {self.log(name)[-3000:]}"

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs.values():
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


@pytest.mark.slow
def test_the_deployed_daemon_runs_the_daily_schedules_automation_and_a_graphql_backfill(tmp_path, s3_server, monkeypatch):
    bucket = f"baliza-{uuid.uuid4().hex[:8]}"
    s3_server.client().create_bucket(Bucket=bucket)
    # The sandbox's clock: now in Brasília, so "yesterday" is whole whenever the schedule ticks.
    # The deployed daemon ticks its schedules on the machine's clock, so the sandbox's day follows it (every
    # assertion below is relative to it, any day of the week).
    started = datetime.now(timezone.utc)  # clock-ok
    now = (started - timedelta(hours=3)).replace(tzinfo=None)
    world = World(seed=11, volume="small", now=now)
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(DEPLOY / "production" / "dagster.yaml", home / "dagster.yaml")
    grpc_port, web_port = free_port(), free_port()
    workspace = yaml.safe_load((DEPLOY / "production" / "workspace.yaml").read_text())
    workspace["load_from"][0]["grpc_server"].update(host="127.0.0.1", port=grpc_port)
    (tmp_path / "workspace.yaml").write_text(yaml.safe_dump(workspace))
    web = f"http://127.0.0.1:{web_port}"

    with postgres(PG_SECRET) as pg, running(Sandbox(world, Faults())) as ep:
        catalog = database_of_its_own(pg, "baliza_catalog", CATALOG_SECRET)
        s3 = S3Settings(s3_server.endpoint_url, s3_server.access_key_id, s3_server.secret_access_key,
                        s3_server.region)
        tick = now.replace(second=0, microsecond=0) + timedelta(minutes=1)  # once a day, at that minute
        # The client keeps the real API's timeouts (PNCP_TIME_SCALE unset): the sandbox answers at once,
        # and a machine slow to answer is never taken for a hung API.
        env = {**os.environ, **pg.env(), **s3_server.env(), "DAGSTER_HOME": str(home),
               "PNCP_CONSULTA_URL": ep.consulta, "PNCP_DETAIL_URL": ep.detail,
               "BALIZA_LAKE": f"s3://{bucket}/lake", "BALIZA_CATALOG": catalog,
               "BALIZA_HARVEST_CRON": f"{tick.minute} {tick.hour} * * *", "BALIZA_ENV": "production"}
        env.pop("PNCP_TIME_SCALE", None)
        procs = Processes(tmp_path, env)
        try:
            procs.start("code", [str(BIN / "dagster"), "api", "grpc", "-m", "baliza_assets.definitions",
                                 "-h", "127.0.0.1", "-p", str(grpc_port)])
            wait("the code server", lambda: subprocess.run(
                [str(BIN / "dagster"), "api", "grpc-health-check", "-p", str(grpc_port)], env=env,
                capture_output=True).returncode == 0, 600)
            for name, value in pg.env().items():  # this process reads the same PostgreSQL instance
                monkeypatch.setenv(name, value)
            with dg.DagsterInstance.from_config(str(home)) as instance:
                for name in DAILY:
                    _declare_schedule_running_since(instance, grpc_port, name, started.timestamp())
            for pool in POOLS:  # as deploy/README.md says
                subprocess.run([str(BIN / "dagster"), "instance", "concurrency", "set", pool, "1"], env=env, check=True,
                               capture_output=True)
            procs.start("daemon", [str(BIN / "dagster-daemon"), "run", "-w", str(tmp_path / "workspace.yaml")])
            procs.start("webserver", [str(BIN / "dagster-webserver"), "-h", "127.0.0.1", "-p", str(web_port),
                                      "-w", str(tmp_path / "workspace.yaml")])
            wait("the webserver", lambda: http_ok(f"{web}/server_info"), 600)

            with dg.DagsterInstance.from_config(str(home)) as instance:
                # 1. The three daily schedules tick once, a minute after the test started (the daemon launches
                # that tick however late it came up), each with one run over yesterday, in priority order.
                def scheduled_runs():
                    procs.alive()
                    runs = {n: _runs(instance, {"dagster/schedule_name": n}) for n in DAILY}
                    return runs if all(runs.values()) else None

                until_tick = max(0.0, (tick - datetime.now(BRASILIA).replace(tzinfo=None)).total_seconds())  # clock-ok
                scheduled = wait("a run from each daily schedule", scheduled_runs, until_tick + 900)
                yesterday = date.fromisoformat(scheduled["daily_harvest"][0].tags["dagster/partition"])
                assert yesterday in (now.date() - timedelta(days=1), now.date()), "the day before the tick"
                assert {n: (r[0].tags["dagster/partition"], r[0].tags["dagster/priority"]) for n, r in scheduled.items()} \
                    == {"daily_harvest": (str(yesterday), "30"), "daily_updates": (str(yesterday), "20"),
                        "daily_sweep": (str(yesterday), "10")}
                for runs in scheduled.values():
                    _finished(instance, runs[0].run_id, procs)
                assert query(catalog, "SELECT count(*) FROM staging.contratos WHERE partition_date = ? AND "
                             "source = 'publication'", [yesterday], s3)[0][0] == len(world.published("contratos",
                                                                                                     yesterday))
                # The warehouse's data went to S3 (nothing on the machine's disk), and `baliza query` reads it from
                # the catalog's database, showing neither the catalog's password nor the S3 secret.
                keys = [o["Key"] for page in s3_server.client().get_paginator("list_objects_v2").paginate(
                    Bucket=bucket, Prefix="lake/warehouse/") for o in page.get("Contents", [])]
                assert all(k.endswith(".parquet") for k in keys), keys[:5]  # (small inserts stay in the catalog)
                assert query(catalog, "SELECT value FROM baliza.options() WHERE option_name = 'data_path'", [], s3) == [
                    (f"s3://{bucket}/lake/warehouse/",)]
                assert not list(tmp_path.rglob("*.sqlite")) and not list(tmp_path.rglob("*.duckdb"))
                shown = subprocess.run([str(BIN / "baliza"), "query", "--format", "csv",
                                        "SELECT (SELECT count(*) FROM staging.contratos) AS n, (SELECT string_agg("
                                        "coalesce(path, ''), ' ') FROM duckdb_databases()) AS paths, (SELECT "
                                        "string_agg(secret_string, ' ') FROM duckdb_secrets()) AS secrets"],
                                       env=env, capture_output=True, text=True, timeout=300)
                assert shown.returncode == 0, shown.stderr
                assert shown.stdout.splitlines()[1].split(",")[0] == str(query(catalog, "SELECT count(*) FROM "
                                                                                  "staging.contratos", [], s3)[0][0])
                assert CATALOG_SECRET not in shown.stdout and s3_server.secret_access_key not in shown.stdout
                assert "password=redacted" in shown.stdout and "secret=redacted" in shown.stdout

                # 2. The update feed cost what it changed: itens again for exactly the earlier compras it
                # reports, each with its own detail request, and their versions captured.
                changed = {r["numeroControlePNCP"] for r in world.updated("contratacoes", yesterday)
                           if r["dataPublicacaoPncp"][:10] < yesterday.isoformat()}
                lake = Lake(f"s3://{bucket}/lake", s3)
                asked = set(lake.read("raw/itens_updated", yesterday)["context"].str.json_path_match("$.compra"))
                assert changed and asked == changed
                # Every contratação published yesterday was inserted once, by whichever of the day's runs saw it
                # first (the publication listing, the update feed or the sweep: the runs share the pools).
                inserted = query(catalog, "SELECT numero_controle_pncp, source FROM cdc.contratacoes_changes WHERE "
                                 "op = 'I' AND partition_date = ?", [yesterday], s3)
                published = {r["numeroControlePNCP"] for r in world.published("contratacoes", yesterday)}
                firsts = [k for k, _ in inserted if k in published]
                assert sorted(firsts) == sorted(published), {s for _, s in inserted}

                # 3. A backfill over a date range, launched through GraphQL, completes.
                first, last = yesterday - timedelta(days=40), yesterday - timedelta(days=39)
                backfill = graphql.launch_backfill(web, [["raw", "contratos"], ["staging", "contratos"]],
                                                   [first.isoformat(), last.isoformat()], "deployment test")

                def backfill_done():
                    procs.alive()
                    status = graphql.backfill_status(web, backfill)
                    return None if status in ("REQUESTED", "CANCELING") else status

                status = wait("the backfill to finish", backfill_done, 1800)
                assert status in ("COMPLETED", "COMPLETED_SUCCESS"), status
                for day in (first, last):
                    assert query(catalog, "SELECT count(*) FROM staging.contratos WHERE partition_date = ? AND "
                                 "source = 'publication'", [day], s3)[0][0] == len(world.published("contratos", day))

                # 4. Staging partitions the backfill materialized without CDC are captured by the automation
                # sensor, in runs of their own that succeed.
                backfilled = {first, last}

                def automated_captures():
                    procs.alive()
                    runs = _runs(instance, {"dagster/sensor_name": "automation"})
                    failed = [r.run_id for r in runs if r.status == dg.DagsterRunStatus.FAILURE]
                    assert not failed, f"automation runs failed: {failed}"
                    return backfilled <= _captured(catalog, s3, yesterday, "contratos") or None

                wait("the automation sensor to capture the backfilled days", automated_captures, 1200)
                rows = query(catalog, "SELECT partition_date, rows FROM cdc.snapshots WHERE "
                             "entity = 'contratos' AND partition_date IN (?, ?)", [first, last], s3)
                assert set(rows) >= {(d, len(world.published("contratos", d))) for d in backfilled}

                # 5. The webserver shows the schedules and the automation sensor running, with ticks that
                # launched runs.
                for name in DAILY:
                    ticks = graphql.call(web, TICKS, {"schedule": {**SCHEDULE, "scheduleName": name},
                                                      "automation": {**SCHEDULE, "sensorName": "automation"}},
                                         timeout=300)
                    schedule_state = ticks["scheduleOrError"]["scheduleState"]
                    assert schedule_state["status"] == "RUNNING"
                    assert any(t["status"] == "SUCCESS" and t["runIds"] for t in schedule_state["ticks"])
                    assert len(_runs(instance, {"dagster/schedule_name": name})) == 1, "one tick, one run"
                automation = ticks["automation"]["sensorState"]
                assert automation["status"] == "RUNNING" and automation["ticks"], "the automation sensor ticks"

                # 6. The operator commands work against the deployed instance.
                done = subprocess.run([str(BIN / "baliza"), "verify", "--from", str(yesterday), "--to",
                                       str(yesterday)], env=env, capture_output=True, text=True, timeout=900)
                assert done.returncode == 0 and "every partition materialized and reconciled" in done.stdout, (
                    done.stdout + done.stderr)

                # 7. No secret in any event, log or error.
                events = "".join(str(e) for r in instance.get_runs() for e in instance.all_logs(r.run_id))
        finally:
            procs.stop()
    texts = [events] + [procs.log(n) for n in ("code", "daemon", "webserver")] + [
        p.read_text(errors="replace") for p in home.rglob("*") if p.is_file() and p.suffix in (".err", ".out", ".log")]
    for secret in (PG_SECRET, s3_server.secret_access_key):
        leaks = [t[max(0, t.find(secret) - 200):t.find(secret) + 50] for t in texts if secret in t]
        assert not leaks, f"a secret leaked: {leaks[0]}"


def _declare_schedule_running_since(instance, grpc_port: int, name: str, since: float) -> None:
    """Record a daily schedule as running from ``since`` (a timestamp), as the daemon records it
    the first time it sees a schedule running by default, but from then instead of from that first sight:
    the daemon launches the schedule's first tick after ``since`` even if it came up after that tick."""
    origin = GrpcServerCodeLocationOrigin(host="127.0.0.1", port=grpc_port, location_name="baliza_assets")
    with origin.create_location(instance) as location:
        schedule = location.get_repository("__repository__").get_schedule(name)
        instance.add_instigator_state(InstigatorState(schedule.get_remote_origin(), InstigatorType.SCHEDULE,
                                                      InstigatorStatus.DECLARED_IN_CODE,
                                                      ScheduleInstigatorData(schedule.cron_schedule, since)))


def _runs(instance, tags: dict, status=None) -> list:
    filters = dg.RunsFilter(tags=tags, statuses=[status] if status else None)
    return instance.get_runs(filters=filters)


def _captured(catalog: str, s3: S3Settings, before: date, *entities: str) -> set[date]:
    """The publication days before ``before`` that CDC has captured for any of ``entities``."""
    return {d for (d,) in query(catalog, "SELECT DISTINCT partition_date FROM cdc.snapshots "
                                "WHERE list_contains(?, entity) AND partition_date < ?", [list(entities), before], s3)}


def query(catalog, sql: str, params: list, s3: S3Settings | None = None) -> list:
    """Read the warehouse as a reader does, while runs write it (``s3``: where its data files are)."""
    with warehouse.connect(str(catalog), s3=s3, read_only=True) as con:
        return con.execute(sql, params).fetchall()


def _finished(instance, run_id: str, procs: Processes) -> None:
    done = {dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.CANCELED}

    def finished():
        procs.alive()
        run = instance.get_run_by_id(run_id)
        return run if run.status in done else None

    run = wait(f"run {run_id}", finished, 1800)
    if run.status != dg.DagsterRunStatus.SUCCESS:
        failures = [e.message + " " + str(getattr(e.dagster_event.event_specific_data, "error", "") or "")
                    for e in instance.all_logs(run_id)
                    if e.is_dagster_event and (e.dagster_event.is_failure or e.dagster_event.event_type_value == "ENGINE_EVENT"
                                               and getattr(e.dagster_event.event_specific_data, "error", None))]
        raise AssertionError(f"run {run_id} ended {run.status}: {failures[:3]}")
