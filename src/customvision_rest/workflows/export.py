"""Export and download in one call: the model file of a trained iteration, on disk.

The service exports asynchronously and answers a signed address (SAS) of the finished package on its blob
storage; :meth:`ExportWorkflows.export_and_download` requests the export (or follows one already queued or
done), waits for it with a deadline and streams the package into a file, without sending the resource's key
or token to the storage host.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from .._exceptions import OperationFailedError
from ..core.operation import Workflow, workflow
from ..operations import Id, download
from .polling import DEFAULT_TIMEOUT, PollPlan, PollSchedule, Progress, wait_for
from .training import stream_to_file

if TYPE_CHECKING:
    from ..models.training import Export

__all__ = ["ExportWorkflows"]


def _package_name(platform: str, flavor: str | None) -> str:
    return f"{platform}-{flavor}.zip" if flavor else f"{platform}.zip"


class ExportWorkflows:
    """Export and download; mixed into both training clients beside :class:`TrainingWorkflows`."""

    if TYPE_CHECKING:
        # Provided by TrainingWorkflows, the other base of the training clients.
        def _start_export(
            self, project_id: Id, iteration_id: Id, platform: str, flavor: str | None
        ) -> Workflow[PollPlan[Export]]: ...

    @workflow
    def export_and_download(
        self,
        project_id: Id,
        iteration_id: Id,
        platform: str,
        path: str | os.PathLike[str],
        /,
        *,
        flavor: str | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
        progress: Progress | None = None,
        schedule: PollSchedule | None = None,
    ) -> Workflow[Path]:
        """Export an iteration, wait until the export is ``Done``, download the package; return the file's path.

        An export of the same platform and flavor already queued or done is reused, so calling this again is
        cheap and safe. The download goes to the signed ``download_uri`` without the resource's credentials,
        and the file appears whole or not at all.

        Args:
            project_id: the project.
            iteration_id: a trained iteration on a compact domain.
            platform: ``"ONNX"``, ``"TensorFlow"``, ``"CoreML"``, ``"DockerFile"``, ``"VAIDK"`` or ``"OpenVino"``.
            path: the file to write; when it is an existing folder, ``<platform>[-<flavor>].zip`` inside it.
            flavor: the platform's variant, e.g. ``"OnnxFloat16"``, ``"Linux"``, ``"TensorFlowLite"``.
            timeout: seconds to wait for the export (default an hour); ``None`` waits with no limit.
            progress: called with the export at every poll.
            schedule: the poll interval and its backoff.

        Raises:
            OperationFailedError: the export ended in ``Failed``, or is done with no download address.
            PollingTimeoutError: the deadline passed; the export goes on at the service.
        """
        target = Path(path)
        if target.is_dir():
            target = target / _package_name(platform, flavor)
        plan = yield from self._start_export(project_id, iteration_id, platform, flavor)
        export = yield from wait_for(plan, timeout=timeout, schedule=schedule, progress=progress)
        if not export.download_uri:
            raise OperationFailedError(f"the export to {platform} is done but has no download address", result=export)
        yield from stream_to_file(download(export.download_uri, f"export to {platform}"), target)
        return target
