"""Turning an operation into an HTTP request and an HTTP response into a result or an error.

Nothing here sends or waits. :func:`exchange` is a generator that yields what it needs (a token, a response to
a request) and returns the result; the sync and async clients drive it with their own I/O, so the logic of
authentication, the 401 retry and error mapping exists once.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable, Generator
from dataclasses import dataclass, field, replace
from typing import IO, TYPE_CHECKING, Any, TypeVar

from .._exceptions import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    RateLimitError,
    ResponseValidationError,
    describe_problem,
    status_error_class,
)
from .._version import __version__
from .credentials import COGNITIVE_SERVICES_SCOPE, BearerToken, TokenCache, is_token_credential
from .lazy import lazy_module
from .operation import NO_BODY, EncodedJson, Operation, Sleep
from .ratelimit import CallKind, RateLimiter
from .resources import Resource, Role
from .retry import RetryPolicy, describe_failure, parse_retry_after

if TYPE_CHECKING:
    import httpx
    import pydantic

    from . import httpx_types
else:
    # A client's first use imports them, not the import of the package.
    httpx = lazy_module("httpx")
    pydantic = lazy_module("pydantic")
    httpx_types = lazy_module("customvision_rest.core.httpx_types")

__all__ = [
    "DEFAULT_DEADLINE",
    "UNSET",
    "ClientConfig",
    "default_timeout",
    "NeedToken",
    "encode_json",
    "Transfer",
    "error_from_response",
    "exchange",
    "perform",
    "user_agent",
]

T = TypeVar("T")
logger = logging.getLogger("customvision_rest")


@functools.lru_cache(maxsize=1)
def default_timeout() -> httpx.Timeout:
    """Per attempt: a short connect timeout and a generous one for reading, as training calls can take a while."""
    return httpx.Timeout(120.0, connect=10.0, pool=30.0)


DEFAULT_DEADLINE = 300.0
"""Seconds one call may take in all, every attempt, retry wait and rate-limit wait included."""

_KEY_HEADERS = {Role.TRAINING: "Training-Key", Role.PREDICTION: "Prediction-Key"}


def encode_json(value: Any) -> bytes:
    """A JSON body exactly as it is sent: compact, UTF-8 (bulk upload sizes its batches with it)."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def user_agent(application_id: str | None = None) -> str:
    """``[application_id ]customvision-rest/<version> Python/<version> (<system>) httpx/<version>``."""
    base = _base_user_agent()
    return f"{application_id} {base}" if application_id else base


@functools.lru_cache(maxsize=1)
def _base_user_agent() -> str:
    import platform  # once, for the first client: not at import

    return (
        f"customvision-rest/{__version__} Python/{platform.python_version()} "
        f"({platform.system() or 'unknown'}) httpx/{httpx.__version__}"
    )


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()
"""Marks an option left as it is (``None`` is a value for the deadline: no deadline)."""


@dataclass(frozen=True)
class ClientConfig:
    """Everything a client needs to build and read requests; cheap to copy with other options.

    ``timeout`` bounds each attempt; ``deadline`` (seconds, or ``None`` for no bound) the whole call. The token
    cache and the rate limiter are shared by every copy.
    """

    resource: Resource
    role: Role
    api_version: str
    timeout: httpx.Timeout = field(default_factory=default_timeout)
    deadline: float | None = DEFAULT_DEADLINE
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    application_id: str | None = None
    scope: str = COGNITIVE_SERVICES_SCOPE
    """The Entra ID scope asked of token credentials (Resource Manager's for provisioning)."""
    token_cache: TokenCache = field(default_factory=TokenCache, compare=False, repr=False)
    limiter: RateLimiter = field(default_factory=RateLimiter, compare=False, repr=False)

    def __post_init__(self) -> None:
        # Computed once: they are read on every request.
        object.__setattr__(self, "uses_token", is_token_credential(self.resource.credential))
        object.__setattr__(self, "api_root", f"/customvision/v{self.api_version}/{self.role.value}")
        timeouts = self.timeout.as_dict()
        object.__setattr__(self, "_timeouts", timeouts)
        # The longest per-attempt timeout (None: one phase has none): a deadline further away clamps nothing.
        limits = [value for value in timeouts.values() if value is not None]
        longest = max(limits) if len(limits) == len(timeouts) else None
        object.__setattr__(self, "_longest_timeout", longest)
        object.__setattr__(
            self, "_base_headers", {"User-Agent": user_agent(self.application_id), "Accept": "application/json"}
        )

    uses_token: bool = field(init=False, compare=False, repr=False)
    """Whether requests carry an Entra ID bearer token rather than a key."""
    api_root: str = field(init=False, compare=False, repr=False)
    """The path every operation of this API and version lives under."""

    def with_options(
        self,
        *,
        timeout: httpx.Timeout | None = None,
        deadline: float | _Unset | None = UNSET,
        max_retries: int | None = None,
    ) -> ClientConfig:
        """A copy with another timeout, deadline or retry count, sharing the token cache and rate limiter."""
        config = self
        if timeout is not None:
            config = replace(config, timeout=timeout)
        if not isinstance(deadline, _Unset):
            config = replace(config, deadline=deadline)
        if max_retries is not None:
            config = replace(config, retry=replace(config.retry, max_retries=max_retries))
        return config

    def build_request(
        self, op: Operation[Any], token: BearerToken | None, remaining: float | None = None
    ) -> httpx.Request:
        """The request for ``op``, with credentials; the returned object must never be logged whole.

        ``remaining`` is what is left of the call's deadline: no timeout of the attempt exceeds it.
        """
        headers = dict(self._base_headers)  # type: ignore[attr-defined]
        content: bytes | None = None
        files: Any = None
        if op.json is not NO_BODY:
            content = op.json.data if type(op.json) is EncodedJson else encode_json(op.json)
            headers["Content-Type"] = "application/json"
        elif op.content is not None:
            content = op.content
            headers["Content-Type"] = "application/octet-stream"
        elif op.multipart is not None:
            files = list(op.multipart.files)
        elif op.method in ("POST", "PATCH", "PUT"):
            headers["Content-Length"] = "0"
        timeouts: dict[str, float | None] = self._timeouts  # type: ignore[attr-defined]
        longest: float | None = self._longest_timeout  # type: ignore[attr-defined]
        if remaining is not None and (longest is None or longest > remaining):
            timeouts = {
                phase: remaining if value is None else min(value, remaining) for phase, value in timeouts.items()
            }
        request = httpx_types.RedactedRequest(
            op.method,
            op.absolute_url or self.resource.endpoint + op.path,
            params=op.params or None,
            headers=headers,
            content=content,
            files=files,
            extensions={"timeout": timeouts},
        )
        # The secret goes straight into the request, never into a local variable of this frame.
        if token is not None:
            request.headers["Authorization"] = token.authorization()
        elif op.authenticated:
            request.headers[_KEY_HEADERS[self.role]] = self.resource.credential.key  # type: ignore[union-attr]
        return request


