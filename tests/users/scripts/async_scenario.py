"""The fruit classifier of sync_scenario.py with the async clients: tags and uploads run concurrently.

Reads the same VISION_* variables as sync_scenario.py.
"""

from __future__ import annotations

import asyncio
import uuid

from fruit_photos import fruit_photo, fruit_photos

from customvision_rest import AsyncPredictionClient, AsyncTrainingClient, Resource
from customvision_rest.models import ImageCreateSummary, ImagePrediction, Tag

FRUITS = ("apple", "banana", "orange")


async def upload(trainer: AsyncTrainingClient, project_id: uuid.UUID, tag: Tag) -> ImageCreateSummary:
    return await trainer.create_images_from_data(project_id, fruit_photos(tag.name, 8), tag_ids=[tag.id])


async def main() -> None:
    training = Resource.from_environment("training")
    prediction = Resource.from_environment("prediction")
    publish_name = f"fruit-{uuid.uuid4().hex[:8]}"

    async with AsyncTrainingClient(training) as trainer, AsyncPredictionClient(prediction) as predictor:
        project = await trainer.create_project(f"fruit {publish_name}")
        tags = await asyncio.gather(*(trainer.create_tag(project.id, fruit) for fruit in FRUITS))
        print("tags:", ", ".join(sorted(tag.name for tag in tags)))
        summaries = await asyncio.gather(*(upload(trainer, project.id, tag) for tag in tags))
        print("uploaded:", sum(len(summary.succeeded) for summary in summaries))

        iteration = await trainer.train_and_wait(project.id, timeout=120)
        print(f"trained: {iteration.status}")
        await trainer.publish_iteration(project.id, iteration.id, publish_name, prediction)

        tasks: dict[str, asyncio.Task[ImagePrediction]] = {
            fruit: asyncio.create_task(predictor.classify_image(project.id, publish_name, fruit_photo(fruit, 1000)))
            for fruit in FRUITS
        }
        for fruit, task in tasks.items():
            best = (await task).best()
            print(f"{fruit} looks like: {best.tag_name} ({best.probability:.2f})")

        await trainer.unpublish_iteration(project.id, iteration.id)
        await trainer.delete_project(project.id)
        print("done")


if __name__ == "__main__":
    asyncio.run(main())
