"""Real ONNX models of the emulator's trained classifiers and detectors, in the layout of the service's exports.

The service's compact-domain ONNX exports take one input `data` shaped [1, 3, H, W] (BGR, pixels 0..255, as the
model metadata says) and answer a probability tensor (classification) or the S1 detection outputs
`detected_boxes`, `detected_classes`, `detected_scores`. The models built here follow that layout and compute
exactly what `_learner` computes, so a local runtime reproduces the emulator's predictions:

- classification: input 64 x 64 (the learner's feature side); the graph computes the learner's features (HSV
  histograms as Pillow converts to HSV, colour layout, gradient orientations, saliency shape) and its linear model;
- detection: input 320 x 320; every sliding window is cropped and resized to 64 x 64 inside the graph with the
  fixed-point bilinear filter Pillow uses, then scored, and non-maximum suppression keeps the best boxes.

Integer pixel arithmetic and histogram binning are reproduced exactly (bin tables are computed with numpy at
build time); the rest runs in float64, so probabilities agree with the emulator's to about 1e-9.

The `onnx` package is needed only here and is imported when an ONNX export is built.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from . import _learner

logger = logging.getLogger("customvision_rest.emulator")

CLASSIFIER_SIDE = 64
DETECTOR_SIDE = 320
OPSET = 17
MAX_DETECTIONS = 20
_PRECISION_BITS = 22  # Pillow's fixed-point resampling precision for 8-bit images
ONNX_MISSING = "The emulator builds ONNX exports with the onnx package: pip install 'customvision-rest[emulator]'."


def _require_onnx() -> Any:
    try:
        import onnx
    except ImportError as error:  # pragma: no cover - exercised only without the extra
        raise RuntimeError(ONNX_MISSING) from error
    return onnx


def onnx_available() -> bool:
    """Whether ONNX exports can be built in this environment."""
    try:
        import onnx  # noqa: F401
    except ImportError:
        return False
    return True


class _Graph:
    """A small helper that names nodes and constants while a graph is assembled."""

    def __init__(self, onnx: Any) -> None:
        self.onnx = onnx
        self.nodes: list[Any] = []
        self.initializers: list[Any] = []
        self._count = 0

    def _name(self, stem: str) -> str:
        self._count += 1
        return f"{stem}_{self._count}"

    def const(self, value: Any, dtype: Any = np.float64) -> str:
        name = self._name("c")
        self.initializers.append(self.onnx.numpy_helper.from_array(np.asarray(value, dtype=dtype), name))
        return name

    def op(self, kind: str, *inputs: str, outputs: int = 1, **attributes: Any) -> Any:
        names = [self._name(kind.lower()) for _ in range(outputs)]
        self.nodes.append(self.onnx.helper.make_node(kind, list(inputs), names, **attributes))
        return names[0] if outputs == 1 else names

    def cast(self, value: str, to: str) -> str:
        return str(self.op("Cast", value, to=getattr(self.onnx.TensorProto, to)))

    def where(self, condition: str, then: str, otherwise: str) -> str:
        return str(self.op("Where", condition, then, otherwise))

    def ints(self, *values: int) -> str:
        return self.const(list(values), np.int64)


# --- numpy's and Pillow's exact behaviour, tabulated at build time ------------------------------------------------


@functools.cache
def _histogram_bins(bins: int) -> np.ndarray[Any, Any]:
    """The bin numpy's histogram over (0, 1) gives each value k / 255 (k = 0..255), as the learner computes it."""
    values = np.arange(256, dtype=np.float64) / 255.0
    table = np.empty(256, dtype=np.int64)
    for k, value in enumerate(values):
        table[k] = int(np.argmax(np.histogram(np.array([value]), bins=bins, range=(0.0, 1.0))[0]))
    return table


