#!/usr/bin/python3
"""check_pdfa.py - checks a PDF against the PDF/A-1b rules gkreport must meet
(PDF/A-3b with --part 3), clause by clause.

    /usr/bin/python3 check_pdfa.py [--part 1|3] [--iso] [-v] FILE.pdf
    /usr/bin/python3 check_pdfa.py --list [--part 1|3]

Prints one line per failure, "FAIL <clause>: <what>", then "PASS n clauses"
or "FAIL k of n clauses". Exit status: 0 all pass, 1 a clause failed,
2 usage error or unreadable file.

Clause ids are those of the veraPDF PDF/A-1B validation profile (ISO 19005-1
clause and test number), 6.8-n are veraPDF's PDF/A-3B associated-file tests,
GK-n are gkreport's own rules. Clauses marked [project] go beyond level B;
--iso reports them as WARN without failing.

This is a partial, independent checker, not veraPDF: see README in this
directory for what it does not check. It needs Debian's python3-pikepdf, so
run it with /usr/bin/python3, not a pyenv or venv python.
"""

import argparse
import datetime
import io
import re
import struct
import sys
import xml.etree.ElementTree as ET

try:
    import pikepdf
except ImportError:
    sys.stderr.write("check_pdfa: needs pikepdf (Debian python3-pikepdf); run it with /usr/bin/python3\n")
    sys.exit(2)

# (id, parts it applies to, level, description). Order is output order.
CLAUSES = [
    ("6.1.2-1", "13", "iso", "header %PDF-1.n at byte 0"),
    ("6.1.2-2", "13", "iso", "header followed by a comment of % and >= 4 bytes > 127"),
    ("6.1.3-1", "13", "iso", "trailer /ID: two strings (16 bytes each, gkreport)"),
    ("6.1.3-2", "13", "iso", "no /Encrypt in the trailer"),
    ("6.1.3-3", "13", "iso", "nothing after the last %%EOF but one optional EOL"),
    ("6.1.3-4", "13", "iso", "linearized: first-page and last trailer IDs equal"),
    ("6.1.4-1", "13", "iso", "xref subsection header: first and count separated by one space"),
    ("6.1.4-2", "13", "iso", "xref keyword followed by a single EOL"),
    ("6.1.4-3", "13", "iso", "no xref streams and no object streams (classic xref only)"),
    ("6.1.6-1", "13", "iso", "hex strings have an even number of digits"),
    ("6.1.6-2", "13", "iso", "hex strings hold only 0-9 A-F a-f"),
    ("6.1.7-1", "13", "iso", "stream /Length matches the bytes between stream EOL and EOL endstream"),
    ("6.1.7-2", "13", "iso", "stream keyword followed by CRLF or LF; EOL before endstream"),
    ("6.1.7-3", "13", "iso", "no /F, /FFilter, /FDecodeParms in stream dictionaries"),
    ("6.1.8-1", "13", "iso", "N G obj: single white-space separators, EOL around obj/endobj"),
    ("6.1.10-1", "13", "iso", "no LZWDecode filter on streams"),
    ("6.1.10-2", "13", "iso", "no LZW filter on inline images"),
    ("6.1.11-1", "1", "iso", "no file specification with /EF (embedded file)"),
    ("6.1.11-2", "1", "iso", "no /EmbeddedFiles in the name dictionary"),
    ("6.1.12-1", "13", "iso", "integers within -2^31 .. 2^31-1"),
    ("6.1.12-2", "13", "iso", "reals: |x| <= 32767"),
    ("6.1.12-3", "13", "iso", "strings <= 65535 bytes"),
    ("6.1.12-4", "13", "iso", "names <= 127 bytes"),
    ("6.1.12-5", "13", "iso", "arrays <= 8191 elements"),
    ("6.1.12-6", "13", "iso", "dictionaries <= 4095 entries"),
    ("6.1.12-7", "13", "iso", "indirect objects <= 8388607"),
    ("6.1.12-8", "13", "iso", "q/Q nesting <= 28"),
    ("6.1.12-9", "13", "iso", "DeviceN components <= 8"),
    ("6.1.12-10", "13", "iso", "CIDs <= 65535 in embedded CMaps"),
    ("6.1.13-1", "13", "iso", "no /OCProperties in the catalog"),
    ("6.2.2-1", "13", "iso", "GTS_PDFA1 OutputIntent profile: ICC v2 (part 3: <= v4), mntr/prtr, RGB/CMYK/GRAY"),
    ("6.2.2-2", "13", "iso", "all OutputIntents with a DestOutputProfile share one profile stream"),
    ("6.2.3.2-1", "13", "iso", "ICCBased colour spaces embed a readable ICC profile"),
    ("6.2.3.2-2", "13", "iso", "ICC profile /N matches the profile's colour space"),
    ("6.2.3.3-1", "13", "iso", "DeviceRGB only with an RGB OutputIntent"),
    ("6.2.3.3-2", "13", "iso", "DeviceCMYK only with a CMYK OutputIntent"),
    ("6.2.3.3-3", "13", "iso", "DeviceGray (or any device space) only with an OutputIntent"),
    ("6.2.4-1", "13", "iso", "images: no /Alternates"),
    ("6.2.4-2", "13", "iso", "XObjects: no /OPI"),
    ("6.2.4-3", "13", "iso", "images: /Interpolate false if present"),
    ("6.2.4-4", "13", "iso", "images: BitsPerComponent 1, 2, 4 or 8"),
    ("6.2.4-5", "13", "iso", "image masks: BitsPerComponent 1"),
    ("6.2.5-1", "13", "iso", "form XObjects: no /Subtype2 /PS, no /PS"),
    ("6.2.6-1", "13", "iso", "no reference XObjects (/Ref)"),
    ("6.2.7-1", "13", "iso", "no PostScript XObjects"),
    ("6.2.8-1", "13", "iso", "ExtGState: no /TR"),
    ("6.2.8-2", "13", "iso", "ExtGState: /TR2 only /Default"),
    ("6.2.9-1", "13", "iso", "rendering intents only the four standard ones"),
    ("6.2.10-1", "13", "iso", "content streams use only PDF 1.4 operators"),
    ("6.3.2-1", "13", "iso", "font dictionaries: /Type /Font"),
    ("6.3.2-2", "13", "iso", "font dictionaries: a valid /Subtype"),
    ("6.3.2-3", "13", "iso", "font dictionaries: /BaseFont (except Type3)"),
    ("6.3.2-4", "13", "iso", "simple fonts: /FirstChar"),
    ("6.3.2-5", "13", "iso", "simple fonts: /LastChar"),
    ("6.3.2-6", "13", "iso", "simple fonts: /Widths"),
    ("6.3.2-7", "13", "iso", "FontFile3 /Subtype only Type1C or CIDFontType0C"),
    ("6.3.3.1-1", "13", "iso", "CIDSystemInfo of CIDFont and embedded CMap compatible"),
    ("6.3.3.2-1", "13", "iso", "CIDFontType2 has /CIDToGIDMap"),
    ("6.3.3.3-1", "13", "iso", "CMaps other than Identity-H/V are embedded"),
    ("6.3.3.3-2", "13", "iso", "embedded CMap: dictionary /WMode equals the program's"),
    ("6.3.4-1", "13", "iso", "every font embedded (FontFile, FontFile2 or FontFile3) unless only used in Tr 3"),
    ("6.3.5-1", "13", "iso", "every used glyph defined by the program (TrueType: GID < numGlyphs)"),
    ("6.3.5-2", "13", "iso", "subset Type1 fonts have /CharSet"),
    ("6.3.5-3", "13", "iso", "subset CIDFonts have /CIDSet covering used and present CIDs"),
    ("6.3.6-1", "13", "iso", "widths in /W or /DW match the TrueType hmtx within 1/1000 em"),
    ("6.3.7-1", "13", "iso", "non-symbolic TrueType: MacRoman/WinAnsi encoding, no /Differences"),
    ("6.3.7-2", "13", "iso", "symbolic TrueType: no /Encoding"),
    ("6.3.7-3", "13", "iso", "symbolic TrueType: exactly one cmap subtable"),
    ("6.3.8-1", "13", "project", "every font has a valid /ToUnicode (bfchar/bfrange) mapping every used code"),
    ("6.4-1", "13", "iso", "ExtGState /SMask absent or /None"),
    ("6.4-2", "13", "iso", "XObjects: no /SMask"),
    ("6.4-3", "13", "iso", "no transparency group on pages or forms"),
    ("6.4-4", "13", "iso", "ExtGState /BM only Normal or Compatible"),
    ("6.4-5", "13", "iso", "ExtGState /CA only 1.0"),
    ("6.4-6", "13", "iso", "ExtGState /ca only 1.0"),
    ("6.5.2-1", "13", "iso", "only PDF 1.4 annotation types; no FileAttachment, Sound, Movie"),
    ("6.5.3-1", "13", "iso", "annotations: /CA only 1.0"),
    ("6.5.3-2", "13", "iso", "annotations: /F with Print set, Hidden, Invisible, NoView clear"),
    ("6.5.3-3", "13", "iso", "annotations: /C or /IC only with an RGB OutputIntent"),
    ("6.5.3-4", "13", "iso", "annotations: /AP holds only /N"),
    ("6.5.3-5", "13", "iso", "button widgets: /AP /N is a subdictionary"),
    ("6.5.3-6", "13", "iso", "other annotations: /AP /N is a stream"),
    ("6.6.1-1", "13", "iso", "no Launch, Sound, Movie, ResetForm, ImportData, JavaScript, Hide, SetState, NoOp"),
    ("6.6.1-2", "13", "iso", "named actions only NextPage, PrevPage, FirstPage, LastPage"),
    ("6.6.1-3", "13", "iso", "widget annotations have no /A"),
    ("6.6.2-1", "13", "iso", "widget annotations have no /AA"),
    ("6.6.2-2", "13", "iso", "form fields have no /AA"),
    ("6.6.2-3", "13", "iso", "the catalog has no /AA"),
    ("GK-1", "13", "project", "no /AA anywhere (pages, other annotations): no dynamic content, DA/T 47"),
    ("GK-2", "13", "iso", "the file parses: xref offsets hit their objects, content streams tokenize"),
    ("GK-3", "1", "project", "subset CIDFonts: /CIDSet lists every CID the program holds (ISO text; "
     "veraPDF checks it only for PDF/A-2/3, where it is 6.3.5-3)"),
    ("6.7.2-1", "13", "iso", "catalog /Metadata stream with /Type /Metadata /Subtype /XML"),
    ("6.7.2-2", "13", "iso", "metadata stream has no /Filter"),
    ("6.7.3-1", "13", "iso", "Info CreationDate equals xmp:CreateDate (same instant)"),
    ("6.7.3-2", "13", "iso", "Info Title equals dc:title x-default"),
    ("6.7.3-3", "13", "iso", "Info Author equals dc:creator, which has exactly one entry"),
    ("6.7.3-4", "13", "iso", "Info Subject equals dc:description x-default"),
    ("6.7.3-5", "13", "iso", "Info Keywords equals pdf:Keywords"),
    ("6.7.3-6", "13", "iso", "Info Creator equals xmp:CreatorTool"),
    ("6.7.3-7", "13", "iso", "Info Producer equals pdf:Producer"),
    ("6.7.3-8", "13", "iso", "Info ModDate equals xmp:ModifyDate (same instant)"),
    ("6.7.5-1", "13", "iso", "xpacket header without bytes="),
    ("6.7.5-2", "13", "iso", "xpacket header without encoding="),
    ("6.7.9-1", "13", "iso", "XMP is well-formed RDF/XML"),
    ("6.7.9-2", "13", "iso", "XMP properties in predefined schemas or declared extension schemas"),
    ("6.7.11-1", "13", "iso", "PDF/A identification (pdfaid:part, pdfaid:conformance) present"),
    ("6.7.11-2", "13", "iso", "pdfaid:part equals the claimed part"),
    ("6.7.11-3", "13", "iso", "pdfaid:conformance is B"),
    ("6.7.11-4", "13", "iso", "PDF/A identification properties use the prefix pdfaid"),
    ("6.8-1", "3", "iso", "embedded file streams have a MIME type /Subtype"),
    ("6.8-2", "3", "iso", "embedded file specifications have /F and /UF"),
    ("6.8-3", "3", "iso", "embedded file specifications have /AFRelationship"),
    ("6.8-4", "3", "iso", "embedded file specifications are associated files (listed in an /AF array)"),
    ("6.9-1", "13", "iso", "AcroForm /NeedAppearances absent or false"),
    ("6.9-2", "13", "iso", "every widget has an appearance (/AP)"),
]
CLAUSE_IDS = [c[0] for c in CLAUSES]
MAX_LINES = 5  # failure lines printed per clause

