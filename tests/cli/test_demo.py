"""The README's main command: the whole scenario on the in-process emulator."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys

import pytest

from customvision_rest.cli import main
from customvision_rest.cli.demo import run_demo

AZURE_VARIABLES = (
    "VISION_TRAINING_ENDPOINT",
    "VISION_TRAINING_KEY",
    "VISION_PREDICTION_ENDPOINT",
    "VISION_PREDICTION_KEY",
    "VISION_PREDICTION_RESOURCE_ID",
)


@pytest.fixture(autouse=True)
def no_azure(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in AZURE_VARIABLES:
        monkeypatch.delenv(name, raising=False)


def test_demo_runs_the_scenario_on_the_emulator() -> None:
    out = io.StringIO()
    assert run_demo(out=out, images_per_tag=6, test_images_per_tag=2) == 0
    text = out.getvalue()
    assert "built-in emulator" in text
    assert text.count("accepted") == 3
    assert "training Iteration 1: Completed" in text
    assert "published as 'fruit-" in text
    rows = re.findall(r"^(apple|banana|orange)-\d+\s+(\w+)\s+(\w+)\s+([0-9.]+)$", text, re.MULTILINE)
    assert len(rows) == 6
    for _fruit, expected, predicted, probability in rows:
        assert expected in ("apple", "banana", "orange")
        assert predicted in ("apple", "banana", "orange")
        assert 0.0 <= float(probability) <= 1.0
    match = re.search(r"iteration precision ([0-9.]+), recall ([0-9.]+)", text)
    assert match is not None
    assert "cleaned up" in text


def test_demo_refuses_too_few_images() -> None:
    out = io.StringIO()
    assert run_demo(out=out, images_per_tag=3) == 2
    assert "at least 5" in out.getvalue()


def test_demo_keep_leaves_the_project() -> None:
    out = io.StringIO()
    assert run_demo(out=out, images_per_tag=5, test_images_per_tag=1, keep=True) == 0
    assert "kept project" in out.getvalue()


def test_module_entry_point_help() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "customvision_rest", "--help"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    assert "demo" in result.stdout
    assert "emulator" in result.stdout


def test_main_requires_a_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    err = capsys.readouterr().err
    assert "Usage: customvision-rest" in err
    assert "missing COMMAND" in err


def test_demo_with_some_azure_variables_names_the_missing_ones(capsys: pytest.CaptureFixture[str]) -> None:
    partial = {"VISION_TRAINING_ENDPOINT": "https://x.cognitiveservices.azure.com", "VISION_TRAINING_KEY": "k"}
    assert main(["demo"], environ=partial) == 2
    out = capsys.readouterr().out
    assert "VISION_PREDICTION_ENDPOINT, VISION_PREDICTION_KEY, VISION_PREDICTION_RESOURCE_ID not set" in out
    assert "created project" not in out, "nothing runs on a half-configured Azure"


def test_demo_with_some_azure_variables_runs_on_the_emulator_when_asked(capsys: pytest.CaptureFixture[str]) -> None:
    partial = {"VISION_TRAINING_KEY": "k"}
    code = main(
        ["demo", "--emulator", "--images-per-tag", "5", "--test-images-per-tag", "1", "--json"], environ=partial
    )
    assert code == 0
    captured = capsys.readouterr()
    summary = json.loads(captured.out)
    assert summary["exitCode"] == 0
    assert summary["where"] == "the built-in emulator"
    assert summary["total"] == 3
    assert len(summary["predictions"]) == 3
    assert {p["expected"] for p in summary["predictions"]} == {"apple", "banana", "orange"}
    assert "created project" in captured.err, "with --json the narration goes to standard error"
