"""``projects list|create|show|delete``."""

from __future__ import annotations

import click

from ..models.training import Project
from ._context import Session, command, pass_session

__all__ = ["register"]


def _row(project: Project) -> str:
    return f"{project.id}  {project.name}"


def register(root: click.Group) -> None:
    """Add the ``projects`` group to the root command."""

    @root.group("projects")
    def projects() -> None:
        """List, create, show and delete projects."""

    @command(projects, "list")
    @pass_session
    def list_projects(session: Session) -> None:
        """List the projects of the training resource."""
        found = session.trainer().get_projects()
        session.emit(found, lambda: "\n".join(_row(p) for p in found) or "no projects")

    @command(projects, "create")
    @click.argument("name")
    @click.option("--description", help="a free description")
    @click.option("--domain", "domain_id", metavar="ID", help="the domain (base model) to train on")
    @click.option(
        "--classification-type",
        type=click.Choice(["Multiclass", "Multilabel"]),
        help="one tag per image, or several (classification domains only)",
    )
    @pass_session
    def create(
        session: Session, name: str, description: str | None, domain_id: str | None, classification_type: str | None
    ) -> None:
        """Create a project named NAME and print its id."""
        project = session.trainer().create_project(
            name, description=description, domain_id=domain_id, classification_type=classification_type
        )
        session.emit(project, lambda: f"created project {project.name!r}: {project.id}")

    @command(projects, "show")
    @click.argument("project")
    @pass_session
    def show(session: Session, project: str) -> None:
        """Describe PROJECT (an id or a name)."""
        found = session.project(session.trainer(), project)
        session.emit(found)

    @command(projects, "delete")
    @click.argument("project")
    @click.option("--yes", is_flag=True, help="do not ask for confirmation")
    @pass_session
    def delete(session: Session, project: str, yes: bool) -> None:
        """Delete PROJECT with its images, tags and iterations (a published iteration must be unpublished)."""
        trainer = session.trainer()
        found = session.project(trainer, project)
        if not yes and session.interactive:
            click.confirm(f"delete project {found.name!r} ({found.id}) and all its images?", abort=True)
        trainer.delete_project(str(found.id))
        session.emit({"deleted": str(found.id), "name": found.name}, lambda: f"deleted project {found.name!r}")