@dataclass(frozen=True)
class NeedToken:
    """A request from :func:`exchange` for a bearer token; ``refused`` is a token the service just refused."""

    refused: BearerToken | None = None


@dataclass(frozen=True)
class Transfer:
    """A request from :func:`exchange` to send ``request`` and send back the response.

    With a ``sink``, a successful body is written into it (from its start) rather than kept in the response.
    """

    request: httpx.Request
    sink: IO[bytes] | None = None

    def rewind(self) -> None:
        """Empty the sink before a body is written into it, so a retried download never appends twice."""
        if self.sink is not None:
            self.sink.seek(0)
            self.sink.truncate()


Need = NeedToken | Transfer


def exchange(config: ClientConfig, op: Operation[T], remaining: float | None = None) -> Generator[Need, Any, T]:
    """One attempt at ``op``: yields ``NeedToken`` (send back a token) and ``Transfer`` (send back the response).

    A 401 answered to a bearer token drops the cached token and tries once more with a new one, since tokens
    can be revoked or rotated before they expire.
    """
    with_token = config.uses_token and op.authenticated
    token: BearerToken | None = (yield NeedToken()) if with_token else None
    response: httpx.Response = yield Transfer(config.build_request(op, token, remaining), op.sink)
    if response.status_code == 401 and with_token:
        logger.info("%s answered 401 to a bearer token; fetching a new token and trying once more", op.name)
        token = yield NeedToken(refused=token)
        response = yield Transfer(config.build_request(op, token, remaining), op.sink)
    return read_response(op, response)


def perform(config: ClientConfig, op: Operation[T], clock: Callable[[], float]) -> Generator[Need | Sleep, Any, T]:
    """``op`` with its retries, rate-limit waits and deadline: what a client runs for one call.

    Yields what :func:`exchange` yields, and :class:`Sleep` for the waits. No wait runs past the deadline:
    when the next attempt could not start in time, the last failure is raised instead.
    """
    policy = config.retry
    start = clock()
    deadline = None if config.deadline is None else start + config.deadline
    kind = CallKind.of(config.role, op.name) if op.authenticated else None
    attempt = 0
    resumed = start  # when the last wait ended, had it lasted as asked (an injected sleep may return at once)
    while True:
        attempt += 1
        now = start if attempt == 1 else max(clock(), resumed)
        if kind is not None:
            # Most calls find their turn free: only a call that must wait enters the pacing loop.
            pace = config.limiter.pace
            wait = config.limiter.reserve(kind, now)
            if wait > 0:
                now = yield from _paced(config, op, kind, now, deadline, pace, wait)
        try:
            remaining = None if config.deadline is None else config.deadline - (now - start)
            result: T = yield from exchange(config, op, remaining)
        except (APIStatusError, APIConnectionError) as error:
            if isinstance(error, RateLimitError):
                config.limiter.learn(error.message)
            if attempt > policy.max_retries or not policy.should_retry(error, op):
                raise
            delay = policy.delay(attempt, error)
            failed_at = max(clock(), now)
            if deadline is not None and failed_at + delay >= deadline:
                logger.info(
                    "%s attempt %d failed (%s); not retrying: the call's deadline (%g s) comes first",
                    op.name,
                    attempt,
                    describe_failure(error),
                    config.deadline,
                )
                raise
            logger.info(
                "%s attempt %d of %d failed (%s); retrying in %.2f s",
                op.name,
                attempt,
                policy.max_retries + 1,
                describe_failure(error),
                delay,
            )
            del error
            yield Sleep(delay)
            resumed = failed_at + delay
        else:
            return result


