#!/usr/bin/python3
"""make_broken.py - writes a small PDF/A-1b file, a PDF/A-3b variant and many
deliberately broken copies, one defect each, for testing check_pdfa.py.

    /usr/bin/python3 make_broken.py OUTDIR [--icc PATH]

Everything is produced by the minimal PDF writer and TrueType writer below
(stdlib only), so the files do not depend on gkreport's own writer. The one
exception is the encrypted file, made from the good file with the qpdf CLI.

OUTDIR/manifest lists one case per line:  FILE|PART|FLAGS|EXPECTED
where EXPECTED is the comma-separated set of clause ids check_pdfa.py must
report (empty: the file must pass) and FLAGS are extra checker options.
Output is byte-for-byte reproducible: fixed dates, fixed /ID, no clocks.
"""

import copy
import hashlib
import os
import shutil
import struct
import subprocess
import sys
import zlib

DEFAULT_ICC = "/usr/share/color/icc/sRGB.icc"  # Debian icc-profiles-free


# --------------------------------------------------------------------------
# PDF object model and serializer

class Name(str):
    """A PDF name, written without the slash."""


class Ref:
    def __init__(self, num):
        self.num = num


class Hex(bytes):
    """A byte string written as a hex string."""


class Raw(bytes):
    """Bytes written as they are (for deliberately malformed tokens)."""


class Stream:
    def __init__(self, d, data, length=None):
        self.d = d          # dict without /Length
        self.data = data    # bytes as stored (already encoded)
        self.length = length  # a wrong /Length to write, or None


def pdf_name(n):
    out = bytearray(b"/")
    for b in n.encode("utf-8"):
        if b < 0x21 or b > 0x7E or b in b"#()<>[]{}/%":
            out += b"#%02X" % b
        else:
            out.append(b)
    return bytes(out)


def pdf_string(s):
    out = bytearray(b"(")
    for b in s:
        if b in b"()\\":
            out += b"\\" + bytes([b])
        elif b == 0x0D:
            out += b"\\r"
        else:
            out.append(b)
    return bytes(out + b")")


def ser(o):
    if o is None:
        return b"null"
    if isinstance(o, bool):
        return b"true" if o else b"false"
    if isinstance(o, int):
        return b"%d" % o
    if isinstance(o, float):
        s = ("%.5f" % o).rstrip("0").rstrip(".")
        return s.encode() if s not in ("", "-0") else b"0"
    if isinstance(o, Name):
        return pdf_name(o)
    if isinstance(o, Ref):
        return b"%d 0 R" % o.num
    if isinstance(o, Raw):
        return bytes(o)
    if isinstance(o, Hex):
        return b"<" + o.hex().upper().encode() + b">"
    if isinstance(o, bytes):
        return pdf_string(o)
    if isinstance(o, str):
        return pdf_string(o.encode("latin-1"))
    if isinstance(o, list):
        return b"[" + b" ".join(ser(x) for x in o) + b"]"
    if isinstance(o, dict):
        return b"<<" + b"".join(pdf_name(k) + b" " + ser(v) for k, v in o.items()) + b">>"
    raise TypeError("cannot serialize %r" % (o,))


class Doc:
    """Objects by number (1-based), names for the ones mutations need."""

    def __init__(self):
        self.objs = []
        self.names = {}
        self.trailer = {}
        self.version = "1.4"
        self.binary_comment = True
        self.xref_stream = False
        self.xref_header_sep = b" "     # between first and count
        self.xref_keyword_eol = b"\n"
        self.obj_header = {}            # num -> malformed "N G obj" text
        self.tail = b""                 # bytes after %%EOF\n

    def add(self, obj, name=None):
        self.objs.append(obj)
        num = len(self.objs)
        if name:
            self.names[name] = num
        return Ref(num)

    def ref(self, name):
        return Ref(self.names[name])

    def get(self, name):
        return self.objs[self.names[name] - 1]

    def set(self, name, obj):
        self.objs[self.names[name] - 1] = obj

    def write(self):
        out = bytearray(b"%%PDF-%s\n" % self.version.encode())
        if self.binary_comment:
            out += b"%\xE2\xE3\xCF\xD3\n"
        offsets = []
        for i, o in enumerate(self.objs):
            num = i + 1
            offsets.append(len(out))
            out += self.obj_header.get(num, b"%d 0 obj" % num) + b"\n"
            if isinstance(o, Stream):
                d = dict(o.d)
                d["Length"] = o.length if o.length is not None else len(o.data)
                out += ser(d) + b"\nstream\n" + o.data + b"\nendstream\n"
            else:
                out += ser(o) + b"\n"
            out += b"endobj\n"
        trailer = dict(self.trailer)
        if self.xref_stream:
            num = len(self.objs) + 1
            offsets.append(len(out))
            rows = bytearray(b"\x00\x00\x00\x00\x00\xff\xff")
            for off in offsets:
                rows += struct.pack(">BIH", 1, off, 0)
            d = {"Type": Name("XRef"), "Size": num + 1, "W": [1, 4, 2]}
            d.update(trailer)
            d["Length"] = len(rows)
            out += b"%d 0 obj\n" % num + ser(d) + b"\nstream\n" + rows + b"\nendstream\nendobj\n"
            out += b"startxref\n%d\n%%%%EOF\n" % offsets[-1]
        else:
            xref_at = len(out)
            out += b"xref" + self.xref_keyword_eol
            out += b"0" + self.xref_header_sep + b"%d\n" % (len(self.objs) + 1)
            out += b"0000000000 65535 f\r\n"
            for off in offsets:
                out += b"%010d 00000 n\r\n" % off
            trailer = dict({"Size": len(self.objs) + 1}, **trailer)
            out += b"trailer\n" + ser(trailer) + b"\nstartxref\n%d\n%%%%EOF\n" % xref_at
        return bytes(out) + self.tail


