"""CDC layer: versions, change logs, SCD2 history and current state."""

import dagster as dg


def definitions() -> dg.Definitions:
    """The layer's assets and checks, as its modules define them."""
    from . import capture

    return dg.Definitions(assets=dg.load_assets_from_modules([capture]))
