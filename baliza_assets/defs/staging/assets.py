"""Staging layer (DuckDB): every archived observation of a record, typed, trimmed, validated once,
each row with its source, the time it was seen and the sha256 of its payload."""

import dagster as dg

from ...lib.staging import store
from ...lib.staging.columns import descriptions
from ...lib.staging.sources import SOURCES, tables
from ...lib.staging.stage import stage
from ...lib.warehouse import refresh_raw_view
from ..automation import FOLLOWS_UPSTREAM_PARTITION
from ..metadata import markdown, per_partition
from ..partitions import FRESHNESS, RANGE_IN_ONE_RUN, daily, partition_days
from ..resources import LakeResource, WarehouseResource
from .evaluation import day_evaluation

DOCS = {
    "contratacoes": "Contratações (compras) as each source of the day showed them: the publication listing of the "
                    "day, the update feed and the sweep. One row per numeroControlePNCP and source listing: órgão, "
                    "unidade, amparo legal flattened; values as decimals, dates and timestamps typed.",
    "contratos": "Contratos as each source of the day showed them (publication listing, update feed, sweep), one row "
                 "per numeroControlePNCP and source listing, supplier and buyer flattened.",
    "atas": "Atas de registro de preço updated that day (partitioned by update date), and those the sweep's late "
            "feed showed again, one row per numeroControlePNCPAta and source.",
    "itens": "Itens of the compras published that day (details) and of the earlier compras the day's update feed "
             "changed (targeted_details), one row per (numero_controle_pncp_compra, numero_item) and source.",
    "arquivos": "Arquivos of the compras published that day (details) and of the earlier compras the day's update "
                "feed changed (targeted_details), one row per (numero_controle_pncp_compra, sequencial_documento) "
                "and source.",
    "resultados": "Resultados of the items of the compras published that day (details) and of the earlier compras the "
                  "update feed changed (targeted_details): who won each item and at what homologated price, one row "
                  "per (numero_controle_pncp_compra, numero_item, sequencial_resultado) and source; situação 1 "
                  "Informado, 2 Cancelado (with data_cancelamento and motivo_cancelamento); quantities, unit and "
                  "total homologated values and the discount as decimals, porte as its code.",
}

def _check_result(day: store.DaySummary) -> dg.AssetCheckResult:
    rejected = day.rejected
    share = rejected / max(1, day.rows + rejected)
    return dg.AssetCheckResult(
        check_name="valid_records",
        passed=rejected == 0,
        severity=dg.AssetCheckSeverity.ERROR if share > MAX_REJECTED_SHARE else dg.AssetCheckSeverity.WARN,
        description=(f"{rejected} of {day.rows + rejected} records rejected ({share:.2%}) into staging.rejects"
                     if rejected else "every record passed the staging model"),
        metadata={"rejected": rejected, "rejected_typing": day.rejected_typing, "rejected_model": day.rejected_model,
                  "rejected_share": share,
                  "failures_by_rule": dg.MetadataValue.md(markdown(day.rules.head(20))),
                  "failure_sample": dg.MetadataValue.md(markdown(day.sample.head(10)))},
    )


MAX_REJECTED_SHARE = 0.05  # beyond this share of rejects, something is structurally wrong: block the marts


def column_schema(name: str, columns: dict | None = None) -> dg.TableSchema:
    """The table's columns (``columns``: name -> type as written; by default the entity's own), each with
    its description from baliza_assets/lib/staging/columns.py."""
    docs = descriptions(store.ENTITIES[name].columns)
    columns = store.staged_schema(name) if columns is None else columns
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
        yield day_evaluation(check, str(day), materialized.get(str(day)), passed=result.passed,
                             severity=result.severity, description=result.description, metadata=result.metadata,
                             blocking=True)


