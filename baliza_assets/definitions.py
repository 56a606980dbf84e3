"""The Baliza code location: only assembles what `defs/` defines."""

import dagster as dg

from .defs.cdc import assets as cdc
from .defs.details import assets as details
from .defs.marts import assets as marts
from .defs.raw import assets as raw
from .defs.raw import checks as raw_checks
from .defs.resources import resources_from_env
from .defs.staging import assets as staging
from .defs.staging import checks as staging_checks

ASSETS = dg.load_assets_from_modules([raw, details, staging, marts, cdc])
CHECKS = dg.load_asset_checks_from_modules([raw_checks, staging_checks])

defs = dg.Definitions(
    assets=ASSETS,
    asset_checks=CHECKS,
    resources=resources_from_env(),
)