WS = b"\x00\t\n\x0c\r "
DELIMS = b"()<>[]{}/%"
# PDF 1.4 Appendix A; "INLINE IMAGE" is how pikepdf reports BI ... ID ... EI.
PDF14_OPERATORS = set("""b B b* B* BDC BI BMC BT BX c cm CS cs d d0 d1 Do DP EI EMC ET EX f F f* G g gs h i
ID j J K k l m M MP n q Q re RG rg ri s S SC sc SCN scn sh T* Tc Td TD Tf Tj TJ TL Tm Tr Ts Tw Tz v w W W* y
'""".split()) | {'"', "INLINE IMAGE"}
INTENTS = {"/RelativeColorimetric", "/AbsoluteColorimetric", "/Perceptual", "/Saturation"}
ANNOT_TYPES = {"/Text", "/Link", "/FreeText", "/Line", "/Square", "/Circle", "/Polygon", "/PolyLine",
               "/Highlight", "/Underline", "/Squiggly", "/StrikeOut", "/Stamp", "/Ink", "/Popup",
               "/Widget", "/PrinterMark", "/TrapNet"}
FORBIDDEN_ACTIONS = {"/Launch", "/Sound", "/Movie", "/ResetForm", "/ImportData", "/JavaScript", "/Hide",
                     "/SetState", "/NoOp"}
ALLOWED_ACTIONS = {"/GoTo", "/GoToR", "/Thread", "/URI", "/Named", "/SubmitForm"}
NAMED_OK = {"/NextPage", "/PrevPage", "/FirstPage", "/LastPage"}
AF_RELATIONSHIPS = {"/Source", "/Data", "/Alternative", "/Supplement", "/Unspecified"}
SIMPLE_FONTS = {"/Type1", "/MMType1", "/TrueType", "/Type3"}
NS_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
NS_PDFAID = "http://www.aiim.org/pdfa/ns/id/"
NS_PDFA_SCHEMA = "http://www.aiim.org/pdfa/ns/schema#"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Schemas predefined by XMP (2004), which PDF/A-1 refers to, plus PDF/A's own.
PREDEFINED_NS = {
    "http://purl.org/dc/elements/1.1/", "http://ns.adobe.com/xap/1.0/", "http://ns.adobe.com/xap/1.0/rights/",
    "http://ns.adobe.com/xap/1.0/mm/", "http://ns.adobe.com/xap/1.0/bj/", "http://ns.adobe.com/xap/1.0/t/pg/",
    "http://ns.adobe.com/xmp/Identifier/qual/1.0/", "http://ns.adobe.com/pdf/1.3/",
    "http://ns.adobe.com/photoshop/1.0/", "http://ns.adobe.com/tiff/1.0/", "http://ns.adobe.com/exif/1.0/",
    "http://ns.adobe.com/exif/1.0/aux/", "http://ns.adobe.com/camera-raw-settings/1.0/",
    NS_PDFAID, "http://www.aiim.org/pdfa/ns/extension/",
}
PREDEFINED_NS_PART3 = {"http://ns.adobe.com/xmp/1.0/DynamicMedia/", "http://ns.adobe.com/xap/1.0/g/img/"}
ICC_CHANNELS = {b"GRAY": 1, b"RGB ": 3, b"CMYK": 4}


class Report:
    """Failures by clause, in discovery order; notes for -v."""

    def __init__(self, part, iso):
        self.part = part
        self.iso = iso
        self.fails = {}
        self.notes = []

    def fail(self, cid, msg):
        assert cid in CLAUSE_IDS, cid
        if str(self.part) not in dict((c[0], c[1]) for c in CLAUSES)[cid]:
            return
        lst = self.fails.setdefault(cid, [])
        if msg not in lst:
            lst.append(msg)

    def note(self, msg):
        if msg not in self.notes:
            self.notes.append(msg)

    def print(self, verbose):
        applicable = [c for c in CLAUSES if str(self.part) in c[1]]
        failed = 0
        for cid, _, level, _ in applicable:
            msgs = self.fails.get(cid)
            if not msgs:
                continue
            word = "WARN" if (self.iso and level == "project") else "FAIL"
            failed += word == "FAIL"
            for m in msgs[:MAX_LINES]:
                print("%s %s: %s" % (word, cid, m))
            if len(msgs) > MAX_LINES:
                print("%s %s: ... and %d more" % (word, cid, len(msgs) - MAX_LINES))
        if verbose:
            for n in self.notes:
                print("NOTE %s" % n)
        if failed:
            print("FAIL %d of %d clauses" % (failed, len(applicable)))
        else:
            print("PASS %d clauses" % len(applicable))
        return 1 if failed else 0


# --------------------------------------------------------------------------
# Helpers on pikepdf objects

def is_dict(o):
    return isinstance(o, pikepdf.Dictionary) or isinstance(o, pikepdf.Stream)


def is_stream(o):
    return isinstance(o, pikepdf.Stream)


def is_array(o):
    return isinstance(o, pikepdf.Array)


def name(o):
    """'/Name' for a name object, else None."""
    return str(o) if isinstance(o, pikepdf.Name) else None


def dget(d, key):
    """d[key] or None, for dictionaries and streams."""
    if d is None or not is_dict(d):
        return None
    return d.get(key)


def key_of(o):
    return o.objgen if o.is_indirect else None


def label(o):
    return "object %d %d" % o.objgen if o.is_indirect and o.objgen != (0, 0) else "direct object"


def names_of(o):
    """A name or an array of names as a list of '/Name' strings."""
    if isinstance(o, pikepdf.Name):
        return [str(o)]
    if is_array(o):
        return [str(x) for x in o if isinstance(x, pikepdf.Name)]
    return []


def name_bytes(n):
    raw = n.unparse()[1:]
    return re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), raw)


def text(o):
    """A PDF text string as str (PDFDocEncoding or UTF-16BE with BOM)."""
    return str(o) if isinstance(o, pikepdf.String) else None


# --------------------------------------------------------------------------
# Byte-level structure: header, trailer, xref, object and stream syntax

RE_OBJ = re.compile(rb"(\d+)([\x00\t\n\x0c\r ]+)(\d+)([\x00\t\n\x0c\r ]+)obj")
RE_EOL = re.compile(rb"\r\n|\r|\n")


def check_header(raw, r):
    m = re.match(rb"%PDF-1\.(\d)(\r\n|\r|\n)", raw)
    if not m:
        r.fail("6.1.2-1", "file does not start with %%PDF-1.n: %r" % raw[:12])
        return
    if r.part == 3 and int(m.group(1)) > 7:
        r.fail("6.1.2-1", "header version 1.%s is above 1.7" % m.group(1).decode())
    if not re.match(rb"%[\x80-\xff]{4}", raw[m.end():]):
        r.fail("6.1.2-2", "no binary comment (% and 4 bytes > 127) on the line after the header")


def check_eof(raw, r):
    i = raw.rfind(b"%%EOF")
    if i < 0:
        r.fail("6.1.3-3", "no %%EOF marker")
        return
    tail = raw[i + 5:]
    if tail not in (b"", b"\n", b"\r", b"\r\n"):
        r.fail("6.1.3-3", "%d bytes after the last %%%%EOF: %r" % (len(tail), tail[:20]))


def scan_tokens(raw, p, stops, r, where):
    """Tokenizes from p until a keyword in stops; checks hex strings on the way.
    Returns (keyword, start, end) or (None, len, len)."""
    n = len(raw)
    while p < n:
        c = raw[p]
        if c in WS:
            p += 1
        elif c == 0x25:  # comment
            m = RE_EOL.search(raw, p)
            p = m.end() if m else n
        elif c == 0x28:  # literal string
            depth = 1
            p += 1
            while p < n and depth:
                ch = raw[p]
                if ch == 0x5C:
                    p += 2
                    continue
                depth += (ch == 0x28) - (ch == 0x29)
                p += 1
        elif c == 0x3C:
            if raw[p + 1:p + 2] == b"<":
                p += 2
                continue
            q = raw.find(b">", p)
            if q < 0:
                q = n
            digits = bytes(b for b in raw[p + 1:q] if b not in WS)
            if len(digits) % 2:
                r.fail("6.1.6-1", "%s: hex string <%s> has an odd number of digits"
                       % (where, digits[:16].decode("latin-1")))
            if re.search(rb"[^0-9A-Fa-f]", digits):
                r.fail("6.1.6-2", "%s: hex string <%s> holds a non-hex character"
                       % (where, digits[:16].decode("latin-1")))
            p = q + 1
        elif c in b">[]{}":
            p += 1
        elif c == 0x2F:
            p += 1
            while p < n and raw[p] not in WS and raw[p] not in DELIMS:
                p += 1
        else:
            s = p
            while p < n and raw[p] not in WS and raw[p] not in DELIMS:
                p += 1
            if raw[s:p] in stops:
                return raw[s:p], s, p
            if p == s:
                p += 1
    return None, n, n


def parse_xref_chain(raw, r):
    """Follows startxref and /Prev through classic xref tables. Returns
    (offsets {(num, gen): offset}, trailer byte ranges, classic?)."""
    sx = raw.rfind(b"startxref")
    m = re.compile(rb"startxref\s+(\d+)").match(raw, sx) if sx >= 0 else None
    if not m:
        r.fail("GK-2", "no startxref")
        return {}, [], False
    offsets = {}
    trailers = []
    seen = set()
    off = int(m.group(1))
    classic = True
    while off is not None and off not in seen and off < len(raw):
        seen.add(off)
        if not raw.startswith(b"xref", off):
            if RE_OBJ.match(raw, off):
                r.fail("6.1.4-3", "startxref or /Prev points at a cross-reference stream (object at offset %d)" % off)
            else:
                r.fail("GK-2", "startxref or /Prev offset %d is not at an xref table" % off)
            classic = False
            break
        if not re.compile(rb"xref(\r\n|\r|\n)\d").match(raw, off):
            r.fail("6.1.4-2", "xref keyword at offset %d is not followed by a single EOL and the subsection header" % off)
        p = off + 4
        sub = re.compile(rb"[\x00\t\n\x0c\r ]*(\d+)([ \t\x00\x0c]+)(\d+)[ \t]*(?:\r\n|\r|\n)")
        ent = re.compile(rb"[\x00\t\n\x0c\r ]*(\d{1,10})[ ]+(\d{1,5})[ ]+([nf])")
        while True:
            sm = sub.match(raw, p)
            if not sm:
                break
            if sm.group(2) != b" ":
                r.fail("6.1.4-1", "xref subsection header %r at offset %d: first and count not separated by one space"
                       % (sm.group(0).strip(), sm.start(1)))
            first, count = int(sm.group(1)), int(sm.group(3))
            p = sm.end()
            for i in range(count):
                em = ent.match(raw, p)
                if not em:
                    r.fail("GK-2", "malformed xref entry at offset %d" % p)
                    break
                p = em.end()
                if em.group(3) == b"n":
                    offsets.setdefault((first + i, int(em.group(2))), int(em.group(1)))
        tm = re.compile(rb"[\x00\t\n\x0c\r ]*trailer").match(raw, p)
        if not tm:
            r.fail("GK-2", "xref table at offset %d is not followed by a trailer" % off)
            break
        end = raw.find(b"startxref", tm.end())
        end = len(raw) if end < 0 else end
        trailers.append((tm.end(), end))
        tdict = raw[tm.end():end]
        if re.search(rb"/XRefStm\b", tdict):
            r.fail("6.1.4-3", "hybrid file: trailer has /XRefStm")
        pm = re.search(rb"/Prev\s+(\d+)", tdict)
        off = int(pm.group(1)) if pm else None
    return offsets, trailers, classic


