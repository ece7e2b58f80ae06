"""Image intake: checking, de-duplicating and storing uploaded images and their regions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ._context import is_detection
from ._errors import bad_request
from ._images import ImageRejectedError, content_hash, inspect_image
from ._lookups import QUOTAS, Lookups
from ._state import Project, Region, StoredImage, new_id, utc_now


class ImageIntake(Lookups):
    """Adds images to projects (call with the store lock held)."""

    def add_image(
        self,
        project: Project,
        data: bytes,
        tag_ids: Iterable[str],
        regions: Sequence[Mapping[str, Any]],
        metadata: Mapping[str, str] | None,
        max_bytes: int,
    ) -> tuple[str, StoredImage | None]:
        """Store one uploaded image and return its ImageCreateResult status and image (lock held)."""
        state = self.store.state
        if len(data) <= max_bytes:
            # Same bytes, same image: answered before decoding, as the bytes were accepted the first time.
            duplicate = state.image_with_content(project.id, content_hash(data))
            if duplicate is not None:
                return "OKDuplicate", duplicate
        try:
            info = inspect_image(data, max_bytes)
        except ImageRejectedError as rejected:
            return ("ErrorImageSize" if rejected.too_large else "ErrorImageFormat"), None
        resource = self.resources.get(project.resource)
        tier = resource.tier if resource else "S0"
        if state.image_count(project.id) >= QUOTAS[tier]["images"]:
            return "ErrorLimitExceed", None
        tags = [self.tag(project, tag_id) for tag_id in tag_ids]
        if len({tag.type for tag in tags} & {"Negative"}) and len(tags) > 1:
            return "ErrorNegativeAndRegularTagOnSameImage", None
        self.store.blobs.put(info.content_hash, data)
        created = utc_now()
        image = StoredImage(
            id=new_id(),
            project_id=project.id,
            content_hash=info.content_hash,
            width=info.width,
            height=info.height,
            created=created,
            metadata=dict(metadata or {}),
        )
        for region in regions:
            image.regions.append(self.make_region(project, region, created))
        if not is_detection(project):
            image.tags = {tag.id: created for tag in tags}
        state.add_image(image)
        if project.thumbnail_hash is None:
            project.thumbnail_hash = image.content_hash
        return "OK", image

    def make_region(self, project: Project, region: Mapping[str, Any], created: str) -> Region:
        """A region from its wire form, validated (tag exists, box inside the image)."""
        try:
            tag = self.tag(project, str(region["tagId"]))
            box = [float(region[key]) for key in ("left", "top", "width", "height")]
        except (KeyError, TypeError, ValueError) as error:
            raise bad_request("BadRequestImageRegions", "A region needs tagId, left, top, width, height.") from error
        left, top, width, height = box
        if min(box) < 0 or width <= 0 or height <= 0 or left + width > 1.0001 or top + height > 1.0001:
            raise bad_request("BadRequestImageRegions", "Region coordinates must be normalised to 0..1.")
        return Region(new_id(), tag.id, left, top, width, height, created)

    # --- training ---------------------------------------------------------------------------------------------
