"""The user's scenario through our clients against the emulator: in-process, async, and over loopback HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from customvision_rest import (
    AsyncPredictionClient,
    AsyncTrainingClient,
    NotFoundError,
    PredictionClient,
    Resource,
    TrainingClient,
)
from customvision_rest.emulator import Emulator, synthetic_fruit

ENDPOINT = "https://customvision-emulator.localhost"
FRUITS = ("apple", "banana", "orange")


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with Emulator(min_training_seconds=0.2) as emu:
        yield emu


def resources(emulator: Emulator, endpoint: str = ENDPOINT) -> tuple[Resource, Resource]:
    training = Resource.training(endpoint, emulator.training_resource.key)
    prediction = Resource.prediction(
        endpoint, emulator.prediction_resource.key, resource_id=emulator.prediction_resource.resource_id
    )
    return training, prediction


def test_fruit_photos_train_publish_classify(emulator: Emulator, shared: Path) -> None:
    """The real fruit photos: upload (multipart batches), train and wait, publish, classify the test photos."""
    training, prediction = resources(emulator)
    dataset = shared / "datasets" / "fruit"
    with (
        TrainingClient(training, http_client=httpx.Client(transport=emulator.transport())) as trainer,
        PredictionClient(prediction, http_client=httpx.Client(transport=emulator.transport())) as predictor,
    ):
        project = trainer.create_project("fruit", classification_type="Multiclass")
        assert project.id is not None
        for fruit in FRUITS:
            tag = trainer.create_tag(project.id, fruit)
            assert tag.id is not None
            photos = sorted((dataset / "train" / fruit).glob("*.jpg"))
            summary = trainer.create_images_from_data(project.id, photos, tag_ids=[tag.id])
            assert summary.is_batch_successful
            assert len(summary.succeeded) == len(photos)
            again = trainer.create_images_from_data(project.id, photos[:2], tag_ids=[tag.id])
            assert len(again.duplicates) == 2
        assert trainer.get_tagged_image_count(project.id) == 51

        statuses: list[str] = []
        iteration = trainer.train_and_wait(project.id, timeout=120, progress=lambda it: statuses.append(str(it.status)))
        assert iteration.status == "Completed"
        assert statuses[0] == "Training"
        assert iteration.id is not None
        trainer.publish_iteration(project.id, iteration.id, "fruit classifier", prediction)

        for number, expected in enumerate(FRUITS, start=1):
            result = predictor.classify_image(
                project.id, "fruit classifier", dataset / "test" / f"IMG_TEST_{number}.jpg"
            )
            best = result.best()
            assert best is not None
            assert best.tag_name == expected
            assert len(result.predictions) == 3

        performance = trainer.get_iteration_performance(project.id, iteration.id)
        assert performance.precision is not None
        assert 0.0 <= performance.precision <= 1.0

        # Stored predictions are queryable; training again with nothing new returns the same iteration.
        assert trainer.train_and_wait(project.id, timeout=60).id == iteration.id
        trainer.unpublish_iteration(project.id, iteration.id)
        with pytest.raises(NotFoundError):
            predictor.classify_image(project.id, "fruit classifier", dataset / "test" / "IMG_TEST_1.jpg")


def test_async_clients_over_loopback_server(emulator: Emulator) -> None:
    """Async clients over real HTTP on 127.0.0.1, with generated images."""

    async def scenario(endpoint: str) -> list[str]:
        training, prediction = resources(emulator, endpoint)
        async with AsyncTrainingClient(training) as trainer, AsyncPredictionClient(prediction) as predictor:
            project = await trainer.create_project("async fruit")
            assert project.id is not None
            for fruit in FRUITS:
                tag = await trainer.create_tag(project.id, fruit)
                assert tag.id is not None
                images = [synthetic_fruit(fruit, seed) for seed in range(8)]
                summary = await trainer.create_images_from_data(project.id, images, tag_ids=[tag.id])
                assert len(summary.succeeded) == 8
            poller = await trainer.begin_train_project(project.id)
            iteration = await poller.result(timeout=60)
            assert iteration.id is not None
            await trainer.publish_iteration(project.id, iteration.id, "v1", str(prediction.resource_id))
            results = await asyncio.gather(
                *(predictor.classify_image_with_no_store(project.id, "v1", synthetic_fruit(f, 500)) for f in FRUITS)
            )
            await trainer.unpublish_iteration(project.id, iteration.id)
            await trainer.delete_project(project.id)
            assert await trainer.get_projects() == []
            return [r.best().tag_name or "" for r in results if r.predictions]

    with emulator.serve(port=0) as server:
        names = asyncio.run(scenario(server.endpoint))
    assert len(names) == 3
    assert set(names) <= set(FRUITS)


def test_training_and_prediction_on_different_resource_kinds(emulator: Emulator) -> None:
    """Train on a Custom Vision Training resource, publish to and predict through a multi-service resource."""
    services = emulator.add_resource("ai-services", "CognitiveServices", "multi-service-key-0001")
    training, _ = resources(emulator)
    multi = Resource.multi_service(ENDPOINT, services.key, resource_id=services.resource_id)
    transport = emulator.transport()
    with (
        TrainingClient(training, http_client=httpx.Client(transport=transport)) as trainer,
        PredictionClient(multi, http_client=httpx.Client(transport=transport)) as predictor,
    ):
        project = trainer.create_project("mixed kinds")
        assert project.id is not None
        for fruit in ("apple", "banana"):
            tag = trainer.create_tag(project.id, fruit)
            assert tag.id is not None
            trainer.create_images_from_data(project.id, [synthetic_fruit(fruit, s) for s in range(6)], tag_ids=[tag.id])
        iteration = trainer.train_and_wait(project.id, timeout=60)
        assert iteration.id is not None
        trainer.publish_iteration(project.id, iteration.id, "mixed", multi)
        result = predictor.classify_image(project.id, "mixed", synthetic_fruit("banana", 99))
        assert {p.tag_name for p in result.predictions} == {"apple", "banana"}
