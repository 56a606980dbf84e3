"""Staging layer: typed, validated records in DuckDB."""

import dagster as dg


def definitions() -> dg.Definitions:
    """The layer's assets and checks, as its modules define them."""
    from . import assets, checks

    return dg.Definitions(assets=dg.load_assets_from_modules([assets]),
                          asset_checks=dg.load_asset_checks_from_modules([checks]))
