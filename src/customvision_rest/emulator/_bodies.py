"""Reading request bodies: multipart uploads, raw image streams and image URLs."""

from __future__ import annotations

import base64
import binascii
import re
import urllib.parse

from ._errors import bad_request
from ._service import RequestContext


def _parse_multipart(content_type: str, body: bytes) -> list[tuple[str | None, bytes]]:
    match = re.search(r'boundary="?([^";]+)"?', content_type)
    if match is None:
        raise bad_request("BadRequestImageStream", "The multipart body has no boundary.")
    delimiter = b"--" + match.group(1).encode()
    files: list[tuple[str | None, bytes]] = []
    for part in body.split(delimiter)[1:]:
        if part.startswith(b"--"):
            break
        head, _, content = part.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        name = re.search(rb'filename="([^"]*)"', head)
        files.append((name.group(1).decode(errors="replace") if name else None, content.removesuffix(b"\r\n")))
    return files


def uploaded_files(context: RequestContext) -> list[tuple[str | None, bytes]]:
    """The images of a multipart/form-data (any field names) or raw octet-stream body."""
    content_type = context.request.headers.get("content-type", "")
    if content_type.lower().startswith("multipart/"):
        return _parse_multipart(content_type, context.request.content)
    return [(None, context.request.content)] if context.request.content else []


_DATA_URL = re.compile(r"data:[^,]*?(;base64)?,(.*)", re.DOTALL)


def read_image_url(url: str) -> bytes | None:
    """The bytes behind an image URL, when reachable offline (`data:` URLs only); None otherwise."""
    match = _DATA_URL.fullmatch(url.strip())
    if match is None:
        return None
    payload = match.group(2)
    if not match.group(1):
        return urllib.parse.unquote_to_bytes(payload)
    try:
        return base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        return None


def read_image_body(context: RequestContext) -> bytes:
    """The image of a multipart/form-data (first file) or octet-stream request body."""
    files = uploaded_files(context)
    if not files:
        raise bad_request("BadRequestImageStream", "The request contains no image.")
    return files[0][1]
