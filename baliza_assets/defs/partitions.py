"""The one daily partitions definition (America/Sao_Paulo dates, from PNCP's first year), and the
backfill policy every daily asset shares: a date range runs as one run, day by day inside it, so a
range launched from the UI or with `dagster asset materialize --partition-range` is one run whose
memory stays that of a single day."""

import dagster as dg

daily = dg.DailyPartitionsDefinition(start_date="2021-01-01", timezone="America/Sao_Paulo", end_offset=0)

RANGE_IN_ONE_RUN = dg.BackfillPolicy.single_run()
