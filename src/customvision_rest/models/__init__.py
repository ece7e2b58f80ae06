"""Typed pydantic v2 models for every request and response of the Custom Vision APIs.

``from customvision_rest.models import Project, Iteration, ImagePrediction`` — every model of the Training v3.3
and Prediction v3.1 specifications, under the specification's names. ``CustomVisionError`` here is the
service's error *body*; the exception of the same name is ``customvision_rest.CustomVisionError``.
"""

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
