"""The lake: Parquet files hive-partitioned by date, in a local folder or under s3://bucket/prefix.

Layout: ``<root>/<table>/date=YYYY-MM-DD/part-0.parquet``. A partition is written whole and
atomically (a local rename, a single S3 PUT), so readers never see half a partition.
``<root>/_pending/<table>/date=YYYY-MM-DD/chunk-NNNNN.parquet`` holds work in progress of an
interrupted fetch: never read as a partition, read back to resume, removed once the partition
is complete. A partition an unfinished run promoted can be taken back into it (``reopen``).
"""

from __future__ import annotations

import io
import os
import re
import tempfile
import uuid
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import polars as pl

_TABLE = re.compile(r"^[a-z][a-z0-9_]*(/[a-z][a-z0-9_]*)*$")
PENDING = "_pending"
_PART = re.compile(r"^[a-z0-9][a-z0-9-]{0,80}$")
ROW_GROUP_ROWS = 1000  # small row groups: a reader can take a day's payloads a slice at a time


class LakeError(RuntimeError):
    pass


def _check_table(table: str) -> str:
    if not _TABLE.match(table):
        raise LakeError(f"invalid lake table name {table!r}: lower-case words separated by '/'")
    return table


@dataclass
class S3Settings:
    endpoint_url: str | None = None
    access_key_id: str | None = None
    secret_access_key: str | None = field(default=None, repr=False)
    region: str | None = None

    def boto3_client(self):
        import boto3
        from botocore.config import Config

        return boto3.client(
            "s3", endpoint_url=self.endpoint_url or None, aws_access_key_id=self.access_key_id or None,
            aws_secret_access_key=self.secret_access_key or None, region_name=self.region or "us-east-1",
            config=Config(retries={"max_attempts": 5, "mode": "standard"}, s3={"addressing_style": "path"}),
        )


class _LocalStore:
    def __init__(self, root: str):
        self.root = Path(root)

    def uri(self, key: str) -> str:
        return str((self.root / key).absolute())

    def put(self, key: str, data: bytes) -> None:
        self.put_file(key, lambda tmp: tmp.write_bytes(data))

    def put_file(self, key: str, write) -> int:
        """``write(path)`` fills a temporary file that then atomically becomes ``key``."""
        path = self.root / key
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
        try:
            write(tmp)
            size = tmp.stat().st_size
            os.replace(tmp, path)
            return size
        finally:
            tmp.unlink(missing_ok=True)

    def get(self, key: str) -> bytes | None:
        try:
            return (self.root / key).read_bytes()
        except FileNotFoundError:
            return None

    def exists(self, key: str) -> bool:
        return (self.root / key).is_file()

    def list(self, prefix: str) -> list[str]:
        return list(self.sizes(prefix))

    def sizes(self, prefix: str) -> dict[str, int]:
        """Every object under ``prefix`` with its size in bytes, sorted by key."""
        base = self.root / prefix
        if not base.is_dir():
            return {}
        return {str(p.relative_to(self.root)): p.stat().st_size
                for p in sorted(base.rglob("*")) if p.is_file() and not p.name.startswith(".")}

    def delete(self, keys: list[str]) -> None:
        """Remove ``keys``, and every folder that leaves empty up to the lake's root (an S3 prefix has no folder
        to leave behind, so neither does a local lake)."""
        root = self.root.absolute()
        for key in keys:
            path = (self.root / key).absolute()
            path.unlink(missing_ok=True)
            for parent in path.parents:
                if parent == root or root not in parent.parents:
                    break
                try:
                    parent.rmdir()
                except OSError:  # not empty (or already gone): the folders above are not empty either
                    break


