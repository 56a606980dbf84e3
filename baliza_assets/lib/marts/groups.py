"""Aggregates kept per group and moved by signed deltas, so a day's run reads the groups its changes
touch and the rows that changed, never the whole input.

A :class:`Grouped` aggregate has *members* (the input rows: a projection of the current CDC state, or
of another mart) and keeps, in ``marts_state``:

- ``<name>_groups``: one row per group, with what can be moved by a delta without reading the group:
  the row count, sums (of exact types only, with their count of non-null values, since a sum over no
  value is null), minima, maxima and latest values (the value of the member with the greatest ``by``
  columns, among members where the value and every ``by`` column are set);
- ``<name>_<entries>``: a multiset per group (group, value, n) for what needs every value: distinct
  counts, the most common value, the list of values, quantiles.

A delta is a relation of member rows with a signed multiplicity ``n`` (+1 a member added, -1 a member
removed; an update is both). A minimum (maximum, latest) whose member was removed and is not beaten by
an added one is no longer known: that group alone is *refreshed*, its state recomputed from its members.
The full build computes the same state from every member, so the two give the same rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from .state import SCHEMA


@dataclass(frozen=True)
class Sum:
    name: str
    expr: str  # of an exact type (DECIMAL, integer): sums moved by deltas must not round


@dataclass(frozen=True)
class Min:
    name: str
    expr: str


@dataclass(frozen=True)
class Max:
    name: str
    expr: str


@dataclass(frozen=True)
class Latest:
    """The value of ``expr`` of the member with the greatest ``by`` (compared in order), among the members
    where ``expr`` and every ``by`` are set. ``by`` should end with the member's key, so there is no tie."""

    name: str
    expr: str
    by: tuple[str, ...]


@dataclass(frozen=True)
class Entries:
    """A multiset of ``expr`` (nulls left out) per group: ``marts_state.<grouped>_<name>``."""

    name: str
    expr: str


Moved = Sum | Min | Max | Latest
CURE = ("the recorded state does not match the inputs it was kept from (changed behind the upkeep); a run with "
        "full_rebuild: true makes the mart again from the current records")


