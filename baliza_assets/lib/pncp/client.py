"""An asynchronous PNCP client built for how the real API misbehaves (API.md §4, §8).

- one bounded, adaptive concurrency limiter per API (the consulta API tolerates ~6 requests
  in flight; the detail API is separate);
- every listing walked to its last page, pages fetched concurrently once page 1 tells how many;
- 204 means "no records"; anything that is not a well-formed answer is an error, never taken for
  "no records": what the next attempt can fix (HTML with status 200, plain text under a JSON
  content type, truncated JSON) is retried; what it cannot (an envelope whose counts do not add up,
  a body over the size limit, invalid UTF-8) fails at once, after one request;
- bodies read under a size limit counted in decompressed bytes, so neither an endless body nor a
  gzip bomb can take more memory than the limit;
- retries with exponential back-off and jitter on 5xx, timeouts and connection errors; an
  adaptive back-off on 429; one retry of a 422 on a window the client itself validated;
- a circuit breaker per API that fails the work with a clear error when the API is down.

Every accepted response comes back as an :class:`Exchange` (URL and params, status, headers,
verbatim body, sha256, timings, page counters), which is what the raw archive stores.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import math
import random
import re
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import AsyncIterator, Callable, Iterable, Mapping
from urllib.parse import urlencode

import httpx

from . import endpoints as E
from .body import ACCEPT_ENCODING, read_body
from .errors import (
    BadPayload,
    CircuitOpen,
    FetchFailed,
    InvalidValue,
    PncpError,
    RejectedRequest,
    RetriesExhausted,
    TransientError,
    UnusableAnswer,
)
from .exchange import Exchange, request_key
from .refs import CompraRef, positive
from .resilience import AdaptiveLimiter, Backoff, CircuitBreaker, Slot

REAL_CONSULTA = "https://pncp.gov.br/api/consulta"
REAL_DETAIL = "https://pncp.gov.br/api/pncp"
KEPT_HEADERS = ("etag", "content-type", "content-length", "date", "last-modified", "cache-control")
# PNCP's own 404 for a compra, ata or contrato it does not know (API.md §4): "Contratação não cadastrada.",
# "Ata não cadastrada.", "Contrato não cadastrado. ...", "Item não encontrado.". Any other 404 (a route-level
# "No message available", an HTML page, an unknown body) is a fault, never "no details".
NOT_REGISTERED = re.compile(r"n[ãa]o (est[áa] )?cadastrad[oa]|n[ãa]o encontrad[oa]", re.IGNORECASE)
# A one-day window of the busiest listing holds ~9,000 records (API.md §8); 2,000 pages of 50 is 100,000.
MAX_PAGES = 2_000
MIN_CONNECT_TIMEOUT = 5.0


@dataclass(kw_only=True)
class ClientConfig:
    """How the client reaches PNCP. The fields without a default are Baliza's settings
    (``baliza_assets.settings.Settings.client_config`` gives them, from PNCP_* and BALIZA_*_SHARE)."""

    consulta_url: str
    detail_url: str
    consulta_concurrency: int
    detail_concurrency: int  # where the detail API's adaptive limit starts...
    detail_max_concurrency: int  # ...and the most it may grow to: its capacity is unknown and moves, the limiter finds it
    read_timeout: float  # real answers took at most 17.6 s; hangs run past 45 s
    connect_timeout: float = 10.0
    max_attempts: int = 6  # per request, for 5xx / timeouts / bad payloads
    max_rate_limited: int = 30  # per request, for 429s
    backoff_base: float = 1.0
    backoff_cap: float = 30.0
    rate_limit_base: float = 5.0  # first wait after a 429; doubles per consecutive 429 of a request
    rate_limit_cap: float = 60.0  # waiting 60 s always cleared real 429s
    breaker_threshold: int = 8
    breaker_cooldown: float = 60.0
    request_deadline: float = 120.0  # whole request, however slowly the body trickles in
    max_body_bytes: int = 64_000_000  # ceiling over every endpoint's own limit (Endpoint.max_bytes)
    max_pages: int = MAX_PAGES  # per listing of a one-day window
    user_agent: str = "baliza/0.1 (+https://github.com/baliza)"

    def scaled(self, factor: float) -> "ClientConfig":
        """Every wait and timeout multiplied by ``factor`` (for a sandbox with scaled latency).

        Opening a connection is not part of the simulated latency: on a busy machine a loopback
        connect can take longer than a scaled timeout, so it keeps at least ``MIN_CONNECT_TIMEOUT``.
        A whole request is given at least the read timeout: a deadline scaled below it would cut
        answers the read timeout allows.
        """
        scaled = ClientConfig(**{
            **self.__dict__,
            **{k: getattr(self, k) * factor for k in (
                "connect_timeout", "read_timeout", "backoff_base", "backoff_cap", "rate_limit_base",
                "rate_limit_cap", "breaker_cooldown", "request_deadline")},
        })
        scaled.connect_timeout = max(scaled.connect_timeout, min(self.connect_timeout, MIN_CONNECT_TIMEOUT))
        scaled.request_deadline = max(scaled.request_deadline, scaled.read_timeout)
        return scaled


@dataclass
class ClientStats:
    requests: int = 0  # HTTP attempts made
    responses_by_status: dict = field(default_factory=dict)
    retries: int = 0
    rate_limited: int = 0
    timeouts: int = 0
    bad_payloads: int = 0
    totals_changed: int = 0  # listings whose totalRegistros moved during the walk
    bytes: int = 0
    latencies: list = field(default_factory=list)  # seconds, successful exchanges

    def percentile(self, q: float) -> float | None:
        if not self.latencies:
            return None
        xs = sorted(self.latencies)
        return xs[min(len(xs) - 1, int(math.ceil(q * len(xs))) - 1)]

    def as_metadata(self) -> dict:
        return {
            "requests": self.requests, "retries": self.retries, "rate_limited_429": self.rate_limited,
            "timeouts": self.timeouts, "bad_payloads": self.bad_payloads, "bytes": self.bytes,
            "latency_p50_s": self.percentile(0.5), "latency_p95_s": self.percentile(0.95),
        }


@dataclass
class _Walk:
    """Progress of one listing (endpoint + fixed params) across its pages."""

    endpoint: E.Endpoint
    path: str
    params: tuple[tuple[str, str], ...]
    meta: dict
    scheduled: int = 1  # pages scheduled so far
    total_records: int | None = None


@dataclass
class Job:
    walk: _Walk
    page: int | None
    priority: int = 0  # lower goes first: 1 for a walk's first request, 0 for what follows from one

    @classmethod
    def first(cls, walk: _Walk, priority: int = 1) -> "Job":
        """The walk's first request: page 1, or the one request of an unpaged endpoint."""
        return cls(walk, 1 if walk.endpoint.paging != "none" else None, priority)

    @property
    def params(self) -> tuple[tuple[str, str], ...]:
        p = self.walk.params
        if self.page is not None and self.walk.endpoint.paging != "none":
            p = p + (("pagina", str(self.page)), ("tamanhoPagina", str(self.walk.endpoint.page_size)))
        return p

    @property
    def key(self) -> str:
        return request_key(self.walk.endpoint.name, self.walk.path, self.params)


