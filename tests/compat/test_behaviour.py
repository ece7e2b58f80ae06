"""What the compat clients promise beyond their signatures, each checked against the emulator on 127.0.0.1."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

import customvision_rest
from customvision_rest import AuthenticationError, ClientValidationError, ConfigurationError, NotFoundError
from customvision_rest.compat import ClientRawResponse
from customvision_rest.compat.authentication import ApiKeyCredentials, CognitiveServicesCredentials
from customvision_rest.compat.prediction import CustomVisionPredictionClient
from customvision_rest.compat.training import CustomVisionTrainingClient
from customvision_rest.compat.training.models import (
    Classifier,
    CustomVisionErrorException,
    ImageCreateStatus,
    ImageFileCreateBatch,
    ImageFileCreateEntry,
)
from customvision_rest.emulator import Emulator, FaultInjection

from .conftest import PREDICTION_KEY, TRAINING_KEY, Served

MISSING = "00000000-0000-0000-0000-000000000000"


def trainer_for(served: Served, **headers: str) -> CustomVisionTrainingClient:
    return CustomVisionTrainingClient(
        served.endpoint, ApiKeyCredentials(in_headers=headers or {"Training-Key": TRAINING_KEY})
    )


@pytest.mark.parametrize("name", ["Training-Key", "Training-key", "training-key", "TRAINING-KEY"])
def test_key_header_names_match_whatever_their_case(served: Served, name: str) -> None:
    with CustomVisionTrainingClient(
        endpoint=served.endpoint, credentials=ApiKeyCredentials(in_headers={name: TRAINING_KEY})
    ) as trainer:
        assert trainer.create_project("cased").name == "cased"


def test_a_cognitive_services_key_works_too(served: Served) -> None:
    with CustomVisionTrainingClient(served.endpoint, CognitiveServicesCredentials(TRAINING_KEY)) as trainer:
        project = trainer.create_project("by subscription key")
        assert trainer.get_project(project.id).name == "by subscription key"


def test_msrest_credentials_left_unreplaced_work_too(served: Served) -> None:
    msrest_authentication = pytest.importorskip("msrest.authentication")
    credentials = msrest_authentication.ApiKeyCredentials(in_headers={"Training-key": TRAINING_KEY})
    with CustomVisionTrainingClient(served.endpoint, credentials) as trainer:
        assert trainer.create_project("msrest credentials").name == "msrest credentials"


def test_credentials_without_a_key_are_refused_at_construction(served: Served) -> None:
    with pytest.raises(ConfigurationError, match="Training-Key"):
        CustomVisionTrainingClient(served.endpoint, ApiKeyCredentials(in_headers={"X-Other": "1"}))
    with pytest.raises(ConfigurationError, match="credentials"):
        CustomVisionTrainingClient(served.endpoint, None)
    with pytest.raises(ValueError, match="in_headers"):
        ApiKeyCredentials()


def test_keys_stay_out_of_reprs(served: Served) -> None:
    credentials = ApiKeyCredentials(in_headers={"Training-Key": TRAINING_KEY})
    with CustomVisionTrainingClient(served.endpoint, credentials) as trainer:
        assert TRAINING_KEY not in repr(credentials)
        assert TRAINING_KEY not in repr(trainer)


def test_an_azure_identity_style_token_credential_replaces_the_key() -> None:
    @dataclass
    class AccessToken:
        token: str
        expires_on: int

    class FakeCredential:
        def __init__(self) -> None:
            self.scopes: list[tuple[str, ...]] = []

        def get_token(self, *scopes: str) -> AccessToken:
            self.scopes.append(scopes)
            return AccessToken("entra-token", int(time.time()) + 3600)

    tokens = {"entra-token": "emulator-training"}
    with (
        Emulator(training_key=TRAINING_KEY, prediction_key=PREDICTION_KEY, accepted_tokens=tokens) as emulator,
        emulator.serve(port=0) as server,
    ):
        assert emulator.training_resource.name == "emulator-training"
        credential = FakeCredential()
        with CustomVisionTrainingClient(server.endpoint, credential) as trainer:
            raw = trainer.create_project("by token", raw=True)
        assert raw.output.name == "by token"
        assert raw.response.request.headers["Authorization"] == "Bearer entra-token"
        assert "Training-Key" not in raw.response.request.headers
        assert credential.scopes == [(customvision_rest.COGNITIVE_SERVICES_SCOPE,)]


def test_custom_headers_are_sent_with_that_call_only(served: Served) -> None:
    with trainer_for(served) as trainer:
        tagged = trainer.get_projects(custom_headers={"X-Trace": "call-1"}, raw=True)
        plain = trainer.get_projects(raw=True)
    assert tagged.response.request.headers["X-Trace"] == "call-1"
    assert "X-Trace" not in plain.response.request.headers


def test_other_credential_headers_go_to_the_endpoint_only(served: Served) -> None:
    with trainer_for(served, **{"Training-Key": TRAINING_KEY, "X-Tenant": "blue"}) as trainer:
        raw = trainer.get_projects(raw=True)
        elsewhere = httpx.Request("GET", "https://account.blob.core.windows.net/export.zip?sig=abc")
        trainer._on_request(elsewhere)
    assert raw.response.request.headers["X-Tenant"] == "blue"
    assert "X-Tenant" not in elsewhere.headers


def test_raw_answers_the_output_and_the_response(served: Served) -> None:
    with trainer_for(served) as trainer:
        raw = trainer.create_project("raw", "described", raw=True)
        assert isinstance(raw, ClientRawResponse)
        assert raw.output.description == "described"
        assert raw.response.status_code == 200
        assert raw.headers["apim-request-id"] == raw.response.headers["apim-request-id"]
        deleted = trainer.delete_project(raw.output.id, raw=True)
    assert deleted.output is None
    assert deleted.response.status_code == 204


def test_service_errors_are_old_style_and_typed(served: Served) -> None:
    with trainer_for(served) as trainer, pytest.raises(CustomVisionErrorException) as caught:
        trainer.get_project(MISSING)
    error = caught.value
    assert error.error.code == "NotFoundProject"
    assert MISSING in error.error.message
    assert error.response is not None
    assert error.response.status_code == 404
    assert isinstance(error, NotFoundError)
    assert isinstance(error, customvision_rest.CustomVisionError)
    assert "NotFoundProject" in str(error)


def test_gateway_errors_carry_their_code_and_message(served: Served) -> None:
    with (
        trainer_for(served, **{"Training-Key": "a-wrong-key-9431"}) as trainer,
        pytest.raises(AuthenticationError) as caught,
    ):
        trainer.get_projects()
    assert isinstance(caught.value, CustomVisionErrorException)
    assert caught.value.error.code == "401"
    assert "Access denied" in (caught.value.error.message or "")
    assert "a-wrong-key-9431" not in str(caught.value)


def test_prediction_errors_are_the_same_exception(served: Served) -> None:
    credentials = ApiKeyCredentials(in_headers={"Prediction-Key": PREDICTION_KEY})
    with (
        CustomVisionPredictionClient(served.endpoint, credentials) as predictor,
        pytest.raises(CustomVisionErrorException) as caught,
    ):
        predictor.classify_image_url(uuid.uuid4(), "nothing", "data:image/jpeg;base64,AAAA")
    assert caught.value.error.code is not None
    assert caught.value.response is not None


def test_limits_are_checked_before_sending(served: Served) -> None:
    entries = [ImageFileCreateEntry(name=f"{i}.jpg", contents=b"\xff\xd8\xff" + bytes([i])) for i in range(65)]
    with trainer_for(served) as trainer:
        project = trainer.create_project("limits")
        with pytest.raises(ClientValidationError, match="64 images per batch"):
            trainer.create_images_from_files(project.id, ImageFileCreateBatch(images=entries))
        assert trainer.get_image_count(project.id) == 0


def test_preview_only_options_are_refused_not_dropped(served: Served) -> None:
    with trainer_for(served) as trainer:
        with pytest.raises(ClientValidationError, match="notification_queue_uri"):
            trainer.create_project("queued", notification_queue_uri="https://queue")
        with pytest.raises(ClientValidationError, match="custom_base_model_info"):
            trainer.train_project(MISSING, custom_base_model_info={"project_id": MISSING})
        assert "queued" not in {p.name for p in trainer.get_projects()}


def test_operation_config_takes_a_timeout_and_refuses_the_rest(served: Served) -> None:
    with trainer_for(served) as trainer:
        assert trainer.create_project("patient", timeout=30).name == "patient"
        with pytest.raises(TypeError, match="verify"):
            trainer.get_projects(verify=False)


def test_throttling_is_retried_as_the_service_asks() -> None:
    faults = FaultInjection(seed=1, throttle_rate=0.5, retry_after_seconds=0)
    with (
        Emulator(training_key=TRAINING_KEY, prediction_key=PREDICTION_KEY, faults=faults) as emulator,
        emulator.serve(port=0) as server,
    ):
        statuses: list[int] = []
        with CustomVisionTrainingClient(
            server.endpoint, ApiKeyCredentials(in_headers={"Training-Key": TRAINING_KEY})
        ) as trainer:
            trainer._http.event_hooks["response"].append(lambda response: statuses.append(response.status_code))
            names = [trainer.create_project(f"p{i}").name for i in range(6)]
    assert names == [f"p{i}" for i in range(6)]
    assert 429 in statuses
    assert statuses.count(200) == 6


def test_statuses_compare_with_strings_and_old_enum_members(served: Served, fruit_folder: Path) -> None:
    with trainer_for(served) as trainer:
        project = trainer.create_project("statuses", None, None, Classifier.multilabel)
        with open(fruit_folder / "apple0.jpg", "rb") as image:
            summary = trainer.create_images_from_data(project.id, image)
    assert project.settings.classification_type == "Multilabel"
    assert summary.is_batch_successful
    assert summary.images[0].status == "OK"
    assert summary.images[0].status == ImageCreateStatus.ok


def test_get_artifact_streams_pieces_to_the_callback(served: Served, fruit_folder: Path) -> None:
    photo = (fruit_folder / "banana3.jpg").read_bytes()
    seen: list[int] = []
    with trainer_for(served) as trainer:
        project = trainer.create_project("artifact")
        image = trainer.create_images_from_data(project.id, photo).images[0].image
        pieces = trainer.get_artifact(
            project.id, f"images/{image.id}", callback=lambda chunk, response: seen.append(len(chunk))
        )
        assert b"".join(pieces) == photo
        raw = trainer.get_artifact(project.id, f"images/{image.id}", raw=True)
        assert b"".join(raw.output) == photo
    assert sum(seen) == len(photo)


def test_the_native_client_is_at_hand(served: Served) -> None:
    with trainer_for(served) as trainer:
        project = trainer.create_project("shared")
        assert isinstance(trainer.native, customvision_rest.TrainingClient)
        assert trainer.native.get_project(project.id).name == "shared"
        assert trainer.api_version == trainer.native.api_version


def test_old_enum_members_are_the_native_members(served: Served) -> None:
    import warnings

    from customvision_rest import models as native
    from customvision_rest.compat.training.models import ExportPlatform, Project, ProjectSettings, TagType

    assert Classifier.multiclass is native.Classifier.MULTICLASS
    assert Classifier("Multilabel") is native.Classifier.MULTILABEL
    assert list(Classifier) == [native.Classifier.MULTICLASS, native.Classifier.MULTILABEL]
    assert ExportPlatform.open_vino == "OpenVino"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        project = Project(name="p", settings=ProjectSettings())
        project.settings.classification_type = Classifier.multilabel  # as old code assigns before update_project
        project.settings.target_export_platforms = [ExportPlatform.onnx]
        assert project.to_wire()["settings"] == {"classificationType": "Multilabel", "targetExportPlatforms": ["ONNX"]}
        with trainer_for(served) as trainer:
            tag = trainer.create_tag(trainer.create_project("kinds").id, "none of them", None, TagType.negative)
    assert tag.type is native.TagType.NEGATIVE


def test_errors_reach_no_key_even_with_locals_printed() -> None:
    import traceback

    key = "compat-SECRET-key-5a7d"
    with Emulator(training_key=key) as emulator, emulator.serve(port=0) as server:
        trainer = CustomVisionTrainingClient(server.endpoint, ApiKeyCredentials(in_headers={"Training-key": key}))
        with trainer, pytest.raises(CustomVisionErrorException) as caught:
            trainer.get_project(MISSING)
    error = caught.value
    frames = error.__traceback__
    while frames is not None and "customvision_rest" not in frames.tb_frame.f_code.co_filename:
        frames = frames.tb_next  # this test's own frames hold the key on purpose
    error = error.with_traceback(frames)
    assert error.response is not None
    texts = [str(error), repr(error), *(repr(value) for value in vars(error).values())]
    texts += [repr(error.response.request.headers), str(error.response.request.headers)]
    texts.append("".join(traceback.TracebackException.from_exception(error, capture_locals=True).format()))
    assert "_call" in texts[-1]
    assert [text for text in texts if key in text] == []
