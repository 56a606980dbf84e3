"""Dagster's Beta and Preview notices stay out of what an operator reads: loading the code location (as
the code server, every run and `baliza` do) prints none of them, and other warnings still show."""

from __future__ import annotations

import subprocess
import sys


def _stderr(code: str) -> str:
    return subprocess.run([sys.executable, "-W", "default", "-c", code], capture_output=True, text=True,
                          check=True).stderr


def test_loading_the_code_location_prints_no_beta_or_preview_notice():
    loud = _stderr("import dagster, warnings; "
                   "warnings.warn('a beta API', dagster.BetaWarning)")
    assert "BetaWarning: a beta API" in loud, "the probe itself must be able to see a notice"
    quiet = _stderr("import baliza_assets.definitions")
    assert "BetaWarning" not in quiet and "PreviewWarning" not in quiet, quiet[-2000:]


def test_other_warnings_still_show():
    shown = _stderr("import baliza_assets.definitions, warnings; warnings.warn('kept', UserWarning)")
    assert "UserWarning: kept" in shown
