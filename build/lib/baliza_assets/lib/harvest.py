"""Fetch a set of PNCP walks into archive rows, streamed to a sink, resumable, with progress.

Pages already archived by an interrupted attempt (``known``) are not fetched again. New rows go to
``sink`` every ``flush_every`` rows, ``flush_bytes`` of payload or ``flush_seconds``, and always
before a failure propagates, so a re-execution resumes where this one stopped. Memory holds only
the rows not yet flushed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

import polars as pl

from . import archive
from .pncp import Exchange, PncpClient

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


@dataclass
class Harvested:
    fetched: int = 0  # new exchanges this attempt
    resumed: int = 0  # exchanges taken from an interrupted attempt
    records: int = 0
    payload_bytes: int = 0
    fetched_by_endpoint: dict = field(default_factory=dict)

    def add(self, other: "Harvested") -> None:
        for name in ("fetched", "resumed", "records", "payload_bytes"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for endpoint, n in other.fetched_by_endpoint.items():
            self.fetched_by_endpoint[endpoint] = self.fetched_by_endpoint.get(endpoint, 0) + n


async def harvest(client: PncpClient, walks: Iterable, day: date, sink: Callable[[pl.DataFrame], None], *,
                  known: Mapping[str, Exchange] | None = None, extra: Iterable[Exchange] = (),
                  expand: Callable[[Exchange], Iterable] | None = None,
                  flush_every: int = 500, flush_bytes: int = 8_000_000, flush_seconds: float = 30.0,
                  progress: Callable[[int, int], None] | None = None, progress_seconds: float = 10.0) -> Harvested:
    """Archive every page of ``walks`` for ``day`` into ``sink``; ``extra`` are exchanges already made,
    ``expand`` the further walks a fetched exchange calls for (see ``PncpClient.stream``)."""
    walks = list(walks)
    known = dict(known or {})
    out = Harvested(resumed=len(known))
    buffer: list[dict] = []
    buffered_bytes = 0
    last_flush = time.monotonic()
    tracker = Progress(len(walks), progress, progress_seconds)
    for ex in known.values():
        tracker.add(ex)

    def take(ex: Exchange) -> None:
        nonlocal buffered_bytes
        buffer.append(archive.row(ex, day))
        buffered_bytes += len(ex.body)
        out.fetched += 1
        out.fetched_by_endpoint[ex.endpoint] = out.fetched_by_endpoint.get(ex.endpoint, 0) + 1
        out.records += ex.records
        out.payload_bytes += len(ex.body)
        if (len(buffer) >= flush_every or buffered_bytes >= flush_bytes
                or time.monotonic() - last_flush >= flush_seconds):
            flush()

    def flush() -> None:
        nonlocal last_flush, buffered_bytes
        if buffer:
            sink(archive.frame(buffer))
            buffer.clear()
        buffered_bytes, last_flush = 0, time.monotonic()

    for ex in extra:
        if ex.key not in known:
            take(ex)
    try:
        async for ex in client.stream(walks, known=known, expand=expand):
            take(ex)
            tracker.add(ex)
    finally:
        flush()
    if progress:
        progress(tracker.done, tracker.expected)
    return out


__all__ = ["Harvested", "Progress", "harvest"]
