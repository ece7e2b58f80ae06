"""``train``, ``iterations list``, ``publish``, ``unpublish`` and ``export``."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import click
import httpx

from .. import TrainingNotNeededError
from ..models.training import Export, Iteration
from ._context import EXIT_SERVICE, CliError, Session, command, pass_session

__all__ = ["register"]


def _iteration_row(iteration: Iteration) -> str:
    published = f"  published as {iteration.publish_name!r}" if iteration.publish_name else ""
    return f"{iteration.id}  {iteration.name}  {iteration.status}{published}"


def _export_view(export: Export, file: Path | None) -> dict[str, object]:
    # The download address is a SAS URL: whoever holds it can fetch the model, so it is never printed.
    view: dict[str, object] = {"platform": str(export.platform), "status": str(export.status)}
    if export.flavor is not None:
        view["flavor"] = str(export.flavor)
    if file is not None:
        view["file"] = str(file)
    return view


def _download(url: str, file: Path, session: Session) -> int:
    """Fetch a signed address into ``file`` atomically; the address itself never reaches an error message."""
    file.parent.mkdir(parents=True, exist_ok=True)
    handle, partial = tempfile.mkstemp(dir=file.parent, prefix=f".{file.name}.", suffix=".part")
    written = 0
    try:
        with os.fdopen(handle, "wb") as sink, httpx.stream("GET", url, timeout=120.0, follow_redirects=True) as answer:
            if answer.status_code != 200:
                raise CliError(f"the export download answered HTTP {answer.status_code}", exit_code=EXIT_SERVICE)
            total = int(answer.headers["content-length"]) if "content-length" in answer.headers else None
            with session.progress("downloading", total) as update:
                for chunk in answer.iter_bytes():
                    sink.write(chunk)
                    written += len(chunk)
                    update(written)
        os.replace(partial, file)
    except httpx.HTTPError as error:
        raise CliError(f"the export download failed: {type(error).__name__}", exit_code=EXIT_SERVICE) from None
    finally:
        if os.path.exists(partial):
            os.unlink(partial)
    return written


def register(root: click.Group) -> None:
    """Add the training and publishing commands to the root command."""

    @command(root, "train")
    @click.argument("project")
    @click.option("--wait", is_flag=True, help="wait until the iteration is trained (progress on a terminal)")
    @click.option("--timeout", type=float, default=3600.0, show_default=True, help="seconds to wait with --wait")
    @click.option("--type", "training_type", type=click.Choice(["Regular", "Advanced"]), help="the training type")
    @click.option("--budget-hours", type=int, help="the hours advanced training may use")
    @click.option("--force", is_flag=True, help="train even when nothing changed since the last iteration")
    @pass_session
    def train(
        session: Session,
        project: str,
        wait: bool,
        timeout: float,
        training_type: str | None,
        budget_hours: int | None,
        force: bool,
    ) -> None:
        """Train PROJECT: queue a new iteration, and with --wait wait for it to complete."""
        trainer = session.trainer()
        project_id = session.project_id(trainer, project)
        force_train = True if force else None
        if wait:

            def show(iteration: Iteration) -> None:
                if not session.as_json:
                    session.info(f"  {iteration.name}: {iteration.status}")

            iteration = trainer.train_and_wait(
                project_id,
                timeout=timeout,
                progress=show,
                training_type=training_type,
                reserved_budget_in_hours=budget_hours,
                force_train=force_train,
            )
        else:
            try:
                iteration = trainer.train_project(
                    project_id,
                    training_type=training_type,
                    reserved_budget_in_hours=budget_hours,
                    force_train=force_train,
                )
            except TrainingNotNeededError as error:
                raise CliError(
                    f"{error.message} (nothing changed since the last iteration; --force trains anyway)",
                    exit_code=EXIT_SERVICE,
                    code=error.code,
                ) from None
        session.emit(iteration, lambda: f"{iteration.name} ({iteration.id}): {iteration.status}")

    @root.group("iterations")
    def iterations() -> None:
        """The iterations (trained models) of a project."""

    @command(iterations, "list")
    @click.argument("project")
    @pass_session
    def list_iterations(session: Session, project: str) -> None:
        """List the iterations of PROJECT with their status and publish name."""
        trainer = session.trainer()
        found = trainer.get_iterations(session.project_id(trainer, project))
        session.emit(found, lambda: "\n".join(_iteration_row(it) for it in found) or "no iterations")

    @command(root, "publish")
    @click.argument("project")
    @click.argument("iteration", required=False)
    @click.option("--name", "publish_name", required=True, help="the name predictions will use")
    @click.option("--overwrite", is_flag=True, help="replace an existing publication of that name")
    @pass_session
    def publish(session: Session, project: str, iteration: str | None, publish_name: str, overwrite: bool) -> None:
        """Publish ITERATION of PROJECT (id or name; the newest trained by default) to the prediction resource."""
        trainer = session.trainer()
        project_id = session.project_id(trainer, project)
        chosen = session.iteration(trainer, project_id, iteration)
        resource = session.prediction_resource(need_resource_id=True)
        trainer.publish_iteration(project_id, str(chosen.id), publish_name, resource, overwrite=overwrite or None)
        result = {"project": project_id, "iteration": str(chosen.id), "publishName": publish_name}
        session.emit(result, lambda: f"published {chosen.name} as {publish_name!r}")

    @command(root, "unpublish")
    @click.argument("project")
    @click.argument("iteration")
    @pass_session
    def unpublish(session: Session, project: str, iteration: str) -> None:
        """Withdraw ITERATION of PROJECT from prediction."""
        trainer = session.trainer()
        project_id = session.project_id(trainer, project)
        chosen = session.iteration(trainer, project_id, iteration)
        trainer.unpublish_iteration(project_id, str(chosen.id))
        result = {"project": project_id, "iteration": str(chosen.id), "unpublished": True}
        session.emit(result, lambda: f"unpublished {chosen.name}")

    @command(root, "export")
    @click.argument("project")
    @click.argument("iteration")
    @click.option("--platform", required=True, help="ONNX, TensorFlow, CoreML, DockerFile, OpenVino or VAIDK")
    @click.option("--flavor", help="a platform's variant (Linux, Windows, ONNX12, TensorFlowLite, ...)")
    @click.option("--download", "file", type=click.Path(dir_okay=False, path_type=Path), help="save the export here")
    @click.option("--timeout", type=float, default=3600.0, show_default=True, help="seconds to wait for the export")
    @pass_session
    def export(
        session: Session,
        project: str,
        iteration: str,
        platform: str,
        flavor: str | None,
        file: Path | None,
        timeout: float,
    ) -> None:
        """Export ITERATION of PROJECT (a compact domain) and wait until it is ready; --download saves it."""
        trainer = session.trainer()
        project_id = session.project_id(trainer, project)
        chosen = session.iteration(trainer, project_id, iteration)
        done = trainer.export_and_wait(project_id, str(chosen.id), platform, flavor=flavor, timeout=timeout)
        size = None
        if file is not None:
            if not done.download_uri:
                raise CliError("the export is done but the service gave no download address", exit_code=EXIT_SERVICE)
            size = _download(done.download_uri, file, session)
        view = _export_view(done, file)
        if size is not None:
            view["bytes"] = size
        session.emit(
            view,
            lambda: (
                f"export {view['platform']}: {view['status']}" + (f", saved {size} bytes to {file}" if file else "")
            ),
        )