def _pillow_bilinear(in_size: int, out_size: int) -> np.ndarray[Any, Any]:
    """Pillow's fixed-point bilinear resampling weights as an (out, in) matrix of integers."""
    scale = in_size / out_size
    filter_scale = max(scale, 1.0)
    support = 1.0 * filter_scale
    matrix = np.zeros((out_size, in_size), dtype=np.float64)
    for out in range(out_size):
        center = (out + 0.5) * scale
        low = max(int(center - support + 0.5), 0)
        high = min(int(center + support + 0.5), in_size)
        inverse = 1.0 / filter_scale
        weights = [max(0.0, 1.0 - abs((x - center + 0.5) * inverse)) for x in range(low, high)]
        total = sum(weights)
        for offset, weight in enumerate(weights):
            normalised = weight / total if total != 0.0 else weight
            matrix[out, low + offset] = int(0.5 + normalised * (1 << _PRECISION_BITS))
    return matrix


# --- the learner's features, as a graph over a batch [N, 3, 64, 64] of RGB pixel values ---------------------------


def _histogram(g: _Graph, bin_index: str, weights: str, zeros: str) -> str:
    return str(g.op("ScatterElements", zeros, bin_index, weights, axis=1, reduction="add"))


def _zeros(g: _Graph, batch: str, width: int) -> str:
    shape = g.op("Concat", batch, g.ints(width), axis=0)
    return str(g.op("ConstantOfShape", shape, value=g.onnx.numpy_helper.from_array(np.zeros(1, np.float64))))


def _hsv(g: _Graph, red: str, green: str, blue: str) -> tuple[str, str, str]:
    """Pillow's RGB to HSV conversion (single-precision arithmetic, truncation to 8 bits) on pixel values."""
    maxc = g.op("Max", red, green, blue)
    minc = g.op("Min", red, green, blue)
    spread = g.op("Sub", maxc, minc)
    spread32 = g.cast(spread, "FLOAT")
    saturation32 = g.op("Div", spread32, g.cast(maxc, "FLOAT"))

    def distance(channel: str) -> str:
        return str(g.op("Div", g.cast(g.op("Sub", maxc, channel), "FLOAT"), spread32))

    rc, gc, bc = distance(red), distance(green), distance(blue)
    hue_red = g.cast(g.op("Sub", bc, gc), "DOUBLE")

    def offset_hue(base: float, plus: str, minus: str) -> str:
        exact = g.op("Sub", g.op("Add", g.const(base), g.cast(plus, "DOUBLE")), g.cast(minus, "DOUBLE"))
        return g.cast(g.cast(exact, "FLOAT"), "DOUBLE")

    hue_green = offset_hue(2.0, rc, bc)
    hue_blue = offset_hue(4.0, gc, rc)
    hue = g.where(g.op("Equal", red, maxc), hue_red, g.where(g.op("Equal", green, maxc), hue_green, hue_blue))
    turn = g.op("Add", g.op("Div", hue, g.const(6.0)), g.const(1.0))
    turn = g.where(g.op("GreaterOrEqual", turn, g.const(1.0)), g.op("Sub", turn, g.const(1.0)), turn)
    turn = g.cast(g.cast(turn, "FLOAT"), "DOUBLE")

    def to_byte(value: str) -> str:
        scaled = g.op("Floor", g.op("Mul", value, g.const(255.0)))
        return str(g.op("Clip", scaled, g.const(0.0), g.const(255.0)))

    grey = g.op("Equal", spread, g.const(0.0))
    zero = g.const(0.0)
    hue_byte = g.where(grey, zero, to_byte(turn))
    saturation_byte = g.where(grey, zero, to_byte(g.cast(saturation32, "DOUBLE")))
    return hue_byte, saturation_byte, str(maxc)