def flate(data):
    return zlib.compress(data, 9)


def lzw_encode(data):
    """LZW as in PDF (EarlyChange 1). The table is cleared before it grows
    past 9-bit codes, which keeps the encoder trivially correct."""
    res = bytearray()
    acc = 0
    nacc = 0

    def emit(code):
        nonlocal acc, nacc
        acc = (acc << 9) | code
        nacc += 9
        while nacc >= 8:
            nacc -= 8
            res.append((acc >> nacc) & 0xFF)

    table = {bytes([i]): i for i in range(256)}
    nxt = 258
    emit(256)
    w = b""
    for c in data:
        wc = w + bytes([c])
        if wc in table:
            w = wc
            continue
        emit(table[w])
        table[wc] = nxt
        nxt += 1
        w = bytes([c])
        if nxt >= 500:
            emit(256)
            table = {bytes([i]): i for i in range(256)}
            nxt = 258
    if w:
        emit(table[w])
    emit(257)
    if nacc:
        res.append((acc << (8 - nacc)) & 0xFF)
    return bytes(res)


# --------------------------------------------------------------------------
# A tiny TrueType font: rectangles only, 2048 units per em

UPM = 2048


def rect(x0, y0, x1, y1, hole=False):
    pts = [(x0, y0), (x0, y1), (x1, y1), (x1, y0)]  # clockwise: filled
    return list(reversed(pts)) if hole else pts


# gid: (unicode, advance, contours). Widths in /W are advance*1000/2048.
GLYPHS = [
    (None, 1131, [rect(100, 0, 1031, 1400), rect(200, 100, 931, 1300, True)]),  # .notdef
    (0x20, 512, []),
    (0x30, 1131, [rect(150, 0, 981, 1400), rect(300, 150, 831, 1250, True)]),
    (0x32, 1131, [rect(150, 1250, 981, 1400), rect(831, 700, 981, 1400),
                  rect(150, 625, 981, 775), rect(150, 0, 300, 700), rect(150, 0, 981, 150)]),
    (0x34, 1131, [rect(150, 600, 300, 1400), rect(150, 600, 981, 750), rect(700, 0, 850, 1400)]),
    (0x5E74, 2048, [rect(400, 1450, 1700, 1560), rect(300, 1050, 1800, 1160), rect(150, 600, 1900, 710),
                    rect(950, -150, 1100, 1500), rect(400, 600, 520, 1160), rect(450, 1450, 560, 1700)]),  # 年
    (0x62A5, 2048, [rect(150, 1100, 750, 1210), rect(400, -150, 520, 1650), rect(150, 500, 750, 610),
                    rect(950, -150, 1070, 1550), rect(950, 1440, 1800, 1550), rect(1680, 900, 1800, 1550),
                    rect(950, 800, 1800, 910), rect(1100, -100, 1850, 10)]),  # 报
    (0x544A, 2048, [rect(500, 1400, 1600, 1510), rect(950, 900, 1070, 1700), rect(200, 900, 1850, 1010),
                    rect(450, -150, 570, 600), rect(1480, -150, 1600, 600), rect(450, 490, 1600, 600),
                    rect(450, -150, 1600, -40)]),  # 告
    (0x31, 1131, [rect(500, 0, 650, 1400)]),  # in the subset, never drawn
]
CID = {chr(u): gid for gid, (u, _, _) in enumerate(GLYPHS) if u}


def glyph_bytes(contours):
    if not contours:
        return b""
    pts = [p for c in contours for p in c]
    xs = [p[0] for p in pts]
    ys = [p[1] for p in pts]
    out = struct.pack(">hhhhh", len(contours), min(xs), min(ys), max(xs), max(ys))
    end = -1
    for c in contours:
        end += len(c)
        out += struct.pack(">H", end)
    out += struct.pack(">H", 0) + b"\x01" * len(pts)
    px = py = 0
    xd = b""
    yd = b""
    for x, y in pts:
        xd += struct.pack(">h", x - px)
        yd += struct.pack(">h", y - py)
        px, py = x, y
    out += xd + yd
    return out + b"\0" * (-len(out) % 4)


