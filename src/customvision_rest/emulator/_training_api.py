"""The Training API operations (v3.3 contract, also served at v3.0-v3.2 and v3.4-preview paths).

Every handler runs with the store lock held and returns the response; `Router` commits the state afterwards.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import hashlib
import json
import re
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import httpx
import numpy as np

from . import _learner, _state
from ._bodies import read_image_body, read_image_url, uploaded_files
from ._domains import DOMAINS, DOMAINS_BY_ID, GENERAL_CLASSIFICATION_ID
from ._errors import bad_request, json_response, not_found
from ._images import MAX_PREDICTION_IMAGE_BYTES, MAX_TRAINING_IMAGE_BYTES, ImageRejectedError, inspect_image
from ._prediction_api import prediction_response, store_prediction
from ._predictor import prediction_entry
from ._service import (
    CLASSIFICATION_MIN_IMAGES_PER_TAG,
    DETECTION_MIN_IMAGES_PER_TAG,
    QUOTAS,
    RequestContext,
    Service,
    bool_param,
    csv_param,
    float_param,
    int_param,
    is_detection,
)
from ._state import ExportRecord, Iteration, Project, StoredImage, Tag, TrainingSample, new_id, utc_now

MAX_BATCH_IMAGES = 64
MAX_BATCH_TAGS = 20
MAX_IDS = 256
MAX_TAKE = 256
MAX_IMAGE_TAG_ENTRIES = 128
MAX_METADATA_PAIRS = 50
MAX_METADATA_KEY = 256
MAX_METADATA_VALUE = 512
_TAG_TYPES = ("Regular", "Negative", "GeneralProduct")

Handler = Callable[[Service, RequestContext], httpx.Response]


def no_content() -> httpx.Response:
    """204 No Content."""
    return httpx.Response(204)


def _require_batch_size(count: int, limit: int, code: str, what: str) -> None:
    if count > limit:
        raise bad_request(code, f"The batch contains {count} {what}; the limit is {limit}.")


def _quota(service: Service, project: Project, name: str) -> int:
    resource = service.resources.get(project.resource)
    return QUOTAS[resource.tier if resource else "S0"][name]


# --- domains and projects ---------------------------------------------------------------------------------------


def get_domains(service: Service, context: RequestContext) -> httpx.Response:
    """GetDomains."""
    return json_response(200, [domain.to_json() for domain in DOMAINS])


def get_domain(service: Service, context: RequestContext) -> httpx.Response:
    """GetDomain."""
    domain = DOMAINS_BY_ID.get(context.params["domainId"].lower())
    if domain is None:
        raise not_found("NotFoundDomain", f"Domain {context.params['domainId']} not found.")
    return json_response(200, domain.to_json())


def get_projects(service: Service, context: RequestContext) -> httpx.Response:
    """GetProjects."""
    projects = [p for p in service.store.state.projects.values() if p.resource == context.resource.name]
    return json_response(
        200, [service.project_json(p, context.base_url) for p in sorted(projects, key=lambda p: p.created)]
    )


def _validate_project_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > 255:
        raise bad_request("BadRequestProjectName", "The project name must be 1 to 255 characters long.")
    return name


def _classification_type(value: str | None, detection: bool) -> str:
    if detection:
        return ""
    if value is None or value == "":
        return "Multiclass"
    for known in ("Multiclass", "Multilabel"):
        if value.lower() == known.lower():
            return known
    raise bad_request("BadRequestProjectUnknownClassification", f"Unknown classification type {value}.")


def create_project(service: Service, context: RequestContext) -> httpx.Response:
    """CreateProject: all inputs are query parameters, the body is empty."""
    name = _validate_project_name(context.query.get("name", ""))
    owned = [p for p in service.store.state.projects.values() if p.resource == context.resource.name]
    if len(owned) >= QUOTAS[context.resource.tier]["projects"]:
        raise bad_request(
            "BadRequestExceedProjectLimit",
            f"The {context.resource.tier} tier allows {QUOTAS[context.resource.tier]['projects']} projects.",
        )
    domain_id = (context.query.get("domainId") or GENERAL_CLASSIFICATION_ID).lower()
    domain = DOMAINS_BY_ID.get(domain_id)
    if domain is None:
        raise bad_request("BadRequestProjectUnknownDomain", f"Unknown domain {domain_id}.")
    classification = _classification_type(context.query.get("classificationType"), domain.type == "ObjectDetection")
    now = utc_now()
    project = Project(
        id=new_id(),
        resource=context.resource.name,
        name=name,
        description=context.query.get("description", ""),
        domain_id=domain.id,
        classification_type=classification,
        target_export_platforms=csv_param(context.query, "targetExportPlatforms"),
        created=now,
        last_modified=now,
    )
    service.store.state.projects[project.id] = project
    return json_response(200, service.project_json(project, context.base_url))


def get_project(service: Service, context: RequestContext) -> httpx.Response:
    """GetProject."""
    return json_response(
        200, service.project_json(service.project(context, context.params["projectId"]), context.base_url)
    )


def delete_project(service: Service, context: RequestContext) -> httpx.Response:
    """DeleteProject: refused while an iteration is published, like the service."""
    project = service.project(context, context.params["projectId"])
    state = service.store.state
    if any(i.publish_name for i in service.project_iterations(project)):
        raise bad_request("BadRequestIterationIsPublished", "Unpublish every iteration before deleting the project.")
    state.forget_project_images(project.id)
    for table in (state.tags, state.iterations, state.predictions, state.artifacts):
        for key in [key for key, record in table.items() if record.project_id == project.id]:
            del table[key]
    del state.projects[project.id]
    return no_content()


def update_project(service: Service, context: RequestContext) -> httpx.Response:
    """UpdateProject (PATCH with the whole model)."""
    project = service.project(context, context.params["projectId"])
    body = context.json_body()
    if not isinstance(body, dict):
        raise bad_request("BadRequestRequiredParamIsNull", "The updated project is required.")
    if "name" in body:
        project.name = _validate_project_name(str(body["name"]))
    if "description" in body:
        project.description = str(body["description"] or "")
    settings = body.get("settings") or {}
    if settings.get("domainId"):
        domain = DOMAINS_BY_ID.get(str(settings["domainId"]).lower())
        if domain is None:
            raise bad_request("BadRequestProjectUnknownDomain", f"Unknown domain {settings['domainId']}.")
        if (domain.type == "ObjectDetection") != is_detection(project):
            raise bad_request(
                "BadRequestProjectUnsupportedDomainTypeChange", "A project cannot change between domain types."
            )
        project.domain_id = domain.id
    if settings.get("classificationType") and not is_detection(project):
        project.classification_type = _classification_type(settings["classificationType"], False)
    if settings.get("targetExportPlatforms") is not None:
        project.target_export_platforms = list(settings["targetExportPlatforms"])
    augmentation = (settings.get("imageProcessingSettings") or {}).get("augmentationMethods")
    if isinstance(augmentation, dict):
        project.augmentation_methods = {str(k): bool(v) for k, v in augmentation.items()}
    project.last_modified = utc_now()
    return json_response(200, service.project_json(project, context.base_url))


def get_artifact(service: Service, context: RequestContext) -> httpx.Response:
    """GetArtifact: `path` is `exports/{artifactId}` or `images/{imageId}[/original|resized|thumbnail]`."""
    project = service.project(context, context.params["projectId"])
    path = context.query.get("path", "").strip("/")
    parts = path.split("/")
    data: bytes | None = None
    if len(parts) == 2 and parts[0] == "exports":
        artifact = service.store.state.artifacts.get(parts[1])
        if artifact is not None and artifact.project_id == project.id:
            data = service.store.blobs.get(artifact.blob_key)
    elif len(parts) in (2, 3) and parts[0] == "images":
        image = service.store.state.images.get(parts[1].lower())
        if image is not None and image.project_id == project.id:
            from ._images import RESIZED_MAX_SIDE, THUMBNAIL_MAX_SIDE, rendition

            original = service.store.blobs.get(image.content_hash)
            kind = parts[2] if len(parts) == 3 else "original"
            if original is not None and kind == "original":
                data = original
            elif original is not None and kind in ("resized", "thumbnail"):
                data = rendition(original, RESIZED_MAX_SIDE if kind == "resized" else THUMBNAIL_MAX_SIDE)
    if data is None:
        raise bad_request("BadRequestInvalidArtifactUri", f"No artifact at path {path!r}.")
    return httpx.Response(200, content=data, headers={"Content-Type": "application/octet-stream"})


# --- project export / import ------------------------------------------------------------------------------------


def export_project(service: Service, context: RequestContext) -> httpx.Response:
    """ExportProject: a token that ImportProject on any training resource of this emulator accepts."""
    project = service.project(context, context.params["projectId"])
    if any(i.status == "Training" for i in service.project_iterations(project)):
        raise bad_request("BadRequestExportWhileTraining", "The project cannot be exported while training.")
    payload = json.dumps({"projectId": project.id, "nonce": new_id()}).encode()
    token = base64.urlsafe_b64encode(payload).decode().rstrip("=")
    service.store.state.project_export_tokens[token] = project.id
    images = service.project_images(project)
    return json_response(
        200,
        {
            "iterationCount": len(service.project_iterations(project)),
            "imageCount": len(images),
            "tagCount": len(service.project_tags(project)),
            "regionCount": sum(len(image.regions) for image in images),
            "estimatedImportTimeInMS": int(service.min_training_seconds * 1000) + len(images),
            "token": token,
        },
    )


def import_project(service: Service, context: RequestContext) -> httpx.Response:
    """ImportProject: copies tags, images, regions, metadata, the thumbnail and the trained iterations (not their
    publications) now; the project reports `Importing` until `min_training_seconds` have passed, then
    `Succeeded`."""
    state = service.store.state
    source_id = state.project_export_tokens.get(context.query.get("token", ""))
    source = state.projects.get(source_id or "")
    if source is None:
        raise bad_request("BadRequestInvalidImportToken", "The import token is invalid or expired.")
    owned = [p for p in state.projects.values() if p.resource == context.resource.name]
    if len(owned) >= QUOTAS[context.resource.tier]["projects"]:
        raise bad_request("BadRequestExceedProjectLimit", "The project limit of this tier is reached.")
    now = utc_now()
    name = _validate_project_name(context.query.get("name") or source.name)
    target = Project(
        id=new_id(),
        resource=context.resource.name,
        name=name,
        description=source.description,
        domain_id=source.domain_id,
        classification_type=source.classification_type,
        target_export_platforms=list(source.target_export_platforms),
        created=now,
        last_modified=now,
        status="Importing",
        augmentation_methods=source.augmentation_methods,
        thumbnail_hash=source.thumbnail_hash,
    )
    state.projects[target.id] = target
    id_map: dict[str, str] = {source.id: target.id}
    tag_map: dict[str, str] = {}
    for tag in service.project_tags(source):
        copy = Tag(new_id(), target.id, tag.name, tag.description, tag.type, tag.created)
        state.tags[copy.id] = copy
        tag_map[tag.id] = copy.id
    for image in service.project_images(source):
        copy_image = StoredImage(
            id=new_id(),
            project_id=target.id,
            content_hash=image.content_hash,
            width=image.width,
            height=image.height,
            created=image.created,
            tags={tag_map[t]: created for t, created in image.tags.items() if t in tag_map},
            metadata=dict(image.metadata),
        )
        for region in image.regions:
            copy_region = type(region)(
                new_id(), tag_map[region.tag_id], region.left, region.top, region.width, region.height, region.created
            )
            copy_image.regions.append(copy_region)
        state.add_image(copy_image)
        id_map[image.id] = copy_image.id
    id_map.update(tag_map)
    _copy_trained_iterations(service, source, target, id_map, now)
    started = time.time()

    def finish_import() -> None:
        if not service.wait_until(started):
            return
        with service.store.lock:
            imported = service.store.state.projects.get(target.id)
            if imported is not None:
                imported.status = "Succeeded"
                service.store.commit()

    service.start_background("import", finish_import)
    return json_response(200, service.project_json(target, context.base_url))


def _copy_trained_iterations(
    service: Service, source: Project, target: Project, id_map: Mapping[str, str], now: str
) -> None:
    """Copy the source's completed iterations, with their models and evaluations, onto the new ids."""
    for iteration in service.project_iterations(source):
        if iteration.status != "Completed":
            continue
        copy = _remap_ids(dataclasses.asdict(iteration), id_map)
        copy.update(id=new_id(), project_id=target.id, created=now, last_modified=now)
        copy.update(publish_name=None, publish_resource_id=None, exports=[])
        record = _state.record_from_json(Iteration, copy)
        service.store.state.iterations[record.id] = record


