"""Find the Python code blocks of README.md and docs/, and turn each page into one module to run and type-check.

The rules (also in CONTRIBUTING.md):

- Every fenced block whose language is ``python`` or ``py`` is taken; other fences (``bash``, ``json``, none) are not.
- The blocks of a page run in order in one namespace, like a notebook, after :data:`PRELUDE`: the names it
  defines (``training``, ``prediction``, ``trainer``, ``predictor``, ``project_id``, ...) may be used by any
  page without being defined there. They point at the emulator, through the ``VISION_*`` variables. A name
  the page binds itself (anywhere: ``trainer = ...``, ``with ... as trainer``) is left out of its prelude, so
  that a page's own ``trainer`` of another type is not a redefinition.
- The page runs in a folder holding ``photos/{apple,banana,orange}/*.jpg`` and ``test.jpg``.
- ``<!-- docs: no-run -->`` on the line before a block: type-checked, not run (it needs Azure, a managed
  identity, a web server...). ``<!-- docs: no-check -->``: neither (output, or a signature shown as code).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PRELUDE = """\
import os
from pathlib import Path

from customvision_rest import PredictionClient, Resource, TrainingClient

training = Resource.from_environment("training")
prediction = Resource.from_environment("prediction")
trainer = TrainingClient(training)
predictor = PredictionClient(prediction)
project_id = os.environ["DOCS_PROJECT_ID"]  # a trained project with the tags apple, banana and orange
iteration_id = os.environ["DOCS_ITERATION_ID"]  # its trained iteration
publish_name = os.environ["DOCS_PUBLISH_NAME"]  # the name that iteration is published under
image_bytes = Path("test.jpg").read_bytes()  # a photo of a banana
"""
"""The names every page may use without defining them; the harness closes the two clients afterwards."""

_FENCE = re.compile(r"^(?P<indent> *)(?P<fence>```+|~~~+)\s*(?P<info>[^\n`]*)$")
_MARK = re.compile(r"<!--\s*docs:\s*(?P<mark>no-run|no-check)\s*-->")


@dataclass(frozen=True)
class Block:
    """One fenced Python block: where it starts (1-based line of its first code line) and how to treat it."""

    path: Path
    line: int
    source: str
    run: bool
    check: bool


def pages() -> list[Path]:
    """README.md and every Markdown page of docs/."""
    return [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def blocks_of(path: Path) -> list[Block]:
    """The Python blocks of one page, in order."""
    lines = path.read_text(encoding="utf-8").splitlines()
    found: list[Block] = []
    index = 0
    while index < len(lines):
        opening = _FENCE.match(lines[index])
        if not opening:
            index += 1
            continue
        indent, fence = len(opening["indent"]), opening["fence"]
        language = (opening["info"].split() or [""])[0].lower()
        body: list[str] = []
        index += 1
        start = index + 1
        while index < len(lines) and not lines[index].strip().startswith(fence):
            text = lines[index]
            body.append(text[indent:] if text[:indent].strip() == "" else text.lstrip())
            index += 1
        index += 1
        if language not in {"python", "py"}:
            continue
        previous = next((lines[i] for i in range(start - 3, -1, -1) if lines[i].strip()), "")
        mark = _MARK.search(previous)
        kind = mark["mark"] if mark else None
        found.append(Block(path, start, "\n".join(body) + "\n", run=kind is None, check=kind != "no-check"))
    return found


def _bound_names(blocks: list[Block]) -> set[str]:
    names: set[str] = set()
    for block in blocks:
        try:
            tree = ast.parse(block.source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
    return names


def prelude_for(blocks: list[Block]) -> str:
    """The prelude without the assignments of names the blocks bind themselves (its imports always stay)."""
    bound = _bound_names(blocks)
    dropped: set[str] = set()
    kept = []
    for line in PRELUDE.splitlines(keepends=True):
        target = re.match(r"^(\w+) = (.*)", line)
        uses = set(re.findall(r"\b\w+\b", target[2])) if target else set()
        if target and (target[1] in bound or uses & dropped):
            dropped.add(target[1])  # and whatever is built from it
            kept.append("\n")  # blank, so that line numbers stay put
        else:
            kept.append(line)
    return "".join(kept)


def module_of(path: Path, *, for_running: bool) -> tuple[str, list[tuple[int, Block]]]:
    """The page as one module: the prelude, then its blocks (those to run, or those to type-check).

    Returns the source and, for each block, the module line it starts on, so errors point back to the page.
    """
    chosen = [block for block in blocks_of(path) if (block.run if for_running else block.check)]
    prelude = prelude_for(chosen)
    parts = [prelude]
    starts: list[tuple[int, Block]] = []
    line = prelude.count("\n") + 1
    for block in chosen:
        header = f"# --- {path.relative_to(ROOT)}:{block.line}\n"
        line += 1
        starts.append((line, block))
        parts.append(header + block.source)
        line += block.source.count("\n")
    return "".join(parts), starts


def page_line(starts: list[tuple[int, Block]], module_line: int) -> str:
    """``page.md:line`` for a line of the module built by :func:`module_of`."""
    for start, block in reversed(starts):
        if module_line >= start:
            return f"{block.path.relative_to(ROOT)}:{block.line + module_line - start}"
    return f"prelude:{module_line}"
