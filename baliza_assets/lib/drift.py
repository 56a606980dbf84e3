"""Payload drift: the structural fingerprint of PNCP records (key paths and JSON types) against a
baseline kept in the repository, built from the real captures.

    python -m baliza_assets.lib.drift build baliza_assets_tests/pncp_samples    # rewrite drift_baseline.json

A path the baseline lacks is an added field (a warning naming it); a path the baseline requires
that never appears while its parent object does is a missing field, and a non-null JSON type the
baseline never saw is a changed type (both errors). Ints and floats are both "number".

A day's fingerprints are taken from each page as the client decoded it on arrival (``lib.arrival``):
nothing decodes a payload again to fingerprint it.
"""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

BASELINE = Path(__file__).with_name("drift_baseline.json")


def type_name(v) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, (int, float)):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, dict):
        return "object"
    if isinstance(v, list):
        return "array"
    raise TypeError(type(v))


def shape(obj, type_of=type_name) -> dict[str, set[str]]:
    """JSON key path -> JSON types in ``obj``; object keys joined by '.', list elements as '[]'."""
    out: dict[str, set[str]] = {}

    def walk(v, path):
        if isinstance(v, dict):
            for k, x in v.items():
                p = f"{path}.{k}" if path else k
                out.setdefault(p, set()).add(type_of(x))
                walk(x, p)
        elif isinstance(v, list):
            for x in v:
                p = f"{path}[]"
                out.setdefault(p, set()).add(type_of(x))
                walk(x, p)

    walk(obj, "")
    return out


def _parent(path: str) -> str:
    if path.endswith("[]"):
        return path[:-2]
    return path.rsplit(".", 1)[0] if "." in path else ""


@dataclass
class Fingerprint:
    """Key paths with their JSON types over a set of records, and how often each path appeared."""

    types: dict[str, set[str]] = field(default_factory=dict)
    seen: dict[str, int] = field(default_factory=dict)  # records holding the path
    as_object: dict[str, int] = field(default_factory=dict)  # records where the path is a non-empty container
    records: int = 0

    def add(self, record) -> None:
        self.records += 1
        for path, types in shape(record).items():
            self.types.setdefault(path, set()).update(types)
            self.seen[path] = self.seen.get(path, 0) + 1
        for path, types in shape(record).items():
            if types & {"object", "array"}:
                self.as_object[path] = self.as_object.get(path, 0) + 1

    def digest(self) -> str:
        canon = json.dumps({p: sorted(t) for p, t in sorted(self.types.items())}, separators=(",", ":"))
        return hashlib.sha256(canon.encode()).hexdigest()

    def as_json(self) -> dict:
        return {p: sorted(t) for p, t in sorted(self.types.items())}

    def required(self) -> set[str]:
        """Paths present in every record whose parent was there (the root for top-level paths)."""
        out = set()
        for path, n in self.seen.items():
            parent = _parent(path)
            parents = self.records if not parent else self.as_object.get(parent, 0)
            if parents and n >= parents and not path.endswith("[]"):
                out.add(path)
        return out


    def counts(self) -> str:
        """What ``compare`` needs beside the types, as JSON (kept with the day's schema version)."""
        return json.dumps({"seen": self.seen, "as_object": self.as_object}, sort_keys=True)

    @classmethod
    def from_version(cls, paths: str, counts: str, records: int) -> "Fingerprint":
        c = json.loads(counts)
        return cls({p: set(t) for p, t in json.loads(paths).items()}, c["seen"], c["as_object"], records)


VERSIONS_SCHEMA = {"partition_date": pl.Date, "endpoint": pl.String, "fingerprint": pl.String, "paths": pl.String,
                   "counts": pl.String, "records": pl.Int64, "observed_at": pl.Datetime("us", "UTC")}


def versions_table(table: str) -> str:
    """Where the archived ``table``'s fingerprints live in the lake, one partition per day."""
    return f"meta/schema_versions/{table}"


