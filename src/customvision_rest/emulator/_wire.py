"""The wire form of the service's records: how each one is serialised in an answer."""

from __future__ import annotations

from typing import Any

from ._context import is_detection
from ._domains import DOMAINS_BY_ID, EXPORT_PLATFORMS
from ._lookups import Lookups
from ._state import Iteration, Project, Region, StoredImage, Tag


class WireFormat(Lookups):
    """Serialisers of projects, tags, images, regions and iterations (call with the store lock held)."""

    def project_json(self, project: Project) -> dict[str, Any]:
        """The wire form of a Project."""
        settings: dict[str, Any] = {
            "domainId": project.domain_id,
            "classificationType": None if is_detection(project) else project.classification_type,
            "targetExportPlatforms": project.target_export_platforms,
            "useNegativeSet": True,
            "detectionParameters": None,
        }
        if project.augmentation_methods is not None:
            settings["imageProcessingSettings"] = {"augmentationMethods": project.augmentation_methods}
        return {
            "id": project.id,
            "name": project.name,
            "description": project.description,
            "settings": settings,
            "created": project.created,
            "lastModified": project.last_modified,
            "thumbnailUri": None,
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
        """The wire form of an Iteration; like the service, training details appear only once known."""
        completed = iteration.status == "Completed"
        domain = DOMAINS_BY_ID.get(iteration.domain_id)
        exportable = completed and domain is not None and domain.exportable
        body: dict[str, Any] = {
            "id": iteration.id,
            "name": iteration.name,
            "status": iteration.status,
            "created": iteration.created,
            "lastModified": iteration.last_modified,
        }
        if iteration.trained_at is not None:
            body["trainedAt"] = iteration.trained_at
        body.update(
            {
                "projectId": iteration.project_id,
                "exportable": exportable,
                "exportableTo": (list(EXPORT_PLATFORMS) if exportable else []) if completed else None,
                "domainId": iteration.domain_id if completed else None,
                "classificationType": (
                    iteration.classification_type if completed and iteration.classification_type else None
                ),
                "trainingType": iteration.training_type,
                "reservedBudgetInHours": iteration.reserved_budget_in_hours,
                "trainingTimeInMinutes": iteration.training_time_in_minutes,
                "publishName": iteration.publish_name,
                "originalPublishResourceId": iteration.publish_resource_id,
            }
        )
        return body

    # --- image intake -----------------------------------------------------------------------------------------
