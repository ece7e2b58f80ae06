"""``provision`` then ``demo`` on the printed variables, then ``deprovision``: offline, on the emulator's ARM."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from customvision_rest.cli import main
from customvision_rest.emulator import Emulator

SUB = "00000000-1111-2222-3333-444444444444"


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    with Emulator(arm_tokens={"cli-arm-token": "Contributor"}) as emulator:
        served = emulator.serve("127.0.0.1", 0)
        try:
            yield served.endpoint.rstrip("/")
        finally:
            served.shutdown()


def arm_args(endpoint: str, *extra: str) -> list[str]:
    return [
        "--subscription",
        SUB,
        "--name",
        "fruit",
        "--resource-group",
        "rg",
        "--management-endpoint",
        endpoint,
        *extra,
    ]


def test_provision_prints_the_variables_demo_needs(endpoint: str, capsys: pytest.CaptureFixture[str]) -> None:
    environ = {"AZURE_ACCESS_TOKEN": "cli-arm-token"}
    code = main(["provision", *arm_args(endpoint, "--location", "westeurope"), "--json"], environ=environ)
    out, err = capsys.readouterr()
    assert code == 0, err
    variables = json.loads(out)
    assert sorted(variables) == [
        "VISION_PREDICTION_ENDPOINT",
        "VISION_PREDICTION_KEY",
        "VISION_PREDICTION_RESOURCE_ID",
        "VISION_TRAINING_ENDPOINT",
        "VISION_TRAINING_KEY",
    ]
    assert variables["VISION_PREDICTION_RESOURCE_ID"].endswith(
        "/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/fruit-Prediction"
    )
    assert "creating fruit" in err

    # The same again, as text for a shell: nothing new is created, the keys are the same.
    assert main(["provision", *arm_args(endpoint, "--location", "westeurope")], environ=environ) == 0
    text, _ = capsys.readouterr()
    assert f"export VISION_TRAINING_KEY='{variables['VISION_TRAINING_KEY']}'" in text.splitlines()

    assert main(["demo"], environ=variables) == 0
    demo_out, demo_err = capsys.readouterr()
    assert "apple" in demo_out, demo_err

    assert main(["deprovision", *arm_args(endpoint, "--purge"), "--json"], environ=environ) == 0
    removed = json.loads(capsys.readouterr().out)
    assert [(r["name"], r["deleted"], r["purged"]) for r in removed] == [
        ("fruit", True, True),
        ("fruit-Prediction", True, True),
    ]


def test_without_a_token_it_says_how_to_get_one(endpoint: str, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["provision", *arm_args(endpoint, "--location", "westeurope")], environ={})
    err = capsys.readouterr().err
    assert code == 2
    assert "AZURE_ACCESS_TOKEN" in err and "az account get-access-token" in err


def test_a_refusal_is_one_line_with_its_advice(endpoint: str, capsys: pytest.CaptureFixture[str]) -> None:
    environ = {"AZURE_ACCESS_TOKEN": "cli-arm-token"}
    code = main(["provision", *arm_args(endpoint, "--location", "marsnorth")], environ=environ)
    err = capsys.readouterr().err
    assert code == 1
    assert "LocationNotAvailableForResourceType" in err and "list_skus" in err
    assert "Traceback" not in err
