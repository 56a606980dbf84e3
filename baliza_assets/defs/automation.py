"""Declarative automation: conditions under which assets materialize without anyone clicking."""

import dagster as dg

# Stage a day again whenever any of its raw sources (the publication listing, the update feed, the sweep,
# the details) is archived for it, and capture it again once staged: any day, not only the latest, even
# while the other sources of the day are still missing. A run that materialized both has done it already,
# and staging types only the pages it has not typed yet.
FOLLOWS_UPSTREAM_PARTITION = (dg.AutomationCondition.any_deps_updated().since_last_handled()
                              & ~dg.AutomationCondition.any_deps_in_progress()
                              & ~dg.AutomationCondition.in_progress()).with_label("after any upstream partition updates")

# The unpartitioned marts, kept from the captures (lib/marts): once after their inputs changed, when nothing
# upstream is still running (one run applies the day's captures together) and no run of their own is. A run
# applies every capture committed and not applied yet, whichever request started it: captures that land
# during a run, a request skipped or a run that failed are applied by the next run. (eager() would wait for
# every daily partition since 2021.)
APPLIES_UPSTREAM_CHANGES = (dg.AutomationCondition.any_deps_updated().since_last_handled()
                            & ~dg.AutomationCondition.any_deps_in_progress()
                            & ~dg.AutomationCondition.in_progress()).with_label("apply upstream changes")

def automation_sensor(running: bool) -> dg.AutomationConditionSensorDefinition:
    """Evaluates the conditions above; running from the start only when ``running`` (BALIZA_ENV=production):
    in local development nothing materializes, and nothing is fetched, until someone asks."""
    return dg.AutomationConditionSensorDefinition(
        "automation",
        target=dg.AssetSelection.all(),
        default_status=dg.DefaultSensorStatus.RUNNING if running else dg.DefaultSensorStatus.STOPPED,
        minimum_interval_seconds=30,
        description="Evaluates the assets' automation conditions every 30 s: CDC captures any partition of its "
                    "sources materialized without it; the unpartitioned marts apply what changed once their inputs did. "
                    "Running from the start with BALIZA_ENV=production, stopped otherwise.",
    )
