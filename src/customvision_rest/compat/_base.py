"""What both compat clients share: credentials in the old form, per-call headers, ``raw=True``, old-style errors.

A compat client holds one native client and its ``httpx.Client``. Each method translates the old call into the
native one; two httpx event hooks add the call's ``custom_headers`` and note the final response (for
``raw=True`` and for the exception's ``response``). Sending, retries, limits and error mapping are the native
client's: nothing here speaks HTTP.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar
from uuid import UUID

import httpx

from .. import APIStatusError, ConfigurationError, KeyCredential, PredictionClient, TrainingClient
from ._errors import as_compat_error

__all__ = ["ClientRawResponse", "CompatClient", "IdLike", "Stream"]

T = TypeVar("T")
N = TypeVar("N", TrainingClient, PredictionClient)
C = TypeVar("C", bound="CompatClient[Any]")

IdLike = str | UUID
"""An id as old code holds it: the text of a UUID, or a ``UUID`` (what the results carry now)."""

Stream = Any
"""An image as old code passed it: bytes, or a binary file object (anything with ``read()``)."""


class ClientRawResponse(Generic[T]):
    """What a method answers when called with ``raw=True``, as ``msrest.pipeline.ClientRawResponse``.

    Attributes:
        output: what the call answers without ``raw=True``.
        response: the final ``httpx.Response`` (after any retries).
        headers: the response's headers.
    """

    def __init__(self, output: T, response: httpx.Response | None) -> None:
        self.output = output
        self.response = response
        self.headers: dict[str, str] = dict(response.headers) if response is not None else {}

    def __repr__(self) -> str:
        status = self.response.status_code if self.response is not None else None
        return f"ClientRawResponse(status={status}, output={type(self.output).__name__})"


@dataclass
class _Call:
    """The call in progress on this thread or task: its extra headers and its last response."""

    headers: dict[str, str] = field(default_factory=dict)
    response: httpx.Response | None = None


_CURRENT_CALL: ContextVar[_Call | None] = ContextVar("customvision_rest_compat_call", default=None)

_KEY_HEADERS = {"training-key", "prediction-key", "ocp-apim-subscription-key"}


@dataclass(frozen=True)
class _Translated:
    credential: Any
    headers: dict[str, str]
    query: dict[str, str]


def _translate_credentials(credentials: object, client: str) -> _Translated:
    """The native credential, and the other headers and query parameters the old credential asked for."""
    if credentials is None:
        raise ConfigurationError(f"{client}: credentials must not be None; pass ApiKeyCredentials(in_headers=...)")
    if hasattr(credentials, "get_token") or isinstance(credentials, (str, KeyCredential)):
        return _Translated(credentials, {}, {})
    in_headers = getattr(credentials, "in_headers", None)
    in_query = getattr(credentials, "in_query", None)
    if not isinstance(in_headers, Mapping) and not isinstance(in_query, Mapping):
        raise ConfigurationError(
            f"{client}: credentials must be ApiKeyCredentials(in_headers={{...}}), a key, or a token credential "
            f"(azure-identity); got {type(credentials).__name__}"
        )
    headers = {str(k): str(v) for k, v in dict(in_headers or {}).items()}
    query = {str(k): str(v) for k, v in dict(in_query or {}).items()}
    keys = [v for source in (headers, query) for k, v in source.items() if k.lower() in _KEY_HEADERS]
    if not keys:
        raise ConfigurationError(
            f"{client}: ApiKeyCredentials has no key; pass in_headers={{'Training-Key': key}} for training or "
            f"in_headers={{'Prediction-Key': key}} for prediction (names given: {sorted({*headers, *query})})"
        )
    # The native client sends the key under the header its API expects; only the other entries are added.
    rest_headers = {k: v for k, v in headers.items() if k.lower() not in _KEY_HEADERS}
    rest_query = {k: v for k, v in query.items() if k.lower() not in _KEY_HEADERS}
    return _Translated(keys[0], rest_headers, rest_query)


class CompatClient(Generic[N]):
    """A client with the old SDK's face over a native client of type ``N``."""

    _native_class: type[N]

    def __init__(self, endpoint: str, credentials: Any) -> None:
        client = type(self).__name__
        if endpoint is None:
            raise ConfigurationError(f"{client}: endpoint must not be None")
        translated = _translate_credentials(credentials, client)
        self._http = httpx.Client(
            follow_redirects=False,
            event_hooks={"request": [self._on_request], "response": [self._on_response]},
        )
        try:
            self._native: N = self._native_class(endpoint, translated.credential, http_client=self._http)
        except BaseException:
            self._http.close()
            raise
        self._host = httpx.URL(self._native.resource.endpoint).host
        self._extra_headers = translated.headers
        self._extra_query = translated.query

    @property
    def native(self) -> N:
        """The native client behind this one, for code that moves over one call at a time."""
        return self._native

    @property
    def api_version(self) -> str:
        """The API version in request paths (the native client's)."""
        return self._native.api_version

    def close(self) -> None:
        """Close the connection pool."""
        self._native.close()
        self._http.close()

    def __enter__(self: C) -> C:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._native!r})"

    def _on_request(self, request: httpx.Request) -> None:
        # Only requests to the resource itself: signed download addresses get nothing of ours.
        if request.url.host != self._host:
            return
        call = _CURRENT_CALL.get()
        extra = {**self._extra_headers, **(call.headers if call is not None else {})}
        if extra:
            request.headers.update(extra)
        if self._extra_query:
            request.url = request.url.copy_merge_params(self._extra_query)

    def _on_response(self, response: httpx.Response) -> None:
        call = _CURRENT_CALL.get()
        if call is not None:
            call.response = response

    def _call(
        self,
        run: Callable[[N], T],
        custom_headers: Mapping[str, str] | None,
        raw: bool,
        operation_config: Mapping[str, Any],
    ) -> Any:
        """Run ``run`` on the native client with the old call's options; errors become old-style ones."""
        native = self._native
        unknown = sorted(set(operation_config) - {"timeout"})
        if unknown:
            raise TypeError(f"unsupported operation options {unknown}; only timeout= is taken (seconds)")
        if operation_config.get("timeout") is not None:
            native = native.with_options(timeout=operation_config["timeout"])
        call = _Call(headers={str(k): str(v) for k, v in (custom_headers or {}).items()})
        token = _CURRENT_CALL.set(call)
        try:
            output = run(native)
        except APIStatusError as exc:
            raise as_compat_error(exc, call.response).with_traceback(exc.__traceback__) from None
        finally:
            _CURRENT_CALL.reset(token)
        return ClientRawResponse(output, call.response) if raw else output


def chunks(data: bytes, callback: Callable[..., Any] | None, response: httpx.Response | None) -> Iterator[bytes]:
    """The body as the old SDK's stream download gave it: pieces of bytes, each announced to ``callback``."""
    size = 64 * 1024
    for start in range(0, len(data), size):
        piece = data[start : start + size]
        if callback is not None:
            callback(piece, response=response)
        yield piece
