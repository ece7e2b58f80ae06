"""The emulator's command line: every option as a flag or in a TOML file, one-line errors, a banner without keys,
and the clean-up of a crashed run's leftovers."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from emulator_helpers import TRAINING, make_project

from customvision_rest.emulator import Emulator, FaultInjection, ServiceLatency, synthetic_fruit
from customvision_rest.emulator._cli import UsageError, run_server, settings_from

SECRET_TRAINING = "Zq8wXk2vJ7"
SECRET_MULTI = "Mp3sLq9dV4"
TOKEN = "Tn5pRy7uKc"


def _serve(argv: list[str]) -> tuple[threading.Thread, threading.Event, list[int]]:
    stop, result = threading.Event(), []
    thread = threading.Thread(target=lambda: result.append(run_server(argv, stop=stop)))
    thread.start()
    return thread, stop, result


def _wait_for_banner(capsys: pytest.CaptureFixture[str]) -> str:
    output = ""
    deadline = time.monotonic() + 120
    while "publish to predictionId" not in output and time.monotonic() < deadline:
        time.sleep(0.02)
        output += capsys.readouterr().out
    return output


def test_a_config_file_sets_everything_and_flags_win(tmp_path: Path) -> None:
    config = tmp_path / "emulator.toml"
    config.write_text(
        f"""
port = 0
training_key = "{SECRET_TRAINING}"
tier = "F0"
throttle = true
min_training_seconds = 1.5
seed = 3

[faults]
seed = 9
throttle_rate = 0.1
drop_rate = 0.05
retry_after_seconds = 2

[latency]
prediction = 0.3
upload_batch = 2.0

[[resources]]
name = "multi"
kind = "CognitiveServices"
key = "{SECRET_MULTI}"

