"""CDC layer: the update feed tells which publication days changed."""

import dataclasses
import hashlib

import dagster as dg
import polars as pl

from ...lib import staging as S
from ...lib.pncp import endpoints as E
from ..io_managers import DayFrames
from ..metadata import markdown
from ..partitions import FRESHNESS, RANGE_IN_ONE_RUN, daily, window_days
from ..raw.assets import RAW
from ..raw.fetch import fetch_days
from ..resources import LakeResource, PncpResource


@dg.asset(key=["raw", "atualizacoes"], **RAW)
def raw_atualizacoes(context: dg.AssetExecutionContext, pncp: PncpResource, lake: LakeResource) -> DayFrames:
    """Contratações (every modalidade) and contratos updated each day (`/v1/contratacoes/atualizacao`,
    `/v1/contratos/atualizacao`), one row per HTTP request, payload verbatim. Atas updated that day
    are `raw/atas` already."""

    async def plan(client, day):
        mods, table = await client.modalidades_table()
        return (client.listings(E.CONTRATACOES_ATUALIZACAO, day, day, mods)
                + client.listings(E.CONTRATOS_ATUALIZACAO, day, day)), [table]

    return fetch_days(context, pncp.client(), lake.lake(), plan)


# The update endpoints carry the same records as the publication ones.
_FEED = {
    "contratacoes": (dataclasses.replace(S.ENTITIES["contratacoes"], endpoints=("contratacoes_atualizacao",)),
                     "numero_controle_pncp", "updates"),
    "contratos": (dataclasses.replace(S.ENTITIES["contratos"], endpoints=("contratos_atualizacao",)),
                  "numero_controle_pncp", "updates"),
    "atas": (S.ENTITIES["atas"], "numero_controle_pncp_ata", "atas"),
}
FEED_SCHEMA = {"entity": pl.String, "record_key": pl.String, "data_atualizacao_global": pl.Datetime("us"),
               "publication_date": pl.Date, "partition_date": pl.Date, "payload_sha256": pl.String}


PUBLICATION_DAYS = "publication_days"


def touched(feed: pl.DataFrame) -> dict[str, dict[str, str]]:
    """{entity: {publication day (ISO): digest}} of the records in (part of) the feed. The digest covers
    the records' keys and update stamps, so a feed day observed again tells which days really changed."""
    digests = (feed.drop_nulls("publication_date")
               .with_columns(line=pl.concat_str([pl.col("record_key"), pl.col("data_atualizacao_global").cast(pl.String)],
                                                separator="|", ignore_nulls=True))
               .group_by("entity", "publication_date")
               .agg(pl.col("line").sort().str.join("\n").alias("lines"))
               .sort("entity", "publication_date"))
    out: dict[str, dict[str, str]] = {}
    for entity, day, lines in digests.iter_rows():
        out.setdefault(entity, {})[day.isoformat()] = hashlib.sha256(lines.encode()).hexdigest()[:16]
    return out


@dg.asset(
    key=["cdc", "update_feed"],
    group_name="cdc",
    partitions_def=daily,
    ins={"updates": dg.AssetIn(key=["raw", "atualizacoes"]), "atas": dg.AssetIn(key=["raw", "atas"])},
    metadata={"partition_expr": "partition_date"},
    pool="duckdb_writer",
    backfill_policy=RANGE_IN_ONE_RUN,
    kinds={"polars", "duckdb"},
    freshness_policy=FRESHNESS["staging"],
)
def update_feed(context: dg.AssetExecutionContext, updates: DayFrames, atas: DayFrames) -> pl.DataFrame:
    """Records PNCP reported as updated each day (partition = update date): entity, key, the new
    dataAtualizacaoGlobal, and the publication day the record belongs to, i.e. the publication-date
    partition that a refresh must re-materialize. Each day's publication days are also recorded as an
    observation of this asset (`publication_days`), which the `update_feed_refresh` sensor reads."""
    frames = []
    sources = {"updates": updates, "atas": atas}
    for day in window_days(context.partition_time_window):
        for entity, (spec, key, source) in _FEED.items():
            typed, _ = S.build(spec, sources[source].parts[day])
            published = (pl.col("data_publicacao_pncp").cast(pl.Date) if entity != "atas"
                         else pl.col("data_publicacao_pncp"))
            frames.append(typed.select(
                entity=pl.lit(entity), record_key=pl.col(key),
                data_atualizacao_global=pl.col("data_atualizacao_global").cast(pl.Datetime("us")),
                publication_date=published, partition_date=pl.lit(day), payload_sha256="payload_sha256"))
    feed = pl.concat(frames).cast(FEED_SCHEMA) if frames else pl.DataFrame(schema=FEED_SCHEMA)
    for day in window_days(context.partition_time_window):  # what the refresh sensor reads, day by day
        context.log_event(dg.AssetObservation(asset_key=context.asset_key, partition=day.isoformat(),
                                              metadata={PUBLICATION_DAYS: dg.MetadataValue.json(
                                                  touched(feed.filter(pl.col("partition_date") == day)))}))
    by_day = feed.group_by("entity", "publication_date").len().sort("entity", "publication_date")
    context.add_output_metadata({
        "dagster/row_count": len(feed),
        "publication_days_touched": feed["publication_date"].n_unique(),
        "by_publication_day": dg.MetadataValue.md(markdown(by_day.head(40))),
    })
    return feed
