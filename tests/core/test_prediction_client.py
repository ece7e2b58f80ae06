"""The Prediction client: its eight operations, image inputs, the 4 MB limit, models and the real recordings."""

from __future__ import annotations

import asyncio
import io
import json
import re
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import httpx
import pytest
import respx

from customvision_rest import AsyncPredictionClient, ClientValidationError, NoPredictionsError, PredictionClient
from customvision_rest.models.prediction import ImagePrediction
from customvision_rest.operations.prediction import MAX_PREDICTION_IMAGE_BYTES

from .helpers import ENDPOINT, PREDICTION_BODY, PREDICTION_KEY, PROJECT_ID

OPERATIONS = [
    ("classify_image", "classify", "image", False),
    ("classify_image_with_no_store", "classify", "image", True),
    ("classify_image_url", "classify", "url", False),
    ("classify_image_url_with_no_store", "classify", "url", True),
    ("detect_image", "detect", "image", False),
    ("detect_image_with_no_store", "detect", "image", True),
    ("detect_image_url", "detect", "url", False),
    ("detect_image_url_with_no_store", "detect", "url", True),
]


@pytest.mark.parametrize(("method", "task", "source", "nostore"), OPERATIONS)
@pytest.mark.parametrize("api_version", ["3.1", "3.0"])
def test_each_operation_builds_the_documented_request(
    method: str, task: str, source: str, nostore: bool, api_version: str
) -> None:
    argument: Any = b"\xff\xd8jpeg" if source == "image" else "https://example.invalid/a.jpg"
    path = f"/customvision/v{api_version}/prediction/{PROJECT_ID}/{task}/iterations/fruit%20model/{source}"
    path += "/nostore" if nostore else ""
    with respx.mock(base_url=ENDPOINT) as mock:
        route = mock.post(path).mock(return_value=httpx.Response(200, json=PREDICTION_BODY))
        client = PredictionClient(ENDPOINT, PREDICTION_KEY, api_version=api_version)
        result = getattr(client, method)(uuid.UUID(PROJECT_ID), "fruit model", argument, application="kiosk")
    request = route.calls.last.request
    assert request.url.params["application"] == "kiosk"
    if source == "image":
        assert request.headers["Content-Type"] == "application/octet-stream"
        assert request.content == argument
    else:
        assert request.headers["Content-Type"] == "application/json"
        assert json.loads(request.content) == {"url": argument}
    assert isinstance(result, ImagePrediction)
    assert result.best().tag_name == "apple"


def test_application_is_omitted_when_not_given() -> None:
    with respx.mock(base_url=ENDPOINT) as mock:
        route = mock.post(url__regex=r".*/url$").mock(return_value=httpx.Response(200, json=PREDICTION_BODY))
        PredictionClient(ENDPOINT, PREDICTION_KEY).classify_image_url(PROJECT_ID, "m", "https://a")
    assert "application" not in route.calls.last.request.url.params


def test_image_from_path_and_file(tmp_path: Path) -> None:
    image = tmp_path / "apple.jpg"
    image.write_bytes(b"\xff\xd8from-path")
    with respx.mock(base_url=ENDPOINT) as mock:
        route = mock.post(url__regex=r".*/image$").mock(return_value=httpx.Response(200, json=PREDICTION_BODY))
        client = PredictionClient(ENDPOINT, PREDICTION_KEY)
        client.classify_image(PROJECT_ID, "m", image)
        assert route.calls.last.request.content == b"\xff\xd8from-path"
        client.classify_image(PROJECT_ID, "m", str(image))
        assert route.calls.last.request.content == b"\xff\xd8from-path"
        with image.open("rb") as handle:
            client.classify_image(PROJECT_ID, "m", handle)
        assert route.calls.last.request.content == b"\xff\xd8from-path"
        client.classify_image(PROJECT_ID, "m", io.BytesIO(b"from-buffer"))
        assert route.calls.last.request.content == b"from-buffer"


class TestLimits:
    def send(self, image: Any) -> respx.Route:
        with respx.mock(base_url=ENDPOINT, assert_all_called=False) as mock:
            route = mock.post(url__regex=r".*").mock(return_value=httpx.Response(200, json=PREDICTION_BODY))
            PredictionClient(ENDPOINT, PREDICTION_KEY).classify_image(PROJECT_ID, "m", image)
        return route

    def test_exactly_4_mb_is_sent(self) -> None:
        assert self.send(b"x" * MAX_PREDICTION_IMAGE_BYTES).call_count == 1

    def test_one_byte_over_is_refused_before_sending(self) -> None:
        with respx.mock(base_url=ENDPOINT, assert_all_called=False) as mock:
            route = mock.post(url__regex=r".*")
            with pytest.raises(ClientValidationError, match="4 MB") as caught:
                PredictionClient(ENDPOINT, PREDICTION_KEY).classify_image(
                    PROJECT_ID, "m", b"x" * (MAX_PREDICTION_IMAGE_BYTES + 1)
                )
            assert not route.called
        assert caught.value.value == MAX_PREDICTION_IMAGE_BYTES + 1

    def test_large_file_refused_without_reading_it(self, tmp_path: Path) -> None:
        big = tmp_path / "big.jpg"
        with big.open("wb") as handle:
            handle.truncate(MAX_PREDICTION_IMAGE_BYTES + 10)
        with pytest.raises(ClientValidationError, match="4 MB"):
            self.send(big)

    def test_empty_image(self) -> None:
        with pytest.raises(ClientValidationError, match="empty"):
            self.send(b"")

    def test_missing_file(self, tmp_path: Path) -> None:
        with pytest.raises(ClientValidationError, match="no such file"):
            self.send(tmp_path / "missing.jpg")

    def test_text_mode_file(self) -> None:
        with pytest.raises(ClientValidationError, match="binary"):
            self.send(io.StringIO("text"))

    def test_bad_project_id(self) -> None:
        with pytest.raises(ClientValidationError, match="project_id must be a UUID"):
            PredictionClient(ENDPOINT, PREDICTION_KEY).classify_image("my-project", "m", b"x")

    def test_empty_publish_name(self) -> None:
        with pytest.raises(ClientValidationError, match="published_name"):
            PredictionClient(ENDPOINT, PREDICTION_KEY).classify_image(PROJECT_ID, " ", b"x")


