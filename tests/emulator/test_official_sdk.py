"""The deprecated official Python SDK (3.1.1, a test-only dependency) runs a whole flow against the server face."""

from __future__ import annotations

import time

import pytest

from customvision_rest.emulator import Emulator, synthetic_fruit

training = pytest.importorskip("azure.cognitiveservices.vision.customvision.training")
prediction = pytest.importorskip("azure.cognitiveservices.vision.customvision.prediction")
msrest_auth = pytest.importorskip("msrest.authentication")


def test_official_sdk_flow_over_loopback() -> None:
    from azure.cognitiveservices.vision.customvision.training.models import ImageFileCreateBatch, ImageFileCreateEntry

    with Emulator(training_key="tk", prediction_key="pk") as emulator, emulator.serve(port=0) as server:
        trainer = training.CustomVisionTrainingClient(
            server.endpoint, msrest_auth.ApiKeyCredentials(in_headers={"Training-Key": "tk"})
        )
        project = trainer.create_project("sdk project")
        tags = {kind: trainer.create_tag(project.id, kind) for kind in ("apple", "banana", "orange")}
        for kind in ("apple", "banana"):
            entries = [
                ImageFileCreateEntry(name=f"{kind}{i}.jpg", contents=synthetic_fruit(kind, i, (128, 128)))
                for i in range(6)
            ]
            summary = trainer.create_images_from_files(
                project.id, ImageFileCreateBatch(images=entries, tag_ids=[tags[kind].id])
            )
            assert summary.is_batch_successful
        for i in range(6):
            result = trainer.create_images_from_data(
                project.id, synthetic_fruit("orange", i, (128, 128)), tag_ids=[tags["orange"].id]
            )
            assert result.is_batch_successful
        iteration = trainer.train_project(project.id)
        deadline = time.monotonic() + 120
        while iteration.status == "Training" and time.monotonic() < deadline:
            time.sleep(0.05)
            iteration = trainer.get_iteration(project.id, iteration.id)
        assert iteration.status == "Completed"
        trainer.publish_iteration(project.id, iteration.id, "sdk model", emulator.prediction_resource.resource_id)
        predictor = prediction.CustomVisionPredictionClient(
            server.endpoint, msrest_auth.ApiKeyCredentials(in_headers={"Prediction-Key": "pk"})
        )
        result = predictor.classify_image(project.id, "sdk model", synthetic_fruit("banana", 3, (128, 128)))
        assert len(result.predictions) == 3
        assert result.predictions[0].probability >= result.predictions[-1].probability
        assert {p.tag_name for p in result.predictions} == {"apple", "banana", "orange"}