class _S3Store:
    def __init__(self, bucket: str, prefix: str, settings: S3Settings):
        self.bucket, self.prefix = bucket, prefix.strip("/")
        self.s3 = settings.boto3_client()

    def _key(self, key: str) -> str:
        return f"{self.prefix}/{key}" if self.prefix else key

    def uri(self, key: str) -> str:
        return f"s3://{self.bucket}/{self._key(key)}"

    def put(self, key: str, data: bytes) -> None:
        self.s3.put_object(Bucket=self.bucket, Key=self._key(key), Body=data)

    def put_file(self, key: str, write) -> int:
        """``write(path)`` fills a local temporary file, uploaded as one object (atomic for readers)."""
        with tempfile.TemporaryDirectory(prefix="baliza-upload-") as tmp:
            path = Path(tmp) / "part.parquet"
            write(path)
            self.s3.upload_file(str(path), self.bucket, self._key(key))
            return path.stat().st_size

    def get(self, key: str) -> bytes | None:
        try:
            return self.s3.get_object(Bucket=self.bucket, Key=self._key(key))["Body"].read()
        except self.s3.exceptions.NoSuchKey:
            return None

    def exists(self, key: str) -> bool:
        try:
            self.s3.head_object(Bucket=self.bucket, Key=self._key(key))
            return True
        except self.s3.exceptions.ClientError as e:
            if e.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise

    def list(self, prefix: str) -> list[str]:
        return list(self.sizes(prefix))

    def sizes(self, prefix: str) -> dict[str, int]:
        """Every object under ``prefix`` with its size in bytes, sorted by key."""
        out, strip = {}, len(self._key("")) if self.prefix else 0
        for page in self.s3.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=self._key(prefix)):
            out.update({obj["Key"][strip:]: obj["Size"] for obj in page.get("Contents", [])})
        return dict(sorted(out.items()))

    def delete(self, keys: list[str]) -> None:
        for i in range(0, len(keys), 1000):
            batch = [{"Key": self._key(k)} for k in keys[i:i + 1000]]
            if batch:
                self.s3.delete_objects(Bucket=self.bucket, Delete={"Objects": batch, "Quiet": True})