def _stage_day(context, name: str, day, lake, con) -> list[str]:
    """Stage every source of ``day`` whose pages changed since they were typed; returns what was typed."""
    typed = []
    for source in SOURCES[name]:
        if not lake.exists(source.table, day):
            continue
        pages = lake.scan(source.table, [day])
        version = store.version(name, pages, source.endpoint)
        if store.stored_version(con, name, day, source) == version:
            continue  # typed already, from these very pages
        staged = stage(name, source, pages)
        store.write(con, name, day, staged, version)
        typed.append(f"{source.name} {source.endpoint}")
        if staged.rejected_typing + staged.rejected_model:
            context.log.warning(f"staging/{name} {day} {source.name}: "
                                f"{staged.rejected_typing + staged.rejected_model} records rejected, see "
                                "staging.rejects: " + "; ".join(staged.rejects["reason"].head(3).to_list()))
        for problem in staged.unreconciled[:5]:
            context.log.warning(f"staging/{name} {day} {source.table}: listing did not reconcile, no deletion will "
                                f"be inferred from it: {problem}")
    return typed


def _staging_asset(name: str):
    sources = SOURCES[name]
    inputs = tables(name)
    shown = ", ".join(f"{s.table} ({s.name})" for s in sources)

    @dg.asset(
        key=["staging", name],
        description=DOCS[name] + f" Sources: {shown}. Each row says its source, endpoint and when its page was "
                                 "collected; staging.<entity>_scopes holds the scopes each day's pages list whole "
                                 "(what a deletion may be inferred from). Rows whose values cannot be typed or fail "
                                 "the model go to staging.rejects with the reason. A source is typed once per "
                                 "archived partition: the update feed's and the sweep's runs stage their own pages.",
        group_name="staging",
        partitions_def=daily,
        deps=[t.split("/") for t in inputs],
        backfill_policy=RANGE_IN_ONE_RUN,
        kinds={"polars", "duckdb"},
        metadata={"dagster/column_schema": column_schema(name)},
        freshness_policy=FRESHNESS["staging"],
        automation_condition=FOLLOWS_UPSTREAM_PARTITION,
        check_specs=[dg.AssetCheckSpec(
            "valid_records", asset=["staging", name], blocking=True, partitions_def=daily,
            description=f"Every record of staging.{name} for the day (every source) was typed and passed its "
                        "pandera model (baliza_assets/lib/staging/models.py). Failing records are in staging.rejects "
                        f"with the reason; a warning while they stay under {MAX_REJECTED_SHARE:.0%} of the day's "
                        "records, an error that blocks the marts beyond it. One result per day, also in a "
                        "range run.")],
    )
    def _asset(context: dg.AssetExecutionContext, warehouse: WarehouseResource, lake: LakeResource):
        days, store_ = partition_days(context), lake.lake()
        found = [d for d in days if any(store_.exists(t, d) for t in inputs)]
        if len(found) < len(days):
            missing = [str(d) for d in days if d not in found]
            raise dg.Failure(f"staging/{name}: nothing archived for {', '.join(missing[:5])} in "
                             f"{', '.join(inputs)}; materialize one of them first")
        typed = {}
        with warehouse.connect() as con:
            store.ensure_tables(con, name)
            for day in days:  # one day and source in memory at a time
                typed[day] = _stage_day(context, name, day, store_, con)
            summaries = store.summaries(con, name, days)
            own = {}
            for day in days:  # each partition's own figures
                payloads = con.execute(f"SELECT count(DISTINCT payload_sha256) FROM staging.{name} "
                                       "WHERE partition_date = ?", [day]).fetchone()[0]
                preview = con.execute(f"SELECT * FROM staging.{name} WHERE partition_date = ? LIMIT 5", [day]).pl()
                own[day] = {
                    "dagster/row_count": summaries[day].rows,
                    "rows_by_source": dg.MetadataValue.json(summaries[day].by_source),
                    "sources_typed": len(typed[day]),
                    "rejected_rows": summaries[day].rejected,
                    "distinct_payloads": payloads,
                    "preview": dg.MetadataValue.md(markdown(preview.select(preview.columns[:8]))),
                }
            refresh_raw_view(con, store_)
        context.log.info(f"staging/{name}: typed " + "; ".join(
            f"{day} {', '.join(t) or 'nothing new'}" for day, t in typed.items()))
        yield dg.MaterializeResult(metadata={**per_partition(context, own), "dagster/column_schema": column_schema(name)})
        # each day judged on its own records, after the materializations the evaluations point at
        yield from _day_evaluations(context, name, {day: _check_result(summaries[day]) for day in days})

    return _asset


staging_assets = [_staging_asset(name) for name in SOURCES]
