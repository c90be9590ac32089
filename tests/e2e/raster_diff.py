"""raster_diff.py - compares two greyscale rasters of one page (binary PGM,
as `pdftoppm -gray` and `mutool draw -c gray -o x.pgm` write them).

    python3 raster_diff.py [--ignore-rules] A.pgm B.pgm [MAX_PIXELS]

Two renderers never agree pixel for pixel: anti-aliasing differs, most in
heavy bold strokes, by up to a pixel.  So a pixel of one image counts as
different only when its grey level lies more than 96 of 255 outside the
range of the other image's 3 x 3 neighbourhood around it (both ways).  The
pages agree when at most MAX_PIXELS (default 10) pixels differ.  Measured
at 100 dpi: poppler and mupdf on the same page differ in 0 pixels; one
hanzi changed (关 to 构 at 16 pt) makes 35 differ.  Thin table rules are
where the two differ most (poppler snaps a 0.5 pt rule to a dark pixel
line, mupdf draws it grey): --ignore-rules leaves out differing pixels in
a straight horizontal or vertical run one pixel thin and RULE_RUN (12)
or more long; a wrong glyph still differs in its other strokes (关 to 构:
35 pixels either way).  Prints the
count; exit
0 when the pages agree, 1 when not, 2 on unreadable input.  Standard
library only.
"""
import sys

LEVEL = 96
RULE_RUN = 12


def read_pgm(path):
    """(width, height, bytes) of a binary P5 file with maxval 255."""
    with open(path, "rb") as f:
        data = f.read()
    fields, pos = [], 0
    while len(fields) < 4:
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos)
            continue
        end = pos
        while end < len(data) and not data[end:end + 1].isspace():
            end += 1
        if end == pos:
            raise ValueError("not a PGM file")
        fields.append(data[pos:end])
        pos = end
    if fields[0] != b"P5" or fields[3] != b"255":
        raise ValueError("not an 8-bit binary PGM")
    w, h = int(fields[1]), int(fields[2])
    pixels = data[pos + 1:pos + 1 + w * h]
    if len(pixels) != w * h:
        raise ValueError("truncated PGM")
    return w, h, pixels


def filtered(w, h, px, pick, pad):
    """The 3 x 3 minimum (pick=min) or maximum (pick=max) of every pixel,
    as a list of rows; pad stands for pixels beyond the edge."""
    rows = [list(px[y * w:(y + 1) * w]) for y in range(h)]
    across = [list(map(pick, r, r[1:] + [pad], [pad] + r[:-1])) for r in rows]
    edge = [pad] * w
    return [list(map(pick, across[y], across[y - 1] if y > 0 else edge,
                     across[y + 1] if y + 1 < h else edge)) for y in range(h)]


def unexplained(w, h, a, b):
    """Rows of flags: pixels of a outside b's neighbourhood range by more
    than LEVEL."""
    low, high = filtered(w, h, b, min, 255), filtered(w, h, b, max, 0)
    return [[v < lo - LEVEL or v > hi + LEVEL
             for v, lo, hi in zip(a[y * w:(y + 1) * w], low[y], high[y])]
            for y in range(h)]


def runs_of(flags, thin):
    """Flags of the cells lying in a run of RULE_RUN or more set flags
    that are thin (thin[i]: no set flag beside cell i across the run)."""
    out, start = [False] * len(flags), None
    for i, f in enumerate(flags + [False]):
        if f and thin[i] and start is None:
            start = i
        elif not (f and thin[i]) and start is not None:
            if i - start >= RULE_RUN:
                out[start:i] = [True] * (i - start)
            start = None
    return out


def drop_rules(rows):
    """rows without the flags that form thin straight horizontal or
    vertical runs: the part of a table rule two renderers draw apart."""
    h, w = len(rows), len(rows[0]) if rows else 0
    none = [False] * w
    up = [none] + rows[:-1]
    down_rows = rows[1:] + [none]
    across = [runs_of(r, [not (a or b) for a, b in zip(u, d)])
              for r, u, d in zip(rows, up, down_rows)]
    cols = [list(c) for c in zip(*rows)]
    none = [False] * h
    left = [none] + cols[:-1]
    right = cols[1:] + [none]
    down = list(zip(*[runs_of(c, [not (a or b) for a, b in zip(l, r)])
                      for c, l, r in zip(cols, left, right)]))
    return [[f and not x and not y for f, x, y in zip(r, a, d)]
            for r, a, d in zip(rows, across, down)]


def main(argv):
    rules = len(argv) > 1 and argv[1] == "--ignore-rules"
    if rules:
        argv = argv[:1] + argv[2:]
    if len(argv) < 3:
        print("usage: raster_diff.py [--ignore-rules] A.pgm B.pgm [MAX_PIXELS]", file=sys.stderr)
        return 2
    limit = int(argv[3]) if len(argv) > 3 else 10
    try:
        wa, ha, a = read_pgm(argv[1])
        wb, hb, b = read_pgm(argv[2])
    except (OSError, ValueError, IndexError) as e:
        print("raster_diff: %s" % e, file=sys.stderr)
        return 2
    if (wa, ha) != (wb, hb):
        print("sizes differ: %dx%d and %dx%d" % (wa, ha, wb, hb))
        return 1
    differ = 0
    for rows in (unexplained(wa, ha, a, b), unexplained(wa, ha, b, a)):
        differ += sum(map(sum, drop_rules(rows) if rules else rows))
    print("%d pixels differ" % differ)
    return 0 if differ <= limit else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