def checksum(data):
    data += b"\0" * (-len(data) % 4)
    return sum(struct.unpack(">%dI" % (len(data) // 4), data)) & 0xFFFFFFFF


def truetype_font():
    glyf = b""
    loca = [0]
    hmtx = b""
    bbox = [0, 0, 0, 0]
    maxpts = maxcont = 0
    for _, adv, contours in GLYPHS:
        g = glyph_bytes(contours)
        glyf += g
        loca.append(len(glyf))
        lsb = min((p[0] for c in contours for p in c), default=0)
        hmtx += struct.pack(">Hh", adv, lsb)
        if contours:
            pts = [p for c in contours for p in c]
            bbox = [min(bbox[0], min(p[0] for p in pts)), min(bbox[1], min(p[1] for p in pts)),
                    max(bbox[2], max(p[0] for p in pts)), max(bbox[3], max(p[1] for p in pts))]
            maxpts = max(maxpts, len(pts))
            maxcont = max(maxcont, len(contours))
    n = len(GLYPHS)
    head = struct.pack(">IIIIHHqqhhhhHHhhh", 0x00010000, 0x00010000, 0, 0x5F0F3CF5, 0x000B, UPM,
                       0, 0, bbox[0], bbox[1], bbox[2], bbox[3], 0, 8, 2, 1, 0)
    hhea = struct.pack(">IhhhHhhhhhhhhhhhH", 0x00010000, 1802, -246, 0, 2048, 0, 0, bbox[2],
                       1, 0, 0, 0, 0, 0, 0, 0, n)
    maxp = struct.pack(">IHHHHHHHHHHHHHH", 0x00010000, n, maxpts, maxcont, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0)
    segs = sorted((u, gid) for gid, (u, _, _) in enumerate(GLYPHS) if u) + [(0xFFFF, None)]
    segx2 = 2 * len(segs)
    sr = 2
    while sr * 2 <= len(segs):
        sr *= 2
    es = sr.bit_length() - 1
    ends = b"".join(struct.pack(">H", u) for u, _ in segs)
    deltas = b"".join(struct.pack(">H", ((g - u) if g is not None else 1) & 0xFFFF) for u, g in segs)
    sub = struct.pack(">HHH", 0, 0, 0)[:0]
    body = (struct.pack(">HHHH", segx2, sr * 2, es, segx2 - sr * 2) + ends + b"\0\0" + ends +
            deltas + b"\0\0" * len(segs))
    sub = struct.pack(">HHH", 4, 6 + len(body), 0) + body
    cmap = struct.pack(">HHHHI", 0, 1, 3, 1, 12) + sub
    post = struct.pack(">IIhhIIIII", 0x00030000, 0, -150, 100, 0, 0, 0, 0, 0)
    tables = {
        b"cmap": cmap, b"glyf": glyf, b"head": head, b"hhea": hhea, b"hmtx": hmtx,
        b"loca": b"".join(struct.pack(">I", x) for x in loca), b"maxp": maxp, b"post": post,
    }
    tags = sorted(tables)
    sr = 1
    while sr * 2 <= len(tags):
        sr *= 2
    out = struct.pack(">IHHHH", 0x00010000, len(tags), sr * 16, sr.bit_length() - 1, len(tags) * 16 - sr * 16)
    off = 12 + 16 * len(tags)
    body = b""
    for t in tags:
        data = tables[t]
        out += t + struct.pack(">III", checksum(data), off + len(body), len(data))
        body += data + b"\0" * (-len(data) % 4)
    font = bytearray(out + body)
    adj = (0xB1B0AFBA - checksum(bytes(font))) & 0xFFFFFFFF
    hoff = struct.unpack(">I", font[12 + 16 * tags.index(b"head") + 8:][:4])[0]
    font[hoff + 8:hoff + 12] = struct.pack(">I", adj)
    return bytes(font)


def widths_pdf():
    return [round(adv * 1000 / UPM) for _, adv, _ in GLYPHS]


def tounicode(skip=()):
    lines = ["/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
             "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
             "/CMapName /Adobe-Identity-UCS def", "/CMapType 2 def",
             "1 begincodespacerange", "<0000> <FFFF>", "endcodespacerange"]
    pairs = [(gid, u) for gid, (u, _, _) in enumerate(GLYPHS) if u and chr(u) not in skip]
    lines.append("%d beginbfchar" % len(pairs))
    lines += ["<%04X> <%04X>" % p for p in pairs]
    lines += ["endbfchar", "endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return ("\n".join(lines) + "\n").encode()


def codes(text):
    return Hex(b"".join(struct.pack(">H", CID[c]) for c in text))


# --------------------------------------------------------------------------
# The good document

TITLE = "2024年政府信息公开工作年度报告 & <附表>"
AUTHOR = "某某市人民政府办公室"
SUBJECT = "政府信息公开年度报告"
KEYWORDS = "政府信息公开; 年度报告"
CREATOR = "gkreport test fixture"
PRODUCER = "make_broken.py"
PDF_DATE = "D:20250120093000+08'00'"
XMP_DATE = "2025-01-20T09:30:00+08:00"


def utf16(s):
    return b"\xfe\xff" + s.encode("utf-16-be")


def xml_escape(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def xmp(part=1, conformance="B", title=TITLE, authors=(AUTHOR,), modify=XMP_DATE,
        header='begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"', extra="", escape=True):
    esc = xml_escape if escape else (lambda s: s)
    creators = "".join("<rdf:li>%s</rdf:li>" % esc(a) for a in authors)
    return ("""<?xpacket %s?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
   <pdfaid:part>%d</pdfaid:part>
   <pdfaid:conformance>%s</pdfaid:conformance>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">%s</rdf:li></rdf:Alt></dc:title>
   <dc:creator><rdf:Seq>%s</rdf:Seq></dc:creator>
   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">%s</rdf:li></rdf:Alt></dc:description>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmp:CreatorTool="%s" xmp:CreateDate="%s" xmp:ModifyDate="%s" xmp:MetadataDate="%s"/>
  <rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
   <pdf:Producer>%s</pdf:Producer>
   <pdf:Keywords>%s</pdf:Keywords>
  </rdf:Description>%s
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>""" % (header, part, conformance, esc(title), creators, esc(SUBJECT), esc(CREATOR),
                          XMP_DATE, modify, XMP_DATE, esc(PRODUCER), esc(KEYWORDS), extra)).encode("utf-8")


def content_ops(text_ops=b""):
    return (b"q\n1 0 0 rg\n56 780 483 4 re\nf\nQ\n"
            b"q\n/GS1 gs\n0.2 0.2 0.2 RG\n1 w\n56 770 m\n539 770 l\nS\nQ\n"
            b"BT\n/F1 24 Tf\n0 g\n56 700 Td\n" + ser(codes("2024年报告")) + b" Tj\n"
            b"0 -40 Td\n[" + ser(codes("年报")) + b" -120 " + ser(codes("告 2")) + b"] TJ\nET\n"
            b"q\n40 0 0 40 56 600 cm\n/Im1 Do\nQ\n" + text_ops)


def build(part=1, icc=None):
    d = Doc()
    if part == 3:
        d.version = "1.7"
    font = truetype_font()
    d.add({"Type": Name("Catalog"), "Pages": None, "Metadata": None, "OutputIntents": None}, "catalog")
    d.add({"Type": Name("Pages"), "Kids": [], "Count": 1}, "pages")
    d.add(Stream({"Filter": Name("FlateDecode")}, flate(content_ops())), "content")
    d.add({"Type": Name("Page"), "Parent": d.ref("pages"), "MediaBox": [0, 0, 595.276, 841.89],
           "Resources": None, "Contents": d.ref("content"), "Annots": []}, "page")
    d.add(Stream({"Type": Name("Metadata"), "Subtype": Name("XML")}, xmp(part)), "metadata")
    d.add(Stream({"N": 3, "Filter": Name("FlateDecode")}, flate(icc)), "icc")
    d.add({"Type": Name("OutputIntent"), "S": Name("GTS_PDFA1"),
           "OutputConditionIdentifier": b"sRGB IEC61966-2.1", "RegistryName": b"http://www.color.org",
           "Info": b"sRGB IEC61966-2.1", "DestOutputProfile": d.ref("icc")}, "oi")
    d.add(Stream({"Length1": len(font), "Filter": Name("FlateDecode")}, flate(font)), "fontfile")
    d.add(Stream({}, bytes([0xFF, 0x80])), "cidset")  # CIDs 0-8: every glyph in the subset
    d.add({"Type": Name("FontDescriptor"), "FontName": Name("GKAAAA+GKTestSans"), "Flags": 4,
           "FontBBox": [49, -73, 927, 830], "ItalicAngle": 0, "Ascent": 880, "Descent": -120,
           "CapHeight": 684, "StemV": 80, "FontFile2": d.ref("fontfile"), "CIDSet": d.ref("cidset")}, "fd")
    w = widths_pdf()
    d.add({"Type": Name("Font"), "Subtype": Name("CIDFontType2"), "BaseFont": Name("GKAAAA+GKTestSans"),
           "CIDSystemInfo": {"Registry": b"Adobe", "Ordering": b"Identity", "Supplement": 0},
           "FontDescriptor": d.ref("fd"), "DW": 1000, "W": [0, w[:5], 8, w[8:]],
           "CIDToGIDMap": Name("Identity")}, "cidfont")
    d.add(Stream({"Filter": Name("FlateDecode")}, flate(tounicode())), "tounicode")
    d.add({"Type": Name("Font"), "Subtype": Name("Type0"), "BaseFont": Name("GKAAAA+GKTestSans"),
           "Encoding": Name("Identity-H"), "DescendantFonts": [d.ref("cidfont")],
           "ToUnicode": d.ref("tounicode")}, "font")
    d.add(Stream({"Type": Name("XObject"), "Subtype": Name("Image"), "Width": 2, "Height": 2,
                  "ColorSpace": Name("DeviceRGB"), "BitsPerComponent": 8, "Filter": Name("FlateDecode")},
                 flate(bytes([200, 16, 46, 255, 255, 255, 255, 255, 255, 200, 16, 46]))), "image")
    d.add({"Type": Name("ExtGState"), "CA": 1, "ca": 1, "BM": Name("Normal"), "SMask": Name("None")}, "gs")
    d.add({"Type": Name("Annot"), "Subtype": Name("Link"), "Rect": [56, 690, 300, 730], "F": 4,
           "Border": [0, 0, 0], "A": {"S": Name("URI"), "URI": b"https://www.gov.cn/"}}, "link")
    d.add({"Title": utf16(TITLE), "Author": utf16(AUTHOR), "Subject": utf16(SUBJECT),
           "Keywords": utf16(KEYWORDS), "Creator": b"gkreport test fixture",
           "Producer": b"make_broken.py", "CreationDate": PDF_DATE.encode(),
           "ModDate": PDF_DATE.encode()}, "info")
    cat = d.get("catalog")
    cat["Pages"] = d.ref("pages")
    cat["Metadata"] = d.ref("metadata")
    cat["OutputIntents"] = [d.ref("oi")]
    d.get("pages")["Kids"] = [d.ref("page")]
    page = d.get("page")
    page["Resources"] = {"Font": {"F1": d.ref("font")}, "XObject": {"Im1": d.ref("image")},
                         "ExtGState": {"GS1": d.ref("gs")}}
    page["Annots"] = [d.ref("link")]
    if part == 3:
        attach(d, data_csv())
    ident = hashlib.md5(b"gkreport pdfa fixture %d" % part).digest()
    d.trailer = {"Root": d.ref("catalog"), "Info": d.ref("info"), "ID": [Hex(ident), Hex(ident)]}
    return d


def data_csv():
    return "项目,数量\n主动公开,1024\n".encode("utf-8")


def attach(d, data, afrel=True, mime=True, uf=True, in_af=True):
    """Attach data.csv as a PDF/A-3 associated file of the document."""
    ef = {"Type": Name("EmbeddedFile"), "Params": {"ModDate": PDF_DATE.encode(), "Size": len(data)}}
    if mime:
        ef["Subtype"] = Name("text/csv")
    d.add(Stream(ef, data), "ef")
    spec = {"Type": Name("Filespec"), "F": b"data.csv", "UF": utf16("data.csv"),
            "EF": {"F": d.ref("ef"), "UF": d.ref("ef")}, "Desc": utf16("公开数据")}
    if not uf:
        del spec["UF"]
        del spec["EF"]["UF"]
    if afrel:
        spec["AFRelationship"] = Name("Data")
    d.add(spec, "filespec")
    cat = d.get("catalog")
    cat["Names"] = {"EmbeddedFiles": {"Names": [b"data.csv", d.ref("filespec")]}}
    if in_af:
        cat["AF"] = [d.ref("filespec")]


# --------------------------------------------------------------------------
# Mutations: each takes the good Doc and breaks exactly one thing

def set_content(d, data):
    d.set("content", Stream({"Filter": Name("FlateDecode")}, flate(data)))


def set_xmp(d, **kw):
    d.get("metadata").data = xmp(**kw)


def m_no_id(d):
    del d.trailer["ID"]


def m_short_id(d):
    d.trailer["ID"] = [Hex(b"12345678"), Hex(b"12345678")]


def m_lzw(d):
    d.set("content", Stream({"Filter": Name("LZWDecode")}, lzw_encode(content_ops())))


def m_embedded_file(d):
    attach(d, data_csv())


def m_hex_odd(d):
    d.get("page")["PieceInfo"] = {"GKTest": {"LastModified": PDF_DATE.encode(), "Private": Raw(b"<ABC>")}}


def m_hex_bad_char(d):
    d.get("page")["PieceInfo"] = {"GKTest": {"LastModified": PDF_DATE.encode(), "Private": Raw(b"<4G>")}}


def m_stream_length(d):
    d.get("content").length = len(d.get("content").data) + 3


def m_stream_ffilter(d):
    d.get("image").d["FDecodeParms"] = {"Predictor": 1}  # null would mean "absent"


def m_obj_spacing(d):
    d.obj_header[d.names["gs"]] = b"%d  0 obj" % d.names["gs"]


def m_big_int(d):
    d.get("page")["PieceInfo"] = {"GKTest": {"LastModified": PDF_DATE.encode(), "Private": 2147483648}}


def m_long_name(d):
    d.get("page")["PieceInfo"] = {"GKTest": {"LastModified": PDF_DATE.encode(), "Private": Name("N" * 128)}}


def m_long_array(d):
    d.get("page")["PieceInfo"] = {"GKTest": {"LastModified": PDF_DATE.encode(), "Private": [0] * 8192}}


def m_q_nesting(d):
    set_content(d, content_ops(b"q\n" * 29 + b"Q\n" * 29))


def m_ocproperties(d):
    ocg = d.add({"Type": Name("OCG"), "Name": b"layer"})
    d.get("catalog")["OCProperties"] = {"OCGs": [ocg], "D": {"Order": [ocg]}}


def m_icc_v4(d, icc):
    p = bytearray(icc)
    p[8:12] = b"\x04\x20\x00\x00"
    d.get("icc").data = flate(bytes(p))


def m_no_outputintent(d):
    del d.get("catalog")["OutputIntents"]


def m_cmyk(d):
    set_content(d, content_ops(b"0 0 0 1 k\n56 500 100 10 re\nf\n"))


def m_undefined_op(d):
    set_content(d, content_ops(b"BX\n1 2 gkfoo\nEX\n"))


def m_intent(d):
    d.get("gs")["RI"] = Name("Vivid")


def m_tr(d):
    d.get("gs")["TR"] = Name("Identity")


def m_interpolate(d):
    d.get("image").d["Interpolate"] = True


def m_no_fontfile(d):
    del d.get("fd")["FontFile2"]


def m_opentype(d):
    fd = d.get("fd")
    ff = d.get("fontfile")
    ff.d["Subtype"] = Name("OpenType")
    del ff.d["Length1"]
    fd["FontFile3"] = fd.pop("FontFile2")


def m_no_cidtogid(d):
    del d.get("cidfont")["CIDToGIDMap"]


def m_no_cidset(d):
    del d.get("fd")["CIDSet"]


def m_cidset_gap(d):
    d.get("cidset").data = bytes([0xFF & ~(0x80 >> CID["年"]), 0x80])


def m_cidset_used_only(d):
    # lists the drawn glyphs but not glyph 8, which the program also holds
    d.get("cidset").data = bytes([0xFF, 0x00])


def m_wrong_w(d):
    w = widths_pdf()
    w[CID["0"]] = 600
    d.get("cidfont")["W"] = [0, w[:5], 8, w[8:]]


def m_no_tounicode(d):
    del d.get("font")["ToUnicode"]


def m_tounicode_cidrange(d):
    # what libharu 2.3.0 writes (spec/libharu.md section 2)
    d.set("tounicode", Stream({}, b"/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
                                  b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity-H) /Supplement 0 >> def\n"
                                  b"/CMapName /UTF-8 def\n/CMapType 1 def\n1 begincodespacerange\n<0000> <FFFF>\n"
                                  b"endcodespacerange\n1 begincidrange\n<0000> <FFFF> 0\nendcidrange\nendcmap\n"
                                  b"CMapName currentdict /CMap defineresource pop\nend\nend\n"))


def m_tounicode_gap(d):
    d.set("tounicode", Stream({"Filter": Name("FlateDecode")}, flate(tounicode(skip="告"))))


def m_ca(d):
    d.get("gs")["ca"] = 0.5


def m_bm(d):
    d.get("gs")["BM"] = Name("Multiply")


def m_smask(d):
    mask = d.add(Stream({"Type": Name("XObject"), "Subtype": Name("Image"), "Width": 2, "Height": 2,
                         "ColorSpace": Name("DeviceGray"), "BitsPerComponent": 8}, bytes([255, 128, 128, 255])))
    d.get("image").d["SMask"] = mask


def m_group(d):
    d.get("page")["Group"] = {"Type": Name("Group"), "S": Name("Transparency"), "CS": Name("DeviceRGB")}


def m_annot_noprint(d):
    d.get("link")["F"] = 0


def m_annot_attachment(d):
    d.get("page")["Annots"].append(d.add({
        "Type": Name("Annot"), "Subtype": Name("FileAttachment"), "Rect": [500, 700, 520, 720], "F": 4,
        "FS": b"data.csv", "Name": Name("Paperclip")}))


def m_javascript(d):
    d.get("catalog")["OpenAction"] = {"S": Name("JavaScript"), "JS": b"app.alert('x');"}


def m_named_action(d):
    d.get("link")["A"] = {"S": Name("Named"), "N": Name("Print")}


def m_catalog_aa(d):
    d.get("catalog")["AA"] = {"WC": {"S": Name("URI"), "URI": b"https://www.gov.cn/"}}


def m_page_aa(d):
    d.get("page")["AA"] = {"O": {"S": Name("URI"), "URI": b"https://www.gov.cn/"}}


def m_need_appearances(d):
    d.get("catalog")["AcroForm"] = {"Fields": [], "NeedAppearances": True}


def m_no_metadata(d):
    del d.get("catalog")["Metadata"]


def m_metadata_filter(d):
    m = d.get("metadata")
    m.d["Filter"] = Name("FlateDecode")
    m.data = flate(m.data)


def m_metadata_subtype(d):
    # libharu 2.3.0 writes /SubType (see spec/libharu.md section 4)
    m = d.get("metadata")
    m.d = {"Type": Name("Metadata"), "SubType": Name("XML")}


def m_title_mismatch(d):
    set_xmp(d, title="2023年政府信息公开工作年度报告 & <附表>")


def m_two_authors(d):
    set_xmp(d, authors=(AUTHOR, "某某市政务公开办"))


def m_moddate_tz(d):
    set_xmp(d, modify="2025-01-20T09:30:00Z")


def m_xpacket_bytes(d):
    set_xmp(d, header='begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d" bytes="4096"')


def m_xpacket_encoding(d):
    set_xmp(d, header='begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d" encoding="UTF-8"')


def m_xmp_malformed(d):
    # libharu 2.3.0 does not escape XML (spec/libharu.md section 4, item 3)
    set_xmp(d, escape=False)


def m_xmp_undeclared(d):
    set_xmp(d, extra='\n  <rdf:Description rdf:about="" xmlns:gk="http://gkreport.example/ns/1.0/"'
                     ' gk:ReportYear="2024"/>')


def m_xmp_declared(d):
    # the same custom property, declared with a PDF/A extension schema: valid
    set_xmp(d, extra="""
  <rdf:Description rdf:about="" xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"
    xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
   <pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
    <pdfaSchema:schema>gkreport</pdfaSchema:schema>
    <pdfaSchema:namespaceURI>http://gkreport.example/ns/1.0/</pdfaSchema:namespaceURI>
    <pdfaSchema:prefix>gk</pdfaSchema:prefix>
    <pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">
     <pdfaProperty:name>ReportYear</pdfaProperty:name>
     <pdfaProperty:valueType>Integer</pdfaProperty:valueType>
     <pdfaProperty:category>external</pdfaProperty:category>
     <pdfaProperty:description>Year the report covers</pdfaProperty:description>
    </rdf:li></rdf:Seq></pdfaSchema:property>
   </rdf:li></rdf:Bag></pdfaExtension:schemas>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:gk="http://gkreport.example/ns/1.0/" gk:ReportYear="2024"/>""")


def m_pdfaid_part(d):
    set_xmp(d, part=2)


def m_pdfaid_conformance(d):
    set_xmp(d, conformance="U")


def m_utc_dates(d):
    # the same instants written in UTC in Info: must still match the XMP
    info = d.get("info")
    info["CreationDate"] = b"D:20250120013000Z"
    info["ModDate"] = b"D:20250120013000Z00'00'"


def m_xref_space(d):
    d.xref_header_sep = b"  "


def m_xref_eol(d):
    d.xref_keyword_eol = b" \n"


def m_xref_stream(d):
    d.xref_stream = True


def m_no_binary_comment(d):
    d.binary_comment = False


def m_eof_garbage(d):
    d.tail = b"\n% appended by a careless tool\n"


def m_3b_no_afrel(d):
    del d.get("filespec")["AFRelationship"]


def m_3b_no_mime(d):
    del d.get("ef").d["Subtype"]


def m_3b_no_uf(d):
    spec = d.get("filespec")
    del spec["UF"]


def m_3b_not_in_af(d):
    del d.get("catalog")["AF"]


# name, part of the base document, mutation, checker flags, expected clauses
CASES = [
    ("good-1b", 1, None, "", ""),
    ("good-3b", 3, None, "--part 3", ""),
    ("good-utc-dates", 1, m_utc_dates, "", ""),
    ("good-xmp-extension", 1, m_xmp_declared, "", ""),
    ("good-3b-as-part1", 3, None, "", "6.1.11-1,6.1.11-2,6.7.11-2"),
    ("good-1b-as-part3", 1, None, "--part 3", "6.7.11-2"),
    ("no-binary-comment", 1, m_no_binary_comment, "", "6.1.2-2"),
    ("no-id", 1, m_no_id, "", "6.1.3-1"),
    ("short-id", 1, m_short_id, "", "6.1.3-1"),
    ("encrypted", 1, "encrypt", "", "6.1.3-2"),
    ("good-linearized", 1, "linearize", "", ""),
    ("linearized-id-mismatch", 1, "linearize-bad-id", "", "6.1.3-4"),
    ("eof-garbage", 1, m_eof_garbage, "", "6.1.3-3"),
    ("xref-double-space", 1, m_xref_space, "", "6.1.4-1"),
    ("xref-keyword-eol", 1, m_xref_eol, "", "6.1.4-2"),
    ("xref-stream", 1, m_xref_stream, "", "6.1.4-3"),
    ("hex-odd", 1, m_hex_odd, "", "6.1.6-1"),
    ("hex-bad-char", 1, m_hex_bad_char, "", "6.1.6-2"),
    ("stream-length", 1, m_stream_length, "", "6.1.7-1"),
    ("stream-fdecodeparms", 1, m_stream_ffilter, "", "6.1.7-3"),
    ("obj-header-spacing", 1, m_obj_spacing, "", "6.1.8-1"),
    ("lzw", 1, m_lzw, "", "6.1.10-1"),
    ("embedded-file-1b", 1, m_embedded_file, "", "6.1.11-1,6.1.11-2"),
    ("big-integer", 1, m_big_int, "", "6.1.12-1"),
    ("long-name", 1, m_long_name, "", "6.1.12-4"),
    ("long-array", 1, m_long_array, "", "6.1.12-5"),
    ("q-nesting", 1, m_q_nesting, "", "6.1.12-8"),
    ("ocproperties", 1, m_ocproperties, "", "6.1.13-1"),
    ("icc-v4", 1, m_icc_v4, "", "6.2.2-1"),
    ("no-outputintent", 1, m_no_outputintent, "", "6.2.3.3-1,6.2.3.3-3"),
    ("cmyk-with-rgb-intent", 1, m_cmyk, "", "6.2.3.3-2"),
    ("interpolate", 1, m_interpolate, "", "6.2.4-3"),
    ("extgstate-tr", 1, m_tr, "", "6.2.8-1"),
    ("rendering-intent", 1, m_intent, "", "6.2.9-1"),
    ("undefined-operator", 1, m_undefined_op, "", "6.2.10-1"),
    ("fontfile3-opentype", 1, m_opentype, "", "6.3.2-7"),
    ("no-cidtogidmap", 1, m_no_cidtogid, "", "6.3.3.2-1"),
    ("unembedded-font", 1, m_no_fontfile, "", "6.3.4-1"),
    ("no-cidset", 1, m_no_cidset, "", "6.3.5-3"),
    ("cidset-missing-cid", 1, m_cidset_gap, "", "6.3.5-3,GK-3"),
    ("cidset-used-only", 1, m_cidset_used_only, "", "GK-3"),
    ("cidset-used-only-iso", 1, m_cidset_used_only, "--iso", ""),
    ("3b-cidset-used-only", 3, m_cidset_used_only, "--part 3", "6.3.5-3"),
    ("wrong-widths", 1, m_wrong_w, "", "6.3.6-1"),
    ("no-tounicode", 1, m_no_tounicode, "", "6.3.8-1"),
    ("no-tounicode-iso", 1, m_no_tounicode, "--iso", ""),
    ("tounicode-cidrange", 1, m_tounicode_cidrange, "", "6.3.8-1"),
    ("tounicode-unmapped-code", 1, m_tounicode_gap, "", "6.3.8-1"),
    ("extgstate-smask-image", 1, m_smask, "", "6.4-2"),
    ("page-group-transparency", 1, m_group, "", "6.4-3"),
    ("blend-multiply", 1, m_bm, "", "6.4-4"),
    ("fill-alpha", 1, m_ca, "", "6.4-6"),
    ("annot-file-attachment", 1, m_annot_attachment, "", "6.5.2-1"),
    ("annot-no-print", 1, m_annot_noprint, "", "6.5.3-2"),
    ("javascript", 1, m_javascript, "", "6.6.1-1"),
    ("named-action-print", 1, m_named_action, "", "6.6.1-2"),
    ("catalog-aa", 1, m_catalog_aa, "", "6.6.2-3"),
    ("page-aa", 1, m_page_aa, "", "GK-1"),
    ("no-metadata", 1, m_no_metadata, "", "6.7.2-1"),
    ("metadata-subtype-typo", 1, m_metadata_subtype, "", "6.7.2-1"),
    ("metadata-filter", 1, m_metadata_filter, "", "6.7.2-2"),
    ("xmp-title-mismatch", 1, m_title_mismatch, "", "6.7.3-2"),
    ("xmp-two-authors", 1, m_two_authors, "", "6.7.3-3"),
    ("xmp-moddate-zone", 1, m_moddate_tz, "", "6.7.3-8"),
    ("xpacket-bytes", 1, m_xpacket_bytes, "", "6.7.5-1"),
    ("xpacket-encoding", 1, m_xpacket_encoding, "", "6.7.5-2"),
    ("xmp-malformed", 1, m_xmp_malformed, "", "6.7.9-1"),
    ("xmp-undeclared-schema", 1, m_xmp_undeclared, "", "6.7.9-2"),
    ("pdfaid-part", 1, m_pdfaid_part, "", "6.7.11-2"),
    ("pdfaid-conformance", 1, m_pdfaid_conformance, "", "6.7.11-3"),
    ("need-appearances", 1, m_need_appearances, "", "6.9-1"),
    ("3b-no-mime", 3, m_3b_no_mime, "--part 3", "6.8-1"),
    ("3b-no-uf", 3, m_3b_no_uf, "--part 3", "6.8-2"),
    ("3b-no-afrelationship", 3, m_3b_no_afrel, "--part 3", "6.8-3"),
    ("3b-not-in-af", 3, m_3b_not_in_af, "--part 3", "6.8-4"),
]


def qpdf_path():
    qpdf = shutil.which("qpdf")
    if not qpdf:
        sys.exit("make_broken: qpdf is needed for the encrypted and linearized cases (apt-get install qpdf)")
    return qpdf


def linearize(src, dst, bad_id=False):
    """qpdf's linearization of the good file; with bad_id, the last trailer's
    /ID no longer equals the first-page trailer's (6.1.3-4)."""
    subprocess.run([qpdf_path(), "--static-id", "--linearize", "--newline-before-endstream",
                    "--stream-data=preserve", src, dst], check=True)
    if bad_id:
        with open(dst, "rb") as f:
            data = bytearray(f.read())
        t = data.rfind(b"trailer")
        i = data.index(b"/ID", t)
        j = data.index(b"<", i) + 1
        data[j:j + 8] = b"27182818" if data[j:j + 8] != b"27182818" else b"16180339"
        with open(dst, "wb") as f:
            f.write(bytes(data))


def encrypt(src, dst):
    """RC4-128 with an empty user password, reproducible (static /ID)."""
    qpdf = qpdf_path()
    # Without these two options qpdf drops the EOL before endstream (6.1.7-2)
    # and compresses the XMP (6.7.2-2): keep the file otherwise conforming.
    subprocess.run([qpdf, "--static-id", "--newline-before-endstream", "--stream-data=preserve",
                    "--allow-weak-crypto", "--encrypt", "", "gkowner", "128", "--use-aes=n", "--",
                    src, dst], check=True)


def main(argv):
    args = argv[1:]
    icc_path = DEFAULT_ICC
    if "--icc" in args:
        i = args.index("--icc")
        icc_path = args[i + 1]
        del args[i:i + 2]
    if len(args) != 1:
        sys.exit("usage: make_broken.py OUTDIR [--icc PATH]")
    outdir = args[0]
    try:
        with open(icc_path, "rb") as f:
            icc = f.read()
    except OSError as e:
        sys.exit("make_broken: cannot read the sRGB ICC profile %s (%s); install icc-profiles-free"
                 % (icc_path, e.strerror))
    os.makedirs(outdir, exist_ok=True)
    base = {1: build(1, icc), 3: build(3, icc)}
    manifest = []
    for name, part, mutate, flags, expected in CASES:
        path = os.path.join(outdir, name + ".pdf")
        good = os.path.join(outdir, "good-1b.pdf")
        if mutate == "encrypt":
            encrypt(good, path)
        elif mutate in ("linearize", "linearize-bad-id"):
            linearize(good, path, mutate == "linearize-bad-id")
        else:
            d = copy.deepcopy(base[part])
            if mutate is m_icc_v4:
                mutate(d, icc)
            elif mutate:
                mutate(d)
            with open(path, "wb") as f:
                f.write(d.write())
        manifest.append("%s.pdf|%d|%s|%s" % (name, part, flags, expected))
    with open(os.path.join(outdir, "manifest"), "w") as f:
        f.write("\n".join(manifest) + "\n")


if __name__ == "__main__":
    main(sys.argv)
