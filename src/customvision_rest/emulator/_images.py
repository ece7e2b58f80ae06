"""Image checks the service applies, derived renditions (resized, thumbnail) and synthetic test images."""

from __future__ import annotations

import hashlib
import io
import math
import random
import warnings
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFilter

MAX_TRAINING_IMAGE_BYTES = 6 * 1024 * 1024
MAX_PREDICTION_IMAGE_BYTES = 4 * 1024 * 1024
MAX_IMAGE_SIDE = 10_240
MAX_ASPECT_RATIO = 25.0
RESIZED_MAX_SIDE = 1024
THUMBNAIL_MAX_SIDE = 160
SUPPORTED_FORMATS = frozenset({"JPEG", "PNG", "BMP", "GIF"})


@dataclass(frozen=True)
class ImageInfo:
    """What the service learns from an accepted image."""

    width: int
    height: int
    content_hash: str


class ImageRejectedError(Exception):
    """An image the service refuses; `too_large` tells a size problem from an unreadable one."""

    def __init__(self, reason: str, *, too_large: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.too_large = too_large


def content_hash(data: bytes) -> str:
    """The key under which image bytes are stored (identical bytes are stored once)."""
    return hashlib.sha256(data).hexdigest()


def inspect_image(data: bytes, max_bytes: int) -> ImageInfo:
    """Check an image as the service does and return its dimensions, or raise `ImageRejectedError`."""
    if len(data) > max_bytes:
        raise ImageRejectedError(
            f"Image size {len(data)} bytes exceeds the limit of {max_bytes} bytes.", too_large=True
        )
    if not data:
        raise ImageRejectedError("The image is empty.", too_large=False)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            image_format = image.format
            width, height = image.size
            if max(width, height) <= MAX_IMAGE_SIDE:
                # Decode every pixel: a truncated or corrupt file fails here, not later in training or prediction.
                image.load()
    except Image.DecompressionBombWarning as error:
        raise ImageRejectedError(str(error), too_large=True) from error
    except Exception as error:  # Pillow raises many types for corrupt data; all mean "unreadable".
        raise ImageRejectedError("Unable to read the image: unsupported or corrupt format.", too_large=False) from error
    if image_format not in SUPPORTED_FORMATS:
        raise ImageRejectedError(f"Unsupported image format {image_format}.", too_large=False)
    if max(width, height) > MAX_IMAGE_SIDE or max(width, height) > MAX_ASPECT_RATIO * min(width, height):
        raise ImageRejectedError(f"Image dimensions {width}x{height} are not supported.", too_large=True)
    return ImageInfo(width, height, content_hash(data))


def rendition(data: bytes, max_side: int) -> bytes:
    """A JPEG copy of the image no larger than `max_side` on its longest side."""
    source = Image.open(io.BytesIO(data))
    source.draft("RGB", (max_side, max_side))
    image = source.convert("RGB")
    image.thumbnail((max_side, max_side))
    output = io.BytesIO()
    image.save(output, format="JPEG", quality=85)
    return output.getvalue()


_FRUIT_COLOURS = {
    "apple": ((200, 25, 30), (150, 10, 20)),
    "banana": ((235, 210, 50), (200, 170, 30)),
    "orange": ((245, 140, 20), (220, 110, 10)),
}


def draw_fruit(
    kind: str, seed: int, size: tuple[int, int] = (320, 320)
) -> tuple[bytes, tuple[float, float, float, float]]:
    """A synthetic fruit photo and the normalised (left, top, width, height) box around the fruit."""
    if kind not in _FRUIT_COLOURS:
        raise ValueError(f"kind must be one of {sorted(_FRUIT_COLOURS)}, not {kind!r}")
    rng = random.Random(f"{kind}:{seed}")
    width, height = size
    background = tuple(rng.randint(170, 240) for _ in range(3))
    image = Image.new("RGB", size, background)
    draw = ImageDraw.Draw(image)
    for _ in range(12):  # clutter, so the learner cannot rely on a flat background
        x, y = rng.randrange(width), rng.randrange(height)
        radius = rng.randint(3, max(4, width // 20))
        shade = tuple(min(255, max(0, c + rng.randint(-40, 40))) for c in background)
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=shade)
    base, dark = _FRUIT_COLOURS[kind]
    colour = tuple(min(255, max(0, c + rng.randint(-15, 15))) for c in base)
    side = min(width, height)
    if kind == "banana":
        long_side = rng.uniform(0.45, 0.7) * side
        short_side = long_side * rng.uniform(0.22, 0.3)
        box_w, box_h = (long_side, short_side) if rng.random() < 0.5 else (short_side, long_side)
    else:
        box_w = box_h = rng.uniform(0.3, 0.5) * side
    left = rng.uniform(0.05 * width, width - box_w - 0.05 * width)
    top = rng.uniform(0.05 * height, height - box_h - 0.05 * height)
    shape = (left, top, left + box_w, top + box_h)
    draw.ellipse(shape, fill=colour, outline=dark, width=max(2, int(side / 80)))
    if kind == "apple":
        stem_x = left + box_w / 2
        draw.line((stem_x, top - box_h * 0.05, stem_x + 3, top + box_h * 0.12), fill=(90, 60, 20), width=4)
    elif kind == "orange":
        for _ in range(30):  # peel texture
            angle, distance = rng.uniform(0, 2 * math.pi), rng.uniform(0, 0.4)
            px = left + box_w * (0.5 + distance * math.cos(angle))
            py = top + box_h * (0.5 + distance * math.sin(angle))
            draw.point((px, py), fill=dark)
    image = image.filter(ImageFilter.GaussianBlur(radius=0.8))
    output = io.BytesIO()
    image.save(output, format="JPEG", quality=90)
    box = (left / width, top / height, box_w / width, box_h / height)
    return output.getvalue(), box


def synthetic_fruit(kind: str, seed: int, size: tuple[int, int] = (320, 320)) -> bytes:
    """JPEG bytes of a synthetic fruit photo: `kind` is "apple" (red disc), "banana" (yellow elongated ellipse)
    or "orange" (orange textured disc), at a seeded random position and size on a cluttered background."""
    return draw_fruit(kind, seed, size)[0]
