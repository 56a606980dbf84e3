"""`baliza backfill-plan --from D --to D`: what a history backfill will ask of PNCP, and how long it takes.

Requests per day come from the days already archived from PNCP (the median of each API's requests over
the publication days of the lake, weekdays and quiet days apart) once there are enough of them, or
from PNCP's published volumes. Throughput comes from those days' own timing (requests over the span
of their collection, per API), or from the stated default: the consulta API's 6 in flight at 1.4 s,
the detail API at 8.5 s with the client's starting limit of 8 in flight. Days archived from another
server (the sandbox of the quick start) say nothing of PNCP: the plan says so and uses the defaults. The daily
work comes first (its runs have a higher priority): the plan gives the backfill what is left of
each API's day after the daily work's share of it.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TextIO

import polars as pl

from ..lib.completeness import is_quiet
from ..lib.lake import Lake

# The raw tables a backfill fills (a backfill sweeps nothing and reads no update feed), by API.
BACKFILLED = {"consulta": ("raw/contratacoes", "raw/contratos", "raw/atas"),
              "detail": ("raw/itens", "raw/arquivos", "raw/resultados")}
# A weekday of PNCP, by its published volumes: 6,500 contratações in ~144 listing pages (50 a page, one listing per
# modalidade), 8,500 contratos (17 pages of 500), 2,400 atas (5 pages); one itens and one arquivos
# request per compra and one resultados request per item with a result (~7 items a compra, ~75% with one).
PUBLISHED_WEEKDAY = {"consulta": 144 + 17 + 5, "detail": 6_500 * 2 + 6_500 * 7 * 3 // 4}
QUIET_FACTOR = 0.2  # weekends and holidays publish about a fifth of a weekday
DEFAULT_RPS = {"consulta": 6 / 1.4, "detail": 8 / 8.5}
DEFAULT_SOURCE = {"consulta": "PNCP's stated rate: 6 in flight at p50 1.4 s",
                  "detail": "PNCP's stated rate: 8 in flight at 8.5 s, its calls 0.1-9 s"}
# The daily work's share of each API (bench/steady_state.py on the realistic sandbox).
DAILY_SHARE = {"consulta": 0.011, "detail": 0.58}
MIN_MEASURED = 50  # a day-table with fewer requests says little about throughput
MIN_DAYS = 5  # fewer archived days of PNCP say little about its volumes or its throughput
PNCP_HOST = "pncp.gov.br"


@dataclass
class Plan:
    first: date
    last: date
    days: int
    to_fetch: int  # days not archived yet (a backfill resumes: archived days are not fetched again)
    requests: dict[str, int]
    rps: dict[str, float]
    rps_source: dict[str, str]
    per_day_source: str
    notes: list[str]  # why measured figures were not used

    def hours(self, api: str) -> float:
        return self.requests[api] / self.rps[api] / 3600

    def days_needed(self, api: str) -> float:
        return self.hours(api) / 24 / (1 - DAILY_SHARE[api])


def _archived(lake: Lake, archived_days: dict[str, list[date]],
              hosts: set[str]) -> dict[str, dict[date, tuple[int, float]]]:
    """Per API, per publication day archived from PNCP: (requests, requests per second while its steps ran:
    the requests over the span of their collection plus the last one's latency, summed over the tables).
    ``hosts`` gathers every server the archived requests went to; a day with a request to another is left out."""
    out: dict[str, dict[date, list]] = {"consulta": {}, "detail": {}}
    elsewhere: set[date] = set()
    for api, tables in BACKFILLED.items():
        for table in tables:
            days = archived_days[table]
            if not days:
                continue
            host = pl.col("url").str.extract(r"^[a-z]+://([^/:]+)")
            per = (lake.scan(table, days).group_by("partition_date")
                   .agg(n=pl.len(), span=(pl.col("collected_at").max() - pl.col("collected_at").min())
                        .dt.total_milliseconds() / 1000 + pl.col("elapsed_s").mean(),
                        hosts=host.drop_nulls().unique()).collect())
            for day, n, span, day_hosts in per.iter_rows():
                hosts.update(day_hosts)
                if any(h != PNCP_HOST for h in day_hosts):
                    elsewhere.add(day)
                got = out[api].setdefault(day, [0, 0.0])
                got[0] += n
                got[1] += span or 0.0
    return {api: {d: (n, n / span if n >= MIN_MEASURED and span > 0 else 0.0) for d, (n, span) in days.items()
                  if d not in elsewhere}
            for api, days in out.items()}


def plan(lake: Lake, first: date, last: date) -> Plan:
    if last < first:
        raise ValueError(f"--to {last} is before --from {first}")
    archived_days = {t: lake.days(t) for tables in BACKFILLED.values() for t in tables}
    hosts: set[str] = set()
    archived = _archived(lake, archived_days, hosts)
    span = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    done = set.intersection(*(set(days) for days in archived_days.values()))
    missing = [d for d in span if d not in done]
    requests, rps, rps_source, notes = {}, {}, {}, []
    elsewhere = sorted(h for h in hosts if h != PNCP_HOST)
    if elsewhere:
        notes.append(f"the lake's archived days were fetched from {', '.join(elsewhere)}, not from PNCP "
                     f"({PNCP_HOST}): a sandbox's volumes and speed say nothing of PNCP's, so they are not used")
    real_days = min(len(days) for days in archived.values())
    measured = real_days >= MIN_DAYS
    if 0 < real_days < MIN_DAYS:
        notes.append(f"only {real_days} day(s) archived from PNCP, fewer than {MIN_DAYS}: too few to measure "
                     "its volumes and throughput")
    for api in BACKFILLED:
        if measured:
            busy = [n for d, (n, _) in archived[api].items() if not is_quiet(d)]
            quiet = [n for d, (n, _) in archived[api].items() if is_quiet(d)]
            weekday = statistics.median(busy) if busy else statistics.median(quiet) / QUIET_FACTOR
            weekend = statistics.median(quiet) if quiet else weekday * QUIET_FACTOR
        else:
            weekday, weekend = PUBLISHED_WEEKDAY[api], PUBLISHED_WEEKDAY[api] * QUIET_FACTOR
        requests[api] = round(sum(weekend if is_quiet(d) else weekday for d in missing))
        rates = [rate for _, (_, rate) in sorted(archived[api].items())[-10:] if rate > 0]  # the last 10 days
        if len(rates) < MIN_DAYS:
            rates = []
        rps[api] = statistics.median(rates) if rates else DEFAULT_RPS[api]
        rps_source[api] = f"measured on {len(rates)} archived days" if rates else DEFAULT_SOURCE[api]
    source = (f"the median of {real_days} days archived from PNCP" if measured
              else "PNCP's volumes: 6,500 contratações, 8,500 contratos, 2,400 atas a weekday")
    return Plan(first, last, len(span), len(missing), requests, rps, rps_source, source, notes)


def run(lake: Lake, first: date, last: date, out: TextIO) -> int:
    p = plan(lake, first, last)
    for note in p.notes:
        out.write(f"Note: {note}.\n")
    out.write(f"Backfill {p.first}..{p.last}: {p.days} days, {p.days - p.to_fetch} archived already (not fetched "
              f"again), {p.to_fetch} to fetch; requests per day from {p.per_day_source}\n")
    for api in BACKFILLED:
        out.write(f"  {api:<9} {p.requests[api]:>12,} requests at {p.rps[api]:.2f}/s ({p.rps_source[api]}): "
                  f"{p.hours(api):,.1f} h of the API; with the daily work's {DAILY_SHARE[api]:.0%} of it first, "
                  f"{p.days_needed(api):,.1f} days\n")
    slowest = max(BACKFILLED, key=p.days_needed)
    needed = math.ceil(p.days_needed(slowest))
    out.write(f"Expected duration: {needed:,} day{'s' if needed != 1 else ''}, bound by the {slowest} API. "
              "Backfill runs have priority 0, below the daily schedules (10-30), and log days done and an ETA.\n")
    return 0
