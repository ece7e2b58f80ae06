"""``tags list|create|delete``."""

from __future__ import annotations

import click

from ..models.training import Tag
from ._context import CliError, Session, command, pass_session

__all__ = ["register"]


def _row(tag: Tag) -> str:
    return f"{tag.id}  {tag.name}  ({tag.image_count or 0} images)"


def register(root: click.Group) -> None:
    """Add the ``tags`` group to the root command."""

    @root.group("tags")
    def tags() -> None:
        """List, create and delete the tags of a project."""

    @command(tags, "list")
    @click.argument("project")
    @pass_session
    def list_tags(session: Session, project: str) -> None:
        """List the tags of PROJECT with their image counts."""
        trainer = session.trainer()
        found = trainer.get_tags(session.project_id(trainer, project))
        session.emit(found, lambda: "\n".join(_row(t) for t in found) or "no tags")

    @command(tags, "create")
    @click.argument("project")
    @click.argument("names", nargs=-1, required=True)
    @click.option("--negative", is_flag=True, help="create the project's negative tag (classification only)")
    @pass_session
    def create(session: Session, project: str, names: tuple[str, ...], negative: bool) -> None:
        """Create the tags NAMES in PROJECT."""
        trainer = session.trainer()
        project_id = session.project_id(trainer, project)
        created = [trainer.create_tag(project_id, name, type="Negative" if negative else None) for name in names]
        session.emit(created, lambda: "\n".join(f"created tag {t.name!r}: {t.id}" for t in created))

    @command(tags, "delete")
    @click.argument("project")
    @click.argument("tags_", metavar="TAG...", nargs=-1, required=True)
    @pass_session
    def delete(session: Session, project: str, tags_: tuple[str, ...]) -> None:
        """Delete the tags TAG (ids or names) from PROJECT; images keep their other tags."""
        trainer = session.trainer()
        project_id = session.project_id(trainer, project)
        existing = trainer.get_tags(project_id)
        chosen: list[Tag] = []
        for reference in tags_:
            match = [t for t in existing if str(t.id) == reference or t.name == reference]
            if not match:
                raise CliError(f"the project has no tag {reference!r}")
            chosen.append(match[0])
        for tag in chosen:
            trainer.delete_tag(project_id, str(tag.id))
        session.emit(
            [{"deleted": str(t.id), "name": t.name} for t in chosen],
            lambda: "\n".join(f"deleted tag {t.name!r}" for t in chosen),
        )
