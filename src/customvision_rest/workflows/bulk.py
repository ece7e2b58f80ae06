"""Bulk work: many independent jobs run a few at a time, and bulk upload built on it.

A :class:`Bulk` describes work made of independent jobs (upload batches, predictions): how to produce them
lazily, the workflow of each one, and how to account for each outcome. :func:`run_bulk` runs it on a blocking
client (one after the other, or in a bounded thread pool), :func:`arun_bulk` on an async client (anyio tasks,
bounded, so it runs under asyncio and trio). A job is produced only when a slot frees, so memory holds only the
jobs in flight. Both run the same per-job workflows, so the logic of each job is written once.

:meth:`BulkWorkflows.upload_images` takes an iterable of images of any length and sends them with
``CreateImagesFromFiles`` in batches that respect every limit the service has: at most 64 images, at most 20
distinct tags, and a JSON body well below the size at which users see uploads fail (about 55 MB; base64 makes
the body a third larger than the images). It converges: re-running it with the same input finishes what a
failed run left, and images the project already has (``OKDuplicate``) are brought up to date with the tags,
regions and metadata asked for. When it stops early, :class:`UploadIncompleteError` carries the report.
"""

from __future__ import annotations

import bisect
import concurrent.futures
import dataclasses
import enum
import os
import zlib
from collections.abc import Callable, Coroutine, Iterable, Iterator, Mapping, Sequence, Sized
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Concatenate, Generic, ParamSpec, Protocol, TypeVar, overload
from uuid import UUID

from .._exceptions import ClientValidationError, OperationFailedError, describe_problem
from ..core.lazy import lazy_module
from ..core.operation import AsyncRunner, ClientMethod, Operation, SyncRunner, Workflow, call, type_argument
from ..operations import (
    IMAGE_FORMATS,
    MB,
    Id,
    ImageInput,
    check_image_collection,
    check_regions,
    read_image,
    sniff_image,
    to_id,
    to_ids,
)
from ..operations.limits import (
    MAX_IMAGE_TAG_ENTRIES,
    MAX_IMAGES_PER_BATCH,
    MAX_REGIONS_PER_REQUEST,
    MAX_TAGS_PER_BATCH,
    MAX_TRAINING_IMAGE_BYTES,
)

if TYPE_CHECKING:
    from ..models import training as models
    from ..models.training import (
        Image,
        ImageCreateResult,
        ImageCreateStatus,
        ImageCreateSummary,
        ImageFileCreateEntry,
        Region,
    )
    from ..operations import training as training_operations
else:
    # Uploads need them, not bulk prediction, which shares this module: the first upload imports them.
    models = lazy_module("customvision_rest.models.training")
    training_operations = lazy_module("customvision_rest.operations.training")

__all__ = [
    "DEFAULT_MAX_BATCH_BYTES",
    "DEFAULT_UPLOAD_CONCURRENCY",
    "Bulk",
    "BulkMethod",
    "BulkWorkflows",
    "ImageOutcome",
    "ImageToUpload",
    "UploadFailure",
    "UploadIncompleteError",
    "UploadProgress",
    "UploadReport",
    "UploadUpdate",
    "arun_bulk",
    "bulk",
    "check_concurrency",
    "run_bulk",
]

J = TypeVar("J")
R = TypeVar("R")
R_co = TypeVar("R_co", covariant=True)
P = ParamSpec("P")

DEFAULT_MAX_BATCH_BYTES = 48 * MB
"""Default ceiling on the JSON body of one upload batch, comfortably below the ~55 MB at which uploads fail."""

DEFAULT_UPLOAD_CONCURRENCY = 8
"""Upload batches in flight at once on the async client (the sync client sends one after the other)."""

UploadProgress = Callable[[int, "int | None"], None]
"""Called after each batch with the number of images sent so far and the total (``None`` when unknown)."""


# ------------------------------------------------------------------------------------------ running bulk work


class Bulk(Protocol[J, R_co]):
    """Work made of independent jobs; see :func:`run_bulk` and :func:`arun_bulk`.

    ``prepare`` is a workflow run first, alone (creating tags, say); ``jobs`` then produces the jobs lazily
    (an exception from it stops the work); ``work`` is the workflow of one
    job; ``done`` and ``failed`` account for each outcome, always on the caller's thread or task; ``failed``
    answers whether to go on starting new jobs; ``finish`` gives the result (or raises) once every job started
    has ended, with the exception that stopped ``jobs``, if any.
    """

    concurrency: int | None

    def prepare(self) -> Workflow[None]: ...
    def jobs(self) -> Iterator[J]: ...
    def work(self, job: J) -> Workflow[Any]: ...
    def done(self, job: J, result: Any) -> None: ...
    def failed(self, job: J, error: Exception) -> bool: ...
    def finish(self, stopped: Exception | None) -> R_co: ...


_END = object()


def check_concurrency(value: int | None, what: str = "concurrency") -> int | None:
    """``None`` (the client's default) or a whole number of at least 1."""
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
        raise ClientValidationError(f"{what} must be a whole number 1 or more, got {value!r}", limit=what, value=value)
    return value


