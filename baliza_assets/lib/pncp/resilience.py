"""Concurrency, back-off and circuit breaking for a flaky, rate-limited API."""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass


class AdaptiveLimiter:
    """At most ``limit`` requests in flight; the limit shrinks on 429 and grows back on success.

    One 429 lowers the limit by one (down to ``floor``). ``recover_after`` consecutive successes
    raise it by one again (up to the configured maximum). A run of 429s (``pause_after`` in a
    row) also pauses every new request for the current back-off, since the API is saying
    "slow down" to the whole client.
    """

    def __init__(self, limit: int, floor: int = 1, recover_after: int = 20, pause_after: int = 3):
        if limit < 1:
            raise ValueError(f"concurrency limit must be >= 1, got {limit}")
        self.max = limit
        self.limit = limit
        self.floor = floor
        self.recover_after = recover_after
        self.pause_after = pause_after
        self.inflight = 0
        self.peak = 0
        self._ok_streak = 0
        self._429_streak = 0
        self._paused_until = 0.0
        self._cond = asyncio.Condition()

    async def __aenter__(self):
        async with self._cond:
            while True:
                wait = self._paused_until - time.monotonic()
                if wait <= 0 and self.inflight < self.limit:
                    break
                try:
                    await asyncio.wait_for(self._cond.wait(), timeout=wait if wait > 0 else None)
                except asyncio.TimeoutError:
                    pass
            self.inflight += 1
            self.peak = max(self.peak, self.inflight)
        return self

    async def __aexit__(self, *exc):
        async with self._cond:
            self.inflight -= 1
            self._cond.notify_all()

    def success(self) -> None:
        self._429_streak = 0
        self._ok_streak += 1
        if self.limit < self.max and self._ok_streak >= self.recover_after:
            self.limit += 1
            self._ok_streak = 0

    def rate_limited(self, pause: float) -> None:
        self._ok_streak = 0
        self._429_streak += 1
        self.limit = max(self.floor, self.limit - 1)
        if self._429_streak >= self.pause_after:
            self._paused_until = max(self._paused_until, time.monotonic() + pause)


@dataclass
class Backoff:
    """Exponential back-off with jitter: attempt n waits base*2^(n-1), capped, half of it random."""

    base: float = 1.0
    cap: float = 30.0

    def delay(self, attempt: int, rng: random.Random = random._inst) -> float:
        ceiling = min(self.cap, self.base * 2 ** max(0, attempt - 1))
        return ceiling / 2 + rng.uniform(0, ceiling / 2)


class CircuitBreaker:
    """Opens after ``threshold`` consecutive failed attempts; stays open for ``cooldown`` seconds,
    then lets one probe through (half-open). A success closes it."""

    def __init__(self, threshold: int = 8, cooldown: float = 60.0):
        self.threshold, self.cooldown = threshold, cooldown
        self.failures = 0
        self.opened_at: float | None = None
        self.last_failure = ""
        self._probing = False

    @property
    def is_open(self) -> bool:
        return self.opened_at is not None

    def allow(self) -> bool:
        if self.opened_at is None:
            return True
        if not self._probing and time.monotonic() - self.opened_at >= self.cooldown:
            self._probing = True
            return True
        return False

    def success(self) -> None:
        self.failures = 0
        self.opened_at = None
        self._probing = False

    def failure(self, cause: str) -> None:
        self.failures += 1
        self.last_failure = cause
        if self._probing or self.failures >= self.threshold:
            self.opened_at = time.monotonic()
            self._probing = False
