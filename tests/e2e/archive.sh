# archive.sh - sourced by run.sh: --archive (PDF/A-1b), --attach-source
# (PDF/A-3b with the description and layout embedded), gkreport extract, the
# metadata every PDF carries, SOURCE_DATE_EPOCH, determinism and the outline.
# The PDFs are read back with tools other than gkreport: the project's PDF/A
# checker (pikepdf), poppler (pdfinfo, pdfdetach), qpdf and mupdf; extract's
# output is compared with the inputs byte for byte.
#
# Every check runs in this shell (loops over files, never a pipe into a loop)
# so that the pass/fail counters are kept.

ar=$tmp/archive
mkdir -p "$ar"
ar_python=${PYTHON:-/usr/bin/python3}
ar_checker=$root/tests/pdfa/check_pdfa.py
ar_version=$("$gk" --version)

# ar_top FILE KEY: the value of a top-level "KEY: value" line, without
# a trailing comment or quotes.
ar_top() {
	awk -v k="$2" '$0 ~ "^" k ":" {
		sub("^" k ": *", ""); sub(/ +#.*/, ""); gsub(/^["'\'']|["'\'']$/, "")
		print; exit }' "$1"
}

# ar_signoff_date FILE: the sign-off date, YYYY-MM-DD.
ar_signoff_date() {
	awk '/^signoff:/ { s = 1; next } /^[^ #]/ { s = 0 }
		s && /^  date:/ { print $2; exit }' "$1"
}

# ar_layout FILE: the layout file a description names (by name, from
# DATA_DIR/layouts, as run.sh sets GK_DATA_DIR).
ar_layout() {
	echo "$root/layouts/$(ar_top "$1" layout).yaml"
}

# ar_title FILE: the title the layout's default makes of agency and year
# (no sample sets its own): the phrases of its "title:" list, joined.
ar_title() {
	ar_t=$(ar_top "$(ar_layout "$1")" title | sed 's/[][" ]//g; s/,//g')
	ar_t=$(printf '%s' "$ar_t" | sed "s/{agency}/$(ar_top "$1" agency)/; s/{year}/$(ar_top "$1" year)/")
	printf '%s\n' "$ar_t"
}

