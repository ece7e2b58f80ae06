"""Each documented limit: just under it the request is sent, just over it nothing is sent and the error says why."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
import respx

from customvision_rest import ClientValidationError
from customvision_rest.clients.training import TrainingClient
from customvision_rest.models.training import (
    ImageFileCreateBatch,
    ImageFileCreateEntry,
    ImageIdCreateBatch,
    ImageIdCreateEntry,
    ImageRegionCreateEntry,
    ImageTagCreateEntry,
    ImageUrlCreateBatch,
    ImageUrlCreateEntry,
)
from customvision_rest.operations import training as limits

ENDPOINT = "https://limits-test.cognitiveservices.azure.com"
P = uuid.UUID("11111111-2222-4333-8444-555555555555")
IT = uuid.UUID("66666666-7777-4888-9999-000000000000")
JPEG_HEAD = b"\xff\xd8\xff\xe0"
SMALL = JPEG_HEAD + b"\x00" * 16
SUMMARY = {"isBatchSuccessful": True, "images": []}
PREDICTION = {
    "id": str(uuid.UUID(int=90)),
    "project": str(uuid.UUID(int=91)),
    "iteration": str(uuid.UUID(int=92)),
    "created": "2020-11-06T17:46:17.747Z",
    "predictions": [],
}


def ids(n: int) -> list[uuid.UUID]:
    return [uuid.UUID(int=i + 1) for i in range(n)]


def jpeg(size: int) -> bytes:
    return JPEG_HEAD + b"\x00" * (size - len(JPEG_HEAD))


def urls(n: int, **batch: Any) -> ImageUrlCreateBatch:
    return ImageUrlCreateBatch(images=[ImageUrlCreateEntry(url=f"https://e.com/{i}.jpg") for i in range(n)], **batch)


def files(n: int, size: int = len(SMALL), **batch: Any) -> ImageFileCreateBatch:
    return ImageFileCreateBatch(images=[ImageFileCreateEntry(contents=jpeg(size)) for _ in range(n)], **batch)


def predictions(n: int) -> ImageIdCreateBatch:
    return ImageIdCreateBatch(images=[ImageIdCreateEntry(id=i) for i in ids(n)])


def regions(n: int) -> list[ImageRegionCreateEntry]:
    return [ImageRegionCreateEntry(image_id=IT, tag_id=t, left=0, top=0, width=0.5, height=0.5) for t in ids(n)]


def metadata(pairs: int = 1, key: int = 3, value: int = 3) -> dict[str, str]:
    result = {f"k{i}": "v" for i in range(pairs - 1)}
    result["x" * key] = "y" * value
    return result


Invoke = Callable[[TrainingClient, int], Any]

# (case id, the limit, how to call with a given count/size, status and JSON body of the mocked answer)
CASES: list[tuple[str, int, Invoke, int, Any]] = [
    (
        "data: 6 MB per image",
        limits.MAX_TRAINING_IMAGE_BYTES,
        lambda c, n: c.create_images_from_data(P, jpeg(n)),
        200,
        SUMMARY,
    ),
    (
        "data: 64 files",
        limits.MAX_IMAGES_PER_BATCH,
        lambda c, n: c.create_images_from_data(P, [SMALL] * n),
        207,
        SUMMARY,
    ),
    (
        "data: 20 tags",
        limits.MAX_TAGS_PER_BATCH,
        lambda c, n: c.create_images_from_data(P, SMALL, tag_ids=ids(n)),
        200,
        SUMMARY,
    ),
    (
        "quick test: 4 MB",
        limits.MAX_PREDICTION_IMAGE_BYTES,
        lambda c, n: c.quick_test_image(P, jpeg(n)),
        200,
        PREDICTION,
    ),
    (
        "files: 6 MB per image",
        limits.MAX_TRAINING_IMAGE_BYTES,
        lambda c, n: c.create_images_from_files(P, files(1, n)),
        200,
        SUMMARY,
    ),
    (
        "files: 64 images",
        limits.MAX_IMAGES_PER_BATCH,
        lambda c, n: c.create_images_from_files(P, files(n)),
        200,
        SUMMARY,
    ),
    (
        "files: 20 tags",
        limits.MAX_TAGS_PER_BATCH,
        lambda c, n: c.create_images_from_files(P, files(1, tag_ids=ids(n))),
        200,
        SUMMARY,
    ),
    ("urls: 64 images", limits.MAX_IMAGES_PER_BATCH, lambda c, n: c.create_images_from_urls(P, urls(n)), 200, SUMMARY),
    (
        "urls: 20 tags",
        limits.MAX_TAGS_PER_BATCH,
        lambda c, n: c.create_images_from_urls(P, urls(1, tag_ids=ids(n))),
        200,
        SUMMARY,
    ),
    (
        "urls: 20 tags on one image",
        limits.MAX_TAGS_PER_BATCH,
        lambda c, n: c.create_images_from_urls(
            P, ImageUrlCreateBatch(images=[ImageUrlCreateEntry(url="https://e.com/a.jpg", tag_ids=ids(n))])
        ),
        200,
        SUMMARY,
    ),
    (
        "predictions: 64 images",
        limits.MAX_IMAGES_PER_BATCH,
        lambda c, n: c.create_images_from_predictions(P, predictions(n)),
        200,
        SUMMARY,
    ),
    (
        "urls: 50 metadata pairs",
        limits.MAX_METADATA_PAIRS,
        lambda c, n: c.create_images_from_urls(P, urls(1, metadata=metadata(n))),
        200,
        SUMMARY,
    ),
    (
        "delete images: 256 ids",
        limits.MAX_IMAGE_IDS_PER_REQUEST,
        lambda c, n: c.delete_images(P, image_ids=ids(n)),
        204,
        None,
    ),
    (
        "images by ids: 256 ids",
        limits.MAX_IMAGE_IDS_PER_REQUEST,
        lambda c, n: c.get_images_by_ids(P, image_ids=ids(n)),
        200,
        [],
    ),
    (
        "metadata: 256 ids",
        limits.MAX_IMAGE_IDS_PER_REQUEST,
        lambda c, n: c.update_image_metadata(P, ids(n), {"a": "b"}),
        200,
        SUMMARY,
    ),
    (
        "metadata: 50 pairs",
        limits.MAX_METADATA_PAIRS,
        lambda c, n: c.update_image_metadata(P, [IT], metadata(n)),
        200,
        SUMMARY,
    ),
    (
        "metadata: key 256 chars",
        limits.MAX_METADATA_KEY_CHARS,
        lambda c, n: c.update_image_metadata(P, [IT], metadata(key=n)),
        200,
        SUMMARY,
    ),
    (
        "metadata: value 512 chars",
        limits.MAX_METADATA_VALUE_CHARS,
        lambda c, n: c.update_image_metadata(P, [IT], metadata(value=n)),
        207,
        SUMMARY,
    ),
    ("regions: 64", limits.MAX_REGIONS_PER_REQUEST, lambda c, n: c.create_image_regions(P, regions(n)), 200, {}),
    ("delete regions: 64", limits.MAX_REGIONS_PER_REQUEST, lambda c, n: c.delete_image_regions(P, ids(n)), 204, None),
    (
        "delete predictions: 64",
        limits.MAX_DELETE_PREDICTION_IDS,
        lambda c, n: c.delete_prediction(P, ids(n)),
        204,
        None,
    ),
    (
        "suggest: 64 images",
        limits.MAX_SUGGEST_IMAGE_IDS,
        lambda c, n: c.suggest_tags_and_regions(P, IT, ids(n)),
        200,
        [],
    ),
    (
        "delete image tags: 64 images",
        limits.MAX_DELETE_IMAGE_TAGS_IMAGES,
        lambda c, n: c.delete_image_tags(P, ids(n), [IT]),
        204,
        None,
    ),
    ("delete image tags: 20 tags", limits.MAX_TAG_FILTER, lambda c, n: c.delete_image_tags(P, [IT], ids(n)), 204, None),
    (
        "image tags: 128 entries",
        limits.MAX_IMAGE_TAG_ENTRIES,
        lambda c, n: c.create_image_tags(P, [ImageTagCreateEntry(image_id=i, tag_id=IT) for i in ids(n)]),
        200,
        {},
    ),
    ("get images: 20 tag filter", limits.MAX_TAG_FILTER, lambda c, n: c.get_images(P, tag_ids=ids(n)), 200, []),
    (
        "tagged images: 20 tag filter",
        limits.MAX_TAG_FILTER,
        lambda c, n: c.get_tagged_images(P, tag_ids=ids(n)),
        200,
        [],
    ),
    ("image count: 20 tag filter", limits.MAX_TAG_FILTER, lambda c, n: c.get_image_count(P, tag_ids=ids(n)), 200, 4),
    (
        "tagged count: 20 tag filter",
        limits.MAX_TAG_FILTER,
        lambda c, n: c.get_tagged_image_count(P, tag_ids=ids(n)),
        200,
        4,
    ),
    (
        "performances: 20 tag filter",
        limits.MAX_TAG_FILTER,
        lambda c, n: c.get_image_performances(P, IT, tag_ids=ids(n)),
        200,
        [],
    ),
    (
        "performance count: 20 tags",
        limits.MAX_TAG_FILTER,
        lambda c, n: c.get_image_performance_count(P, IT, tag_ids=ids(n)),
        200,
        4,
    ),
    ("get images: take 256", limits.MAX_TAKE, lambda c, n: c.get_images(P, take=n), 200, []),
    ("tagged images: take 256", limits.MAX_TAKE, lambda c, n: c.get_tagged_images(P, take=n), 200, []),
    ("untagged images: take 256", limits.MAX_TAKE, lambda c, n: c.get_untagged_images(P, take=n), 200, []),
    ("performances: take 256", limits.MAX_TAKE, lambda c, n: c.get_image_performances(P, IT, take=n), 200, []),
]


def test_the_limits_are_the_documented_ones() -> None:
    assert limits.MAX_TRAINING_IMAGE_BYTES == 6 * 1024 * 1024
    assert (limits.MAX_IMAGES_PER_BATCH, limits.MAX_TAGS_PER_BATCH, limits.MAX_IMAGE_IDS_PER_REQUEST) == (64, 20, 256)
    assert (limits.MAX_REGIONS_PER_REQUEST, limits.MAX_DELETE_PREDICTION_IDS, limits.MAX_SUGGEST_IMAGE_IDS) == (
        64,
        64,
        64,
    )
    assert (limits.MAX_DELETE_IMAGE_TAGS_IMAGES, limits.MAX_IMAGE_TAG_ENTRIES, limits.MAX_TAG_FILTER) == (64, 128, 20)
    assert (limits.MAX_TAKE, limits.MAX_METADATA_PAIRS) == (256, 50)
    assert (limits.MAX_METADATA_KEY_CHARS, limits.MAX_METADATA_VALUE_CHARS) == (256, 512)


@pytest.mark.parametrize(("limit", "invoke", "status", "body"), [pytest.param(*c[1:], id=c[0]) for c in CASES])
def test_at_the_limit_the_request_is_sent(limit: int, invoke: Invoke, status: int, body: Any) -> None:
    with respx.mock(base_url=ENDPOINT) as router:
        route = router.route().respond(status, json=body) if body is not None else router.route().respond(status)
        with TrainingClient(ENDPOINT, "key", max_retries=0) as client:
            invoke(client, limit)
    assert route.call_count == 1


@pytest.mark.parametrize(("limit", "invoke", "status", "body"), [pytest.param(*c[1:], id=c[0]) for c in CASES])
def test_over_the_limit_nothing_is_sent(limit: int, invoke: Invoke, status: int, body: Any) -> None:
    with respx.mock(base_url=ENDPOINT, assert_all_called=False) as router:
        route = router.route().respond(status)
        with TrainingClient(ENDPOINT, "key", max_retries=0) as client, pytest.raises(ClientValidationError) as caught:
            invoke(client, limit + 1)
    assert route.call_count == 0
    error = caught.value
    assert error.limit, "the error names the limit it enforces"
    assert f"{limit:,}" in str(error) or str(limit) in str(error), str(error)
    # The offending count, size or item is attached.
    # The offending count or size, or for metadata text the offending key.
    assert error.value in (limit + 1, "x" * (limit + 1), "xxx")


def test_oversized_image_file_on_disk_is_refused_before_reading(tmp_path: Any) -> None:
    big = tmp_path / "big.jpg"
    big.write_bytes(jpeg(limits.MAX_TRAINING_IMAGE_BYTES + 1))
    with respx.mock(base_url=ENDPOINT, assert_all_called=False) as router:
        route = router.route().respond(200, json=SUMMARY)
        with TrainingClient(ENDPOINT, "key") as client, pytest.raises(ClientValidationError) as caught:
            client.create_images_from_data(P, [SMALL, big])
    assert route.call_count == 0
    assert caught.value.value == limits.MAX_TRAINING_IMAGE_BYTES + 1
    assert "image_data[1]" in str(caught.value)


def test_empty_batches_and_requests_without_a_target_are_refused() -> None:
    with TrainingClient(ENDPOINT, "key") as client:
        with pytest.raises(ClientValidationError):
            client.create_images_from_urls(P, ImageUrlCreateBatch(images=[]))
        with pytest.raises(ClientValidationError):
            client.create_images_from_data(P, [])
        with pytest.raises(ClientValidationError):
            client.delete_images(P)
        with pytest.raises(ClientValidationError):
            client.get_images(P, take=-1)
        with pytest.raises(ClientValidationError):
            client.get_images(P, skip=-1)
