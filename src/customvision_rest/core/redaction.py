"""Keeping signed addresses out of logs.

Image and export addresses handed out by the service are SAS URLs: their ``sig`` parameter is a secret.
httpx logs every request URL at INFO on its own logger; the filter here, added to that logger by the clients,
replaces the signature with ``REDACTED`` and leaves everything else of the record as it was.
"""

from __future__ import annotations

import logging
import re

__all__ = ["SignatureRedactingFilter", "install_signature_redaction", "redact"]

_SIGNATURE = re.compile(r"(?i)([?&](?:sig|signature|code|token)=)[^&\s\"']+")


def redact(text: str) -> str:
    """``text`` with the values of signature-like query parameters replaced by ``REDACTED``."""
    return _SIGNATURE.sub(r"\1REDACTED", text)


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
