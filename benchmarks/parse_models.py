"""How fast the models read a 256-image page, and what importing them costs: ours beside json.loads and msrest.

Run on demand (never part of the test suite)::

    python benchmarks/parse_models.py [--rounds 15] [--calls 40] [--imports 7] [--without-gc] [--ladder]

Parsing: one body of 256 images shaped as the real service writes them (``GetImages`` of the recordings:
no-offset datetimes with 7 fractional digits, a tag each, signed addresses), every tenth image with two
regions and metadata. Contenders run interleaved, round-robin in a rotating order, ``--calls`` calls per turn,
timed in CPU time of this process (so other programs on a shared machine weigh less); the figures are the
median and the minimum over rounds of the time per call. ``--without-gc`` turns the cyclic garbage collector off
while timing, as ``timeit`` does: typed results are several times more container objects than ``json.loads``
gives (model, ``__dict__``, fields-set, UUID per object), so collections weigh on "ours" with it on; with the
collector on, the run ends with its share: collections of each generation per call, the CPU spent in them, and
how many objects it tracks in one result. Every run also counts the Python functions each contender enters per
call: for ours, each is a call out of pydantic-core into a validator written in Python.
"ours" is the parser the client uses
(``operations._common.parse_list(Image)`` on an ``httpx.Response``), so it includes every typed guarantee:
UUIDs, UTC-aware datetimes, enums, lists never None. "msrest" is the deprecated SDK's deserializer (if
installed). Imports: the CPU time of each import statement in a fresh interpreter, interleaved, ``--imports``
times; the median and the minimum. ``--ladder`` adds what each typed guarantee costs: plain pydantic models of
the same page, text ids and times first, gaining one guarantee of ours at a time, collector on and off.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from typing import Any

import httpx

IMAGES = 256


def page(images: int = IMAGES) -> bytes:
    """A GetImages answer of ``images`` images, in the real service's shape."""
    body = []
    for n in range(images):
        image_id = str(uuid.UUID(int=n + 1))
        address = f"https://irisprodeu2training.blob.core.windows.net/i-proj/i-{image_id}"
        signed = (
            "?sv=2017-04-17&sr=b&sig=psHkb3aOTgP6T9g9WByPEF6Xt5PHyDEKrOC4AdtOg6Y%3D&se=2020-11-07T16%3A21%3A15Z&sp=r"
        )
        image: dict[str, Any] = {
            "id": image_id,
            "created": f"2020-11-06T16:15:{n % 60:02d}.5237711",
            "width": 900,
            "height": 1600,
            "resizedImageUri": address + signed,
            "thumbnailUri": address.replace("/i-", "/t-") + signed,
            "originalImageUri": address + signed,
            "tags": [
                {
                    "tagId": "879c5031-c23e-4452-8ad0-4f093d5f07d2",
                    "tagName": "Tag2",
                    "created": "2020-11-06T16:15:54.5250542",
                }
            ],
        }
        if n % 10 == 0:
            region = {"tagId": "879c5031-c23e-4452-8ad0-4f093d5f07d2", "left": 0.1, "top": 0.2, "width": 0.3}
            image["regions"] = [
                {**region, "height": 0.4, "regionId": str(uuid.UUID(int=10_000 + n)), "tagName": "Tag2"},
                {**region, "height": 0.5, "regionId": str(uuid.UUID(int=20_000 + n)), "tagName": "Tag2"},
            ]
            image["metadata"] = {"camera": "front", "batch": str(n)}
        body.append(image)
    return json.dumps(body, separators=(",", ":")).encode()


def contenders(body: bytes) -> dict[str, Callable[[], Any]]:
    """Each way of reading ``body`` into objects, by name."""
    from customvision_rest.models.training import Image
    from customvision_rest.operations._common import parse_list

    parse = parse_list(Image)
    response = httpx.Response(200, content=body, headers={"content-type": "application/json"})
    found: dict[str, Callable[[], Any]] = {
        "json.loads": lambda: json.loads(body),
        "ours": lambda: parse(response),
    }
    try:
        from azure.cognitiveservices.vision.customvision.training import models as old_models
        from msrest.serialization import Deserializer
    except ImportError:
        return found
    classes = {name: cls for name, cls in vars(old_models).items() if isinstance(cls, type)}
    old = Deserializer(classes)
    found["msrest (old SDK)"] = lambda: old("[Image]", body, content_type="application/json")
    return found


