"""Prediction with a trained iteration's model."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from . import _learner
from ._errors import bad_request
from ._state import Iteration, Store


class Predictor:
    """Classifies or detects on image bytes with a completed iteration (call with the store lock held)."""

    store: Store

    def predict(self, iteration: Iteration, data: bytes) -> list[dict[str, Any]]:
        """Predictions of a completed iteration for image bytes (already accepted), most probable first.

        Every entry carries `tagType` and `boundingBox` (null for classifiers); an image that cannot be decoded
        answers 400 `BadRequestImageFormat`, never a 500.
        """
        if iteration.model is None:
            raise bad_request("BadRequestIterationIsNotTrained", "The iteration is not trained.")
        return self.prediction_entries(iteration, score(iteration.model, data))

    def prediction_entries(self, iteration: Iteration, scored: Sequence[Scored]) -> list[dict[str, Any]]:
        """The wire form of scores, most probable first (call with the store lock held)."""
        predictions = [
            prediction_entry(probability, tag_id, iteration.tag_names.get(tag_id), self.tag_type(tag_id), box)
            for tag_id, probability, box in scored
        ]
        predictions.sort(key=lambda p: -float(p["probability"]))
        return predictions

    def tag_type(self, tag_id: str) -> str:
        """The current type of a tag (Regular once the tag is gone)."""
        tag = self.store.state.tags.get(tag_id)
        return tag.type if tag else "Regular"


Scored = tuple[str, float, "dict[str, float] | None"]


def score(model: dict[str, Any], data: bytes) -> list[Scored]:
    """(tag id, probability, box) for each prediction of a trained model on image bytes.

    Pure: it reads no state, so it may run without the store lock (a trained model is never changed in place).
    An image that cannot be processed is a 400 `BadRequestImageFormat`.
    """
    try:
        if model["kind"] == "detector":
            return [
                (tag_id, probability, dict(zip(("left", "top", "width", "height"), box, strict=True)))
                for tag_id, probability, box in _learner.detect(model["detector"], data)
            ]
        linear = _learner.LinearModel.from_json(model["classifier"])
        probabilities = linear.probabilities(_learner.image_features(data))[0]
        return [(tag_id, p, None) for tag_id, p in zip(linear.labels, probabilities.tolist(), strict=True)]
    except Exception as error:  # Pillow and numpy raise many types for images they cannot process
        raise bad_request("BadRequestImageFormat", "Unable to process the image.") from error


def prediction_entry(
    probability: float, tag_id: str, tag_name: str | None, tag_type: str, box: dict[str, float] | None
) -> dict[str, Any]:
    """The wire form of one Prediction."""
    return {"probability": probability, "tagId": tag_id, "tagName": tag_name, "tagType": tag_type, "boundingBox": box}