# ar_expected_outline DESCRIPTION LAYOUT: "0 一、总体情况" for each chapter
# (the layout's headings, in the order the description gives its chapters,
# which check enforces) and "1 主动公开情况" for each sub-heading under it.
ar_expected_outline() {
	awk 'FNR == NR { if ($0 ~ /^    heading: /) { sub(/^    heading: */, "");
			sub(/ +#.*/, ""); h[++n] = $0 } next }
		/^chapters:/ { c = 1; next }
		c && /^[^ #]/ { c = 0 }
		c && /^  [^ #-]/ { print "0 " h[++k]; next }
		c && /^    - heading: / { sub(/^    - heading: */, ""); sub(/ +#.*/, "");
			print "1 " $0 }' "$2" "$1"
}

# ar_outline PDF: mutool's outline as "DEPTH TITLE" lines, the number of the
# sub-heading ("（一）") taken off so that it compares with the description.
ar_outline() {
	mutool show "$1" outline 2>/dev/null | awk -F'"' '{
		d = $1; gsub(/[^\t]/, "", d); t = $2
		if (length(d) > 1) sub(/^（[一二三四五六七八九十]+）/, "", t)
		print length(d) - 1 " " t }'
}

# ar_info PDF KEY: the Info entry as pdfinfo prints it.
ar_info() {
	pdfinfo -isodates "$1" 2>/dev/null | sed -n "s/^$2: *//p"
}

# ar_pdfa NAME PART PDF: the PDF/A checker passes PDF with 0 failures.
ar_pdfa() {
	if "$ar_python" "$ar_checker" --part "$2" "$3" >"$3.pdfa" 2>&1 &&
		grep -q '^PASS' "$3.pdfa" && ! grep -q '^FAIL' "$3.pdfa"; then
		pass "$1"
	else
		fail "$1" "$(grep -m 6 'FAIL' "$3.pdfa")"
	fi
}

# ar_metadata NAME DESCRIPTION PDF: title, author, subject, keywords,
# creator and both dates (the sign-off date at 00:00 China time) as
# pdfinfo reads them; /Lang zh-CN and a two-string /ID as mutool reads them.
ar_metadata() {
	ar_d=$(ar_signoff_date "$2")
	ar_want="$(ar_title "$2")|$(ar_top "$2" agency)|$(ar_title "$2")|$(ar_top "$2" year)年, 政府信息公开年度报告|$ar_version|${ar_d}T00:00:00+08|${ar_d}T00:00:00+08"
	ar_got="$(ar_info "$3" Title)|$(ar_info "$3" Author)|$(ar_info "$3" Subject)|$(ar_info "$3" Keywords)|$(ar_info "$3" Creator)|$(ar_info "$3" CreationDate)|$(ar_info "$3" ModDate)"
	if [ "$ar_got" = "$ar_want" ]; then pass "$1: Info from the description"
	else fail "$1: Info from the description" "want $ar_want" "got  $ar_got"; fi
	ar_raw=$(mutool show "$3" trailer/Info/CreationDate 2>/dev/null)
	ar_dd=$(echo "$ar_d" | tr -d -)
	if [ "$ar_raw" = "(D:${ar_dd}000000+08'00')" ]; then pass "$1: CreationDate written D:${ar_dd}000000+08'00'"
	else fail "$1: CreationDate written D:${ar_dd}000000+08'00'" "got [$ar_raw]"; fi
	ar_lang=$(mutool show "$3" trailer/Root/Lang 2>/dev/null)
	ar_id=$(mutool show "$3" trailer/ID 2>/dev/null | tr -d '\n')
	if [ "$ar_lang" = "(zh-CN)" ] &&
		echo "$ar_id" | grep -Eq '^\[ *<[0-9A-Fa-f]{32}> *<[0-9A-Fa-f]{32}> *\]$'; then
		pass "$1: /Lang (zh-CN) and a /ID of two 16-byte strings"
	else
		fail "$1: /Lang (zh-CN) and a /ID of two 16-byte strings" "Lang [$ar_lang] ID [$ar_id]"
	fi
}

# ar_xmp NAME DESCRIPTION PDF PART: the XMP packet (pdfinfo -meta) holds the
# title, the agency as dc:creator, the creator tool, both dates with +08:00
# and the PDF/A identification part PART, conformance B.
ar_xmp() {
	pdfinfo -meta "$3" 2>/dev/null | tr -d '\n' > "$3.xmp"
	ar_d=$(ar_signoff_date "$2")
	ar_miss=
	for ar_re in "dc:title.*$(ar_title "$2").*/dc:title" \
		"dc:creator.*$(ar_top "$2" agency).*/dc:creator" \
		"xmp:CreatorTool(>|=\")$ar_version" \
		"xmp:CreateDate(>|=\")${ar_d}T00:00:00\\+08:00" \
		"xmp:ModifyDate(>|=\")${ar_d}T00:00:00\\+08:00" \
		"pdfaid:part(>|=\")$4" "pdfaid:conformance(>|=\")B"; do
		grep -Eq "$ar_re" "$3.xmp" || ar_miss="$ar_miss [$ar_re]"
	done
	if [ -z "$ar_miss" ]; then pass "$1: XMP matches (pdfaid part $4)"
	else fail "$1: XMP matches (pdfaid part $4)" "missing:$ar_miss"; fi
}

# ar_attached NAME DESCRIPTION PDF: pdfdetach lists the description and
# its layout by base name; extract writes them back byte for byte and
# lists both paths.
ar_attached() {
	ar_lay=$(ar_layout "$2")
	ar_dn=$(basename "$2") ar_ln=$(basename "$ar_lay")
	pdfdetach -list "$3" >"$3.list" 2>&1
	if grep -q '^2 embedded files$' "$3.list" && grep -q "^[0-9]*: $ar_dn\$" "$3.list" &&
		grep -q "^[0-9]*: $ar_ln\$" "$3.list"; then
		pass "$1: pdfdetach lists $ar_dn and $ar_ln"
	else
		fail "$1: pdfdetach lists $ar_dn and $ar_ln" "$(head -4 "$3.list")"
	fi
	"$gk" extract "$3" -o "$3.files" >"$3.extract" 2>&1
	ar_status=$?
	if [ "$ar_status" -eq 0 ] && cmp -s "$2" "$3.files/$ar_dn" &&
		cmp -s "$ar_lay" "$3.files/$ar_ln" &&
		grep -qx "$3.files/$ar_dn" "$3.extract" && grep -qx "$3.files/$ar_ln" "$3.extract"; then
		pass "$1: extract gives back both inputs byte for byte"
	else
		fail "$1: extract gives back both inputs byte for byte" "exit $ar_status" "$(head -3 "$3.extract")"
	fi
}

# ar_outline_check NAME DESCRIPTION PDF: the bookmarks are the six chapter
# headings with the sub-headings nested under their chapter, in order.
ar_outline_check() {
	ar_expected_outline "$2" "$(ar_layout "$2")" > "$3.outline.want"
	ar_outline "$3" > "$3.outline.got"
	if [ "$(grep -c '^0 ' "$3.outline.want")" -eq 6 ] &&
		cmp -s "$3.outline.want" "$3.outline.got"; then
		pass "$1: outline of 6 chapters, sub-headings nested"
	else
		fail "$1: outline of 6 chapters, sub-headings nested" \
			"$(diff "$3.outline.want" "$3.outline.got" | head -4)"
	fi
}

# ar_opens NAME PDF: /PageMode /UseOutlines, and no /OpenAction or one
# that goes to the first page.
ar_opens() {
	ar_mode=$(mutool show "$2" trailer/Root/PageMode 2>/dev/null)
	ar_first=$(qpdf --show-pages "$2" 2>/dev/null | sed -n 's/^page 1: \([0-9]* [0-9]* R\)$/\1/p')
	ar_open=$(mutool show "$2" trailer/Root/OpenAction 2>/dev/null | tr -d '\n')
	case $ar_open in
	null|"") ar_open_ok=1 ;;
	"[ $ar_first "*|"[$ar_first "*) ar_open_ok=1 ;;
	*) ar_open_ok=0 ;;
	esac
	if [ "$ar_mode" = "/UseOutlines" ] && [ -n "$ar_first" ] && [ "$ar_open_ok" -eq 1 ]; then
		pass "$1: opens on page 1 with the outline shown"
	else
		fail "$1: opens on page 1 with the outline shown" "PageMode [$ar_mode] OpenAction [$ar_open] page 1 [$ar_first]"
	fi
}

