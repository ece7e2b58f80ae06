"""Keys, bearer tokens, resource kinds and the gateway-shaped 401."""

from __future__ import annotations

import httpx
import pytest
from emulator_helpers import PREDICTION, PREDICTION_KEY, TRAINING, TRAINING_KEY

from customvision_rest.emulator import Emulator

GATEWAY_401 = {
    "error": {
        "code": "401",
        "message": "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a "
        "valid key for an active subscription and use a correct regional API endpoint for your resource.",
    }
}


def _get(emulator: Emulator, path: str, headers: dict[str, str]) -> httpx.Response:
    with httpx.Client(base_url="http://any-host.example", transport=emulator.transport()) as client:
        return client.get(path, headers=headers)


@pytest.mark.parametrize(
    "headers",
    [{}, {"Training-Key": "wrong"}, {"Training-Key": PREDICTION_KEY}, {"Authorization": "Bearer unknown"}],
)
def test_bad_or_missing_training_credentials_answer_gateway_401(emulator: Emulator, headers: dict[str, str]) -> None:
    response = _get(emulator, TRAINING + "/domains", headers)
    assert response.status_code == 401
    assert response.json() == GATEWAY_401
    assert response.headers["apim-request-id"]


def test_training_key_cannot_predict(emulator: Emulator) -> None:
    with httpx.Client(base_url="http://h", transport=emulator.transport()) as client:
        response = client.post(
            PREDICTION + "/00000000-0000-0000-0000-000000000000/classify/iterations/x/image",
            headers={"Prediction-Key": TRAINING_KEY},
            content=b"x",
        )
    assert response.status_code == 401
    assert response.json() == GATEWAY_401


@pytest.mark.parametrize(
    "headers",
    [{"training-key": TRAINING_KEY}, {"TRAINING-KEY": TRAINING_KEY}, {"Ocp-Apim-Subscription-Key": TRAINING_KEY}],
)
def test_key_headers_are_case_insensitive_and_generic_header_works(emulator: Emulator, headers: dict[str, str]) -> None:
    assert _get(emulator, TRAINING + "/domains", headers).status_code == 200


def test_bearer_token_routes_to_its_resource() -> None:
    with Emulator(accepted_tokens={"token-1": "emulator-training"}) as emulator:
        ok = _get(emulator, TRAINING + "/projects", {"Authorization": "Bearer token-1"})
        assert ok.status_code == 200
        assert ok.json() == []


def test_multi_service_resource_serves_training_and_prediction(emulator: Emulator) -> None:
    both = emulator.add_resource("all-in-one", "CognitiveServices", "multi-key")
    assert both.resource_id.endswith("/providers/Microsoft.CognitiveServices/accounts/all-in-one")
    assert _get(emulator, TRAINING + "/domains", {"Training-Key": "multi-key"}).status_code == 200
    with httpx.Client(base_url="http://h", transport=emulator.transport()) as client:
        response = client.post(
            PREDICTION + "/00000000-0000-0000-0000-000000000000/classify/iterations/x/image",
            headers={"Prediction-Key": "multi-key"},
            content=b"x",
        )
    assert response.status_code == 404  # authenticated; the project simply does not exist


def test_projects_are_private_to_their_training_resource(emulator: Emulator) -> None:
    emulator.add_resource("other", "CustomVision.Training", "other-key")
    with httpx.Client(base_url="http://h" + TRAINING, transport=emulator.transport()) as client:
        created = client.post("/projects", params={"name": "p"}, headers={"Training-Key": TRAINING_KEY}).json()
        response = client.get(f"/projects/{created['id']}", headers={"Training-Key": "other-key"})
    assert response.status_code == 404
    assert response.json()["code"] == "NotFoundProject"


def test_resource_repr_hides_the_key(emulator: Emulator) -> None:
    assert TRAINING_KEY not in repr(emulator.training_resource)
    assert TRAINING_KEY not in repr(emulator)
    assert emulator.training_resource.kind == "CustomVision.Training"
    assert emulator.prediction_resource.kind == "CustomVision.Prediction"


def test_every_training_version_path_is_served(emulator: Emulator) -> None:
    for version in ("3.0", "3.1", "3.2", "3.3", "3.4-preview"):
        response = _get(emulator, f"/customvision/v{version}/training/domains", {"Training-Key": TRAINING_KEY})
        assert response.status_code == 200, version
    assert _get(emulator, "/customvision/v2.9/training/domains", {"Training-Key": TRAINING_KEY}).status_code == 404
    assert (
        _get(emulator, "http://h//customvision/v3.0/training/domains", {"Training-Key": TRAINING_KEY}).status_code
        == 200
    )
