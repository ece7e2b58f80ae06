"""Typed pydantic v2 models for every request and response of the Custom Vision APIs.

``from customvision_rest.models import Project, Iteration, ImagePrediction`` — every model of the Training v3.3
and Prediction v3.1 specifications, under the specification's names. ``CustomVisionError`` here is the
service's error *body*; the exception of the same name is ``customvision_rest.CustomVisionError``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from . import prediction as _prediction
    from . import training as _training
    from ._base import MAX_UNKNOWN_ENUM_VALUES as MAX_UNKNOWN_ENUM_VALUES
    from ._base import CustomVisionModel as CustomVisionModel
    from ._base import OpenEnum as OpenEnum
    from ._base import UtcDatetime as UtcDatetime
    from .prediction import *  # noqa: F403
    from .training import *  # noqa: F403

    __all__ = sorted(
        {
            *_prediction.__all__,
            *_training.__all__,
            "CustomVisionModel",
            "MAX_UNKNOWN_ENUM_VALUES",
            "OpenEnum",
            "UtcDatetime",
        }
    )

# Each module is imported with the first of its names asked for: a program that only predicts never builds
# the training models. The prediction models come first, as the training models import them anyway.
_BASE_NAMES = frozenset({"CustomVisionModel", "MAX_UNKNOWN_ENUM_VALUES", "OpenEnum", "UtcDatetime"})
_SUBMODULES = ("prediction", "training")


def _submodule(name: str) -> Any:
    return importlib.import_module(f"{__name__}.{name}")


def _attribute(name: str) -> Any:
    """A name of the package, imported from its module on first read (the module ``__getattr__``)."""
    if name in _SUBMODULES:
        return _submodule(name)
    if name == "__all__":
        value: Any = sorted({*_BASE_NAMES, *(each for sub in _SUBMODULES for each in _submodule(sub).__all__)})
    elif name in _BASE_NAMES:
        value = getattr(_submodule("_base"), name)
    elif name.startswith("__"):  # a tool probing for a module attribute imports nothing
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    else:
        module = next((m for m in map(_submodule, _SUBMODULES) if name in m.__all__), None)
        if module is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = getattr(module, name)
    globals()[name] = value  # the next read finds it without calling this function
    return value


def _names() -> list[str]:
    return sorted({*globals(), *_attribute("__all__")})


if not TYPE_CHECKING:  # type checkers read the imports above: a module __getattr__ would hide misspelt names
    __getattr__ = _attribute
    __dir__ = _names
