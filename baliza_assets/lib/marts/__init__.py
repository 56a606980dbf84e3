"""Where a mart is updated: the unpartitioned marts kept incrementally from the CDC captures.

A run of a mart applies every capture it has not applied yet (``state``): it reads the records those
captures changed and the groups they belong to, and rewrites only those rows, in one transaction with
the record of what it applied. A mart with no recorded state (its first run, or after its input was
rebuilt) and a run asked for a full rebuild make it whole from the current records instead; both give
the same rows (``queries`` holds what each mart means, as one query).

- ``price_evidence``: per compra; it also logs the figures item_price_references counts;
- ``item_price_references``: per catalog item x unit x UF, from that log (prices kept as multisets);
- ``supplier_profiles``, ``buyer_profiles``: per supplier, per órgão, from the changed contratos and
  contratações (``members``: the rows as last applied; ``groups``: the state kept per group).

Plain SQL (CREATE, INSERT, DELETE, temp tables), as the warehouse runs it on a DuckDB file or DuckLake.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime

import duckdb

from . import buyer_profiles, item_price_references, price_evidence, queries, state, supplier_profiles
from .groups import InconsistentState

MODULES = {m.MART: m for m in (price_evidence, item_price_references, supplier_profiles, buyer_profiles)}
MARTS = tuple(MODULES)
# The rows of an aggregate mart are its groups; price_evidence writes its own rows per compra.
GROUPS = {"item_price_references": item_price_references.GROUP, "supplier_profiles": ("ni_fornecedor",),
          "buyer_profiles": ("orgao_cnpj",)}
ROWS = {"item_price_references": item_price_references.ROWS, "supplier_profiles": supplier_profiles.ROWS,
        "buyer_profiles": buyer_profiles.ROWS}

READS = {"item_price_references": ("price_evidence",)}  # the marts a mart reads

__all__ = ["MARTS", "InconsistentState", "Upkeep", "upkeep", "queries"]


@dataclass
class Upkeep:
    """What a run did: ``mode`` full (built whole), incremental, or unchanged (nothing pending)."""

    mart: str
    mode: str
    captures: int = 0  # captures applied
    rows: int = 0  # rows of the mart after the run
    seconds: float = 0.0
    details: dict = field(default_factory=dict)  # per mart: compras, groups touched, refreshed...


def upkeep(con: duckdb.DuckDBPyConnection, mart: str, full_rebuild: bool = False) -> Upkeep:
    """Apply to ``mart`` every capture it has not applied (or, with ``full_rebuild`` or no recorded state,
    build it whole), in one transaction: its own, or the caller's if one is open. The mart's inputs must
    exist (empty on a fresh warehouse)."""
    if mart not in MODULES:
        raise ValueError(f"{mart!r} is not a mart kept here; expected one of {', '.join(MARTS)}")
    module, started = MODULES[mart], time.monotonic()
    run = f"{datetime.now():%Y%m%d-%H%M%S.%f}"
    con.execute("CREATE SCHEMA IF NOT EXISTS marts")
    state.ensure(con)
    for name in (*READS.get(mart, ()), mart):  # an empty mart has its definition's columns
        if not state.exists(con, "marts", name):
            con.execute(f"CREATE TABLE marts.{name} AS {queries.REFERENCES[name]} LIMIT 0")
    own = _begin(con)
    try:
        pending = state.pending(con, mart, module.ENTITIES)
        whole = full_rebuild or not state.is_built(con, mart)
        if whole:
            details = module.build(con, run) if mart == "price_evidence" else module.build(con)
        elif module.ENTITIES and not pending.count:
            details = None
        elif mart == "price_evidence":
            details = module.move(con, pending.snapshots, run)
        else:
            details = module.move(con, pending.snapshots)
        if mart in ROWS and details is not None:
            _write_rows(con, mart, whole)
        state.record(con, pending)
        if whole:
            state.mark_built(con, mart)
        rows = con.execute(f"SELECT count(*) FROM marts.{mart}").fetchone()[0]
    except BaseException:
        if own:
            con.execute("ROLLBACK")
        raise
    if own:
        con.execute("COMMIT")  # a refused commit rolls back by itself; the caller sees why
    mode = "full" if whole else "incremental" if details is not None else "unchanged"
    return Upkeep(mart, mode, pending.count, rows, time.monotonic() - started, details or {})


def _begin(con: duckdb.DuckDBPyConnection) -> bool:
    """Begin the run's transaction; False when the caller's transaction is already open (it commits)."""
    try:
        con.execute("BEGIN TRANSACTION")
    except duckdb.TransactionException as e:
        if "within a transaction" not in str(e):
            raise
        return False
    return True


def _write_rows(con: duckdb.DuckDBPyConnection, mart: str, whole: bool) -> None:
    """Replace the mart's rows of the touched groups (``_touched``) with what their state makes."""
    group = GROUPS[mart]
    if whole:
        con.execute(f"DELETE FROM marts.{mart}")
    else:
        on = " AND ".join(f"t.{g} = marts.{mart}.{g}" for g in group)
        con.execute(f"DELETE FROM marts.{mart} WHERE EXISTS (SELECT 1 FROM _touched t WHERE {on})")
    con.execute(f"INSERT INTO marts.{mart} BY NAME {ROWS[mart]} ORDER BY {', '.join(group)}")
