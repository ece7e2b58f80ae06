"""The user's whole scenario in one command: train a fruit classifier, publish it, classify new images."""

from __future__ import annotations

import os
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import Any, TextIO

import click
import httpx

from .. import PredictionClient, Resource, TrainingClient
from .._exceptions import ConfigurationError, CustomVisionError, InvalidResourceIdError, PollingTimeoutError
from ..models.training import Iteration
from ._context import Session, command, pass_session

__all__ = ["DemoSetup", "missing_azure_variables", "register", "run_demo"]

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
            where="the built-in emulator",
            transport=emulator.transport(),
        )


def missing_azure_variables(environ: Mapping[str, str]) -> list[str]:
    """The ``VISION_*`` variables the demo needs for Azure that are not set (all five, or none, for a clear run)."""
    return [name for name in _AZURE_VARIABLES if not environ.get(name)]


def _azure_setup(environ: Mapping[str, str]) -> DemoSetup:
    training = Resource.from_environment("training", environ=environ)
    prediction = Resource.from_environment("prediction", environ=environ)
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
    environ: Mapping[str, str] | None = None,
    summary: dict[str, Any] | None = None,
) -> int:
    """Run the scenario and print what happens; return the exit code.

    Azure is used only when all five ``VISION_*`` variables are set; with none, the built-in emulator. With
    some but not all, nothing runs: the missing ones are named and the code is 2, unless ``force_emulator``.
    ``summary``, when given, receives the results (project, iteration, predictions, precision and recall).
    Codes: 0 success, 1 a service error, 2 a usage or configuration error, 3 a deadline passed.
    """
    stream = out or sys.stdout
    variables = os.environ if environ is None else environ

    def say(text: str = "") -> None:
        print(text, file=stream, flush=True)

    if images_per_tag < 5:
        say("--images-per-tag must be at least 5: the service trains only with 5 images per tag or more")
        return 2
    missing = missing_azure_variables(variables)
    use_azure = setup is None and not force_emulator and not missing
    if setup is None and not force_emulator and 0 < len(missing) < len(_AZURE_VARIABLES):
        say(
            f"Azure settings incomplete: {', '.join(missing)} not set. Set all five VISION_* variables to run "
            "on Azure, none to run on the built-in emulator, or pass --emulator."
        )
        return 2
    with ExitStack() as stack:
        try:
            if setup is None:
                setup = _azure_setup(variables) if use_azure else stack.enter_context(_emulated_setup())
            return _scenario(setup, images_per_tag, test_images_per_tag, keep, timeout, say, stack, summary)
        except PollingTimeoutError as error:
            say(f"\nfailed: {type(error).__name__}: {error}")
            return 3
        except (ConfigurationError, InvalidResourceIdError) as error:
            say(f"\nfailed: {type(error).__name__}: {error}")
            return 2
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
    results: dict[str, Any] | None,
) -> int:
    record: dict[str, Any] = {} if results is None else results

    def http() -> httpx.Client | None:
        # On Azure the clients open (and close) their own pools; the emulator's transport needs one of ours.
        return stack.enter_context(httpx.Client(transport=setup.transport)) if setup.transport else None

    trainer = stack.enter_context(TrainingClient(setup.training, http_client=http()))
    predictor = stack.enter_context(PredictionClient(setup.prediction, http_client=http()))
    say(f"customvision-rest demo on {setup.where}")
    started = time.monotonic()

    project = trainer.create_project(
        f"customvision-rest demo {uuid.uuid4().hex[:8]}", description="apple/banana/orange"
    )
    assert project.id is not None
    say(f"created project {project.name!r} ({project.id})")
    record.update(where=setup.where, project=str(project.id), predictions=[])
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
        record["iteration"] = str(iteration.id)

        trainer.publish_iteration(project.id, iteration.id, publish_name, setup.prediction)
        published = iteration
        say(f"published as {publish_name!r} to {setup.prediction.resource_id}")
        record["publishName"] = publish_name

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
                record["predictions"].append(
                    {"image": label, "expected": fruit, "predicted": name, "probability": probability}
                )
                say(f"{label:<12} {fruit:<9} {name or '-':<9} {probability:>11.3f}")
        say(f"\n{correct} of {total} held-out images classified correctly")
        record.update(correct=correct, total=total)

        performance = trainer.get_iteration_performance(project.id, iteration.id, threshold=0.5)
        say(
            f"iteration precision {performance.precision or 0.0:.3f}, recall {performance.recall or 0.0:.3f} "
            "(threshold 0.5, from held-out images)"
        )
        record.update(precision=performance.precision, recall=performance.recall)
    finally:
        if keep:
            say(f"kept project {project.id} and publication {publish_name!r}")
        else:
            if published is not None and published.id is not None:
                trainer.unpublish_iteration(project.id, published.id)
            trainer.delete_project(project.id)
            say("cleaned up: unpublished and deleted the project")
        record["kept"] = keep
    return 0


def register(root: click.Group) -> None:
    """Add ``demo`` to the root command."""

    @command(root, "demo")
    @click.option(
        "--images-per-tag", type=int, default=8, show_default=True, help="training images per tag (5 or more)"
    )
    @click.option("--test-images-per-tag", type=int, default=2, show_default=True, help="held-out images per tag")
    @click.option("--keep", is_flag=True, help="keep the project and the publication afterwards")
    @click.option("--timeout", type=float, default=1800.0, show_default=True, help="seconds to wait for training")
    @click.option("--emulator", "force_emulator", is_flag=True, help="use the emulator even when VISION_* are set")
    @pass_session
    def demo(
        session: Session,
        images_per_tag: int,
        test_images_per_tag: int,
        keep: bool,
        timeout: float,
        force_emulator: bool,
    ) -> int:
        """Train a fruit classifier (apple, banana, orange), publish it and classify held-out images.

        Runs on Azure when all five VISION_* variables are set, on the built-in emulator when none is; with
        some but not all it names the missing ones and stops, unless --emulator.
        """
        summary: dict[str, Any] = {}
        code = run_demo(
            images_per_tag=images_per_tag,
            test_images_per_tag=test_images_per_tag,
            keep=keep,
            timeout=timeout,
            force_emulator=force_emulator,
            out=sys.stderr if session.as_json else sys.stdout,
            environ=session.environ,
            summary=summary,
        )
        if session.as_json:
            session.emit({"exitCode": code, **summary})
        return code
