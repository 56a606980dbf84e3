"""Errors of the PNCP client. Every message names the endpoint and the cause."""

from __future__ import annotations


class PncpError(Exception):
    """Base class: a PNCP request could not produce a trustworthy answer."""

    def __init__(self, endpoint: str, url: str, cause: str):
        self.endpoint, self.url, self.cause = endpoint, url, cause
        super().__init__(f"PNCP {endpoint}: {cause} ({url})")


class TransientError(PncpError):
    """Worth retrying: 5xx, 429, timeouts, connection errors, HTML or truncated bodies."""

    def __init__(self, endpoint: str, url: str, cause: str, status: int | None = None, rate_limited: bool = False):
        super().__init__(endpoint, url, cause)
        self.status, self.rate_limited = status, rate_limited


class BadPayload(TransientError):
    """The response is not the JSON it should be, in a way the next attempt can fix: the WAF's HTML
    page with status 200, a body cut short (truncated JSON, a character or a gzip stream cut in two),
    an empty body."""


class UnusableAnswer(PncpError):
    """The API answered, and the answer is wrong in a way asking again cannot fix: an envelope whose
    counts do not add up, a body over the size limit, invalid UTF-8, JSON of the wrong shape or nested
    too deeply. Failed at once, after one request."""

    def __init__(self, endpoint: str, url: str, cause: str, status: int | None = None):
        super().__init__(endpoint, url, f"{cause}; not retried, the same request gets the same answer")
        self.status = status


class BodyTooLarge(UnusableAnswer):
    """The body passed the size limit (counted after decompression): reading stopped there."""

    def __init__(self, endpoint: str, url: str, cause: str, status: int, limit: int, received: int):
        super().__init__(endpoint, url, cause, status)
        self.limit, self.received = limit, received


class RejectedRequest(PncpError):
    """The API refused the request itself (400, or 422 that persisted after its one retry)."""

    def __init__(self, endpoint: str, url: str, cause: str, status: int):
        super().__init__(endpoint, url, cause)
        self.status = status


class RetriesExhausted(PncpError):
    """A request kept failing after every retry."""


class CircuitOpen(PncpError):
    """Too many consecutive failures: the API looks down, and the client stops calling it."""


class InvalidValue(ValueError):
    """A value (from a caller or from a response) cannot safely be used to build a PNCP URL."""


class FetchFailed(Exception):
    """A batch of requests failed; ``errors`` holds each failure, ``done`` counts the successes
    already delivered (those are safe to keep: nothing returned by PNCP is lost)."""

    def __init__(self, errors: list[BaseException], done: int):
        self.errors, self.done = errors, done
        first = errors[0]
        more = f" (and {len(errors) - 1} more failures)" if len(errors) > 1 else ""
        super().__init__(f"{first}{more}; {done} responses were fetched before the failure")
