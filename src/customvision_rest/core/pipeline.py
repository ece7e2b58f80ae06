"""Turning an operation into an HTTP request and an HTTP response into a result or an error.

Nothing here sends or waits. :func:`exchange` is a generator that yields what it needs (a token, a response to
a request) and returns the result; the sync and async clients drive it with their own I/O, so the logic of
authentication, the 401 retry and error mapping exists once.
"""

from __future__ import annotations

import json
import logging
import platform
from collections.abc import Generator
from dataclasses import dataclass, field, replace
from typing import IO, Any, TypeVar

import httpx
import pydantic

from .._exceptions import APIStatusError, ResponseValidationError, describe_problem, status_error_class
from .._version import __version__
from .credentials import COGNITIVE_SERVICES_SCOPE, SupportsKey, TokenCache, is_token_credential
from .operation import NO_BODY, Operation
from .redaction import RedactedRequest
from .resources import Resource, Role
from .retry import RetryPolicy, parse_retry_after

__all__ = [
    "DEFAULT_TIMEOUT",
    "ClientConfig",
    "NeedToken",
    "encode_json",
    "Transfer",
    "error_from_response",
    "exchange",
    "user_agent",
]

T = TypeVar("T")
logger = logging.getLogger("customvision_rest")

DEFAULT_TIMEOUT = httpx.Timeout(120.0, connect=10.0, pool=30.0)
"""A short connect timeout and a generous one for reading: training-side calls can take a while to answer."""

_KEY_HEADERS = {Role.TRAINING: "Training-Key", Role.PREDICTION: "Prediction-Key"}


def encode_json(value: Any) -> bytes:
    """A JSON body exactly as it is sent: compact, UTF-8 (bulk upload sizes its batches with it)."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def user_agent(application_id: str | None = None) -> str:
    """``[application_id ]customvision-rest/<version> Python/<version> (<system>) httpx/<version>``."""
    base = (
        f"customvision-rest/{__version__} Python/{platform.python_version()} "
        f"({platform.system() or 'unknown'}) httpx/{httpx.__version__}"
    )
    return f"{application_id} {base}" if application_id else base


@dataclass(frozen=True)
class ClientConfig:
    """Everything a client needs to build and read requests; cheap to copy with other options."""

    resource: Resource
    role: Role
    api_version: str
    timeout: httpx.Timeout = field(default_factory=lambda: DEFAULT_TIMEOUT)
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    application_id: str | None = None
    token_cache: TokenCache = field(default_factory=TokenCache, compare=False, repr=False)

    @property
    def uses_token(self) -> bool:
        """Whether requests carry an Entra ID bearer token rather than a key."""
        return is_token_credential(self.resource.credential)

    @property
    def api_root(self) -> str:
        """The path every operation of this API and version lives under."""
        return f"/customvision/v{self.api_version}/{self.role.value}"

    def with_options(self, *, timeout: httpx.Timeout | None = None, max_retries: int | None = None) -> ClientConfig:
        """A copy with another timeout or retry count, sharing the token cache."""
        config = self
        if timeout is not None:
            config = replace(config, timeout=timeout)
        if max_retries is not None:
            config = replace(config, retry=replace(config.retry, max_retries=max_retries))
        return config

    def build_request(self, op: Operation[Any], token: str | None) -> httpx.Request:
        """The request for ``op``, with credentials; the returned object must never be logged whole."""
        headers = {"User-Agent": user_agent(self.application_id), "Accept": "application/json"}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        elif op.authenticated:
            credential = self.resource.credential
            assert isinstance(credential, SupportsKey)
            headers[_KEY_HEADERS[Role(op.role)]] = credential.key
        content: bytes | None = None
        files: Any = None
        if op.json is not NO_BODY:
            content = encode_json(op.json)
            headers["Content-Type"] = "application/json"
        elif op.content is not None:
            content = op.content
            headers["Content-Type"] = "application/octet-stream"
        elif op.multipart is not None:
            files = list(op.multipart.files)
        url = op.absolute_url or self.resource.endpoint + op.path
        request = RedactedRequest(
            op.method,
            url,
            params=dict(op.params) or None,
            headers=headers,
            content=content,
            files=files,
            extensions={"timeout": self.timeout.as_dict()},
        )
        if op.method in ("POST", "PATCH", "PUT") and content is None and files is None:
            request.headers["Content-Length"] = "0"
        return request


@dataclass(frozen=True)
class NeedToken:
    """A request from :func:`exchange` for a bearer token; ``refresh`` asks for a new one, not the cached one."""

    refresh: bool = False


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


def exchange(config: ClientConfig, op: Operation[T]) -> Generator[Need, Any, T]:
    """One attempt at ``op``: yields ``NeedToken`` (send back a token) and ``Transfer`` (send back the response).

    A 401 answered to a bearer token drops the cached token and tries once more with a new one, since tokens
    can be revoked or rotated before they expire.
    """
    with_token = config.uses_token and op.authenticated
    token = (yield NeedToken()) if with_token else None
    response: httpx.Response = yield Transfer(config.build_request(op, token), op.sink)
    if response.status_code == 401 and with_token:
        logger.info("%s answered 401 to a bearer token; fetching a new token and trying once more", op.name)
        token = yield NeedToken(refresh=True)
        response = yield Transfer(config.build_request(op, token), op.sink)
    return read_response(op, response)


def read_response(op: Operation[T], response: httpx.Response) -> T:
    """The operation's result, or the error the response means."""
    request_id = response.headers.get("apim-request-id")
    logger.debug(
        "%s %s -> %s (request id %s)",
        response.request.method,
        # Never the query: download addresses carry their signature (SAS) there.
        response.request.url.copy_with(query=None),
        response.status_code,
        request_id,
    )
    status = response.status_code
    if status not in op.success:
        if 200 <= status < 300:
            raise _unexpected_success(op, response, request_id)
        raise error_from_response(response)
    try:
        return op.parse(response)
    except (pydantic.ValidationError, ValueError, KeyError, TypeError, RecursionError) as exc:
        problem = describe_problem(exc)
    # Raised outside the handler so that no parser exception (which quotes the body) is chained to it.
    raise ResponseValidationError(
        f"{op.name}: the service answered HTTP {status} with a body this client cannot read: {problem}",
        status_code=status,
        request_id=request_id,
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
