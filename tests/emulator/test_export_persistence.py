"""Iteration export, project export/import, persistence across restarts and atomic writes."""

from __future__ import annotations

import io
import json
import time
import zipfile
from pathlib import Path

import httpx
import pytest
from emulator_helpers import TRAINING, make_project, make_tag, trained_fruit_project, upload_fruit, wait_trained

from customvision_rest.emulator import Emulator, _state

COMPACT = "0732100f-1a38-4e49-a514-c9b44c697ab5"


def _client(emulator: Emulator, key: str = "k") -> httpx.Client:
    return httpx.Client(base_url="http://h" + TRAINING, transport=emulator.transport(), headers={"Training-Key": key})


def test_export_needs_a_compact_domain(trainer: httpx.Client) -> None:
    project_id, _, iteration = trained_fruit_project(trainer)
    response = trainer.post(f"/projects/{project_id}/iterations/{iteration['id']}/export", params={"platform": "ONNX"})
    assert response.status_code == 400
    assert response.json()["code"] == "BadRequestExportValidationFailed"


def test_export_flow_and_already_in_progress() -> None:
    with Emulator(training_key="k", min_training_seconds=2.0) as emulator, _client(emulator) as trainer:
        project_id, tags, iteration = trained_fruit_project(trainer, domainId=COMPACT)
        assert iteration["exportable"] is True
        assert "ONNX" in iteration["exportableTo"]
        url = f"/projects/{project_id}/iterations/{iteration['id']}/export"
        first = trainer.post(url, params={"platform": "ONNX", "flavor": "ONNX12"})
        assert first.status_code == 200
        assert first.json()["status"] == "Exporting"
        again = trainer.post(url, params={"platform": "ONNX", "flavor": "ONNX12"})
        assert again.json()["code"] == "BadRequestExportAlreadyInProgress"
        deadline = time.monotonic() + 120
        while (exports := trainer.get(url).json())[0]["status"] != "Done" and time.monotonic() < deadline:
            time.sleep(0.05)
        assert exports[0]["status"] == "Done"
        package = httpx.Client(transport=emulator.transport()).get(exports[0]["downloadUri"])
        with zipfile.ZipFile(io.BytesIO(package.content)) as archive:
            assert {"model.json", "labels.txt", "README.md"} <= set(archive.namelist())
            model = json.loads(archive.read("model.json"))
        assert {t["name"] for t in model["tags"]} == set(tags)
        assert model["model"]["classifier"]["weights"]


def test_project_export_import_between_resources() -> None:
    with Emulator(training_key="k", min_training_seconds=0.2) as emulator:
        emulator.add_resource("second-training", "CustomVision.Training", "k2")
        with _client(emulator) as source, _client(emulator, "k2") as target:
            project = make_project(source)
            tags = {kind: make_tag(source, project["id"], kind)["id"] for kind in ("apple", "orange")}
            upload_fruit(source, project["id"], tags, per_tag=3)
            exported = source.get(f"/projects/{project['id']}/export").json()
            assert (exported["imageCount"], exported["tagCount"]) == (6, 2)
            imported = target.post("/projects/import", params={"token": exported["token"], "name": "copy"})
            assert imported.status_code == 200
            assert imported.json()["status"] == "Importing"
            copy_id = imported.json()["id"]
            deadline = time.monotonic() + 120
            while target.get(f"/projects/{copy_id}").json()["status"] != "Succeeded" and time.monotonic() < deadline:
                time.sleep(0.05)
            assert target.get(f"/projects/{copy_id}").json()["status"] == "Succeeded"
            assert target.get(f"/projects/{copy_id}/images/count").json() == 6
            assert sorted(t["name"] for t in target.get(f"/projects/{copy_id}/tags").json()) == ["apple", "orange"]
            bad = target.post("/projects/import", params={"token": "nope"})
            assert bad.json()["code"] == "BadRequestInvalidImportToken"


def test_state_survives_restart(tmp_path: Path) -> None:
    with Emulator(training_key="k", data_dir=tmp_path) as emulator, _client(emulator) as trainer:
        project_id, _, iteration = trained_fruit_project(trainer)
        before = trainer.get(f"/projects/{project_id}/images").json()
        prediction_id = emulator.prediction_resource.resource_id
        trainer.post(
            f"/projects/{project_id}/iterations/{iteration['id']}/publish",
            params={"publishName": "m", "predictionId": prediction_id},
        )
    with Emulator(training_key="k", data_dir=tmp_path) as restarted, _client(restarted) as trainer:
        assert trainer.get(f"/projects/{project_id}/images").json() == before
        again = trainer.get(f"/projects/{project_id}/iterations/{iteration['id']}").json()
        assert again["status"] == "Completed"
        assert again["publishName"] == "m"
        with httpx.Client(transport=restarted.transport()) as anonymous:
            assert anonymous.get(before[0]["originalImageUri"]).status_code == 200
        predictor = httpx.Client(
            base_url="http://h/customvision/v3.1/prediction",
            transport=restarted.transport(),
            headers={"Prediction-Key": "emulator-prediction-key"},
        )
        image = anonymous_bytes = (
            httpx.Client(transport=restarted.transport()).get(before[0]["originalImageUri"]).content
        )
        assert anonymous_bytes
        assert predictor.post(f"/{project_id}/classify/iterations/m/image", content=image).status_code == 200


def test_training_resumes_after_restart(tmp_path: Path) -> None:
    with (
        Emulator(training_key="k", data_dir=tmp_path, min_training_seconds=30) as emulator,
        _client(emulator) as trainer,
    ):
        project = make_project(trainer)
        tags = {kind: make_tag(trainer, project["id"], kind)["id"] for kind in ("apple", "orange")}
        upload_fruit(trainer, project["id"], tags, per_tag=5)
        iteration_id = trainer.post(f"/projects/{project['id']}/train").json()["id"]
    with Emulator(training_key="k", data_dir=tmp_path) as restarted, _client(restarted) as trainer:
        assert wait_trained(trainer, project["id"], iteration_id)["status"] == "Completed"


def test_crash_mid_write_keeps_the_previous_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with Emulator(training_key="k", data_dir=tmp_path) as emulator, _client(emulator) as trainer:
        kept = make_project(trainer, name="kept")

        def crash(source: str, destination: str) -> None:
            raise OSError("disk unplugged mid-write")

        monkeypatch.setattr(_state.os, "replace", crash)
        failed = trainer.post("/projects", params={"name": "lost"})
        assert failed.status_code == 500
        monkeypatch.undo()
    leftovers = [p.name for p in tmp_path.rglob("*") if p.name.endswith(".tmp")]
    assert leftovers == []
    with Emulator(training_key="k", data_dir=tmp_path) as restarted, _client(restarted) as trainer:
        names = [p["name"] for p in trainer.get("/projects").json()]
    assert names == [kept["name"]]
