"""`baliza query "<SQL>"`: read-only SQL against the warehouse.

DuckDB enforces what a query may reach: the file is opened read-only, and the connection is
sandboxed (``warehouse.sandbox``): no file or URL outside the lake, no extension loading, no change
of setting, S3 credentials only in a redacted secret. On that connection, DuckDB's own parser must
see only statements that read (SELECT, a WITH query, DESCRIBE, SHOW, SUMMARIZE, or EXPLAIN of one of
them), because DuckDB still lets a statement write under the lake: COPY ... TO, EXPORT, ATTACH, SET,
INSTALL, every write, and EXPLAIN ANALYZE (which runs the statement it explains) are refused.
"""

from __future__ import annotations

import csv
import json
import re
import sys

import duckdb

from ..lib import warehouse
from ..settings import Settings

READING = "baliza query only reads (SELECT, WITH, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN of a SELECT)"
_ANALYZE = re.compile(r"\(?\s*analy[sz]e\b", re.IGNORECASE)


class QueryRefused(ValueError):
    pass


def check_read_only(sql: str, con: duckdb.DuckDBPyConnection) -> None:
    """Raise QueryRefused naming the first statement that is not a read, as ``con``'s parser reads it."""
    statements = _parse(con, sql, "cannot parse the query")
    if not statements:
        raise QueryRefused("no SQL statement given")
    for statement in statements:
        text = statement.query.strip()
        if statement.type == duckdb.StatementType.SELECT:
            continue
        if statement.type == duckdb.StatementType.EXPLAIN:
            _check_explained(con, text)
            continue
        raise QueryRefused(f"refused: {statement.type.name} statement ({text[:60]!r}); {READING}")


def _parse(con: duckdb.DuckDBPyConnection, sql: str, what: str) -> list:
    try:
        return con.extract_statements(sql)
    except duckdb.Error as e:
        raise QueryRefused(f"{what}: {_first_line(e)}") from None


def _check_explained(con: duckdb.DuckDBPyConnection, text: str) -> None:
    """EXPLAIN only of a single SELECT: EXPLAIN ANALYZE (or any option list) is refused, since
    ANALYZE executes the statement it explains."""
    raw = text.encode()
    tokens = duckdb.tokenize(text)
    rest = raw[tokens[1][0]:].decode() if len(tokens) > 1 and raw[tokens[0][0]:].lower().startswith(b"explain") else ""
    try:
        inner = con.extract_statements(rest)
    except duckdb.Error:
        inner = None
    if inner and len(inner) == 1 and inner[0].type == duckdb.StatementType.SELECT:
        return
    if _ANALYZE.match(rest):
        kind, why = "EXPLAIN ANALYZE", "it executes the statement it explains; "
    elif inner and len(inner) == 1:
        kind, why = f"EXPLAIN {inner[0].type.name}", ""
    else:
        kind, why = "EXPLAIN with options", ""
    raise QueryRefused(f"refused: {kind} statement ({text[:60]!r}); {why}{READING}")


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


def run(sql: str, settings: Settings, fmt: str = "table", out=None) -> int:
    out = out or sys.stdout
    lake = settings.lake()
    with warehouse.connect(settings.duckdb_path, lake, settings.s3, read_only=True, sandboxed=True) as con:
        check_read_only(sql, con)
        try:
            result = con.execute(sql)
            columns = [d[0] for d in result.description or []]
            rows = result.fetchall()
        except duckdb.PermissionException as e:
            raise QueryRefused(f"refused: {_first_line(e)}; baliza query reads only the warehouse and the lake "
                               f"({warehouse.lake_root(lake)})") from None
    if fmt == "json":
        json.dump([dict(zip(columns, r)) for r in rows], out, default=str, ensure_ascii=False, indent=1)
        out.write("\n")
    elif fmt == "csv":
        writer = csv.writer(out)
        writer.writerow(columns)
        writer.writerows(rows)
    else:
        widths = [max([len(c)] + [len(_cell(r[i])) for r in rows]) for i, c in enumerate(columns)]
        out.write(" | ".join(c.ljust(w) for c, w in zip(columns, widths)) + "\n")
        out.write("-+-".join("-" * w for w in widths) + "\n")
        for r in rows:
            out.write(" | ".join(_cell(v).ljust(w) for v, w in zip(r, widths)) + "\n")
        out.write(f"({len(rows)} row{'s' if len(rows) != 1 else ''})\n")
    return 0


def _cell(value) -> str:
    text = "NULL" if value is None else str(value)
    return text if len(text) <= 80 else text[:77] + "..."
