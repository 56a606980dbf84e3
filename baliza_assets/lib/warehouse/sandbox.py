"""Confining a connection to the warehouse and the lake, for SQL typed by someone else (``baliza query``)."""

from __future__ import annotations

import os

import duckdb

from ..lake import Lake

_S3_CREDENTIAL_SETTINGS = ("s3_access_key_id", "s3_secret_access_key", "s3_session_token")


def lake_root(lake: Lake) -> str:
    """The lake's folder (absolute, normalized: no '..' nor '.') or ``s3://bucket/prefix/``, ending in '/'."""
    root = lake.store.uri("")
    if not lake.is_s3:
        root = os.path.normpath(root)
    return root if root.endswith("/") else root + "/"


def sandbox(con: duckdb.DuckDBPyConnection, lake: Lake | None) -> None:
    """Confine ``con`` to the attached warehouse and the lake.

    DuckDB then refuses every other file and URL (``enable_external_access = false`` with only the
    lake in ``allowed_directories``, where the warehouse's data files live; DuckDB itself adds the files of
    attached databases, such as a SQLite catalog, and its temporary directory), loading or installing
    extensions, reading Python variables as tables, and any change of setting (``lock_configuration``).
    httpfs copies the AWS_* variables into plain ``s3_*`` settings that any query could read: they are
    reset, so the credentials live only in temporary secrets (the lake's, the PostgreSQL catalog's), which
    DuckDB shows redacted.
    Writing under an allowed directory stays possible for DuckDB: the caller still refuses statements
    that write. On S3 DuckDB checks the path before httpfs resolves ``..`` and reads URL parameters
    (``?s3_endpoint=``): the caller also checks every path a query names (``cli.query_reach``), and refuses
    the catalog database's own tables, so the catalog is read only through the attached warehouse.
    The catalog's extension (sqlite, or postgres) opens its files and connections itself, outside DuckDB's file
    system: DuckDB's line does not cover its functions (``sqlite_scan`` reads any SQLite file the process can,
    ``ATTACH ... (TYPE sqlite)`` too), so the caller's refusal of every statement but a read and of every table
    function it does not know is what keeps them out.
    """
    present = {name for (name,) in con.execute(
        "SELECT name FROM duckdb_settings() WHERE name IN (SELECT unnest(?))", [list(_S3_CREDENTIAL_SETTINGS)]
    ).fetchall()}
    for name in _S3_CREDENTIAL_SETTINGS:
        if name in present:
            con.execute(f"RESET {name}")
    allowed = [lake_root(lake)] if lake is not None else []
    con.execute("SET allowed_directories = ?", [allowed])
    con.execute("SET allowed_paths = []")
    con.execute("SET allow_unredacted_secrets = false")
    con.execute("SET autoinstall_known_extensions = false")
    con.execute("SET autoload_known_extensions = false")
    con.execute("SET python_enable_replacements = false")
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")
