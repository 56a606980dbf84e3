"""Which daily work an asset belongs to, declared on the asset itself: the schedules select by it.

- ``harvest``: yesterday's publications (the listings, the details of every new compra, the daily mart);
- ``updates``: yesterday's update feed and the details of the earlier compras it changed;
- ``sweep``: earlier publication days listed again for deletions.

Staging and CDC belong to every work that fetches one of their sources (they are selected with them).
"""

DAILY_TAG = "baliza/daily"


def daily(work: str) -> dict[str, str]:
    return {DAILY_TAG: work}
