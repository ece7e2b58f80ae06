"""The emulated Resource Manager on its own: accounts, keys, soft delete, purge and the refusals users meet."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from customvision_rest.emulator._arm import ArmAccount, ResourceManager

SUB = "11111111-2222-3333-4444-555555555555"
BASE = "http://127.0.0.1:9"
API = {"api-version": "2024-10-01"}
GROUP = f"/subscriptions/{SUB}/resourceGroups/fruit-rg/providers/Microsoft.CognitiveServices"


def account_path(name: str) -> str:
    return f"{GROUP}/accounts/{name}"


class Recorder:
    def __init__(self) -> None:
        self.registered: list[str] = []
        self.unregistered: list[str] = []

    def register(self, account: ArmAccount) -> None:
        self.registered.append(account.name)

    def unregister(self, account: ArmAccount) -> None:
        self.unregistered.append(account.name)


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def arm(recorder: Recorder) -> Iterator[httpx.Client]:
    manager = ResourceManager(
        {"writer": "Contributor", "reader": "Reader"}, recorder.register, recorder.unregister, polls_to_finish=1
    )
    transport = httpx.MockTransport(lambda request: manager.handle(request, BASE))
    with httpx.Client(base_url=BASE, transport=transport, headers={"Authorization": "Bearer writer"}) as client:
        yield client


def create(
    arm: httpx.Client, name: str, kind: str = "CustomVision.Training", sku: str = "S0", **props: str
) -> httpx.Response:
    body = {"location": "westeurope", "kind": kind, "sku": {"name": sku}, "properties": dict(props)}
    return arm.put(account_path(name), params=API, json=body)


def finish(arm: httpx.Client, response: httpx.Response) -> list[str]:
    """Poll the Azure-AsyncOperation address until it settles; return the statuses seen."""
    address = response.headers["Azure-AsyncOperation"]
    seen = []
    for _ in range(5):
        status = arm.get(address).json()["status"]
        seen.append(status)
        if status != "InProgress":
            break
    return seen


def test_create_answers_201_then_succeeds_through_the_async_operation(arm: httpx.Client, recorder: Recorder) -> None:
    created = create(arm, "fruit", customSubDomainName="fruit")
    assert created.status_code == 201
    assert created.json()["properties"]["provisioningState"] == "Creating"
    assert recorder.registered == []
    assert finish(arm, created) == ["InProgress", "Succeeded"]
    assert recorder.registered == ["fruit"]
    account = arm.get(account_path("fruit"), params=API).json()
    assert account["properties"]["provisioningState"] == "Succeeded"
    assert account["properties"]["endpoint"] == BASE + "/"
    assert account["id"].endswith("/accounts/fruit")
    keys = arm.post(account_path("fruit") + "/listKeys", params=API).json()
    assert set(keys) == {"key1", "key2"} and keys["key1"] != keys["key2"]


def test_put_again_returns_the_same_account(arm: httpx.Client) -> None:
    finish(arm, create(arm, "fruit"))
    again = create(arm, "fruit")
    assert again.status_code == 200
    assert again.json()["properties"]["provisioningState"] == "Succeeded"


def test_regenerate_replaces_one_key(arm: httpx.Client, recorder: Recorder) -> None:
    finish(arm, create(arm, "fruit"))
    before = arm.post(account_path("fruit") + "/listKeys", params=API).json()
    after = arm.post(account_path("fruit") + "/regenerateKey", params=API, json={"keyName": "Key2"}).json()
    assert after["key1"] == before["key1"] and after["key2"] != before["key2"]
    assert recorder.registered == ["fruit", "fruit"]  # the data-plane key follows


def test_delete_soft_deletes_and_purge_frees_the_name(arm: httpx.Client, recorder: Recorder) -> None:
    finish(arm, create(arm, "fruit", customSubDomainName="fruit"))
    deleted = arm.delete(account_path("fruit"), params=API)
    assert deleted.status_code == 202
    finish(arm, deleted)
    assert recorder.unregistered == ["fruit"]
    assert arm.get(account_path("fruit"), params=API).status_code == 404
    refused = create(arm, "fruit", customSubDomainName="fruit")
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "FlagMustBeSetForRestore"
    check = arm.post(
        f"/subscriptions/{SUB}/providers/Microsoft.CognitiveServices/checkDomainAvailability",
        params=API,
        json={"subdomainName": "fruit", "type": "Microsoft.CognitiveServices/accounts"},
    ).json()
    assert check["isSubdomainAvailable"] is False
    deleted_path = (
        f"/subscriptions/{SUB}/providers/Microsoft.CognitiveServices/locations/westeurope/resourceGroups/fruit-rg"
        "/deletedAccounts/fruit"
    )
    shown = arm.get(deleted_path, params=API).json()
    assert shown["properties"]["deletionDate"] and shown["properties"]["scheduledPurgeDate"]
    finish(arm, arm.delete(deleted_path, params=API))
    assert arm.get(deleted_path, params=API).status_code == 404
    assert create(arm, "fruit", customSubDomainName="fruit").status_code == 201


def test_refusals_have_resource_managers_codes(arm: httpx.Client) -> None:
    finish(arm, create(arm, "free-one", sku="F0", customSubDomainName="taken"))
    second_free = create(arm, "free-two", sku="F0")
    assert (second_free.status_code, second_free.json()["error"]["code"]) == (409, "CanNotCreateMultipleFreeAccounts")
    taken = create(arm, "other", customSubDomainName="taken")
    assert (taken.status_code, taken.json()["error"]["code"]) == (409, "CustomDomainInUse")
    nowhere = arm.put(
        account_path("x1"),
        params=API,
        json={"location": "marsnorth", "kind": "CognitiveServices", "sku": {"name": "S0"}},
    )
    assert nowhere.json()["error"]["code"] == "LocationNotAvailableForResourceType"
    free_ai = create(arm, "ai", kind="AIServices", sku="F0")
    assert free_ai.json()["error"]["code"] == "InvalidSkuId"


def test_tokens_and_roles(arm: httpx.Client) -> None:
    assert arm.get(account_path("x"), params=API, headers={"Authorization": ""}).status_code == 401
    assert arm.get(account_path("x"), params=API, headers={"Authorization": "Bearer wrong"}).status_code == 401
    reader = {"Authorization": "Bearer reader"}
    refused = arm.put(account_path("x"), params=API, headers=reader, json={})
    assert (refused.status_code, refused.json()["error"]["code"]) == (403, "AuthorizationFailed")
    assert arm.get(account_path("x"), params=API, headers=reader).status_code == 404  # readers may look
    assert arm.get(account_path("x")).json()["error"]["code"] == "MissingApiVersionParameter"


def test_skus_list_every_kind_with_its_regions(arm: httpx.Client) -> None:
    rows = arm.get(f"/subscriptions/{SUB}/providers/Microsoft.CognitiveServices/skus", params=API).json()["value"]
    kinds = {(row["kind"], row["name"]) for row in rows}
    assert ("CustomVision.Training", "F0") in kinds and ("CustomVision.Prediction", "S0") in kinds
    assert ("AIServices", "F0") not in kinds
    assert all("WESTEUROPE" in row["locations"] for row in rows)


def test_the_command_line_accepts_resource_manager_tokens(tmp_path: Path) -> None:
    from customvision_rest.emulator._cli import build_emulator, settings_from

    config = tmp_path / "emulator.toml"
    config.write_text('[arm_tokens]\n"file-token" = "Reader"\n')
    settings = settings_from(["--config", str(config), "--arm-token", "flag-token", "--arm-token", "r=Reader"])
    assert settings.arm_tokens == {"file-token": "Reader", "flag-token": "Contributor", "r": "Reader"}
    emulator = build_emulator(settings)
    try:
        manager = emulator.resource_manager
        request = httpx.Request(
            "PUT",
            BASE + account_path("x") + "?api-version=2024-10-01",
            headers={"Authorization": "Bearer file-token"},
            json={},
        )
        assert manager.handle(request, BASE).json()["error"]["code"] == "AuthorizationFailed"  # a reader
    finally:
        emulator.close()