def _col(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@dataclass(frozen=True)
class Grouped:
    name: str
    group: tuple[str, ...]
    moved: tuple[Moved, ...] = ()
    entries: tuple[Entries, ...] = ()

    # ---- tables ---------------------------------------------------------------------------------
    @property
    def groups_table(self) -> str:
        return f"{SCHEMA}.{self.name}_groups"

    def entries_table(self, entries: Entries) -> str:
        return f"{SCHEMA}.{self.name}_{entries.name}"

    def on(self, left: str, right: str) -> str:
        """Group equality between two relations (group columns are never null)."""
        return " AND ".join(f"{left}.{_col(g)} = {right}.{_col(g)}" for g in self.group)

    @property
    def group_list(self) -> str:
        return ", ".join(_col(g) for g in self.group)

    # ---- what a relation of members makes ------------------------------------------------------
    def _valid(self, agg: Latest) -> str:
        return " AND ".join(f"({e}) IS NOT NULL" for e in (agg.expr, *agg.by))

    def _by(self, agg: Latest, prefix: str = "") -> str:
        """The ``by`` columns as one comparable value (expressions, or a state row's stored columns)."""
        if prefix:
            parts = [f"{prefix}{_col(f'{agg.name}__by{i}')}" for i in range(len(agg.by))]
        else:
            parts = [f"({b})" for b in agg.by]
        return "struct_pack(" + ", ".join(f"b{i} := {p}" for i, p in enumerate(parts)) + ")"

    def _state_of_members(self, source: str = "_members") -> str:
        """Per group, the state the members make (from ``source``, by default every member)."""
        out = ["count(*) AS __rows"]
        for agg in self.moved:
            if isinstance(agg, Sum):
                out += [f"count({agg.expr}) AS {_col(agg.name + '__n')}", f"sum({agg.expr}) AS {_col(agg.name + '__sum')}"]
            elif isinstance(agg, Min):
                out.append(f"min({agg.expr}) AS {_col(agg.name)}")
            elif isinstance(agg, Max):
                out.append(f"max({agg.expr}) AS {_col(agg.name)}")
            else:
                valid, by = self._valid(agg), self._by(agg)
                out.append(f"arg_max({agg.expr}, {by}) FILTER (WHERE {valid}) AS {_col(agg.name)}")
                out += [f"arg_max({b}, {by}) FILTER (WHERE {valid}) AS {_col(f'{agg.name}__by{i}')}"
                        for i, b in enumerate(agg.by)]
        return f"SELECT {self.group_list}, {', '.join(out)} FROM {source} GROUP BY {self.group_list}"

    def _state_of_delta(self) -> str:
        """Per group, what the delta (``_delta``, with its signed ``n``) adds and removes."""
        out = ["sum(n) AS __rows"]
        for agg in self.moved:
            if isinstance(agg, Sum):
                out += [f"sum(CASE WHEN ({agg.expr}) IS NOT NULL THEN n ELSE 0 END) AS {_col(agg.name + '__n')}",
                        f"sum(n * ({agg.expr})) AS {_col(agg.name + '__sum')}"]
            elif isinstance(agg, Min | Max):
                f = "min" if isinstance(agg, Min) else "max"
                out += [f"{f}({agg.expr}) FILTER (WHERE n > 0) AS {_col(agg.name + '__add')}",
                        f"{f}({agg.expr}) FILTER (WHERE n < 0) AS {_col(agg.name + '__rem')}"]
            else:
                valid, by = self._valid(agg), self._by(agg)
                out += [f"arg_max({agg.expr}, {by}) FILTER (WHERE n > 0 AND {valid}) AS {_col(agg.name + '__add')}",
                        f"max({by}) FILTER (WHERE n > 0 AND {valid}) AS {_col(agg.name + '__add_by')}",
                        f"max({by}) FILTER (WHERE n < 0 AND {valid}) AS {_col(agg.name + '__rem_by')}"]
        return f"SELECT {self.group_list}, {', '.join(out)} FROM _delta GROUP BY {self.group_list}"

    def _moved_state(self) -> str:
        """The state after the delta (``d``) is applied to the recorded state (``s``), with ``__refresh``
        set where a removed extreme is not beaten by an added one."""
        cols, refresh = ["coalesce(s.__rows, 0) + d.__rows AS __rows"], []
        for agg in self.moved:
            a = _col(agg.name)
            if isinstance(agg, Sum):
                n, total = _col(agg.name + "__n"), _col(agg.name + "__sum")
                cols += [f"coalesce(s.{n}, 0) + d.{n} AS {n}",
                         f"CASE WHEN coalesce(s.{n}, 0) + d.{n} = 0 THEN NULL "
                         f"ELSE coalesce(s.{total}, 0) + coalesce(d.{total}, 0) END AS {total}"]
            elif isinstance(agg, Min | Max):
                op = "<=" if isinstance(agg, Min) else ">="
                add, rem = f"d.{_col(agg.name + '__add')}", f"d.{_col(agg.name + '__rem')}"
                beaten = f"({add} IS NOT NULL AND (s.{a} IS NULL OR {add} {op} s.{a}))"
                lost = f"({rem} IS NOT NULL AND {rem} {op} s.{a})"
                cols.append(f"CASE WHEN {beaten} THEN {add} WHEN {lost} THEN NULL ELSE s.{a} END AS {a}")
                refresh.append(f"({lost} AND NOT {beaten})")
            else:
                add, add_by, rem_by = (f"d.{_col(agg.name + s)}" for s in ("__add", "__add_by", "__rem_by"))
                old_by = self._by(agg, "s.")
                has_old = f"s.{_col(agg.name + '__by0')} IS NOT NULL"
                beaten = f"({add_by} IS NOT NULL AND (NOT {has_old} OR {add_by} >= {old_by}))"
                lost = f"({rem_by} IS NOT NULL AND {has_old} AND {rem_by} >= {old_by})"
                cols.append(f"CASE WHEN {beaten} THEN {add} WHEN {lost} THEN NULL ELSE s.{a} END AS {a}")
                for i in range(len(agg.by)):
                    b = _col(f"{agg.name}__by{i}")
                    cols.append(f"CASE WHEN {beaten} THEN {add_by}.b{i} WHEN {lost} THEN NULL ELSE s.{b} END AS {b}")
                refresh.append(f"({lost} AND NOT {beaten})")
        flag = " OR ".join(refresh) if refresh else "false"
        keys = ", ".join(f"d.{_col(g)}" for g in self.group)
        return (f"SELECT {keys}, {', '.join(cols)}, coalesce({flag}, false) AS __refresh "
                f"FROM _delta_state d LEFT JOIN {self.groups_table} s ON {self.on('s', 'd')}")

    # ---- building and moving -------------------------------------------------------------------
    def ensure(self, con: duckdb.DuckDBPyConnection, members: str) -> None:
        """Create the state tables, typed after ``members`` (a SELECT of member rows)."""
        con.execute(f"CREATE OR REPLACE TEMP VIEW _members AS {members}")
        con.execute(f"CREATE TABLE IF NOT EXISTS {self.groups_table} AS {self._state_of_members()} LIMIT 0")
        for e in self.entries:
            con.execute(f"CREATE TABLE IF NOT EXISTS {self.entries_table(e)} AS SELECT {self.group_list}, "
                        f"{e.expr} AS value, count(*) AS n FROM _members GROUP BY ALL LIMIT 0")

    def build(self, con: duckdb.DuckDBPyConnection, members: str) -> None:
        """Replace the whole state with what ``members`` (every member) make; every group is touched."""
        self.ensure(con, members)
        con.execute(f"DELETE FROM {self.groups_table}")
        con.execute(f"INSERT INTO {self.groups_table} BY NAME {self._state_of_members()}")
        for e in self.entries:
            table = self.entries_table(e)
            con.execute(f"DELETE FROM {table}")
            con.execute(f"INSERT INTO {table} SELECT {self.group_list}, {e.expr} AS value, count(*) AS n "
                        f"FROM _members WHERE ({e.expr}) IS NOT NULL GROUP BY ALL")
        con.execute(f"CREATE OR REPLACE TEMP TABLE {self.touched} AS SELECT {self.group_list} FROM {self.groups_table}")

    def move(self, con: duckdb.DuckDBPyConnection, delta: str, members: str) -> int:
        """Apply ``delta`` (a SELECT of member rows with a signed ``n``, netted: no row twice) to the state;
        ``members`` (a SELECT of every member, after the delta) serves the groups to refresh. Leaves the
        groups the delta touched in the temp table ``self.touched``; returns how many were refreshed."""
        self.ensure(con, members)
        con.execute(f"CREATE OR REPLACE TEMP TABLE _delta AS {delta}")
        con.execute(f"CREATE OR REPLACE TEMP TABLE _delta_state AS {self._state_of_delta()}")
        con.execute(f"CREATE OR REPLACE TEMP TABLE {self.touched} AS SELECT {self.group_list} FROM _delta_state")
        con.execute(f"CREATE OR REPLACE TEMP TABLE _moved AS {self._moved_state()}")
        bad = con.execute("SELECT count(*) FROM _moved WHERE __rows < 0").fetchone()[0]
        if bad:
            raise InconsistentState(f"{self.groups_table}: {bad} group(s) would hold fewer than no members; {CURE}")
        refreshed = con.execute("SELECT count(*) FROM _moved WHERE __refresh AND __rows > 0").fetchone()[0]
        con.execute(f"DELETE FROM {self.groups_table} WHERE EXISTS (SELECT 1 FROM {self.touched} t WHERE "
                    f"{self.on('t', self.groups_table)})")
        con.execute(f"INSERT INTO {self.groups_table} BY NAME SELECT * EXCLUDE (__refresh) FROM _moved "
                    "WHERE __rows > 0 AND NOT __refresh")
        if refreshed:
            con.execute(f"CREATE OR REPLACE TEMP TABLE _refresh AS SELECT {self.group_list} FROM _moved "
                        "WHERE __refresh AND __rows > 0")
            members_of = f"(SELECT m.* FROM _members m SEMI JOIN _refresh r ON {self.on('m', 'r')})"
            con.execute(f"INSERT INTO {self.groups_table} BY NAME {self._state_of_members(members_of)}")
        for e in self.entries:
            self._move_entries(con, e)
        return refreshed

    def _move_entries(self, con: duckdb.DuckDBPyConnection, e: Entries) -> None:
        table = self.entries_table(e)
        con.execute(f"""CREATE OR REPLACE TEMP TABLE _entries AS
            WITH d AS (SELECT {self.group_list}, {e.expr} AS value, sum(n) AS n FROM _delta
                       WHERE ({e.expr}) IS NOT NULL GROUP BY ALL HAVING sum(n) <> 0)
            SELECT d.*, coalesce(x.n, 0) + d.n AS total FROM d LEFT JOIN {table} x
            ON {self.on('x', 'd')} AND x.value = d.value""")
        bad = con.execute("SELECT count(*) FROM _entries WHERE total < 0").fetchone()[0]
        if bad:
            raise InconsistentState(f"{table}: {bad} value(s) would be counted fewer than zero times; {CURE}")
        con.execute(f"DELETE FROM {table} WHERE EXISTS (SELECT 1 FROM _entries t WHERE {self.on('t', table)} "
                    f"AND t.value = {table}.value)")
        con.execute(f"INSERT INTO {table} SELECT {self.group_list}, value, total FROM _entries WHERE total > 0")

    # ---- reading the touched groups ------------------------------------------------------------
    # (the groups in the temp table ``_touched``: see ``touch``)
    @property
    def touched(self) -> str:
        return f"_touched_{self.name}"

    def touched_state(self) -> str:
        """The recorded state of the touched groups, after the move."""
        return f"SELECT s.* FROM {self.groups_table} s SEMI JOIN _touched t ON {self.on('s', 't')}"

    def touched_entries(self, e: Entries) -> str:
        return f"SELECT x.* FROM {self.entries_table(e)} x SEMI JOIN _touched t ON {self.on('x', 't')}"

    def distinct(self, e: Entries, alias: str) -> str:
        """Per touched group, how many distinct values ``e`` holds."""
        return f"SELECT {self.group_list}, count(*) AS {_col(alias)} FROM ({self.touched_entries(e)}) GROUP BY ALL"

    def most_common(self, e: Entries, alias: str) -> str:
        """Per touched group, its most common value (the smallest among equally common ones)."""
        return (f"SELECT {self.group_list}, first(value ORDER BY n DESC, value) AS {_col(alias)} "
                f"FROM ({self.touched_entries(e)}) GROUP BY ALL")

    def values(self, e: Entries, alias: str) -> str:
        """Per touched group, its distinct values, sorted."""
        return (f"SELECT {self.group_list}, list(value ORDER BY value) AS {_col(alias)} "
                f"FROM ({self.touched_entries(e)}) GROUP BY ALL")

    def quantiles(self, e: Entries, quantiles: dict[str, float], outliers: str | None = None) -> str:
        """Per touched group, from the multiset of a numeric value: ``<q>`` as DuckDB's quantile_cont gives
        it (the same interpolation: lo * (1 - d) + hi * d, d = pos - floor(pos), pos = (n - 1) * q), the count
        (``n_values``), the minimum and maximum (``lowest``, ``highest``), and with ``outliers`` the count of values more than 10x above or below
        the median (the quantile named by ``outliers``)."""
        picks = []
        for alias, q in quantiles.items():
            pos = f"(CAST(total - 1 AS DOUBLE) * CAST({q!r} AS DOUBLE))"  # the same in every row of a group
            lo = f"min(value) FILTER (WHERE cum > floor({pos}))"
            hi = f"min(value) FILTER (WHERE cum > ceil({pos}))"
            at = f"any_value({pos})"
            d = f"({at} - floor({at}))"
            picks.append(f"CASE WHEN floor({at}) = ceil({at}) THEN {lo} "
                         f"ELSE {lo} * (1 - {d}) + {hi} * {d} END AS {_col(alias)}")
        query = f"""SELECT {self.group_list}, any_value(total) AS n_values, min(value) AS lowest,
                           max(value) AS highest,
                           {', '.join(picks)}
                    FROM (SELECT *, sum(n) OVER (PARTITION BY {self.group_list} ORDER BY value
                                                 ROWS UNBOUNDED PRECEDING) AS cum,
                                 sum(n) OVER (PARTITION BY {self.group_list}) AS total
                          FROM ({self.touched_entries(e)}))
                    GROUP BY ALL"""
        if outliers is None:
            return query
        return f"""SELECT q.*, coalesce(sum(x.n) FILTER (WHERE x.value > 10 * q.{_col(outliers)}
                                                    OR x.value < q.{_col(outliers)} / 10), 0) AS outliers
                   FROM ({query}) q JOIN ({self.touched_entries(e)}) x ON {self.on('x', 'q')}
                   GROUP BY ALL"""


def touch(con: duckdb.DuckDBPyConnection, *grouped: Grouped) -> int:
    """Gather the groups each of ``grouped`` touched into ``_touched`` (their group columns are the same);
    returns how many."""
    union = " UNION ".join(f"SELECT * FROM {g.touched}" for g in grouped)
    con.execute(f"CREATE OR REPLACE TEMP TABLE _touched AS {union}")
    return con.execute("SELECT count(*) FROM _touched").fetchone()[0]


class InconsistentState(RuntimeError):
    """A mart's recorded state and its inputs disagree (a table changed behind the upkeep): a full
    rebuild (``full_rebuild: true``) makes it again from the inputs."""