def _features(g: _Graph, pixels: str, side: int) -> str:
    """The learner's feature rows [N, F] for RGB pixel values [N, 3, side, side] (float64 integers)."""
    count = side * side
    batch = g.op("Slice", g.op("Shape", pixels), g.ints(0), g.ints(1))
    flat = g.op("Reshape", pixels, g.ints(0, 3, count))
    red, green, blue = (g.op("Gather", flat, g.const(c, np.int64), axis=1) for c in range(3))
    hue_byte, saturation_byte, value_byte = _hsv(g, red, green, blue)
    saturation = g.op("Div", saturation_byte, g.const(255.0))
    value = g.op("Div", value_byte, g.const(255.0))

    def bins_of(byte: str, bins: int) -> str:
        return str(g.op("Gather", g.const(_histogram_bins(bins), np.int64), g.cast(byte, "INT64")))

    hue_bins = bins_of(hue_byte, 24)
    zeros24, zeros8 = _zeros(g, batch, 24), _zeros(g, batch, 8)
    hue_hist = _histogram(g, hue_bins, g.op("Mul", saturation, value), zeros24)
    hue_hist = g.op("Div", hue_hist, g.op("Add", g.op("ReduceSum", hue_hist, g.ints(1)), g.const(1e-9)))
    vivid = g.cast(
        g.op("And", g.op("Greater", saturation, g.const(0.45)), g.op("Greater", value, g.const(0.25))), "DOUBLE"
    )
    vivid_hist = _histogram(g, hue_bins, vivid, zeros24)
    vivid_hist = g.op("Div", vivid_hist, g.op("Add", g.op("ReduceSum", vivid, g.ints(1)), g.const(1e-9)))
    ones = g.op("Add", g.op("Mul", saturation, g.const(0.0)), g.const(1.0))
    sat_hist = g.op("Div", _histogram(g, bins_of(saturation_byte, 8), ones, zeros8), g.const(float(count)))
    val_hist = g.op("Div", _histogram(g, bins_of(value_byte, 8), ones, zeros8), g.const(float(count)))

    rgb = g.op("Div", pixels, g.const(255.0))
    cell = side // 4
    blocks = g.op("Reshape", rgb, g.ints(0, 3, 4, cell, 4, cell))
    cells = g.op("Div", g.op("ReduceSum", blocks, g.ints(3, 5), keepdims=0), g.const(float(cell * cell)))
    cells = g.op("Reshape", g.op("Transpose", cells, perm=[0, 2, 3, 1]), g.ints(0, 48))

    channels = [g.op("Gather", rgb, g.const(c, np.int64), axis=1) for c in range(3)]
    gray = g.op("Div", g.op("Add", g.op("Add", channels[0], channels[1]), channels[2]), g.const(3.0))
    gray = g.op("Reshape", gray, g.ints(0, side, side))
    grad_y, grad_x = (_gradient(g, gray, axis, side) for axis in (1, 2))
    magnitude = g.op("Sqrt", g.op("Add", g.op("Mul", grad_x, grad_x), g.op("Mul", grad_y, grad_y)))
    orientation = _orientation_bin(g, grad_y, grad_x)
    edge_hist = _histogram(
        g, g.op("Reshape", orientation, g.ints(0, count)), g.op("Reshape", magnitude, g.ints(0, count)), zeros8
    )
    edge_hist = g.op("Div", edge_hist, g.op("Add", g.op("ReduceSum", edge_hist, g.ints(1)), g.const(1e-9)))
    shape = _saliency_shape(g, saturation_byte, side)
    magnitude_mean = g.op(
        "Div", g.op("ReduceSum", g.op("Reshape", magnitude, g.ints(0, count)), g.ints(1)), g.const(float(count))
    )
    parts = [hue_hist, vivid_hist, sat_hist, val_hist, cells, edge_hist, shape, magnitude_mean]
    return str(g.op("Concat", *parts, axis=1))