def _paced(
    config: ClientConfig,
    op: Operation[Any],
    kind: CallKind,
    now: float,
    deadline: float | None,
    pace: object,
    wait: float,
) -> Generator[Sleep, Any, float]:
    """Wait ``wait`` seconds for the turn reserved at ``pace``, and again as needed; return the start time."""
    limiter = config.limiter
    while True:
        if deadline is not None and now + wait >= deadline:
            raise APITimeoutError(
                f"{op.name}: the client-side rate limit would delay the call past its deadline "
                f"({config.deadline:g} s); raise the timeout or send fewer calls at once",
                method=op.method,
                url=(op.absolute_url or config.resource.endpoint + op.path).split("?", 1)[0],
            )
        yield Sleep(wait)
        now += wait
        if limiter.pace is pace:
            return now
        # The limiter changed pace while this call waited (the service named a slower tier): take a new turn.
        pace = limiter.pace
        wait = limiter.reserve(kind, now)
        if wait <= 0:
            return now


def read_response(op: Operation[T], response: httpx.Response) -> T:
    """The operation's result, or the error the response means."""
    status = response.status_code
    if logger.isEnabledFor(logging.DEBUG):
        logger.debug(
            "%s %s -> %s (request id %s)",
            response.request.method,
            # Never the query: download addresses carry their signature (SAS) there.
            response.request.url.copy_with(query=None),
            status,
            response.headers.get("apim-request-id"),
        )
    if status not in op.success:
        if 200 <= status < 300:
            raise _unexpected_success(op, response, response.headers.get("apim-request-id"))
        raise error_from_response(response)
    try:
        return op.parse(response)
    except (pydantic.ValidationError, ValueError, KeyError, TypeError, RecursionError) as exc:
        problem = describe_problem(exc)
    # Raised outside the handler so that no parser exception (which quotes the body) is chained to it.
    raise ResponseValidationError(
        f"{op.name}: the service answered HTTP {status} with a body this client cannot read: {problem}",
        status_code=status,
        request_id=response.headers.get("apim-request-id"),
        body=_body_of(response),
    )


def _unexpected_success(
    op: Operation[Any], response: httpx.Response, request_id: str | None
) -> ResponseValidationError:
    expected = " or ".join(str(code) for code in sorted(op.success))
    what = "with no body" if not response.content else "with a body"
    return ResponseValidationError(
        f"{op.name}: the service answered HTTP {response.status_code} {response.reason_phrase} {what}, but this "
        f"operation answers HTTP {expected}; there is no result to read (the request may still have taken "
        "effect: check before repeating it)",
        status_code=response.status_code,
        request_id=request_id,
        body=_body_of(response) if response.content else None,
    )


def _body_of(response: httpx.Response) -> Any:
    try:
        return response.json()
    except (ValueError, RecursionError):
        return response.text


def error_from_response(response: httpx.Response) -> APIStatusError:
    """The exception for an error response, from either body shape, an empty body, or plain text.

    Service errors are ``{"code", "message"}``; gateway errors (authentication, quota, throttling) are
    ``{"error": {"code", "message"}}``.
    """
    status = response.status_code
    body = _body_of(response) if response.content else None
    code: str | None = None
    message: str | None = None
    if isinstance(body, dict):
        nested = body.get("error")
        inner: dict[str, Any] = nested if isinstance(nested, dict) else body
        if isinstance(nested, str) and nested.strip():
            inner = {"code": body.get("code"), "message": nested}
        raw_code = inner.get("code")
        code = str(raw_code) if raw_code not in (None, "") else None
        raw_message = inner.get("message") or inner.get("Message")
        message = str(raw_message) if raw_message else None
    elif isinstance(body, str) and body.strip():
        message = body.strip()[:500]
    if not message:
        reason = response.reason_phrase or "error"
        message = f"{reason} (the service sent no error details)" if not response.content else reason
    request = response.request
    kwargs: dict[str, Any] = {
        "status_code": status,
        "code": code,
        "message": message,
        "request_id": response.headers.get("apim-request-id") or response.headers.get("x-ms-request-id"),
        "method": request.method,
        "url": str(request.url.copy_with(query=None)),
        "body": body,
    }
    # A busy service (429, 503) may say when to come back; the retry policy reads it from the error.
    retry_after = parse_retry_after(response.headers) if status == 429 or status >= 500 else None
    return status_error_class(status, code)(retry_after=retry_after, **kwargs)


def token_scope() -> str:
    """The scope asked of token credentials."""
    return COGNITIVE_SERVICES_SCOPE
