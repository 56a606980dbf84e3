"""Column drift on staging: Dagster's column-schema change checks, fed by the `dagster/column_schema`
every staging asset records on its materialization."""

import dagster as dg

from .assets import staging_assets

column_schema_checks = dg.build_column_schema_change_checks(assets=staging_assets)
