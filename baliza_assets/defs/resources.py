"""The resources the assets and checks use: the PNCP client, the lake and the warehouse (DuckLake).
Their fields are settings of ``baliza_assets.settings.Settings``, under the same names and with no defaults
of their own: ``defs/wiring.py`` builds them from the settings."""


import contextlib
import random
from collections.abc import Iterator
from dataclasses import replace

import dagster as dg
import duckdb

from ..lib import warehouse
from ..lib.lake import Lake, S3Settings
from ..lib.pncp import ClientConfig, PncpClient
from ..settings import Settings


class PncpResource(dg.ConfigurableResource):
    """The PNCP client (PNCP_*, BALIZA_CONSULTA_SHARE, BALIZA_DETAIL_SHARE)."""

    consulta_url: str
    detail_url: str
    consulta_concurrency: int
    detail_concurrency: int
    detail_max_concurrency: int
    read_timeout: float
    time_scale: float
    consulta_share: float
    detail_share: float
    max_attempts: int | None = None  # attempts per request; None: the client's own (no setting sets it)

    def client_config(self) -> ClientConfig:
        config = Settings(**{name: getattr(self, name) for name in CLIENT_SETTINGS}).client_config()
        return config if self.max_attempts is None else replace(config, max_attempts=self.max_attempts)

    def client(self) -> PncpClient:
        return PncpClient(self.client_config())


# the settings the client takes, by their names in Settings
CLIENT_SETTINGS = tuple(name for name in PncpResource.model_fields if name in Settings.model_fields)


class LakeResource(dg.ConfigurableResource):
    """Where raw archives live (BALIZA_LAKE): a folder, or s3://bucket/prefix with the AWS_* settings."""

    location: str
    aws_endpoint_url: str | None
    aws_access_key_id: str | None
    aws_secret_access_key: str | None
    aws_region: str | None

    def s3_settings(self) -> S3Settings:
        return S3Settings(self.aws_endpoint_url, self.aws_access_key_id, self.aws_secret_access_key, self.aws_region)

    def lake(self) -> Lake:
        return Lake(self.location, self.s3_settings())


# A step whose commit another run's conflicting commit refused is run again (from a fresh snapshot) this many
# times, this long apart, before it fails: conflicts are rare (two runs replacing rows of one table at once, or
# building the same mart for the first time).
CONFLICT_RETRIES = 10
CONFLICT_WAIT_S = (5.0, 20.0)  # drawn at random, so two runs that refused each other do not meet again


class WarehouseResource(dg.ConfigurableResource):
    """The warehouse: the DuckLake catalog (BALIZA_CATALOG) with its data under the lake's warehouse/."""

    catalog: str
    lake: LakeResource
    memory_limit: str  # BALIZA_DUCKDB_MEMORY_LIMIT
    snapshot_retention_days: int | None  # BALIZA_SNAPSHOT_RETENTION_DAYS: the upkeep expires older snapshots

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
            raise dg.RetryRequested(max_retries=CONFLICT_RETRIES, seconds_to_wait=random.uniform(*CONFLICT_WAIT_S)) from e
