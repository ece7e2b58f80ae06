"""Training, export and project import, started and awaited: the Training API's long-running work.

Each ``begin_*`` method returns a poller (``status()``, ``done()``, ``wait()``, ``result()``); each
``*_and_wait`` method starts the work and waits for it in one call. Deadlines default to an hour; pass
``timeout=None`` explicitly to wait with no limit.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from .._exceptions import BadRequestError, OperationFailedError, TrainingFailedError, TrainingNotNeededError
from ..core.lazy import lazy_module
from ..core.operation import Operation, Workflow, call, workflow
from ..operations import Id, download, to_id
from ..operations.training import TrainingOperations, TrainingOptions
from .polling import DEFAULT_TIMEOUT, PollPlan, PollSchedule, Progress, State, check_wait, poller, wait_for

if TYPE_CHECKING:
    import httpx

    from ..models import training as models
    from ..models.training import Export, Iteration, Project
else:
    models = lazy_module("customvision_rest.models.training")

__all__ = ["TrainingWorkflows", "stream_to_file"]

# At run time too, so that inspect.signature and help() resolve the annotations of the client methods.
if sys.version_info >= (3, 11):
    from typing import Unpack
else:
    from typing_extensions import Unpack

T = TypeVar("T")
_EPOCH = datetime.min.replace(tzinfo=timezone.utc)


def _judge_iteration(iteration: Iteration) -> State:
    if iteration.status == models.IterationStatus.COMPLETED:
        return State.SUCCEEDED
    if iteration.status == models.IterationStatus.FAILED:
        return State.FAILED
    return State.RUNNING


def _training_failed(iteration: Iteration) -> TrainingFailedError:
    return TrainingFailedError(f"training of iteration {iteration.name!r} ({iteration.id}) failed", result=iteration)


def _judge_export(export: Export) -> State:
    if export.status == models.ExportStatus.DONE:
        return State.SUCCEEDED
    if export.status == models.ExportStatus.FAILED:
        return State.FAILED
    return State.RUNNING


def _export_failed(export: Export) -> OperationFailedError:
    return OperationFailedError(
        f"export to {export.platform} ({export.flavor or 'default flavor'}) failed", result=export
    )


def _judge_import(project: Project) -> State:
    if project.status == models.ProjectStatus.FAILED:
        return State.FAILED
    if project.status in (None, models.ProjectStatus.SUCCEEDED):
        return State.SUCCEEDED
    return State.RUNNING


def _import_failed(project: Project) -> OperationFailedError:
    return OperationFailedError(f"import of project {project.name!r} ({project.id}) failed", result=project)


def read_with(op: Operation[Any], parse: Callable[[httpx.Response], T], **changes: Any) -> Operation[T]:
    """The same request with another parser (and ``changes``); every other field, such as ``success``,
    ``repeatable`` and ``authenticated``, is kept."""
    rebuilt: Operation[Any] = replace(op, parse=parse, **changes)
    return rebuilt


def stream_to_file(fetch: Operation[Any], destination: str | os.PathLike[str]) -> Workflow[int]:
    """Run the GET ``fetch`` with its body streamed into ``destination``; return the size written.

    The body is written chunk by chunk, never held whole in memory. The file appears whole or not at all: it is
    written beside the destination and renamed when complete, and removed if the download fails.
    """
    target = Path(destination)
    partial = target.with_name(target.name + ".partial")
    try:
        with partial.open("wb") as sink:
            streamed = read_with(fetch, lambda response: sink.tell(), sink=sink)
            size = yield from call(streamed)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, target)
    return size


def latest_trained(iterations: Sequence[Iteration]) -> Iteration | None:
    """The most recently trained completed iteration, or ``None``."""
    completed = [i for i in iterations if i.status == models.IterationStatus.COMPLETED]
    return max(completed, key=lambda i: i.trained_at or i.last_modified or _EPOCH, default=None)


class TrainingWorkflows:
    """Long-running Training API work; mixed into both training clients next to the operations."""

    def _start_training(self, project_id: Id, options: TrainingOptions) -> Workflow[PollPlan[Iteration]]:
        project = to_id(project_id, "project_id")
        # Built before anything is sent: a bad option raises here, not after a request.
        request = TrainingOperations.train_project.build(self, project, **options)
        try:
            iteration = yield from call(request)
        except TrainingNotNeededError:
            # Nothing changed since the last training: the latest trained iteration is the answer.
            iterations = yield from call(TrainingOperations.get_iterations.build(self, project))
            latest = latest_trained(iterations)
            if latest is None:
                raise
            iteration = latest
        except BadRequestError as error:
            if error.code != "BadRequestTrainingAlreadyInProgress":
                raise
            # A training is running already (often ours, started by a call whose answer was lost): follow it.
            iterations = yield from call(TrainingOperations.get_iterations.build(self, project))
            running = [i for i in iterations if i.status == models.IterationStatus.TRAINING]
            if not running:
                raise
            iteration = max(running, key=lambda i: i.created or i.last_modified or _EPOCH)
        iteration_id = to_id(iteration.id, "iteration id") if iteration.id else ""
        return PollPlan(
            what=f"training of iteration {iteration.name!r} ({iteration_id})",
            fetch=lambda: TrainingOperations.get_iteration.build(self, project, iteration_id),
            judge=_judge_iteration,
            failure=_training_failed,
            initial=iteration,
        )

    @poller
    def begin_train_project(
        self, project_id: Id, /, **options: Unpack[TrainingOptions]
    ) -> Workflow[PollPlan[Iteration]]:
        """Start training and return a poller for the new iteration.

        When nothing changed since the last training (``BadRequestTrainingNotNeeded``), no new iteration
        starts: the poller then follows the latest trained iteration, already completed. When a training is
        already in progress (``BadRequestTrainingAlreadyInProgress``), the poller follows that iteration.
        The options are those of :meth:`train_project`, passed through unchanged.
        """
        return (yield from self._start_training(project_id, options))

    @workflow
    def train_and_wait(
        self,
        project_id: Id,
        /,
        *,
        timeout: float | None = DEFAULT_TIMEOUT,
        progress: Progress | None = None,
        schedule: PollSchedule | None = None,
        **options: Unpack[TrainingOptions],
    ) -> Workflow[Iteration]:
        """Train the project and wait for the iteration to complete; return it.

        A training already in progress is picked up and waited for instead of failing; with nothing new to
        train, the latest trained iteration is returned. Every argument is checked before the first request.

        Args:
            timeout: seconds to wait (default an hour); ``None`` waits with no limit.
            progress: called with the iteration at every poll.
            schedule: the poll interval and its backoff.
            options: the options of :meth:`train_project` (``training_type``, ``reserved_budget_in_hours``,
                ``force_train``, ``notification_email_address``, ``selected_tags``, ``training_parameters``).

        Raises:
            TrainingFailedError: the iteration ended in ``Failed`` (``error.iteration`` has it, with its id).
            PollingTimeoutError: the deadline passed; training goes on at the service (``error.last_status``
                is the iteration).
        """
        check_wait(timeout, schedule, progress)
        plan = yield from self._start_training(project_id, options)
        return (yield from wait_for(plan, timeout=timeout, schedule=schedule, progress=progress))

    def _start_export(
        self, project_id: Id, iteration_id: Id, platform: str, flavor: str | None
    ) -> Workflow[PollPlan[Export]]:
        project = to_id(project_id, "project_id")
        iteration = to_id(iteration_id, "iteration_id")

        def matching(exports: list[Export], *, include_failed: bool) -> Export | None:
            for export in exports:
                same_flavor = (export.flavor or None) == (flavor or None)
                failed = export.status == models.ExportStatus.FAILED
                if str(export.platform) == str(platform) and same_flavor and (include_failed or not failed):
                    return export
            return None

        # Exporting twice is refused while the first is queued: reuse an existing export instead.
        listed = yield from call(TrainingOperations.get_exports.build(self, project, iteration))
        existing = matching(listed, include_failed=False)
        if existing is None:
            existing = yield from call(
                TrainingOperations.export_iteration.build(self, project, iteration, platform, flavor=flavor)
            )

        def fetch_export() -> Operation[Export]:
            listing = TrainingOperations.get_exports.build(self, project, iteration)

            def parse(response: httpx.Response) -> Export:
                found = matching(listing.parse(response), include_failed=True)
                if found is None:
                    raise ValueError(f"the export to {platform} is no longer listed")
                return found

            return read_with(listing, parse)

        return PollPlan(
            what=f"export of iteration {iteration} to {platform}",
            fetch=fetch_export,
            judge=_judge_export,
            failure=_export_failed,
            initial=existing,
        )

    @poller
    def begin_export_iteration(
        self, project_id: Id, iteration_id: Id, platform: str, /, *, flavor: str | None = None
    ) -> Workflow[PollPlan[Export]]:
        """Export a trained iteration (compact domains only) and return a poller of the export.

        An export of the same platform and flavor that already exists is followed instead of requesting a
        second one, so calling this twice is safe. The finished export's ``download_uri`` is a secret URL.
        """
        return (yield from self._start_export(project_id, iteration_id, platform, flavor))

    @workflow
    def export_and_wait(
        self,
        project_id: Id,
        iteration_id: Id,
        platform: str,
        /,
        *,
        flavor: str | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
        progress: Progress | None = None,
        schedule: PollSchedule | None = None,
    ) -> Workflow[Export]:
        """Export an iteration and wait until the export is ``Done``; return it (with its ``download_uri``)."""
        check_wait(timeout, schedule, progress)
        plan = yield from self._start_export(project_id, iteration_id, platform, flavor)
        return (yield from wait_for(plan, timeout=timeout, schedule=schedule, progress=progress))

    @workflow
    def save_artifact(self, project_id: Id, path: str, destination: str | os.PathLike[str], /) -> Workflow[int]:
        """Stream an artifact into the file ``destination``; return its size in bytes.

        ``path`` is either a path in the project's storage (see :meth:`get_artifact`) or the full address the
        service handed out, such as a finished export's ``download_uri``. GetArtifact refuses full addresses
        (``BadRequestInvalidArtifactUri``), so these are fetched directly, as signed URLs, without the
        resource's key or token. The file appears whole or not at all (see :func:`stream_to_file`).
        """
        if isinstance(path, str) and path.startswith(("https://", "http://")):
            to_id(project_id, "project_id")
            fetch: Operation[Any] = download(path, "artifact")
        else:
            fetch = TrainingOperations.get_artifact.build(self, project_id, path)
        return (yield from stream_to_file(fetch, destination))

    def _start_import(self, token: str, name: str | None) -> Workflow[PollPlan[Project]]:
        project = yield from call(TrainingOperations.import_project.build(self, token, name=name))
        project_id = to_id(project.id, "imported project id") if project.id else ""
        return PollPlan(
            what=f"import of project {project.name!r}",
            fetch=lambda: TrainingOperations.get_project.build(self, project_id),
            judge=_judge_import,
            failure=_import_failed,
            initial=project,
        )

    @poller
    def begin_import_project(self, token: str, /, *, name: str | None = None) -> Workflow[PollPlan[Project]]:
        """Import a project from an export token (see :meth:`export_project`) and return a poller of it."""
        return (yield from self._start_import(token, name))

    @workflow
    def import_and_wait(
        self,
        token: str,
        /,
        *,
        name: str | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
        progress: Progress | None = None,
        schedule: PollSchedule | None = None,
    ) -> Workflow[Project]:
        """Import a project and wait until its status is ``Succeeded``; return it."""
        check_wait(timeout, schedule, progress)
        plan = yield from self._start_import(token, name)
        return (yield from wait_for(plan, timeout=timeout, schedule=schedule, progress=progress))
