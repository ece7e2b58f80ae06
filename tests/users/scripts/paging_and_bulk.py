"""Bulk upload with per-image tags, then walking every image page by page, sync and async.

Reads VISION_TRAINING_ENDPOINT and VISION_TRAINING_KEY.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter

from fruit_photos import fruit_photo

from customvision_rest import AsyncTrainingClient, ImageToUpload, Resource, TrainingClient, UploadReport


def show_progress(sent: int, total: int | None) -> None:
    print(f"progress: {sent} of {total}")


def main() -> None:
    training = Resource.from_environment("training")
    with TrainingClient(training) as trainer:
        project = trainer.create_project(f"bulk {uuid.uuid4().hex[:8]}")
        tags = {fruit: trainer.create_tag(project.id, fruit) for fruit in ("apple", "banana", "orange")}
        images = [
            ImageToUpload(fruit_photo(fruit, n), tag_ids=[tag.id], name=f"{fruit}-{n}.jpg")
            for n in range(30)
            for fruit, tag in tags.items()
        ]
        report: UploadReport = trainer.upload_images(project.id, images, max_batch_images=25, progress=show_progress)
        print(f"uploaded: {len(report.succeeded)} in {report.batches} batches, {len(report.failed)} failed")

        again = trainer.upload_images(project.id, images[:10])
        print(f"uploaded again: {len(again.duplicates)} duplicates")

        seen = Counter(tag.tag_name for image in trainer.iter_images(project.id, page_size=16) for tag in image.tags)
        print("sync pages:", ", ".join(f"{name} {count}" for name, count in sorted(seen.items())))
        names = [
            image.original_image_uri for image in trainer.iter_tagged_images(project.id, tag_ids=[tags["apple"].id])
        ]
        print(f"apples: {len(names)}")

        asyncio.run(walk_async(training, project.id))
        trainer.delete_project(project.id)


async def walk_async(training: Resource, project_id: uuid.UUID) -> None:
    async with AsyncTrainingClient(training) as trainer:
        count = 0
        async for _image in trainer.iter_images(project_id, page_size=20):
            count += 1
        print(f"async images: {count}")


if __name__ == "__main__":
    main()