def _remap_ids(value: Any, id_map: Mapping[str, str]) -> Any:
    """`value` (plain JSON data) with every id of `id_map`, as a string or a key, replaced by its new id."""
    if isinstance(value, str):
        return id_map.get(value, value)
    if isinstance(value, dict):
        return {id_map.get(key, key): _remap_ids(item, id_map) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_remap_ids(item, id_map) for item in value]
    return value


# --- tags -----------------------------------------------------------------------------------------------------------


def _tags_as_of(service: Service, project: Project, iteration_id: str | None) -> list[tuple[Tag, int | None]]:
    if not iteration_id:
        return [(tag, None) for tag in service.project_tags(project)]
    iteration = service.iteration(project, iteration_id)
    counts = dict.fromkeys(iteration.tag_names, 0)
    for sample in iteration.samples:
        for tag_id in {*sample.tag_ids, *(tag for tag, _ in sample.regions)}:
            if tag_id in counts:
                counts[tag_id] += 1
    result: list[tuple[Tag, int | None]] = []
    for tag_id, name in iteration.tag_names.items():
        tag = service.store.state.tags.get(tag_id) or Tag(tag_id, project.id, name, None, "Regular", "")
        result.append((tag, counts[tag_id]))
    return result


def get_tags(service: Service, context: RequestContext) -> httpx.Response:
    """GetTags (optionally as of an iteration)."""
    project = service.project(context, context.params["projectId"])
    tags = _tags_as_of(service, project, context.query.get("iterationId"))
    return json_response(200, [service.tag_json(tag, count) for tag, count in tags])


def create_tag(service: Service, context: RequestContext) -> httpx.Response:
    """CreateTag: query parameters, empty body."""
    project = service.project(context, context.params["projectId"])
    name = context.query.get("name", "").strip()
    if not name or len(name) > 256:
        raise bad_request("BadRequestTagName", "The tag name must be 1 to 256 characters long.")
    tags = service.project_tags(project)
    if any(tag.name.lower() == name.lower() for tag in tags):
        raise bad_request("BadRequestTagNameNotUnique", f"A tag named {name!r} already exists.")
    if len(tags) >= _quota(service, project, "tags"):
        raise bad_request("BadRequestExceedTagPerProjectLimit", "The tag limit of this tier is reached.")
    tag_type = _tag_type(context.query.get("type"))
    if tag_type != "Regular" and any(tag.type == tag_type for tag in tags):
        code = "BadRequestMultipleNegativeTag" if tag_type == "Negative" else "BadRequestMultipleGeneralProductTag"
        raise bad_request(code, f"A project can have only one {tag_type} tag.")
    tag = Tag(new_id(), project.id, name, context.query.get("description"), tag_type, utc_now())
    service.store.state.tags[tag.id] = tag
    return json_response(200, service.tag_json(tag, 0))


def _tag_type(value: str | None) -> str:
    if not value:
        return "Regular"
    for known in _TAG_TYPES:
        if value.lower() == known.lower():
            return known
    raise bad_request("BadRequestTagType", f"Unknown tag type {value}.")


