"""Units of measure: a research compares prices of one unit. "CAIXA 100.0 UNIDADES" and "UNIDADE" are not
the same price, nor are "UNIDADE" and "UN" unless the buyer says so: when the matches come in several units,
the research stops and lists them with their counts, and ``--unidade`` names the one (or, repeated, the
ones taken together) to compare. Units are compared as ``marts.price_evidence`` keeps them: upper-cased,
trimmed; a result without a unit is never compared."""

from __future__ import annotations

from collections import Counter

NO_UNIT = "(sem unidade)"


class UnitsDiffer(ValueError):
    """The matches come in several units and none was chosen, or the chosen ones match nothing."""

    def __init__(self, message: str, counts: Counter):
        super().__init__(message)
        self.counts = counts


def listing(counts: Counter) -> str:
    return ", ".join(f"{unit} ({n})" for unit, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def choose(counts: Counter, asked: tuple[str, ...]) -> tuple[str, ...]:
    """The units to compare, given the matches' ``counts`` per unit (None: no unit) and the units asked."""
    named = Counter({(u if u is not None else NO_UNIT): n for u, n in counts.items()})
    if asked:
        found = tuple(u for u in asked if counts.get(u))
        if not found:
            raise UnitsDiffer(f"no price in {' or '.join(asked)}; the matches' units are: {listing(named)}", named)
        return found
    units = [u for u in counts if u is not None]
    if len(units) == 1:
        return (units[0],)
    if not units:
        raise UnitsDiffer(f"the {sum(counts.values())} matches state no unit of measure, and prices of unknown "
                          "units cannot be compared", named)
    example = max(units, key=lambda u: (counts[u], u))
    raise UnitsDiffer(f"the matches come in {len(units)} units of measure, whose prices are not comparable: "
                      f"{listing(named)}. Choose one with --unidade (--unidade '{example}'), or repeat --unidade "
                      "to take units that mean the same together (--unidade UNIDADE --unidade UN)", named)
