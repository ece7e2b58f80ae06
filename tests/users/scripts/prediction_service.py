"""A small web-service core that keeps one AsyncPredictionClient for its whole life and answers many requests.

The lifespan is written as FastAPI and Starlette expect one (an async context manager around the app's life),
without depending on either. Reads VISION_PREDICTION_ENDPOINT and VISION_PREDICTION_KEY, and the published model
to use from VISION_PROJECT_ID and VISION_PUBLISHED_NAME.
"""

from __future__ import annotations

import asyncio
import os
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fruit_photos import fruit_photo

from customvision_rest import AsyncPredictionClient, Resource


class FruitService:
    """Classifies uploaded photos with a published Custom Vision model."""

    def __init__(self, resource: Resource, project_id: str, published_name: str) -> None:
        self._resource = resource
        self._project_id = project_id
        self._published_name = published_name
        self._client: AsyncPredictionClient | None = None

    async def start(self) -> None:
        self._client = AsyncPredictionClient(self._resource, max_retries=5)

    async def stop(self) -> None:
        if self._client is not None:
            await self._client.close()
            self._client = None

    async def classify(self, photo: bytes) -> str:
        """The handler of one request: the name of the most probable tag."""
        if self._client is None:
            raise RuntimeError("the service is not started")
        result = await self._client.classify_image_with_no_store(self._project_id, self._published_name, photo)
        return result.best().tag_name


@asynccontextmanager
async def lifespan(service: FruitService) -> AsyncIterator[FruitService]:
    await service.start()
    try:
        yield service
    finally:
        await service.stop()


async def main() -> None:
    service = FruitService(
        Resource.from_environment("prediction"), os.environ["VISION_PROJECT_ID"], os.environ["VISION_PUBLISHED_NAME"]
    )
    requests = [(fruit, fruit_photo(fruit, 2000 + n)) for n in range(12) for fruit in ("apple", "banana", "orange")]
    async with lifespan(service):
        answers = await asyncio.gather(*(service.classify(photo) for _, photo in requests))
    right = sum(answer == fruit for (fruit, _), answer in zip(requests, answers, strict=True))
    print(f"answered {len(answers)} concurrent requests, {right} right")
    print("answers:", ", ".join(f"{name} {count}" for name, count in sorted(Counter(answers).items())))
    try:
        await service.classify(requests[0][1])
    except RuntimeError as error:
        print(f"after stop: {error}")


if __name__ == "__main__":
    asyncio.run(main())
