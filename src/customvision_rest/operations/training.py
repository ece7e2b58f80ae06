"""The 52 operations of the Training API (v3.3; v3.0 to v3.2 and v3.4-preview share these wire formats).

Each operation is written once here and becomes a method of both :class:`~customvision_rest.TrainingClient`
and :class:`~customvision_rest.AsyncTrainingClient`. Method names are the spec's operationIds in snake_case and
take their arguments in the order of the former official SDK, so code moves over by changing the import and
the constructor. Required arguments are positional; optional ones are keyword-only.

Every documented limit of the service is checked before a request is sent: breaking one raises
:class:`~customvision_rest.ClientValidationError` naming the limit and the offending count or item. The limits
are the constants of :mod:`customvision_rest.operations.limits`.
"""

from __future__ import annotations

import math
import os
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict, TypeVar, cast

from .._exceptions import ClientValidationError, ConfigurationError, OperationFailedError, describe_problem
from ..core.lazy import lazy_module
from ..core.operation import NO_BODY, EncodedJson, Multipart, Operation, operation
from ..core.resources import AzureResourceId, Resource, Role
from ._common import (
    Id,
    ImageInput,
    check_regions,
    csv,
    flag,
    parse_bytes,
    parse_json,
    parse_list,
    parse_model,
    parse_nothing,
    read_image,
    sniff_image,
    to_id,
    to_ids,
    to_name,
)
from .limits import (
    MAX_DELETE_IMAGE_TAGS_IMAGES,
    MAX_DELETE_PREDICTION_IDS,
    MAX_IMAGE_IDS_PER_REQUEST,
    MAX_IMAGE_TAG_ENTRIES,
    MAX_IMAGES_PER_BATCH,
    MAX_METADATA_KEY_CHARS,
    MAX_METADATA_PAIRS,
    MAX_METADATA_VALUE_CHARS,
    MAX_REGIONS_PER_REQUEST,
    MAX_SUGGEST_IMAGE_IDS,
    MAX_TAG_FILTER,
    MAX_TAGS_PER_BATCH,
    MAX_TAKE,
    MAX_TRAINING_IMAGE_BYTES,
)
from .prediction import MAX_PREDICTION_IMAGE_BYTES

if TYPE_CHECKING:
    import httpx
    import pydantic
    from pydantic import BaseModel

    from ..models import CustomVisionModel
    from ..models import prediction as prediction_models
    from ..models import training as models
    from ..models.prediction import ImagePrediction, ImageUrl, TagType
    from ..models.training import (
        Classifier,
        Domain,
        Export,
        ExportFlavor,
        ExportPlatform,
        Image,
        ImageCreateSummary,
        ImageFileCreateBatch,
        ImageIdCreateBatch,
        ImageMetadataUpdateSummary,
        ImagePerformance,
        ImageRegionCreateBatch,
        ImageRegionCreateEntry,
        ImageRegionCreateSummary,
        ImageRegionProposal,
        ImageTagCreateBatch,
        ImageTagCreateEntry,
        ImageTagCreateSummary,
        ImageUrlCreateBatch,
        Iteration,
        IterationPerformance,
        PredictionQueryResult,
        PredictionQueryToken,
        Project,
        ProjectExport,
        SuggestedTagAndRegion,
        SuggestedTagAndRegionQuery,
        SuggestedTagAndRegionQueryToken,
        Tag,
        TrainingParameters,
        TrainingType,
    )
else:
    # Imported by the first call that builds or reads a model: importing the client imports none of them.
    pydantic = lazy_module("pydantic")
    models = lazy_module("customvision_rest.models.training")
    prediction_models = lazy_module("customvision_rest.models.prediction")

__all__ = [
    "TRAINING_API_VERSIONS",
    "TrainingOperations",
    "TrainingOptions",
    "check_metadata",
    "coerce_model",
]

TRAINING_API_VERSIONS = frozenset({"3.0", "3.1", "3.2", "3.3", "3.4-preview"})

# ----------------------------------------------------------------------------------------------- helpers

M = TypeVar("M", bound="BaseModel")

_parse_int: Callable[[httpx.Response], int] = parse_json(int)
_parse_bool: Callable[[httpx.Response], bool] = parse_json(bool)
_parse_counts: Callable[[httpx.Response], dict[uuid.UUID, int]] = parse_json(dict[uuid.UUID, int])
_BATCH_OK = frozenset({200, 207})


def _parse_published(response: httpx.Response) -> bool:
    if not _parse_bool(response):
        raise OperationFailedError(
            "PublishIteration: the service answered 'false': the iteration was not published. Check that it "
            "finished training (status Completed) and that the prediction resource id is right, then publish again",
            result=False,
        )
    return True


def _params(values: Mapping[str, str | None]) -> dict[str, str]:
    """Query parameters without the optional ones left out (``None``)."""
    return {name: value for name, value in values.items() if value is not None}


def _text(value: str | Enum | None) -> str | None:
    if value is None:
        return None
    return str(value.value) if isinstance(value, Enum) else str(value)


def _opt_id(value: Id | None, what: str) -> str | None:
    return None if value is None else to_id(value, what)


def _opt_flag(value: bool | None) -> str | None:
    return None if value is None else flag(value)


