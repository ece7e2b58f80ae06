"""Helpers every operation builder uses: ids, path segments, images, query values and response parsers."""

from __future__ import annotations

import io
import os
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, Any, TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel, TypeAdapter

from .._exceptions import ClientValidationError
from ..core.operation import Operation

__all__ = [
    "IMAGE_FORMATS",
    "Id",
    "ImageInput",
    "csv",
    "download",
    "flag",
    "parse_bytes",
    "parse_json",
    "parse_list",
    "parse_model",
    "parse_nothing",
    "path_segment",
    "read_image",
    "sniff_image",
    "to_id",
    "to_ids",
    "MB",
]

MB = 1024 * 1024

Id = str | uuid.UUID
"""A project, iteration, tag, image or prediction id: a UUID or its text."""

ImageInput = bytes | bytearray | memoryview | str | os.PathLike[str] | IO[bytes]
"""An image as bytes, a file path, or a binary file object opened for reading."""

M = TypeVar("M", bound=BaseModel)


def to_id(value: Id, what: str) -> str:
    """Canonical text of an id, or a :class:`ClientValidationError` naming the argument."""
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, str):
        try:
            return str(uuid.UUID(value.strip()))
        except ValueError:
            pass
    raise ClientValidationError(f"{what} must be a UUID, got {value!r}", limit="uuid", value=value)


def to_ids(values: Iterable[Id], what: str, *, limit: int | None = None, required: bool = True) -> list[str]:
    """Canonical ids, checked for form and count."""
    if isinstance(values, (str, uuid.UUID)):
        values = [values]
    ids = [to_id(v, what) for v in values]
    if required and not ids:
        raise ClientValidationError(f"{what}: at least one id is needed", limit=f"{what} count", value=0)
    if limit is not None and len(ids) > limit:
        raise ClientValidationError(
            f"{what}: at most {limit} ids per request, got {len(ids)}",
            limit=f"{what} per request",
            value=len(ids),
        )
    return ids


def path_segment(value: str, what: str) -> str:
    """Percent-encode one path segment (publish names may contain spaces and slashes)."""
    if not isinstance(value, str) or not value.strip():
        raise ClientValidationError(f"{what} must be a non-empty string, got {value!r}", limit=what, value=value)
    return quote(value, safe="")


def csv(values: Iterable[str]) -> str:
    """The service's array form in query strings: comma-separated values."""
    return ",".join(values)


def flag(value: bool) -> str:
    """The service's boolean form in query strings."""
    return "true" if value else "false"


def read_image(image: ImageInput, *, max_bytes: int, what: str = "image") -> bytes:
    """Read an image given as bytes, a path or a binary file, refusing empty or oversized ones before sending."""
    if isinstance(image, (bytes, bytearray, memoryview)):
        data = bytes(image)
    elif isinstance(image, (str, os.PathLike)):
        path = Path(image)
        if not path.is_file():
            raise ClientValidationError(f"{what}: no such file {str(path)!r}", limit="file", value=str(path))
        size = path.stat().st_size
        _check_size(size, max_bytes, what)
        data = path.read_bytes()
    elif hasattr(image, "read"):
        data = image.read()
        if isinstance(image, io.TextIOBase) or not isinstance(data, (bytes, bytearray)):
            raise ClientValidationError(f"{what}: the file must be opened in binary mode ('rb')", limit="file mode")
        data = bytes(data)
    else:
        raise ClientValidationError(
            f"{what}: expected bytes, a path or a binary file, got {type(image).__name__}", limit="type"
        )
    if not data:
        raise ClientValidationError(f"{what} is empty", limit="image size", value=0)
    _check_size(len(data), max_bytes, what)
    return data


def _check_size(size: int, max_bytes: int, what: str) -> None:
    if size > max_bytes:
        raise ClientValidationError(
            f"{what} is {size:,} bytes; the service accepts at most {max_bytes:,} bytes ({max_bytes // MB} MB)",
            limit=f"{max_bytes // MB} MB per image",
            value=size,
        )


IMAGE_FORMATS = (
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"GIF87a", "image/gif", ".gif"),
    (b"GIF89a", "image/gif", ".gif"),
    (b"BM", "image/bmp", ".bmp"),
)
"""The formats the service accepts, by their first bytes: (magic, content type, file extension)."""


def sniff_image(data: bytes) -> tuple[str, str] | None:
    """The content type and extension (``".jpg"``...) of an image from its first bytes, or ``None``."""
    for magic, content_type, extension in IMAGE_FORMATS:
        if data.startswith(magic):
            return content_type, extension
    return None


def parse_bytes(response: httpx.Response) -> bytes:
    """A parser giving the raw body (images, artifacts)."""
    return response.content


def download(url: str, what: str = "file") -> Operation[bytes]:
    """An unauthenticated GET of a signed address the service handed out (an image, an exported model).

    The resource's key or token is never sent with it, since such addresses point at other hosts.
    """
    if not isinstance(url, str) or not url.startswith(("https://", "http://")):
        raise ClientValidationError(f"{what}: expected an http(s) address, got {url!r}", limit="url", value=url)
    return Operation(
        name=f"Download {what}",
        method="GET",
        path="",
        absolute_url=url,
        authenticated=False,
        parse=parse_bytes,
    )


def parse_model(model: type[M]) -> Callable[[httpx.Response], M]:
    """A parser reading the response body as ``model``."""

    def parse(response: httpx.Response) -> M:
        return model.model_validate_json(response.content)

    parse.__name__ = f"parse_{model.__name__}"
    return parse


def parse_list(model: type[M]) -> Callable[[httpx.Response], list[M]]:
    """A parser reading the response body as a JSON array of ``model``."""
    adapter = TypeAdapter(list[model])  # type: ignore[valid-type]

    def parse(response: httpx.Response) -> list[M]:
        result: list[M] = adapter.validate_json(response.content)
        return result

    return parse


def parse_json(kind: Any) -> Callable[[httpx.Response], Any]:
    """A parser reading the body as any type pydantic can validate (``int``, ``bool``, ``list[UUID]``...)."""
    adapter: TypeAdapter[Any] = TypeAdapter(kind)

    def parse(response: httpx.Response) -> Any:
        return adapter.validate_json(response.content)

    return parse


def parse_nothing(response: httpx.Response) -> None:
    """For operations that answer no content."""
