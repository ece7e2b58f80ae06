"""Run a Custom Vision ONNX export on this machine and answer the Prediction client's models."""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4, uuid5

from .._exceptions import ClientValidationError, ConfigurationError
from ..models.prediction import BoundingBox, ImagePrediction, Prediction
from ..operations import MB, ImageInput, read_image

__all__ = ["LOCAL_TAG_NAMESPACE", "UNKNOWN_ID", "YOLO_ANCHORS", "AsyncLocalPredictor", "LocalPredictor", "ModelLayout"]

INSTALL_HINT = "pip install 'customvision-rest[onnx]'"
YOLO_ANCHORS = ((0.573, 0.677), (1.87, 2.06), (3.34, 5.47), (7.88, 3.53), (9.77, 9.17))
"""The five anchors (width, height, in grid cells) of the service's older object-detection exports."""

LOCAL_TAG_NAMESPACE = UUID("5b0c4f7e-2a35-4d8e-9a51-0c6f1d2e7a94")
"""Without the project's tags, a tag's id is ``uuid5(LOCAL_TAG_NAMESPACE, tag name)``: stable, not the project's."""
UNKNOWN_ID = UUID(int=0)
"""The ``project`` and ``iteration`` of local predictions when the caller does not give them."""
_MAX_IMAGE_BYTES = 512 * MB
_Corners = tuple[float, float, float, float]
_Found = list[tuple[float, int, _Corners]]
_PIXEL_FORMATS = {"bgr8": "BGR", "rgb8": "RGB"}
_PIXEL_RANGES = {"nominalrange_0_255": 255.0, "normalized_0_1": 1.0, "nominalrange_0_1": 1.0}


def _import_runtime() -> tuple[Any, Any, Any]:
    try:
        import numpy
        import onnxruntime
        from PIL import Image
    except ImportError as error:
        raise ConfigurationError(
            f"local prediction needs onnxruntime, numpy and Pillow ({error.name} is missing): {INSTALL_HINT}"
        ) from error
    return numpy, onnxruntime, Image


@dataclass(frozen=True)
class ModelLayout:
    """How an exported model is fed and read, as found in the model file.

    Attributes:
        kind: ``"classification"`` or ``"detection"``.
        outputs: ``"probabilities"``, ``"label_and_loss"``, ``"yolo_grid"`` or ``"detected_boxes"``.
        input_name: the name of the image input.
        height: the model's input height in pixels.
        width: the model's input width in pixels.
        float16: whether the input is float16 (the ``OnnxFloat16`` flavor) rather than float32.
        channels: ``"BGR"`` or ``"RGB"``.
        pixel_scale: 255.0 when pixels are fed as 0..255, 1.0 when as 0..1.
    """

    kind: str
    outputs: str
    input_name: str
    height: int
    width: int
    float16: bool
    channels: str
    pixel_scale: float


def _describe(session: Any, metadata: Mapping[str, str]) -> str:
    inputs = ", ".join(f"{i.name} {i.type} {i.shape}" for i in session.get_inputs())
    outputs = ", ".join(f"{o.name} {o.type} {o.shape}" for o in session.get_outputs())
    return f"inputs [{inputs}], outputs [{outputs}], metadata {dict(metadata)}"