def test_async_client_all_operations() -> None:
    async def scenario() -> list[ImagePrediction]:
        with respx.mock(base_url=ENDPOINT) as mock:
            mock.post(url__regex=r".*").mock(return_value=httpx.Response(200, json=PREDICTION_BODY))
            async with AsyncPredictionClient(ENDPOINT, PREDICTION_KEY) as client:
                results = []
                for method, _, source, _ in OPERATIONS:
                    argument: Any = b"img" if source == "image" else "https://a"
                    results.append(await getattr(client, method)(PROJECT_ID, "m", argument))
                return results

    results = asyncio.run(scenario())
    assert len(results) == 8
    assert all(isinstance(r, ImagePrediction) for r in results)


class TestResultHelpers:
    def result(self) -> ImagePrediction:
        return ImagePrediction.model_validate(PREDICTION_BODY)

    def test_best_top_above(self) -> None:
        result = self.result()
        assert result.best().tag_name == "apple"
        assert [p.tag_name for p in result.top(2)] == ["apple", "banana"]
        assert [p.tag_name for p in result.above(0.25)] == ["apple", "banana"]
        assert result.above(0.9) == []
        assert result.probabilities()["orange"] == pytest.approx(8.79471951e-13)

    def test_empty(self) -> None:
        empty = ImagePrediction.model_validate({**PREDICTION_BODY, "predictions": []})
        assert empty.top(3) == [] and empty.above(0.0) == []
        with pytest.raises(NoPredictionsError, match="no predictions") as caught:
            empty.best()
        assert isinstance(caught.value, LookupError)

    @pytest.mark.parametrize("threshold", [-0.1, 1.5])
    def test_threshold_range(self, threshold: float) -> None:
        with pytest.raises(ValueError, match="between 0 and 1"):
            self.result().above(threshold)

    def test_created_is_utc(self) -> None:
        offset = self.result().created.utcoffset()
        assert offset is not None and offset.total_seconds() == 0


def recorded_predictions(shared: Path) -> list[dict[str, Any]]:
    entries = []
    for path in sorted((shared / "recordings").glob("net-prediction-*.json")):
        entries.extend(json.loads(path.read_text())["Entries"])
    return entries


def test_real_prediction_recordings_replay(shared: Path) -> None:
    """Our requests match the recorded ones, and the recorded responses parse into our models."""
    entries = recorded_predictions(shared)
    assert len(entries) >= 3
    for entry in entries:
        path = "/" + entry["RequestUri"].lstrip("/")
        match = re.fullmatch(
            r"/customvision/v(?P<version>[^/]+)/prediction/(?P<project>[^/]+)/(?P<task>classify|detect)"
            r"/iterations/(?P<published>[^/]+)/(?P<source>image|url)(?P<nostore>/nostore)?",
            path,
        )
        assert match, f"not a prediction path: {path}"
        with respx.mock(base_url=ENDPOINT) as mock:
            route = mock.post(path).mock(
                return_value=httpx.Response(
                    entry["StatusCode"],
                    content=entry["ResponseBody"].encode(),
                    headers={k: v[0] for k, v in entry["ResponseHeaders"].items() if k.lower() == "content-type"},
                )
            )
            client = PredictionClient(ENDPOINT, PREDICTION_KEY, api_version=match["version"])
            body = json.loads(entry["RequestBody"])
            method = f"{match['task']}_image_{match['source']}" + ("_with_no_store" if match["nostore"] else "")
            result = getattr(client, method)(match["project"], unquote(match["published"]), body["url"])
        sent = route.calls.last.request
        assert json.loads(sent.content) == body
        assert sent.url.raw_path.decode() == path
        expected = json.loads(entry["ResponseBody"])
        assert str(result.id) == expected["id"]
        assert not result.model_extra
        assert len(result.predictions) == len(expected["predictions"])
        assert [p.probability for p in result.predictions] == [p["probability"] for p in expected["predictions"]]
        assert all(not p.model_extra for p in result.predictions)


def test_spec_examples_parse(shared: Path) -> None:
    examples = sorted((shared / "spec/Prediction/stable/v3.1/examples").glob("*.json"))
    assert examples
    for example in examples:
        body = json.loads(example.read_text())["responses"]["200"]["body"]
        parsed = ImagePrediction.model_validate(body)
        assert len(parsed.predictions) == len(body["predictions"])
        assert ImagePrediction.model_validate(parsed.to_wire()) == parsed
