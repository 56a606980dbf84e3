"""Validation of values taken from PNCP responses before they become part of a URL."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from .errors import InvalidValue

_CNPJ = re.compile(r"\d{14}")
_NUMERO_CONTROLE = re.compile(r"(?P<cnpj>\d{14})-1-(?P<seq>\d{6})/(?P<ano>\d{4})")


def cnpj(value: object) -> str:
    s = str(value) if isinstance(value, (str, int)) else None
    if s is None or not _CNPJ.fullmatch(s):
        raise InvalidValue(f"cnpj {value!r} is not 14 digits")
    return s


def ano(value: object) -> int:
    n = _int(value, "ano")
    if not 2000 <= n <= date.today().year + 1:
        raise InvalidValue(f"ano {value!r} is outside 2000..{date.today().year + 1}")
    return n


def positive(value: object, name: str, limit: int = 10**7) -> int:
    n = _int(value, name)
    if not 1 <= n < limit:
        raise InvalidValue(f"{name} {value!r} is not a positive integer below {limit}")
    return n


def _int(value: object, name: str) -> int:
    if isinstance(value, bool):
        raise InvalidValue(f"{name} {value!r} is not an integer")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value)
    raise InvalidValue(f"{name} {value!r} is not an integer")


@dataclass(frozen=True, slots=True)
class CompraRef:
    """A compra as the detail API addresses it: /orgaos/{cnpj}/compras/{ano}/{sequencial}."""

    cnpj: str
    ano: int
    sequencial: int

    def __post_init__(self):
        cnpj(self.cnpj)
        ano(self.ano)
        positive(self.sequencial, "sequencial")

    @property
    def path(self) -> str:
        return f"/v1/orgaos/{self.cnpj}/compras/{self.ano}/{self.sequencial}"

    @property
    def numero_controle(self) -> str:
        return f"{self.cnpj}-1-{self.sequencial:06d}/{self.ano}"

    @classmethod
    def parse(cls, numero_controle: object) -> "CompraRef":
        m = _NUMERO_CONTROLE.fullmatch(numero_controle) if isinstance(numero_controle, str) else None
        if not m:
            raise InvalidValue(f"numeroControlePNCP {numero_controle!r} does not match 99999999999999-1-999999/9999")
        return cls(m["cnpj"], int(m["ano"]), int(m["seq"]))

    @classmethod
    def from_record(cls, record: dict) -> "CompraRef":
        """From a contratação listing record; cross-checks the fields against numeroControlePNCP."""
        ref = cls.parse(record.get("numeroControlePNCP"))
        org = (record.get("orgaoEntidade") or {}).get("cnpj")
        if org is not None and org != ref.cnpj:
            raise InvalidValue(f"orgaoEntidade.cnpj {org!r} disagrees with numeroControlePNCP {ref.numero_controle!r}")
        for field, expected in (("anoCompra", ref.ano), ("sequencialCompra", ref.sequencial)):
            if record.get(field) is not None and record.get(field) != expected:
                raise InvalidValue(f"{field} {record.get(field)!r} disagrees with numeroControlePNCP {ref.numero_controle!r}")
        return ref
