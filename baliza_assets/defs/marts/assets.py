"""Marts: the analytical tables people ask for. The daily one is rewritten per day; the others are kept
incrementally from the CDC captures (``lib/marts``: where a mart is updated)."""


import dagster as dg

from ...lib.marts import upkeep
from .. import work
from ..automation import APPLIES_UPSTREAM_CHANGES
from ..metadata import markdown, per_partition
from ..partitions import FRESHNESS, RANGE_IN_ONE_RUN, daily, partition_days
from ..resources import WarehouseResource
from . import sql

MARTS = dict(group_name="marts", kinds={"duckdb", "sql"}, freshness_policy=FRESHNESS["marts"])


def column_schema(name: str, columns=None) -> dg.TableSchema:
    """The mart's columns (``columns``: (name, DuckDB type) pairs; by default those its query produces),
    each with its description from sql.py."""
    docs = sql.COLUMNS[name]
    columns = sql.describe()[name] if columns is None else columns
    return dg.TableSchema(columns=[dg.TableColumn(column, dtype, description=docs.get(column))
                                   for column, dtype in columns])


def _static(name: str) -> dict:
    return {"metadata": {"dagster/column_schema": column_schema(name)}}


def _table_metadata(con, table: str) -> dict:
    rows = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    preview = con.execute(f"SELECT * FROM {table} LIMIT 5").pl()
    columns = [(r[0], r[1]) for r in con.execute(f"DESCRIBE {table}").fetchall()]
    return {"dagster/row_count": rows, "preview": dg.MetadataValue.md(markdown(preview.select(preview.columns[:8]))),
            "dagster/column_schema": column_schema(table.split(".")[-1], columns)}


@dg.asset(key=["marts", "daily_spend"], partitions_def=daily, deps=[["cdc", "contratacoes"]],
          backfill_policy=RANGE_IN_ONE_RUN, tags=work.daily("harvest"), **MARTS, **_static("daily_spend"))
