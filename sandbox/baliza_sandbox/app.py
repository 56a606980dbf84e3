"""The PNCP sandbox as an ASGI application: both PNCP APIs on their real paths.

- consulta API under ``/api/consulta`` (listing envelopes, 204 when empty, Spring 400 and
  PNCP 422 bodies as captured);
- detail API under ``/api/pncp`` (bare arrays, itens paged 10 by default, 204 for no arquivos or
  resultados, 404 bodies for unknown compras, the modalidades domain table).

Serve it in-process with ``httpx.ASGITransport(app=Sandbox(...).app)`` or over a socket with
``python -m baliza_sandbox serve``.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import math
import random
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from . import faults as F
from . import records
from .world import World

INTERNAL_CONSULTA = "/pncp-consulta"
PAGE_LIMITS = {"contratacoes": (10, 50), "contratos": (10, 500), "atas": (10, 500)}
BRT = timezone(timedelta(hours=-3))


class ApiError(Exception):
    def __init__(self, status: int, body: dict | str, content_type: str = "application/json"):
        self.status, self.body, self.content_type = status, body, content_type


def _spring_400(message: str, path: str) -> ApiError:
    now = datetime.now(timezone.utc).isoformat(timespec="milliseconds")
    return ApiError(400, {"timestamp": now, "status": 400, "error": "Bad Request", "message": message, "path": path})


def _pncp_422(message: str, path: str) -> ApiError:
    now = datetime.now(BRT).isoformat(timespec="milliseconds")
    return ApiError(422, {"path": path, "message": message, "error": "422 UNPROCESSABLE_ENTITY", "timestamp": now, "status": "422"})


def _pncp_404(message: str, path: str) -> ApiError:
    now = datetime.now(BRT).isoformat(timespec="milliseconds")
    return ApiError(404, {"timestamp": now, "status": "404", "error": "404 NOT_FOUND", "message": message, "path": path})


_JAVA = {"Long": "java.lang.Long", "Integer": "java.lang.Integer", "String": "java.lang.String"}


class Params:
    """Query parameters with Spring's validation messages."""

    def __init__(self, request: Request, internal_path: str):
        self.q = request.query_params
        self.path = internal_path

    def required(self, name: str, java: str = "String") -> str:
        value = self.q.get(name)
        if value is None or value == "":
            raise _spring_400(f"Required request parameter '{name}' for method parameter type {java} is not present", self.path)
        return value

    def integer(self, name: str, java: str = "Integer", default: int | None = None, required: bool = False) -> int | None:
        raw = self.required(name, java) if required else self.q.get(name)
        if raw is None or raw == "":
            return default
        try:
            return int(raw)
        except ValueError:
            raise _spring_400(
                f"Failed to convert value of type 'java.lang.String' to required type '{_JAVA[java]}'; "
                f'nested exception is java.lang.NumberFormatException: For input string: "{raw}"',
                self.path,
            ) from None

    def window(self, first: str = "dataInicial", last: str = "dataFinal") -> tuple[date, date]:
        a, b = self.required(first), self.required(last)
        try:
            d1, d2 = datetime.strptime(a, "%Y%m%d").date(), datetime.strptime(b, "%Y%m%d").date()
        except ValueError:
            raise _pncp_422("Formato de data inválido. Use o formato AAAAMMDD.", self.path) from None
        if d1 > d2:
            raise _pncp_422("Data Inicial deve ser anterior ou igual à Data Final", self.path)
        if (d2 - d1).days > 365:
            raise _pncp_422("Período inicial e final maior que 365 dias.", self.path)
        return d1, d2

    def paging(self, family: str) -> tuple[int, int]:
        lo, hi = PAGE_LIMITS[family]
        pagina = self.integer("pagina", "Integer", required=True)
        size = self.integer("tamanhoPagina", "Integer", default=hi)
        if pagina < 1:
            raise _spring_400("Número da página inválido", self.path)
        if not lo <= size <= hi:
            raise _spring_400("Tamanho de página inválido", self.path)
        return pagina, size


def envelope(rows: list[dict], pagina: int, size: int) -> dict | None:
    """The consulta envelope, or None for HTTP 204 (no records, or a page past the end)."""
    total = len(rows)
    pages = math.ceil(total / size) if total else 0
    if total == 0 or pagina > pages:
        return None
    chunk = rows[(pagina - 1) * size : pagina * size]
    return {"data": chunk, "totalRegistros": total, "totalPaginas": pages, "numeroPagina": pagina,
            "paginasRestantes": pages - pagina, "empty": False}


