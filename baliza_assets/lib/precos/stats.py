"""The spread of a set of prices, in exact decimals (Python ``Decimal``, never a float).

Quantiles interpolate linearly between the two nearest prices, as DuckDB's ``quantile_cont``, Excel's
``PERCENTIL.INC`` / ``QUARTIL.INC`` and R's type 7 do: at position ``(n - 1) * q`` of the sorted prices, ``lo +
(hi - lo) * d`` with ``d`` the position's fraction. With exact decimals that figure is exact (a median of two
prices is their exact half); only the mean is rounded, to the prices' own 6 decimal places (half to even).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, localcontext

SCALE = Decimal("0.000001")  # the warehouse's money is DECIMAL(38,6)


def quantile(ordered: list[Decimal], q: Decimal) -> Decimal:
    """The ``q`` quantile (0 to 1) of ``ordered`` (sorted, not empty), interpolated linearly."""
    with localcontext() as ctx:
        ctx.prec = 60
        pos = (len(ordered) - 1) * q
        lo = int(pos)  # floor: pos is never negative
        d = pos - lo
        if d == 0:
            return ordered[lo]
        return ordered[lo] + (ordered[lo + 1] - ordered[lo]) * d


@dataclass(frozen=True)
class Spread:
    n: int
    lowest: Decimal
    p10: Decimal
    median: Decimal
    mean: Decimal
    p90: Decimal
    highest: Decimal

    FIGURES = (("n", "n"), ("lowest", "min"), ("p10", "p10"), ("median", "median"), ("mean", "mean"),
               ("p90", "p90"), ("highest", "max"))

    @classmethod
    def of(cls, prices: list[Decimal]) -> Spread:
        ordered = sorted(prices)
        if not ordered:
            raise ValueError("no price to take the spread of")
        with localcontext() as ctx:
            ctx.prec = 60
            mean = (sum(ordered, Decimal(0)) / len(ordered)).quantize(SCALE, rounding=ROUND_HALF_EVEN)
        return cls(len(ordered), ordered[0], quantile(ordered, Decimal("0.1")), quantile(ordered, Decimal("0.5")),
                   mean, quantile(ordered, Decimal("0.9")), ordered[-1])

    def items(self) -> list[tuple[str, int | Decimal]]:
        """(label, value) in the order a report shows them: n, min, p10, median, mean, p90, max."""
        return [(label, getattr(self, name)) for name, label in self.FIGURES]
