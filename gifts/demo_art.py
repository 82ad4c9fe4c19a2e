"""Abstract pictures for demo data, drawn with Pillow: no downloads, no photos of real work passed off as ours.

Each craft gets its own motif (rings for pottery, warp and weft for weaving, blossoms for dyed cloth, grain for
wood, waves for prints, bubbles for glass, tiles for azulejos) in the palette of the artist's market.
"""

from __future__ import annotations

import io
import math
import random

from PIL import Image, ImageDraw, ImageFilter

Palette = tuple[tuple[int, int, int], ...]

PALETTES: dict[str, Palette] = {
    "earth": ((46, 32, 27), (155, 61, 26), (214, 140, 69), (240, 214, 170), (94, 120, 96)),
    "indigo": ((20, 33, 61), (38, 70, 123), (92, 141, 196), (226, 232, 240), (201, 162, 39)),
    "sakura": ((56, 36, 52), (201, 92, 118), (239, 177, 187), (249, 236, 226), (91, 132, 120)),
    "ocean": ((10, 54, 72), (24, 118, 140), (102, 192, 186), (240, 233, 210), (235, 119, 84)),
    "sunflower": ((58, 43, 21), (200, 122, 16), (244, 196, 48), (252, 244, 222), (49, 94, 126)),
    "forest": ((26, 46, 35), (58, 100, 66), (143, 170, 110), (236, 232, 214), (168, 72, 48)),
    "terracotta": ((66, 30, 24), (176, 78, 52), (226, 150, 112), (246, 228, 209), (46, 104, 110)),
    "prairie": ((40, 40, 52), (126, 84, 64), (205, 170, 120), (244, 238, 226), (110, 140, 170)),
}


def _gradient(size: tuple[int, int], top, bottom) -> Image.Image:
    width, height = size
    column = Image.linear_gradient("L").resize((1, height))
    mask = column.resize((width, height))
    return Image.composite(Image.new("RGB", size, bottom), Image.new("RGB", size, top), mask)


def _rings(draw: ImageDraw.ImageDraw, size, palette: Palette, rng: random.Random) -> None:
    width, height = size
    cx, cy = width * rng.uniform(0.35, 0.65), height * rng.uniform(0.4, 0.6)
    radius = min(width, height) * rng.uniform(0.38, 0.48)
    step = radius / rng.randint(7, 11)
    index = 0
    while radius > step:
        color = palette[(index % (len(palette) - 1)) + 1]
        draw.ellipse((cx - radius, cy - radius * 0.92, cx + radius, cy + radius * 0.92), fill=color)
        radius -= step * rng.uniform(0.7, 1.2)
        index += 1


def _weave(draw: ImageDraw.ImageDraw, size, palette: Palette, rng: random.Random) -> None:
    width, height = size
    band = rng.randint(34, 60)
    for y in range(0, height, band):
        color = palette[rng.randint(1, len(palette) - 1)]
        draw.rectangle((0, y, width, y + band * 0.6), fill=color)
        tooth = band // 2
        for x in range(0, width, tooth * 2):
            draw.polygon([(x, y + band * 0.6), (x + tooth, y + band), (x + tooth * 2, y + band * 0.6)], fill=color)
    for x in range(0, width, band * 3):
        draw.line((x, 0, x, height), fill=palette[0], width=3)


def _blossoms(draw: ImageDraw.ImageDraw, size, palette: Palette, rng: random.Random) -> None:
    width, height = size
    for _ in range(rng.randint(18, 30)):
        cx, cy = rng.uniform(0, width), rng.uniform(0, height)
        petal = rng.uniform(22, 70)
        color = palette[rng.randint(1, len(palette) - 1)]
        for turn in range(5):
            angle = turn * 2 * math.pi / 5 + rng.uniform(0, 0.3)
            px, py = cx + math.cos(angle) * petal, cy + math.sin(angle) * petal
            draw.ellipse((px - petal * 0.7, py - petal * 0.7, px + petal * 0.7, py + petal * 0.7), fill=color)
        draw.ellipse((cx - petal * 0.45, cy - petal * 0.45, cx + petal * 0.45, cy + petal * 0.45), fill=palette[-1])


