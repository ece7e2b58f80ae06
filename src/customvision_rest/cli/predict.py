"""``predict PROJECT NAME IMAGE...``: classify or detect with a published iteration."""

from __future__ import annotations

from pathlib import Path

import click

from ..models.prediction import ImagePrediction
from ._context import Session, command, pass_session

__all__ = ["register"]


def _summary(image: Path, result: ImagePrediction, top: int) -> dict[str, object]:
    predictions = []
    for prediction in result.ranked()[:top]:
        entry: dict[str, object] = {"tagName": prediction.tag_name, "probability": prediction.probability}
        if prediction.bounding_box is not None:
            entry["boundingBox"] = prediction.bounding_box.to_wire()
        predictions.append(entry)
    return {"image": str(image), "predictions": predictions}


def _line(item: dict[str, object]) -> str:
    found = item["predictions"]
    assert isinstance(found, list)
    tags = ", ".join(f"{p['tagName']} {p['probability']:.3f}" for p in found) or "no predictions"
    return f"{item['image']}: {tags}"


def register(root: click.Group) -> None:
    """Add ``predict`` to the root command."""

    @command(root, "predict")
    @click.argument("project")
    @click.argument("publish_name", metavar="NAME")
    @click.argument(
        "images",
        metavar="IMAGE...",
        nargs=-1,
        required=True,
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
    )
    @click.option("--detect", is_flag=True, help="object detection (regions) instead of classification")
    @click.option("--store", is_flag=True, help="keep the images and predictions in the project (default: not)")
    @click.option("--top", type=click.IntRange(min=1), default=3, show_default=True, help="predictions shown per image")
    @pass_session
    def predict(
        session: Session, project: str, publish_name: str, images: tuple[Path, ...], detect: bool, store: bool, top: int
    ) -> None:
        """Classify (or --detect) each IMAGE with the iteration of PROJECT published as NAME.

        PROJECT by name needs the training settings too (to look the id up); by id, only the prediction ones.
        """
        project_id = session.project_id(None, project)
        predictor = session.predictor()
        if detect:
            run = predictor.detect_image if store else predictor.detect_image_with_no_store
        else:
            run = predictor.classify_image if store else predictor.classify_image_with_no_store
        results = [_summary(image, run(project_id, publish_name, image), top) for image in images]
        session.emit(results, lambda: "\n".join(_line(item) for item in results))
