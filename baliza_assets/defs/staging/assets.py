"""Staging layer (DuckDB): typed, trimmed, deduplicated records, each with the sha256 of its payload."""


import dagster as dg
import polars as pl

from ...lib import staging as S
from ...lib.warehouse import refresh_raw_view
from ..io_managers import _days
from ..partitions import daily
from ..raw.fetch import markdown
from ..resources import LakeResource, WarehouseResource

SOURCES = {"contratacoes": "contratacoes", "contratos": "contratos", "atas": "atas", "itens": "itens",
           "arquivos": "arquivos"}

DOCS = {
    "contratacoes": "Contratações (compras) published that day, one row per numeroControlePNCP: órgão, unidade, "
                    "amparo legal flattened; values as decimals, dates and timestamps typed.",
    "contratos": "Contratos published that day, one row per numeroControlePNCP, supplier and buyer flattened.",
    "atas": "Atas de registro de preço updated that day (partitioned by update date), one row per "
            "numeroControlePNCPAta.",
    "itens": "Itens of the compras published that day, one row per (numero_controle_pncp_compra, numero_item).",
    "arquivos": "Arquivos of the compras published that day, one row per (numero_controle_pncp_compra, "
                "sequencial_documento).",
}


def _write_rejects(con, entity: str, days, rejects: pl.DataFrame) -> None:
    con.execute("CREATE SCHEMA IF NOT EXISTS staging")
    con.execute("""CREATE TABLE IF NOT EXISTS staging.rejects (entity VARCHAR, partition_date DATE, payload_sha256 VARCHAR,
                   record_key VARCHAR, reason VARCHAR, record VARCHAR)""")
    con.execute("DELETE FROM staging.rejects WHERE entity = ? AND partition_date BETWEEN ? AND ?",
                [entity, days[0], days[-1]])
    if len(rejects):
        con.register("_rejects", rejects.to_arrow())
        con.execute("INSERT INTO staging.rejects SELECT * FROM _rejects")
        con.unregister("_rejects")


def _staging_asset(name: str):
    entity = S.ENTITIES[name]

    @dg.asset(
        key=["staging", name],
        description=DOCS[name] + " Rows whose values cannot be typed go to staging.rejects with the reason.",
        group_name="staging",
        partitions_def=daily,
        ins={"raw": dg.AssetIn(key=["raw", SOURCES[name]])},
        metadata={"partition_expr": "partition_date"},
        pool="duckdb_writer",
        backfill_policy=dg.BackfillPolicy.multi_run(max_partitions_per_run=7),
        kinds={"polars", "duckdb"},
    )
    def _asset(context: dg.AssetExecutionContext, raw: pl.LazyFrame, warehouse: WarehouseResource,
               lake: LakeResource) -> pl.DataFrame:
        days = _days(context.partition_time_window)
        goods, rejects = [], []
        for day in days:
            good, bad = S.build(entity, raw.filter(pl.col("partition_date") == day).collect())
            goods.append(good)
            rejects.append(bad)
        good, bad = pl.concat(goods), pl.concat(rejects)
        with warehouse.connect() as con:
            _write_rejects(con, name, days, bad)
            refresh_raw_view(con, lake.lake())
            if not len(good):  # the IO manager skips empty frames: clear the days here so the run still replaces them
                exists = con.execute("SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'staging' "
                                     "AND table_name = ?", [name]).fetchone()[0]
                if exists:
                    con.execute(f"DELETE FROM staging.{name} WHERE partition_date BETWEEN ? AND ?", [days[0], days[-1]])
        if len(bad):
            context.log.warning(f"staging/{name}: {len(bad)} records rejected, see staging.rejects: "
                                + "; ".join(bad["reason"].head(3).to_list()))
        context.add_output_metadata({
            "dagster/row_count": len(good),
            "rejected_rows": len(bad),
            "distinct_payloads": good["payload_sha256"].n_unique(),
            "preview": dg.MetadataValue.md(markdown(good.head(5).select(good.columns[:8]))),
        })
        return good

    return _asset


staging_assets = [_staging_asset(name) for name in S.ENTITIES]
