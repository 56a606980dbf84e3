"""A research written out: ``table`` (the terminal), ``csv`` (a Brazilian spreadsheet), ``xlsx`` (a workbook,
to a file only) and ``html`` (a self-contained report)."""

from __future__ import annotations

from pathlib import Path

from ..research import Research
from . import csvfile, report, table, xlsxfile

FORMATS = ("table", "csv", "xlsx", "html")
BINARY = frozenset({"xlsx"})  # written to a file only


def text(research: Research, fmt: str) -> str:
    """The research as text in ``fmt`` (table, csv or html)."""
    if fmt == "table":
        return table.render(research)
    if fmt == "csv":
        return csvfile.render(research)
    if fmt == "html":
        return report.render(research)
    raise ValueError(f"{fmt!r} is not a text format; expected table, csv or html")


def write(research: Research, fmt: str, path: Path) -> None:
    """The research in ``fmt`` at ``path`` (UTF-8 for the text formats)."""
    if fmt == "xlsx":
        xlsxfile.write(research, path)
    else:
        path.write_text(text(research, fmt), encoding="utf-8", newline="")
