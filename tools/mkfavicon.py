#!/usr/bin/env python3
"""Writes static/favicon.ico: forkcast's mark (static/logo.svg's shapes: a white fork on a
rounded #b3401a square) at 16, 32 and 48 pixels, each a PNG inside the ICO container, drawn by
supersampling those rectangles. Deterministic: the same bytes each run.
Usage: tools/mkfavicon.py [OUT]   (default static/favicon.ico)"""
import struct
import sys
import zlib

BG = (0xB3, 0x40, 0x1A)
FG = (0xFF, 0xFF, 0xFF)
# (x, y, w, h, rx) in the 32-unit box of static/logo.svg
SQUARE = (0, 0, 32, 32, 7)
FORK = [(9, 5, 3, 10, 1.5), (14.5, 5, 3, 10, 1.5), (20, 5, 3, 10, 1.5),
        (9, 12, 14, 5, 2.5), (14, 15, 4, 13, 2)]


def inside(rect, x, y):
    rx0, ry0, w, h, r = rect
    if not (rx0 <= x <= rx0 + w and ry0 <= y <= ry0 + h):
        return False
    cx = min(max(x, rx0 + r), rx0 + w - r)
    cy = min(max(y, ry0 + r), ry0 + h - r)
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r


def png(size):
    ss = 4
    rows = []
    for py in range(size):
        row = bytearray([0])
        for px in range(size):
            cover = fork = 0
            for sy in range(ss):
                for sx in range(ss):
                    x = (px + (sx + 0.5) / ss) * 32 / size
                    y = (py + (sy + 0.5) / ss) * 32 / size
                    if inside(SQUARE, x, y):
                        cover += 1
                        if any(inside(f, x, y) for f in FORK):
                            fork += 1
            n = ss * ss
            if cover:
                t = fork / cover
                rgb = [round(BG[i] * (1 - t) + FG[i] * t) for i in range(3)]
            else:
                rgb = [0, 0, 0]
            row += bytes(rgb + [round(255 * cover / n)])
        rows.append(bytes(row))

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    return (b"\x89PNG\r\n\x1a\n" +
            chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + chunk(b"IEND", b""))


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "static/favicon.ico"
    sizes = [16, 32, 48]
    images = [png(s) for s in sizes]
    head = struct.pack("<HHH", 0, 1, len(images))
    offset = 6 + 16 * len(images)
    entries = b""
    for s, data in zip(sizes, images):
        entries += struct.pack("<BBBBHHII", s % 256, s % 256, 0, 0, 1, 32, len(data), offset)
        offset += len(data)
    with open(out, "wb") as f:
        f.write(head + entries + b"".join(images))


if __name__ == "__main__":
    main()
