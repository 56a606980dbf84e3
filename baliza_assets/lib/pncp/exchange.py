"""One HTTP exchange with PNCP, carrying everything the raw archive needs."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Exchange:
    endpoint: str  # Endpoint.name
    api: str
    path: str  # the concrete path, relative to the API base
    params: tuple[tuple[str, str], ...]  # query parameters in the order sent
    url: str
    status: int
    headers: dict  # response headers the archive keeps (etag, content-type, ...)
    body: bytes  # verbatim
    sha256: str
    started_at: datetime  # UTC
    elapsed_s: float
    attempts: int  # 1 when the first try succeeded
    page: int | None = None  # numeroPagina requested (paged endpoints)
    total_pages: int | None = None  # totalPaginas reported (envelope endpoints)
    total_records: int | None = None  # totalRegistros reported (envelope endpoints)
    records: int = 0  # records in this body
    meta: dict = field(default_factory=dict)  # caller context, e.g. {"modalidade": 6}
    doc: object = field(default=None, compare=False, repr=False)  # the body as the client decoded it on arrival

    @property
    def key(self) -> str:
        """Identity of the request (endpoint, path and parameters), independent of when it ran."""
        return request_key(self.endpoint, self.path, self.params)

    @property
    def etag(self) -> str | None:
        return self.headers.get("etag")

    @property
    def gone(self) -> bool:
        """The detail API answered that the compra no longer exists (404 with PNCP's body)."""
        return self.status == 404

    def data(self) -> list[dict]:
        """The records in the body (empty for 204 and 404), from the client's decode on arrival when
        there was one: a page is decoded once to check it, and once more only to type it."""
        if self.status != 200 or not self.body:
            return []
        return records_of(self.doc if self.doc is not None else json.loads(self.body))


def records_of(doc) -> list:
    """The records of a decoded PNCP body, whatever its shape: a consulta envelope's ``data``, a detail
    API's bare array, or one record (a compra's detail). The one place a payload becomes records."""
    if isinstance(doc, dict) and "data" in doc:
        return doc["data"]
    if isinstance(doc, list):
        return doc
    return [doc]


def request_key(endpoint: str, path: str, params) -> str:
    query = "&".join(f"{k}={v}" for k, v in params)
    return f"{endpoint} {path}?{query}" if query else f"{endpoint} {path}"