def pydantic_reader(
    body: bytes, ids: Any = str, times: Any = str, *, lists_never_none: bool = False, keep_unknown: bool = False
) -> Callable[[], Any]:
    """Plain pydantic models of ``body`` with only the guarantees asked for; by default none of ours.

    With none (text ids and times, a missing list is ``None``, unknown fields dropped) this is the least pydantic
    models of this page cost: what they add over ``json.loads`` is pydantic's own floor, whatever a library adds.
    """
    from typing import Annotated, Literal

    from pydantic import BaseModel, ConfigDict, Field, TypeAdapter
    from pydantic.alias_generators import to_camel

    extra: Literal["allow", "ignore"] = "allow" if keep_unknown else "ignore"

    class Base(BaseModel):
        model_config = ConfigDict(alias_generator=to_camel, validate_by_name=True, extra=extra)

    def listed(item: Any) -> Any:
        if lists_never_none:
            return Annotated[list[item], Field(default_factory=list)]
        return Annotated[list[item] | None, Field(default=None)]

    class Tag(Base):
        tag_id: ids
        tag_name: str
        created: times

    class Region(Base):
        region_id: ids
        tag_id: ids
        tag_name: str
        left: float
        top: float
        width: float
        height: float

    class Picture(Base):
        id: ids
        created: times
        width: int
        height: int
        resized_image_uri: str
        thumbnail_uri: str
        original_image_uri: str
        tags: listed(Tag)  # type: ignore[valid-type]
        regions: listed(Region)  # type: ignore[valid-type]
        metadata: dict[str, str] | None = None

    read = TypeAdapter(list[Picture]).validate_json
    return lambda: read(body)


def ladder(body: bytes) -> dict[str, Callable[[], Any]]:
    """:func:`pydantic_reader` gaining our typed guarantees one at a time, between ``json.loads`` and ours."""
    from datetime import datetime

    from customvision_rest.models._base import OffsetlessUtcDatetime

    utc = OffsetlessUtcDatetime
    return {
        "json.loads": lambda: json.loads(body),
        "pydantic, text ids and times": pydantic_reader(body),
        "+ UUID ids": pydantic_reader(body, uuid.UUID),
        "+ datetimes (naive)": pydantic_reader(body, uuid.UUID, datetime),
        "+ UTC datetimes": pydantic_reader(body, uuid.UUID, utc),
        "+ lists never None": pydantic_reader(body, uuid.UUID, utc, lists_never_none=True),
        "+ unknown fields kept": pydantic_reader(body, uuid.UUID, utc, lists_never_none=True, keep_unknown=True),
        "ours": contenders(body)["ours"],
    }


def print_ladder(body: bytes, rounds: int, calls: int) -> None:
    """Time :func:`ladder` interleaved, collector on then off, as ratios to json.loads."""
    rungs = ladder(body)
    for rung in rungs.values():
        rung()
    figures: dict[str, list[str]] = {name: [] for name in rungs}
    for collector_on in (True, False):
        if not collector_on:
            gc.disable()
        try:
            samples = time_interleaved(rungs, rounds, calls)
        finally:
            gc.enable()
        median_base, min_base = statistics.median(samples["json.loads"]), min(samples["json.loads"])
        for name, times in samples.items():
            median, least = statistics.median(times), min(times)
            figures[name].append(f"{median * 1e3:6.3f} ms {median / median_base:5.2f}x / {least / min_base:5.2f}x")
    # Noise only ever adds time, so the minimum ratio is the steadier one where rounds are spread wide.
    print(f"what each typed guarantee costs, {rounds} rounds (median; ratio to json.loads, median / min):")
    print(f"  {'':<30} {'collector on':>25}   {'collector off':>25}")
    for name, cells in figures.items():
        print(f"  {name:<30} {cells[0]:>25}   {cells[1]:>25}")


def check_same_results(body: bytes) -> None:
    """Ours gives what json.loads gives, typed: the check that makes the timing a fair one."""
    from datetime import timedelta

    from customvision_rest.models.training import Image
    from customvision_rest.operations._common import parse_list

    raw = json.loads(body)
    images = parse_list(Image)(httpx.Response(200, content=body))
    assert len(images) == len(raw)
    for image, expected in zip(images, raw, strict=True):
        assert str(image.id) == expected["id"]
        assert image.created.utcoffset() == timedelta(0)
        assert all(tag.created.utcoffset() == timedelta(0) for tag in image.tags)
        assert isinstance(image.regions, list)
        assert isinstance(image.metadata, dict)
        assert len(image.regions) == len(expected.get("regions", []))


def time_interleaved(runs: dict[str, Callable[[], Any]], rounds: int, calls: int) -> dict[str, list[float]]:
    """Seconds per call of each contender, one figure per round; the order rotates every round."""
    names = list(runs)
    for run in runs.values():  # warm up: first-use costs (schema builds, caches) are not parsing
        for _ in range(3):
            run()
    samples: dict[str, list[float]] = {name: [] for name in names}
    for round_number in range(rounds):
        order = names[round_number % len(names) :] + names[: round_number % len(names)]
        for name in order:
            run = runs[name]
            start = time.process_time()
            for _ in range(calls):
                run()
            samples[name].append((time.process_time() - start) / calls)
    return samples


def tracked_containers(value: object) -> int:
    """How many objects the cyclic collector tracks in ``value`` (what it must scan while the result lives)."""
    seen: dict[int, object] = {}
    stack = [value]
    while stack:
        item = stack.pop()
        if id(item) in seen or isinstance(item, type):
            continue
        seen[id(item)] = item
        stack.extend(gc.get_referents(item))
    return sum(1 for item in seen.values() if gc.is_tracked(item))


