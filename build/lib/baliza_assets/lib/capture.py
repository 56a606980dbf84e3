"""Change capture from observations: every archived sighting of a record is a version of it.

A record is observed when a publication listing, an update-feed listing, a sweep (a publication
day listed again) or a detail request returns it. For an entity ``e`` the warehouse holds:

- ``cdc.e_history``: every version of every record, the staging columns plus ``valid_from`` (when
  Baliza first saw this version: the page's collection time, Brasília), ``valid_to`` (when a newer
  version or a deletion was seen; null for the current version), ``ended_by`` (``U`` or ``D``, the
  tombstone), ``source`` and ``snapshot`` (the capture that brought it in). PNCP's own stamp stays
  in its column (``data_atualizacao_global`` ...), so a backdated amendment keeps both times;
- ``cdc.e_current``: a view, one row per live record, its latest version;
- ``cdc.e_changes``: one row per change: key, ``op`` (I, U, D), ``cdc_at`` (when it was seen),
  ``pncp_stamp``, ``source``, ``partition_date`` (the observing partition), ``snapshot``, and for
  updates the columns that changed with old and new values;
- ``cdc.snapshots``: one row per capture that changed something, with its counts.

An observation older than the version already recorded (seen earlier, or stamped earlier by PNCP)
changes nothing, so captures can run in any order and re-running one records nothing. Deletions
come only from observations that cover a whole scope (a publication day whose listing reconciled,
a compra whose details came back): a current record of that scope that is absent becomes a
tombstone, unless the scope would lose more than ``max_delete_share`` of its records.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import duckdb
import polars as pl

from . import cdc
from . import staging as S

CHANGE_SET_EXTRA = ("op", "cdc_at", "pncp_stamp", "source", "snapshot", "changed_columns", "changes")  # beside a row
HISTORY_COLUMNS = {"valid_from": "TIMESTAMP", "valid_to": "TIMESTAMP", "ended_by": "VARCHAR", "source": "VARCHAR",
                   "snapshot": "VARCHAR"}
SCOPE = "_scope"
SEEN = "_seen"


@dataclass(frozen=True)
class Target:
    entity: str
    key: tuple[str, ...]
    stamp: str  # PNCP's stamp of a version: an observation stamped before the current version is stale
    scope: str | None  # SQL over staging columns: the set a complete observation lists whole; None: never whole


# A listing is one publication day (contratos) or one day and modalidade (contratações, listed per modalidade).
_PUBLISHED_ON = "CAST(CAST(data_publicacao_pncp AS DATE) AS VARCHAR)"
TARGETS = {
    "contratacoes": Target("contratacoes", S.ENTITIES["contratacoes"].key, "data_atualizacao_global",
                           _PUBLISHED_ON + " || '|' || CAST(modalidade_id AS VARCHAR)"),
    "contratos": Target("contratos", S.ENTITIES["contratos"].key, "data_atualizacao_global", _PUBLISHED_ON),
    "atas": Target("atas", S.ENTITIES["atas"].key, "data_atualizacao_global", None),
    "itens": Target("itens", S.ENTITIES["itens"].key, "data_atualizacao", "numero_controle_pncp_compra"),
    "arquivos": Target("arquivos", S.ENTITIES["arquivos"].key, "data_publicacao_pncp", "numero_controle_pncp_compra"),
    # one item's /resultados lists that item's results whole
    "resultados": Target("resultados", S.ENTITIES["resultados"].key, "data_atualizacao",
                         "numero_controle_pncp_compra || '|' || CAST(numero_item AS VARCHAR)"),
}


@dataclass
class Observation:
    """Typed records seen by one source in one partition. ``complete``: the scopes (values of the
    target's scope) this observation lists whole, each with when it was listed (``SEEN``)."""

    source: str
    rows: pl.DataFrame
    complete: pl.DataFrame | None = None


@dataclass
class Capture:
    entity: str
    day: date
    snapshot: str
    rows: int = 0  # records observed
    unchanged: int = 0  # records observed that bring nothing new: already recorded as they are, or older
    log: pl.DataFrame = field(default_factory=pl.DataFrame)  # the change log rows
    change_set: pl.DataFrame = field(default_factory=pl.DataFrame)  # what a lake consumer applies
    refused: list[str] = field(default_factory=list)  # scopes whose deletions were refused

    def counts(self) -> dict[str, int]:
        got = dict(self.log["op"].value_counts().iter_rows()) if len(self.log) else {}
        return {"I": got.get("I", 0), "U": got.get("U", 0), "D": got.get("D", 0)}


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def seen_at(collected_at: pl.Expr) -> pl.Expr:
    """A page's UTC collection time as PNCP stamps times: naive Brasília."""
    return collected_at.dt.convert_time_zone("America/Sao_Paulo").dt.replace_time_zone(None).alias(SEEN)


def ensure_tables(con: duckdb.DuckDBPyConnection, entity: str, like: pl.DataFrame) -> None:
    """Create the CDC tables of an entity (columns from ``like``, typed staging rows); a column that
    staging gained since is added to the history."""
    con.execute("CREATE SCHEMA IF NOT EXISTS cdc")
    con.execute("""CREATE TABLE IF NOT EXISTS cdc.snapshots (entity VARCHAR, partition_date DATE, snapshot VARCHAR,
                   cdc_at TIMESTAMP, sources VARCHAR, rows BIGINT, inserts BIGINT, updates BIGINT, deletes BIGINT)""")
    con.register("_capture_like", like.head(0).to_arrow())
    extra = ", ".join(f"NULL::{t} AS {c}" for c, t in HISTORY_COLUMNS.items())
    con.execute(f"CREATE TABLE IF NOT EXISTS cdc.{entity}_history AS SELECT *, {extra} FROM _capture_like LIMIT 0")
    have = {r[0] for r in con.execute(f"DESCRIBE cdc.{entity}_history").fetchall()}
    staged = con.execute("SELECT column_name, column_type FROM (DESCRIBE _capture_like)").fetchall()
    con.unregister("_capture_like")
    for name, dtype in staged:
        if name not in have:
            con.execute(f"ALTER TABLE cdc.{entity}_history ADD COLUMN {_q(name)} {dtype}")
    keys = ", ".join(f"NULL::{t} AS {_q(c)}" for c, t in staged if c in TARGETS[entity].key)
    con.execute(f"""CREATE TABLE IF NOT EXISTS cdc.{entity}_changes AS SELECT {keys}, NULL::VARCHAR AS op,
                    NULL::TIMESTAMP AS cdc_at, NULL::TIMESTAMP AS pncp_stamp, NULL::VARCHAR AS source,
                    NULL::DATE AS partition_date, NULL::VARCHAR AS snapshot, NULL::VARCHAR[] AS changed_columns,
                    NULL::STRUCT("column" VARCHAR, old VARCHAR, new VARCHAR)[] AS changes LIMIT 0""")
    con.execute(f"""CREATE OR REPLACE VIEW cdc.{entity}_current AS
                    SELECT * EXCLUDE (valid_to, ended_by) FROM cdc.{entity}_history WHERE valid_to IS NULL""")


def _current(con, target: Target, columns: list[str], keys: pl.DataFrame, scopes: pl.DataFrame | None) -> pl.DataFrame:
    """The current versions of the observed keys (``SCOPE`` null) and of every record in the
    complete scopes (``SCOPE`` set)."""
    e, on = target.entity, " AND ".join(f"h.{_q(k)} = k.{_q(k)}" for k in target.key)
    con.register("_capture_keys", keys.to_arrow())
    parts = [con.execute(f"SELECT {', '.join('h.' + _q(c) for c in columns)}, h.valid_from, NULL::VARCHAR AS {SCOPE} "
                         f"FROM cdc.{e}_history h SEMI JOIN _capture_keys k ON {on} WHERE h.valid_to IS NULL").pl()]
    con.unregister("_capture_keys")
    if scopes is not None and len(scopes):
        con.register("_capture_scopes", scopes.select(SCOPE).to_arrow())
        parts.append(con.execute(
            f"SELECT {', '.join(_q(c) for c in columns)}, valid_from, CAST({target.scope} AS VARCHAR) AS {SCOPE} "
            f"FROM cdc.{e}_history WHERE valid_to IS NULL "
            f"AND CAST({target.scope} AS VARCHAR) IN (SELECT {SCOPE} FROM _capture_scopes)").pl())
        con.unregister("_capture_scopes")
    return pl.concat(parts, how="vertical_relaxed")


def _tombstones(con, target: Target, keys: pl.DataFrame) -> pl.DataFrame:
    """Observed keys whose record was last seen deleted, with when."""
    e, on = target.entity, " AND ".join(f"h.{_q(k)} = k.{_q(k)}" for k in target.key)
    key = ", ".join(f"h.{_q(k)}" for k in target.key)
    con.register("_capture_keys", keys.to_arrow())
    out = con.execute(f"""SELECT {key}, max(h.valid_to) AS _deleted_at FROM cdc.{e}_history h SEMI JOIN _capture_keys k
                          ON {on} GROUP BY ALL HAVING count(*) FILTER (WHERE h.valid_to IS NULL) = 0
                          AND arg_max(h.ended_by, h.valid_to) = 'D'""").pl()
    con.unregister("_capture_keys")
    return out


def compute(con: duckdb.DuckDBPyConnection, target: Target, day: date, snapshot: str,
            observations: list[Observation], max_delete_share: float = 0.2, tolerated_deletes: int = 10) -> Capture:
    """What capturing ``observations`` (made in partition ``day``) would record; nothing is written."""
    e, key = target.entity, list(target.key)
    frames = [o.rows.with_columns(seen_at(pl.col("collected_at")), _source=pl.lit(o.source)) for o in observations
              if len(o.rows)]
    if not frames:
        return Capture(e, day, snapshot)
    observed = pl.concat(frames, how="diagonal_relaxed")
    columns = [c for c in observed.columns if c not in (SEEN, "_source")]
    ensure_tables(con, e, observed.select(columns))
    # Per key the newest version PNCP stamped, as first seen (the feed and a sweep may both show it).
    latest = (observed.sort([target.stamp, SEEN], descending=[False, True], nulls_last=False)
              .unique(key, keep="last", maintain_order=True))
    complete = [o.complete.with_columns(_source=pl.lit(o.source)) for o in observations
                if o.complete is not None and len(o.complete)]
    scopes = (pl.concat(complete).sort(SEEN).unique(SCOPE, keep="last") if complete else None)
    current = _current(con, target, columns, latest.select(key), scopes)
    # Fresh: never seen, or seen after the current version and not stamped before it.
    live = current.filter(pl.col(SCOPE).is_null()).drop(SCOPE)
    joined = latest.join(live.select(*key, _cur_seen="valid_from", _cur_stamp=target.stamp), on=key, how="left")
    joined = joined.join(_tombstones(con, target, latest.select(key)), on=key, how="left")
    fresh_rule = ((pl.col("_cur_seen").is_null() | (pl.col(SEEN) > pl.col("_cur_seen")))
                  & (pl.col("_cur_stamp").is_null() | pl.col(target.stamp).is_null()
                     | (pl.col(target.stamp) >= pl.col("_cur_stamp")))
                  & (pl.col("_deleted_at").is_null() | (pl.col(SEEN) > pl.col("_deleted_at"))))
    fresh = joined.filter(fresh_rule).drop("_cur_seen", "_cur_stamp", "_deleted_at")
    old = live.join(fresh.select(key), on=key, how="semi").select(columns)
    upserts = cdc.diff(old, fresh.select(columns), key)
    upserts = upserts.join(fresh.select(*key, SEEN, "_source", target.stamp), on=key, how="left").select(
        *key, "op", cdc_at=pl.col(SEEN), pncp_stamp=pl.col(target.stamp).cast(pl.Datetime("us")),
        source="_source", changed_columns="changed_columns", changes="changes")
    deletes, refused = _deletions(target, current, observed.select(key).unique(), scopes, max_delete_share,
                                  tolerated_deletes)
    log = pl.concat([upserts, deletes], how="diagonal_relaxed").with_columns(
        partition_date=pl.lit(day), snapshot=pl.lit(snapshot)).sort(key)
    change_set = (log.join(fresh.select(columns).drop("partition_date"), on=key, how="left")
                  .select(*columns, *CHANGE_SET_EXTRA))
    return Capture(e, day, snapshot, rows=len(observed), unchanged=len(latest) - len(upserts), log=log,
                   change_set=change_set, refused=refused)


def _deletions(target: Target, current: pl.DataFrame, observed_keys: pl.DataFrame, scopes: pl.DataFrame | None,
               max_delete_share: float, tolerated_deletes: int) -> tuple[pl.DataFrame, list[str]]:
    """Tombstones: current records of a complete scope that the observation lacks and that were
    seen before the scope was listed. A scope that would lose too many records deletes nothing."""
    key = list(target.key)
    empty = pl.DataFrame(schema={**{k: current.schema[k] for k in key}, "op": pl.String,
                                 "cdc_at": pl.Datetime("us"), "source": pl.String})
    if scopes is None or current.is_empty():
        return empty, []
    in_scope = (current.filter(pl.col(SCOPE).is_not_null()).unique(key)
                .join(scopes.select(SCOPE, _listed=SEEN, _by="_source"), on=SCOPE))
    gone = in_scope.join(observed_keys, on=key, how="anti").filter(pl.col("valid_from") < pl.col("_listed"))
    sizes = dict(in_scope.group_by(SCOPE).len().iter_rows())
    refused, kept = [], []
    for (scope,), group in gone.group_by([SCOPE]):
        size = sizes.get(scope, 0)
        if len(group) > tolerated_deletes and len(group) / max(1, size) > max_delete_share:
            refused.append(f"{scope}: {len(group)} of {size} records would be deleted ({len(group) / size:.0%}, "
                           f"more than {max_delete_share:.0%}); refusing: a short listing must not become mass "
                           "deletions")
        else:
            kept.append(group)
    if not kept:
        return empty, sorted(refused)
    out = pl.concat(kept).select(*key, op=pl.lit("D"), cdc_at="_listed", source="_by")
    return out, sorted(refused)


def apply(con: duckdb.DuckDBPyConnection, cap: Capture) -> None:
    """Record a computed capture in one transaction: close replaced and deleted versions, add the new
    versions, append the change log and register the capture."""
    if cap.log.is_empty():
        return
    e, key = cap.entity, TARGETS[cap.entity].key
    counts = cap.counts()
    con.execute("BEGIN TRANSACTION")
    try:
        closed = cap.log.filter(pl.col("op").is_in(["U", "D"])).select(*key, "op", "cdc_at")
        if len(closed):
            con.register("_capture_closed", closed.to_arrow())
            on = " AND ".join(f"h.{_q(k)} = c.{_q(k)}" for k in key)
            con.execute(f"UPDATE cdc.{e}_history h SET valid_to = c.cdc_at, ended_by = c.op FROM _capture_closed c "
                        f"WHERE {on} AND h.valid_to IS NULL")
            con.unregister("_capture_closed")
        versions = cap.change_set.filter(pl.col("op").is_in(["I", "U"]))
        if len(versions):
            staged = [c for c in versions.columns if c not in CHANGE_SET_EXTRA]
            con.register("_capture_versions", versions.select(*staged, "cdc_at", "source").with_columns(
                partition_date=pl.lit(cap.day)).to_arrow())
            con.execute(f"INSERT INTO cdc.{e}_history BY NAME SELECT * EXCLUDE (cdc_at), cdc_at AS valid_from, "
                        "NULL::TIMESTAMP AS valid_to, NULL::VARCHAR AS ended_by, ?::VARCHAR AS snapshot "
                        "FROM _capture_versions", [cap.snapshot])
            con.unregister("_capture_versions")
        con.register("_capture_log", cap.log.to_arrow())
        con.execute(f"INSERT INTO cdc.{e}_changes BY NAME SELECT * FROM _capture_log")
        con.unregister("_capture_log")
        sources = ",".join(sorted(set(cap.log["source"].drop_nulls().to_list())))
        con.execute("INSERT INTO cdc.snapshots VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [e, cap.day, cap.snapshot, datetime.now(), sources, cap.rows, counts["I"], counts["U"],
                     counts["D"]])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
