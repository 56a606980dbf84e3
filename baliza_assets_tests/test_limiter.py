"""The adaptive limiter against a modelled API: latency at its floor up to a capacity, queueing
beyond it. Driven by completions, not by a clock: each round completes one request per slot of the
current limit at the latency the model gives for that many in flight."""

from __future__ import annotations

import random
import statistics

from baliza_assets.lib.pncp.resilience import AdaptiveLimiter


def _run(limiter: AdaptiveLimiter, capacity: int, floor_s: float, rounds: int, sigma: float = 0.3, seed: int = 1,
         shed_above: int | None = None) -> list[int]:
    rng = random.Random(seed)
    seen = []
    for _ in range(rounds):
        n = limiter.current
        for i in range(n):
            if shed_above is not None and i >= shed_above:  # the load balancer sheds what is over
                limiter.error()
                continue
            limiter.success(floor_s * max(1.0, n / capacity) * rng.lognormvariate(0, sigma))
        seen.append(limiter.current)
    return seen


def share(seen: list[int], capacity: int) -> float:
    """Throughput as a share of the capacity: requests beyond it only queue."""
    return sum(min(n, capacity) for n in seen) / (capacity * len(seen))


def test_it_grows_to_the_capacity_and_holds_there():
    limiter = AdaptiveLimiter(8, ceiling=64)
    seen = _run(limiter, capacity=24, floor_s=8.5, rounds=600)
    settled = seen[-300:]
    assert share(settled, 24) >= 0.9, settled[-40:]
    assert statistics.median(settled) <= 24 * 1.6, "beyond the capacity requests only wait"
    assert 7.5 <= limiter.latency_floor <= 9.5, "the floor is the API's latency when nothing queues"
    assert limiter.figures()["limit"] == limiter.current and limiter.figures()["limit_changes"] > 3


def test_it_shrinks_when_the_capacity_drops():
    limiter = AdaptiveLimiter(8, ceiling=64)
    assert share(_run(limiter, capacity=40, floor_s=1.0, rounds=600)[-300:], 40) >= 0.9
    seen = _run(limiter, capacity=10, floor_s=1.0, rounds=600, seed=2)[-300:]
    assert share(seen, 10) >= 0.9 and statistics.median(seen) <= 16, seen[-40:]


def test_a_hard_ceiling_is_never_passed_and_errors_cut_the_limit():
    consulta = AdaptiveLimiter(6, ceiling=6)
    seen = _run(consulta, capacity=100, floor_s=1.4, rounds=200)
    assert max(seen) == 6 and consulta.peak == 0  # peak counts requests actually in flight (none here)
    detail = AdaptiveLimiter(8, ceiling=64)
    seen = _run(detail, capacity=50, floor_s=1.0, rounds=300, shed_above=30)
    settled = seen[-100:]
    assert 20 <= statistics.median(settled) <= 33 and max(settled) <= 40, \
        "shedding (5xx) above 30 in flight keeps the limit near 30"
    consulta.rate_limited(0.0)
    assert consulta.current == 5


def test_sporadic_errors_are_noise_not_overload():
    """PNCP fails a few requests for reasons of its own (a slow query, one bad node): 2% of requests
    failing at random must not hold the limit down."""
    limiter = AdaptiveLimiter(8, ceiling=64)
    rng = random.Random(3)
    seen = []
    for _ in range(600):
        n = limiter.current
        for _ in range(n):
            if rng.random() < 0.02:
                limiter.error()
            else:
                limiter.success(1.0 * max(1.0, n / 24) * rng.lognormvariate(0, 0.3))
        seen.append(n)
    assert share(seen[-300:], 24) >= 0.9, seen[-40:]
