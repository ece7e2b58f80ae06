"""Every operation of the Custom Vision APIs, each written once as a builder shared by both clients.

The helpers that other layers use (ids, images, downloads) are exported here: ``_common`` stays private to
this package.
"""

from ._common import (
    IMAGE_FORMATS,
    MB,
    Id,
    ImageInput,
    check_image_collection,
    check_regions,
    download,
    read_image,
    sniff_image,
    to_id,
    to_ids,
)

__all__ = [
    "IMAGE_FORMATS",
    "MB",
    "Id",
    "ImageInput",
    "check_image_collection",
    "check_regions",
    "download",
    "read_image",
    "sniff_image",
    "to_id",
    "to_ids",
]
