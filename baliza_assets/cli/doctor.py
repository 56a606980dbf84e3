"""`baliza doctor`: is this deployment configured, and can it reach PNCP, the lake, the warehouse and Dagster?"""

from __future__ import annotations

import asyncio
import os
import shlex
import sys
import time
import uuid
from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from ..lib.lake import LakeError
from ..lib.pncp import PncpClient
from ..lib.pncp import endpoints as E
from ..settings import Settings
from .settings import problems, shown, shown_variables

BRASILIA = ZoneInfo("America/Sao_Paulo")


class Problem(Exception):
    """A check that ran and found something wrong: ``failures`` and what it found fine, one line each."""

    def __init__(self, failures: list[str], passed: list[str] = ()):
        super().__init__(*failures)
        self.failures, self.passed = failures, list(passed)


PROBE_DAYS_BACK = 14


def today_in_brasilia() -> date:
    return datetime.now(BRASILIA).date()


async def _pncp(settings: Settings, day: date | None, today: date) -> list[str]:
    """Reach both APIs. The consulta API is asked page 1 of the contratos of ``day``, or, without one, of the
    latest day before ``today`` that has records (a weekend or a holiday may have none, and an empty day proves
    nothing about listings), going back at most ``PROBE_DAYS_BACK`` days."""
    config = replace(settings.client_config(), max_attempts=2, read_timeout=20.0 * settings.time_scale)
    lines = []
    async with PncpClient(config) as client:
        t0 = time.monotonic()
        mods, _ = await client.modalidades_table()
        lines.append(f"detail API {settings.detail_url}: {len(mods)} active modalidades "
                     f"({time.monotonic() - t0:.1f} s)")
        t0 = time.monotonic()
        candidates = [day] if day else [today - timedelta(days=n) for n in range(1, PROBE_DAYS_BACK + 1)]
        empty = []
        for probed in candidates:
            ex = await _page_one(client, probed)
            if ex.status == 200:
                break
            empty.append(probed)
        found = (f"page 1 of {ex.total_pages}, {ex.total_records:,} records" if ex.status == 200
                 else "no records (HTTP 204)")
        later = (f"; the {len(empty)} later day(s) had none, {empty[-1]}..{empty[0]}" if empty and day is None
                 and ex.status == 200 else "")
        lines.append(f"consulta API {settings.consulta_url}: HTTP {ex.status}, contratos of {probed}: {found}{later} "
                     f"({time.monotonic() - t0:.1f} s)")
        if ex.status != 200 and day is None:
            raise Problem([f"consulta API {settings.consulta_url}: no contratos on any of the {len(empty)} days "
                           f"{empty[-1]}..{empty[0]}: PNCP lists nothing, or Baliza asks it wrongly"], lines[:1])
    return lines


async def _page_one(client: PncpClient, day: date):
    """The request the harvest makes first for a day: page 1 of the contratos listing, checked the same way.
    Every page counts as scheduled, so the walk stops after page 1."""
    walks = client.listings(E.CONTRATOS_PUBLICACAO, day, day)
    for walk in walks:
        walk.scheduled = client.config.max_pages
    (ex,) = await client.collect(walks)
    return ex


def _lake(settings: Settings) -> str:
    lake = settings.lake()
    probe = f"_doctor/probe-{uuid.uuid4().hex}"
    lake.store.put(probe, b"baliza doctor")
    try:
        if lake.store.get(probe) != b"baliza doctor":
            raise LakeError("a probe written to the lake read back differently")
    finally:
        lake.store.delete([probe])
    tables = lake.tables("raw")
    return f"{lake.location}: writable; raw tables: {', '.join(tables) or 'none yet'}"


def _warehouse(settings: Settings) -> str:
    from ..lib import warehouse

    catalog, lake = settings.warehouse_catalog(), settings.lake()
    if not catalog.exists():
        return f"{catalog.describe()}: not created yet (the first staging run creates it)"
    with warehouse.connect(catalog, lake, settings.s3, read_only=True) as con:  # a reader: never waits on a run
        tables = con.execute("SELECT schema_name, count(*) FROM duckdb_tables() WHERE database_name = ? "
                             "GROUP BY 1 ORDER BY 1", [warehouse.NAME]).fetchall()
        snapshot = con.execute(f"SELECT id FROM {warehouse.NAME}.current_snapshot()").fetchone()[0]
    return (f"{catalog.describe()}: snapshot {snapshot}, data in {warehouse.data_path(lake)}; tables per schema: "
            + (", ".join(f"{s} {n}" for s, n in tables) or "none"))


def _dagster() -> list[str]:
    import dagster as dg

    home = os.environ.get("DAGSTER_HOME")
    if not home:
        return ["DAGSTER_HOME is unset: Dagster keeps runs in a temporary instance (set it; see deploy/)"]
    with dg.DagsterInstance.get() as instance:
        runs = instance.get_runs_count()
        lines = [f"instance at {home}: {type(instance.run_storage).__name__}, {runs} runs recorded"]
        if not instance.event_log_storage.supports_global_concurrency_limits:
            return lines
        found = []
        if not _frees_slots_after(instance):
            found.append("run monitoring does not free the pool slots of runs that ended (a run killed while it "
                         "held one blocks its pool for good): set run_monitoring.enabled and "
                         f"run_monitoring.free_slots_after_run_end_seconds in {home}/dagster.yaml, as "
                         "deploy/local/dagster.yaml does")
        pools, held = _pools(instance)
        lines.append("pools: " + ("; ".join(pools) or "none yet"))
        found += held
        if found:
            raise Problem(found, lines)
        return lines


