"""Every documented export layout, proven on small models built here with onnx.helper."""

from __future__ import annotations

import io
import math
import uuid
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest

onnx = pytest.importorskip("onnx", reason="building test models needs onnx: pip install -e '.[test]'")
pytest.importorskip("onnxruntime", reason="local prediction needs onnxruntime: pip install -e '.[test]'")

from onnx import TensorProto, helper, numpy_helper  # noqa: E402
from PIL import Image  # noqa: E402

from customvision_rest import ConfigurationError  # noqa: E402
from customvision_rest.local import LOCAL_TAG_NAMESPACE, UNKNOWN_ID, YOLO_ANCHORS, LocalPredictor  # noqa: E402

RED = (255, 0, 0)


def picture(colour: tuple[int, int, int], size: tuple[int, int] = (40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


def export(
    folder: Path,
    nodes: list[Any],
    outputs: list[Any],
    labels: list[str],
    *,
    side: int = 8,
    metadata: dict[str, str] | None = None,
    initializers: list[Any] | None = None,
    elem_type: int = TensorProto.FLOAT,
    opsets: tuple[tuple[str, int], ...] = (("", 17),),
) -> Path:
    graph = helper.make_graph(
        nodes,
        "test",
        [helper.make_tensor_value_info("data", elem_type, [1, 3, side, side])],
        outputs,
        initializers or [],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid(domain, v) for domain, v in opsets])
    model.ir_version = 8
    if metadata:
        helper.set_model_props(model, metadata)
    onnx.checker.check_model(model)
    path = folder / "export.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("model.onnx", model.SerializeToString())
        archive.writestr("labels.txt", "\n".join(labels) + "\n")
    return path


def channel_means(output: str = "means") -> list[Any]:
    return [helper.make_node("ReduceMean", ["data"], [output], axes=[2, 3], keepdims=0)]


def constant(name: str, value: np.ndarray) -> list[Any]:
    """A node answering ``value`` whatever the image (the input is read so that it is not pruned)."""
    return [
        helper.make_node("ReduceSum", ["data"], [f"{name}_sum"], keepdims=1),
        helper.make_node("Mul", [f"{name}_sum", f"{name}_zero"], [f"{name}_nothing"]),
        helper.make_node(
            "Cast", [f"{name}_nothing"], [f"{name}_cast"], to=helper.np_dtype_to_tensor_dtype(value.dtype)
        ),
        helper.make_node("Reshape", [f"{name}_cast", f"{name}_one"], [f"{name}_flat"]),
        helper.make_node("Add", [f"{name}_flat", f"{name}_value"], [name]),
    ], [
        numpy_helper.from_array(np.zeros(1, np.float32), f"{name}_zero"),
        numpy_helper.from_array(np.array([1] * max(value.ndim, 1), np.int64), f"{name}_one"),
        numpy_helper.from_array(value, f"{name}_value"),
    ]


@pytest.mark.parametrize(
    ("metadata", "expected"),
    [
        ({"Image.BitmapPixelFormat": "Bgr8", "Image.NominalPixelRange": "NominalRange_0_255"}, [0.0, 0.0, 255.0]),
        ({"Image.BitmapPixelFormat": "Rgb8", "Image.NominalPixelRange": "Normalized_0_1"}, [1.0, 0.0, 0.0]),
        ({}, [0.0, 0.0, 255.0]),  # the service's default: BGR, 0..255
    ],
)
def test_probability_tensor_in_each_channel_order_and_range(
    tmp_path: Path, metadata: dict[str, str], expected: list[float]
) -> None:
    path = export(
        tmp_path,
        channel_means("model_outputs0"),
        [helper.make_tensor_value_info("model_outputs0", TensorProto.FLOAT, [1, 3])],
        ["first", "second", "third"],
        metadata=metadata,
    )
    local = LocalPredictor.from_export(path, tags={"third": "00000000-0000-0000-0000-000000000003"})
    assert local.layout.outputs == "probabilities"
    result = local.classify_image(picture(RED))
    found = {p.tag_name: p.probability for p in result.predictions}
    assert found == pytest.approx(dict(zip(["first", "second", "third"], expected, strict=True)))
    assert next(p.tag_name for p in result.predictions) == ("first" if expected[0] else "third")
    tagged = {p.tag_name: p.tag_id for p in result.predictions}
    assert str(tagged["third"]) == "00000000-0000-0000-0000-000000000003"
    assert tagged["first"] == uuid.uuid5(LOCAL_TAG_NAMESPACE, "first")  # no id given: derived from the name
    assert result.project == result.iteration == UNKNOWN_ID


def test_float16_input(tmp_path: Path) -> None:
    nodes = [*channel_means("half"), helper.make_node("Cast", ["half"], ["model_outputs0"], to=TensorProto.FLOAT)]
    path = export(
        tmp_path,
        nodes,
        [helper.make_tensor_value_info("model_outputs0", TensorProto.FLOAT, [1, 3])],
        ["b", "g", "r"],
        elem_type=TensorProto.FLOAT16,
    )
    local = LocalPredictor.from_export(path)
    assert local.layout.float16
    best = local.classify_image(picture((0, 200, 0))).best()
    assert best is not None and (best.tag_name, best.probability) == ("g", 200.0)


def test_class_label_and_loss_pair(tmp_path: Path) -> None:
    labels = ["apple", "banana", "orange"]
    nodes = [
        *channel_means("means"),
        helper.make_node("Softmax", ["means"], ["probabilities"], axis=1),
        helper.make_node("ZipMap", ["probabilities"], ["loss"], domain="ai.onnx.ml", classlabels_strings=labels),
        helper.make_node("ArgMax", ["probabilities"], ["best"], axis=1, keepdims=0),
        helper.make_node("Gather", ["names", "best"], ["classLabel"]),
    ]
    names = helper.make_tensor("names", TensorProto.STRING, [3], [n.encode() for n in labels])
    path = export(
        tmp_path,
        nodes,
        [
            helper.make_tensor_value_info("classLabel", TensorProto.STRING, [1]),
            helper.make_value_info(
                "loss",
                helper.make_sequence_type_proto(
                    helper.make_map_type_proto(TensorProto.STRING, helper.make_tensor_type_proto(TensorProto.FLOAT, []))
                ),
            ),
        ],
        labels,
        metadata={"Image.BitmapPixelFormat": "Rgb8", "Image.NominalPixelRange": "Normalized_0_1"},
        initializers=[names],
        opsets=(("", 17), ("ai.onnx.ml", 3)),
    )
    local = LocalPredictor.from_export(path)
    assert local.layout.outputs == "label_and_loss"
    result = local.classify_image(picture((0, 0, 255)))
    exponentials = [1.0, 1.0, math.e]
    expected = {name: value / sum(exponentials) for name, value in zip(labels, exponentials, strict=True)}
    assert {p.tag_name: p.probability for p in result.predictions} == pytest.approx(expected)
    assert result.predictions[0].tag_name == "orange"


def _logit(probability: float) -> float:
    return math.log(probability / (1 - probability))


def test_yolo_grid_with_anchors_and_suppression(tmp_path: Path) -> None:
    """Two boxes of one tag overlap (the weaker is suppressed); a third, of the other tag, stands apart."""
    labels, rows = ["apple", "banana"], 2
    grid = np.full((len(YOLO_ANCHORS), 5 + len(labels), rows, rows), 0.0, dtype=np.float32)
    grid[:, 4] = -20.0  # no object anywhere, except:
    # anchor 0, cell (0, 0): centre (0.25, 0.25), 0.3 x 0.3, objectness 0.9, apple
    grid[0, :, 0, 0] = [0.0, 0.0, math.log(0.6 / YOLO_ANCHORS[0][0]), math.log(0.6 / YOLO_ANCHORS[0][1]),
                        _logit(0.9), 4.0, 0.0]  # fmt: skip
    # anchor 1, same cell, nearly the same box but weaker: suppressed (IoU > 0.45)
    grid[1, :, 0, 0] = [0.1, 0.0, math.log(0.6 / YOLO_ANCHORS[1][0]), math.log(0.6 / YOLO_ANCHORS[1][1]),
                        _logit(0.6), 4.0, 0.0]  # fmt: skip
    # anchor 2, cell (1, 1): centre (0.75, 0.75), 0.2 x 0.4, banana
    grid[2, :, 1, 1] = [0.0, 0.0, math.log(0.4 / YOLO_ANCHORS[2][0]), math.log(0.8 / YOLO_ANCHORS[2][1]),
                        _logit(0.8), 0.0, 3.0]  # fmt: skip
    flat = grid.reshape(1, -1, rows, rows)
    nodes, initializers = constant("model_outputs0", flat)
    path = export(
        tmp_path,
        nodes,
        [helper.make_tensor_value_info("model_outputs0", TensorProto.FLOAT, list(flat.shape))],
        labels,
        side=64,
        initializers=initializers,
    )
    local = LocalPredictor.from_export(path)
    assert (local.layout.kind, local.layout.outputs) == ("detection", "yolo_grid")
    result = local.detect_image(picture(RED))
    assert [p.tag_name for p in result.predictions] == ["apple", "banana"]
    apple, banana = result.predictions
    softmax = math.exp(4.0) / (math.exp(4.0) + 1.0)
    assert apple.probability == pytest.approx(0.9 * softmax, rel=1e-5)
    assert banana.probability == pytest.approx(0.8 * math.exp(3.0) / (math.exp(3.0) + 1.0), rel=1e-5)
    assert apple.bounding_box is not None and banana.bounding_box is not None
    assert (apple.bounding_box.left, apple.bounding_box.top) == pytest.approx((0.1, 0.1), abs=1e-5)
    assert (apple.bounding_box.width, apple.bounding_box.height) == pytest.approx((0.3, 0.3), abs=1e-5)
    assert (banana.bounding_box.left, banana.bounding_box.top) == pytest.approx((0.65, 0.55), abs=1e-5)
    assert (banana.bounding_box.width, banana.bounding_box.height) == pytest.approx((0.2, 0.4), abs=1e-5)
    with pytest.raises(ConfigurationError, match="classify_image"):
        local.classify_image(picture(RED))


def test_s1_detection_outputs(tmp_path: Path) -> None:
    boxes = np.array([[[0.1, 0.2, 0.5, 0.6], [0.6, 0.6, 0.9, 0.8]]], dtype=np.float32)
    box_nodes, box_init = constant("detected_boxes", boxes)
    class_nodes, class_init = constant("detected_classes", np.array([[1, 0]], dtype=np.int64))
    score_nodes, score_init = constant("detected_scores", np.array([[0.7, 0.9]], dtype=np.float32))
    path = export(
        tmp_path,
        box_nodes + class_nodes + score_nodes,
        [
            helper.make_tensor_value_info("detected_boxes", TensorProto.FLOAT, [1, None, 4]),
            helper.make_tensor_value_info("detected_classes", TensorProto.INT64, [1, None]),
            helper.make_tensor_value_info("detected_scores", TensorProto.FLOAT, [1, None]),
        ],
        ["cat", "dog"],
        initializers=box_init + class_init + score_init,
    )
    result = LocalPredictor.from_export(path).detect_image(picture(RED))
    assert [p.tag_name for p in result.predictions] == ["cat", "dog"]
    assert [p.probability for p in result.predictions] == pytest.approx([0.9, 0.7])
    cat = result.predictions[0].bounding_box
    assert cat is not None
    assert (cat.left, cat.top, cat.width, cat.height) == pytest.approx((0.6, 0.6, 0.3, 0.2), abs=1e-6)


def test_unknown_layouts_are_refused_naming_what_was_found(tmp_path: Path) -> None:
    path = export(
        tmp_path,
        channel_means("scores"),
        [helper.make_tensor_value_info("scores", TensorProto.FLOAT, [1, 3])],
        ["only", "two"],
    )
    with pytest.raises(ConfigurationError, match=r"scores tensor\(float\) \[1, 3\]"):
        LocalPredictor.from_export(path)
    bad_format = export(
        tmp_path,
        channel_means("p"),
        [helper.make_tensor_value_info("p", TensorProto.FLOAT, [1, 3])],
        ["a", "b", "c"],
        metadata={"Image.BitmapPixelFormat": "Gray8"},
    )
    with pytest.raises(ConfigurationError, match="Gray8"):
        LocalPredictor.from_export(bad_format)


def test_a_package_without_labels_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "broken.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("model.onnx", b"")
    with pytest.raises(ConfigurationError, match=r"labels\.txt.*found \['model\.onnx'\]"):
        LocalPredictor.from_export(path)
    with pytest.raises(ConfigurationError, match="no such export"):
        LocalPredictor.from_export(tmp_path / "missing.zip")


def test_a_missing_runtime_names_the_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    path = export(
        tmp_path,
        channel_means("p"),
        [helper.make_tensor_value_info("p", TensorProto.FLOAT, [1, 3])],
        ["a", "b", "c"],
    )
    monkeypatch.setitem(sys.modules, "onnxruntime", None)
    with pytest.raises(ConfigurationError, match=r"pip install 'customvision-rest\[onnx\]'"):
        LocalPredictor.from_export(path)
