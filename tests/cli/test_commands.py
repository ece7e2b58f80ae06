"""The command line end to end against the emulator served on 127.0.0.1: ``--json`` parsed, exit codes checked."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from customvision_rest.cli import main
from customvision_rest.emulator import Emulator, synthetic_fruit

FRUITS = ("apple", "banana", "orange")


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    with Emulator(training_key="cli-training-key", prediction_key="cli-prediction-key") as emulator:
        yield emulator


@pytest.fixture(scope="module")
def server(emulator: Emulator) -> Iterator[str]:
    served = emulator.serve("127.0.0.1", 0)
    try:
        yield served.endpoint
    finally:
        served.shutdown()


@pytest.fixture(scope="module")
def environ(emulator: Emulator, server: str) -> dict[str, str]:
    return {
        "VISION_TRAINING_ENDPOINT": server,
        "VISION_TRAINING_KEY": "cli-training-key",
        "VISION_PREDICTION_ENDPOINT": server,
        "VISION_PREDICTION_KEY": "cli-prediction-key",
        "VISION_PREDICTION_RESOURCE_ID": emulator.prediction_resource.resource_id,
    }


class Run:
    """Runs ``main`` in-process with an environment and returns the exit code, stdout and stderr."""

    def __init__(self, capsys: pytest.CaptureFixture[str], environ: dict[str, str]) -> None:
        self.capsys = capsys
        self.environ = environ

    def __call__(self, *args: str, environ: dict[str, str] | None = None) -> tuple[int, str, str]:
        self.capsys.readouterr()
        code = main(list(args), environ=self.environ if environ is None else environ)
        out, err = self.capsys.readouterr()
        return code, out, err

    def json(self, *args: str, expect: int = 0) -> Any:
        code, out, err = self(*args, "--json")
        assert code == expect, f"exit {code}; stdout {out!r}; stderr {err!r}"
        return json.loads(out)


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], environ: dict[str, str]) -> Run:
    return Run(capsys, environ)


def _fruit_folder(root: Path, per_tag: int) -> Path:
    for fruit in FRUITS:
        folder = root / fruit
        folder.mkdir(parents=True)
        for seed in range(per_tag):
            (folder / f"{fruit}-{seed}.png").write_bytes(synthetic_fruit(fruit, seed))
    (root / "notes.txt").write_text("not an image")
    return root


def test_the_whole_scenario_from_the_command_line(run: Run, tmp_path: Path) -> None:
    created = run.json("projects", "create", "cli fruit", "--description", "from the command line")
    project_id = created["id"]
    assert created["name"] == "cli fruit"

    listed = run.json("projects", "list")
    assert project_id in [project["id"] for project in listed]
    assert run.json("projects", "show", "cli fruit")["id"] == project_id  # by name

    uploaded = run.json("upload", "cli fruit", str(_fruit_folder(tmp_path / "photos", 6)))
    assert uploaded["images"] == 18
    assert uploaded["uploaded"] == 18
    assert uploaded["failed"] == []
    assert sorted(uploaded["tags"]) == list(FRUITS)

    again = run.json("upload", project_id, str(tmp_path / "photos"))
    assert again["duplicates"] == 18, "a second upload of the same images is reported as duplicates"

    tags = run.json("tags", "list", project_id)
    assert {tag["name"]: tag["imageCount"] for tag in tags} == dict.fromkeys(FRUITS, 6)

    trained = run.json("train", "cli fruit", "--wait", "--timeout", "60")
    assert trained["status"] == "Completed"
    iterations = run.json("iterations", "list", project_id)
    assert [iteration["id"] for iteration in iterations] == [trained["id"]]

    published = run.json("publish", project_id, "--name", "fruit-cli")
    assert published == {"project": project_id, "iteration": trained["id"], "publishName": "fruit-cli"}

    test_image = tmp_path / "banana.png"
    test_image.write_bytes(synthetic_fruit("banana", 999))
    predictions = run.json("predict", project_id, "fruit-cli", str(test_image), "--top", "2")
    assert predictions[0]["image"] == str(test_image)
    assert len(predictions[0]["predictions"]) == 2
    assert predictions[0]["predictions"][0]["tagName"] == "banana"
    assert 0.0 <= predictions[0]["predictions"][0]["probability"] <= 1.0

    dataset = run.json("download-dataset", "cli fruit", str(tmp_path / "dataset"))
    assert dataset["images"] == 18
    manifest = json.loads((tmp_path / "dataset" / "manifest.json").read_text())
    assert len(manifest["images"]) == 18

    code, _, err = run("projects", "delete", project_id, "--yes")
    assert code == 1, "a published iteration blocks deleting its project"
    assert err.startswith("error: ")
    assert "Traceback" not in err

    assert run.json("unpublish", project_id, trained["name"])["unpublished"] is True
    assert run.json("projects", "delete", project_id, "--yes")["deleted"] == project_id
    assert project_id not in [project["id"] for project in run.json("projects", "list")]


def test_text_output_is_for_people(run: Run) -> None:
    code, out, _ = run("projects", "create", "plain text")
    assert code == 0
    assert out.startswith("created project 'plain text': ")
    code, out, _ = run("tags", "create", "plain text", "apple", "pear")
    assert code == 0
    assert "created tag 'apple'" in out
    assert "created tag 'pear'" in out
    code, out, _ = run("tags", "delete", "plain text", "pear")
    assert (code, out.strip()) == (0, "deleted tag 'pear'")
    assert [tag["name"] for tag in run.json("tags", "list", "plain text")] == ["apple"]


def test_upload_with_a_tag_for_the_whole_folder(run: Run, tmp_path: Path) -> None:
    project_id = run.json("projects", "create", "one tag")["id"]
    for seed in range(3):
        (tmp_path / f"apple-{seed}.png").write_bytes(synthetic_fruit("apple", seed))
    uploaded = run.json("upload", project_id, str(tmp_path), "--tag", "apple,red")
    assert uploaded["images"] == 3
    assert sorted(uploaded["tags"]) == ["apple", "red"]
    code, _, err = run("upload", project_id, str(tmp_path), "--tag", "green", "--no-create-tags")
    assert code == 2
    assert "no tags green" in err


def test_a_service_error_is_its_code_and_message(run: Run) -> None:
    missing = "00000000-0000-0000-0000-000000000001"
    code, out, err = run("projects", "show", missing, "--json")
    assert code == 1
    error = json.loads(out)["error"]
    assert error["type"] == "NotFoundError"
    assert error["status"] == 404
    assert error["code"]
    assert err.strip() == f"error: {error['code']}: {error['message']} (HTTP 404)"


def test_a_name_that_matches_nothing_is_a_usage_error(run: Run) -> None:
    code, out, err = run("projects", "show", "no such project", "--json")
    assert code == 2
    assert "no project named 'no such project'" in json.loads(out)["error"]["message"]
    assert "Traceback" not in err


def test_training_with_nothing_new_says_so(run: Run, tmp_path: Path) -> None:
    project_id = run.json("projects", "create", "untrainable")["id"]
    code, _, err = run("train", project_id)
    assert code == 1
    assert err.startswith("error: BadRequest")


def test_a_deadline_has_its_own_exit_code(
    emulator: Emulator, environ: dict[str, str], capsys: Any, tmp_path: Path
) -> None:
    slow = Emulator(training_key="k1", prediction_key="k2", min_training_seconds=30.0)
    served = slow.serve("127.0.0.1", 0)
    try:
        env = {"VISION_TRAINING_ENDPOINT": served.endpoint, "VISION_TRAINING_KEY": "k1"}
        run = Run(capsys, env)
        project_id = run.json("projects", "create", "slow")["id"]
        run.json("upload", project_id, str(_fruit_folder(tmp_path / "photos", 5)))
        code, _, err = run("train", project_id, "--wait", "--timeout", "0.5")
        assert code == 3
        assert err.startswith("error: ")
    finally:
        served.shutdown()
        slow.close()


def test_missing_settings_are_named(run: Run) -> None:
    code, _, err = run("projects", "list", environ={})
    assert code == 2
    assert "--training-endpoint (or VISION_TRAINING_ENDPOINT)" in err
    assert "--training-key (or VISION_TRAINING_KEY)" in err


def test_options_take_the_place_of_the_variables(run: Run, server: str) -> None:
    code, out, _ = run(
        "--training-endpoint", server, "--training-key", "cli-training-key", "--json", "projects", "list", environ={}
    )
    assert code == 0
    assert isinstance(json.loads(out), list)


def test_usage_errors_exit_2(run: Run) -> None:
    code, _, err = run("projects", "create")
    assert code == 2
    assert "Missing argument 'NAME'" in err
    code, _, _ = run("no-such-command")
    assert code == 2


def test_check_passes_on_a_good_configuration(run: Run) -> None:
    report = run.json("check")
    assert report["ok"] is True
    by_name = {item["check"]: item for item in report["checks"]}
    assert by_name["VISION_TRAINING_KEY"]["detail"].startswith("(set)")
    assert "cli-training-key" not in json.dumps(report), "check never prints a key"
    assert by_name["training endpoint"]["ok"] is True
    assert by_name["prediction endpoint"]["ok"] is True
    assert by_name["prediction resource id"]["ok"] is True


def test_check_names_a_wrong_key(run: Run, environ: dict[str, str]) -> None:
    code, out, _ = run("check", "--json", environ={**environ, "VISION_TRAINING_KEY": "wrong"})
    assert code == 1
    by_name = {item["check"]: item for item in json.loads(out)["checks"]}
    assert by_name["training endpoint"]["ok"] is False
    assert "training key was refused" in by_name["training endpoint"]["detail"]
    assert by_name["prediction endpoint"]["ok"] is True


def test_check_names_a_training_key_on_the_prediction_endpoint(run: Run, environ: dict[str, str]) -> None:
    code, out, _ = run("check", "--json", environ={**environ, "VISION_PREDICTION_KEY": "cli-training-key"})
    assert code == 1
    by_name = {item["check"]: item for item in json.loads(out)["checks"]}
    assert "the training resource's key" in by_name["prediction endpoint"]["detail"]


def test_check_names_a_bad_resource_id_and_missing_variables(run: Run, environ: dict[str, str]) -> None:
    broken = {**environ, "VISION_PREDICTION_RESOURCE_ID": "/subscriptions/.../accounts/x"}
    del broken["VISION_PREDICTION_KEY"]
    code, out, _ = run("check", "--json", environ=broken)
    assert code == 2, "only configuration problems: a usage error"
    by_name = {item["check"]: item for item in json.loads(out)["checks"]}
    assert by_name["VISION_PREDICTION_KEY"] == {"check": "VISION_PREDICTION_KEY", "ok": False, "detail": "not set"}
    assert by_name["prediction resource id"]["ok"] is False
    assert by_name["prediction endpoint"]["ok"] is None


def test_check_names_a_regional_endpoint_with_entra_id(run: Run, environ: dict[str, str]) -> None:
    regional = {**environ, "VISION_TRAINING_ENDPOINT": "https://westeurope.api.cognitive.microsoft.com/"}
    code, out, _ = run("--entra-id", "check", "--json", environ=regional)
    assert code != 0
    details = [item["detail"] for item in json.loads(out)["checks"] if item["check"] == "training endpoint"]
    assert any("custom subdomain" in detail for detail in details)


def test_the_installed_command_runs_as_a_module(environ: dict[str, str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "customvision_rest", "projects", "show", "nothing", "--json"],
        capture_output=True,
        text=True,
        check=False,
        env={**environ, "PATH": "/usr/bin:/bin"},
        timeout=60,
    )
    assert result.returncode == 2, result.stderr
    assert json.loads(result.stdout)["error"]["message"].startswith("no project named 'nothing'")
    assert "Traceback" not in result.stderr


def test_export_downloads_the_model_without_printing_its_address(run: Run, tmp_path: Path) -> None:
    general_compact = "0732100f-1a38-4e49-a514-c9b44c697ab5"
    project_id = run.json("projects", "create", "exportable", "--domain", general_compact)["id"]
    run.json("upload", project_id, str(_fruit_folder(tmp_path / "photos", 5)))
    iteration = run.json("train", project_id, "--wait", "--timeout", "60")
    model = tmp_path / "out" / "model.zip"
    code, out, err = run(
        "export", project_id, iteration["name"], "--platform", "ONNX", "--download", str(model), "--json"
    )
    assert code == 0, err
    result = json.loads(out)
    assert result["status"] == "Done"
    assert result["file"] == str(model)
    assert result["bytes"] == model.stat().st_size > 0
    assert "artifacts" not in out + err, "the signed download address is never printed"
    assert list(model.parent.iterdir()) == [model], "no partial file is left behind"
