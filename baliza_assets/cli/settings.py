"""What the operator commands show and check of the configuration: the variables of
``baliza_assets.settings``, as the code location reads them."""

from __future__ import annotations

import os
from pathlib import Path

from ..lib.lake import Lake, LakeError, S3Settings
from ..lib.warehouse.catalog import Catalog, CatalogError
from ..settings import TAKEN_AS_GIVEN, VARIABLES, Settings

SECRET_VARIABLES = ("AWS_SECRET_ACCESS_KEY", "DAGSTER_PG_PASSWORD")
SHOWN_VARIABLES = (
    "PNCP_CONSULTA_URL", "PNCP_DETAIL_URL", "PNCP_CONSULTA_CONCURRENCY", "PNCP_DETAIL_CONCURRENCY",
    "PNCP_DETAIL_MAX_CONCURRENCY",
    "PNCP_READ_TIMEOUT", "PNCP_TIME_SCALE", "BALIZA_CATALOG", "BALIZA_DUCKDB_MEMORY_LIMIT", "BALIZA_LAKE",
    "BALIZA_HARVEST_CRON", "BALIZA_CONSULTA_SHARE", "BALIZA_DETAIL_SHARE", "AWS_ENDPOINT_URL",
    "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION", "DAGSTER_HOME", "DAGSTER_PG_HOST", "DAGSTER_PG_PORT",
    "DAGSTER_PG_USER", "DAGSTER_PG_PASSWORD", "DAGSTER_PG_DB",
)


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


# ---- what the runs would refuse ---------------------------------------------------------------------
# The checks of baliza_assets/settings.py (those the code location makes as it loads, so its runs never
# start with a value they would fail on), and those only a run meets (the lake). An empty DuckDB memory
# limit is reported here, where the code location takes it as given.

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


def _empty_is_default(check):
    return lambda raw: None if raw.strip() == "" else check(raw.strip())


CHECKS = {name: check if name in TAKEN_AS_GIVEN else _empty_is_default(check)
          for name, (_, check, _) in VARIABLES.items() if check}
CHECKS["BALIZA_LAKE"] = _lake


def problems() -> list[str]:
    """Every variable the code location or its runs would refuse, each with the reason."""
    found = []
    for name, check in CHECKS.items():
        raw = os.environ.get(name)
        if raw is not None and (reason := check(raw)):
            found.append(f"{name}={raw!r}: {reason}")
    settings = Settings.from_env(strict=False)
    if settings.lake_location.startswith("s3://"):
        try:
            settings.s3.boto3_client()
        except Exception as e:  # whatever the S3 client refuses, in its words (it names the variable)
            found.append(f"AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION: the S3 client "
                         f"refuses them: {type(e).__name__}: {e}")
    return found
