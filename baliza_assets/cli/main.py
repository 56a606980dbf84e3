"""The `baliza` command: what an operator runs beside Dagster's own CLI and UI.

    baliza doctor                                 configuration and reachability of PNCP, lake, warehouse, Dagster
    baliza verify --from D --to D                 partitions missing, failed, or failing a blocking check
    baliza fetch-payload SHA256                   an archived PNCP payload, verbatim
    baliza query "SELECT ..." [--format csv]      read-only SQL against the warehouse
                  [--as-of SNAPSHOT]              ...as it was at a snapshot (id or time)
    baliza retry-failed --from D --to D           relaunch failed partitions as one backfill
    baliza backfill-plan --from D --to D          requests per API and the expected duration of a backfill
    baliza precos "DESCRIPTION" [--codigo CODE]   price research: homologated prices, their spread, outliers
                  [--uf UF] [--format html ...]   removed, as a table, CSV, XLSX or an HTML report
    baliza backup DEST [--lake] [--runs]          a consistent copy of the warehouse and a manifest of the lake
                                                  (--lake: a copy of it, --runs: Dagster's run records)
    baliza restore SRC [--force]                  a backup put back: warehouse, lake, run records
    baliza publish DEST [--as-of SNAPSHOT]        the archive at a snapshot, for anyone with DuckDB to attach
    baliza migrate-warehouse                      the DuckDB file of earlier versions copied into the warehouse

Configuration comes from the same environment variables as the code location (README).
"""

from __future__ import annotations

import argparse
import sys
from datetime import date

from . import pipes


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def _seconds(text: str) -> float:
    from ..settings import seconds

    if reason := seconds(text):
        raise argparse.ArgumentTypeError(f"{text!r}: {reason}")
    return float(text)


def _instance():
    import dagster as dg

    return dg.DagsterInstance.get()


def parser() -> argparse.ArgumentParser:
    from ..settings import Settings

    p = argparse.ArgumentParser(prog="baliza", description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__.split("\n\n")[1])
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("doctor", help="check configuration and reachability")
    for name, text in (("verify", "report missing, failed and check-failing partitions"),
                       ("retry-failed", "relaunch failed partitions through the webserver"),
                       ("backfill-plan", "what a backfill asks of PNCP, and how long it takes")):
        s = sub.add_parser(name, help=text)
        s.add_argument("--from", dest="first", type=_day, required=True)
        s.add_argument("--to", dest="last", type=_day, required=True)
        if name == "retry-failed":
            s.add_argument("--webserver", default="http://127.0.0.1:3000", help="the Dagster webserver URL")
            s.add_argument("--dry-run", action="store_true", help="only say what would be relaunched")
    s = sub.add_parser("fetch-payload", help="print an archived payload")
    s.add_argument("sha256")
    s = sub.add_parser("query", help="read-only SQL against the warehouse")
    s.add_argument("sql")
    s.add_argument("--format", choices=("table", "csv", "json"), default="table")
    s.add_argument("--timeout", type=_seconds, metavar="SECONDS",
                   help="stop the query after this long (default: BALIZA_QUERY_TIMEOUT, or "
                        f"{Settings.default('query_timeout'):g})")
    s.add_argument("--as-of", dest="as_of", metavar="SNAPSHOT",
                   help="read the warehouse as it was at this snapshot: an id from baliza.snapshots(), or a time "
                        "(2025-07-12 08:00:00+00)")
    shown = s.add_mutually_exclusive_group()
    shown.add_argument("-x", "--vertical", dest="layout", action="store_const", const="vertical", default="auto",
                       help="one record at a time, a column a line (default: when a row is wider than the terminal)")
    shown.add_argument("--wide", dest="layout", action="store_const", const="wide",
                       help="columns side by side, however wide")
    from . import precos
    precos.add_parser(sub)
    s = sub.add_parser("backup", help="copy the warehouse and write a lake manifest")
    s.add_argument("dest")
    s.add_argument("--lake", action="store_true", help="copy the lake too")
    s.add_argument("--runs", action="store_true", help="copy the Dagster instance's run records too")
    s = sub.add_parser("restore", help="put a backup back")
    s.add_argument("src")
    s.add_argument("--force", action="store_true",
                   help="replace an existing warehouse and the lake objects the backup holds; add the runs "
                        "the instance lacks")
    s = sub.add_parser("publish", help="publish the archive at a snapshot (a folder or s3://bucket/prefix)")
    s.add_argument("dest")
    s.add_argument("--as-of", dest="as_of", metavar="SNAPSHOT", help="the snapshot to publish (default: the current)")
    sub.add_parser("migrate-warehouse", help="copy the DuckDB file of earlier versions (BALIZA_DUCKDB_PATH) into "
                                             "the warehouse")
    from . import examples
    examples.describe(sub)
    return p


