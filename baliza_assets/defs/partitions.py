"""The one daily partitions definition: America/Sao_Paulo dates, from PNCP's first year."""

import dagster as dg

daily = dg.DailyPartitionsDefinition(start_date="2021-01-01", timezone="America/Sao_Paulo", end_offset=0)
