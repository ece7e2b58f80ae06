"""Bulk upload: any number of images, split into batches the service accepts.

:meth:`BulkWorkflows.upload_images` takes an iterable of images of any length, reads them one at a time and
sends them with ``CreateImagesFromFiles`` in batches that respect every limit the service has: at most 64
images, at most 20 distinct tags, and a JSON body well below the size at which users see uploads fail
(about 55 MB; base64 makes the body a third larger than the images).

An image that breaks a rule (unreadable, empty, over 6 MB, more than 20 tags of its own) raises
:class:`~customvision_rest.ClientValidationError` naming its position as soon as it is read. Batches read
before it have already been sent by then; since re-uploading the same bytes answers ``OKDuplicate``, fixing
the input and calling again is safe.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Mapping, Sequence, Sized
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import UUID

from .._exceptions import ClientValidationError, describe_problem
from ..core.operation import Workflow, call, workflow
from ..models.training import (
    ImageCreateResult,
    ImageCreateStatus,
    ImageCreateSummary,
    ImageFileCreateBatch,
    ImageFileCreateEntry,
    Region,
)
from ..operations._common import MB, Id, ImageInput, check_image_collection, check_regions, read_image, to_id, to_ids
from ..operations.training import (
    MAX_IMAGES_PER_BATCH,
    MAX_TAGS_PER_BATCH,
    MAX_TRAINING_IMAGE_BYTES,
    TrainingOperations,
    _check_metadata,
)

__all__ = [
    "DEFAULT_MAX_BATCH_BYTES",
    "BulkWorkflows",
    "ImageToUpload",
    "UploadFailure",
    "UploadProgress",
    "UploadReport",
]

DEFAULT_MAX_BATCH_BYTES = 48 * MB
"""Default ceiling on the JSON body of one upload batch, comfortably below the ~55 MB at which uploads fail."""

UploadProgress = Callable[[int, "int | None"], None]
"""Called after each batch with the number of images sent so far and the total (``None`` when unknown)."""


@dataclass(frozen=True)
class ImageToUpload:
    """One image for :meth:`BulkWorkflows.upload_images` with its own tags, regions and name.

    Attributes:
        image: bytes, a file path or a binary file opened for reading.
        tag_ids: tags for this image only (added to the call's ``tag_ids``).
        regions: object-detection regions (``Region`` models or mappings of their fields), coordinates 0..1.
        name: the name the service stores; by default the file name when ``image`` is a path.
    """

    image: ImageInput
    tag_ids: Sequence[Id] = ()
    regions: Sequence[Region | Mapping[str, Any]] = ()
    name: str | None = None

    def __post_init__(self) -> None:
        # Keep the value immutable even when lists were passed in.
        object.__setattr__(self, "tag_ids", tuple(self.tag_ids))
        object.__setattr__(self, "regions", tuple(self.regions))


@dataclass(frozen=True)
class UploadFailure:
    """An image the service did not store.

    Attributes:
        position: the image's index in the input of :meth:`BulkWorkflows.upload_images`.
        name: the name sent with it, if any.
        result: the service's answer for it (``status`` says why).
    """

    position: int
    name: str | None
    result: ImageCreateResult

    def describe(self) -> str:
        """One line: position, name and status."""
        status = "no status" if self.result.status is None else str(self.result.status)
        label = f" ({self.name})" if self.name else ""
        return f"#{self.position}{label}: {status}"


@dataclass
class UploadReport:
    """What :meth:`BulkWorkflows.upload_images` did: one summary per batch and one result per image.

    A partly failed batch (HTTP 207) never raises: its refused images are listed in :attr:`failed`.

    Attributes:
        summaries: the service's answer to each batch, in the order the batches were sent.
        results: every image's result, in input order.
        failed: the images not stored (any status but ``OK`` and ``OKDuplicate``), with their input positions.
    """

    summaries: list[ImageCreateSummary] = field(default_factory=list)
    results: list[ImageCreateResult] = field(default_factory=list)
    failed: list[UploadFailure] = field(default_factory=list)

    @property
    def batches(self) -> int:
        """How many upload requests were sent."""
        return len(self.summaries)

    @property
    def succeeded(self) -> list[ImageCreateResult]:
        """Results of images now in the project: newly created or already there (``OKDuplicate``)."""
        return [r for r in self.results if r.is_success]

    @property
    def duplicates(self) -> list[ImageCreateResult]:
        """Results of images the project already had; they are counted in :attr:`succeeded` too."""
        return [r for r in self.results if r.status == ImageCreateStatus.OK_DUPLICATE]

    @property
    def ok(self) -> bool:
        """Whether every image is now in the project."""
        return not self.failed

    def describe_failures(self) -> str:
        """A readable multi-line account of the failed images (input position, name, status); empty if none."""
        if not self.failed:
            return ""
        lines = [f"  {failure.describe()}" for failure in self.failed]
        return f"{len(self.failed)} of {len(self.results)} images failed:\n" + "\n".join(lines)


def _json_size(value: Any) -> int:
    # Exactly how the pipeline encodes a JSON body.
    return len(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode())


def _base64_size(size: int) -> int:
    return 4 * ((size + 2) // 3)


def _default_name(image: ImageInput) -> str | None:
    if isinstance(image, (str, os.PathLike)):
        return Path(image).name or None
    name = getattr(image, "name", None)
    return Path(name).name or None if isinstance(name, str) else None


@dataclass
class _Pending:
    entries: list[ImageFileCreateEntry] = field(default_factory=list)
    names: list[str | None] = field(default_factory=list)
    tags: set[UUID] = field(default_factory=set)
    size: int = 0


class BulkWorkflows:
    """Bulk image upload; mixed into both training clients."""

    @workflow
    def upload_images(
        self,
        project_id: Id,
        images: Iterable[ImageInput | ImageToUpload],
        /,
        *,
        tag_ids: Iterable[Id] | None = None,
        metadata: Mapping[str, str] | None = None,
        max_batch_images: int = MAX_IMAGES_PER_BATCH,
        max_batch_bytes: int = DEFAULT_MAX_BATCH_BYTES,
        progress: UploadProgress | None = None,
    ) -> Workflow[UploadReport]:
        """Upload any number of images to the training set, in as many batches as the service's limits need.

        Images are read one at a time while batches are filled, so a long generator of paths is never held
        in memory at once: at most one batch is. A batch is sent when adding the next image would exceed
        ``max_batch_images``, 20 distinct tags (image tags and region tags), or ``max_batch_bytes`` of JSON
        body. An image larger than the byte budget on its own is sent alone.

        Partial failures never raise: the report lists them with their input positions. An invalid image
        raises :class:`ClientValidationError` naming its position when it is read; the batches before it
        have then been sent already (re-running the call is safe: repeated images answer ``OKDuplicate``).

        Args:
            project_id: the project.
            images: bytes, paths or binary files, or :class:`ImageToUpload` for per-image tags and regions.
            tag_ids: tags applied to every image, in addition to each image's own; at most 20.
            metadata: key/value pairs stored with every image (at most 50 pairs).
            max_batch_images: images per batch, 1 to 64.
            max_batch_bytes: ceiling on the JSON body of one batch, in bytes.
            progress: called after each batch as ``progress(sent, total)``; ``total`` is ``None`` when
                ``images`` has no length.
        """
        project = to_id(project_id, "project_id")
        check_image_collection(images, "images")
        common = (
            [] if tag_ids is None else list(dict.fromkeys(UUID(t) for t in to_ids(tag_ids, "tag_ids", required=False)))
        )
        if len(common) > MAX_TAGS_PER_BATCH:
            raise ClientValidationError(
                f"tag_ids: at most {MAX_TAGS_PER_BATCH} tags per image, got {len(common)}",
                limit=f"{MAX_TAGS_PER_BATCH} tags per batch",
                value=len(common),
            )
        _check_metadata(metadata, "metadata")
        if isinstance(max_batch_images, bool) or not 1 <= max_batch_images <= MAX_IMAGES_PER_BATCH:
            raise ClientValidationError(
                f"max_batch_images must be 1 to {MAX_IMAGES_PER_BATCH}, got {max_batch_images!r}",
                limit=f"{MAX_IMAGES_PER_BATCH} images per batch",
                value=max_batch_images,
            )
        if isinstance(max_batch_bytes, bool) or max_batch_bytes <= 0:
            raise ClientValidationError(
                f"max_batch_bytes must be positive, got {max_batch_bytes!r}", limit="batch bytes", value=max_batch_bytes
            )
        total = len(images) if isinstance(images, Sized) else None
        meta = dict(metadata) if metadata is not None else None
        # The body is {"images":[e1,e2,...],"metadata":{...}}: the envelope, the entries and the commas.
        envelope = _json_size(ImageFileCreateBatch(images=[], metadata=meta).to_wire())

        report = UploadReport()
        pending = _Pending()
        sent = 0

        def send(batch: _Pending, first: int) -> Workflow[None]:
            nonlocal sent
            body = ImageFileCreateBatch(images=batch.entries, metadata=meta)
            summary = yield from call(TrainingOperations.create_images_from_files.build(self, project, body))
            report.summaries.append(summary)
            for offset, result in enumerate(summary.images):
                report.results.append(result)
                if not result.is_success:
                    name = batch.names[offset] if offset < len(batch.names) else None
                    report.failed.append(UploadFailure(first + offset, name, result))
            sent += len(batch.entries)
            if progress is not None:
                progress(sent, total)

        first = 0
        for position, item in enumerate(images):
            entry, name = _read_entry(item, position, common)
            entry_tags = set(entry.tag_ids or ()) | {r.tag_id for r in entry.regions or ()}
            entry_size = _json_size(entry.model_copy(update={"contents": b""}).to_wire()) + _base64_size(
                len(entry.contents)
            )
            if pending.entries and (
                len(pending.entries) >= max_batch_images
                or len(pending.tags | entry_tags) > MAX_TAGS_PER_BATCH
                or envelope + pending.size + len(pending.entries) + entry_size > max_batch_bytes
            ):
                yield from send(pending, first)
                first = position
                pending = _Pending()
            pending.entries.append(entry)
            pending.names.append(name)
            pending.tags |= entry_tags
            pending.size += entry_size
        if pending.entries:
            yield from send(pending, first)
        return report


def _read_entry(
    item: ImageInput | ImageToUpload, position: int, common: Sequence[UUID]
) -> tuple[ImageFileCreateEntry, str | None]:
    """Read one input image into an upload entry, checking it; errors name ``images[position]``."""
    upload = item if isinstance(item, ImageToUpload) else ImageToUpload(item)
    name = upload.name if upload.name is not None else _default_name(upload.image)
    what = f"images[{position}]" + (f" ({name})" if name else "")
    data = read_image(upload.image, max_bytes=MAX_TRAINING_IMAGE_BYTES, what=what)
    own = [UUID(t) for t in to_ids(upload.tag_ids, f"{what}.tag_ids", required=False)]
    tags = list(dict.fromkeys([*common, *own]))
    if len(tags) > MAX_TAGS_PER_BATCH:
        raise ClientValidationError(
            f"{what}: at most {MAX_TAGS_PER_BATCH} tags per image (with the call's tag_ids), got {len(tags)}",
            limit=f"{MAX_TAGS_PER_BATCH} tags per batch",
            value=len(tags),
        )
    try:
        regions = [r if isinstance(r, Region) else Region.model_validate(r) for r in upload.regions]
    except ValueError as exc:
        problem = describe_problem(exc)
        raise ClientValidationError(f"{what}: invalid region: {problem}", limit="region", value=position) from None
    check_regions(regions, f"{what}.regions")
    entry = ImageFileCreateEntry(name=name, contents=data, tag_ids=tags or None, regions=regions or None)
    return entry, name
