"""The configuration the operator commands read: the same environment variables as the code location."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from ..defs.resources import DEFAULT_DUCKDB, DEFAULT_LAKE
from ..lib.lake import Lake, LakeError, S3Settings
from ..lib.pncp.client import REAL_CONSULTA, REAL_DETAIL

SECRET_VARIABLES = ("AWS_SECRET_ACCESS_KEY", "DAGSTER_PG_PASSWORD")
SHOWN_VARIABLES = (
    "PNCP_CONSULTA_URL", "PNCP_DETAIL_URL", "PNCP_CONSULTA_CONCURRENCY", "PNCP_DETAIL_CONCURRENCY",
    "PNCP_DETAIL_MAX_CONCURRENCY",
    "PNCP_READ_TIMEOUT", "PNCP_TIME_SCALE", "BALIZA_DUCKDB_PATH", "BALIZA_DUCKDB_MEMORY_LIMIT", "BALIZA_LAKE",
    "BALIZA_HARVEST_CRON", "BALIZA_CONSULTA_SHARE", "BALIZA_DETAIL_SHARE", "AWS_ENDPOINT_URL",
    "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION", "DAGSTER_HOME", "DAGSTER_PG_HOST", "DAGSTER_PG_PORT",
    "DAGSTER_PG_USER", "DAGSTER_PG_PASSWORD", "DAGSTER_PG_DB",
)


@dataclass(frozen=True)
class Settings:
    consulta_url: str
    detail_url: str
    duckdb_path: str
    lake_location: str
    s3: S3Settings

    @classmethod
    def from_env(cls) -> Settings:
        env = os.environ.get
        return cls(env("PNCP_CONSULTA_URL") or REAL_CONSULTA, env("PNCP_DETAIL_URL") or REAL_DETAIL,
                   env("BALIZA_DUCKDB_PATH") or DEFAULT_DUCKDB, env("BALIZA_LAKE") or DEFAULT_LAKE, S3Settings.from_env())

    def lake(self) -> Lake:
        return Lake(self.lake_location, self.s3)


def shown(name: str) -> str:
    """A variable as an operator may see it: secrets only say whether they are set."""
    value = os.environ.get(name)
    if value is None:
        return "(unset)"
    return "(set, hidden)" if name in SECRET_VARIABLES else value


# ---- what the runs would refuse ---------------------------------------------------------------------
# Each check reads the variable as the code location does (defs/resources.py, defs/schedules.py)
# and returns why the runs would fail with it, or None.

def _url(raw: str) -> str | None:
    if raw == "":
        return None  # empty means the default, as for the code location
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "expected an http:// or https:// URL with a host"
    return None


def _count(raw: str) -> str | None:
    try:
        ok = int(raw) > 0
    except ValueError:
        ok = False
    return None if ok else "expected a whole number above 0"


def _seconds(raw: str) -> str | None:
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    return None if math.isfinite(value) and value > 0 else "expected a positive number"


def _share(raw: str) -> str | None:
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    return None if 0 < value <= 1 else "expected the share of the API's capacity Baliza may use, above 0 and at most 1"


def _memory_limit(raw: str) -> str | None:
    import duckdb

    try:
        duckdb.connect(":memory:", config={"memory_limit": raw}).close()
    except duckdb.Error as e:
        return f"DuckDB refuses it as memory_limit: {e}"
    return None


def _duckdb_path(raw: str) -> str | None:
    if raw.strip() == "":
        return "empty: DuckDB would keep the warehouse in memory and lose it when the run ends"
    path = Path(raw).absolute()
    if path.is_dir():
        return "is a directory; expected the path of the warehouse file"
    parent = path.parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK):
        return f"{parent} is not a writable directory, so the warehouse file cannot be created"
    return None


def _lake(raw: str) -> str | None:
    if raw == "":
        return None
    try:
        Lake(raw, S3Settings())
    except LakeError as e:
        return str(e)
    except Exception:  # the S3 client refusing the AWS variables: reported on its own
        pass
    if not raw.startswith("s3://") and Path(raw).exists() and not Path(raw).is_dir():
        return "is a file; expected a folder or s3://bucket/prefix"
    return None


CHECKS = {
    "PNCP_CONSULTA_URL": _url,
    "PNCP_DETAIL_URL": _url,
    "PNCP_CONSULTA_CONCURRENCY": _count,
    "PNCP_DETAIL_CONCURRENCY": _count,
    "PNCP_DETAIL_MAX_CONCURRENCY": _count,
    "PNCP_READ_TIMEOUT": _seconds,
    "PNCP_TIME_SCALE": _seconds,
    "BALIZA_DUCKDB_PATH": _duckdb_path,
    "BALIZA_DUCKDB_MEMORY_LIMIT": _memory_limit,
    "BALIZA_LAKE": _lake,
    "BALIZA_CONSULTA_SHARE": _share,
    "BALIZA_DETAIL_SHARE": _share,
}


def problems() -> list[str]:
    """Every variable the code location or its runs would refuse, each with the reason."""
    from ..defs.schedules import harvest_cron

    found = []
    for name, check in CHECKS.items():
        raw = os.environ.get(name)
        if raw is not None and (reason := check(raw)):
            found.append(f"{name}={raw!r}: {reason}")
    for read in (harvest_cron,):
        try:
            read()
        except ValueError as e:
            found.append(str(e))
    if (os.environ.get("BALIZA_LAKE") or DEFAULT_LAKE).startswith("s3://"):
        try:
            S3Settings.from_env().boto3_client()
        except Exception as e:  # whatever the S3 client refuses, in its words (it names the variable)
            found.append(f"AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION: the S3 client "
                         f"refuses them: {type(e).__name__}: {e}")
    return found
