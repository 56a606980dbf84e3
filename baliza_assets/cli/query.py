"""`baliza query "<SQL>" [--as-of SNAPSHOT]`: read-only SQL against the warehouse, as it is or as it was.

DuckDB enforces what a query may reach: the catalog is attached read-only (at the snapshot asked for, with
``--as-of``: a snapshot id from ``baliza.snapshots()``, or a time), and the connection is
sandboxed (``warehouse.sandbox``): no file or URL outside the lake, no extension loading, no change
of setting, S3 credentials only in a redacted secret. On that connection, DuckDB's own parser must
see only statements that read (SELECT, a WITH query, DESCRIBE, SHOW, SUMMARIZE, or EXPLAIN of one of
them), because DuckDB still lets a statement write under the lake: COPY ... TO, EXPORT, ATTACH, SET,
INSTALL, every write, and EXPLAIN ANALYZE (which runs the statement it explains) are refused.
Before anything runs, the paths the query names are checked against the lake's root (``query_reach``):
DuckDB's own check is not enough on S3, where httpfs resolves ``..`` and URL parameters after it.
A statement that runs past the timeout is interrupted.
"""

from __future__ import annotations

import csv
import json
import re
import sys
import threading

import duckdb

from ..lib import warehouse
from ..settings import Settings
from . import query_reach, render

READING = "baliza query only reads (SELECT, WITH, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN of a SELECT)"
_READS_ONLY = "baliza query reads only the warehouse and the lake"
_ANALYZE = re.compile(r"\(?\s*analy[sz]e\b", re.IGNORECASE)


class QueryRefused(ValueError):
    pass


class QueryTimedOut(RuntimeError):
    pass


def check_read_only(sql: str, con: duckdb.DuckDBPyConnection) -> list[str]:
    """Raise QueryRefused naming the first statement that is not a read, as ``con``'s parser reads it.
    Returns the SELECT statements the query runs (an EXPLAIN's own SELECT in its place)."""
    statements = _parse(con, sql, "cannot parse the query")
    if not statements:
        raise QueryRefused("no SQL statement given")
    selects = []
    for statement in statements:
        text = statement.query.strip()
        if statement.type == duckdb.StatementType.SELECT:
            selects.append(text)
            continue
        if statement.type == duckdb.StatementType.EXPLAIN:
            selects.append(_check_explained(con, text))
            continue
        raise QueryRefused(f"refused: {statement.type.name} statement ({text[:60]!r}); {READING}")
    return selects


def check_reach(selects: list[str], con: duckdb.DuckDBPyConnection, root: str) -> None:
    """Raise QueryRefused when a statement names a file or URL outside the lake's ``root`` (or a table
    function whose reach cannot be checked), before anything runs."""
    for text in selects:
        tree = json.loads(con.execute("SELECT json_serialize_sql(?)", [text]).fetchone()[0])
        if why := query_reach.problem(tree, root):
            raise QueryRefused(f"refused: {why}; {_READS_ONLY} ({root})")


def _parse(con: duckdb.DuckDBPyConnection, sql: str, what: str) -> list:
    try:
        return con.extract_statements(sql)
    except duckdb.Error as e:
        raise QueryRefused(f"{what}: {_first_line(e)}") from None


def _check_explained(con: duckdb.DuckDBPyConnection, text: str) -> str:
    """EXPLAIN only of a single SELECT (returned): EXPLAIN ANALYZE (or any option list) is refused, since
    ANALYZE executes the statement it explains."""
    raw = text.encode()
    tokens = duckdb.tokenize(text)
    rest = raw[tokens[1][0]:].decode() if len(tokens) > 1 and raw[tokens[0][0]:].lower().startswith(b"explain") else ""
    try:
        inner = con.extract_statements(rest)
    except duckdb.Error:
        inner = None
    if inner and len(inner) == 1 and inner[0].type == duckdb.StatementType.SELECT:
        return inner[0].query.strip()
    if _ANALYZE.match(rest):
        kind, why = "EXPLAIN ANALYZE", "it executes the statement it explains; "
    elif inner and len(inner) == 1:
        kind, why = f"EXPLAIN {inner[0].type.name}", ""
    else:
        kind, why = "EXPLAIN with options", ""
    raise QueryRefused(f"refused: {kind} statement ({text[:60]!r}); {why}{READING}")


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


