"""The recovery sensor: a day the daily work missed is asked for again once PNCP answers, backing off per
day. Its pieces on their own, then the sensor on a real Dagster instance against the sandbox over loopback,
then the production deployment through a real outage: the schedule's runs fail, nothing is asked for while
PNCP is down, and once it answers the day fills by itself, raw to marts."""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import dagster as dg
import httpx
import pytest
import yaml
from dagster._core.remote_origin import GrpcServerCodeLocationOrigin
from dagster._core.scheduler.instigation import TickStatus
from dagster._core.test_utils import create_run_for_test

from baliza_assets.definitions import ASSETS, CHECKS
from baliza_assets.defs.recovery import Backoff, Day, due, latest_scheduled, recovery_sensor, window
from baliza_assets.defs.wiring import resources_for
from baliza_assets.lib.lake import S3Settings
from baliza_assets.settings import Settings, SettingsError
from baliza_sandbox import Sandbox, World, profile
from baliza_sandbox.faults import Faults
from baliza_sandbox.server import running

from .pgserver import postgres
from .s3server import free_port
from .test_deploy_files import DEPLOY
from .test_deployment import BIN, DAILY, POOLS, Processes, _declare_schedule_running_since, _runs, query
from .waiting import wait

BRASILIA = ZoneInfo("America/Sao_Paulo")
DAY = date(2026, 9, 14)


def test_each_attempt_waits_twice_the_last_up_to_the_cap_plus_the_same_jitter_on_every_tick():
    backoff = Backoff(base=900, cap=21600)
    waits = [backoff.delay(DAY, k) for k in range(8)]
    floors = [900, 1800, 3600, 7200, 14400, 21600, 21600, 21600]
    assert all(floor <= wait <= floor * 1.25 for wait, floor in zip(waits, floors)), waits
    assert waits == [Backoff(900, 21600).delay(DAY, k) for k in range(8)], "another tick draws the same"
    # days that failed together come due apart
    firsts = {round(backoff.delay(DAY + timedelta(days=i), 0)) for i in range(10)}
    assert len(firsts) == 10 and max(firsts) - min(firsts) > 60


def test_due_days_are_those_past_their_back_off_and_idle_oldest_first():
    backoff = Backoff(base=900, cap=21600)
    now = 1_000_000.0
    lacking = {"harvest": {dg.AssetKey(["raw", "contratos"])}}
    days = [
        Day(DAY, missing=dict(lacking), since=now - 3600, attempts=1),  # waited 1 h, attempt 1 needs 30-37.5 min
        Day(DAY - timedelta(days=3), missing=dict(lacking)),  # missing, nothing failed: at once
        Day(DAY - timedelta(days=2), missing=dict(lacking), since=now - 600),  # failed 10 min ago: 15+ min
        Day(DAY - timedelta(days=1), missing=dict(lacking), busy=True),  # a run of it in progress
        Day(DAY - timedelta(days=4), missing={"harvest": set()}),  # complete
    ]
    ready, waiting = due(days, now, backoff)
    assert [d.day for d in ready] == [DAY - timedelta(days=3), DAY]
    assert [d.day for d in waiting] == [DAY - timedelta(days=2), DAY - timedelta(days=1)]


def test_the_latest_scheduled_day_is_the_one_the_latest_tick_asked_for():
    before, at = datetime(2026, 9, 20, 5, 59, tzinfo=BRASILIA), datetime(2026, 9, 20, 6, 0, tzinfo=BRASILIA)
    assert latest_scheduled("0 6 * * *", before) == (date(2026, 9, 18), datetime(2026, 9, 19, 6, tzinfo=BRASILIA))
    assert latest_scheduled("0 6 * * *", at) == (date(2026, 9, 19), datetime(2026, 9, 20, 6, tzinfo=BRASILIA))
    # 02:00 UTC is still the day before in Brasília
    assert latest_scheduled("0 6 * * *", datetime(2026, 9, 21, 2, 0, tzinfo=ZoneInfo("UTC")))[0] == date(2026, 9, 19)


