"""The rule that removes outlying prices from a research, and why each removed price was removed.

- ``iqr`` (the default; ``iqr:K`` for another K): outside the interquartile fences, below Q1 - K x IQR or
  above Q3 + K x IQR, K = 1.5 (Tukey's fences; IQR = Q3 - Q1, quartiles interpolated as in ``stats``);
- ``median:X``: more than X% above or below the median (``median:50``: under half or over 1.5x the median);
- ``none``: every price is kept.

The rule is applied once, to every price the research matched; the spread is then taken of the prices kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from .stats import quantile

RULES = "iqr (or iqr:K, default K 1.5), median:X (X percent from the median) or none"


@dataclass(frozen=True)
class Fences:
    low: Decimal | None
    high: Decimal | None
    why_low: str
    why_high: str


@dataclass(frozen=True)
class Rule:
    kind: str = "iqr"  # iqr, median, none
    k: Decimal = Decimal("1.5")  # iqr: the fences' multiple of the IQR; median: the percentage

    @classmethod
    def parse(cls, spec: str) -> Rule:
        text = (spec or "").strip().lower()
        kind, _, arg = text.partition(":")
        if kind == "none" and not arg:
            return cls("none", Decimal(0))
        if kind in ("iqr", "median"):
            if not arg and kind == "iqr":
                return cls()
            try:
                k = Decimal(arg.replace(",", "."))
            except InvalidOperation:
                k = Decimal(-1)
            if not k.is_finite() or k <= 0:
                raise ValueError(f"--outliers {spec!r}: {kind}:{arg or '?'} needs a positive number; expected {RULES}")
            return cls(kind, k)
        raise ValueError(f"--outliers {spec!r}: expected {RULES}")

    @property
    def spec(self) -> str:
        if self.kind == "none":
            return "none"
        if self.kind == "iqr":
            return "iqr" if self.k == Decimal("1.5") else f"iqr:{self.k}"
        return f"median:{self.k}"

    def describe(self) -> str:
        """The rule in words, as a report states it."""
        if self.kind == "none":
            return "nenhum preço removido (--outliers none)"
        k = str(self.k).replace(".", ",")
        if self.kind == "iqr":
            return (f"removidos os preços fora das cercas interquartis: abaixo de Q1 − {k} × IQR ou acima de "
                    f"Q3 + {k} × IQR (IQR = Q3 − Q1) (--outliers {self.spec})")
        return f"removidos os preços a mais de {k}% acima ou abaixo da mediana (--outliers {self.spec})"

    def fences(self, prices: list[Decimal]) -> Fences:
        """The lowest and highest price kept, for ``prices`` (not empty)."""
        ordered = sorted(prices)
        if self.kind == "none":
            return Fences(None, None, "", "")
        if self.kind == "iqr":
            q1, q3 = quantile(ordered, Decimal("0.25")), quantile(ordered, Decimal("0.75"))
            iqr = q3 - q1
            k = str(self.k).replace(".", ",")
            return Fences(q1 - self.k * iqr, q3 + self.k * iqr, f"abaixo de Q1 − {k} × IQR", f"acima de Q3 + {k} × IQR")
        median = quantile(ordered, Decimal("0.5"))
        share = self.k / 100
        k = str(self.k).replace(".", ",")
        return Fences(median * (1 - share), median * (1 + share), f"mais de {k}% abaixo da mediana",
                      f"mais de {k}% acima da mediana")

    def why(self, price: Decimal, fences: Fences) -> str | None:
        """Why ``price`` is removed under ``fences``, or None when it is kept."""
        if fences.low is not None and price < fences.low:
            return f"{fences.why_low} ({_plain(fences.low)})"
        if fences.high is not None and price > fences.high:
            return f"{fences.why_high} ({_plain(fences.high)})"
        return None


def _plain(value: Decimal) -> str:
    """A fence as a report prints it: decimal comma, thousands grouped by dots, up to 6 places."""
    text = f"{value.quantize(Decimal('0.000001')):,f}".rstrip("0").rstrip(".")
    return text.replace(",", "_").replace(".", ",").replace("_", ".")
