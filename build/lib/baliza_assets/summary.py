"""Print what the warehouse holds for a day: requests archived, staging rows, marts, CDC captures.

    python -m baliza_assets.summary 2025-07-10
"""

from __future__ import annotations

import sys
from datetime import date

from .lib import warehouse
from .lib.staging import ENTITIES
from .settings import Settings

STAGING = tuple(ENTITIES)
MARTS = ("daily_spend", "price_evidence", "item_price_references", "supplier_profiles", "buyer_profiles")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    day = date.fromisoformat(argv[0]) if argv else None
    settings = Settings.from_env(strict=False)
    path = settings.duckdb_path
    with warehouse.connect(path, settings.lake(), settings.s3, read_only=True) as con:
        where, params = ("WHERE partition_date = ?", [day]) if day else ("", [])
        print(f"Warehouse {path}" + (f", day {day}" if day else ""))
        for endpoint, n, records, json_bytes in con.execute(
                f"SELECT endpoint, count(*), sum(records), sum(payload_bytes) FROM raw.api_requests {where} "
                "GROUP BY 1 ORDER BY 1", params).fetchall():
            print(f"  raw        {endpoint:<24} {n:>6} requests {records:>8} records {json_bytes / 1e6:>8.1f} MB JSON")
        for table in STAGING:
            n = con.execute(f"SELECT count(*) FROM staging.{table} {where}", params).fetchone()[0]
            print(f"  staging    {table:<24} {n:>6} rows")
        rejected = con.execute(f"SELECT count(*) FROM staging.rejects {where}", params).fetchone()[0]
        print(f"  staging    {'rejects':<24} {rejected:>6} rows")
        for table in MARTS:
            n = con.execute(f"SELECT count(*) FROM marts.{table}").fetchone()[0]
            print(f"  marts      {table:<24} {n:>6} rows")
        for entity, sources, rows, i, u, d in con.execute(
                f"SELECT entity, sources, rows, inserts, updates, deletes FROM cdc.snapshots {where} "
                "ORDER BY entity, cdc_at", params).fetchall():
            print(f"  cdc        {entity:<24} {rows:>6} records observed ({sources}: {i} I, {u} U, {d} D)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
