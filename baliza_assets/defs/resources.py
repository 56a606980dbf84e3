"""The resources the assets and checks use: the PNCP client, the lake and the warehouse (DuckLake).
Their defaults are Baliza's (``baliza_assets.settings``); ``defs/wiring.py`` binds them to the
environment's settings."""


import contextlib
from collections.abc import Iterator

import dagster as dg
import duckdb

from ..lib import warehouse
from ..lib.lake import Lake, S3Settings
from ..lib.pncp import ClientConfig, PncpClient
from ..lib.pncp.client import REAL_CONSULTA, REAL_DETAIL
from ..settings import DEFAULT_CATALOG, DEFAULT_LAKE, DEFAULT_MEMORY_LIMIT


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


# A step whose commit another run's conflicting commit refused is run again (from a fresh snapshot) this many
# times, this long apart, before it fails: conflicts are rare (two runs replacing rows of one table at once).
CONFLICT_RETRIES = 5
CONFLICT_WAIT_S = 5.0


class WarehouseResource(dg.ConfigurableResource):
    """The warehouse: the DuckLake catalog (BALIZA_CATALOG) with its data under the lake's warehouse/."""

    catalog: str = DEFAULT_CATALOG
    lake: LakeResource
    memory_limit: str = DEFAULT_MEMORY_LIMIT
    snapshot_retention_days: int | None = None  # the upkeep expires older snapshots (None: keeps every one)

    @contextlib.contextmanager
    def connect(self, read_only: bool = False, atomic: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection to the warehouse. ``atomic``: everything written in the block commits as one
        transaction, or nothing does. A writer gives the tables it finds without one their layout as it closes.
        A commit refused by another run's conflicting commit (nothing of it applied) asks Dagster to run the
        step again, up to CONFLICT_RETRIES times."""
        try:
            with warehouse.connect(self.catalog, self.lake.lake(), self.lake.s3_settings(), read_only=read_only,
                                   memory_limit=self.memory_limit) as con:
                if atomic:
                    with warehouse.transaction(con):
                        yield con
                else:
                    yield con
                if not read_only:
                    warehouse.settle_layout(con)
        except warehouse.WriteConflict as e:
            raise dg.RetryRequested(max_retries=CONFLICT_RETRIES, seconds_to_wait=CONFLICT_WAIT_S) from e
