"""What importing the package costs: which modules it loads, and which only a client's first call loads.

Each check runs in a fresh interpreter, since this one has long imported everything. They count modules, never
time: the import benchmark (``benchmarks/run.py --only import``) measures the time.
"""

from __future__ import annotations

import inspect
import json
import subprocess
import sys
import textwrap
import typing
from pathlib import Path
from typing import Any

import httpx
import pytest

from customvision_rest import AsyncPredictionClient, AsyncTrainingClient, PredictionClient, TrainingClient, models
from customvision_rest.models import Tag


def run(code: str) -> Any:
    """Run ``code`` in a fresh interpreter and decode what it printed as JSON."""
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def loaded_after(code: str) -> list[str]:
    """The modules of this package, httpx and pydantic that a fresh interpreter has loaded after ``code``."""
    report = "\nimport json, sys\njson.dump(sorted(sys.modules), sys.stdout)\n"
    return [
        name
        for name in run(textwrap.dedent(code) + report)
        if name.split(".")[0] in ("customvision_rest", "httpx", "pydantic")
    ]


def heavy(modules: list[str]) -> list[str]:
    """httpx, pydantic and the models, among ``modules``."""
    return [m for m in modules if m.split(".")[0] in ("httpx", "pydantic") or m.startswith("customvision_rest.models")]


def test_importing_the_package_and_its_clients_imports_neither_httpx_nor_pydantic_nor_the_models() -> None:
    loaded = loaded_after(
        """
        import customvision_rest
        from customvision_rest import AsyncPredictionClient, AsyncTrainingClient, PredictionClient, TrainingClient
        """
    )
    assert "customvision_rest.clients.training" in loaded
    assert heavy(loaded) == []


def test_a_stand_in_imports_its_module_on_the_first_attribute_read_and_keeps_the_name() -> None:
    result = run(
        """
        import json, sys
        from customvision_rest.core.lazy import is_lazy_module, lazy_module
        colorsys = lazy_module("colorsys")
        before = "colorsys" in sys.modules
        function = colorsys.rgb_to_hsv
        try:
            colorsys.no_such_function
        except AttributeError as error:
            missing = str(error)
        json.dump({
            "before": before,
            "after": "colorsys" in sys.modules,
            "same": function is sys.modules["colorsys"].rgb_to_hsv,
            "kept": "rgb_to_hsv" in vars(colorsys),
            "lazy": [is_lazy_module(colorsys), is_lazy_module(sys.modules["colorsys"])],
            "missing": missing,
        }, sys.stdout)
        """
    )
    assert result["before"] is False
    assert result["after"] and result["same"] and result["kept"]
    assert result["lazy"] == [True, False]
    assert "no_such_function" in result["missing"]


def test_the_exceptions_import_neither_httpx_nor_pydantic() -> None:
    loaded = loaded_after("import customvision_rest._exceptions")
    assert "customvision_rest._exceptions" in loaded
    assert heavy(loaded) == []


def test_every_public_name_resolves_and_dir_lists_them() -> None:
    result = run(
        """
        import json, sys, customvision_rest
        listed = dir(customvision_rest)
        missing = [name for name in customvision_rest.__all__ if name not in listed]
        unresolved = [name for name in customvision_rest.__all__ if getattr(customvision_rest, name, None) is None]
        json.dump({"missing": missing, "unresolved": unresolved, "count": len(customvision_rest.__all__)}, sys.stdout)
        """
    )
    assert result == {"missing": [], "unresolved": [], "count": result["count"]}
    assert result["count"] > 40


def test_a_name_read_later_is_the_object_its_module_defines() -> None:
    same = run(
        """
        import json, sys, customvision_rest
        from customvision_rest.workflows.polling import Poller
        from customvision_rest.clients.training import TrainingClient
        json.dump([customvision_rest.Poller is Poller, customvision_rest.TrainingClient is TrainingClient], sys.stdout)
        """
    )
    assert same == [True, True]


def test_an_unknown_name_raises_attribute_error_naming_it() -> None:
    message = run(
        """
        import json, sys, customvision_rest
        try:
            customvision_rest.TraningClient
        except AttributeError as error:
            json.dump(str(error), sys.stdout)
        """
    )
    assert "TraningClient" in message
    with pytest.raises(AttributeError, match="NoSuchModel"):
        _ = models.NoSuchModel  # type: ignore[attr-defined]


def test_the_models_package_imports_only_the_module_a_name_lives_in() -> None:
    loaded = loaded_after("from customvision_rest.models import ImagePrediction")
    assert "customvision_rest.models.prediction" in loaded
    assert "customvision_rest.models.training" not in loaded
    every = run(
        """
        import json, sys
        from customvision_rest import models
        namespace = {}
        exec("from customvision_rest.models import *", namespace)
        json.dump([name for name in models.__all__ if name not in namespace or name not in dir(models)], sys.stdout)
        """
    )
    assert every == []


