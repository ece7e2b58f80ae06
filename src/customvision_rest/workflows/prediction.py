"""Bulk prediction: classify or detect any number of images, a bounded number at once, in input order.

``classify_images`` and ``detect_images`` (and their ``_with_no_store`` forms) take any iterable of images and
predict each with the single-image operation, so every limit, retry and error of that operation holds. The
async client runs up to ``concurrency`` predictions at once (anyio tasks); the sync client runs them one after
the other, or in a pool of ``concurrency`` threads. An image is read only when its prediction starts, so only
the images in flight are in memory. A failed image never stops the others: it is reported with its error.

When the client limits its own request rate, the predictions wait for it like any other call; without it, a
429 answer is retried after the service's ``Retry-After``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sized
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .._exceptions import ClientValidationError
from ..core.operation import Operation, Workflow, call
from ..operations import Id, ImageInput, read_image, to_id
from ..operations.prediction import MAX_PREDICTION_IMAGE_BYTES, PredictionOperations
from .bulk import Bulk, bulk, check_concurrency

if TYPE_CHECKING:
    from ..models.prediction import ImagePrediction

__all__ = [
    "DEFAULT_PREDICTION_CONCURRENCY",
    "PredictionOutcome",
    "PredictionProgress",
    "PredictionReport",
    "PredictionWorkflows",
]

DEFAULT_PREDICTION_CONCURRENCY = 8
"""Predictions in flight at once on the async client (the sync client runs one at a time by default)."""

PredictionProgress = Callable[[int, "int | None"], None]
"""Called after each image with the number of images done (predicted or failed) and the total, if known."""


@dataclass(frozen=True)
class PredictionOutcome:
    """The prediction of one input image, or why there is none.

    Attributes:
        position: the image's index in the input.
        prediction: the service's answer, when it succeeded.
        error: the exception the prediction raised (a ``ClientValidationError`` for an image that breaks a
            rule, an ``APIStatusError`` or ``APIConnectionError`` for a request that failed after its retries).
    """

    position: int
    prediction: ImagePrediction | None = None
    error: Exception | None = None

    @property
    def ok(self) -> bool:
        """Whether the image was predicted."""
        return self.prediction is not None

    def result(self) -> ImagePrediction:
        """The prediction, or the error raised."""
        if self.prediction is None:
            raise self.error or RuntimeError(f"image #{self.position} has no prediction")
        return self.prediction


@dataclass
class PredictionReport:
    """Every input image's outcome, in input order; iterate it, index it or read :attr:`failed`."""

    outcomes: list[PredictionOutcome] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.outcomes)

    def __iter__(self) -> Iterator[PredictionOutcome]:
        return iter(self.outcomes)

    def __getitem__(self, position: int) -> PredictionOutcome:
        return self.outcomes[position]

    @property
    def predictions(self) -> list[ImagePrediction]:
        """The predictions that succeeded, in input order."""
        return [o.prediction for o in self.outcomes if o.prediction is not None]

    @property
    def failed(self) -> list[PredictionOutcome]:
        """The images with no prediction, in input order."""
        return [o for o in self.outcomes if not o.ok]

    @property
    def ok(self) -> bool:
        """Whether every image was predicted."""
        return all(o.ok for o in self.outcomes)

    def describe_failures(self) -> str:
        """One line per failed image (position and error); empty if none."""
        if not self.failed:
            return ""
        lines = [f"  #{o.position}: {type(o.error).__name__}: {o.error}" for o in self.failed]
        return f"{len(self.failed)} of {len(self.outcomes)} images failed:\n" + "\n".join(lines)


class _Predictions:
    """The bulk work of one ``classify_images``-like call."""

    def __init__(
        self,
        client: Any,
        method: Any,
        project_id: str,
        published_name: str,
        images: Iterable[ImageInput],
        application: str | None,
        concurrency: int | None,
        progress: PredictionProgress | None,
    ) -> None:
        self.client, self.method = client, method
        self.project_id, self.published_name, self.application = project_id, published_name, application
        self.images, self.concurrency, self.progress = images, concurrency, progress
        self.total = len(images) if isinstance(images, Sized) else None
        self.outcomes: dict[int, PredictionOutcome] = {}

    def prepare(self) -> Workflow[None]:
        return
        yield  # a generator with nothing to prepare

    def jobs(self) -> Iterator[tuple[int, bytes | ClientValidationError]]:
        # Read when a slot frees (in a worker thread on the async client); a bad image fails alone.
        for position, image in enumerate(self.images):
            try:
                yield position, read_image(image, max_bytes=MAX_PREDICTION_IMAGE_BYTES, what=f"images[{position}]")
            except ClientValidationError as error:
                yield position, error

    def work(self, job: tuple[int, bytes | ClientValidationError]) -> Workflow[ImagePrediction]:
        _, image = job
        if isinstance(image, ClientValidationError):
            raise image
        request: Operation[ImagePrediction] = self.method.build(
            self.client, self.project_id, self.published_name, image, application=self.application
        )
        return (yield from call(request))

    def _record(self, outcome: PredictionOutcome) -> None:
        self.outcomes[outcome.position] = outcome
        if self.progress is not None:
            self.progress(len(self.outcomes), self.total)

    def done(self, job: tuple[int, Any], result: ImagePrediction) -> None:
        self._record(PredictionOutcome(job[0], prediction=result))

    def failed(self, job: tuple[int, Any], error: Exception) -> bool:
        self._record(PredictionOutcome(job[0], error=error))
        return True

    def finish(self, stopped: Exception | None) -> PredictionReport:
        if stopped is not None:  # the input iterable itself raised: that is the caller's bug, not an image's
            raise stopped
        return PredictionReport([self.outcomes[p] for p in sorted(self.outcomes)])


