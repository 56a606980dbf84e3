"""Declarative automation: conditions under which assets materialize without anyone clicking."""

import dagster as dg

# Re-capture a CDC partition whenever its staging partition is materialized, any day, not only the
# latest; a run that materialized both (a refresh) has captured it already.
FOLLOWS_UPSTREAM_PARTITION = (dg.AutomationCondition.eager().without(dg.AutomationCondition.in_latest_time_window())
                              .with_label("eager, on any partition"))

# Unpartitioned rebuilds (marts over every day): once after their partitioned inputs changed and
# nothing upstream is still running. (eager() would wait for every daily partition since 2021.)
REBUILDS_AFTER_UPSTREAM = (dg.AutomationCondition.any_deps_updated().since_last_handled()
                           & ~dg.AutomationCondition.any_deps_in_progress()
                           & ~dg.AutomationCondition.in_progress()).with_label("rebuild after upstream updates")
