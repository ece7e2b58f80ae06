"""An old-SDK program in the quickstart's object detection style prints the same on the compat layer.

tests/compat runs old-style programs in-process (``exec``) and trains its detector with our native client; this
runs a whole script of module-level code as its own process, the way a user runs the quickstart, and lets the
old program itself upload regions, train with a sleep loop and publish. It runs once on the old SDK and once
after the two import replacements of the migration guide, each time against a fresh emulator on 127.0.0.1.
"""

from __future__ import annotations

import ast
import io
import os
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from customvision_rest.emulator import Emulator

pytest.importorskip("azure.cognitiveservices.vision.customvision.training")

PROGRAM = Path(__file__).parent / "old_sdk" / "object_detection_quickstart.py"
TRAINING_KEY = "quickstart-training-key"
PREDICTION_KEY = "quickstart-prediction-key"
SWITCHED_PREFIXES = {
    "azure.cognitiveservices.vision.customvision": "customvision_rest.compat",
    "msrest.authentication": "customvision_rest.compat.authentication",
}
COLOURS = {"apple": (210, 35, 40)}
# The test picture's apple, where one of the emulator's sliding windows fits it exactly.
TEST_OBJECTS = {"apple": (0.1, 0.5, 0.4, 0.4)}


def regions_in(program: str) -> dict[str, dict[str, list[float]]]:
    """The program's ``regions_by_tag`` table, evaluated without running the program."""
    for node in ast.parse(program).body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "regions_by_tag":
            table: dict[str, dict[str, list[float]]] = eval(compile(ast.Expression(node.value), "regions", "eval"))  # noqa: S307 - our own file
            return table
    raise AssertionError("the program has no regions_by_tag table")


def picture(objects: dict[str, tuple[float, float, float, float]], seed: int, side: int = 160) -> bytes:
    """A JPEG with a coloured disc filling each object's region, on a grey, slightly noisy background."""
    rng = random.Random(seed)
    grey = rng.randint(90, 150)
    image = Image.new("RGB", (side, side), (grey, grey, grey))
    draw = ImageDraw.Draw(image)
    for _ in range(12):
        x, y = rng.randrange(side), rng.randrange(side)
        shade = grey + rng.randint(-25, 25)
        draw.rectangle((x, y, x + 6, y + 6), fill=(shade, shade, shade))
    for tag, (left, top, width, height) in objects.items():
        box = (left * side, top * side, (left + width) * side, (top + height) * side)
        draw.ellipse(box, fill=COLOURS[tag])
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


def lay_out(folder: Path, text: str) -> Path:
    """The program and its Images folder, as the quickstart expects them beside it."""
    folder.mkdir()
    program = folder / PROGRAM.name
    program.write_text(text)
    seed = 0
    for tag, regions in regions_in(text).items():
        (folder / "Images" / tag).mkdir(parents=True)
        for name, (left, top, width, height) in regions.items():
            seed += 1
            (folder / "Images" / tag / f"{name}.jpg").write_bytes(picture({tag: (left, top, width, height)}, seed))
    (folder / "Images" / "test").mkdir()
    (folder / "Images" / "test" / "test_image.jpg").write_bytes(picture(TEST_OBJECTS, 10_000))
    return program


def run_on_fresh_emulator(program: Path) -> list[str]:
    with (
        Emulator(training_key=TRAINING_KEY, prediction_key=PREDICTION_KEY) as emulator,
        emulator.serve(port=0) as server,
    ):
        env = {k: v for k, v in os.environ.items() if not k.startswith("VISION_")}
        env.update(
            VISION_TRAINING_ENDPOINT=server.endpoint,
            VISION_TRAINING_KEY=TRAINING_KEY,
            VISION_PREDICTION_ENDPOINT=server.endpoint,
            VISION_PREDICTION_KEY=PREDICTION_KEY,
            VISION_PREDICTION_RESOURCE_ID=emulator.prediction_resource.resource_id,
            PYTHONDONTWRITEBYTECODE="1",
        )
        result = subprocess.run(
            [sys.executable, str(program)], env=env, capture_output=True, text=True, timeout=180, check=False
        )
        assert result.returncode == 0, f"{program}:\n{result.stdout}\n{result.stderr}"
        assert emulator.resources  # the server stayed up for the whole run
    return result.stdout.splitlines()


def without_training_polls(printed: list[str]) -> list[str]:
    """What the program printed, less its training status lines: how many there are depends on timing."""
    return [line for line in printed if not line.startswith("Training status: ")]


def test_the_object_detection_quickstart_prints_the_same_on_compat(tmp_path: Path) -> None:
    original = PROGRAM.read_text()
    switched = original
    for old, new in SWITCHED_PREFIXES.items():
        switched = switched.replace(old, new)
    assert "azure." not in switched
    assert "msrest" not in switched

    on_old_sdk = run_on_fresh_emulator(lay_out(tmp_path / "old", original))
    on_compat = run_on_fresh_emulator(lay_out(tmp_path / "compat", switched))

    for printed in (on_old_sdk, on_compat):
        assert [line for line in printed if line.startswith("Training status: ")][-1] == "Training status: Completed"
    assert without_training_polls(on_old_sdk)[:4] == [
        "Domain: General ObjectDetection",
        "Tags: apple",
        "Uploaded: 15 images, 15 regions",
        "Training...",
    ]
    assert without_training_polls(on_old_sdk)[4] == "Published as detectModel"
    assert without_training_polls(on_old_sdk)[-1] == "Cleaned up"
    # Each training seeds the emulator's model from its iteration's id, so the two trainings score windows a
    # little differently and may pick neighbouring boxes: each run's detection must be centred on the apple,
    # and everything else the program prints must be the same.
    for printed in (on_old_sdk, on_compat):
        probability, box = detection(without_training_polls(printed)[5])
        assert probability > 50, printed
        assert centre_inside(box, TEST_OBJECTS["apple"]), printed
    assert masked(on_compat) == masked(on_old_sdk)


DETECTION = re.compile(
    r"\tapple: (\d+\.\d\d)% bbox\.left = (\S+), bbox\.top = (\S+), bbox\.width = (\S+), bbox\.height = (\S+)"
)


def detection(line: str) -> tuple[float, tuple[float, ...]]:
    """The probability (percent) and box of the program's detection line."""
    found = DETECTION.fullmatch(line)
    assert found, line
    return float(found[1]), tuple(float(value) for value in found.groups()[1:])


def masked(printed: list[str]) -> list[str]:
    return [DETECTION.sub("\tapple: <detection>", line) for line in without_training_polls(printed)]


def centre_inside(box: tuple[float, ...], region: tuple[float, ...]) -> bool:
    """Whether the centre of a (left, top, width, height) box lies within the region."""
    x, y = box[0] + box[2] / 2, box[1] + box[3] / 2
    return region[0] <= x <= region[0] + region[2] and region[1] <= y <= region[1] + region[3]
