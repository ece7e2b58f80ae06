"""Lazy paging on the emulator: every item once, pages fetched as consumed, memory flat, both clients."""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import uuid
import weakref
from collections import Counter
from collections.abc import Iterator

import httpx
import pytest

from customvision_rest import AsyncTrainingClient, ClientValidationError, PredictionClient, TrainingClient
from customvision_rest.emulator import Emulator, synthetic_fruit
from customvision_rest.models.training import Image

pytest.importorskip("numpy")

KEY = "paging-training-key"
PREDICTION_KEY = "paging-prediction-key"
ENDPOINT = "https://emulator.test"


class CountingTransport(httpx.MockTransport):
    """The emulator's transport, counting requests by operation path."""

    def __init__(self, emulator: Emulator) -> None:
        self.calls: Counter[str] = Counter()

        def handle(request: httpx.Request) -> httpx.Response:
            self.calls[request.url.path.rsplit("/", 1)[-1]] += 1
            return emulator.handle(request)

        super().__init__(handle)


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with Emulator(training_key=KEY, prediction_key=PREDICTION_KEY) as emu:
        yield emu


@pytest.fixture
def transport(emulator: Emulator) -> CountingTransport:
    return CountingTransport(emulator)


@pytest.fixture
def client(transport: CountingTransport) -> Iterator[TrainingClient]:
    with TrainingClient(ENDPOINT, KEY, http_client=httpx.Client(transport=transport)) as trainer:
        yield trainer


def project_with_images(emulator: Emulator, client: TrainingClient, count: int) -> str:
    """A project of ``count`` images: one uploaded, the others cloned in the emulator's state (fast)."""
    project = client.create_project("paging")
    report = client.upload_images(project.id, [synthetic_fruit("apple", 0, (32, 32))])
    stored = report.results[0].image
    assert stored is not None and stored.id is not None
    images = emulator._store.state.images  # seeding 10,000 uploads through the API would take half a minute
    original = images[str(stored.id)]
    for n in range(1, count):
        created = f"2030-01-01T{n // 3600:02d}:{n // 60 % 60:02d}:{n % 60:02d}.000Z"
        clone = dataclasses.replace(original, id=str(uuid.UUID(int=n)), created=created)
        images[clone.id] = clone
    return str(project.id)


def test_ten_thousand_images_one_page_at_a_time(
    emulator: Emulator, client: TrainingClient, transport: CountingTransport
) -> None:
    project = project_with_images(emulator, client, 10_000)
    transport.calls.clear()
    live: list[weakref.ref[Image]] = []
    most_alive = 0
    seen: set[uuid.UUID] = set()
    for position, image in enumerate(client.iter_images(project)):
        assert image.id is not None
        seen.add(image.id)
        live.append(weakref.ref(image))
        # Lazy: the page holding this image is the last one fetched.
        assert transport.calls["images"] == position // 256 + 1
        del image
        if position % 64 == 0:
            live = [ref for ref in live if ref() is not None]
            most_alive = max(most_alive, len(live))
    assert len(seen) == 10_000
    assert transport.calls["images"] == 40  # 39 full pages of 256 and one of 16
    assert most_alive <= 256  # never more than one page held


def test_stopping_early_fetches_no_more_pages(
    emulator: Emulator, client: TrainingClient, transport: CountingTransport
) -> None:
    project = project_with_images(emulator, client, 600)
    transport.calls.clear()
    first = list(itertools.islice(client.iter_images(project, page_size=100), 300))
    assert len(first) == 300
    assert transport.calls["images"] == 3


def test_tagged_and_untagged_listings(emulator: Emulator, client: TrainingClient) -> None:
    project = client.create_project("tags")
    apple = client.create_tag(project.id, "apple")
    client.upload_images(project.id, [synthetic_fruit("apple", n, (32, 32)) for n in range(5)], tag_ids=[apple.id])
    client.upload_images(project.id, [synthetic_fruit("banana", n, (32, 32)) for n in range(7)])
    tagged = list(client.iter_tagged_images(project.id, page_size=2))
    untagged = list(client.iter_untagged_images(project.id, page_size=3))
    assert len(tagged) == 5 and all(image.tags for image in tagged)
    assert len(untagged) == 7 and not any(image.tags for image in untagged)
    assert len(list(client.iter_tagged_images(project.id, tag_ids=[apple.id]))) == 5


def test_arguments_are_checked_before_any_request(client: TrainingClient, transport: CountingTransport) -> None:
    with pytest.raises(ClientValidationError, match="page_size"):
        client.iter_images(str(uuid.uuid4()), page_size=257)
    with pytest.raises(ClientValidationError, match="project_id"):
        client.iter_tagged_images("not-a-uuid")
    assert not transport.calls


def test_async_iteration(emulator: Emulator, client: TrainingClient, transport: CountingTransport) -> None:
    project = project_with_images(emulator, client, 520)
    transport.calls.clear()

    async def collect() -> list[Image]:
        async with AsyncTrainingClient(ENDPOINT, KEY, http_client=httpx.AsyncClient(transport=transport)) as aclient:
            return [image async for image in aclient.iter_images(project)]

    images = asyncio.run(collect())
    assert len({image.id for image in images}) == 520
    assert transport.calls["images"] == 3


def test_predictions_and_suggestions_follow_the_continuation_token(
    emulator: Emulator, client: TrainingClient, transport: CountingTransport
) -> None:
    project = client.create_project("predictions")
    tags = {kind: client.create_tag(project.id, kind).id for kind in ("apple", "banana")}
    for kind, tag_id in tags.items():
        client.upload_images(project.id, [synthetic_fruit(kind, n, (64, 64)) for n in range(6)], tag_ids=[tag_id])
    client.upload_images(project.id, [synthetic_fruit("apple", 100 + n, (64, 64)) for n in range(5)])
    iteration = client.train_and_wait(project.id, timeout=60)
    assert iteration.id is not None
    client.publish_iteration(project.id, iteration.id, "v1", emulator.prediction_resource.resource_id)
    http = httpx.Client(transport=transport)
    with PredictionClient(ENDPOINT, PREDICTION_KEY, http_client=http) as predictor:
        for n in range(5):
            predictor.classify_image(project.id, "v1", synthetic_fruit("banana", 200 + n, (64, 64)))
    transport.calls.clear()
    stored = list(client.iter_predictions(project.id, page_size=2))
    assert len({p.id for p in stored}) == 5
    assert transport.calls["query"] == 3
    suggested = list(client.iter_suggested_images(project.id, iteration.id, page_size=2))
    assert len({s.id for s in suggested}) == 5
    assert transport.calls["suggested"] == 3
