"""Reading a response body under a size limit that counts decompressed bytes.

httpx decompresses each network chunk whole: 64 KB of gzip can become 64 MB before anyone counts
it. Here the raw stream is decompressed in steps of at most ``STEP`` bytes, each counted as it comes
out, and reading stops as soon as the total passes the limit: a gzip bomb or an endless body costs
the limit and one step of memory, never more.
"""

from __future__ import annotations

import zlib
from typing import Iterable, Iterator

import httpx

from .errors import BadPayload, BodyTooLarge, UnusableAnswer

STEP = 1 << 20  # most decompressed bytes produced at once
ACCEPT_ENCODING = "gzip, deflate"  # what the client asks for, and all it decodes
_CODINGS = {"gzip": "gzip", "x-gzip": "gzip", "deflate": "deflate"}


class _Corrupt(Exception):
    """The compressed stream is not valid gzip or deflate."""


class _Inflater:
    """One gzip or deflate layer of a body, giving its output in pieces of at most ``STEP`` bytes."""

    def __init__(self, coding: str):
        self.coding = coding
        self._d = None  # made by the first bytes
        self._head = b""

    def _start(self, data: bytes) -> bytes:
        """The bytes to decompress once the stream's kind is known (until then, none): "deflate" is
        zlib-wrapped or, from some servers, raw deflate, which its first two bytes tell."""
        if self.coding == "gzip":
            self._d = zlib.decompressobj(zlib.MAX_WBITS | 16)
            return data
        self._head += data
        if len(self._head) < 2:
            return b""
        first, second = self._head[0], self._head[1]
        wrapped = first & 0x0F == zlib.DEFLATED and (first << 8 | second) % 31 == 0
        self._d = zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
        data, self._head = self._head, b""
        return data

    def feed(self, data: bytes) -> Iterator[bytes]:
        if self._d is None and data:
            data = self._start(data)
        more = bool(data)
        while more:
            if self._d.eof:
                if self.coding != "gzip":
                    return  # bytes after the end of a deflate stream: ignored, as every decoder does
                self._d = zlib.decompressobj(zlib.MAX_WBITS | 16)  # a gzip body may hold several members
            try:
                out = self._d.decompress(data, STEP)
            except zlib.error as e:
                raise _Corrupt(f"a {self.coding} body that cannot be decompressed ({e})") from None
            data = self._d.unused_data if self._d.eof else self._d.unconsumed_tail
            if out:
                yield out
            more = bool(data) or (len(out) == STEP and not self._d.eof)  # a full step may leave output inside zlib

    @property
    def complete(self) -> bool:
        """Every stream begun has ended (a body that never began, like a 204's, is complete too)."""
        return self._d.eof if self._d is not None else not self._head


def _through(layer: _Inflater, pieces: Iterable[bytes]) -> Iterator[bytes]:
    for piece in pieces:
        yield from layer.feed(piece)


def _layers(response: httpx.Response, endpoint: str, url: str) -> list[_Inflater]:
    """The decoders of the body's Content-Encoding, outermost first (the reverse of the header's order)."""
    header = response.headers.get("content-encoding", "")
    names = [c.strip().lower() for c in header.split(",") if c.strip() and c.strip().lower() != "identity"]
    unknown = [c for c in names if c not in _CODINGS]
    if unknown:
        raise UnusableAnswer(endpoint, url, f"HTTP {response.status_code} with Content-Encoding {header!r}, which the "
                                            f"client did not ask for (it accepts {ACCEPT_ENCODING})", response.status_code)
    return [_Inflater(_CODINGS[c]) for c in reversed(names)]


async def read_body(response: httpx.Response, limit: int, endpoint: str, url: str) -> bytes:
    """The decompressed body, read until it ends or passes ``limit`` bytes (then :class:`BodyTooLarge`)."""
    status = response.status_code
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge(endpoint, url, f"a body of {int(declared):,} bytes (Content-Length) is over the "
                                          f"{limit:,}-byte limit; none of it read", status, limit, 0)
    layers = _layers(response, endpoint, url)
    parts: list[bytes] = []
    size = 0
    try:
        async for raw in response.aiter_raw():
            pieces: Iterable[bytes] = (raw,)
            for layer in layers:
                pieces = _through(layer, pieces)
            for piece in pieces:
                size += len(piece)
                if size > limit:
                    parts.clear()  # the error may outlive this frame: it must not keep the body alive
                    wire = f" from {response.num_bytes_downloaded:,} bytes of {', '.join(layer.coding for layer in layers)}" if layers else ""
                    raise BodyTooLarge(endpoint, url, f"the body passed the {limit:,}-byte limit: {size:,} bytes "
                                                      f"received{wire} when reading stopped", status, limit, size)
                parts.append(piece)
    except _Corrupt as e:
        raise UnusableAnswer(endpoint, url, f"HTTP {status} with {e}", status) from None
    cut = [layer.coding for layer in layers if not layer.complete]
    if cut:
        raise BadPayload(endpoint, url, f"HTTP {status} with a {cut[0]} body that ends before its compressed stream "
                                        f"does (cut short after {size:,} bytes)", status)
    return b"".join(parts)
