"""Train a fruit classifier, publish it and classify a new photo, with the blocking clients.

Reads VISION_TRAINING_ENDPOINT, VISION_TRAINING_KEY, VISION_PREDICTION_ENDPOINT, VISION_PREDICTION_KEY and
VISION_PREDICTION_RESOURCE_ID, as Microsoft's quickstarts do.
"""

from __future__ import annotations

import uuid

from fruit_photos import fruit_photo, fruit_photos

from customvision_rest import PredictionClient, Resource, TrainingClient
from customvision_rest.models import Iteration

FRUITS = ("apple", "banana", "orange")


def show_progress(iteration: Iteration) -> None:
    print(f"training: {iteration.status}")


def main() -> None:
    training = Resource.from_environment("training")
    prediction = Resource.from_environment("prediction")
    publish_name = f"fruit-{uuid.uuid4().hex[:8]}"

    with TrainingClient(training) as trainer, PredictionClient(prediction) as predictor:
        project = trainer.create_project(f"fruit {publish_name}", description="apples, bananas and oranges")
        print(f"project: {project.name}")
        for fruit in FRUITS:
            tag = trainer.create_tag(project.id, fruit)
            summary = trainer.create_images_from_data(project.id, fruit_photos(fruit, 8), tag_ids=[tag.id])
            print(f"uploaded {fruit}: {len(summary.succeeded)} of 8")
            if summary.failed:
                print(summary.describe_failures())

        iteration = trainer.train_and_wait(project.id, timeout=120, progress=show_progress)
        print(f"trained: {iteration.status}")
        trainer.publish_iteration(project.id, iteration.id, publish_name, prediction)

        for fruit in FRUITS:
            result = predictor.classify_image(project.id, publish_name, fruit_photo(fruit, 1000))
            best = result.best()
            print(f"{fruit} looks like: {best.tag_name} ({best.probability:.2f})")

        trainer.unpublish_iteration(project.id, iteration.id)
        trainer.delete_project(project.id)
        print("done")


if __name__ == "__main__":
    main()
