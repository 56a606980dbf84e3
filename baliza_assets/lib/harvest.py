"""Fetch a set of PNCP walks into archive rows, resumable and with progress.

Rows of pages already archived by an interrupted attempt (``known``) are kept and not fetched again.
New rows are flushed to ``flush`` every ``flush_every`` rows or ``flush_seconds``, and always before
a failure propagates, so a re-execution resumes where this one stopped.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from datetime import date

import polars as pl

from . import archive
from .pncp import Exchange, PncpClient
from .pncp.errors import FetchFailed

_PAGING = {"pagina", "tamanhoPagina"}


def _walk_id(ex: Exchange) -> tuple:
    return ex.endpoint, ex.path, tuple(p for p in ex.params if p[0] not in _PAGING)


class Progress:
    """Pages done out of pages known to exist (page 1 of a listing tells how many follow)."""

    def __init__(self, walks: int, report: Callable[[int, int], None] | None, every_s: float):
        self.walks, self.report, self.every_s = walks, report, every_s
        self.done = 0
        self.pages: dict[tuple, int] = {}
        self.last = time.monotonic()

    def add(self, ex: Exchange) -> None:
        self.done += 1
        wid = _walk_id(ex)
        self.pages[wid] = max(self.pages.get(wid, 0), ex.total_pages or 0, ex.page or 1)
        if self.report and time.monotonic() - self.last >= self.every_s:
            self.last = time.monotonic()
            self.report(self.done, self.expected)

    @property
    def expected(self) -> int:
        return max(self.done, sum(self.pages.values()) + max(0, self.walks - len(self.pages)))


async def harvest(client: PncpClient, walks: Iterable, day: date, *, known: pl.DataFrame | None = None,
                  flush: Callable[[pl.DataFrame], None] | None = None, flush_every: int = 500,
                  flush_seconds: float = 30.0, progress: Callable[[int, int], None] | None = None,
                  progress_seconds: float = 10.0, extra: Iterable[Exchange] = ()) -> pl.DataFrame:
    """Every page of ``walks`` as archive rows for ``day`` (known rows first, then new ones)."""
    walks = list(walks)
    known = known if known is not None and len(known) else None
    known_ex = archive.exchanges(known) if known is not None else {}
    rows: list[dict] = [archive.row(ex, day) for ex in extra if ex.key not in known_ex]
    unflushed = len(rows)
    last_flush = time.monotonic()
    tracker = Progress(len(walks), progress, progress_seconds)
    for ex in known_ex.values():
        tracker.add(ex)

    def do_flush() -> None:
        nonlocal unflushed, last_flush
        if flush and unflushed:
            flush(archive.frame(rows[-unflushed:]))
        unflushed, last_flush = 0, time.monotonic()

    try:
        async for ex in client.stream(walks, known=known_ex):
            rows.append(archive.row(ex, day))
            unflushed += 1
            tracker.add(ex)
            if unflushed >= flush_every or time.monotonic() - last_flush >= flush_seconds:
                do_flush()
    except FetchFailed:
        do_flush()
        raise
    if progress:
        progress(tracker.done, tracker.expected)
    new = archive.frame(rows)
    out = pl.concat([known.select(new.columns), new]) if known is not None else new
    return out.unique("request_id", keep="last", maintain_order=True).sort(["endpoint", "path", "params"])
