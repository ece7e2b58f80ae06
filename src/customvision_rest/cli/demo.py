"""The user's whole scenario in one command: train a fruit classifier, publish it, classify new images."""

from __future__ import annotations

import os
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import TextIO

import httpx

from .. import PredictionClient, Resource, TrainingClient
from .._exceptions import CustomVisionError
from ..models.training import Iteration

__all__ = ["DemoSetup", "run_demo"]

FRUITS = ("apple", "banana", "orange")
_AZURE_VARIABLES = (
    "VISION_TRAINING_ENDPOINT",
    "VISION_TRAINING_KEY",
    "VISION_PREDICTION_ENDPOINT",
    "VISION_PREDICTION_KEY",
    "VISION_PREDICTION_RESOURCE_ID",
)


@dataclass
class DemoSetup:
    """Where the demo runs: the two resources, an optional transport, and a label for the output."""

    training: Resource
    prediction: Resource
    where: str
    transport: httpx.BaseTransport | None = None


@contextmanager
def _emulated_setup() -> Iterator[DemoSetup]:
    from ..emulator import Emulator

    with Emulator(min_training_seconds=1.0) as emulator:
        endpoint = "https://customvision-emulator.localhost"
        yield DemoSetup(
            training=Resource.training(endpoint, emulator.training_resource.key),
            prediction=Resource.prediction(
                endpoint, emulator.prediction_resource.key, resource_id=emulator.prediction_resource.resource_id
            ),
            where="the built-in emulator (no Azure credentials in the environment)",
            transport=emulator.transport(),
        )


def _azure_setup() -> DemoSetup:
    training = Resource.from_environment("training")
    prediction = Resource.from_environment("prediction")
    return DemoSetup(training=training, prediction=prediction, where=f"Azure ({training.endpoint})")


def _fruit_images(count: int, first_seed: int) -> dict[str, list[bytes]]:
    from ..emulator import synthetic_fruit

    return {fruit: [synthetic_fruit(fruit, seed) for seed in range(first_seed, first_seed + count)] for fruit in FRUITS}


def run_demo(
    *,
    images_per_tag: int = 8,
    test_images_per_tag: int = 2,
    keep: bool = False,
    timeout: float = 1800.0,
    force_emulator: bool = False,
    out: TextIO | None = None,
    setup: DemoSetup | None = None,
) -> int:
    """Run the scenario and print what happens; return 0 on success, 1 on a service or configuration error."""
    stream = out or sys.stdout

    def say(text: str = "") -> None:
        print(text, file=stream, flush=True)

    if images_per_tag < 5:
        say("--images-per-tag must be at least 5: the service trains only with 5 images per tag or more")
        return 2
    use_azure = setup is None and not force_emulator and all(os.environ.get(v) for v in _AZURE_VARIABLES)
    with ExitStack() as stack:
        if setup is None:
            setup = _azure_setup() if use_azure else stack.enter_context(_emulated_setup())
        try:
            return _scenario(setup, images_per_tag, test_images_per_tag, keep, timeout, say, stack)
        except CustomVisionError as error:
            say(f"\nfailed: {type(error).__name__}: {error}")
            return 1
    return 1  # pragma: no cover - the with block always returns


def _scenario(
    setup: DemoSetup,
    images_per_tag: int,
    test_images_per_tag: int,
    keep: bool,
    timeout: float,
    say: Callable[[str], None],
    stack: ExitStack,
) -> int:
    def http() -> httpx.Client:
        return stack.enter_context(httpx.Client(transport=setup.transport)) if setup.transport else httpx.Client()

    trainer = stack.enter_context(TrainingClient(setup.training, http_client=http()))
    predictor = stack.enter_context(PredictionClient(setup.prediction, http_client=http()))
    say(f"customvision-rest demo on {setup.where}")
    started = time.monotonic()

    project = trainer.create_project(
        f"customvision-rest demo {uuid.uuid4().hex[:8]}", description="apple/banana/orange"
    )
    assert project.id is not None
    say(f"created project {project.name!r} ({project.id})")
    publish_name = f"fruit-{uuid.uuid4().hex[:8]}"
    published: Iteration | None = None
    try:
        tags = {fruit: trainer.create_tag(project.id, fruit) for fruit in FRUITS}
        training_images = _fruit_images(images_per_tag, first_seed=1)
        for fruit, images in training_images.items():
            tag_id = tags[fruit].id
            assert tag_id is not None
            summary = trainer.create_images_from_data(project.id, images, tag_ids=[tag_id])
            say(f"uploaded {len(images)} {fruit} images: {len(summary.succeeded)} accepted")
            if summary.failed:
                say(summary.describe_failures())

        def show(iteration: Iteration) -> None:
            say(f"  training {iteration.name}: {iteration.status}")

        iteration = trainer.train_and_wait(project.id, timeout=timeout, progress=show)
        assert iteration.id is not None
        say(f"trained {iteration.name} in {time.monotonic() - started:.1f} s since the start")

        trainer.publish_iteration(project.id, iteration.id, publish_name, setup.prediction)
        published = iteration
        say(f"published as {publish_name!r} to {setup.prediction.resource_id}")

        test_images = _fruit_images(test_images_per_tag, first_seed=10_000)
        say("")
        say(f"{'image':<12} {'expected':<9} {'predicted':<9} {'probability':>11}")
        correct = total = 0
        for fruit, images in test_images.items():
            for number, image in enumerate(images, start=1):
                best = predictor.classify_image_with_no_store(project.id, publish_name, image).best()
                name = best.tag_name if best else "-"
                probability = best.probability if best else 0.0
                correct += name == fruit
                total += 1
                label = f"{fruit}-{number}"
                say(f"{label:<12} {fruit:<9} {name or '-':<9} {probability:>11.3f}")
        say(f"\n{correct} of {total} held-out images classified correctly")

        performance = trainer.get_iteration_performance(project.id, iteration.id, threshold=0.5)
        say(
            f"iteration precision {performance.precision or 0.0:.3f}, recall {performance.recall or 0.0:.3f} "
            "(threshold 0.5, from held-out images)"
        )
    finally:
        if keep:
            say(f"kept project {project.id} and publication {publish_name!r}")
        else:
            if published is not None and published.id is not None:
                trainer.unpublish_iteration(project.id, published.id)
            trainer.delete_project(project.id)
            say("cleaned up: unpublished and deleted the project")
    return 0
