"""The lake IO manager: Polars frames to Parquet partitions by day, local or S3."""


from pathlib import Path

import dagster as dg
import polars as pl
from dagster._core.storage.db_io_manager import DbTypeHandler, TableSlice
from dagster_duckdb import DuckDBIOManager
from dagster_duckdb_polars import DuckDBPolarsTypeHandler

from ..lib.frames import DayFrames
from .partitions import window_days
from .resources import LakeResource


def _sql_path(path: Path) -> str:
    return str(path.absolute()).replace("'", "''")


class LakeIOManager(dg.ConfigurableIOManager):
    """Writes each day of a frame (column ``partition_date``) to ``<lake>/<asset key>/date=<day>/``.

    A partition is replaced whole, and whatever an interrupted fetch left pending for that day is
    cleared once the partition is complete. Inputs load as a ``pl.LazyFrame`` over the days asked for.
    """

    lake: LakeResource

    def handle_output(self, context: dg.OutputContext, obj: "pl.DataFrame | pl.LazyFrame | DayFrames") -> None:
        if obj is None:
            return
        if not context.has_asset_partitions:
            raise dg.Failure(f"{context.asset_key.to_user_string()}: the lake only stores daily partitions")
        lake, table = self.lake.lake(), "/".join(context.asset_key.path)
        # the days the step worked on, as it carries them; a plain frame's from Dagster's window
        days = obj.days if isinstance(obj, DayFrames) else window_days(context.asset_partitions_time_window)
        written = rows = 0
        try:
            for day in days:
                part = obj.lazy(day) if isinstance(obj, DayFrames) else obj.lazy().filter(pl.col("partition_date") == day)
                size, count = lake.write(table, day, part)
                written, rows = written + size, rows + count
        finally:
            if isinstance(obj, DayFrames) and obj.cleanup:
                obj.cleanup()
        for day in days:  # only now is every day of the run complete
            lake.clear_pending(table, day)
        context.add_output_metadata({
            "lake_uri": dg.MetadataValue.text(lake.uri(table)),
            "lake_rows": rows,
            "compressed_bytes": written,
        })

    def load_input(self, context: dg.InputContext) -> "DayFrames":
        lake, table = self.lake.lake(), "/".join(context.asset_key.path)
        return DayFrames(lake.scan_days(table, window_days(context.asset_partitions_time_window)))


class DayFramesTypeHandler(DbTypeHandler[DayFrames]):
    def handle_output(self, context: dg.OutputContext, table_slice: TableSlice, obj: DayFrames, connection):
        table = f"{table_slice.schema}.{table_slice.table}"
        rows, schema = 0, None
        # One day at a time, checkpointed after each day, so a long range never piles up in memory.
        try:
            for part in obj.parts.values():
                if isinstance(part, Path):
                    schema = schema or pl.read_parquet_schema(part)
                    source = f"read_parquet('{_sql_path(part)}')"
                else:
                    frame = part.collect()
                    schema = schema or frame.schema
                    connection.register("_day_frame", frame.to_arrow())
                    source = "_day_frame"
                connection.execute(f"CREATE TABLE IF NOT EXISTS {table} AS SELECT * FROM {source} LIMIT 0")
                rows += connection.execute(f"INSERT INTO {table} BY NAME SELECT * FROM {source}").fetchone()[0]
                if source == "_day_frame":
                    connection.unregister("_day_frame")
                connection.execute("CHECKPOINT")
        finally:
            if obj.cleanup:
                obj.cleanup()
        meta = {"dagster/row_count": rows}
        if schema is not None:
            meta["dagster/column_schema"] = dg.TableSchema(
                columns=[dg.TableColumn(name, str(dtype)) for name, dtype in schema.items()])
        return meta

    def load_input(self, context: dg.InputContext, table_slice: TableSlice, connection) -> DayFrames:
        frame = DuckDBPolarsTypeHandler().load_input(context, table_slice, connection)
        days = sorted(set(frame["partition_date"].to_list())) if "partition_date" in frame.columns else []
        return DayFrames({d: frame.lazy().filter(pl.col("partition_date") == d) for d in days})

    @property
    def supported_types(self):
        return [DayFrames]


class WarehouseIOManager(DuckDBIOManager):
    """Polars frames (or DayFrames) to DuckDB tables, schema from the key prefix; partitions replaced."""

    @staticmethod
    def type_handlers():
        return [DuckDBPolarsTypeHandler(), DayFramesTypeHandler()]

    @staticmethod
    def default_load_type():
        return pl.DataFrame