@pipes.quiet_when_closed
def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    from ..settings import Settings

    settings, out = Settings.from_env(strict=False), sys.stdout  # doctor reports what is refused
    try:
        if args.command == "doctor":
            from . import doctor
            return doctor.run(settings, out)
        if args.command == "verify":
            from . import verify
            with _instance() as instance:
                return verify.run(instance, args.first, args.last, out)
        if args.command == "retry-failed":
            from . import retry
            with _instance() as instance:
                return retry.run(instance, args.first, args.last, args.webserver, args.dry_run, out)
        if args.command == "backfill-plan":
            from . import plan
            return plan.run(settings.lake(), args.first, args.last, out)
        if args.command == "fetch-payload":
            from . import payload
            out.flush()
            sys.stdout.buffer.write(payload.fetch(settings.lake(), args.sha256))
            sys.stdout.buffer.flush()
            return 0
        if args.command == "query":
            from . import query
            return query.run(args.sql, settings, args.format, out, query.statement_timeout(args.timeout, settings),
                             args.as_of, args.layout)
        if args.command == "precos":
            from . import precos
            return precos.run(args, settings, out)
        if args.command == "backup":
            from pathlib import Path

            from . import backup
            if args.runs:
                with _instance() as instance:
                    manifest = backup.backup(settings, Path(args.dest), args.lake, instance)
            else:
                manifest = backup.backup(settings, Path(args.dest), args.lake)
            data = manifest["warehouse"]["data"]["files"]
            out.write(f"{args.dest}: warehouse catalog copy {manifest['warehouse']['bytes']:,} bytes "
                      f"({len(manifest['warehouse']['tables'])} tables, snapshot {manifest['warehouse']['snapshot']}) "
                      f"and its {len(data)} data files ({sum(f['bytes'] for f in data):,} bytes), lake manifest of "
                      f"{manifest['lake']['objects']} objects ({manifest['lake']['bytes']:,} bytes)"
                      + (", copied" if args.lake else "")
                      + (f"; {manifest['dagster']['runs']} runs" if manifest["dagster"] else "") + "\n")
            return 0
        if args.command == "restore":
            import os
            from pathlib import Path

            from . import restore
            settings = Settings.from_env()  # never into a default path standing for a refused one
            if not os.environ.get("DAGSTER_HOME"):
                return restore.run(settings, Path(args.src), None, args.force, out)
            with _instance() as instance:
                return restore.run(settings, Path(args.src), instance, args.force, out)
        if args.command == "publish":
            from . import publish
            return publish.run(Settings.from_env(), args.dest, args.as_of, out)
        if args.command == "migrate-warehouse":
            from . import migrate
            return migrate.run(Settings.from_env(), out)
    except BrokenPipeError:
        raise  # the reader went away: pipes.quiet_when_closed ends quietly
    except Exception as e:  # an operator gets the reason in one line, not a traceback
        print(f"baliza {args.command}: {e}", file=sys.stderr)
        return 2
    return 2

