"""Is the archive complete? Per listing (endpoint + params, e.g. one modalidade), the records
archived must equal the totalRegistros PNCP reported, and every page must be there."""

from __future__ import annotations

import json

import polars as pl

from .pncp import endpoints as E

_PAGING = ("pagina", "tamanhoPagina")

PROBLEMS_SCHEMA = {"partition_date": pl.Date, "endpoint": pl.String, "listing": pl.String, "reported_records": pl.Int64,
                   "archived_records": pl.Int64, "reported_pages": pl.Int64, "missing_pages": pl.String,
                   "problem": pl.String}


def listing_key(path: str, params: str) -> str:
    """A listing's name: its path and parameters without the paging ones."""
    kept = {k: v for k, v in json.loads(params).items() if k not in _PAGING}
    return path + ("?" + "&".join(f"{k}={v}" for k, v in kept.items()) if kept else "")


def reconcile(archived: pl.DataFrame) -> pl.DataFrame:
    """One row per incomplete listing (empty when the archive is complete)."""
    rows = archived.select("partition_date", "endpoint", "path", "params", "http_status", "numero_pagina",
                           "total_paginas", "total_registros", "records")
    problems = []
    listings = rows.with_columns(listing=pl.struct("path", "params").map_elements(
        lambda s: listing_key(s["path"], s["params"]), return_dtype=pl.String))
    for (day, endpoint, listing), group in listings.group_by(["partition_date", "endpoint", "listing"]):
        ep = E.ALL.get(endpoint)
        if ep is None or ep.paging == "none":
            continue
        pages = {p for p in group["numero_pagina"].to_list() if p is not None}
        archived_records = int(group["records"].sum())
        if ep.paging == "envelope":
            first = group.filter(pl.col("numero_pagina") == 1)
            reported = first["total_registros"].max() if len(first) else None
            total_pages = first["total_paginas"].max() if len(first) else None
            if first.is_empty():
                problem, missing = "page 1 is missing", [1]
            elif first["http_status"].max() == 204:
                continue  # PNCP said: no records
            else:
                missing = sorted(set(range(1, (total_pages or 0) + 1)) - pages)
                empty = sorted(group.filter((pl.col("http_status") == 204) & (pl.col("numero_pagina") > 1))
                               ["numero_pagina"].to_list())
                problem = None
                if missing:
                    problem = f"pages {_ranges(missing)} of {total_pages} are missing"
                elif archived_records != reported:
                    problem = f"{archived_records} records archived, PNCP reported {reported}"
                    if empty:
                        problem = f"pages {_ranges(empty)} of {total_pages} came back empty (HTTP 204); " + problem
                        missing = empty
            if problem:
                problems.append((day, endpoint, listing, reported, archived_records, total_pages,
                                 _ranges(missing) if missing else "", problem))
        else:  # until_short: pages 1..n, only the last one short
            last = max(pages) if pages else 0
            missing = sorted(set(range(1, last + 1)) - pages)
            last_rows = group.filter(pl.col("numero_pagina") == last)
            full_last = len(last_rows) and last_rows["http_status"].max() == 200 and last_rows["records"].max() >= ep.page_size
            problem = None
            if missing:
                problem = f"pages {_ranges(missing)} are missing"
            elif full_last:
                problem = f"page {last} is full ({ep.page_size} records) and no page follows it"
            if problem:
                problems.append((day, endpoint, listing, None, archived_records, None, _ranges(missing), problem))
    out = pl.DataFrame(problems, schema=PROBLEMS_SCHEMA, orient="row")
    return out.sort(["partition_date", "endpoint", "listing"])


def _ranges(numbers: list[int]) -> str:
    out, start, prev = [], None, None
    for n in numbers:
        if start is None:
            start = prev = n
        elif n == prev + 1:
            prev = n
        else:
            out.append(f"{start}" if start == prev else f"{start}-{prev}")
            start = prev = n
    if start is not None:
        out.append(f"{start}" if start == prev else f"{start}-{prev}")
    return ",".join(out)
