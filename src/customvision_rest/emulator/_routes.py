"""URL routing: which operation answers a method and path, for each API."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from . import _prediction_api as prediction
from . import _training_api as training
from ._service import RequestContext, Service

Handler = Callable[[Service, RequestContext], httpx.Response]

TRAINING_VERSIONS = ("3.0", "3.1", "3.2", "3.3", "3.4-preview")
PREDICTION_VERSIONS = ("3.0", "3.1")
API_PATH = re.compile(
    r"/customvision/v(?P<version>\d+\.\d+(?:-preview)?)/(?P<api>training|prediction)(?P<operation>/.*)?",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Route:
    """One operation: HTTP method, path pattern (relative to the API base path) and handler."""

    method: str
    pattern: re.Pattern[str]
    handler: Handler
    operation_id: str
    # The handler takes the store lock itself, only around its look-ups and changes, so that its heavy work
    # (decoding and scoring an image) runs while other requests are answered.
    locks_itself: bool = False


def _route(method: str, template: str, handler: Handler, operation_id: str, *, locks_itself: bool = False) -> Route:
    pattern = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template)
    return Route(method, re.compile(pattern + "/?", re.IGNORECASE), handler, operation_id, locks_itself)


_P = "/projects/{projectId}"
_I = _P + "/iterations/{iterationId}"

TRAINING_ROUTES: tuple[Route, ...] = (
    _route("GET", "/domains", training.get_domains, "GetDomains"),
    _route("GET", "/domains/{domainId}", training.get_domain, "GetDomain"),
    _route("GET", "/projects", training.get_projects, "GetProjects"),
    _route("POST", "/projects", training.create_project, "CreateProject"),
    _route("POST", "/projects/import", training.import_project, "ImportProject"),
    _route("GET", _P, training.get_project, "GetProject"),
    _route("DELETE", _P, training.delete_project, "DeleteProject"),
    _route("PATCH", _P, training.update_project, "UpdateProject"),
    _route("GET", _P + "/artifacts", training.get_artifact, "GetArtifact"),
    _route("GET", _P + "/export", training.export_project, "ExportProject"),
    _route("GET", _P + "/images", training.get_images, "GetImages"),
    _route("POST", _P + "/images", training.create_images_from_data, "CreateImagesFromData"),
    _route("DELETE", _P + "/images", training.delete_images, "DeleteImages"),
    _route("GET", _P + "/images/count", training.get_image_count, "GetImageCount"),
    _route("POST", _P + "/images/files", training.create_images_from_files, "CreateImagesFromFiles"),
    _route("GET", _P + "/images/id", training.get_images_by_ids, "GetImagesByIds"),
    _route("POST", _P + "/images/metadata", training.update_image_metadata, "UpdateImageMetadata"),
    _route("POST", _P + "/images/predictions", training.create_images_from_predictions, "CreateImagesFromPredictions"),
    _route("POST", _P + "/images/regions", training.create_image_regions, "CreateImageRegions"),
    _route("DELETE", _P + "/images/regions", training.delete_image_regions, "DeleteImageRegions"),
    _route("POST", _P + "/images/suggested", training.query_suggested_images, "QuerySuggestedImages"),
    _route("POST", _P + "/images/suggested/count", training.query_suggested_image_count, "QuerySuggestedImageCount"),
    _route("GET", _P + "/images/tagged", training.get_tagged_images, "GetTaggedImages"),
    _route("GET", _P + "/images/tagged/count", training.get_tagged_image_count, "GetTaggedImageCount"),
    _route("POST", _P + "/images/tags", training.create_image_tags, "CreateImageTags"),
    _route("DELETE", _P + "/images/tags", training.delete_image_tags, "DeleteImageTags"),
    _route("GET", _P + "/images/untagged", training.get_untagged_images, "GetUntaggedImages"),
    _route("GET", _P + "/images/untagged/count", training.get_untagged_image_count, "GetUntaggedImageCount"),
    _route("POST", _P + "/images/urls", training.create_images_from_urls, "CreateImagesFromUrls"),
    _route(
        "POST", _P + "/images/{imageId}/regionproposals", training.get_image_region_proposals, "GetImageRegionProposals"
    ),
    _route("GET", _P + "/iterations", training.get_iterations, "GetIterations"),
    _route("GET", _I, training.get_iteration, "GetIteration"),
    _route("DELETE", _I, training.delete_iteration, "DeleteIteration"),
    _route("PATCH", _I, training.update_iteration, "UpdateIteration"),
    _route("GET", _I + "/export", training.get_exports, "GetExports"),
    _route("POST", _I + "/export", training.export_iteration, "ExportIteration"),
    _route("GET", _I + "/performance", training.get_iteration_performance, "GetIterationPerformance"),
    _route("GET", _I + "/performance/images", training.get_image_performances, "GetImagePerformances"),
    _route("GET", _I + "/performance/images/count", training.get_image_performance_count, "GetImagePerformanceCount"),
    _route("POST", _I + "/publish", training.publish_iteration, "PublishIteration"),
    _route("DELETE", _I + "/publish", training.unpublish_iteration, "UnpublishIteration"),
    _route("DELETE", _P + "/predictions", training.delete_prediction, "DeletePrediction"),
    _route("POST", _P + "/predictions/query", training.query_predictions, "QueryPredictions"),
    _route("POST", _P + "/quicktest/image", training.quick_test_image, "QuickTestImage"),
    _route("POST", _P + "/quicktest/url", training.quick_test_image_url, "QuickTestImageUrl"),
    _route("GET", _P + "/tags", training.get_tags, "GetTags"),
    _route("POST", _P + "/tags", training.create_tag, "CreateTag"),
    _route("GET", _P + "/tags/{tagId}", training.get_tag, "GetTag"),
    _route("DELETE", _P + "/tags/{tagId}", training.delete_tag, "DeleteTag"),
    _route("PATCH", _P + "/tags/{tagId}", training.update_tag, "UpdateTag"),
    _route("POST", _P + "/tagsandregions/suggestions", training.suggest_tags_and_regions, "SuggestTagsAndRegions"),
    _route("POST", _P + "/train", training.train_project, "TrainProject"),
)

_PREDICTION_OPERATIONS: tuple[tuple[str, Handler, str], ...] = (
    ("classify/iterations/{publishedName}/image", prediction.classify_image, "ClassifyImage"),
    (
        "classify/iterations/{publishedName}/image/nostore",
        prediction.classify_image_nostore,
        "ClassifyImageWithNoStore",
    ),
    ("classify/iterations/{publishedName}/url", prediction.classify_image_url, "ClassifyImageUrl"),
    (
        "classify/iterations/{publishedName}/url/nostore",
        prediction.classify_image_url_nostore,
        "ClassifyImageUrlWithNoStore",
    ),
    ("detect/iterations/{publishedName}/image", prediction.detect_image, "DetectImage"),
    ("detect/iterations/{publishedName}/image/nostore", prediction.detect_image_nostore, "DetectImageWithNoStore"),
    ("detect/iterations/{publishedName}/url", prediction.detect_image_url, "DetectImageUrl"),
    ("detect/iterations/{publishedName}/url/nostore", prediction.detect_image_url_nostore, "DetectImageUrlWithNoStore"),
)

PREDICTION_ROUTES: tuple[Route, ...] = tuple(
    _route("POST", "/{projectId}/" + template, handler, operation_id, locks_itself=True)
    for template, handler, operation_id in _PREDICTION_OPERATIONS
)


def find_route(routes: tuple[Route, ...], method: str, path: str) -> tuple[Route, dict[str, str]] | None:
    """The route matching a method and operation path, with its path parameters."""
    for route in routes:
        if route.method == method:
            match = route.pattern.fullmatch(path)
            if match is not None:
                return route, match.groupdict()
    return None