def run_bulk(runner: SyncRunner, work: Bulk[Any, R], *, default_concurrency: int = 1) -> R:
    """Run bulk work on a blocking client: one job after the other, or up to ``concurrency`` threads."""
    concurrency = work.concurrency or default_concurrency
    runner._drive(work.prepare())
    jobs = work.jobs()
    stopped: Exception | None = None
    if concurrency == 1:
        while True:
            try:
                job = next(jobs)
            except StopIteration:
                break
            except Exception as exc:  # reading the input failed: account for it in the result
                stopped = exc
                break
            try:
                result = runner._drive(work.work(job))
            except Exception as exc:
                if not work.failed(job, exc):
                    break
            else:
                work.done(job, result)
        return work.finish(stopped)
    with concurrent.futures.ThreadPoolExecutor(concurrency, thread_name_prefix="customvision-bulk") as pool:
        running: dict[concurrent.futures.Future[Any], Any] = {}
        going = True
        while going or running:
            while going and len(running) < concurrency:
                try:
                    job = next(jobs)
                except StopIteration:
                    going = False
                    break
                except Exception as exc:
                    stopped, going = exc, False
                    break
                running[pool.submit(runner._drive, work.work(job))] = job
            if not running:
                break
            finished, _ = concurrent.futures.wait(running, return_when=concurrent.futures.FIRST_COMPLETED)
            for future in finished:
                job = running.pop(future)
                error = future.exception()
                if error is None:
                    work.done(job, future.result())
                elif not isinstance(error, Exception) or not work.failed(job, error):
                    going = False
                    if not isinstance(error, Exception):
                        raise error
    return work.finish(stopped)


async def arun_bulk(runner: AsyncRunner, work: Bulk[Any, R], *, default_concurrency: int = 4) -> R:
    """Run bulk work on an async client: up to ``concurrency`` jobs at once, as anyio tasks."""
    import anyio
    import anyio.to_thread

    concurrency = work.concurrency or default_concurrency
    slots = anyio.Semaphore(concurrency)
    going = True
    stopped: Exception | None = None

    async def one(job: Any) -> None:
        nonlocal going
        try:
            try:
                result = await runner._drive(work.work(job))
            except Exception as exc:
                if not work.failed(job, exc):
                    going = False
            else:
                work.done(job, result)
        finally:
            slots.release()

    await runner._drive(work.prepare())
    jobs = work.jobs()
    async with anyio.create_task_group() as tasks:
        while going:
            await slots.acquire()
            if not going:
                slots.release()
                break
            try:
                # Producing a job reads input (files, generators): in a worker thread, not on the event loop.
                job = await anyio.to_thread.run_sync(next, jobs, _END)
            except Exception as exc:
                stopped = exc
                slots.release()
                break
            if job is _END:
                slots.release()
                break
            tasks.start_soon(one, job)
    return work.finish(stopped)


class BulkMethod(ClientMethod, Generic[P, R]):
    """A client method that runs bulk work: blocking on a sync client, a coroutine on an async one."""

    def __init__(
        self, build: Callable[Concatenate[Any, P], Bulk[Any, R]], *, sync_concurrency: int, async_concurrency: int
    ) -> None:
        super().__init__(build)
        self._sync_concurrency = sync_concurrency
        self._async_concurrency = async_concurrency

    @overload
    def __get__(self, instance: None, owner: type[Any] | None = None) -> BulkMethod[P, R]: ...
    @overload
    def __get__(self, instance: SyncRunner, owner: type[Any] | None = None) -> Callable[P, R]: ...
    @overload
    def __get__(self, instance: AsyncRunner, owner: type[Any] | None = None) -> Callable[P, Coroutine[Any, Any, R]]: ...
    def __get__(self, instance: Any, owner: type[Any] | None = None) -> Any:
        return self if instance is None else self._bind(instance)

    def _sync_function(self) -> Callable[..., Any]:
        build, default = self._build, self._sync_concurrency

        def run(instance: Any, /, *args: Any, **kwargs: Any) -> Any:
            return run_bulk(instance, build(instance, *args, **kwargs), default_concurrency=default)

        return run

    def _async_function(self) -> Callable[..., Any]:
        build, default = self._build, self._async_concurrency

        async def run_async(instance: Any, /, *args: Any, **kwargs: Any) -> Any:
            return await arun_bulk(instance, build(instance, *args, **kwargs), default_concurrency=default)

        return run_async

    def _result_annotation(self, built: Any, asynchronous: bool) -> Any:
        # The builder returns Bulk[Job, R]; the method R.
        found = type_argument(built)
        return found.rsplit(",", 1)[-1].strip() if isinstance(found, str) else found


def bulk(
    *, sync_concurrency: int = 1, async_concurrency: int = 4
) -> Callable[[Callable[Concatenate[Any, P], Bulk[Any, R]]], BulkMethod[P, R]]:
    """Make a client method from a function that checks its arguments and returns a :class:`Bulk`.

    The defaults apply when the bulk work's own ``concurrency`` is ``None``.
    """

    def make(build: Callable[Concatenate[Any, P], Bulk[Any, R]]) -> BulkMethod[P, R]:
        return BulkMethod(build, sync_concurrency=sync_concurrency, async_concurrency=async_concurrency)

    return make


# ---------------------------------------------------------------------------------------------- the report


