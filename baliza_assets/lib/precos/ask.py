"""What a price research asks: the search (a description, a catalog code, or both), the filters and the
period, checked so that a mistyped filter is named rather than silently matching nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from .outliers import Rule
from .text import fold, words

UFS = frozenset("AC AL AM AP BA CE DF ES GO MA MG MS MT PA PB PE PI PR RJ RN RO RR RS SC SE SP TO".split())
# PNCP's esfera of the buying órgão (orgaoEntidade.esferaId); PNCP also sends N, which its manual does not list
ESFERAS = {"F": "federal", "E": "estadual", "M": "municipal", "D": "distrital", "N": "não informada"}
PERIOD_MONTHS = 12  # the default window: the 12 months before today


class AskError(ValueError):
    """A research that cannot be asked as given, with the reason."""


def months_before(day: date, months: int) -> date:
    """The same day ``months`` months earlier (the month's last day when it has no such day)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _split(values) -> tuple[str, ...]:
    """Repeated options and comma-separated values alike (--uf SP --uf RJ, --uf SP,RJ)."""
    out = []
    for value in values or ():
        out += [v.strip() for v in value.split(",") if v.strip()]
    return tuple(dict.fromkeys(out))


@dataclass(frozen=True)
class Ask:
    text: str | None = None  # free-text description
    code: str | None = None  # catalog code (CATMAT/CATSER)
    ufs: tuple[str, ...] = ()
    municipios: tuple[str, ...] = ()
    esferas: tuple[str, ...] = ()
    units: tuple[str, ...] = ()  # units of measure taken together; empty: the one unit the matches have
    first: date | None = None  # --desde
    last: date | None = None  # --ate
    rule: Rule = field(default_factory=Rule)
    as_of: str | None = None

    @classmethod
    def make(cls, today: date, text: str | None = None, code: str | None = None, ufs=(), municipios=(),
             esferas=(), units=(), first: date | None = None, last: date | None = None,
             outliers: str = "iqr", as_of: str | None = None) -> Ask:
        """The research asked, checked; the period defaults to the ``PERIOD_MONTHS`` months before ``today``
        (``first`` defaults to that many months before ``last`` when only ``last`` is given)."""
        text = (text or "").strip() or None
        code = (code or "").strip() or None
        if text is None and code is None:
            raise AskError("give a description to search for (baliza precos \"caneta azul\"), a catalog code "
                           "(--codigo 269941), or both")
        if code is not None and not code.isdigit():
            raise AskError(f"--codigo {code!r}: a catalog code (CATMAT/CATSER) is a number, such as 269941")
        if text is not None and not words(text):
            raise AskError(f"the description {text!r} has no word to search for (articles and prepositions "
                           "such as 'de', 'para' are left out)")
        ufs = tuple(dict.fromkeys(u.upper() for u in _split(ufs)))
        if bad := [u for u in ufs if u not in UFS]:
            raise AskError(f"--uf {', '.join(bad)}: not a UF; expected one of {' '.join(sorted(UFS))}")
        esferas = tuple(dict.fromkeys(_esfera(e) for e in _split(esferas)))
        units = tuple(dict.fromkeys(" ".join(u.split()).upper() for u in _split(units)))
        last = last or today
        first = first or months_before(last, PERIOD_MONTHS)
        if first > last:
            raise AskError(f"--desde {first} is after --ate {last}")
        return cls(text, code, ufs, _split(municipios), esferas, units, first, last, Rule.parse(outliers), as_of)

    def describe(self) -> list[tuple[str, str]]:
        """The research as asked, as (label, value) pairs for a report."""
        out = []
        if self.text:
            out.append(("Descrição", self.text))
        if self.code:
            out.append(("Código do catálogo", self.code))
        out.append(("Período (data do resultado)", f"{self.first:%d/%m/%Y} a {self.last:%d/%m/%Y}"))
        if self.ufs:
            out.append(("UF", ", ".join(self.ufs)))
        if self.municipios:
            out.append(("Município", ", ".join(self.municipios)))
        if self.esferas:
            out.append(("Esfera", ", ".join(f"{e} ({ESFERAS[e]})" for e in self.esferas)))
        if self.units:
            out.append(("Unidade de medida", ", ".join(self.units)))
        out.append(("Outliers", self.rule.describe()))
        return out

    def command(self) -> str:
        """The ``baliza precos`` command line that asks this research again."""
        parts = ["baliza precos"]
        if self.text:
            parts.append(_quote(self.text))
        if self.code:
            parts += ["--codigo", self.code]
        for flag, values in (("--uf", self.ufs), ("--municipio", self.municipios), ("--esfera", self.esferas),
                             ("--unidade", self.units)):
            for v in values:
                parts += [flag, _quote(v)]
        parts += ["--desde", self.first.isoformat(), "--ate", self.last.isoformat()]
        if self.rule.spec != "iqr":
            parts += ["--outliers", self.rule.spec]
        return " ".join(parts)


def _esfera(value: str) -> str:
    key = fold(value)
    for code, name in ESFERAS.items():
        if key in (code.lower(), fold(name)):
            return code
    raise AskError(f"--esfera {value!r}: expected F (federal), E (estadual), M (municipal), D (distrital) or N "
                   "(not stated)")


def _quote(text: str) -> str:
    if text and all(c.isalnum() or c in "-_./" for c in text):
        return text
    return "'" + text.replace("'", "'\\''") + "'"