def _gradient(g: _Graph, gray: str, axis: int, side: int) -> str:
    """numpy.gradient along one axis: central differences inside, one-sided at both ends."""

    def band(start: int, end: int) -> str:
        return str(g.op("Slice", gray, g.ints(start), g.ints(end), g.ints(axis)))

    first = g.op("Sub", band(1, 2), band(0, 1))
    inside = g.op("Div", g.op("Sub", band(2, side), band(0, side - 2)), g.const(2.0))
    last = g.op("Sub", band(side - 1, side), band(side - 2, side - 1))
    return str(g.op("Concat", first, inside, last, axis=axis))


def _taps(matrix: np.ndarray[Any, Any]) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """A banded resampling matrix as, per output, the input indices it reads and their weights (zero-padded)."""
    spans = [np.flatnonzero(row) for row in matrix]
    width = max(len(span) for span in spans)
    index = np.zeros((matrix.shape[0], width), dtype=np.int64)
    weight = np.zeros((matrix.shape[0], width))
    for out, span in enumerate(spans):
        low = int(span[0]) if len(span) else 0
        taps = np.arange(low, low + width).clip(max=matrix.shape[1] - 1)
        index[out] = taps
        weight[out] = np.where(np.arange(low, low + width) < matrix.shape[1], matrix[out, taps], 0.0)
    return index, weight


def _orientation_bin(g: _Graph, grad_y: str, grad_x: str) -> str:
    """`_learner.orientation_bins`: the sign of a cross product with each bin edge, for directions modulo pi."""
    zero = g.const(0.0)
    lower = g.op(
        "Or",
        g.op("Less", grad_y, zero),
        g.op("And", g.op("Equal", grad_y, zero), g.op("Less", grad_x, zero)),
    )
    # Multiplying by -1 or 1 is exact, and faster here than selecting.
    sign = g.op("Sub", g.const(1.0), g.op("Mul", g.cast(lower, "DOUBLE"), g.const(2.0)))
    up_x, up_y = g.op("Mul", grad_x, sign), g.op("Mul", grad_y, sign)
    count = None
    for cosine, sine in zip(_learner.EDGE_COSINES, _learner.EDGE_SINES, strict=True):
        cross = g.op("Sub", g.op("Mul", up_y, g.const(cosine)), g.op("Mul", up_x, g.const(sine)))
        past = g.cast(g.op("GreaterOrEqual", cross, zero), "INT64")
        count = past if count is None else g.op("Add", count, past)
    return str(count)


