"""The lake IO manager: Polars frames to Parquet partitions by day, local or S3."""


from datetime import date, timedelta

import dagster as dg
import polars as pl

from .resources import LakeResource


def _days(window: dg.TimeWindow) -> list[date]:
    first, end = window.start.date(), window.end.date()
    return [first + timedelta(days=i) for i in range((end - first).days)]


class LakeIOManager(dg.ConfigurableIOManager):
    """Writes each day of a frame (column ``partition_date``) to ``<lake>/<asset key>/date=<day>/``.

    A partition is replaced whole, and whatever an interrupted fetch left pending for that day is
    cleared once the partition is complete. Inputs load as a ``pl.LazyFrame`` over the days asked for.
    """

    lake: LakeResource

    def handle_output(self, context: dg.OutputContext, obj: pl.DataFrame | pl.LazyFrame) -> None:
        if obj is None:
            return
        if not context.has_asset_partitions:
            raise dg.Failure(f"{context.asset_key.to_user_string()}: the lake only stores daily partitions")
        lake, table = self.lake.lake(), "/".join(context.asset_key.path)
        lazy = obj.lazy()
        written = rows = 0
        for day in _days(context.asset_partitions_time_window):
            frame = lazy.filter(pl.col("partition_date") == day).collect()
            written += lake.write(table, day, frame)
            rows += len(frame)
            lake.clear_pending(table, day)
        context.add_output_metadata({
            "lake_uri": dg.MetadataValue.text(lake.uri(table)),
            "lake_rows": rows,
            "compressed_bytes": written,
        })

    def load_input(self, context: dg.InputContext) -> pl.LazyFrame:
        lake, table = self.lake.lake(), "/".join(context.asset_key.path)
        return lake.scan(table, _days(context.asset_partitions_time_window))