def get_tag(service: Service, context: RequestContext) -> httpx.Response:
    """GetTag."""
    project = service.project(context, context.params["projectId"])
    iteration_id = context.query.get("iterationId")
    if iteration_id:
        for tag, count in _tags_as_of(service, project, iteration_id):
            if tag.id == context.params["tagId"].lower():
                return json_response(200, service.tag_json(tag, count))
        raise not_found("NotFoundTag", f"Tag {context.params['tagId']} not found.")
    return json_response(200, service.tag_json(service.tag(project, context.params["tagId"])))


def delete_tag(service: Service, context: RequestContext) -> httpx.Response:
    """DeleteTag: also removes it from images and regions."""
    project = service.project(context, context.params["projectId"])
    tag = service.tag(project, context.params["tagId"])
    for image in service.project_images(project):
        image.tags.pop(tag.id, None)
        image.regions = [region for region in image.regions if region.tag_id != tag.id]
    del service.store.state.tags[tag.id]
    return no_content()


def update_tag(service: Service, context: RequestContext) -> httpx.Response:
    """UpdateTag (PATCH with the whole model)."""
    project = service.project(context, context.params["projectId"])
    tag = service.tag(project, context.params["tagId"])
    body = context.json_body()
    if not isinstance(body, dict):
        raise bad_request("BadRequestRequiredParamIsNull", "The updated tag is required.")
    if "name" in body:
        name = str(body["name"] or "").strip()
        if not name:
            raise bad_request("BadRequestTagName", "The tag name must not be empty.")
        if any(t.name.lower() == name.lower() and t.id != tag.id for t in service.project_tags(project)):
            raise bad_request("BadRequestTagNameNotUnique", f"A tag named {name!r} already exists.")
        tag.name = name
    if "description" in body:
        tag.description = body["description"]
    if body.get("type"):
        tag.type = _tag_type(str(body["type"]))
    return json_response(200, service.tag_json(tag))


# --- images: queries ------------------------------------------------------------------------------------------------


def _paging(context: RequestContext) -> tuple[int, int]:
    take = int_param(context.query, "take", 50)
    skip = int_param(context.query, "skip", 0)
    if take < 0 or take > MAX_TAKE or skip < 0:
        raise bad_request("BadRequest", f"take must be between 0 and {MAX_TAKE} and skip not negative.")
    return skip, take


def _image_tag_ids(image: StoredImage) -> set[str]:
    return set(image.tags) | {region.tag_id for region in image.regions}


def _select_images(
    service: Service, context: RequestContext, project: Project, *, tagging: str | None
) -> list[StoredImage]:
    images = service.project_images(project)
    iteration_id = context.query.get("iterationId")
    if iteration_id:
        in_iteration = {sample.image_id for sample in service.iteration(project, iteration_id).samples}
        images = [image for image in images if image.id in in_iteration]
    tagging = tagging or context.query.get("taggingStatus") or "All"
    if tagging.lower() == "tagged":
        images = [image for image in images if _image_tag_ids(image)]
    elif tagging.lower() == "untagged":
        images = [image for image in images if not _image_tag_ids(image)]
    tag_ids = [tag_id.lower() for tag_id in csv_param(context.query, "tagIds")]
    _require_batch_size(len(tag_ids), MAX_BATCH_TAGS, "BadRequestExceededBatchSize", "tag filters")
    if tag_ids:
        # The service returns images carrying any of the tags.
        images = [image for image in images if _image_tag_ids(image) & set(tag_ids)]
    return images


def _ordered_page(context: RequestContext, images: list[StoredImage]) -> list[StoredImage]:
    skip, take = _paging(context)
    newest_first = (context.query.get("orderBy") or "Newest").lower() != "oldest"
    # Reversing a stable oldest-first order keeps same-millisecond images in a consistent order both ways.
    ordered = sorted(images, key=lambda image: image.created)
    if newest_first:
        ordered.reverse()
    return ordered[skip : skip + take]


def _image_list(service: Service, context: RequestContext, tagging: str | None) -> httpx.Response:
    project = service.project(context, context.params["projectId"])
    page = _ordered_page(context, _select_images(service, context, project, tagging=tagging))
    return json_response(200, [service.image_json(image, context.base_url) for image in page])


def _image_count(service: Service, context: RequestContext, tagging: str | None) -> httpx.Response:
    project = service.project(context, context.params["projectId"])
    return json_response(200, len(_select_images(service, context, project, tagging=tagging)))


def get_images(service: Service, context: RequestContext) -> httpx.Response:
    """GetImages (taggingStatus, tagIds, iterationId, orderBy, skip/take; `$filter` is accepted and ignored)."""
    return _image_list(service, context, None)


def get_image_count(service: Service, context: RequestContext) -> httpx.Response:
    """GetImageCount."""
    return _image_count(service, context, None)


def get_tagged_images(service: Service, context: RequestContext) -> httpx.Response:
    """GetTaggedImages."""
    return _image_list(service, context, "Tagged")


def get_tagged_image_count(service: Service, context: RequestContext) -> httpx.Response:
    """GetTaggedImageCount."""
    return _image_count(service, context, "Tagged")


def get_untagged_images(service: Service, context: RequestContext) -> httpx.Response:
    """GetUntaggedImages."""
    return _image_list(service, context, "Untagged")


def get_untagged_image_count(service: Service, context: RequestContext) -> httpx.Response:
    """GetUntaggedImageCount."""
    return _image_count(service, context, "Untagged")


def get_images_by_ids(service: Service, context: RequestContext) -> httpx.Response:
    """GetImagesByIds (at most 256 ids; unknown ids are skipped)."""
    project = service.project(context, context.params["projectId"])
    ids = [image_id.lower() for image_id in csv_param(context.query, "imageIds")]
    _require_batch_size(len(ids), MAX_IDS, "BadRequestExceededBatchSize", "image ids")
    images = service.store.state.images
    found = [images[i] for i in ids if i in images and images[i].project_id == project.id]
    return json_response(200, [service.image_json(image, context.base_url) for image in found])


# --- images: uploads ------------------------------------------------------------------------------------------------


def _summary(service: Service, context: RequestContext, results: list[dict[str, Any]]) -> httpx.Response:
    successful = all(result["status"] in ("OK", "OKDuplicate") for result in results)
    return json_response(200 if successful else 207, {"isBatchSuccessful": successful, "images": results})


def _result(
    service: Service, context: RequestContext, source: str | None, status: str, image: StoredImage | None
) -> dict[str, Any]:
    image_json = service.image_json(image, context.base_url) if image is not None else None
    return {"sourceUrl": source, "status": status, "image": image_json}


def _batch_tag_ids(
    service: Service, project: Project, batch_tags: Sequence[str], entry_tags: Sequence[str]
) -> list[str]:
    tag_ids = list(dict.fromkeys(tag.lower() for tag in [*batch_tags, *entry_tags]))
    _require_batch_size(len(tag_ids), MAX_BATCH_TAGS, "BadRequestExceedTagPerImageLimit", "tags")
    for tag_id in tag_ids:
        service.tag(project, tag_id)
    return tag_ids


def _check_metadata(metadata: Mapping[str, Any] | None) -> dict[str, str]:
    if not metadata:
        return {}
    if len(metadata) > MAX_METADATA_PAIRS:
        raise bad_request("BadRequestImageMetadataKey", f"At most {MAX_METADATA_PAIRS} metadata pairs per image.")
    for key, value in metadata.items():
        if not key or len(key) > MAX_METADATA_KEY:
            raise bad_request(
                "BadRequestImageMetadataKey", f"Metadata keys must be 1 to {MAX_METADATA_KEY} characters."
            )
        if value is None or len(str(value)) > MAX_METADATA_VALUE:
            raise bad_request(
                "BadRequestImageMetadataValue", f"Metadata values must be at most {MAX_METADATA_VALUE} characters."
            )
    return {str(key): str(value) for key, value in metadata.items()}


