# fonts.sh - the default faces (Noto CJK, FandolFang: CFF), punctuation by
# the glyph's ink, fallback chains and the A3 layout, read back with
# poppler and mupdf.  Sourced by run.sh (uses $gk, $root, $tmp, $sample,
# pass/fail).

fonts_tmp=$tmp/fonts
mkdir -p "$fonts_tmp"
seed_pdf=$fonts_tmp/seed.pdf
"$gk" render "$sample" -o "$seed_pdf" 2>"$fonts_tmp/seed.err"

# --- CFF subsets: CID Type 0C, embedded, subset, with ToUnicode ------------
pdffonts "$seed_pdf" 2>/dev/null | tail -n +3 >"$fonts_tmp/fonts.txt"
for face in NotoSerifCJKsc-Bold FandolFang-Regular NotoSansCJKsc-Regular; do
	if grep -Eq "^[A-Z]{6}\+$face +CID Type 0C +Identity-H +yes +yes +yes " "$fonts_tmp/fonts.txt"; then
		pass "$face: CID Type 0C subset, embedded, with ToUnicode"
	else
		fail "$face: CID Type 0C subset, embedded, with ToUnicode" "$(cat "$fonts_tmp/fonts.txt")"
	fi
done
if [ ! -s "$fonts_tmp/seed.err" ]; then pass "the default faces render without a note"
else fail "the default faces render without a note" "$(head -3 "$fonts_tmp/seed.err")"; fi

# --- text extracts exactly: the title and a punctuation-heavy paragraph -----
punct='他说：“今年的工作，做得好。”（见附表一）、附表二所列；另见《条例》（2019年修订）。“公开”“透明”是要求。'
sed "s/^    - 2024 年我街道未收到政府信息公开申请。/    - $punct/" "$sample" >"$fonts_tmp/punct.yaml"
"$gk" render "$fonts_tmp/punct.yaml" -o "$fonts_tmp/punct.pdf" 2>/dev/null
if pdftotext "$fonts_tmp/punct.pdf" - 2>/dev/null | strip_ws | grep -qF "$punct" &&
	pdftotext "$seed_pdf" - 2>/dev/null | strip_ws |
	grep -qF '西工区王城路街道办事处2024年政府信息公开工作年度报告'; then
	pass "pdftotext returns the title and punctuation exactly"
else
	fail "pdftotext returns the title and punctuation exactly" \
		"$(pdftotext "$fonts_tmp/punct.pdf" - 2>/dev/null | grep -F '他说')"
fi

# --- poppler and mupdf draw the same pages -----------------------------------
# raster_diff.py tolerates anti-aliasing (a 3x3 neighbourhood); one wrong
# glyph makes dozens of pixels differ.
pages=$(pdfinfo "$seed_pdf" 2>/dev/null | awk '/^Pages:/ {print $2}')
pdftoppm -r 100 -gray "$seed_pdf" "$fonts_tmp/pp" 2>/dev/null
mutool draw -q -r 100 -c gray -o "$fonts_tmp/mu-%d.pgm" "$seed_pdf" 2>/dev/null
differ=
p=1
while [ "$p" -le "${pages:-0}" ]; do
	pp=$(ls "$fonts_tmp"/pp-*"$p".pgm 2>/dev/null | grep -E -- "-0*$p\.pgm$" | head -1)
	if ! out=$(/usr/bin/python3 "$root/tests/e2e/raster_diff.py" --ignore-rules "$pp" "$fonts_tmp/mu-$p.pgm" 2>&1); then
		differ="$differ page $p: $out;"
	fi
	p=$((p + 1))
done
if [ "${pages:-0}" -gt 0 ] && [ -z "$differ" ]; then
	pass "pdftoppm and mutool draw agree on all $pages pages"
else
	fail "pdftoppm and mutool draw agree on every page" "$differ"
fi