def test_the_window_starts_at_the_first_day_the_schedules_asked_for():
    assert window(None, DAY, 30) == []
    assert window(DAY - timedelta(days=2), DAY, 30) == [DAY - timedelta(days=2), DAY - timedelta(days=1), DAY]
    assert window(date(2021, 1, 1), DAY, 3) == [DAY - timedelta(days=2), DAY - timedelta(days=1), DAY]


def test_recovery_settings_are_checked_and_named():
    settings = Settings.from_env({})
    assert (settings.recovery_days, settings.recovery_backoff, settings.recovery_backoff_cap,
            settings.recovery_interval) == (30, 900.0, 21600.0, 600.0)
    with pytest.raises(SettingsError, match="BALIZA_RECOVERY_DAYS='0': expected a whole number above 0"):
        Settings.from_env({"BALIZA_RECOVERY_DAYS": "0"})
    with pytest.raises(SettingsError, match="BALIZA_RECOVERY_BACKOFF='-5': expected a positive number"):
        Settings.from_env({"BALIZA_RECOVERY_BACKOFF": "-5"})


def test_the_production_instance_runs_one_recovery_run_at_a_time_and_retries_only_dead_workers_at_once():
    instance = yaml.safe_load((DEPLOY / "production" / "dagster.yaml").read_text())
    limits = {(t["key"], str(t["value"])): t["limit"] for t in instance["concurrency"]["runs"]["tag_concurrency_limits"]}
    assert limits[("baliza/trigger", "recovery")] == 1
    assert instance["run_retries"] == {"enabled": True, "max_retries": 2, "retry_on_asset_or_op_failure": False}
    helm = yaml.safe_load((DEPLOY / "helm" / "values.yaml").read_text())
    assert helm["dagsterDaemon"]["runRetries"] == {"enabled": True, "maxRetries": 2, "retryOnAssetOrOpFailure": False}
    assert {"key": "baliza/trigger", "value": "recovery", "limit": 1} in helm["concurrency"]["runs"]["tagConcurrencyLimits"]


# ---- the sensor, on a real instance ------------------------------------------------------------------

HARVEST_AND_UPDATES = ["cdc/arquivos", "cdc/atas", "cdc/contratacoes", "cdc/contratos", "cdc/itens", "cdc/resultados",
                       "marts/daily_spend", "raw/arquivos", "raw/arquivos_updated", "raw/atas", "raw/atualizacoes",
                       "raw/contratacoes", "raw/contratos", "raw/itens", "raw/itens_updated", "raw/resultados",
                       "raw/resultados_updated", "staging/arquivos", "staging/atas", "staging/contratacoes",
                       "staging/contratos", "staging/itens", "staging/resultados"]


class Ticks:
    """Ticks of the recovery sensor at chosen times, for a code location whose cron ticked an hour before
    ``ref`` (a timestamp the instance recorded): its latest scheduled day, ``day``, stays the same for 23 hours
    after ``ref``, whatever the hour the test runs at."""

    def __init__(self, instance, ep, ref: float):
        tick = datetime.fromtimestamp(ref, BRASILIA) - timedelta(hours=1)
        self.settings = Settings.from_env({
            "PNCP_CONSULTA_URL": ep.consulta, "PNCP_DETAIL_URL": ep.detail, "PNCP_TIME_SCALE": "0.1",
            "BALIZA_HARVEST_CRON": f"{tick.minute} {tick.hour} * * *", "BALIZA_RECOVERY_BACKOFF": "60",
            "BALIZA_RECOVERY_BACKOFF_CAP": "3600", "BALIZA_ENV": "production"})
        self.day = tick.date() - timedelta(days=1)
        self.instance = instance

    def __call__(self, at: float):
        sensor = recovery_sensor(self.settings, clock=lambda: datetime.fromtimestamp(at, BRASILIA))
        resources = resources_for(self.settings)
        defs = dg.Definitions(assets=ASSETS, asset_checks=CHECKS, sensors=[sensor], resources=resources)
        context = dg.build_sensor_context(instance=self.instance, definitions=defs,
                                          resources={"pncp": resources["pncp"]})
        return defs.get_sensor_def("recovery").evaluate_tick(context)