def raw_length(raw, dict_bytes, offsets):
    m = re.search(rb"/Length[\x00\t\n\x0c\r ]+(\d+)(?:[\x00\t\n\x0c\r ]+(\d+)[\x00\t\n\x0c\r ]+R)?", dict_bytes)
    if not m:
        return None
    if m.group(2) is None:
        return int(m.group(1))
    off = offsets.get((int(m.group(1)), int(m.group(2))))
    if off is None:
        return None
    om = re.compile(rb"\d+\s+\d+\s+obj\s*(\d+)").match(raw, off)
    return int(om.group(1)) if om else None


def check_objects_raw(raw, offsets, trailers, r):
    """6.1.6, 6.1.7-1/2 and 6.1.8 on every object the xref tables list."""
    for (num, gen), off in sorted(offsets.items(), key=lambda kv: kv[1]):
        where = "object %d %d" % (num, gen)
        m = RE_OBJ.match(raw, off)
        if not m or int(m.group(1)) != num or int(m.group(3)) != gen:
            r.fail("GK-2", "%s: xref offset %d does not point at '%d %d obj'" % (where, off, num, gen))
            continue
        if len(m.group(2)) != 1 or len(m.group(4)) != 1:
            r.fail("6.1.8-1", "%s: header %r is not separated by single white-space characters" % (where, m.group(0)))
        if off > 0 and raw[off - 1] not in b"\r\n":
            r.fail("6.1.8-1", "%s: no EOL before the object number" % where)
        if raw[m.end():m.end() + 1] not in (b"\r", b"\n"):
            r.fail("6.1.8-1", "%s: no EOL after 'obj'" % where)
        kw, s, e = scan_tokens(raw, m.end(), (b"stream", b"endobj"), r, where)
        if kw == b"stream":
            if raw[e:e + 2] == b"\r\n":
                ds = e + 2
            elif raw[e:e + 1] == b"\n":
                ds = e + 1
            else:
                r.fail("6.1.7-2", "%s: 'stream' is not followed by CRLF or LF" % where)
                ds = e + (raw[e:e + 1] == b"\r")
            length = raw_length(raw, raw[m.end():s], offsets)
            es = None
            if length is not None and re.compile(rb"(\r\n|\r|\n)endstream").match(raw, ds + length):
                es = ds + length
            else:
                for em in re.finditer(rb"endstream[\x00\t\n\x0c\r ]+endobj", raw[ds:]):
                    es = ds + em.start()
                    break
                if es is None:
                    r.fail("GK-2", "%s: no endstream" % where)
                    continue
                eol = re.search(rb"(\r\n|\r|\n)$", raw[max(ds, es - 2):es])
                if not eol:
                    r.fail("6.1.7-2", "%s: no EOL before 'endstream'" % where)
                real = es - ds - (len(eol.group(1)) if eol else 0)
                if length != real:
                    r.fail("6.1.7-1", "%s: /Length %s but the stream holds %d bytes" % (where, length, real))
                es = es - (len(eol.group(1)) if eol else 0)
            after = raw.find(b"endstream", es)
            kw, s, e = scan_tokens(raw, after + 9, (b"endobj",), r, where)
        if kw != b"endobj":
            r.fail("GK-2", "%s: no endobj" % where)
            continue
        if raw[s - 1:s] not in (b"\r", b"\n"):
            r.fail("6.1.8-1", "%s: no EOL before 'endobj'" % where)
        if raw[e:e + 1] not in (b"\r", b"\n"):
            r.fail("6.1.8-1", "%s: no EOL after 'endobj'" % where)
    for s, e in trailers:
        scan_tokens(raw[:e], s, (), r, "trailer")  # hex-string checks only


def hex_ids(raw, s, e):
    m = re.search(rb"/ID\s*\[\s*<([0-9A-Fa-f\s]*)>\s*<([0-9A-Fa-f\s]*)>", raw[s:e])
    return (m.group(1), m.group(2)) if m else None


def check_linearized(raw, trailers, r):
    head = raw[:2048]
    if not re.search(rb"/Linearized\b", head) or len(trailers) < 2:
        return
    first, last = min(trailers), max(trailers)  # by position in the file
    a, b = hex_ids(raw, *first), hex_ids(raw, *last)
    if a and b and [re.sub(rb"\s", b"", x).lower() for x in a] != [re.sub(rb"\s", b"", x).lower() for x in b]:
        r.fail("6.1.3-4", "linearized file: first-page trailer /ID differs from the last trailer /ID")


# --------------------------------------------------------------------------
# TrueType reader: enough to get glyph count, advances and outlines

class TrueType:
    def __init__(self, data):
        base = 0
        if data[:4] == b"ttcf":
            base = struct.unpack(">I", data[12:16])[0]
        ntab = struct.unpack(">H", data[base + 4:base + 6])[0]
        self.tables = {}
        for i in range(ntab):
            tag, _, off, length = struct.unpack(">4sIII", data[base + 12 + 16 * i:base + 28 + 16 * i])
            self.tables[tag] = data[off:off + length]
        head, hhea, maxp, hmtx = (self.tables[t] for t in (b"head", b"hhea", b"maxp", b"hmtx"))
        self.upm = struct.unpack(">H", head[18:20])[0]
        loc_format = struct.unpack(">h", head[50:52])[0]
        self.num_glyphs = struct.unpack(">H", maxp[4:6])[0]
        nhm = struct.unpack(">H", hhea[34:36])[0]
        self.advances = [struct.unpack(">H", hmtx[4 * i:4 * i + 2])[0] for i in range(nhm)]
        if not self.upm or not self.advances:
            raise ValueError("unitsPerEm or hmtx empty")
        self.glyph_len = None
        loca = self.tables.get(b"loca")
        if loca is not None:
            n = self.num_glyphs + 1
            if loc_format:
                offs = struct.unpack(">%dI" % n, loca[:4 * n])
            else:
                offs = [2 * x for x in struct.unpack(">%dH" % n, loca[:2 * n])]
            self.glyph_len = [offs[i + 1] - offs[i] for i in range(self.num_glyphs)]
        cmap = self.tables.get(b"cmap")
        self.cmap_subtables = struct.unpack(">H", cmap[2:4])[0] if cmap and len(cmap) >= 4 else 0

    def width(self, gid):
        adv = self.advances[gid] if gid < len(self.advances) else self.advances[-1]
        return adv * 1000.0 / self.upm


# --------------------------------------------------------------------------
# CFF reader (FontFile3 /CIDFontType0C): glyph count, the charset's CIDs
# (CID-keyed fonts; a name-keyed font's CIDs are its glyph indices), which
# glyphs have outlines, and each glyph's advance from its charstring

CFF_STACK_CLEARING = {1, 3, 4, 14, 18, 19, 20, 21, 22, 23}


def cff_index(data, pos):
    """(list of (start, end) entries, position after the INDEX)."""
    count = struct.unpack(">H", data[pos:pos + 2])[0]
    if count == 0:
        return [], pos + 2
    osz = data[pos + 2]
    offs = [int.from_bytes(data[pos + 3 + i * osz:pos + 3 + (i + 1) * osz], "big") for i in range(count + 1)]
    base = pos + 3 + (count + 1) * osz - 1
    if offs[-1] < 1 or base + offs[-1] > len(data):
        raise ValueError("INDEX past the end")
    return [(base + offs[i], base + offs[i + 1]) for i in range(count)], base + offs[-1]


def cff_dict(data, start, end):
    """{operator: [operands]} of a DICT (reals read as floats)."""
    out, ops, p = {}, [], start
    while p < end:
        b = data[p]
        if b <= 21:
            op = b
            p += 1
            if b == 12:
                op = 1200 + data[p]
                p += 1
            out[op], ops = ops, []
        elif b == 28:
            ops.append(struct.unpack(">h", data[p + 1:p + 3])[0]); p += 3
        elif b == 29:
            ops.append(struct.unpack(">i", data[p + 1:p + 5])[0]); p += 5
        elif b == 30:
            text, p = "", p + 1
            while True:
                nib = (data[p] >> 4, data[p] & 15)
                p += 1
                for n in nib:
                    if n == 15:
                        break
                    text += "0123456789.EE?-"[n] + ("-" if n == 12 else "")
                if 15 in nib:
                    break
            try:
                ops.append(float(text))
            except ValueError:
                ops.append(0.0)
        elif 32 <= b <= 246:
            ops.append(b - 139); p += 1
        elif 247 <= b <= 250:
            ops.append((b - 247) * 256 + data[p + 1] + 108); p += 2
        elif 251 <= b <= 254:
            ops.append(-(b - 251) * 256 - data[p + 1] - 108); p += 2
        else:
            raise ValueError("bad DICT byte %d" % b)
    return out


def subr_bias(n):
    return 107 if n < 1240 else 1131 if n < 33900 else 32768


