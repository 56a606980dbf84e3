"""The harvest hands pages to its sink every 50 pages, or once the oldest has waited its seconds even while
every request hangs, without holding the requests back while it writes; a partition an unfinished run
promoted can be taken back as pending pages, once."""

from __future__ import annotations

import asyncio
import threading

import polars as pl
import pytest

from baliza_assets.lib import archive
from baliza_assets.lib.harvest import harvest
from baliza_assets.lib.lake import Lake
from baliza_assets.lib.pncp import Exchange

from .archived import page, rows
from .conftest import DAY

DEADLINE_S = 60  # waiting on an event: a busy machine is slow, never this slow


class Client:
    """Yields ``pages``; when it ``hangs``, then waits for ``go_on`` (requests that hang) and yields ``later``."""

    def __init__(self, pages: list[Exchange], hangs: bool = False, later: list[Exchange] = ()):
        self.pages, self.hangs, self.later = pages, hangs, list(later)
        self.go_on = asyncio.Event()

    async def stream(self, walks, known=None, expand=None):
        for ex in self.pages:
            yield ex
        if self.hangs:
            await self.go_on.wait()
        for ex in self.later:
            yield ex


def ids(frames: list[pl.DataFrame]) -> list[str]:
    return [i for f in frames for i in f["request_id"].to_list()]


def test_pages_reach_the_sink_while_every_request_hangs():
    """A kill while the requests in flight hang loses none of the pages that arrived before them."""
    written, arrived = [], threading.Event()

    def sink(frame):
        written.append(frame)
        if len(ids(written)) == 3:
            arrived.set()

    async def scenario():
        client = Client([page(1), page(2), page(3)], hangs=True, later=[page(4)])
        task = asyncio.create_task(harvest(client, [], DAY, sink, flush_seconds=0.05))
        assert await asyncio.to_thread(arrived.wait, DEADLINE_S), "the pages never reached the sink"
        assert not task.done()
        client.go_on.set()
        return await task

    got = asyncio.run(scenario())
    assert ids(written) == [archive.request_id(page(n).key) for n in (1, 2, 3, 4)]
    assert (got.fetched, got.records) == (4, 4)


def test_a_flush_every_50_pages():
    written = []
    pages = [page(n) for n in range(120)]
    got = asyncio.run(harvest(Client(pages), [], DAY, written.append, flush_seconds=3600))
    assert [len(f) for f in written] == [50, 50, 20]
    assert ids(written) == [archive.request_id(p.key) for p in pages]
    assert got.fetched == 120


def test_requests_go_on_while_the_sink_writes():
    """The sink runs off the event loop: what the loop does meanwhile (every request in flight) is not held."""
    loop_ran, running = [], {}

    def sink(frame):
        async def on_the_loop():
            loop_ran.append(len(frame))

        asyncio.run_coroutine_threadsafe(on_the_loop(), running["loop"]).result(timeout=DEADLINE_S)

    async def scenario():
        running["loop"] = asyncio.get_running_loop()
        return await harvest(Client([page(n) for n in range(60)]), [], DAY, sink, flush_seconds=3600)

    asyncio.run(scenario())
    assert loop_ran == [50, 10]


def test_a_write_that_fails_while_requests_hang_fails_the_harvest():
    def sink(frame):
        raise OSError("the lake is full")

    async def scenario():
        task = asyncio.create_task(harvest(Client([page(1)], hangs=True), [], DAY, sink, flush_seconds=0.05))
        done, _ = await asyncio.wait({task}, timeout=DEADLINE_S)
        assert done, "the harvest went on waiting for hung requests after its write failed"
        task.result()

    with pytest.raises(OSError, match="the lake is full"):
        asyncio.run(scenario())


def test_a_partition_taken_back_is_pending_once_and_promoted_whole(tmp_path):
    lake = Lake(str(tmp_path / "lake"))
    lake.write_pending("raw/itens", DAY, rows([1, 2, 3]))
    lake.promote("raw/itens", DAY, archive.SCHEMA)
    assert lake.scan_pending("raw/itens", DAY) is None

    assert lake.reopen("raw/itens", DAY) == 3
    lake.write_pending("raw/itens", DAY, rows([4]))
    assert lake.reopen("raw/itens", DAY) == 0, "pages already pending are not taken back twice"
    assert sorted(lake.scan_pending("raw/itens", DAY).collect()["request_id"]) == sorted(rows([1, 2, 3, 4])["request_id"])
    assert lake.read("raw/itens", DAY)["request_id"].to_list() == rows([1, 2, 3])["request_id"].to_list()

    lake.promote("raw/itens", DAY, archive.SCHEMA)
    promoted = lake.read("raw/itens", DAY)
    assert sorted(promoted["request_id"]) == sorted(rows([1, 2, 3, 4])["request_id"])
    assert promoted.sort("request_id").equals(rows([1, 2, 3, 4]).sort("request_id"))


def test_a_promotion_cut_short_is_not_taken_back_twice(tmp_path):
    """Killed between writing the partition and clearing its pending pages: they are the partition already."""
    lake = Lake(str(tmp_path / "lake"))
    lake.write_pending("raw/itens", DAY, rows([1, 2]))
    lake.write("raw/itens", DAY, lake.scan_pending("raw/itens", DAY))
    assert lake.reopen("raw/itens", DAY) == 0
    assert len(lake.scan_pending("raw/itens", DAY).collect()) == 2
