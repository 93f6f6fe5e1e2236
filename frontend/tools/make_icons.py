"""Draw Afterglow's app icons (a sun setting into a calm horizon) as PNG files.

Run from anywhere: python3 frontend/tools/make_icons.py
Pure standard library, so the icons can be regenerated without extra tools.
"""
import math
import struct
import zlib
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "icons"

SKY_TOP = (0x3A, 0x2D, 0x5E)
SKY_LOW = (0xC9, 0x6B, 0x7E)
SUN_TOP = (0xFF, 0xE2, 0x9A)
SUN_LOW = (0xFF, 0xA8, 0x6E)
SEA_TOP = (0x2E, 0x24, 0x4F)
SEA_LOW = (0x1F, 0x19, 0x3A)
GLINT = (0xF7, 0xB9, 0x8A)


def mix(a, b, t):
    t = min(max(t, 0.0), 1.0)
    return tuple(a[i] + (b[i] - a[i]) * t for i in range(3))


def over(dst, src, alpha):
    return tuple(dst[i] + (src[i] - dst[i]) * alpha for i in range(3))


def pixel(u, v, scale):
    """Colour at (u, v) in the unit square; scale shrinks the artwork (safe zone)."""
    x = (u - 0.5) / scale + 0.5
    y = (v - 0.5) / scale + 0.5
    horizon = 0.64
    px = 1.0 / (512 * scale)
    if y < horizon:
        colour = mix(SKY_TOP, SKY_LOW, (y + 0.1) / (horizon + 0.1))
        d = math.hypot(x - 0.5, y - horizon)
        sun_r = 0.27
        glow = max(0.0, 1.0 - (d - sun_r) / 0.22)
        colour = over(colour, SUN_LOW, 0.25 * glow * glow)
        cover = min(max((sun_r - d) / px + 0.5, 0.0), 1.0)
        if cover:
            colour = over(colour, mix(SUN_TOP, SUN_LOW, (y - (horizon - sun_r)) / sun_r), cover)
    else:
        colour = mix(SEA_TOP, SEA_LOW, (y - horizon) / (1 - horizon))
        for i, (cy, half) in enumerate(((0.70, 0.20), (0.77, 0.13), (0.84, 0.07))):
            dy = abs(y - cy)
            if dy < 0.018 and abs(x - 0.5) < half:
                edge = min(max((0.018 - dy) / px, 0.0), 1.0)
                fade = 1.0 - abs(x - 0.5) / half
                colour = over(colour, GLINT, edge * min(1.0, fade * 3) * (0.75 - 0.15 * i))
    return colour


def rounded_alpha(u, v, size, radius):
    if radius <= 0:
        return 1.0
    x = min(u, 1 - u)
    y = min(v, 1 - v)
    if x >= radius or y >= radius:
        return 1.0
    d = math.hypot(radius - x, radius - y)
    return min(max((radius - d) * size + 0.5, 0.0), 1.0)


def png(size, scale=1.0, radius=0.0):
    rows = []
    for j in range(size):
        row = bytearray(b"\x00")
        v = (j + 0.5) / size
        for i in range(size):
            u = (i + 0.5) / size
            r, g, b = pixel(u, v, scale)
            # Quantise a little: invisible on screen, and the file gets much smaller.
            r, g, b = (int(c) & 0xFE for c in (r, g, b))
            a = int(round(255 * rounded_alpha(u, v, size, radius)))
            row += bytes((r, g, b, a))
        rows.append(bytes(row))
    raw = b"".join(rows)

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def main():
    OUT.mkdir(exist_ok=True)
    jobs = {
        "icon-192.png": dict(size=192, radius=0.22),
        "icon-512.png": dict(size=512, radius=0.22),
        "maskable-512.png": dict(size=512, scale=0.8),  # art inside the 80 % safe zone
        "apple-touch-icon.png": dict(size=180),  # iOS rounds the corners itself
        "favicon-48.png": dict(size=48, radius=0.22),
    }
    for name, kwargs in jobs.items():
        data = png(**kwargs)
        (OUT / name).write_bytes(data)
        print(f"{name}: {len(data)} bytes")


if __name__ == "__main__":
    main()