def _grain(draw: ImageDraw.ImageDraw, size, palette: Palette, rng: random.Random) -> None:
    width, height = size
    cx, cy = width * rng.uniform(-0.2, 0.2), height * rng.uniform(0.3, 0.7)
    for index, radius in enumerate(range(int(width * 1.4), 20, -rng.randint(18, 30))):
        color = palette[1 + index % (len(palette) - 2)]
        wobble = rng.uniform(0.85, 1.1)
        draw.ellipse((cx - radius, cy - radius * wobble, cx + radius, cy + radius * wobble), outline=color, width=6)


def _waves(draw: ImageDraw.ImageDraw, size, palette: Palette, rng: random.Random) -> None:
    width, height = size
    amplitude = rng.uniform(20, 45)
    for row, base in enumerate(range(int(height * 0.25), height + 80, rng.randint(40, 70))):
        color = palette[1 + row % (len(palette) - 1)]
        phase = rng.uniform(0, math.tau)
        points = [(x, base + math.sin(x / 90 + phase + row) * amplitude) for x in range(0, width + 20, 20)]
        draw.polygon([*points, (width, height), (0, height)], fill=color)
    sun = rng.uniform(60, 120)
    sx, sy = width * rng.uniform(0.6, 0.85), height * 0.18
    draw.ellipse((sx - sun, sy - sun, sx + sun, sy + sun), fill=palette[-1])


def _bubbles(draw: ImageDraw.ImageDraw, size, palette: Palette, rng: random.Random) -> None:
    width, height = size
    for _ in range(rng.randint(40, 70)):
        radius = rng.uniform(10, 90)
        cx, cy = rng.uniform(0, width), rng.uniform(0, height)
        color = palette[rng.randint(1, len(palette) - 1)]
        draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), outline=color, width=rng.randint(3, 9))


def _tiles(draw: ImageDraw.ImageDraw, size, palette: Palette, rng: random.Random) -> None:
    width, height = size
    tile = rng.choice((150, 180, 225))
    for row, y in enumerate(range(0, height, tile)):
        for column, x in enumerate(range(0, width, tile)):
            draw.rectangle((x, y, x + tile, y + tile), fill=palette[3], outline=palette[0], width=3)
            cx, cy = x + tile / 2, y + tile / 2
            color = palette[1 + (row + column) % 2]
            draw.polygon([(cx, y + 12), (x + tile - 12, cy), (cx, y + tile - 12), (x + 12, cy)], fill=color)
            draw.ellipse((cx - tile / 7, cy - tile / 7, cx + tile / 7, cy + tile / 7), fill=palette[4])


MOTIFS = {
    "rings": _rings,
    "weave": _weave,
    "blossoms": _blossoms,
    "grain": _grain,
    "waves": _waves,
    "bubbles": _bubbles,
    "tiles": _tiles,
}


def draw_picture(*, motif: str, palette: str, seed: int, size: tuple[int, int] = (1200, 900)) -> bytes:
    """A JPEG of an abstract picture; the same arguments always draw the same picture."""
    rng = random.Random(seed)  # noqa: S311 - shapes for a picture, not secrets
    colors = PALETTES[palette]
    picture = _gradient(size, colors[3], tuple(max(0, c - 30) for c in colors[3]))
    layer = Image.new("RGB", size, colors[3])
    draw = ImageDraw.Draw(layer)
    MOTIFS[motif](draw, size, colors, rng)
    picture = Image.blend(picture, layer, 0.88)
    # A soft paper-like grain so flat colours read as a made object, not a chart.
    noise = Image.effect_noise((size[0] // 4, size[1] // 4), 18).resize(size).filter(ImageFilter.GaussianBlur(1))
    picture = Image.composite(picture, Image.new("RGB", size, colors[0]), noise.point(lambda v: 235 + v // 16))
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", quality=84, optimize=True, progressive=True)
    return buffer.getvalue()