class CFF:
    def __init__(self, data):
        if len(data) < 4 or data[0] != 1:
            raise ValueError("not CFF version 1")
        _, pos = cff_index(data, data[2])
        tops, pos = cff_index(data, pos)
        _, pos = cff_index(data, pos)                     # strings
        gsubrs, _ = cff_index(data, pos)
        top = cff_dict(data, *tops[0])
        self.data, self.gsubrs = data, gsubrs
        self.charstrings, _ = cff_index(data, top[17][0])
        self.num_glyphs = len(self.charstrings)
        self.cid_keyed = 1230 in top
        self.ros = top.get(1230)
        matrix = top.get(1207, [0.001])
        self.scale = matrix[0] * 1000
        self.cids = self.read_charset(top.get(15, [0])[0]) if self.cid_keyed else list(range(self.num_glyphs))
        self.gid = {c: g for g, c in enumerate(self.cids)}
        self.privates = self.read_privates(top)

    def read_charset(self, off):
        d, n, cids = self.data, self.num_glyphs, [0]
        fmt, p = d[off], off + 1
        while len(cids) < n:
            if fmt == 0:
                cids.append(struct.unpack(">H", d[p:p + 2])[0]); p += 2
            else:
                first = struct.unpack(">H", d[p:p + 2])[0]
                left = d[p + 2] if fmt == 1 else struct.unpack(">H", d[p + 2:p + 4])[0]
                p += 3 if fmt == 1 else 4
                cids.extend(range(first, first + left + 1))
        return cids[:n]

    def private(self, fdict):
        size, off = fdict.get(18, [0, 0])
        pd = cff_dict(self.data, off, off + size) if size else {}
        subrs = cff_index(self.data, off + pd[19][0])[0] if 19 in pd else []
        return pd.get(20, [0])[0], pd.get(21, [0])[0], subrs

    def read_privates(self, top):
        """Per glyph: (defaultWidthX, nominalWidthX, local subrs)."""
        if 1236 not in top:
            return [self.private(top)] * self.num_glyphs
        fds = [self.private(cff_dict(self.data, a, b)) for a, b in cff_index(self.data, top[1236][0])[0]]
        d, p = self.data, top[1237][0]
        if d[p] == 0:
            return [fds[d[p + 1 + g]] for g in range(self.num_glyphs)]
        nr, p = struct.unpack(">H", d[p + 1:p + 3])[0], p + 3
        sel = []
        for i in range(nr):
            first, fd = struct.unpack(">HB", d[p + 3 * i:p + 3 * i + 3])
            nxt = struct.unpack(">H", d[p + 3 * i + 3:p + 3 * i + 5])[0]
            sel.extend([fds[fd]] * (nxt - first))
        return sel[:self.num_glyphs]

    def has_outline(self, gid):
        a, b = self.charstrings[gid]
        return b - a > 1            # more than a bare endchar

    def gid_of(self, cid):
        return self.gid.get(cid)

    def width(self, gid):
        dflt, nominal, subrs = self.privates[gid]
        w = self.first_width(self.charstrings[gid], subrs, [], 0)
        return (dflt if w is None else nominal + w) * self.scale

    def first_width(self, span, subrs, stack, depth):
        """The width operand before the first stack-clearing operator,
        None if there is none; follows subroutine calls."""
        d, (p, end) = self.data, span
        while p < end:
            b = d[p]
            if b == 28:
                stack.append(struct.unpack(">h", d[p + 1:p + 3])[0]); p += 3
            elif b >= 32:
                if b <= 246:
                    stack.append(b - 139); p += 1
                elif b <= 250:
                    stack.append((b - 247) * 256 + d[p + 1] + 108); p += 2
                elif b <= 254:
                    stack.append(-(b - 251) * 256 - d[p + 1] - 108); p += 2
                else:
                    stack.append(struct.unpack(">i", d[p + 1:p + 5])[0] / 65536.0); p += 5
            elif b in (10, 29) and depth < 10:
                table = subrs if b == 10 else self.gsubrs
                i = int(stack.pop()) + subr_bias(len(table))
                r = self.first_width(table[i], subrs, stack, depth + 1)
                if r is not False:
                    return r
                p += 1
            elif b == 11:
                return False                              # back to the caller
            elif b in CFF_STACK_CLEARING:
                extra = {4: 1, 22: 1, 21: 2, 14: 0}.get(b)
                n = len(stack)
                has = n % 2 == 1 if extra is None else (n > extra if b != 14 else n in (1, 5))
                return stack[0] if has else None
            else:
                return None
        return None


def read_cff(ff, lab, r):
    try:
        return CFF(ff.read_bytes())
    except (KeyError, struct.error, ValueError, IndexError, pikepdf.PdfError) as e:
        r.fail("6.3.5-1", "%s: embedded CFF program cannot be read (%s)" % (lab, e.__class__.__name__))
        return None


# --------------------------------------------------------------------------
# Content streams: fonts and codes used, colour spaces, operators, nesting

class Usage:
    def __init__(self):
        self.fonts = {}         # key -> FontUse
        self.extgstates = {}    # key -> (dict, where)
        self.device = {}        # 'RGB'/'CMYK'/'Gray' -> where first used
        self.forms_done = set()
        self.colorspaces = []   # (cs object, where)


class FontUse:
    def __init__(self, obj, where):
        self.obj = obj
        self.where = where
        self.visible = False
        self.invisible = False
        self.cids = set()     # for Type0 Identity fonts
        self.codes = set()    # for simple fonts


def res_lookup(resources, cat, key):
    sub = dget(resources, cat)
    return dget(sub, key) if sub is not None else None


def font_key(obj, where, fname):
    return key_of(obj) or ("direct", where, fname)


def register_resources(resources, usage, where):
    """Fonts and ExtGStates declared in a resource dictionary, used or not."""
    fonts = dget(resources, "/Font")
    if is_dict(fonts):
        for k in sorted(fonts.keys()):
            f = fonts.get(k)
            if is_dict(f):
                fk = font_key(f, where, k)
                if fk not in usage.fonts:
                    usage.fonts[fk] = FontUse(f, where)
    gss = dget(resources, "/ExtGState")
    if is_dict(gss):
        for k in sorted(gss.keys()):
            g = gss.get(k)
            if is_dict(g):
                usage.extgstates.setdefault(key_of(g) or (where, k), (g, "%s ExtGState %s" % (where, k)))


def cs_families(cs, resources, usage, where, r, depth=0):
    """Device colour families a colour space draws in: subset of RGB, CMYK, Gray."""
    if depth > 8 or cs is None:
        return set()
    n = name(cs)
    if n:
        dev = {"/DeviceRGB": "RGB", "/RGB": "RGB", "/DeviceCMYK": "CMYK", "/CMYK": "CMYK",
               "/DeviceGray": "Gray", "/G": "Gray", "/I": None, "/Indexed": None}.get(n, "other")
        if dev in ("RGB", "CMYK", "Gray"):
            default = res_lookup(resources, "/ColorSpace", "/Default" + dev)
            if default is not None:
                return cs_families(default, resources, usage, where, r, depth + 1)
            return {dev}
        if n == "/Pattern":
            return set()
        sub = res_lookup(resources, "/ColorSpace", n)
        return cs_families(sub, resources, usage, where, r, depth + 1) if sub is not None else set()
    if is_array(cs) and len(cs):
        fam = name(cs[0])
        if fam in ("/Indexed", "/I") and len(cs) > 1:
            return cs_families(cs[1], resources, usage, where, r, depth + 1)
        if fam == "/Separation" and len(cs) > 2:
            return cs_families(cs[2], resources, usage, where, r, depth + 1)
        if fam == "/DeviceN" and len(cs) > 2:
            return cs_families(cs[2], resources, usage, where, r, depth + 1)
        if fam == "/Pattern" and len(cs) > 1:
            return cs_families(cs[1], resources, usage, where, r, depth + 1)
    return set()


def use_device(fams, usage, where):
    for f in fams:
        usage.device.setdefault(f, where)


def check_inline_image(ii, resources, usage, where, r, fill_cs):
    d = ii.obj
    filters = names_of(d.get("/F")) + names_of(d.get("/Filter"))
    if "/LZW" in filters or "/LZWDecode" in filters:
        r.fail("6.1.10-2", "%s: inline image with LZW filter" % where)
    interp = d.get("/I", d.get("/Interpolate"))
    if interp is True:
        r.fail("6.2.4-3", "%s: inline image with /Interpolate true" % where)
    bpc = d.get("/BPC", d.get("/BitsPerComponent"))
    mask = d.get("/IM", d.get("/ImageMask")) is True
    if mask:
        if bpc is not None and bpc != 1:
            r.fail("6.2.4-5", "%s: inline image mask with BitsPerComponent %s" % (where, bpc))
        use_device(fill_cs, usage, where)
    else:
        if bpc is not None and bpc not in (1, 2, 4, 8):
            r.fail("6.2.4-4", "%s: inline image with BitsPerComponent %s" % (where, bpc))
        use_device(cs_families(d.get("/CS", d.get("/ColorSpace")), resources, usage, where, r), usage, where)
    intent = d.get("/Intent")
    if intent is not None and name(intent) not in INTENTS:
        r.fail("6.2.9-1", "%s: inline image rendering intent %s" % (where, intent))


def run_content(pdf, target, resources, usage, where, r, depth0=0):
    """Interprets one content stream (page, form, pattern, appearance)."""
    try:
        instrs = pikepdf.parse_content_stream(target)
    except pikepdf.PdfError as e:
        r.fail("GK-2", "%s: content stream does not parse: %s" % (where, e))
        return
    register_resources(resources, usage, where)
    stack = []
    fill, stroke = {"Gray"}, {"Gray"}
    font = None
    tr = 0
    depth = depth0
    maxdepth = depth0
    for ins in instrs:
        op = str(ins.operator)
        ops = ins.operands
        if op not in PDF14_OPERATORS:
            r.fail("6.2.10-1", "%s: undefined operator %r" % (where, op))
        for x in ops:
            check_limits_scalar(x, where + " content", r)
        if op == "q":
            stack.append((fill, stroke, font, tr))
            depth += 1
            if depth > maxdepth:
                maxdepth = depth
        elif op == "Q":
            if stack:
                fill, stroke, font, tr = stack.pop()
            depth = max(depth0, depth - 1)
        elif op in ("g", "G", "rg", "RG", "k", "K"):
            fam = {"g": "Gray", "rg": "RGB", "k": "CMYK"}[op.lower()]
            default = res_lookup(resources, "/ColorSpace", "/Default" + fam)
            fams = cs_families(default, resources, usage, where, r) if default is not None else {fam}
            if op.islower():
                fill = fams
            else:
                stroke = fams
        elif op in ("cs", "CS") and ops:
            fams = cs_families(ops[0], resources, usage, where, r)
            if op == "cs":
                fill = fams
            else:
                stroke = fams
        elif op in ("scn", "SCN") and ops and isinstance(ops[-1], pikepdf.Name):
            pat = res_lookup(resources, "/Pattern", ops[-1])
            run_pattern(pdf, pat, resources, usage, where, r)
        elif op in ("f", "F", "f*"):
            use_device(fill, usage, where)
        elif op in ("S", "s"):
            use_device(stroke, usage, where)
        elif op in ("B", "B*", "b", "b*"):
            use_device(fill | stroke, usage, where)
        elif op == "sh" and ops:
            sh = res_lookup(resources, "/Shading", ops[0])
            use_device(cs_families(dget(sh, "/ColorSpace"), resources, usage, where, r), usage, where)
        elif op == "ri" and ops:
            if name(ops[0]) not in INTENTS:
                r.fail("6.2.9-1", "%s: rendering intent %s" % (where, ops[0]))
        elif op == "Tr" and ops:
            tr = int(ops[0])
        elif op == "Tf" and ops:
            f = res_lookup(resources, "/Font", ops[0])
            if is_dict(f):
                fk = font_key(f, where, str(ops[0]))
                font = usage.fonts.setdefault(fk, FontUse(f, where))
            else:
                font = None
                r.fail("GK-2", "%s: font %s is not in the resources" % (where, ops[0]))
        elif op in ("Tj", "'", '"', "TJ") and ops:
            strings = [x for x in ops[0] if isinstance(x, pikepdf.String)] if op == "TJ" else [ops[-1]]
            if font is not None:
                note_text(font, strings, tr)
                if tr in (0, 2, 4, 6):
                    use_device(fill, usage, where)
                if tr in (1, 2, 5, 6):
                    use_device(stroke, usage, where)
        elif op == "Do" and ops:
            xo = res_lookup(resources, "/XObject", ops[0])
            st = name(dget(xo, "/Subtype"))
            if st == "/Image":
                if dget(xo, "/ImageMask") is True:
                    use_device(fill, usage, where)
                else:
                    use_device(cs_families(dget(xo, "/ColorSpace"), resources, usage, where, r), usage, where)
            elif st == "/Form" and xo.objgen not in usage.forms_done:
                usage.forms_done.add(xo.objgen)
                fres = dget(xo, "/Resources")
                run_content(pdf, xo, fres if fres is not None else resources, usage,
                            "form %d %d" % xo.objgen, r, depth)
        elif op == "INLINE IMAGE":
            check_inline_image(ops[0], resources, usage, where, r, fill)
    if maxdepth > 28:
        r.fail("6.1.12-8", "%s: q/Q nesting depth %d exceeds 28" % (where, maxdepth))


