"""A query's result as a person reads it in a terminal: columns side by side while the rows fit the
terminal's width, one record at a time (a column a line, like psql's ``\\x``) when they do not."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Sequence
from typing import TextIO

LAYOUTS = ("auto", "wide", "vertical")
CELL = 80  # the widest a cell of the side-by-side table gets; longer text ends in "..."
VALUE = 2000  # the most of one value a record shows, wrapped to the terminal


def width() -> int:
    """The terminal's columns (COLUMNS when set; 80 when the output is not a terminal)."""
    return shutil.get_terminal_size((80, 24)).columns


def result(columns: Sequence[str], rows: Sequence[tuple], out: TextIO, layout: str = "auto",
           columns_wide: int | None = None) -> None:
    """Print a result in ``layout``: ``wide`` (side by side), ``vertical`` (a column a line), or ``auto``
    (side by side when its lines fit ``columns_wide``, the terminal's width by default)."""
    if layout not in LAYOUTS:
        raise ValueError(f"layout {layout!r}: one of {', '.join(LAYOUTS)}")
    lines = _wide(columns, rows)
    limit = width() if columns_wide is None else columns_wide
    if layout == "vertical" or (layout == "auto" and rows and max(len(line) for line in lines) > limit):
        lines = _vertical(columns, rows, limit)
    for line in lines:
        out.write(line + "\n")
    out.write(f"({len(rows)} row{'s' if len(rows) != 1 else ''})\n")


def _text(value, limit: int) -> str:
    text = "NULL" if value is None else str(value)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _wide(columns: Sequence[str], rows: Sequence[tuple]) -> list[str]:
    cells = [[_text(v, CELL) for v in r] for r in rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
    return [" | ".join(c.ljust(w) for c, w in zip(columns, widths)).rstrip(),
            "-+-".join("-" * w for w in widths),
            *(" | ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip() for r in cells)]


def _vertical(columns: Sequence[str], rows: Sequence[tuple], limit: int) -> list[str]:
    name = max((len(c) for c in columns), default=0)
    room = max(20, limit - name - 3)
    lines = []
    for n, r in enumerate(rows, 1):
        lines.append(f"-[ RECORD {n} ]".ljust(min(limit, name + 3 + room), "-"))
        for c, v in zip(columns, r):
            text = _text(v, VALUE)
            parts = [p for line in text.splitlines() or [""]
                     for p in textwrap.wrap(line, room, break_long_words=True, replace_whitespace=False) or [""]]
            lines.append(f"{c.ljust(name)} | {parts[0]}".rstrip())
            lines += [f"{'':{name}} | {p}".rstrip() for p in parts[1:]]
    return lines