def _reference(instance) -> float:
    """When the instance recorded a run that is no day's (the time the test starts at, as the instance saw it)."""
    run = create_run_for_test(instance, status=dg.DagsterRunStatus.SUCCESS)
    return instance.get_run_record_by_id(run.run_id).create_timestamp.timestamp()


def _failed(instance, day: date, **tags) -> float:
    """A run of ``day`` that failed, with ``tags``; when it ended."""
    run = create_run_for_test(instance, tags={"dagster/partition": day.isoformat(), **tags})
    instance.report_run_failed(run)
    return instance.get_run_record_by_id(run.run_id).end_time


def _materialized(instance, day: date, keys: list[str]) -> None:
    for key in keys:
        instance.report_runless_asset_event(dg.AssetMaterialization(dg.AssetKey.from_user_string(key),
                                                                    partition=day.isoformat()))


def test_the_sensor_waits_for_pncp_then_asks_for_what_the_day_lacks_backing_off_per_attempt(instance, serve, world):
    sandbox = Sandbox(world, profile("none"))
    with serve(sandbox) as ep:
        assert httpx.post(f"{ep.root}/_sandbox/outage?down=true").json() == {"down": True}
        ref = _reference(instance)
        ticks = Ticks(instance, ep, ref)
        day = ticks.day
        nothing = ticks(ref)
        assert nothing.skip_message == "the daily schedules have asked for no day yet: nothing to recover"

        # The schedule's run of its day failed: PNCP was down.
        ended = _failed(instance, day, **{"baliza/trigger": "daily_harvest"})
        early = ticks(ended + 30)  # the first attempt waits 60-75 s after the failure
        assert not early.run_requests
        assert early.skip_message.startswith(f"{day}..{day}: nothing due: {day} (harvest, updates, sweep) waits until ")

        served = sandbox.stats.total()
        down = ticks(ended + 80)
        assert not down.run_requests
        assert down.skip_message.startswith("PNCP is not answering (PNCP modalidades: "), down.skip_message
        assert "HTTP 503" in down.skip_message, down.skip_message
        assert down.skip_message.endswith(f"nothing requested; 1 day(s) wait for it, {day} first")
        assert sandbox.stats.total() - served == 1, "one probe request, and no retry of it"

        # PNCP answers again: the whole day is asked for, once, below the daily schedules.
        assert httpx.post(f"{ep.root}/_sandbox/outage?down=false").json() == {"down": False}
        served = sandbox.stats.total()
        back = ticks(ended + 80)
        (request,) = back.run_requests
        assert request.partition_key == day.isoformat() and request.run_key == f"recovery:{day}:0"
        assert request.tags.items() >= {"dagster/priority": "5", "baliza/trigger": "recovery",
                                        "baliza/recovery_attempt": "0", "baliza/works": "harvest,updates,sweep"}.items()
        assert sorted(k.to_user_string() for k in request.asset_selection) == sorted(HARVEST_AND_UPDATES
                                                                                     + ["raw/sweeps"])
        assert sandbox.stats.total() - served == 2, "the probe: the modalidades table and one listing page"

        # That run materialized the harvest and the update feed, and failed on the sweep: the second attempt
        # asks for the sweep, its staging and its captures only, and waits twice as long (120-150 s).
        _materialized(instance, day, HARVEST_AND_UPDATES)
        ended = _failed(instance, day, **{"baliza/trigger": "recovery"})
        waiting = ticks(ended + 100)
        assert not waiting.run_requests and f"{day} (sweep) waits until " in waiting.skip_message
        (again,) = ticks(ended + 160).run_requests
        assert again.run_key == f"recovery:{day}:1" and again.tags["baliza/works"] == "sweep"
        assert sorted(k.to_user_string() for k in again.asset_selection) == [
            "cdc/atas", "cdc/contratacoes", "cdc/contratos", "raw/sweeps", "staging/atas", "staging/contratacoes",
            "staging/contratos"]

        # Never two runs of one partition: with one in progress (an automation capture), the day waits for it.
        create_run_for_test(instance, tags={"dagster/partition": day.isoformat()}, status=dg.DagsterRunStatus.STARTED)
        busy = ticks(ended + 160)
        assert not busy.run_requests and f"{day} (sweep) has a run in progress" in busy.skip_message