def _saliency_shape(g: _Graph, saturation_byte: str, side: int) -> str:
    """Elongation and extent of the saturated area, from exact integer comparisons of the saturation bytes."""
    count = side * side
    total = g.op("ReduceSum", saturation_byte, g.ints(1))
    above_mean = g.op("Greater", g.op("Mul", saturation_byte, g.const(float(count))), total)
    # 0.25 in saturation bytes: k / 255 > 0.25 exactly when k > 63.75.
    mask = g.cast(g.op("And", above_mean, g.op("Greater", saturation_byte, g.const(63.75))), "DOUBLE")
    xs = g.const((np.arange(count) % side) / side)
    ys = g.const((np.arange(count) // side) / side)
    n = g.op("ReduceSum", mask, g.ints(1))
    mean_x = g.op("Div", g.op("ReduceSum", g.op("Mul", mask, xs), g.ints(1)), n)
    mean_y = g.op("Div", g.op("ReduceSum", g.op("Mul", mask, ys), g.ints(1)), n)
    dx = g.op("Mul", g.op("Sub", xs, mean_x), mask)
    dy = g.op("Mul", g.op("Sub", ys, mean_y), mask)
    sxx = g.op("ReduceSum", g.op("Mul", dx, dx), g.ints(1))
    syy = g.op("ReduceSum", g.op("Mul", dy, dy), g.ints(1))
    sxy = g.op("ReduceSum", g.op("Mul", dx, dy), g.ints(1))
    dof = g.op("Sub", n, g.const(1.0))
    a, c, b = (g.op("Div", s, dof) for s in (sxx, syy, sxy))
    half_trace = g.op("Div", g.op("Add", a, c), g.const(2.0))
    half_gap = g.op("Div", g.op("Sub", a, c), g.const(2.0))
    radius = g.op("Sqrt", g.op("Add", g.op("Mul", half_gap, half_gap), g.op("Mul", b, b)))
    small, large = g.op("Sub", half_trace, radius), g.op("Add", half_trace, radius)
    elongation = g.op("Sqrt", g.op("Div", large, g.op("Add", small, g.const(1e-6))))
    elongation = g.op("Div", g.op("Min", elongation, g.const(10.0)), g.const(10.0))
    extent = g.op("Div", n, g.const(float(count)))
    std_x = g.op("Sqrt", g.op("Div", sxx, n))
    std_y = g.op("Sqrt", g.op("Div", syy, n))
    shape = g.op("Concat", elongation, extent, std_x, std_y, axis=1)
    too_few = g.op("Less", n, g.const(5.0))
    return g.where(too_few, g.const(np.zeros((1, 4))), shape)


def _linear(g: _Graph, features: str, model: _learner.LinearModel) -> str:
    standardised = g.op("Div", g.op("Sub", features, g.const(model.mean)), g.const(model.scale))
    logits = g.op("Add", g.op("MatMul", standardised, g.const(model.weights)), g.const(model.bias))
    if model.multilabel:
        return str(g.op("Sigmoid", g.op("Clip", logits, g.const(-40.0), g.const(40.0))))
    return str(g.op("Softmax", logits, axis=1))


def _bgr_input_to_rgb(g: _Graph, data: str) -> str:
    pixels = g.cast(data, "DOUBLE")
    return str(g.op("Gather", pixels, g.ints(2, 1, 0), axis=1))


# --- whole models -------------------------------------------------------------------------------------------------


def _classifier_graph(g: _Graph, model: _learner.LinearModel, out_type: str) -> list[tuple[str, str, list[int]]]:
    probabilities = _linear(g, _features(g, _bgr_input_to_rgb(g, "data"), CLASSIFIER_SIDE), model)
    g.nodes.append(g.onnx.helper.make_node("Cast", [probabilities], ["model_outputs0"], to=_type(g, out_type)))
    return [("model_outputs0", out_type, [1, len(model.labels)])]


def _windows(detector: Mapping[str, Any]) -> list[tuple[int, int, int, int]]:
    """The detector's sliding windows as the pixel boxes the learner crops from a DETECTOR_SIDE image."""
    boxes = _learner.window_boxes([tuple(size) for size in detector["sizes"]])
    side = DETECTOR_SIDE
    pixel_boxes = []
    for left, top, width, height in boxes:
        x0, y0 = int(left * side), int(top * side)
        x1 = max(int((left + width) * side), x0 + 1)
        y1 = max(int((top + height) * side), y0 + 1)
        pixel_boxes.append((x0, y0, x1, y1))
    return pixel_boxes


def _to_bytes(g: _Graph, value: str) -> str:
    """Pillow's rounding of a fixed-point sum back to a byte."""
    half, unit = g.const(float(1 << (_PRECISION_BITS - 1))), g.const(float(1 << _PRECISION_BITS))
    scaled = g.op("Floor", g.op("Div", g.op("Add", value, half), unit))
    return str(g.op("Clip", scaled, g.const(0.0), g.const(255.0)))


@functools.cache
def _pillow_resizes_columns_first(width: int, height: int) -> bool:
    """Whether this Pillow resizes a width x height image to 64 x 64 vertically first (newer versions do when
    the height shrinks much more than the width): found by resizing a probe image both ways."""
    from PIL import Image

    probe = np.random.default_rng(width * 1000 + height).integers(0, 256, (height, width), dtype=np.uint8)
    expected = np.asarray(Image.fromarray(probe).resize((CLASSIFIER_SIDE, CLASSIFIER_SIDE), Image.Resampling.BILINEAR))
    across = _pillow_bilinear(width, CLASSIFIER_SIDE)
    down = _pillow_bilinear(height, CLASSIFIER_SIDE)

    def rounded(value: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        return np.clip(np.floor((value + (1 << (_PRECISION_BITS - 1))) / (1 << _PRECISION_BITS)), 0, 255)

    pixels = probe.astype(np.float64)
    rows_first = rounded(down @ rounded(pixels @ across.T))
    return not np.array_equal(rows_first, expected) and np.array_equal(
        rounded(rounded(down @ pixels) @ across.T), expected
    )


def _resize_rows_first(
    g: _Graph, image: str, pixel_boxes: Sequence[tuple[int, int, int, int]], windows: Sequence[int]
) -> str:
    """The given windows of the image [1, 3, side, side], resized rows first: [windows, 3, 64, 64] in order.

    Rows do not depend on each other, so the horizontal pass is done once per (width, left edge) over the whole
    image height, and each window takes its rows from it. Both passes read only the few pixels under the filter
    (its taps), and gathers run along the first axis, where each index copies one contiguous block.
    """
    strips = sorted({(pixel_boxes[i][2] - pixel_boxes[i][0], pixel_boxes[i][0]) for i in windows})
    by_column = g.op("Reshape", g.op("Transpose", image, perm=[3, 0, 1, 2]), g.ints(DETECTOR_SIDE, 3, DETECTOR_SIDE))
    horizontal = []
    for width in sorted({w for w, _ in strips}):
        lefts = [x0 for w, x0 in strips if w == width]
        index, weight = _taps(_pillow_bilinear(width, CLASSIFIER_SIDE))
        taken = g.op("Gather", by_column, g.const([[x0 + i for i in index.ravel()] for x0 in lefts], np.int64))
        taken = g.op("Reshape", taken, g.ints(len(lefts), CLASSIFIER_SIDE, index.shape[1], 3, DETECTOR_SIDE))
        summed = g.op("ReduceSum", g.op("Mul", taken, g.const(weight[:, :, None, None])), g.ints(2), keepdims=0)
        # [lefts, 64 columns, 3, rows] -> [lefts * rows, 3, 64 columns]
        rows_first = g.op("Transpose", _to_bytes(g, summed), perm=[0, 3, 2, 1])
        horizontal.append(g.op("Reshape", rows_first, g.ints(-1, 3, CLASSIFIER_SIDE)))
    stacked = g.op("Concat", *horizontal, axis=0) if len(horizontal) > 1 else horizontal[0]
    order: list[int] = []
    resized: list[str] = []
    for height in sorted({pixel_boxes[i][3] - pixel_boxes[i][1] for i in windows}):
        members = [i for i in windows if pixel_boxes[i][3] - pixel_boxes[i][1] == height]
        index, weight = _taps(_pillow_bilinear(height, CLASSIFIER_SIDE))
        starts = [
            strips.index((pixel_boxes[i][2] - pixel_boxes[i][0], pixel_boxes[i][0])) * DETECTOR_SIDE + pixel_boxes[i][1]
            for i in members
        ]
        taken = g.op("Gather", stacked, g.const([[s + i for i in index.ravel()] for s in starts], np.int64))
        taken = g.op("Reshape", taken, g.ints(len(members), CLASSIFIER_SIDE, index.shape[1], 3, CLASSIFIER_SIDE))
        summed = g.op("ReduceSum", g.op("Mul", taken, g.const(weight[:, :, None, None])), g.ints(2), keepdims=0)
        resized.append(g.op("Transpose", _to_bytes(g, summed), perm=[0, 2, 1, 3]))  # [windows, 3, 64, 64]
        order.extend(members)
    crops = g.op("Concat", *resized, axis=0) if len(resized) > 1 else resized[0]
    position = {window: k for k, window in enumerate(order)}
    return str(g.op("Gather", crops, g.const([position[i] for i in windows], np.int64)))


def _window_crops(g: _Graph, image: str, pixel_boxes: Sequence[tuple[int, int, int, int]]) -> str:
    """Every window cropped from the image [1, 3, side, side] and resized to 64 x 64 exactly as this Pillow does
    (fixed-point filter, a byte after each pass, either pass first): [windows, 3, 64, 64] in window order."""
    columns_first = [
        i for i, (x0, y0, x1, y1) in enumerate(pixel_boxes) if _pillow_resizes_columns_first(x1 - x0, y1 - y0)
    ]
    rows_first = [i for i in range(len(pixel_boxes)) if i not in set(columns_first)]
    parts, order = [], []
    if rows_first:
        parts.append(_resize_rows_first(g, image, pixel_boxes, rows_first))
        order.extend(rows_first)
    if columns_first:
        # Resizing columns first is resizing rows first in the transposed image.
        transposed = g.op("Transpose", image, perm=[0, 1, 3, 2])
        swapped = [(y0, x0, y1, x1) for x0, y0, x1, y1 in pixel_boxes]
        crops = _resize_rows_first(g, transposed, swapped, columns_first)
        parts.append(g.op("Transpose", crops, perm=[0, 1, 3, 2]))
        order.extend(columns_first)
    crops = g.op("Concat", *parts, axis=0) if len(parts) > 1 else parts[0]
    # Back to the learner's window order, so that ties between equal scores are broken the same way.
    return str(g.op("Gather", crops, g.const(np.argsort(order), np.int64)))


def _detector_graph(g: _Graph, detector: Mapping[str, Any], out_type: str) -> list[tuple[str, str, list[int]]]:
    model = _learner.LinearModel.from_json(detector["classifier"])
    boxes = _learner.window_boxes([tuple(size) for size in detector["sizes"]])
    pixel_boxes = _windows(detector)
    image = _bgr_input_to_rgb(g, "data")
    crops_resized = _window_crops(g, image, pixel_boxes)
    probabilities = _linear(g, _features(g, crops_resized, CLASSIFIER_SIDE), model)
    labels = [label for label in model.labels if label != _learner._BACKGROUND_LABEL]
    class_scores = g.op("Gather", probabilities, g.ints(*range(len(labels))), axis=1)  # [windows, classes]
    corners = np.array([[top, left, top + height, left + width] for left, top, width, height in boxes])
    nms_boxes = g.const(corners[None, :, :], np.float32)
    nms_scores = g.op("Unsqueeze", g.op("Transpose", g.cast(class_scores, "FLOAT"), perm=[1, 0]), g.ints(0))
    selected = g.op("NonMaxSuppression", nms_boxes, nms_scores, g.ints(5), g.const([0.3], np.float32))
    class_index = g.op("Gather", selected, g.ints(1), axis=1)
    window_index = g.op("Gather", selected, g.ints(2), axis=1)
    pair = g.op("Concat", window_index, class_index, axis=1)
    scores = g.op("GatherND", class_scores, pair)  # [selected]
    count = g.op("Min", g.op("Shape", scores), g.ints(MAX_DETECTIONS))
    top_scores, top = g.op("TopK", scores, count, axis=0, largest=1, sorted=1, outputs=2)
    chosen_windows = g.op("Gather", g.op("Squeeze", window_index, g.ints(1)), top)
    chosen_classes = g.op("Gather", g.op("Squeeze", class_index, g.ints(1)), top)
    xyxy = np.array([[left, top, left + width, top + height] for left, top, width, height in boxes])
    chosen_boxes = g.op("Gather", g.const(xyxy), chosen_windows)
    out = _type(g, out_type)
    g.nodes.append(
        g.onnx.helper.make_node("Cast", [g.op("Unsqueeze", chosen_boxes, g.ints(0))], ["detected_boxes"], to=out)
    )
    g.nodes.append(g.onnx.helper.make_node("Unsqueeze", [chosen_classes, g.ints(0)], ["detected_classes"]))
    g.nodes.append(
        g.onnx.helper.make_node("Cast", [g.op("Unsqueeze", top_scores, g.ints(0))], ["detected_scores"], to=out)
    )
    return [
        ("detected_boxes", out_type, [1, -1, 4]),
        ("detected_classes", "INT64", [1, -1]),
        ("detected_scores", out_type, [1, -1]),
    ]


def _type(g: _Graph, name: str) -> int:
    return int(getattr(g.onnx.TensorProto, name))


def build_model(model: Mapping[str, Any], *, float16: bool = False) -> tuple[bytes, list[str]]:
    """The serialized ONNX model of a trained iteration's model, and its output labels (tag ids) in order."""
    onnx = _require_onnx()
    g = _Graph(onnx)
    io_type = "FLOAT16" if float16 else "FLOAT"
    if model["kind"] == "detector":
        side = DETECTOR_SIDE
        outputs = _detector_graph(g, model["detector"], io_type)
        labels = [label for label in model["detector"]["classifier"]["labels"] if label != _learner._BACKGROUND_LABEL]
    else:
        side = CLASSIFIER_SIDE
        linear = _learner.LinearModel.from_json(model["classifier"])
        outputs = _classifier_graph(g, linear, io_type)
        labels = list(linear.labels)
    helper = onnx.helper
    graph = helper.make_graph(
        g.nodes,
        "customvision_emulator",
        [helper.make_tensor_value_info("data", _type(g, io_type), [1, 3, side, side])],
        [
            helper.make_tensor_value_info(name, _type(g, kind), [None if d < 0 else d for d in shape])
            for name, kind, shape in outputs
        ],
        g.initializers,
    )
    document = helper.make_model(
        graph, producer_name="customvision-rest emulator", opset_imports=[helper.make_opsetid("", OPSET)]
    )
    document.ir_version = 8
    helper.set_model_props(
        document, {"Image.BitmapPixelFormat": "Bgr8", "Image.NominalPixelRange": "NominalRange_0_255"}
    )
    onnx.checker.check_model(document)
    return document.SerializeToString(), labels


def onnx_export_files(model: Mapping[str, Any], tag_names: Mapping[str, str], flavor: str | None) -> dict[str, bytes]:
    """The files of an ONNX export: `model.onnx`, `labels.txt` (tag names in output order) and a README.

    Without the onnx package the README says how to install it and no model is written, so the export still
    finishes (as the service's would) and the reason is in the package.
    """
    float16 = (flavor or "").lower() == "onnxfloat16"
    if not onnx_available():
        logger.warning(ONNX_MISSING)
        return {"README.md": ONNX_MISSING.encode()}
    serialized, labels = build_model(model, float16=float16)
    names = [tag_names.get(label, label) for label in labels]
    side = DETECTOR_SIDE if model["kind"] == "detector" else CLASSIFIER_SIDE
    readme = _ONNX_README.format(
        kind="detector" if model["kind"] == "detector" else "classifier",
        side=side,
        dtype="float16" if float16 else "float32",
    )
    return {"model.onnx": serialized, "labels.txt": ("\n".join(names) + "\n").encode(), "README.md": readme.encode()}


_ONNX_README = """# Custom Vision emulator ONNX export

`model.onnx` is a real ONNX model of the emulator's trained {kind}, laid out like the service's compact-domain
exports: one input `data` [1, 3, {side}, {side}] {dtype}, channels BGR, pixels 0..255 (see the model metadata
`Image.BitmapPixelFormat` and `Image.NominalPixelRange`); the image is resized to {side} x {side} (bilinear)
before it is fed. `labels.txt` lists the tag names in the order of the model's outputs. `model.json` holds the
emulator's own description of the same model.
"""
