"""The warehouse's tables take the layout chosen for five years of history as a writer settles them (the
resource's writers do as they close): staging and the change logs by month of partition_date, an entity's
history by year and sorted by its key; other tables and the views are left as DuckLake writes them."""

from __future__ import annotations

from baliza_assets.lib import warehouse
from baliza_assets.lib.lake import Lake
from baliza_assets.lib.warehouse.tables import declared_layouts


def test_a_writer_closing_gives_new_tables_their_layout_once(tmp_path):
    catalog, lake = str(tmp_path / "catalog.sqlite"), Lake(str(tmp_path / "lake"))
    with warehouse.connect(catalog, lake) as con:
        con.execute("CREATE SCHEMA staging")
        con.execute("CREATE SCHEMA cdc")
        con.execute("CREATE TABLE staging.contratos (partition_date DATE, numero_controle_pncp VARCHAR)")
        con.execute("CREATE TABLE cdc.contratos_history (partition_date DATE, numero_controle_pncp VARCHAR)")
        con.execute("CREATE TABLE cdc.snapshots (entity VARCHAR, snapshot VARCHAR)")
        con.execute("CREATE VIEW staging.recent AS SELECT * FROM staging.contratos")
        assert warehouse.settle_layout(con) == ["cdc.contratos_history", "staging.contratos"]
    with warehouse.connect(catalog, lake, read_only=True) as con:
        snapshot = con.execute("SELECT id FROM baliza.current_snapshot()").fetchone()[0]
        assert declared_layouts(con, snapshot) == {
            "staging.contratos": {"partitioned": 'year("partition_date"), month("partition_date")'},
            "cdc.contratos_history": {"partitioned": 'year("partition_date")', "sorted": "numero_controle_pncp ASC NULLS LAST"},
        }
    with warehouse.connect(catalog, lake) as con:  # laid out already: nothing is altered again
        assert warehouse.settle_layout(con) == []
