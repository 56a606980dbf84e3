"""Weighted choices, drawn the way the builders always drew them (so a seed keeps its world).

``Weighted([(value, weight), ...])`` picks with exactly one ``rng.random()``: the first value whose
cumulative weight exceeds the draw, the last value otherwise. The cumulative thresholds are summed
in decimal (``0.3 + 0.2`` is ``0.5``, not ``0.5000000000000001``), so a table reproduces the
``if r < 0.3: ... elif r < 0.5: ...`` ladder it replaces draw for draw. ``cum`` builds the
``(values, cum_weights)`` pair that ``rng.choices`` takes, for the tables drawn that way.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from decimal import Decimal
from typing import Generic, Iterable, TypeVar

T = TypeVar("T")


class Weighted(Generic[T]):
    """A table of ``(value, weight)`` whose weights sum to 1; ``table.pick(rng)`` or ``table.at(r)``."""

    __slots__ = ("values", "thresholds")

    def __init__(self, pairs: Iterable[tuple[T, float]]):
        values, thresholds, total = [], [], Decimal(0)
        for value, weight in pairs:
            total += Decimal(str(weight))
            values.append(value)
            thresholds.append(float(total))
        if not values or total != 1:
            raise ValueError(f"weights must sum to 1, not {total}")
        self.values: tuple[T, ...] = tuple(values)
        self.thresholds: tuple[float, ...] = tuple(thresholds[:-1])  # past the last threshold: the last value

    def at(self, r: float) -> T:
        """The value for a draw ``r`` in [0, 1) already taken (when one draw serves several tables)."""
        return self.values[bisect_right(self.thresholds, r)]

    def pick(self, rng: random.Random) -> T:
        return self.values[bisect_right(self.thresholds, rng.random())]


def pick(rng: random.Random, table: Weighted[T]) -> T:
    """One value of ``table``, consuming exactly one ``rng.random()``."""
    return table.pick(rng)


def cum(pairs) -> tuple[list, list[float]]:
    """(values, cumulative weights) for ``rng.choices(values, cum_weights=...)``."""
    vals, cums, tot = [], [], 0.0
    for v, w in pairs:
        tot += w
        vals.append(v)
        cums.append(tot)
    return vals, cums