def _predictions(
    client: Any,
    method: Any,
    project_id: Id,
    published_name: str,
    images: Iterable[ImageInput],
    application: str | None,
    concurrency: int | None,
    progress: PredictionProgress | None,
) -> Bulk[Any, PredictionReport]:
    """The bulk work, its arguments checked before any image is read or sent."""
    project = to_id(project_id, "project_id")
    if not isinstance(published_name, str) or not published_name.strip():
        raise ClientValidationError(
            f"published_name must be a non-empty string, got {published_name!r}",
            limit="published_name",
            value=published_name,
        )
    if isinstance(images, (bytes, bytearray, memoryview, str)) or not isinstance(images, Iterable):
        raise ClientValidationError(
            f"images must be an iterable of images (bytes, paths or binary files), got {type(images).__name__}; "
            "for one image use the single-image method",
            limit="type",
            value=type(images).__name__,
        )
    if progress is not None and not callable(progress):
        raise ClientValidationError(f"progress must be callable, got {type(progress).__name__}", limit="type")
    return _Predictions(
        client, method, project, published_name, images, application, check_concurrency(concurrency), progress
    )


_DEFAULTS = {"sync_concurrency": 1, "async_concurrency": DEFAULT_PREDICTION_CONCURRENCY}


class PredictionWorkflows:
    """Bulk classification and detection; mixed into both prediction clients."""

    @bulk(**_DEFAULTS)
    def classify_images(
        self,
        project_id: Id,
        published_name: str,
        images: Iterable[ImageInput],
        /,
        *,
        application: str | None = None,
        concurrency: int | None = None,
        progress: PredictionProgress | None = None,
    ) -> Bulk[Any, PredictionReport]:
        """Classify every image and store them with their results; return every outcome in input order.

        Args:
            project_id: the project.
            published_name: the name the iteration was published under.
            images: any iterable of images (bytes, paths or binary files, at most 4 MB each), read lazily.
            application: an optional name for the calling application, kept with stored predictions.
            concurrency: predictions at once; by default 8 on the async client and 1 on the sync client,
                where a larger number uses that many threads.
            progress: called after each image as ``progress(done, total)`` (``total`` is ``None`` when
                ``images`` has no length).

        Returns:
            a :class:`PredictionReport`; a failed image is in its ``failed`` with the error, never raised.
        """
        single = PredictionOperations.classify_image
        return _predictions(self, single, project_id, published_name, images, application, concurrency, progress)

    @bulk(**_DEFAULTS)
    def classify_images_with_no_store(
        self,
        project_id: Id,
        published_name: str,
        images: Iterable[ImageInput],
        /,
        *,
        application: str | None = None,
        concurrency: int | None = None,
        progress: PredictionProgress | None = None,
    ) -> Bulk[Any, PredictionReport]:
        """Classify every image without storing anything; as :meth:`classify_images`."""
        single = PredictionOperations.classify_image_with_no_store
        return _predictions(self, single, project_id, published_name, images, application, concurrency, progress)

    @bulk(**_DEFAULTS)
    def detect_images(
        self,
        project_id: Id,
        published_name: str,
        images: Iterable[ImageInput],
        /,
        *,
        application: str | None = None,
        concurrency: int | None = None,
        progress: PredictionProgress | None = None,
    ) -> Bulk[Any, PredictionReport]:
        """Detect objects in every image and store them with their results; as :meth:`classify_images`."""
        single = PredictionOperations.detect_image
        return _predictions(self, single, project_id, published_name, images, application, concurrency, progress)

    @bulk(**_DEFAULTS)
    def detect_images_with_no_store(
        self,
        project_id: Id,
        published_name: str,
        images: Iterable[ImageInput],
        /,
        *,
        application: str | None = None,
        concurrency: int | None = None,
        progress: PredictionProgress | None = None,
    ) -> Bulk[Any, PredictionReport]:
        """Detect objects in every image without storing anything; as :meth:`classify_images`."""
        single = PredictionOperations.detect_image_with_no_store
        return _predictions(self, single, project_id, published_name, images, application, concurrency, progress)
