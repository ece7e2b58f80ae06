"""Every Python block of README.md and docs/ runs against the emulator and passes ``mypy --strict``.

See ``tests/docs/blocks.py`` for how blocks are found, what every page may use without defining it, and the
``<!-- docs: no-run -->`` and ``<!-- docs: no-check -->`` marks.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from customvision_rest import PredictionClient, Resource, TrainingClient
from customvision_rest.emulator import Emulator, synthetic_fruit

from .blocks import ROOT, blocks_of, module_of, page_line, pages

PAGES = [page for page in pages() if blocks_of(page)]

# Pages whose blocks are known not to pass yet, each with who fixes it; strict, so a fix must remove the entry.
KNOWN_RUN_ERRORS: dict[str, str] = {}
KNOWN_TYPE_ERRORS: dict[str, str] = {}


def _with_known(known: dict[str, str]) -> list[object]:
    return [
        pytest.param(page, marks=pytest.mark.xfail(reason=known[_page_id(page)], strict=True))
        if _page_id(page) in known
        else page
        for page in PAGES
    ]


FRUITS = ("apple", "banana", "orange")


def _page_id(page: Path) -> str:
    return str(page.relative_to(ROOT))


@pytest.fixture(scope="module")
def service() -> Iterator[dict[str, str]]:
    """An emulator on 127.0.0.1 with a trained, published fruit project; the variables that point at it."""
    with Emulator(training_key="docs-training-key", prediction_key="docs-prediction-key") as emulator:
        server = emulator.serve("127.0.0.1", 0)
        try:
            training = Resource.training(server.endpoint, "docs-training-key")
            prediction = Resource.prediction(
                server.endpoint, "docs-prediction-key", resource_id=emulator.prediction_resource.resource_id
            )
            with TrainingClient(training) as trainer:
                project = trainer.create_project("docs fruit")
                for fruit in FRUITS:
                    tag = trainer.create_tag(project.id, fruit)
                    images = [synthetic_fruit(fruit, seed) for seed in range(5)]
                    trainer.create_images_from_data(project.id, images, tag_ids=[tag.id])
                iteration = trainer.train_and_wait(project.id, timeout=60)
                trainer.publish_iteration(project.id, iteration.id, "fruit-docs", prediction)
            yield {
                "VISION_TRAINING_ENDPOINT": server.endpoint,
                "VISION_TRAINING_KEY": "docs-training-key",
                "VISION_PREDICTION_ENDPOINT": server.endpoint,
                "VISION_PREDICTION_KEY": "docs-prediction-key",
                "VISION_PREDICTION_RESOURCE_ID": emulator.prediction_resource.resource_id,
                "DOCS_PROJECT_ID": str(project.id),
                "DOCS_ITERATION_ID": str(iteration.id),
                "DOCS_PUBLISH_NAME": "fruit-docs",
            }
        finally:
            server.shutdown()


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, service: dict[str, str]) -> Path:
    """A folder with photos/<fruit>/*.jpg and test.jpg, as the current directory, with the variables set."""
    for fruit in FRUITS:
        folder = tmp_path / "photos" / fruit
        folder.mkdir(parents=True)
        for seed in range(5):
            (folder / f"{fruit}-{seed}.jpg").write_bytes(synthetic_fruit(fruit, 100 + seed))
    (tmp_path / "test.jpg").write_bytes(synthetic_fruit("banana", 999))
    for name, value in service.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("page", _with_known(KNOWN_RUN_ERRORS), ids=_page_id)
def test_the_blocks_of_the_page_run(page: Path, workspace: Path) -> None:
    source, starts = module_of(page, for_running=True)
    namespace: dict[str, Any] = {"__name__": "docs_page"}
    code = compile(source, f"<{_page_id(page)}>", "exec")
    try:
        exec(code, namespace)  # noqa: S102 - the project's own documentation, against the emulator
    except Exception as error:
        frames = [frame for frame in traceback.extract_tb(error.__traceback__) if frame.filename == code.co_filename]
        where = page_line(starts, frames[-1].lineno or 0) if frames else _page_id(page)
        pytest.fail(f"{where}: {type(error).__name__}: {error}", pytrace=False)
    finally:
        for name in ("trainer", "predictor"):
            client = namespace.get(name)
            if isinstance(client, (TrainingClient, PredictionClient)):
                client.close()


@pytest.fixture(scope="module")
def mypy_errors(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """``mypy --strict`` over every page at once (one run), its errors sorted by page."""
    pytest.importorskip("mypy")
    folder = tmp_path_factory.mktemp("docs_modules")
    modules: dict[str, tuple[Path, list[Any]]] = {}
    for number, page in enumerate(PAGES):
        source, starts = module_of(page, for_running=False)
        path = folder / f"docs_page_{number}.py"
        path.write_text(source, encoding="utf-8")
        modules[path.name] = (page, starts)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--config-file",
            str(ROOT / "pyproject.toml"),
            "--strict",
            "--no-error-summary",
            "--cache-dir",
            str(ROOT / ".mypy_cache"),
            *(str(folder / name) for name in modules),
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env={**os.environ, "MYPY_FORCE_COLOR": "0"},
    )
    errors: dict[str, list[str]] = {_page_id(page): [] for page in PAGES}
    for line in result.stdout.splitlines():
        match = re.match(r"^(?:.*/)?(docs_page_\d+\.py):(\d+): (?:error|note): (.*)$", line)
        if match and match[1] in modules:
            page, starts = modules[match[1]]
            errors[_page_id(page)].append(f"{page_line(starts, int(match[2]))}: {match[3]}")
        elif line.strip() and not match:
            errors.setdefault("mypy", []).append(line)
    assert result.returncode in (0, 1, 2), result.stderr  # 2: a syntax error, reported with its page
    return errors


@pytest.mark.parametrize("page", _with_known(KNOWN_TYPE_ERRORS), ids=_page_id)
def test_the_blocks_of_the_page_type_check(page: Path, mypy_errors: dict[str, list[str]]) -> None:
    problems = mypy_errors.get(_page_id(page), []) + mypy_errors.get("mypy", [])
    assert not problems, "mypy --strict:\n" + "\n".join(problems)


def test_marks_and_placeholders_are_found(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "# t\n\n```python\nx = 1\n```\n\n<!-- docs: no-run -->\n\n```python\ny = 2\n```\n"
        "<!-- docs: no-check -->\n```py\nz(\n```\n```bash\nls\n```\n"
    )
    found = blocks_of(page)
    assert [(b.line, b.run, b.check) for b in found] == [(4, True, True), (10, False, True), (14, False, False)]
    assert [b.source for b in found] == ["x = 1\n", "y = 2\n", "z(\n"]