def test_an_asset_whose_blocking_check_failed_is_asked_for_again_with_what_it_held_back(serve, world):
    """raw/contratos was archived but did not reconcile: staging and CDC were held back. Recovery asks for the
    listing again (its check runs again), not for staging alone, which would build on what failed the check."""
    with dg.instance_for_test() as instance, serve(Sandbox(world, profile("none"))) as ep:
        ticks = Ticks(instance, ep, _reference(instance))
        ended = _failed(instance, ticks.day, **{"baliza/trigger": "daily_harvest"})
        held_back = ["staging/contratos", "cdc/contratos"]
        _materialized(instance, ticks.day, [k for k in HARVEST_AND_UPDATES if k not in held_back] + ["raw/sweeps"])
        instance.report_runless_asset_event(dg.AssetCheckEvaluation(
            asset_key=dg.AssetKey(["raw", "contratos"]), check_name="reconciliation", passed=False,
            severity=dg.AssetCheckSeverity.ERROR, partition=ticks.day.isoformat()))
        (request,) = ticks(ended + 3600).run_requests
    assert request.tags["baliza/works"] == "harvest,updates,sweep"  # cdc/contratos is each work's capture
    assert sorted(k.to_user_string() for k in request.asset_selection) == [
        "cdc/contratos", "raw/contratos", "staging/contratos"]


def test_a_day_whose_work_is_all_materialized_is_not_asked_for(serve, world):
    with dg.instance_for_test() as instance, serve(Sandbox(world, profile("none"))) as ep:
        ticks = Ticks(instance, ep, _reference(instance))
        ended = _failed(instance, ticks.day, **{"baliza/trigger": "daily_sweep"})
        _materialized(instance, ticks.day, HARVEST_AND_UPDATES + ["raw/sweeps"])
        done = ticks(ended + 3600)
    assert not done.run_requests
    assert done.skip_message == f"{ticks.day}..{ticks.day}: nothing due, every day's work is materialized"


# ---- the deployment, through an outage ---------------------------------------------------------------

PG_SECRET = f"pg-secret-{uuid.uuid4().hex[:12]}"
MARTS = ("marts/buyer_profiles", "marts/item_price_references", "marts/price_evidence", "marts/supplier_profiles")


def _sensor_ticks(instance, grpc_port: int, name: str):
    origin = GrpcServerCodeLocationOrigin(host="127.0.0.1", port=grpc_port, location_name="baliza_assets")
    with origin.create_location(instance) as location:
        sensor = location.get_repository("__repository__").get_sensor(name)
        origin_id, selector_id = sensor.get_remote_origin_id(), sensor.selector_id
    return lambda: instance.get_ticks(origin_id, selector_id, limit=50)


def _errors(instance, run_id: str) -> list[str]:
    """The failures of a run's steps, each with its error."""
    return [f"{e.message} {getattr(e.dagster_event.event_specific_data, 'error', '') or ''}"
            for e in instance.all_logs(run_id) if e.is_dagster_event and e.dagster_event.is_failure][:3]


def _materialized_on(instance, key: str, day: date) -> bool:
    return bool(instance.fetch_materializations(dg.AssetRecordsFilter(
        asset_key=dg.AssetKey.from_user_string(key), asset_partitions=[day.isoformat()]), limit=1).records)