def create_images_from_data(service: Service, context: RequestContext) -> httpx.Response:
    """CreateImagesFromData: multipart (up to 64 files) or one raw image; tagIds in the query."""
    project = service.project(context, context.params["projectId"])
    files = uploaded_files(context)
    if not files:
        raise bad_request("BadRequestImageBatch", "The request contains no image.")
    _require_batch_size(len(files), MAX_BATCH_IMAGES, "BadRequestImageBatch", "images")
    tag_ids = _batch_tag_ids(service, project, csv_param(context.query, "tagIds"), [])
    results = []
    for file_name, data in files:
        status, image = service.add_image(project, data, tag_ids, [], None, MAX_TRAINING_IMAGE_BYTES)
        source = f'"{file_name}"' if file_name is not None else None
        results.append(_result(service, context, source, status, image))
    return _summary(service, context, results)


def _json_batch(context: RequestContext) -> tuple[list[dict[str, Any]], list[str], dict[str, str]]:
    body = context.json_body()
    if not isinstance(body, dict) or not isinstance(body.get("images"), list) or not body["images"]:
        raise bad_request("BadRequestImageBatch", "The batch must contain at least one image.")
    _require_batch_size(len(body["images"]), MAX_BATCH_IMAGES, "BadRequestImageBatch", "images")
    return body["images"], list(body.get("tagIds") or []), _check_metadata(body.get("metadata"))


def _ingest_json_batch(
    service: Service,
    context: RequestContext,
    read: Callable[[Project, dict[str, Any]], tuple[str | None, bytes | None]],
) -> httpx.Response:
    """The common path of the JSON batch uploads: ``read`` gives each entry's source label and bytes."""
    project = service.project(context, context.params["projectId"])
    entries, batch_tags, metadata = _json_batch(context)
    results = []
    for entry in entries:
        tag_ids = _batch_tag_ids(service, project, batch_tags, entry.get("tagIds") or [])
        source, data = read(project, entry)
        if data is None:
            results.append(_result(service, context, source, "ErrorSource", None))
            continue
        status, image = service.add_image(
            project, data, tag_ids, entry.get("regions") or [], metadata, MAX_TRAINING_IMAGE_BYTES
        )
        results.append(_result(service, context, source, status, image))
    return _summary(service, context, results)


def create_images_from_files(service: Service, context: RequestContext) -> httpx.Response:
    """CreateImagesFromFiles: JSON entries with base64 `contents`."""

    def read(project: Project, entry: dict[str, Any]) -> tuple[str | None, bytes | None]:
        try:
            data = base64.b64decode(entry.get("contents") or "", validate=True)
        except (binascii.Error, ValueError):
            data = b""
        return entry.get("name"), data

    return _ingest_json_batch(service, context, read)


def create_images_from_urls(service: Service, context: RequestContext) -> httpx.Response:
    """CreateImagesFromUrls: only `data:` URLs can be fetched offline; other URLs answer `ErrorSource`."""

    def read(project: Project, entry: dict[str, Any]) -> tuple[str | None, bytes | None]:
        url = str(entry.get("url") or "")
        return url, read_image_url(url)

    return _ingest_json_batch(service, context, read)


def create_images_from_predictions(service: Service, context: RequestContext) -> httpx.Response:
    """CreateImagesFromPredictions: images from stored predictions, by prediction id."""

    def read(project: Project, entry: dict[str, Any]) -> tuple[str | None, bytes | None]:
        prediction_id = str(entry.get("id") or "").lower()
        prediction = service.store.state.predictions.get(prediction_id)
        if prediction is None or prediction.project_id != project.id:
            return prediction_id or None, None
        return prediction.id, service.store.blobs.get(prediction.content_hash)

    return _ingest_json_batch(service, context, read)


def delete_images(service: Service, context: RequestContext) -> httpx.Response:
    """DeleteImages: by ids (at most 256) answers 204, `allImages=true` answers 202."""
    project = service.project(context, context.params["projectId"])
    state = service.store.state
    images = state.images
    if bool_param(context.query, "allImages"):
        state.forget_project_images(project.id)
        return httpx.Response(202)
    ids = [image_id.lower() for image_id in csv_param(context.query, "imageIds")]
    if not ids:
        raise bad_request("BadRequestInvalidIds", "Give imageIds or allImages=true.")
    _require_batch_size(len(ids), MAX_IDS, "BadRequestExceededBatchSize", "image ids")
    for image_id in ids:
        if image_id in images and images[image_id].project_id == project.id:
            state.remove_image(image_id)
    return no_content()


def _project_image(service: Service, project: Project, image_id: str) -> StoredImage:
    image = service.store.state.images.get(image_id.lower())
    if image is None or image.project_id != project.id:
        raise not_found("NotFoundImage", f"Image {image_id} not found.")
    return image


def update_image_metadata(service: Service, context: RequestContext) -> httpx.Response:
    """UpdateImageMetadata: merge pairs into each image (at most 50 pairs per image)."""
    project = service.project(context, context.params["projectId"])
    ids = [image_id.lower() for image_id in csv_param(context.query, "imageIds")]
    _require_batch_size(len(ids), MAX_IDS, "BadRequestExceededBatchSize", "image ids")
    metadata = _check_metadata(context.json_object())
    entries: list[dict[str, Any]] = []
    for image_id in ids:
        image = service.store.state.images.get(image_id)
        if image is None or image.project_id != project.id:
            entries.append({"imageId": image_id, "status": "ErrorImageNotFound", "metadata": None})
        elif len({**image.metadata, **metadata}) > MAX_METADATA_PAIRS:
            entries.append({"imageId": image_id, "status": "ErrorLimitExceed", "metadata": image.metadata})
        else:
            image.metadata.update(metadata)
            entries.append({"imageId": image_id, "status": "OK", "metadata": dict(image.metadata)})
    successful = all(entry["status"] == "OK" for entry in entries)
    return json_response(200 if successful else 207, {"isBatchSuccessful": successful, "images": entries})


def create_image_tags(service: Service, context: RequestContext) -> httpx.Response:
    """CreateImageTags (at most 128 entries)."""
    project = service.project(context, context.params["projectId"])
    entries = context.json_entries("tags")
    _require_batch_size(len(entries), MAX_IMAGE_TAG_ENTRIES, "BadRequestExceededBatchSize", "image tags")
    created, duplicated, exceeded = [], [], []
    now = utc_now()
    for entry in entries:
        image = _project_image(service, project, str(entry.get("imageId")))
        tag = service.tag(project, str(entry.get("tagId")))
        wire = {"imageId": image.id, "tagId": tag.id}
        if tag.id in image.tags:
            duplicated.append(wire)
        elif len(image.tags) >= MAX_BATCH_TAGS:
            exceeded.append(wire)
        else:
            image.tags[tag.id] = now
            created.append(wire)
    return json_response(200, {"created": created, "duplicated": duplicated, "exceeded": exceeded})


def delete_image_tags(service: Service, context: RequestContext) -> httpx.Response:
    """DeleteImageTags."""
    project = service.project(context, context.params["projectId"])
    image_ids = csv_param(context.query, "imageIds")
    tag_ids = {tag_id.lower() for tag_id in csv_param(context.query, "tagIds")}
    _require_batch_size(len(image_ids), MAX_BATCH_IMAGES, "BadRequestExceededBatchSize", "images")
    _require_batch_size(len(tag_ids), MAX_BATCH_TAGS, "BadRequestExceededBatchSize", "tags")
    for image_id in image_ids:
        image = service.store.state.images.get(image_id.lower())
        if image is not None and image.project_id == project.id:
            for tag_id in tag_ids:
                image.tags.pop(tag_id, None)
    return no_content()


