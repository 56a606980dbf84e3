"""`baliza fetch-payload <sha256>`: an archived payload, verbatim, straight from the lake."""

from __future__ import annotations

import re

import polars as pl

from ..lib.lake import Lake

SHA256 = re.compile(r"^[0-9a-f]{64}$")


class PayloadNotFound(LookupError):
    pass


def fetch(lake: Lake, sha: str) -> bytes:
    """The payload whose sha256 is ``sha``, from any raw table (Parquet statistics skip most row groups)."""
    sha = sha.strip().lower()
    if not SHA256.match(sha):
        raise ValueError(f"{sha[:80]!r} is not a sha256 (64 hexadecimal characters)")
    tables = lake.tables("raw")
    for table in tables:
        days = lake.days(f"raw/{table}")
        if not days:
            continue
        hit = (lake.scan(f"raw/{table}", days).filter(pl.col("payload_sha256") == sha)
               .select("payload").head(1).collect())
        if len(hit):
            return hit["payload"][0]
    raise PayloadNotFound(f"no payload with sha256 {sha} in the lake at {lake.location} "
                          f"(searched raw/{', raw/'.join(tables) or '(no raw tables)'})")