def run_pattern(pdf, pat, resources, usage, where, r):
    if not is_dict(pat):
        return
    if dget(pat, "/PatternType") == 1 and is_stream(pat):
        if pat.objgen in usage.forms_done:
            return
        usage.forms_done.add(pat.objgen)
        pres = dget(pat, "/Resources")
        run_content(pdf, pat, pres if pres is not None else resources, usage, "pattern %d %d" % pat.objgen, r)
    else:
        sh = dget(pat, "/Shading")
        use_device(cs_families(dget(sh, "/ColorSpace"), resources, usage, where, r), usage, where)


def note_text(fu, strings, tr):
    if tr == 3 or tr == 7:
        fu.invisible = True
    else:
        fu.visible = True
    f = fu.obj
    if name(f.get("/Subtype")) == "/Type0":
        if name(f.get("/Encoding")) in ("/Identity-H", "/Identity-V"):
            for s in strings:
                b = bytes(s)
                for i in range(0, len(b) - 1, 2):
                    fu.cids.add(b[i] << 8 | b[i + 1])
    else:
        for s in strings:
            fu.codes.update(bytes(s))


def inherited(page, key):
    o = page
    for _ in range(64):
        if o is None:
            return None
        v = o.get(key)
        if v is not None:
            return v
        o = o.get("/Parent")
    return None


def run_pages(pdf, usage, r):
    for i, page in enumerate(pdf.pages):
        pobj = page.obj
        where = "page %d" % (i + 1)
        res = inherited(pobj, "/Resources")
        if pobj.get("/Contents") is not None:
            run_content(pdf, page, res, usage, where, r)
        for annot in (pobj.get("/Annots") or []):
            ap = dget(annot, "/AP")
            for key in ("/N", "/R", "/D"):
                a = dget(ap, key)
                streams = [a] if is_stream(a) else ([a.get(k) for k in sorted(a.keys())] if is_dict(a) else [])
                for s in streams:
                    if is_stream(s) and s.objgen not in usage.forms_done:
                        usage.forms_done.add(s.objgen)
                        sres = dget(s, "/Resources")
                        run_content(pdf, s, sres, usage, "%s annotation appearance %d %d" % (where, *s.objgen), r)


# --------------------------------------------------------------------------
# Walk over every object: limits, streams, filters, actions, XObjects

def check_limits_scalar(o, where, r):
    if isinstance(o, bool):
        return
    if isinstance(o, int):
        if not -2147483648 <= o <= 2147483647:
            r.fail("6.1.12-1", "%s: integer %d out of range" % (where, o))
    elif isinstance(o, float) or type(o).__name__ == "Decimal":
        if abs(o) > 32767:
            r.fail("6.1.12-2", "%s: real %s exceeds 32767" % (where, o))
    elif isinstance(o, pikepdf.String):
        if len(bytes(o)) > 65535:
            r.fail("6.1.12-3", "%s: string of %d bytes" % (where, len(bytes(o))))
    elif isinstance(o, pikepdf.Name):
        if len(name_bytes(o)) > 127:
            r.fail("6.1.12-4", "%s: name of %d bytes (%s...)" % (where, len(name_bytes(o)), str(o)[:24]))
    elif is_array(o):
        if len(o) > 8191:
            r.fail("6.1.12-5", "%s: array of %d elements" % (where, len(o)))
    elif is_dict(o):
        if len(o.keys()) > 4095:
            r.fail("6.1.12-6", "%s: dictionary of %d entries" % (where, len(o.keys())))


class Walk:
    def __init__(self):
        self.filespecs = []     # (dict, where) with /EF
        self.af_members = set()
        self.iccbased = []      # (stream, where)
        self.extgstates = []    # (dict, where) typed /ExtGState
        self.devicen = []


def walk_all(pdf, r, w):
    root_key = pdf.Root.objgen
    for obj in pdf.objects:
        if obj is None:
            continue
        try:
            _ = obj.objgen
        except Exception:
            continue
        walk(obj, "object %d %d" % obj.objgen, r, w, root_key, 0)


def walk(o, where, r, w, root_key, depth):
    check_limits_scalar(o, where, r)
    if depth > 64:
        return
    if is_array(o):
        if len(o) and name(o[0]) == "/ICCBased" and len(o) > 1:
            w.iccbased.append((o[1], where))
        if len(o) > 1 and name(o[0]) == "/DeviceN" and is_array(o[1]) and len(o[1]) > 8:
            r.fail("6.1.12-9", "%s: DeviceN with %d components" % (where, len(o[1])))
        for x in o:
            if isinstance(x, (pikepdf.Array, pikepdf.Dictionary)) and not x.is_indirect:
                walk(x, where, r, w, root_key, depth + 1)
            elif not isinstance(x, (pikepdf.Array, pikepdf.Dictionary, pikepdf.Stream)):
                check_limits_scalar(x, where, r)
        return
    if not is_dict(o):
        return
    check_dict(o, where, r, w, root_key)
    for k in o.keys():
        check_limits_scalar(pikepdf.Name(k), where, r)
        v = o.get(k)
        if isinstance(v, (pikepdf.Array, pikepdf.Dictionary)) and not v.is_indirect:
            walk(v, where + " " + k, r, w, root_key, depth + 1)
        elif not isinstance(v, (pikepdf.Array, pikepdf.Dictionary, pikepdf.Stream)):
            check_limits_scalar(v, where, r)


def check_action(a, where, r):
    if not is_dict(a):
        return
    s = name(a.get("/S"))
    if s in FORBIDDEN_ACTIONS:
        r.fail("6.6.1-1", "%s: %s action" % (where, s[1:]))
    elif s is not None and s not in ALLOWED_ACTIONS:
        r.fail("6.6.1-1", "%s: action type %s is not allowed in PDF/A-1" % (where, s[1:]))
    if s == "/Named" and name(a.get("/N")) not in NAMED_OK:
        r.fail("6.6.1-2", "%s: named action %s" % (where, a.get("/N")))


def check_dict(d, where, r, w, root_key):
    typ = name(d.get("/Type"))
    sub = name(d.get("/Subtype"))
    if is_stream(d):
        for k in ("/F", "/FFilter", "/FDecodeParms"):
            if k in d.keys():
                r.fail("6.1.7-3", "%s: stream dictionary has %s" % (where, k))
        if "/LZWDecode" in names_of(d.get("/Filter")) or "/LZW" in names_of(d.get("/Filter")):
            r.fail("6.1.10-1", "%s: LZWDecode filter" % where)
        if typ in ("/XRef", "/ObjStm"):
            r.fail("6.1.4-3", "%s: %s stream" % (where, typ[1:]))
        if sub == "/Image" or sub == "/Form" or sub == "/PS" or typ == "/XObject":
            check_xobject(d, where, r)
    # embedded files and associated files
    if "/EF" in d.keys():
        r.fail("6.1.11-1", "%s: file specification with /EF (embedded file)" % where)
        w.filespecs.append((d, where))
    af = d.get("/AF")
    if is_array(af):
        for x in af:
            if is_dict(x):
                w.af_members.add(key_of(x) or id(x))
    # actions
    for k in ("/A", "/OpenAction", "/Next"):
        v = d.get(k)
        for a in (v if is_array(v) and k == "/Next" else [v]):
            if is_dict(a) and "/S" in a.keys():
                check_action(a, "%s %s" % (where, k), r)
    aa = d.get("/AA")
    if aa is not None:
        if d.is_indirect and d.objgen == root_key:
            r.fail("6.6.2-3", "catalog has /AA")
        elif sub == "/Widget":
            r.fail("6.6.2-1", "%s: widget annotation has /AA" % where)
        elif "/FT" in d.keys() or ("/Kids" in d.keys() and "/T" in d.keys()):
            r.fail("6.6.2-2", "%s: form field has /AA" % where)
        else:
            r.fail("GK-1", "%s: %s has /AA" % (where, (typ or sub or "dictionary")[1:] if (typ or sub) else "dictionary"))
        if is_dict(aa):
            for k in sorted(aa.keys()):
                check_action(aa.get(k), "%s /AA %s" % (where, k), r)
    if sub == "/Widget" and "/A" in d.keys():
        r.fail("6.6.1-3", "%s: widget annotation has /A" % where)
    if typ == "/ExtGState":
        w.extgstates.append((d, where))


def check_xobject(x, where, r):
    sub = name(x.get("/Subtype"))
    if "/OPI" in x.keys():
        r.fail("6.2.4-2", "%s: XObject has /OPI" % where)
    if "/SMask" in x.keys():
        r.fail("6.4-2", "%s: XObject has /SMask (soft mask)" % where)
    if sub == "/Image":
        if "/Alternates" in x.keys():
            r.fail("6.2.4-1", "%s: image has /Alternates" % where)
        if x.get("/Interpolate") is True:
            r.fail("6.2.4-3", "%s: image has /Interpolate true" % where)
        bpc = x.get("/BitsPerComponent")
        if x.get("/ImageMask") is True:
            if bpc is not None and bpc != 1:
                r.fail("6.2.4-5", "%s: image mask with BitsPerComponent %s" % (where, bpc))
        elif bpc is not None and bpc not in (1, 2, 4, 8):
            r.fail("6.2.4-4", "%s: image with BitsPerComponent %s" % (where, bpc))
        intent = x.get("/Intent")
        if intent is not None and name(intent) not in INTENTS:
            r.fail("6.2.9-1", "%s: image rendering intent %s" % (where, intent))
    elif sub == "/Form":
        if name(x.get("/Subtype2")) == "/PS" or "/PS" in x.keys():
            r.fail("6.2.5-1", "%s: form XObject with PostScript (/Subtype2 /PS or /PS)" % where)
        if "/Ref" in x.keys():
            r.fail("6.2.6-1", "%s: reference XObject (/Ref)" % where)
        if name(dget(x.get("/Group"), "/S")) == "/Transparency":
            r.fail("6.4-3", "%s: form XObject with a transparency group" % where)
    elif sub == "/PS":
        r.fail("6.2.7-1", "%s: PostScript XObject" % where)


def check_extgstate(g, where, r):
    if "/TR" in g.keys():
        r.fail("6.2.8-1", "%s: /TR transfer function" % where)
    tr2 = g.get("/TR2")
    if tr2 is not None and name(tr2) != "/Default":
        r.fail("6.2.8-2", "%s: /TR2 is not /Default" % where)
    smask = g.get("/SMask")
    if smask is not None and name(smask) != "/None":
        r.fail("6.4-1", "%s: /SMask is not /None" % where)
    bm = g.get("/BM")
    if bm is not None and any(b not in ("/Normal", "/Compatible") for b in names_of(bm)):
        r.fail("6.4-4", "%s: blend mode %s" % (where, " ".join(names_of(bm))))
    for key, cid in (("/CA", "6.4-5"), ("/ca", "6.4-6")):
        v = g.get(key)
        if v is not None and v != 1:
            r.fail(cid, "%s: %s %s (transparency)" % (where, key, v))
    ri = g.get("/RI")
    if ri is not None and name(ri) not in INTENTS:
        r.fail("6.2.9-1", "%s: rendering intent %s" % (where, ri))


# --------------------------------------------------------------------------
# Output intents and ICC profiles

def icc_header(stream):
    data = stream.read_bytes()
    if len(data) < 128 or data[36:40] != b"acsp":
        return None
    return {"major": data[8], "minor": data[9] >> 4, "class": data[12:16], "space": data[16:20]}