def create_image_regions(service: Service, context: RequestContext) -> httpx.Response:
    """CreateImageRegions (at most 64): 200 when all created, 207 when some were duplicates or exceeded."""
    project = service.project(context, context.params["projectId"])
    entries = context.json_entries("regions")
    _require_batch_size(len(entries), MAX_BATCH_IMAGES, "BadRequestExceededBatchSize", "regions")
    created, duplicated, exceeded = [], [], []
    now = utc_now()
    for entry in entries:
        image = _project_image(service, project, str(entry.get("imageId")))
        region = service.make_region(project, entry, now)
        box = (region.tag_id, region.left, region.top, region.width, region.height)
        if any((r.tag_id, r.left, r.top, r.width, r.height) == box for r in image.regions):
            duplicated.append(entry)
        elif len(image.regions) >= 200:
            exceeded.append(entry)
        else:
            image.regions.append(region)
            created.append({"imageId": image.id, **service.region_json(region)})
    status = 200 if not duplicated and not exceeded else 207
    return json_response(status, {"created": created, "duplicated": duplicated, "exceeded": exceeded})


def delete_image_regions(service: Service, context: RequestContext) -> httpx.Response:
    """DeleteImageRegions (at most 64 ids)."""
    project = service.project(context, context.params["projectId"])
    region_ids = {region_id.lower() for region_id in csv_param(context.query, "regionIds")}
    _require_batch_size(len(region_ids), MAX_BATCH_IMAGES, "BadRequestExceededBatchSize", "regions")
    for image in service.project_images(project):
        image.regions = [region for region in image.regions if region.region_id not in region_ids]
    return no_content()


def get_image_region_proposals(service: Service, context: RequestContext) -> httpx.Response:
    """GetImageRegionProposals: class-agnostic boxes where colour stands out from the image border."""
    project = service.project(context, context.params["projectId"])
    image = _project_image(service, project, context.params["imageId"])
    data = service.store.blobs.get(image.content_hash) or b""
    proposals = [
        {"confidence": confidence, "boundingBox": dict(zip(("left", "top", "width", "height"), box, strict=True))}
        for confidence, box in _learner.region_proposals(data)
    ]
    return json_response(200, {"projectId": project.id, "imageId": image.id, "proposals": proposals})


# --- training and iterations ---------------------------------------------------------------------------------------


def _fingerprint(project: Project, samples: Sequence[TrainingSample], labels: Sequence[str]) -> str:
    material = {
        "domain": project.domain_id,
        "type": project.classification_type,
        "labels": sorted(labels),
        "samples": sorted(
            [s.content_hash, sorted(s.tag_ids), sorted((t, [round(v, 6) for v in b]) for t, b in s.regions)]
            for s in samples
        ),
    }
    return hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()


def _training_samples(
    service: Service, project: Project, selected: set[str] | None
) -> tuple[list[TrainingSample], dict[str, str]]:
    detection = is_detection(project)
    tags = {tag.id: tag for tag in service.project_tags(project) if selected is None or tag.id in selected}
    samples: list[TrainingSample] = []
    counts = dict.fromkeys(tags, 0)
    for image in service.project_images(project):
        tag_ids = [tag_id for tag_id in image.tags if tag_id in tags] if not detection else []
        regions = [(r.tag_id, [r.left, r.top, r.width, r.height]) for r in image.regions if r.tag_id in tags]
        if not tag_ids and not regions:
            continue
        samples.append(TrainingSample(image.id, image.content_hash, tag_ids, regions))
        for tag_id in {*tag_ids, *(tag for tag, _ in regions)}:
            counts[tag_id] += 1
    used = {tag_id: count for tag_id, count in counts.items() if count > 0}
    minimum = DETECTION_MIN_IMAGES_PER_TAG if detection else CLASSIFICATION_MIN_IMAGES_PER_TAG
    code = (
        "BadRequestDetectionTrainingValidationFailed"
        if detection
        else f"BadRequest{project.classification_type.replace('class', 'Class').replace('label', 'Label')}"
        "ClassificationTrainingValidationFailed"
    )
    if len(used) < (1 if detection else 2):
        raise bad_request(
            code,
            f"Not enough tags: training needs at least {1 if detection else 2} tags with at least {minimum} "
            "images each.",
        )
    short = [tags[tag_id].name for tag_id, count in used.items() if count < minimum]
    if short:
        raise bad_request(
            code, f"Not enough images: every tag needs at least {minimum} images; too few for {', '.join(short)}."
        )
    return samples, {tag_id: tags[tag_id].name for tag_id in tags if tag_id in used}


def train_project(service: Service, context: RequestContext) -> httpx.Response:
    """TrainProject: 200 with a new Iteration in `Training`; a background thread trains it."""
    project = service.project(context, context.params["projectId"])
    iterations = service.project_iterations(project)
    if any(i.status == "Training" for i in iterations):
        raise bad_request("BadRequestTrainingAlreadyInProgress", "Training is already in progress.")
    if len(iterations) >= _quota(service, project, "iterations"):
        raise bad_request("BadRequestExceedIterationPerProjectLimit", "The iteration limit of the project is reached.")
    training_type = context.query.get("trainingType") or "Regular"
    if training_type.lower() not in ("regular", "advanced"):
        raise bad_request("BadRequestInvalid", f"Unknown trainingType {training_type}.")
    training_type = training_type.capitalize()
    budget = int_param(context.query, "reservedBudgetInHours", 0)
    if training_type == "Advanced" and budget < 1:
        raise bad_request(
            "BadRequestReservedBudgetInHoursNotEnoughForAdvancedTraining", "Advanced training needs a budget."
        )
    email = context.query.get("notificationEmailAddress")
    if email and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
        raise bad_request("BadRequestInvalidEmailAddress", "The notification email address is invalid.")
    body = context.json_body()
    selected_tags = body.get("selectedTags") if isinstance(body, dict) else None
    selected = {str(tag_id).lower() for tag_id in selected_tags} if selected_tags else None
    samples, tag_names = _training_samples(service, project, selected)
    fingerprint = _fingerprint(project, samples, list(tag_names))
    completed = [i for i in iterations if i.status == "Completed"]
    if completed and completed[-1].fingerprint == fingerprint and not bool_param(context.query, "forceTrain"):
        raise bad_request("BadRequestTrainingNotNeeded", "Nothing changed since last training")
    numbers = [int(m.group(1)) for i in iterations if (m := re.fullmatch(r"Iteration (\d+)", i.name))]
    now = utc_now()
    iteration = Iteration(
        id=new_id(),
        project_id=project.id,
        name=f"Iteration {max(numbers, default=len(iterations)) + 1}",
        status="Training",
        created=now,
        last_modified=now,
        domain_id=project.domain_id,
        classification_type=project.classification_type,
        training_type=training_type,
        reserved_budget_in_hours=budget,
        fingerprint=fingerprint,
        tag_names=tag_names,
        samples=samples,
        started_at=time.time(),
    )
    service.store.state.iterations[iteration.id] = iteration
    queued = service.iteration_json(iteration)
    service.start_background("training", lambda: service.train(iteration.id))
    # `Thread.start` returns once the job runs: from now on the iteration reports its domain and type.
    iteration.training_started = True
    return json_response(200, queued)


def get_iterations(service: Service, context: RequestContext) -> httpx.Response:
    """GetIterations."""
    project = service.project(context, context.params["projectId"])
    return json_response(200, [service.iteration_json(i) for i in service.project_iterations(project)])


def get_iteration(service: Service, context: RequestContext) -> httpx.Response:
    """GetIteration."""
    project = service.project(context, context.params["projectId"])
    return json_response(200, service.iteration_json(service.iteration(project, context.params["iterationId"])))


def delete_iteration(service: Service, context: RequestContext) -> httpx.Response:
    """DeleteIteration: refused while published or training."""
    project = service.project(context, context.params["projectId"])
    iteration = service.iteration(project, context.params["iterationId"])
    if iteration.publish_name:
        raise bad_request("BadRequestIterationIsPublished", "Unpublish the iteration before deleting it.")
    if iteration.status == "Training":
        raise bad_request("BadRequestTrainingAlreadyInProgress", "The iteration is training.")
    del service.store.state.iterations[iteration.id]
    return no_content()