@dataclass(frozen=True)
class ImageToUpload:
    """One image for :meth:`BulkWorkflows.upload_images` with its own tags, regions and name.

    Attributes:
        image: bytes, a file path or a binary file opened for reading.
        tag_ids: tags for this image only (added to the call's ``tag_ids``).
        regions: object-detection regions (``Region`` models or mappings of their fields), coordinates 0..1.
        name: the name the service stores; by default the file name when ``image`` is a path.
    """

    image: ImageInput
    tag_ids: Sequence[Id] = ()
    regions: Sequence[Region | Mapping[str, Any]] = ()
    name: str | None = None

    def __post_init__(self) -> None:
        # Keep the value immutable even when lists were passed in.
        object.__setattr__(self, "tag_ids", tuple(self.tag_ids))
        object.__setattr__(self, "regions", tuple(self.regions))


class ImageOutcome(str, enum.Enum):
    """What became of one input image of :meth:`BulkWorkflows.upload_images`."""

    CREATED = "created"
    """Stored by this call (``OK``)."""
    UNCHANGED = "unchanged"
    """Already in the project (``OKDuplicate``) with every tag, region and metadata asked for."""
    UPDATED = "updated"
    """Already in the project; the missing tags and regions were added and the metadata set."""
    REFUSED = "refused"
    """Refused by the service; :attr:`UploadFailure.result` has its status."""
    NOT_ATTEMPTED = "not_attempted"
    """Not confirmed stored: never sent, sent without an answer, or left out of date after a failure."""


@dataclass(frozen=True)
class UploadFailure:
    """An image the service did not store.

    Attributes:
        position: the image's index in the input of :meth:`BulkWorkflows.upload_images`.
        name: the name sent with it, if any.
        result: the service's answer for it (``status`` says why).
    """

    position: int
    name: str | None
    result: ImageCreateResult

    def describe(self) -> str:
        """One line: position, name and status."""
        status = "no status" if self.result.status is None else str(self.result.status)
        label = f" ({self.name})" if self.name else ""
        return f"#{self.position}{label}: {status}"


@dataclass(frozen=True)
class UploadUpdate:
    """An image the project already had, brought up to date by :meth:`BulkWorkflows.upload_images`.

    Attributes:
        position: the image's index in the input.
        image_id: the stored image.
        added_tags: the tags it lacked and now has.
        added_regions: how many of the regions asked for it lacked and now has.
        metadata_updated: whether its metadata was set to the call's ``metadata``.
    """

    position: int
    image_id: UUID
    added_tags: tuple[UUID, ...] = ()
    added_regions: int = 0
    metadata_updated: bool = False


@dataclass(frozen=True)
class _Answered:
    """One batch's answer, kept small: the body as the service sent it, compressed, and each image's status.

    One image's answer (an ``Image`` with three signed addresses, tags, dates) takes about 3 kB as pydantic
    models and under 200 bytes compressed (its identifiers and signatures are what does not compress); the
    models are built again, equal to the ones the upload saw, only when someone reads them.
    """

    first: int
    """The input position of the batch's first image."""
    arrival: int
    """How many answers came before this one."""
    statuses: tuple[ImageCreateStatus, ...]
    """The status of each image answered, at most as many as were sent."""
    body: bytes
    """The response body, zlib-compressed."""

    def summary(self) -> ImageCreateSummary:
        # The same validation the operation ran on the answer, so the models are equal to the ones it gave.
        return models.ImageCreateSummary.model_validate_json(zlib.decompress(self.body))


def _first(answered: _Answered) -> int:
    return answered.first


