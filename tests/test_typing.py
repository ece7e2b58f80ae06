"""Type checkers see real signatures and results on both clients: ``T`` on sync, an awaitable of ``T`` on async."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

SNIPPET = """
from collections.abc import Awaitable
from typing_extensions import assert_type

from customvision_rest import AsyncPredictionClient, AsyncPoller, AsyncTrainingClient, Poller, PredictionClient
from customvision_rest import TrainingClient
from customvision_rest.models import ImagePrediction, Iteration, Project

trainer = TrainingClient("https://x.cognitiveservices.azure.com", "key")
assert_type(trainer.get_project("id"), Project)
assert_type(trainer.train_and_wait("id"), Iteration)
assert_type(trainer.begin_train_project("id"), Poller[Iteration])
assert_type(PredictionClient("https://x", "k").classify_image("id", "name", b""), ImagePrediction)


async def use(async_trainer: AsyncTrainingClient, predictor: AsyncPredictionClient) -> None:
    assert_type(async_trainer.get_projects(), Awaitable[list[Project]])
    assert_type(await async_trainer.train_and_wait("id"), Iteration)
    assert_type(await async_trainer.begin_train_project("id"), AsyncPoller[Iteration])
    assert_type(await predictor.detect_image_url("id", "name", "https://img"), ImagePrediction)

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
    # Exactly one error: the deliberate int id on the last line; every assert_type held.
    assert len(errors) == 1, result.stdout
    assert f":{SNIPPET.count(chr(10))}:" in errors[0]
    assert "arg-type" in errors[0]
