"""Print what the warehouse holds for a day (or, without one, for every day): the API requests
archived, the staging rows, the marts and the changes CDC recorded, each line saying what it counts.

    python -m baliza_assets.cli.summary 2025-07-10
"""

from __future__ import annotations

import sys
from datetime import date

from ..lib import warehouse
from ..lib.cdc.targets import TARGETS
from ..lib.staging import ENTITIES
from ..settings import Settings

STAGING = tuple(ENTITIES)
CDC = tuple(TARGETS)
# mart -> its day column (the rows of a day), or None: the mart is built over every day at once
MARTS = {"daily_spend": "data", "price_evidence": "arquivado_em_particao", "item_price_references": None,
         "supplier_profiles": None, "buyer_profiles": None}
W = 24  # width of the name column


def _exists(con, schema: str, table: str) -> bool:
    return bool(con.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = ? "
                            "AND table_name = ?", [schema, table]).fetchone()[0])


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def lines(con, day: date | None) -> list[str]:
    """The summary of ``day`` (None: every day) from an open warehouse connection."""
    scope = f"partition {day}" if day else "all partitions"
    where, params = ("WHERE partition_date = ?", [day]) if day else ("", [])
    out = []

    out.append(f"raw: API requests archived in {scope}, per raw table and endpoint: requests, records their "
               "pages list, JSON payload size")
    if _exists(con, "raw", "api_requests"):
        for table, endpoint, n, records, json_bytes in con.execute(
                f"SELECT raw_table, endpoint, count(*), sum(records), sum(payload_bytes) FROM raw.api_requests "
                f"{where} GROUP BY 1, 2 ORDER BY 1, 2", params).fetchall():
            out.append(f"  {table:<{W - 4}} {endpoint:<{W + 1}} {n:>6} requests {int(records or 0):>8} records "
                       f"{(json_bytes or 0) / 1e6:>8.1f} MB JSON")
    else:
        out.append(f"  {'raw.api_requests':<{W}} not built")

    out.append(f"staging: rows of {scope} per table (one per record and source that showed it), and the records "
               "refused")
    for table in (*STAGING, "rejects"):
        if not _exists(con, "staging", table):
            out.append(f"  {table:<{W}} not built")
        elif table == "rejects":
            n = con.execute(f"SELECT count(*) FROM staging.{table} {where}", params).fetchone()[0]
            out.append(f"  {table:<{W}} {n:>6} rows (records refused by validation)")
        else:
            by_source = con.execute(f"SELECT source, count(*) FROM staging.{table} {where} GROUP BY 1 ORDER BY 1",
                                    params).fetchall()
            n = sum(k for _, k in by_source)
            out.append(f"  {table:<{W}} {n:>6} rows" + (": " + ", ".join(f"{s} {k}" for s, k in by_source)
                                                        if by_source else ""))

    out.append(f"marts: rows of {day} where the mart has a day column, else the whole table (all days)" if day
               else "marts: rows of the whole table (all days)")
    for table, column in MARTS.items():
        if not _exists(con, "marts", table):
            out.append(f"  {table:<{W}} not built")
        elif day and column:
            n = con.execute(f"SELECT count(*) FROM marts.{table} WHERE {column} = ?", [day]).fetchone()[0]
            out.append(f"  {table:<{W}} {n:>6} rows with {column} = {day}")
        else:
            n = con.execute(f"SELECT count(*) FROM marts.{table}").fetchone()[0]
            out.append(f"  {table:<{W}} {n:>6} rows (all days)")

    out.append(f"cdc: per entity, summed over the captures of {scope}: records observed (a record seen by two "
               "sources counts twice; captures that changed nothing are not counted) and the changes recorded "
               "(first seen I, updated U, deleted D)")
    snapshots = {}
    if _exists(con, "cdc", "snapshots"):
        snapshots = {e: (n, int(rows or 0)) for e, n, rows in con.execute(
            f"SELECT entity, count(*), sum(rows) FROM cdc.snapshots {where} GROUP BY 1", params).fetchall()}
    for entity in CDC:
        if not _exists(con, "cdc", f"{entity}_changes"):
            out.append(f"  {entity:<{W}} not built")
            continue
        ops = dict(con.execute(f"SELECT op, count(*) FROM cdc.{entity}_changes {where} GROUP BY 1",
                               params).fetchall())
        captures, observed = snapshots.get(entity, (0, 0))
        out.append(f"  {entity:<{W}} {observed:>6} records observed in {_plural(captures, 'capture')}: "
                   f"{ops.get('I', 0)} first seen, {ops.get('U', 0)} updated, {ops.get('D', 0)} deleted")
    return out


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    day = date.fromisoformat(argv[0]) if argv else None
    settings = Settings.from_env(strict=False)
    catalog = settings.warehouse_catalog()
    with warehouse.connect(catalog, settings.lake(), settings.s3, read_only=True) as con:
        print(f"Warehouse {catalog.describe()}" + (f", day {day}" if day else ", all days"))
        for line in lines(con, day):
            print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
