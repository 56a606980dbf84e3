"""The one daily partitions definition (America/Sao_Paulo dates, from PNCP's first year), and the
backfill policy every daily asset shares: a date range runs as one run, day by day inside it, so a
range launched from the UI or with `dagster asset materialize --partition-range` is one run whose
memory stays that of a single day."""

from datetime import date, timedelta

import dagster as dg

daily = dg.DailyPartitionsDefinition(start_date="2021-01-01", timezone="America/Sao_Paulo", end_offset=0)

RANGE_IN_ONE_RUN = dg.BackfillPolicy.single_run()


def days(keys) -> list[date]:
    """Partition keys ("2025-07-10") as dates, in order: parsed once, dates travel as dates from here
    to the lake and to SQL."""
    return sorted(date.fromisoformat(key) for key in keys)


def partition_days(context) -> list[date]:
    """The days a step works on (one for a partition, several for a range): the partition keys Dagster
    gives an asset's or a check's context, as dates."""
    return days(context.partition_keys)


def fresh_by(hour: int) -> dg.FreshnessPolicy:
    """Materialized within the 24 hours before ``hour``:00 Brasília time every day: yesterday's
    partition is expected each morning, layer after layer."""
    return dg.FreshnessPolicy.cron(deadline_cron=f"0 {hour} * * *", lower_bound_delta=timedelta(hours=24),
                                   timezone="America/Sao_Paulo")


# When each layer must be fresh: the API-bound layers first, then staging, then the marts.
FRESHNESS = {"raw": fresh_by(8), "details": fresh_by(10), "staging": fresh_by(11), "cdc": fresh_by(12),
             "marts": fresh_by(12)}
