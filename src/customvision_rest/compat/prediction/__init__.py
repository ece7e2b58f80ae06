"""``CustomVisionPredictionClient`` as in the old SDK (``azure.cognitiveservices.vision.customvision.prediction``).

Each method is a call of :class:`customvision_rest.PredictionClient` with the old name, parameters and
defaults; the result is an ``ImagePrediction`` whose ``predictions[i].tag_name``, ``.probability`` and
``.bounding_box.left`` read as before.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ... import PredictionClient
from .._base import CompatClient, IdLike, Stream
from . import models

__all__ = ["CustomVisionPredictionClient", "models"]

Headers = Mapping[str, str] | None


def _image_method(name: str, doc: str) -> Callable[..., Any]:
    """A method sending an image (bytes or a binary file) to the native method of the same name."""

    def method(
        self: CustomVisionPredictionClient,
        project_id: IdLike,
        published_name: str,
        image_data: Stream,
        application: str | None = None,
        custom_headers: Headers = None,
        raw: bool = False,
        **operation_config: Any,
    ) -> Any:
        def run(native: PredictionClient) -> Any:
            return getattr(native, name)(project_id, published_name, image_data, application=application)

        return self._call(run, custom_headers, raw, operation_config)

    method.__name__, method.__qualname__ = name, f"CustomVisionPredictionClient.{name}"
    method.__doc__ = doc
    return method


def _url_method(name: str, doc: str) -> Callable[..., Any]:
    """A method sending an image's URL to the native method of the same name."""

    def method(
        self: CustomVisionPredictionClient,
        project_id: IdLike,
        published_name: str,
        url: str,
        application: str | None = None,
        custom_headers: Headers = None,
        raw: bool = False,
        **operation_config: Any,
    ) -> Any:
        def run(native: PredictionClient) -> Any:
            return getattr(native, name)(project_id, published_name, url, application=application)

        return self._call(run, custom_headers, raw, operation_config)

    method.__name__, method.__qualname__ = name, f"CustomVisionPredictionClient.{name}"
    method.__doc__ = doc
    return method


_KEPT = " The image is kept in the project's predictions (see ``query_predictions``)."


class CustomVisionPredictionClient(CompatClient[PredictionClient]):
    """The old prediction client's face over :class:`customvision_rest.PredictionClient`.

    Every method answers an ``ImagePrediction``.

    Args:
        endpoint: the prediction resource's endpoint, ``https://<name>.cognitiveservices.azure.com/``.
        credentials: ``ApiKeyCredentials(in_headers={"Prediction-Key": key})`` (any case), a key, or a token
            credential such as ``azure.identity.DefaultAzureCredential()``.
    """

    _native_class = PredictionClient

    def __init__(self, endpoint: str, credentials: Any) -> None:
        super().__init__(endpoint, credentials)

    classify_image = _image_method("classify_image", "Classify an image (bytes or a binary file)." + _KEPT)
    classify_image_with_no_store = _image_method("classify_image_with_no_store", "Classify an image, not keeping it.")
    classify_image_url = _url_method("classify_image_url", "Classify the image at a URL." + _KEPT)
    classify_image_url_with_no_store = _url_method(
        "classify_image_url_with_no_store", "Classify the image at a URL, not keeping it."
    )
    detect_image = _image_method("detect_image", "Detect objects in an image (bytes or a binary file)." + _KEPT)
    detect_image_with_no_store = _image_method(
        "detect_image_with_no_store", "Detect objects in an image, not keeping it."
    )
    detect_image_url = _url_method("detect_image_url", "Detect objects in the image at a URL." + _KEPT)
    detect_image_url_with_no_store = _url_method(
        "detect_image_url_with_no_store", "Detect objects in the image at a URL, not keeping it."
    )
