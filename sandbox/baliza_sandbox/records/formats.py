"""Formatting shared by the builders: timestamps, dates, money, numbers of compras and processos."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from .weighted import Weighted


def _ts(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M:%S")


def _d(dt) -> str:
    return dt.strftime("%Y-%m-%d")


def _money(rng: random.Random, median: float, sigma: float) -> float:
    v = rng.lognormvariate(0.0, sigma) * median
    if v < 10.0:
        v = 10.0 + v
    if rng.random() < 0.4:
        return float(round(v))
    return round(v, 2)


def _parse_ts(s: str | None) -> datetime | None:
    if not s:
        return None
    try:
        return datetime.fromisoformat(s)
    except ValueError:
        return None


# numeroCompra as systems other than Compras.gov.br write it.
_NUMERO_COMPRA_FORMS = Weighted([("{n:03d}", 0.3), ("{n:02d}", 0.2), ("{n}", 0.2), ("{n}/{ano}", 0.15), ("{ano}{n:05d}", 0.15)])


def _numero_compra(rng: random.Random, link_kind: str | None, ano: int) -> tuple[str, int]:
    n = rng.randint(1, 300)
    if link_kind == "cnet":
        return f"9{n:04d}", n
    return _NUMERO_COMPRA_FORMS.pick(rng).format(n=n, ano=ano), n


# The número do processo: (rng, n, ano) -> text, n drawn after the form.
_PROCESSO_FORMS = Weighted([
    (lambda rng, n, ano: f"{n:03d}/{ano}", 0.35),
    (lambda rng, n, ano: f"{n}/{ano}", 0.20),
    (lambda rng, n, ano: f"{rng.randint(10000, 99999)}{rng.randint(100000, 999999)}{ano}{rng.randint(10, 99)}", 0.15),
    (lambda rng, n, ano: f"{n:06d}/{ano}", 0.10),
    (lambda rng, n, ano: f"PA {n}/{ano}", 0.08),
    (lambda rng, n, ano: f"6011.{ano}/{rng.randint(1, 99999):07d}-{rng.randint(0, 9)}", 0.07),
    (lambda rng, n, ano: str(n), 0.05),
])


def _processo(rng: random.Random, ano: int) -> str:
    form = _PROCESSO_FORMS.pick(rng)
    return form(rng, rng.randint(1, 2500), ano)


def _copy(record: dict) -> dict:
    out = {}
    for k, v in record.items():
        if isinstance(v, dict):
            v = dict(v)
        elif isinstance(v, list):
            v = list(v)
        out[k] = v
    return out


def _date_plus(s: str | None, days: int, default: datetime) -> str:
    try:
        d = date.fromisoformat(s[:10]) if s else default.date()
    except ValueError:
        d = default.date()
    try:
        return (d + timedelta(days=days)).isoformat()
    except OverflowError:
        return d.isoformat()
