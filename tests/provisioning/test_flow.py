"""Provisioning end to end on the emulator: create the pair, train and predict on it, then clean up."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from customvision_rest import PredictionClient, ResourceKind, TrainingClient
from customvision_rest.provisioning import (
    AsyncManagementClient,
    FreeTierLimitError,
    KindNotAvailableError,
    ManagementClient,
    MissingPermissionError,
    SoftDeletedNameError,
)

emulator_module = pytest.importorskip("customvision_rest.emulator")

SUB = "11111111-2222-3333-4444-555555555555"
ENDPOINT = "http://127.0.0.1"


@dataclass
class Token:
    token: str
    expires_on: int


@dataclass
class StaticCredential:
    """An azure-identity-shaped credential that always hands out one token."""

    token: str

    def get_token(self, *scopes: str, **kwargs: Any) -> Token:
        return Token(self.token, int(time.time()) + 3600)


@pytest.fixture
def emulator() -> Iterator[Any]:
    with emulator_module.Emulator(arm_tokens={"arm-token": "Contributor", "reader-token": "Reader"}) as emu:
        yield emu


def management(emulator: Any, token: str = "arm-token") -> ManagementClient:  # noqa: S107 (a test token)
    return ManagementClient(
        StaticCredential(token), endpoint=ENDPOINT, http_client=httpx.Client(transport=emulator.transport())
    )


def test_the_scenario_runs_on_a_provisioned_pair(emulator: Any) -> None:
    seen: list[str] = []
    with management(emulator) as arm:
        pair = arm.provision_pair(SUB, "fruit-rg", "fruit", location="westeurope", progress=seen.append)
    assert pair.training.kind is ResourceKind.TRAINING
    assert pair.prediction.kind is ResourceKind.PREDICTION
    assert pair.prediction.resource_id is not None and pair.prediction.resource_id.account_name == "fruit-Prediction"
    assert any("creating fruit" in line for line in seen)
    transport = emulator.transport()
    with TrainingClient(pair.training, http_client=httpx.Client(transport=transport)) as trainer:
        project = trainer.create_project("fruit")
        for kind in ("apple", "banana"):
            tag = trainer.create_tag(project.id, kind)
            images = [emulator_module.synthetic_fruit(kind, seed, (64, 64)) for seed in range(5)]
            trainer.create_images_from_data(project.id, images, tag_ids=[tag.id])
        iteration = trainer.train_and_wait(project.id, timeout=120)
        trainer.publish_iteration(project.id, iteration.id, "fruit-v1", pair.prediction)
    with PredictionClient(pair.prediction, http_client=httpx.Client(transport=transport)) as predictor:
        answer = predictor.classify_image(
            project.id, "fruit-v1", emulator_module.synthetic_fruit("apple", 99, (64, 64))
        )
    assert answer.best().tag_name == "apple"
    environment = pair.environment()
    assert environment["VISION_PREDICTION_RESOURCE_ID"].endswith("/accounts/fruit-Prediction")
    assert environment["VISION_TRAINING_ENDPOINT"] == ENDPOINT + "/"


def test_provisioning_again_changes_nothing(emulator: Any) -> None:
    with management(emulator) as arm:
        first = arm.provision_pair(SUB, "fruit-rg", "fruit", location="westeurope")
        second = arm.provision_pair(SUB, "fruit-rg", "fruit", location="westeurope")
    assert first.environment() == second.environment()
    assert len(emulator.resource_manager.accounts()) == 2


def test_one_multi_service_account_serves_both_roles(emulator: Any) -> None:
    with management(emulator) as arm:
        pair = arm.provision_pair(SUB, "fruit-rg", "fruit-all", location="westeurope", kind="multi-service")
    assert pair.training is pair.prediction
    assert pair.training.kind is ResourceKind.MULTI_SERVICE
    with TrainingClient(pair.training, http_client=httpx.Client(transport=emulator.transport())) as trainer:
        assert trainer.get_projects() == []
    with PredictionClient(pair.prediction, http_client=httpx.Client(transport=emulator.transport())) as predictor:
        assert predictor.resource.endpoint == pair.training.endpoint


def test_a_deleted_name_must_be_purged_before_it_is_used_again(emulator: Any) -> None:
    with management(emulator) as arm:
        arm.provision(SUB, "fruit-rg", "fruit", kind="CustomVision.Training", location="westeurope")
        assert arm.delete_account(SUB, "fruit-rg", "fruit") is True
        with pytest.raises(SoftDeletedNameError) as refused:
            arm.provision(SUB, "fruit-rg", "fruit", kind="CustomVision.Training", location="westeurope")
        assert (refused.value.location, refused.value.account_name) == ("westeurope", "fruit")
        arm.purge_deleted_account(SUB, refused.value.location, refused.value.resource_group, "fruit")
        again = arm.provision(SUB, "fruit-rg", "fruit", kind="CustomVision.Training", location="westeurope")
        assert again.kind is ResourceKind.TRAINING
        assert arm.delete_account(SUB, "fruit-rg", "fruit", purge=True) is True
        assert arm.delete_account(SUB, "fruit-rg", "fruit") is False  # nothing left to delete


def test_the_refusals_users_meet(emulator: Any) -> None:
    with management(emulator) as arm:
        arm.provision(SUB, "fruit-rg", "free-one", kind="CustomVision.Training", location="westeurope", sku="F0")
        with pytest.raises(FreeTierLimitError, match="sku='S0'"):
            arm.provision(SUB, "fruit-rg", "free-two", kind="CustomVision.Training", location="westeurope", sku="F0")
        with pytest.raises(KindNotAvailableError, match="list_skus"):
            arm.provision(SUB, "fruit-rg", "far", kind="CustomVision.Training", location="marsnorth")
    with management(emulator, "reader-token") as reader, pytest.raises(MissingPermissionError, match="Contributor"):
        reader.provision(SUB, "fruit-rg", "fruit", kind="CustomVision.Training", location="westeurope")


def test_skus_say_which_regions_offer_a_kind(emulator: Any) -> None:
    with management(emulator) as arm:
        skus = arm.list_skus(SUB)
    training = [s for s in skus if s.kind == "CustomVision.Training" and s.offered_in("West Europe")]
    assert {s.name for s in training} == {"F0", "S0"}


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio"])
async def test_the_async_client_provisions_the_same_way(emulator: Any, anyio_backend: str) -> None:
    async with AsyncManagementClient(
        StaticCredential("arm-token"), endpoint=ENDPOINT, http_client=httpx.AsyncClient(transport=emulator.transport())
    ) as arm:
        pair = await arm.provision_pair(SUB, "fruit-rg", "fruit", location="westeurope")
        keys = await arm.list_keys(SUB, "fruit-rg", "fruit")
    assert pair.environment()["VISION_TRAINING_KEY"] == keys.key1
