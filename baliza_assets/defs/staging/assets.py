"""Staging layer (DuckDB): typed, trimmed, deduplicated records, each with the sha256 of its payload."""

import shutil
import tempfile
from pathlib import Path

import dagster as dg
import polars as pl
from dagster._core.definitions.asset_checks.asset_check_evaluation import (
    AssetCheckEvaluationTargetMaterializationData,
)

from ...lib import staging as S
from ...lib.frames import DayFrames
from ...lib.staging.build import empty_table
from ...lib.staging.columns import descriptions
from ...lib.staging.models import validate
from ...lib.warehouse import refresh_raw_view, replace_days
from .. import work
from ..metadata import markdown
from ..partitions import FRESHNESS, RANGE_IN_ONE_RUN, daily
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
    "resultados": "Resultados of the items of the compras published that day: who won each item and at what "
                  "homologated price, one row per (numero_controle_pncp_compra, numero_item, sequencial_resultado); "
                  "situação 1 Informado, 2 Cancelado (with data_cancelamento and motivo_cancelamento); quantities, "
                  "unit and total homologated values and the discount as decimals, porte as its code.",
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


def _model_rejects(name: str, entity, good: pl.DataFrame, cases: pl.DataFrame) -> pl.DataFrame:
    """Rows that failed the pandera model, as rejects: one row each, every failed rule in the reason."""
    if cases.is_empty():
        return pl.DataFrame(schema=S.REJECTS_SCHEMA)
    reasons = cases.group_by("index").agg(
        reason=pl.concat_str([pl.col("column"), pl.lit(": "), pl.col("check"), pl.lit(" ("), pl.col("failure_case"),
                              pl.lit(")")]).str.join("; "))
    failing = good.with_row_index("index").with_columns(pl.col("index").cast(pl.Int64)).join(reasons, on="index")
    return failing.select(
        entity=pl.lit(name), partition_date="partition_date", payload_sha256="payload_sha256",
        record_key=pl.concat_str([pl.col(k).cast(pl.String) for k in entity.key], separator="|", ignore_nulls=True),
        reason=pl.col("reason"), record=pl.struct(pl.exclude("index", "reason")).struct.json_encode())


def _check_result(name: str, rows: int, typing_rejects: pl.DataFrame, model_rejects: pl.DataFrame,
                  cases: pl.DataFrame) -> dg.AssetCheckResult:
    rejected = len(typing_rejects) + len(model_rejects)
    share = rejected / max(1, rows + rejected)
    by_rule = (cases.group_by("column", "check").len().sort("len", descending=True)
               if len(cases) else pl.DataFrame(schema={"column": pl.String, "check": pl.String, "len": pl.UInt32}))
    sample = pl.concat([typing_rejects.select("record_key", "reason"), model_rejects.select("record_key", "reason")])
    return dg.AssetCheckResult(
        check_name="valid_records",
        passed=rejected == 0,
        severity=dg.AssetCheckSeverity.ERROR if share > MAX_REJECTED_SHARE else dg.AssetCheckSeverity.WARN,
        description=(f"{rejected} of {rows + rejected} records rejected ({share:.2%}) into staging.rejects"
                     if rejected else "every record passed the staging model"),
        metadata={"rejected": rejected, "rejected_typing": len(typing_rejects), "rejected_model": len(model_rejects),
                  "rejected_share": share,
                  "failures_by_rule": dg.MetadataValue.md(markdown(by_rule.head(20))),
                  "failure_sample": dg.MetadataValue.md(markdown(sample.head(10)))},
    )


MAX_REJECTED_SHARE = 0.05  # beyond this share of rejects, something is structurally wrong: block the marts


def column_schema(entity: S.Entity, columns: dict | None = None) -> dg.TableSchema:
    """The table's columns (``columns``: name -> type as written; by default the entity's own), each with
    its description from baliza_assets/lib/staging/columns.py."""
    docs = descriptions(entity.columns)
    columns = dict(empty_table(entity).schema) if columns is None else columns
    return dg.TableSchema(columns=[dg.TableColumn(column, str(dtype), description=docs.get(column))
                                   for column, dtype in columns.items()])


