"""Details layer: itens and arquivos of every compra published that day, the resultados of each of
their items that has one, and all of these again for every earlier compra the update feed of the day
reports as changed, archived as raw requests."""

from collections.abc import Callable

import dagster as dg
import polars as pl

from ...lib import arrival
from ...lib.frames import DayFrames
from ...lib.pncp import CompraRef
from ..partitions import FRESHNESS
from ..raw.assets import RAW
from ..raw.fetch import fetch_tables, purpose_of
from ..resources import LakeResource, PncpResource
from ..work import daily


def compras_of(listed: pl.DataFrame, day, log, endpoint: str = "contratacoes_publicacao",
               published_before=None) -> list[CompraRef]:
    """The compras a day's archived contratações listing names (``listed``: its identifiers, as
    ``lib.arrival.listed`` gives them) whose identifiers can build a detail URL (only those published
    before ``published_before``, a date, when given)."""
    rows = listed.filter(pl.col("endpoint") == endpoint)
    if published_before is not None:
        rows = rows.filter(pl.col("published").fill_null("") < published_before.isoformat())
    refused = rows["refused"].drop_nulls().to_list()
    if refused:
        log.warning(f"{day}: {len(refused)} compras with unusable identifiers were not requested: "
                    + "; ".join(refused[:5]))
    refs = {CompraRef.parse(c) for c in rows.filter(pl.col("refused").is_null())["compra"].to_list()}
    return sorted(refs, key=lambda r: r.numero_controle)


def items_with_results(listed: pl.DataFrame, day, log) -> list[tuple[CompraRef, int]]:
    """(compra, numeroItem) of every archived item that says it has a result (``temResultado``): the
    only items whose `/resultados` answers anything (any other item gets 204). ``listed``: the itens
    pages' identifiers, as ``lib.arrival.listed`` gives them."""
    rows = listed.filter(pl.col("endpoint") == arrival.ITENS)
    refused = rows["refused"].drop_nulls().to_list()
    if refused:
        log.warning(f"{day}: {len(refused)} items with unusable identifiers had no resultados requested: "
                    + "; ".join(refused[:5]))
    found = {(CompraRef.parse(c), n) for c, n in rows.filter(pl.col("refused").is_null()).select("compra", "item").iter_rows()}
    return sorted(found, key=lambda r: (r[0].numero_controle, r[1]))


def _with_results(page, log) -> list[tuple[CompraRef, int]]:
    """The items of an itens page just fetched that say they have a result, from its decode on arrival."""
    listed = pl.DataFrame(arrival.identifiers(page.endpoint, page.meta, page.data()), schema=arrival.LISTED_SCHEMA,
                          orient="row")
    return items_with_results(listed, page.path, log)


KINDS = ("itens", "arquivos", "resultados")


def _details_asset(name: str, suffix: str, source_table: str, compras: Callable, purpose: Callable, work: str,
                   docs: dict[str, str]):
    """One step for the three detail tables of a day's compras: itens and arquivos of every compra
    and, as each itens page arrives, the resultados of its items with a result, all under the one
    detail-API limiter. Each table is its own asset (selectable alone, resumable on its own pending
    pages); a run that selects resultados without itens reads the itens already archived."""
    tables = {kind: f"raw/{kind}{suffix}" for kind in KINDS}
    outs = {f"{kind}{suffix}": dg.AssetOut(key=["raw", f"{kind}{suffix}"], description=docs[kind], is_required=False,
                                           io_manager_key=RAW["io_manager_key"], kinds=RAW["kinds"],
                                           freshness_policy=FRESHNESS["details"], tags=daily(work))
            for kind in KINDS}

    @dg.multi_asset(name=name, outs=outs, ins={"source": dg.AssetIn(key=["raw", source_table])}, can_subset=True,
                    group_name=RAW["group_name"], partitions_def=RAW["partitions_def"], pool="pncp_detail",
                    backfill_policy=RAW["backfill_policy"],
                    internal_asset_deps={f"itens{suffix}": {dg.AssetKey(["raw", source_table])},
                                         f"arquivos{suffix}": {dg.AssetKey(["raw", source_table])},
                                         f"resultados{suffix}": {dg.AssetKey(["raw", f"itens{suffix}"])}})
    def _asset(context: dg.AssetExecutionContext, pncp: PncpResource, lake: LakeResource, source: DayFrames):
        selected = {kind for kind in KINDS if dg.AssetKey(tables[kind].split("/")) in context.selected_asset_keys}
        client, store = pncp.client(), lake.lake()

        def results_of(page) -> list:
            if page.endpoint != "itens" or page.status != 200:
                return []
            return client.result_walks(_with_results(page, context.log))

        async def plan(client, day):
            refs = compras(arrival.listed(store, f"raw/{source_table}", day), day, context.log)
            walks = client.detail_walks(refs, kinds=[k for k in ("itens", "arquivos") if k in selected])
            if "resultados" in selected:
                # the resultados of itens archived before this attempt: pending pages of an interrupted
                # one, or, when itens are not fetched in this run, the day's archived itens
                if "itens" in selected:
                    pending = store.scan_pending(tables["itens"], day)
                    itens = None if pending is None else arrival.listed(store, tables["itens"], day, pending)
                else:
                    itens = arrival.listed(store, tables["itens"], day) if store.exists(tables["itens"], day) else None
                if itens is not None:
                    walks += client.result_walks(items_with_results(itens, day, context.log))
            return walks, []

        yield from fetch_tables(context, client, store, plan, purpose(context), tables,
                                expand=results_of if {"itens", "resultados"} <= selected else None)

    return _asset


raw_details = _details_asset(
    "raw_details", "", "contratacoes", compras_of, lambda c: purpose_of(c, "details"), "harvest", {
        "itens": """Itens of every compra published that day (detail API `/itens`, paged with
        tamanhoPagina=500 until a short page: unpaged it returns only 10), one row per HTTP request.""",
        "arquivos": """Arquivos (documents) of every compra published that day (detail API `/arquivos`),
        one row per HTTP request, payload verbatim.""",
        "resultados": """Resultados (who won each item, at what homologated price) of every item of the
        compras published that day whose itens say `temResultado`: detail API `/itens/{n}/resultados`,
        one request per such item (PNCP has no per-compra aggregate; an item without a result always
        answers 204, so it is never asked), requested as soon as its itens page arrives. One row per
        HTTP request, payload verbatim.""",
    })


def _changed_compras(listed, day, log) -> list[CompraRef]:
    """The compras the day's update feed lists that were published before the day."""
    return compras_of(listed, day, log, "contratacoes_atualizacao", day)


_TARGETED = """{what} fetched again, only for the compras published before the day that the day's update
    feed (`raw/atualizacoes`) reports as changed: an amended compra costs its own detail requests, never its
    whole publication day. Partition = update date; archived like `raw/{kind}`, and its records are
    versions for `cdc/{kind}`."""

raw_details_updated = _details_asset(
    "raw_details_updated", "_updated", "atualizacoes", _changed_compras, lambda c: "targeted_details", "updates", {
        "itens": _TARGETED.format(what="Itens", kind="itens"),
        "arquivos": _TARGETED.format(what="Arquivos", kind="arquivos"),
        "resultados": _TARGETED.format(what="Resultados (one request per item of `raw/itens_updated` that says "
                                            "`temResultado`; a result that came with a later homologation, a "
                                            "cancelled or re-homologated one, shows up here)", kind="resultados"),
    })
