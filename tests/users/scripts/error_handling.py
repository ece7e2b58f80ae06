"""What a user writes around calls that fail: a missing project, a name that is not published, throttling.

Reads the VISION_* variables of the quickstarts. On a free (F0) prediction resource the service allows two
predictions a second; with retries switched off the third one in a burst is refused with a RateLimitError,
while a client that retries (the default) waits as the service asks and then gets its answer.
"""

from __future__ import annotations

import uuid

from fruit_photos import fruit_photo

from customvision_rest import (
    APIStatusError,
    BadRequestError,
    NotFoundError,
    PredictionClient,
    RateLimitError,
    Resource,
    TrainingClient,
)


def main() -> None:
    training = Resource.from_environment("training")
    prediction = Resource.from_environment("prediction")
    missing = uuid.uuid4()

    with TrainingClient(training) as trainer:
        try:
            trainer.get_project(missing)
        except NotFoundError as e:
            print(f"missing project: {e.status_code} {e.code}: {e.message}")
        project = trainer.create_project(f"errors {missing.hex[:8]}")
        try:
            trainer.create_tag(project.id, "apple")
            trainer.create_tag(project.id, "apple")
        except BadRequestError as e:
            print(f"duplicate tag: {e.status_code} {e.code}")
        try:
            trainer.train_project(project.id)
        except APIStatusError as e:
            print(f"training too early: {type(e).__name__} {e.code}")
        trainer.delete_project(project.id)

    with PredictionClient(prediction, max_retries=0) as predictor:
        photo = fruit_photo("apple", 1)
        for attempt in range(1, 21):
            try:
                predictor.classify_image_with_no_store(project.id, "never-published", photo)
            except NotFoundError as e:
                print(f"attempt {attempt}: not found ({e.code})")
            except RateLimitError as e:
                print(f"attempt {attempt}: throttled, retry after {e.retry_after} s")
                break
    with PredictionClient(prediction) as patient:
        try:
            patient.classify_image_with_no_store(project.id, "never-published", photo)
        except NotFoundError as e:
            print(f"with retries: waited, then {e.code}")


if __name__ == "__main__":
    main()