def _day_evaluations(context: dg.AssetExecutionContext, name: str, results: dict):
    """One `valid_records` evaluation per day of the step, each on its own partition and pointing at
    that day's materialization: a range run (one step for many days) shows every day's own result,
    which an `AssetCheckResult` cannot do (Dagster gives it the step's partition, none for a range)."""
    key = dg.AssetKey(["staging", name])
    check = dg.AssetCheckKey(key, "valid_records")
    if check not in context.selected_asset_check_keys:
        return
    yield dg.Output(None, output_name=context.assets_def.get_output_name_for_asset_check_key(check))
    records = context.instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=key, asset_partitions=[str(day) for day in results]),
        limit=len(results)).records
    materialized = {r.partition_key: r for r in records if r.run_id == context.run.run_id}
    for day, result in results.items():
        mat = materialized.get(str(day))
        yield dg.AssetCheckEvaluation(
            asset_key=key, check_name="valid_records", passed=result.passed, metadata=result.metadata,
            severity=result.severity, description=result.description, blocking=True, partition=str(day),
            target_materialization_data=mat and AssetCheckEvaluationTargetMaterializationData(
                storage_id=mat.storage_id, run_id=mat.run_id, timestamp=mat.timestamp))


def _staging_asset(name: str):
    entity = S.ENTITIES[name]

    @dg.asset(
        key=["staging", name],
        description=DOCS[name] + " Rows whose values cannot be typed go to staging.rejects with the reason.",
        group_name="staging",
        partitions_def=daily,
        ins={"raw": dg.AssetIn(key=["raw", name])},
        pool="duckdb_writer",
        backfill_policy=RANGE_IN_ONE_RUN,
        kinds={"polars", "duckdb"},
        metadata={"dagster/column_schema": column_schema(entity)},
        freshness_policy=FRESHNESS["staging"],
        tags=work.daily("harvest"),
        check_specs=[dg.AssetCheckSpec(
            "valid_records", asset=["staging", name], blocking=True, partitions_def=daily,
            description=f"Every record of staging.{name} for the day was typed and passed its pandera model "
                        "(baliza_assets/lib/staging/models.py). Failing records are in staging.rejects with the "
                        f"reason; a warning while they stay under {MAX_REJECTED_SHARE:.0%} of the day's "
                        "records, an error that blocks the marts beyond it. One result per day, also in a "
                        "range run.")],
    )
    def _asset(context: dg.AssetExecutionContext, raw: DayFrames, warehouse: WarehouseResource,
               lake: LakeResource):
        days = raw.days  # the step's days, as the lake loaded them
        spill = Path(tempfile.mkdtemp(prefix=f"baliza-staging-{name}-"))
        parts, typing_rejects, model_rejects, cases_all, kept = {}, [], [], [], []
        payloads, preview = 0, None
        try:
            for day in days:  # one day in memory at a time; each typed day is spilled to Parquet
                typed, bad = S.build(entity, raw.parts[day])
                good, cases = validate(name, typed)
                model_rejects.append(_model_rejects(name, entity, typed, cases))
                typing_rejects.append(bad)
                cases_all.append(cases)
                kept.append(len(good))
                good.write_parquet(spill / f"{day}.parquet")
                parts[day] = spill / f"{day}.parquet"
                payloads += good["payload_sha256"].n_unique()
                preview = preview if preview is not None and len(preview) else good.head(5)
            typing_bad, model_bad = pl.concat(typing_rejects), pl.concat(model_rejects)
            # the asset owns its warehouse writes: the table's days, their rejects, the lake's views
            with warehouse.connect() as con:
                rows, columns = replace_days(con, f"staging.{name}", DayFrames(parts))
                _write_rejects(con, name, days, pl.concat([typing_bad, model_bad]))
                refresh_raw_view(con, lake.lake())
        finally:
            shutil.rmtree(spill, ignore_errors=True)
        rejected = len(typing_bad) + len(model_bad)
        if rejected:
            context.log.warning(f"staging/{name}: {rejected} records rejected, see staging.rejects: "
                                + "; ".join(pl.concat([typing_bad, model_bad])["reason"].head(3).to_list()))
        yield dg.MaterializeResult(
            metadata={
                "dagster/row_count": rows,
                "dagster/column_schema": column_schema(entity, columns),
                "rejected_rows": rejected,
                "distinct_payloads": payloads,
                "preview": dg.MetadataValue.md(markdown(preview.select(preview.columns[:8]))),
            },
        )
        # each day judged on its own records, after the materializations the evaluations point at
        yield from _day_evaluations(context, name, {
            day: _check_result(name, n, typed_bad, bad, cases)
            for day, n, typed_bad, bad, cases in zip(days, kept, typing_rejects, model_rejects, cases_all)})

    return _asset


staging_assets = [_staging_asset(name) for name in S.ENTITIES]