# --- consecutive marks take one em, in a GB-style font and in UMing ----------
# From mupdf's character positions: after 。” and ）、 the next character
# starts one em (plus at most one justification slot) after the end of the
# character before the pair; a double-width gap would add another em.
marks_check() {
	mutool draw -q -F stext -o - "$1" 1 2>/dev/null | /usr/bin/python3 -c '
import re, sys
chars = [(float(x), int(c[3:-1], 16) if c.startswith("&#x") else ord(c))
         for x, c in re.findall(r"<char quad=\"[^\"]*\" x=\"([0-9.]+)\" y=\"[0-9.]+\" color=\"[^\"]*\" c=\"([^\"]*)\"", sys.stdin.read())]
em, bad, seen = 16.0, [], 0
text = "".join(chr(c) for _, c in chars)
for run in ("\u3002\u201d", "\uff09\u3001"):
    for m in re.finditer(re.escape(run), text):
        i, j = m.start(), m.end()
        if i == 0 or j >= len(chars):
            continue
        span = chars[j][0] - chars[i - 1][0] - em
        seen += 1
        if not (len(run) * em / 2 - 0.01 <= span <= len(run) * em / 2 + 0.3 * em):
            bad.append("%s: %.2f pt" % (run, span))
print("%d runs; %s" % (seen, "; ".join(bad) or "all tight"))
sys.exit(1 if bad or seen < 2 else 0)'
}
mkdir -p "$fonts_tmp/uming/fonts"
ln -s "$root/layouts" "$fonts_tmp/uming/layouts"
sed 's/^  free: \[FandolFang, /  free: [AR PL UMing CN, /' "$root/fonts/roles.yaml" >"$fonts_tmp/uming/fonts/roles.yaml"
GK_DATA_DIR=$fonts_tmp/uming "$gk" render "$fonts_tmp/punct.yaml" -o "$fonts_tmp/punct-uming.pdf" 2>/dev/null
for f in punct punct-uming; do
	if out=$(marks_check "$fonts_tmp/$f.pdf"); then
		pass "$f: consecutive marks take half an em each ($out)"
	else
		fail "$f: consecutive marks take half an em each" "$out"
	fi
done

# --- rare characters: fallback with a note; an error when the chain is empty -
mkdir -p "$fonts_tmp/empty/fonts"
ln -s "$root/layouts" "$fonts_tmp/empty/layouts"
sed '/^fallback:/d; s/^  free: \[FandolFang, .*/  free: [FandolFang]/' \
	"$root/fonts/roles.yaml" >"$fonts_tmp/empty/fonts/roles.yaml"
GK_DATA_DIR=$fonts_tmp/empty "$gk" render "$root/samples/extension-b.yaml" \
	-o "$fonts_tmp/extb.pdf" 2>"$fonts_tmp/extb.err"
status=$?
if [ "$status" -eq 2 ] && [ ! -e "$fonts_tmp/extb.pdf" ] &&
	grep -q "error: paragraph: character '𠮷' (U+20BB7) is not in any font of role body (tried FandolFang)$" "$fonts_tmp/extb.err" &&
	grep -q "error: paragraph: character '昇' (U+6607) is not in any font of role body (tried FandolFang)$" "$fonts_tmp/extb.err"; then
	pass "an emptied chain fails naming 𠮷 (outside the BMP) and 昇 (outside GB2312)"
else
	fail "an emptied chain fails naming 𠮷 and 昇" "exit $status" "$(head -3 "$fonts_tmp/extb.err")"
fi

