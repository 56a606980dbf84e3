"""The current state a capture keeps beside the history (cdc.<entity>_current, a table with each record's
scope stored), the scopes staging and the capture name alike, and CDC's one time zone."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import duckdb
import polars as pl
import pytest

from baliza_assets.lib.cdc import clock, versions
from baliza_assets.lib.cdc.observations import Observations, columns
from baliza_assets.lib.cdc.tables import ensure_tables, scope_sql
from baliza_assets.lib.cdc.targets import SCOPE, SEEN, SOURCE, TARGETS
from baliza_assets.lib.staging import ENTITIES
from baliza_assets.lib.staging.build import empty_table
from baliza_assets.lib.staging.scopes import _params_scope, row_scope

DAY = date(2025, 7, 10)


def _contratos(*rows) -> pl.DataFrame:
    """Staged contratos rows: (key, valor_global, data_atualizacao_global, data_publicacao_pncp)."""
    base = empty_table(ENTITIES["contratos"])
    data = [{"numero_controle_pncp": k, "orgao_cnpj": "00394452000103", "ni_fornecedor": "1", "valor_global": Decimal(v),
             "data_atualizacao_global": stamp, "data_publicacao_pncp": published, "partition_date": DAY,
             "payload_sha256": "x", "collected_at": datetime(2025, 7, 11, 12, tzinfo=timezone.utc)}
            for k, v, stamp, published in rows]
    return pl.DataFrame(data).cast({k: v for k, v in base.schema.items() if k in data[0]}).select(
        [pl.col(c) if c in data[0] else pl.lit(None, t).alias(c) for c, t in base.schema.items()])


def _seen(rows: pl.DataFrame, at: datetime, scopes: list[str] = ()) -> Observations:
    return Observations(rows.with_columns(pl.lit(at).alias(SEEN), pl.lit("publication").alias(SOURCE)),
                        pl.DataFrame({SCOPE: list(scopes), SEEN: [at] * len(scopes), SOURCE: ["sweep"] * len(scopes)},
                                     schema={SCOPE: pl.String, SEEN: pl.Datetime("us"), SOURCE: pl.String}), [])


def _capture(con, seen: Observations, n: int) -> versions.Capture:
    cap = versions.compute(con, TARGETS["contratos"], DAY, f"s{n}", seen)
    versions.apply(con, cap)
    return cap


def _state(con, table: str) -> list:
    return con.execute(f"SELECT numero_controle_pncp, valor_global, valid_from, capture_scope FROM {table} "
                       "ORDER BY 1").fetchall()


def test_the_current_table_follows_the_history_through_inserts_updates_and_deletions():
    con = duckdb.connect()
    t0 = datetime(2025, 7, 11, 9)
    a, b, c = (f"00394452000103-2-00000{i}/2025" for i in (1, 2, 3))
    pub, stamp = datetime(2025, 7, 10, 8), datetime(2025, 7, 10, 8)
    first = _contratos((a, "10", stamp, pub), (b, "20", stamp, pub), (c, "30", stamp, pub))
    assert _capture(con, _seen(first, t0), 1).counts() == {"I": 3, "U": 0, "D": 0}
    # b amended, c gone from a whole listing of its day
    later = _contratos((a, "10", stamp, pub), (b, "25", stamp + timedelta(days=1), pub))
    got = _capture(con, _seen(later, t0 + timedelta(days=2), ["2025-07-10"]), 2)
    assert got.counts() == {"I": 0, "U": 1, "D": 1}
    history = ("(SELECT * EXCLUDE (valid_to, ended_by), " + scope_sql("contratos")
               + " AS capture_scope FROM cdc.contratos_history WHERE valid_to IS NULL)")
    assert _state(con, "cdc.contratos_current") == _state(con, history) == [
        (a, Decimal("10"), t0, "2025-07-10"), (b, Decimal("25"), t0 + timedelta(days=2), "2025-07-10")]
    assert con.execute("SELECT * FROM cdc.contratos_deleted").fetchall() == [(c, t0 + timedelta(days=2))]
    assert con.execute("SELECT count(*) FROM cdc.contratos_history WHERE valid_to IS NOT NULL").fetchone() == (2,)
    # seen again with its old version: older than its deletion, nothing changes
    assert _capture(con, _seen(first.filter(pl.col("numero_controle_pncp") == c), t0 + timedelta(days=1)),
                    9).counts() == {"I": 0, "U": 0, "D": 0}
    # c seen again after its deletion: a new version, live again
    again = _contratos((c, "31", stamp + timedelta(days=3), pub))
    assert _capture(con, _seen(again, t0 + timedelta(days=4)), 3).counts() == {"I": 1, "U": 0, "D": 0}
    assert _state(con, "cdc.contratos_current") == _state(con, history)
    assert len(_state(con, "cdc.contratos_current")) == 3
    assert con.execute("SELECT count(*) FROM cdc.contratos_deleted").fetchone() == (0,), "c is live again"


def test_a_current_view_from_before_becomes_the_table_with_the_same_rows():
    con = duckdb.connect()
    like = empty_table(ENTITIES["contratos"])
    ensure_tables(con, "contratos", like)
    t0, pub = datetime(2025, 7, 11, 9), datetime(2025, 7, 10, 8)
    _capture(con, _seen(_contratos(("00394452000103-2-000001/2025", "1", pub, pub)), t0), 1)
    con.execute("DROP TABLE cdc.contratos_current")
    con.execute("CREATE VIEW cdc.contratos_current AS SELECT * EXCLUDE (valid_to, ended_by) FROM "
                "cdc.contratos_history WHERE valid_to IS NULL")
    con.execute("DROP TABLE cdc.contratos_deleted")
    ensure_tables(con, "contratos", like)
    assert con.execute("SELECT table_type FROM information_schema.tables WHERE table_schema = 'cdc' "
                       "AND table_name = 'contratos_current'").fetchone() == ("BASE TABLE",)
    assert _state(con, "cdc.contratos_current") == [("00394452000103-2-000001/2025", Decimal("1"), t0, "2025-07-10")]


@pytest.mark.parametrize("entity, record, listing", [
    ("contratacoes", {"data_publicacao_pncp": datetime(2025, 7, 10, 23, 59), "modalidade_id": 8},
     '{"dataInicial": "20250710", "dataFinal": "20250710", "codigoModalidadeContratacao": "8", "pagina": "1"}'),
    ("contratos", {"data_publicacao_pncp": datetime(2025, 7, 10, 0, 0)},
     '{"dataInicial": "20250710", "dataFinal": "20250710", "pagina": "2"}'),
])
def test_a_listing_and_its_records_name_the_same_scope_in_staging_and_in_the_capture(entity, record, listing):
    row = empty_table(ENTITIES[entity]).select(list(record)).vstack(
        pl.DataFrame([record]).cast(empty_table(ENTITIES[entity]).select(list(record)).schema))
    in_staging = row.select(row_scope(entity)).item()
    con = duckdb.connect()
    con.register("r", row.to_arrow())
    in_capture = con.execute(f"SELECT {scope_sql(entity)} FROM r").fetchone()[0]
    assert in_staging == in_capture == _params_scope(listing)
    assert columns(entity) == list(empty_table(ENTITIES[entity]).schema)


def test_cdc_times_are_brasilia_and_say_so_in_the_snapshot_id():
    utc = datetime(2025, 7, 11, 2, 30, tzinfo=timezone.utc)
    assert clock.brasilia_of(utc) == datetime(2025, 7, 10, 23, 30)
    assert clock.snapshot_id("0123456789abcdef", clock.brasilia_of(utc)) == "20250710-233000-01234567"
    seen = pl.DataFrame({"t": [utc]}).select(clock.brasilia(pl.col("t"))).item()
    assert seen == datetime(2025, 7, 10, 23, 30)