@pytest.mark.e2e
@pytest.mark.slow
def test_a_day_missed_in_an_outage_fills_by_itself_once_pncp_answers(tmp_path, s3_server, monkeypatch):
    bucket = f"baliza-{uuid.uuid4().hex[:8]}"
    s3_server.client().create_bucket(Bucket=bucket)
    started = datetime.now(timezone.utc)  # clock-ok: the schedule must tick while the test runs
    now = (started - timedelta(hours=3)).replace(tzinfo=None)
    world = World(seed=11, volume="small", now=now)
    sandbox = Sandbox(world, Faults())
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(DEPLOY / "production" / "dagster.yaml", home / "dagster.yaml")
    grpc_port = free_port()
    workspace = yaml.safe_load((DEPLOY / "production" / "workspace.yaml").read_text())
    workspace["load_from"][0]["grpc_server"].update(host="127.0.0.1", port=grpc_port)
    (tmp_path / "workspace.yaml").write_text(yaml.safe_dump(workspace))

    with postgres(PG_SECRET) as pg, running(sandbox) as ep:
        assert httpx.post(f"{ep.root}/_sandbox/outage?down=true").json() == {"down": True}  # PNCP is down
        tick = now.replace(second=0, microsecond=0) + timedelta(minutes=1)
        env = {**os.environ, **pg.env(), **s3_server.env(), "DAGSTER_HOME": str(home),
               "PNCP_CONSULTA_URL": ep.consulta, "PNCP_DETAIL_URL": ep.detail,
               "BALIZA_LAKE": f"s3://{bucket}/lake", "BALIZA_CATALOG": str(tmp_path / "catalog.sqlite"),
               "BALIZA_HARVEST_CRON": f"{tick.minute} {tick.hour} * * *", "BALIZA_ENV": "production",
               # the back-off in seconds instead of minutes, and a tick every 10 s instead of 10 min
               "BALIZA_RECOVERY_BACKOFF": "1", "BALIZA_RECOVERY_BACKOFF_CAP": "30", "BALIZA_RECOVERY_INTERVAL": "10"}
        env.pop("PNCP_TIME_SCALE", None)
        procs = Processes(tmp_path, env)
        try:
            procs.start("code", [str(BIN / "dagster"), "api", "grpc", "-m", "baliza_assets.definitions",
                                 "-h", "127.0.0.1", "-p", str(grpc_port)])
            wait("the code server", lambda: subprocess.run(
                [str(BIN / "dagster"), "api", "grpc-health-check", "-p", str(grpc_port)], env=env,
                capture_output=True).returncode == 0, 600)
            for name, value in pg.env().items():
                monkeypatch.setenv(name, value)
            with dg.DagsterInstance.from_config(str(home)) as instance:
                for name in DAILY:
                    _declare_schedule_running_since(instance, grpc_port, name, started.timestamp())
                recovery_ticks = _sensor_ticks(instance, grpc_port, "recovery")
            for pool in POOLS:
                subprocess.run([str(BIN / "dagster"), "instance", "concurrency", "set", pool, "1"], env=env, check=True,
                               capture_output=True)
            procs.start("daemon", [str(BIN / "dagster-daemon"), "run", "-w", str(tmp_path / "workspace.yaml")])

            with dg.DagsterInstance.from_config(str(home)) as instance:
                # 1. The schedules tick with PNCP down: each day's run fails, and is not retried seconds later.
                def failed_runs():
                    procs.alive()
                    runs = {n: _runs(instance, {"dagster/schedule_name": n}) for n in DAILY}
                    if not all(runs.values()):
                        return None
                    ended = {n: r[0] for n, r in runs.items() if r[0].is_finished}
                    if len(ended) < len(DAILY) or any(r.tags.get("dagster/will_retry") is None for r in ended.values()):
                        return None  # the run retries daemon has not judged every failure yet
                    return ended

                until_tick = max(0.0, (tick - datetime.now(BRASILIA).replace(tzinfo=None)).total_seconds())  # clock-ok
                failed = wait("the daily runs to fail", failed_runs, until_tick + 900)
                assert {n: (r.status, r.tags["dagster/will_retry"]) for n, r in failed.items()} == {
                    n: (dg.DagsterRunStatus.FAILURE, "false") for n in DAILY}
                day = date.fromisoformat(failed["daily_harvest"].tags["dagster/partition"])
                assert day in (now.date() - timedelta(days=1), now.date())
                assert any("503" in m for m in _errors(instance, failed["daily_harvest"].run_id))

                # 2. While PNCP is down the recovery sensor asks for nothing, and says why.
                def skipped_for_pncp():
                    procs.alive()
                    return [t for t in recovery_ticks() if t.status == TickStatus.SKIPPED
                            and (t.skip_reason or "").startswith("PNCP is not answering")]

                (down, *_) = wait("a recovery tick that waited for PNCP", skipped_for_pncp, 600)
                assert down.skip_reason.endswith(f"nothing requested; 1 day(s) wait for it, {day} first")
                assert "HTTP 503" in down.skip_reason
                assert _runs(instance, {"baliza/trigger": "recovery"}) == []

                # 3. PNCP answers again: nobody acts, and the day fills.
                assert httpx.post(f"{ep.root}/_sandbox/outage?down=false").json() == {"down": False}

                def recovered():
                    procs.alive()
                    runs = _runs(instance, {"baliza/trigger": "recovery"})
                    bad = [(r.run_id, _errors(instance, r.run_id)) for r in runs if r.status in (
                        dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.CANCELED)]
                    assert not bad, f"recovery runs failed: {bad}"
                    return [r for r in runs if r.status == dg.DagsterRunStatus.SUCCESS]

                (run,) = wait("the recovery run to succeed", recovered, 1800)
                assert run.tags["dagster/partition"] == str(day) and run.tags["dagster/priority"] == "5"
                assert (run.tags["baliza/recovery_attempt"], run.tags["baliza/works"]) == ("0", "harvest,updates,sweep")
                lacking = [k for k in HARVEST_AND_UPDATES + ["raw/sweeps"] if not _materialized_on(instance, k, day)]
                assert lacking == [], f"still not materialized for {day}: {lacking}"
                db = tmp_path / "catalog.sqlite"
                s3 = S3Settings(s3_server.endpoint_url, s3_server.access_key_id, s3_server.secret_access_key,
                                s3_server.region)  # where the warehouse's data files are
                for entity in ("contratacoes", "contratos"):
                    published = {r["numeroControlePNCP"] for r in world.published(entity, day)}
                    assert query(db, f"SELECT count(*) FROM staging.{entity} WHERE partition_date = ? "
                                     "AND source = 'publication'", [day], s3)[0][0] == len(published)
                    current = {k for (k,) in query(db, f"SELECT numero_controle_pncp FROM cdc.{entity}_current", [], s3)}
                    assert published and published <= current, f"{entity} of {day} not captured"

                # 4. The automation rebuilds the marts from it, and no run of it fails.
                def marts_rebuilt():
                    procs.alive()
                    runs = _runs(instance, {"dagster/sensor_name": "automation"})
                    failed = [(r.run_id, _errors(instance, r.run_id)) for r in runs if r.status == dg.DagsterRunStatus.FAILURE]
                    assert not failed, f"automation runs failed: {failed}"
                    return all(instance.get_latest_materialization_event(dg.AssetKey.from_user_string(k)) for k in MARTS)

                wait("the automation to rebuild the marts", marts_rebuilt, 1200)
                buyers = {k for (k,) in query(db, "SELECT orgao_cnpj FROM marts.buyer_profiles", [], s3)}
                assert buyers == {k for (k,) in query(db, "SELECT orgao_cnpj FROM cdc.contratacoes_current", [], s3)}
                assert {c["orgaoEntidade"]["cnpj"] for c in world.published("contratacoes", day)} <= buyers

                # 5. Then the recovery sensor finds nothing to ask for; there was one recovery run, and one run per
                # schedule.
                def settled():
                    procs.alive()
                    return any((t.skip_reason or "").endswith("every day's work is materialized") for t in recovery_ticks())

                wait("a recovery tick with nothing due", settled, 600)
                assert len(_runs(instance, {"baliza/trigger": "recovery"})) == 1
                assert {n: len(_runs(instance, {"dagster/schedule_name": n})) for n in DAILY} == {n: 1 for n in DAILY}
        finally:
            procs.stop()
