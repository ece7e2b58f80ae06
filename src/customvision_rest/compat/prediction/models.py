"""Every name of the old SDK's ``prediction.models`` module: this library's models, old enum names."""

from ...models import BoundingBox, CustomVisionError, ImagePrediction, ImageUrl, Prediction
from .._errors import CustomVisionErrorException
from .._models import CustomVisionErrorCodes, TagType

__all__ = [
    "BoundingBox",
    "CustomVisionError",
    "CustomVisionErrorCodes",
    "CustomVisionErrorException",
    "ImagePrediction",
    "ImageUrl",
    "Prediction",
    "TagType",
]
