"""The rows a profile aggregates, as it last applied them: a projection of the current records of one
CDC entity, kept in ``marts_state`` so a change can be told as the member it removes and the one it adds.

A record a pending capture changed has its current version (if it is not deleted) inserted by that
capture: the new members are the current rows whose ``snapshot`` is pending, read from the captures'
own rows; the old members are read from this table by key.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from .state import SCHEMA


def sql_list(values: list[str]) -> str:
    """``values`` as a SQL list of string literals."""
    return "[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


@dataclass(frozen=True)
class Members:
    name: str  # marts_state.<name>
    entity: str  # the CDC entity: cdc.<entity>_current and cdc.<entity>_changes
    key: str  # the record's key column
    columns: str  # the projected columns (SQL), the key among them
    where: str = "true"  # the records that are members

    @property
    def table(self) -> str:
        return f"{SCHEMA}.{self.name}"

    def source(self, scope: str = "") -> str:
        """The members the current records make (``scope``: SQL restricting the current rows read)."""
        return (f"SELECT {self.columns} FROM cdc.{self.entity}_current WHERE ({self.where})"
                + (f" AND {scope}" if scope else ""))

    def ensure(self, con: duckdb.DuckDBPyConnection) -> None:
        con.execute(f"CREATE TABLE IF NOT EXISTS {self.table} AS {self.source()} LIMIT 0")

    def build(self, con: duckdb.DuckDBPyConnection) -> None:
        self.ensure(con)
        con.execute(f"DELETE FROM {self.table}")
        con.execute(f"INSERT INTO {self.table} {self.source()}")

    def move(self, con: duckdb.DuckDBPyConnection, snapshots: list[str], delta: str) -> int:
        """Apply the records the captures ``snapshots`` changed: leaves in the temp table ``delta`` the
        members removed (``n`` = -1) and added (+1), netted, and replaces those records' members.
        Returns how many records changed."""
        self.ensure(con)
        pending = sql_list(snapshots)
        since = "'" + min(snapshots).replace("'", "''") + "'"
        keys = f"_{self.name}_keys"
        con.execute(f"""CREATE OR REPLACE TEMP TABLE {keys} AS SELECT DISTINCT {self.key} FROM cdc.{self.entity}_changes
                        WHERE snapshot >= {since} AND list_contains({pending}, snapshot)""")
        con.execute(f"""CREATE OR REPLACE TEMP TABLE _{self.name}_new AS
                        {self.source(f"snapshot >= {since} AND {self.key} IN (SELECT {self.key} FROM {keys})")}""")
        con.execute(f"""CREATE OR REPLACE TEMP TABLE {delta} AS
                        SELECT * EXCLUDE (n), sum(n) AS n FROM (
                            SELECT *, 1 AS n FROM _{self.name}_new
                            UNION ALL BY NAME
                            SELECT m.*, -1 AS n FROM {self.table} m SEMI JOIN {keys} k USING ({self.key}))
                        GROUP BY ALL HAVING sum(n) <> 0""")
        con.execute(f"DELETE FROM {self.table} WHERE {self.key} IN (SELECT {self.key} FROM {keys})")
        con.execute(f"INSERT INTO {self.table} SELECT * FROM _{self.name}_new")
        return con.execute(f"SELECT count(*) FROM {keys}").fetchone()[0]