def update_iteration(service: Service, context: RequestContext) -> httpx.Response:
    """UpdateIteration: only the name can change."""
    project = service.project(context, context.params["projectId"])
    iteration = service.iteration(project, context.params["iterationId"])
    body = context.json_body()
    name = str((body or {}).get("name") or "").strip() if isinstance(body, dict) else ""
    if not name:
        raise bad_request("BadRequestIterationName", "The iteration name is required.")
    if any(i.name == name and i.id != iteration.id for i in service.project_iterations(project)):
        raise bad_request("BadRequestIterationNameNotUnique", f"An iteration named {name!r} already exists.")
    iteration.name = name
    iteration.last_modified = utc_now()
    return json_response(200, service.iteration_json(iteration))


def _completed_iteration(service: Service, project: Project, iteration_id: str) -> Iteration:
    iteration = service.iteration(project, iteration_id)
    if iteration.status != "Completed":
        raise bad_request("BadRequestIterationIsNotTrained", "The iteration is not trained.")
    return iteration


def publish_iteration(service: Service, context: RequestContext) -> httpx.Response:
    """PublishIteration: `predictionId` must be the ARM id of a prediction resource of this emulator."""
    project = service.project(context, context.params["projectId"])
    iteration = _completed_iteration(service, project, context.params["iterationId"])
    publish_name = context.query.get("publishName", "").strip()
    if not publish_name or len(publish_name) > 256:
        raise bad_request("BadRequestInvalidPublishName", "The publish name must be 1 to 256 characters long.")
    target = service.resource_by_id(context.query.get("predictionId", ""))
    if target is None or not target.serves_prediction:
        raise bad_request(
            "BadRequestInvalidPublishTarget",
            "Invalid prediction resource id: give the full ARM resource id of a prediction resource "
            "(/subscriptions/.../providers/Microsoft.CognitiveServices/accounts/{name}).",
        )
    holder = next((i for i in service.project_iterations(project) if i.publish_name == publish_name), None)
    if holder is not None and holder.id != iteration.id:
        if not bool_param(context.query, "overwrite"):
            raise bad_request("BadRequestInvalidPublishName", f"The publish name {publish_name!r} is in use.")
        holder.publish_name = holder.publish_resource_id = None
    elif iteration.publish_name and iteration.publish_name != publish_name:
        raise bad_request("BadRequestIterationIsPublished", "The iteration is already published.")
    iteration.publish_name = publish_name
    iteration.publish_resource_id = target.resource_id
    iteration.last_modified = utc_now()
    return json_response(200, True)


def unpublish_iteration(service: Service, context: RequestContext) -> httpx.Response:
    """UnpublishIteration."""
    project = service.project(context, context.params["projectId"])
    iteration = service.iteration(project, context.params["iterationId"])
    if not iteration.publish_name:
        raise bad_request("BadRequestIterationNotPublished", "The iteration is not published.")
    iteration.publish_name = iteration.publish_resource_id = None
    iteration.last_modified = utc_now()
    return no_content()


# --- performance ---------------------------------------------------------------------------------------------------


def _classification_performance(
    iteration: Iteration, threshold: float
) -> tuple[list[dict[str, Any]], _learner.TagScores]:
    labels = list(iteration.tag_names)
    truth_by_image = {s.image_id: set(s.tag_ids) for s in iteration.samples}
    held_out = [
        _learner.HeldOutPrediction(
            index,
            np.array([entry["probabilities"].get(label, 0.0) for label in labels]),
            int(entry["fold"]),
        )
        for index, entry in enumerate(iteration.evaluation)
    ]
    targets = np.array(
        [
            [1.0 if label in truth_by_image.get(entry["imageId"], set()) else 0.0 for label in labels]
            for entry in iteration.evaluation
        ]
    ).reshape(len(iteration.evaluation), len(labels))
    per_tag = []
    for label_index, label in enumerate(labels):
        scores = _learner.tag_scores(held_out, targets, label_index, threshold)
        per_tag.append(_tag_performance(label, iteration.tag_names[label], scores))
    # Overall figures pool every (image, tag) decision: micro-averaged precision and recall.
    pooled = [
        _learner.HeldOutPrediction(p.index * len(labels) + j, np.array([p.probabilities[j]]), p.fold)
        for p in held_out
        for j in range(len(labels))
    ]
    pooled_targets = targets.reshape(-1, 1)
    overall = _learner.tag_scores(pooled, pooled_targets, 0, threshold) if labels else _learner.TagScores(0, 0, 0, 0, 0)
    mean_ap = float(np.mean([entry["averagePrecision"] for entry in per_tag])) if per_tag else 0.0
    return per_tag, _learner.TagScores(
        overall.precision, overall.precision_std, overall.recall, overall.recall_std, mean_ap
    )


def _tag_performance(tag_id: str, name: str, scores: _learner.TagScores) -> dict[str, Any]:
    return {
        "id": tag_id,
        "name": name,
        "precision": scores.precision,
        "precisionStdDeviation": scores.precision_std,
        "recall": scores.recall,
        "recallStdDeviation": scores.recall_std,
        "averagePrecision": scores.average_precision,
    }


def _detection_performance(
    iteration: Iteration, threshold: float, overlap: float
) -> tuple[list[dict[str, Any]], _learner.TagScores]:
    truth = {s.image_id: s.regions for s in iteration.samples}
    per_tag = []
    totals = [0, 0, 0, 0]  # predicted, true positives, truths, matched truths
    for tag_id, name in iteration.tag_names.items():
        ranked: list[tuple[float, bool]] = []
        truth_count = 0
        for entry in iteration.evaluation:
            boxes = [box for tag, box in truth.get(entry["imageId"], []) if tag == tag_id]
            truth_count += len(boxes)
            unmatched = list(boxes)
            for detection in sorted(entry["detections"], key=lambda d: -d["probability"]):
                if detection["tagId"] != tag_id:
                    continue
                match = next((b for b in unmatched if _learner.iou(b, detection["box"]) >= overlap), None)
                if match is not None:
                    unmatched.remove(match)
                ranked.append((float(detection["probability"]), match is not None))
        predicted = [hit for score, hit in ranked if score >= threshold]
        true_positives = sum(predicted)
        precision = true_positives / len(predicted) if predicted else 0.0
        recall = true_positives / truth_count if truth_count else 0.0
        ranked.sort(key=lambda item: -item[0])
        hits = np.array([hit for _, hit in ranked], dtype=np.float64)
        ap = float((np.cumsum(hits) / np.arange(1, len(hits) + 1) * hits).sum() / truth_count) if truth_count else 0.0
        per_tag.append(_tag_performance(tag_id, name, _learner.TagScores(precision, 0.0, recall, 0.0, ap)))
        totals = [
            totals[0] + len(predicted),
            totals[1] + true_positives,
            totals[2] + truth_count,
            totals[3] + true_positives,
        ]
    precision = totals[1] / totals[0] if totals[0] else 0.0
    recall = totals[3] / totals[2] if totals[2] else 0.0
    mean_ap = float(np.mean([entry["averagePrecision"] for entry in per_tag])) if per_tag else 0.0
    return per_tag, _learner.TagScores(precision, 0.0, recall, 0.0, mean_ap)


def get_iteration_performance(service: Service, context: RequestContext) -> httpx.Response:
    """GetIterationPerformance, computed on held-out images (k-fold for classifiers, a 20% split for detectors)."""
    project = service.project(context, context.params["projectId"])
    iteration = _completed_iteration(service, project, context.params["iterationId"])
    threshold = float_param(context.query, "threshold", 0.5)
    overlap = float_param(context.query, "overlapThreshold", 0.3)
    if iteration.model and iteration.model["kind"] == "detector":
        per_tag, overall = _detection_performance(iteration, threshold, overlap)
    else:
        per_tag, overall = _classification_performance(iteration, threshold)
    return json_response(
        200,
        {
            "perTagPerformance": per_tag,
            "precision": overall.precision,
            "precisionStdDeviation": overall.precision_std,
            "recall": overall.recall,
            "recallStdDeviation": overall.recall_std,
            "averagePrecision": overall.average_precision,
        },
    )


