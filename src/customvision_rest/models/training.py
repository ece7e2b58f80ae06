"""Models of the Training API v3.3: projects, tags, images, regions, iterations, exports and queries.

Every definition of the Training specification has a class of the same name here, except those the
Training and Prediction specifications share (``BoundingBox``, ``ImageUrl``, ``Prediction``,
``ImagePrediction`` and the ``TagType`` / ``CustomVisionErrorCode`` enums), which live in
:mod:`customvision_rest.models.prediction`.

Response fields are optional almost everywhere: the service leaves many of them out or null (an iteration
still training has no domain, classification type or export targets yet). Arrays and maps of a response
that the service may send as ``null`` read as empty instead. Request fields are required only where a
request makes no sense without them.
"""

import base64
import binascii
from typing import Annotated, TypeVar
from uuid import UUID

from pydantic import BeforeValidator, ConfigDict, Field, PlainSerializer

from ._base import CustomVisionModel, NullAsEmpty, OffsetlessUtcDatetime, OpenEnum, UtcDatetime
from .prediction import BoundingBox, CustomVisionErrorCode, ImagePrediction, Prediction, TagType

__all__ = [
    "Classifier",
    "CustomBaseModelInfo",
    "CustomVisionError",
    "Domain",
    "DomainType",
    "Export",
    "ExportFlavor",
    "ExportPlatform",
    "ExportStatus",
    "Image",
    "ImageCreateResult",
    "ImageCreateStatus",
    "ImageCreateSummary",
    "ImageFileCreateBatch",
    "ImageFileCreateEntry",
    "ImageIdCreateBatch",
    "ImageIdCreateEntry",
    "ImageMetadataUpdateEntry",
    "ImageMetadataUpdateStatus",
    "ImageMetadataUpdateSummary",
    "ImagePerformance",
    "ImageProcessingSettings",
    "ImageRegion",
    "ImageRegionCreateBatch",
    "ImageRegionCreateEntry",
    "ImageRegionCreateResult",
    "ImageRegionCreateSummary",
    "ImageRegionProposal",
    "ImageTag",
    "ImageTagCreateBatch",
    "ImageTagCreateEntry",
    "ImageTagCreateSummary",
    "ImageUrlCreateBatch",
    "ImageUrlCreateEntry",
    "Iteration",
    "IterationPerformance",
    "IterationStatus",
    "ModelInformation",
    "OrderBy",
    "PredictionQueryResult",
    "PredictionQueryTag",
    "PredictionQueryToken",
    "Project",
    "ProjectExport",
    "ProjectSettings",
    "ProjectStatus",
    "Region",
    "RegionProposal",
    "SortBy",
    "StoredImagePrediction",
    "StoredSuggestedTagAndRegion",
    "SuggestedTagAndRegion",
    "SuggestedTagAndRegionQuery",
    "SuggestedTagAndRegionQueryToken",
    "Tag",
    "TagFilter",
    "TagPerformance",
    "TrainingParameters",
    "TrainingType",
]


# --------------------------------------------------------------------------------------------------- enums


class Classifier(OpenEnum):
    """How a classification project assigns tags: exactly one per image, or any number."""

    MULTICLASS = "Multiclass"
    MULTILABEL = "Multilabel"


class DomainType(OpenEnum):
    """The kind of model a domain trains: image classification or object detection."""

    CLASSIFICATION = "Classification"
    OBJECT_DETECTION = "ObjectDetection"


class ExportPlatform(OpenEnum):
    """A target format a trained iteration can be exported to."""

    CORE_ML = "CoreML"
    TENSOR_FLOW = "TensorFlow"
    DOCKER_FILE = "DockerFile"
    ONNX = "ONNX"
    VAIDK = "VAIDK"


class ExportFlavor(OpenEnum):
    """A variant of an export platform (operating system, ONNX opset, TensorFlow edition...)."""

    LINUX = "Linux"
    WINDOWS = "Windows"
    ONNX10 = "ONNX10"
    ONNX12 = "ONNX12"
    ARM = "ARM"
    TENSOR_FLOW_NORMAL = "TensorFlowNormal"
    TENSOR_FLOW_LITE = "TensorFlowLite"


class ExportStatus(OpenEnum):
    """Progress of an export: still running, failed, or ready to download."""

    EXPORTING = "Exporting"
    FAILED = "Failed"
    DONE = "Done"


