"""Every resource and IO manager the definitions bind, from the environment's settings."""

import dagster as dg

from ..settings import DEFAULT_MEMORY_LIMIT, Settings
from .io_managers import LakeIOManager
from .resources import LakeResource, PncpResource, WarehouseResource


def build_resources(pncp: PncpResource, lake: LakeResource, catalog: str,
                    memory_limit: str = DEFAULT_MEMORY_LIMIT, snapshot_retention_days: int | None = None) -> dict:
    """Every resource the assets and checks use, from the three things that vary (``catalog``: the
    warehouse's, BALIZA_CATALOG). The assets write their own stores (the lake, the warehouse) and return a
    ``MaterializeResult``; the one IO manager loads the lake's partitions as inputs."""
    return {
        "pncp": pncp,
        "lake": lake,
        "warehouse": WarehouseResource(catalog=catalog, lake=lake, memory_limit=memory_limit,
                                       snapshot_retention_days=snapshot_retention_days),
        "lake_io_manager": LakeIOManager(lake=lake),
    }


def _secret(settings: Settings, name: str, value):
    """A credential the environment sets stays an EnvVar: the UI shows its name, never its value."""
    return dg.EnvVar(name) if name in settings.set_variables else value


def resources_for(settings: Settings) -> dict:
    pncp = PncpResource(
        consulta_url=settings.consulta_url, detail_url=settings.detail_url,
        consulta_concurrency=settings.consulta_concurrency, detail_concurrency=settings.detail_concurrency,
        detail_max_concurrency=settings.detail_max_concurrency, read_timeout=settings.read_timeout,
        time_scale=settings.time_scale,
    )
    s3 = settings.s3
    lake = LakeResource(
        location=settings.lake_location, aws_endpoint_url=s3.endpoint_url,
        aws_access_key_id=_secret(settings, "AWS_ACCESS_KEY_ID", s3.access_key_id),
        aws_secret_access_key=_secret(settings, "AWS_SECRET_ACCESS_KEY", s3.secret_access_key),
        aws_region=s3.region,
    )
    # the catalog's URL may hold the PostgreSQL password: the UI shows the variable's name
    catalog = _secret(settings, "BALIZA_CATALOG", settings.catalog)
    return build_resources(pncp, lake, catalog, settings.duckdb_memory_limit, settings.snapshot_retention_days)
