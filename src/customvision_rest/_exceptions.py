"""Every error this library raises.

::

    CustomVisionError                      base of everything below
    ├── ConfigurationError (ValueError)    bad endpoint, credential, resource or resource kind; raised at construction
    ├── InvalidResourceIdError (ValueError)  an Azure resource id that is malformed, or a subscription id in its place
    ├── ClientValidationError (ValueError) input the service would refuse (sizes, counts, ids), caught before sending
    ├── APIConnectionError                 the request did not get an answer
    │   └── APITimeoutError
    ├── APIStatusError                     the service answered with an error status
    │   ├── BadRequestError (400)
    │   │   └── TrainingNotNeededError     BadRequestTrainingNotNeeded
    │   ├── AuthenticationError (401)
    │   ├── PermissionDeniedError (403)
    │   ├── NotFoundError (404)
    │   ├── ConflictError (409)
    │   ├── UnsupportedMediaTypeError (415)
    │   ├── RateLimitError (429)           carries ``retry_after``
    │   └── InternalServerError (5xx)
    ├── ResponseValidationError            the service answered something our models cannot read
    ├── NoPredictionsError (LookupError)   ``ImagePrediction.best()`` on a result with no predictions
    ├── OperationFailedError               a long-running operation (training, export, import) ended in failure
    │   └── TrainingFailedError            carries the failed ``iteration``
    └── PollingTimeoutError (TimeoutError) a wait ran past its deadline; carries the last status seen

``str(error)`` always shows the service's code and message. No error carries a key, a token or a signature:
requests are summarised by method and URL without its query, bodies and messages have signatures redacted,
and the httpx exception kept as ``__cause__`` of a connection error has no traceback (the frames of httpx and
httpcore hold the request's headers in their local variables) and a request that prints no credential.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .core.lazy import lazy_module
from .core.redaction import redact, redact_value

if TYPE_CHECKING:
    import httpx
    import pydantic
else:
    # Only errors need them, and by then the call has imported them: importing the package must not.
    httpx = lazy_module("httpx")
    pydantic = lazy_module("pydantic")

__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ClientValidationError",
    "ConfigurationError",
    "ConflictError",
    "CustomVisionError",
    "InternalServerError",
    "InvalidResourceIdError",
    "NoPredictionsError",
    "NotFoundError",
    "OperationFailedError",
    "PermissionDeniedError",
    "PollingTimeoutError",
    "RateLimitError",
    "ResponseValidationError",
    "TrainingFailedError",
    "TrainingNotNeededError",
    "UnsupportedMediaTypeError",
    "describe_problem",
]


class CustomVisionError(Exception):
    """Base class of every error raised by customvision-rest."""


class ConfigurationError(CustomVisionError, ValueError):
    """A client or resource was configured wrongly: endpoint, credential, kind or options."""


class InvalidResourceIdError(CustomVisionError, ValueError):
    """A string given as an Azure resource id is not one (often a subscription id or a bare account name)."""


class ClientValidationError(CustomVisionError, ValueError):
    """Input the service is documented to refuse, caught before any request was sent.

    ``limit`` names the rule that was broken (for instance ``"images per batch"``), ``value`` the offending
    count, size or item.
    """

    def __init__(self, message: str, *, limit: str | None = None, value: Any = None) -> None:
        super().__init__(message)
        self.limit = limit
        self.value = value


class APIConnectionError(CustomVisionError):
    """The request could not be completed: connection refused or dropped, DNS failure, TLS failure."""

    def __init__(self, message: str, *, method: str, url: str) -> None:
        super().__init__(message)
        self.method = method
        self.url = url


class APITimeoutError(APIConnectionError):
    """The request timed out (connect, read, write or waiting for a pooled connection)."""


class APIStatusError(CustomVisionError):
    """The service answered with an error status.

    Attributes:
        status_code: the HTTP status.
        code: the service's error code (``BadRequestImageBatch``, ``NotFound``, ``401``...), or ``None``.
        message: the service's message, or a description of the body when it had none.
        request_id: the ``apim-request-id`` header, to quote when asking Microsoft for help.
        method, url: what was requested (credentials are never part of a URL).
        body: the decoded JSON body, or the text when it was not JSON.
        retry_after: the delay in seconds the service asked for before trying again, if it asked.
    """

    def __init__(
        self,
        *,
        status_code: int,
        code: str | None,
        message: str,
        request_id: str | None,
        method: str,
        url: str,
        body: Any = None,
        retry_after: float | None = None,
    ) -> None:
        self.status_code = status_code
        self.retry_after = retry_after
        self.code = code
        self.message = redact(message)
        self.request_id = request_id
        self.method = method
        self.url = url
        self.body = redact_value(body)
        super().__init__(self._describe())

    def _describe(self) -> str:
        head = f"{self.code}: {self.message}" if self.code else self.message
        tail = f" (HTTP {self.status_code} on {self.method} {self.url}"
        tail += f", request id {self.request_id})" if self.request_id else ")"
        return head + tail


class BadRequestError(APIStatusError):
    """HTTP 400: the service refused the request's content."""


