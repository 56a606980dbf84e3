"""Fetch a set of PNCP walks into archive rows, streamed to a sink, resumable, with progress.

Pages already archived (``known``) are not fetched again. New rows go to ``sink`` once
``flush_every`` pages or ``flush_bytes`` of payload are buffered, or once the oldest buffered page
has waited ``flush_seconds`` (whether or not more pages arrive: hung requests do not hold it back),
and before a failure propagates: a process killed outright loses at most those seconds of fetching,
and a re-execution resumes from what the sink holds. The sink runs in a thread, one write at a
time, while requests go on. Memory holds only the rows not yet flushed.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

import polars as pl

from . import archive
from .pncp import Exchange, PncpClient

_PAGING = {"pagina", "tamanhoPagina"}

# When new pages go to the sink (bench/flush_cost.py measures a flush): every 50 pages (a flush of 50
# detail pages took 8 ms on a local lake and 16 ms on S3 on loopback, median), every 8 MB of payload
# (a dozen listing pages of 500), or once the oldest page has waited 2 s, so a kill costs at most 2 s
# of fetching and pages already in flight.
FLUSH_PAGES = 50
FLUSH_BYTES = 8_000_000
FLUSH_SECONDS = 2.0


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
    resumed: int = 0  # exchanges already archived (``known``), not fetched again
    records: int = 0
    payload_bytes: int = 0
    fetched_by_endpoint: dict = field(default_factory=dict)

    def add(self, other: "Harvested") -> None:
        for name in ("fetched", "resumed", "records", "payload_bytes"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for endpoint, n in other.fetched_by_endpoint.items():
            self.fetched_by_endpoint[endpoint] = self.fetched_by_endpoint.get(endpoint, 0) + n


class _Buffer:
    """Archive rows not yet in the sink, written to it off the event loop, in order, one write at a time."""

    def __init__(self, sink: Callable[[pl.DataFrame], None], pages: int, payload_bytes: int, seconds: float):
        self.sink, self.pages, self.payload_bytes, self.seconds = sink, pages, payload_bytes, seconds
        self.rows: list[dict] = []
        self.bytes = 0
        self.since: float | None = None  # when the oldest buffered row arrived (monotonic)
        self.arrived = asyncio.Event()
        self.writing = asyncio.Lock()

    def add(self, row: dict, size: int) -> bool:
        """Buffer one row; True once the buffer holds ``pages`` rows or ``payload_bytes``."""
        if not self.rows:
            self.since = time.monotonic()
            self.arrived.set()
        self.rows.append(row)
        self.bytes += size
        return len(self.rows) >= self.pages or self.bytes >= self.payload_bytes

    async def flush(self) -> None:
        async with self.writing:
            if not self.rows:
                return
            rows, self.rows, self.bytes, self.since = self.rows, [], 0, None
            self.arrived.clear()
            await asyncio.to_thread(self.sink, archive.frame(rows))

    async def flush_when_due(self) -> None:
        """Forever: flush once the oldest buffered row has waited ``seconds``."""
        while True:
            await self.arrived.wait()
            if self.since is None:  # flushed between the rows' arrival and this waking up
                continue
            due = self.since + self.seconds - time.monotonic()
            if due > 0:
                await asyncio.sleep(due)  # then look again: a flush meanwhile moved ``since``
            else:
                await self.flush()


async def harvest(client: PncpClient, walks: Iterable, day: date, sink: Callable[[pl.DataFrame], None], *,
                  known: Mapping[str, Exchange] | None = None, extra: Iterable[Exchange] = (),
                  expand: Callable[[Exchange], Iterable] | None = None,
                  flush_every: int = FLUSH_PAGES, flush_bytes: int = FLUSH_BYTES, flush_seconds: float = FLUSH_SECONDS,
                  progress: Callable[[int, int], None] | None = None, progress_seconds: float = 10.0,
                  arrived: Callable[[Exchange], None] | None = None) -> Harvested:
    """Archive every page of ``walks`` for ``day`` into ``sink``; ``extra`` are exchanges already made,
    ``expand`` the further walks a fetched exchange calls for (see ``PncpClient.stream``), ``arrived``
    sees every new exchange as it is archived (with the client's decode of its body)."""
    walks = list(walks)
    known = dict(known or {})
    out = Harvested(resumed=len(known))
    buffer = _Buffer(sink, flush_every, flush_bytes, flush_seconds)
    tracker = Progress(len(walks), progress, progress_seconds)
    for ex in known.values():
        tracker.add(ex)

    async def take(ex: Exchange) -> None:
        out.fetched += 1
        out.fetched_by_endpoint[ex.endpoint] = out.fetched_by_endpoint.get(ex.endpoint, 0) + 1
        out.records += ex.records
        out.payload_bytes += len(ex.body)
        if arrived:
            arrived(ex)
        if buffer.add(archive.row(ex, day), len(ex.body)):
            await buffer.flush()

    async def fetch() -> None:
        for ex in extra:
            if ex.key not in known:
                await take(ex)
        async for ex in client.stream(walks, known=known, expand=expand):
            await take(ex)
            tracker.add(ex)

    fetching = asyncio.create_task(fetch())
    timer = asyncio.create_task(buffer.flush_when_due())
    try:
        await asyncio.wait((fetching, timer), return_when=asyncio.FIRST_COMPLETED)
        if timer.done():  # it only ends when a write failed
            timer.result()
        fetching.result()
    finally:
        for task in (fetching, timer):
            task.cancel()
        await asyncio.gather(fetching, timer, return_exceptions=True)
        await buffer.flush()
    if progress:
        progress(tracker.done, tracker.expected)
    return out


__all__ = ["Harvested", "Progress", "harvest"]
