"""Raw layer: every PNCP listing page of the day, archived verbatim in the lake."""


import dagster as dg

from ...lib.pncp import endpoints as E
from ..partitions import FRESHNESS, RANGE_IN_ONE_RUN
from ..partitions import daily as daily_partitions
from ..resources import LakeResource, PncpResource
from ..work import daily
from .fetch import fetch_days, purpose_of

RAW = dict(
    group_name="raw",
    partitions_def=daily_partitions,
    io_manager_key="lake_io_manager",
    pool="pncp_consulta",
    backfill_policy=RANGE_IN_ONE_RUN,
    kinds={"polars", "parquet"},
    freshness_policy=FRESHNESS["raw"],
    tags=daily("harvest"),
)


@dg.asset(key=["raw", "contratacoes"], **RAW)
def raw_contratacoes(context: dg.AssetExecutionContext, pncp: PncpResource, lake: LakeResource) -> dg.MaterializeResult:
    """Contratações published each day, every modalidade (one listing per code of the official
    `/v1/modalidades` table, which is archived too): one row per HTTP request with its params,
    status, ETag, page counters and the verbatim payload (zstd in Parquet)."""

    async def plan(client, day):
        mods, table = await client.modalidades_table()
        return client.listings(E.CONTRATACOES_PUBLICACAO, day, day, mods), [table]

    return fetch_days(context, pncp.client(), lake.lake(), plan, purpose_of(context, "publication"))


@dg.asset(key=["raw", "contratos"], **RAW)
def raw_contratos(context: dg.AssetExecutionContext, pncp: PncpResource, lake: LakeResource) -> dg.MaterializeResult:
    """Contratos published each day (`/v1/contratos`), one row per HTTP request, payload verbatim."""

    async def plan(client, day):
        return client.listings(E.CONTRATOS_PUBLICACAO, day, day), []

    return fetch_days(context, pncp.client(), lake.lake(), plan, purpose_of(context, "publication"))


@dg.asset(key=["raw", "atas"], **RAW)
def raw_atas(context: dg.AssetExecutionContext, pncp: PncpResource, lake: LakeResource) -> dg.MaterializeResult:
    """Atas de registro de preço updated each day (`/v1/atas/atualizacao`; `/v1/atas` filters by
    vigência and returns ~400k rows for any day), one row per HTTP request, payload verbatim."""

    async def plan(client, day):
        return client.listings(E.ATAS_ATUALIZACAO, day, day), []

    return fetch_days(context, pncp.client(), lake.lake(), plan, purpose_of(context, "publication"))
