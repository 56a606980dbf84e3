"""The raw-payload codec: verbatim bytes, zstd-compressed, addressed by sha256."""

from __future__ import annotations

import hashlib

import zstandard

_LEVEL = 9


def compress(payload: bytes) -> bytes:
    return zstandard.ZstdCompressor(level=_LEVEL).compress(payload)


def decompress(blob: bytes, sha256: str | None = None) -> bytes:
    """The payload back; with ``sha256`` given, proves it is the one archived."""
    payload = zstandard.ZstdDecompressor().decompress(blob)
    if sha256 is not None and hashlib.sha256(payload).hexdigest() != sha256:
        raise ValueError(f"archived payload does not match its sha256 {sha256}")
    return payload
