"""Resources, endpoints, resource ids and the kind check at client construction."""

from __future__ import annotations

import httpx
import pytest
import respx

from customvision_rest import (
    AsyncPredictionClient,
    AzureResourceId,
    ConfigurationError,
    InvalidResourceIdError,
    KeyCredential,
    PredictionClient,
    Resource,
    ResourceKind,
    Role,
)
from customvision_rest.core.resources import normalize_endpoint

from .helpers import ENDPOINT, PREDICTION_BODY, PREDICTION_KEY, TRAINING_KEY

RID = "/subscriptions/0b9a9b34-5b35-4fd8-8d8c-1d2c6a3a1a11/resourceGroups/my-rg/providers/Microsoft.CognitiveServices/accounts/my-pred"


class TestAzureResourceId:
    def test_parses_full_id(self) -> None:
        rid = AzureResourceId.parse(RID)
        assert rid.subscription_id == "0b9a9b34-5b35-4fd8-8d8c-1d2c6a3a1a11"
        assert rid.resource_group == "my-rg"
        assert rid.account_name == "my-pred"
        assert str(rid) == RID

    def test_provider_segment_is_case_insensitive_and_trailing_slash_ignored(self) -> None:
        rid = AzureResourceId.parse(RID.replace("resourceGroups", "resourcegroups").lower() + "/")
        assert rid.account_name == "my-pred"
        assert str(rid).startswith("/subscriptions/0b9a9b34")

    def test_subscription_id_is_named_as_such(self) -> None:
        with pytest.raises(InvalidResourceIdError, match="is a subscription id, not a resource id"):
            AzureResourceId.parse("0b9a9b34-5b35-4fd8-8d8c-1d2c6a3a1a11")

    def test_bare_name_is_named_as_such(self) -> None:
        with pytest.raises(InvalidResourceIdError, match="looks like a resource name"):
            AzureResourceId.parse("my-pred")

    @pytest.mark.parametrize(
        ("text", "reason"),
        [
            ("", "empty"),
            (
                "/subscriptions/not-a-guid/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/a",
                "not a GUID",
            ),
            (
                "/subscriptions/0b9a9b34-5b35-4fd8-8d8c-1d2c6a3a1a11/providers/Microsoft.CognitiveServices/accounts/a",
                "resourceGroups",
            ),
            (
                "/subscriptions/0b9a9b34-5b35-4fd8-8d8c-1d2c6a3a1a11/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/a",
                "Microsoft.Storage",
            ),
            ("/subscriptions/0b9a9b34-5b35-4fd8-8d8c-1d2c6a3a1a11/resourceGroups/rg", "account"),
        ],
    )
    def test_malformed_ids_say_what_is_wrong(self, text: str, reason: str) -> None:
        with pytest.raises(InvalidResourceIdError, match=reason) as caught:
            AzureResourceId.parse(text)
        assert "/subscriptions/<subscription-id>/resourceGroups/<group>" in str(caught.value)


class TestEndpoints:
    @pytest.mark.parametrize(
        ("given", "expected"),
        [
            ("https://x.cognitiveservices.azure.com/", "https://x.cognitiveservices.azure.com"),
            ("https://x.cognitiveservices.azure.com//", "https://x.cognitiveservices.azure.com"),
            ("  https://westeurope.api.cognitive.microsoft.com  ", "https://westeurope.api.cognitive.microsoft.com"),
            ("http://127.0.0.1:5000/", "http://127.0.0.1:5000"),
            ("http://localhost:8080", "http://localhost:8080"),
            ("http://[::1]:5000", "http://[::1]:5000"),
        ],
    )
    def test_normalised(self, given: str, expected: str) -> None:
        assert normalize_endpoint(given) == expected

    def test_no_scheme_is_an_error(self) -> None:
        with pytest.raises(ConfigurationError, match="has no scheme"):
            normalize_endpoint("x.cognitiveservices.azure.com")

    def test_plain_http_refused_off_loopback(self) -> None:
        with pytest.raises(ConfigurationError, match="refusing plain http"):
            normalize_endpoint("http://x.cognitiveservices.azure.com")

    @pytest.mark.parametrize("bad", ["", "ftp://x.com", "https://x.com/?a=1", "https://user:pw@x.com"])
    def test_other_malformed_endpoints(self, bad: str) -> None:
        with pytest.raises(ConfigurationError):
            normalize_endpoint(bad)

    def test_no_double_slash_in_request_path(self) -> None:
        with respx.mock() as mock:
            route = mock.post(url__regex=r".*").mock(return_value=httpx.Response(200, json=PREDICTION_BODY))
            client = PredictionClient(ENDPOINT + "/", PREDICTION_KEY)
            client.classify_image_url("00000000-0000-0000-0000-000000000001", "m", "https://img")
            assert "//customvision" not in str(route.calls.last.request.url)