class Lake:
    """Parquet partitions by table and day, on local disk or S3."""

    def __init__(self, location: str, s3: S3Settings | None = None, compression_level: int = 9):
        self.location = location
        self.s3 = s3 or S3Settings()
        self.compression_level = compression_level
        if location.startswith("s3://"):
            bucket, _, prefix = location[5:].partition("/")
            if len(bucket) < 3:
                raise LakeError(f"lake location {location!r}: the bucket name must have at least 3 characters")
            self.store = _S3Store(bucket, prefix, self.s3)
        elif "://" in location:
            raise LakeError(f"lake location {location!r}: use a folder or s3://bucket/prefix")
        else:
            self.store = _LocalStore(location)

    @property
    def is_s3(self) -> bool:
        return isinstance(self.store, _S3Store)

    # ---- partitions ------------------------------------------------------------------------------
    @staticmethod
    def partition_key(table: str, day: date, part: str = "part-0") -> str:
        if not _PART.match(part):
            raise LakeError(f"lake file name {part!r}: use lowercase letters, digits and hyphens")
        return f"{_check_table(table)}/date={day.isoformat()}/{part}.parquet"

    def uri(self, table: str, day: date | None = None, part: str = "part-0") -> str:
        return self.store.uri(self.partition_key(table, day, part) if day else _check_table(table))

    def glob(self, table_pattern: str) -> str:
        """A glob DuckDB or Polars can read: every partition of the matching tables."""
        return self.store.uri(f"{table_pattern}/date=*/*.parquet")

    def write(self, table: str, day: date, frame: pl.DataFrame | pl.LazyFrame, part: str = "part-0") -> tuple[int, int]:
        """Replace one day of a table (or one named file of it, ``part``) with ``frame`` (streamed when
        lazy); returns (bytes, rows) written."""
        options = dict(compression="zstd", compression_level=self.compression_level, statistics=True,
                       row_group_size=ROW_GROUP_ROWS)
        rows = 0

        def fill(path: Path) -> None:
            nonlocal rows
            if isinstance(frame, pl.LazyFrame):
                frame.sink_parquet(path, **options)
                rows = pl.scan_parquet(path).select(pl.len()).collect().item()  # the local file, before upload
            else:
                frame.write_parquet(path, **options)
                rows = len(frame)

        size = self.store.put_file(self.partition_key(table, day, part), fill)
        return size, rows

    def read(self, table: str, day: date) -> pl.DataFrame | None:
        data = self.store.get(self.partition_key(table, day))
        return None if data is None else pl.read_parquet(io.BytesIO(data))

    def exists(self, table: str, day: date) -> bool:
        return self.store.exists(self.partition_key(table, day))

    def tables(self, layer: str) -> list[str]:
        """The tables of a layer that hold at least one partition, e.g. tables("raw") -> ["atas", ...]."""
        return sorted({k.split("/")[1] for k in self.store.list(_check_table(layer) + "/") if k.count("/") >= 3})

    def days(self, table: str) -> list[date]:
        found = set()
        for key in self.store.list(_check_table(table) + "/"):
            m = re.search(r"/date=(\d{4}-\d{2}-\d{2})/part-0\.parquet$", key)
            if m:
                found.add(date.fromisoformat(m.group(1)))
        return sorted(found)

    def scan(self, table: str, days: list[date]) -> pl.LazyFrame:
        """The given days of a table, lazily; a day missing from the lake is an error naming it."""
        self._require(table, days)
        return self._scan([self.partition_key(table, d) for d in days])

    def scan_days(self, table: str, days: list[date]) -> dict[date, pl.LazyFrame]:
        """One lazy scan per day (each day checked once); a missing day is an error naming it."""
        self._require(table, days)
        return {d: self._scan([self.partition_key(table, d)]) for d in days}

    def _require(self, table: str, days: list[date]) -> None:
        missing = [d for d in days if not self.exists(table, d)]
        if missing:
            shown = ", ".join(d.isoformat() for d in missing[:5]) + (" ..." if len(missing) > 5 else "")
            raise LakeError(f"{table}: no partition in the lake at {self.location} for {shown}; materialize it first")

    def _scan(self, keys: list[str]) -> pl.LazyFrame:
        uris = [self.store.uri(k) for k in keys]
        if not uris:
            raise LakeError("nothing to scan")
        options = _polars_options(self.s3) if self.is_s3 else None
        return pl.scan_parquet(uris, storage_options=options, hive_partitioning=False)

    # ---- work in progress of an interrupted fetch ------------------------------------------------
    def _pending_prefix(self, table: str, day: date) -> str:
        return f"{PENDING}/{_check_table(table)}/date={day.isoformat()}/"

    def _chunk_key(self, table: str, day: date) -> str:
        return self._pending_prefix(table, day) + f"chunk-{uuid.uuid4().hex}.parquet"

    def write_pending(self, table: str, day: date, frame: pl.DataFrame) -> None:
        self.store.put(self._chunk_key(table, day), self._to_parquet(frame))

    def reopen(self, table: str, day: date) -> int:
        """Take the day's partition back as pending rows (those not pending already): a fetch then resumes
        from them as from its own pending rows, and promoting the day keeps them. The partition stays as it
        is until then; taken back twice, nothing is pending twice. Returns the rows taken back."""
        rows = self.scan(table, [day])
        pending = self.scan_pending(table, day)
        if pending is not None:
            rows = rows.join(pending.select("request_id"), on="request_id", how="anti")
        count = rows.select(pl.len()).collect().item()
        if count:
            self.store.put_file(self._chunk_key(table, day), lambda path: rows.sink_parquet(path, **self._parquet_options()))
        return count

    def scan_pending(self, table: str, day: date) -> pl.LazyFrame | None:
        """Rows an interrupted fetch of this day archived so far (None when there are none)."""
        keys = self.store.list(self._pending_prefix(table, day))
        return self._scan(keys) if keys else None

    def promote(self, table: str, day: date, schema: dict) -> tuple[int, int]:
        """Make the day's pending rows its partition: one compacted file (columns ``schema``, an empty
        one when nothing is pending), replacing the day whole, then the pending rows are cleared.
        Returns (bytes, rows) written. Redone after a failure in between, it writes the same file."""
        pending = self.scan_pending(table, day)
        frame = (pending.select(list(schema)) if pending is not None else pl.DataFrame(schema=schema).lazy())
        written = self.write(table, day, frame)
        self.clear_pending(table, day)
        return written

    def clear_pending(self, table: str, day: date) -> None:
        self.store.delete(self.store.list(self._pending_prefix(table, day)))

    def _parquet_options(self) -> dict:
        return dict(compression="zstd", compression_level=self.compression_level, statistics=True,
                    row_group_size=ROW_GROUP_ROWS)

    def _to_parquet(self, frame: pl.DataFrame) -> bytes:
        buf = io.BytesIO()
        frame.write_parquet(buf, **self._parquet_options())
        return buf.getvalue()


def _polars_options(s3: S3Settings) -> dict:
    opts = {"aws_region": s3.region or "us-east-1"}
    if s3.endpoint_url:
        opts["aws_endpoint_url"] = s3.endpoint_url
        if s3.endpoint_url.startswith("http://"):
            opts["aws_allow_http"] = "true"
    if s3.access_key_id:
        opts["aws_access_key_id"] = s3.access_key_id
        opts["aws_secret_access_key"] = s3.secret_access_key or ""
    return opts