def collector_cost(runs: dict[str, Callable[[], Any]], calls: int) -> dict[str, tuple[list[float], float, int]]:
    """Per contender and call: collections of each generation, CPU seconds spent in them, containers per result."""
    counts = [0, 0, 0]
    spent = [0.0]
    started = [0.0]

    def watch(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started[0] = time.process_time()
        else:
            counts[info["generation"]] += 1
            spent[0] += time.process_time() - started[0]

    found = {}
    gc.callbacks.append(watch)
    try:
        for name, run in runs.items():
            gc.collect()
            counts[:] = [0, 0, 0]
            spent[0] = 0.0
            for _ in range(calls):
                run()
            found[name] = ([count / calls for count in counts], spent[0] / calls, tracked_containers(run()))
    finally:
        gc.callbacks.remove(watch)
    return found


def python_calls(run: Callable[[], Any]) -> int:
    """How many Python functions one call of ``run`` enters (from pydantic-core, each is a call out of Rust)."""
    entered = [0]

    def watch(frame: Any, event: str, arg: object) -> None:
        if event == "call":
            entered[0] += 1

    sys.setprofile(watch)
    try:
        run()
    finally:
        sys.setprofile(None)
    return entered[0] - 1  # the contender's own lambda


IMPORTS = {
    "pydantic": "import pydantic",
    "httpx + pydantic": "import httpx, pydantic",
    "customvision_rest.models": "import customvision_rest.models",
    "models + first Image parse": (
        "import customvision_rest.models as m; m.Image.model_validate_json("
        'b\'{"id":"00000000-0000-0000-0000-000000000001","created":"2020-11-06T16:15:54.52",'
        '"width":1,"height":1,"resizedImageUri":"a","thumbnailUri":"b","originalImageUri":"c"}\')'
    ),
    "customvision_rest (both clients)": "import customvision_rest",
    "old SDK models": (
        "import azure.cognitiveservices.vision.customvision.training.models, "
        "azure.cognitiveservices.vision.customvision.prediction.models"
    ),
}


def time_imports(repeats: int) -> dict[str, list[float]]:
    """CPU seconds each import statement takes in a fresh interpreter."""
    samples: dict[str, list[float]] = {name: [] for name in IMPORTS}
    for repeat in range(repeats):
        names = list(IMPORTS)
        order = names[repeat % len(names) :] + names[: repeat % len(names)]
        for name in order:
            code = f"import time\nstart = time.process_time()\n{IMPORTS[name]}\nprint(time.process_time() - start)"
            done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)  # noqa: S603
            if done.returncode == 0:
                samples[name].append(float(done.stdout))
    return {name: times for name, times in samples.items() if times}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=15, help="rounds of the interleaved parse timing")
    parser.add_argument("--calls", type=int, default=40, help="calls per contender per round")
    parser.add_argument("--imports", type=int, default=7, help="fresh interpreters per import statement (0: skip)")
    parser.add_argument("--without-gc", action="store_true", help="collector off while timing, as timeit does")
    parser.add_argument("--ladder", action="store_true", help="also time plain pydantic gaining each guarantee")
    args = parser.parse_args(argv)

    body = page()
    check_same_results(body)
    if args.without_gc:
        gc.disable()
    runs = contenders(body)
    samples = time_interleaved(runs, args.rounds, args.calls)
    gc.enable()
    median_base, min_base = statistics.median(samples["json.loads"]), min(samples["json.loads"])
    collector = "off" if args.without_gc else "on"
    print(
        f"parse a {IMAGES}-image page ({len(body):,} bytes, garbage collector {collector}): "
        f"CPU time per call, {args.rounds} rounds"
    )
    print(f"  {'':<18} {'median':>9} {'min':>9}   ratio to json.loads (median / min)")
    for name, times in samples.items():
        median, least = statistics.median(times), min(times)
        print(
            f"  {name:<18} {median * 1e3:6.3f} ms {least * 1e3:6.3f} ms   "
            f"{median / median_base:5.2f}x / {least / min_base:5.2f}x"
        )
    calls = ", ".join(f"{name} {python_calls(run):,}" for name, run in runs.items())
    print(f"  Python functions entered per call: {calls}")
    if not args.without_gc:
        print(f"  where the collector's share goes, {args.calls * 5} calls each (gen0/gen1/gen2 runs per call):")
        for name, (counts, spent, containers) in collector_cost(runs, args.calls * 5).items():
            runs_per_call = "/".join(f"{count:.2f}" for count in counts)
            print(
                f"  {name:<18} {spent * 1e3:6.3f} ms in collections ({runs_per_call}), "
                f"{containers:,} tracked containers per result"
            )
    if args.ladder:
        print_ladder(body, args.rounds, args.calls)
    if args.imports:
        print(f"import in a fresh interpreter: CPU time over {args.imports} interpreters each")
        for name, times in time_imports(args.imports).items():
            print(f"  {name:<34} median {statistics.median(times) * 1e3:6.1f} ms   min {min(times) * 1e3:6.1f} ms")


if __name__ == "__main__":
    main()
