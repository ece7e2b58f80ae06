"""Bulk prediction against an emulator with the real service's pace: ours in bulk vs the old SDK one call at a time.

The emulator runs in its own process with 300 ms per prediction and S0 throttling (20 no-store predictions per
second). Run on demand (not part of the test suite)::

    python benchmarks/bulk_predict.py [--images 300] [--old-images 20] [--concurrency N]

Goal (issue 8): our bulk prediction reaches at least 90% of the tier's limit (18 of 20 per second) with no
request failing; the old SDK, one call at a time, manages about 3 per second.
"""

from __future__ import annotations

import argparse
import asyncio

import httpx
from azure.cognitiveservices.vision.customvision.prediction import CustomVisionPredictionClient
from bulk_common import (
    PREDICTION_KEY,
    PUBLISH_NAME,
    StatusCounter,
    clock,
    emulator_server,
    published_project,
    rate,
)
from msrest.authentication import ApiKeyCredentials

from customvision_rest import AsyncPredictionClient
from customvision_rest.emulator import synthetic_fruit
from customvision_rest.workflows.prediction import PredictionReport

LIMIT = 20.0  # S0 no-store predictions per second


async def ours(endpoint: str, project: str, images: list[bytes], concurrency: int | None) -> tuple[float, str, int]:
    counter = StatusCounter()
    http = httpx.AsyncClient(event_hooks={"response": [counter.ahook]}, limits=httpx.Limits(max_connections=64))
    async with AsyncPredictionClient(endpoint, PREDICTION_KEY, http_client=http) as client:
        start = clock()
        report: PredictionReport = await client.classify_images_with_no_store(
            project, PUBLISH_NAME, images, concurrency=concurrency
        )
        seconds = clock() - start
    await http.aclose()
    return seconds, counter.describe(), len(report.failed)


def old_sdk(endpoint: str, project: str, images: list[bytes]) -> float:
    credentials = ApiKeyCredentials(in_headers={"Prediction-key": PREDICTION_KEY})
    client = CustomVisionPredictionClient(endpoint, credentials)
    start = clock()
    for data in images:
        client.classify_image_with_no_store(project, PUBLISH_NAME, data)
    return clock() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--images", type=int, default=300, help="classifications for our bulk call")
    parser.add_argument("--old-images", type=int, default=20, help="classifications one at a time with the old SDK")
    parser.add_argument("--concurrency", type=int, default=None, help="our concurrency (default: the client's)")
    arguments = parser.parse_args()
    flags = ("--throttle", "--tier", "S0", "--latency-prediction", "0.3", "--latency-upload", "2.0")
    images = [synthetic_fruit("apple" if n % 2 else "banana", 100 + n, (128, 128)) for n in range(arguments.images)]
    with emulator_server(*flags) as server:
        print("emulator:", " ".join(server.command[1:]))
        project = published_project(server)
        seconds, statuses, failed = asyncio.run(ours(server.endpoint, project, images, arguments.concurrency))
        print(f"ours   AsyncPredictionClient.classify_images_with_no_store: {rate(len(images), seconds)}")
        print(
            f"       {len(images) / seconds / LIMIT:.0%} of the S0 limit; answers {statuses}; images failed: {failed}"
        )
        old_seconds = old_sdk(server.endpoint, project, images[: arguments.old_images])
        print(f"old    CustomVisionPredictionClient, one call at a time: {rate(arguments.old_images, old_seconds)}")
        print(f"ratio  {len(images) / seconds / (arguments.old_images / old_seconds):.1f}x the old SDK's throughput")


if __name__ == "__main__":
    main()
