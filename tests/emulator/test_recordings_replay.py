"""Every real recorded exchange in ../shared/recordings, replayed on the emulator's HTTP server.

Each recording is sent as the recorded client sent it (same method and path, `//` included), with the ids the
emulator hands out substituted as its answers come back. Where the recorded test ran against a project its
fixture had prepared, an equivalent project is prepared first (two tags of five images, trained, published under
the recorded name, one stored prediction). Image URLs become `data:` URLs of generated images, and the templated
prediction resource id becomes the emulator's. The emulator's answer must have the recorded status code and, at
every JSON path, every recorded property with the same JSON type (null only where the service sent null).
"""

from __future__ import annotations

import base64
import json
import re
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from emulator_helpers import SHARED

from customvision_rest.emulator import Emulator, EmulatorServer, synthetic_fruit
from customvision_rest.emulator._images import draw_fruit

RECORDINGS = SHARED / "recordings"
TRAINING_KEY = "replay-training-key"
PREDICTION_KEY = "replay-prediction-key"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)
TRANSIENT = {"Training", "Importing", "Exporting", "Queued"}
CLASSIFICATION_TAGS = ("Tag1", "Tag2")
DETECTION_TAGS = ("fork", "scissors")
CLASSIFICATION_PUBLISH_NAME = "Training UnitTest Iteration"
DETECTION_PUBLISH_NAME = "Training Obj Detection UnitTest Iteration"
GENERAL_DETECTION = "da2e3a8a-40a5-4171-82f4-58522f70fbc1"


def _recording_files() -> list[Path]:
    return sorted(RECORDINGS.glob("*.json")) if RECORDINGS.is_dir() else []