def _evaluated_images(service: Service, context: RequestContext) -> tuple[Iteration, list[dict[str, Any]]]:
    project = service.project(context, context.params["projectId"])
    iteration = _completed_iteration(service, project, context.params["iterationId"])
    wanted = {tag_id.lower() for tag_id in csv_param(context.query, "tagIds")}
    samples = {s.image_id: s for s in iteration.samples}
    entries = []
    for entry in iteration.evaluation:
        sample = samples.get(entry["imageId"])
        if sample is None:
            continue
        if wanted and not wanted & ({*sample.tag_ids} | {tag for tag, _ in sample.regions}):
            continue
        entries.append(entry)
    return iteration, entries


def get_image_performances(service: Service, context: RequestContext) -> httpx.Response:
    """GetImagePerformances: each held-out image with the predictions made while it was held out."""
    iteration, entries = _evaluated_images(service, context)
    skip, take = _paging(context)
    results = []
    for entry in entries:
        image = service.store.state.images.get(entry["imageId"])
        if image is None:
            continue
        scored: list[tuple[str, float, dict[str, float] | None]]
        if "probabilities" in entry:
            scored = [(tag_id, p, None) for tag_id, p in entry["probabilities"].items()]
        else:
            scored = [
                (d["tagId"], d["probability"], dict(zip(("left", "top", "width", "height"), d["box"], strict=True)))
                for d in entry["detections"]
            ]
        predictions = [
            prediction_entry(p, tag_id, iteration.tag_names.get(tag_id), service.tag_type(tag_id), box)
            for tag_id, p, box in scored
        ]
        predictions.sort(key=lambda p: -p["probability"])
        wire = service.image_json(image, context.base_url)
        results.append(
            {
                "predictions": predictions,
                "id": image.id,
                "created": image.created,
                "width": image.width,
                "height": image.height,
                "imageUri": wire["originalImageUri"],
                "thumbnailUri": wire["thumbnailUri"],
                "tags": wire["tags"],
                "regions": wire["regions"],
            }
        )
    newest_first = (context.query.get("orderBy") or "Newest").lower() != "oldest"
    results.sort(key=lambda r: r["created"], reverse=newest_first)
    return json_response(200, results[skip : skip + take])


def get_image_performance_count(service: Service, context: RequestContext) -> httpx.Response:
    """GetImagePerformanceCount."""
    return json_response(200, len(_evaluated_images(service, context)[1]))


# --- exports ----------------------------------------------------------------------------------------------------------


def _export_json(service: Service, context: RequestContext, export: ExportRecord) -> dict[str, Any]:
    uri = f"{context.base_url}/emulator/artifacts/{export.artifact_id}" if export.artifact_id else None
    return {
        "platform": export.platform,
        "status": export.status,
        "downloadUri": uri,
        "flavor": export.flavor,
        "newerVersionAvailable": False,
    }


def get_exports(service: Service, context: RequestContext) -> httpx.Response:
    """GetExports."""
    project = service.project(context, context.params["projectId"])
    iteration = service.iteration(project, context.params["iterationId"])
    return json_response(200, [_export_json(service, context, export) for export in iteration.exports])


def export_iteration(service: Service, context: RequestContext) -> httpx.Response:
    """ExportIteration: compact-domain iterations only; the package is ready after `min_training_seconds`."""
    project = service.project(context, context.params["projectId"])
    iteration = _completed_iteration(service, project, context.params["iterationId"])
    domain = DOMAINS_BY_ID.get(iteration.domain_id)
    if domain is None or not domain.exportable:
        raise bad_request(
            "BadRequestExportValidationFailed",
            "The iteration is not exportable: only iterations trained on a compact domain can be exported.",
        )
    if iteration.training_type == "Advanced":
        raise bad_request(
            "BadRequestExportPlatformNotSupportedForAdvancedTraining", "Advanced training cannot be exported."
        )
    wanted = context.query.get("platform", "").lower()
    platform = next((p for p in domain.exportable_platforms if p.lower() == wanted), None)
    if platform is None:
        raise bad_request("BadRequestExportValidationFailed", f"Unknown platform {context.query.get('platform')!r}.")
    flavor = context.query.get("flavor") or None
    existing = next((e for e in iteration.exports if (e.platform, e.flavor) == (platform, flavor)), None)
    if existing is not None and existing.status == "Exporting":
        raise bad_request("BadRequestExportAlreadyInProgress", "This export is already queued.")
    if existing is not None:
        iteration.exports.remove(existing)
    export = ExportRecord(platform=platform, flavor=flavor, status="Exporting")
    iteration.exports.append(export)
    started = time.time()

    def finish_export() -> None:
        with service.store.lock:
            package = service.export_package(project, iteration, platform, flavor)
        if not service.wait_until(started):
            return
        with service.store.lock:
            artifact = service.store_artifact(project, package, f"{platform}-{flavor or 'default'}.zip")
            export.artifact_id = artifact.id
            export.status = "Done"
            service.store.commit()

    service.start_background("export", finish_export)
    return json_response(200, _export_json(service, context, export))


# --- predictions stored by the service -----------------------------------------------------------------------------


def delete_prediction(service: Service, context: RequestContext) -> httpx.Response:
    """DeletePrediction (at most 64 ids)."""
    project = service.project(context, context.params["projectId"])
    ids = [prediction_id.lower() for prediction_id in csv_param(context.query, "ids")]
    if not ids:
        raise bad_request("BadRequestPredictionIdsMissing", "Give the ids of the predictions to delete.")
    _require_batch_size(len(ids), MAX_BATCH_IMAGES, "BadRequestPredictionIdsExceededCount", "prediction ids")
    predictions = service.store.state.predictions
    for prediction_id in ids:
        if prediction_id in predictions and predictions[prediction_id].project_id == project.id:
            del predictions[prediction_id]
    return no_content()


def _decode_continuation(value: str | None) -> int:
    if not value:
        return 0
    try:
        return int(base64.urlsafe_b64decode(value + "==").decode())
    except (ValueError, binascii.Error) as error:
        raise bad_request("BadRequestPredictionInvalidQueryParameters", "Invalid continuation token.") from error


def _encode_continuation(following: int, total: int) -> str | None:
    """The token of the page starting at `following`, or None after the last page."""
    return base64.urlsafe_b64encode(str(following).encode()).decode().rstrip("=") if following < total else None


