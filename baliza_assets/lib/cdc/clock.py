"""CDC's one time zone: every timestamp in the ``cdc`` schema (``cdc_at``, ``valid_from``,
``valid_to``, ``pncp_stamp``, ``cdc.snapshots.cdc_at``) and every snapshot id is naive Brasília time
(America/Sao_Paulo), the zone PNCP stamps its own records in, so PNCP's stamp and the time Baliza
saw a record compare directly. The archive's ``collected_at`` stays UTC and says so (TIMESTAMPTZ)."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import polars as pl

ZONE = "America/Sao_Paulo"
BRASILIA = ZoneInfo(ZONE)


def brasilia_of(moment: datetime) -> datetime:
    """A zone-aware moment as CDC writes it: naive Brasília."""
    return moment.astimezone(BRASILIA).replace(tzinfo=None)


def now() -> datetime:
    """The current time as CDC writes it: naive Brasília."""
    return brasilia_of(datetime.now(timezone.utc))


def snapshot_id(run_id: str, at: datetime | None = None) -> str:
    """A capture's id: when it ran (Brasília, to the second) and the run that made it, sortable by time."""
    return f"{(at or now()):%Y%m%d-%H%M%S}-{run_id[:8]}"


def brasilia(utc: pl.Expr) -> pl.Expr:
    """A zone-aware timestamp (a page's ``collected_at``) as CDC writes it: naive Brasília."""
    return utc.dt.convert_time_zone(ZONE).dt.replace_time_zone(None)
