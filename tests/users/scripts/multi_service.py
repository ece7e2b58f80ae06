"""One multi-service (Azure AI services / Cognitive Services) resource for training and for prediction.

Its endpoint and key serve both APIs, and iterations are published to the resource itself. Reads
VISION_TRAINING_ENDPOINT, VISION_TRAINING_KEY, VISION_PREDICTION_ENDPOINT, VISION_PREDICTION_KEY and
VISION_PREDICTION_RESOURCE_ID, all pointing at that one resource.
"""

from __future__ import annotations

import uuid

from fruit_photos import fruit_photo, fruit_photos

from customvision_rest import PredictionClient, Resource, ResourceKind, TrainingClient


def main() -> None:
    training = Resource.from_environment("training", kind=ResourceKind.MULTI_SERVICE)
    prediction = Resource.from_environment("prediction", kind=ResourceKind.MULTI_SERVICE)
    print(f"same endpoint: {training.endpoint == prediction.endpoint}")
    publish_name = f"fruit-{uuid.uuid4().hex[:8]}"

    with TrainingClient(training) as trainer, PredictionClient(prediction) as predictor:
        project = trainer.create_project(f"multi {publish_name}")
        for fruit in ("apple", "banana", "orange"):
            tag = trainer.create_tag(project.id, fruit)
            trainer.create_images_from_data(project.id, fruit_photos(fruit, 6), tag_ids=[tag.id])
        iteration = trainer.train_and_wait(project.id, timeout=120)
        trainer.publish_iteration(project.id, iteration.id, publish_name, prediction)
        print(f"published to: {prediction.resource_id}")
        best = predictor.classify_image(project.id, publish_name, fruit_photo("banana", 1000)).best()
        print(f"banana looks like: {best.tag_name}")
        trainer.unpublish_iteration(project.id, iteration.id)
        trainer.delete_project(project.id)


if __name__ == "__main__":
    main()