def versions(day, found: dict[str, Fingerprint], observed_at) -> pl.DataFrame:
    return pl.DataFrame([{"partition_date": day, "endpoint": e, "fingerprint": fp.digest(), "paths": json.dumps(fp.as_json()),
                          "counts": fp.counts(), "records": fp.records, "observed_at": observed_at}
                         for e, fp in sorted(found.items())], schema=VERSIONS_SCHEMA)


def record_versions(old: pl.DataFrame | None, new: pl.DataFrame) -> pl.DataFrame:
    """The day's versions after an observation: the new ones, and an earlier observation of the same
    fingerprint keeps its time (first seen wins)."""
    if old is None:
        return new
    first = old.select([c for c in VERSIONS_SCHEMA if c in old.columns])
    return pl.concat([first, new], how="diagonal_relaxed").unique(["endpoint", "fingerprint"], keep="first",
                                                                  maintain_order=True)


@dataclass
class Drift:
    added: list[str]
    missing: list[str]
    retyped: list[tuple[str, list[str], list[str]]]  # path, baseline types, observed types

    @property
    def errors(self) -> bool:
        return bool(self.missing or self.retyped)

    def describe(self) -> str:
        parts = []
        if self.added:
            parts.append("added: " + ", ".join(self.added))
        if self.missing:
            parts.append("missing: " + ", ".join(self.missing))
        if self.retyped:
            parts.append("type changed: " + ", ".join(f"{p} {'/'.join(b)} -> {'/'.join(o)}" for p, b, o in self.retyped))
        return "; ".join(parts) or "no drift"


def compare(baseline: dict, observed: Fingerprint) -> Drift:
    """``baseline``: {"types": {path: [types]}, "required": [paths]} for one endpoint."""
    base = {p: set(t) for p, t in baseline["types"].items()}
    added = sorted(p for p in observed.types if p not in base)
    missing = sorted(p for p in baseline["required"]
                     if p not in observed.types
                     and (observed.records if not _parent(p) else observed.as_object.get(_parent(p), 0)))
    retyped = []
    for path, types in sorted(observed.types.items()):
        if path in base:
            known, got = base[path] - {"null"}, types - {"null"}
            if known and not got <= known:
                retyped.append((path, sorted(known), sorted(got)))
    return Drift(added, missing, retyped)


def load_baseline() -> dict:
    return json.loads(BASELINE.read_text())


_BUNDLES = ("compra_bundle_00394452000103_2026_19867.json", "compra_bundle_07954480000179_2026_22952.json")

# Which real captures stand for which endpoint's records ("*": a mapping whose values are record lists).
SAMPLES = {
    "contratacoes_publicacao": [("contratacoes_publicacao_page.json", "data.data"),
                                ("contratacoes_atualizacao_page.json", "data.data"),
                                ("contratacoes_records_sp_2025_2026.json", "")],
    "contratos_publicacao": [("contratos_page.json", "data.data"), ("contratos_page_500.json", "data"),
                             ("contratos_atualizacao_page.json", "data.data")],
    "atas_atualizacao": [("atas_atualizacao_page.json", "data.data"), ("atas_page_500.json", "data")],
    "itens": [("itens.json", ""), *[(b, "itens") for b in _BUNDLES]],
    "arquivos": [("arquivos.json", ""), ("arquivos_by_compra_400.json", "*"), *[(b, "arquivos") for b in _BUNDLES]],
    "resultados": [("resultados.json", "")],
}


def build_baseline(samples: Path) -> dict:
    out = {}
    for endpoint, sources in SAMPLES.items():
        fp = Fingerprint()
        for name, where in sources:
            doc = json.loads((samples / name).read_text(encoding="utf-8"))
            if where == "*":
                doc = [r for records in doc.values() for r in records]
            else:
                for part in filter(None, where.split(".")):
                    doc = doc[part]
            for record in doc:
                fp.add(record)
        out[endpoint] = {"records": fp.records, "types": fp.as_json(), "required": sorted(fp.required())}
    return out


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] != "build":
        raise SystemExit("usage: python -m baliza_assets.lib.drift build <samples folder>")
    BASELINE.write_text(json.dumps(build_baseline(Path(sys.argv[2])), indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {BASELINE}")
