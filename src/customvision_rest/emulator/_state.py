"""The emulator's data model and its persistence.

All records are plain dataclasses held in one `State`, mutated only under `Store.lock`. Image bytes and artifacts
live in a `BlobStore` keyed by content hash. With a data directory, every committed change rewrites `state.json`
atomically (temporary file, fsync, `os.replace`) after the blobs it references were written the same way, so a
crash at any point leaves the previous or the new state, never a torn one.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import tempfile
import threading
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

STATE_FILE = "state.json"
BLOB_DIR = "blobs"
FORMAT_VERSION = 1


def utc_now() -> str:
    """The current time in the service's wire format (milliseconds, `Z`)."""
    now = datetime.now(timezone.utc)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


def new_id() -> str:
    """A new resource id."""
    return str(uuid.uuid4())


def write_atomically(path: Path, data: bytes) -> None:
    """Replace `path` with `data` so that readers see either the old or the new content, never a mix."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as output:
            output.write(data)
            output.flush()
            os.fsync(output.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


class BlobStore:
    """Content-addressed bytes, in memory or as files under a directory."""

    def __init__(self, directory: Path | None) -> None:
        self._directory = directory
        self._memory: dict[str, bytes] = {}

    def put(self, key: str, data: bytes) -> None:
        """Store `data` under `key` (a content hash or a unique id); storing the same key again is a no-op."""
        if self._directory is None:
            self._memory.setdefault(key, data)
            return
        path = self._directory / key[:2] / key
        if not path.exists():
            write_atomically(path, data)

    def collect(self, referenced: set[str]) -> int:
        """Delete the files of blobs no record refers to (left by a crash between a blob and its state) and
        temporary files of interrupted writes; return how many files were removed."""
        if self._directory is None or not self._directory.exists():
            return 0
        removed = 0
        for path in self._directory.glob("*/*"):
            if path.is_file() and (path.name.endswith(".tmp") or path.name not in referenced):
                path.unlink(missing_ok=True)
                removed += 1
        return removed

    def get(self, key: str) -> bytes | None:
        """The bytes stored under `key`, or None."""
        if self._directory is None:
            return self._memory.get(key)
        path = self._directory / key[:2] / key
        try:
            return path.read_bytes()
        except FileNotFoundError:
            return None


@dataclass
class Project:
    """A project and its settings; `resource` is the name of the training resource owning it."""

    id: str
    resource: str
    name: str
    description: str
    domain_id: str
    classification_type: str
    target_export_platforms: list[str]
    created: str
    last_modified: str
    status: str = "Succeeded"
    augmentation_methods: dict[str, bool] | None = None
    thumbnail_hash: str | None = None  # the content hash of the image shown as the project's thumbnail


@dataclass
class Tag:
    """A tag of a project."""

    id: str
    project_id: str
    name: str
    description: str | None
    type: str
    created: str


@dataclass
class Region:
    """A tagged bounding box on an image (normalised coordinates)."""

    region_id: str
    tag_id: str
    left: float
    top: float
    width: float
    height: float
    created: str


@dataclass
class StoredImage:
    """A training image: its bytes are in the blob store under `content_hash`."""

    id: str
    project_id: str
    content_hash: str
    width: int
    height: int
    created: str
    tags: dict[str, str] = field(default_factory=dict)  # tag id -> when it was applied
    regions: list[Region] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)


@dataclass
class TrainingSample:
    """What an iteration was trained on: one image as it was when training started."""

    image_id: str
    content_hash: str
    tag_ids: list[str]
    regions: list[tuple[str, list[float]]]


@dataclass
class ExportRecord:
    """One export of an iteration to a platform/flavor."""

    platform: str
    flavor: str | None
    status: str
    artifact_id: str | None = None


@dataclass
class Iteration:
    """A training run and, once completed, its model and its held-out evaluation."""

    id: str
    project_id: str
    name: str
    status: str
    created: str
    last_modified: str
    domain_id: str
    classification_type: str
    training_type: str
    reserved_budget_in_hours: int
    fingerprint: str
    tag_names: dict[str, str]
    samples: list[TrainingSample]
    started_at: float
    trained_at: str | None = None
    training_started: bool = False  # the job has begun: the service then reports the domain and type
    training_error_details: str | None = None
    training_time_in_minutes: int = 0
    publish_name: str | None = None
    publish_resource_id: str | None = None
    model: dict[str, Any] | None = None
    evaluation: list[dict[str, Any]] = field(default_factory=list)
    exports: list[ExportRecord] = field(default_factory=list)


@dataclass
class StoredPrediction:
    """A prediction kept by the service (predictions through `/nostore` and `store=false` are not)."""

    id: str
    project_id: str
    iteration_id: str
    domain_id: str
    content_hash: str
    width: int
    height: int
    created: str
    application: str | None
    predictions: list[dict[str, Any]]


@dataclass
class Artifact:
    """A downloadable artifact (export packages) belonging to a project."""

    id: str
    project_id: str
    blob_key: str
    file_name: str


@dataclass
class State:
    """Everything the emulated service knows."""

    projects: dict[str, Project] = field(default_factory=dict)
    tags: dict[str, Tag] = field(default_factory=dict)
    images: dict[str, StoredImage] = field(default_factory=dict)
    iterations: dict[str, Iteration] = field(default_factory=dict)
    predictions: dict[str, StoredPrediction] = field(default_factory=dict)
    artifacts: dict[str, Artifact] = field(default_factory=dict)
    project_export_tokens: dict[str, str] = field(default_factory=dict)  # token -> project id
    # Not persisted, rebuilt on load: project id -> content hash -> image id, so that duplicate checks and image
    # counts cost the same however large a project grows.
    image_index: dict[str, dict[str, str]] = field(default_factory=dict)

    def add_image(self, image: StoredImage) -> None:
        """Store an image and index it by content."""
        self.images[image.id] = image
        self.image_index.setdefault(image.project_id, {})[image.content_hash] = image.id

    def remove_image(self, image_id: str) -> None:
        """Forget an image (no-op if absent)."""
        image = self.images.pop(image_id, None)
        if image is not None:
            by_hash = self.image_index.get(image.project_id, {})
            if by_hash.get(image.content_hash) == image_id:
                del by_hash[image.content_hash]

    def forget_project_images(self, project_id: str) -> None:
        """Forget every image of a project."""
        for image_id in list(self.image_index.pop(project_id, {}).values()):
            self.images.pop(image_id, None)

    def image_with_content(self, project_id: str, content_hash: str) -> StoredImage | None:
        """The project's image with these bytes, if any."""
        image_id = self.image_index.get(project_id, {}).get(content_hash)
        return self.images.get(image_id) if image_id is not None else None

    def image_count(self, project_id: str) -> int:
        """How many images the project has."""
        return len(self.image_index.get(project_id, {}))


