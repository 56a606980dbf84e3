"""Recovery: a day the daily work missed is asked for again, once PNCP answers.

The schedules ask for each day once (06:00 Brasília, for yesterday). When PNCP is down at that hour the
day's runs fail, and Dagster's run retries come seconds apart, so an outage of hours or days outlives
them. The ``recovery`` sensor keeps asking instead:

- every ``BALIZA_RECOVERY_INTERVAL`` seconds (600) it looks at the last ``BALIZA_RECOVERY_DAYS`` days (30)
  the schedules have asked for, from the first day they ever asked for (older days are history: a
  backfill's, not a recovery's);
- for each day and each daily work (harvest, updates, sweep), whether every asset the work's run
  materializes, raw to CDC and ``marts/daily_spend``, is materialized for that day: what is missing or
  failed (or held back what depends on it with a failed blocking check), and what depends on it within
  the work, is asked for again, in one run per day;
- a day with a run of its partition queued or in progress waits (never two runs of one partition);
- the k-th recovery of a day waits ``BALIZA_RECOVERY_BACKOFF`` × 2^k seconds (900), at most
  ``BALIZA_RECOVERY_BACKOFF_CAP`` (6 hours), plus up to a quarter more drawn from the day and k (every
  tick draws the same, and days that failed together come due apart), counted from the end of the day's
  latest failed or cancelled run, or of its latest recovery run;
- before asking for anything it probes PNCP with two small requests, and asks for nothing while PNCP
  does not answer;
- it asks for at most ``PER_TICK`` days a tick, oldest first: the oldest day is the next to leave the
  window for good, and a later day's sweep lists again only the days archived before it.

Its runs have priority 5, after the three daily schedules (10 to 30) and before backfills (0), and carry
``baliza/trigger=recovery``, which the production instance runs one at a time.

Everything it decides from is in the instance (runs and the event log): no state of its own, so a tick
after a restart decides as the tick before it would have.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import dagster as dg

from ..lib.pncp import FetchFailed, PncpClient, PncpError
from ..lib.pncp import endpoints as E
from ..settings import Settings
from .check_status import failed_checks
from .partitions import daily
from .resources import PncpResource
from .schedules import DAILY_WORK, PRIORITY_TAG, DailyWork

BRASILIA = ZoneInfo("America/Sao_Paulo")
RECOVERY = "recovery"
TRIGGER_TAG = "baliza/trigger"
ATTEMPT_TAG = "baliza/recovery_attempt"
WORKS_TAG = "baliza/works"
PARTITION_TAG = "dagster/partition"
RANGE_TAGS = ("dagster/asset_partition_range_start", "dagster/asset_partition_range_end")
PRIORITY = 5  # after the daily schedules (10 to 30), before backfills (0)
PER_TICK = 3  # days asked for at most per tick; the production instance runs one recovery run at a time
PROBE_TIMEOUT = 10.0  # seconds per probe request (times PNCP_TIME_SCALE)
# the smallest page PNCP serves (10 records): page 1 of a day's contratos is the probe
PROBE_LISTING = replace(E.CONTRATOS_PUBLICACAO, page_size=10)

UNFINISHED = [dg.DagsterRunStatus.QUEUED, dg.DagsterRunStatus.NOT_STARTED, dg.DagsterRunStatus.STARTING,
              dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.CANCELING]
ENDED_BADLY = [dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.CANCELED]


@dataclass(frozen=True)
class Backoff:
    base: float  # seconds before a day's first recovery
    cap: float  # the longest wait before jitter

    def delay(self, day: date, attempt: int) -> float:
        """Seconds the ``attempt``-th recovery of ``day`` (0 for the first) waits: base × 2^attempt, at most
        cap, plus up to a quarter more drawn from the day and the attempt (the same on every tick)."""
        wait = min(self.cap, self.base * 2.0 ** min(attempt, 64))
        drawn = int.from_bytes(hashlib.blake2b(f"{day}|{attempt}".encode(), digest_size=8).digest(), "big") / 2**64
        return wait * (1 + drawn / 4)


@dataclass
class Day:
    """What one day's daily work lacks, and what the back-off counts from."""

    day: date
    missing: dict[str, set[dg.AssetKey]] = field(default_factory=dict)  # work -> its assets not materialized
    busy: bool = False  # a run of this partition is queued or in progress
    attempts: int = 0  # recovery runs of this day so far
    since: float | None = None  # timestamp the back-off counts from (None: nothing failed, due at once)

    @property
    def works(self) -> list[str]:
        return [work for work, keys in self.missing.items() if keys]

    def due_at(self, backoff: Backoff) -> float:
        return float("-inf") if self.since is None else self.since + backoff.delay(self.day, self.attempts)