def _opt_number(value: float | None, what: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ClientValidationError(f"{what} must be a finite number, got {value!r}", limit=what, value=value)
    return repr(float(value)) if isinstance(value, float) else str(value)


def _tag_filter(tag_ids: Iterable[Id] | None, what: str = "tag_ids") -> str | None:
    """A comma-separated tag filter of at most :data:`MAX_TAG_FILTER` ids, or ``None`` when not given."""
    if tag_ids is None:
        return None
    ids = to_ids(tag_ids, what, limit=MAX_TAG_FILTER, required=False)
    return csv(ids) if ids else None


def _paging(take: int | None, skip: int | None) -> dict[str, str | None]:
    if take is not None and (isinstance(take, bool) or not isinstance(take, int) or not 0 <= take <= MAX_TAKE):
        raise ClientValidationError(
            f"take must be a whole number from 0 to {MAX_TAKE}, got {take!r}", limit=f"take <= {MAX_TAKE}", value=take
        )
    if skip is not None and (isinstance(skip, bool) or not isinstance(skip, int) or skip < 0):
        raise ClientValidationError(f"skip must be a whole number 0 or more, got {skip!r}", limit="skip", value=skip)
    return {"take": None if take is None else str(take), "skip": None if skip is None else str(skip)}


def _count(items: Sequence[Any], limit: int, what: str, *, minimum: int = 1) -> None:
    if len(items) < minimum:
        raise ClientValidationError(f"{what}: at least {minimum} needed, got none", limit=f"{what} count", value=0)
    if len(items) > limit:
        raise ClientValidationError(
            f"{what}: at most {limit} per request, got {len(items)}", limit=f"{limit} {what}", value=len(items)
        )


def coerce_model(model: type[M], value: M | Mapping[str, Any], what: str) -> M:
    """Accept a model instance, or a mapping of its fields (camelCase or snake_case)."""
    if isinstance(value, model):
        return value
    if isinstance(value, Mapping):
        try:
            return model.model_validate(value)
        except pydantic.ValidationError as exc:
            problem = describe_problem(exc)
        raise ClientValidationError(
            f"{what}: not a valid {model.__name__}: {problem}", limit=model.__name__, value=None
        ) from None
    raise ClientValidationError(
        f"{what} must be a {model.__name__} (or a mapping of its fields), got {type(value).__name__}",
        limit="type",
        value=type(value).__name__,
    )


def _update_body(
    model: type[CustomVisionModel], value: CustomVisionModel | Mapping[str, Any], what: str
) -> dict[str, Any]:
    """The body of an update: a model read from the service, or a mapping of the writable fields to change."""
    if isinstance(value, (model, model.request_form())):
        return value.to_request()
    if isinstance(value, Mapping):
        try:
            return model.request_body(value)
        except pydantic.ValidationError as exc:
            problem = describe_problem(exc)
        raise ClientValidationError(f"{what}: {problem}", limit=model.__name__, value=None) from None
    return coerce_model(model, value, what).to_request()  # neither a model nor a mapping: refused there


def check_metadata(metadata: Mapping[str, str] | None, what: str = "metadata") -> None:
    """At most 50 string pairs, keys up to 256 characters, values up to 512."""
    if metadata is None:
        return
    if not isinstance(metadata, Mapping):
        raise ClientValidationError(f"{what} must be a mapping of strings to strings", limit="type")
    if len(metadata) > MAX_METADATA_PAIRS:
        raise ClientValidationError(
            f"{what}: at most {MAX_METADATA_PAIRS} key/value pairs per image, got {len(metadata)}",
            limit=f"{MAX_METADATA_PAIRS} metadata pairs per image",
            value=len(metadata),
        )
    for key, value in metadata.items():
        if not isinstance(key, str) or not isinstance(value, str):
            raise ClientValidationError(
                f"{what}: keys and values must be strings, got {key!r}: {value!r}", limit="type", value=key
            )
        if len(key) > MAX_METADATA_KEY_CHARS:
            raise ClientValidationError(
                f"{what}: key {key[:40]!r}... has {len(key)} characters; at most {MAX_METADATA_KEY_CHARS}",
                limit=f"metadata key <= {MAX_METADATA_KEY_CHARS} characters",
                value=key,
            )
        if len(value) > MAX_METADATA_VALUE_CHARS:
            raise ClientValidationError(
                f"{what}: the value of {key!r} has {len(value)} characters; at most {MAX_METADATA_VALUE_CHARS}",
                limit=f"metadata value <= {MAX_METADATA_VALUE_CHARS} characters",
                value=key,
            )


def _check_batch_tags(tag_ids: Sequence[Any] | None, what: str) -> None:
    if tag_ids is not None and len(tag_ids) > MAX_TAGS_PER_BATCH:
        raise ClientValidationError(
            f"{what}: at most {MAX_TAGS_PER_BATCH} tags per batch, got {len(tag_ids)}",
            limit=f"{MAX_TAGS_PER_BATCH} tags per batch",
            value=len(tag_ids),
        )


def _check_upload_batch(batch: ImageFileCreateBatch | ImageUrlCreateBatch | ImageIdCreateBatch) -> None:
    """Limits shared by the three JSON upload batches: images, tags, metadata."""
    images = batch.images
    if not images:
        raise ClientValidationError("batch.images: at least one image is needed", limit="images per batch", value=0)
    if len(images) > MAX_IMAGES_PER_BATCH:
        raise ClientValidationError(
            f"batch.images: at most {MAX_IMAGES_PER_BATCH} images per batch, got {len(images)}",
            limit=f"{MAX_IMAGES_PER_BATCH} images per batch",
            value=len(images),
        )
    _check_batch_tags(batch.tag_ids, "batch.tag_ids")
    for position, entry in enumerate(images):
        _check_batch_tags(getattr(entry, "tag_ids", None), f"batch.images[{position}].tag_ids")
        check_regions(getattr(entry, "regions", None) or (), f"batch.images[{position}].regions")
    check_metadata(batch.metadata, "batch.metadata")


def _image_part(
    image: ImageInput, position: int, what: str, *, max_bytes: int = MAX_TRAINING_IMAGE_BYTES
) -> tuple[str, tuple[str, bytes, str]]:
    """One ``imageData`` part of a multipart upload: file name, bytes (checked for size) and content type."""
    data = read_image(image, max_bytes=max_bytes, what=what)
    content_type, extension = sniff_image(data) or ("application/octet-stream", "")
    name: object = image if isinstance(image, (str, os.PathLike)) else getattr(image, "name", None)
    filename = Path(os.fspath(name)).name if isinstance(name, (str, os.PathLike)) and name else ""
    return "imageData", (filename or f"image{position}{extension}", data, content_type)


def _is_single_image(value: object) -> bool:
    return isinstance(value, (bytes, bytearray, memoryview, str, os.PathLike)) or hasattr(value, "read")


def _prediction_resource_id(prediction_resource: Resource | AzureResourceId | str) -> str:
    """The full resource id to publish to, checked before anything is sent."""
    if isinstance(prediction_resource, Resource):
        if not prediction_resource.serves(Role.PREDICTION):
            raise ConfigurationError(
                f"cannot publish to a {prediction_resource.kind.label} resource ({prediction_resource.endpoint}): "
                "it serves no prediction; pass a Custom Vision Prediction or multi-service resource"
            )
        if prediction_resource.resource_id is None:
            raise ClientValidationError(
                f"the prediction resource {prediction_resource.endpoint} has no resource_id; build it with "
                "resource_id='/subscriptions/.../providers/Microsoft.CognitiveServices/accounts/<name>' "
                "(the Azure portal shows it under the resource's Properties)",
                limit="prediction resource id",
                value=prediction_resource.endpoint,
            )
        return str(prediction_resource.resource_id)
    if isinstance(prediction_resource, AzureResourceId):
        return str(prediction_resource)
    return str(AzureResourceId.parse(prediction_resource))


class TrainingOptions(TypedDict, total=False):
    """The options of :meth:`TrainingOperations.train_project`, which ``begin_train_project`` and
    ``train_and_wait`` pass through unchanged (a test keeps the two lists identical)."""

    training_type: TrainingType | str | None
    reserved_budget_in_hours: int | None
    force_train: bool | None
    notification_email_address: str | None
    selected_tags: Iterable[Id] | None
    training_parameters: TrainingParameters | Mapping[str, Any] | None


# ------------------------------------------------------------------------------------------- operations


class TrainingOperations:
    """The Training API's operations; mixed into both training clients."""

    @property
    def _api_root(self) -> str:
        raise NotImplementedError  # provided by the client this is mixed into

    def _project_path(self, project_id: Id, *rest: str) -> str:
        return "/".join((self._api_root, "projects", to_id(project_id, "project_id"), *rest))

    def _iteration_path(self, project_id: Id, iteration_id: Id, *rest: str) -> str:
        return self._project_path(project_id, "iterations", to_id(iteration_id, "iteration_id"), *rest)

    def _json_upload(
        self, name: str, project_id: Id, source: str, body: CustomVisionModel
    ) -> Operation[ImageCreateSummary]:
        # Uploads are safe to repeat: the service answers OKDuplicate for images it already has. The body is
        # encoded once: a batch of 48 MB is then held once while in flight, not as base64 values plus the bytes
        # of each attempt.
        return Operation(
            name=name,
            method="POST",
            path=self._project_path(project_id, "images", source),
            json=EncodedJson(body.to_wire_json()),
            parse=parse_model(models.ImageCreateSummary),
            success=_BATCH_OK,
            repeatable=True,
        )

    # ------------------------------------------------------------------------------------------- domains

    @operation
    def get_domains(self) -> Operation[list[Domain]]:
        """List the domains (base models) a project can be trained on, compact and exportable ones included."""
        return Operation(
            name="GetDomains", method="GET", path=f"{self._api_root}/domains", parse=parse_list(models.Domain)
        )

    @operation
    def get_domain(self, domain_id: Id) -> Operation[Domain]:
        """Describe one domain.

        Args:
            domain_id: the domain; its id is the same in every region.
        """
        return Operation(
            name="GetDomain",
            method="GET",
            path=f"{self._api_root}/domains/{to_id(domain_id, 'domain_id')}",
            parse=parse_model(models.Domain),
        )

    # ------------------------------------------------------------------------------------------ projects

    @operation
    def get_projects(self) -> Operation[list[Project]]:
        """List the projects of the training resource (at most 2 on F0, 100 on S0)."""
        return Operation(
            name="GetProjects", method="GET", path=f"{self._api_root}/projects", parse=parse_list(models.Project)
        )

    @operation
    def create_project(
        self,
        name: str,
        *,
        description: str | None = None,
        domain_id: Id | None = None,
        classification_type: Classifier | str | None = None,
        target_export_platforms: Iterable[ExportPlatform | str] | None = None,
    ) -> Operation[Project]:
        """Create a project. Everything travels in the query string; the body is empty.

        Not retried after it may have reached the service: a retry could create a second project.

        Args:
            name: the project's name.
            description: a free description.
            domain_id: the domain to train on; the service defaults to General classification.
            classification_type: ``"Multiclass"`` (one tag per image) or ``"Multilabel"``.
            target_export_platforms: the platforms a compact domain should be exportable to.
        """
        to_name(name, "name")
        to_name(description, "description", required=False, single_line=False)
        platforms = None if target_export_platforms is None else [_text(p) or "" for p in target_export_platforms]
        return Operation(
            name="CreateProject",
            method="POST",
            path=f"{self._api_root}/projects",
            params=_params(
                {
                    "name": name,
                    "description": description,
                    "domainId": _opt_id(domain_id, "domain_id"),
                    "classificationType": _text(classification_type),
                    "targetExportPlatforms": csv(platforms) if platforms else None,
                }
            ),
            parse=parse_model(models.Project),
        )

    @operation
    def get_project(self, project_id: Id) -> Operation[Project]:
        """Describe a project: name, description, settings and status."""
        return Operation(
            name="GetProject", method="GET", path=self._project_path(project_id), parse=parse_model(models.Project)
        )

    @operation
    def delete_project(self, project_id: Id) -> Operation[None]:
        """Delete a project with its images, tags and iterations. Answers 204; a published iteration blocks it."""
        return Operation(
            name="DeleteProject",
            method="DELETE",
            path=self._project_path(project_id),
            parse=parse_nothing,
            success=frozenset({204}),
        )

    @operation
    def update_project(self, project_id: Id, updated_project: Project | Mapping[str, Any]) -> Operation[Project]:
        """Change a project's name, description or settings.

        Pass the project as read (changed with ``model_copy(update=...)``) or a mapping of the fields to change,
        such as ``{"name": "fruit", "description": "apples and pears"}``; ``name`` is required. Only writable
        fields are sent.
        """
        return Operation(
            name="UpdateProject",
            method="PATCH",
            path=self._project_path(project_id),
            json=_update_body(models.Project, updated_project, "updated_project"),
            parse=parse_model(models.Project),
            repeatable=True,
        )

    @operation
    def get_artifact(self, project_id: Id, path: str) -> Operation[bytes]:
        """Download a file the service keeps for the project, by its relative path in the project's storage.

        Returns:
            the file's bytes.
        """
        if not isinstance(path, str) or not path:
            raise ClientValidationError(f"path must be a non-empty string, got {path!r}", limit="path", value=path)
        return Operation(
            name="GetArtifact",
            method="GET",
            path=self._project_path(project_id, "artifacts"),
            params={"path": path},
            parse=parse_bytes,
        )

    @operation
    def export_project(self, project_id: Id) -> Operation[ProjectExport]:
        """Prepare a project for copying to another resource; pass the returned ``token`` to :meth:`import_project`."""
        return Operation(
            name="ExportProject",
            method="GET",
            path=self._project_path(project_id, "export"),
            parse=parse_model(models.ProjectExport),
        )

    @operation
    def import_project(self, token: str, *, name: str | None = None) -> Operation[Project]:
        """Create a project from the token of :meth:`export_project` (possibly on another resource).

        The project starts in ``Importing`` and moves to ``Succeeded`` or ``Failed``. Not retried after it may
        have reached the service, since a retry could start a second import.

        Args:
            token: the export token (a secret: it grants a copy of the project).
            name: the new project's name; the exported project's name by default.
        """
        if not isinstance(token, str) or not token.strip():
            raise ClientValidationError("token must be a non-empty string", limit="token", value=None)
        to_name(name, "name", required=False)
        return Operation(
            name="ImportProject",
            method="POST",
            path=f"{self._api_root}/projects/import",
            params=_params({"token": token, "name": name}),
            parse=parse_model(models.Project),
        )

    # -------------------------------------------------------------------------------------------- images

    @operation
    def get_images(
        self,
        project_id: Id,
        *,
        iteration_id: Id | None = None,
        tag_ids: Iterable[Id] | None = None,
        tagging_status: str | None = None,
        filter: str | None = None,
        order_by: str | None = None,
        take: int | None = None,
        skip: int | None = None,
    ) -> Operation[list[Image]]:
        """List a page of the project's images, optionally filtered by tags, tagging status and metadata.

        Args:
            project_id: the project.
            iteration_id: the iteration whose images to list; the current workspace by default.
            tag_ids: only images carrying any of these tags; at most 20.
            tagging_status: ``"All"``, ``"Tagged"`` or ``"Untagged"``.
            filter: an expression over image metadata (``eq``, ``ne``, ``and``, ``or``).
            order_by: ``"Newest"`` or ``"Oldest"``.
            take: page size, 0 to 256 (the service's default is 50).
            skip: images to skip before the page.
        """
        return Operation(
            name="GetImages",
            method="GET",
            path=self._project_path(project_id, "images"),
            params=_params(
                {
                    "iterationId": _opt_id(iteration_id, "iteration_id"),
                    "tagIds": _tag_filter(tag_ids),
                    "taggingStatus": _text(tagging_status),
                    "$filter": filter,
                    "orderBy": _text(order_by),
                    **_paging(take, skip),
                }
            ),
            parse=parse_list(models.Image),
        )

    @operation
    def get_image_count(
        self,
        project_id: Id,
        *,
        iteration_id: Id | None = None,
        tagging_status: str | None = None,
        filter: str | None = None,
        tag_ids: Iterable[Id] | None = None,
    ) -> Operation[int]:
        """Count the images :meth:`get_images` would list with the same filters (tag filter: at most 20 ids)."""
        return Operation(
            name="GetImageCount",
            method="GET",
            path=self._project_path(project_id, "images", "count"),
            params=_params(
                {
                    "iterationId": _opt_id(iteration_id, "iteration_id"),
                    "taggingStatus": _text(tagging_status),
                    "$filter": filter,
                    "tagIds": _tag_filter(tag_ids),
                }
            ),
            parse=_parse_int,
        )

    @operation
    def get_tagged_images(
        self,
        project_id: Id,
        *,
        iteration_id: Id | None = None,
        tag_ids: Iterable[Id] | None = None,
        order_by: str | None = None,
        take: int | None = None,
        skip: int | None = None,
    ) -> Operation[list[Image]]:
        """List a page of tagged images, optionally only those carrying any of ``tag_ids`` (at most 20).

        ``take`` is 0 to 256 (the service's default is 50); ``order_by`` is ``"Newest"`` or ``"Oldest"``.
        """
        return Operation(
            name="GetTaggedImages",
            method="GET",
            path=self._project_path(project_id, "images", "tagged"),
            params=_params(
                {
                    "iterationId": _opt_id(iteration_id, "iteration_id"),
                    "tagIds": _tag_filter(tag_ids),
                    "orderBy": _text(order_by),
                    **_paging(take, skip),
                }
            ),
            parse=parse_list(models.Image),
        )

    @operation
    def get_tagged_image_count(
        self, project_id: Id, *, iteration_id: Id | None = None, tag_ids: Iterable[Id] | None = None
    ) -> Operation[int]:
        """Count the tagged images, optionally only those carrying any of ``tag_ids`` (at most 20)."""
        return Operation(
            name="GetTaggedImageCount",
            method="GET",
            path=self._project_path(project_id, "images", "tagged", "count"),
            params=_params({"iterationId": _opt_id(iteration_id, "iteration_id"), "tagIds": _tag_filter(tag_ids)}),
            parse=_parse_int,
        )

    @operation
    def get_untagged_images(
        self,
        project_id: Id,
        *,
        iteration_id: Id | None = None,
        order_by: str | None = None,
        take: int | None = None,
        skip: int | None = None,
    ) -> Operation[list[Image]]:
        """List a page of images with no tag; ``take`` is 0 to 256 (default 50)."""
        return Operation(
            name="GetUntaggedImages",
            method="GET",
            path=self._project_path(project_id, "images", "untagged"),
            params=_params(
                {
                    "iterationId": _opt_id(iteration_id, "iteration_id"),
                    "orderBy": _text(order_by),
                    **_paging(take, skip),
                }
            ),
            parse=parse_list(models.Image),
        )

    @operation
    def get_untagged_image_count(self, project_id: Id, *, iteration_id: Id | None = None) -> Operation[int]:
        """Count the images with no tag, in the workspace or in ``iteration_id``."""
        return Operation(
            name="GetUntaggedImageCount",
            method="GET",
            path=self._project_path(project_id, "images", "untagged", "count"),
            params=_params({"iterationId": _opt_id(iteration_id, "iteration_id")}),
            parse=_parse_int,
        )

    @operation
    def get_images_by_ids(
        self, project_id: Id, *, image_ids: Iterable[Id] | None = None, iteration_id: Id | None = None
    ) -> Operation[list[Image]]:
        """Fetch images by id (at most 256), from the workspace or from ``iteration_id``."""
        ids = None if image_ids is None else to_ids(image_ids, "image_ids", limit=MAX_IMAGE_IDS_PER_REQUEST)
        return Operation(
            name="GetImagesByIds",
            method="GET",
            path=self._project_path(project_id, "images", "id"),
            params=_params(
                {"imageIds": csv(ids) if ids else None, "iterationId": _opt_id(iteration_id, "iteration_id")}
            ),
            parse=parse_list(models.Image),
        )

    @operation
    def create_images_from_data(
        self,
        project_id: Id,
        image_data: ImageInput | Sequence[ImageInput],
        *,
        tag_ids: Iterable[Id] | None = None,
    ) -> Operation[ImageCreateSummary]:
        """Upload one image or several (multipart/form-data) to the training set.

        A partial failure is not an error: the service answers 207 and the returned summary's ``failed`` and
        ``describe_failures()`` tell which images were refused and why. Re-uploading the same bytes answers
        ``OKDuplicate``, so the call is retried safely.

        Args:
            project_id: the project.
            image_data: one image, or a sequence of at most 64: bytes, paths or binary files. JPEG, PNG, BMP
                or GIF, at most 6 MB each.
            tag_ids: tags applied to every image; at most 20.
        """
        if _is_single_image(image_data):
            images: list[ImageInput] = [cast(ImageInput, image_data)]
        else:
            images = list(cast(Sequence[ImageInput], image_data))
        _count(images, MAX_IMAGES_PER_BATCH, "images")
        tags = None if tag_ids is None else to_ids(tag_ids, "tag_ids", required=False)
        _check_batch_tags(tags, "tag_ids")
        parts = tuple(_image_part(image, position, f"image_data[{position}]") for position, image in enumerate(images))
        return Operation(
            name="CreateImagesFromData",
            method="POST",
            path=self._project_path(project_id, "images"),
            params=_params({"tagIds": csv(tags) if tags else None}),
            multipart=Multipart(files=parts),
            parse=parse_model(models.ImageCreateSummary),
            success=_BATCH_OK,
            repeatable=True,
        )

    @operation
    def create_images_from_files(
        self, project_id: Id, batch: ImageFileCreateBatch | Mapping[str, Any]
    ) -> Operation[ImageCreateSummary]:
        """Upload a batch of images given as bytes (base64 in a JSON body).

        Limits: 64 images and 20 tags per batch, 6 MB per image, metadata as in :meth:`update_image_metadata`.
        A 207 answer is returned as the summary, never raised: check its ``failed``.
        """
        body = coerce_model(models.ImageFileCreateBatch, batch, "batch")
        _check_upload_batch(body)
        for position, entry in enumerate(body.images):
            size = len(entry.contents)
            if not size or size > MAX_TRAINING_IMAGE_BYTES:
                raise ClientValidationError(
                    f"batch.images[{position}] ({entry.name or 'unnamed'}) is {size:,} bytes; "
                    f"the service accepts 1 to {MAX_TRAINING_IMAGE_BYTES:,} bytes (6 MB)",
                    limit="6 MB per image",
                    value=size,
                )
        return self._json_upload("CreateImagesFromFiles", project_id, "files", body)

    @operation
    def create_images_from_urls(
        self, project_id: Id, batch: ImageUrlCreateBatch | Mapping[str, Any]
    ) -> Operation[ImageCreateSummary]:
        """Add images the service downloads from URLs. Limits: 64 images and 20 tags per batch.

        A 207 answer is returned as the summary, never raised: check its ``failed``.
        """
        body = coerce_model(models.ImageUrlCreateBatch, batch, "batch")
        _check_upload_batch(body)
        return self._json_upload("CreateImagesFromUrls", project_id, "urls", body)

    @operation
    def create_images_from_predictions(
        self, project_id: Id, batch: ImageIdCreateBatch | Mapping[str, Any]
    ) -> Operation[ImageCreateSummary]:
        """Add stored prediction images (by prediction id) to the training set. Limits: 64 images, 20 tags.

        A 207 answer is returned as the summary, never raised: check its ``failed``.
        """
        body = coerce_model(models.ImageIdCreateBatch, batch, "batch")
        _check_upload_batch(body)
        return self._json_upload("CreateImagesFromPredictions", project_id, "predictions", body)

    @operation
    def delete_images(
        self,
        project_id: Id,
        *,
        image_ids: Iterable[Id] | None = None,
        all_images: bool | None = None,
        all_iterations: bool | None = None,
    ) -> Operation[None]:
        """Delete training images: those in ``image_ids`` (at most 256), or every one with ``all_images=True``.

        With ``all_images`` or ``all_iterations`` the service answers 202 and goes on deleting after the call.

        Args:
            project_id: the project.
            image_ids: the images to delete.
            all_images: delete every image of the project.
            all_iterations: remove the images from every iteration too, not only from the workspace.
        """
        ids = None if image_ids is None else to_ids(image_ids, "image_ids", limit=MAX_IMAGE_IDS_PER_REQUEST)
        if not ids and not all_images:
            raise ClientValidationError(
                "delete_images needs image_ids or all_images=True", limit="image_ids or all_images", value=None
            )
        return Operation(
            name="DeleteImages",
            method="DELETE",
            path=self._project_path(project_id, "images"),
            params=_params(
                {
                    "imageIds": csv(ids) if ids else None,
                    "allImages": _opt_flag(all_images),
                    "allIterations": _opt_flag(all_iterations),
                }
            ),
            parse=parse_nothing,
            success=frozenset({202, 204}),
        )

    @operation
    def update_image_metadata(
        self, project_id: Id, image_ids: Iterable[Id], metadata: Mapping[str, str]
    ) -> Operation[ImageMetadataUpdateSummary]:
        """Set metadata key/value pairs on images (at most 256 ids).

        At most 50 pairs per image, keys up to 256 characters, values up to 512. Setting the same values again
        changes nothing, so the call is retried safely. A 207 answer is returned as the summary, not raised.
        """
        ids = to_ids(image_ids, "image_ids", limit=MAX_IMAGE_IDS_PER_REQUEST)
        check_metadata(metadata)
        return Operation(
            name="UpdateImageMetadata",
            method="POST",
            path=self._project_path(project_id, "images", "metadata"),
            params={"imageIds": csv(ids)},
            json=dict(metadata),
            parse=parse_model(models.ImageMetadataUpdateSummary),
            success=_BATCH_OK,
            repeatable=True,
        )

    @operation
    def get_image_region_proposals(self, project_id: Id, image_id: Id) -> Operation[ImageRegionProposal]:
        """Ask the service where objects probably are in a training image (object detection projects)."""
        return Operation(
            name="GetImageRegionProposals",
            method="POST",
            path=self._project_path(project_id, "images", to_id(image_id, "image_id"), "regionproposals"),
            parse=parse_model(models.ImageRegionProposal),
            repeatable=True,
        )

    # ------------------------------------------------------------------------------------ regions, tags

    @operation
    def create_image_regions(
        self,
        project_id: Id,
        regions: Sequence[ImageRegionCreateEntry | Mapping[str, Any]] | ImageRegionCreateBatch,
    ) -> Operation[ImageRegionCreateSummary]:
        """Add tagged rectangles (normalised 0..1) to existing images; at most 64 per call.

        Args:
            project_id: the project.
            regions: the regions (each naming its image and tag), or a whole ``ImageRegionCreateBatch``.
        """
        if isinstance(regions, models.ImageRegionCreateBatch):
            body = regions
        else:
            if isinstance(regions, Mapping) or not isinstance(regions, Iterable):
                raise ClientValidationError(
                    f"regions must be a list of regions or an ImageRegionCreateBatch, got {type(regions).__name__}",
                    limit="type",
                    value=type(regions).__name__,
                )
            body = models.ImageRegionCreateBatch(
                regions=[coerce_model(models.ImageRegionCreateEntry, r, f"regions[{i}]") for i, r in enumerate(regions)]
            )
        _count(body.regions, MAX_REGIONS_PER_REQUEST, "regions")
        check_regions(body.regions, "regions")
        return Operation(
            name="CreateImageRegions",
            method="POST",
            path=self._project_path(project_id, "images", "regions"),
            json=body.to_wire(),
            parse=parse_model(models.ImageRegionCreateSummary),
            success=_BATCH_OK,
            # The service reports an identical region as ``duplicated`` instead of adding it twice.
            repeatable=True,
        )

    @operation
    def delete_image_regions(self, project_id: Id, region_ids: Iterable[Id]) -> Operation[None]:
        """Delete regions by id; at most 64 per call."""
        ids = to_ids(region_ids, "region_ids", limit=MAX_REGIONS_PER_REQUEST)
        return Operation(
            name="DeleteImageRegions",
            method="DELETE",
            path=self._project_path(project_id, "images", "regions"),
            params={"regionIds": csv(ids)},
            parse=parse_nothing,
            success=frozenset({204}),
        )

    @operation
    def create_image_tags(
        self, project_id: Id, tags: Sequence[ImageTagCreateEntry | Mapping[str, Any]] | ImageTagCreateBatch
    ) -> Operation[ImageTagCreateSummary]:
        """Apply tags to existing images; at most 128 image/tag pairs per call.

        Args:
            project_id: the project.
            tags: the image/tag pairs, or a whole ``ImageTagCreateBatch``.
        """
        if isinstance(tags, models.ImageTagCreateBatch):
            body = tags
        else:
            body = models.ImageTagCreateBatch(
                tags=[coerce_model(models.ImageTagCreateEntry, t, "tags[]") for t in tags]
            )
        _count(body.tags, MAX_IMAGE_TAG_ENTRIES, "image tags")
        return Operation(
            name="CreateImageTags",
            method="POST",
            path=self._project_path(project_id, "images", "tags"),
            json=body.to_wire(),
            parse=parse_model(models.ImageTagCreateSummary),
            # A pair the image already has is reported as ``duplicated``; tagging twice changes nothing.
            repeatable=True,
        )

    @operation
    def delete_image_tags(self, project_id: Id, image_ids: Iterable[Id], tag_ids: Iterable[Id]) -> Operation[None]:
        """Remove tags (at most 20) from images (at most 64)."""
        images = to_ids(image_ids, "image_ids", limit=MAX_DELETE_IMAGE_TAGS_IMAGES)
        tags = to_ids(tag_ids, "tag_ids", limit=MAX_TAG_FILTER)
        return Operation(
            name="DeleteImageTags",
            method="DELETE",
            path=self._project_path(project_id, "images", "tags"),
            params={"imageIds": csv(images), "tagIds": csv(tags)},
            parse=parse_nothing,
            success=frozenset({204}),
        )

    # ------------------------------------------------------------------------------------- suggestions

    @operation
    def query_suggested_images(
        self,
        project_id: Id,
        iteration_id: Id,
        query: SuggestedTagAndRegionQueryToken | Mapping[str, Any],
    ) -> Operation[SuggestedTagAndRegionQuery]:
        """List untagged images whose suggested tags match a filter; page on with the returned ``token``."""
        body = coerce_model(models.SuggestedTagAndRegionQueryToken, query, "query")
        return Operation(
            name="QuerySuggestedImages",
            method="POST",
            path=self._project_path(project_id, "images", "suggested"),
            params={"iterationId": to_id(iteration_id, "iteration_id")},
            json=body.to_wire(),
            parse=parse_model(models.SuggestedTagAndRegionQuery),
            repeatable=True,
        )

    @operation
    def query_suggested_image_count(
        self,
        project_id: Id,
        iteration_id: Id,
        *,
        tag_ids: Iterable[Id] | None = None,
        threshold: float | None = None,
    ) -> Operation[dict[uuid.UUID, int]]:
        """Count untagged images per suggested tag whose probability is at least ``threshold``.

        Returns:
            the count for each tag id.
        """
        tags = None if tag_ids is None else [uuid.UUID(t) for t in to_ids(tag_ids, "tag_ids", required=False)]
        body = models.TagFilter(tag_ids=tags, threshold=threshold)
        return Operation(
            name="QuerySuggestedImageCount",
            method="POST",
            path=self._project_path(project_id, "images", "suggested", "count"),
            params={"iterationId": to_id(iteration_id, "iteration_id")},
            json=body.to_wire(),
            parse=_parse_counts,
            repeatable=True,
        )

    @operation
    def suggest_tags_and_regions(
        self, project_id: Id, iteration_id: Id, image_ids: Iterable[Id]
    ) -> Operation[list[SuggestedTagAndRegion]]:
        """Have a trained iteration suggest tags and regions for untagged images; at most 64 images per call."""
        ids = to_ids(image_ids, "image_ids", limit=MAX_SUGGEST_IMAGE_IDS)
        return Operation(
            name="SuggestTagsAndRegions",
            method="POST",
            path=self._project_path(project_id, "tagsandregions", "suggestions"),
            params={"iterationId": to_id(iteration_id, "iteration_id"), "imageIds": csv(ids)},
            parse=parse_list(models.SuggestedTagAndRegion),
            repeatable=True,
        )

    # ---------------------------------------------------------------------------------------- iterations

    @operation
    def get_iterations(self, project_id: Id) -> Operation[list[Iteration]]:
        """List a project's iterations (at most 20 are kept per project)."""
        return Operation(
            name="GetIterations",
            method="GET",
            path=self._project_path(project_id, "iterations"),
            parse=parse_list(models.Iteration),
        )

    @operation
    def get_iteration(self, project_id: Id, iteration_id: Id) -> Operation[Iteration]:
        """Describe an iteration; poll it after :meth:`train_project` until ``Completed`` or ``Failed``."""
        return Operation(
            name="GetIteration",
            method="GET",
            path=self._iteration_path(project_id, iteration_id),
            parse=parse_model(models.Iteration),
        )

    @operation
    def delete_iteration(self, project_id: Id, iteration_id: Id) -> Operation[None]:
        """Delete an iteration (unpublish it first). Answers 204."""
        return Operation(
            name="DeleteIteration",
            method="DELETE",
            path=self._iteration_path(project_id, iteration_id),
            parse=parse_nothing,
            success=frozenset({204}),
        )

    @operation
    def update_iteration(
        self, project_id: Id, iteration_id: Id, name: str | Iteration | Mapping[str, Any]
    ) -> Operation[Iteration]:
        """Rename an iteration.

        Args:
            project_id: the project.
            iteration_id: the iteration.
            name: the new name, or a whole ``Iteration`` (as the specification's body).
        """
        return Operation(
            name="UpdateIteration",
            method="PATCH",
            path=self._iteration_path(project_id, iteration_id),
            json=_update_body(models.Iteration, {"name": name} if isinstance(name, str) else name, "name"),
            parse=parse_model(models.Iteration),
            repeatable=True,
        )

    @operation
    def train_project(
        self,
        project_id: Id,
        *,
        training_type: TrainingType | str | None = None,
        reserved_budget_in_hours: int | None = None,
        force_train: bool | None = None,
        notification_email_address: str | None = None,
        selected_tags: Iterable[Id] | None = None,
        training_parameters: TrainingParameters | Mapping[str, Any] | None = None,
    ) -> Operation[Iteration]:
        """Queue the project for training; returns the new iteration in ``Training`` (poll :meth:`get_iteration`).

        Not retried after it may have reached the service (a second training could start). Training with
        nothing new raises :class:`~customvision_rest.TrainingNotNeededError` unless ``force_train``.
        Classification needs 2 tags with 5 images each; object detection 15 images per tag.

        Args:
            project_id: the project.
            training_type: ``"Regular"`` or ``"Advanced"``.
            reserved_budget_in_hours: the hours advanced training may use.
            force_train: train even when nothing changed.
            notification_email_address: where to send an e-mail when training ends.
            selected_tags: train only on these tags (sent as the optional JSON body).
            training_parameters: the whole optional body instead of ``selected_tags`` (for options of newer
                API versions).
        """
        if selected_tags is not None and training_parameters is not None:
            raise ClientValidationError(
                "pass selected_tags or training_parameters, not both", limit="training parameters", value=None
            )
        if reserved_budget_in_hours is not None and (
            isinstance(reserved_budget_in_hours, bool)
            or not isinstance(reserved_budget_in_hours, int)
            or reserved_budget_in_hours < 0
        ):
            raise ClientValidationError(
                f"reserved_budget_in_hours must be a whole number 0 or more, got {reserved_budget_in_hours!r}",
                limit="reserved_budget_in_hours",
                value=reserved_budget_in_hours,
            )
        body: Any = NO_BODY
        if selected_tags is not None:
            tags = [uuid.UUID(t) for t in to_ids(selected_tags, "selected_tags")]
            body = models.TrainingParameters(selected_tags=tags).to_wire()
        elif training_parameters is not None:
            body = coerce_model(models.TrainingParameters, training_parameters, "training_parameters").to_wire()
        return Operation(
            name="TrainProject",
            method="POST",
            path=self._project_path(project_id, "train"),
            params=_params(
                {
                    "trainingType": _text(training_type),
                    "reservedBudgetInHours": None
                    if reserved_budget_in_hours is None
                    else str(reserved_budget_in_hours),
                    "forceTrain": _opt_flag(force_train),
                    "notificationEmailAddress": notification_email_address,
                }
            ),
            json=body,
            parse=parse_model(models.Iteration),
        )

    @operation
    def get_iteration_performance(
        self,
        project_id: Id,
        iteration_id: Id,
        *,
        threshold: float | None = None,
        overlap_threshold: float | None = None,
    ) -> Operation[IterationPerformance]:
        """Precision and recall of a trained iteration, overall and per tag.

        Args:
            threshold: the probability threshold (0..1) that counts a prediction as positive.
            overlap_threshold: for object detection, the bounding-box overlap (0..1) that counts as a match.
        """
        return Operation(
            name="GetIterationPerformance",
            method="GET",
            path=self._iteration_path(project_id, iteration_id, "performance"),
            params=_params(
                {
                    "threshold": _opt_number(threshold, "threshold"),
                    "overlapThreshold": _opt_number(overlap_threshold, "overlap_threshold"),
                }
            ),
            parse=parse_model(models.IterationPerformance),
        )

    @operation
    def get_image_performances(
        self,
        project_id: Id,
        iteration_id: Id,
        *,
        tag_ids: Iterable[Id] | None = None,
        order_by: str | None = None,
        take: int | None = None,
        skip: int | None = None,
    ) -> Operation[list[ImagePerformance]]:
        """List a page of an iteration's validation images with their predictions.

        ``tag_ids`` filters on at most 20 tags; ``take`` is 0 to 256 (default 50).
        """
        return Operation(
            name="GetImagePerformances",
            method="GET",
            path=self._iteration_path(project_id, iteration_id, "performance", "images"),
            params=_params({"tagIds": _tag_filter(tag_ids), "orderBy": _text(order_by), **_paging(take, skip)}),
            parse=parse_list(models.ImagePerformance),
        )

    @operation
    def get_image_performance_count(
        self, project_id: Id, iteration_id: Id, *, tag_ids: Iterable[Id] | None = None
    ) -> Operation[int]:
        """Count an iteration's validation images, optionally only those carrying any of ``tag_ids`` (≤ 20)."""
        return Operation(
            name="GetImagePerformanceCount",
            method="GET",
            path=self._iteration_path(project_id, iteration_id, "performance", "images", "count"),
            params=_params({"tagIds": _tag_filter(tag_ids)}),
            parse=_parse_int,
        )

    @operation
    def publish_iteration(
        self,
        project_id: Id,
        iteration_id: Id,
        publish_name: str,
        prediction_resource: Resource | AzureResourceId | str,
        *,
        overwrite: bool | None = None,
    ) -> Operation[bool]:
        """Publish a trained iteration under a name on a prediction resource, for the Prediction API.

        Not retried after it may have reached the service. The resource id is checked before sending: a
        subscription id or a resource name in its place is refused with an explanation.

        Args:
            project_id: the project.
            iteration_id: a completed iteration.
            publish_name: the name predictions will use.
            prediction_resource: a :class:`~customvision_rest.Resource` with a ``resource_id`` that serves
                prediction, or the full resource id
                ``/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.CognitiveServices/accounts/{name}``.
            overwrite: replace an existing publication of that name.

        Returns:
            ``True`` (the service's answer).
        """
        to_name(publish_name, "publish_name")
        prediction_id = _prediction_resource_id(prediction_resource)
        return Operation(
            name="PublishIteration",
            method="POST",
            path=self._iteration_path(project_id, iteration_id, "publish"),
            params=_params(
                {"publishName": publish_name, "predictionId": prediction_id, "overwrite": _opt_flag(overwrite)}
            ),
            parse=_parse_published,
        )

    @operation
    def unpublish_iteration(self, project_id: Id, iteration_id: Id) -> Operation[None]:
        """Withdraw an iteration's publication; predictions under its name stop. Answers 204."""
        return Operation(
            name="UnpublishIteration",
            method="DELETE",
            path=self._iteration_path(project_id, iteration_id, "publish"),
            parse=parse_nothing,
            success=frozenset({204}),
        )

    @operation
    def get_exports(self, project_id: Id, iteration_id: Id) -> Operation[list[Export]]:
        """List an iteration's exports; a finished one has a ``download_uri`` (a secret SAS address)."""
        return Operation(
            name="GetExports",
            method="GET",
            path=self._iteration_path(project_id, iteration_id, "export"),
            parse=parse_list(models.Export),
        )

    @operation
    def export_iteration(
        self,
        project_id: Id,
        iteration_id: Id,
        platform: ExportPlatform | str,
        *,
        flavor: ExportFlavor | str | None = None,
    ) -> Operation[Export]:
        """Start exporting an iteration trained on a compact domain; poll :meth:`get_exports` until ``Done``.

        Not retried after it may have reached the service: a second request answers "already queued".

        Args:
            platform: ``"CoreML"``, ``"TensorFlow"``, ``"DockerFile"``, ``"ONNX"``, ``"VAIDK"``, ``"OpenVino"``...
            flavor: a variant of the platform (``"Linux"``, ``"ONNX12"``, ``"TensorFlowLite"``...).
        """
        platform_text = _text(platform)
        if not platform_text:
            raise ClientValidationError("platform must be a non-empty string", limit="platform", value=platform)
        return Operation(
            name="ExportIteration",
            method="POST",
            path=self._iteration_path(project_id, iteration_id, "export"),
            params=_params({"platform": platform_text, "flavor": _text(flavor)}),
            parse=parse_model(models.Export),
        )

    # ---------------------------------------------------------------------------------- predictions

    @operation
    def delete_prediction(self, project_id: Id, ids: Iterable[Id]) -> Operation[None]:
        """Delete stored predictions and their images; at most 64 ids per call."""
        prediction_ids = to_ids(ids, "ids", limit=MAX_DELETE_PREDICTION_IDS)
        return Operation(
            name="DeletePrediction",
            method="DELETE",
            path=self._project_path(project_id, "predictions"),
            params={"ids": csv(prediction_ids)},
            parse=parse_nothing,
            success=frozenset({204}),
        )

    @operation
    def query_predictions(
        self, project_id: Id, query: PredictionQueryToken | Mapping[str, Any]
    ) -> Operation[PredictionQueryResult]:
        """List stored predictions matching a query (at most 2 tags combined); page on with the returned token."""
        body = coerce_model(models.PredictionQueryToken, query, "query")
        return Operation(
            name="QueryPredictions",
            method="POST",
            path=self._project_path(project_id, "predictions", "query"),
            json=body.to_wire(),
            parse=parse_model(models.PredictionQueryResult),
            repeatable=True,
        )

    @operation
    def quick_test_image(
        self,
        project_id: Id,
        image_data: ImageInput,
        *,
        iteration_id: Id | None = None,
        store: bool | None = None,
    ) -> Operation[ImagePrediction]:
        """Predict on an image with a trained iteration, without publishing it.

        Args:
            project_id: the project.
            image_data: JPEG, PNG, BMP or GIF as bytes, a path or a binary file; at most 4 MB, as for
                every prediction.
            iteration_id: the iteration; the latest trained one by default.
            store: whether the service keeps the image and result (it does by default). With
                ``store=False`` nothing is stored and the call is retried safely.
        """
        part = _image_part(image_data, 0, "image_data", max_bytes=MAX_PREDICTION_IMAGE_BYTES)
        return Operation(
            name="QuickTestImage",
            method="POST",
            path=self._project_path(project_id, "quicktest", "image"),
            params=_params({"iterationId": _opt_id(iteration_id, "iteration_id"), "store": _opt_flag(store)}),
            multipart=Multipart(files=(part,)),
            parse=parse_model(prediction_models.ImagePrediction),
            repeatable=store is False,
        )

    @operation
    def quick_test_image_url(
        self,
        project_id: Id,
        url: str | ImageUrl,
        *,
        iteration_id: Id | None = None,
        store: bool | None = None,
    ) -> Operation[ImagePrediction]:
        """Predict on the image at ``url`` (the service downloads it) with a trained iteration.

        With ``store=False`` nothing is stored and the call is retried safely.
        """
        body = url if isinstance(url, prediction_models.ImageUrl) else prediction_models.ImageUrl(url=url)
        return Operation(
            name="QuickTestImageUrl",
            method="POST",
            path=self._project_path(project_id, "quicktest", "url"),
            params=_params({"iterationId": _opt_id(iteration_id, "iteration_id"), "store": _opt_flag(store)}),
            json=body.to_wire(),
            parse=parse_model(prediction_models.ImagePrediction),
            repeatable=store is False,
        )

    # ---------------------------------------------------------------------------------------------- tags

    @operation
    def get_tags(self, project_id: Id, *, iteration_id: Id | None = None) -> Operation[list[Tag]]:
        """List a project's tags (at most 50 on F0, 500 on S0), from the workspace or an iteration."""
        return Operation(
            name="GetTags",
            method="GET",
            path=self._project_path(project_id, "tags"),
            params=_params({"iterationId": _opt_id(iteration_id, "iteration_id")}),
            parse=parse_list(models.Tag),
        )

    @operation
    def create_tag(
        self,
        project_id: Id,
        name: str,
        *,
        description: str | None = None,
        type: TagType | str | None = None,
    ) -> Operation[Tag]:
        """Create a tag. Everything travels in the query string; the body is empty.

        Not retried after it may have reached the service (a retry would fail as a duplicate name).

        Args:
            project_id: the project.
            name: the tag's name.
            description: a free description.
            type: ``"Regular"``, ``"Negative"`` or ``"GeneralProduct"``.
        """
        to_name(name, "name")
        to_name(description, "description", required=False, single_line=False)
        return Operation(
            name="CreateTag",
            method="POST",
            path=self._project_path(project_id, "tags"),
            params=_params({"name": name, "description": description, "type": _text(type)}),
            parse=parse_model(models.Tag),
        )

    @operation
    def get_tag(self, project_id: Id, tag_id: Id, *, iteration_id: Id | None = None) -> Operation[Tag]:
        """Describe a tag, with its image count in the workspace or in ``iteration_id``."""
        return Operation(
            name="GetTag",
            method="GET",
            path=self._project_path(project_id, "tags", to_id(tag_id, "tag_id")),
            params=_params({"iterationId": _opt_id(iteration_id, "iteration_id")}),
            parse=parse_model(models.Tag),
        )

    @operation
    def delete_tag(self, project_id: Id, tag_id: Id) -> Operation[None]:
        """Delete a tag and remove it from every image. Answers 204."""
        return Operation(
            name="DeleteTag",
            method="DELETE",
            path=self._project_path(project_id, "tags", to_id(tag_id, "tag_id")),
            parse=parse_nothing,
            success=frozenset({204}),
        )

    @operation
    def update_tag(self, project_id: Id, tag_id: Id, updated_tag: Tag | Mapping[str, Any]) -> Operation[Tag]:
        """Change a tag's name, description or type.

        Pass the tag as read or a mapping of the fields to change (``name`` is required); only writable fields
        are sent.
        """
        return Operation(
            name="UpdateTag",
            method="PATCH",
            path=self._project_path(project_id, "tags", to_id(tag_id, "tag_id")),
            json=_update_body(models.Tag, updated_tag, "updated_tag"),
            parse=parse_model(models.Tag),
            repeatable=True,
        )
