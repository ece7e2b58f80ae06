"""The service core shared by the Training and Prediction APIs: lookups, wire serializers, image intake,
background jobs (training, export, import) and prediction."""

from __future__ import annotations

import hashlib
import io
import json
import threading
import time
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import httpx
import numpy as np

from . import _learner
from ._domains import DOMAINS_BY_ID
from ._errors import ServiceError, bad_request, not_found
from ._images import ImageRejectedError, inspect_image
from ._resources import EmulatorResource
from ._state import (
    Artifact,
    Iteration,
    Project,
    Region,
    Store,
    StoredImage,
    Tag,
    TrainingSample,
    new_id,
    utc_now,
)

QUOTAS: dict[str, dict[str, int]] = {
    "F0": {"projects": 2, "tags": 50, "images": 5_000, "iterations": 20},
    "S0": {"projects": 100, "tags": 500, "images": 100_000, "iterations": 20},
}
DETECTION_MIN_IMAGES_PER_TAG = 15
CLASSIFICATION_MIN_IMAGES_PER_TAG = 5


@dataclass(frozen=True)
class RequestContext:
    """One request as a handler sees it."""

    request: httpx.Request
    resource: EmulatorResource
    params: Mapping[str, str]
    request_id: str
    base_url: str

    @property
    def query(self) -> httpx.QueryParams:
        """The query string."""
        return self.request.url.params

    def json_body(self) -> Any:
        """The JSON body, or None when there is none; malformed JSON is a 400."""
        if not self.request.content:
            return None
        try:
            return json.loads(self.request.content)
        except ValueError as error:
            raise bad_request("BadRequest", "The request body is not valid JSON.") from error


def csv_param(query: httpx.QueryParams, name: str) -> list[str]:
    """A comma-separated (or repeated) list query parameter."""
    return [item.strip() for value in query.get_list(name) for item in value.split(",") if item.strip()]


def bool_param(query: httpx.QueryParams, name: str, default: bool = False) -> bool:
    """A boolean query parameter as .NET writes it (`true`/`false`, any case)."""
    value = query.get(name)
    return default if value is None else value.strip().lower() == "true"


def int_param(query: httpx.QueryParams, name: str, default: int) -> int:
    """An integer query parameter; garbage is a 400."""
    value = query.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as error:
        raise bad_request("BadRequest", f"The query parameter {name} must be an integer.") from error


def float_param(query: httpx.QueryParams, name: str, default: float) -> float:
    """A number query parameter; garbage is a 400."""
    value = query.get(name)
    if value is None or value == "":
        return default
    try:
        return float(value)
    except ValueError as error:
        raise bad_request("BadRequest", f"The query parameter {name} must be a number.") from error


def is_detection(project: Project) -> bool:
    """Whether a project is an object detection project (by its domain)."""
    domain = DOMAINS_BY_ID.get(project.domain_id)
    return domain is not None and domain.type == "ObjectDetection"


