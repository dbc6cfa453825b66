"""Cover pictures for the demo content, drawn locally so seeding needs no network."""

from __future__ import annotations

import hashlib
import io
import random

from PIL import Image as PILImage
from PIL import ImageDraw

WIDTH, HEIGHT = 1200, 800

# (sky top, sky bottom, ground, accent) per motif.
PALETTES = {
    "quarry": ("#8fb3cf", "#e8d9bd", "#9c7b55", "#5d4a36"),
    "plant": ("#a9c1d9", "#eef1f4", "#6f7780", "#c4482d"),
    "people": ("#f3c98b", "#fbe9d0", "#4f7a5a", "#2d3e50"),
    "city": ("#7fa6c9", "#dfe8ef", "#7d8a73", "#b8a58a"),
    "archive": ("#c9b99a", "#efe6d2", "#8a7a5c", "#4b4032"),
    "tech": ("#1f3b57", "#6d93b8", "#2b3a47", "#f2b134"),
    "winter": ("#b9cde0", "#f7fafc", "#e6edf3", "#5a7184"),
    "portrait": ("#d8c3a5", "#f4ede2", "#8e8d8a", "#e85a4f"),
}


def _seeded(key: str) -> random.Random:
    digest = hashlib.sha256(key.encode()).hexdigest()
    return random.Random(int(digest[:16], 16))  # noqa: S311 - art, not security


def _gradient(draw: ImageDraw.ImageDraw, top: str, bottom: str) -> None:
    top_rgb = PILImage.new("RGB", (1, 1), top).getpixel((0, 0))
    bottom_rgb = PILImage.new("RGB", (1, 1), bottom).getpixel((0, 0))
    for y in range(HEIGHT):
        t = y / HEIGHT
        colour = tuple(
            round(a + (b - a) * t) for a, b in zip(top_rgb, bottom_rgb, strict=True)
        )
        draw.line([(0, y), (WIDTH, y)], fill=colour)


def draw_cover(motif: str, variant: str = "") -> bytes:
    """A JPEG landscape in the motif's palette; ``variant`` varies the shapes."""
    sky_top, sky_bottom, ground, accent = PALETTES.get(motif, PALETTES["city"])
    rng = _seeded(f"{motif}:{variant}")
    image = PILImage.new("RGB", (WIDTH, HEIGHT))
    draw = ImageDraw.Draw(image)
    _gradient(draw, sky_top, sky_bottom)
    horizon = rng.randint(HEIGHT // 2, HEIGHT * 2 // 3)
    # Terraced hills, like the benches of an open pit.
    for step in range(5):
        y = horizon + step * rng.randint(20, 45)
        inset = step * rng.randint(40, 90)
        draw.polygon(
            [(inset, y), (WIDTH - inset, y), (WIDTH, HEIGHT), (0, HEIGHT)], fill=ground
        )
        ground = _shade(ground, 0.9)
    # Buildings, conveyors and chimneys in the accent colour.
    for _ in range(rng.randint(3, 7)):
        x = rng.randint(0, WIDTH - 160)
        w = rng.randint(40, 160)
        h = rng.randint(60, 260)
        draw.rectangle([x, horizon - h, x + w, horizon], fill=accent)
    sun_x = rng.randint(100, WIDTH - 100)
    draw.ellipse([sun_x - 50, 60, sun_x + 50, 160], fill=_shade(sky_bottom, 1.05))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=82, optimize=True)
    return out.getvalue()


def _shade(colour: str, factor: float) -> str:
    r, g, b = PILImage.new("RGB", (1, 1), colour).getpixel((0, 0))
    return "#{:02x}{:02x}{:02x}".format(*(min(255, int(c * factor)) for c in (r, g, b)))