def due(days: Iterable[Day], now: float, backoff: Backoff) -> tuple[list[Day], list[Day]]:
    """The days to ask for now, oldest first, and those that wait for their back-off or their running
    partition; days whose work is all materialized are in neither."""
    ready, waiting = [], []
    for d in sorted(days, key=lambda d: d.day):
        if not d.works:
            continue
        (ready if not d.busy and d.due_at(backoff) <= now else waiting).append(d)
    return ready, waiting


def latest_scheduled(cron: str, now: datetime) -> tuple[date, datetime]:
    """The day the schedules' latest tick at or before ``now`` asked for (the tick's date, Brasília, minus
    one), and that tick's time."""
    ticks = dg.TimeWindowPartitionsDefinition(cron_schedule=cron, timezone=BRASILIA.key,
                                              start=datetime(2020, 12, 1), fmt="%Y-%m-%d-%H:%M")
    tick = ticks.time_window_for_partition_key(ticks.get_partition_key_for_timestamp(now.timestamp())).start
    return tick.date() - timedelta(days=1), tick


def _run_days(run: dg.DagsterRun) -> list[str]:
    """The daily partitions a run covers (one, or a range), as keys."""
    if PARTITION_TAG in run.tags:
        return [run.tags[PARTITION_TAG]]
    first, last = (run.tags.get(t) for t in RANGE_TAGS)
    if not first or not last:
        return []
    try:
        return daily.get_partition_keys_in_range(dg.PartitionKeyRange(first, last))
    except Exception:  # a range of another partitions definition: not a day of ours
        return []


def _ended(record) -> float:
    return record.end_time or record.update_timestamp.timestamp()


def _materialized(instance: dg.DagsterInstance, key: dg.AssetKey, days: list[str]) -> set[str]:
    """Of ``days``, those with a materialization of ``key`` in the event log."""
    found, cursor = set(), None
    while days:
        result = instance.fetch_materializations(dg.AssetRecordsFilter(asset_key=key, asset_partitions=days),
                                                 limit=200, cursor=cursor)
        found |= {r.partition_key for r in result.records}
        if not result.has_more or found >= set(days):
            break
        cursor = result.cursor
    return found


def _not_done(instance: dg.DagsterInstance, key: dg.AssetKey, days: list[str]) -> tuple[set[str], set[str]]:
    """Of ``days``, those where ``key`` is not materialized (never, or its latest attempt failed), and those
    where it is being materialized. Dagster's partition status says which; a day it calls never
    materialized is checked against the event log, as its status cache can lose a materialization."""
    statuses = instance.get_status_by_partition(key, days, daily) or {}
    running = {d for d in days if statuses.get(d) == dg.AssetPartitionStatus.IN_PROGRESS}
    failed = {d for d in days if statuses.get(d) == dg.AssetPartitionStatus.FAILED}
    unknown = [d for d in days if statuses.get(d) is None]
    never = set(unknown) - _materialized(instance, key, unknown)
    return failed | never, running


