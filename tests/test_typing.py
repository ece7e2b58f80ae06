"""Client methods look hand-written: to type checkers (``T`` on sync, a coroutine of ``T`` on async), to
``inspect`` and to ``help()``; constructors list their options, so a misspelt one is an error."""

from __future__ import annotations

import inspect
import pydoc
import re
import subprocess
import sys
from pathlib import Path

import pytest

from customvision_rest import (
    AsyncPoller,
    AsyncPredictionClient,
    AsyncTrainingClient,
    Poller,
    PredictionClient,
    TrainingClient,
)
from customvision_rest.models import ImagePrediction, Iteration, Project

ENDPOINT = "https://x.cognitiveservices.azure.com"

SNIPPET = """
import asyncio
from typing import Any
from collections.abc import Coroutine

import anyio
from typing_extensions import assert_type

from customvision_rest import AsyncPredictionClient, AsyncPoller, AsyncTrainingClient, Poller, PredictionClient
from customvision_rest import TrainingClient
from customvision_rest.models import ImagePrediction, Iteration, Project

trainer = TrainingClient("https://x.cognitiveservices.azure.com", "key", max_retries=2, timeout=5, rate_limits="F0")
assert_type(trainer.get_project("id"), Project)
assert_type(trainer.train_and_wait("id"), Iteration)
assert_type(trainer.begin_train_project("id"), Poller[Iteration])
assert_type(PredictionClient("https://x", "k").classify_image("id", "name", b""), ImagePrediction)


async def use(async_trainer: AsyncTrainingClient, predictor: AsyncPredictionClient) -> None:
    pending = assert_type(async_trainer.get_projects(), Coroutine[Any, Any, list[Project]])
    assert_type(await pending, list[Project])
    assert_type(await async_trainer.train_and_wait("id"), Iteration)
    assert_type(await async_trainer.begin_train_project("id"), AsyncPoller[Iteration])
    assert_type(await predictor.detect_image_url("id", "name", "https://img"), ImagePrediction)
    task = asyncio.create_task(async_trainer.create_project("x"))
    assert_type(await task, Project)
    both = await asyncio.gather(async_trainer.get_project("a"), async_trainer.get_project("b"))
    assert_type(both, tuple[Project, Project])
    async with anyio.create_task_group() as group:
        group.start_soon(async_trainer.get_project, "id")
        group.start_soon(async_trainer.delete_project, "id")

TrainingClient("https://x.cognitiveservices.azure.com", "key", max_retires=3)  # E: misspelt option
trainer.get_project(42)  # E: an int is not an id
"""


def test_sync_and_async_signatures_are_typed(tmp_path: Path) -> None:
    pytest.importorskip("mypy")
    source = tmp_path / "typed_use.py"
    source.write_text(SNIPPET)
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--config-file=", str(source)],
        capture_output=True,
        text=True,
        check=False,
    )
    errors = [line for line in result.stdout.splitlines() if ": error:" in line]
    # Exactly the two deliberate errors of the last two lines; every assert_type held.
    lines = SNIPPET.count("\n")
    assert len(errors) == 2, result.stdout
    assert f":{lines - 1}:" in errors[0]
    assert "max_retires" in errors[0]
    assert f":{lines}:" in errors[1]
    assert "arg-type" in errors[1]


def test_a_misspelt_option_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="max_retires"):
        TrainingClient(ENDPOINT, "key", max_retires=3)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="timout"):
        AsyncPredictionClient(ENDPOINT, "key", timout=5)  # type: ignore[call-arg]


@pytest.mark.parametrize("client_class", [TrainingClient, AsyncTrainingClient, PredictionClient, AsyncPredictionClient])
def test_constructors_list_their_options(client_class: type) -> None:
    parameters = inspect.signature(client_class).parameters
    assert not any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values())
    for option in ("api_version", "timeout", "max_retries", "rate_limits", "http_client", "retry_policy"):
        assert parameters[option].kind is inspect.Parameter.KEYWORD_ONLY


def test_bound_methods_have_the_real_signature_and_result() -> None:
    trainer = TrainingClient(ENDPOINT, "key")
    signature = inspect.signature(trainer.get_project)
    assert list(signature.parameters) == ["project_id"]
    assert signature.return_annotation is Project
    assert inspect.signature(trainer.train_and_wait).return_annotation is Iteration
    assert inspect.signature(trainer.begin_train_project).return_annotation == Poller[Iteration]
    assert not inspect.iscoroutinefunction(trainer.get_project)
    predictor = PredictionClient(ENDPOINT, "key")
    assert inspect.signature(predictor.classify_image).return_annotation is ImagePrediction


def test_async_methods_are_coroutine_functions() -> None:
    trainer = AsyncTrainingClient(ENDPOINT, "key")
    for method in (trainer.get_project, trainer.train_and_wait, trainer.begin_train_project, trainer.upload_images):
        assert inspect.iscoroutinefunction(method), method
    assert inspect.signature(trainer.get_project).return_annotation is Project
    assert inspect.signature(trainer.begin_train_project).return_annotation == AsyncPoller[Iteration]
    assert inspect.iscoroutinefunction(AsyncPredictionClient(ENDPOINT, "key").classify_image)


def _flat(text: str) -> str:
    """pydoc's text with white space folded: Python 3.13 wraps a long signature over several lines."""
    return re.sub(r"\(\s+", "(", re.sub(r"\s+", " ", text))


def test_help_reads_as_documentation() -> None:
    text = _flat(pydoc.render_doc(TrainingClient.begin_train_project, renderer=pydoc.plaintext))
    assert "begin_train_project(self, project_id:" in text
    assert "Poller[" in text
    assert "Start training" in text
    bound = _flat(pydoc.render_doc(AsyncTrainingClient(ENDPOINT, "key").get_project, renderer=pydoc.plaintext))
    assert "async get_project(project_id:" in bound
    assert "Operation[" not in bound
    assert "get_project(self" not in bound


@pytest.mark.parametrize("client_class", [TrainingClient, AsyncTrainingClient, PredictionClient, AsyncPredictionClient])
def test_docstrings_name_no_internal_classes(client_class: type) -> None:
    internal = ("Workflows.", "Operations.", "_base", "SyncRunner", "AsyncRunner", "ClientMethod")
    for name in dir(client_class):
        if name.startswith("_"):
            continue
        doc = inspect.getdoc(getattr(client_class, name)) or ""
        assert not [word for word in internal if word in doc], (name, doc)
