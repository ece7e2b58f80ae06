"""Look-ups over the state: records by id (404 when absent or not the caller's), a project's records in order."""

from __future__ import annotations

from ._context import RequestContext
from ._errors import not_found
from ._resources import EmulatorResource
from ._state import Iteration, Project, Store, StoredImage, Tag

QUOTAS: dict[str, dict[str, int]] = {
    "F0": {"projects": 2, "tags": 50, "images": 5_000, "iterations": 20},
    "S0": {"projects": 100, "tags": 500, "images": 100_000, "iterations": 20},
}


class Lookups:
    """Finding records; every other part of the service builds on these (call with the store lock held)."""

    store: Store
    resources: dict[str, EmulatorResource]

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

    def tag_image_count(self, tag: Tag) -> int:
        """How many images carry the tag (as an image tag or as a region tag)."""
        return sum(
            1
            for image in self.store.state.images.values()
            if image.project_id == tag.project_id
            and (tag.id in image.tags or any(r.tag_id == tag.id for r in image.regions))
        )

    def tag_name(self, tag_id: str) -> str | None:
        """The current name of a tag."""
        tag = self.store.state.tags.get(tag_id)
        return tag.name if tag else None