class ImageCreateStatus(OpenEnum):
    """Outcome of adding one image in a batch upload; only ``OK`` and ``OKDuplicate`` mean it is stored."""

    OK = "OK"
    OK_DUPLICATE = "OKDuplicate"
    ERROR_SOURCE = "ErrorSource"
    ERROR_IMAGE_FORMAT = "ErrorImageFormat"
    ERROR_IMAGE_SIZE = "ErrorImageSize"
    ERROR_STORAGE = "ErrorStorage"
    ERROR_LIMIT_EXCEED = "ErrorLimitExceed"
    ERROR_TAG_LIMIT_EXCEED = "ErrorTagLimitExceed"
    ERROR_REGION_LIMIT_EXCEED = "ErrorRegionLimitExceed"
    ERROR_UNKNOWN = "ErrorUnknown"
    ERROR_NEGATIVE_AND_REGULAR_TAG_ON_SAME_IMAGE = "ErrorNegativeAndRegularTagOnSameImage"


class ImageMetadataUpdateStatus(OpenEnum):
    """Outcome of updating the metadata of one image."""

    OK = "OK"
    ERROR_IMAGE_NOT_FOUND = "ErrorImageNotFound"
    ERROR_LIMIT_EXCEED = "ErrorLimitExceed"
    ERROR_UNKNOWN = "ErrorUnknown"


class IterationStatus(OpenEnum):
    """Training state of an iteration (a free string in the specification; these are the values seen)."""

    NEW = "New"
    TRAINING = "Training"
    COMPLETED = "Completed"
    FAILED = "Failed"


class OrderBy(OpenEnum):
    """Order of stored predictions returned by a prediction query."""

    NEWEST = "Newest"
    OLDEST = "Oldest"
    SUGGESTED = "Suggested"


class ProjectStatus(OpenEnum):
    """State of a project; ``Importing`` lasts while an imported project is being copied in."""

    SUCCEEDED = "Succeeded"
    IMPORTING = "Importing"
    FAILED = "Failed"


class SortBy(OpenEnum):
    """Order of suggested images, by the uncertainty of their suggestions."""

    UNCERTAINTY_ASCENDING = "UncertaintyAscending"
    UNCERTAINTY_DESCENDING = "UncertaintyDescending"


class TrainingType(OpenEnum):
    """Quick (regular) training, or advanced training bounded by a budget of hours."""

    REGULAR = "Regular"
    ADVANCED = "Advanced"


# ------------------------------------------------------------------------------------------- field types

_T = TypeVar("_T")


# A response array the service may write as ``null``: it reads as an empty list.
_List = Annotated[list[_T], NullAsEmpty(list)]
# A response map of strings the service may write as ``null``: it reads as an empty dict.
_StrMap = Annotated[dict[str, str], NullAsEmpty(dict)]


def _raw_bytes(value: object) -> object:
    # Python callers hand over the raw image; JSON input (or a dict from ``to_wire``) carries base64 text.
    if isinstance(value, str):
        try:
            return base64.b64decode(value, validate=True)
        except binascii.Error as exc:
            raise ValueError("expected raw bytes or base64 text") from exc
    if isinstance(value, (bytearray, memoryview)):
        return bytes(value)
    return value


def _base64_text(value: bytes) -> str:
    return base64.b64encode(value).decode("ascii")


_Base64Bytes = Annotated[
    bytes,
    BeforeValidator(_raw_bytes),
    PlainSerializer(_base64_text, return_type=str, when_used="json"),
]
"""Raw bytes in Python, standard base64 text on the wire (as the official SDKs send ``format: byte``)."""


# ------------------------------------------------------------------------------------------------ errors


class CustomVisionError(CustomVisionModel):
    """The body of a service error: a machine-readable code and a human-readable message."""

    code: CustomVisionErrorCode | None = None
    message: str | None = None


# ------------------------------------------------------------------------------------- domains, projects


class ModelInformation(CustomVisionModel):
    """What the service says about a compact domain's model: a short description and its size.

    Not in any published specification; the real service sends it on 3.4-preview (null for domains that
    cannot be exported).
    """

    estimated_model_size_in_megabytes: int
    description: str


class Domain(CustomVisionModel):
    """A base model a project can be trained on (general, food, compact variants, detection...).

    ``exportable_platforms`` and ``model_information`` are sent by the real service on 3.4-preview though no
    published specification lists them; older versions leave them out.
    """

    id: UUID
    name: str
    type: DomainType
    exportable: bool
    enabled: bool
    exportable_platforms: _List[ExportPlatform] = Field(default_factory=list)
    model_information: ModelInformation | None = None


