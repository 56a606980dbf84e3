"""Price research (pesquisa de preços, Lei 14.133 art. 23; IN SEGES/ME 65/2021) over ``marts.price_evidence``:
homologated unit prices found by description, by catalog code or both, and the rules a research applies.

- ``ask``: what was asked (the search, the filters, the period: by default the 12 months before the day
  given as today), checked;
- ``search``: the rows of ``marts.price_evidence`` that match, read from the warehouse (at a snapshot, if asked);
  a description is matched by DuckDB's full-text search (BM25, Portuguese stemming, accents and case ignored);
- ``units``: one unit of measure at a time, or the ones asked for together;
- ``outliers``: the rule that removes prices (interquartile fences, distance from the median, or none);
- ``stats``: the spread, in exact decimals;
- ``research``: the whole research, from the ask to the kept and removed rows and their spread;
- ``formats``: the research as a table, CSV, XLSX or a self-contained HTML report.
"""

from .ask import Ask, AskError
from .outliers import Rule
from .research import InsufficientPrices, Research, research
from .units import UnitsDiffer

__all__ = ["Ask", "AskError", "InsufficientPrices", "Research", "Rule", "UnitsDiffer", "research"]
