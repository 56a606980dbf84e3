"""Fault profiles: how the sandbox misbehaves, modelled on what the real PNCP does (API.md §4, §8).

Latency is lognormal, fitted to a p50 and a p95. Discrete faults are decided per request URL
from a hash, so a run is reproducible whatever the order of concurrent requests: a URL picked
for a fault fails its first ``repeats`` attempts with it and then answers normally (or never,
with ``repeats=None``: a dead endpoint).
"""

from __future__ import annotations

import hashlib
import math
import random
from dataclasses import dataclass, field, replace

Z95 = 1.6448536269514722

# Bodies as captured from the real API.
HTML_429 = (
    '<html>\n<head>\n    <meta charset="UTF-8">\n    <title>Limite de Requisições Excedido</title>\n'
    "</head>\n<body>\n    <h2>Limite de requisições excedido</h2>\n\n    <p>Você excedeu o limite de "
    "requisições permitidas. Tente novamente mais tarde.</p>\n</body>\n</html>\n"
)
HTML_503 = "<html><body><h1>503 Service Unavailable</h1>\nNo server is available to handle this request.\n</body></html>\n"
HTML_WAF = (
    "<html><head><title>Request Rejected</title></head><body>The requested URL was rejected. "
    "Please consult with your administrator.<br><br>Your support ID is: 13092238145512617290"
    "<br><br><a href='javascript:history.back();'>[Go Back]</a></body></html>"
)
TEXT_500 = "Erro na comunicação com o banco de dados."

FAULT_KINDS = ("429", "500_json", "500_text", "503", "hang", "html_200", "422", "truncated")


@dataclass(frozen=True)
class Latency:
    p50: float = 0.0
    p95: float = 0.0

    @property
    def sigma(self) -> float:
        if self.p50 <= 0 or self.p95 <= self.p50:
            return 0.0
        return math.log(self.p95 / self.p50) / Z95

    def draw(self, rng: random.Random) -> float:
        if self.p50 <= 0:
            return 0.0
        return rng.lognormvariate(math.log(self.p50), self.sigma)


@dataclass(frozen=True)
class ApiFaults:
    """Faults of one API (consulta or detail)."""

    latency: Latency = Latency()
    ceiling: int | None = None  # requests in flight beyond which the API answers the HTML 429
    capacity: int | None = None  # requests served at the latency floor at once; beyond, they queue (latency grows)
    shed_above: int | None = None  # requests in flight beyond which the load balancer answers the HTML 503
    rate_per_minute: int | None = None  # rolling-minute budget, then the HTML 429
    rates: dict = field(default_factory=dict)  # fault kind -> share of URLs hit
    repeats: int | None = 1  # attempts that fail per faulted URL; None = always
    deep_page: int = 1  # hangs and 500s hit only pages >= this (real: deep pages time out)
    slow_error_seconds: float = 32.0  # real DB-error 500s took 30-34 s
    hang_seconds: float = 90.0
    fast_error_seconds: float = 0.04  # 429s come back in ~0.04 s

    def scaled(self, factor: float) -> "ApiFaults":
        """All durations multiplied by ``factor`` (0.01 turns a 1.4 s p50 into 14 ms)."""
        return replace(
            self,
            latency=Latency(self.latency.p50 * factor, self.latency.p95 * factor),
            slow_error_seconds=self.slow_error_seconds * factor,
            hang_seconds=self.hang_seconds * factor,
            fast_error_seconds=self.fast_error_seconds * factor,
        )

    def pick(self, seed: int, url: str, page: int) -> str | None:
        """The fault this URL is destined to, or None."""
        if not self.rates:
            return None
        u = int.from_bytes(hashlib.blake2b(f"{seed}|{url}".encode(), digest_size=8).digest(), "big") / 2**64
        acc = 0.0
        for kind in FAULT_KINDS:
            acc += self.rates.get(kind, 0.0)
            if u < acc:
                if kind in ("hang", "500_json", "500_text") and page < self.deep_page:
                    return None
                return kind
        return None


@dataclass(frozen=True)
class Faults:
    consulta: ApiFaults = ApiFaults()
    detail: ApiFaults = ApiFaults()
    seed: int = 0

    def scaled(self, factor: float) -> "Faults":
        return replace(self, consulta=self.consulta.scaled(factor), detail=self.detail.scaled(factor))


REAL_CONSULTA_LATENCY = Latency(1.4, 3.5)  # 446 real calls, June 2026
REAL_DETAIL_LATENCY = Latency(7.5, 15.0)  # 8-9 s mean, p95 ~15 s: 114 real calls, September 2026 (API.md §8)
DETAIL_CAPACITY = 24  # what the capacity profile's detail API serves at its floor; the client is not told

PROFILES: dict[str, Faults] = {
    # Instant, perfect API.
    "none": Faults(),
    # The real latency distribution and the 6-in-flight ceiling, no other fault.
    "real": Faults(
        consulta=ApiFaults(latency=REAL_CONSULTA_LATENCY, ceiling=6),
        detail=ApiFaults(latency=REAL_DETAIL_LATENCY),
    ),
    # A busy day: 429s and 5xx (fast 503s from the load balancer, slow DB-error 500s).
    "busy": Faults(
        consulta=ApiFaults(
            latency=REAL_CONSULTA_LATENCY,
            ceiling=6,
            rates={"429": 0.04, "503": 0.02, "500_json": 0.005, "500_text": 0.005},
        ),
        detail=ApiFaults(latency=REAL_DETAIL_LATENCY, rates={"503": 0.01}),
    ),
    # The real API on a bad day: everything in API.md §4 at once, each URL recovering on retry.
    "flaky": Faults(
        consulta=ApiFaults(
            latency=REAL_CONSULTA_LATENCY,
            ceiling=6,
            rates={"429": 0.03, "500_json": 0.01, "500_text": 0.01, "503": 0.02, "hang": 0.005,
                   "html_200": 0.01, "422": 0.01, "truncated": 0.01},
        ),
        detail=ApiFaults(
            latency=REAL_DETAIL_LATENCY,
            rates={"500_json": 0.01, "503": 0.01, "html_200": 0.005, "truncated": 0.005},
        ),
    ),
}


# The real latencies with a capacity the client must find: the detail API serves DETAIL_CAPACITY
# requests at its floor, queues beyond (latency grows with requests in flight) and sheds load with
# 503s past twice that; the consulta API keeps its 6-in-flight ceiling.
PROFILES["capacity"] = Faults(
    consulta=ApiFaults(latency=REAL_CONSULTA_LATENCY, ceiling=6),
    detail=ApiFaults(latency=REAL_DETAIL_LATENCY, capacity=DETAIL_CAPACITY, shed_above=2 * DETAIL_CAPACITY),
)
PROFILES["capacity_faulty"] = replace(PROFILES["capacity"], consulta=replace(
    PROFILES["capacity"].consulta, rates={"429": 0.02, "503": 0.01, "500_json": 0.005}),
    detail=replace(PROFILES["capacity"].detail, rates={"503": 0.01, "500_json": 0.005}))


def profile(name: str, scale: float = 1.0) -> Faults:
    try:
        base = PROFILES[name]
    except KeyError:
        raise ValueError(f"unknown fault profile {name!r}; choose one of {sorted(PROFILES)}") from None
    return base.scaled(scale) if scale != 1.0 else base