class ImageProcessingSettings(CustomVisionModel):
    """Image augmentation options; keys are transform names such as ``"horizontal flip"``."""

    augmentation_methods: dict[str, bool] | None = None


class ProjectSettings(CustomVisionModel):
    """A project's domain, classification type, export targets and preprocessing options."""

    read_only_fields = frozenset({"use_negative_set", "detection_parameters"})

    domain_id: UUID
    classification_type: Classifier | None = None
    target_export_platforms: list[ExportPlatform] | None = None
    use_negative_set: bool | None = None
    detection_parameters: str | None = None
    image_processing_settings: ImageProcessingSettings | None = None


class Project(CustomVisionModel):
    """A Custom Vision project: its name, description, settings and timestamps."""

    read_only_fields = frozenset({"id", "created", "last_modified", "thumbnail_uri", "dr_mode_enabled"})
    request_required = frozenset({"name"})

    id: UUID
    name: str
    description: str | None = None
    settings: ProjectSettings
    created: UtcDatetime
    last_modified: UtcDatetime
    thumbnail_uri: str | None = None
    dr_mode_enabled: bool | None = None
    status: ProjectStatus | None = None


class ProjectExport(CustomVisionModel):
    """What an export of a whole project contains, and the token that imports it elsewhere (a secret)."""

    secret_fields = frozenset({"token"})

    iteration_count: int
    image_count: int
    tag_count: int
    region_count: int
    # The wire name ends in an upper-case "MS", which the alias generator would not produce.
    estimated_import_time_in_ms: int = Field(alias="estimatedImportTimeInMS")
    token: str


# ---------------------------------------------------------------------------------------------------- tags


class Tag(CustomVisionModel):
    """A label of a project, with the number of images that carry it."""

    read_only_fields = frozenset({"id", "image_count"})
    request_required = frozenset({"name"})

    id: UUID
    name: str
    description: str | None = None
    type: TagType
    image_count: int


class TagFilter(CustomVisionModel):
    """Tags and a probability threshold for counting images by their suggested tags."""

    tag_ids: list[UUID] | None = None
    threshold: float | None = None


# ---------------------------------------------------------------------------------------- images, regions


class Region(CustomVisionModel):
    """A tagged rectangle to add to an image, in coordinates normalised to 0..1."""

    # A request: the upload operations refuse a NaN or infinite coordinate with a message naming the region
    # and the rule, so building one does not refuse it first with a bare "finite number" error.
    model_config = ConfigDict(allow_inf_nan=True)

    tag_id: UUID
    left: float
    top: float
    width: float
    height: float


class ImageRegion(Region):
    """A tagged rectangle stored on an image, with its id and creation time."""

    model_config = ConfigDict(allow_inf_nan=False)  # an answer: numbers must be finite

    region_id: UUID | None = None
    tag_name: str | None = None
    created: OffsetlessUtcDatetime | None = None


class ImageTag(CustomVisionModel):
    """A tag applied to an image, and when it was applied."""

    tag_id: UUID
    tag_name: str | None = None
    created: OffsetlessUtcDatetime


class Image(CustomVisionModel):
    """A training image: its size, download addresses, tags, regions and metadata."""

    id: UUID
    created: OffsetlessUtcDatetime
    width: int
    height: int
    resized_image_uri: str
    thumbnail_uri: str
    original_image_uri: str
    tags: _List[ImageTag] = Field(default_factory=list)
    regions: _List[ImageRegion] = Field(default_factory=list)
    metadata: _StrMap = Field(default_factory=dict)


_IMAGE_STORED = frozenset({ImageCreateStatus.OK, ImageCreateStatus.OK_DUPLICATE})


class ImageCreateResult(CustomVisionModel):
    """The outcome for one image of a batch upload, with the stored image when it succeeded."""

    # The service names the URL or the file's name; a file sent without a name has none (null).
    source_url: str | None = None
    status: ImageCreateStatus
    image: Image | None = None

    @property
    def is_success(self) -> bool:
        """Whether the image is now in the project (created, or already there as a duplicate)."""
        return self.status in _IMAGE_STORED