@dataclass(init=False, repr=False, eq=False)
class UploadReport:
    """What :meth:`BulkWorkflows.upload_images` did: every image read is accounted for.

    Each input image is stored (:attr:`results` with ``OK`` or ``OKDuplicate``; :attr:`updated` for the
    duplicates that were brought up to date), refused (:attr:`failed`, with the service's status) or not
    attempted (:attr:`not_attempted`); when the upload stopped early, images from :attr:`unread_from` on were
    not even read. A partly failed batch (HTTP 207) never raises: its refused images are in :attr:`failed`.

    The service's answers are kept compressed while the upload runs, so a report of many thousands of images
    stays small: :attr:`summaries` and :attr:`results` are built from them when first read (then kept), while
    :meth:`outcome`, :attr:`batches`, :attr:`ok`, :attr:`failed` and the other attributes never need them.

    Attributes:
        failed: the images refused (any status but ``OK`` and ``OKDuplicate``), with their input positions.
        updated: the images already in the project whose tags, regions or metadata were brought up to date.
        not_attempted: input positions of images read but not confirmed stored, in order.
        unread_from: the first input position never read when the upload stopped early, else ``None``.
        read: how many input images were read.
    """

    failed: list[UploadFailure]
    updated: list[UploadUpdate]
    not_attempted: list[int]
    unread_from: int | None
    read: int
    _answered: list[_Answered]  # in input order
    _summaries: list[ImageCreateSummary] | None
    _results: list[ImageCreateResult] | None

    def __init__(
        self,
        summaries: list[ImageCreateSummary] | None = None,
        results: list[ImageCreateResult] | None = None,
        failed: list[UploadFailure] | None = None,
        updated: list[UploadUpdate] | None = None,
        not_attempted: list[int] | None = None,
        unread_from: int | None = None,
        read: int = 0,
    ) -> None:
        self.failed = [] if failed is None else failed
        self.updated = [] if updated is None else updated
        self.not_attempted = [] if not_attempted is None else not_attempted
        self.unread_from = unread_from
        self.read = read
        self._answered = []
        self._summaries = summaries
        self._results = results

    @property
    def summaries(self) -> list[ImageCreateSummary]:
        """The service's answer to each batch, in the order the answers came."""
        if self._summaries is None:
            self._expand()
            assert self._summaries is not None
        return self._summaries

    @summaries.setter
    def summaries(self, value: list[ImageCreateSummary]) -> None:
        self._summaries = value

    @property
    def results(self) -> list[ImageCreateResult]:
        """Every answered image's result, in input order."""
        if self._results is None:
            self._expand()
            assert self._results is not None
        return self._results

    @results.setter
    def results(self, value: list[ImageCreateResult]) -> None:
        self._results = value

    @property
    def batches(self) -> int:
        """How many upload requests were answered."""
        return len(self._answered) if self._summaries is None else len(self._summaries)

    @property
    def succeeded(self) -> list[ImageCreateResult]:
        """Results of images now in the project: newly created or already there (``OKDuplicate``)."""
        return [r for r in self.results if r.is_success]

    @property
    def duplicates(self) -> list[ImageCreateResult]:
        """Results of images the project already had; they are counted in :attr:`succeeded` too."""
        return [r for r in self.results if r.status == models.ImageCreateStatus.OK_DUPLICATE]

    def status_counts(self) -> dict[ImageCreateStatus, int]:
        """How many answered images got each status from the service, counted without building :attr:`results`.

        ``counts.get(ImageCreateStatus.OK, 0)`` images were created and ``OK_DUPLICATE`` ones were already there:
        the figures a progress line or a summary needs, for any number of images, at no memory cost.
        """
        if self._answered:
            statuses: Iterable[ImageCreateStatus] = (s for answered in self._answered for s in answered.statuses)
        else:  # a report made by hand, not by an upload
            statuses = (result.status for result in self._results or [])
        counts: dict[ImageCreateStatus, int] = {}
        for status in statuses:
            counts[status] = counts.get(status, 0) + 1
        return counts

    @property
    def ok(self) -> bool:
        """Whether every input image is now in the project, up to date."""
        return not self.failed and not self.not_attempted and self.unread_from is None

    def outcome(self, position: int) -> ImageOutcome:
        """What became of the input image at ``position``."""
        if any(f.position == position for f in self.failed):
            return ImageOutcome.REFUSED
        status = self._status(position)
        if status is None or position in self.not_attempted:
            return ImageOutcome.NOT_ATTEMPTED
        if any(u.position == position for u in self.updated):
            return ImageOutcome.UPDATED
        return ImageOutcome.UNCHANGED if status == models.ImageCreateStatus.OK_DUPLICATE else ImageOutcome.CREATED

    def describe_failures(self) -> str:
        """A readable multi-line account of the images not stored (position, name, status); empty if none."""
        lines = [f"  {failure.describe()}" for failure in self.failed]
        if self.not_attempted:
            shown = ", ".join(f"#{p}" for p in self.not_attempted[:10])
            more = "" if len(self.not_attempted) <= 10 else f" and {len(self.not_attempted) - 10} more"
            lines.append(f"  not attempted: {shown}{more}")
        if self.unread_from is not None:
            lines.append(f"  not read: #{self.unread_from} onwards")
        if not lines:
            return ""
        return f"{len(self.failed)} of {self.read} images failed:\n" + "\n".join(lines)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, UploadReport):
            return NotImplemented
        return self._compared() == other._compared()

    def __repr__(self) -> str:
        # Counts only: the answers may be thousands of images, and building them to print them is not wanted.
        stored = self._stored() if self._results is None else len(self.succeeded)
        return (
            f"UploadReport(read={self.read}, batches={self.batches}, stored={stored}, failed={len(self.failed)}, "
            f"updated={len(self.updated)}, not_attempted={len(self.not_attempted)}, unread_from={self.unread_from})"
        )

    def _compared(self) -> tuple[Any, ...]:
        lists = (self.summaries, self.results, self.failed, self.updated, self.not_attempted)
        return (*lists, self.unread_from, self.read)

    def _expand(self) -> None:
        """Build the summaries and results not given or built yet, from the same answers (the same objects)."""
        built = [(answered, answered.summary()) for answered in self._answered]
        if self._results is None:
            self._results = [r for answered, summary in built for r in summary.images[: len(answered.statuses)]]
        if self._summaries is None:
            self._summaries = [summary for _, summary in sorted(built, key=lambda pair: pair[0].arrival)]

    def _each_result(self) -> Iterator[tuple[int, ImageCreateResult]]:
        """Every answered image with its input position, in input order, built one batch at a time."""
        if not self._answered:  # a report made by hand, not by an upload
            yield from enumerate(self._results or [])
            return
        for answered in self._answered:
            images = answered.summary().images[: len(answered.statuses)]
            yield from enumerate(images, answered.first)

    def _status(self, position: int) -> ImageCreateStatus | None:
        """The service's status for the input image at ``position``, or ``None`` when none answered it."""
        index = bisect.bisect_right(self._answered, position, key=_first) - 1
        if index < 0:
            return None
        answered = self._answered[index]
        offset = position - answered.first
        return answered.statuses[offset] if offset < len(answered.statuses) else None

    def _keep(self, first: int, statuses: tuple[ImageCreateStatus, ...], body: bytes) -> None:
        """Keep one batch's answer, in input order (batches sent together may be answered in any order)."""
        bisect.insort(self._answered, _Answered(first, len(self._answered), statuses, body), key=_first)

    def _stored(self) -> int:
        """How many answered images are in the project, without building the answers."""
        counts = self.status_counts()
        return counts.get(models.ImageCreateStatus.OK, 0) + counts.get(models.ImageCreateStatus.OK_DUPLICATE, 0)

    def _seal(self) -> None:
        self.failed.sort(key=lambda f: f.position)
        self.updated.sort(key=lambda u: u.position)
        self.not_attempted.sort()


