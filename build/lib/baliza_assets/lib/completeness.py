"""Are a day's details and listings as complete as PNCP's data can be?

Reconciliation proves each listing holds what PNCP said it holds. It cannot see an API that says
"nothing" everywhere: every compra's details answering 404, or every modalidade answering 204. These
measures can:

- **details**: per compra of the day, did its itens and arquivos come back? A compra whose detail
  came back 404 ("not registered"), that was never asked for, or (itens only: every real compra has
  at least one item) that has no itens at all, is *missing*.
- **empty arquivos**: some compras have no documents (204). The day's share of empty answers is
  compared with the trailing rate of earlier days, as a binomial count: more than
  ``z`` standard deviations above the expected count is a collapse.
- **listing volume**: the records of a listing family against the trailing median of comparable days
  (same weekday; weekends and national holidays against earlier quiet days).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from statistics import median

import polars as pl


@dataclass
class DetailCompleteness:
    compras: int
    missing: dict[str, str] = field(default_factory=dict)  # numeroControlePNCP -> why
    empty: int = 0  # compras whose answer was 204 (no records)

    @property
    def missing_share(self) -> float:
        return len(self.missing) / self.compras if self.compras else 0.0

    @property
    def empty_share(self) -> float:
        return self.empty / self.compras if self.compras else 0.0


def details(compras: list[str], archived: pl.DataFrame, kind: str) -> DetailCompleteness:
    """``archived``: the day's detail requests (context, http_status, records) of one kind."""
    out = DetailCompleteness(len(compras))
    by_compra: dict[str, list[tuple[int, int]]] = {}
    for ctx, status, records in archived.select("context", "http_status", "records").iter_rows():
        compra = json.loads(ctx).get("compra")
        by_compra.setdefault(compra, []).append((status, records or 0))
    for compra in compras:
        answers = by_compra.get(compra)
        if not answers:
            out.missing[compra] = "not requested"
        elif any(s == 404 for s, _ in answers):
            out.missing[compra] = "HTTP 404 (not registered)"
        elif sum(r for _, r in answers) == 0:
            if kind == "itens":
                out.missing[compra] = "no itens"
            else:
                out.empty += 1
    return out


@dataclass
class ResultCompleteness:
    expected: int  # items that say they have a result
    requests: int
    missing: dict[tuple, str] = field(default_factory=dict)  # (compra, item) -> why
    empty: list[tuple] = field(default_factory=list)  # items with a result whose answer was 204
    unasked: list[tuple] = field(default_factory=list)  # requests for items that do not say they have one


def results(expected: set[tuple[str, int]], archived: pl.DataFrame) -> ResultCompleteness:
    """``expected``: (compra, numeroItem) of the items with ``temResultado``; ``archived``: the day's
    resultados requests (context, http_status)."""
    answers = {}
    for ctx, status in archived.select("context", "http_status").iter_rows():
        c = json.loads(ctx)
        answers[(c.get("compra"), c.get("item"))] = status
    out = ResultCompleteness(len(expected), len(answers))
    out.missing = {k: "not requested" for k in expected - answers.keys()}
    out.missing |= {k: "HTTP 404 (not registered)" for k, s in answers.items() if k in expected and s == 404}
    out.empty = sorted(k for k, s in answers.items() if k in expected and s == 204)
    out.unasked = sorted(answers.keys() - expected)
    return out


def empty_threshold(compras: int, trailing_rate: float, z: float) -> float:
    """The largest count of empty answers a day of ``compras`` plausibly has at ``trailing_rate``."""
    expected = compras * trailing_rate
    return expected + z * math.sqrt(max(expected * (1 - trailing_rate), 1.0)) + 1


# ---- listing volume ----------------------------------------------------------------------------

def easter(year: int) -> date:
    """Gregorian Easter Sunday (anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l = (32 + 2 * e + 2 * i - h - k) % 7  # noqa: E741 (the names of the Anonymous Gregorian algorithm)
    m = (a + 11 * h + 22 * l) // 451
    month, day = divmod(h + l - 7 * m + 114, 31)
    return date(year, month, day + 1)


def national_holidays(year: int) -> set[date]:
    """Brazil's national holidays and the federal optional days that empty public offices."""
    e = easter(year)
    fixed = [(1, 1), (4, 21), (5, 1), (9, 7), (10, 12), (11, 2), (11, 15), (11, 20), (12, 24), (12, 25), (12, 31)]
    moving = [e - timedelta(days=48), e - timedelta(days=47), e - timedelta(days=46), e - timedelta(days=2),
              e + timedelta(days=60)]  # Carnaval Monday, Tuesday, Ash Wednesday, Good Friday, Corpus Christi
    return {date(year, m, d) for m, d in fixed} | set(moving)


def is_quiet(day: date) -> bool:
    return day.weekday() >= 5 or day in national_holidays(day.year)


def comparable(day: date, candidates: list[date]) -> list[date]:
    """Earlier days like ``day``: the same weekday when it is a working day, quiet days when it is quiet."""
    if is_quiet(day):
        return [d for d in candidates if d < day and is_quiet(d)]
    return [d for d in candidates if d < day and d.weekday() == day.weekday() and not is_quiet(d)]


@dataclass
class Volume:
    records: int
    reference: list[int]  # records of the comparable days, most recent first

    @property
    def median(self) -> float | None:
        return median(self.reference) if self.reference else None

    @property
    def ratio(self) -> float | None:
        m = self.median
        return self.records / m if m else None