class ImageCreateSummary(CustomVisionModel):
    """The answer to a batch upload: one result per image, in the order they were sent.

    A batch can partly fail while the HTTP call succeeds (status 200 or 207): check :attr:`failed`.
    """

    is_batch_successful: bool
    images: _List[ImageCreateResult] = Field(default_factory=list)

    @property
    def succeeded(self) -> list[ImageCreateResult]:
        """Results whose image is in the project: status ``OK`` or ``OKDuplicate``."""
        return [r for r in self.images if r.is_success]

    @property
    def duplicates(self) -> list[ImageCreateResult]:
        """Results for images the project already had (status ``OKDuplicate``); they count as succeeded."""
        return [r for r in self.images if r.status == ImageCreateStatus.OK_DUPLICATE]

    @property
    def failed(self) -> list[ImageCreateResult]:
        """Results whose image was not stored: any status other than ``OK`` or ``OKDuplicate``."""
        return [r for r in self.images if not r.is_success]

    def describe_failures(self) -> str:
        """A readable multi-line account of the failed images (position, source, status); empty if none."""
        lines = []
        for position, result in enumerate(self.images):
            if result.is_success:
                continue
            if result.source_url:
                source = result.source_url
            elif result.image is not None:
                source = f"image {result.image.id}"
            else:
                source = "(no source given)"
            lines.append(f"  #{position} {source}: {result.status.value}")
        if not lines:
            return ""
        return f"{len(lines)} of {len(self.images)} images failed:\n" + "\n".join(lines)


class ImageFileCreateEntry(CustomVisionModel):
    """One image to upload as bytes (base64 on the wire), with optional name, tags and regions."""

    name: str | None = None
    contents: _Base64Bytes = Field(repr=False)
    tag_ids: list[UUID] | None = None
    regions: list[Region] | None = None


class ImageFileCreateBatch(CustomVisionModel):
    """A batch of images uploaded as bytes; tags and metadata here apply to every image."""

    images: list[ImageFileCreateEntry] = Field(default_factory=list)
    tag_ids: list[UUID] | None = None
    metadata: dict[str, str] | None = None


class ImageUrlCreateEntry(CustomVisionModel):
    """One image the service downloads from a URL, with optional tags and regions."""

    url: str
    tag_ids: list[UUID] | None = None
    regions: list[Region] | None = None


class ImageUrlCreateBatch(CustomVisionModel):
    """A batch of images added by URL; tags and metadata here apply to every image."""

    images: list[ImageUrlCreateEntry] = Field(default_factory=list)
    tag_ids: list[UUID] | None = None
    metadata: dict[str, str] | None = None


class ImageIdCreateEntry(CustomVisionModel):
    """One stored prediction (by id) to turn into a training image, with optional tags and regions."""

    id: UUID
    tag_ids: list[UUID] | None = None
    regions: list[Region] | None = None


class ImageIdCreateBatch(CustomVisionModel):
    """A batch of stored predictions to add as training images; tags and metadata apply to every image."""

    images: list[ImageIdCreateEntry] = Field(default_factory=list)
    tag_ids: list[UUID] | None = None
    metadata: dict[str, str] | None = None


class ImageMetadataUpdateEntry(CustomVisionModel):
    """The outcome of updating one image's metadata, with the metadata it now has."""

    image_id: UUID
    status: ImageMetadataUpdateStatus
    metadata: _StrMap = Field(default_factory=dict)


class ImageMetadataUpdateSummary(CustomVisionModel):
    """The answer to a metadata update: one entry per image."""

    is_batch_successful: bool
    images: _List[ImageMetadataUpdateEntry] = Field(default_factory=list)

    @property
    def succeeded(self) -> list[ImageMetadataUpdateEntry]:
        """Entries whose metadata was updated (status ``OK``)."""
        return [e for e in self.images if e.status == ImageMetadataUpdateStatus.OK]

    @property
    def failed(self) -> list[ImageMetadataUpdateEntry]:
        """Entries whose metadata was not updated: any status other than ``OK``."""
        return [e for e in self.images if e.status != ImageMetadataUpdateStatus.OK]

    def describe_failures(self) -> str:
        """A readable multi-line account of the images whose update failed; empty if none."""
        failed = self.failed
        if not failed:
            return ""
        lines = [f"  image {e.image_id}: {e.status.value}" for e in failed]
        return f"{len(failed)} of {len(self.images)} metadata updates failed:\n" + "\n".join(lines)


class ImageRegionCreateEntry(Region):
    """A tagged rectangle to add to an existing image."""

    image_id: UUID


class ImageRegionCreateBatch(CustomVisionModel):
    """A batch of regions to add to existing images."""

    regions: list[ImageRegionCreateEntry] = Field(default_factory=list)


