"""What the operator commands show and check of the configuration: every variable of
``baliza_assets.settings.Settings``, as the code location reads them, and Dagster's own."""

from __future__ import annotations

import os

from ..lib.warehouse.catalog import Catalog, CatalogError
from ..settings import Settings

DAGSTER_VARIABLES = ("DAGSTER_HOME", "DAGSTER_PG_HOST", "DAGSTER_PG_PORT", "DAGSTER_PG_USER", "DAGSTER_PG_PASSWORD",
                     "DAGSTER_PG_DB")
SECRET_VARIABLES = ("AWS_SECRET_ACCESS_KEY", "DAGSTER_PG_PASSWORD")


def shown_variables() -> tuple[str, ...]:
    return (*Settings.variables(), *DAGSTER_VARIABLES)


def shown(name: str) -> str:
    """A variable as an operator may see it: secrets only say whether they are set, and a catalog's URL is
    shown without its password."""
    value = os.environ.get(name)
    if value is None:
        return "(unset)"
    if name == "BALIZA_CATALOG":
        try:
            return Catalog.parse(value).describe() + (" (password hidden)" if Catalog.parse(value).password else "")
        except CatalogError:
            return "(set, not a catalog: see below)"
    return "(set, hidden)" if name in SECRET_VARIABLES else value


def problems() -> list[str]:
    """Every variable the code location or its runs would refuse, each with the reason: those the settings
    refuse as the environment sets them, and the AWS variables the S3 client refuses for a lake on S3 (only
    a run meets them)."""
    settings = Settings.from_env(strict=False)
    found = list(settings.refused)
    if settings.lake_location.startswith("s3://"):
        try:
            settings.s3.boto3_client()
        except Exception as e:  # whatever the S3 client refuses, in its words (it names the variable)
            found.append(f"AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION: the S3 client "
                         f"refuses them: {type(e).__name__}: {e}")
    return found
