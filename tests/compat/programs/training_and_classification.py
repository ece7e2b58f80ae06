"""A program in the old SDK's style that calls every method of the training client and classifies.

It is run twice by tests/compat/test_programs.py: as written, on the old SDK, and with its imports switched to
``customvision_rest.compat``; both runs must record the same observations. It reads like user code on purpose
(positional optional arguments, a sleep loop, hand-made batches) and records no ids, which differ per run.
"""

import base64
import os
import time

from azure.cognitiveservices.vision.customvision.prediction import CustomVisionPredictionClient
from azure.cognitiveservices.vision.customvision.prediction.models import CustomVisionErrorException as PredictionError
from azure.cognitiveservices.vision.customvision.training import CustomVisionTrainingClient
from azure.cognitiveservices.vision.customvision.training.models import (
    CustomVisionErrorException,
    ImageFileCreateBatch,
    ImageFileCreateEntry,
    ImageIdCreateBatch,
    ImageIdCreateEntry,
    ImageRegionCreateEntry,
    ImageTagCreateEntry,
    ImageUrlCreateBatch,
    ImageUrlCreateEntry,
    PredictionQueryToken,
    SuggestedTagAndRegionQueryToken,
)
from msrest.authentication import ApiKeyCredentials


def wait_for_iteration(trainer, project_id, iteration):
    while iteration.status == "Training":
        time.sleep(0.05)
        iteration = trainer.get_iteration(project_id, iteration.id)
    return iteration


