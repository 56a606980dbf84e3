"""The warehouse: a DuckLake (catalog in SQLite or PostgreSQL, data as Parquet under the lake), DuckDB as
the engine; schemas by layer (staging, cdc, marts; raw and meta are views over the lake).

- ``catalog``: BALIZA_CATALOG, and attaching the catalog (read-write, read-only, or at a snapshot);
- ``connection``: ``connect``, the writers' turns and conflicts, ``transaction``;
- ``tables``: a day's replacement, the tables' layout, the views over the raw archive;
- ``sandbox``: what a ``baliza query`` connection may reach.
"""

from .catalog import NAME, AsOf, Catalog, CatalogError, attach, load_extensions, sql_str
from .connection import (
    DATA_FOLDER,
    INLINING_ROWS,
    WriteConflict,
    configure_s3,
    connect,
    data_path,
    is_conflict,
    transaction,
    writer_lock,
)
from .sandbox import lake_root, sandbox
from .tables import (
    RAW_TABLES_GLOB,
    layout_of,
    refresh_raw_view,
    refresh_schema_versions_view,
    replace_days,
    settle_layout,
)

__all__ = [
    "DATA_FOLDER", "INLINING_ROWS", "NAME", "RAW_TABLES_GLOB", "AsOf", "Catalog", "CatalogError",
    "WriteConflict", "attach", "configure_s3", "connect", "data_path", "is_conflict", "lake_root", "layout_of",
    "load_extensions", "refresh_raw_view", "refresh_schema_versions_view", "replace_days", "sandbox",
    "settle_layout", "sql_str", "transaction", "writer_lock",
]
