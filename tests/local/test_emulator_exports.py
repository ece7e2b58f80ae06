"""Train on the emulator, export ONNX, download, and predict locally: the same answers as the cloud's."""

from __future__ import annotations

import asyncio
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from customvision_rest import PredictionClient, Resource, TrainingClient
from customvision_rest.emulator import Emulator
from customvision_rest.emulator._images import draw_fruit
from customvision_rest.local import LOCAL_TAG_NAMESPACE, AsyncLocalPredictor, LocalPredictor
from customvision_rest.models.prediction import ImagePrediction, Prediction
from customvision_rest.workflows.bulk import ImageToUpload

ENDPOINT = "https://customvision-emulator.localhost"
COMPACT_CLASSIFICATION = "0732100f-1a38-4e49-a514-c9b44c697ab5"
COMPACT_DETECTION = "a27d5ca5-bb19-49d8-a70a-fec086c47f5b"
FRUITS = ("apple", "banana", "orange")
HELD_OUT = range(100, 106)  # seeds never uploaded


@dataclass
class Trained:
    emulator: Emulator
    trainer: TrainingClient
    predictor: PredictionClient
    project_id: str
    iteration_id: str
    published: str


def _clients(emulator: Emulator) -> tuple[TrainingClient, PredictionClient]:
    training = Resource.training(ENDPOINT, emulator.training_resource.key)
    prediction = Resource.prediction(
        ENDPOINT, emulator.prediction_resource.key, resource_id=emulator.prediction_resource.resource_id
    )
    return (
        TrainingClient(training, http_client=httpx.Client(transport=emulator.transport())),
        PredictionClient(prediction, http_client=httpx.Client(transport=emulator.transport())),
    )


def _train(emulator: Emulator, trainer: TrainingClient, project_id: str, images: list[ImageToUpload]) -> Trained:
    _, predictor = _clients(emulator)
    report = trainer.upload_images(project_id, images)
    assert report.ok, report.describe_failures()
    iteration = trainer.train_and_wait(project_id, timeout=120)
    assert iteration.id is not None
    trainer.publish_iteration(project_id, iteration.id, "local", emulator.prediction_resource.resource_id)
    return Trained(emulator, trainer, predictor, project_id, str(iteration.id), "local")


@pytest.fixture(scope="module")
def classifier() -> Iterator[Trained]:
    with Emulator() as emulator:
        trainer, _ = _clients(emulator)
        project = trainer.create_project("local classifier", domain_id=COMPACT_CLASSIFICATION)
        assert project.id is not None
        tags = {fruit: str(trainer.create_tag(project.id, fruit).id) for fruit in FRUITS}
        images = [
            ImageToUpload(draw_fruit(fruit, seed)[0], tag_ids=[tags[fruit]]) for fruit in FRUITS for seed in range(6)
        ]
        yield _train(emulator, trainer, str(project.id), images)


@pytest.fixture(scope="module")
def detector() -> Iterator[Trained]:
    with Emulator() as emulator:
        trainer, _ = _clients(emulator)
        project = trainer.create_project("local detector", domain_id=COMPACT_DETECTION)
        assert project.id is not None
        tags = {fruit: str(trainer.create_tag(project.id, fruit).id) for fruit in ("apple", "banana")}
        images = []
        for fruit in tags:
            for seed in range(15):
                data, (left, top, width, height) = draw_fruit(fruit, seed)
                region = {"tag_id": tags[fruit], "left": left, "top": top, "width": width, "height": height}
                images.append(ImageToUpload(data, regions=[region]))
        yield _train(emulator, trainer, str(project.id), images)


def _same_box(ours: Prediction, theirs: Prediction, tolerance: float) -> bool:
    assert ours.bounding_box is not None and theirs.bounding_box is not None
    sides = ("left", "top", "width", "height")
    return (
        ours.tag_name == theirs.tag_name
        and abs(ours.probability - theirs.probability) <= tolerance
        and all(abs(getattr(ours.bounding_box, s) - getattr(theirs.bounding_box, s)) <= 0.02 for s in sides)
    )


def _by_name(result: ImagePrediction) -> dict[str | None, float]:
    return {p.tag_name: p.probability for p in result.predictions}