def run(endpoint, training_key, prediction_key, prediction_resource_id, folder, record):
    """Build, train, publish and query a classifier; ``record(label, value)`` notes what old code would see."""
    trainer = CustomVisionTrainingClient(endpoint, ApiKeyCredentials(in_headers={"Training-key": training_key}))
    credentials = ApiKeyCredentials(in_headers={"Prediction-key": prediction_key})
    predictor = CustomVisionPredictionClient(endpoint=endpoint, credentials=credentials)

    def path(name):
        return os.path.join(folder, name)

    def data_url(name):
        with open(path(name), "rb") as image:
            return "data:image/jpeg;base64," + base64.b64encode(image.read()).decode()

    # ---------------------------------------------------------------------------- domains and projects
    domains = trainer.get_domains()
    record("domain names", sorted(d.name for d in domains))
    compact = next(d for d in domains if d.type == "Classification" and d.exportable)
    record("get_domain", trainer.get_domain(compact.id).name)

    project = trainer.create_project("fruit", "old style", compact.id, "Multiclass")
    record("project", (project.name, project.description, project.settings.classification_type))
    project.description = "renamed"
    record("update_project", trainer.update_project(project.id, project).description)
    record("get_project", trainer.get_project(project.id).description)
    record("get_projects", sorted(p.name for p in trainer.get_projects()))

    # ---------------------------------------------------------------------------------------- tags
    apple = trainer.create_tag(project.id, "apple", "red or green")
    banana = trainer.create_tag(project.id, "banana")
    orange = trainer.create_tag(project.id, "orange", None, "Regular")
    spare = trainer.create_tag(project.id, "spare")
    apple.description = "a fruit"
    record("update_tag", trainer.update_tag(project.id, apple.id, apple).description)
    record("get_tag", trainer.get_tag(project.id, banana.id).name)
    trainer.delete_tag(project.id, spare.id)
    record("get_tags", sorted(t.name for t in trainer.get_tags(project.id)))

    # -------------------------------------------------------------------------------------- images
    for tag in (apple, banana):
        entries = []
        for i in range(6):
            with open(path(f"{tag.name}{i}.jpg"), "rb") as image:
                entries.append(ImageFileCreateEntry(name=f"{tag.name}{i}.jpg", contents=image.read()))
        summary = trainer.create_images_from_files(project.id, ImageFileCreateBatch(images=entries, tag_ids=[tag.id]))
        record("create_images_from_files", (summary.is_batch_successful, [i.status for i in summary.images]))
    for i in range(6):
        with open(path(f"orange{i}.jpg"), "rb") as image:
            summary = trainer.create_images_from_data(project.id, image, [orange.id])
        record("create_images_from_data", (summary.is_batch_successful, summary.images[0].status))
    batch = ImageUrlCreateBatch(images=[ImageUrlCreateEntry(url=data_url("apple9.jpg"))], tag_ids=[apple.id])
    summary = trainer.create_images_from_urls(project.id, batch)
    record("create_images_from_urls", (summary.is_batch_successful, summary.images[0].status))
    with open(path("banana9.jpg"), "rb") as image:
        loose = trainer.create_images_from_data(project.id, image).images[0].image

    record("get_image_count", trainer.get_image_count(project.id))
    record("get_tagged_image_count", trainer.get_tagged_image_count(project.id, None, [apple.id]))
    record("get_untagged_image_count", trainer.get_untagged_image_count(project.id))
    tagged = trainer.get_tagged_images(project.id, None, [apple.id], None, 10, 0)
    record("get_tagged_images", sorted(t.tag_name for image in tagged for t in image.tags))
    record("get_images", len(trainer.get_images(project.id, None, None, None, None, "Newest", 5, 0)))
    record("get_untagged_images", len(trainer.get_untagged_images(project.id)))
    chosen = trainer.get_images_by_ids(project.id, [tagged[0].id, tagged[1].id])
    record("get_images_by_ids", [len(image.tags) for image in chosen])

    update = trainer.update_image_metadata(project.id, [tagged[0].id], {"source": "camera"})
    record("update_image_metadata", (update.is_batch_successful, update.images[0].status))
    regions = trainer.create_image_regions(
        project.id,
        [ImageRegionCreateEntry(image_id=tagged[0].id, tag_id=apple.id, left=0.1, top=0.2, width=0.5, height=0.4)],
    )
    record("create_image_regions", [(r.tag_name, r.left, r.top, r.width, r.height) for r in regions.created])
    trainer.delete_image_regions(project.id, [r.region_id for r in regions.created])
    proposals = trainer.get_image_region_proposals(project.id, tagged[0].id)
    record("get_image_region_proposals", all(0 <= p.bounding_box.left <= 1 for p in proposals.proposals))
    tags = trainer.create_image_tags(project.id, [ImageTagCreateEntry(image_id=loose.id, tag_id=banana.id)])
    record("create_image_tags", len(tags.created))
    trainer.delete_image_tags(project.id, [loose.id], [banana.id])
    record("after delete_image_tags", trainer.get_untagged_image_count(project.id))
    artifact = b"".join(trainer.get_artifact(project.id, f"images/{tagged[0].id}"))
    record("get_artifact", artifact[:4])

    # ------------------------------------------------------------------------------------- training
    iteration = wait_for_iteration(trainer, project.id, trainer.train_project(project.id))
    record("train_project", iteration.status)
    try:
        trainer.train_project(project.id)
    except CustomVisionErrorException as error:
        record("train again", error.error.code)
    record("get_iterations", [i.status for i in trainer.get_iterations(project.id)])
    record("update_iteration", trainer.update_iteration(project.id, iteration.id, "first").name)
    performance = trainer.get_iteration_performance(project.id, iteration.id, 0.5)
    record("get_iteration_performance", sorted(t.name for t in performance.per_tag_performance))
    record("get_image_performances", len(trainer.get_image_performances(project.id, iteration.id)))
    record("get_image_performance_count", trainer.get_image_performance_count(project.id, iteration.id))
    with open(path("banana20.jpg"), "rb") as image:
        quick = trainer.quick_test_image(project.id, image)
    record("quick_test_image", max(quick.predictions, key=lambda p: p.probability).tag_name)
    quick = trainer.quick_test_image_url(project.id, data_url("orange20.jpg"), iteration.id, False)
    record("quick_test_image_url", max(quick.predictions, key=lambda p: p.probability).tag_name)

    # ---------------------------------------------------------------------------------- publishing
    record("publish_iteration", trainer.publish_iteration(project.id, iteration.id, "fruit-v1", prediction_resource_id))
    with open(path("apple20.jpg"), "rb") as image:
        stored = predictor.classify_image(project.id, "fruit-v1", image)
    record("classify_image", [p.tag_name for p in stored.predictions][:1])
    with open(path("banana21.jpg"), "rb") as image:
        result = predictor.classify_image_with_no_store(project.id, "fruit-v1", image.read())
    record("classify_image_with_no_store", result.predictions[0].tag_name)
    result = predictor.classify_image_url(project.id, "fruit-v1", data_url("orange21.jpg"), "tests")
    record("classify_image_url", result.predictions[0].tag_name)
    result = predictor.classify_image_url_with_no_store(project.id, "fruit-v1", data_url("apple21.jpg"))
    record("classify_image_url_with_no_store", result.predictions[0].tag_name)

    results = trainer.query_predictions(project.id, PredictionQueryToken(iteration_id=iteration.id, max_count=10))
    record("query_predictions", len(results.results))
    batch = ImageIdCreateBatch(images=[ImageIdCreateEntry(id=stored.id)], tag_ids=[apple.id])
    summary = trainer.create_images_from_predictions(project.id, batch)
    record("create_images_from_predictions", (summary.is_batch_successful, summary.images[0].status))
    trainer.delete_prediction(project.id, [r.id for r in results.results])
    with open(path("orange22.jpg"), "rb") as image:
        untagged = trainer.create_images_from_data(project.id, image).images[0].image
    suggestions = trainer.suggest_tags_and_regions(project.id, iteration.id, [untagged.id])
    record("suggest_tags_and_regions", len(suggestions))
    token = SuggestedTagAndRegionQueryToken(tag_ids=[orange.id], threshold=0.0, max_count=5)
    record("query_suggested_images", len(trainer.query_suggested_images(project.id, iteration.id, token).results))
    counts = trainer.query_suggested_image_count(project.id, iteration.id, [orange.id], 0.0)
    record("query_suggested_image_count", sorted(counts.values()))
    trainer.delete_images(project.id, [untagged.id])
    record("delete_images", trainer.get_untagged_image_count(project.id))

    # ---------------------------------------------------------------------------------- exports
    export = trainer.export_iteration(project.id, iteration.id, "ONNX")
    record("export_iteration", (export.platform, export.status))
    exports = trainer.get_exports(project.id, iteration.id)
    while exports[0].status == "Exporting":
        time.sleep(0.05)
        exports = trainer.get_exports(project.id, iteration.id)
    record("get_exports", [(e.platform, e.status) for e in exports])
    project_export = trainer.export_project(project.id)
    record("export_project", (project_export.tag_count, project_export.image_count > 0))
    copy = trainer.import_project(project_export.token, "fruit copy")
    record("import_project", copy.name)
    while trainer.get_project(copy.id).status == "Importing":
        time.sleep(0.05)
    record("imported", sorted(t.name for t in trainer.get_tags(copy.id)))
    trainer.delete_project(copy.id)

    trainer.unpublish_iteration(project.id, iteration.id)
    trainer.delete_iteration(project.id, iteration.id)
    record("delete_iteration", len(trainer.get_iterations(project.id)))

    # ------------------------------------------------------------------------------------ errors
    try:
        trainer.get_tag(project.id, "00000000-0000-0000-0000-000000000000")
    except CustomVisionErrorException as error:
        record("missing tag", (error.error.code, error.response.status_code))
    try:
        predictor.classify_image(project.id, "no-such-name", b"not an image")
    except PredictionError as error:
        record("bad prediction", (error.error.code, error.response.status_code))

    trainer.delete_project(project.id)
    record("after delete_project", sorted(p.name for p in trainer.get_projects()))
    trainer.close()
    predictor.close()
