"""The eight operations of the Prediction API (v3.1, and v3.0 which has the same wire format).

Each is written once here and becomes a method of both :class:`~customvision_rest.PredictionClient` and
:class:`~customvision_rest.AsyncPredictionClient`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..core.lazy import lazy_module
from ..core.operation import Operation, operation
from ._common import MB, Id, ImageInput, parse_model, path_segment, read_image, to_id

if TYPE_CHECKING:
    from ..models import prediction as models
    from ..models.prediction import ImagePrediction
else:
    models = lazy_module("customvision_rest.models.prediction")  # built on the first prediction

__all__ = ["MAX_PREDICTION_IMAGE_BYTES", "PREDICTION_API_VERSIONS", "PredictionOperations"]

MAX_PREDICTION_IMAGE_BYTES = 4 * MB
"""The service refuses prediction images larger than 4 MB."""

PREDICTION_API_VERSIONS = frozenset({"3.0", "3.1"})

# operationId -> (task, image source, whether the service stores the image and the prediction)
_ROUTES: dict[str, tuple[str, str, bool]] = {
    "ClassifyImage": ("classify", "image", True),
    "ClassifyImageWithNoStore": ("classify", "image", False),
    "ClassifyImageUrl": ("classify", "url", True),
    "ClassifyImageUrlWithNoStore": ("classify", "url", False),
    "DetectImage": ("detect", "image", True),
    "DetectImageWithNoStore": ("detect", "image", False),
    "DetectImageUrl": ("detect", "url", True),
    "DetectImageUrlWithNoStore": ("detect", "url", False),
}


class PredictionOperations:
    """The Prediction API's operations; mixed into both prediction clients."""

    @property
    def _api_root(self) -> str:
        raise NotImplementedError  # provided by the client this is mixed into

    def _predict(
        self,
        name: str,
        project_id: Id,
        published_name: str,
        body: dict[str, Any],
        application: str | None,
    ) -> Operation[ImagePrediction]:
        task, source, store = _ROUTES[name]
        path = (
            f"{self._api_root}/{to_id(project_id, 'project_id')}/{task}/iterations/"
            f"{path_segment(published_name, 'published_name')}/{source}"
        )
        if not store:
            path += "/nostore"
        params = {"application": application} if application else {}
        return Operation(
            name=name,
            method="POST",
            path=path,
            params=params,
            parse=parse_model(models.ImagePrediction),
            # Without storage a prediction changes nothing at the service, so repeating it is harmless.
            repeatable=not store,
            **body,
        )

    def _image_body(self, image: ImageInput) -> dict[str, Any]:
        return {"content": read_image(image, max_bytes=MAX_PREDICTION_IMAGE_BYTES)}

    def _url_body(self, url: str) -> dict[str, Any]:
        return {"json": models.ImageUrl(url=url).to_wire()}

    @operation
    def classify_image(
        self, project_id: Id, published_name: str, image: ImageInput, /, *, application: str | None = None
    ) -> Operation[ImagePrediction]:
        """Classify an image and store it and the result in the project's prediction history.

        Args:
            project_id: the project.
            published_name: the name the iteration was published under.
            image: JPEG, PNG, BMP or GIF as bytes, a path or a binary file; at most 4 MB.
            application: an optional name for the calling application, kept with stored predictions.
        """
        return self._predict("ClassifyImage", project_id, published_name, self._image_body(image), application)

    @operation
    def classify_image_with_no_store(
        self, project_id: Id, published_name: str, image: ImageInput, /, *, application: str | None = None
    ) -> Operation[ImagePrediction]:
        """Classify an image without storing it; see :meth:`classify_image` for the arguments."""
        return self._predict(
            "ClassifyImageWithNoStore", project_id, published_name, self._image_body(image), application
        )

    @operation
    def classify_image_url(
        self, project_id: Id, published_name: str, url: str, /, *, application: str | None = None
    ) -> Operation[ImagePrediction]:
        """Classify the image at ``url`` (the service downloads it) and store the result."""
        return self._predict("ClassifyImageUrl", project_id, published_name, self._url_body(url), application)

    @operation
    def classify_image_url_with_no_store(
        self, project_id: Id, published_name: str, url: str, /, *, application: str | None = None
    ) -> Operation[ImagePrediction]:
        """Classify the image at ``url`` without storing it."""
        return self._predict(
            "ClassifyImageUrlWithNoStore", project_id, published_name, self._url_body(url), application
        )

    @operation
    def detect_image(
        self, project_id: Id, published_name: str, image: ImageInput, /, *, application: str | None = None
    ) -> Operation[ImagePrediction]:
        """Detect objects in an image and store it and the result; predictions carry bounding boxes.

        Args:
            project_id: the object-detection project.
            published_name: the name the iteration was published under.
            image: JPEG, PNG, BMP or GIF as bytes, a path or a binary file; at most 4 MB.
            application: an optional name for the calling application.
        """
        return self._predict("DetectImage", project_id, published_name, self._image_body(image), application)

    @operation
    def detect_image_with_no_store(
        self, project_id: Id, published_name: str, image: ImageInput, /, *, application: str | None = None
    ) -> Operation[ImagePrediction]:
        """Detect objects in an image without storing it; see :meth:`detect_image`."""
        return self._predict("DetectImageWithNoStore", project_id, published_name, self._image_body(image), application)

    @operation
    def detect_image_url(
        self, project_id: Id, published_name: str, url: str, /, *, application: str | None = None
    ) -> Operation[ImagePrediction]:
        """Detect objects in the image at ``url`` and store the result."""
        return self._predict("DetectImageUrl", project_id, published_name, self._url_body(url), application)

    @operation
    def detect_image_url_with_no_store(
        self, project_id: Id, published_name: str, url: str, /, *, application: str | None = None
    ) -> Operation[ImagePrediction]:
        """Detect objects in the image at ``url`` without storing it."""
        return self._predict("DetectImageUrlWithNoStore", project_id, published_name, self._url_body(url), application)
