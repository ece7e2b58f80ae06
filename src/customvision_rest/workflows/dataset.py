"""Dataset download: every image of a project with its tags, regions and metadata, into a folder.

Custom Vision is retired on 2028-09-25; this is how a project's data leaves it, in a form other trainers can
read. The folder holds ``images/<image id>.<jpg|png|bmp|gif>`` and ``manifest.json``::

    {
      "format": "customvision-rest-dataset/1",
      "project": {"id", "name", "description", "domainId", "classificationType"},
      "tags": [{"id", "name", "type", "description"}],
      "images": [{"id", "file", "width", "height", "created", "metadata": {...},
                  "tags": [{"id", "name"}],
                  "regions": [{"tagId", "tagName", "left", "top", "width", "height"}]}]
    }

Region coordinates are normalised to 0..1, as the service gives them. A download can be run again into the same
folder: images already there are not fetched a second time, so an interrupted download resumes.

Beside the manifest, two files other tools read: ``coco.json`` (object detection projects: COCO's images,
annotations with pixel ``bbox`` [x, y, width, height], and categories) and ``automl.jsonl`` (the JSON Lines that
Azure Machine Learning's AutoML image jobs take: multi-class, multi-label or object detection, one image a line).

:meth:`DatasetWorkflows.upload_dataset` reads such a folder back into a project: tags are created (or matched by
name), images uploaded with their tags, regions and metadata.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._exceptions import ClientValidationError, CustomVisionError
from ..core.operation import Workflow, call, workflow
from ..operations import Id, download, sniff_image, to_id
from ..operations.limits import MAX_IMAGES_PER_BATCH, MAX_TAKE
from ..operations.training import TrainingOperations
from .bulk import (
    DEFAULT_MAX_BATCH_BYTES,
    DEFAULT_UPLOAD_CONCURRENCY,
    Bulk,
    ImageToUpload,
    UploadFailure,
    UploadIncompleteError,
    UploadProgress,
    _Upload,
    _upload,
    bulk,
    check_concurrency,
)

if TYPE_CHECKING:
    from ..models.training import DomainType, Image, Project, Tag

__all__ = ["AUTOML_FILE", "COCO_FILE", "MANIFEST_FORMAT", "DatasetDownload", "DatasetUpload", "DatasetWorkflows"]

COCO_FILE = "coco.json"
AUTOML_FILE = "automl.jsonl"

MANIFEST_FORMAT = "customvision-rest-dataset/1"


@dataclass(frozen=True)
class DatasetDownload:
    """What :meth:`DatasetWorkflows.download_dataset` wrote."""

    destination: Path
    images: int
    tags: int
    regions: int
    downloaded: int
    already_present: int

    @property
    def manifest(self) -> Path:
        """The manifest file."""
        return self.destination / "manifest.json"

    @property
    def coco(self) -> Path | None:
        """The COCO file, written for object detection projects only."""
        path = self.destination / COCO_FILE
        return path if path.is_file() else None

    @property
    def automl(self) -> Path:
        """The JSON Lines file for Azure Machine Learning AutoML image jobs."""
        return self.destination / AUTOML_FILE


@dataclass(frozen=True)
class DatasetUpload:
    """What :meth:`DatasetWorkflows.upload_dataset` did.

    Attributes:
        project_id: the project written into.
        tags_created: names of the tags created (tags already there with the same name were reused).
        tag_ids: each tag id of the manifest mapped to the id of its tag in the target project.
        image_ids: each image id of the manifest mapped to the id the target project gave it.
        failed: the images the service did not store; ``position`` is the image's index in the manifest.
    """

    project_id: str
    tags_created: list[str] = field(default_factory=list)
    tag_ids: dict[str, str] = field(default_factory=dict)
    image_ids: dict[str, str] = field(default_factory=dict)
    failed: list[UploadFailure] = field(default_factory=list)

    @property
    def images(self) -> int:
        """Images stored (new or already present)."""
        return len(self.image_ids)


def _extension(data: bytes) -> str:
    found = sniff_image(data)
    return found[1].lstrip(".") if found else "bin"


def _write_atomically(path: Path, data: bytes) -> None:
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(data)
    os.replace(partial, path)


def _existing_file(folder: Path, image_id: str) -> Path | None:
    for candidate in folder.glob(f"{image_id}.*"):
        if not candidate.name.endswith(".partial"):
            return candidate
    return None


def _image_entry(image: Image, file: Path, destination: Path, tag_names: dict[str, str]) -> dict[str, Any]:
    return {
        "id": str(image.id),
        "file": file.relative_to(destination).as_posix(),
        "width": image.width,
        "height": image.height,
        "created": image.created.isoformat() if image.created else None,
        "metadata": dict(image.metadata),
        "tags": [{"id": str(t.tag_id), "name": t.tag_name or tag_names.get(str(t.tag_id))} for t in image.tags],
        "regions": [
            {
                "tagId": str(r.tag_id),
                "tagName": r.tag_name or tag_names.get(str(r.tag_id)),
                "left": r.left,
                "top": r.top,
                "width": r.width,
                "height": r.height,
            }
            for r in image.regions
        ],
    }


def _manifest(project: Project, tags: list[Tag], entries: list[dict[str, Any]]) -> dict[str, Any]:
    settings = project.settings
    return {
        "format": MANIFEST_FORMAT,
        "project": {
            "id": str(project.id),
            "name": project.name,
            "description": project.description,
            "domainId": str(settings.domain_id) if settings and settings.domain_id else None,
            "classificationType": str(settings.classification_type)
            if settings and settings.classification_type
            else None,
        },
        "tags": [
            {"id": str(t.id), "name": t.name, "type": str(t.type) if t.type else None, "description": t.description}
            for t in tags
        ],
        "images": entries,
    }


def _coco(entries: list[dict[str, Any]], tags: list[Tag]) -> dict[str, Any]:
    """COCO object detection: integer ids, pixel boxes [x, y, width, height] measured from the top left."""
    category = {str(t.id): number for number, t in enumerate(tags, start=1)}
    images: list[dict[str, Any]] = []
    annotations: list[dict[str, Any]] = []
    for number, entry in enumerate(entries, start=1):
        width, height = entry["width"] or 0, entry["height"] or 0
        images.append({"id": number, "file_name": entry["file"], "width": width, "height": height})
        for region in entry["regions"]:
            box = [region["left"] * width, region["top"] * height, region["width"] * width, region["height"] * height]
            annotations.append(
                {
                    "id": len(annotations) + 1,
                    "image_id": number,
                    "category_id": category.get(region["tagId"], 0),
                    "bbox": box,
                    "area": box[2] * box[3],
                    "iscrowd": 0,
                }
            )
    categories = [{"id": category[str(t.id)], "name": t.name, "supercategory": "none"} for t in tags]
    return {"images": images, "annotations": annotations, "categories": categories}


def _automl_lines(entries: list[dict[str, Any]], task: str, image_url_prefix: str) -> list[str]:
    """AutoML image JSON Lines: one labelled image a line; images without labels are left out."""
    lines = []
    for entry in entries:
        extension = entry["file"].rsplit(".", 1)[-1]
        details = {"format": extension}
        if entry["width"] and entry["height"]:
            details.update(width=f"{entry['width']}px", height=f"{entry['height']}px")
        label: Any
        if task == "object-detection":
            label = [
                {
                    "label": r["tagName"],
                    "topX": r["left"],
                    "topY": r["top"],
                    "bottomX": r["left"] + r["width"],
                    "bottomY": r["top"] + r["height"],
                    "isCrowd": 0,
                }
                for r in entry["regions"]
            ]
        elif task == "multi-label":
            label = [t["name"] for t in entry["tags"]]
        else:
            label = entry["tags"][0]["name"] if len(entry["tags"]) == 1 else None
        if not label:
            continue
        record = {"image_url": image_url_prefix + entry["file"], "image_details": details, "label": label}
        lines.append(json.dumps(record, ensure_ascii=False))
    return lines


def _task(project: Project, domain_type: DomainType | str | None, entries: list[dict[str, Any]]) -> str:
    if str(domain_type) == "ObjectDetection" or (domain_type is None and any(e["regions"] for e in entries)):
        return "object-detection"
    settings = project.settings
    if settings is not None and str(settings.classification_type) == "Multilabel":
        return "multi-label"
    return "multi-class"


def _read_manifest(folder: Path) -> dict[str, Any]:
    path = folder / "manifest.json"
    if not path.is_file():
        raise ClientValidationError(f"{str(folder)!r} holds no manifest.json (see download_dataset)", limit="folder")
    manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    if manifest.get("format") != MANIFEST_FORMAT:
        raise ClientValidationError(
            f"manifest.json is in format {manifest.get('format')!r}; expected {MANIFEST_FORMAT!r}",
            limit="manifest format",
        )
    return manifest


class DatasetWorkflows:
    """Dataset download and upload; mixed into both training clients."""

    @workflow
    def download_dataset(
        self,
        project_id: Id,
        destination: str | os.PathLike[str],
        /,
        *,
        resized: bool = False,
        progress: Callable[[int], None] | None = None,
        image_url_prefix: str = "",
    ) -> Workflow[DatasetDownload]:
        """Download every image of the project (tagged and untagged) with a manifest of tags, regions and metadata.

        Args:
            project_id: the project.
            destination: the folder to write into (created if needed); see the module's description of it.
            resized: fetch the service's resized copies instead of the original uploads.
            progress: called with the number of images handled so far, after each one.
            image_url_prefix: put before each image's relative path in ``automl.jsonl`` (for instance
                ``"azureml://datastores/<store>/paths/<folder>/"``, where the folder is uploaded).

        Images already in ``destination/images`` are kept, not fetched again. Image addresses are signed URLs on
        another host: the resource's key or token is never sent to them.
        """
        project_key = to_id(project_id, "project_id")
        root = Path(destination)
        folder = root / "images"
        folder.mkdir(parents=True, exist_ok=True)
        project = yield from call(TrainingOperations.get_project.build(self, project_key))
        tags = yield from call(TrainingOperations.get_tags.build(self, project_key))
        tag_names = {str(t.id): t.name for t in tags}
        entries: list[dict[str, Any]] = []
        downloaded = present = regions = 0
        skip = 0
        while True:
            page = yield from call(
                TrainingOperations.get_images.build(self, project_key, order_by="Oldest", take=MAX_TAKE, skip=skip)
            )
            for image in page:
                image_id = str(image.id)
                file = _existing_file(folder, image_id)
                if file is None:
                    address = image.resized_image_uri if resized else image.original_image_uri
                    data = yield from call(download(address or "", f"image {image_id}"))
                    file = folder / f"{image_id}.{_extension(data)}"
                    _write_atomically(file, data)
                    downloaded += 1
                else:
                    present += 1
                regions += len(image.regions)
                entries.append(_image_entry(image, file, root, tag_names))
                if progress is not None:
                    progress(len(entries))
            if len(page) < MAX_TAKE:
                break
            skip += len(page)
        manifest = json.dumps(_manifest(project, tags, entries), indent=2, ensure_ascii=False)
        _write_atomically(root / "manifest.json", manifest.encode())
        domain_type = None
        if project.settings is not None and project.settings.domain_id is not None:
            try:
                domain = yield from call(TrainingOperations.get_domain.build(self, project.settings.domain_id))
                domain_type = domain.type
            except CustomVisionError:
                pass  # an unknown domain: decide from the regions
        task = _task(project, domain_type, entries)
        if task == "object-detection":
            coco = json.dumps(_coco(entries, tags), indent=2, ensure_ascii=False)
            _write_atomically(root / COCO_FILE, coco.encode())
        lines = _automl_lines(entries, task, image_url_prefix)
        _write_atomically(root / AUTOML_FILE, "".join(line + "\n" for line in lines).encode())
        return DatasetDownload(root, len(entries), len(tags), regions, downloaded, present)

    @bulk(sync_concurrency=1, async_concurrency=DEFAULT_UPLOAD_CONCURRENCY)
    def upload_dataset(
        self,
        project_id: Id,
        folder: str | os.PathLike[str],
        /,
        *,
        progress: UploadProgress | None = None,
        concurrency: int | None = None,
    ) -> Bulk[Any, DatasetUpload]:
        """Upload a folder written by :meth:`download_dataset` into a project, typically a new one.

        Tags are matched by name and created when missing (with their type and description); every image is
        uploaded with its tags, its regions (tag ids mapped to the target's) and its metadata, as
        :meth:`upload_images` does it (same batching, same convergence). Running it again is safe: tags are
        found by name and images already there are brought up to date. Create the project with the domain and
        classification type the manifest's ``project`` names.

        Args:
            project_id: the project to upload into.
            folder: the folder holding ``manifest.json`` and ``images/``.
            progress: called after each batch as ``progress(images sent, total)``.
            concurrency: batches in flight at once, as for :meth:`upload_images`.

        Raises:
            ClientValidationError: no manifest, a manifest of another format, or a missing image file; nothing
                was sent.
            UploadIncompleteError: as :meth:`upload_images`; ``error.report`` covers the whole dataset.
        """
        project = to_id(project_id, "project_id")
        root = Path(folder)
        manifest = _read_manifest(root)
        for entry in manifest["images"]:
            if not (root / entry["file"]).is_file():
                raise ClientValidationError(
                    f"image {entry['id']}: {str(root / entry['file'])!r} is missing", limit="file"
                )
        return _DatasetUploadWork(self, project, root, manifest, progress, check_concurrency(concurrency))


def _dataset_image(root: Path, entry: Mapping[str, Any], tag_ids: Mapping[str, str]) -> ImageToUpload:
    path = root / entry["file"]
    regions = [
        {
            "tag_id": tag_ids[r["tagId"]],
            "left": r["left"],
            "top": r["top"],
            "width": r["width"],
            "height": r["height"],
        }
        for r in entry["regions"]
    ]
    region_tags = {r["tagId"] for r in entry["regions"]}
    own_tags = [tag_ids[t["id"]] for t in entry["tags"] if t["id"] not in region_tags]
    return ImageToUpload(path, tag_ids=own_tags, regions=regions, name=path.name)


class _DatasetUploadWork:
    """The bulk work of :meth:`DatasetWorkflows.upload_dataset`: tags first, then one upload per metadata.

    The service sets metadata per batch, so the images are uploaded in groups of equal metadata; the groups'
    batches are the jobs, run as one bulk so that ``concurrency`` spans the whole dataset.
    """

    def __init__(
        self,
        client: Any,
        project: str,
        root: Path,
        manifest: dict[str, Any],
        progress: UploadProgress | None,
        concurrency: int | None,
    ) -> None:
        self.client, self.project, self.root, self.manifest = client, project, root, manifest
        self.progress, self.concurrency = progress, concurrency
        self.result = DatasetUpload(project_id=project)
        self.groups: list[tuple[list[dict[str, Any]], _Upload]] = []
        self.sent = 0
        self.positions = {entry["id"]: number for number, entry in enumerate(manifest["images"])}

    def prepare(self) -> Workflow[None]:
        existing = yield from call(TrainingOperations.get_tags.build(self.client, self.project))
        by_name = {t.name: str(t.id) for t in existing}
        for tag in self.manifest["tags"]:
            if tag["name"] not in by_name:
                created = yield from call(
                    TrainingOperations.create_tag.build(
                        self.client, self.project, tag["name"], description=tag.get("description"), type=tag.get("type")
                    )
                )
                by_name[tag["name"]] = str(created.id)
                self.result.tags_created.append(tag["name"])
            self.result.tag_ids[tag["id"]] = by_name[tag["name"]]
        grouped: dict[str, list[dict[str, Any]]] = {}
        for entry in self.manifest["images"]:
            grouped.setdefault(json.dumps(entry.get("metadata") or {}, sort_keys=True), []).append(entry)
        total = len(self.manifest["images"])
        for key, entries in grouped.items():
            images = [_dataset_image(self.root, entry, self.result.tag_ids) for entry in entries]
            upload = _upload(
                self.client,
                self.project,
                images,
                None,
                json.loads(key) or None,
                MAX_IMAGES_PER_BATCH,
                DEFAULT_MAX_BATCH_BYTES,
                None,
                None,
            )
            upload.total = total
            self.groups.append((entries, upload))

    def jobs(self) -> Iterator[tuple[int, Any]]:
        for number, (_, upload) in enumerate(self.groups):
            for job in upload.jobs():
                yield number, job

    def work(self, job: tuple[int, Any]) -> Workflow[Any]:
        return self.groups[job[0]][1].work(job[1])

    def done(self, job: tuple[int, Any], result: Any) -> None:
        upload = self.groups[job[0]][1]
        before = upload.sent
        upload.done(job[1], result)
        self.sent += upload.sent - before
        if self.progress is not None:
            self.progress(self.sent, len(self.manifest["images"]))

    def failed(self, job: tuple[int, Any], error: Exception) -> bool:
        return self.groups[job[0]][1].failed(job[1], error)

    def finish(self, stopped: Exception | None) -> DatasetUpload:
        incomplete: UploadIncompleteError | None = None
        for entries, upload in self.groups:
            # The exception that stopped the jobs came from the group being read then.
            cause = stopped if stopped is not None and not upload.exhausted else None
            stopped = None if cause is not None else stopped
            try:
                report = upload.finish(cause)
            except UploadIncompleteError as error:
                report, incomplete = error.report, incomplete or error
            for position, answer in report._each_result():
                if answer.is_success and answer.image is not None and answer.image.id:
                    self.result.image_ids[entries[position]["id"]] = str(answer.image.id)
            self.result.failed.extend(
                replace(failure, position=self.positions[entries[failure.position]["id"]]) for failure in report.failed
            )
        if incomplete is not None:
            raise incomplete
        return self.result
