"""Credentials: API keys that can rotate, and Microsoft Entra ID token credentials.

Any object with ``get_token(*scopes)`` returning something with ``token`` and ``expires_on`` is a token
credential, so azure-identity's credentials work unchanged and this library does not depend on azure-core.
``azure.identity`` credentials are synchronous; ``azure.identity.aio`` ones are asynchronous.
"""

from __future__ import annotations

import inspect
import threading
import time
from typing import Any, Protocol, runtime_checkable

from .._exceptions import ConfigurationError

__all__ = [
    "COGNITIVE_SERVICES_SCOPE",
    "AccessTokenLike",
    "AsyncTokenCredential",
    "BearerToken",
    "Credential",
    "KeyCredential",
    "SupportsKey",
    "TokenCache",
    "TokenCredential",
    "describe_credential",
    "is_async_token_credential",
    "is_token_credential",
    "to_credential",
]

COGNITIVE_SERVICES_SCOPE = "https://cognitiveservices.azure.com/.default"
"""The Entra ID scope for every Cognitive Services data-plane API, Custom Vision included."""

_REFRESH_MARGIN_SECONDS = 300.0


@runtime_checkable
class SupportsKey(Protocol):
    """Anything with a ``key`` attribute, read on every request.

    :class:`KeyCredential` is one; so is azure-core's ``AzureKeyCredential``.
    """

    @property
    def key(self) -> str:
        """The current key."""
        ...


class AccessTokenLike(Protocol):
    """What ``get_token`` returns: azure-core's ``AccessToken`` or any object with these two attributes."""

    @property
    def token(self) -> str:
        """The bearer token."""
        ...

    @property
    def expires_on(self) -> int:
        """Expiry, in seconds since the epoch."""
        ...


class TokenCredential(Protocol):
    """A synchronous token credential, such as ``azure.identity.DefaultAzureCredential``."""

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessTokenLike:
        """Return a token for the scopes."""
        ...


class AsyncTokenCredential(Protocol):
    """An asynchronous token credential, such as ``azure.identity.aio.DefaultAzureCredential``."""

    async def get_token(self, *scopes: str, **kwargs: Any) -> AccessTokenLike:
        """Return a token for the scopes."""
        ...


Credential = SupportsKey | TokenCredential | AsyncTokenCredential
"""What a resource holds: a key credential or a (sync or async) token credential."""


class KeyCredential:
    """An API key that can be replaced while clients use it, for key rotation.

    Clients read ``key`` on every request, so after ``update(new_key)`` the next request uses the new key.
    ``repr`` and ``str`` never show the key.
    """

    __slots__ = ("_key",)

    def __init__(self, key: str) -> None:
        self._key = _checked_key(key)

    @property
    def key(self) -> str:
        """The current key."""
        return self._key

    def update(self, key: str) -> None:
        """Replace the key; requests sent from now on use the new one."""
        self._key = _checked_key(key)

    def __repr__(self) -> str:
        return "KeyCredential(key=***)"

    __str__ = __repr__


def _checked_key(key: object) -> str:
    if not isinstance(key, str):
        raise ConfigurationError(f"a key must be a string, not {type(key).__name__}")
    stripped = key.strip()
    if not stripped:
        raise ConfigurationError("the key is empty")
    if any(ch in stripped for ch in "\r\n"):
        raise ConfigurationError("the key contains a line break")
    if not (stripped.isascii() and stripped.isprintable()):
        # Sent as a header, which only carries ASCII; the key itself is never quoted back.
        raise ConfigurationError(
            "the key contains characters other than printable ASCII; copy it again from the resource's "
            "'Keys and Endpoint' page"
        )
    return stripped


def is_token_credential(credential: object) -> bool:
    """Whether the object is a token credential (it has a callable ``get_token``)."""
    return callable(getattr(credential, "get_token", None))


def is_async_token_credential(credential: object) -> bool:
    """Whether the object's ``get_token`` is a coroutine function (``azure.identity.aio`` style)."""
    method = getattr(credential, "get_token", None)
    return method is not None and inspect.iscoroutinefunction(method)


def to_credential(credential: object) -> Credential:
    """Accept a key string, a key credential, or a token credential; refuse anything else clearly."""
    if isinstance(credential, str):
        return KeyCredential(credential)
    if is_token_credential(credential):
        return credential  # type: ignore[return-value]
    if isinstance(credential, SupportsKey) and isinstance(credential.key, str):
        return credential
    raise ConfigurationError(
        f"unsupported credential of type {type(credential).__name__}: expected a key (str or KeyCredential) "
        "or a token credential with get_token(*scopes), such as azure.identity.DefaultAzureCredential"
    )


def describe_credential(credential: object) -> str:
    """A description safe to print: the credential's type, never its secret."""
    if isinstance(credential, KeyCredential):
        return "KeyCredential(key=***)"
    return f"<{type(credential).__name__}>"


class BearerToken:
    """A bearer token held so that no repr, log line or traceback with locals shows its text."""

    __slots__ = ("_text", "expires_on")

    def __init__(self, text: str, expires_on: float) -> None:
        self._text = text
        self.expires_on = expires_on

    def authorization(self) -> str:
        """The ``Authorization`` header value; pass it straight into the header, never into a variable."""
        return "Bearer " + self._text

    def __repr__(self) -> str:
        return "BearerToken(***)"

    __str__ = __repr__


class TokenCache:
    """Holds the last token and says when a new one is needed; fetching is left to the client.

    A token is renewed five minutes before it expires. Until it really expires it stays usable, so that
    while one caller fetches the next token the others go on with the current one: one ``get_token`` per
    renewal however many threads or tasks share the client. A token the service refused (401) is dropped.
    """

    def __init__(self, clock: Any = time.time) -> None:
        self._clock = clock
        self._cached: BearerToken | None = None
        self.lock = threading.Lock()
        self.async_lock: Any = None  # an anyio.Lock, made by the async client in its event loop

    def current(self) -> BearerToken | None:
        """The cached token if it is still comfortably valid, else ``None``."""
        cached = self._cached
        if cached is None or cached.expires_on - _REFRESH_MARGIN_SECONDS <= self._clock():
            return None
        return cached

    def usable(self) -> BearerToken | None:
        """The cached token while it has not expired, even inside the renewal margin, else ``None``."""
        cached = self._cached
        if cached is None or cached.expires_on <= self._clock() + 1.0:
            return None
        return cached

    def store(self, access_token: AccessTokenLike) -> BearerToken:
        """Remember a freshly fetched token and return it."""
        text = getattr(access_token, "token", None)
        expires_on = getattr(access_token, "expires_on", None)
        del access_token  # not in this frame's locals if anything below raises
        if not isinstance(text, str) or not text or not isinstance(expires_on, (int, float)):
            raise ConfigurationError(
                "the token credential returned an object without a string 'token' and a numeric 'expires_on'"
            )
        self._cached = BearerToken(text, float(expires_on))
        return self._cached

    def invalidate(self, refused: BearerToken | None = None) -> None:
        """Forget the cached token after the service refused it (only that one, if given)."""
        if refused is None or self._cached is refused:
            self._cached = None

    def __repr__(self) -> str:
        return f"TokenCache(cached={self._cached is not None})"
