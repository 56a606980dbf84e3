"""What a `baliza query` may name: files only under the lake's root, and only table functions it knows.

Checked on DuckDB's own parse of the query (``json_serialize_sql``), before anything runs, so strings
arrive decoded (``E'\\x2e'`` is a dot) and quoted identifiers (``FROM "s3://..."``) are seen as the table
names they are. Every string DuckDB may open (an argument of a table function, a table name) that looks
like a path or URL must lie under the lake's root; a string compared or printed (``link_pncp LIKE
'https://pncp.gov.br/%'``) opens nothing and is left alone:

- on S3, ``s3://<bucket>/<prefix>/...`` exactly: httpfs resolves ``..`` after DuckDB checked the path,
  and a URL parameter (``?s3_endpoint=...``) sends the signed request wherever it names;
- in a folder, an absolute path under it;
- never a ``..`` segment, a percent-encoded dot or slash, or another scheme (``http://``, ``file://``).

A path built by an expression (``'s3://...' || chr(63) || ...``) cannot be checked before it is
evaluated, so the table functions that read files take only literal arguments, and table functions
that run SQL from a string or reach outside the warehouse (``query``, ``json_execute_serialized_sql``,
the Python scans, logging and profiling) are refused, and so are the tables of the database that holds the
warehouse's catalog (``__ducklake_metadata_baliza``): the warehouse's history is read through DuckLake's own
functions (``baliza.snapshots()``, ``table_changes()``). DuckDB's own sandbox (``warehouse.sandbox``) stays
the second line.
"""

from __future__ import annotations

import os
import re

# Table functions that read a file or URL: every argument must be a literal the check can see.
READERS = frozenset({
    "glob", "read_blob", "read_text", "read_csv", "read_csv_auto", "sniff_csv", "read_json", "read_json_auto",
    "read_json_objects", "read_json_objects_auto", "read_ndjson", "read_ndjson_auto", "read_ndjson_objects",
    "read_parquet", "parquet_scan", "parquet_metadata", "parquet_schema", "parquet_file_metadata",
    "parquet_kv_metadata", "parquet_full_metadata", "parquet_bloom_probe", "read_duckdb",
})
# Table functions that read no file: any argument (a table function inside one is checked on its own).
SERIES = frozenset({
    "range", "generate_series", "unnest", "repeat", "repeat_row", "json_each", "json_tree",
    "icu_calendar_names", "pg_timezone_names", "which_secret",
    "pragma_collations", "pragma_database_size", "pragma_metadata_info", "pragma_platform", "pragma_show",
    "pragma_storage_info", "pragma_table_info", "pragma_user_agent", "pragma_version",
})
CATALOG = re.compile(r"duckdb_[a-z_]+")  # duckdb_tables(), duckdb_settings(), duckdb_secrets() (redacted), ...
# The warehouse's own history, read through the attached catalog: baliza.snapshots(), table_changes(), ...
_DUCKLAKE_READS = ("snapshots", "current_snapshot", "last_committed_snapshot", "table_info", "table_changes",
                   "table_insertions", "table_deletions")
DUCKLAKE = frozenset(_DUCKLAKE_READS) | frozenset(f"ducklake_{name}" for name in _DUCKLAKE_READS)
# The database that holds the catalog (SQLite or PostgreSQL) is attached beside the warehouse under this name:
# its tables (and, on PostgreSQL, the server's own) are read only through the warehouse.
METADATA = "__ducklake_metadata_"
# What a literal argument may be built of: constants, casts, lists, structs, maps, a named parameter.
_CONSTRUCTORS = frozenset({"list_value", "struct_pack", "row", "map", "-"})
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_ENCODED = re.compile(r"%(2e|2f|5c)", re.IGNORECASE)


def problem(tree: dict, root: str) -> str | None:
    """Why the statements of ``tree`` (``json_serialize_sql``'s output) reach past ``root``, or None."""
    if tree.get("error"):
        return f"cannot check what the query reads: {tree.get('error_message', 'unknown error')}"
    return _walk(tree.get("statements", []), root)


def _walk(node, root: str, opened: bool = False) -> str | None:
    """``opened``: the strings below are what DuckDB opens (a table function's arguments)."""
    if isinstance(node, dict):
        if node.get("type") == "TABLE_FUNCTION" and isinstance(node.get("function"), dict):
            if why := _table_function(node["function"]):
                return why
            opened = str(node["function"].get("function_name", "")).lower() in READERS
        if node.get("type") == "BASE_TABLE":  # FROM "s3://..." or FROM 'file.parquet': a replacement scan
            for name in ("catalog_name", "schema_name"):
                if str(node.get(name) or "").lower().startswith(METADATA):
                    return (f"{node[name]} is the database that holds the warehouse's catalog; the archive is read "
                            "through the warehouse (staging, cdc, marts, raw) only")
            for name in ("catalog_name", "schema_name", "table_name"):
                if isinstance(node.get(name), str) and looks_like_path(node[name]):
                    return outside(node[name], root)
        for value in node.values():
            if why := _walk(value, root, opened):
                return why
    elif isinstance(node, list):
        for value in node:
            if why := _walk(value, root, opened):
                return why
    elif opened and isinstance(node, str) and looks_like_path(node):
        return outside(node, root)
    return None


def _table_function(function: dict) -> str | None:
    name = str(function.get("function_name", "")).lower()
    if name in SERIES or name in DUCKLAKE or CATALOG.fullmatch(name):
        return None
    if name not in READERS:
        return f"table function {name}() is not available to baliza query"
    for argument in function.get("children", []):
        if not _literal(argument):
            return (f"{name}() takes only literal arguments in baliza query (a path built by an expression "
                    f"cannot be checked before it is read)")
    return None


def _literal(node) -> bool:
    if not isinstance(node, dict):
        return False
    kind = node.get("class")
    if kind == "CONSTANT":
        return True
    if kind == "CAST":
        return _literal(node.get("child"))
    if kind == "COMPARISON" and (node.get("left") or {}).get("class") == "COLUMN_REF":  # name = value
        return _literal(node.get("right"))
    if kind == "FUNCTION" and str(node.get("function_name", "")).lower() in _CONSTRUCTORS:
        return all(_literal(child) for child in node.get("children", []))
    return False


def looks_like_path(text: str) -> bool:
    """A string DuckDB could open as a file or URL outside the current folder (operators such as '/' and
    '//' are not paths)."""
    if "://" in text or text[:5].lower() == "file:":
        return True
    if text.startswith("/") and text.strip("/"):
        return True
    return text.startswith("~/") or text == "~" or ".." in re.split(r"[/\\]", text)


def outside(path: str, root: str) -> str | None:
    """Why ``path`` is not strictly under the lake's ``root`` (``s3://bucket/prefix/`` or a folder, ending
    in '/'), or None."""
    if ".." in re.split(r"[/\\]", path):
        return f"{path!r} has a '..' segment, which could climb out of the lake"
    if _ENCODED.search(path):
        return f"{path!r} has a percent-encoded dot, slash or backslash"
    if root.startswith("s3://"):
        if "?" in path or "#" in path:
            return f"{path!r} has URL parameters ('?' or '#'), which could send the request elsewhere"
        if "\\" in path:
            return f"{path!r} has a backslash"
        return None if path.startswith(root) else f"{path!r} is outside the lake"
    if "://" in path or _SCHEME.match(path):
        return f"{path!r} is outside the lake (only paths in its folder are read)"
    normal = os.path.normpath(os.path.expanduser(path))
    return None if (normal + "/").startswith(root) else f"{path!r} is outside the lake"