def check_output_intents(pdf, r):
    """Returns the output-intent colour space ('RGB ', 'CMYK', 'GRAY') or None."""
    ois = pdf.Root.get("/OutputIntents")
    profiles = []
    space = None
    for i, oi in enumerate(ois if is_array(ois) else []):
        if name(dget(oi, "/S")) != "/GTS_PDFA1":
            continue
        prof = dget(oi, "/DestOutputProfile")
        where = "OutputIntent %d" % (i + 1)
        if prof is None:
            r.fail("6.2.2-1", "%s: GTS_PDFA1 OutputIntent without /DestOutputProfile" % where)
            continue
        if not is_stream(prof):
            r.fail("6.2.2-1", "%s: /DestOutputProfile is not a stream" % where)
            continue
        profiles.append(prof)
        h = icc_header(prof)
        if h is None:
            r.fail("6.2.2-1", "%s: /DestOutputProfile is not an ICC profile (no 'acsp' signature)" % where)
            continue
        maxmajor = 2 if r.part == 1 else 4
        if h["major"] > maxmajor:
            r.fail("6.2.2-1", "%s: ICC profile version %d.%d; PDF/A-%d needs %s" %
                   (where, h["major"], h["minor"], r.part, "v2 (< 3.0)" if r.part == 1 else "v4 or lower"))
        if h["class"] not in (b"mntr", b"prtr"):
            r.fail("6.2.2-1", "%s: ICC device class %r is not mntr or prtr" % (where, h["class"].decode("latin-1")))
        if h["space"] not in ICC_CHANNELS:
            r.fail("6.2.2-1", "%s: ICC colour space %r is not RGB, CMYK or GRAY" % (where, h["space"].decode("latin-1")))
        else:
            n = prof.get("/N")
            if n != ICC_CHANNELS[h["space"]]:
                r.fail("6.2.3.2-2", "%s: /N %s but the profile is %s" % (where, n, h["space"].decode().strip()))
            space = space or h["space"]
    keys = {p.objgen if p.is_indirect else id(p) for p in profiles}
    if len(keys) > 1:
        r.fail("6.2.2-2", "%d OutputIntents point at different profile streams" % len(keys))
    return space


def check_iccbased(w, r):
    seen = set()
    for prof, where in w.iccbased:
        k = key_of(prof) or where
        if k in seen:
            continue
        seen.add(k)
        if not is_stream(prof):
            r.fail("6.2.3.2-1", "%s: ICCBased colour space without an ICC stream" % where)
            continue
        h = icc_header(prof)
        if h is None:
            r.fail("6.2.3.2-1", "%s: ICCBased stream is not an ICC profile" % where)
            continue
        n = prof.get("/N")
        if h["space"] in ICC_CHANNELS and n != ICC_CHANNELS[h["space"]]:
            r.fail("6.2.3.2-2", "%s: ICCBased /N %s but the profile is %s" % (where, n, h["space"].decode().strip()))


def check_device_use(usage, oi_space, pdf, r):
    if oi_space is None:
        for fam, cid in (("RGB", "6.2.3.3-1"), ("CMYK", "6.2.3.3-2"), ("Gray", "6.2.3.3-3")):
            if fam in usage.device:
                r.fail(cid, "Device%s used (%s) but there is no GTS_PDFA1 OutputIntent" % (fam, usage.device[fam]))
        return
    if "RGB" in usage.device and oi_space != b"RGB ":
        r.fail("6.2.3.3-1", "DeviceRGB used (%s) with a %s OutputIntent" % (usage.device["RGB"], oi_space.decode().strip()))
    if "CMYK" in usage.device and oi_space != b"CMYK":
        r.fail("6.2.3.3-2", "DeviceCMYK used (%s) with a %s OutputIntent" % (usage.device["CMYK"], oi_space.decode().strip()))


# --------------------------------------------------------------------------
# Fonts

def parse_w(w):
    """/W array -> {cid: width}."""
    out = {}
    if not is_array(w):
        return out
    items = list(w)
    i = 0
    while i < len(items):
        c = items[i]
        if i + 1 < len(items) and is_array(items[i + 1]):
            for j, x in enumerate(items[i + 1]):
                out[int(c) + j] = float(x)
            i += 2
        elif i + 2 < len(items):
            for cid in range(int(c), int(items[i + 1]) + 1):
                out[cid] = float(items[i + 2])
            i += 3
        else:
            break
    return out


def cidset_bits(stream):
    data = stream.read_bytes()
    return {i * 8 + b for i, byte in enumerate(data) for b in range(8) if byte & (0x80 >> b)}


def check_fonts(usage, r):
    for fu in usage.fonts.values():  # discovery order: deterministic
        check_font(fu, r)


def check_font(fu, r):
    f = fu.obj
    sub = name(f.get("/Subtype"))
    base = name(f.get("/BaseFont")) or "(no BaseFont)"
    lab = "font %s" % base.lstrip("/")
    if name(f.get("/Type")) != "/Font":
        r.fail("6.3.2-1", "%s: /Type is not /Font" % lab)
    if sub not in SIMPLE_FONTS | {"/Type0"}:
        r.fail("6.3.2-2", "%s: /Subtype %s is not a font type" % (lab, sub))
        return
    if sub != "/Type3" and name(f.get("/BaseFont")) is None:
        r.fail("6.3.2-3", "%s: no /BaseFont" % lab)
    check_tounicode(fu, lab, r)
    if sub == "/Type3":
        for k, cid in (("/FirstChar", "6.3.2-4"), ("/LastChar", "6.3.2-5"), ("/Widths", "6.3.2-6")):
            if k not in f.keys():
                r.fail(cid, "%s: Type3 font without %s" % (lab, k))
        r.note("%s: Type3 glyph procedures are not inspected" % lab)
        return
    if sub == "/Type0":
        check_type0(fu, lab, r)
        return
    fd = f.get("/FontDescriptor")
    for k, cid in (("/FirstChar", "6.3.2-4"), ("/LastChar", "6.3.2-5"), ("/Widths", "6.3.2-6")):
        if k not in f.keys():
            r.fail(cid, "%s: simple font without %s" % (lab, k))
    ff, kind = font_file(fd, lab, r)
    if ff is None:
        if fu.visible or not fu.invisible:
            r.fail("6.3.4-1", "%s: font program not embedded" % lab)
        return
    subset = re.match(r"^/[A-Z]{6}\+", base)
    if subset and sub in ("/Type1", "/MMType1") and dget(fd, "/CharSet") is None:
        r.fail("6.3.5-2", "%s: subset Type1 font without /CharSet" % lab)
    if sub == "/TrueType":
        flags = dget(fd, "/Flags") or 0
        enc = f.get("/Encoding")
        if flags & 4:
            if enc is not None:
                r.fail("6.3.7-2", "%s: symbolic TrueType font with /Encoding" % lab)
        else:
            base_enc = name(enc) if name(enc) else name(dget(enc, "/BaseEncoding"))
            if base_enc not in ("/MacRomanEncoding", "/WinAnsiEncoding") or dget(enc, "/Differences") is not None:
                r.fail("6.3.7-1", "%s: non-symbolic TrueType font without plain MacRoman/WinAnsi encoding" % lab)
        if kind == "/FontFile2":
            tt = read_truetype(ff, lab, r)
            if tt and flags & 4 and tt.cmap_subtables != 1:
                r.fail("6.3.7-3", "%s: symbolic TrueType program has %d cmap subtables" % (lab, tt.cmap_subtables))
        r.note("%s: simple-font widths (6.3.6) are not compared with the program" % lab)
    else:
        r.note("%s: %s program glyphs and widths are not inspected" % (lab, kind))


def font_file(fd, lab, r):
    """(stream, key) of the embedded program, or (None, None)."""
    if not is_dict(fd):
        return None, None
    for k in ("/FontFile", "/FontFile2", "/FontFile3"):
        ff = fd.get(k)
        if is_stream(ff):
            if k == "/FontFile3" and name(ff.get("/Subtype")) not in ("/Type1C", "/CIDFontType0C"):
                r.fail("6.3.2-7", "%s: FontFile3 /Subtype %s (only Type1C or CIDFontType0C in PDF/A-1)"
                       % (lab, ff.get("/Subtype")))
            return ff, k
    return None, None


def read_truetype(ff, lab, r):
    try:
        return TrueType(ff.read_bytes())
    except (KeyError, struct.error, ValueError, IndexError, pikepdf.PdfError) as e:
        r.fail("6.3.5-1", "%s: embedded TrueType program cannot be read (%s)" % (lab, e.__class__.__name__))
        return None


def check_type0(fu, lab, r):
    f = fu.obj
    desc = f.get("/DescendantFonts")
    cf = desc[0] if is_array(desc) and len(desc) else None
    if not is_dict(cf):
        r.fail("6.3.2-2", "%s: Type0 font without a descendant CIDFont" % lab)
        return
    csub = name(cf.get("/Subtype"))
    if name(cf.get("/Type")) != "/Font":
        r.fail("6.3.2-1", "%s: CIDFont /Type is not /Font" % lab)
    if csub not in ("/CIDFontType0", "/CIDFontType2"):
        r.fail("6.3.2-2", "%s: CIDFont /Subtype %s" % (lab, csub))
        return
    cbase = name(cf.get("/BaseFont"))
    if cbase is None:
        r.fail("6.3.2-3", "%s: CIDFont without /BaseFont" % lab)
        cbase = "/"
    lab = "font %s" % cbase.lstrip("/") if cbase != "/" else lab
    enc = f.get("/Encoding")
    if is_stream(enc):
        check_cmap(enc, cf, lab, r)
    elif name(enc) not in ("/Identity-H", "/Identity-V"):
        r.fail("6.3.3.3-1", "%s: CMap %s is not embedded" % (lab, enc))
    if csub == "/CIDFontType2" and cf.get("/CIDToGIDMap") is None:
        r.fail("6.3.3.2-1", "%s: CIDFontType2 without /CIDToGIDMap" % lab)
    fd = cf.get("/FontDescriptor")
    ff, kind = font_file(fd, lab, r)
    if ff is None:
        if fu.visible or not fu.invisible:
            r.fail("6.3.4-1", "%s: font program not embedded (no FontFile2/FontFile3)" % lab)
    identity = name(enc) in ("/Identity-H", "/Identity-V")
    if not identity and fu.visible:
        r.note("%s: codes through an embedded CMap are not decoded; CIDSet and width checks skipped" % lab)
    used = fu.cids if identity else set()
    for cid in sorted(used):
        if cid > 65535:
            r.fail("6.1.12-10", "%s: CID %d" % (lab, cid))
    tt = read_truetype(ff, lab, r) if ff is not None and kind == "/FontFile2" else None
    cff = ff is not None and kind == "/FontFile3" and name(ff.get("/Subtype")) == "/CIDFontType0C"
    if cff:
        tt = read_cff(ff, lab, r)
    elif ff is not None and kind != "/FontFile2":
        r.note("%s: %s program: glyph presence and widths not inspected (only TrueType and CFF are parsed)" % (lab, kind))
    gid_of = (tt.gid_of if tt is not None else None) if cff else cid_to_gid(cf, lab, r)
    # 6.3.5-3 CIDSet
    subset = re.match(r"^/[A-Z]{6}\+", cbase)
    cidset = dget(fd, "/CIDSet")
    if subset:
        if not is_stream(cidset):
            r.fail("6.3.5-3", "%s: subset font without /CIDSet" % lab)
        else:
            bits = cidset_bits(cidset)
            missing = sorted(used - bits - {0})
            if missing:
                r.fail("6.3.5-3", "%s: /CIDSet lacks used CID%s %s" %
                       (lab, "s" if len(missing) > 1 else "", " ".join(map(str, missing[:12]))))
            if tt is not None and gid_of is not None:
                # CID 0 is exempt both ways, as in veraPDF
                absent = sorted(c for c in bits if c and (gid_of(c) is None or gid_of(c) >= tt.num_glyphs))
                if absent:
                    r.fail("6.3.5-3", "%s: /CIDSet lists CID%s %s not in the font program" %
                           (lab, "s" if len(absent) > 1 else "", " ".join(map(str, absent[:12]))))
                if cff or tt.glyph_len is not None:
                    present = ({tt.cids[g] for g in range(tt.num_glyphs) if tt.has_outline(g)}
                               if cff else present_cids(cf, tt, gid_of))
                    unlisted = sorted(present - bits - {0})
                    if unlisted:
                        r.fail("6.3.5-3" if r.part == 3 else "GK-3", "%s: /CIDSet omits CID%s %s present in the font program" %
                               (lab, "s" if len(unlisted) > 1 else "", " ".join(map(str, unlisted[:12]))))
    if tt is None or gid_of is None:
        return
    # 6.3.5-1 glyphs present, 6.3.6-1 widths
    widths = parse_w(cf.get("/W"))
    dw = cf.get("/DW")
    dw = float(dw) if dw is not None else 1000.0
    for cid in sorted(used):
        gid = gid_of(cid)
        if gid is None or gid >= tt.num_glyphs:
            r.fail("6.3.5-1", "%s: CID %d has no glyph in the font program (%d glyphs)" % (lab, cid, tt.num_glyphs))
            continue
        if not fu.visible:
            continue
        dict_w = widths.get(cid, dw)
        prog_w = tt.width(gid)
        if abs(dict_w - prog_w) > 1:
            r.fail("6.3.6-1", "%s: CID %d width %g in /W%s, %.1f in the font program" %
                   (lab, cid, dict_w, "" if cid in widths else " (from /DW)", prog_w))


