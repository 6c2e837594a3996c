#!/usr/bin/python3
"""png_ink: how much of a screenshot is not background.

Decodes an 8-bit RGB/RGBA PNG (as Chromium writes) with zlib alone, undoing
the per-row filters, and prints "distinct_colours ink_fraction", where ink is
any pixel differing from the top-left (background) pixel.  A blank page gives
1 colour and 0 ink."""
import struct
import sys
import zlib


def pixels(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        sys.exit("%s: not a PNG" % path)
    pos, idat, w = 8, b"", 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
            if depth != 8 or ctype not in (2, 6):
                sys.exit("%s: only 8-bit RGB/RGBA PNGs are read here" % path)
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw, stride = zlib.decompress(idat), w * bpp
    prev, rows, i = bytearray(stride), [], 0
    for _ in range(h):
        f, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b, c = prev[x], prev[x - bpp] if x >= bpp else 0
            if f == 1: line[x] = (line[x] + a) & 255
            elif f == 2: line[x] = (line[x] + b) & 255
            elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return rows, bpp


rows, bpp = pixels(sys.argv[1])
bg = rows[0][:3]
colours, ink, total = set(), 0, 0
for r in rows[::4]:
    for x in range(0, len(r), 4 * bpp):
        px = r[x:x + 3]
        colours.add(px)
        ink += px != bg
        total += 1
print(len(colours), "%.4f" % (ink / total))
