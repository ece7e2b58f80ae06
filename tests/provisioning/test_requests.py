"""Provisioning's requests and answers against Resource Manager's documented shapes (respx; no network)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
import respx

from core.helpers import TOKEN_TEXT, FakeTokenCredential, NoSleep
from customvision_rest import ClientValidationError, ConfigurationError, ResourceKind, ResponseValidationError
from customvision_rest.provisioning import (
    MANAGEMENT_SCOPE,
    FreeTierLimitError,
    KindNotAvailableError,
    ManagementClient,
    MissingPermissionError,
    SoftDeletedNameError,
    SubdomainTakenError,
)

ARM = "https://management.azure.com"
SUB = "11111111-2222-3333-4444-555555555555"
ACCOUNT = f"/subscriptions/{SUB}/resourceGroups/fruit-rg/providers/Microsoft.CognitiveServices/accounts/fruit"
ASYNC_OP = f"{ARM}/subscriptions/{SUB}/providers/Microsoft.CognitiveServices/locations/westeurope/operationResults/1"


def account_body(state: str = "Succeeded", kind: str = "CustomVision.Training") -> dict[str, Any]:
    return {
        "id": ACCOUNT,
        "name": "fruit",
        "type": "Microsoft.CognitiveServices/accounts",
        "location": "westeurope",
        "kind": kind,
        "sku": {"name": "S0"},
        "properties": {
            "provisioningState": state,
            "endpoint": "https://fruit.cognitiveservices.azure.com/",
            "customSubDomainName": "fruit",
        },
    }


@pytest.fixture
def credential() -> FakeTokenCredential:
    return FakeTokenCredential()


@pytest.fixture
def arm(credential: FakeTokenCredential) -> ManagementClient:
    return ManagementClient(credential, sleep=NoSleep(), http_client=httpx.Client())


def error(status: int, code: str, message: str = "refused") -> httpx.Response:
    return httpx.Response(status, json={"error": {"code": code, "message": message}})


@respx.mock
def test_create_account_puts_the_documented_body_and_follows_the_async_operation(
    arm: ManagementClient, credential: FakeTokenCredential
) -> None:
    put = respx.put(ARM + ACCOUNT).mock(
        return_value=httpx.Response(201, json=account_body("Creating"), headers={"Azure-AsyncOperation": ASYNC_OP})
    )
    status = respx.get(ASYNC_OP).mock(
        side_effect=[
            httpx.Response(200, json={"status": "InProgress"}),
            httpx.Response(200, json={"status": "Succeeded"}),
        ]
    )
    get = respx.get(ARM + ACCOUNT).mock(return_value=httpx.Response(200, json=account_body()))
    account = arm.create_account(
        SUB,
        "fruit-rg",
        "fruit",
        kind="CustomVision.Training",
        location="westeurope",
        sku="S0",
        custom_subdomain="fruit",
    )
    assert account.provisioning_state == "Succeeded"
    assert account.resource_id.account_name == "fruit"
    sent = put.calls.last.request
    assert sent.url.params["api-version"] == "2024-10-01"
    assert json.loads(sent.content) == {
        "location": "westeurope",
        "kind": "CustomVision.Training",
        "sku": {"name": "S0"},
        "properties": {"customSubDomainName": "fruit"},
    }
    assert sent.headers["Authorization"].startswith(f"Bearer {TOKEN_TEXT}")
    assert credential.scopes[0] == (MANAGEMENT_SCOPE,)
    assert status.call_count == 2 and get.called


@respx.mock
def test_a_202_with_a_location_is_polled_until_it_stops_answering_202(arm: ManagementClient) -> None:
    location = f"{ARM}/subscriptions/{SUB}/operations/abc"
    respx.put(ARM + ACCOUNT).mock(return_value=httpx.Response(202, headers={"Location": location}))
    polls = respx.get(location).mock(side_effect=[httpx.Response(202), httpx.Response(200)])
    respx.get(ARM + ACCOUNT).mock(return_value=httpx.Response(200, json=account_body()))
    arm.create_account(SUB, "fruit-rg", "fruit", kind=ResourceKind.TRAINING, location="westeurope")
    assert polls.call_count == 2


@respx.mock
def test_a_polling_address_off_the_management_host_never_receives_the_token(arm: ManagementClient) -> None:
    respx.put(ARM + ACCOUNT).mock(
        return_value=httpx.Response(
            201, json=account_body("Creating"), headers={"Azure-AsyncOperation": "https://evil.test/x"}
        )
    )
    evil = respx.get("https://evil.test/x")
    with pytest.raises(ResponseValidationError, match="refusing to send the token"):
        arm.create_account(SUB, "fruit-rg", "fruit", kind="CustomVision.Training", location="westeurope")
    assert not evil.called


@pytest.mark.parametrize(
    ("status", "code", "expected"),
    [
        (409, "CustomDomainInUse", SubdomainTakenError),
        (409, "CanNotCreateMultipleFreeAccounts", FreeTierLimitError),
        (400, "LocationNotAvailableForResourceType", KindNotAvailableError),
        (403, "AuthorizationFailed", MissingPermissionError),
        (409, "FlagMustBeSetForRestore", SoftDeletedNameError),
    ],
)
@respx.mock
def test_refusals_become_errors_that_say_what_to_do(
    arm: ManagementClient, status: int, code: str, expected: type[Exception]
) -> None:
    respx.put(ARM + ACCOUNT).mock(return_value=error(status, code, "Resource Manager's words"))
    with pytest.raises(expected) as raised:
        arm.create_account(SUB, "fruit-rg", "fruit", kind="CustomVision.Training", location="westeurope", sku="F0")
    assert raised.value.code == code  # type: ignore[attr-defined]
    assert "Resource Manager's words" in str(raised.value)
    assert raised.value.advice  # type: ignore[attr-defined]
    if isinstance(raised.value, SoftDeletedNameError):
        assert (raised.value.location, raised.value.resource_group, raised.value.account_name) == (
            "westeurope",
            "fruit-rg",
            "fruit",
        )
        assert "purge_deleted_account" in str(raised.value)


@respx.mock
def test_provision_is_idempotent_and_returns_a_ready_resource(arm: ManagementClient) -> None:
    respx.get(ARM + ACCOUNT).mock(return_value=httpx.Response(200, json=account_body()))
    keys = respx.post(ARM + ACCOUNT + "/listKeys").mock(
        return_value=httpx.Response(200, json={"key1": "KEY-ONE-SECRET", "key2": "KEY-TWO-SECRET"})
    )
    put = respx.put(ARM + ACCOUNT)
    resource = arm.provision(SUB, "fruit-rg", "fruit", kind="CustomVision.Training", location="westeurope")
    assert not put.called  # an existing account is returned as it is
    assert keys.called
    assert resource.kind is ResourceKind.TRAINING
    assert resource.endpoint == "https://fruit.cognitiveservices.azure.com"
    assert str(resource.resource_id) == ACCOUNT
    assert "KEY-ONE-SECRET" not in repr(resource)


@respx.mock
def test_provision_checks_the_subdomain_before_creating(arm: ManagementClient) -> None:
    respx.get(ARM + ACCOUNT).mock(return_value=error(404, "ResourceNotFound"))
    respx.post(f"{ARM}/subscriptions/{SUB}/providers/Microsoft.CognitiveServices/checkDomainAvailability").mock(
        return_value=httpx.Response(200, json={"isSubdomainAvailable": False, "reason": "used by someone"})
    )
    respx.get(
        f"{ARM}/subscriptions/{SUB}/providers/Microsoft.CognitiveServices/locations/westeurope/resourceGroups/"
        "fruit-rg/deletedAccounts/fruit"
    ).mock(return_value=error(404, "ResourceNotFound"))
    put = respx.put(ARM + ACCOUNT)
    with pytest.raises(SubdomainTakenError, match="used by someone"):
        arm.provision(SUB, "fruit-rg", "fruit", kind="CustomVision.Training", location="westeurope")
    assert not put.called


@pytest.mark.parametrize(
    "arguments",
    [
        {"subscription_id": "my-subscription"},
        {"resource_group": "bad/group"},
        {"account_name": "x"},
        {"account_name": "-leading"},
        {"custom_subdomain": "ends-with-"},
        {"custom_subdomain": "has_underscore"},
        {"sku": "P0"},
        {"kind": "Face"},
        {"location": ""},
        {"timeout": -1},
    ],
)
@respx.mock(assert_all_called=False)
def test_bad_arguments_are_refused_before_any_request(arm: ManagementClient, arguments: dict[str, Any]) -> None:
    call: dict[str, Any] = {
        "subscription_id": SUB,
        "resource_group": "fruit-rg",
        "account_name": "fruit",
        "kind": "CustomVision.Training",
        "location": "westeurope",
        "sku": "S0",
        "custom_subdomain": "fruit",
        "timeout": 60,
    } | arguments
    route = respx.route()
    with pytest.raises(ClientValidationError):
        arm.create_account(call.pop("subscription_id"), call.pop("resource_group"), call.pop("account_name"), **call)
    assert not route.called


def test_keys_never_print(arm: ManagementClient) -> None:
    from customvision_rest.provisioning import AccountKeys

    keys = AccountKeys(key1="FIRST-SECRET", key2="SECOND-SECRET")
    assert "SECRET" not in repr(keys) and "SECRET" not in str(keys)


def test_management_clients_need_a_token_credential() -> None:
    with pytest.raises(ConfigurationError, match="token credential"):
        ManagementClient("a-key")  # type: ignore[arg-type]
