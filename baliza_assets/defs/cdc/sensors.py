"""Sensors of the CDC layer: the update feed turns into refreshes of the publication days it touched."""

from __future__ import annotations

import os
from datetime import date

import dagster as dg

from ..automation import ONE_PROCESS
from .feed import PUBLICATION_DAYS

FEED = dg.AssetKey(["cdc", "update_feed"])

# What re-materializing a publication day of an entity means: fetch it again, type it, capture changes.
REFRESH = {
    "contratacoes": [["raw", "contratacoes"], ["raw", "itens"], ["raw", "arquivos"], ["staging", "contratacoes"],
                     ["staging", "itens"], ["staging", "arquivos"], ["cdc", "contratacoes"], ["cdc", "itens"],
                     ["marts", "daily_spend"]],
    "contratos": [["raw", "contratos"], ["staging", "contratos"], ["cdc", "contratos"]],
}  # atas are partitioned by update date: the feed's own day already holds them
EVENTS_PER_TICK = 500
INTERVAL_ENV = "BALIZA_FEED_SENSOR_INTERVAL"


def interval_s() -> int:
    """Seconds between evaluations, from BALIZA_FEED_SENSOR_INTERVAL (read when the code loads)."""
    raw = os.environ.get(INTERVAL_ENV, "").strip() or "120"
    if not raw.isdigit() or not 5 <= int(raw) <= 86400:
        raise ValueError(f"{INTERVAL_ENV}={raw!r}: expected whole seconds from 5 to 86400")
    return int(raw)


def _previous(instance: dg.DagsterInstance, record) -> dict:
    """The publication days of the observation of the same feed day before this one ({} if none)."""
    earlier = instance.fetch_observations(dg.AssetRecordsFilter(
        asset_key=FEED, asset_partitions=[record.partition_key], before_storage_id=record.storage_id), limit=1).records
    if not earlier or PUBLICATION_DAYS not in earlier[0].asset_observation.metadata:
        return {}
    return earlier[0].asset_observation.metadata[PUBLICATION_DAYS].value


def refresh_requests(instance: dg.DagsterInstance, observations, feed_cursor: int) -> list[dg.RunRequest]:
    """One run per publication day whose updates the feed days observed report for the first time, or
    differently from the last observation of the same feed day, refreshing the entities updated there.
    The feed's own day is left to the daily schedule; run keys name the day, the entities and the feed
    event they come from, so evaluating the same events again requests nothing new."""
    wanted: dict[date, set[str]] = {}
    for record in observations:
        feed_day = date.fromisoformat(record.partition_key)
        days = record.asset_observation.metadata[PUBLICATION_DAYS].value
        before = _previous(instance, record)
        for entity, published in days.items():
            if entity not in REFRESH:
                continue
            seen = before.get(entity, {})
            for iso, digest in published.items():
                if date.fromisoformat(iso) != feed_day and seen.get(iso) != digest:
                    wanted.setdefault(date.fromisoformat(iso), set()).add(entity)
    requests = []
    for day, entities in sorted(wanted.items()):
        names = sorted(entities)
        keys = sorted({tuple(k) for e in names for k in REFRESH[e]})
        requests.append(dg.RunRequest(
            run_key=f"refresh:{day}:{'+'.join(names)}:feed-event-{feed_cursor}",
            partition_key=day.isoformat(),
            asset_selection=[dg.AssetKey(list(k)) for k in keys],
            run_config=ONE_PROCESS,
            tags={"baliza/trigger": "update_feed", "baliza/entities": ",".join(names)},
        ))
    return requests


@dg.sensor(
    name="update_feed_refresh",
    description="Reads the publication days each materialized update-feed day touched (observations of "
                "cdc/update_feed, after a stored cursor) and requests one refresh run per publication day whose "
                "updates are new or changed since that feed day was last observed: raw, details, staging and CDC "
                "of the entities updated there.",
    target=dg.AssetSelection.assets(*{tuple(k) for keys in REFRESH.values() for k in keys}),
    minimum_interval_seconds=interval_s(),
    default_status=dg.DefaultSensorStatus.RUNNING,
)
def update_feed_refresh(context: dg.SensorEvaluationContext) -> dg.SensorResult:
    cursor = int(context.cursor) if context.cursor else None
    found = context.instance.fetch_observations(dg.AssetRecordsFilter(asset_key=FEED, after_storage_id=cursor),
                                                limit=EVENTS_PER_TICK, ascending=True).records
    observations = [r for r in found if PUBLICATION_DAYS in r.asset_observation.metadata]
    if not found:
        return dg.SensorResult(skip_reason="no new update-feed days", cursor=context.cursor)
    last = found[-1].storage_id
    requests = refresh_requests(context.instance, observations, last)
    context.log.info(f"{len(observations)} update-feed day(s) up to event {last}: {len(requests)} refresh run(s)")
    return dg.SensorResult(run_requests=requests, cursor=str(last),
                           skip_reason=None if requests else "no earlier publication day with new or changed updates")