# --- every sample: plain, --archive, --attach-source ----------------------------
for ar_in in "$root"/samples/*.yaml; do
	ar_n=$(basename "$ar_in" .yaml)
	ar_plain=$ar/$ar_n.pdf ar_a1=$ar/$ar_n-a1.pdf ar_a3=$ar/$ar_n-a3.pdf
	if "$gk" render "$ar_in" -o "$ar_plain" 2>"$ar/$ar_n.err" &&
		"$gk" render --archive "$ar_in" -o "$ar_a1" 2>>"$ar/$ar_n.err" &&
		"$gk" render --archive --attach-source "$ar_in" -o "$ar_a3" 2>>"$ar/$ar_n.err"; then
		pass "$ar_n: render, --archive and --attach-source"
	else
		fail "$ar_n: render, --archive and --attach-source" "$(head -3 "$ar/$ar_n.err")"
		continue
	fi
	ar_metadata "$ar_n" "$ar_in" "$ar_plain"
	ar_metadata "$ar_n --archive" "$ar_in" "$ar_a1"
	ar_pdfa "$ar_n --archive: PDF/A-1b checker, 0 failures" 1 "$ar_a1"
	ar_xmp "$ar_n --archive" "$ar_in" "$ar_a1" 1
	ar_pdfa "$ar_n --attach-source: PDF/A-3b checker, 0 failures" 3 "$ar_a3"
	ar_xmp "$ar_n --attach-source" "$ar_in" "$ar_a3" 3
	ar_attached "$ar_n --attach-source" "$ar_in" "$ar_a3"
	ar_outline_check "$ar_n" "$ar_in" "$ar_plain"
	ar_opens "$ar_n" "$ar_plain"
done

# --- the options ----------------------------------------------------------------
ar_s=$ar/wangchenglu-2024
if ! pdfinfo -meta "$ar_s.pdf" 2>/dev/null | grep -q 'pdfaid' &&
	[ "$(pdfdetach -list "$ar_s-a1.pdf" 2>/dev/null | head -1)" = "0 embedded files" ]; then
	pass "a plain PDF claims no PDF/A part; --archive alone embeds nothing"
else
	fail "a plain PDF claims no PDF/A part; --archive alone embeds nothing"
fi
if "$gk" render --attach-source "$sample" -o "$ar/implied.pdf" 2>"$ar/implied.err" &&
	cmp -s "$ar/implied.pdf" "$ar_s-a3.pdf"; then
	pass "--attach-source implies --archive"
else
	fail "--attach-source implies --archive" "$(head -3 "$ar/implied.err")"
fi
"$gk" check --archive "$sample" >/dev/null 2>"$ar/check-archive.err"
ar_status=$?
if [ "$ar_status" -eq 2 ] && grep -q 'option --archive does not apply' "$ar/check-archive.err"; then
	pass "check refuses --archive (it writes no PDF)"
else
	fail "check refuses --archive (it writes no PDF)" "exit $ar_status"
fi
# From standard input the description is embedded as description.yaml.
if "$gk" render --attach-source - -o "$ar/stdin.pdf" <"$sample" 2>"$ar/stdin.err" &&
	"$gk" extract "$ar/stdin.pdf" -o "$ar/stdin.files" >/dev/null 2>&1 &&
	cmp -s "$sample" "$ar/stdin.files/description.yaml"; then
	pass "--attach-source from stdin embeds description.yaml"
else
	fail "--attach-source from stdin embeds description.yaml" "$(head -3 "$ar/stdin.err")"
fi

# --- SOURCE_DATE_EPOCH: the dates change, nothing else --------------------------
# 1700000000 = 2023-11-14T22:13:20 UTC, written with +00'00' / +00:00.
SOURCE_DATE_EPOCH=1700000000 "$gk" render --archive "$sample" -o "$ar/sde.pdf" 2>"$ar/sde.err"
ar_raw=$(mutool show "$ar/sde.pdf" trailer/Info/ModDate 2>/dev/null)
if [ "$(ar_info "$ar/sde.pdf" CreationDate)" = "2023-11-14T22:13:20Z" ] &&
	[ "$ar_raw" = "(D:20231114221320+00'00')" ] &&
	pdfinfo -meta "$ar/sde.pdf" | grep -Eq 'xmp:CreateDate(>|=")2023-11-14T22:13:20\+00:00' &&
	! pdfinfo -meta "$ar/sde.pdf" | grep -Eq '20[0-9-]+T[0-9:]+Z'; then
	pass "SOURCE_DATE_EPOCH sets both dates, offset +00:00 (never Z)"
else
	fail "SOURCE_DATE_EPOCH sets both dates, offset +00:00 (never Z)" "ModDate [$ar_raw]" "$(head -2 "$ar/sde.err")"
fi
# The files are equal once the dates are swapped (the same length, so every
# offset stays): the /ID does not depend on the dates either.
"$ar_python" - "$ar_s-a1.pdf" "$ar/swapped.pdf" <<'EOF'
import sys
data = open(sys.argv[1], "rb").read()
for old, new in ((b"D:20250120000000+08'00'", b"D:20231114221320+00'00'"),
                 (b"2025-01-20T00:00:00+08:00", b"2023-11-14T22:13:20+00:00")):
    data = data.replace(old, new)
open(sys.argv[2], "wb").write(data)
EOF
if cmp -s "$ar/swapped.pdf" "$ar/sde.pdf" && ! cmp -s "$ar_s-a1.pdf" "$ar/sde.pdf"; then
	pass "SOURCE_DATE_EPOCH changes the dates and nothing else"
else
	fail "SOURCE_DATE_EPOCH changes the dates and nothing else" "$(cmp "$ar/swapped.pdf" "$ar/sde.pdf" 2>&1)"
fi
SOURCE_DATE_EPOCH=yesterday "$gk" render "$sample" -o "$ar/bad-sde.pdf" 2>"$ar/bad-sde.err"
ar_status=$?
if [ "$ar_status" -eq 1 ] && [ ! -e "$ar/bad-sde.pdf" ] &&
	grep -q "^gkreport: error: SOURCE_DATE_EPOCH .*'yesterday'" "$ar/bad-sde.err"; then
	pass "a malformed SOURCE_DATE_EPOCH: exit 1, no PDF"
else
	fail "a malformed SOURCE_DATE_EPOCH: exit 1, no PDF" "exit $ar_status" "$(head -2 "$ar/bad-sde.err")"
fi

# --- determinism: folder, path form, TZ and the clock change nothing --------------
mkdir -p "$ar/elsewhere"
for ar_opt in "" "--attach-source"; do
	# shellcheck disable=SC2086
	(cd "$root" && TZ=Asia/Shanghai "$gk" render $ar_opt samples/wangchenglu-2024.yaml -o "$ar/det1.pdf") 2>/dev/null
	sleep 1
	# shellcheck disable=SC2086
	(cd "$ar/elsewhere" && TZ=America/New_York "$gk" render $ar_opt "$sample" -o "$ar/det2.pdf") 2>/dev/null
	if [ -s "$ar/det1.pdf" ] && cmp -s "$ar/det1.pdf" "$ar/det2.pdf"; then
		pass "identical bytes ${ar_opt:-plain}: other folder, relative vs absolute path, TZ, a second later"
	else
		fail "identical bytes ${ar_opt:-plain}: other folder, relative vs absolute path, TZ, a second later"
	fi
	rm -f "$ar/det1.pdf" "$ar/det2.pdf"
done
# A one-character change in the description changes the /ID.
sed 's/^  其他需要报告的事项: 无/  其他需要报告的事项: 无。/' "$sample" > "$ar/changed.yaml"
"$gk" render "$ar/changed.yaml" -o "$ar/changed.pdf" 2>/dev/null
ar_id1=$(mutool show "$pdf" trailer/ID 2>/dev/null | tr -d '\n')
ar_id2=$(mutool show "$ar/changed.pdf" trailer/ID 2>/dev/null | tr -d '\n')
if ! cmp -s "$sample" "$ar/changed.yaml" && [ -n "$ar_id1" ] && [ "$ar_id1" != null ] &&
	[ -n "$ar_id2" ] && [ "$ar_id1" != "$ar_id2" ]; then
	pass "a different description gives a different /ID"
else
	fail "a different description gives a different /ID" "[$ar_id1] [$ar_id2]"
fi

# --- extract: what it refuses, and names that would escape the folder ------------
"$gk" extract "$pdf" -o "$ar/none" >"$ar/none.out" 2>"$ar/none.err"
ar_status=$?
if [ "$ar_status" -eq 2 ] && grep -q "^$pdf: error: .*no embedded files" "$ar/none.err" &&
	[ ! -e "$ar/none" ]; then
	pass "extract: a PDF without attachments is exit 2, named, no folder made"
else
	fail "extract: a PDF without attachments is exit 2, named, no folder made" "exit $ar_status" "$(cat "$ar/none.err")"
fi
"$gk" extract "$sample" -o "$ar/notpdf" >/dev/null 2>"$ar/notpdf.err"
ar_status=$?
if [ "$ar_status" -eq 2 ] && grep -q "^$sample: error: cannot read as a PDF" "$ar/notpdf.err"; then
	pass "extract: a file that is not a PDF is exit 2, named"
else
	fail "extract: a file that is not a PDF is exit 2, named" "exit $ar_status" "$(cat "$ar/notpdf.err")"
fi
"$gk" extract "$ar/no-such.pdf" >/dev/null 2>"$ar/nosuch.err"
ar_status=$?
if [ "$ar_status" -eq 2 ] && grep -q "^$ar/no-such.pdf: error: " "$ar/nosuch.err"; then
	pass "extract: a missing PDF is exit 2, named"
else
	fail "extract: a missing PDF is exit 2, named" "exit $ar_status" "$(cat "$ar/nosuch.err")"
fi
# --- extract loads libqpdf only when it runs ---------------------------------------
# Linking libqpdf would load libstdc++, gnutls and more into every command;
# extract opens it with dlopen instead (src/extract.c).
if ! ldd "$gk" >"$ar/ldd.out" 2>&1; then
	fail "gkreport is not linked with libqpdf" "ldd failed" "$(head -3 "$ar/ldd.out")"
elif grep -q 'libqpdf' "$ar/ldd.out"; then
	fail "gkreport is not linked with libqpdf" "$(grep libqpdf "$ar/ldd.out")"
else
	pass "gkreport is not linked with libqpdf"
fi
# ar_patched FROM TO COPY: a copy of gkreport with every FROM in its bytes
# (backslash escapes allowed) made TO, of the same length, to stand for a
# system whose libqpdf is missing or lacks a function.
ar_patched() {
	"$ar_python" - "$gk" "$1" "$2" "$3" <<'EOF'
import sys
def raw(text):
    return text.encode("ascii").decode("unicode_escape").encode("latin-1")
binary, old, new, copy = sys.argv[1], raw(sys.argv[2]), raw(sys.argv[3]), sys.argv[4]
data = open(binary, "rb").read()
assert len(old) == len(new) and old in data, "no " + sys.argv[2]
open(copy, "wb").write(data.replace(old, new))
EOF
	chmod +x "$3"
}
ar_patched libqpdf.so.29 libqpdf.so.00 "$ar/gk-nolib"
"$ar/gk-nolib" extract "$ar/stdin.pdf" -o "$ar/nolib" >"$ar/nolib.out" 2>"$ar/nolib.err"
ar_status=$?
if [ "$ar_status" -eq 1 ] && [ ! -e "$ar/nolib" ] && [ ! -s "$ar/nolib.out" ] &&
	grep -q '^gkreport: error: extract needs libqpdf: libqpdf.so.00: .*; install it: apt-get install libqpdf29$' \
		"$ar/nolib.err"; then
	pass "extract without libqpdf installed: exit 1, names the package, no folder made"
else
	fail "extract without libqpdf installed: exit 1, names the package, no folder made" \
		"exit $ar_status" "$(head -3 "$ar/nolib.err")"
fi
ar_patched 'qpdf_oh_get_key\0' 'qpdf_oh_get_kez\0' "$ar/gk-nosym"
"$ar/gk-nosym" extract "$ar/stdin.pdf" -o "$ar/nosym" >/dev/null 2>"$ar/nosym.err"
ar_status=$?
if [ "$ar_status" -eq 1 ] && [ ! -e "$ar/nosym" ] &&
	grep -q '^gkreport: error: extract needs libqpdf: libqpdf.so.29 has no function qpdf_oh_get_kez; reinstall it: apt-get install --reinstall libqpdf29$' \
		"$ar/nosym.err"; then
	pass "extract with a libqpdf lacking a function: exit 1, named"
else
	fail "extract with a libqpdf lacking a function: exit 1, named" "exit $ar_status" "$(head -3 "$ar/nosym.err")"
fi
# The unpatched gkreport, on the same PDF, loads libqpdf and extracts.
rm -rf "$ar/stdin.files"
if "$gk" extract "$ar/stdin.pdf" -o "$ar/stdin.files" >/dev/null 2>&1 &&
	cmp -s "$sample" "$ar/stdin.files/description.yaml"; then
	pass "extract loads libqpdf and writes the embedded file"
else
	fail "extract loads libqpdf and writes the embedded file"
fi

# A PDF made by pikepdf, with a two-level name tree, Flate and plain
# streams, /AF repeating two entries, and hostile or clashing names.
"$ar_python" - "$ar/hostile.pdf" <<'EOF'
import sys, zlib
import pikepdf
from pikepdf import Array, Dictionary, Name, String
pdf = pikepdf.new()
pdf.add_blank_page()
def spec(name, data, flate=True):
    s = pikepdf.Stream(pdf, zlib.compress(data) if flate else data)
    if flate:
        s.Filter = Name.FlateDecode
    s.Type = Name.EmbeddedFile
    return pdf.make_indirect(Dictionary(Type=Name.Filespec, F=String(name),
                                        UF=String(name), EF=Dictionary(F=s)))
a = spec("../../escape.yaml", b"a\n")
b = spec("报告.yaml", "中文\n".encode())
c = spec("..", b"c")
d = spec("x\x01\x1fy.json", b"{}", flate=False)
e = spec("same.txt", b"e")
f = spec("sub/same.txt", b"f")
kids = [Dictionary(Names=Array([String("a"), a, String("b"), b])),
        Dictionary(Names=Array([String("c"), c, String("d"), d, String("e"), e,
                                String("f"), f]))]
pdf.Root.Names = Dictionary(EmbeddedFiles=Dictionary(
    Kids=Array([pdf.make_indirect(k) for k in kids])))
pdf.Root.AF = Array([a, b])
pdf.save(sys.argv[1])
EOF
mkdir -p "$ar/hostile/in"
"$gk" extract "$ar/hostile.pdf" -o "$ar/hostile/in/out" >"$ar/hostile.out" 2>"$ar/hostile.err"
ar_status=$?
ar_files=$(cd "$ar/hostile" && find . -type f | LC_ALL=C sort | tr '\n' ' ')
ar_want='./in/out/2-same.txt ./in/out/attachment-3 ./in/out/escape.yaml ./in/out/same.txt ./in/out/xy.json ./in/out/报告.yaml '
if [ "$ar_status" -eq 0 ] && [ "$ar_files" = "$ar_want" ] &&
	[ "$(cat "$ar/hostile/in/out/报告.yaml")" = "中文" ] &&
	[ "$(cat "$ar/hostile/in/out/2-same.txt")" = "f" ] && [ "$(wc -l < "$ar/hostile.out")" -eq 6 ]; then
	pass "extract: names kept inside the folder, no control characters, no clash"
else
	fail "extract: names kept inside the folder, no control characters, no clash" "exit $ar_status" "[$ar_files]" "$(head -2 "$ar/hostile.err")"
fi