[accepted_tokens]
"{TOKEN}" = "multi"
""",
        encoding="utf-8",
    )
    settings = settings_from(["--config", str(config), "--latency-other", "0.1", "--tier", "S0", "--drop-rate", "0"])
    assert (settings.port, settings.training_key, settings.tier, settings.throttle) == (0, SECRET_TRAINING, "S0", True)
    assert (settings.min_training_seconds, settings.seed) == (1.5, 3)
    assert settings.faults == FaultInjection(seed=9, throttle_rate=0.1, drop_rate=0.0, retry_after_seconds=2)
    assert settings.latency == ServiceLatency(prediction=0.3, upload_batch=2.0, other=0.1)
    assert [(r.name, r.kind, r.key) for r in settings.resources] == [("multi", "CognitiveServices", SECRET_MULTI)]
    assert settings.accepted_tokens == {TOKEN: "multi"}
    assert SECRET_MULTI not in repr(settings) and SECRET_TRAINING not in repr(settings)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--resource", "x:Nope:key"], "kind must be one of"),
        (["--resource", "only-a-name"], "NAME:KIND:KEY"),
        (["--accept-token", "token-without-resource"], "TOKEN=RESOURCE"),
        (["--accept-token", "t=nobody"], "unknown resource 'nobody'"),
        (["--throttle-rate", "0.8", "--drop-rate", "0.8"], "sum to at most 1"),
        (["--latency-prediction", "-1"], "non-negative"),
    ],
)
def test_mistakes_print_one_line_and_fail(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_server(["--port", "0", *argv]) == 1
    error = capsys.readouterr().err
    assert error.count("\n") == 1
    assert message in error


def test_config_mistakes_are_usage_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("colour = 'red'\n", encoding="utf-8")
    with pytest.raises(UsageError, match="unknown key"):
        settings_from(["--config", str(bad)])
    with pytest.raises(UsageError, match="cannot read"):
        settings_from(["--config", str(tmp_path / "missing.toml")])
    bad.write_text("[faults]\nsomething = 1\n", encoding="utf-8")
    with pytest.raises(UsageError, match=r"unknown key\(s\) in \[faults\]"):
        settings_from(["--config", str(bad)])


def test_a_port_in_use_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert run_server(["--port", str(port)]) == 1
    error = capsys.readouterr().err
    assert (
        error == f"customvision-rest emulator: error: port {port} on 127.0.0.1 is in use; choose another with --port\n"
    )


def test_an_unwritable_data_dir_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory", encoding="utf-8")
    assert run_server(["--port", "0", "--data-dir", str(blocker / "state")]) == 1
    error = capsys.readouterr().err
    assert error.startswith(f"customvision-rest emulator: error: cannot write to --data-dir {blocker / 'state'}")
    assert error.count("\n") == 1


def test_a_missing_extra_names_the_pip_install() -> None:
    script = (
        "import sys\n"
        "sys.modules['numpy'] = None\n"
        "from customvision_rest.emulator._cli import run_server\n"
        "sys.exit(run_server(['--port', '0']))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        'customvision-rest emulator: error: the emulator needs the "emulator" extra (numpy, Pillow): '
        'pip install "customvision-rest[emulator]"'
    ]


def test_the_banner_lists_resources_and_no_key(capsys: pytest.CaptureFixture[str]) -> None:
    thread, stop, result = _serve(
        [
            "--port",
            "0",
            "--training-key",
            SECRET_TRAINING,
            "--resource",
            f"multi:CognitiveServices:{SECRET_MULTI}:F0",
            "--accept-token",
            f"{TOKEN}=multi",
        ]
    )
    try:
        output = _wait_for_banner(capsys)
        endpoint = output.split("listening on ", 1)[1].split()[0]
        answer = httpx.get(f"{endpoint}{TRAINING}/projects", headers={"Authorization": f"Bearer {TOKEN}"})
        assert answer.status_code == 200
    finally:
        stop.set()
        thread.join(timeout=10)
    assert result == [0]
    assert "emulator-training (CustomVision.Training, S0, key set)" in output
    assert "emulator-prediction (CustomVision.Prediction, S0, default key)" in output
    assert "multi (CognitiveServices, F0, key set, 1 bearer token(s))" in output
    assert "resource id /subscriptions/00000000-0000-0000-0000-000000000000/" in output
    assert "emulator-prediction-key" not in output
    for secret in (SECRET_TRAINING, SECRET_MULTI, TOKEN):
        for start in range(len(secret) - 3):
            assert secret[start : start + 4] not in output, "a part of a key or token was printed"


def test_a_restart_removes_crash_leftovers_and_unreferenced_blobs(tmp_path: Path) -> None:
    with (
        Emulator(training_key="k", data_dir=tmp_path) as emulator,
        httpx.Client(
            base_url="http://h" + TRAINING, transport=emulator.transport(), headers={"Training-Key": "k"}
        ) as trainer,
    ):
        project = make_project(trainer)
        refused = trainer.post(f"/projects/{project['id']}/images", content=b"GIF89a" + b"\x00" * 10)
        assert refused.json()["images"][0]["status"] == "ErrorImageFormat"
        kept = trainer.post(f"/projects/{project['id']}/images", content=synthetic_fruit("apple", 1, (64, 64)))
        assert kept.status_code == 200
    blobs = tmp_path / "blobs"
    referenced = sorted(path for path in blobs.glob("*/*"))
    assert len(referenced) == 1
    orphan = blobs / "ab" / ("ab" + "0" * 62)
    orphan.parent.mkdir(exist_ok=True)
    orphan.write_bytes(b"written before a crash, never committed")
    leftovers = [tmp_path / ".state.json.x1.tmp", referenced[0].parent / f".{referenced[0].name}.x2.tmp"]
    for leftover in leftovers:
        leftover.write_bytes(b"half written")
    with Emulator(training_key="k", data_dir=tmp_path):
        pass
    assert sorted(path for path in blobs.glob("*/*")) == referenced
    assert not any(leftover.exists() for leftover in leftovers)
