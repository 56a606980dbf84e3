"""Baliza: a Dagster code location that archives and models PNCP's data."""

from . import quiet

quiet.dagster_previews()  # before any module defines an asset, in the code server, the runs and `baliza`