def query_predictions(service: Service, context: RequestContext) -> httpx.Response:
    """QueryPredictions: filter, order and page with a session/continuation token."""
    project = service.project(context, context.params["projectId"])
    token = context.json_body() or {}
    if not isinstance(token, dict):
        raise bad_request("BadRequestPredictionInvalidQueryParameters", "The query must be a JSON object.")
    max_count = int(token.get("maxCount") or 50)
    if not 1 <= max_count <= MAX_TAKE:
        raise bad_request("BadRequestPredictionResultsExceededCount", f"maxCount must be between 1 and {MAX_TAKE}.")
    tag_filters = token.get("tags") or []
    _require_batch_size(len(tag_filters), MAX_BATCH_TAGS, "BadRequestPredictionTagsExceededCount", "tag filters")
    predictions = [p for p in service.store.state.predictions.values() if p.project_id == project.id]
    if token.get("iterationId"):
        predictions = [p for p in predictions if p.iteration_id == str(token["iterationId"]).lower()]
    if token.get("application"):
        predictions = [p for p in predictions if p.application == token["application"]]
    if token.get("startTime"):
        predictions = [p for p in predictions if p.created >= str(token["startTime"])]
    if token.get("endTime"):
        predictions = [p for p in predictions if p.created <= str(token["endTime"])]
    for tag_filter in tag_filters:
        tag_id = str(tag_filter.get("id") or "").lower()
        low = float(tag_filter.get("minThreshold") or 0.0)
        high = float(tag_filter.get("maxThreshold") or 1.0)
        predictions = [
            p
            for p in predictions
            if any(x["tagId"] == tag_id and low <= float(x["probability"]) <= high for x in p.predictions)
        ]
    predictions.sort(key=lambda p: p.created)
    if (token.get("orderBy") or "Newest") != "Oldest":
        predictions.reverse()
    start = _decode_continuation(token.get("continuation"))
    page = predictions[start : start + max_count]
    following = start + len(page)
    # The echoed token carries every key of PredictionQueryToken, null where the caller gave none.
    next_token = {
        "session": token.get("session") or new_id(),
        "continuation": _encode_continuation(following, len(predictions)),
        "maxCount": token["maxCount"] if token.get("maxCount") is not None else max_count,
        "orderBy": token.get("orderBy") or "Newest",
        "tags": token.get("tags"),
        "iterationId": token.get("iterationId"),
        "startTime": token.get("startTime"),
        "endTime": token.get("endTime"),
        "application": token.get("application"),
    }
    results = [
        {
            "resizedImageUri": service.blob_uri(context.base_url, p.content_hash, "resized"),
            "thumbnailUri": service.blob_uri(context.base_url, p.content_hash, "thumbnail"),
            "originalImageUri": service.blob_uri(context.base_url, p.content_hash, "original"),
            "domain": p.domain_id,
            "id": p.id,
            "project": p.project_id,
            "iteration": p.iteration_id,
            "created": p.created,
            "predictions": p.predictions,
        }
        for p in page
    ]
    return json_response(200, {"token": next_token, "results": results})


def _quick_test(service: Service, context: RequestContext, data: bytes) -> httpx.Response:
    project = service.project(context, context.params["projectId"])
    iteration_id = context.query.get("iterationId")
    if iteration_id:
        iteration = _completed_iteration(service, project, iteration_id)
    else:
        latest = service.latest_completed(project)
        if latest is None:
            raise not_found("NotFoundProjectDefaultIteration", "The project has no trained iteration.")
        iteration = latest
    info = _prediction_image(data)
    predictions = service.predict(iteration, data)
    if bool_param(context.query, "store", default=True):
        store_prediction(service, project, iteration, data, info, predictions, context.request_id, None)
    return prediction_response(context, project, iteration, predictions)


def _prediction_image(data: bytes) -> Any:
    try:
        return inspect_image(data, MAX_PREDICTION_IMAGE_BYTES)
    except ImageRejectedError as rejected:
        code = "BadRequestImageSizeBytes" if rejected.too_large else "BadRequestImageFormat"
        raise bad_request(code, rejected.reason) from rejected


def quick_test_image(service: Service, context: RequestContext) -> httpx.Response:
    """QuickTestImage (multipart or octet-stream; `iterationId` defaults to the latest; `store` defaults true)."""
    return _quick_test(service, context, read_image_body(context))


def quick_test_image_url(service: Service, context: RequestContext) -> httpx.Response:
    """QuickTestImageUrl (only `data:` URLs are reachable offline)."""
    body = context.json_body()
    url = str(body.get("url") or "") if isinstance(body, dict) else ""
    data = read_image_url(url)
    if data is None:
        raise bad_request("BadRequestImageUrl", f"Unable to download the image at {url!r}.")
    return _quick_test(service, context, data)


# --- suggested tags --------------------------------------------------------------------------------------------------


def _suggestions(
    service: Service, iteration: Iteration, images: Sequence[StoredImage]
) -> list[tuple[StoredImage, list[dict[str, Any]], float]]:
    results = []
    for image in images:
        data = service.store.blobs.get(image.content_hash)
        if data is None:
            continue
        predictions = service.predict(iteration, data)
        top = float(predictions[0]["probability"]) if predictions else 0.0
        # Uncertainty: how far the best guess is from certain (0 = sure, 1 = no idea).
        results.append((image, predictions, 1.0 - top))
    return results


def suggest_tags_and_regions(service: Service, context: RequestContext) -> httpx.Response:
    """SuggestTagsAndRegions for up to 64 images."""
    project = service.project(context, context.params["projectId"])
    iteration = _completed_iteration(service, project, context.query.get("iterationId", ""))
    ids = csv_param(context.query, "imageIds")
    if not ids:
        raise bad_request("BadRequestInvalidIds", "imageIds is required.")
    _require_batch_size(len(ids), MAX_BATCH_IMAGES, "BadRequestExceededBatchSize", "images")
    images = [_project_image(service, project, image_id) for image_id in ids]
    return json_response(
        200,
        [
            {
                "id": image.id,
                "project": project.id,
                "iteration": iteration.id,
                "created": utc_now(),
                "predictions": predictions,
                "predictionUncertainty": uncertainty,
            }
            for image, predictions, uncertainty in _suggestions(service, iteration, images)
        ],
    )


def _suggested_query(
    service: Service, context: RequestContext
) -> tuple[Iteration, dict[str, Any], list[tuple[StoredImage, list[dict[str, Any]], float]]]:
    project = service.project(context, context.params["projectId"])
    iteration = _completed_iteration(service, project, context.query.get("iterationId", ""))
    query = context.json_body() or {}
    if not isinstance(query, dict):
        raise bad_request("BadRequestInvalid", "The query must be a JSON object.")
    untagged = [image for image in service.project_images(project) if not _image_tag_ids(image)]
    return iteration, query, _suggestions(service, iteration, untagged)


def query_suggested_images(service: Service, context: RequestContext) -> httpx.Response:
    """QuerySuggestedImages: untagged images whose predictions pass the tag/threshold filter."""
    iteration, query, suggestions = _suggested_query(service, context)
    tag_ids = {str(t).lower() for t in query.get("tagIds") or []}
    threshold = float(query.get("threshold") or 0.0)
    matching = [
        (image, predictions, uncertainty)
        for image, predictions, uncertainty in suggestions
        if any((not tag_ids or p["tagId"] in tag_ids) and p["probability"] >= threshold for p in predictions)
    ]
    matching.sort(key=lambda s: s[2], reverse=query.get("sortBy") == "UncertaintyDescending")
    max_count = int(query.get("maxCount") or 50)
    start = _decode_continuation(query.get("continuation"))
    page = matching[start : start + max_count]
    following = start + len(page)
    token = {
        "tagIds": query.get("tagIds"),
        "threshold": query.get("threshold"),
        "session": query.get("session") or new_id(),
        "continuation": _encode_continuation(following, len(matching)),
        "maxCount": max_count,
        "sortBy": query.get("sortBy"),
    }
    results = [
        {
            "width": image.width,
            "height": image.height,
            "resizedImageUri": service.blob_uri(context.base_url, image.content_hash, "resized"),
            "thumbnailUri": service.blob_uri(context.base_url, image.content_hash, "thumbnail"),
            "originalImageUri": service.blob_uri(context.base_url, image.content_hash, "original"),
            "domain": iteration.domain_id,
            "id": image.id,
            "project": iteration.project_id,
            "iteration": iteration.id,
            "created": image.created,
            "predictions": predictions,
            "predictionUncertainty": uncertainty,
        }
        for image, predictions, uncertainty in page
    ]
    return json_response(200, {"token": token, "results": results})


def query_suggested_image_count(service: Service, context: RequestContext) -> httpx.Response:
    """QuerySuggestedImageCount: per requested tag, how many untagged images pass the threshold."""
    _, query, suggestions = _suggested_query(service, context)
    threshold = float(query.get("threshold") or 0.0)
    counts = {}
    for tag_id in [str(t).lower() for t in query.get("tagIds") or []]:
        counts[tag_id] = sum(
            1
            for _, predictions, _ in suggestions
            if any(p["tagId"] == tag_id and p["probability"] >= threshold for p in predictions)
        )
    return json_response(200, counts)