# --- every sample: PDF/A-1b with CFF fonts passes the checker; A3 renders ----
for s in "$root"/samples/*.yaml; do
	name=$(basename "$s" .yaml)
	"$gk" render --archive "$s" -o "$fonts_tmp/$name-a.pdf" 2>/dev/null
	if out=$(/usr/bin/python3 "$root/tests/pdfa/check_pdfa.py" -v --part 1 "$fonts_tmp/$name-a.pdf" 2>&1) &&
		! printf '%s\n' "$out" | grep -q 'not inspected'; then
		pass "$name --archive: PDF/A checker passes, CFF programs inspected"
	else
		fail "$name --archive: PDF/A checker passes, CFF programs inspected" "$(printf '%s\n' "$out" | head -3)"
	fi
	sed 's/^layout: gov-annual-2021\([^-]\|$\)/layout: gov-annual-2021-a3\1/' "$s" >"$fonts_tmp/$name-a3.yaml"
	if "$gk" render "$fonts_tmp/$name-a3.yaml" -o "$fonts_tmp/$name-a3.pdf" 2>/dev/null &&
		pdfinfo "$fonts_tmp/$name-a3.pdf" 2>/dev/null | grep -q 'Page size: *841.8[0-9]* x 1190.5[0-9]* pts (A3)'; then
		pass "$name renders on A3 (gov-annual-2021-a3)"
	else
		fail "$name renders on A3 (gov-annual-2021-a3)"
	fi
done

# --- the font cache and face summaries: no cache, cold, warm and damaged ----
# caches give the same PDFs and the same messages (unit tests cover what
# invalidates them; see font_cache.h and face_summary.h); extension-b.yaml
# adds fallback faces opened on first use, and a note
cache_home=$fonts_tmp/cache-home
faces=$cache_home/gkreport/faces
cache_run() {	# $1: output name; the rest: extra environment
	out=$1; shift
	env XDG_CACHE_HOME="$cache_home" "$@" "$gk" render "$sample" \
		-o "$fonts_tmp/$out.pdf" 2>"$fonts_tmp/$out.err"
	env XDG_CACHE_HOME="$cache_home" "$@" "$gk" render \
		"$root/samples/extension-b.yaml" -o "$fonts_tmp/$out-extb.pdf" \
		2>>"$fonts_tmp/$out.err"
}
# damage_summary FILE N: the Nth way of spoiling a summary (cut short, one
# byte changed in the middle or the last, replaced by text, emptied)
damage_summary() {
	size=$(wc -c <"$1")
	case $(($2 % 5)) in
	0) truncate -s $((size / 2)) "$1" ;;
	1|2) at=$(( $2 % 5 == 1 ? size / 2 : size - 1 ))
	   byte=$(od -An -tu1 -j "$at" -N1 "$1" | tr -d ' ')
	   if [ "$byte" = 88 ]; then c=Y; else c=X; fi
	   printf '%s' "$c" | dd of="$1" bs=1 seek="$at" conv=notrunc 2>/dev/null ;;
	3) printf 'damaged\n' >"$1" ;;
	4) : >"$1" ;;
	esac
}
rm -rf "$cache_home" "$fonts_tmp/faces-cold"
cache_run cache-none GKREPORT_NO_FONT_CACHE=1
none_written=$([ -e "$cache_home/gkreport" ] && echo yes || echo no)
cache_run cache-cold
mkdir -p "$fonts_tmp/faces-cold"
cp "$faces"/* "$fonts_tmp/faces-cold/" 2>/dev/null
summaries=$(ls "$fonts_tmp/faces-cold" | wc -l)
ls -i "$faces" >"$fonts_tmp/faces-cold.inodes"
cache_run cache-warm
ls -i "$faces" >"$fonts_tmp/faces-warm.inodes"
printf 'damaged\n' >"$cache_home/gkreport/fonts"
cache_run cache-damaged
n=0
for f in "$faces"/*; do damage_summary "$f" "$n"; n=$((n + 1)); done
cache_run summaries-damaged
same=yes
for run in cache-cold cache-warm cache-damaged summaries-damaged; do
	cmp -s "$fonts_tmp/cache-none.pdf" "$fonts_tmp/$run.pdf" || same="no ($run.pdf)"
	cmp -s "$fonts_tmp/cache-none-extb.pdf" "$fonts_tmp/$run-extb.pdf" || same="no ($run-extb.pdf)"
	cmp -s "$fonts_tmp/cache-none.err" "$fonts_tmp/$run.err" || same="no ($run.err)"
done
rewritten=yes
for f in "$fonts_tmp/faces-cold"/*; do
	cmp -s "$f" "$faces/$(basename "$f")" || rewritten="no ($(basename "$f"))"
done
if [ "$same" = yes ] && [ "$none_written" = no ] &&
	head -1 "$cache_home/gkreport/fonts" 2>/dev/null | grep -q '^gkreport font cache 1$'; then
	pass "font cache: cold, warm and damaged caches render the same bytes as none; damaged is rewritten"
else
	fail "font cache: cold, warm and damaged caches render the same bytes as none" \
		"same: $same; written with GKREPORT_NO_FONT_CACHE=1: $none_written"
fi
if [ "$summaries" -ge 6 ] && [ "$same" = yes ] &&
	grep -q 'note: role body: 𠮷 (U+20BB7), 昇 (U+6607) are not in FandolFang' "$fonts_tmp/cache-none.err" &&
	cmp -s "$fonts_tmp/faces-cold.inodes" "$fonts_tmp/faces-warm.inodes" &&
	[ "$rewritten" = yes ] && [ "$(ls "$faces" | wc -l)" -eq "$summaries" ]; then
	pass "face summaries: $summaries written cold, read warm, $n damaged ones rewritten as they were; same PDF and messages"
else
	fail "face summaries: written cold, read warm, damaged ones rewritten; same PDF and messages" \
		"summaries: $summaries; same: $same; rewritten: $rewritten" \
		"$(diff "$fonts_tmp/faces-cold.inodes" "$fonts_tmp/faces-warm.inodes" | head -3)"
fi