class TrainingNotNeededError(BadRequestError):
    """``BadRequestTrainingNotNeeded``: nothing changed since the last training, so no new iteration starts."""


class AuthenticationError(APIStatusError):
    """HTTP 401: the key or token is missing, wrong, or for another resource or endpoint."""


class PermissionDeniedError(APIStatusError):
    """HTTP 403: the credential is valid but not allowed to do this (for example a missing Entra ID role)."""


class NotFoundError(APIStatusError):
    """HTTP 404: the project, iteration, tag, image or publish name does not exist."""


class ConflictError(APIStatusError):
    """HTTP 409: the request conflicts with the resource's current state."""


class UnsupportedMediaTypeError(APIStatusError):
    """HTTP 415: the body's content type is not one the operation accepts."""


class RateLimitError(APIStatusError):
    """HTTP 429: too many requests for the resource's pricing tier; ``retry_after`` says how long to wait."""


class InternalServerError(APIStatusError):
    """HTTP 5xx: the service failed or is unavailable."""


class ResponseValidationError(CustomVisionError):
    """The service answered successfully, but with a body our models could not read."""

    def __init__(self, message: str, *, status_code: int, request_id: str | None, body: Any = None) -> None:
        super().__init__(redact(message))
        self.status_code = status_code
        self.request_id = request_id
        self.body = redact_value(body)


class NoPredictionsError(CustomVisionError, LookupError):
    """A prediction result holds no predictions, so it has no best one."""


class OperationFailedError(CustomVisionError):
    """A long-running operation (training, export, project import) finished in failure."""

    def __init__(self, message: str, *, result: Any = None) -> None:
        super().__init__(message)
        self.result = result


class TrainingFailedError(OperationFailedError):
    """Training ended with the iteration in ``Failed``; ``iteration`` is that iteration."""

    @property
    def iteration(self) -> Any:
        """The failed iteration, as the service last described it."""
        return self.result


class PollingTimeoutError(CustomVisionError, TimeoutError):
    """Waiting for a long-running operation passed its deadline; ``last_status`` is what was last seen.

    The operation itself goes on at the service: waiting again later may still see it finish.
    """

    def __init__(self, message: str, *, last_status: Any = None) -> None:
        super().__init__(message)
        self.last_status = last_status


_STATUS_CLASSES: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    415: UnsupportedMediaTypeError,
    429: RateLimitError,
}


def status_error_class(status_code: int, code: str | None) -> type[APIStatusError]:
    """The exception class for an error answer with this status and service code."""
    if code == "BadRequestTrainingNotNeeded":
        return TrainingNotNeededError
    if status_code >= 500:
        return InternalServerError
    return _STATUS_CLASSES.get(status_code, APIStatusError)


def connection_error(exc: httpx.TransportError, request: httpx.Request) -> APIConnectionError:
    """Wrap an httpx transport failure; the message names the request but never its headers.

    The tracebacks of ``exc`` and of the exceptions chained to it are dropped: their frames are httpx's and
    httpcore's, whose local variables hold the headers as sent (a traceback printed with its locals would
    show the key). Types and messages stay, so the chain still says what failed.
    """
    _drop_tracebacks(exc)
    cls = APITimeoutError if isinstance(exc, httpx.TimeoutException) else APIConnectionError
    what = "timed out" if cls is APITimeoutError else "failed"
    detail = type(exc).__name__ + (f": {exc}" if str(exc) else "")
    url = str(request.url.copy_with(query=None))
    return cls(f"{request.method} {url} {what} ({detail})", method=request.method, url=url)


def _drop_tracebacks(error: BaseException) -> None:
    seen: set[int] = set()
    pending: list[BaseException | None] = [error]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        current.__traceback__ = None
        pending += [current.__cause__, current.__context__]


_MAX_PROBLEM_CHARS = 300


def describe_problem(exc: BaseException) -> str:
    """One line of bounded length saying what was wrong, for a message (pydantic's text spans many lines).

    The offending values are not quoted: they may be large, or carry a signature.
    """
    if isinstance(exc, RecursionError):
        return "the JSON is nested too deeply to read"
    if isinstance(exc, pydantic.ValidationError):
        errors = exc.errors(include_url=False, include_input=False, include_context=False)
        if errors:
            first = errors[0]
            where = ".".join(str(part) for part in first["loc"]) or "the value"
            more = f" (and {len(errors) - 1} more problem(s))" if len(errors) > 1 else ""
            text = f"{where}: {first['msg']}{more}"
        else:
            text = exc.title
    else:
        text = f"{type(exc).__name__}: {exc}"
    text = redact(" ".join(text.split()))
    return text if len(text) <= _MAX_PROBLEM_CHARS else text[: _MAX_PROBLEM_CHARS - 3] + "..."
