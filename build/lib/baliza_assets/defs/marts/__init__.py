"""Marts: the tables users query."""

import dagster as dg


def definitions() -> dg.Definitions:
    """The layer's assets and checks, as its modules define them."""
    from . import assets

    return dg.Definitions(assets=dg.load_assets_from_modules([assets]))
