"""Helpers every operation builder uses: ids, path segments, images, query values and response parsers."""

from __future__ import annotations

import functools
import io
import math
import os
import re
import uuid
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TypeVar
from urllib.parse import quote

from .._exceptions import ClientValidationError, describe_problem
from ..core.lazy import lazy_module
from ..core.operation import Operation

if TYPE_CHECKING:
    import httpx
    import pydantic
    from pydantic import BaseModel
else:
    pydantic = lazy_module("pydantic")  # the first answer read imports it

__all__ = [
    "IMAGE_FORMATS",
    "Id",
    "ImageInput",
    "check_image_collection",
    "check_regions",
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
    "shown",
    "sniff_image",
    "to_id",
    "to_ids",
    "to_name",
    "MB",
]

MB = 1024 * 1024

Id = str | uuid.UUID
"""A project, iteration, tag, image or prediction id: a UUID or its text."""

ImageInput = bytes | bytearray | memoryview | str | os.PathLike[str] | IO[bytes]
"""An image as bytes, a file path, or a binary file object opened for reading."""

M = TypeVar("M", bound="BaseModel")


def shown(value: object, limit: int = 80) -> str:
    """``repr(value)``, cut to ``limit`` characters for a message."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


_CANONICAL_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def to_id(value: Id, what: str) -> str:
    """Canonical text of an id, or a :class:`ClientValidationError` naming the argument."""
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, str):
        if type(value) is str and _CANONICAL_ID.fullmatch(value):  # as the service writes ids already
            return value
        try:
            return str(uuid.UUID(value.strip()))
        except ValueError:
            pass
        hint = "; it looks like a name: pass the object's id (for example tag.id)" if value.strip() else ""
        raise ClientValidationError(
            f"{what} must be a UUID such as '8e2ce3b7-...-6a3d1f0c2b9e', got {shown(value)}{hint}",
            limit="uuid",
            value=value,
        )
    if hasattr(value, "id"):
        raise ClientValidationError(
            f"{what} must be an id (a UUID or its text), got a {type(value).__name__}: pass its .id",
            limit="uuid",
            value=type(value).__name__,
        )
    raise ClientValidationError(
        f"{what} must be a UUID (uuid.UUID or its text), got {type(value).__name__} {shown(value)}",
        limit="uuid",
        value=value,
    )


def to_ids(values: Iterable[Id], what: str, *, limit: int | None = None, required: bool = True) -> list[str]:
    """Canonical ids, checked for form and count."""
    if isinstance(values, (str, uuid.UUID)):
        values = [values]
    elif isinstance(values, (bytes, bytearray, memoryview, Mapping)) or not isinstance(values, Iterable):
        raise ClientValidationError(
            f"{what} must be a list of ids (UUIDs), got {type(values).__name__}", limit="type", value=None
        )
    ids = [to_id(v, f"{what}[{position}]") for position, v in enumerate(values)]
    if required and not ids:
        raise ClientValidationError(f"{what}: at least one id is needed", limit=f"{what} count", value=0)
    if limit is not None and len(ids) > limit:
        raise ClientValidationError(
            f"{what}: at most {limit} ids per request, got {len(ids)}",
            limit=f"{what} per request",
            value=len(ids),
        )
    return ids


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def to_name(value: object, what: str, *, required: bool = True, single_line: bool = True) -> str | None:
    """A name or description as given, refusing non-strings, blank names and (in names) control characters.

    Nothing is stripped or changed: a name is sent exactly as written, or refused.
    """
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise ClientValidationError(
            f"{what} must be a string, got {type(value).__name__} {shown(value)}", limit="type", value=None
        )
    if required and not value.strip():
        raise ClientValidationError(f"{what} must not be empty or blank", limit=what, value=value)
    if single_line and _CONTROL.search(value):
        raise ClientValidationError(
            f"{what} contains a control character (a line break, tab or NUL): {shown(value)}", limit=what, value=value
        )
    return value


_REGION_SIDES = (("left", "width"), ("top", "height"))
_EDGE_TOLERANCE = 1e-6
"""Rounding slack for ``left + width`` and ``top + height`` against 1 (coordinates computed from pixels)."""


def check_regions(regions: Iterable[Any], what: str) -> None:
    """Refuse regions the service would refuse, before anything is sent: every coordinate a finite number in
    0..1, a positive width and height, and the rectangle inside the image (``left + width <= 1``, ``top +
    height <= 1``). ``regions`` holds models or mappings with ``left``, ``top``, ``width``, ``height``.
    """
    for position, region in enumerate(regions):
        where = f"{what}[{position}]"
        values: dict[str, float] = {}
        for name in ("left", "top", "width", "height"):
            value = region.get(name) if isinstance(region, Mapping) else getattr(region, name, None)
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ClientValidationError(
                    f"{where}.{name} must be a number from 0 to 1, got {shown(value)}", limit="region", value=value
                )
            if not math.isfinite(value) or not 0.0 <= value <= 1.0:
                raise ClientValidationError(
                    f"{where}.{name} is {value!r}; region coordinates are fractions of the image, from 0 to 1 "
                    "(divide pixels by the image's width or height)",
                    limit="region coordinates 0..1",
                    value=value,
                )
            values[name] = float(value)
        for start, size in _REGION_SIDES:
            if values[size] <= 0.0:
                raise ClientValidationError(
                    f"{where}.{size} is {values[size]!r}; a region needs a positive {size}",
                    limit="region size",
                    value=values[size],
                )
            if values[start] + values[size] > 1.0 + _EDGE_TOLERANCE:
                raise ClientValidationError(
                    f"{where}: {start} + {size} = {values[start] + values[size]!r} goes past the image's edge; "
                    f"it must be at most 1",
                    limit="region inside the image",
                    value=values[start] + values[size],
                )


def check_image_collection(images: object, what: str) -> None:
    """Refuse one image given where a collection of images is expected (it would be iterated byte by byte)."""
    if isinstance(images, (bytes, bytearray, memoryview, str, os.PathLike)) or hasattr(images, "read"):
        raise ClientValidationError(
            f"{what} must be a collection of images, got a single {type(images).__name__}; pass [image] to upload one",
            limit="type",
            value=type(images).__name__,
        )
    if not isinstance(images, Iterable):
        raise ClientValidationError(
            f"{what} must be an iterable of images (bytes, paths or binary files), got {type(images).__name__}",
            limit="type",
            value=type(images).__name__,
        )


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
        data = _read_path(image, max_bytes, what)
    elif hasattr(image, "read"):
        if isinstance(image, io.TextIOBase):
            raise ClientValidationError(f"{what}: the file must be opened in binary mode ('rb')", limit="file mode")
        try:
            data = image.read()
        except (OSError, ValueError) as exc:  # a closed or unreadable file
            raise ClientValidationError(
                f"{what}: the file could not be read ({describe_problem(exc)})", limit="file"
            ) from None
        if not isinstance(data, (bytes, bytearray)):
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


def _read_path(image: str | os.PathLike[str], max_bytes: int, what: str) -> bytes:
    text = os.fspath(image)
    if isinstance(text, str) and text.lower().startswith(("http://", "https://")):
        raise ClientValidationError(
            f"{what}: {shown(text)} is an address, not a file; use the *_url operation for images on the web",
            limit="file",
            value=text,
        )
    path = Path(text)
    try:
        size = path.stat().st_size if path.is_file() else None
        data = path.read_bytes() if size is not None and size <= max_bytes else b""
    except (OSError, ValueError) as exc:  # unreadable (permissions), or a name the system refuses (NUL)
        raise ClientValidationError(
            f"{what}: the file {str(path)!r} could not be read ({describe_problem(exc)})", limit="file"
        ) from None
    if size is None:
        raise ClientValidationError(f"{what}: no such file {str(path)!r}", limit="file", value=str(path))
    _check_size(size, max_bytes, what)
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


@functools.cache  # one parser per kind, not one per call
def parse_model(model: type[M]) -> Callable[[httpx.Response], M]:
    """A parser reading the response body as ``model``."""

    def parse(response: httpx.Response) -> M:
        # The validator itself, not model_validate_json: the same call with no Python frame around it. Until
        # the model is first used it is pydantic's placeholder, which builds the real one on this first call.
        result: M = model.__pydantic_validator__.validate_json(response.content)
        return result

    parse.__name__ = f"parse_{model.__name__}"
    return parse


@functools.cache  # one parser per kind, not one per call
def parse_list(model: type[M]) -> Callable[[httpx.Response], list[M]]:
    """A parser reading the response body as a JSON array of ``model``."""

    def parse(response: httpx.Response) -> list[M]:
        result: list[M] = _list_reader(model)(response.content)
        return result

    return parse


@functools.cache  # one parser per kind, not one per call
def parse_json(kind: Any) -> Callable[[httpx.Response], Any]:
    """A parser reading the body as any type pydantic can validate (``int``, ``bool``, ``list[UUID]``...)."""

    def parse(response: httpx.Response) -> Any:
        return _reader(kind)(response.content)

    return parse


@functools.cache
def _list_reader(model: type[BaseModel]) -> Callable[[bytes], Any]:
    # Keyed by the class, whose hash is its id: ``list[model]`` would be made and hashed again on every answer.
    return _reader(list[model])  # type: ignore[valid-type]


@functools.cache
def _reader(kind: Any) -> Callable[[bytes], Any]:
    # The adapter's validator itself: TypeAdapter.validate_json adds a Python frame and keyword handling to
    # every answer read. Through ``validator`` a pydantic plugin, if one is installed, still sees each call.
    return _adapter(kind).validator.validate_json


@functools.cache
def _adapter(kind: Any) -> pydantic.TypeAdapter[Any]:
    # Built on the first answer of its kind, not at import: a validator costs milliseconds to build, and a
    # program uses few of the operations that declare one.
    return pydantic.TypeAdapter(kind)


def parse_nothing(response: httpx.Response) -> None:
    """For operations that answer no content."""
