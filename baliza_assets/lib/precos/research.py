"""A price research, its rules applied in order:

1. the homologated prices in force that match the search and the filters (``search``), with a positive
   unit price and a result date in the period;
2. one unit of measure, or the units asked for together (``units``);
3. at least ``MIN_PRICES`` prices, else the research stops saying how many were found;
4. the outlier rule (``outliers``), applied to every price found: each removed row says why;
5. at least ``MIN_PRICES`` prices kept, else the research stops saying how many were removed;
6. the spread of the prices kept (``stats``), beside that of every price found.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field

import duckdb

from .ask import Ask
from .outliers import Fences
from .search import Snapshot, find
from .stats import Spread
from .units import choose

MIN_PRICES = 3
PRICE = "valor_unitario_homologado"
CITATION = "Lei 14.133/2021, art. 23; IN SEGES/ME 65/2021"


class InsufficientPrices(ValueError):
    """Fewer than ``MIN_PRICES`` prices to compare; ``found`` and ``kept`` say how many there were."""

    def __init__(self, message: str, found: int, kept: int):
        super().__init__(message)
        self.found, self.kept = found, kept


@dataclass
class Research:
    ask: Ask
    snapshot: Snapshot
    units: tuple[str, ...]  # the units compared
    unit_counts: Counter  # every unit the matches came in, with its count
    rows: list[dict]  # the rows compared, best match first; ``motivo_remocao`` set on the removed ones
    fences: Fences
    found: Spread  # of every price compared
    kept_spread: Spread  # of the prices kept
    searched: int = 0  # distinct descriptions searched
    seconds: float = 0.0
    descriptions: list[tuple[str, int, float | None]] = field(default_factory=list)  # (descrição, rows, relevância)

    @property
    def kept(self) -> list[dict]:
        return [r for r in self.rows if r["motivo_remocao"] is None]

    @property
    def removed(self) -> list[dict]:
        return [r for r in self.rows if r["motivo_remocao"] is not None]


def research(con: duckdb.DuckDBPyConnection, ask: Ask) -> Research:
    """Run the research ``ask`` on the warehouse ``con`` (read as of the snapshot it was opened at)."""
    started = time.monotonic()
    found = find(con, ask)
    counts = Counter(r["unidade_medida"] for r in found.rows)
    if not found.rows:
        raise InsufficientPrices(f"no homologated price matched ({_searched(found.descriptions, ask)}); at least "
                                 f"{MIN_PRICES} are needed for a price research ({CITATION})", 0, 0)
    units = choose(counts, ask.units)
    rows = [dict(r) for r in found.rows if r["unidade_medida"] in units]
    in_units = " + ".join(units)
    if len(rows) < MIN_PRICES:
        raise InsufficientPrices(
            f"{_count(len(rows))} found in {in_units}, {_searched(found.descriptions, ask)}; at least {MIN_PRICES} are "
            f"needed for a price research ({CITATION}): widen the period (--desde), the region (--uf, --municipio) "
            "or the search", len(rows), len(rows))
    prices = [r[PRICE] for r in rows]
    fences = ask.rule.fences(prices)
    for r in rows:
        r["motivo_remocao"] = ask.rule.why(r[PRICE], fences)
    kept = [r[PRICE] for r in rows if r["motivo_remocao"] is None]
    if len(kept) < MIN_PRICES:
        raise InsufficientPrices(
            f"{_count(len(rows))} found in {in_units}, {len(rows) - len(kept)} removed as outliers "
            f"({ask.rule.spec}), {len(kept)} left; at least {MIN_PRICES} are needed for a price research "
            f"({CITATION}): another rule (--outliers median:50, --outliers none) or a wider search",
            len(rows), len(kept))
    per_description = Counter(r["item_descricao"] for r in rows)
    best = {}
    for r in rows:
        best.setdefault(r["item_descricao"], r["relevancia"])
    descriptions = sorted(((d, n, best[d]) for d, n in per_description.items()),
                          key=lambda t: (-(t[2] or 0), -t[1], t[0] or ""))
    return Research(ask, found.snapshot, units, counts, rows, fences, Spread.of(prices), Spread.of(kept),
                    found.descriptions, time.monotonic() - started, descriptions)


def _count(n: int) -> str:
    return f"{n} price{'s' if n != 1 else ''}"


def _searched(descriptions: int, ask: Ask) -> str:
    what = []
    if ask.text:
        what.append(f"{ask.text!r} among {descriptions} distinct descriptions")
    if ask.code:
        what.append(f"catalog code {ask.code}")
    return " and ".join(what) + f", results dated {ask.first} to {ask.last}"
