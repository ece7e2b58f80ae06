"""The Training API's documented limits (spec descriptions and maxItems, and Microsoft's limits page).

The operations check them before sending, so that a mistake costs no request and says exactly what is wrong.
They live apart from the operations so that bulk work can name them without importing the Training API's
operations (a prediction client's bulk work never needs those).
"""

from __future__ import annotations

from ._common import MB

__all__ = [
    "MAX_DELETE_IMAGE_TAGS_IMAGES",
    "MAX_DELETE_PREDICTION_IDS",
    "MAX_IMAGES_PER_BATCH",
    "MAX_IMAGE_IDS_PER_REQUEST",
    "MAX_IMAGE_TAG_ENTRIES",
    "MAX_METADATA_KEY_CHARS",
    "MAX_METADATA_PAIRS",
    "MAX_METADATA_VALUE_CHARS",
    "MAX_REGIONS_PER_REQUEST",
    "MAX_SUGGEST_IMAGE_IDS",
    "MAX_TAGS_PER_BATCH",
    "MAX_TAG_FILTER",
    "MAX_TAKE",
    "MAX_TRAINING_IMAGE_BYTES",
]


MAX_TRAINING_IMAGE_BYTES = 6 * MB
"""Largest training or quick-test image the service accepts."""

MAX_IMAGES_PER_BATCH = 64
"""Images per upload: JSON batches (files, URLs, predictions) and multipart files alike."""

MAX_TAGS_PER_BATCH = 20
"""Tag ids per upload batch (for the whole batch, and for any one image of it)."""

MAX_IMAGE_IDS_PER_REQUEST = 256
"""Image ids in DeleteImages, GetImagesByIds and UpdateImageMetadata."""

MAX_REGIONS_PER_REQUEST = 64
"""Regions in CreateImageRegions and region ids in DeleteImageRegions."""

MAX_DELETE_PREDICTION_IDS = 64
"""Prediction ids in DeletePrediction."""

MAX_SUGGEST_IMAGE_IDS = 64
"""Image ids in SuggestTagsAndRegions."""

MAX_DELETE_IMAGE_TAGS_IMAGES = 64
"""Image ids in DeleteImageTags (its tag ids are limited by :data:`MAX_TAG_FILTER`)."""

MAX_IMAGE_TAG_ENTRIES = 128
"""Image/tag pairs in CreateImageTags."""

MAX_TAG_FILTER = 20
"""Tag ids in a tag filter of a query (GetImages, GetTaggedImages, counts, DeleteImageTags...)."""

MAX_TAKE = 256
"""Largest page (``take``) of the image listings; the service's default page is 50."""

MAX_METADATA_PAIRS = 50
"""Metadata key/value pairs per image."""

MAX_METADATA_KEY_CHARS = 256
"""Characters in a metadata key."""

MAX_METADATA_VALUE_CHARS = 512
"""Characters in a metadata value."""