def _read_layout(session: Any, metadata: Mapping[str, str], label_count: int) -> ModelLayout:
    found = _describe(session, metadata)
    inputs = session.get_inputs()
    if len(inputs) != 1:
        raise ConfigurationError(f"not a Custom Vision export: expected one image input; found {found}")
    image = inputs[0]
    shape = list(image.shape)
    if image.type not in ("tensor(float)", "tensor(float16)") or len(shape) != 4 or shape[1] != 3:
        raise ConfigurationError(f"not a Custom Vision export: expected an input [1, 3, H, W] of floats; found {found}")
    height, width = shape[2], shape[3]
    if not (isinstance(height, int) and isinstance(width, int) and height > 0 and width > 0):
        raise ConfigurationError(f"the model's input has no fixed height and width; found {found}")
    pixel_format = metadata.get("Image.BitmapPixelFormat", "Bgr8")
    pixel_range = metadata.get("Image.NominalPixelRange", "NominalRange_0_255")
    if pixel_format.lower() not in _PIXEL_FORMATS:
        raise ConfigurationError(f"unsupported Image.BitmapPixelFormat {pixel_format!r}; found {found}")
    if pixel_range.lower() not in _PIXEL_RANGES:
        raise ConfigurationError(f"unsupported Image.NominalPixelRange {pixel_range!r}; found {found}")
    outputs = {o.name: o for o in session.get_outputs()}
    if {"detected_boxes", "detected_classes", "detected_scores"} <= set(outputs):
        kind, style = "detection", "detected_boxes"
    elif {"classLabel", "loss"} <= set(outputs):
        kind, style = "classification", "label_and_loss"
    elif len(outputs) == 1:
        (only,) = outputs.values()
        rank = len(only.shape)
        if rank == 4 and only.shape[1] in (len(YOLO_ANCHORS) * (5 + label_count), None):
            kind, style = "detection", "yolo_grid"
        elif rank == 2 and only.shape[1] in (label_count, None):
            kind, style = "classification", "probabilities"
        else:
            raise ConfigurationError(
                f"unrecognised output for {label_count} labels: expected [1, {label_count}] probabilities or a "
                f"[1, {len(YOLO_ANCHORS) * (5 + label_count)}, H/32, W/32] detection grid; found {found}"
            )
    else:
        raise ConfigurationError(
            "unrecognised outputs: expected a probability tensor, classLabel and loss, a detection grid, or "
            f"detected_boxes, detected_classes and detected_scores; found {found}"
        )
    return ModelLayout(
        kind=kind,
        outputs=style,
        input_name=image.name,
        height=height,
        width=width,
        float16=image.type == "tensor(float16)",
        channels=_PIXEL_FORMATS[pixel_format.lower()],
        pixel_scale=_PIXEL_RANGES[pixel_range.lower()],
    )


def _read_export(path: Path) -> tuple[bytes, list[str]]:
    if path.is_dir():
        files = {p.name: p for p in path.iterdir() if p.is_file()}
        if "model.onnx" not in files or "labels.txt" not in files:
            raise ConfigurationError(f"{str(path)!r} must hold model.onnx and labels.txt; found {sorted(files)}")
        return files["model.onnx"].read_bytes(), _labels(files["labels.txt"].read_text(encoding="utf-8"))
    if not path.is_file():
        raise ConfigurationError(f"no such export file or folder: {str(path)!r}")
    try:
        with zipfile.ZipFile(path) as package:
            names = {Path(n).name: n for n in package.namelist() if not n.endswith("/")}
            if "model.onnx" not in names or "labels.txt" not in names:
                raise ConfigurationError(f"{str(path)!r} must hold model.onnx and labels.txt; found {sorted(names)}")
            model = package.read(names["model.onnx"])
            labels = package.read(names["labels.txt"]).decode("utf-8")
    except zipfile.BadZipFile as error:
        raise ConfigurationError(f"{str(path)!r} is neither a zip of an export nor a folder") from error
    return model, _labels(labels)


