"""What each `baliza` subcommand does, with an example, for its ``--help``."""

from __future__ import annotations

import argparse

HELP = {
    "doctor": ("Check this deployment: the configuration (every variable, and what is refused), and whether "
               "PNCP, the lake, the warehouse and Dagster can be reached.",
               ["baliza doctor"]),
    "verify": ("What was asked against what is done, per asset, over a range of days: days done, missing, "
               "failed, in progress or failing a blocking check, then each such partition.",
               ["baliza verify --from 2025-07-01 --to 2025-07-31"]),
    "retry-failed": ("Relaunch, as one backfill through the Dagster webserver, every partition of the range "
                     "whose latest run failed or whose blocking check failed, with what depends on it.",
                     ["baliza retry-failed --from 2025-07-01 --to 2025-07-31 --dry-run",
                      "baliza retry-failed --from 2025-07-01 --to 2025-07-31 --webserver http://127.0.0.1:3000"]),
    "backfill-plan": ("What a backfill of the range asks of PNCP (requests per API) and how long it takes, once "
                      "the daily work has had its share; days archived already are not fetched again.",
                      ["baliza backfill-plan --from 2021-01-01 --to 2026-12-01"]),
    "fetch-payload": ("Print an archived PNCP answer verbatim, by the sha256 the warehouse cites "
                      "(payload_sha256).",
                      ["baliza fetch-payload 3f5a...e9 > answer.json"]),
    "query": ("Read-only SQL against the warehouse (staging, cdc, marts; the lake's raw requests as "
              "raw.api_requests), as it is or as it was at a snapshot. Several statements print one result "
              "each. A result wider than the terminal is shown one record at a time (-x always, --wide never).",
              ["baliza query \"SELECT uf, sum(contratacoes) FROM marts.daily_spend GROUP BY uf ORDER BY 2 DESC\"",
               "baliza query -x \"SELECT * FROM marts.price_evidence LIMIT 3\"",
               "baliza query \"SELECT * FROM marts.daily_spend\" --format csv > spend.csv",
               "baliza query \"SELECT count(*) FROM cdc.contratacoes_current\" --as-of 12"]),
    "backup": ("A consistent copy of the warehouse (its catalog and data files) and a manifest of the lake, "
               "into DEST; --lake copies the lake too, --runs Dagster's run records.",
               ["baliza backup /backups/2025-07-31 --lake --runs"]),
    "restore": ("Put a backup made by `baliza backup` back: the warehouse, the lake's copy and the run records "
                "it holds, after checking every file against its sha256; --force replaces what is there.",
                ["baliza restore /backups/2025-07-31"]),
    "publish": ("Publish the archive as it is at a snapshot, for readers with nothing but DuckDB: a DuckLake "
                "catalog pinned to it, its data files, the raw archive, and manifest.json (each table's "
                "columns and rows, every file's sha256, the ATTACH statement), into a new folder or an S3 prefix.",
                ["baliza publish /srv/baliza/2025-07-31",
                 "baliza publish s3://archive/baliza/2025-07-31 --as-of 412"]),
    "migrate-warehouse": ("Copy every table of the DuckDB file of earlier versions (BALIZA_DUCKDB_PATH) into "
                          "the DuckLake warehouse, comparing each table's rows and checksum; the file is left "
                          "as it was.",
                          ["baliza migrate-warehouse"]),
}


def describe(sub) -> None:
    """Give each subcommand's ``--help`` what it does and its examples (a subcommand that states its own
    examples keeps them)."""
    for name, parser in sub.choices.items():
        if name not in HELP or parser.epilog:
            continue
        text, examples = HELP[name]
        parser.description = text
        parser.epilog = "examples:\n" + "\n".join(f"  {e}" for e in examples)
        parser.formatter_class = argparse.RawDescriptionHelpFormatter
