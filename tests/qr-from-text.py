#!/usr/bin/python3
"""Turn the first QR code that `qrencode -t UTF8` printed in a text into a PBM image.

usage: qr-from-text.py TEXTFILE OUT.pbm

qrencode's UTF8 output draws light modules as blocks (full, upper half, lower
half) on a dark terminal; a space is two dark modules. Each text line is two
rows of modules. The image is scaled up 4 times, black on white, for zbarimg.
"""
import sys

LIGHT = {"█": (1, 1), "▀": (1, 0), "▄": (0, 1), " ": (0, 0)}
SCALE = 4


def main():
    text, out = sys.argv[1], sys.argv[2]
    block = []
    for line in open(text, encoding="utf-8").read().split("\n"):
        if line and set(line) <= set(LIGHT) and "█" in line:
            block.append(line)
        elif block:
            break
    if not block:
        sys.exit("qr-from-text: no QR code in " + text)
    rows = []
    for line in block:
        top = [LIGHT[ch][0] for ch in line]
        bottom = [LIGHT[ch][1] for ch in line]
        rows += [top, bottom]
    width = max(len(r) for r in rows)
    with open(out, "w") as f:
        f.write(f"P1\n{width * SCALE} {len(rows) * SCALE}\n")
        for r in rows:
            r = r + [1] * (width - len(r))
            # PBM: 1 is black, a dark module
            line = " ".join(str(1 - v) for v in r for _ in range(SCALE))
            for _ in range(SCALE):
                f.write(line + "\n")


main()