class TestResource:
    def test_from_environment_training(self) -> None:
        env = {"VISION_TRAINING_ENDPOINT": ENDPOINT, "VISION_TRAINING_KEY": TRAINING_KEY}
        resource = Resource.from_environment("training", environ=env)
        assert resource.kind is ResourceKind.TRAINING
        assert resource.endpoint == ENDPOINT
        assert isinstance(resource.credential, KeyCredential)
        assert resource.credential.key == TRAINING_KEY

    def test_from_environment_prediction_with_resource_id(self) -> None:
        env = {
            "VISION_PREDICTION_ENDPOINT": ENDPOINT,
            "VISION_PREDICTION_KEY": PREDICTION_KEY,
            "VISION_PREDICTION_RESOURCE_ID": RID,
        }
        resource = Resource.from_environment(Role.PREDICTION, environ=env)
        assert resource.kind is ResourceKind.PREDICTION
        assert str(resource.resource_id) == RID

    def test_from_environment_names_missing_variables(self) -> None:
        with pytest.raises(ConfigurationError, match="VISION_PREDICTION_ENDPOINT, VISION_PREDICTION_KEY"):
            Resource.from_environment("prediction", environ={})

    def test_from_environment_bad_resource_id(self) -> None:
        env = {
            "VISION_PREDICTION_ENDPOINT": ENDPOINT,
            "VISION_PREDICTION_KEY": PREDICTION_KEY,
            "VISION_PREDICTION_RESOURCE_ID": "0b9a9b34-5b35-4fd8-8d8c-1d2c6a3a1a11",
        }
        with pytest.raises(InvalidResourceIdError, match="subscription id"):
            Resource.from_environment("prediction", environ=env)

    def test_from_environment_multi_service_kind(self) -> None:
        env = {"VISION_TRAINING_ENDPOINT": ENDPOINT, "VISION_TRAINING_KEY": TRAINING_KEY}
        resource = Resource.from_environment("training", kind=ResourceKind.MULTI_SERVICE, environ=env)
        assert resource.serves(Role.PREDICTION) and resource.serves(Role.TRAINING)

    def test_resource_id_string_is_validated(self) -> None:
        with pytest.raises(InvalidResourceIdError):
            Resource.prediction(ENDPOINT, PREDICTION_KEY, resource_id="my-pred")

    @pytest.mark.parametrize(
        ("kind", "training", "prediction"),
        [
            (ResourceKind.TRAINING, True, False),
            (ResourceKind.PREDICTION, False, True),
            (ResourceKind.MULTI_SERVICE, True, True),
            (ResourceKind.AI_SERVICES, True, True),
        ],
    )
    def test_kinds_serve_roles(self, kind: ResourceKind, training: bool, prediction: bool) -> None:
        assert kind.serves(Role.TRAINING) is training
        assert kind.serves(Role.PREDICTION) is prediction

    def test_unknown_kind(self) -> None:
        with pytest.raises(ConfigurationError, match="unknown resource kind"):
            Resource(ENDPOINT, KeyCredential(TRAINING_KEY), "CustomVision.Everything")  # type: ignore[arg-type]

    def test_unsupported_credential(self) -> None:
        with pytest.raises(ConfigurationError, match="unsupported credential"):
            Resource.training(ENDPOINT, 12345)  # type: ignore[arg-type]

    def test_empty_key(self) -> None:
        with pytest.raises(ConfigurationError, match="empty"):
            Resource.training(ENDPOINT, "   ")


class TestWrongKind:
    def test_prediction_client_refuses_training_resource_without_sending(self) -> None:
        with respx.mock(assert_all_called=False) as mock:
            route = mock.route()
            with pytest.raises(ConfigurationError) as caught:
                PredictionClient(Resource.training(ENDPOINT, TRAINING_KEY))
            assert not route.called
        message = str(caught.value)
        assert "Custom Vision Prediction" in message and "Custom Vision Training" in message

    def test_async_prediction_client_refuses_training_resource(self) -> None:
        with pytest.raises(ConfigurationError, match="Custom Vision Training resource"):
            AsyncPredictionClient(Resource.training(ENDPOINT, TRAINING_KEY))

    @pytest.mark.parametrize("factory", [Resource.multi_service, Resource.ai_services, Resource.prediction])
    def test_prediction_client_accepts_serving_kinds(self, factory: object) -> None:
        resource = factory(ENDPOINT, PREDICTION_KEY)  # type: ignore[operator]
        client = PredictionClient(resource)
        assert client.resource is resource
        client.close()

    def test_resource_and_credential_together_is_an_error(self) -> None:
        with pytest.raises(ConfigurationError, match="not both"):
            PredictionClient(Resource.prediction(ENDPOINT, PREDICTION_KEY), PREDICTION_KEY)

    def test_missing_credential(self) -> None:
        with pytest.raises(ConfigurationError, match="credential"):
            PredictionClient(ENDPOINT)

    def test_unsupported_api_version(self) -> None:
        with pytest.raises(ConfigurationError, match="api_version"):
            PredictionClient(ENDPOINT, PREDICTION_KEY, api_version="2.0")
