"""The old SDK's service exception, made one of this library's typed errors."""

from __future__ import annotations

from typing import Any

import httpx

from .. import APIStatusError
from ..models import CustomVisionError

__all__ = ["CustomVisionErrorException", "as_compat_error"]


class CustomVisionErrorException(APIStatusError):  # noqa: N818 (the old SDK's name)
    """The service answered with an error, as the old SDK reported it.

    Old code reads ``error.error.code`` and ``error.error.message``; both are filled from the service's body,
    whichever of its two shapes it had (gateway errors included, which the old SDK left empty). ``response``
    is the ``httpx.Response``. Every raised instance is also the matching typed error of
    :mod:`customvision_rest` (``NotFoundError``, ``RateLimitError``...), so new code can catch either.
    """

    error: CustomVisionError
    response: httpx.Response | None


_CLASSES: dict[type[APIStatusError], type[CustomVisionErrorException]] = {}


def _class_for(native: type[APIStatusError]) -> type[CustomVisionErrorException]:
    """A class that is both ``CustomVisionErrorException`` and ``native``, made once per native class."""
    if issubclass(native, CustomVisionErrorException):
        return native
    cls = _CLASSES.get(native)
    if cls is None:
        namespace: dict[str, Any] = {"__module__": __name__, "__doc__": CustomVisionErrorException.__doc__}
        cls = type(f"CustomVisionErrorException[{native.__name__}]", (CustomVisionErrorException, native), namespace)
        _CLASSES[native] = cls
    return cls


def as_compat_error(error: APIStatusError, response: httpx.Response | None) -> CustomVisionErrorException:
    """The same error, as an instance of ``CustomVisionErrorException`` and of its own class."""
    compat = _class_for(type(error)).__new__(_class_for(type(error)))
    compat.__dict__.update(error.__dict__)
    compat.args = error.args
    compat.error = CustomVisionError(code=error.code, message=error.message)
    compat.response = response
    return compat
