"""Keeping secrets out of everything the library prints, logs or hands out.

Image and export addresses handed out by the service are SAS URLs: their ``sig`` parameter is a secret, and
so is the ``token`` of a project export. Requests carry a key header (``Training-Key``, ``Prediction-Key``) or
a bearer token; httpx masks only ``Authorization`` when it prints headers.

- :func:`redact` replaces signature-like query values in any text with ``REDACTED``.
- :class:`~customvision_rest.core.httpx_types.RedactedRequest` is the request every client builds: its ``repr``,
  the ``repr`` of its headers and of its URL never show a key, a token or a signature, wherever the request ends
  up (an httpx exception's ``request``, a traceback printed with its local variables). It lives apart, as it
  needs httpx, which this module must not import.
- :class:`SignatureRedactingFilter`, added to httpx's logger by the clients, redacts the URLs httpx logs.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

__all__ = [
    "SECRET_HEADERS",
    "SignatureRedactingFilter",
    "install_signature_redaction",
    "redact",
    "redact_value",
]

_SIGNATURE = re.compile(r"(?i)([?&](?:sig|signature|code|token)=)[^&\s\"']+")

SECRET_HEADERS = frozenset(
    {"training-key", "prediction-key", "ocp-apim-subscription-key", "authorization", "proxy-authorization"}
)
"""Header names (lower case) whose values are credentials."""


def redact(text: str) -> str:
    """``text`` with the values of signature-like query parameters replaced by ``REDACTED``."""
    return _SIGNATURE.sub(r"\1REDACTED", text)


def redact_value(value: Any) -> Any:
    """A decoded JSON value (or text) with signatures redacted from every string in it."""
    if isinstance(value, str):
        return redact(value)
    if value is None or isinstance(value, (bool, int, float)):
        return value
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError):
        return redact(repr(value))
    if _SIGNATURE.search(text) is None:
        return value
    try:
        return json.loads(redact(text))
    except (ValueError, RecursionError):
        return redact(text)


class SignatureRedactingFilter(logging.Filter):
    """A logging filter that redacts signatures from a record's message arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                redact(str(arg)) if isinstance(arg, str) or "URL" in type(arg).__name__ else arg for arg in record.args
            )
        elif isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


def install_signature_redaction(logger_name: str = "httpx") -> None:
    """Add the filter to ``logger_name`` once; idempotent."""
    logger = logging.getLogger(logger_name)
    if not any(isinstance(f, SignatureRedactingFilter) for f in logger.filters):
        logger.addFilter(SignatureRedactingFilter())