def daily_spend(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """Daily spend: per publication day x UF (of the buying unit) x modalidade x esfera (F federal,
    E estadual, M municipal, D distrital) x sending platform (usuarioNome, '?' when absent): number of
    contratações, the sum of their estimated values (valorTotalEstimado), the sum of their homologated
    values (valorTotalHomologado) and how many have a homologated value. UF '??' and esfera '?' mark records that did not say.
    Counted over the current version of each contratação (cdc.contratacoes_current, deletions left out)."""
    days = partition_days(context)
    with warehouse.connect() as con:
        con.execute("CREATE SCHEMA IF NOT EXISTS marts")
        sql.ensure_inputs(con, ["cdc/contratacoes"])  # a fresh warehouse: nothing captured yet reads as empty
        params = {"first": days[0], "last": days[-1]}
        con.execute(f"CREATE TABLE IF NOT EXISTS marts.daily_spend AS {sql.DAILY_SPEND} LIMIT 0", params)
        have = {r[0] for r in con.execute("DESCRIBE marts.daily_spend").fetchall()}
        for name, dtype, *_ in con.execute(f"DESCRIBE {sql.DAILY_SPEND}", params).fetchall():
            if name not in have:  # a dimension added since the table was made (the other days get it when rebuilt)
                con.execute(f'ALTER TABLE marts.daily_spend ADD COLUMN "{name}" {dtype}')
        con.execute("DELETE FROM marts.daily_spend WHERE data BETWEEN $first AND $last", params)
        con.execute(f"INSERT INTO marts.daily_spend BY NAME {sql.DAILY_SPEND}", params)
        own = {}
        for day in days:  # each partition's own rows
            rows = con.execute("SELECT * FROM marts.daily_spend WHERE data = ? ORDER BY ALL", [day]).pl()
            own[day] = {"dagster/row_count": len(rows),
                        "preview": dg.MetadataValue.md(markdown(rows.head(5).select(rows.columns[:8])))}
        columns = [(r[0], r[1]) for r in con.execute("DESCRIBE marts.daily_spend").fetchall()]
    return dg.MaterializeResult(metadata={**per_partition(context, own),
                                          "dagster/column_schema": column_schema("daily_spend", columns)})


class MartUpkeep(dg.Config):
    full_rebuild: bool = False
    """Build the mart whole from the current records instead of applying only the captures it has not applied
    yet. The rows are the same; it reads every record (minutes on years of history), for a mart whose kept
    state was changed behind its upkeep."""


def _kept_mart(name: str, deps: list[str], doc: str):
    """``deps``: what the mart reads, as asset keys (``cdc/itens``, ``marts/price_evidence``)."""
    @dg.asset(key=["marts", name], deps=[d.split("/") for d in deps], description=doc,
              automation_condition=APPLIES_UPSTREAM_CHANGES, **MARTS, **_static(name))
    def _asset(context: dg.AssetExecutionContext, config: MartUpkeep, warehouse: WarehouseResource) -> dg.MaterializeResult:
        with warehouse.connect() as con:
            con.execute("CREATE SCHEMA IF NOT EXISTS marts")
            empty = sql.ensure_inputs(con, deps)  # a fresh warehouse: inputs not captured yet read as empty
            if empty:
                context.log.info(f"marts/{name}: {', '.join(empty)} not captured yet, read as empty")
            done = upkeep(con, name, full_rebuild=config.full_rebuild)
            context.log.info(f"marts/{name}: {done.mode}" + (
                " (built whole: asked for)" if config.full_rebuild else " (built whole: no kept state yet)"
                if done.mode == "full" else f", {done.captures} capture(s) applied") + f", {done.details}")
            meta = _table_metadata(con, f"marts.{name}")
        counts = {k: v for k, v in done.details.items() if isinstance(v, int) and not isinstance(v, bool)}
        return dg.MaterializeResult(metadata={
            **meta, "upkeep": done.mode, "captures_applied": done.captures, "upkeep_seconds": round(done.seconds, 3),
            **counts, "inputs_not_captured": ", ".join(empty) or "none"})

    return _asset


price_evidence = _kept_mart("price_evidence", ["cdc/resultados", "cdc/itens", "cdc/contratacoes"], """
    Price evidence, the table a price researcher cites (pesquisa de preços, Lei 14.133 art. 23): one row
    per homologated item result in force (situação 1 Informado; cancelled results are left out and kept in
    cdc.resultados_history). Per row: the item (description, catmat/catser catalog code, unit), the
    homologated quantity, unit and total price and discount, beside the estimated unit price; the winning
    supplier (CNPJ, or a CPF masked to its middle six digits), name and porte; the buyer (órgão CNPJ and
    name, esfera, unidade code and name, UF, município, IBGE code); the process (modalidade, compra
    number and year, processo, SRP); the dates (data_resultado: the result's date, data_registro_resultado:
    when PNCP recorded it, data_publicacao_compra); the sending platform (usuarioNome: Compras.gov.br,
    Licitanet, BLL, ...); the compra's page on the PNCP portal (link_pncp), the API request the result
    came from (fonte_api), and the sha256 of the archived payload (payload_sha256, which
    `baliza fetch-payload` returns verbatim).""")

item_price_references = _kept_mart("item_price_references", ["marts/price_evidence", "cdc/itens", "cdc/contratacoes"],
                                   """
    Item price references on homologated prices: per catalog item code (catalogoCodigoItem) x unit of
    measure (upper-cased, trimmed) x UF of the buying unit, and nationally (uf = 'BR'), over every result
    in force of marts.price_evidence with a positive unit price: number of results, median, p10 and p90,
    min and max homologated unit price, distinct suppliers and buyers, first and last result date, the
    most common description (the first alphabetically among equally common ones), how many prices are more
    than 10x above or below the median (resultados_outliers) and `outlier` when any is. Beside them, never
    mixed in: the estimated prices (valorUnitarioEstimado) of the same catalog item x unit, their count,
    median, p10 and p90.""")

supplier_profiles = _kept_mart("supplier_profiles", ["cdc/contratos"], """
    Supplier profiles from contratos (current version of each contract): per supplier id (niFornecedor,
    CNPJ or CPF): latest name and person type, number of contracts, total contract value (valorGlobal),
    distinct buyers (órgão CNPJ), distinct UFs, first and last signature date.""")

buyer_profiles = _kept_mart("buyer_profiles", ["cdc/contratacoes", "cdc/contratos"], """
    Buyer profiles: per órgão CNPJ, from contratações (current version of each): latest name, esfera and
    UF, number of contratações, estimated and homologated totals, direct contracting (modalidade 8
    Dispensa and 9 Inexigibilidade) as a count, a share of the count and a share of the estimated
    value; the platform it sends most contratações from (plataforma_principal; the first alphabetically among
    equally used ones) and every platform it used (plataformas, a sorted list: filter with list_contains);
    plus number and total value of its contratos.""")
