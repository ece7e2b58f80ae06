"""Models of the Prediction API v3.1 (also used by Training's QuickTest and stored predictions)."""

from uuid import UUID

from pydantic import Field

from .._exceptions import NoPredictionsError
from ._base import CustomVisionModel, OpenEnum, UtcDatetime

__all__ = [
    "BoundingBox",
    "CustomVisionErrorCode",
    "ImagePrediction",
    "ImageUrl",
    "Prediction",
    "TagType",
]


class TagType(OpenEnum):
    """Kind of a tag: an ordinary label, the negative tag, or the general-product tag."""

    REGULAR = "Regular"
    NEGATIVE = "Negative"
    GENERAL_PRODUCT = "GeneralProduct"


class CustomVisionErrorCode(OpenEnum):
    """The most common values of the service's error ``code``; any other value is kept as it comes."""

    BAD_REQUEST = "BadRequest"
    BAD_REQUEST_IMAGE_BATCH = "BadRequestImageBatch"
    BAD_REQUEST_IMAGE_FORMAT = "BadRequestImageFormat"
    BAD_REQUEST_IMAGE_SIZE_BYTES = "BadRequestImageSizeBytes"
    BAD_REQUEST_TRAINING_NOT_NEEDED = "BadRequestTrainingNotNeeded"
    BAD_REQUEST_ITERATION_NOT_PUBLISHED = "BadRequestIterationNotPublished"
    BAD_REQUEST_INVALID_PUBLISH_TARGET = "BadRequestInvalidPublishTarget"
    BAD_REQUEST_EXPORT_ALREADY_IN_PROGRESS = "BadRequestExportAlreadyInProgress"
    NOT_FOUND = "NotFound"
    NOT_FOUND_PROJECT = "NotFoundProject"
    NOT_FOUND_ITERATION = "NotFoundIteration"
    NOT_FOUND_TAG = "NotFoundTag"
    NOT_FOUND_IMAGE = "NotFoundImage"
    ERROR_UNKNOWN = "ErrorUnknown"


class BoundingBox(CustomVisionModel):
    """A rectangle in coordinates normalised to the image: 0..1 from the left and top edges."""

    left: float
    top: float
    width: float
    height: float

    @property
    def right(self) -> float:
        """The right edge, normalised."""
        return self.left + self.width

    @property
    def bottom(self) -> float:
        """The bottom edge, normalised."""
        return self.top + self.height

    def to_pixels(self, image_width: int, image_height: int) -> tuple[int, int, int, int]:
        """Return ``(left, top, right, bottom)`` in pixels for an image of the given size."""
        return (
            round(self.left * image_width),
            round(self.top * image_height),
            round(self.right * image_width),
            round(self.bottom * image_height),
        )


class ImageUrl(CustomVisionModel):
    """The body of the ``*_url`` operations: the address the service downloads the image from."""

    url: str


class Prediction(CustomVisionModel):
    """One tag's probability for an image, with a bounding box for object detection."""

    probability: float
    tag_id: UUID
    tag_name: str
    bounding_box: BoundingBox | None = None
    tag_type: TagType | None = None


class ImagePrediction(CustomVisionModel):
    """The result of classifying or detecting one image.

    ``predictions`` keeps the service's order (most probable first). The helpers below answer the questions
    callers otherwise write by hand: the best tag, the top few, and those above a threshold.
    """

    id: UUID
    project: UUID
    iteration: UUID
    created: UtcDatetime
    predictions: list[Prediction] = Field(default_factory=list)

    def ranked(self) -> list[Prediction]:
        """All predictions, most probable first (stable for equal probabilities)."""
        return sorted(self.predictions, key=lambda p: p.probability, reverse=True)

    def best(self) -> Prediction:
        """The most probable prediction (the first of equals).

        Raises:
            NoPredictionsError: the result has no predictions at all; ``predictions`` tells before calling.
        """
        if not self.predictions:
            raise NoPredictionsError(
                f"prediction {self.id} (iteration {self.iteration}) holds no predictions, so none is best; "
                "check result.predictions first"
            )
        return max(self.predictions, key=lambda p: p.probability)

    def top(self, n: int) -> list[Prediction]:
        """The ``n`` most probable predictions."""
        if n < 0:
            raise ValueError(f"n must be zero or more, got {n}")
        return self.ranked()[:n]

    def above(self, threshold: float) -> list[Prediction]:
        """Predictions whose probability is at least ``threshold`` (0..1), most probable first."""
        if not 0.0 <= threshold <= 1.0:
            raise ValueError(f"threshold must be between 0 and 1, got {threshold}")
        return [p for p in self.ranked() if p.probability >= threshold]

    def probabilities(self) -> dict[str, float]:
        """A mapping of tag name to its highest probability (useful for classification)."""
        result: dict[str, float] = {}
        for p in self.predictions:
            result[p.tag_name] = max(result.get(p.tag_name, 0.0), p.probability)
        return result
