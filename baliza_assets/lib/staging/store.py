"""The staging tables in the warehouse, written one day and source at a time.

- ``staging.<entity>``: every typed record each source showed on the day (``source``, ``endpoint``
  beside the page's ``partition_date``, ``payload_sha256`` and ``collected_at``);
- ``staging.<entity>_scopes``: the scopes the day's pages of each source list whole, with when
  (``listed_at``, UTC): a table of its own, as a scope is a property of a listing, not of a row (a
  listing whose every record was rejected still lists its scope whole);
- ``staging.rejects``: the records that could not be typed or failed their model, with the reason;
- ``staging.typed_sources``: one row per entity, day and source typed: the raw partition's version
  (its pages and the typing code), its rows and rejects, and what they failed. A source whose
  version is unchanged is not typed again: the update feed's run stages the feed, not the day's
  publication listing a second time.

Each (day, source) is replaced in one transaction: its rows, scopes, rejects and version together.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime, timezone

import duckdb
import polars as pl

from .build import ENTITIES, REJECTS_SCHEMA, empty_table
from .scopes import SCOPES_SCHEMA
from .sources import SOURCES, Source
from .stage import RULES_SCHEMA, Staged

FORMAT = 1  # raise when staging's output changes in a way the columns do not show: every day is typed again
LABELS = {"source": pl.String, "endpoint": pl.String}
VERSION_COLUMNS = ["request_id", "payload_sha256", "http_status", "records", "collected_at"]
SAMPLE = 10  # rejected records kept per source for the check's sample


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def staged_schema(entity: str) -> dict[str, pl.DataType]:
    """The columns of ``staging.<entity>``, as the builder types them, with the source's labels."""
    return dict(empty_table(ENTITIES[entity]).schema) | LABELS


def version(entity: str, pages: pl.LazyFrame, endpoint: str) -> str:
    """What a source's staged rows were made from: its pages in the raw partition (read without their
    payloads) and the typing code (the entity's columns and ``FORMAT``)."""
    typing = [(c.name, c.path, c.kind) for c in ENTITIES[entity].columns]
    h = hashlib.sha256(f"{FORMAT}|{typing!r}|{endpoint}".encode())
    ids = (pages.filter(pl.col("endpoint") == endpoint).select(VERSION_COLUMNS).sort(VERSION_COLUMNS).collect())
    h.update(ids.write_csv().encode())
    return h.hexdigest()


def _exists(con, schema: str, table: str) -> bool:
    return bool(con.execute("SELECT count(*) FROM duckdb_tables() WHERE schema_name = ? AND table_name = ?",
                            [schema, table]).fetchone()[0])


def ensure_tables(con: duckdb.DuckDBPyConnection, entity: str) -> None:
    """Create the entity's staging tables and the shared ones; a table from before sources were staged
    gains ``source`` and ``endpoint`` (its rows were its primary source's), and any column staging gained."""
    con.execute("CREATE SCHEMA IF NOT EXISTS staging")
    like = pl.DataFrame(schema=staged_schema(entity))
    primary = SOURCES[entity][0]
    if not _exists(con, "staging", entity):
        con.register("_staging_like", like.to_arrow())
        con.execute(f"CREATE TABLE staging.{entity} AS SELECT * FROM _staging_like LIMIT 0")
        con.unregister("_staging_like")
    _add_missing(con, f"staging.{entity}", like, {"source": primary.name, "endpoint": primary.endpoint})
    con.execute(f"""CREATE TABLE IF NOT EXISTS staging.{entity}_scopes (partition_date DATE, source VARCHAR,
                    endpoint VARCHAR, scope VARCHAR, listed_at TIMESTAMPTZ)""")
    if not _exists(con, "staging", "rejects"):
        con.execute("""CREATE TABLE staging.rejects (entity VARCHAR, partition_date DATE, payload_sha256 VARCHAR,
                       record_key VARCHAR, reason VARCHAR, record VARCHAR, source VARCHAR, endpoint VARCHAR)""")
    have = {r[0] for r in con.execute("DESCRIBE staging.rejects").fetchall()}
    if "source" not in have:  # rejects from before sources were staged: each entity's primary source
        con.execute("ALTER TABLE staging.rejects ADD COLUMN source VARCHAR")
        con.execute("ALTER TABLE staging.rejects ADD COLUMN endpoint VARCHAR")
        for name, sources in SOURCES.items():
            con.execute("UPDATE staging.rejects SET source = ?, endpoint = ? WHERE entity = ?",
                        [sources[0].name, sources[0].endpoint, name])
    con.execute("""CREATE TABLE IF NOT EXISTS staging.typed_sources (entity VARCHAR, partition_date DATE,
                   source VARCHAR, endpoint VARCHAR, raw_table VARCHAR, version VARCHAR, pages BIGINT, rows BIGINT,
                   rejected_typing BIGINT, rejected_model BIGINT, failures_by_rule VARCHAR, failure_sample VARCHAR,
                   unreconciled VARCHAR, typed_at TIMESTAMPTZ)""")


def _add_missing(con, table: str, like: pl.DataFrame, defaults: dict) -> None:
    have = {r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()}
    con.register("_staging_like", like.to_arrow())
    types = dict(con.execute("SELECT column_name, column_type FROM (DESCRIBE _staging_like)").fetchall())
    con.unregister("_staging_like")
    for name, dtype in types.items():
        if name not in have:
            default = f" DEFAULT '{defaults[name]}'" if name in defaults else ""
            con.execute(f"ALTER TABLE {table} ADD COLUMN {_q(name)} {dtype}{default}")


