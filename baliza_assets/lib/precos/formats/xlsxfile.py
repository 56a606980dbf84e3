"""A research as an XLSX workbook (openpyxl): a "Resumo" sheet (the research as asked, the snapshot, the
spread) and an "Evidências" sheet (one row per price compared). Cells are typed: prices and counts are
numbers, dates are dates, links are links. A spreadsheet's number is a binary double: each price is the
double nearest its exact decimal (what the CSV and the HTML report print), so 8889.06 reads back as 8889.06."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from ..research import Research
from .common import EVIDENCE, MONEY, spread_rows, summary, value

MONEY_FORMAT = "#,##0.00####"
DATE_FORMAT = "dd/mm/yyyy"
TIME_FORMAT = "dd/mm/yyyy hh:mm:ss"
BOLD = Font(bold=True)
REMOVED = PatternFill("solid", fgColor="FDE2E2")


def _put(ws, row: int, column: int, v, money: bool = False):
    c = ws.cell(row=row, column=column, value=v)
    if isinstance(v, datetime):
        c.number_format = TIME_FORMAT
    elif isinstance(v, date):
        c.number_format = DATE_FORMAT
    elif isinstance(v, Decimal) or money:
        c.number_format = MONEY_FORMAT
    return c


def write(research: Research, path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Resumo"
    ws.append(["Pesquisa de preços: preços homologados do PNCP (Baliza, marts.price_evidence)"])
    ws["A1"].font = BOLD
    r = 3
    for label, v in summary(research):
        ws.cell(row=r, column=1, value=label).font = BOLD
        _put(ws, r, 2, v)
        r += 1
    r += 1
    for col, head in enumerate(("Estatística", "Preços encontrados", "Preços mantidos"), start=1):
        ws.cell(row=r, column=col, value=head).font = BOLD
    for label, found, kept in spread_rows(research):
        r += 1
        ws.cell(row=r, column=1, value=label)
        _put(ws, r, 2, found)
        _put(ws, r, 3, kept)
    ws.column_dimensions["A"].width = 34
    ws.column_dimensions["B"].width = 60
    ws.column_dimensions["C"].width = 20

    ev = wb.create_sheet("Evidências")
    for col, (_, label) in enumerate(EVIDENCE, start=1):
        ev.cell(row=1, column=col, value=label).font = BOLD
    for i, row in enumerate(research.rows, start=2):
        for col, (key, _) in enumerate(EVIDENCE, start=1):
            c = _put(ev, i, col, value(row, key), money=key in MONEY)
            if key == "link_pncp" and c.value:
                c.hyperlink = c.value
            if row["motivo_remocao"] is not None:
                c.fill = REMOVED
    ev.freeze_panes = "A2"
    for col, (key, label) in enumerate(EVIDENCE, start=1):
        ev.column_dimensions[get_column_letter(col)].width = 48 if key in ("item_descricao", "orgao_razao_social") \
            else max(12, min(len(label) + 2, 30))
    wb.save(path)
