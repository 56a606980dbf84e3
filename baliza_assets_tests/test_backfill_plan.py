"""`baliza backfill-plan`: requests per API and the duration of a history backfill, from PNCP's
volumes on an empty lake, and from the archive's own days and timing once some are archived."""

from __future__ import annotations

import io
import math
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
    assert p.rps == plan.DEFAULT_RPS and p.rps_source == plan.DEFAULT_SOURCE and p.notes == []
    hours = p.requests["detail"] / plan.DEFAULT_RPS["detail"] / 3600
    assert p.days_needed("detail") == hours / 24 / (1 - plan.DAILY_SHARE["detail"])


def _archive_day(lake: Lake, table: str, day: date, n: int, seconds: float, server: str = "https://pncp.gov.br") -> None:
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    rows = [{**{k: None for k in archive.SCHEMA}, "request_id": f"{table}{day}{i}", "partition_date": day,
             "url": f"{server}/api/{table}?pagina={i}",
             "endpoint": table.split("/")[1], "collected_at": start + timedelta(seconds=seconds * i / max(1, n - 1)),
             "elapsed_s": 0.0, "http_status": 200, "records": 1} for i in range(n)]
    lake.write(table, day, archive.frame(rows))


def test_archived_days_are_not_planned_again_and_their_timing_is_the_throughput(tmp_path):
    lake = _weekdays(tmp_path, "https://pncp.gov.br")
    p = plan.plan(lake, date(2025, 1, 6), date(2025, 1, 17))
    assert (p.days, p.to_fetch) == (12, 7)
    assert p.requests == {"consulta": 5 * 180 + 2 * 36, "detail": 5 * 300 + 2 * 60}  # a weekend day: a fifth
    assert p.rps == {"consulta": 2.0, "detail": 1.0} and p.notes == []
    assert p.rps_source["detail"] == "measured on 5 archived days"
    out = io.StringIO()
    assert plan.run(lake, date(2025, 1, 6), date(2025, 1, 17), out) == 0
    text = out.getvalue()
    assert "12 days, 5 archived already (not fetched again), 7 to fetch" in text
    assert "requests per day from the median of 5 days archived from PNCP" in text
    assert "detail           1,620 requests at 1.00/s (measured on 5 archived days): 0.5 h" in text
    assert "Note:" not in text


def _weekdays(tmp_path, server: str, days: int = 5) -> Lake:
    """``days`` weekdays from Monday 2025-01-06, archived whole from ``server``: per consulta table 60
    requests in 30 s, per detail table 100 in 100 s."""
    lake = Lake(str(tmp_path / "lake"))
    for n in range(days):
        day = date(2025, 1, 6) + timedelta(days=n)
        for table in plan.BACKFILLED["consulta"]:
            _archive_day(lake, table, day, 60, 30.0, server)
        for table in plan.BACKFILLED["detail"]:
            _archive_day(lake, table, day, 100, 100.0, server)
    return lake


def test_days_archived_from_a_sandbox_are_said_to_be_so_and_the_real_apis_defaults_are_used(tmp_path):
    lake = _weekdays(tmp_path, "http://127.0.0.1:8765")  # the quick start's sandbox
    p = plan.plan(lake, date(2021, 1, 1), date(2026, 12, 1))
    assert p.rps == plan.DEFAULT_RPS and p.rps_source == plan.DEFAULT_SOURCE
    assert p.per_day_source.startswith("PNCP's volumes")
    out = io.StringIO()
    plan.run(lake, date(2021, 1, 1), date(2026, 12, 1), out)
    text = out.getvalue()
    assert text.startswith("Note: the lake's archived days were fetched from 127.0.0.1, not from PNCP (pncp.gov.br): "
                           "a sandbox's volumes and speed say nothing of PNCP's, so they are not used.\n")
    assert "at 0.94/s (PNCP's stated rate: 8 in flight at 8.5 s, its calls 0.1-9 s)" in text
    needed = math.ceil(p.days_needed("detail"))
    assert needed > 365, "six years of history at PNCP's detail rate take more than a year"
    assert f"Expected duration: {needed:,} days, bound by the detail API" in text


def test_too_few_days_archived_from_pncp_are_not_extrapolated(tmp_path):
    lake = _weekdays(tmp_path, "https://pncp.gov.br", days=2)
    p = plan.plan(lake, date(2025, 1, 6), date(2025, 1, 10))
    assert p.requests == {api: 3 * n for api, n in plan.PUBLISHED_WEEKDAY.items()}
    assert p.rps == plan.DEFAULT_RPS
    assert p.notes == ["only 2 day(s) archived from PNCP, fewer than 5: too few to measure its volumes and throughput"]


def test_the_command_names_a_bad_range(tmp_path):
    done = subprocess.run([sys.executable, "-m", "baliza_assets.cli", "backfill-plan", "--from", "2025-02-01",
                           "--to", "2025-01-01"], env={"BALIZA_LAKE": str(tmp_path / "lake"), "PATH": ""},
                          capture_output=True, text=True)
    assert done.returncode == 2 and "--to 2025-01-01 is before --from 2025-02-01" in done.stderr
