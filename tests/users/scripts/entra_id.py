"""Microsoft Entra ID instead of keys, with the sync clients and then the async ones.

The credentials below have the shape of azure-identity's (``get_token(*scopes) -> AccessToken(token,
expires_on)``, the async one with ``async def get_token``), so ``DefaultAzureCredential()`` from
``azure.identity`` or ``azure.identity.aio`` takes their place unchanged. These hand out a token that something
else obtained (here an environment variable, as a CI job or a sidecar would provide it).

Reads VISION_TRAINING_ENDPOINT, VISION_PREDICTION_ENDPOINT, VISION_TRAINING_TOKEN, VISION_PREDICTION_TOKEN, and
the published model from VISION_PROJECT_ID and VISION_PUBLISHED_NAME.
"""

from __future__ import annotations

import asyncio
import os
import time
from typing import Any, NamedTuple

from fruit_photos import fruit_photo

from customvision_rest import (
    AsyncPredictionClient,
    AsyncTrainingClient,
    PredictionClient,
    Resource,
    TrainingClient,
)


class AccessToken(NamedTuple):
    token: str
    expires_on: int


class ProvidedTokenCredential:
    """A synchronous token credential that reads the token from an environment variable.

    ``get_token`` has the signature of azure-identity's credentials, keyword options included.
    """

    def __init__(self, variable: str) -> None:
        self.variable = variable
        self.requests = 0
        self.scopes: tuple[str, ...] = ()

    def get_token(
        self,
        *scopes: str,
        claims: str | None = None,
        tenant_id: str | None = None,
        enable_cae: bool = False,
        **kwargs: Any,
    ) -> AccessToken:
        self.requests += 1
        self.scopes = scopes
        return AccessToken(os.environ[self.variable], int(time.time()) + 3600)


class AsyncProvidedTokenCredential:
    """The same for the async clients: ``get_token`` is a coroutine, as in ``azure.identity.aio``."""

    def __init__(self, variable: str) -> None:
        self.provided = ProvidedTokenCredential(variable)

    async def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        return self.provided.get_token(*scopes, **kwargs)


PROJECT_ID = os.environ["VISION_PROJECT_ID"]
PUBLISHED_NAME = os.environ["VISION_PUBLISHED_NAME"]


def with_sync_clients() -> None:
    training_credential = ProvidedTokenCredential("VISION_TRAINING_TOKEN")
    prediction_credential = ProvidedTokenCredential("VISION_PREDICTION_TOKEN")
    training = Resource.training(os.environ["VISION_TRAINING_ENDPOINT"], training_credential)
    prediction = Resource.prediction(os.environ["VISION_PREDICTION_ENDPOINT"], prediction_credential)
    with TrainingClient(training) as trainer, PredictionClient(prediction) as predictor:
        project = trainer.get_project(PROJECT_ID)
        tags = trainer.get_tags(project.id)
        print(f"sync project: {project.name}; tags: {', '.join(sorted(tag.name for tag in tags))}")
        for fruit in ("apple", "banana"):
            best = predictor.classify_image_with_no_store(project.id, PUBLISHED_NAME, fruit_photo(fruit, 3000)).best()
            print(f"sync {fruit} looks like: {best.tag_name}")
    print(f"sync tokens fetched: {training_credential.requests + prediction_credential.requests}")
    print(f"scope: {' '.join(training_credential.scopes)}")


async def with_async_clients() -> None:
    training_credential = AsyncProvidedTokenCredential("VISION_TRAINING_TOKEN")
    prediction_credential = AsyncProvidedTokenCredential("VISION_PREDICTION_TOKEN")
    training = Resource.training(os.environ["VISION_TRAINING_ENDPOINT"], training_credential)
    prediction = Resource.prediction(os.environ["VISION_PREDICTION_ENDPOINT"], prediction_credential)
    async with AsyncTrainingClient(training) as trainer, AsyncPredictionClient(prediction) as predictor:
        project, iterations = await asyncio.gather(trainer.get_project(PROJECT_ID), trainer.get_iterations(PROJECT_ID))
        print(f"async project: {project.name}; iterations: {len(iterations)}")
        results = await asyncio.gather(
            *(
                predictor.classify_image(project.id, PUBLISHED_NAME, fruit_photo(fruit, 3001))
                for fruit in ("orange", "apple")
            )
        )
        print("async looks like:", ", ".join(result.best().tag_name for result in results))
    print(f"async tokens fetched: {training_credential.provided.requests + prediction_credential.provided.requests}")


if __name__ == "__main__":
    with_sync_clients()
    asyncio.run(with_async_clients())
