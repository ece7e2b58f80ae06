"""Errors the emulated service answers, in its two wire shapes.

- `ServiceError`: the Custom Vision service's own errors, `{"code": "...", "message": "..."}`, with `code` taken
  from the specification's `CustomVisionErrorCodes` enum.
- `gateway_error`: errors of the API gateway in front of it (auth, throttling, faults), shaped
  `{"error": {"code": "401", "message": "..."}}`.
"""

from __future__ import annotations

import json

import httpx

INVALID_KEY_MESSAGE = (
    "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an "
    "active subscription and use a correct regional API endpoint for your resource."
)


class ServiceError(Exception):
    """A service error answered as `{"code", "message"}` with an HTTP status."""

    def __init__(self, status_code: int, code: str, message: str) -> None:
        super().__init__(f"{status_code} {code}: {message}")
        self.status_code = status_code
        self.code = code
        self.message = message

    def to_response(self) -> httpx.Response:
        """The wire form of this error."""
        return json_response(self.status_code, {"code": self.code, "message": self.message})


def bad_request(code: str, message: str) -> ServiceError:
    """A 400 service error."""
    return ServiceError(400, code, message)


def not_found(code: str, message: str) -> ServiceError:
    """A 404 service error."""
    return ServiceError(404, code, message)


def json_response(status_code: int, body: object, headers: dict[str, str] | None = None) -> httpx.Response:
    """A JSON response with the service's content type and compact encoding."""
    content = json.dumps(body, separators=(",", ":")).encode()
    all_headers = {"Content-Type": "application/json; charset=utf-8", **(headers or {})}
    return httpx.Response(status_code, content=content, headers=all_headers)


def gateway_error(status_code: int, message: str, headers: dict[str, str] | None = None) -> httpx.Response:
    """An error in the API gateway's shape."""
    return json_response(status_code, {"error": {"code": str(status_code), "message": message}}, headers)
