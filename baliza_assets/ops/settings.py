"""The configuration the operator commands read: the same environment variables as the code location."""

from __future__ import annotations

import os
from dataclasses import dataclass

from ..defs.resources import DEFAULT_DUCKDB, DEFAULT_LAKE
from ..lib.lake import Lake, S3Settings
from ..lib.pncp.client import REAL_CONSULTA, REAL_DETAIL

SECRET_VARIABLES = ("AWS_SECRET_ACCESS_KEY", "DAGSTER_PG_PASSWORD")
SHOWN_VARIABLES = (
    "PNCP_CONSULTA_URL", "PNCP_DETAIL_URL", "PNCP_CONSULTA_CONCURRENCY", "PNCP_DETAIL_CONCURRENCY",
    "PNCP_READ_TIMEOUT", "PNCP_TIME_SCALE", "BALIZA_DUCKDB_PATH", "BALIZA_DUCKDB_MEMORY_LIMIT", "BALIZA_LAKE",
    "BALIZA_REFRESH_DAYS", "BALIZA_HARVEST_CRON", "BALIZA_FEED_SENSOR_INTERVAL", "AWS_ENDPOINT_URL",
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
