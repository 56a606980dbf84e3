"""Details layer: itens and arquivos of every compra published that day, the resultados of each of
their items that has one, and all of these again for every earlier compra the update feed of the day
reports as changed, archived as raw requests."""

from collections.abc import Callable

import dagster as dg

from ...lib import archive
from ...lib.frames import DayFrames
from ...lib.pncp import CompraRef
from ...lib.pncp.errors import InvalidValue
from ...lib.pncp.refs import positive
from ..partitions import FRESHNESS
from ..raw.assets import RAW
from ..raw.fetch import fetch_tables, purpose_of
from ..resources import LakeResource, PncpResource
from ..work import daily


def compras_of(listing, day, log, endpoint: str = "contratacoes_publicacao", published_before=None) -> list[CompraRef]:
    """The compras of a day's archived contratações listing whose identifiers can build a detail URL
    (only those published before ``published_before``, a date, when given)."""
    refs, refused = set(), []
    for rec in archive.records(listing, endpoint):
        if published_before is not None and str(rec.get("dataPublicacaoPncp") or "")[:10] >= published_before.isoformat():
            continue
        try:
            refs.add(CompraRef.from_record(rec))
        except (InvalidValue, KeyError, TypeError) as e:
            refused.append(f"{rec.get('numeroControlePNCP') if isinstance(rec, dict) else rec!r}: {e}")
    if refused:
        log.warning(f"{day}: {len(refused)} compras with unusable identifiers were not requested: "
                            + "; ".join(refused[:5]))
    return sorted(refs, key=lambda r: r.numero_controle)


def items_with_results(itens, day, log) -> list[tuple[CompraRef, int]]:
    """(compra, numeroItem) of every archived item that says it has a result (``temResultado``): the
    only items whose `/resultados` answers anything (any other item gets 204)."""
    return _with_results(archive.records_in_context(itens, "itens"), day, log)


def _with_results(records, day, log) -> list[tuple[CompraRef, int]]:
    out, refused = set(), []
    for ctx, item in records:
        if not isinstance(item, dict) or item.get("temResultado") is not True:
            continue
        try:
            out.add((CompraRef.parse(ctx.get("compra")), positive(item.get("numeroItem"), "numeroItem", 100000)))
        except InvalidValue as e:
            refused.append(f"{ctx.get('compra')} item {item.get('numeroItem')!r}: {e}")
    if refused:
        log.warning(f"{day}: {len(refused)} items with unusable identifiers had no resultados requested: "
                    + "; ".join(refused[:5]))
    return sorted(out, key=lambda r: (r[0].numero_controle, r[1]))


KINDS = ("itens", "arquivos", "resultados")


def _details_asset(name: str, suffix: str, source: str, compras: Callable, purpose: Callable, work: str,
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

    @dg.multi_asset(name=name, outs=outs, ins={"source": dg.AssetIn(key=["raw", source])}, can_subset=True,
                    group_name=RAW["group_name"], partitions_def=RAW["partitions_def"], pool="pncp_detail",
                    backfill_policy=RAW["backfill_policy"],
                    internal_asset_deps={f"itens{suffix}": {dg.AssetKey(["raw", source])},
                                         f"arquivos{suffix}": {dg.AssetKey(["raw", source])},
                                         f"resultados{suffix}": {dg.AssetKey(["raw", f"itens{suffix}"])}})
    def _asset(context: dg.AssetExecutionContext, pncp: PncpResource, lake: LakeResource, source: DayFrames):
        selected = {kind for kind in KINDS if dg.AssetKey(tables[kind].split("/")) in context.selected_asset_keys}
        client, store = pncp.client(), lake.lake()

        def results_of(page) -> list:
            if page.endpoint != "itens" or page.status != 200:
                return []
            found = _with_results(((page.meta, item) for item in page.data()), page.path, context.log)
            return client.result_walks(found)

        async def plan(client, day):
            refs = compras(source.parts[day].collect(), day, context.log)
            walks = client.detail_walks(refs, kinds=[k for k in ("itens", "arquivos") if k in selected])
            if "resultados" in selected:
                # the resultados of itens archived before this attempt: pending pages of an interrupted
                # one, or, when itens are not fetched in this run, the day's archived itens
                itens = (store.scan_pending(tables["itens"], day) if "itens" in selected
                         else store.scan(tables["itens"], [day]) if store.exists(tables["itens"], day) else None)
                if itens is not None:
                    walks += client.result_walks(items_with_results(itens.collect(), day, context.log))
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


def _changed_compras(updates, day, log) -> list[CompraRef]:
    """The compras the day's update feed lists that were published before the day."""
    return compras_of(updates, day, log, "contratacoes_atualizacao", day)


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