def _labels(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _tag_ids(tags: Mapping[str, Any] | Iterable[Any] | None) -> dict[str, UUID]:
    if tags is None:
        return {}
    if isinstance(tags, Mapping):
        return {str(name): UUID(str(tag_id)) for name, tag_id in tags.items()}
    found: dict[str, UUID] = {}
    for tag in tags:
        tag_object: Any = tag
        if getattr(tag_object, "name", None) is None or getattr(tag, "id", None) is None:
            raise ClientValidationError(f"tags: expected Tag models with a name and an id, got {tag!r}", limit="tags")
        found[str(tag_object.name)] = UUID(str(tag_object.id))
    return found


def _iou(first: Sequence[float], second: Sequence[float]) -> float:
    """Intersection over union of two (left, top, right, bottom) boxes."""
    width = min(first[2], second[2]) - max(first[0], second[0])
    height = min(first[3], second[3]) - max(first[1], second[1])
    overlap = max(0.0, width) * max(0.0, height)
    union = (first[2] - first[0]) * (first[3] - first[1]) + (second[2] - second[0]) * (second[3] - second[1])
    return overlap / union if union > 0 else 0.0


class LocalPredictor:
    """A Custom Vision ONNX export, run by onnxruntime on this machine (extra ``[onnx]``).

    Construct it with :meth:`from_export`; :meth:`classify_image` and :meth:`detect_image` answer the same
    :class:`~customvision_rest.models.prediction.ImagePrediction` as the Prediction client, so code written
    against the cloud keeps working. Inference is thread-safe; the batch methods use a thread pool.

    Attributes:
        labels: the tag names, in the model's output order (``labels.txt``).
        layout: how the model is fed and read (:class:`ModelLayout`).
    """

    def __init__(
        self,
        model: bytes,
        labels: Sequence[str],
        *,
        tags: Mapping[str, Any] | Iterable[Any] | None = None,
        project_id: UUID | str | None = None,
        iteration_id: UUID | str | None = None,
        threshold: float = 0.1,
        max_detections: int = 20,
        providers: Sequence[str] | None = None,
    ) -> None:
        numpy, onnxruntime, image_module = _import_runtime()
        self._np, self._image = numpy, image_module
        self.labels = tuple(labels)
        if not self.labels:
            raise ConfigurationError("labels.txt lists no tags")
        try:
            self._session = onnxruntime.InferenceSession(model, providers=list(providers or ["CPUExecutionProvider"]))
        except Exception as error:
            raise ConfigurationError(f"onnxruntime cannot load the model: {error}") from error
        metadata = dict(self._session.get_modelmeta().custom_metadata_map)
        self.layout = _read_layout(self._session, metadata, len(self.labels))
        self._tag_ids = _tag_ids(tags)
        self._project = UUID(str(project_id)) if project_id is not None else UNKNOWN_ID
        self._iteration = UUID(str(iteration_id)) if iteration_id is not None else UNKNOWN_ID
        self._threshold = threshold
        self._max_detections = max_detections

    @classmethod
    def from_export(
        cls,
        path: str | os.PathLike[str],
        *,
        tags: Mapping[str, Any] | Iterable[Any] | None = None,
        project_id: UUID | str | None = None,
        iteration_id: UUID | str | None = None,
        threshold: float = 0.1,
        max_detections: int = 20,
        providers: Sequence[str] | None = None,
    ) -> LocalPredictor:
        """Load an ONNX export: the downloaded zip, or the folder it was unpacked into.

        Args:
            path: the zip or folder holding ``model.onnx`` and ``labels.txt``.
            tags: the project's tags (``Tag`` models from ``get_tags``, or a mapping of name to id), so that
                predictions carry the cloud's ``tag_id``; without them a tag's id is derived from its name
                (``uuid5(LOCAL_TAG_NAMESPACE, name)``).
            project_id: the ``project`` of the answers (``UNKNOWN_ID``, all zeros, by default).
            iteration_id: the ``iteration`` of the answers (``UNKNOWN_ID`` by default).
            threshold: for detection grids, the lowest score a box needs to be answered.
            max_detections: for detection grids, the most boxes answered.
            providers: onnxruntime execution providers (default CPU).

        Raises:
            ConfigurationError: the runtime is not installed, or the files are not a Custom Vision export
                (the message lists the inputs, outputs and metadata found).
        """
        model, labels = _read_export(Path(path))
        return cls(
            model,
            labels,
            tags=tags,
            project_id=project_id,
            iteration_id=iteration_id,
            threshold=threshold,
            max_detections=max_detections,
            providers=providers,
        )

    def __repr__(self) -> str:
        return f"LocalPredictor(kind={self.layout.kind!r}, outputs={self.layout.outputs!r}, labels={self.labels!r})"

    # --- preprocessing and inference ------------------------------------------------------------------------

    def _tensor(self, image: ImageInput) -> Any:
        data = read_image(image, max_bytes=_MAX_IMAGE_BYTES)
        layout = self.layout
        try:
            picture = self._image.open(io.BytesIO(data)).convert("RGB")
        except Exception as error:
            raise ClientValidationError(
                f"image: not a picture Pillow can read ({error})", limit="image format"
            ) from error
        if picture.size != (layout.width, layout.height):
            picture = picture.resize((layout.width, layout.height), self._image.Resampling.BILINEAR)
        pixels = self._np.asarray(picture, dtype=self._np.float32)
        if layout.channels == "BGR":
            pixels = pixels[:, :, ::-1]
        pixels = pixels.transpose(2, 0, 1)[None] * (layout.pixel_scale / 255.0)
        return self._np.ascontiguousarray(pixels, dtype=self._np.float16 if layout.float16 else self._np.float32)

    def _prediction(self, probability: float, label: int | str, box: BoundingBox | None = None) -> Prediction:
        """A prediction for an output index (named by ``labels.txt``) or for a tag name the model gave."""
        in_range = isinstance(label, int) and 0 <= label < len(self.labels)
        name = self.labels[label] if isinstance(label, int) and in_range else str(label)
        tag_id = self._tag_ids.get(name) or uuid5(LOCAL_TAG_NAMESPACE, name)
        return Prediction(probability=probability, tag_id=tag_id, tag_name=name, bounding_box=box)

    def _answer(self, predictions: list[Prediction]) -> ImagePrediction:
        predictions.sort(key=lambda p: -p.probability)
        return ImagePrediction(
            id=uuid4(),
            project=self._project,
            iteration=self._iteration,
            created=datetime.now(timezone.utc),
            predictions=predictions,
        )

    def _classify(self, tensor: Any) -> ImagePrediction:
        outputs = self._session.run(None, {self.layout.input_name: tensor})
        names = [o.name for o in self._session.get_outputs()]
        if self.layout.outputs == "label_and_loss":
            loss = outputs[names.index("loss")]
            scores = loss[0] if isinstance(loss, list) else loss
            if not isinstance(scores, Mapping):
                raise ConfigurationError(f"the loss output is not a map of tag name to probability: {type(scores)}")
            return self._answer([self._prediction(float(p), str(name)) for name, p in scores.items()])
        probabilities = self._np.asarray(outputs[0], dtype=self._np.float64).reshape(-1)
        return self._answer([self._prediction(float(p), i) for i, p in enumerate(probabilities)])

    def _detect(self, tensor: Any) -> ImagePrediction:
        outputs = self._session.run(None, {self.layout.input_name: tensor})
        if self.layout.outputs == "detected_boxes":
            named = dict(zip([o.name for o in self._session.get_outputs()], outputs, strict=True))
            boxes = self._np.asarray(named["detected_boxes"], dtype=self._np.float64).reshape(-1, 4)
            classes = self._np.asarray(named["detected_classes"]).reshape(-1)
            scores = self._np.asarray(named["detected_scores"], dtype=self._np.float64).reshape(-1)
            found: _Found = [
                (float(s), int(c), (float(b[0]), float(b[1]), float(b[2]), float(b[3])))
                for b, c, s in zip(boxes, classes, scores, strict=True)
            ]
        else:
            found = self._decode_grid(self._np.asarray(outputs[0], dtype=self._np.float64))
        return self._answer(
            [
                self._prediction(score, label, BoundingBox(left=x1, top=y1, width=x2 - x1, height=y2 - y1))
                for score, label, (x1, y1, x2, y2) in found
            ]
        )

    def _decode_grid(self, grid: Any) -> _Found:
        """The YOLO-style grid of older exports: boxes per anchor and cell, then per-tag suppression (IoU 0.45)."""
        np = self._np
        anchors = len(YOLO_ANCHORS)
        _, depth, rows, columns = grid.shape
        labels = depth // anchors - 5
        cells = grid.reshape(anchors, 5 + labels, rows, columns)

        def sigmoid(value: Any) -> Any:
            return 1.0 / (1.0 + np.exp(-value))

        column_index = np.arange(columns)[None, None, :]
        row_index = np.arange(rows)[None, :, None]
        anchor = np.asarray(YOLO_ANCHORS)
        centre_x = (sigmoid(cells[:, 0]) + column_index) / columns
        centre_y = (sigmoid(cells[:, 1]) + row_index) / rows
        width = np.exp(cells[:, 2]) * anchor[:, 0, None, None] / columns
        height = np.exp(cells[:, 3]) * anchor[:, 1, None, None] / rows
        objectness = sigmoid(cells[:, 4])
        logits = cells[:, 5:]
        scores = np.exp(logits - logits.max(axis=1, keepdims=True))
        scores = scores / scores.sum(axis=1, keepdims=True) * objectness[:, None]
        corners = np.stack(
            [centre_x - width / 2, centre_y - height / 2, centre_x + width / 2, centre_y + height / 2], axis=-1
        ).reshape(-1, 4)
        per_box = scores.transpose(0, 2, 3, 1).reshape(-1, labels)
        found: _Found = []
        for label in range(labels):
            candidates = [(float(per_box[i, label]), i) for i in np.flatnonzero(per_box[:, label] > self._threshold)]
            kept: list[_Corners] = []
            for score, i in sorted(candidates, reverse=True):
                x1, y1, x2, y2 = (float(v) for v in corners[i])
                box = (x1, y1, x2, y2)
                if all(_iou(box, other) <= 0.45 for other in kept):
                    kept.append(box)
                    found.append((score, label, box))
        found.sort(key=lambda item: -item[0])
        return found[: self._max_detections]

    def _require(self, kind: str, method: str, other: str) -> None:
        if self.layout.kind != kind:
            raise ConfigurationError(f"this model does {self.layout.kind}: call {other}, not {method}")

    # --- the Prediction client's face -------------------------------------------------------------------------

    def classify_image(self, image: ImageInput) -> ImagePrediction:
        """Classify an image (bytes, a path or a binary file); tag probabilities, most probable first."""
        self._require("classification", "classify_image", "detect_image")
        return self._classify(self._tensor(image))

    def detect_image(self, image: ImageInput) -> ImagePrediction:
        """Detect objects in an image (bytes, a path or a binary file); boxes normalised to 0..1, best first."""
        self._require("detection", "detect_image", "classify_image")
        return self._detect(self._tensor(image))

    def predict_image(self, image: ImageInput) -> ImagePrediction:
        """Classify or detect, as the model does."""
        return self.classify_image(image) if self.layout.kind == "classification" else self.detect_image(image)

    def _map(
        self, run: Callable[[ImageInput], ImagePrediction], images: Iterable[ImageInput], workers: int | None
    ) -> list[ImagePrediction]:
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="customvision-local") as pool:
            return list(pool.map(run, images))

    def classify_images(self, images: Iterable[ImageInput], *, max_workers: int | None = None) -> list[ImagePrediction]:
        """Classify many images on a thread pool; the answers are in the order of ``images``."""
        self._require("classification", "classify_images", "detect_images")
        return self._map(self.classify_image, images, max_workers)

    def detect_images(self, images: Iterable[ImageInput], *, max_workers: int | None = None) -> list[ImagePrediction]:
        """Detect objects in many images on a thread pool; the answers are in the order of ``images``."""
        self._require("detection", "detect_images", "classify_images")
        return self._map(self.detect_image, images, max_workers)


