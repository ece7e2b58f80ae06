"""The httpx types the clients use in their own kind: requests, URLs and headers that print no secret, and a
cookie store that keeps nothing.

They subclass httpx's, so this module imports httpx: the client path imports it on the first request (through
:func:`~customvision_rest.core.lazy.lazy_module`), never when the package is imported.
"""

from __future__ import annotations

from typing import Any

import httpx

from .redaction import SECRET_HEADERS, redact

__all__ = ["NoCookies", "RedactedHeaders", "RedactedRequest", "RedactedURL"]

_MASK = "[secret]"


class RedactedURL(httpx.URL):
    """An ``httpx.URL`` whose ``repr`` hides signatures; ``str`` stays the real address, which is sent."""

    def __repr__(self) -> str:
        return f"URL({redact(str(self))!r})"


class RedactedHeaders(httpx.Headers):
    """``httpx.Headers`` whose ``repr`` masks every credential header, not only ``Authorization``."""

    def __repr__(self) -> str:
        shown = {key: (_MASK if key.lower() in SECRET_HEADERS else value) for key, value in self.multi_items()}
        return f"Headers({shown!r})"


class RedactedRequest(httpx.Request):
    """An ``httpx.Request`` that never prints its credentials or the signature in its address."""

    def __init__(self, method: str, url: str | httpx.URL, **kwargs: Any) -> None:
        super().__init__(method, url, **kwargs)
        # Every request pays for this: retype the objects httpx just made instead of copying them.
        if self.url is url:  # the caller's own URL object: leave it as it was
            self.url = RedactedURL(self.url)
        else:
            self.url.__class__ = RedactedURL
        self.headers.__class__ = RedactedHeaders

    def __repr__(self) -> str:
        return f"<Request({self.method!r}, {redact(str(self.url))!r})>"


class NoCookies(httpx.Cookies):
    """A cookie store that keeps nothing: the Custom Vision APIs use none.

    httpx files every response's cookies through ``http.cookiejar``, which builds urllib request and response
    adapters for each one: about a fifth of an in-process call. Only pools the client opens itself get this.
    """

    def extract_cookies(self, response: httpx.Response) -> None:
        """Keep no cookie."""