def survey(instance: dg.DagsterInstance, keys_by_work: Mapping[str, Iterable[dg.AssetKey]], days: list[date],
           tick: tuple[date, datetime] | None = None,
           blocking: Mapping[dg.AssetKey, list[dg.AssetCheckKey]] | None = None) -> list[Day]:
    """Each of ``days``: what its work lacks, whether a run of it is unfinished, its recovery attempts and
    when its back-off starts. ``tick``: the latest scheduled day and its tick, when the back-off of a day
    nothing has failed yet starts (the schedule's own run may not be queued yet). ``blocking``: each asset's
    blocking checks; on a day that lacks something, an asset whose blocking check failed lacks too (what it
    held back must not be built from it without the check passing)."""
    keys = [d.isoformat() for d in days]
    out = {d.isoformat(): Day(d) for d in days}
    all_keys = {k for ks in keys_by_work.values() for k in ks}
    lacking: dict[dg.AssetKey, set[str]] = {}
    for key in all_keys:
        lacking[key], running = _not_done(instance, key, keys)
        for d in running:
            out[d].busy = True
    incomplete = sorted({d for ds in lacking.values() for d in ds})
    checks = [c for key in all_keys for c in (blocking or {}).get(key, [])]
    if incomplete and checks:
        for check, d in failed_checks(instance, checks, incomplete):
            lacking[check.asset_key].add(d)
    for work, work_keys in keys_by_work.items():
        for d in keys:
            out[d].missing[work] = {k for k in work_keys if d in lacking[k]}

    for record in instance.get_run_records(dg.RunsFilter(statuses=UNFINISHED)):
        for d in _run_days(record.dagster_run):
            if d in out:
                out[d].busy = True
    for record in instance.get_run_records(dg.RunsFilter(statuses=ENDED_BADLY, tags={PARTITION_TAG: keys})):
        day = out[record.dagster_run.tags[PARTITION_TAG]]
        if record.dagster_run.is_complete_and_waiting_to_retry:
            day.busy = True  # Dagster's run retries launch its retry
        day.since = max(day.since or 0.0, _ended(record))
    for record in instance.get_run_records(dg.RunsFilter(tags={TRIGGER_TAG: RECOVERY, PARTITION_TAG: keys})):
        day = out[record.dagster_run.tags[PARTITION_TAG]]
        day.attempts += 1
        if record.dagster_run.is_finished:
            day.since = max(day.since or 0.0, _ended(record))
    if tick is not None and tick[0].isoformat() in out:
        day = out[tick[0].isoformat()]
        day.since = max(day.since or 0.0, tick[1].timestamp())
    return list(out.values())


def first_asked(instance: dg.DagsterInstance, works: Iterable[DailyWork] = DAILY_WORK) -> date | None:
    """The first day any daily schedule asked for, or None before their first run."""
    records = instance.get_run_records(dg.RunsFilter(tags={TRIGGER_TAG: [w.name for w in works]}), limit=1,
                                       ascending=True)
    return date.fromisoformat(records[0].dagster_run.tags[PARTITION_TAG]) if records else None


def window(first: date | None, latest: date, days: int) -> list[date]:
    """The days recovery looks at: the last ``days`` up to ``latest``, none before ``first``."""
    if first is None:
        return []
    start = max(first, latest - timedelta(days=days - 1))
    return [start + timedelta(days=i) for i in range((latest - start).days + 1)]


async def probe(pncp: PncpResource, day: date) -> str | None:
    """None when PNCP answers (the detail API's modalidades table, page 1 of ``day``'s contratos at 10 a
    page), else what failed. One attempt per request, short timeouts."""
    scale = pncp.time_scale
    config = replace(pncp.client_config(), max_attempts=1, max_rate_limited=1, read_timeout=PROBE_TIMEOUT * scale,
                     request_deadline=1.5 * PROBE_TIMEOUT * scale)
    try:
        async with PncpClient(config) as client:
            await client.modalidades_table()
            walks = client.listings(PROBE_LISTING, day, day)
            for walk in walks:
                walk.scheduled = config.max_pages  # page 1 only
            await client.collect(walks)
    except (PncpError, FetchFailed) as e:
        return str(e)
    return None


def request(day: Day, keys: list[dg.AssetKey]) -> dg.RunRequest:
    return dg.RunRequest(
        run_key=f"{RECOVERY}:{day.day}:{day.attempts}", partition_key=day.day.isoformat(), asset_selection=keys,
        tags={PRIORITY_TAG: str(PRIORITY), TRIGGER_TAG: RECOVERY, ATTEMPT_TAG: str(day.attempts),
              WORKS_TAG: ",".join(day.works)})


