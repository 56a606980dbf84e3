"""What each mart has applied: the schema ``marts_state`` beside ``marts``.

- ``marts_state.built``: one row per mart whose upkeep state exists (built whole once, then maintained);
- ``marts_state.applied``: per mart, every CDC capture (``cdc.snapshots``: entity and snapshot) whose
  changes it has applied. A capture committed and not applied yet is *pending*; a run applies every
  pending capture, in one transaction with the mart's rows, so a run that fails applies none.

Captures are told apart by their snapshot ids, never ordered by them: a capture that commits late (a
backfill, a second writer) is pending however its id sorts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb

SCHEMA = "marts_state"


@dataclass(frozen=True)
class Pending:
    """The captures of ``entities`` a mart has not applied yet."""

    mart: str
    snapshots: dict[str, list[str]]  # entity -> snapshot ids

    def of(self, entity: str) -> list[str]:
        return self.snapshots.get(entity, [])

    @property
    def count(self) -> int:
        return sum(len(s) for s in self.snapshots.values())


def exists(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> bool:
    """Whether the table or view ``schema.name`` exists in the warehouse (the default catalog)."""
    return con.execute("SELECT count(*) FROM information_schema.tables WHERE table_catalog = current_database() "
                       "AND table_schema = ? AND table_name = ?", [schema, name]).fetchone()[0] > 0


def ensure(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
    con.execute(f"CREATE TABLE IF NOT EXISTS {SCHEMA}.built (mart VARCHAR, built_at TIMESTAMP)")
    con.execute(f"CREATE TABLE IF NOT EXISTS {SCHEMA}.applied (mart VARCHAR, entity VARCHAR, snapshot VARCHAR)")


def is_built(con: duckdb.DuckDBPyConnection, mart: str) -> bool:
    return con.execute(f"SELECT count(*) FROM {SCHEMA}.built WHERE mart = ?", [mart]).fetchone()[0] > 0


def pending(con: duckdb.DuckDBPyConnection, mart: str, entities: list[str]) -> Pending:
    """The captures of ``entities`` recorded in ``cdc.snapshots`` that ``mart`` has not applied."""
    if not exists(con, "cdc", "snapshots"):
        return Pending(mart, {})
    rows = con.execute(f"""
        SELECT s.entity, s.snapshot FROM cdc.snapshots s
        WHERE s.entity IN (SELECT unnest($entities)) AND NOT EXISTS (
            SELECT 1 FROM {SCHEMA}.applied a WHERE a.mart = $mart AND a.entity = s.entity AND a.snapshot = s.snapshot)
        ORDER BY s.entity, s.snapshot""", {"mart": mart, "entities": entities}).fetchall()
    out: dict[str, list[str]] = {}
    for entity, snapshot in rows:
        out.setdefault(entity, []).append(snapshot)
    return Pending(mart, out)


def record(con: duckdb.DuckDBPyConnection, done: Pending) -> None:
    """Record the captures of ``done`` as applied by its mart."""
    rows = [(done.mart, entity, s) for entity, snapshots in done.snapshots.items() for s in snapshots]
    if rows:
        con.execute(f"INSERT INTO {SCHEMA}.applied SELECT unnest($m), unnest($e), unnest($s)",
                    {"m": [r[0] for r in rows], "e": [r[1] for r in rows], "s": [r[2] for r in rows]})


def mark_built(con: duckdb.DuckDBPyConnection, mart: str) -> None:
    con.execute(f"DELETE FROM {SCHEMA}.built WHERE mart = ?", [mart])
    con.execute(f"INSERT INTO {SCHEMA}.built VALUES (?, ?)", [mart, datetime.now()])


def forget(con: duckdb.DuckDBPyConnection, mart: str) -> None:
    """Drop what ``mart`` has applied: its next run builds it whole."""
    con.execute(f"DELETE FROM {SCHEMA}.built WHERE mart = ?", [mart])
    con.execute(f"DELETE FROM {SCHEMA}.applied WHERE mart = ?", [mart])
