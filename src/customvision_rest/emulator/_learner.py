"""The emulator's image learner: hand-made pixel features and small numpy models.

Classification: every image becomes a fixed-length feature vector (HSV colour histograms, a coarse colour layout,
edge-orientation and shape statistics), features are standardised, and a softmax regression (multiclass) or
independent logistic regressions (multilabel) are fitted by full-batch gradient descent with L2 regularisation.

Object detection (a documented, basic level): a crop classifier learns from the tagged regions and from background
crops; prediction scores sliding windows (whose sizes come from the training boxes) and keeps the best boxes after
non-maximum suppression.

Models are plain data (`dict` of lists) so that they persist as JSON and ship inside export artifacts.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from PIL import Image

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

_FEATURE_SIDE = 64
_GRID = 4
_HUE_BINS = 24
_BACKGROUND_LABEL = "__background__"


def load_rgb(data: bytes, max_side: int = 256) -> Image.Image:
    """Decode image bytes to RGB, letting JPEG decode at a reduced scale because features need few pixels."""
    image = Image.open(io.BytesIO(data))
    image.draft("RGB", (max_side, max_side))
    return image.convert("RGB")


def _features_of_image(image: Image.Image) -> FloatArray:
    small = image.resize((_FEATURE_SIDE, _FEATURE_SIDE), Image.Resampling.BILINEAR)
    rgb = np.asarray(small, dtype=np.float64) / 255.0
    hsv = np.asarray(small.convert("HSV"), dtype=np.float64) / 255.0
    hue, saturation, value = hsv[..., 0], hsv[..., 1], hsv[..., 2]
    # Hue is meaningless for grey pixels: one histogram is weighted by saturation, and one counts only vivid
    # pixels, so that a small colourful object is not drowned by a large dull background.
    hue_hist = np.histogram(hue, bins=_HUE_BINS, range=(0.0, 1.0), weights=saturation * value)[0]
    hue_hist = hue_hist / (hue_hist.sum() + 1e-9)
    vivid = (saturation > 0.45) & (value > 0.25)
    vivid_hist = np.histogram(hue[vivid], bins=_HUE_BINS, range=(0.0, 1.0))[0] / (vivid.sum() + 1e-9)
    sat_hist = np.histogram(saturation, bins=8, range=(0.0, 1.0))[0] / saturation.size
    val_hist = np.histogram(value, bins=8, range=(0.0, 1.0))[0] / value.size
    cells = rgb.reshape(_GRID, _FEATURE_SIDE // _GRID, _GRID, _FEATURE_SIDE // _GRID, 3).mean(axis=(1, 3))
    gray = rgb.mean(axis=2)
    grad_y, grad_x = np.gradient(gray)
    magnitude = np.hypot(grad_x, grad_y)
    edge_hist = np.bincount(orientation_bins(grad_y, grad_x).ravel(), weights=magnitude.ravel(), minlength=8)
    edge_hist = edge_hist / (edge_hist.sum() + 1e-9)
    shape = _saliency_shape(saturation)
    # Annotated because numpy 2.2's stubs (the newest numpy on Python 3.10) type this concatenation as Any.
    features: FloatArray = np.concatenate(
        [hue_hist, vivid_hist, sat_hist, val_hist, cells.ravel(), edge_hist, shape, [magnitude.mean()]]
    ).astype(np.float64)
    return features


_EDGE_ANGLES = np.linspace(0.0, np.pi, 9)[1:-1]
EDGE_COSINES = np.cos(_EDGE_ANGLES)
EDGE_SINES = np.sin(_EDGE_ANGLES)


def orientation_bins(grad_y: FloatArray, grad_x: FloatArray) -> npt.NDArray[np.intp]:
    """The bin (0..7, of equal width over 0..pi) of each gradient's direction modulo pi.

    Decided by the sign of a cross product with each bin edge, not by comparing arctan2 values: arctan2 of an
    exact diagonal differs by an ulp between numpy builds, and the ONNX export must give the same bins.
    """
    lower = (grad_y < 0) | ((grad_y == 0) & (grad_x < 0))
    up_x = np.where(lower, -grad_x, grad_x)[..., None]
    up_y = np.where(lower, -grad_y, grad_y)[..., None]
    return np.asarray(((up_y * EDGE_COSINES - up_x * EDGE_SINES) >= 0).sum(axis=-1), dtype=np.intp)


def _saliency_shape(saturation: FloatArray) -> FloatArray:
    """Elongation and extent of the saturated (coloured) area: separates round fruit from long ones."""
    mask = saturation > max(0.25, float(saturation.mean()))
    ys, xs = np.nonzero(mask)
    if len(xs) < 5:
        return np.zeros(4)
    coords = np.stack([xs, ys]).astype(np.float64) / _FEATURE_SIDE
    eigenvalues = np.sort(np.linalg.eigvalsh(np.cov(coords)))
    elongation = float(np.sqrt(eigenvalues[1] / (eigenvalues[0] + 1e-6)))
    return np.array([min(elongation, 10.0) / 10.0, mask.mean(), coords[0].std(), coords[1].std()])


def image_features(data: bytes) -> FloatArray:
    """The feature vector of a whole image."""
    return _features_of_image(load_rgb(data))


def crop_features(image: Image.Image, box: Sequence[float]) -> FloatArray:
    """The feature vector of a normalised box (left, top, width, height) of an already decoded image."""
    width, height = image.size
    left, top, box_width, box_height = box
    pixel_box = (
        int(left * width),
        int(top * height),
        max(int((left + box_width) * width), int(left * width) + 1),
        max(int((top + box_height) * height), int(top * height) + 1),
    )
    return _features_of_image(image.crop(pixel_box))


@dataclass(frozen=True)
class LinearModel:
    """A standardised linear model over image features; `multilabel` selects sigmoids instead of a softmax."""

    labels: tuple[str, ...]
    mean: FloatArray
    scale: FloatArray
    weights: FloatArray
    bias: FloatArray
    multilabel: bool

    def probabilities(self, features: FloatArray) -> FloatArray:
        """Per-label probabilities for a batch of feature rows (shape: rows x labels)."""
        logits = ((np.atleast_2d(features) - self.mean) / self.scale) @ self.weights + self.bias
        if self.multilabel:
            return np.asarray(1.0 / (1.0 + np.exp(-np.clip(logits, -40.0, 40.0))), dtype=np.float64)
        shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
        return np.asarray(shifted / shifted.sum(axis=1, keepdims=True), dtype=np.float64)

    def to_json(self) -> dict[str, Any]:
        """Plain data for persistence and export."""
        return {
            "labels": list(self.labels),
            "mean": self.mean.tolist(),
            "scale": self.scale.tolist(),
            "weights": self.weights.tolist(),
            "bias": self.bias.tolist(),
            "multilabel": self.multilabel,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> LinearModel:
        """The inverse of `to_json`."""
        return cls(
            labels=tuple(data["labels"]),
            mean=np.asarray(data["mean"], dtype=np.float64),
            scale=np.asarray(data["scale"], dtype=np.float64),
            weights=np.asarray(data["weights"], dtype=np.float64),
            bias=np.asarray(data["bias"], dtype=np.float64),
            multilabel=bool(data["multilabel"]),
        )


def fit_linear(
    features: FloatArray,
    targets: FloatArray,
    labels: Sequence[str],
    *,
    multilabel: bool,
    steps: int = 400,
    learning_rate: float = 0.5,
    l2: float = 0.2,
) -> LinearModel:
    """Fit by full-batch gradient descent; `targets` is a 0/1 matrix (rows x labels)."""
    mean = features.mean(axis=0)
    scale = features.std(axis=0) + 1e-6
    x = (features - mean) / scale
    rows, dims = x.shape
    weights = np.zeros((dims, len(labels)))
    bias = np.zeros(len(labels))
    if not multilabel:
        # Softmax targets must be distributions even if an image carries several tags.
        targets = targets / np.maximum(targets.sum(axis=1, keepdims=True), 1.0)
    for _ in range(steps):
        model = LinearModel(tuple(labels), np.zeros(dims), np.ones(dims), weights, bias, multilabel)
        error = model.probabilities(x) - targets
        weights = weights - learning_rate * (x.T @ error / rows + l2 * weights)
        bias = bias - learning_rate * error.mean(axis=0)
    return LinearModel(tuple(labels), mean, scale, weights, bias, multilabel)


@dataclass(frozen=True)
class HeldOutPrediction:
    """A probability per label for one training image, predicted by a model that never saw it."""

    index: int
    probabilities: FloatArray
    fold: int


def cross_validate(
    features: FloatArray, targets: FloatArray, labels: Sequence[str], *, multilabel: bool, seed: int
) -> list[HeldOutPrediction]:
    """Deterministic stratified k-fold (k = up to 5) so that every image is predicted once, held out."""
    rows = features.shape[0]
    folds = int(min(5, max(2, targets.sum(axis=0).min()))) if rows >= 4 else 1
    rng = np.random.default_rng(seed)
    fold_of = np.zeros(rows, dtype=int)
    # Stratify on the first tag of each image so every fold sees every tag.
    primary = targets.argmax(axis=1)
    for label_index in range(len(labels)):
        members = np.flatnonzero(primary == label_index)
        rng.shuffle(members)
        fold_of[members] = np.arange(len(members)) % folds
    held_out: list[HeldOutPrediction] = []
    if folds < 2:
        return held_out
    for fold in range(folds):
        train_rows = fold_of != fold
        test_rows = np.flatnonzero(fold_of == fold)
        if len(test_rows) == 0 or not train_rows.any():
            continue
        model = fit_linear(features[train_rows], targets[train_rows], labels, multilabel=multilabel)
        probabilities = model.probabilities(features[test_rows])
        held_out.extend(HeldOutPrediction(int(i), p, fold) for i, p in zip(test_rows, probabilities, strict=True))
    return sorted(held_out, key=lambda prediction: prediction.index)


@dataclass(frozen=True)
class TagScores:
    """Precision, recall and average precision of one tag, with their spread over the folds."""

    precision: float
    precision_std: float
    recall: float
    recall_std: float
    average_precision: float


def _precision_recall(predicted: BoolArray, truth: BoolArray) -> tuple[float, float]:
    true_positives = float((predicted & truth).sum())
    precision = true_positives / float(predicted.sum()) if predicted.any() else 0.0
    recall = true_positives / float(truth.sum()) if truth.any() else 0.0
    return precision, recall


def average_precision(scores: FloatArray, truth: FloatArray) -> float:
    """The area under the precision-recall curve, ranked by score (the usual non-interpolated AP)."""
    if not truth.any():
        return 0.0
    order = np.argsort(-scores, kind="stable")
    hits = truth[order].astype(np.float64)
    precision_at_k = np.cumsum(hits) / np.arange(1, len(hits) + 1)
    return float((precision_at_k * hits).sum() / hits.sum())


def tag_scores(
    held_out: Sequence[HeldOutPrediction], targets: FloatArray, label_index: int, threshold: float
) -> TagScores:
    """Scores of one label from the held-out predictions, at a probability threshold."""
    if not held_out:
        return TagScores(0.0, 0.0, 0.0, 0.0, 0.0)
    scores = np.array([prediction.probabilities[label_index] for prediction in held_out])
    truth = np.array([targets[prediction.index, label_index] > 0 for prediction in held_out])
    precision, recall = _precision_recall(scores >= threshold, truth)
    per_fold: list[tuple[float, float]] = []
    folds = np.array([prediction.fold for prediction in held_out])
    for fold in np.unique(folds):
        in_fold = folds == fold
        per_fold.append(_precision_recall(scores[in_fold] >= threshold, truth[in_fold]))
    fold_values = np.array(per_fold)
    return TagScores(
        precision=precision,
        precision_std=float(fold_values[:, 0].std()),
        recall=recall,
        recall_std=float(fold_values[:, 1].std()),
        average_precision=average_precision(scores, truth),
    )


# --- object detection -------------------------------------------------------------------------------------------

Box = tuple[float, float, float, float]


def iou(first: Sequence[float], second: Sequence[float]) -> float:
    """Intersection over union of two normalised (left, top, width, height) boxes."""
    left = max(first[0], second[0])
    top = max(first[1], second[1])
    right = min(first[0] + first[2], second[0] + second[2])
    bottom = min(first[1] + first[3], second[1] + second[3])
    intersection = max(0.0, right - left) * max(0.0, bottom - top)
    union = first[2] * first[3] + second[2] * second[3] - intersection
    return intersection / union if union > 0 else 0.0


def window_boxes(sizes: Sequence[tuple[float, float]], steps: int = 7) -> list[Box]:
    """Sliding windows of the given normalised sizes on a regular grid."""
    boxes: list[Box] = []
    for width, height in sizes:
        width, height = min(width, 1.0), min(height, 1.0)
        for row in np.linspace(0.0, 1.0 - height, steps):
            for column in np.linspace(0.0, 1.0 - width, steps):
                boxes.append((float(column), float(row), width, height))
    return boxes


def non_max_suppression(scored: Sequence[tuple[float, Box]], overlap: float = 0.3) -> list[tuple[float, Box]]:
    """Greedy NMS: keep the best box, drop boxes overlapping it, repeat."""
    kept: list[tuple[float, Box]] = []
    for score, box in sorted(scored, key=lambda item: -item[0]):
        if all(iou(box, other) < overlap for _, other in kept):
            kept.append((score, box))
    return kept


def _typical_sizes(boxes: Sequence[Sequence[float]]) -> list[tuple[float, float]]:
    if not boxes:
        return [(0.5, 0.5)]
    sizes = np.array([(box[2], box[3]) for box in boxes])
    median = np.median(sizes, axis=0)
    return [(float(median[0] * factor), float(median[1] * factor)) for factor in (0.75, 1.0, 1.3)]


def fit_detector(
    samples: Sequence[tuple[bytes, Sequence[tuple[str, Sequence[float]]]]], labels: Sequence[str], seed: int
) -> dict[str, Any]:
    """Train the crop classifier on tagged regions (positives) and random low-overlap crops (background)."""
    rng = np.random.default_rng(seed)
    rows: list[FloatArray] = []
    targets: list[FloatArray] = []
    all_labels = [*labels, _BACKGROUND_LABEL]
    boxes_seen: list[Sequence[float]] = []
    for data, regions in samples:
        image = load_rgb(data)
        for tag, box in regions:
            rows.append(crop_features(image, box))
            targets.append(np.eye(len(all_labels))[all_labels.index(tag)])
            boxes_seen.append(box)
        for _ in range(2):
            width, height = rng.uniform(0.2, 0.6, size=2)
            candidate = (float(rng.uniform(0, 1 - width)), float(rng.uniform(0, 1 - height)), width, height)
            if all(iou(candidate, box) < 0.2 for _, box in regions):
                rows.append(crop_features(image, candidate))
                targets.append(np.eye(len(all_labels))[-1])
    model = fit_linear(np.array(rows), np.array(targets), all_labels, multilabel=False)
    return {"classifier": model.to_json(), "sizes": _typical_sizes(boxes_seen)}


def detect(detector: Mapping[str, Any], data: bytes, max_results: int = 20) -> list[tuple[str, float, Box]]:
    """Scored boxes (label, probability, box) for an image, best first."""
    model = LinearModel.from_json(detector["classifier"])
    image = load_rgb(data)
    boxes = window_boxes([tuple(size) for size in detector["sizes"]])
    probabilities = model.probabilities(np.array([crop_features(image, box) for box in boxes]))
    results: list[tuple[str, float, Box]] = []
    for label_index, label in enumerate(model.labels):
        if label == _BACKGROUND_LABEL:
            continue
        scored = [(float(p[label_index]), box) for p, box in zip(probabilities, boxes, strict=True)]
        results.extend((label, score, box) for score, box in non_max_suppression(scored)[:5])
    return sorted(results, key=lambda item: -item[1])[:max_results]


def region_proposals(data: bytes, max_results: int = 10) -> list[tuple[float, Box]]:
    """Class-agnostic proposals: windows whose colour stands out most from the image border."""
    image = load_rgb(data, max_side=128)
    rgb = np.asarray(image.resize((48, 48)), dtype=np.float64) / 255.0
    border = np.concatenate([rgb[0], rgb[-1], rgb[:, 0], rgb[:, -1]]).mean(axis=0)
    contrast = np.linalg.norm(rgb - border, axis=2)
    total = float(contrast.sum()) + 1e-9
    scored: list[tuple[float, Box]] = []
    for box in window_boxes([(0.25, 0.25), (0.4, 0.4), (0.6, 0.6)], steps=6):
        left, top, width, height = (round(value * 48) for value in box)
        inside = float(contrast[top : top + height, left : left + width].sum())
        # Share of all contrast captured, penalised by area, so tight boxes around objects win.
        confidence = inside / total - 0.5 * (box[2] * box[3])
        scored.append((max(0.0, min(1.0, confidence + 0.5)), box))
    return non_max_suppression(scored, overlap=0.5)[:max_results]
