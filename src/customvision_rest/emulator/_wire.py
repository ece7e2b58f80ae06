"""The wire form of the service's records: how each one is serialised in an answer."""

from __future__ import annotations

from typing import Any

from ._context import is_detection
from ._domains import DEFAULT_AUGMENTATION_METHODS, DOMAINS_BY_ID
from ._lookups import Lookups
from ._state import Iteration, Project, Region, StoredImage, Tag


class WireFormat(Lookups):
    """Serialisers of projects, tags, images, regions and iterations (call with the store lock held)."""

    def project_json(self, project: Project, base_url: str) -> dict[str, Any]:
        """The wire form of a Project; every project reports its augmentation settings, as the service does."""
        settings: dict[str, Any] = {
            "domainId": project.domain_id,
            "classificationType": None if is_detection(project) else project.classification_type,
            "targetExportPlatforms": project.target_export_platforms,
            "useNegativeSet": True,
            "detectionParameters": None,
            "imageProcessingSettings": {
                "augmentationMethods": dict(project.augmentation_methods or DEFAULT_AUGMENTATION_METHODS)
            },
        }
        thumbnail = project.thumbnail_hash
        return {
            "id": project.id,
            "name": project.name,
            "description": project.description,
            "settings": settings,
            "created": project.created,
            "lastModified": project.last_modified,
            "thumbnailUri": self.blob_uri(base_url, thumbnail, "thumbnail") if thumbnail else None,
            "drModeEnabled": False,
            "status": project.status,
        }

    def tag_json(self, tag: Tag, image_count: int | None = None) -> dict[str, Any]:
        """The wire form of a Tag."""
        return {
            "id": tag.id,
            "name": tag.name,
            "description": tag.description,
            "type": tag.type,
            "imageCount": self.tag_image_count(tag) if image_count is None else image_count,
        }

    def blob_uri(self, base_url: str, content_hash: str, rendition: str) -> str:
        """A key-less download URL the emulator itself answers (the emulator's SAS URL)."""
        return f"{base_url}/emulator/images/{content_hash}/{rendition}"

    def region_json(self, region: Region) -> dict[str, Any]:
        """The wire form of an ImageRegion."""
        return {
            "regionId": region.region_id,
            "tagName": self.tag_name(region.tag_id),
            "created": region.created,
            "tagId": region.tag_id,
            "left": region.left,
            "top": region.top,
            "width": region.width,
            "height": region.height,
        }

    def image_json(self, image: StoredImage, base_url: str) -> dict[str, Any]:
        """The wire form of an Image."""
        return {
            "id": image.id,
            "created": image.created,
            "width": image.width,
            "height": image.height,
            "resizedImageUri": self.blob_uri(base_url, image.content_hash, "resized"),
            "thumbnailUri": self.blob_uri(base_url, image.content_hash, "thumbnail"),
            "originalImageUri": self.blob_uri(base_url, image.content_hash, "original"),
            "tags": [
                {"tagId": tag_id, "tagName": self.tag_name(tag_id), "created": created}
                for tag_id, created in image.tags.items()
            ],
            "regions": [self.region_json(region) for region in image.regions],
            "metadata": dict(image.metadata),
        }

    def iteration_json(self, iteration: Iteration) -> dict[str, Any]:
        """The wire form of an Iteration.

        Like the service, the domain, classification type and export platforms are null while the training job
        is queued and filled in once it has started; `trainedAt` is null until training completed.
        """
        started = iteration.training_started or iteration.status != "Training"
        domain = DOMAINS_BY_ID.get(iteration.domain_id)
        completed = iteration.status == "Completed"
        exportable = completed and domain is not None and domain.exportable
        return {
            "id": iteration.id,
            "name": iteration.name,
            "status": iteration.status,
            "created": iteration.created,
            "lastModified": iteration.last_modified,
            "trainedAt": iteration.trained_at,
            "projectId": iteration.project_id,
            "exportable": exportable,
            "exportableTo": (list(domain.exportable_platforms) if exportable and domain else []) if started else None,
            "domainId": iteration.domain_id if started else None,
            "classificationType": (iteration.classification_type or None) if started else None,
            "trainingType": iteration.training_type,
            "reservedBudgetInHours": iteration.reserved_budget_in_hours,
            "trainingTimeInMinutes": iteration.training_time_in_minutes,
            "publishName": iteration.publish_name,
            "originalPublishResourceId": iteration.publish_resource_id,
            "customBaseModelInfo": None,
            "trainingErrorDetails": iteration.training_error_details,
        }
