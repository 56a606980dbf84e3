"""Change data capture: every typed observation in staging is a version of its record.

- ``targets``: what identifies a record of each entity, PNCP's stamp of a version, the scope a
  complete observation lists whole;
- ``observations``: a partition's staged records and whole scopes, as the capture compares them;
- ``versions``: what an observation changes (``compute``), recorded in one transaction (``apply``);
- ``lookup``: the current versions of a day's keys and scopes, and the keys last seen deleted;
- ``tables``: the cdc tables (history, current state, change log, snapshots);
- ``diff``: the difference between two snapshots of a table, record by record;
- ``clock``: CDC's one time zone (naive Brasília).
"""

from .diff import SuspiciousSnapshot, diff

__all__ = ["SuspiciousSnapshot", "diff"]
