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
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.operation import Workflow, call, workflow
from ..models.training import Image, Project, Tag
from ..operations import Id, download, sniff_image, to_id
from ..operations.training import MAX_TAKE, TrainingOperations

__all__ = ["MANIFEST_FORMAT", "DatasetDownload", "DatasetWorkflows"]

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


class DatasetWorkflows:
    """Dataset download; mixed into both training clients."""

    @workflow
    def download_dataset(
        self,
        project_id: Id,
        destination: str | os.PathLike[str],
        /,
        *,
        resized: bool = False,
        progress: Callable[[int], None] | None = None,
    ) -> Workflow[DatasetDownload]:
        """Download every image of the project (tagged and untagged) with a manifest of tags, regions and metadata.

        Args:
            project_id: the project.
            destination: the folder to write into (created if needed); see the module's description of it.
            resized: fetch the service's resized copies instead of the original uploads.
            progress: called with the number of images handled so far, after each one.

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
        return DatasetDownload(root, len(entries), len(tags), regions, downloaded, present)
