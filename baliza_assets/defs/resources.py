"""Resources and IO managers, configured from environment variables with working defaults.

| Variable | Default |
|---|---|
| PNCP_CONSULTA_URL / PNCP_DETAIL_URL | the real PNCP |
| PNCP_CONSULTA_CONCURRENCY / PNCP_DETAIL_CONCURRENCY / PNCP_READ_TIMEOUT | 6 / 8 / 60 |
| BALIZA_CONSULTA_SHARE / BALIZA_DETAIL_SHARE | 1 / 1 (the share of each API's requests in flight Baliza may use) |
| BALIZA_DUCKDB_PATH | data/baliza.duckdb |
| BALIZA_LAKE | data/lake (or s3://bucket/prefix) |
| BALIZA_DUCKDB_MEMORY_LIMIT | 512MB |
| AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION | unset (AWS defaults) |
"""


import contextlib
import os
from collections.abc import Iterator

import dagster as dg
import duckdb

from ..lib import warehouse
from ..lib.lake import Lake, S3Settings
from ..lib.pncp import ClientConfig, PncpClient
from ..lib.pncp.client import REAL_CONSULTA, REAL_DETAIL

DEFAULT_DUCKDB = "data/baliza.duckdb"
DEFAULT_LAKE = "data/lake"
DEFAULT_MEMORY_LIMIT = "512MB"  # DuckDB spills to disk beyond it; keeps a run's memory flat as the warehouse grows


class PncpResource(dg.ConfigurableResource):
    """The PNCP client: base URLs default to the real PNCP; point them at the sandbox offline."""

    consulta_url: str = REAL_CONSULTA
    detail_url: str = REAL_DETAIL
    consulta_concurrency: int = 6
    detail_concurrency: int = 8  # where the detail API's adaptive limit starts...
    detail_max_concurrency: int = 64  # ...and the most it may grow to (its capacity is found, not known)
    read_timeout: float = 60.0
    max_attempts: int = 6
    time_scale: float = 1.0  # multiplies every wait and timeout (for a sandbox with scaled latency)

    def client_config(self) -> ClientConfig:
        return ClientConfig(
            consulta_url=self.consulta_url,
            detail_url=self.detail_url,
            consulta_concurrency=self.consulta_concurrency,
            detail_concurrency=self.detail_concurrency,
            detail_max_concurrency=max(self.detail_concurrency, self.detail_max_concurrency),
            read_timeout=self.read_timeout,
            max_attempts=self.max_attempts,
        ).scaled(self.time_scale)

    def client(self) -> PncpClient:
        return PncpClient(self.client_config())


class LakeResource(dg.ConfigurableResource):
    """Where raw archives live: a folder, or s3://bucket/prefix with the standard AWS settings."""

    location: str = DEFAULT_LAKE
    aws_endpoint_url: str | None = None
    aws_access_key_id: str | None = None
    aws_secret_access_key: str | None = None
    aws_region: str | None = None

    def s3_settings(self) -> S3Settings:
        return S3Settings(self.aws_endpoint_url, self.aws_access_key_id, self.aws_secret_access_key, self.aws_region)

    def lake(self) -> Lake:
        return Lake(self.location, self.s3_settings())


class WarehouseResource(dg.ConfigurableResource):
    """The DuckDB file, for set-based SQL (marts) and the views over the lake."""

    path: str = DEFAULT_DUCKDB
    lake: LakeResource
    memory_limit: str = DEFAULT_MEMORY_LIMIT

    @contextlib.contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        with warehouse.connect(self.path, self.lake.lake(), self.lake.s3_settings(), read_only=read_only,
                               memory_limit=self.memory_limit) as con:
            yield con


def _env(name: str, default: str | None = None):
    """An EnvVar (kept secret in the UI) when set, else the default."""
    return dg.EnvVar(name) if os.environ.get(name) else default


def budgeted(ceiling: str, share: str) -> int:
    """Requests in flight for one API: its ceiling times the share of it the deployment grants Baliza
    (never below one). Pools keep one step per API across runs, so this is the deployment's total."""
    return max(1, int(int(ceiling) * float(share)))


def pncp_from_env() -> PncpResource:
    env = os.environ.get
    return PncpResource(
        consulta_url=_env("PNCP_CONSULTA_URL", REAL_CONSULTA),
        detail_url=_env("PNCP_DETAIL_URL", REAL_DETAIL),
        consulta_concurrency=budgeted(env("PNCP_CONSULTA_CONCURRENCY", "6"), env("BALIZA_CONSULTA_SHARE", "1")),
        detail_concurrency=budgeted(env("PNCP_DETAIL_CONCURRENCY", "8"), env("BALIZA_DETAIL_SHARE", "1")),
        detail_max_concurrency=budgeted(env("PNCP_DETAIL_MAX_CONCURRENCY", "64"), env("BALIZA_DETAIL_SHARE", "1")),
        read_timeout=float(os.environ.get("PNCP_READ_TIMEOUT", "60")),
        time_scale=float(os.environ.get("PNCP_TIME_SCALE", "1")),
    )


def lake_from_env() -> LakeResource:
    return LakeResource(
        location=_env("BALIZA_LAKE", DEFAULT_LAKE),
        aws_endpoint_url=_env("AWS_ENDPOINT_URL"),
        aws_access_key_id=_env("AWS_ACCESS_KEY_ID"),
        aws_secret_access_key=_env("AWS_SECRET_ACCESS_KEY"),
        aws_region=_env("AWS_REGION"),
    )


def duckdb_path_from_env() -> str:
    return os.environ.get("BALIZA_DUCKDB_PATH", DEFAULT_DUCKDB)


def build_resources(pncp: PncpResource, lake: LakeResource, duckdb_path: str,
                    memory_limit: str = DEFAULT_MEMORY_LIMIT) -> dict:
    """Every resource the assets and checks use, from the three things that vary."""
    from .io_managers import LakeIOManager, WarehouseIOManager

    return {
        "pncp": pncp,
        "lake": lake,
        "warehouse": WarehouseResource(path=duckdb_path, lake=lake, memory_limit=memory_limit),
        "lake_io_manager": LakeIOManager(lake=lake),
        "io_manager": WarehouseIOManager(database=duckdb_path, connection_config={"memory_limit": memory_limit}),
    }


def resources_from_env() -> dict:
    return build_resources(pncp_from_env(), lake_from_env(), duckdb_path_from_env(),
                           os.environ.get("BALIZA_DUCKDB_MEMORY_LIMIT", DEFAULT_MEMORY_LIMIT))
