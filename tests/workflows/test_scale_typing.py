"""mypy --strict sees the real types of the paging, bulk upload and bulk prediction methods on both clients."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

SNIPPET = """
from collections.abc import AsyncIterator, Coroutine, Iterator
from typing import Any
from typing_extensions import assert_type

from customvision_rest import AsyncPredictionClient, AsyncTrainingClient, PredictionClient, TrainingClient
from customvision_rest import UploadReport
from customvision_rest.models import Image, ImagePerformance, StoredImagePrediction, StoredSuggestedTagAndRegion
from customvision_rest.workflows.prediction import PredictionReport

trainer = TrainingClient("https://x.cognitiveservices.azure.com", "key")
predictor = PredictionClient("https://x.cognitiveservices.azure.com", "key")
assert_type(trainer.iter_images("id"), Iterator[Image])
assert_type(trainer.iter_tagged_images("id", page_size=10), Iterator[Image])
assert_type(trainer.iter_untagged_images("id"), Iterator[Image])
assert_type(trainer.iter_image_performances("id", "it"), Iterator[ImagePerformance])
assert_type(trainer.iter_predictions("id"), Iterator[StoredImagePrediction])
assert_type(trainer.iter_suggested_images("id", "it"), Iterator[StoredSuggestedTagAndRegion])
assert_type(trainer.upload_images("id", [b"x"]), UploadReport)
assert_type(trainer.upload_folder("id", "folder"), UploadReport)
assert_type(predictor.classify_images("id", "name", [b"x"]), PredictionReport)


async def use(atrainer: AsyncTrainingClient, apredictor: AsyncPredictionClient) -> None:
    assert_type(atrainer.iter_images("id"), AsyncIterator[Image])
    async for image in atrainer.iter_tagged_images("id"):
        assert_type(image, Image)
    pending: Coroutine[Any, Any, UploadReport] = atrainer.upload_images("id", [b"x"])
    assert_type(await pending, UploadReport)
    assert_type(await atrainer.upload_folder("id", "folder"), UploadReport)
    assert_type(await apredictor.detect_images_with_no_store("id", "name", [b"x"]), PredictionReport)

trainer.iter_images("id", page_size="big")  # E: page_size is an int
"""


def test_scale_methods_are_typed(tmp_path: Path) -> None:
    pytest.importorskip("mypy")
    source = tmp_path / "scale_use.py"
    source.write_text(SNIPPET)
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--config-file=", str(source)],
        capture_output=True,
        text=True,
        check=False,
    )
    errors = [line for line in result.stdout.splitlines() if ": error:" in line]
    assert len(errors) == 1, result.stdout
    assert f":{SNIPPET.count(chr(10))}:" in errors[0]
    assert "arg-type" in errors[0]
