"""`baliza backfill-plan`: requests per API and the duration of a history backfill, from PNCP's
volumes on an empty lake, and from the archive's own days and timing once some are archived."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone

from baliza_assets.cli import plan
from baliza_assets.lib import archive
from baliza_assets.lib.lake import Lake


def test_an_empty_lake_plans_on_pncps_volumes(tmp_path):
    p = plan.plan(Lake(str(tmp_path / "lake")), date(2025, 1, 6), date(2025, 1, 12))  # Monday to Sunday
    assert (p.days, p.to_fetch) == (7, 7)
    weekday, weekend = plan.PUBLISHED_WEEKDAY, {k: v * plan.QUIET_FACTOR for k, v in plan.PUBLISHED_WEEKDAY.items()}
    assert p.requests == {api: round(5 * weekday[api] + 2 * weekend[api]) for api in weekday}
    assert p.rps == plan.DEFAULT_RPS and p.rps_source == {"consulta": "default", "detail": "default"}
    hours = p.requests["detail"] / plan.DEFAULT_RPS["detail"] / 3600
    assert p.days_needed("detail") == hours / 24 / (1 - plan.DAILY_SHARE["detail"])


def _archive_day(lake: Lake, table: str, day: date, n: int, seconds: float) -> None:
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    rows = [{**{k: None for k in archive.SCHEMA}, "request_id": f"{table}{day}{i}", "partition_date": day,
             "endpoint": table.split("/")[1], "collected_at": start + timedelta(seconds=seconds * i / max(1, n - 1)),
             "elapsed_s": 0.0, "http_status": 200, "records": 1} for i in range(n)]
    lake.write(table, day, archive.frame(rows))


def test_archived_days_are_not_planned_again_and_their_timing_is_the_throughput(tmp_path):
    lake = Lake(str(tmp_path / "lake"))
    for day in (date(2025, 1, 6), date(2025, 1, 7)):  # two weekdays, archived whole
        for table in plan.BACKFILLED["consulta"]:
            _archive_day(lake, table, day, 60, 30.0)  # 60 requests in 30 s, per table
        for table in plan.BACKFILLED["detail"]:
            _archive_day(lake, table, day, 100, 100.0)
    p = plan.plan(lake, date(2025, 1, 6), date(2025, 1, 10))
    assert (p.days, p.to_fetch) == (5, 3)
    assert p.requests == {"consulta": 3 * 180, "detail": 3 * 300}
    assert p.rps == {"consulta": 2.0, "detail": 1.0}
    assert p.rps_source["detail"] == "measured on 2 archived days"
    out = io.StringIO()
    assert plan.run(lake, date(2025, 1, 6), date(2025, 1, 10), out) == 0
    text = out.getvalue()
    assert "5 days, 2 archived already (not fetched again), 3 to fetch" in text
    assert "detail             900 requests at 1.00/s (measured on 2 archived days): 0.2 h" in text


def test_the_command_names_a_bad_range(tmp_path):
    done = subprocess.run([sys.executable, "-m", "baliza_assets.cli", "backfill-plan", "--from", "2025-02-01",
                           "--to", "2025-01-01"], env={"BALIZA_LAKE": str(tmp_path / "lake"), "PATH": ""},
                          capture_output=True, text=True)
    assert done.returncode == 2 and "--to 2025-01-01 is before --from 2025-02-01" in done.stderr
