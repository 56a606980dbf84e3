"""Dagster's Beta and Preview notices (``backfill_policy``, partitioned check specs, ...) warn Dagster's
own users that an API may change; Baliza pins its Dagster version, so for its operators and in its run
logs they are only noise. Every other warning stays."""

import warnings


def dagster_previews() -> None:
    import dagster as dg

    for category in (dg.BetaWarning, dg.PreviewWarning):
        warnings.filterwarnings("ignore", category=category)
