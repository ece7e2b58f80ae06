"""The compat layer has the old SDK's face: every method, parameter, default and model name of 3.1.1.

The old SDK is installed as a test dependency; these tests read it by introspection, so any method or
parameter of the old clients that the compat clients lack, misname, reorder or default differently fails here.
"""

from __future__ import annotations

import enum
import importlib
import inspect

import pytest

from customvision_rest.compat.prediction import CustomVisionPredictionClient
from customvision_rest.compat.training import CustomVisionTrainingClient

old_training = pytest.importorskip("azure.cognitiveservices.vision.customvision.training")
old_prediction = pytest.importorskip("azure.cognitiveservices.vision.customvision.prediction")

PAIRS = [
    (old_training.CustomVisionTrainingClient, CustomVisionTrainingClient),
    (old_prediction.CustomVisionPredictionClient, CustomVisionPredictionClient),
]


def public_methods(cls: type) -> dict[str, object]:
    return {name: member for name, member in inspect.getmembers(cls, inspect.isfunction) if not name.startswith("_")}


def face(function: object) -> list[tuple[str, str, object]]:
    """Each parameter's name, kind and default: what a caller can depend on (annotations aside)."""
    signature = inspect.signature(function)  # type: ignore[arg-type]
    return [(p.name, p.kind.name, p.default) for p in signature.parameters.values()]


def method_cases() -> list[tuple[str, object, object]]:
    cases = []
    for old, new in PAIRS:
        for name, method in public_methods(old).items():
            cases.append((f"{old.__name__}.{name}", method, getattr(new, name, None)))
    return cases


@pytest.mark.parametrize(("name", "old", "new"), method_cases(), ids=[case[0] for case in method_cases()])
def test_every_old_method_has_the_same_parameters_order_and_defaults(name: str, old: object, new: object) -> None:
    assert new is not None, f"{name} is missing"
    assert face(new) == face(old)


@pytest.mark.parametrize(("old", "new"), PAIRS, ids=["training", "prediction"])
def test_constructors_match(old: type, new: type) -> None:
    assert face(new.__init__) == face(old.__init__)


@pytest.mark.parametrize(("old", "new"), PAIRS, ids=["training", "prediction"])
def test_the_compat_clients_add_no_public_methods_beyond_the_old_ones(old: type, new: type) -> None:
    assert set(public_methods(new)) == set(public_methods(old))


MODEL_MODULES = [
    ("azure.cognitiveservices.vision.customvision.training.models", "customvision_rest.compat.training.models"),
    ("azure.cognitiveservices.vision.customvision.prediction.models", "customvision_rest.compat.prediction.models"),
]

# Fields of API 3.4-preview that this library's v3.3 models do not declare (docs/migration.md says so).
PREVIEW_ONLY_FIELDS = {
    "ProjectSettings": {"export_model_container_uri", "notification_queue_uri"},
    "TrainingParameters": {"custom_base_model_info"},
}


def model_cases() -> list[tuple[str, str, str]]:
    return [(old, new, name) for old, new in MODEL_MODULES for name in importlib.import_module(old).__all__]


@pytest.mark.parametrize(
    ("old_module", "new_module", "name"), model_cases(), ids=[f"{c[0].split('.')[-2]}.{c[2]}" for c in model_cases()]
)
def test_every_old_model_name_exists_with_its_members(old_module: str, new_module: str, name: str) -> None:
    old = getattr(importlib.import_module(old_module), name)
    new = getattr(importlib.import_module(new_module), name, None)
    assert new is not None, f"{new_module} has no {name}"
    assert name in importlib.import_module(new_module).__all__
    if isinstance(old, type) and issubclass(old, enum.Enum):
        # Old member names, each the native member of the same value; the prediction module's error codes are
        # a subset of the training module's, and one table serves both.
        assert all(getattr(new, m.name) == m.value for m in old)
        assert all(isinstance(getattr(new, m.name), enum.Enum) for m in old)
        assert {m.value for m in old} <= {m.value for m in new}
        assert new(next(iter(old)).value) == next(iter(old)).value
    elif hasattr(old, "_attribute_map"):
        missing = set(old._attribute_map) - set(new.model_fields)
        assert missing == PREVIEW_ONLY_FIELDS.get(name, set())
    else:
        assert issubclass(new, Exception)
