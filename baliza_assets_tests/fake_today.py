"""A pytest plugin that runs the suite on another calendar day: ``BALIZA_TEST_TODAY=2026-12-06 python -m pytest
-p baliza_assets_tests.fake_today`` moves Python's wall clock (``time.time``, ``datetime.now``, ``date.today``) to
that day, at the current time of day, and lets it tick. No test may depend on the weekday the suite runs on: this
is how that is checked (a Sunday and a Monday, when the sandbox's weekends are quiet). Processes the tests start
keep the real clock."""

from __future__ import annotations

import os
from datetime import date, datetime, timezone

import time_machine

_travel = None


def pytest_configure(config):
    global _travel
    day = os.environ.get("BALIZA_TEST_TODAY")
    if not day:
        return
    now = datetime.now(timezone.utc)  # clock-ok: only its time of day is kept, the day is BALIZA_TEST_TODAY's
    target = datetime.combine(date.fromisoformat(day), now.timetz())
    _travel = time_machine.travel(target, tick=True)
    _travel.start()


def pytest_report_header(config):
    if _travel is not None:
        return f"wall clock moved to {datetime.now():%A %Y-%m-%d %H:%M} (BALIZA_TEST_TODAY)"  # clock-ok: shown
    return None


def pytest_unconfigure(config):
    if _travel is not None:
        _travel.stop()