def stored_version(con, entity: str, day: date, source: Source) -> str | None:
    if not _exists(con, "staging", "typed_sources"):
        return None
    row = con.execute("SELECT version FROM staging.typed_sources WHERE entity = ? AND partition_date = ? "
                      "AND source = ? AND endpoint = ?", [entity, day, source.name, source.endpoint]).fetchone()
    return row and row[0]


def write(con: duckdb.DuckDBPyConnection, entity: str, day: date, staged: Staged, version: str) -> None:
    """Replace the day's rows, scopes and rejects of one source, and record its version, in one transaction."""
    source = staged.source
    where = "partition_date = ? AND source = ? AND endpoint = ?"
    params = [day, source.name, source.endpoint]
    rows = staged.rows.select(list(staged_schema(entity)))
    scopes = staged.scopes.select(SCOPES_SCHEMA.keys()).with_columns(partition_date=pl.lit(day),
                                                                      source=pl.lit(source.name),
                                                                      endpoint=pl.lit(source.endpoint))
    rejects = staged.rejects.select(*REJECTS_SCHEMA, "source", "endpoint")
    sample = rejects.select("record_key", "reason").head(SAMPLE)
    con.execute("BEGIN TRANSACTION")
    try:
        for table, frame in ((f"staging.{entity}", rows), (f"staging.{entity}_scopes", scopes)):
            con.execute(f"DELETE FROM {table} WHERE {where}", params)
            if len(frame):
                con.register("_staged", frame.to_arrow())
                con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _staged")
                con.unregister("_staged")
        con.execute(f"DELETE FROM staging.rejects WHERE entity = ? AND {where}", [entity, *params])
        if len(rejects):
            con.register("_staged", rejects.to_arrow())
            con.execute("INSERT INTO staging.rejects BY NAME SELECT * FROM _staged")
            con.unregister("_staged")
        con.execute(f"DELETE FROM staging.typed_sources WHERE entity = ? AND {where}", [entity, *params])
        con.execute("INSERT INTO staging.typed_sources VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
            entity, day, source.name, source.endpoint, source.table, version, staged.pages, len(rows),
            staged.rejected_typing, staged.rejected_model, json.dumps(staged.rules.rows()), json.dumps(sample.rows()),
            json.dumps(staged.unreconciled), datetime.now(timezone.utc)])
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")  # a refused commit rolls back by itself; the caller sees why


@dataclass
class DaySummary:
    """A day of one entity's staging, over every source typed: what the `valid_records` check judges."""

    rows: int
    rejected_typing: int
    rejected_model: int
    rules: pl.DataFrame  # column, check, len
    sample: pl.DataFrame  # record_key, reason
    by_source: dict[str, int]

    @property
    def rejected(self) -> int:
        return self.rejected_typing + self.rejected_model


def summaries(con, entity: str, days: list[date]) -> dict[date, DaySummary]:
    """Per day, the figures of every source typed (in the order the entity's sources are listed)."""
    order = {(s.name, s.endpoint): i for i, s in enumerate(SOURCES[entity])}
    found = con.execute("""SELECT partition_date, source, endpoint, rows, rejected_typing, rejected_model,
                           failures_by_rule, failure_sample FROM staging.typed_sources
                           WHERE entity = ? AND partition_date BETWEEN ? AND ?""",
                        [entity, min(days), max(days)]).fetchall() if days else []
    out = {}
    for day in days:
        mine = sorted((r for r in found if r[0] == day), key=lambda r: order.get((r[1], r[2]), len(order)))
        rules = [tuple(x) for r in mine for x in json.loads(r[6])]
        rules = (pl.DataFrame(rules, schema=RULES_SCHEMA, orient="row").group_by("column", "check").agg(pl.col("len").sum())
                 .sort(["len", "column", "check"], descending=[True, False, False]) if rules
                 else pl.DataFrame(schema=RULES_SCHEMA))
        sample = [tuple(x) for r in mine for x in json.loads(r[7])][:SAMPLE]
        by_source: dict[str, int] = {}
        for r in mine:
            by_source[r[1]] = by_source.get(r[1], 0) + r[3]
        out[day] = DaySummary(rows=sum(r[3] for r in mine), rejected_typing=sum(r[4] for r in mine),
                              rejected_model=sum(r[5] for r in mine), rules=rules,
                              sample=pl.DataFrame(sample, schema={"record_key": pl.String, "reason": pl.String},
                                                  orient="row"),
                              by_source=by_source)
    return out


def read_day(con, entity: str, day: date) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(the day's staged rows of every source, the scopes they list whole); empty before anything is staged.
    ``collected_at`` and ``listed_at`` come back in UTC, as they were written."""
    if not _exists(con, "staging", entity):
        return pl.DataFrame(schema=staged_schema(entity)), pl.DataFrame(
            schema={"source": pl.String, "endpoint": pl.String, **SCOPES_SCHEMA})
    utc = {"collected_at": pl.col("collected_at").dt.convert_time_zone("UTC")}
    rows = con.execute(f"SELECT * FROM staging.{entity} WHERE partition_date = ?", [day]).pl().with_columns(**utc)
    scopes = (con.execute(f"SELECT source, endpoint, scope, listed_at FROM staging.{entity}_scopes "
                          "WHERE partition_date = ?", [day]).pl()
              .with_columns(pl.col("listed_at").dt.convert_time_zone("UTC")))
    return rows, scopes
