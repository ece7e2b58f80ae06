"""Old-SDK programs run unchanged on the compat layer, with the same results as on the old SDK itself.

Each program in ``programs/`` is written for the old SDK. It runs once as written and once with its imports
switched (the two replacements of the migration guide), each time against a fresh emulator served on
127.0.0.1; the observations it records must be the same.
"""

from __future__ import annotations

import ast
import inspect
from collections.abc import Iterator
from pathlib import Path

import pytest

from customvision_rest import Resource, TrainingClient
from customvision_rest.emulator import Emulator
from customvision_rest.models import ImageFileCreateBatch, ImageFileCreateEntry, Region

from .conftest import PREDICTION_KEY, PROGRAMS, TRAINING_KEY, Served, run_program, switch_imports

training = pytest.importorskip("azure.cognitiveservices.vision.customvision.training")
prediction = pytest.importorskip("azure.cognitiveservices.vision.customvision.prediction")

CLASSIFICATION = (PROGRAMS / "training_and_classification.py").read_text()
DETECTION = (PROGRAMS / "detection.py").read_text()


def public_methods(cls: type) -> set[str]:
    return {name for name, _ in inspect.getmembers(cls, inspect.isfunction) if not name.startswith("_")}


def called_names(text: str) -> set[str]:
    return {
        node.func.attr
        for node in ast.walk(ast.parse(text))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
    }


def test_the_programs_call_every_method_of_both_old_clients() -> None:
    wanted = public_methods(training.CustomVisionTrainingClient) | public_methods(
        prediction.CustomVisionPredictionClient
    )
    assert len(wanted) > 60
    assert wanted - called_names(CLASSIFICATION) - called_names(DETECTION) == set()


@pytest.mark.parametrize("text", [CLASSIFICATION, DETECTION], ids=["classification", "detection"])
def test_switching_the_imports_changes_only_import_lines(text: str) -> None:
    switched = switch_imports(text)
    assert "azure." not in switched
    assert "msrest" not in switched
    changed = [(a, b) for a, b in zip(text.splitlines(), switched.splitlines(), strict=True) if a != b]
    assert changed
    assert all(a.startswith("from ") and "customvision_rest.compat" in b for a, b in changed)


def run_on_fresh_emulator(text: str, name: str, folder: Path) -> list[tuple[str, object]]:
    with (
        Emulator(training_key=TRAINING_KEY, prediction_key=PREDICTION_KEY) as emulator,
        emulator.serve(port=0) as server,
    ):
        served = Served(emulator, server.endpoint)
        return run_program(
            text, name, served.endpoint, TRAINING_KEY, PREDICTION_KEY, served.prediction_resource_id, str(folder)
        )


def test_training_and_classification_give_what_the_old_sdk_gave(fruit_folder: Path) -> None:
    old = run_on_fresh_emulator(CLASSIFICATION, "on_old_sdk", fruit_folder)
    compat = run_on_fresh_emulator(switch_imports(CLASSIFICATION), "on_compat", fruit_folder)
    assert len(old) > 50
    assert ("train_project", "Completed") in old
    assert ("missing tag", ["NotFoundTag", 404]) in old
    assert compat == old


@pytest.fixture(scope="module")
def detector(fruit_folder: Path) -> Iterator[tuple[Served, str]]:
    """A served emulator with one object detection model published as ``boxes``; trained once, it is slow."""
    with (
        Emulator(training_key=TRAINING_KEY, prediction_key=PREDICTION_KEY) as emulator,
        emulator.serve(port=0) as server,
    ):
        served = Served(emulator, server.endpoint)
        with TrainingClient(Resource.training(server.endpoint, TRAINING_KEY)) as trainer:
            domain = next(d for d in trainer.get_domains() if d.type == "ObjectDetection")
            project = trainer.create_project("boxes", domain_id=domain.id)
            tag = trainer.create_tag(project.id, "fruit")
            region = Region(tag_id=tag.id, left=0.25, top=0.25, width=0.5, height=0.5)
            entries = [
                ImageFileCreateEntry(
                    name=f"{i}.jpg", contents=(fruit_folder / f"apple{i}.jpg").read_bytes(), regions=[region]
                )
                for i in range(15)
            ]
            trainer.create_images_from_files(project.id, ImageFileCreateBatch(images=entries))
            iteration = trainer.train_and_wait(project.id, timeout=60)
            trainer.publish_iteration(project.id, iteration.id, "boxes", served.prediction_resource_id)
        yield served, str(project.id)


def test_detection_gives_what_the_old_sdk_gave(detector: tuple[Served, str], fruit_folder: Path) -> None:
    served, project_id = detector
    arguments = (served.endpoint, PREDICTION_KEY, project_id, "boxes", str(fruit_folder))
    old = run_program(DETECTION, "on_old_sdk", *arguments)
    compat = run_program(switch_imports(DETECTION), "on_compat", *arguments)
    assert [label for label, _ in old] == [
        "detect_image",
        "detect_image_with_no_store",
        "detect_image_url",
        "detect_image_url_with_no_store",
    ]
    assert old[0][1][0] == "fruit"
    assert compat == old