class ImageRegionCreateResult(ImageRegion):
    """A region the service created, with the image it belongs to."""

    image_id: UUID


class ImageRegionCreateSummary(CustomVisionModel):
    """The answer to adding regions: those created, those already present, those over a limit."""

    created: _List[ImageRegionCreateResult] = Field(default_factory=list)
    duplicated: _List[ImageRegionCreateEntry] = Field(default_factory=list)
    exceeded: _List[ImageRegionCreateEntry] = Field(default_factory=list)

    @property
    def failed(self) -> list[ImageRegionCreateEntry]:
        """Regions that were not created because a limit was reached (duplicates are not failures)."""
        return list(self.exceeded)

    def describe_failures(self) -> str:
        """A readable multi-line account of the regions refused for exceeding a limit; empty if none."""
        if not self.exceeded:
            return ""
        lines = [
            f"  image {e.image_id}, tag {e.tag_id} at (left={e.left}, top={e.top}, width={e.width}, height={e.height})"
            for e in self.exceeded
        ]
        return f"{len(lines)} regions were not created (limit exceeded):\n" + "\n".join(lines)


class RegionProposal(CustomVisionModel):
    """A rectangle the service suggests as a likely object, with its confidence."""

    confidence: float | None = None
    bounding_box: BoundingBox | None = None


class ImageRegionProposal(CustomVisionModel):
    """The regions the service proposes for one image."""

    project_id: UUID | None = None
    image_id: UUID | None = None
    proposals: _List[RegionProposal] = Field(default_factory=list)


class ImageTagCreateEntry(CustomVisionModel):
    """A tag to apply to an existing image."""

    image_id: UUID
    tag_id: UUID


class ImageTagCreateBatch(CustomVisionModel):
    """A batch of tags to apply to existing images."""

    tags: list[ImageTagCreateEntry] = Field(default_factory=list)


class ImageTagCreateSummary(CustomVisionModel):
    """The answer to tagging images: pairs created, already present, or over a limit."""

    created: _List[ImageTagCreateEntry] = Field(default_factory=list)
    duplicated: _List[ImageTagCreateEntry] = Field(default_factory=list)
    exceeded: _List[ImageTagCreateEntry] = Field(default_factory=list)

    @property
    def failed(self) -> list[ImageTagCreateEntry]:
        """Image/tag pairs that were not created because a limit was reached (duplicates are not failures)."""
        return list(self.exceeded)

    def describe_failures(self) -> str:
        """A readable multi-line account of the image/tag pairs refused over a limit; empty if none."""
        if not self.exceeded:
            return ""
        lines = [f"  image {e.image_id}, tag {e.tag_id}" for e in self.exceeded]
        return f"{len(lines)} image tags were not created (limit exceeded):\n" + "\n".join(lines)


# ------------------------------------------------------------------------------------ iterations, exports


class CustomBaseModelInfo(CustomVisionModel):
    """The trained iteration of another project that an iteration was trained on top of (3.4-preview)."""

    project_id: UUID
    iteration_id: UUID


class TrainingParameters(CustomVisionModel):
    """Optional body of a training request: restrict training to some of the project's tags."""

    selected_tags: list[UUID] | None = None


class Iteration(CustomVisionModel):
    """One trained (or training) version of a project's model.

    While training, ``domain_id``, ``classification_type`` and ``exportable_to`` may still be empty and
    ``trained_at`` is set only once training completed. Only ``name`` can be changed.
    """

    read_only_fields = frozenset(
        {
            "id",
            "status",
            "created",
            "last_modified",
            "trained_at",
            "project_id",
            "exportable",
            "exportable_to",
            "domain_id",
            "classification_type",
            "training_type",
            "reserved_budget_in_hours",
            "training_time_in_minutes",
            "publish_name",
            "original_publish_resource_id",
            "custom_base_model_info",
            "training_error_details",
        }
    )
    request_required = frozenset({"name"})

    id: UUID
    name: str
    status: IterationStatus
    created: UtcDatetime
    last_modified: UtcDatetime
    trained_at: UtcDatetime | None = None
    project_id: UUID
    exportable: bool
    exportable_to: _List[ExportPlatform] = Field(default_factory=list)
    domain_id: UUID | None = None
    classification_type: Classifier | None = None
    training_type: TrainingType
    reserved_budget_in_hours: int
    training_time_in_minutes: int | None = None
    publish_name: str | None = None
    original_publish_resource_id: str | None = None
    # Sent by the real service on 3.4-preview, though no published specification lists them.
    custom_base_model_info: CustomBaseModelInfo | None = None
    training_error_details: str | None = None

    @property
    def is_completed(self) -> bool:
        """Whether training finished successfully."""
        return self.status == IterationStatus.COMPLETED

    @property
    def is_failed(self) -> bool:
        """Whether training failed."""
        return self.status == IterationStatus.FAILED

    @property
    def is_finished(self) -> bool:
        """Whether training is over, successfully or not: polling can stop."""
        return self.is_completed or self.is_failed

    @property
    def is_published(self) -> bool:
        """Whether the iteration is published under a name for prediction."""
        return bool(self.publish_name)


