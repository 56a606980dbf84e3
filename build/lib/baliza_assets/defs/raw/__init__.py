"""Raw layer: every PNCP listing page of the day, the update feed and the sweeps, archived verbatim."""

import dagster as dg


def definitions() -> dg.Definitions:
    """The layer's assets and checks, as its modules define them."""
    from . import assets, checks, updates

    return dg.Definitions(assets=dg.load_assets_from_modules([assets, updates]),
                          asset_checks=dg.load_asset_checks_from_modules([checks]))
