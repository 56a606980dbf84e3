"""Every resource and IO manager the definitions bind, from the settings (``baliza_assets.settings``)."""

import dagster as dg

from ..settings import Settings
from .io_managers import LakeIOManager
from .resources import CLIENT_SETTINGS, LakeResource, PncpResource, WarehouseResource

# A value the environment sets for these stays an EnvVar: the UI shows the variable's name, never its value
# (the catalog's URL may hold the PostgreSQL password).
SHOWN_BY_NAME = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "BALIZA_CATALOG")


def _value(settings: Settings, name: str):
    """The setting of variable ``name``, or the EnvVar it came from when it is shown by name."""
    if name in SHOWN_BY_NAME and settings.from_environment(name):
        return dg.EnvVar(name)
    return getattr(settings, Settings.variables()[name])


def pncp_resource(settings: Settings, **extra) -> PncpResource:
    """The PNCP client's resource (``extra``: what no setting sets, such as ``max_attempts``)."""
    return PncpResource(**{name: getattr(settings, name) for name in CLIENT_SETTINGS}, **extra)


def lake_resource(settings: Settings) -> LakeResource:
    return LakeResource(
        location=settings.lake_location, aws_endpoint_url=settings.aws_endpoint_url,
        aws_access_key_id=_value(settings, "AWS_ACCESS_KEY_ID"),
        aws_secret_access_key=_value(settings, "AWS_SECRET_ACCESS_KEY"), aws_region=settings.aws_region)


def resources_for(settings: Settings) -> dict:
    """Every resource the assets and checks use. The assets write their own stores (the lake, the
    warehouse) and return a ``MaterializeResult``; the one IO manager loads the lake's partitions as inputs."""
    lake = lake_resource(settings)
    return {
        "pncp": pncp_resource(settings),
        "lake": lake,
        "warehouse": WarehouseResource(catalog=_value(settings, "BALIZA_CATALOG"), lake=lake,
                                       memory_limit=settings.duckdb_memory_limit,
                                       snapshot_retention_days=settings.snapshot_retention_days),
        "lake_io_manager": LakeIOManager(lake=lake),
    }