class PncpClient:
    """Use as ``async with PncpClient(config) as client: ...``."""

    def __init__(self, config: ClientConfig, transport: httpx.AsyncBaseTransport | None = None,
                 rng: random.Random | None = None):
        self.config = c = config
        self.stats = ClientStats()
        self._rng = rng or random.Random()
        self._backoff = Backoff(c.backoff_base, c.backoff_cap)
        self.limiters = {"consulta": AdaptiveLimiter(c.consulta_concurrency, ceiling=c.consulta_concurrency),
                         "detail": AdaptiveLimiter(c.detail_concurrency, ceiling=c.detail_max_concurrency)}
        self.breakers = {api: CircuitBreaker(c.breaker_threshold, c.breaker_cooldown) for api in ("consulta", "detail")}
        self._bases = {"consulta": c.consulta_url.rstrip("/"), "detail": c.detail_url.rstrip("/")}
        timeout = httpx.Timeout(c.read_timeout, connect=c.connect_timeout)
        self._http = {
            api: httpx.AsyncClient(
                transport=transport, timeout=timeout, follow_redirects=False,
                headers={"User-Agent": c.user_agent, "Accept": "application/json", "Accept-Encoding": ACCEPT_ENCODING},
                # as many connections as the limit may ever grow to
                limits=httpx.Limits(max_connections=lim.ceiling + 4, max_keepalive_connections=lim.ceiling + 4),
            )
            for api, lim in self.limiters.items()
        }

    async def __aenter__(self) -> "PncpClient":
        return self

    async def __aexit__(self, *exc) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        for http in self._http.values():
            await http.aclose()

    # ---- what callers ask for ---------------------------------------------------------------------
    async def modalidades(self) -> list[int]:
        """Active modalidade codes from the official domain table (/v1/modalidades?statusAtivo=true)."""
        return (await self.modalidades_table())[0]

    async def modalidades_table(self) -> tuple[list[int], Exchange]:
        """The active modalidade codes and the exchange they came from (for the archive)."""
        ex = await self.fetch_one(E.MODALIDADES, params=(("statusAtivo", "true"),))
        rows = ex.data()
        ids = sorted({r["id"] for r in rows if isinstance(r, dict) and isinstance(r.get("id"), int) and r.get("statusAtivo", True)})
        if not ids:
            raise PncpError(E.MODALIDADES.name, ex.url, "the modalidades table came back empty")
        return ids, ex

    def listings(self, endpoint: E.Endpoint, first: date, last: date, modalidades: Iterable[int] = ()) -> list[_Walk]:
        """The walks that cover a date window: one per modalidade where the endpoint needs one."""
        if not endpoint.window:
            raise InvalidValue(f"{endpoint.name} is not a dated listing")
        if first > last:
            raise InvalidValue(f"{endpoint.name}: window {first}..{last} starts after it ends")
        if (last - first).days > 365:
            raise InvalidValue(f"{endpoint.name}: window {first}..{last} is longer than PNCP's 365 days")
        window = (("dataInicial", first.strftime("%Y%m%d")), ("dataFinal", last.strftime("%Y%m%d")))
        if not endpoint.modalidade:
            return [_Walk(endpoint, endpoint.path, window, {})]
        mods = list(modalidades)
        if not mods:
            raise InvalidValue(f"{endpoint.name} needs the list of modalidades (one call per modalidade)")
        return [_Walk(endpoint, endpoint.path, window + (("codigoModalidadeContratacao", str(positive(m, "modalidade", 1000))),),
                      {"modalidade": m}) for m in mods]

    def detail_walks(self, compras: Iterable[CompraRef], kinds: Iterable[str] = ("itens", "arquivos")) -> list[_Walk]:
        out = []
        kinds = [E.ALL[k] for k in kinds]
        for ref in compras:
            if not isinstance(ref, CompraRef):
                raise InvalidValue(f"expected a CompraRef, got {ref!r}")
            for ep in kinds:
                path = ep.path.format(cnpj=ref.cnpj, ano=ref.ano, sequencial=ref.sequencial)
                out.append(_Walk(ep, path, (), {"compra": ref.numero_controle}))
        return out

    def result_walks(self, items: Iterable[tuple[CompraRef, int]]) -> list[_Walk]:
        """One resultados request per (compra, numeroItem): PNCP has no per-compra aggregate."""
        out = []
        for ref, numero in items:
            if not isinstance(ref, CompraRef):
                raise InvalidValue(f"expected a CompraRef, got {ref!r}")
            n = positive(numero, "numeroItem", 100000)
            path = E.RESULTADOS.path.format(cnpj=ref.cnpj, ano=ref.ano, sequencial=ref.sequencial, numeroItem=n)
            out.append(_Walk(E.RESULTADOS, path, (), {"compra": ref.numero_controle, "item": n}))
        return out

    async def fetch_one(self, endpoint: E.Endpoint, params: tuple = (), **path_values) -> Exchange:
        """A single unpaged request (compra detail, resultados, modalidades)."""
        if "cnpj" in path_values:
            ref = CompraRef(path_values["cnpj"], path_values["ano"], path_values["sequencial"])
            path_values.update(cnpj=ref.cnpj, ano=ref.ano, sequencial=ref.sequencial)
        if "numeroItem" in path_values:
            path_values["numeroItem"] = positive(path_values["numeroItem"], "numeroItem", 100000)
        walk = _Walk(endpoint, endpoint.path.format(**path_values), tuple(params), {})
        return await self._fetch(Job(walk, None))

    async def stream(self, walks: Iterable[_Walk], known: Mapping[str, Exchange] | None = None,
                     expand: Callable[[Exchange], Iterable[_Walk]] | None = None) -> AsyncIterator[Exchange]:
        """Fetch every page of every walk, yielding exchanges as they complete.

        ``known`` maps request keys to exchanges already archived: those are not fetched again
        (their counters still tell how many pages follow). ``expand`` turns a fetched exchange into
        further walks, scheduled at once beside the rest (the resultados of the items an itens page
        lists), so dependent requests share the one limiter instead of waiting for a second pass.
        A request is made once however many walks ask for it. On failure, everything fetched so far
        has been yielded, then :class:`FetchFailed` is raised with every cause.
        """
        known = known or {}
        seen: set[str] = set()
        # per API, the jobs by urgency: a walk's next pages and dependent walks (priority 0) before new walks
        queues = {"consulta": asyncio.PriorityQueue(), "detail": asyncio.PriorityQueue()}
        out: asyncio.Queue = asyncio.Queue()
        errors: list[BaseException] = []
        state = {"outstanding": 0, "done": 0, "order": 0}
        DONE = object()

        def schedule(job: Job) -> None:
            if job.key in seen:
                return
            seen.add(job.key)
            previous = known.get(job.key)
            if previous is not None:
                for follow in self._follow_ups(job, previous):
                    schedule(follow)
                return
            state["outstanding"] += 1
            state["order"] += 1
            queues[job.walk.endpoint.api].put_nowait((job.priority, state["order"], job))

        async def worker(api: str) -> None:
            queue, limiter = queues[api], self.limiters[api]
            while True:
                item = await queue.get()
                await limiter.acquire()
                # the most urgent job once the slot is ours: a walk's next page or a dependent request that
                # arrived while this worker waited goes out before the job it picked
                queue.put_nowait(item)
                _, _, job = queue.get_nowait()
                try:
                    if not errors:
                        ex = await self._fetch(job, held=True)
                        for follow in self._follow_ups(job, ex):
                            schedule(follow)
                        for walk in (expand(ex) if expand else ()):
                            schedule(Job.first(walk, priority=0))
                        state["done"] += 1
                        out.put_nowait(ex)
                    else:
                        limiter.release()
                except PncpError as e:
                    errors.append(e)
                except Exception as e:  # a bug must not hang the stream
                    errors.append(e)
                finally:
                    state["outstanding"] -= 1
                    if state["outstanding"] == 0:
                        out.put_nowait(DONE)

        for walk in walks:
            schedule(Job.first(walk))
        if state["outstanding"] == 0:
            return
        workers = [asyncio.create_task(worker(api)) for api, lim in self.limiters.items() for _ in range(lim.ceiling + 4)]
        try:
            while True:
                item = await out.get()
                if item is DONE:
                    break
                yield item
        finally:
            for w in workers:
                w.cancel()
            await asyncio.gather(*workers, return_exceptions=True)
        if errors:
            raise FetchFailed(errors, state["done"])

    async def collect(self, walks: Iterable[_Walk], known: Mapping[str, Exchange] | None = None,
                      expand: Callable[[Exchange], Iterable[_Walk]] | None = None) -> list[Exchange]:
        return [ex async for ex in self.stream(walks, known, expand)]

    # ---- paging -------------------------------------------------------------------------------------
    def _follow_ups(self, job: Job, ex: Exchange) -> list[Job]:
        walk, paging = job.walk, job.walk.endpoint.paging
        if paging == "envelope":
            if ex.status != 200 or not ex.total_pages:
                return []
            if walk.total_records is None:
                walk.total_records = ex.total_records
            elif walk.total_records != ex.total_records:
                self.stats.totals_changed += 1
                walk.total_records = ex.total_records
            jobs = [Job(walk, p) for p in range(walk.scheduled + 1, ex.total_pages + 1)]
            walk.scheduled = max(walk.scheduled, ex.total_pages)
            return jobs
        if paging == "until_short":
            if ex.status == 200 and ex.records >= walk.endpoint.page_size and job.page == walk.scheduled:
                walk.scheduled += 1
                return [Job(walk, walk.scheduled)]
        return []

    # ---- one request, with retries ----------------------------------------------------------------
    async def _fetch(self, job: Job, held: bool = False) -> Exchange:
        """One request, retried; ``held``: the caller already holds a slot of the API's limiter for
        the first attempt (released here however the request ends)."""
        slot = self.limiters[job.walk.endpoint.api].slot(held)
        try:
            return await self._attempts(job, slot)
        finally:
            slot.drop()

    async def _attempts(self, job: Job, slot: Slot) -> Exchange:
        ep = job.walk.endpoint
        api = ep.api
        url = self._bases[api] + job.walk.path + ("?" + urlencode(job.params) if job.params else "")
        limiter, breaker = self.limiters[api], self.breakers[api]
        attempts = rate_limited = unprocessable = 0
        while True:
            if not breaker.allow():
                raise CircuitOpen(ep.name, url, f"the {api} API circuit is open after {breaker.failures} consecutive "
                                                f"failures (last: {breaker.last_failure}); not calling a dead API")
            attempts += 1
            self.stats.requests += 1
            started_at = datetime.now(timezone.utc)
            t0 = time.monotonic()
            try:
                async with slot:
                    sent = time.monotonic()  # the API's latency, not the wait for a slot
                    response, body = await self._get(api, ep, url)
                elapsed = time.monotonic() - sent
                self.stats.responses_by_status[response.status_code] = self.stats.responses_by_status.get(response.status_code, 0) + 1
                ex = self._accept(job, url, response, body, started_at, elapsed, attempts)
            except TransientError as e:
                if e.rate_limited:
                    rate_limited += 1
                    self.stats.rate_limited += 1
                    wait = min(self.config.rate_limit_cap, self.config.rate_limit_base * 2 ** (rate_limited - 1))
                    wait = wait / 2 + self._rng.uniform(0, wait / 2)
                    limiter.rate_limited(wait)
                    if rate_limited >= self.config.max_rate_limited:
                        raise RetriesExhausted(ep.name, url, f"still rate limited (HTTP 429) after {rate_limited} tries") from e
                    attempts -= 1  # 429s have their own budget
                else:
                    if isinstance(e, BadPayload):
                        self.stats.bad_payloads += 1
                    elif e.status is None or e.status >= 500:
                        limiter.error()
                    breaker.failure(f"{e.cause} on {job.walk.path}")
                    if attempts >= self.config.max_attempts:
                        raise RetriesExhausted(ep.name, url, f"{e.cause}, still failing after {attempts} attempts") from e
                    wait = self._backoff.delay(attempts, self._rng)
                self.stats.retries += 1
                await asyncio.sleep(wait)
                continue
            except UnusableAnswer:
                self.stats.bad_payloads += 1
                breaker.success()  # the API answered; asking again gets the same wrong answer
                raise
            except RejectedRequest as e:
                if e.status == 422 and unprocessable == 0 and ep.window:
                    unprocessable += 1  # PNCP sends spurious 422s on valid windows: retry once
                    self.stats.retries += 1
                    await asyncio.sleep(self._backoff.delay(1, self._rng))
                    continue
                breaker.success()  # the API answered; the request is what is wrong
                raise
            except (httpx.TimeoutException, httpx.TransportError) as e:
                kind = "timeout" if isinstance(e, httpx.TimeoutException) else "connection error"
                if isinstance(e, httpx.TimeoutException):
                    self.stats.timeouts += 1
                limiter.error()
                detail = f"{type(e).__name__}: {e}" if "did not finish" in str(e) else type(e).__name__
                cause = f"{kind} ({detail}) after {time.monotonic() - t0:.1f} s"
                breaker.failure(f"{cause} on {job.walk.path}")
                if attempts >= self.config.max_attempts:
                    raise RetriesExhausted(ep.name, url, f"{cause}, still failing after {attempts} attempts") from e
                self.stats.retries += 1
                await asyncio.sleep(self._backoff.delay(attempts, self._rng))
                continue
            breaker.success()
            limiter.success(elapsed)
            self.stats.bytes += len(body)
            self.stats.latencies.append(ex.elapsed_s)
            return ex

    async def _get(self, api: str, ep: E.Endpoint, url: str) -> tuple[httpx.Response, bytes]:
        """One GET, its body read under ``max_body_bytes`` (decompressed) and the whole request under ``request_deadline``."""
        limit = min(self.config.max_body_bytes, ep.max_bytes)

        async def read() -> tuple[httpx.Response, bytes]:
            async with self._http[api].stream("GET", url) as response:
                return response, await read_body(response, limit, ep.name, url)

        try:
            return await asyncio.wait_for(read(), self.config.request_deadline)
        except asyncio.TimeoutError:
            raise httpx.ReadTimeout(f"the request did not finish within {self.config.request_deadline:.0f} s") from None

    def _accept(self, job: Job, url: str, response: httpx.Response, body: bytes, started_at: datetime,
                elapsed: float, attempts: int) -> Exchange:
        """Turn a response into an Exchange, or raise what it really is."""
        ep, status = job.walk.endpoint, response.status_code
        ctype = response.headers.get("content-type", "")
        snippet = body[:120].decode("utf-8", "replace").replace("\n", " ")
        if status == 429:
            raise TransientError(ep.name, url, "rate limited (HTTP 429)", status, rate_limited=True)
        if status >= 500:
            raise TransientError(ep.name, url, f"HTTP {status} ({ctype or 'no content type'}): {snippet!r}", status)
        if status in (400, 422):
            raise RejectedRequest(ep.name, url, f"HTTP {status}: {_message(body) or snippet!r}", status)
        counters: dict = {}
        records, doc = 0, None
        if status == 204:
            if body.strip():
                raise UnusableAnswer(ep.name, url, f"HTTP 204 with a body: {snippet!r}", status)
        elif status == 404 and ep.api == "detail" and ep.name != "modalidades":
            message = _message(body) if "json" in ctype else None
            if not message or not NOT_REGISTERED.search(message):
                raise TransientError(ep.name, url, f"HTTP 404 that is not PNCP's \"not registered\" answer "
                                                   f"(a moved route or a wrong base URL?): {snippet!r}", status)
        elif status == 200:
            doc = self._parse_json(ep, url, ctype, body, snippet)
            if ep.paging == "envelope":
                counters = _check_envelope(ep, url, doc, job.page, self.config.max_pages)
                records = len(doc["data"])
            elif ep.paging == "until_short" or ep.name in ("resultados", "modalidades"):
                if not isinstance(doc, list):
                    raise UnusableAnswer(ep.name, url, f"expected a JSON array, got {type(doc).__name__}", status)
                records = len(doc)
            else:
                if not isinstance(doc, dict):
                    raise UnusableAnswer(ep.name, url, f"expected a JSON object, got {type(doc).__name__}", status)
                records = 1
        else:
            raise RejectedRequest(ep.name, url, f"unexpected HTTP {status}: {snippet!r}", status)
        headers = {k: response.headers[k] for k in KEPT_HEADERS if k in response.headers}
        return Exchange(
            endpoint=ep.name, api=ep.api, path=job.walk.path, params=job.params, url=url, status=status,
            headers=headers, body=body, sha256=hashlib.sha256(body).hexdigest(), started_at=started_at,
            elapsed_s=elapsed, attempts=attempts, page=job.page, records=records, meta=dict(job.walk.meta),
            total_pages=counters.get("totalPaginas"), total_records=counters.get("totalRegistros"), doc=doc,
        )

    @staticmethod
    def _parse_json(ep: E.Endpoint, url: str, ctype: str, body: bytes, snippet: str):
        if "json" not in ctype.lower():
            raise BadPayload(ep.name, url, f"HTTP 200 with {ctype or 'no content type'} where JSON was expected: {snippet!r}", 200)
        if not body.strip():
            raise BadPayload(ep.name, url, "HTTP 200 with an empty body", 200)
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as e:
            if e.reason == "unexpected end of data":  # the last character is cut in two: the body was cut short
                raise BadPayload(ep.name, url, f"HTTP 200 with a body cut short inside a UTF-8 character ({len(body)} bytes)", 200) from None
            raise UnusableAnswer(ep.name, url, f"HTTP 200 with a body that is not valid UTF-8 ({e.reason} at byte {e.start:,}: "
                                               f"{body[e.start:e.start + 8]!r}; {len(body)} bytes)", 200) from None
        try:
            return json.loads(text.removeprefix("\ufeff"))
        except json.JSONDecodeError as e:
            raise BadPayload(ep.name, url, f"HTTP 200 with a body that is not valid JSON ({e}; {len(body)} bytes)", 200) from None
        except RecursionError:
            raise UnusableAnswer(ep.name, url, f"HTTP 200 with JSON nested too deeply to decode ({len(body)} bytes)", 200) from None


