"""When to retry, and how long to wait: one policy for both clients (the loop is :func:`~.pipeline.perform`).

What is retried:

===========================================  =========================================================
failure                                      retried for
===========================================  =========================================================
429 Too Many Requests                        every operation: the service did not process the request
connection refused / DNS / connect timeout   every operation: nothing reached the service
500, 502, 503, 504                           operations that are safe to repeat (see below)
read timeout, dropped connection             operations that are safe to repeat
any other status (400, 401, 404, ...)        never; a 401 with a token is handled once by the client
===========================================  =========================================================

*Safe to repeat* means GET, PUT and DELETE, plus the POST and PATCH operations whose repetition has the same
effect as a single call: predictions that store nothing, queries, region proposals, image uploads (the
service answers ``OKDuplicate`` for bytes it already has) and PATCH updates, which send the whole model. A
POST that creates something (project, tag, training run, export, import, publish) is not retried after it may
have been processed, because a second copy could be created or the retry would fail confusingly.

Waits honour ``Retry-After`` (seconds or an HTTP date), ``retry-after-ms`` and ``x-ms-retry-after-ms``, capped
at ``retry_after_cap`` seconds; without them, exponential backoff with full jitter.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .._exceptions import APIConnectionError, APIStatusError, APITimeoutError, ConfigurationError, RateLimitError
from .lazy import lazy_module
from .operation import Operation

if TYPE_CHECKING:
    import httpx
else:
    httpx = lazy_module("httpx")  # read only once a call has failed, when the call has imported it

__all__ = ["DEFAULT_MAX_RETRIES", "RetryPolicy", "check_max_retries", "describe_failure", "parse_retry_after"]

DEFAULT_MAX_RETRIES = 3
_RETRIED_STATUSES = frozenset({500, 502, 503, 504})


def parse_retry_after(headers: Mapping[str, str], now: Callable[[], float] = time.time) -> float | None:
    """The delay the service asked for, in seconds, or ``None`` when it asked for none (or nonsense)."""
    for name, scale in (("retry-after-ms", 0.001), ("x-ms-retry-after-ms", 0.001)):
        raw = headers.get(name)
        if raw is not None:
            try:
                value = float(raw) * scale
            except ValueError:
                continue
            if value >= 0:
                return value
    raw = headers.get("retry-after")
    if raw is None:
        return None
    try:
        seconds = float(raw)
    except ValueError:
        from email.utils import parsedate_to_datetime  # rarely needed; it imports socket and calendar

        try:
            when = parsedate_to_datetime(raw)
        except (TypeError, ValueError, IndexError):
            return None
        seconds = when.timestamp() - now()
        return max(seconds, 0.0)
    return seconds if seconds >= 0 else None


@dataclass(frozen=True)
class RetryPolicy:
    """How many times to retry, and how to wait between attempts.

    Attributes:
        max_retries: retries after the first attempt; 0 disables retrying.
        backoff_initial: the first backoff delay in seconds, doubled each attempt.
        backoff_max: the largest backoff delay.
        retry_after_cap: the largest delay honoured from a ``Retry-After`` header.
        jitter: draws a random fraction of the backoff delay; replaceable for reproducible tests.
    """

    max_retries: int = DEFAULT_MAX_RETRIES
    backoff_initial: float = 0.5
    backoff_max: float = 20.0
    retry_after_cap: float = 60.0
    jitter: Callable[[], float] = field(default=random.random, repr=False, compare=False)

    def __post_init__(self) -> None:
        check_max_retries(self.max_retries)
        for name in ("backoff_initial", "backoff_max", "retry_after_cap"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < float("inf"):
                raise ConfigurationError(f"RetryPolicy.{name} must be a number of seconds, 0 or more, got {value!r}")

    def should_retry(self, error: BaseException, op: Operation[Any]) -> bool:
        """Whether ``error`` from ``op`` is worth another attempt (see the module's table)."""
        if isinstance(error, RateLimitError):
            return True
        repeatable = op.safe_method or op.repeatable
        if isinstance(error, APIStatusError):
            return error.status_code in _RETRIED_STATUSES and repeatable
        if isinstance(error, APIConnectionError):
            cause = error.__cause__
            if isinstance(cause, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)):
                return True
            return repeatable
        return False

    def delay(self, attempt_number: int, error: BaseException | None) -> float:
        """Seconds to wait after failed attempt number ``attempt_number`` (1-based)."""
        asked: object = getattr(error, "retry_after", None)
        if isinstance(asked, (int, float)):
            return min(max(float(asked), 0.0), self.retry_after_cap)
        ceiling = min(self.backoff_max, self.backoff_initial * 2.0 ** (attempt_number - 1))
        return ceiling * (0.5 + 0.5 * self.jitter())


def check_max_retries(value: object) -> int:
    """``value`` if it is a whole number of retries, 0 or more; otherwise a :class:`ConfigurationError`."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigurationError(f"max_retries must be a whole number 0 or more (0 disables retrying), got {value!r}")
    return value


def describe_failure(error: BaseException) -> str:
    """A one-line reason for a retry log line."""
    if isinstance(error, APIStatusError):
        code = error.code if error.code and error.code != str(error.status_code) else None
        return f"HTTP {error.status_code} {code}" if code else f"HTTP {error.status_code}"
    if isinstance(error, APITimeoutError):
        return "timeout"
    return type(error.__cause__ or error).__name__
