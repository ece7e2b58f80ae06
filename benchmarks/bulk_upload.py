"""Bulk upload against an emulator with the real service's pace: our async upload_images vs the old SDK.

The emulator runs in its own process with 2 s per upload call and S0 throttling. Run on demand (not part of the
test suite)::

    python benchmarks/bulk_upload.py [--images 1000] [--single-images 5] [--concurrency N] [--memory-images 0]

Contenders: our ``AsyncTrainingClient.upload_images`` (batches sent concurrently), the old SDK's
``create_images_from_files`` with hand-made batches of 64 one after the other, and the old SDK one image per call
(measured on ``--single-images`` images and reported as a rate: 1,000 calls would take over half an hour).
Goal (issue 8): at least 4x the old SDK's batched throughput.

``--memory-images N`` then uploads N lazily generated images with no simulated service time and reports how much
the peak resident memory of this process grew (``ru_maxrss``): the upload holds only the batches in flight.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import sys
from collections.abc import Iterator

import httpx
from azure.cognitiveservices.vision.customvision.training import CustomVisionTrainingClient
from azure.cognitiveservices.vision.customvision.training.models import ImageFileCreateBatch, ImageFileCreateEntry
from bulk_common import TRAINING_KEY, StatusCounter, clock, emulator_server, rate
from msrest.authentication import ApiKeyCredentials

from customvision_rest import AsyncTrainingClient, TrainingClient, UploadReport
from customvision_rest.emulator import synthetic_fruit


def generate(count: int, seed: int) -> Iterator[bytes]:
    for n in range(count):
        yield synthetic_fruit(("apple", "banana", "orange")[n % 3], seed + n, (96, 96))


def new_project(endpoint: str, name: str) -> str:
    with TrainingClient(endpoint, TRAINING_KEY, max_retries=10) as trainer:
        return str(trainer.create_project(name).id)


async def ours(endpoint: str, project: str, images: list[bytes], concurrency: int | None) -> tuple[float, str, int]:
    counter = StatusCounter()
    http = httpx.AsyncClient(event_hooks={"response": [counter.ahook]}, limits=httpx.Limits(max_connections=64))
    async with AsyncTrainingClient(endpoint, TRAINING_KEY, http_client=http) as client:
        start = clock()
        report: UploadReport = await client.upload_images(project, images, concurrency=concurrency)
        seconds = clock() - start
    await http.aclose()
    return seconds, counter.describe(), len(report.succeeded)


def old_client(endpoint: str) -> CustomVisionTrainingClient:
    return CustomVisionTrainingClient(endpoint, ApiKeyCredentials(in_headers={"Training-key": TRAINING_KEY}))


def old_batched(endpoint: str, project: str, images: list[bytes]) -> tuple[float, int]:
    client = old_client(endpoint)
    stored = 0
    start = clock()
    for first in range(0, len(images), 64):
        entries = [
            ImageFileCreateEntry(name=f"{first + i}.jpg", contents=data)
            for i, data in enumerate(images[first : first + 64])
        ]
        summary = client.create_images_from_files(project, ImageFileCreateBatch(images=entries))
        stored += sum(1 for image in summary.images if image.status in ("OK", "OKDuplicate"))
    return clock() - start, stored


def old_one_by_one(endpoint: str, project: str, images: list[bytes]) -> float:
    client = old_client(endpoint)
    start = clock()
    for n, data in enumerate(images):
        client.create_images_from_files(
            project, ImageFileCreateBatch(images=[ImageFileCreateEntry(name=f"{n}.jpg", contents=data)])
        )
    return clock() - start


def peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


async def memory_run(endpoint: str, project: str, count: int) -> tuple[float, float, int]:
    before = peak_rss_mb()
    async with AsyncTrainingClient(endpoint, TRAINING_KEY, max_retries=10) as client:
        start = clock()
        report = await client.upload_images(project, generate(count, 50_000))
        seconds = clock() - start
    return peak_rss_mb() - before, seconds, len(report.succeeded)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--images", type=int, default=1000)
    parser.add_argument("--single-images", type=int, default=5, help="images for the old SDK's one-per-call rate")
    parser.add_argument("--concurrency", type=int, default=None, help="our batches in flight (default: the client's)")
    parser.add_argument("--memory-images", type=int, default=0, help="then measure memory over this many images")
    arguments = parser.parse_args()
    if arguments.memory_images:
        # First, so that the peak before it is the interpreter's with the libraries imported.
        with emulator_server("--tier", "S0") as server:
            grown, seconds, stored = asyncio.run(
                memory_run(server.endpoint, new_project(server.endpoint, "memory"), arguments.memory_images)
            )
            print(f"memory   {stored} lazily generated images in {seconds:.1f} s: peak RSS grew {grown:.1f} MB")
    if not arguments.images:
        return
    images = list(generate(arguments.images, 0))
    flags = ("--throttle", "--tier", "S0", "--latency-prediction", "0.3", "--latency-upload", "2.0")
    with emulator_server(*flags) as server:
        print("emulator:", " ".join(server.command[1:]))
        seconds, statuses, stored = asyncio.run(
            ours(server.endpoint, new_project(server.endpoint, "ours"), images, arguments.concurrency)
        )
        print(f"ours     AsyncTrainingClient.upload_images: {rate(stored, seconds)} stored; answers {statuses}")
        old_seconds, old_stored = old_batched(server.endpoint, new_project(server.endpoint, "old"), images)
        print(f"old      create_images_from_files, 64 per call, one call at a time: {rate(old_stored, old_seconds)}")
        singles = images[: arguments.single_images]
        single_seconds = old_one_by_one(server.endpoint, new_project(server.endpoint, "single"), singles)
        print(f"old      create_images_from_files, one image per call: {rate(len(singles), single_seconds)}")
        print(f"ratio    {(stored / seconds) / (old_stored / old_seconds):.1f}x the old SDK's batched throughput")


if __name__ == "__main__":
    main()
