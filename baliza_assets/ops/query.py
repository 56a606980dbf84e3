"""`baliza query "<SQL>"`: read-only SQL against the warehouse.

Two locks: the DuckDB file is opened read-only, and only statements that read (SELECT, a WITH
query, EXPLAIN, DESCRIBE, SHOW, SUMMARIZE) are accepted, so neither COPY ... TO, ATTACH, INSTALL,
SET nor any write reaches DuckDB.
"""

from __future__ import annotations

import csv
import json
import sys

import duckdb

from ..lib import warehouse
from .settings import Settings

READING = {duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN}
READING_COMMANDS = ("describe", "show", "summarize")  # parsed as SELECTs over metadata, or as PRAGMAs


class QueryRefused(ValueError):
    pass


def check_read_only(sql: str) -> None:
    """Raise QueryRefused naming the first statement that is not a read."""
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as e:
        raise QueryRefused(f"cannot parse the query: {e}") from None
    if not statements:
        raise QueryRefused("no SQL statement given")
    for statement in statements:
        text = statement.query.strip()
        if statement.type in READING or (statement.type == duckdb.StatementType.PRAGMA
                                         and text.lower().startswith(READING_COMMANDS)):
            continue
        name = statement.type.name
        raise QueryRefused(f"refused: {name} statement ({text[:60]!r}); baliza query only reads "
                           "(SELECT, WITH, EXPLAIN, DESCRIBE, SHOW, SUMMARIZE)")


def run(sql: str, settings: Settings, fmt: str = "table", out=None) -> int:
    out = out or sys.stdout
    check_read_only(sql)
    with warehouse.connect(settings.duckdb_path, settings.lake(), settings.s3, read_only=True) as con:
        result = con.execute(sql)
        columns = [d[0] for d in result.description or []]
        rows = result.fetchall()
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
