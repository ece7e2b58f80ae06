"""``CustomVisionTrainingClient`` as in the old SDK (``azure.cognitiveservices.vision.customvision.training``).

Every method has the old name, parameters, positional order and defaults, and takes ``custom_headers=`` and
``raw=True``; each one is a call of :class:`customvision_rest.TrainingClient`, whose retries, limits checks
and error messages it therefore has. Results are this library's models (see :mod:`.models`); failures raise
:class:`~customvision_rest.compat.training.models.CustomVisionErrorException`, which is also the matching
typed error of :mod:`customvision_rest`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from ... import ClientValidationError, TrainingClient
from .._base import ClientRawResponse, CompatClient, IdLike, Stream, chunks
from . import models

__all__ = ["CustomVisionTrainingClient", "models"]

Headers = Mapping[str, str] | None


def _preview_only(**given: object) -> None:
    """Refuse options of API 3.4-preview, which the native v3.3 client does not send, rather than drop them."""
    used = sorted(name for name, value in given.items() if value is not None)
    if used:
        raise ClientValidationError(
            f"{', '.join(used)}: an option of Custom Vision API 3.4-preview, which customvision-rest does not "
            "send (it speaks Training v3.3); leave it out",
            limit="API 3.4-preview option",
            value=used[0],
        )


class CustomVisionTrainingClient(CompatClient[TrainingClient]):
    """The old training client's face over :class:`customvision_rest.TrainingClient`.

    Args:
        endpoint: the training resource's endpoint, ``https://<name>.cognitiveservices.azure.com/``.
        credentials: ``ApiKeyCredentials(in_headers={"Training-Key": key})`` (any case), a key, or a token
            credential such as ``azure.identity.DefaultAzureCredential()``.
    """

    _native_class = TrainingClient

    def __init__(self, endpoint: str, credentials: Any) -> None:
        super().__init__(endpoint, credentials)

    # ------------------------------------------------------------------------------------------- domains

    def get_domains(self, custom_headers: Headers = None, raw: bool = False, **operation_config: Any) -> Any:
        """List the domains; a ``list[Domain]``."""
        return self._call(lambda c: c.get_domains(), custom_headers, raw, operation_config)

    def get_domain(
        self, domain_id: IdLike, custom_headers: Headers = None, raw: bool = False, **operation_config: Any
    ) -> Any:
        """Describe one domain; a ``Domain``."""
        return self._call(lambda c: c.get_domain(domain_id), custom_headers, raw, operation_config)

    # ------------------------------------------------------------------------------------------ projects

    def get_projects(self, custom_headers: Headers = None, raw: bool = False, **operation_config: Any) -> Any:
        """List the projects; a ``list[Project]``."""
        return self._call(lambda c: c.get_projects(), custom_headers, raw, operation_config)

    def create_project(
        self,
        name: str,
        description: str | None = None,
        domain_id: IdLike | None = None,
        classification_type: str | None = None,
        target_export_platforms: Iterable[str] | None = None,
        export_model_container_uri: str | None = None,
        notification_queue_uri: str | None = None,
        custom_headers: Headers = None,
        raw: bool = False,
        **operation_config: Any,
    ) -> Any:
        """Create a project; a ``Project``. The two storage options of API 3.4-preview are refused."""
        _preview_only(
            export_model_container_uri=export_model_container_uri, notification_queue_uri=notification_queue_uri
        )
        return self._call(
            lambda c: c.create_project(
                name,
                description=description,
                domain_id=domain_id,
                classification_type=classification_type,
                target_export_platforms=target_export_platforms,
            ),
            custom_headers,
            raw,
            operation_config,
        )

    def get_project(
        self, project_id: IdLike, custom_headers: Headers = None, raw: bool = False, **operation_config: Any
    ) -> Any:
        """Describe one project; a ``Project``."""
        return self._call(lambda c: c.get_project(project_id), custom_headers, raw, operation_config)

    def delete_project(
        self, project_id: IdLike, custom_headers: Headers = None, raw: bool = False, **operation_config: Any
    ) -> Any:
        """Delete a project; ``None``."""
        return self._call(lambda c: c.delete_project(project_id), custom_headers, raw, operation_config)

    def update_project(
        self,
        project_id: IdLike,
        updated_project: Any,
        custom_headers: Headers = None,
        raw: bool = False,
        **operation_config: Any,
    ) -> Any:
        """Update a project's name, description or settings from a ``Project``; the updated ``Project``."""
        return self._call(
            lambda c: c.update_project(project_id, updated_project), custom_headers, raw, operation_config
        )

    def export_project(
        self, project_id: IdLike, custom_headers: Headers = None, raw: bool = False, **operation_config: Any
    ) -> Any:
        """Export a whole project; a ``ProjectExport`` with the token that imports it."""
        return self._call(lambda c: c.export_project(project_id), custom_headers, raw, operation_config)

    def import_project(
        self,
        token: str,
        name: str | None = None,
        custom_headers: Headers = None,
        raw: bool = False,
        **operation_config: Any,
    ) -> Any:
        """Start importing a project from an export token; the new ``Project`` (status ``Importing``)."""
        return self._call(lambda c: c.import_project(token, name=name), custom_headers, raw, operation_config)

    def get_artifact(
        self,
        project_id: IdLike,
        path: str,
        custom_headers: Headers = None,
        raw: bool = False,
        callback: Callable[..., Any] | None = None,
        **operation_config: Any,
    ) -> Any:
        """Download a stored artifact; an iterator of ``bytes`` pieces, each also given to ``callback``."""
        result = self._call(lambda c: c.get_artifact(project_id, path), custom_headers, raw, operation_config)
        if isinstance(result, ClientRawResponse):
            result.output = chunks(result.output, callback, result.response)
            return result
        return chunks(result, callback, None)

    # ---------------------------------------------------------------------------------------- iterations

    def get_iterations(
        self, project_id: IdLike, custom_headers: Headers = None, raw: bool = False, **operation_config: Any
    ) -> Any:
        """List a project's iterations; a ``list[Iteration]``."""
        return self._call(lambda c: c.get_iterations(project_id), custom_headers, raw, operation_config)

    def get_iteration(
        self,
        project_id: IdLike,
        iteration_id: IdLike,
        custom_headers: Headers = None,
        raw: bool = False,
        **operation_config: Any,
    ) -> Any:
        """Describe one iteration; an ``Iteration`` (``status`` compares equal to ``"Completed"``...)."""
        return self._call(lambda c: c.get_iteration(project_id, iteration_id), custom_headers, raw, operation_config)

    def delete_iteration(
        self,
        project_id: IdLike,
        iteration_id: IdLike,
        custom_headers: Headers = None,
        raw: bool = False,
        **operation_config: Any,
    ) -> Any:
        """Delete an iteration; ``None``."""
        return self._call(lambda c: c.delete_iteration(project_id, iteration_id), custom_headers, raw, operation_config)

    def update_iteration(
        self,
        project_id: IdLike,
        iteration_id: IdLike,
        name: str,
        custom_headers: Headers = None,
        raw: bool = False,
        **operation_config: Any,
    ) -> Any:
        """Rename an iteration; the updated ``Iteration``."""
        return self._call(
            lambda c: c.update_iteration(project_id, iteration_id, name), custom_headers, raw, operation_config
        )

    def get_iteration_performance(
        self,
        project_id: IdLike,
        iteration_id: IdLike,
        threshold: float | None = None,
        overlap_threshold: float | None = None,
        custom_headers: Headers = None,
        raw: bool = False,
        **operation_config: Any,
    ) -> Any:
        """Precision and recall of an iteration; an ``IterationPerformance``."""
        return self._call(
            lambda c: c.get_iteration_performance(
                project_id, iteration_id, threshold=threshold, overlap_threshold=overlap_threshold
            ),
            custom_headers,
            raw,
            operation_config,
        )

    def get_image_performances(
        self,
        project_id: IdLike,
        iteration_id: IdLike,
        tag_ids: Iterable[IdLike] | None = None,
        order_by: str | None = None,
        take: int = 50,
        skip: int = 0,
        custom_headers: Headers = None,
        raw: bool = False,
        **operation_config: Any,
    ) -> Any:
        """The iteration's predictions on its training images; a ``list[ImagePerformance]``."""
        return self._call(
            lambda c: c.get_image_performances(
                project_id, iteration_id, tag_ids=tag_ids, order_by=order_by, take=take, skip=skip
            ),
            custom_headers,
            raw,
            operation_config,
        )

    def get_image_performance_count(
        self,
        project_id: IdLike,
        iteration_id: IdLike,
        tag_ids: Iterable[IdLike] | None = None,
        custom_headers: Headers = None,
        raw: bool = False,
        **operation_config: Any,
    ) -> Any:
        """How many images :meth:`get_image_performances` can list; an ``int``."""
        return self._call(
            lambda c: c.get_image_performance_count(project_id, iteration_id, tag_ids=tag_ids),
            custom_headers,
            raw,
            operation_config,
        )

    def get_exports(
        self,
        project_id: IdLike,
        iteration_id: IdLike,
        custom_headers: Headers = None,
        raw: bool = False,
        **operation_config: Any,
    ) -> Any:
        """The exports of an iteration; a ``list[Export]``."""
        return self._call(lambda c: c.get_exports(project_id, iteration_id), custom_headers, raw, operation_config)

    def export_iteration(
        self,
        project_id: IdLike,
        iteration_id: IdLike,
        platform: str,
        flavor: str | None = None,
        custom_headers: Headers = None,
        raw: bool = False,
        **operation_config: Any,
    ) -> Any:
        """Start exporting an iteration; an ``Export`` (status ``Exporting``)."""
        return self._call(
            lambda c: c.export_iteration(project_id, iteration_id, platform, flavor=flavor),
            custom_headers,
            raw,
            operation_config,
        )

    def publish_iteration(
        self,
        project_id: IdLike,
        iteration_id: IdLike,
        publish_name: str,
        prediction_id: str,
        overwrite: bool | None = None,
        custom_headers: Headers = None,
        raw: bool = False,
        **operation_config: Any,
    ) -> Any:
        """Publish an iteration to a prediction resource (its full Azure resource id); ``True``."""
        return self._call(
            lambda c: c.publish_iteration(project_id, iteration_id, publish_name, prediction_id, overwrite=overwrite),
            custom_headers,
            raw,
            operation_config,
        )

    def unpublish_iteration(
        self,
        project_id: IdLike,
        iteration_id: IdLike,
        custom_headers: Headers = None,
        raw: bool = False,
        **operation_config: Any,
    ) -> Any:
        """Withdraw an iteration from prediction; ``None``."""
        return self._call(
            lambda c: c.unpublish_iteration(project_id, iteration_id), custom_headers, raw, operation_config
        )

    def train_project(
        self,
        project_id: IdLike,
        training_type: str | None = None,
        reserved_budget_in_hours: int = 0,
        force_train: bool = False,
        notification_email_address: str | None = None,
        selected_tags: Sequence[IdLike] | None = None,
        custom_base_model_info: Any = None,
        custom_headers: Headers = None,
        raw: bool = False,
        **operation_config: Any,
    ) -> Any:
        """Queue training; the new ``Iteration`` (status ``Training``). ``custom_base_model_info`` is refused."""
        _preview_only(custom_base_model_info=custom_base_model_info)
        return self._call(
            lambda c: c.train_project(
                project_id,
                training_type=training_type,
                reserved_budget_in_hours=reserved_budget_in_hours,
                force_train=force_train,
                notification_email_address=notification_email_address,
                selected_tags=selected_tags,
            ),
            custom_headers,
            raw,
            operation_config,
        )

    # ---------------------------------------------------------------------------------------------- tags

    def get_tags(
        self,
        project_id: IdLike,
        iteration_id: IdLike | None = None,
        custom_headers: Headers = None,
        raw: bool = False,
        **operation_config: Any,
    ) -> Any:
        """A project's tags; a ``list[Tag]``."""
        return self._call(
            lambda c: c.get_tags(project_id, iteration_id=iteration_id), custom_headers, raw, operation_config
        )

    def get_tag(
        self,
        project_id: IdLike,
        tag_id: IdLike,
        iteration_id: IdLike | None = None,
        custom_headers: Headers = None,
        raw: bool = False,
        **operation_config: Any,
    ) -> Any:
        """One tag; a ``Tag``."""
        return self._call(
            lambda c: c.get_tag(project_id, tag_id, iteration_id=iteration_id), custom_headers, raw, operation_config
        )

    def create_tag(
        self,
        project_id: IdLike,
        name: str,
        description: str | None = None,
        type: str | None = None,
        custom_headers: Headers = None,
        raw: bool = False,
        **operation_config: Any,
    ) -> Any:
        """Create a tag; a ``Tag``."""
        return self._call(
            lambda c: c.create_tag(project_id, name, description=description, type=type),
            custom_headers,
            raw,
            operation_config,
        )

    def delete_tag(
        self,
        project_id: IdLike,
        tag_id: IdLike,
        custom_headers: Headers = None,
        raw: bool = False,
        **operation_config: Any,
    ) -> Any:
        """Delete a tag; ``None``."""
        return self._call(lambda c: c.delete_tag(project_id, tag_id), custom_headers, raw, operation_config)

    def update_tag(
        self,
        project_id: IdLike,
        tag_id: IdLike,
        updated_tag: Any,
        custom_headers: Headers = None,
        raw: bool = False,
        **operation_config: Any,
    ) -> Any:
        """Update a tag's name, description or type from a ``Tag``; the updated ``Tag``."""
        return self._call(
            lambda c: c.update_tag(project_id, tag_id, updated_tag), custom_headers, raw, operation_config
        )

    # -------------------------------------------------------------------------------------------- images

    def get_images(
        self,
        project_id: IdLike,
        iteration_id: IdLike | None = None,
        tag_ids: Iterable[IdLike] | None = None,
        tagging_status: str | None = None,
        filter: str | None = None,
        order_by: str | None = None,
        take: int = 50,
        skip: int = 0,
        custom_headers: Headers = None,
        raw: bool = False,
        **operation_config: Any,
    ) -> Any:
        """A page of a project's images; a ``list[Image]``."""
        return self._call(
            lambda c: c.get_images(
                project_id,
                iteration_id=iteration_id,
                tag_ids=tag_ids,
                tagging_status=tagging_status,
                filter=filter,
                order_by=order_by,
                take=take,
                skip=skip,
            ),
            custom_headers,
            raw,
            operation_config,
        )

    def get_image_count(
        self,
        project_id: IdLike,
        iteration_id: IdLike | None = None,
        tagging_status: str | None = None,
        filter: str | None = None,
        tag_ids: Iterable[IdLike] | None = None,
        custom_headers: Headers = None,
        raw: bool = False,
        **operation_config: Any,
    ) -> Any:
        """How many images match; an ``int``."""
        return self._call(
            lambda c: c.get_image_count(
                project_id, iteration_id=iteration_id, tagging_status=tagging_status, filter=filter, tag_ids=tag_ids
            ),
            custom_headers,
            raw,
            operation_config,
        )

    def get_images_by_ids(
        self,
        project_id: IdLike,
        image_ids: Iterable[IdLike] | None = None,
        iteration_id: IdLike | None = None,
        custom_headers: Headers = None,
        raw: bool = False,
        **operation_config: Any,
    ) -> Any:
        """Images by id; a ``list[Image]``."""
        return self._call(
            lambda c: c.get_images_by_ids(project_id, image_ids=image_ids, iteration_id=iteration_id),
            custom_headers,
            raw,
            operation_config,
        )

    def get_tagged_images(
        self,
        project_id: IdLike,
        iteration_id: IdLike | None = None,
        tag_ids: Iterable[IdLike] | None = None,
        order_by: str | None = None,
        take: int = 50,
        skip: int = 0,
        custom_headers: Headers = None,
        raw: bool = False,
        **operation_config: Any,
    ) -> Any:
        """A page of tagged images; a ``list[Image]``."""
        return self._call(
            lambda c: c.get_tagged_images(
                project_id, iteration_id=iteration_id, tag_ids=tag_ids, order_by=order_by, take=take, skip=skip
            ),
            custom_headers,
            raw,
            operation_config,
        )

    def get_tagged_image_count(
        self,
        project_id: IdLike,
        iteration_id: IdLike | None = None,
        tag_ids: Iterable[IdLike] | None = None,
        custom_headers: Headers = None,
        raw: bool = False,
        **operation_config: Any,
    ) -> Any:
        """How many images carry a tag (all tags given); an ``int``."""
        return self._call(
            lambda c: c.get_tagged_image_count(project_id, iteration_id=iteration_id, tag_ids=tag_ids),
            custom_headers,
            raw,
            operation_config,
        )

    def get_untagged_images(
        self,
        project_id: IdLike,
        iteration_id: IdLike | None = None,
        order_by: str | None = None,
        take: int = 50,
        skip: int = 0,
        custom_headers: Headers = None,
        raw: bool = False,
        **operation_config: Any,
    ) -> Any:
        """A page of untagged images; a ``list[Image]``."""
        return self._call(
            lambda c: c.get_untagged_images(
                project_id, iteration_id=iteration_id, order_by=order_by, take=take, skip=skip
            ),
            custom_headers,
            raw,
            operation_config,
        )

    def get_untagged_image_count(
        self,
        project_id: IdLike,
        iteration_id: IdLike | None = None,
        custom_headers: Headers = None,
        raw: bool = False,
        **operation_config: Any,
    ) -> Any:
        """How many images have no tag; an ``int``."""
        return self._call(
            lambda c: c.get_untagged_image_count(project_id, iteration_id=iteration_id),
            custom_headers,
            raw,
            operation_config,
        )

    def create_images_from_data(
        self,
        project_id: IdLike,
        image_data: Stream,
        tag_ids: Iterable[IdLike] | None = None,
        custom_headers: Headers = None,
        raw: bool = False,
        **operation_config: Any,
    ) -> Any:
        """Upload one image (bytes or a binary file); an ``ImageCreateSummary``."""
        return self._call(
            lambda c: c.create_images_from_data(project_id, image_data, tag_ids=tag_ids),
            custom_headers,
            raw,
            operation_config,
        )

    def create_images_from_files(
        self, project_id: IdLike, batch: Any, custom_headers: Headers = None, raw: bool = False, **operation_config: Any
    ) -> Any:
        """Upload an ``ImageFileCreateBatch`` (at most 64 images, checked before sending); an ``ImageCreateSummary``."""
        return self._call(
            lambda c: c.create_images_from_files(project_id, batch), custom_headers, raw, operation_config
        )

    def create_images_from_urls(
        self, project_id: IdLike, batch: Any, custom_headers: Headers = None, raw: bool = False, **operation_config: Any
    ) -> Any:
        """Add images by URL from an ``ImageUrlCreateBatch``; an ``ImageCreateSummary``."""
        return self._call(lambda c: c.create_images_from_urls(project_id, batch), custom_headers, raw, operation_config)

    def create_images_from_predictions(
        self, project_id: IdLike, batch: Any, custom_headers: Headers = None, raw: bool = False, **operation_config: Any
    ) -> Any:
        """Turn stored predictions into training images from an ``ImageIdCreateBatch``; an ``ImageCreateSummary``."""
        return self._call(
            lambda c: c.create_images_from_predictions(project_id, batch), custom_headers, raw, operation_config
        )

    def delete_images(
        self,
        project_id: IdLike,
        image_ids: Iterable[IdLike] | None = None,
        all_images: bool | None = None,
        all_iterations: bool | None = None,
        custom_headers: Headers = None,
        raw: bool = False,
        **operation_config: Any,
    ) -> Any:
        """Delete images; ``None``."""
        return self._call(
            lambda c: c.delete_images(
                project_id, image_ids=image_ids, all_images=all_images, all_iterations=all_iterations
            ),
            custom_headers,
            raw,
            operation_config,
        )

    def update_image_metadata(
        self,
        project_id: IdLike,
        image_ids: Iterable[IdLike],
        metadata: Mapping[str, str],
        custom_headers: Headers = None,
        raw: bool = False,
        **operation_config: Any,
    ) -> Any:
        """Set metadata on images; an ``ImageMetadataUpdateSummary``."""
        return self._call(
            lambda c: c.update_image_metadata(project_id, image_ids, metadata), custom_headers, raw, operation_config
        )

    def create_image_regions(
        self,
        project_id: IdLike,
        regions: Any = None,
        custom_headers: Headers = None,
        raw: bool = False,
        **operation_config: Any,
    ) -> Any:
        """Add regions (``ImageRegionCreateEntry`` list) to images; an ``ImageRegionCreateSummary``."""
        return self._call(
            lambda c: c.create_image_regions(project_id, regions if regions is not None else []),
            custom_headers,
            raw,
            operation_config,
        )

    def delete_image_regions(
        self,
        project_id: IdLike,
        region_ids: Iterable[IdLike],
        custom_headers: Headers = None,
        raw: bool = False,
        **operation_config: Any,
    ) -> Any:
        """Delete regions; ``None``."""
        return self._call(
            lambda c: c.delete_image_regions(project_id, region_ids), custom_headers, raw, operation_config
        )

    def get_image_region_proposals(
        self,
        project_id: IdLike,
        image_id: IdLike,
        custom_headers: Headers = None,
        raw: bool = False,
        **operation_config: Any,
    ) -> Any:
        """Regions the service proposes for an image; an ``ImageRegionProposal``."""
        return self._call(
            lambda c: c.get_image_region_proposals(project_id, image_id), custom_headers, raw, operation_config
        )

    def create_image_tags(
        self,
        project_id: IdLike,
        tags: Any = None,
        custom_headers: Headers = None,
        raw: bool = False,
        **operation_config: Any,
    ) -> Any:
        """Tag images (``ImageTagCreateEntry`` list); an ``ImageTagCreateSummary``."""
        return self._call(
            lambda c: c.create_image_tags(project_id, tags if tags is not None else []),
            custom_headers,
            raw,
            operation_config,
        )

    def delete_image_tags(
        self,
        project_id: IdLike,
        image_ids: Iterable[IdLike],
        tag_ids: Iterable[IdLike],
        custom_headers: Headers = None,
        raw: bool = False,
        **operation_config: Any,
    ) -> Any:
        """Remove tags from images; ``None``."""
        return self._call(
            lambda c: c.delete_image_tags(project_id, image_ids, tag_ids), custom_headers, raw, operation_config
        )

    # ----------------------------------------------------------------------------- suggestions, predictions

    def suggest_tags_and_regions(
        self,
        project_id: IdLike,
        iteration_id: IdLike,
        image_ids: Iterable[IdLike],
        custom_headers: Headers = None,
        raw: bool = False,
        **operation_config: Any,
    ) -> Any:
        """Suggested tags and regions for untagged images; a ``list[SuggestedTagAndRegion]``."""
        return self._call(
            lambda c: c.suggest_tags_and_regions(project_id, iteration_id, image_ids),
            custom_headers,
            raw,
            operation_config,
        )

    def query_suggested_images(
        self,
        project_id: IdLike,
        iteration_id: IdLike,
        query: Any,
        custom_headers: Headers = None,
        raw: bool = False,
        **operation_config: Any,
    ) -> Any:
        """Untagged images with suggestions, from a ``SuggestedTagAndRegionQueryToken``."""
        return self._call(
            lambda c: c.query_suggested_images(project_id, iteration_id, query), custom_headers, raw, operation_config
        )

    def query_suggested_image_count(
        self,
        project_id: IdLike,
        iteration_id: IdLike,
        tag_ids: Iterable[IdLike] | None = None,
        threshold: float | None = None,
        custom_headers: Headers = None,
        raw: bool = False,
        **operation_config: Any,
    ) -> Any:
        """How many untagged images each tag is suggested for; a ``dict`` keyed by tag id (``UUID``)."""
        return self._call(
            lambda c: c.query_suggested_image_count(project_id, iteration_id, tag_ids=tag_ids, threshold=threshold),
            custom_headers,
            raw,
            operation_config,
        )

    def query_predictions(
        self, project_id: IdLike, query: Any, custom_headers: Headers = None, raw: bool = False, **operation_config: Any
    ) -> Any:
        """Stored predictions matching a ``PredictionQueryToken``; a ``PredictionQueryResult``."""
        return self._call(lambda c: c.query_predictions(project_id, query), custom_headers, raw, operation_config)

    def delete_prediction(
        self,
        project_id: IdLike,
        ids: Iterable[IdLike],
        custom_headers: Headers = None,
        raw: bool = False,
        **operation_config: Any,
    ) -> Any:
        """Delete stored predictions; ``None``."""
        return self._call(lambda c: c.delete_prediction(project_id, ids), custom_headers, raw, operation_config)

    def quick_test_image(
        self,
        project_id: IdLike,
        image_data: Stream,
        iteration_id: IdLike | None = None,
        store: bool = True,
        custom_headers: Headers = None,
        raw: bool = False,
        **operation_config: Any,
    ) -> Any:
        """Try an iteration on an image (bytes or a binary file); an ``ImagePrediction``."""
        return self._call(
            lambda c: c.quick_test_image(project_id, image_data, iteration_id=iteration_id, store=store),
            custom_headers,
            raw,
            operation_config,
        )

    def quick_test_image_url(
        self,
        project_id: IdLike,
        url: str,
        iteration_id: IdLike | None = None,
        store: bool = True,
        custom_headers: Headers = None,
        raw: bool = False,
        **operation_config: Any,
    ) -> Any:
        """Try an iteration on an image at a URL; an ``ImagePrediction``."""
        return self._call(
            lambda c: c.quick_test_image_url(project_id, url, iteration_id=iteration_id, store=store),
            custom_headers,
            raw,
            operation_config,
        )
