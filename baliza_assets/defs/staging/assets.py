"""Staging layer (DuckDB): typed, trimmed, deduplicated records, each with the sha256 of its payload."""

import shutil
import tempfile
from pathlib import Path

import dagster as dg
import polars as pl

from ...lib import staging as S
from ...lib.warehouse import refresh_raw_view
from ..io_managers import DayFrames, _days
from ..partitions import FRESHNESS, RANGE_IN_ONE_RUN, daily
from ..raw.fetch import markdown
from ..resources import LakeResource, WarehouseResource

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
        con.execute("INSERT INTO staging.rejects BY NAME SELECT * FROM _rejects")
        con.unregister("_rejects")


def _staging_asset(name: str):
    entity = S.ENTITIES[name]

    @dg.asset(
        key=["staging", name],
        description=DOCS[name] + " Rows whose values cannot be typed go to staging.rejects with the reason.",
        group_name="staging",
        partitions_def=daily,
        ins={"raw": dg.AssetIn(key=["raw", name])},
        metadata={"partition_expr": "partition_date"},
        pool="duckdb_writer",
        backfill_policy=RANGE_IN_ONE_RUN,
        kinds={"polars", "duckdb"},
        freshness_policy=FRESHNESS["staging"],
    )
    def _asset(context: dg.AssetExecutionContext, raw: DayFrames, warehouse: WarehouseResource,
               lake: LakeResource) -> DayFrames:
        days = _days(context.partition_time_window)
        spill = Path(tempfile.mkdtemp(prefix=f"baliza-staging-{name}-"))
        parts, rejects, rows, payloads, preview = {}, [], 0, 0, None
        try:
            for day in days:  # one day in memory at a time; each typed day is spilled to Parquet
                good, bad = S.build(entity, raw.parts[day])
                good.write_parquet(spill / f"{day}.parquet")
                parts[day] = spill / f"{day}.parquet"
                rejects.append(bad)
                rows, payloads = rows + len(good), payloads + good["payload_sha256"].n_unique()
                preview = preview if preview is not None and len(preview) else good.head(5)
            bad = pl.concat(rejects)
            with warehouse.connect() as con:
                _write_rejects(con, name, days, bad)
                refresh_raw_view(con, lake.lake())
        except BaseException:
            shutil.rmtree(spill, ignore_errors=True)
            raise
        if len(bad):
            context.log.warning(f"staging/{name}: {len(bad)} records rejected, see staging.rejects: "
                                + "; ".join(bad["reason"].head(3).to_list()))
        context.add_output_metadata({
            "rejected_rows": len(bad),
            "distinct_payloads": payloads,
            "preview": dg.MetadataValue.md(markdown(preview.select(preview.columns[:8]))),
        })
        return DayFrames(parts, cleanup=lambda: shutil.rmtree(spill, ignore_errors=True))

    return _asset


staging_assets = [_staging_asset(name) for name in S.ENTITIES]