def cid_to_gid(cf, lab, r):
    """A function CID -> GID (None if unmapped), or None if unknown."""
    m = cf.get("/CIDToGIDMap")
    if name(cf.get("/Subtype")) != "/CIDFontType2":
        return None
    if m is None or name(m) == "/Identity":
        return lambda c: c
    if is_stream(m):
        data = m.read_bytes()
        return lambda c: (data[2 * c] << 8 | data[2 * c + 1]) if 2 * c + 1 < len(data) else None
    return None


def present_cids(cf, tt, gid_of):
    """CIDs whose glyph has an outline in the program."""
    m = cf.get("/CIDToGIDMap")
    out = set()
    if m is None or name(m) == "/Identity":
        return {g for g in range(tt.num_glyphs) if tt.glyph_len[g] > 0}
    if is_stream(m):
        data = m.read_bytes()
        for c in range(len(data) // 2):
            g = data[2 * c] << 8 | data[2 * c + 1]
            if (g or c == 0) and g < tt.num_glyphs and tt.glyph_len[g] > 0:
                out.add(c)
    return out


RE_BFCHAR = re.compile(rb"<([0-9A-Fa-f]+)>\s*(?:<[0-9A-Fa-f]*>|/[^\s<\[/]+)")
RE_BFRANGE = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(?:<[0-9A-Fa-f]*>|\[[^\]]*\])")


def check_tounicode(fu, lab, r):
    """[project] A ToUnicode CMap with bfchar/bfrange entries covering every
    code drawn. libharu 2.3.0 writes a CID CMap (begincidrange) instead."""
    tu = fu.obj.get("/ToUnicode")
    if tu is None:
        r.fail("6.3.8-1", "%s: no /ToUnicode CMap (text cannot be searched or copied)" % lab)
        return
    if not is_stream(tu):
        if name(tu) != "/Identity-H":
            r.fail("6.3.8-1", "%s: /ToUnicode is not a CMap stream" % lab)
        return
    try:
        data = tu.read_bytes()
    except pikepdf.PdfError as e:
        r.fail("6.3.8-1", "%s: /ToUnicode cannot be decoded: %s" % (lab, e))
        return
    if re.search(rb"\bbegincid(range|char)\b", data):
        r.fail("6.3.8-1", "%s: /ToUnicode uses begincidrange/begincidchar: a CID CMap, not a ToUnicode CMap" % lab)
        return
    mapped = set()
    for blk in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        mapped.update(int(m.group(1), 16) for m in RE_BFCHAR.finditer(blk))
    ranges = []
    for blk in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
        ranges += [(int(m.group(1), 16), int(m.group(2), 16)) for m in RE_BFRANGE.finditer(blk)]
    if not mapped and not ranges:
        r.fail("6.3.8-1", "%s: /ToUnicode has no bfchar or bfrange mappings" % lab)
        return
    used = fu.cids if name(fu.obj.get("/Subtype")) == "/Type0" else fu.codes
    missing = sorted(c for c in used if c not in mapped and not any(lo <= c <= hi for lo, hi in ranges))
    if missing:
        r.fail("6.3.8-1", "%s: /ToUnicode does not map used code%s %s" %
               (lab, "s" if len(missing) > 1 else "", " ".join("%04X" % c for c in missing[:12])))


def check_cmap(cmap, cf, lab, r):
    data = cmap.read_bytes()
    csi = cf.get("/CIDSystemInfo")
    mcsi = cmap.get("/CIDSystemInfo")
    if is_dict(csi) and is_dict(mcsi):
        for k in ("/Registry", "/Ordering"):
            if text(csi.get(k)) != text(mcsi.get(k)):
                r.fail("6.3.3.1-1", "%s: CIDSystemInfo %s differs between CIDFont (%s) and CMap (%s)"
                       % (lab, k[1:], text(csi.get(k)), text(mcsi.get(k))))
    m = re.search(rb"/WMode\s+(\d+)", data)
    prog = int(m.group(1)) if m else 0
    dct = cmap.get("/WMode")
    dct = int(dct) if dct is not None else 0
    if prog != dct:
        r.fail("6.3.3.3-2", "%s: CMap /WMode %d in the dictionary, %d in the program" % (lab, dct, prog))
    for blk in re.findall(rb"begincidrange(.*?)endcidrange", data, re.S):
        for v in re.findall(rb"<[0-9A-Fa-f]+>\s*<[0-9A-Fa-f]+>\s*(\d+)", blk):
            if int(v) > 65535:
                r.fail("6.1.12-10", "%s: CMap maps to CID %s" % (lab, v.decode()))
    for blk in re.findall(rb"begincidchar(.*?)endcidchar", data, re.S):
        for v in re.findall(rb"<[0-9A-Fa-f]+>\s*(\d+)", blk):
            if int(v) > 65535:
                r.fail("6.1.12-10", "%s: CMap maps to CID %s" % (lab, v.decode()))


# --------------------------------------------------------------------------
# Metadata: XMP packet, PDF/A identification, Info <-> XMP

RE_PDF_DATE = re.compile(r"^(?:D:)?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?"
                         r"(?:([Zz+\-])(?:(\d{2})'?(?:(\d{2})'?)?)?)?$")
RE_XMP_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?"
                         r"(Z|[+\-]\d{2}:\d{2})?)?)?)?$")


def pdf_date(s):
    m = RE_PDF_DATE.match(s.strip())
    if not m:
        return None
    y, mo, d, h, mi, sec, sign, oh, om = m.groups()
    dt = datetime.datetime(int(y), int(mo or 1), int(d or 1), int(h or 0), int(mi or 0), int(sec or 0))
    if sign is None:
        return dt
    off = datetime.timedelta(hours=int(oh or 0), minutes=int(om or 0))
    if sign == "-":
        off = -off
    return dt.replace(tzinfo=datetime.timezone(off))


def xmp_date(s):
    m = RE_XMP_DATE.match(s.strip())
    if not m:
        return None
    y, mo, d, h, mi, sec, tz = m.groups()
    dt = datetime.datetime(int(y), int(mo or 1), int(d or 1), int(h or 0), int(mi or 0), int(sec or 0))
    if tz is None:
        return dt
    if tz == "Z":
        return dt.replace(tzinfo=datetime.timezone.utc)
    off = datetime.timedelta(hours=int(tz[1:3]), minutes=int(tz[4:6]))
    return dt.replace(tzinfo=datetime.timezone(-off if tz[0] == "-" else off))


class Xmp:
    """Top-level XMP properties: {'{ns}name': value}; value is a str, a list
    of str (Seq/Bag), a dict lang->str (Alt) or the element (structures)."""

    def __init__(self, data):
        self.prefixes = []
        for ev, item in ET.iterparse(io.BytesIO(data), events=("start-ns",)):
            self.prefixes.append(item)
        root = ET.fromstring(data)
        self.props = {}
        self.ext_ns = set()
        for el in root.iter():
            if el.tag == "{%s}namespaceURI" % NS_PDFA_SCHEMA and el.text:
                self.ext_ns.add(el.text.strip())
        for desc in root.iter("{%s}Description" % NS_RDF):
            for k, v in desc.attrib.items():
                if not k.startswith("{%s}" % NS_RDF) and k != XML_LANG:
                    self.props.setdefault(k, v)
            for child in desc:
                self.props.setdefault(child.tag, self.value(child))

    @staticmethod
    def value(el):
        for kind in ("Alt", "Seq", "Bag"):
            c = el.find("{%s}%s" % (NS_RDF, kind))
            if c is not None:
                lis = c.findall("{%s}li" % NS_RDF)
                if kind == "Alt":
                    return {li.get(XML_LANG, ""): (li.text or "") for li in lis}
                return [(li.text or "") for li in lis]
        if len(el) or el.get("{%s}parseType" % NS_RDF) == "Resource":
            return el
        return el.text or ""

    def get(self, ns, local):
        return self.props.get("{%s}%s" % (ns, local))


NS = {"dc": "http://purl.org/dc/elements/1.1/", "xmp": "http://ns.adobe.com/xap/1.0/",
      "pdf": "http://ns.adobe.com/pdf/1.3/"}


def check_metadata(pdf, r):
    root = pdf.Root
    md = root.get("/Metadata")
    if not is_stream(md):
        r.fail("6.7.2-1", "catalog has no /Metadata stream (XMP checks 6.7.3 to 6.7.11 skipped)")
        return
    if name(md.get("/Type")) != "/Metadata" or name(md.get("/Subtype")) != "/XML":
        keys = " ".join("%s %s" % (k, md.get(k)) for k in sorted(md.keys()) if k in ("/Type", "/Subtype", "/SubType"))
        r.fail("6.7.2-1", "metadata stream dictionary lacks /Type /Metadata /Subtype /XML (has: %s)" % keys)
    if "/Filter" in md.keys():
        r.fail("6.7.2-2", "metadata stream has /Filter %s" % md.get("/Filter"))
    try:
        data = md.read_bytes()
    except pikepdf.PdfError as e:
        r.fail("6.7.9-1", "metadata stream cannot be decoded: %s" % e)
        return
    hm = re.search(rb"<\?xpacket\s+begin\s*=(.*?)\?>", data, re.S)
    if hm:
        if re.search(rb"\bbytes\s*=", hm.group(1)):
            r.fail("6.7.5-1", "xpacket header has a bytes= attribute")
        if re.search(rb"\bencoding\s*=", hm.group(1)):
            r.fail("6.7.5-2", "xpacket header has an encoding= attribute")
    try:
        x = Xmp(data)
    except ET.ParseError as e:
        r.fail("6.7.9-1", "XMP is not well-formed XML: %s (6.7.3 and 6.7.11 skipped)" % e)
        return
    predefined = PREDEFINED_NS | (PREDEFINED_NS_PART3 if r.part == 3 else set())
    for k in sorted(x.props):
        ns = k[1:].split("}")[0] if k.startswith("{") else ""
        if ns not in predefined and ns not in x.ext_ns:
            r.fail("6.7.9-2", "XMP property %s: namespace %s is neither predefined nor declared in a "
                   "pdfaExtension schema" % (k.split("}")[-1], ns or "(none)"))
    check_pdfaid(x, r)
    check_info(pdf, x, r)


