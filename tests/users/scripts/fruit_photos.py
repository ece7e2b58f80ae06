"""Made-up fruit photos for the example scripts: a coloured disc on a plain background, one colour per fruit
(green apples, yellow bananas, orange oranges)."""

from __future__ import annotations

import io
import random

from PIL import Image, ImageDraw

FRUIT_COLOURS: dict[str, tuple[int, int, int]] = {
    "apple": (70, 170, 40),
    "banana": (235, 210, 50),
    "orange": (245, 140, 20),
}


def fruit_photo(fruit: str, seed: int, size: int = 96) -> bytes:
    """JPEG bytes of one photo of ``fruit``; the same seed gives the same photo."""
    rng = random.Random(f"{fruit}-{seed}")
    grey = rng.randint(70, 170)
    image = Image.new("RGB", (size, size), (grey, grey, grey))
    draw = ImageDraw.Draw(image)
    red, green, blue = FRUIT_COLOURS[fruit]
    shade = rng.randint(-15, 15)
    colour = (max(0, min(255, red + shade)), max(0, min(255, green + shade)), max(0, min(255, blue + shade)))
    radius = rng.randint(size // 3, size * 2 // 5)
    x, y = rng.randint(radius, size - radius), rng.randint(radius, size - radius)
    draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=colour)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


def fruit_photos(fruit: str, count: int, first_seed: int = 0) -> list[bytes]:
    """``count`` different photos of ``fruit``."""
    return [fruit_photo(fruit, seed) for seed in range(first_seed, first_seed + count)]