def json_type(value: Any) -> str:
    """The JSON type of a parsed value (integers and decimals are both numbers)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def compare(recorded: Any, actual: Any, where: str) -> list[str]:
    """Where `actual` lacks a recorded property or has another JSON type (null is fine where the service sent
    null; the emulator may send more properties than were recorded)."""
    if recorded is None:
        return []
    if json_type(recorded) != json_type(actual):
        return [f"{where}: {json_type(actual)} where the service sent {json_type(recorded)}"]
    problems: list[str] = []
    if isinstance(recorded, dict):
        for key, value in recorded.items():
            if key not in actual:
                problems.append(f"{where}.{key}: missing")
            else:
                problems += compare(value, actual[key], f"{where}.{key}")
    elif isinstance(recorded, list) and recorded:
        if not actual:
            return [f"{where}: empty where the service sent {len(recorded)} items"]
        for index, item in enumerate(recorded):
            problems += compare(item, actual[min(index, len(actual) - 1)], f"{where}[{index}]")
    return problems


class Replay:
    """Replays one recording against a running emulator, mapping recorded ids to the emulator's."""

    def __init__(self, emulator: Emulator, endpoint: str, detection: bool) -> None:
        self.emulator = emulator
        self.endpoint = endpoint
        self.client = httpx.Client(base_url=endpoint, timeout=30)
        self.detection = detection
        self.ids: dict[str, str] = {}
        self.prepared: dict[str, str] | None = None
        self.images = 0

    # --- the prepared project the recorded test's fixture made -------------------------------------------------

    def _prepare(self) -> dict[str, str]:
        if self.prepared is None:
            self.prepared = self._prepare_detection() if self.detection else self._prepare_classification()
        return self.prepared

    def _train(self, path: str, params: dict[str, str] | None = None) -> Any:
        return self.client.post(path, params=params or {}, headers={"Training-Key": TRAINING_KEY})

    def _prepare_classification(self) -> dict[str, str]:
        base = "/customvision/v3.3/training/projects"
        project = self._train(base, {"name": "replay fixture", "classificationType": "Multilabel"}).json()
        for tag_index, name in enumerate(CLASSIFICATION_TAGS):
            tag = self._train(f"{base}/{project['id']}/tags", {"name": name}).json()
            kind = ("apple", "banana")[tag_index]
            entries = [
                {"contents": base64.b64encode(synthetic_fruit(kind, seed, (96, 96))).decode()} for seed in range(5)
            ]
            self.client.post(
                f"{base}/{project['id']}/images/files",
                json={"images": entries, "tagIds": [tag["id"]]},
                headers={"Training-Key": TRAINING_KEY},
            ).raise_for_status()
        prepared = self._train_and_publish(base, project["id"], CLASSIFICATION_PUBLISH_NAME)
        self.client.post(
            f"/customvision/v3.1/prediction/{project['id']}/classify/iterations/{CLASSIFICATION_PUBLISH_NAME}/url",
            json={"url": self.image_url()},
            headers={"Prediction-Key": PREDICTION_KEY},
        ).raise_for_status()
        return prepared

    def _prepare_detection(self) -> dict[str, str]:
        base = "/customvision/v3.3/training/projects"
        project = self._train(base, {"name": "replay detector", "domainId": GENERAL_DETECTION}).json()
        for tag_index, name in enumerate(DETECTION_TAGS):
            tag = self._train(f"{base}/{project['id']}/tags", {"name": name}).json()
            entries = []
            for seed in range(15):
                data, box = draw_fruit(("apple", "banana")[tag_index], seed, (96, 96))
                region = dict(zip(("left", "top", "width", "height"), box, strict=True))
                entries.append(
                    {"contents": base64.b64encode(data).decode(), "regions": [{"tagId": tag["id"], **region}]}
                )
            self.client.post(
                f"{base}/{project['id']}/images/files", json={"images": entries}, headers={"Training-Key": TRAINING_KEY}
            ).raise_for_status()
        return self._train_and_publish(base, project["id"], DETECTION_PUBLISH_NAME)

    def _train_and_publish(self, base: str, project_id: str, publish_name: str) -> dict[str, str]:
        iteration = self._train(f"{base}/{project_id}/train").json()
        deadline = time.monotonic() + 120
        while iteration["status"] == "Training" and time.monotonic() < deadline:
            time.sleep(0.02)
            iteration = self.client.get(
                f"{base}/{project_id}/iterations/{iteration['id']}", headers={"Training-Key": TRAINING_KEY}
            ).json()
        assert iteration["status"] == "Completed", iteration
        published = self._train(
            f"{base}/{project_id}/iterations/{iteration['id']}/publish",
            {"publishName": publish_name, "predictionId": self.emulator.prediction_resource.resource_id},
        )
        assert published.status_code == 200, published.text
        return {"project": project_id, "iteration": iteration["id"]}

    def image_url(self) -> str:
        """A `data:` URL of a new generated image (the emulator reads no network)."""
        self.images += 1
        data = synthetic_fruit("orange", 1000 + self.images, (96, 96))
        return "data:image/jpeg;base64," + base64.b64encode(data).decode()

    # --- substitution ----------------------------------------------------------------------------------------------

    def _map_unknown(self, recorded_id: str, before: str) -> str:
        """An id the recording never received: it names the fixture's project or iteration."""
        key = recorded_id.lower()
        if key not in self.ids:
            prepared = self._prepare() if not before.endswith(("/domains/", "domainId=")) else {}
            if before.endswith(("/projects/", "/prediction/")):
                self.ids[key] = prepared["project"]
            elif before.endswith("/iterations/") or before.endswith("iterationId="):
                self.ids[key] = prepared["iteration"]
            elif before.endswith(("/domains/", "domainId=")):
                self.ids[key] = key  # domain ids are the same everywhere
            else:
                raise AssertionError(f"cannot tell which prepared record {recorded_id} is (after {before!r})")
        return self.ids[key]

    def _path(self, raw_path: str) -> str:
        def substitute(match: re.Match[str]) -> str:
            return self._map_unknown(match.group(0), raw_path[: match.start()])

        return UUID.sub(substitute, raw_path)

    def _query(self, query: str) -> str:
        pairs = []
        for name, value in urllib.parse.parse_qsl(query, keep_blank_values=True):
            if value.startswith("/subscriptions/"):
                value = self.emulator.prediction_resource.resource_id
            elif value.lower() in self.ids:
                value = self.ids[value.lower()]
            elif UUID.fullmatch(value):
                value = self._map_unknown(value, f"{name}=")
            pairs.append((name, value))
        return urllib.parse.urlencode(pairs, quote_via=urllib.parse.quote)

    def _body(self, value: Any, key: str = "") -> Any:
        if isinstance(value, dict):
            return {k: self._body(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [self._body(item, key) for item in value]
        if isinstance(value, str):
            if key == "url" and value.startswith("http"):
                return self.image_url()
            if value.lower() in self.ids:
                return self.ids[value.lower()]
        return value

    def _learn_ids(self, recorded: Any, actual: Any, key: str = "") -> None:
        """Pair the recorded answer's ids (and export tokens) with the emulator's."""
        if isinstance(recorded, dict) and isinstance(actual, dict):
            for name, value in recorded.items():
                if name in actual:
                    self._learn_ids(value, actual[name], name)
        elif isinstance(recorded, list) and isinstance(actual, list):
            for left, right in zip(recorded, actual, strict=False):
                self._learn_ids(left, right, key)
        elif isinstance(recorded, str) and isinstance(actual, str) and (UUID.fullmatch(recorded) or key == "token"):
            self.ids.setdefault(recorded.lower(), actual)

    # --- one exchange ------------------------------------------------------------------------------------------------

    def exchange(self, entry: dict[str, Any], where: str) -> list[str]:
        uri = entry["RequestUri"]
        raw_path, _, query = uri.partition("?")
        path = self._path(raw_path)
        target = path + ("?" + self._query(query) if query else "")
        headers = {"Training-Key": TRAINING_KEY} if "/training/" in path else {"Prediction-Key": PREDICTION_KEY}
        body = entry.get("RequestBody") or ""
        content = json.dumps(self._body(json.loads(body))).encode() if body.strip() else b""
        if content:
            headers["Content-Type"] = "application/json; charset=utf-8"
        recorded = json.loads(entry["ResponseBody"]) if (entry.get("ResponseBody") or "").strip() else None
        deadline = time.monotonic() + 120
        while True:
            # Absolute, so that a recorded `//customvision/...` stays a path and is not read as a host.
            url = httpx.URL(self.endpoint + target)
            response = self.client.request(entry["RequestMethod"], url, content=content, headers=headers)
            actual = response.json() if response.content else None
            still_running = (
                isinstance(recorded, dict)
                and isinstance(actual, dict)
                and actual.get("status") in TRANSIENT
                and recorded.get("status") not in TRANSIENT
            )
            if not still_running or time.monotonic() > deadline:
                break
            time.sleep(0.02)  # the recorded client polled until the job finished; so do we
        if response.status_code != entry["StatusCode"]:
            return [f"{where}: status {response.status_code} where the service answered {entry['StatusCode']}"]
        self._learn_ids(recorded, actual)
        return compare(recorded, actual, where)


@pytest.fixture
def server() -> Iterator[tuple[Emulator, EmulatorServer]]:
    with (
        Emulator(training_key=TRAINING_KEY, prediction_key=PREDICTION_KEY) as emulator,
        emulator.serve(host="127.0.0.1", port=0) as running,
    ):
        yield emulator, running


@pytest.mark.parametrize("recording", _recording_files() or [None], ids=lambda path: path.stem if path else "none")
def test_recording_replays_on_the_emulator(recording: Path | None, server: tuple[Emulator, EmulatorServer]) -> None:
    if recording is None:
        pytest.skip("../shared/recordings not found: reference data absent")
    emulator, running = server
    entries = json.loads(recording.read_text(encoding="utf-8"))["Entries"]
    detection = any("/detect/" in entry["RequestUri"] for entry in entries)
    replay = Replay(emulator, running.endpoint, detection)
    problems: list[str] = []
    with replay.client:
        for index, entry in enumerate(entries):
            operation = entry["RequestUri"].split("?")[0].rsplit("/v3.", 1)[-1]
            where = f"{recording.name} #{index} {entry['RequestMethod']} v3.{operation}"
            problems += replay.exchange(entry, where)
    assert problems == [], "\n".join(problems)


def test_compare_reports_missing_properties_and_types() -> None:
    recorded = {"a": 1, "b": {"c": "x", "d": None}, "e": [{"f": True}], "g": "s"}
    actual = {"a": 1.5, "b": {"c": 3, "d": "anything"}, "e": [{}], "g": None}
    assert compare(recorded, actual, "$") == [
        "$.b.c: number where the service sent string",
        "$.e[0].f: missing",
        "$.g: null where the service sent string",
    ]
    assert compare([1], [], "$") == ["$: empty where the service sent 1 items"]
    assert compare(recorded, {**recorded, "extra": 1}, "$") == []