_RECORD_TYPES: dict[str, type[Any]] = {
    "projects": Project,
    "tags": Tag,
    "images": StoredImage,
    "iterations": Iteration,
    "predictions": StoredPrediction,
    "artifacts": Artifact,
}


def _state_to_json(state: State) -> dict[str, Any]:
    return {
        "formatVersion": FORMAT_VERSION,
        **{name: [dataclasses.asdict(record) for record in getattr(state, name).values()] for name in _RECORD_TYPES},
        "project_export_tokens": state.project_export_tokens,
    }


def record_from_json(record_type: type[Any], data: dict[str, Any]) -> Any:
    """A record of `record_type` from its `dataclasses.asdict` form."""
    if record_type is StoredImage:
        data = {**data, "regions": [Region(**region) for region in data["regions"]]}
    elif record_type is Iteration:
        data = {
            **data,
            "samples": [
                TrainingSample(**{**sample, "regions": [tuple(region) for region in sample["regions"]]})
                for sample in data["samples"]
            ],
            "exports": [ExportRecord(**export) for export in data["exports"]],
        }
    return record_type(**data)


def _state_from_json(data: dict[str, Any]) -> State:
    state = State(project_export_tokens=dict(data.get("project_export_tokens", {})))
    for name, record_type in _RECORD_TYPES.items():
        records = getattr(state, name)
        for item in data.get(name, []):
            record = record_from_json(record_type, item)
            records[record.id] = record
    for image in list(state.images.values()):
        state.add_image(image)
    return state


class Store:
    """The state, its lock, its blobs and, optionally, its directory on disk."""

    def __init__(self, data_dir: Path | None) -> None:
        self.lock = threading.RLock()
        self.data_dir = data_dir
        self.blobs = BlobStore(data_dir / BLOB_DIR if data_dir is not None else None)
        self.state = State()
        if data_dir is not None:
            data_dir.mkdir(parents=True, exist_ok=True)
            for leftover in data_dir.glob(f".{STATE_FILE}.*.tmp"):
                leftover.unlink(missing_ok=True)  # an interrupted write of the state
            self.rollback()
            self.blobs.collect(self.referenced_blobs())

    def referenced_blobs(self) -> set[str]:
        """The keys of every blob a record refers to."""
        state = self.state
        keys = {image.content_hash for image in state.images.values()}
        keys |= {prediction.content_hash for prediction in state.predictions.values()}
        keys |= {artifact.blob_key for artifact in state.artifacts.values()}
        keys |= {project.thumbnail_hash for project in state.projects.values() if project.thumbnail_hash}
        keys |= {sample.content_hash for iteration in state.iterations.values() for sample in iteration.samples}
        return keys

    def rollback(self) -> None:
        """Return to the last committed state after a failed request (a no-op in memory)."""
        if self.data_dir is None:
            return
        state_path = self.data_dir / STATE_FILE
        if state_path.exists():
            self.state = _state_from_json(json.loads(state_path.read_text(encoding="utf-8")))
        else:
            self.state = State()

    def commit(self) -> None:
        """Persist the whole state (a no-op in memory). Call with the lock held, after blobs were stored."""
        if self.data_dir is None:
            return
        encoded = json.dumps(_state_to_json(self.state), separators=(",", ":")).encode()
        write_atomically(self.data_dir / STATE_FILE, encoded)
