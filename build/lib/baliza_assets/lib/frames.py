"""The carrier of a step's result: one frame per day of the step's partition window."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import polars as pl


class DayFrames:
    """A result too large to hold at once: one part per day, written one day at a time.

    The days are the step's partition window, computed once where the step starts (a partition, or a
    range run's days) and carried from there to the IO manager and the next step. A part is a
    ``pl.LazyFrame`` or the path of a Parquet file (which DuckDB then reads itself, without a copy
    through Python). ``cleanup`` runs once every day has been written (e.g. to remove the spill files
    behind the parts).
    """

    def __init__(self, parts: dict[date, pl.LazyFrame | Path], cleanup: Callable[[], None] | None = None):
        self.parts, self.cleanup = parts, cleanup

    @property
    def days(self) -> list[date]:
        return sorted(self.parts)

    def lazy(self, day: date) -> pl.LazyFrame:
        part = self.parts[day]
        return pl.scan_parquet(part) if isinstance(part, Path) else part