@pytest.mark.parametrize(("flavor", "tolerance"), [(None, 1e-3), ("OnnxFloat16", 1e-2)])
def test_classifier_export_predicts_like_the_cloud(
    classifier: Trained, tmp_path: Path, flavor: str | None, tolerance: float
) -> None:
    package = classifier.trainer.export_and_download(
        classifier.project_id, classifier.iteration_id, "ONNX", tmp_path / "model.zip", flavor=flavor, timeout=60
    )
    with zipfile.ZipFile(package) as archive:
        assert {"model.onnx", "labels.txt"} <= set(archive.namelist())
    tags = classifier.trainer.get_tags(classifier.project_id)
    local = LocalPredictor.from_export(
        package, tags=tags, project_id=classifier.project_id, iteration_id=classifier.iteration_id
    )
    assert local.layout.kind == "classification"
    assert local.layout.outputs == "probabilities"
    assert local.layout.float16 is (flavor == "OnnxFloat16")
    assert (local.layout.channels, local.layout.pixel_scale) == ("BGR", 255.0)
    ids = {t.name: t.id for t in tags}
    for fruit in FRUITS:
        for seed in HELD_OUT:
            image = draw_fruit(fruit, seed)[0]
            cloud = classifier.predictor.classify_image_with_no_store(classifier.project_id, "local", image)
            mine = local.classify_image(image)
            assert mine.best() is not None and cloud.best() is not None
            assert mine.best().tag_name == cloud.best().tag_name  # type: ignore[union-attr]
            expected, found = _by_name(cloud), _by_name(mine)
            assert set(found) == set(expected)
            for name, probability in expected.items():
                assert found[name] == pytest.approx(probability, abs=tolerance)
            assert all(p.tag_id == ids[p.tag_name] for p in mine.predictions)
            assert (mine.project, mine.iteration) == (cloud.project, cloud.iteration)


def test_unpacked_folder_and_batch_and_async_forms(classifier: Trained, tmp_path: Path) -> None:
    package = classifier.trainer.export_and_download(
        classifier.project_id, classifier.iteration_id, "ONNX", tmp_path, timeout=60
    )
    assert package == tmp_path / "ONNX.zip"
    folder = tmp_path / "unpacked"
    with zipfile.ZipFile(package) as archive:
        archive.extractall(folder)
    local = LocalPredictor.from_export(folder)
    images = [draw_fruit(fruit, 200)[0] for fruit in FRUITS]
    one_by_one = [local.classify_image(image) for image in images]
    batch = local.classify_images(images, max_workers=2)
    assert [_by_name(r) for r in batch] == [_by_name(r) for r in one_by_one]
    assert all(p.tag_id == uuid.uuid5(LOCAL_TAG_NAMESPACE, p.tag_name or "") for r in batch for p in r.predictions)

    async def scenario() -> list[ImagePrediction]:
        predictor = AsyncLocalPredictor(local)
        return list(await asyncio.gather(*(predictor.classify_image(image) for image in images)))

    assert [_by_name(r) for r in asyncio.run(scenario())] == [_by_name(r) for r in one_by_one]


def test_a_path_and_a_binary_file_are_read_too(classifier: Trained, tmp_path: Path) -> None:
    package = classifier.trainer.export_and_download(
        classifier.project_id, classifier.iteration_id, "ONNX", tmp_path / "m.zip", timeout=60
    )
    local = LocalPredictor.from_export(package)
    picture = tmp_path / "banana.jpg"
    picture.write_bytes(draw_fruit("banana", 300)[0])
    with picture.open("rb") as file:
        from_file = local.classify_image(file)
    assert _by_name(local.classify_image(picture)) == _by_name(from_file)
    with pytest.raises(Exception, match="detect"):
        local.detect_image(picture)


@pytest.mark.parametrize(("flavor", "tolerance"), [(None, 1e-3), ("OnnxFloat16", 1e-2)])
def test_detector_export_finds_the_cloud_boxes(
    detector: Trained, tmp_path: Path, flavor: str | None, tolerance: float
) -> None:
    package = detector.trainer.export_and_download(
        detector.project_id, detector.iteration_id, "ONNX", tmp_path / "detector.zip", flavor=flavor, timeout=60
    )
    local = LocalPredictor.from_export(package, tags=detector.trainer.get_tags(detector.project_id))
    assert (local.layout.kind, local.layout.outputs) == ("detection", "detected_boxes")
    for fruit in ("apple", "banana"):
        for seed in HELD_OUT[:1]:
            image = draw_fruit(fruit, seed)[0]
            cloud = detector.predictor.detect_image_with_no_store(detector.project_id, "local", image)
            mine = local.detect_image(image)
            assert len(mine.predictions) == len(cloud.predictions)
            best_cloud, best_mine = cloud.best(), mine.best()
            assert best_cloud is not None and best_mine is not None
            assert best_mine.tag_name == best_cloud.tag_name
            assert best_mine.tag_id == best_cloud.tag_id
            # Matched box by box, not rank by rank: two boxes whose probabilities differ by less than the
            # model's float32 (or float16) rounding may come in either order.
            unmatched = list(cloud.predictions)
            for ours in mine.ranked():
                match = next((theirs for theirs in unmatched if _same_box(ours, theirs, tolerance)), None)
                assert match is not None, f"{ours} is not among the service's {unmatched}"
                unmatched.remove(match)