@dataclass
class ServedStats:
    requests: Counter = field(default_factory=Counter)  # (api, status) -> n
    latencies: dict = field(default_factory=lambda: {"consulta": [], "detail": []})  # answered requests
    max_inflight: Counter = field(default_factory=Counter)
    busy_seconds: Counter = field(default_factory=Counter)  # slot-seconds spent on admitted requests
    by_endpoint: Counter = field(default_factory=Counter)  # route name -> requests served, any status

    def total(self, api: str | None = None, status: int | None = None) -> int:
        return sum(n for (a, s), n in self.requests.items() if (api is None or a == api) and (status is None or s == status))


class Sandbox:
    """Both PNCP APIs over one :class:`World`, misbehaving as ``faults`` says."""

    def __init__(self, world: World, faults: F.Faults | None = None):
        self.world = world
        self.faults = faults or F.PROFILES["none"]
        self.inflight: Counter = Counter()
        self.attempts: Counter = Counter()
        self.stats = ServedStats()
        self.withheld: set[str] = set()  # URLs answered with an empty body forever (tests)
        self.dropped: set[str] = set()  # URLs answered 204 No Content: a page that silently vanished (tests)
        self.details_unregistered = False  # every compra's itens/arquivos answer "Contratação não cadastrada." (tests)
        self.outage = False  # both APIs down: every request answered with the load balancer's HTML 503
        self._recent: dict[str, deque] = {"consulta": deque(), "detail": deque()}
        self._rng = random.Random(self.faults.seed)
        self.requested: Counter = Counter()  # every path?query asked for, routed or not (tests)
        routes = Starlette(routes=self._routes(), exception_handlers={404: self._route_404})

        async def app(scope, receive, send):
            if scope["type"] == "http":
                query = scope.get("query_string", b"").decode("latin-1")
                self.requested[scope["path"] + ("?" + query if query else "")] += 1
            await routes(scope, receive, send)

        self.app = app

    # ---- plumbing -------------------------------------------------------------------------
    async def _route_404(self, request: Request, exc) -> Response:
        """A path no route serves: Spring's route-level 404, as the real API answers a moved route."""
        now = datetime.now(timezone.utc).isoformat(timespec="milliseconds")
        return self._json(404, {"timestamp": now, "status": 404, "error": "Not Found", "message": "No message available",
                                "path": request.url.path})

    def _routes(self) -> list[Route]:
        c, d = "/api/consulta/v1", "/api/pncp/v1"
        handlers = [
            (f"{c}/contratacoes/publicacao", "consulta", self.contratacoes_publicacao),
            (f"{c}/contratacoes/atualizacao", "consulta", self.contratacoes_atualizacao),
            (f"{c}/contratacoes/proposta", "consulta", self.contratacoes_proposta),
            (f"{c}/contratos", "consulta", self.contratos_publicacao),
            (f"{c}/contratos/atualizacao", "consulta", self.contratos_atualizacao),
            (f"{c}/atas", "consulta", self.atas_vigencia),
            (f"{c}/atas/atualizacao", "consulta", self.atas_atualizacao),
            (f"{c}/pca/atualizacao", "consulta", self.pca_atualizacao),
            (f"{c}/instrumentoscobranca/inclusao", "consulta", self.instrumentos),
            (c + "/orgaos/{cnpj}/compras/{ano}/{sequencial}", "consulta", self.compra),
            (f"{d}/modalidades", "detail", self.modalidades),
            (d + "/orgaos/{cnpj}/compras/{ano}/{sequencial}/itens", "detail", self.itens),
            (d + "/orgaos/{cnpj}/compras/{ano}/{sequencial}/itens/quantidade", "detail", self.itens_quantidade),
            (d + "/orgaos/{cnpj}/compras/{ano}/{sequencial}/itens/{numeroItem}/resultados", "detail", self.resultados),
            (d + "/orgaos/{cnpj}/compras/{ano}/{sequencial}/arquivos", "detail", self.arquivos),
            (d + "/orgaos/{cnpj}/compras/{ano}/{sequencial}/arquivos/quantidade", "detail", self.arquivos_quantidade),
        ]
        routes = [Route(path, self._wrap(api, fn), methods=["GET"]) for path, api, fn in handlers]
        routes.append(Route("/_sandbox/state", self._state, methods=["GET"]))
        routes.append(Route("/_sandbox/clock", self._clock, methods=["POST"]))
        routes.append(Route("/_sandbox/warm", self._warm, methods=["POST"]))
        routes.append(Route("/_sandbox/outage", self._outage, methods=["POST"]))
        return routes

    def _wrap(self, api: str, fn):
        async def endpoint(request: Request) -> Response:
            return await self._serve(api, fn, request)

        return endpoint

    def _limited(self, api: str, cfg: F.ApiFaults) -> bool:
        if cfg.ceiling is not None and self.inflight[api] >= cfg.ceiling:
            return True
        if cfg.rate_per_minute:
            now, recent = time.monotonic(), self._recent[api]
            while recent and now - recent[0] > 60:
                recent.popleft()
            if len(recent) >= cfg.rate_per_minute:
                return True
            recent.append(now)
        return False

    async def _serve(self, api: str, fn, request: Request) -> Response:
        cfg: F.ApiFaults = getattr(self.faults, api)
        self.stats.by_endpoint[fn.__name__] += 1
        url = request.url.path + ("?" + request.url.query if request.url.query else "")
        if self.outage:
            await asyncio.sleep(cfg.fast_error_seconds)
            return self._record(api, Response(F.HTML_503, 503, media_type="text/html"), 0.0)
        if self._limited(api, cfg):
            await asyncio.sleep(cfg.fast_error_seconds)
            return self._record(api, Response(F.HTML_429, 429, media_type="text/html"), 0.0)
        if cfg.shed_above is not None and self.inflight[api] >= cfg.shed_above:
            await asyncio.sleep(cfg.fast_error_seconds)
            return self._record(api, Response(F.HTML_503, 503, media_type="text/html"), 0.0)
        self.inflight[api] += 1
        queued = max(1.0, self.inflight[api] / cfg.capacity) if cfg.capacity else 1.0
        self.stats.max_inflight[api] = max(self.stats.max_inflight[api], self.inflight[api])
        started = time.monotonic()
        try:
            self.attempts[url] += 1
            page = _int_or(request.query_params.get("pagina"), 1)
            fault = cfg.pick(self.faults.seed, url, page)
            if fault and (cfg.repeats is None or self.attempts[url] <= cfg.repeats):
                response = await self._fault(fault, cfg, request, fn)
            elif url in self.withheld:
                response = Response(b"", 200, media_type="application/json")
            elif url in self.dropped:
                response = Response(status_code=204)
            else:
                try:
                    # in a worker thread: building a big compra must not stall every other request
                    status, body = await asyncio.to_thread(fn, request) if api == "detail" else fn(request)
                    response = self._json(status, body)
                except ApiError as e:
                    response = self._json(e.status, e.body, e.content_type)
                delay = cfg.latency.draw(self._rng) * queued - (time.monotonic() - started)
                if delay > 0:
                    await asyncio.sleep(delay)
            return self._record(api, response, time.monotonic() - started)
        finally:
            self.inflight[api] -= 1
            self.stats.busy_seconds[api] += time.monotonic() - started

    def _record(self, api: str, response: Response, elapsed: float) -> Response:
        self.stats.requests[(api, response.status_code)] += 1
        if response.status_code in (200, 204):
            self.stats.latencies[api].append(elapsed)
        return response

    async def _fault(self, kind: str, cfg: F.ApiFaults, request: Request, fn) -> Response:
        path = INTERNAL_CONSULTA + request.url.path.removeprefix("/api/consulta")
        if kind == "429":
            await asyncio.sleep(cfg.fast_error_seconds)
            return Response(F.HTML_429, 429, media_type="text/html")
        if kind == "503":
            await asyncio.sleep(cfg.fast_error_seconds)
            return Response(F.HTML_503, 503, media_type="text/html")
        if kind == "500_json":
            await asyncio.sleep(cfg.slow_error_seconds)
            body = {"timestamp": datetime.now(timezone.utc).isoformat(timespec="milliseconds"), "status": 500,
                    "error": "Internal Server Error",
                    "message": "Failed to obtain JDBC Connection; nested exception is java.sql.SQLTransientConnectionException: "
                               "HikariPool-1 - Connection is not available, request timed out after 30000ms.",
                    "path": path}
            return self._json(500, body)
        if kind == "500_text":
            await asyncio.sleep(cfg.slow_error_seconds)
            return Response(F.TEXT_500.encode(), 500, media_type="application/json")
        if kind == "hang":
            await asyncio.sleep(cfg.hang_seconds)
            return Response(b"", 504, media_type="text/html")
        if kind == "html_200":
            await asyncio.sleep(cfg.fast_error_seconds)
            return Response(F.HTML_WAF, 200, media_type="text/html")
        if kind == "422":
            await asyncio.sleep(cfg.fast_error_seconds)
            return self._json(422, _pncp_422("Data Inicial deve ser anterior ou igual à Data Final", path).body)
        if kind == "truncated":
            await asyncio.sleep(cfg.latency.p50)
            try:
                _, body = fn(request)
            except ApiError as e:
                body = e.body
            raw = json.dumps(body, ensure_ascii=False).encode() if body is not None else b'{"data":[{"numero'
            return Response(raw[: max(10, len(raw) // 2)], 200, media_type="application/json")
        raise AssertionError(kind)

    @staticmethod
    def _json(status: int, body, content_type: str = "application/json") -> Response:
        if status == 204 or body is None:
            return Response(status_code=204)
        raw = body.encode() if isinstance(body, str) else json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
        headers = {"ETag": '"0' + hashlib.md5(raw).hexdigest() + '"'} if status == 200 else None
        return Response(raw, status, headers=headers, media_type=content_type)

    # ---- consulta -------------------------------------------------------------------------
    def _listing(self, request: Request, family: str, view: str, modalidade_required: bool) -> tuple[int, dict | None]:
        p = Params(request, INTERNAL_CONSULTA + request.url.path.removeprefix("/api/consulta"))
        modalidade = None
        if modalidade_required:
            modalidade = p.integer("codigoModalidadeContratacao", "Long", required=True)
            if modalidade not in {m["id"] for m in records.MODALIDADES}:
                raise _pncp_422("Código da modalidade de contratação inválido.", p.path)
        d1, d2 = p.window()
        pagina, size = p.paging(family)
        rows: list[dict] = []
        fetch = self.world.published if view == "published" else self.world.updated
        day = d1
        while day <= d2:
            rows.extend(fetch(family, day, modalidade=modalidade))
            day += timedelta(days=1)
        rows = _filters(rows, p)
        body = envelope(rows, pagina, size)
        return (200, body) if body else (204, None)

    def contratacoes_publicacao(self, request):
        return self._listing(request, "contratacoes", "published", True)

    def contratacoes_atualizacao(self, request):
        return self._listing(request, "contratacoes", "updated", True)

    def contratos_publicacao(self, request):
        return self._listing(request, "contratos", "published", False)

    def contratos_atualizacao(self, request):
        return self._listing(request, "contratos", "updated", False)

    def atas_atualizacao(self, request):
        return self._listing(request, "atas", "updated", False)

    def atas_vigencia(self, request):
        """Atas in force on any day of the window (here: among those published in the 120 days before)."""
        p = Params(request, INTERNAL_CONSULTA + "/v1/atas")
        d1, d2 = p.window()
        pagina, size = p.paging("atas")
        rows = []
        for back in range(120, -1, -1):
            for ata in self.world.published("atas", d2 - timedelta(days=back)):
                if ata["vigenciaInicio"] <= d2.isoformat() and ata["vigenciaFim"] >= d1.isoformat():
                    rows.append(ata)
        body = envelope(rows, pagina, size)
        return (200, body) if body else (204, None)

    def contratacoes_proposta(self, request):
        p = Params(request, INTERNAL_CONSULTA + "/v1/contratacoes/proposta")
        raw = p.required("dataFinal")
        try:
            final = datetime.strptime(raw, "%Y%m%d").date()
        except ValueError:
            raise _pncp_422("Formato de data inválido. Use o formato AAAAMMDD.", p.path) from None
        if final < self.world.now.date():
            raise _pncp_422("Data Final inválida. Data Final deve ser maior ou igual a data atual", p.path)
        p.paging("contratacoes")
        return 204, None

    def pca_atualizacao(self, request):
        # Seen for real: a one-day window answered 200 with an empty body.
        return 200, ""

    def instrumentos(self, request):
        raise ApiError(404, {"timestamp": datetime.now(timezone.utc).isoformat(timespec="milliseconds"), "status": 404,
                             "error": "Not Found", "message": "Nenhum instrumento de Cobrança encontrado.",
                             "path": INTERNAL_CONSULTA + "/v1/instrumentoscobranca/inclusao"})

    def _compra_or_404(self, request: Request, internal: str) -> dict:
        cnpj = request.path_params["cnpj"]
        ano, seq = _int_or(request.path_params["ano"], None), _int_or(request.path_params["sequencial"], None)
        if ano is None or seq is None:
            raise _spring_400("Failed to convert value of type 'java.lang.String' to required type 'java.lang.Integer'", internal)
        compra = self.world.find_compra(cnpj, ano, seq)
        if compra is None or (self.details_unregistered and internal.startswith("/pncp-api")):
            raise _pncp_404("Contratação não cadastrada.", internal)
        return compra

    def compra(self, request):
        compra = self._compra_or_404(request, INTERNAL_CONSULTA + request.url.path.removeprefix("/api/consulta"))
        return 200, self.world.compra_detalhe(compra)

    # ---- detail -----------------------------------------------------------------------------
    def modalidades(self, request):
        status = request.query_params.get("statusAtivo")
        rows = [m for m in records.MODALIDADES if status is None or str(m["statusAtivo"]).lower() == status.lower()]
        return 200, rows

    def _detail_path(self, request: Request) -> str:
        return "/pncp-api" + request.url.path.removeprefix("/api/pncp")

    def _paged(self, request: Request, rows: list, default_size: int | None) -> list:
        p = Params(request, self._detail_path(request))
        pagina = p.integer("pagina", default=1)
        size = p.integer("tamanhoPagina", default=default_size)
        if pagina < 1 or (size is not None and size < 1):
            raise _spring_400("must be greater than or equal to 1", p.path)
        if size is None:
            return rows
        return rows[(pagina - 1) * size : pagina * size]

    def itens(self, request):
        compra = self._compra_or_404(request, self._detail_path(request))
        return 200, self._paged(request, self.world.itens(compra), 10)

    def itens_quantidade(self, request):
        compra = self._compra_or_404(request, self._detail_path(request))
        return 200, len(self.world.itens(compra))

    def resultados(self, request):
        compra = self._compra_or_404(request, self._detail_path(request))
        n = _int_or(request.path_params["numeroItem"], None)
        item = next((i for i in self.world.itens(compra) if i["numeroItem"] == n), None)
        if item is None:
            raise _pncp_404("Item não encontrado.", self._detail_path(request))
        rows = self.world.resultados(compra, item)
        return (200, rows) if rows else (204, None)

    def arquivos(self, request):
        compra = self._compra_or_404(request, self._detail_path(request))
        rows = self._paged(request, self.world.arquivos(compra), None)
        return (200, rows) if rows else (204, None)

    def arquivos_quantidade(self, request):
        compra = self._compra_or_404(request, self._detail_path(request))
        return 200, len(self.world.arquivos(compra))

    # ---- control ------------------------------------------------------------------------------
    async def _state(self, request: Request) -> Response:
        lat = {api: {"n": len(xs), "mean": (sum(xs) / len(xs)) if xs else None} for api, xs in self.stats.latencies.items()}
        return self._json(200, {"now": self.world.now.isoformat(), "seed": self.world.seed,
                                "served": {f"{a} {s}": n for (a, s), n in self.stats.requests.items()},
                                "latency": lat, "max_inflight": dict(self.stats.max_inflight),
                                "busy_seconds": dict(self.stats.busy_seconds),
                                "by_endpoint": dict(self.stats.by_endpoint)})

    async def _warm(self, request: Request) -> Response:
        """Generate a day's views ahead of time (benchmarks: keep generation out of the timings)."""
        day = date.fromisoformat(request.query_params["day"])
        for entity in ("contratacoes", "contratos"):
            self.world.published(entity, day)
        for entity in ("contratacoes", "contratos", "atas"):
            self.world.updated(entity, day)
        return self._json(200, {"warmed": day.isoformat()})

    async def _outage(self, request: Request) -> Response:
        """``?down=true`` takes both APIs down (every request answers the HTML 503, as PNCP's load balancer
        did through its multi-day outages), ``?down=false`` brings them back."""
        value = request.query_params.get("down", "").lower()
        if value not in ("true", "false"):
            return self._json(400, {"error": f"down must be true or false, got {value!r}"})
        self.outage = value == "true"
        return self._json(200, {"down": self.outage})

    async def _clock(self, request: Request) -> Response:
        q = request.query_params
        if "set" in q:
            self.world.set_now(datetime.fromisoformat(q["set"]))
        else:
            self.world.advance(timedelta(seconds=float(q.get("advance", "0"))))
        return self._json(200, {"now": self.world.now.isoformat()})


def _filters(rows: list[dict], p: Params) -> list[dict]:
    """The optional filters of the listing endpoints (órgão, UF, unidade)."""
    cnpj = p.q.get("cnpj") or p.q.get("cnpjOrgao")
    uf = p.q.get("uf")
    unidade = p.q.get("codigoUnidadeAdministrativa")
    if cnpj:
        rows = [r for r in rows if (r.get("orgaoEntidade") or {}).get("cnpj", r.get("cnpjOrgao")) == cnpj]
    if uf:
        rows = [r for r in rows if (r.get("unidadeOrgao") or {}).get("ufSigla") == uf.upper()]
    if unidade:
        rows = [r for r in rows if (r.get("unidadeOrgao") or {}).get("codigoUnidade", r.get("codigoUnidadeOrgao")) == unidade]
    return rows


def _int_or(value, default):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default
