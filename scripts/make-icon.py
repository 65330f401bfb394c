# Draws media/icon.png (128×128): a falling loss curve over a table grid, approaching a dashed
# reference line. Plain zlib PNG writer, so it needs nothing beyond Python.
import math
import struct
import zlib

W = H = 128
BG, CURVE, WHITE = (30, 90, 160), (255, 196, 0), (255, 255, 255)
px = [[list(BG) + [255] for _ in range(W)] for _ in range(H)]


def blend(x, y, c, a):
    if 0 <= x < W and 0 <= y < H and px[y][x][3]:
        p = px[y][x]
        for i in range(3):
            p[i] = round(p[i] * (1 - a) + c[i] * a)


for y in range(H):  # rounded corners
    for x in range(W):
        r = 18
        cx, cy = min(max(x, r), W - 1 - r), min(max(y, r), H - 1 - r)
        if (x - cx) ** 2 + (y - cy) ** 2 > r * r:
            px[y][x] = [0, 0, 0, 0]
for k in range(1, 4):  # table grid
    for t in range(14, 114):
        blend(14 + k * 25, t, WHITE, 0.25)
        blend(t, 14 + k * 25, WHITE, 0.25)
for x in range(14, 114):  # least-squares reference, dashed
    if (x // 6) % 2 == 0:
        for d in (0, 1):
            blend(x, 96 + d, WHITE, 0.9)
for i in range(2000):  # the loss curve
    t = i / 1999
    # image y grows downwards: high loss on the left, flattening towards the reference line
    x, y = 14 + t * 100, 24 + 64 * (1 - math.exp(-4.5 * t))
    for dx in range(-3, 4):
        for dy in range(-3, 4):
            if dx * dx + dy * dy <= 9:
                blend(int(x + dx), int(y + dy), CURVE, 1.0)

raw = b"".join(b"\x00" + bytes(v for p in row for v in p) for row in px)


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", W, H, 8, 6, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
open("media/icon.png", "wb").write(png)