def selection(day: Day, works: Iterable[DailyWork], graph) -> list[dg.AssetKey]:
    """What a day's recovery run materializes: the assets its works lack and what depends on them within
    each work (a re-fetched listing is staged and captured again)."""
    chosen = dg.AssetSelection.assets()
    for work in works:
        if day.missing.get(work.work):
            chosen = chosen | (dg.AssetSelection.assets(*day.missing[work.work]).downstream() & work.selection)
    return sorted(chosen.resolve(graph), key=lambda k: k.to_user_string())


def _when(ts: float) -> str:
    return datetime.fromtimestamp(ts, BRASILIA).strftime("%Y-%m-%d %H:%M")


def _now() -> datetime:
    return datetime.now(timezone.utc)


def recovery_sensor(settings: Settings, clock: Callable[[], datetime] = _now) -> dg.SensorDefinition:
    """The sensor, from the settings; running from the start only with BALIZA_ENV=production. ``clock``
    gives the time a tick decides at (the wall clock)."""
    backoff = Backoff(settings.recovery_backoff, settings.recovery_backoff_cap)
    target = dg.AssetSelection.assets()
    for work in DAILY_WORK:
        target = target | work.selection

    @dg.sensor(
        name=RECOVERY, target=target, minimum_interval_seconds=max(1, int(settings.recovery_interval)),
        default_status=dg.DefaultSensorStatus.RUNNING if settings.automation_runs else dg.DefaultSensorStatus.STOPPED,
        description=f"Asks again for any of the last {settings.recovery_days} days (BALIZA_RECOVERY_DAYS) whose "
                    "daily work is missing or failed, raw to CDC, once PNCP answers a probe: one run per day, "
                    f"at most {PER_TICK} days a tick, oldest first, each day backing off from its last failure "
                    f"({settings.recovery_backoff:.0f} s doubling per attempt, at most "
                    f"{settings.recovery_backoff_cap:.0f} s, plus jitter). Run priority {PRIORITY}, tag "
                    f"{TRIGGER_TAG}={RECOVERY}. Running from the start with BALIZA_ENV=production, stopped otherwise.",
    )
    def recovery(context: dg.SensorEvaluationContext, pncp: PncpResource):
        now = clock()
        instance, graph = context.instance, context.repository_def.asset_graph
        latest, tick = latest_scheduled(settings.harvest_cron, now)
        days = window(first_asked(instance), latest, settings.recovery_days)
        if not days:
            return dg.SkipReason("the daily schedules have asked for no day yet: nothing to recover")
        keys_by_work = {w.work: [k for k in w.selection.resolve(graph) if graph.get(k).partitions_def is not None]
                        for w in DAILY_WORK}
        blocking: dict[dg.AssetKey, list[dg.AssetCheckKey]] = {}
        for check in graph.asset_check_keys:
            if graph.get_check_spec(check).blocking:
                blocking.setdefault(check.asset_key, []).append(check)
        ready, waiting = due(survey(instance, keys_by_work, days, (latest, tick), blocking), now.timestamp(), backoff)
        later = "; ".join(
            f"{d.day} ({', '.join(d.works)}) " + ("has a run in progress" if d.busy
                                                  else f"waits until {_when(d.due_at(backoff))} Brasília")
            for d in waiting)
        if not ready:
            return dg.SkipReason(f"{days[0]}..{days[-1]}: nothing due" + (f": {later}" if later else
                                                                        ", every day's work is materialized"))
        down = asyncio.run(probe(pncp, ready[0].day))
        if down:
            return dg.SkipReason(f"PNCP is not answering ({down}): nothing requested; "
                                 f"{len(ready)} day(s) wait for it, {ready[0].day} first")
        requests = []
        for d in ready[:PER_TICK]:
            keys = selection(d, DAILY_WORK, graph)
            context.log.info(f"{d.day}: recovery attempt {d.attempts + 1} of {', '.join(d.works)}: "
                             f"{len(keys)} assets")
            requests.append(request(d, keys))
        return requests

    return recovery