def check_pdfaid(x, r):
    part = x.get(NS_PDFAID, "part")
    conf = x.get(NS_PDFAID, "conformance")
    if part is None or conf is None:
        r.fail("6.7.11-1", "XMP lacks pdfaid:%s" % ("part" if part is None else "conformance"))
    if part is not None and str(part).strip() != str(r.part):
        r.fail("6.7.11-2", "pdfaid:part is %s, expected %d" % (str(part).strip(), r.part))
    if conf is not None and str(conf).strip() != "B":
        r.fail("6.7.11-3", "pdfaid:conformance is %s; this checker validates level B" % str(conf).strip())
    for prefix, uri in x.prefixes:
        if uri == NS_PDFAID and prefix != "pdfaid":
            r.fail("6.7.11-4", "PDF/A identification namespace bound to prefix %r, not pdfaid" % prefix)


def check_info(pdf, x, r):
    info = pdf.trailer.get("/Info")
    if not is_dict(info):
        return
    simple = [("/Title", "6.7.3-2", "dc:title['x-default']", lambda: alt(x.get(NS["dc"], "title"))),
              ("/Subject", "6.7.3-4", "dc:description['x-default']", lambda: alt(x.get(NS["dc"], "description"))),
              ("/Keywords", "6.7.3-5", "pdf:Keywords", lambda: plain(x.get(NS["pdf"], "Keywords"))),
              ("/Creator", "6.7.3-6", "xmp:CreatorTool", lambda: plain(x.get(NS["xmp"], "CreatorTool"))),
              ("/Producer", "6.7.3-7", "pdf:Producer", lambda: plain(x.get(NS["pdf"], "Producer")))]
    for key, cid, prop, get in simple:
        if key not in info.keys():
            continue
        iv = text(info.get(key))
        xv = get()
        if iv is None:
            r.fail(cid, "Info %s is not a string" % key[1:])
        elif xv is None:
            r.fail(cid, "Info %s is %r but XMP has no %s" % (key[1:], short(iv), prop))
        elif iv != xv:
            r.fail(cid, "Info %s %r differs from %s %r" % (key[1:], short(iv), prop, short(xv)))
    if "/Author" in info.keys():
        iv = text(info.get("/Author"))
        xv = x.get(NS["dc"], "creator")
        if iv is None:
            r.fail("6.7.3-3", "Info Author is not a string")
        elif not isinstance(xv, list):
            r.fail("6.7.3-3", "Info Author is %r but XMP has no dc:creator Seq" % short(iv))
        elif len(xv) != 1:
            r.fail("6.7.3-3", "dc:creator has %d entries; with Info Author it must have exactly one" % len(xv))
        elif xv[0] != iv:
            r.fail("6.7.3-3", "Info Author %r differs from dc:creator %r" % (short(iv), short(xv[0])))
    for key, cid, local in (("/CreationDate", "6.7.3-1", "CreateDate"), ("/ModDate", "6.7.3-8", "ModifyDate")):
        if key not in info.keys():
            continue
        iv = text(info.get(key))
        xv = plain(x.get(NS["xmp"], local))
        idt = pdf_date(iv) if iv is not None else None
        if idt is None:
            r.fail(cid, "Info %s %r is not a PDF date" % (key[1:], iv))
            continue
        if xv is None:
            r.fail(cid, "Info %s is set but XMP has no xmp:%s" % (key[1:], local))
            continue
        xdt = xmp_date(xv)
        if xdt is None:
            r.fail(cid, "xmp:%s %r is not an XMP date" % (local, xv))
        elif (idt.tzinfo is None) != (xdt.tzinfo is None):
            r.fail(cid, "Info %s %s and xmp:%s %s: time zone given in only one" % (key[1:], iv, local, xv))
        elif idt != xdt:
            r.fail(cid, "Info %s %s and xmp:%s %s are different instants" % (key[1:], iv, local, xv))


def alt(v):
    if isinstance(v, dict):
        return v.get("x-default")
    return None


def plain(v):
    return v if isinstance(v, str) else None


def short(s):
    return s if len(s) <= 60 else s[:57] + "..."


# --------------------------------------------------------------------------
# Catalog-level rules, annotations, forms, associated files

def check_catalog(pdf, r, oi_space):
    root = pdf.Root
    if "/OCProperties" in root.keys():
        r.fail("6.1.13-1", "catalog has /OCProperties (optional content)")
    names = dget(root, "/Names")
    if dget(names, "/EmbeddedFiles") is not None:
        r.fail("6.1.11-2", "name dictionary has /EmbeddedFiles")
    if dget(names, "/JavaScript") is not None:
        r.fail("6.6.1-1", "name dictionary has /JavaScript")
    acro = dget(root, "/AcroForm")
    if is_dict(acro) and acro.get("/NeedAppearances") is True:
        r.fail("6.9-1", "AcroForm /NeedAppearances is true")
    for i, page in enumerate(pdf.pages):
        pobj = page.obj
        if name(dget(pobj.get("/Group"), "/S")) == "/Transparency":
            r.fail("6.4-3", "page %d has a transparency group" % (i + 1))
        for j, a in enumerate(pobj.get("/Annots") or []):
            if is_dict(a):
                check_annot(a, "page %d annotation %d" % (i + 1, j + 1), r, oi_space)


def check_annot(a, where, r, oi_space):
    sub = name(a.get("/Subtype"))
    if sub not in ANNOT_TYPES:
        r.fail("6.5.2-1", "%s: annotation type %s" % (where, sub))
    ca = a.get("/CA")
    if ca is not None and ca != 1:
        r.fail("6.5.3-1", "%s: /CA %s" % (where, ca))
    flags = a.get("/F")
    if not isinstance(flags, int) or not flags & 4 or flags & (1 | 2 | 32):
        r.fail("6.5.3-2", "%s (%s): /F %s; needs Print set and Hidden, Invisible, NoView clear"
               % (where, (sub or "/?")[1:], flags if flags is not None else "missing"))
    if ("/C" in a.keys() or "/IC" in a.keys()) and oi_space != b"RGB ":
        r.fail("6.5.3-3", "%s: /C or /IC without an RGB OutputIntent" % where)
    ap = a.get("/AP")
    if is_dict(ap):
        if set(ap.keys()) != {"/N"}:
            r.fail("6.5.3-4", "%s: /AP has %s" % (where, " ".join(sorted(ap.keys()))))
        n = ap.get("/N")
        btn = sub == "/Widget" and name(inherited(a, "/FT")) == "/Btn"
        if n is not None and btn and not (is_dict(n) and not is_stream(n)):
            r.fail("6.5.3-5", "%s: button widget /AP /N is not a subdictionary" % where)
        if n is not None and not btn and not is_stream(n):
            r.fail("6.5.3-6", "%s: /AP /N is not a stream" % where)
    elif sub == "/Widget":
        r.fail("6.9-2", "%s: widget without an appearance dictionary" % where)


def check_embedded_files(w, r):
    if r.part != 3:
        return
    for spec, where in w.filespecs:
        if "/F" not in spec.keys() or "/UF" not in spec.keys():
            r.fail("6.8-2", "%s: embedded file specification lacks %s" %
                   (where, " and ".join(k for k in ("/F", "/UF") if k not in spec.keys())))
        rel = spec.get("/AFRelationship")
        if rel is None:
            r.fail("6.8-3", "%s: embedded file specification without /AFRelationship" % where)
        elif name(rel) not in AF_RELATIONSHIPS:
            r.fail("6.8-3", "%s: /AFRelationship %s is not Source, Data, Alternative, Supplement or Unspecified"
                   % (where, rel))
        if (key_of(spec) or id(spec)) not in w.af_members:
            r.fail("6.8-4", "%s: embedded file is not listed in any /AF array (catalog, page or object)" % where)
        ef = spec.get("/EF")
        for k in sorted(ef.keys()) if is_dict(ef) else []:
            st = ef.get(k)
            mime = name(dget(st, "/Subtype"))
            mime = mime[1:] if mime else None
            if mime is None or not re.match(r"^[-\w+.]+/[-\w+.]+$", mime):
                r.fail("6.8-1", "%s: embedded file /EF %s has no MIME type /Subtype (got %s)"
                       % (where, k, mime or "none"))


# --------------------------------------------------------------------------

def check_trailer(pdf, r):
    t = pdf.trailer
    ident = t.get("/ID")
    if not is_array(ident) or len(ident) != 2 or not all(isinstance(x, pikepdf.String) for x in ident):
        r.fail("6.1.3-1", "trailer has no /ID array of two strings")
    else:
        lens = [len(bytes(x)) for x in ident]
        if lens != [16, 16]:
            r.fail("6.1.3-1", "trailer /ID strings are %d and %d bytes, not 16" % tuple(lens))
    if "/Encrypt" in t.keys() or pdf.is_encrypted:
        r.fail("6.1.3-2", "file is encrypted (/Encrypt in the trailer)")
    size = t.get("/Size")
    if isinstance(size, int) and size - 1 > 8388607:
        r.fail("6.1.12-7", "trailer /Size %d: more than 8388607 indirect objects" % size)


def check_file(path, part, iso):
    r = Report(part, iso)
    with open(path, "rb") as f:
        raw = f.read()
    check_header(raw, r)
    check_eof(raw, r)
    offsets, trailers, classic = parse_xref_chain(raw, r)
    if classic:
        check_objects_raw(raw, offsets, trailers, r)
        check_linearized(raw, trailers, r)
    else:
        r.note("object syntax (6.1.6, 6.1.7-1/2, 6.1.8) not checked: no classic xref to find the objects")
    try:
        pdf = pikepdf.open(path)
    except pikepdf.PasswordError:
        r.fail("6.1.3-2", "file is encrypted with a user password; nothing else checked")
        return r
    for wmsg in pdf.get_warnings():
        r.note("qpdf: %s" % wmsg)
    check_trailer(pdf, r)
    w = Walk()
    walk_all(pdf, r, w)
    usage = Usage()
    run_pages(pdf, usage, r)
    oi_space = check_output_intents(pdf, r)
    check_iccbased(w, r)
    check_device_use(usage, oi_space, pdf, r)
    seen = set()
    for g, where in list(usage.extgstates.values()) + w.extgstates:
        k = key_of(g) or where
        if k not in seen:
            seen.add(k)
            check_extgstate(g, where, r)
    check_fonts(usage, r)
    check_catalog(pdf, r, oi_space)
    check_embedded_files(w, r)
    check_metadata(pdf, r)
    for wmsg in pdf.get_warnings():
        r.note("qpdf: %s" % wmsg)
    return r


def main(argv):
    ap = argparse.ArgumentParser(prog="check_pdfa.py", description="PDF/A-1b (or -3b) conformance checks for gkreport")
    ap.add_argument("--part", type=int, choices=(1, 3), default=1, help="PDF/A part claimed (default 1)")
    ap.add_argument("--iso", action="store_true", help="report [project] clauses as WARN, not FAIL")
    ap.add_argument("--list", action="store_true", help="print the clauses checked and exit")
    ap.add_argument("-v", "--verbose", action="store_true", help="also print what could not be checked")
    ap.add_argument("file", nargs="?")
    a = ap.parse_args(argv[1:])
    if a.list:
        for cid, parts, level, desc in CLAUSES:
            if str(a.part) in parts:
                print("%-10s %s%s" % (cid, "[project] " if level == "project" else "", desc))
        return 0
    if not a.file:
        ap.print_usage(sys.stderr)
        return 2
    try:
        r = check_file(a.file, a.part, a.iso)
    except OSError as e:
        sys.stderr.write("check_pdfa: %s: %s\n" % (a.file, e.strerror))
        return 2
    except pikepdf.PdfError as e:
        sys.stderr.write("check_pdfa: %s: cannot parse: %s\n" % (a.file, e))
        return 2
    return r.print(a.verbose)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