def test_a_signature_shows_the_real_types_of_names_imported_for_type_checkers_only() -> None:
    result = run(
        """
        import inspect, json, sys
        from customvision_rest import PredictionClient
        client = PredictionClient("https://example.cognitiveservices.azure.com", "key")
        signature = inspect.signature(client.classify_image)
        json.dump([signature.return_annotation.__module__, signature.return_annotation.__name__], sys.stdout)
        """
    )
    assert result == ["customvision_rest.models.prediction", "ImagePrediction"]


def _annotation_parts(annotation: Any) -> list[Any]:
    """The annotation and every type argument in it, recursively (``X | None`` gives ``X`` and ``None``)."""
    parts = [annotation]
    for argument in typing.get_args(annotation):
        parts += _annotation_parts(argument)
    return parts


def test_no_client_method_signature_names_a_type_of_httpx_or_pydantic_or_leaves_one_as_text() -> None:
    """The names imported for type checkers only resolve to the package's own types (pydantic has a ``Tag``)."""
    wrong: list[str] = []
    for client_class in (TrainingClient, AsyncTrainingClient, PredictionClient, AsyncPredictionClient):
        client = client_class("https://example.cognitiveservices.azure.com", "key")
        for name in dir(client_class):
            method = getattr(client, name)
            if name.startswith("_") or not callable(method) or not hasattr(method, "__signature__"):
                continue
            signature = inspect.signature(method)
            parts = [p.annotation for p in signature.parameters.values() if p.kind is not p.VAR_KEYWORD]
            # Pagers (iter_*) state their result as text by design: Iterator[X] written as the builder names X.
            result = signature.return_annotation
            parts += [] if name.startswith("iter_") and isinstance(result, str) else [result]
            for part in (each for annotation in parts for each in _annotation_parts(annotation)):
                home = getattr(part, "__module__", "") or ""
                if isinstance(part, str) or home.split(".")[0] in ("httpx", "pydantic"):
                    wrong.append(f"{client_class.__name__}.{name}: {part!r}")
    assert wrong == []
    assert (
        inspect.signature(TrainingClient("https://x.cognitiveservices.azure.com", "k").get_tag).return_annotation is Tag
    )


@pytest.fixture(scope="module")
def published_project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A project trained and published on an emulator whose state a fresh interpreter can open."""
    emulator_module = pytest.importorskip("customvision_rest.emulator")
    pytest.importorskip("numpy")
    data_dir = tmp_path_factory.mktemp("emulator")
    with emulator_module.Emulator(training_key="t-key", prediction_key="p-key", data_dir=data_dir) as emulator:
        http = httpx.Client(transport=emulator.transport())
        with TrainingClient("https://training.test", "t-key", http_client=http) as trainer:
            project = trainer.create_project("first calls")
            for kind in ("apple", "banana"):
                tag = trainer.create_tag(project.id, kind)
                images = [emulator_module.synthetic_fruit(kind, seed, (64, 64)) for seed in range(5)]
                trainer.upload_images(project.id, images, tag_ids=[tag.id])
            iteration = trainer.train_and_wait(project.id, timeout=60)
            assert iteration.id is not None
            trainer.publish_iteration(project.id, iteration.id, "fruit", emulator.prediction_resource.resource_id)
    return data_dir, str(project.id)


def test_a_prediction_clients_first_call_imports_the_prediction_models_only(
    published_project: tuple[Path, str],
) -> None:
    data_dir, project_id = published_project
    result = run(
        f"""
        import json, sys
        import httpx
        from customvision_rest import PredictionClient
        from customvision_rest.emulator import Emulator, synthetic_fruit

        with Emulator(training_key="t-key", prediction_key="p-key", data_dir={str(data_dir)!r}) as emulator:
            http = httpx.Client(transport=emulator.transport())
            before = sorted(sys.modules)
            with PredictionClient("https://prediction.test", "p-key", http_client=http) as client:
                answer = client.classify_image({project_id!r}, "fruit", synthetic_fruit("apple", 99, (64, 64)))
        json.dump({{"best": answer.best().tag_name, "before": before, "after": sorted(sys.modules)}}, sys.stdout)
        """
    )
    assert result["best"] in ("apple", "banana")
    assert "customvision_rest.models.prediction" not in result["before"]
    assert "customvision_rest.models.prediction" in result["after"]
    assert "customvision_rest.models.training" not in result["after"]
    assert "customvision_rest.operations.training" not in result["after"]
