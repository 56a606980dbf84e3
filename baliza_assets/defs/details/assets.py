"""Details layer: itens and arquivos of every compra published that day, and again of every earlier
compra the update feed of the day reports as changed, archived as raw requests."""

import dagster as dg

from ...lib import archive
from ...lib.pncp import CompraRef
from ...lib.pncp.errors import InvalidValue
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