class AsyncLocalPredictor:
    """The awaitable face of a :class:`LocalPredictor`: inference runs in a worker thread, off the event loop.

    ``AsyncLocalPredictor.from_export(path)`` or ``AsyncLocalPredictor(LocalPredictor.from_export(path))``;
    methods as :class:`LocalPredictor`, awaited, like :class:`~customvision_rest.AsyncPredictionClient`'s.
    """

    def __init__(self, predictor: LocalPredictor) -> None:
        self.predictor = predictor

    @classmethod
    def from_export(cls, path: str | os.PathLike[str], **options: Any) -> AsyncLocalPredictor:
        """Load an export as :meth:`LocalPredictor.from_export` does (same keyword options)."""
        return cls(LocalPredictor.from_export(path, **options))

    def __repr__(self) -> str:
        return f"AsyncLocalPredictor({self.predictor!r})"

    async def classify_image(self, image: ImageInput) -> ImagePrediction:
        """Classify an image in a worker thread."""
        import anyio.to_thread

        return await anyio.to_thread.run_sync(self.predictor.classify_image, image)

    async def detect_image(self, image: ImageInput) -> ImagePrediction:
        """Detect objects in an image in a worker thread."""
        import anyio.to_thread

        return await anyio.to_thread.run_sync(self.predictor.detect_image, image)
