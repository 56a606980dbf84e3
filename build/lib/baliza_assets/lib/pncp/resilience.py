"""Concurrency, back-off and circuit breaking for a flaky, rate-limited API."""

from __future__ import annotations

import asyncio
import random
import statistics
import time
from collections import deque
from dataclasses import dataclass


class AdaptiveLimiter:
    """Requests in flight for one API, found as the client runs (a gradient limiter, Vegas style).

    The API's latency floor is measured, not assumed: the median latency of the first window, then
    every ``probe_every`` windows one window runs at half the limit (where nothing queues if the
    limit is near the capacity), and the floor is the median of the last ``probes`` such windows. So
    a floor measured in a quiet hour does not hold forever, and latency taken while requests queue
    never ratchets the limit up. After each window of ``max(window, limit)`` completions:

    - its median latency within ``tolerance`` of the floor, and no error in it: the API has room;
      the limit grows by ``growth`` (10%, at least one request), by half until the first window
      that does not have room (a slow start that reaches the capacity in a few windows);
    - its median more than twice ``tolerance`` above the floor: requests are queueing; the limit
      shrinks in proportion, to where the latency would be back within tolerance;
    - between the two: the limit holds (the API is full, and this is its capacity).

    A 429 lowers the limit by one at once, and a run of ``pause_after`` 429s pauses every new request
    for the current back-off: the API says "slow down" to the whole client. A burst of 5xx or
    timeouts (see :meth:`error`) cuts the limit by ``error_cut``; a sporadic one changes nothing. The
    limit stays within ``floor`` and ``ceiling`` (the most ever in flight: connections and workers
    are sized on it); a ceiling equal to the start (the consulta API's 6) keeps it a hard maximum.
    """

    def __init__(self, limit: int, floor: int = 1, ceiling: int | None = None, window: int = 40,
                 tolerance: float = 0.25, growth: float = 0.1, error_cut: float = 0.8, pause_after: int = 3,
                 probe_every: int = 20, probes: int = 5, burst: float = 0.1):
        if limit < 1:
            raise ValueError(f"concurrency limit must be >= 1, got {limit}")
        self.ceiling = max(limit, ceiling or limit)
        self.limit = float(limit)
        self.floor = floor
        self.window, self.tolerance, self.growth, self.error_cut = window, tolerance, growth, error_cut
        self.pause_after = pause_after
        self.probe_every = probe_every
        self.burst = burst
        self._quiet: deque[float] = deque(maxlen=probes)  # medians of the windows the floor is taken from
        self._windows = 0
        self._probing: float | None = None  # the limit to return to after a probe window
        self._skip = 0
        self._slow_start = True
        self._since_cut = 0
        self.inflight = 0
        self.peak = 0
        self.latency_floor: float | None = None
        self.completed = 0
        self.changes = 0  # how many times the limit moved
        self._samples: list[float] = []
        self._errors = 0
        self._429_streak = 0
        self._paused_until = 0.0
        self._started = time.monotonic()
        self._cond = asyncio.Condition()

    @property
    def current(self) -> int:
        return max(self.floor, int(self.limit))

    async def acquire(self) -> None:
        """Wait for a slot (and out any 429 pause), then hold it until :meth:`release`."""
        async with self._cond:
            while True:
                wait = self._paused_until - time.monotonic()
                if wait <= 0 and self.inflight < self.current:
                    break
                try:
                    await asyncio.wait_for(self._cond.wait(), timeout=wait if wait > 0 else None)
                except asyncio.TimeoutError:
                    pass
            self.inflight += 1
            self.peak = max(self.peak, self.inflight)

    def release(self) -> None:
        self.inflight -= 1
        asyncio.get_running_loop().create_task(self._notify())

    async def _notify(self) -> None:
        async with self._cond:
            self._cond.notify_all()

    def slot(self, held: bool = False) -> "Slot":
        return Slot(self, held)

    async def __aenter__(self):
        await self.acquire()
        return self

    async def __aexit__(self, *exc):
        self.release()

    def success(self, latency: float | None = None) -> None:
        self._429_streak = 0
        self.completed += 1
        self._since_cut += 1
        if self._skip > 0:  # requests sent at an older limit still carry its queue
            self._skip -= 1
        elif latency is not None:
            self._samples.append(latency)
        if self._window_full():
            self._adjust()

    def error(self) -> None:
        """A 5xx, a timeout or a connection error. A few are PNCP's usual noise (a failing query, one
        bad node) and are retried; a burst of them (``burst`` of the window, at least three) means the
        API is overloaded: the limit is cut at once, at most once per limit's worth of completions
        (the requests already sent fail together)."""
        self._errors += 1
        if self._is_burst(self._errors, self.current):
            self._slow_start = False
            if self._since_cut >= self.current:
                self._since_cut = 0
                self._set(self.limit * self.error_cut)
                self._skip = self.current
        if self._window_full(self._errors):
            self._adjust()

    def _window_full(self, errors: int = 0) -> bool:
        return len(self._samples) + errors >= max(self.window, self.current)

    def _is_burst(self, errors: int, completions: int) -> bool:
        return errors >= max(3, self.burst * completions)

    def rate_limited(self, pause: float) -> None:
        self._429_streak += 1
        self._set(self.limit - 1)
        if self._429_streak >= self.pause_after:
            self._paused_until = max(self._paused_until, time.monotonic() + pause)

    def _adjust(self) -> None:
        samples, self._samples = sorted(self._samples), []
        errors, self._errors = self._errors, 0
        if not samples:  # nothing but errors
            self._slow_start = False
            self._set(self.limit * self.error_cut)
            return
        median = samples[len(samples) // 2]
        self._windows += 1
        if self._probing is not None or self.latency_floor is None:  # the floor as the API is now
            self._quiet.append(median)
            self.latency_floor = statistics.median(self._quiet)
            if self._probing is not None:
                self.limit, self._probing = self._probing, None
                return
        base = self.latency_floor
        if self.probe_every and self._windows % self.probe_every == 0 and self.current > 2 * self.floor:
            self._probing, self._skip = self.limit, self.current
            self.limit = max(float(self.floor), self.limit / 2)
            return
        if self._is_burst(errors, len(samples)):
            return  # an overloaded window: cut already, as the errors came
        fast = self._slow_start and median <= base * (1 + self.tolerance / 2)
        if median <= base * (1 + self.tolerance):
            before = self.current
            self._set(self.limit + max(1.0, self.limit * (0.5 if fast else self.growth)))
            self._skip = before  # the next completions were sent at the old limit: they say nothing new
            self._slow_start = fast
        else:
            self._slow_start = False
            if median > base * (1 + 2 * self.tolerance):
                self._set(self.limit * base * (1 + self.tolerance) / median)

    def _set(self, value: float) -> None:
        value = min(float(self.ceiling), max(float(self.floor), value))
        if int(value) != int(self.limit):
            self.changes += 1
        self.limit = value

    def figures(self) -> dict:
        """What the limiter found: its limit now, the peak in flight, the latency floor, throughput."""
        elapsed = time.monotonic() - self._started
        return {"limit": self.current, "ceiling": self.ceiling, "peak_in_flight": self.peak,
                "latency_floor_s": round(self.latency_floor, 4) if self.latency_floor is not None else None,
                "completed": self.completed,
                "throughput_rps": round(self.completed / elapsed, 3) if elapsed > 0 else None,
                "limit_changes": self.changes}


class Slot:
    """One request's use of a limiter slot across its attempts: each attempt holds a slot while it is
    in flight. ``held``: the first attempt's slot was taken before the request was chosen (a worker
    takes a slot, then the most urgent job); :meth:`drop` gives back a slot never used."""

    def __init__(self, limiter: AdaptiveLimiter, held: bool = False):
        self.limiter, self.held = limiter, held

    async def __aenter__(self) -> "Slot":
        if not self.held:
            await self.limiter.acquire()
            self.held = True
        return self

    async def __aexit__(self, *exc) -> None:
        self.drop()

    def drop(self) -> None:
        if self.held:
            self.held = False
            self.limiter.release()


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
