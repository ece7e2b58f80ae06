"""Prediction with a trained iteration's model."""

from __future__ import annotations

from typing import Any

from . import _learner
from ._errors import bad_request
from ._state import Iteration, Store


class Predictor:
    """Classifies or detects on image bytes with a completed iteration (call with the store lock held)."""

    store: Store

    def predict(self, iteration: Iteration, data: bytes, with_tag_type: bool = True) -> list[dict[str, Any]]:
        """Predictions of a completed iteration for image bytes, most probable first."""
        if iteration.model is None:
            raise bad_request("BadRequestIterationIsNotTrained", "The iteration is not trained.")
        predictions: list[dict[str, Any]] = []
        if iteration.model["kind"] == "detector":
            for tag_id, probability, box in _learner.detect(iteration.model["detector"], data):
                left, top, width, height = box
                predictions.append(
                    {
                        "probability": probability,
                        "tagId": tag_id,
                        "tagName": iteration.tag_names.get(tag_id),
                        "boundingBox": {"left": left, "top": top, "width": width, "height": height},
                    }
                )
        else:
            model = _learner.LinearModel.from_json(iteration.model["classifier"])
            probabilities = model.probabilities(_learner.image_features(data))[0]
            for tag_id, probability in zip(model.labels, probabilities.tolist(), strict=True):
                predictions.append(
                    {"probability": probability, "tagId": tag_id, "tagName": iteration.tag_names.get(tag_id)}
                )
        if with_tag_type:
            for prediction in predictions:
                tag = self.store.state.tags.get(prediction["tagId"])
                prediction["tagType"] = tag.type if tag else "Regular"
        predictions.sort(key=lambda p: -float(p["probability"]))
        return predictions

    # --- exports ---------------------------------------------------------------------------------------------