class UploadIncompleteError(OperationFailedError):
    """:meth:`BulkWorkflows.upload_images` stopped before every image was accounted for as stored or refused.

    ``report`` says what happened to every image read; ``__cause__`` is what stopped it (a batch the service
    did not take after the retries, or an input image that breaks a rule). Calling again with the same input
    finishes the job: images already stored answer ``OKDuplicate``.
    """

    @property
    def report(self) -> UploadReport:
        """The account of the upload so far."""
        report: UploadReport = self.result
        return report


# ------------------------------------------------------------------------------------------------ uploading


def _base64_size(size: int) -> int:
    return 4 * ((size + 2) // 3)


def _default_name(image: ImageInput) -> str | None:
    if isinstance(image, (str, os.PathLike)):
        return Path(image).name or None
    name = getattr(image, "name", None)
    return Path(name).name or None if isinstance(name, str) else None


@dataclass
class _Batch:
    first: int
    entries: list[ImageFileCreateEntry] = field(default_factory=list)
    names: list[str | None] = field(default_factory=list)
    tags: set[UUID] = field(default_factory=set)
    size: int = 0


@dataclass
class _BatchAnswer:
    summary: ImageCreateSummary
    body: bytes  # the response body, compressed
    updates: list[UploadUpdate]
    error: Exception | None = None
    outdated: list[int] = field(default_factory=list)


def _region_key(region: Region) -> tuple[str, float, float, float, float]:
    # The service stores coordinates as floats: regions equal to three decimals are the same region.
    return (
        str(region.tag_id),
        round(region.left, 3),
        round(region.top, 3),
        round(region.width, 3),
        round(region.height, 3),
    )


@dataclass(frozen=True)
class _Stale:
    """A stored duplicate and what it lacks of what the upload asks for."""

    position: int
    image_id: UUID
    tags: tuple[UUID, ...]
    regions: tuple[Region, ...]
    metadata: bool

    def update(self) -> UploadUpdate:
        return UploadUpdate(self.position, self.image_id, self.tags, len(self.regions), self.metadata)


def _stale(
    position: int, entry: ImageFileCreateEntry, image: Image, metadata: Mapping[str, str] | None
) -> _Stale | None:
    """What a stored duplicate lacks of what this upload asks for, or ``None`` when it is up to date."""
    assert image.id is not None
    have_tags = {t.tag_id for t in image.tags}
    # Detection images carry their tags in regions; only classification entries ask for image tags.
    tags = () if entry.regions else tuple(t for t in entry.tag_ids or () if t not in have_tags)
    have_regions = {_region_key(r) for r in image.regions}
    regions = tuple(r for r in entry.regions or () if _region_key(r) not in have_regions)
    stale_metadata = bool(metadata) and any(image.metadata.get(k) != v for k, v in (metadata or {}).items())
    if not tags and not regions and not stale_metadata:
        return None
    return _Stale(position, image.id, tags, regions, stale_metadata)


class _Upload:
    """The bulk work of one ``upload_images`` call."""

    def __init__(
        self,
        client: Any,
        project: str,
        images: Iterable[ImageInput | ImageToUpload],
        common: list[UUID],
        metadata: dict[str, str] | None,
        max_batch_images: int,
        max_batch_bytes: int,
        progress: UploadProgress | None,
        concurrency: int | None,
        prepare: Callable[[], Workflow[None]] | None = None,
    ) -> None:
        self.client, self.project, self.images = client, project, images
        self._prepare = prepare
        self.common, self.metadata = common, metadata
        self.max_batch_images, self.max_batch_bytes = max_batch_images, max_batch_bytes
        self.progress, self.concurrency = progress, concurrency
        self.total = len(images) if isinstance(images, Sized) else None
        # The body is {"images":[e1,e2,...],"metadata":{...}}: the envelope, the entries and the commas.
        self.envelope = len(models.ImageFileCreateBatch(images=[], metadata=metadata).to_wire_json())
        self.report = UploadReport()
        self.sent = 0
        self.errors: list[Exception] = []
        self.batched_until = 0  # images before this position are in batches handed out
        self.exhausted = False

    def prepare(self) -> Workflow[None]:
        if self._prepare is not None:
            yield from self._prepare()

    def jobs(self) -> Iterator[_Batch]:
        pending = _Batch(0)
        for position, item in enumerate(self.images):
            entry, name = _read_entry(item, position, self.common)
            self.report.read = position + 1
            entry_tags = set(entry.tag_ids or ()) | {r.tag_id for r in entry.regions or ()}
            entry_size = len(entry.model_copy(update={"contents": b""}).to_wire_json()) + _base64_size(
                len(entry.contents)
            )
            if pending.entries and (
                len(pending.entries) >= self.max_batch_images
                or len(pending.tags | entry_tags) > MAX_TAGS_PER_BATCH
                or self.envelope + pending.size + len(pending.entries) + entry_size > self.max_batch_bytes
            ):
                self.batched_until = position
                yield pending
                pending = _Batch(position)
            pending.entries.append(entry)
            pending.names.append(name)
            pending.tags |= entry_tags
            pending.size += entry_size
            del item, entry  # the batch holds them, and lets them go once they are encoded
        if pending.entries:
            self.batched_until = pending.first + len(pending.entries)
            yield pending
        self.exhausted = True

    def work(self, batch: _Batch) -> Workflow[_BatchAnswer]:
        body = models.ImageFileCreateBatch(images=batch.entries, metadata=self.metadata)
        upload = _keeping_body(
            training_operations.TrainingOperations.create_images_from_files.build(self.client, self.project, body)
        )
        # The operation holds the images in base64, which is what every attempt sends: the bytes read are not
        # needed any more, and a batch can be 48 MB of them.
        del body
        batch.entries = [entry.model_copy(update={"contents": b""}) for entry in batch.entries]
        summary, kept = yield from call(upload)
        del upload
        answer = _BatchAnswer(summary, kept, [])
        stale: list[_Stale] = []
        for offset, result in enumerate(summary.images[: len(batch.entries)]):
            if result.status == models.ImageCreateStatus.OK_DUPLICATE and result.image is not None and result.image.id:
                found = _stale(batch.first + offset, batch.entries[offset], result.image, self.metadata)
                if found is not None:
                    stale.append(found)
        if stale:
            try:
                yield from self._bring_up_to_date(stale)
            except Exception as exc:  # the images are stored; only their update is not confirmed
                answer.error = exc
                answer.outdated = [s.position for s in stale]
                return answer
        answer.updates = [s.update() for s in stale]
        return answer

    def _bring_up_to_date(self, stale: list[_Stale]) -> Workflow[None]:
        client, project = self.client, self.project
        pairs = [models.ImageTagCreateEntry(image_id=s.image_id, tag_id=t) for s in stale for t in s.tags]
        for start in range(0, len(pairs), MAX_IMAGE_TAG_ENTRIES):
            chunk = pairs[start : start + MAX_IMAGE_TAG_ENTRIES]
            yield from call(training_operations.TrainingOperations.create_image_tags.build(client, project, chunk))
        regions = [
            models.ImageRegionCreateEntry(image_id=s.image_id, **r.model_dump()) for s in stale for r in s.regions
        ]
        for start in range(0, len(regions), MAX_REGIONS_PER_REQUEST):
            chunk_regions = regions[start : start + MAX_REGIONS_PER_REQUEST]
            yield from call(
                training_operations.TrainingOperations.create_image_regions.build(client, project, chunk_regions)
            )
        ids = [s.image_id for s in stale if s.metadata]
        if ids and self.metadata:
            yield from call(
                training_operations.TrainingOperations.update_image_metadata.build(client, project, ids, self.metadata)
            )

    def done(self, batch: _Batch, answer: _BatchAnswer) -> None:
        report = self.report
        images = answer.summary.images[: len(batch.entries)]
        # Only the refused images keep their models; the others are rebuilt from the body when read.
        report._keep(batch.first, tuple(result.status for result in images), answer.body)
        for offset, result in enumerate(images):
            if not result.is_success:
                report.failed.append(UploadFailure(batch.first + offset, batch.names[offset], result))
        # An answer shorter than the batch leaves its last images unaccounted for: they are not confirmed.
        unanswered = range(batch.first + len(images), batch.first + len(batch.entries))
        report.not_attempted.extend(unanswered)
        report.updated.extend(answer.updates)
        if answer.error is not None:
            report.not_attempted.extend(answer.outdated)
            self.errors.append(answer.error)
        self.sent += len(batch.entries)
        if self.progress is not None:
            self.progress(self.sent, self.total)

    def failed(self, batch: _Batch, error: Exception) -> bool:
        self.report.not_attempted.extend(range(batch.first, batch.first + len(batch.entries)))
        self.errors.append(error)
        return False

    def finish(self, stopped: Exception | None) -> UploadReport:
        report = self.report
        if not self.exhausted:
            # Stopped early: images read into a batch never sent, and the input not read at all.
            report.not_attempted.extend(range(self.batched_until, report.read))
            report.unread_from = report.read
        report._seal()
        cause = stopped or (self.errors[0] if self.errors else None)
        if cause is None:
            return report
        stored = report._stored()
        unread = "" if report.unread_from is None else f"; input not read from #{report.unread_from}"
        raise UploadIncompleteError(
            f"upload stopped: {stored} of {report.read} images read are stored, {len(report.failed)} refused, "
            f"{len(report.not_attempted)} not attempted{unread} ({type(cause).__name__}: {cause}); "
            "calling again with the same input finishes it",
            result=report,
        ) from cause


def _keeping_body(upload: Operation[ImageCreateSummary]) -> Operation[tuple[ImageCreateSummary, bytes]]:
    """The upload, answering its summary and its response body compressed, for the report to keep."""
    parse = upload.parse

    def parse_and_keep(response: Any) -> tuple[ImageCreateSummary, bytes]:
        return parse(response), zlib.compress(response.content)

    # replace() keeps the result type it was given: say the new one through Any.
    keeping: Any = parse_and_keep
    changed: Any = dataclasses.replace(upload, parse=keeping)
    kept: Operation[tuple[ImageCreateSummary, bytes]] = changed
    return kept


def _read_entry(
    item: ImageInput | ImageToUpload, position: int, common: Sequence[UUID]
) -> tuple[ImageFileCreateEntry, str | None]:
    """Read one input image into an upload entry, checking it; errors name ``images[position]``."""
    upload = item if isinstance(item, ImageToUpload) else ImageToUpload(item)
    name = upload.name if upload.name is not None else _default_name(upload.image)
    what = f"images[{position}]" + (f" ({name})" if name else "")
    data = read_image(upload.image, max_bytes=MAX_TRAINING_IMAGE_BYTES, what=what)
    own = [UUID(t) for t in to_ids(upload.tag_ids, f"{what}.tag_ids", required=False)]
    tags = list(dict.fromkeys([*common, *own]))
    if len(tags) > MAX_TAGS_PER_BATCH:
        raise ClientValidationError(
            f"{what}: at most {MAX_TAGS_PER_BATCH} tags per image (with the call's tag_ids), got {len(tags)}",
            limit=f"{MAX_TAGS_PER_BATCH} tags per batch",
            value=len(tags),
        )
    try:
        regions = [r if isinstance(r, models.Region) else models.Region.model_validate(r) for r in upload.regions]
    except ValueError as exc:
        problem = describe_problem(exc)
        raise ClientValidationError(f"{what}: invalid region: {problem}", limit="region", value=position) from None
    check_regions(regions, f"{what}.regions")
    entry = models.ImageFileCreateEntry(name=name, contents=data, tag_ids=tags or None, regions=regions or None)
    return entry, name


_FOLDER_SUFFIXES = frozenset(extension for _, _, extension in IMAGE_FORMATS) | {".jpeg"}


def _folder_images(root: Path) -> list[tuple[Path, str | None]]:
    """Every image file under ``root`` with its tag (its sub-folder's name; ``None`` at the top), checked."""
    if not root.is_dir():
        raise ClientValidationError(f"path: no such folder {str(root)!r}", limit="folder", value=str(root))
    found: list[tuple[Path, str | None]] = []
    problems: list[str] = []
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.name.startswith("."):
            continue
        relative = path.relative_to(root)
        if len(relative.parts) > 2:
            problems.append(f"{relative}: nested more than one folder deep (one sub-folder per tag)")
            continue
        if path.suffix.lower() not in _FOLDER_SUFFIXES:
            continue
        size = path.stat().st_size
        with path.open("rb") as file:
            head = file.read(16)
        if not size or size > MAX_TRAINING_IMAGE_BYTES:
            problems.append(f"{relative}: {size:,} bytes; the service takes 1 to {MAX_TRAINING_IMAGE_BYTES:,}")
        elif sniff_image(head) is None:
            problems.append(f"{relative}: not a JPEG, PNG, GIF or BMP image")
        else:
            found.append((path, relative.parts[0] if len(relative.parts) == 2 else None))
    if problems:
        listed = "\n  ".join(problems[:20]) + ("" if len(problems) <= 20 else f"\n  and {len(problems) - 20} more")
        raise ClientValidationError(
            f"{len(problems)} file(s) under {str(root)!r} cannot be uploaded:\n  {listed}",
            limit="image files",
            value=len(problems),
        )
    return found


class BulkWorkflows:
    """Bulk image upload; mixed into both training clients."""

    @bulk(sync_concurrency=1, async_concurrency=DEFAULT_UPLOAD_CONCURRENCY)
    def upload_images(
        self,
        project_id: Id,
        images: Iterable[ImageInput | ImageToUpload],
        /,
        *,
        tag_ids: Iterable[Id] | None = None,
        metadata: Mapping[str, str] | None = None,
        max_batch_images: int = MAX_IMAGES_PER_BATCH,
        max_batch_bytes: int = DEFAULT_MAX_BATCH_BYTES,
        progress: UploadProgress | None = None,
        concurrency: int | None = None,
    ) -> Bulk[Any, UploadReport]:
        """Upload any number of images to the training set, in as many batches as the service's limits need.

        Images are read one at a time while batches are filled, so a long generator of paths is never held
        in memory at once: only the batches in flight are. A batch is sent when adding the next image would
        exceed ``max_batch_images``, 20 distinct tags (image tags and region tags), or ``max_batch_bytes`` of
        JSON body. An image larger than the byte budget on its own is sent alone.

        The call converges: images the project already has (``OKDuplicate``) get the tags and regions they
        lack and the call's ``metadata`` (the report's ``updated`` lists them), and calling again with the same
        input after a failure finishes the job. Refused images never raise: the report lists them with their
        input positions and the service's status.

        Args:
            project_id: the project.
            images: bytes, paths or binary files, or :class:`ImageToUpload` for per-image tags and regions.
            tag_ids: tags applied to every image, in addition to each image's own; at most 20.
            metadata: key/value pairs stored with every image (at most 50 pairs).
            max_batch_images: images per batch, 1 to 64.
            max_batch_bytes: ceiling on the JSON body of one batch, in bytes.
            progress: called after each batch as ``progress(sent, total)``; ``total`` is ``None`` when
                ``images`` has no length.
            concurrency: batches in flight at once; by default 8 on the async client and 1 (one after the
                other) on the sync client, where a larger number uses that many threads.

        Raises:
            UploadIncompleteError: a batch failed after the retries, or an input image breaks a rule (its
                ``__cause__`` says which); ``error.report`` accounts for every image read. The batches in
                flight are finished first; no new batch is started.
        """
        return _upload(
            self, project_id, images, tag_ids, metadata, max_batch_images, max_batch_bytes, progress, concurrency
        )

    @bulk(sync_concurrency=1, async_concurrency=DEFAULT_UPLOAD_CONCURRENCY)
    def upload_folder(
        self,
        project_id: Id,
        path: str | os.PathLike[str],
        /,
        *,
        metadata: Mapping[str, str] | None = None,
        max_batch_images: int = MAX_IMAGES_PER_BATCH,
        max_batch_bytes: int = DEFAULT_MAX_BATCH_BYTES,
        progress: UploadProgress | None = None,
        concurrency: int | None = None,
    ) -> Bulk[Any, UploadReport]:
        """Upload a folder laid out as one sub-folder per tag (``fruit/apple/1.jpg``, ``fruit/banana/2.png``).

        Each sub-folder's name is a tag, created when the project lacks it; images directly in ``path`` are
        uploaded untagged. Every file is checked before anything is sent (JPEG, PNG, GIF or BMP by its first
        bytes, 1 byte to 6 MB, at most one folder deep); files with other extensions and hidden files are
        skipped. Then it is :meth:`upload_images` (same report, same convergence, same options): calling it
        again after adding images or fixing a failure uploads only what is missing.

        Raises:
            ClientValidationError: a file cannot be uploaded (every such file is listed); nothing was sent.
            UploadIncompleteError: as :meth:`upload_images`.
        """
        files = _folder_images(Path(path))
        names = sorted({tag for _, tag in files if tag is not None})
        tag_ids: dict[str, UUID] = {}
        project = to_id(project_id, "project_id")

        def create_missing_tags() -> Workflow[None]:
            existing = yield from call(training_operations.TrainingOperations.get_tags.build(self, project))
            tag_ids.update({tag.name: tag.id for tag in existing if tag.id is not None})
            for name in names:
                if name not in tag_ids:
                    created = yield from call(
                        training_operations.TrainingOperations.create_tag.build(self, project, name)
                    )
                    assert created.id is not None
                    tag_ids[name] = created.id

        class _Images(Sized):
            def __len__(self) -> int:
                return len(files)

            def __iter__(self) -> Iterator[ImageToUpload]:
                for file, tag in files:
                    yield ImageToUpload(str(file), tag_ids=[] if tag is None else [tag_ids[tag]])

        upload = _upload(
            self, project, _Images(), None, metadata, max_batch_images, max_batch_bytes, progress, concurrency
        )
        upload._prepare = create_missing_tags
        return upload


def _upload(
    client: Any,
    project_id: Id,
    images: Iterable[ImageInput | ImageToUpload],
    tag_ids: Iterable[Id] | None,
    metadata: Mapping[str, str] | None,
    max_batch_images: int,
    max_batch_bytes: int,
    progress: UploadProgress | None,
    concurrency: int | None,
) -> _Upload:
    """The upload work, every argument checked before anything is read or sent."""
    project = to_id(project_id, "project_id")
    check_image_collection(images, "images")
    common = [] if tag_ids is None else list(dict.fromkeys(UUID(t) for t in to_ids(tag_ids, "tag_ids", required=False)))
    if len(common) > MAX_TAGS_PER_BATCH:
        raise ClientValidationError(
            f"tag_ids: at most {MAX_TAGS_PER_BATCH} tags per image, got {len(common)}",
            limit=f"{MAX_TAGS_PER_BATCH} tags per batch",
            value=len(common),
        )
    training_operations.check_metadata(metadata, "metadata")
    if isinstance(max_batch_images, bool) or not 1 <= max_batch_images <= MAX_IMAGES_PER_BATCH:
        raise ClientValidationError(
            f"max_batch_images must be 1 to {MAX_IMAGES_PER_BATCH}, got {max_batch_images!r}",
            limit=f"{MAX_IMAGES_PER_BATCH} images per batch",
            value=max_batch_images,
        )
    if isinstance(max_batch_bytes, bool) or max_batch_bytes <= 0:
        raise ClientValidationError(
            f"max_batch_bytes must be positive, got {max_batch_bytes!r}", limit="batch bytes", value=max_batch_bytes
        )
    return _Upload(
        client,
        project,
        images,
        common,
        dict(metadata) if metadata is not None else None,
        max_batch_images,
        max_batch_bytes,
        progress,
        check_concurrency(concurrency),
    )