# ---- pool slots held by runs that are no longer running ---------------------------------------------

def _pools(instance) -> tuple[list[str], list[str]]:
    """Each pool's occupancy, and a problem for every run holding slots that is no longer running."""
    from ..defs.reaper import holdings, pool_infos

    infos = pool_infos(instance)
    summary = []
    for key, info in infos.items():
        waiting = sum(1 for p in info.pending_steps if p.assigned_timestamp is None)
        summary.append(f"{key} {len(info.claimed_slots)}/{info.slot_count} slots occupied"
                       + (f", {waiting} step(s) waiting" if waiting else ""))
    found = []
    for run_id, held in holdings(infos).items():
        why = _not_running(instance, run_id)
        if why:
            found.append(f"run {run_id} {held.describe()}, but {why}")
    return summary, found


def _not_running(instance, run_id: str) -> str | None:
    """Why ``run_id`` no longer runs (and how its slots get freed), or None while it may still run."""
    from ..defs.reaper import gone_pid

    free = _free_command(run_id, mark_failed=False)
    record = instance.get_run_record_by_id(run_id)
    if record is None:
        return f"no such run is recorded. Free them: {free}"
    run = record.dagster_run
    if run.is_finished:
        ended = f"{time.time() - record.end_time:.0f} s ago" if record.end_time else "at an unknown time"
        after = _frees_slots_after(instance)
        if after:
            daemon = ("" if _daemon_alive(instance) else " (no daemon is running now: start `dagster dev` or "
                      "`dagster-daemon run`)")
            auto = f"The daemon's run monitoring frees them {after} s after the run ended{daemon}; to free them now: "
        else:
            auto = "Nothing frees them (run monitoring is not set to); free them: "
        return f"it ended ({run.status.value}) {ended}. {auto}{free}"
    # In progress, as recorded. With SQLite every run executes on this machine, so its process can be asked.
    pid = gone_pid(instance, record)
    if pid is None:
        return None
    return (f"it is recorded as {run.status.value} while its process (pid {pid}) is gone: killed without a chance "
            "to record its end; the next run of this code location marks it failed and frees them before it "
            f"claims a slot. Mark the run failed and free them: {_free_command(run_id, mark_failed=True)}")


def _frees_slots_after(instance) -> int | None:
    """Seconds after a run ended at which the daemon's run monitoring frees the slots it still holds."""
    if not instance.run_monitoring_enabled:
        return None
    return instance.run_monitoring_settings.get("free_slots_after_run_end_seconds") or None


def _free_command(run_id: str, mark_failed: bool) -> str:
    code = "import dagster as dg; i = dg.DagsterInstance.get(); "
    if mark_failed:
        code += f'i.report_run_failed(i.get_run_by_id("{run_id}")); '
    code += f'i.event_log_storage.free_concurrency_slots_for_run("{run_id}")'
    return f"{shlex.quote(sys.executable)} -c {shlex.quote(code)}"


def _daemon_alive(instance, within_s: float = 120.0) -> bool:
    try:
        beats = instance.get_daemon_heartbeats()
    except Exception:  # a storage without heartbeats says nothing either way
        return True
    return any(time.time() - beat.timestamp < within_s for beat in beats.values())


def run(settings: Settings, out, probe_day: date | None = None, today: date | None = None) -> int:
    """Print the report to ``out``; 0 when every check passed. Without ``probe_day``, PNCP is probed on the latest
    day before ``today`` (by default today in Brasília) that has records."""
    failures = 0

    def report(name: str, check) -> None:
        nonlocal failures
        try:
            result = check()
        except Problem as p:
            failures += 1
            for line in p.passed:
                out.write(f"ok    {name}: {line}\n")
            for line in p.failures:
                out.write(f"FAIL  {name}: {line}\n")
            return
        except Exception as e:  # every failure is reported, none stops the others
            failures += 1
            out.write(f"FAIL  {name}: {type(e).__name__}: {e}\n")
            return
        for line in result if isinstance(result, list) else [result]:
            out.write(f"ok    {name}: {line}\n")

    out.write("configuration:\n")
    for name in shown_variables():
        out.write(f"  {name} = {shown(name)}\n")
    found = problems()
    for p in found:
        out.write(f"FAIL  configuration: {p}\n")
    failures += len(found)
    report("pncp", lambda: asyncio.run(_pncp(settings, probe_day, today or today_in_brasilia())))
    report("lake", lambda: _lake(settings))
    report("warehouse", lambda: _warehouse(settings))
    report("dagster", _dagster)
    out.write("all checks passed\n" if not failures else f"{failures} check(s) failed\n")
    return 0 if not failures else 1
