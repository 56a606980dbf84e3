"""How long one evaluation of the update_feed_refresh sensor takes against a busy event log.

    python bench/sensor_tick.py [--feed-days 500] [--publication-days 1200]

Records ``--feed-days`` update-feed days as observations in a Dagster instance on disk (SQLite,
as `dagster dev` uses), each touching ``--publication-days`` distinct publication days for
contratações and for contratos (a busy real day reaches years back), then evaluates the sensor
from an empty cursor and prints the seconds, the run requests and the cursor; then again from
that cursor, which must request nothing. Dagster's limit for one evaluation is 60 s.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import date, timedelta

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feed-days", type=int, default=500)
    parser.add_argument("--publication-days", type=int, default=1200)
    args = parser.parse_args()

    import dagster as dg

    from baliza_assets.defs.cdc.feed import PUBLICATION_DAYS
    from baliza_assets.defs.cdc.sensors import EVENTS_PER_TICK, FEED, update_feed_refresh

    with tempfile.TemporaryDirectory() as home:
        os.environ["DAGSTER_HOME"] = home
        with open(os.path.join(home, "dagster.yaml"), "w") as f:
            f.write("telemetry:\n  enabled: false\n")
        with dg.DagsterInstance.get() as instance:
            first = date(2025, 1, 1)
            t0 = time.perf_counter()
            for i in range(args.feed_days):
                feed_day = first + timedelta(days=i)
                days = {(feed_day - timedelta(days=k + 1)).isoformat(): f"{i:08x}{k:08x}"
                        for k in range(args.publication_days)}
                instance.report_runless_asset_event(dg.AssetObservation(
                    asset_key=FEED, partition=feed_day.isoformat(),
                    metadata={PUBLICATION_DAYS: dg.MetadataValue.json({"contratacoes": days, "contratos": days})}))
            print(f"recorded {args.feed_days} feed days x {args.publication_days} publication days "
                  f"in {time.perf_counter() - t0:.1f} s")
            cursor, ticks, worst, requests = None, 0, 0.0, 0
            while True:
                t0 = time.perf_counter()
                result = update_feed_refresh(dg.build_sensor_context(instance=instance, cursor=cursor))
                took = time.perf_counter() - t0
                if result.cursor == cursor:
                    print(f"evaluation from the last cursor: {took:.2f} s, {len(result.run_requests)} requests")
                    break
                ticks, worst, requests, cursor = ticks + 1, max(worst, took), requests + len(result.run_requests), result.cursor
                print(f"tick {ticks}: {took:.2f} s, {len(result.run_requests)} run requests (up to {EVENTS_PER_TICK} "
                      f"feed days a tick), cursor {cursor}")
            print(f"slowest evaluation: {worst:.2f} s (limit 60 s); {requests} run requests in {ticks} tick(s)")


if __name__ == "__main__":
    main()