def statement_timeout(flag: float | None, settings: Settings) -> float | None:
    """The statement timeout: ``--timeout`` if given, else None (the settings' BALIZA_QUERY_TIMEOUT), which
    must then have been taken: a typo does not silently become the default."""
    refused = [problem for problem in settings.refused if problem.startswith("BALIZA_QUERY_TIMEOUT=")]
    if flag is None and refused:
        raise ValueError(refused[0])
    return flag


def run(sql: str, settings: Settings, fmt: str = "table", out=None, timeout: float | None = None,
        as_of: str | None = None, layout: str = "auto") -> int:
    """Print the result of each of the query's statements; ``timeout`` (seconds, each statement's) defaults
    to the settings' (BALIZA_QUERY_TIMEOUT); ``as_of``: the warehouse as it was at that snapshot (an id) or
    time; ``layout``: how a table is shown (``render.LAYOUTS``)."""
    out = out or sys.stdout
    lake = settings.lake()
    timeout = settings.query_timeout if timeout is None else timeout
    snapshot = warehouse.AsOf.parse(as_of) if as_of is not None else None
    with warehouse.connect(settings.catalog, lake, settings.s3, read_only=True, sandboxed=True,
                           as_of=snapshot) as con:
        check_reach(check_read_only(sql, con), con, warehouse.lake_root(lake))
        statements = [s.query for s in con.extract_statements(sql)]
        if len(statements) > 1 and fmt != "table":
            raise QueryRefused(f"--format {fmt} writes one result, and the query has {len(statements)} statements: "
                               "run them one at a time, or print them all with --format table")
        results = []
        for statement in statements:
            try:
                results.append(_execute(con, statement, timeout))
            except duckdb.PermissionException as e:
                raise QueryRefused(f"refused: {_first_line(e)}; {_READS_ONLY} ({warehouse.lake_root(lake)})") from None
    for n, (columns, rows) in enumerate(results):
        if n:
            out.write("\n")
        _write(columns, rows, fmt, out, layout)
    return 0


def _write(columns: list[str], rows: list[tuple], fmt: str, out, layout: str) -> None:
    if fmt == "json":
        json.dump([dict(zip(columns, r)) for r in rows], out, default=str, ensure_ascii=False, indent=1)
        out.write("\n")
    elif fmt == "csv":
        writer = csv.writer(out)
        writer.writerow(columns)
        writer.writerows(rows)
    else:
        render.result(columns, rows, out, layout)


def _execute(con: duckdb.DuckDBPyConnection, sql: str, timeout: float) -> tuple[list[str], list[tuple]]:
    """Run ``sql`` and fetch its rows, interrupting it once ``timeout`` seconds have passed (again every
    0.1 s until it stops, so an interrupt that lands before the statement started is not lost)."""
    done, expired = threading.Event(), threading.Event()

    def watch() -> None:
        if done.wait(timeout):
            return
        expired.set()
        while not done.is_set():
            con.interrupt()
            done.wait(0.1)

    watcher = threading.Thread(target=watch, name="baliza-query-timeout", daemon=True)
    watcher.start()
    try:
        result = con.execute(sql)
        return [d[0] for d in result.description or []], result.fetchall()
    except duckdb.InterruptException:
        if not expired.is_set():
            raise
        raise QueryTimedOut(f"the query ran past the {timeout:g} s timeout and was stopped; give it more time "
                            f"with --timeout SECONDS or BALIZA_QUERY_TIMEOUT (default "
                            f"{Settings.default('query_timeout'):g} s)") from None
    finally:
        done.set()
        watcher.join()
