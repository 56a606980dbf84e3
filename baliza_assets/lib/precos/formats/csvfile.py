"""A research as CSV for a Brazilian spreadsheet: a UTF-8 byte-order mark (so Excel reads the accents), ``;``
between fields, decimal commas and dd/mm/yyyy dates. One line per price compared, kept or removed."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal

from ..research import Research
from .common import EVIDENCE, decimal_text, value

BOM = "\ufeff"


def cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, Decimal):
        return decimal_text(v)
    if isinstance(v, float):  # the relevance score
        return f"{v:.4f}".replace(".", ",")
    if isinstance(v, datetime):
        return v.strftime("%d/%m/%Y %H:%M:%S")
    if isinstance(v, date):
        return v.strftime("%d/%m/%Y")
    return str(v)


def render(research: Research) -> str:
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([key for key, _ in EVIDENCE])
    for row in research.rows:
        writer.writerow([cell(value(row, key)) for key, _ in EVIDENCE])
    return out.getvalue()
