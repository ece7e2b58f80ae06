"""Export and download in one call; save_artifact with the address an export answers."""

from __future__ import annotations

import asyncio
import uuid
import zipfile
from pathlib import Path

import httpx
import pytest
import respx

from customvision_rest import AsyncTrainingClient, OperationFailedError, Resource, TrainingClient
from customvision_rest.emulator import Emulator, synthetic_fruit

ENDPOINT = "https://unit.cognitiveservices.azure.com"
KEY = "training-key-EXPORT-secret"
PROJECT = str(uuid.UUID(int=41))
ITERATION = str(uuid.UUID(int=42))
EXPORTS = f"/customvision/v3.3/training/projects/{PROJECT}/iterations/{ITERATION}/export"
BLOB = "https://blobstore.example/exports/model.zip?sv=2020&sig=SECRET-SAS"


def done(platform: str = "ONNX", flavor: str | None = None) -> dict[str, object]:
    return {
        "platform": platform,
        "status": "Done",
        "downloadUri": BLOB,
        "flavor": flavor,
        "newerVersionAvailable": False,
    }


def test_save_artifact_fetches_an_export_address_directly_without_the_key(tmp_path: Path) -> None:
    with respx.mock(base_url=ENDPOINT, assert_all_called=False) as mock:
        artifact = mock.get(f"/customvision/v3.3/training/projects/{PROJECT}/artifacts")
        blob = mock.get(BLOB).mock(return_value=httpx.Response(200, content=b"PK zipped model"))
        size = TrainingClient(ENDPOINT, KEY).save_artifact(PROJECT, BLOB, tmp_path / "model.zip")
    assert size == len(b"PK zipped model")
    assert (tmp_path / "model.zip").read_bytes() == b"PK zipped model"
    assert not artifact.called
    assert "training-key" not in blob.calls.last.request.headers
    assert not list(tmp_path.glob("*.partial"))


def test_a_done_export_is_reused_not_requested_again(tmp_path: Path) -> None:
    with respx.mock(base_url=ENDPOINT, assert_all_called=False) as mock:
        mock.get(EXPORTS).mock(return_value=httpx.Response(200, json=[done("TensorFlow"), done("ONNX")]))
        request = mock.post(EXPORTS)
        blob = mock.get(BLOB).mock(return_value=httpx.Response(200, content=b"onnx package"))
        path = TrainingClient(ENDPOINT, KEY).export_and_download(PROJECT, ITERATION, "ONNX", tmp_path)
    assert path == tmp_path / "ONNX.zip"
    assert path.read_bytes() == b"onnx package"
    assert not request.called
    assert "training-key" not in blob.calls.last.request.headers


def test_a_failed_export_raises_and_writes_nothing(tmp_path: Path) -> None:
    failed = {"platform": "ONNX", "status": "Failed", "flavor": "OnnxFloat16", "newerVersionAvailable": False}
    with respx.mock(base_url=ENDPOINT) as mock:
        mock.get(EXPORTS).mock(side_effect=[httpx.Response(200, json=[]), httpx.Response(200, json=[failed])])
        mock.post(EXPORTS).mock(return_value=httpx.Response(200, json={**failed, "status": "Exporting"}))
        client = TrainingClient(ENDPOINT, KEY, sleep=lambda seconds: None)
        with pytest.raises(OperationFailedError, match="OnnxFloat16"):
            client.export_and_download(PROJECT, ITERATION, "ONNX", tmp_path / "m.zip", flavor="OnnxFloat16")
    assert not list(tmp_path.iterdir())


def test_the_emulator_export_is_queued_awaited_and_downloaded_by_the_async_client(tmp_path: Path) -> None:
    async def scenario(emulator: Emulator) -> tuple[Path, Path]:
        resource = Resource.training("https://customvision-emulator.localhost", emulator.training_resource.key)
        http = httpx.AsyncClient(transport=emulator.transport())
        async with AsyncTrainingClient(resource, http_client=http) as trainer:
            project = await trainer.create_project("export", domain_id="0732100f-1a38-4e49-a514-c9b44c697ab5")
            assert project.id is not None
            for fruit in ("apple", "banana"):
                tag = await trainer.create_tag(project.id, fruit)
                assert tag.id is not None
                images = [synthetic_fruit(fruit, seed) for seed in range(5)]
                await trainer.create_images_from_data(project.id, images, tag_ids=[tag.id])
            iteration = await trainer.train_and_wait(project.id, timeout=60)
            assert iteration.id is not None
            first = await trainer.export_and_download(project.id, iteration.id, "ONNX", tmp_path / "a.zip")
            again = await trainer.export_and_download(project.id, iteration.id, "ONNX", tmp_path / "b.zip")
            exports = await trainer.get_exports(project.id, iteration.id)
            assert len(exports) == 1  # the second call reused the first export
            export = exports[0]
            assert export.download_uri is not None
            size = await trainer.save_artifact(project.id, export.download_uri, tmp_path / "c.zip")
            assert size == (tmp_path / "c.zip").stat().st_size
            return first, again

    with Emulator(min_training_seconds=0.2) as emulator:
        first, again = asyncio.run(scenario(emulator))
    assert first.read_bytes() == again.read_bytes() == (tmp_path / "c.zip").read_bytes()
    with zipfile.ZipFile(first) as archive:
        assert {"model.onnx", "labels.txt"} <= set(archive.namelist())
        assert archive.read("labels.txt").decode().split() == ["apple", "banana"]


def test_without_the_onnx_package_the_emulator_export_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from customvision_rest.emulator import _onnx

    monkeypatch.setattr(_onnx, "onnx_available", lambda: False)
    with Emulator() as emulator:
        resource = Resource.training("https://customvision-emulator.localhost", emulator.training_resource.key)
        with TrainingClient(resource, http_client=httpx.Client(transport=emulator.transport())) as trainer:
            project = trainer.create_project("no onnx", domain_id="0732100f-1a38-4e49-a514-c9b44c697ab5")
            assert project.id is not None
            for fruit in ("apple", "banana"):
                tag = trainer.create_tag(project.id, fruit)
                assert tag.id is not None
                trainer.create_images_from_data(
                    project.id, [synthetic_fruit(fruit, s) for s in range(5)], tag_ids=[tag.id]
                )
            iteration = trainer.train_and_wait(project.id, timeout=60)
            assert iteration.id is not None
            package = trainer.export_and_download(project.id, iteration.id, "ONNX", tmp_path / "m.zip", timeout=60)
    with zipfile.ZipFile(package) as archive:
        assert "model.onnx" not in archive.namelist()
        assert "pip install" in archive.read("README.md").decode()
