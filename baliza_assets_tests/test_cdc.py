"""The CDC diff: inserts, updates with the columns that changed, tombstones, and no mass deletions."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import polars as pl
import pytest

from baliza_assets.lib.cdc import SuspiciousSnapshot, diff

AT = datetime(2025, 7, 12, 6, 0)


def _snap(rows):
    return pl.DataFrame(rows, schema={"numero_controle_pncp": pl.String, "situacao": pl.String,
                                      "valor_global": pl.Decimal(38, 6), "data_vigencia_fim": pl.Date,
                                      "payload_sha256": pl.String}, orient="row")


OLD = _snap([("a", "Vigente", Decimal("10"), date(2026, 1, 1), "s1"),
             ("b", "Vigente", Decimal("20"), None, "s1"),
             ("c", None, Decimal("30"), date(2026, 1, 1), "s1"),
             ("d", "Vigente", Decimal("40"), date(2026, 1, 1), "s1"),
             ("e", "Vigente", Decimal("50"), date(2026, 1, 1), "s1")])


def test_operations_and_changed_columns():
    new = _snap([("a", "Vigente", Decimal("10"), date(2026, 1, 1), "s2"),  # only provenance: no change
                 ("b", "Rescindido", Decimal("25"), date(2027, 6, 30), "s2"),
                 ("c", "Vigente", Decimal("30"), date(2026, 1, 1), "s2"),
                 ("d", "Vigente", Decimal("40"), date(2026, 1, 1), "s2"),
                 ("e", "Vigente", Decimal("50"), date(2026, 1, 1), "s2"),
                 ("f", "Vigente", Decimal("60"), None, "s2")])
    log = diff(OLD, new, ["numero_controle_pncp"], at=AT, old_snapshot="2025-07-11", new_snapshot="2025-07-12")
    assert log.select("numero_controle_pncp", "op").rows() == [("b", "U"), ("c", "U"), ("f", "I")]
    b = log.row(0, named=True)
    assert b["changed_columns"] == ["situacao", "valor_global", "data_vigencia_fim"]
    assert b["changes"] == [{"column": "situacao", "old": "Vigente", "new": "Rescindido"},
                            {"column": "valor_global", "old": "20.000000", "new": "25.000000"},
                            {"column": "data_vigencia_fim", "old": None, "new": "2027-06-30"}]
    assert log.row(1, named=True)["changes"] == [{"column": "situacao", "old": None, "new": "Vigente"}]
    assert (b["cdc_at"], b["old_snapshot"], b["new_snapshot"]) == (AT, "2025-07-11", "2025-07-12")
    assert log.row(2, named=True)["changes"] is None


def test_a_vanished_record_is_a_tombstone():
    log = diff(OLD, OLD.filter(pl.col("numero_controle_pncp") != "d"), ["numero_controle_pncp"], at=AT)
    assert log.select("numero_controle_pncp", "op").rows() == [("d", "D")]
    assert diff(OLD, OLD, ["numero_controle_pncp"], at=AT).is_empty()


def test_a_short_snapshot_never_becomes_mass_deletions():
    with pytest.raises(SuspiciousSnapshot, match=r"would delete 3 of 5 records \(60.0%, more than 20%\)"):
        diff(OLD, OLD.head(2), ["numero_controle_pncp"], at=AT, tolerated_deletes=2)
    assert len(diff(OLD, OLD.head(2), ["numero_controle_pncp"], at=AT, max_delete_share=0.8, tolerated_deletes=2)) == 3
    assert len(diff(OLD, OLD.head(2), ["numero_controle_pncp"], at=AT)) == 3, "a few deletions always pass"
