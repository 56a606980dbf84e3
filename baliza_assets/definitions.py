"""The Baliza code location: only assembles what `defs/` defines."""

import dagster as dg

from .defs.resources import pncp_from_env

defs = dg.Definitions(resources={"pncp": pncp_from_env()})