class Service:
    """Owns the store and runs the background work; the API modules hold the per-operation logic."""

    def __init__(self, store: Store, *, min_training_seconds: float, seed: int) -> None:
        self.store = store
        self.min_training_seconds = min_training_seconds
        self.seed = seed
        self.resources: dict[str, EmulatorResource] = {}
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []
        self._features: dict[str, _learner.FloatArray] = {}

    # --- resources ------------------------------------------------------------------------------------------

    def resource_by_id(self, resource_id: str) -> EmulatorResource | None:
        """The resource with this ARM id (case-insensitive, as ARM ids are)."""
        wanted = resource_id.strip().rstrip("/").lower()
        return next((r for r in self.resources.values() if r.resource_id.lower() == wanted), None)

    # --- lookups (call with the lock held) --------------------------------------------------------------------

    def project(self, context: RequestContext, project_id: str) -> Project:
        """A project owned by the request's training resource, or 404 NotFoundProject."""
        project = self.store.state.projects.get(project_id.lower())
        if project is None or project.resource != context.resource.name:
            raise not_found("NotFoundProject", f"Project {project_id} not found.")
        return project

    def tag(self, project: Project, tag_id: str) -> Tag:
        """A tag of the project, or 404 NotFoundTag."""
        tag = self.store.state.tags.get(tag_id.lower())
        if tag is None or tag.project_id != project.id:
            raise not_found("NotFoundTag", f"Tag {tag_id} not found.")
        return tag

    def iteration(self, project: Project, iteration_id: str) -> Iteration:
        """An iteration of the project, or 404 NotFoundIteration."""
        iteration = self.store.state.iterations.get(iteration_id.lower())
        if iteration is None or iteration.project_id != project.id:
            raise not_found("NotFoundIteration", f"Iteration {iteration_id} not found.")
        return iteration

    def project_tags(self, project: Project) -> list[Tag]:
        """The project's tags, oldest first."""
        return sorted(
            (t for t in self.store.state.tags.values() if t.project_id == project.id), key=lambda t: t.created
        )

    def project_images(self, project: Project) -> list[StoredImage]:
        """The project's images, oldest first."""
        return sorted(
            (i for i in self.store.state.images.values() if i.project_id == project.id), key=lambda i: i.created
        )

    def project_iterations(self, project: Project) -> list[Iteration]:
        """The project's iterations, oldest first."""
        return sorted(
            (i for i in self.store.state.iterations.values() if i.project_id == project.id),
            key=lambda i: i.created,
        )

    def latest_completed(self, project: Project) -> Iteration | None:
        """The newest completed iteration, the default for QuickTest."""
        completed = [i for i in self.project_iterations(project) if i.status == "Completed"]
        return completed[-1] if completed else None

    # --- wire serializers -------------------------------------------------------------------------------------

    def project_json(self, project: Project) -> dict[str, Any]:
        """The wire form of a Project."""
        settings: dict[str, Any] = {
            "domainId": project.domain_id,
            "classificationType": None if is_detection(project) else project.classification_type,
            "targetExportPlatforms": project.target_export_platforms,
            "useNegativeSet": True,
            "detectionParameters": None,
        }
        if project.augmentation_methods is not None:
            settings["imageProcessingSettings"] = {"augmentationMethods": project.augmentation_methods}
        return {
            "id": project.id,
            "name": project.name,
            "description": project.description,
            "settings": settings,
            "created": project.created,
            "lastModified": project.last_modified,
            "thumbnailUri": None,
            "drModeEnabled": False,
            "status": project.status,
        }

    def tag_image_count(self, tag: Tag) -> int:
        """How many images carry the tag (as an image tag or as a region tag)."""
        return sum(
            1
            for image in self.store.state.images.values()
            if image.project_id == tag.project_id
            and (tag.id in image.tags or any(r.tag_id == tag.id for r in image.regions))
        )

    def tag_json(self, tag: Tag, image_count: int | None = None) -> dict[str, Any]:
        """The wire form of a Tag."""
        return {
            "id": tag.id,
            "name": tag.name,
            "description": tag.description,
            "type": tag.type,
            "imageCount": self.tag_image_count(tag) if image_count is None else image_count,
        }

    def blob_uri(self, base_url: str, content_hash: str, rendition: str) -> str:
        """A key-less download URL the emulator itself answers (the emulator's SAS URL)."""
        return f"{base_url}/emulator/images/{content_hash}/{rendition}"

    def tag_name(self, tag_id: str) -> str | None:
        """The current name of a tag."""
        tag = self.store.state.tags.get(tag_id)
        return tag.name if tag else None

    def region_json(self, region: Region) -> dict[str, Any]:
        """The wire form of an ImageRegion."""
        return {
            "regionId": region.region_id,
            "tagName": self.tag_name(region.tag_id),
            "created": region.created,
            "tagId": region.tag_id,
            "left": region.left,
            "top": region.top,
            "width": region.width,
            "height": region.height,
        }

    def image_json(self, image: StoredImage, base_url: str) -> dict[str, Any]:
        """The wire form of an Image."""
        return {
            "id": image.id,
            "created": image.created,
            "width": image.width,
            "height": image.height,
            "resizedImageUri": self.blob_uri(base_url, image.content_hash, "resized"),
            "thumbnailUri": self.blob_uri(base_url, image.content_hash, "thumbnail"),
            "originalImageUri": self.blob_uri(base_url, image.content_hash, "original"),
            "tags": [
                {"tagId": tag_id, "tagName": self.tag_name(tag_id), "created": created}
                for tag_id, created in image.tags.items()
            ],
            "regions": [self.region_json(region) for region in image.regions],
            "metadata": dict(image.metadata),
        }

    def iteration_json(self, iteration: Iteration) -> dict[str, Any]:
        """The wire form of an Iteration; like the service, training details appear only once known."""
        completed = iteration.status == "Completed"
        domain = DOMAINS_BY_ID.get(iteration.domain_id)
        exportable = completed and domain is not None and domain.exportable
        body: dict[str, Any] = {
            "id": iteration.id,
            "name": iteration.name,
            "status": iteration.status,
            "created": iteration.created,
            "lastModified": iteration.last_modified,
        }
        if iteration.trained_at is not None:
            body["trainedAt"] = iteration.trained_at
        body.update(
            {
                "projectId": iteration.project_id,
                "exportable": exportable,
                "exportableTo": (list(_EXPORT_PLATFORMS) if exportable else []) if completed else None,
                "domainId": iteration.domain_id if completed else None,
                "classificationType": (
                    iteration.classification_type if completed and iteration.classification_type else None
                ),
                "trainingType": iteration.training_type,
                "reservedBudgetInHours": iteration.reserved_budget_in_hours,
                "trainingTimeInMinutes": iteration.training_time_in_minutes,
                "publishName": iteration.publish_name,
                "originalPublishResourceId": iteration.publish_resource_id,
            }
        )
        return body

    # --- image intake -----------------------------------------------------------------------------------------

    def add_image(
        self,
        project: Project,
        data: bytes,
        tag_ids: Iterable[str],
        regions: Sequence[Mapping[str, Any]],
        metadata: Mapping[str, str] | None,
        max_bytes: int,
    ) -> tuple[str, StoredImage | None]:
        """Store one uploaded image and return its ImageCreateResult status and image (lock held)."""
        try:
            info = inspect_image(data, max_bytes)
        except ImageRejectedError as rejected:
            return ("ErrorImageSize" if rejected.too_large else "ErrorImageFormat"), None
        duplicate = next((i for i in self.project_images(project) if i.content_hash == info.content_hash), None)
        if duplicate is not None:
            return "OKDuplicate", duplicate
        resource = self.resources.get(project.resource)
        tier = resource.tier if resource else "S0"
        if len(self.project_images(project)) >= QUOTAS[tier]["images"]:
            return "ErrorLimitExceed", None
        tags = [self.tag(project, tag_id) for tag_id in tag_ids]
        if len({tag.type for tag in tags} & {"Negative"}) and len(tags) > 1:
            return "ErrorNegativeAndRegularTagOnSameImage", None
        self.store.blobs.put(info.content_hash, data)
        created = utc_now()
        image = StoredImage(
            id=new_id(),
            project_id=project.id,
            content_hash=info.content_hash,
            width=info.width,
            height=info.height,
            created=created,
            metadata=dict(metadata or {}),
        )
        for region in regions:
            image.regions.append(self.make_region(project, region, created))
        if not is_detection(project):
            image.tags = {tag.id: created for tag in tags}
        self.store.state.images[image.id] = image
        return "OK", image

    def make_region(self, project: Project, region: Mapping[str, Any], created: str) -> Region:
        """A region from its wire form, validated (tag exists, box inside the image)."""
        try:
            tag = self.tag(project, str(region["tagId"]))
            box = [float(region[key]) for key in ("left", "top", "width", "height")]
        except (KeyError, TypeError, ValueError) as error:
            raise bad_request("BadRequestImageRegions", "A region needs tagId, left, top, width, height.") from error
        left, top, width, height = box
        if min(box) < 0 or width <= 0 or height <= 0 or left + width > 1.0001 or top + height > 1.0001:
            raise bad_request("BadRequestImageRegions", "Region coordinates must be normalised to 0..1.")
        return Region(new_id(), tag.id, left, top, width, height, created)

    # --- training ---------------------------------------------------------------------------------------------

    def start_background(self, name: str, work: Callable[[], None]) -> None:
        """Run `work` on a daemon thread that `close()` waits for."""
        thread = threading.Thread(target=work, name=f"customvision-emulator-{name}", daemon=True)
        self._threads = [t for t in self._threads if t.is_alive()]
        self._threads.append(thread)
        thread.start()

    def wait_until(self, started_at: float) -> bool:
        """Sleep until `min_training_seconds` after `started_at` (wall clock); False when closing."""
        remaining = started_at + self.min_training_seconds - time.time()
        return not self._stopping.wait(max(0.0, remaining))

    def close(self) -> None:
        """Stop the background work and wait for it."""
        self._stopping.set()
        for thread in self._threads:
            thread.join(timeout=30)

    def features(self, content_hash: str) -> _learner.FloatArray:
        """Whole-image features, cached by content (training images are featurised once)."""
        cached = self._features.get(content_hash)
        if cached is None:
            data = self.store.blobs.get(content_hash)
            if data is None:
                raise ServiceError(500, "ErrorUnknown", "Image bytes are missing from storage.")
            cached = _learner.image_features(data)
            self._features[content_hash] = cached
        return cached

    def train(self, iteration_id: str) -> None:
        """The training job: fit and evaluate outside the lock, then publish the result under it."""
        with self.store.lock:
            iteration = self.store.state.iterations[iteration_id]
            samples = list(iteration.samples)
            labels = list(iteration.tag_names)
            multilabel = iteration.classification_type == "Multilabel"
            detection = iteration.classification_type == ""
        seed = self.seed + int(hashlib.sha256(iteration_id.encode()).hexdigest()[:8], 16)
        try:
            if detection:
                model, evaluation = self._train_detector(samples, labels, seed)
            else:
                model, evaluation = self._train_classifier(samples, labels, multilabel, seed)
            status = "Completed"
        except Exception:  # a failed training is reported on the iteration, as the service does
            model, evaluation, status = None, [], "Failed"
        if not self.wait_until(iteration.started_at):
            return
        with self.store.lock:
            current = self.store.state.iterations.get(iteration_id)
            if current is None:
                return
            current.model = model
            current.evaluation = evaluation
            current.status = status
            current.trained_at = utc_now() if status == "Completed" else None
            current.last_modified = utc_now()
            current.training_time_in_minutes = max(1, round((time.time() - current.started_at) / 60))
            self.store.commit()

    def _train_classifier(
        self, samples: Sequence[TrainingSample], labels: Sequence[str], multilabel: bool, seed: int
    ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        features = np.array([self.features(sample.content_hash) for sample in samples])
        targets = np.array([[1.0 if tag in sample.tag_ids else 0.0 for tag in labels] for sample in samples])
        held_out = _learner.cross_validate(features, targets, labels, multilabel=multilabel, seed=seed)
        model = _learner.fit_linear(features, targets, labels, multilabel=multilabel)
        evaluation = [
            {
                "imageId": samples[prediction.index].image_id,
                "fold": prediction.fold,
                "probabilities": dict(zip(labels, prediction.probabilities.tolist(), strict=True)),
            }
            for prediction in held_out
        ]
        return {"kind": "classifier", "classifier": model.to_json()}, evaluation

    def _train_detector(
        self, samples: Sequence[TrainingSample], labels: Sequence[str], seed: int
    ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        def regions_of(sample: TrainingSample) -> list[tuple[str, list[float]]]:
            return [(tag, box) for tag, box in sample.regions if tag in labels]

        def blob(sample: TrainingSample) -> bytes:
            return self.store.blobs.get(sample.content_hash) or b""

        # One deterministic 80/20 split: detectors are costly to fit, so no k-fold here.
        order = np.random.default_rng(seed).permutation(len(samples))
        held_out_count = max(1, len(samples) // 5)
        held_out = [samples[i] for i in order[:held_out_count]]
        kept = [samples[i] for i in order[held_out_count:]]
        probe = _learner.fit_detector([(blob(s), regions_of(s)) for s in kept], labels, seed)
        evaluation = [
            {
                "imageId": sample.image_id,
                "fold": 0,
                "detections": [
                    {"tagId": tag, "probability": score, "box": list(box)}
                    for tag, score, box in _learner.detect(probe, blob(sample))
                ],
            }
            for sample in held_out
        ]
        detector = _learner.fit_detector([(blob(s), regions_of(s)) for s in samples], labels, seed)
        return {"kind": "detector", "detector": detector}, evaluation

    # --- prediction -------------------------------------------------------------------------------------------

    def predict(self, iteration: Iteration, data: bytes, with_tag_type: bool = True) -> list[dict[str, Any]]:
        """Predictions of a completed iteration for image bytes, most probable first."""
        if iteration.model is None:
            raise bad_request("BadRequestIterationIsNotTrained", "The iteration is not trained.")
        predictions: list[dict[str, Any]] = []
        if iteration.model["kind"] == "detector":
            for tag_id, probability, box in _learner.detect(iteration.model["detector"], data):
                left, top, width, height = box
                predictions.append(
                    {
                        "probability": probability,
                        "tagId": tag_id,
                        "tagName": iteration.tag_names.get(tag_id),
                        "boundingBox": {"left": left, "top": top, "width": width, "height": height},
                    }
                )
        else:
            model = _learner.LinearModel.from_json(iteration.model["classifier"])
            probabilities = model.probabilities(_learner.image_features(data))[0]
            for tag_id, probability in zip(model.labels, probabilities.tolist(), strict=True):
                predictions.append(
                    {"probability": probability, "tagId": tag_id, "tagName": iteration.tag_names.get(tag_id)}
                )
        if with_tag_type:
            for prediction in predictions:
                tag = self.store.state.tags.get(prediction["tagId"])
                prediction["tagType"] = tag.type if tag else "Regular"
        predictions.sort(key=lambda p: -float(p["probability"]))
        return predictions

    # --- exports ---------------------------------------------------------------------------------------------

    def export_package(self, project: Project, iteration: Iteration, platform: str, flavor: str | None) -> bytes:
        """The emulator's export artifact: a zip with model.json, labels.txt and a README."""
        model_document = {
            "format": "customvision-emulator-model/1",
            "platform": platform,
            "flavor": flavor,
            "projectId": project.id,
            "iterationId": iteration.id,
            "domainId": iteration.domain_id,
            "classificationType": iteration.classification_type or None,
            "tags": [{"id": tag_id, "name": name} for tag_id, name in iteration.tag_names.items()],
            "model": iteration.model,
        }
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as package:
            package.writestr("model.json", json.dumps(model_document))
            package.writestr("labels.txt", "\n".join(iteration.tag_names.values()) + "\n")
            package.writestr("README.md", _EXPORT_README.format(platform=platform, flavor=flavor or "default"))
        return buffer.getvalue()

    def store_artifact(self, project: Project, data: bytes, file_name: str) -> Artifact:
        """Keep a downloadable artifact of the project (lock held)."""
        artifact = Artifact(id=new_id().replace("-", ""), project_id=project.id, blob_key="", file_name=file_name)
        artifact.blob_key = "artifact-" + artifact.id
        self.store.blobs.put(artifact.blob_key, data)
        self.store.state.artifacts[artifact.id] = artifact
        return artifact


_EXPORT_PLATFORMS = ("CoreML", "TensorFlow", "DockerFile", "ONNX", "VAIDK", "OpenVino")

_EXPORT_README = """# Custom Vision emulator export

This package was produced by the customvision-rest emulator for platform {platform} (flavor {flavor}).
It is NOT a real {platform} model: `model.json` holds the emulator's own model (format
`customvision-emulator-model/1`): the tags and the weights of a linear model over the emulator's hand-made image
features (see docs/emulator.md in customvision-rest). `labels.txt` lists the tags, one per line.
"""