def _check_envelope(ep: E.Endpoint, url: str, doc, page: int | None, max_pages: int = MAX_PAGES) -> dict:
    if not isinstance(doc, dict) or not isinstance(doc.get("data"), list):
        raise UnusableAnswer(ep.name, url, "HTTP 200 without the {data, totalRegistros, totalPaginas, ...} envelope", 200)
    counters = {}
    for k in ("totalRegistros", "totalPaginas", "numeroPagina"):
        v = doc.get(k)
        if not isinstance(v, int) or isinstance(v, bool) or v < 0:
            raise UnusableAnswer(ep.name, url, f"envelope field {k}={v!r} is not a non-negative integer", 200)
        counters[k] = v
    total, pages, number, n = counters["totalRegistros"], counters["totalPaginas"], counters["numeroPagina"], len(doc["data"])
    if number != page:
        raise UnusableAnswer(ep.name, url, f"asked for page {page}, got numeroPagina={number}", 200)
    if pages != math.ceil(total / ep.page_size):
        raise UnusableAnswer(ep.name, url, f"totalPaginas={pages} does not fit totalRegistros={total} at {ep.page_size} per page", 200)
    if pages > max_pages:
        raise UnusableAnswer(ep.name, url, f"totalPaginas={pages} (totalRegistros={total}) is beyond the {max_pages:,} pages "
                                           "a one-day listing can hold; not walking it", 200)
    expected = ep.page_size if page < pages else total - (pages - 1) * ep.page_size
    if page <= pages and n != expected:
        raise UnusableAnswer(ep.name, url, f"page {page}/{pages} holds {n} records, expected {expected} (a short or truncated page)", 200)
    return counters


def _message(body: bytes) -> str | None:
    try:
        doc = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        return None
    return doc.get("message") if isinstance(doc, dict) else None
