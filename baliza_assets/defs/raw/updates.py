"""What changed after publication: the update feed of each day, and sweeps that list earlier
publication days again (listing pages only) to find what PNCP deleted."""

import json
from datetime import date, timedelta

import dagster as dg
import polars as pl

from ...lib.pncp import endpoints as E
from ..partitions import FRESHNESS, partition_days
from ..resources import LakeResource, PncpResource
from ..work import daily
from .assets import RAW
from .fetch import fetch_days, purpose_of


@dg.asset(key=["raw", "atualizacoes"], **{**RAW, "tags": daily("updates")})
def raw_atualizacoes(context: dg.AssetExecutionContext, pncp: PncpResource, lake: LakeResource) -> dg.MaterializeResult:
    """Contratações (every modalidade) and contratos updated each day (`/v1/contratacoes/atualizacao`,
    `/v1/contratos/atualizacao`): the full current records, one row per HTTP request, payload verbatim.
    Every record here is a version of it for CDC. Atas updated that day are `raw/atas` already."""

    async def plan(client, day):
        mods, table = await client.modalidades_table()
        return (client.listings(E.CONTRATACOES_ATUALIZACAO, day, day, mods)
                + client.listings(E.CONTRATOS_ATUALIZACAO, day, day)), [table]

    return fetch_days(context, pncp.client(), lake.lake(), plan, "update_feed")


class SweepConfig(dg.Config):
    recent_days: int = 30
    """Publication days before the partition's day listed again every day (deletions come early)."""
    history_cycle_days: int = 30
    """Every older archived publication day is listed again once in this many days (0: never)."""
    late_feed_days: int = 7
    """The update feed of the day this many days before is read again: a backdated amendment (stamped
    up to a week before it became visible) shows up there only later."""


def swept_days(day: date, config: SweepConfig, archived: list[date]) -> list[date]:
    """The publication days the sweep of ``day`` lists: the recent window, and the slice of the older
    archived days whose turn it is (each older day once per cycle)."""
    recent = [day - timedelta(days=n) for n in range(config.recent_days, 0, -1)]
    older = []
    if config.history_cycle_days > 0:
        cutoff = day - timedelta(days=config.recent_days)
        older = [d for d in archived if d < cutoff and (day - d).days % config.history_cycle_days == 0]
    return sorted(set(older) | set(recent))


def _listed(store, archived: dict, day: date) -> dict:
    """What the archived publication listings of ``day`` held: the modalidades with contratações, and
    whether there were contratos. A listing that held nothing has nothing to lose: it is not swept."""
    out = {"contratacoes": set(), "contratos": False}
    if day in archived["raw/contratacoes"]:
        pages = (store.scan("raw/contratacoes", [day]).filter(pl.col("records") > 0)
                 .filter(pl.col("endpoint") == E.CONTRATACOES_PUBLICACAO.name).select("params").collect())
        out["contratacoes"] = {int(json.loads(p)["codigoModalidadeContratacao"]) for p in pages["params"]}
    if day in archived["raw/contratos"]:
        out["contratos"] = store.scan("raw/contratos", [day]).select(pl.col("records").sum()).collect().item() > 0
    return out


@dg.asset(key=["raw", "sweeps"], **{**RAW, "freshness_policy": FRESHNESS["cdc"], "tags": daily("sweep")})
def raw_sweeps(context: dg.AssetExecutionContext, config: SweepConfig, pncp: PncpResource,
               lake: LakeResource) -> dg.MaterializeResult:
    """Archived publication days listed again, listing pages only and no details: the last
    `recent_days` days every day, every older archived day once per `history_cycle_days`, and the
    update feed of `late_feed_days` before. Only the listings (modalidades) that held records are
    listed again: an empty one has nothing to lose. A record missing from a reconciled listing of its day was deleted by
    PNCP (a tombstone in CDC); a listing that did not reconcile records nothing. Atas have no
    publication listing by day, so only their late feed is read. In a backfill or a range run it
    sweeps nothing: a history backfill would otherwise list every day 30 times."""
    store = lake.lake()
    archived = {t: set(store.days(t)) for t in ("raw/contratacoes", "raw/contratos")}

    daily = purpose_of(context, "sweep") == "sweep" and len(partition_days(context)) == 1

    async def plan(client, day):
        if not daily:
            context.log.info(f"raw/sweeps {day}: a backfill or a range sweeps nothing (a sweep is the daily work: "
                             "a history backfill lists each day once, never each day 30 times)")
            return [], []
        mods, table = await client.modalidades_table()
        walks = []
        for published in swept_days(day, config, sorted(archived["raw/contratacoes"] | archived["raw/contratos"])):
            listed = _listed(store, archived, published)
            swept = [m for m in mods if m in listed["contratacoes"]]
            if swept:
                walks += client.listings(E.CONTRATACOES_PUBLICACAO, published, published, swept)
            if listed["contratos"]:
                walks += client.listings(E.CONTRATOS_PUBLICACAO, published, published)
        if config.late_feed_days > 0:
            late = day - timedelta(days=config.late_feed_days)
            walks += (client.listings(E.CONTRATACOES_ATUALIZACAO, late, late, mods)
                      + client.listings(E.CONTRATOS_ATUALIZACAO, late, late) + client.listings(E.ATAS_ATUALIZACAO, late, late))
        return walks, [table]

    return fetch_days(context, pncp.client(), store, plan, "sweep")