class TagPerformance(CustomVisionModel):
    """Precision and recall of one tag in a trained iteration."""

    id: UUID
    name: str
    precision: float
    precision_std_deviation: float
    recall: float
    recall_std_deviation: float
    average_precision: float | None = None


class IterationPerformance(CustomVisionModel):
    """Precision and recall of a trained iteration, overall and per tag."""

    per_tag_performance: _List[TagPerformance] = Field(default_factory=list)
    precision: float
    precision_std_deviation: float
    recall: float
    recall_std_deviation: float
    average_precision: float | None = None


class ImagePerformance(CustomVisionModel):
    """A validation image of an iteration with what the model predicted for it."""

    predictions: _List[Prediction] = Field(default_factory=list)
    id: UUID
    created: OffsetlessUtcDatetime
    width: int
    height: int
    image_uri: str
    thumbnail_uri: str
    tags: _List[ImageTag] = Field(default_factory=list)
    regions: _List[ImageRegion] = Field(default_factory=list)


class Export(CustomVisionModel):
    """An export of an iteration to a platform; ``download_uri`` is set once it is done."""

    platform: ExportPlatform
    status: ExportStatus
    # A SAS address: anyone holding it can download the model, so it stays out of repr and logs.
    download_uri: str | None = Field(default=None, repr=False)
    flavor: ExportFlavor | None = None
    newer_version_available: bool


# ------------------------------------------------------------------------------- stored predictions, queries


class StoredImagePrediction(ImagePrediction):
    """A prediction the service kept, with the addresses of the image it was made on."""

    resized_image_uri: str
    thumbnail_uri: str
    original_image_uri: str
    domain: UUID


class PredictionQueryTag(CustomVisionModel):
    """A tag filter of a prediction query, with an optional probability range."""

    id: UUID
    min_threshold: float | None = None
    max_threshold: float | None = None


class PredictionQueryToken(CustomVisionModel):
    """Filters and paging state of a query over stored predictions; send back the returned token for more."""

    session: str | None = None
    continuation: str | None = None
    max_count: int | None = None
    order_by: OrderBy | None = None
    tags: list[PredictionQueryTag] | None = None
    iteration_id: UUID | None = None
    start_time: UtcDatetime | None = None
    end_time: UtcDatetime | None = None
    application: str | None = None


class PredictionQueryResult(CustomVisionModel):
    """One page of stored predictions and the token that fetches the next page."""

    token: PredictionQueryToken
    results: _List[StoredImagePrediction] = Field(default_factory=list)


class SuggestedTagAndRegion(ImagePrediction):
    """Tags and regions the current model suggests for an untagged image, with their uncertainty."""

    prediction_uncertainty: float | None = None


class StoredSuggestedTagAndRegion(SuggestedTagAndRegion):
    """Suggestions kept for an untagged image, with the image's size and addresses."""

    width: int | None = None
    height: int | None = None
    resized_image_uri: str | None = None
    thumbnail_uri: str | None = None
    original_image_uri: str | None = None
    domain: UUID | None = None


class SuggestedTagAndRegionQueryToken(CustomVisionModel):
    """Filters and paging state of a query over suggested images (no session/continuation at first)."""

    tag_ids: list[UUID] | None = None
    threshold: float | None = None
    session: str | None = None
    continuation: str | None = None
    max_count: int | None = None
    sort_by: SortBy | None = None


class SuggestedTagAndRegionQuery(CustomVisionModel):
    """One page of images with suggestions and the token that fetches the next page."""

    token: SuggestedTagAndRegionQueryToken | None = None
    results: _List[StoredSuggestedTagAndRegion] = Field(default_factory=list)
