"""Details layer: itens and arquivos of every compra published that day, the resultados of each of
their items that has one, and all of these again for every earlier compra the update feed of the day
reports as changed, archived as raw requests."""

from collections.abc import Callable

import dagster as dg

from ...lib import archive
from ...lib.pncp import CompraRef
from ...lib.pncp.errors import InvalidValue
from ...lib.pncp.refs import positive
from ..io_managers import DayFrames
from ..partitions import FRESHNESS
from ..raw.assets import RAW
from ..raw.fetch import fetch_days, purpose_of
from ..resources import LakeResource, PncpResource

# Archived like the raw listings, but on the detail API's pool and with a later deadline.
DETAILS = {**RAW, "group_name": "details", "pool": "pncp_detail", "freshness_policy": FRESHNESS["details"],
           "ins": {"contratacoes": dg.AssetIn(key=["raw", "contratacoes"])}}


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
    out, refused = set(), []
    for ctx, item in archive.records_in_context(itens, "itens"):
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


def _detail_asset(kind: str, doc: str):
    @dg.asset(key=["raw", kind], description=doc, **DETAILS)
    def _asset(context: dg.AssetExecutionContext, pncp: PncpResource, lake: LakeResource,
               contratacoes: DayFrames) -> DayFrames:
        async def plan(client, day):
            return client.detail_walks(compras_of(contratacoes.parts[day].collect(), day, context.log),
                                      kinds=(kind,)), []

        return fetch_days(context, pncp.client(), lake.lake(), plan, purpose_of(context, "details"))

    return _asset


raw_itens = _detail_asset("itens", """Itens of every compra published that day (detail API `/itens`, paged
    with tamanhoPagina=500 until a short page: unpaged it returns only 10), one row per HTTP request.""")
raw_arquivos = _detail_asset("arquivos", """Arquivos (documents) of every compra published that day (detail API
    `/arquivos`), one row per HTTP request, payload verbatim.""")


def _results_asset(key: str, itens_key: str, purpose: Callable[[dg.AssetExecutionContext], str], doc: str):
    @dg.asset(key=["raw", key], description=doc, **{**DETAILS, "ins": {"itens": dg.AssetIn(key=["raw", itens_key])}})
    def _asset(context: dg.AssetExecutionContext, pncp: PncpResource, lake: LakeResource, itens: DayFrames) -> DayFrames:
        async def plan(client, day):
            return client.result_walks(items_with_results(itens.parts[day].collect(), day, context.log)), []

        return fetch_days(context, pncp.client(), lake.lake(), plan, purpose(context))

    return _asset


raw_resultados = _results_asset("resultados", "itens", lambda c: purpose_of(c, "details"), """Resultados (who won each item, at what
    homologated price) of every item of the compras published that day whose itens say `temResultado`:
    detail API `/itens/{n}/resultados`, one request per such item (PNCP has no per-compra aggregate;
    an item without a result always answers 204, so it is never asked). One row per HTTP request,
    payload verbatim.""")


def _targeted_asset(kind: str):
    @dg.asset(key=["raw", f"{kind}_updated"], **{**DETAILS, "ins": {"updates": dg.AssetIn(key=["raw", "atualizacoes"])}},
              description=f"""{kind.capitalize()} fetched again, only for the compras published before the day that
              the day's update feed (`raw/atualizacoes`) reports as changed: an amended compra costs its own
              detail requests, never its whole publication day. Partition = update date; archived like
              `raw/{kind}`, and its records are versions for `cdc/{kind}`.""")
    def _asset(context: dg.AssetExecutionContext, pncp: PncpResource, lake: LakeResource,
               updates: DayFrames) -> DayFrames:
        async def plan(client, day):
            changed = compras_of(updates.parts[day].collect(), day, context.log, "contratacoes_atualizacao", day)
            return client.detail_walks(changed, kinds=(kind,)), []

        return fetch_days(context, pncp.client(), lake.lake(), plan, "targeted_details")

    return _asset


raw_itens_updated = _targeted_asset("itens")
raw_arquivos_updated = _targeted_asset("arquivos")
raw_resultados_updated = _results_asset("resultados_updated", "itens_updated", lambda c: "targeted_details", """Resultados
    fetched again for the earlier compras the day's update feed reports as changed: one request per item
    of `raw/itens_updated` that says `temResultado`. A result that arrived with a later homologation,
    a cancelled or re-homologated one, shows up here. Partition = update date; its records are versions
    for `cdc/resultados`.""")
