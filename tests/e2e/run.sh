#!/bin/sh
# run.sh - end-to-end tests: render the samples with the real binary and read
# the PDFs back with independent tools (poppler, qpdf, mupdf).
#
#   GKREPORT=build/gkreport sh tests/e2e/run.sh
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$here/lib.sh"
gk=${GKREPORT:-$root/build/gkreport}
export GK_DATA_DIR="$root"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# gkreport's caches (fonts, face summaries, layout trees) start empty in a
# folder of this run's own: what an older build left in ~/.cache is never
# read, and the user's cache is never written
export XDG_CACHE_HOME="$tmp/cache"
sample=$root/samples/wangchenglu-2024.yaml
pdf=$tmp/wangchenglu-2024.pdf

# --- the sample renders -------------------------------------------------------
if "$gk" render "$sample" -o "$pdf" 2>"$tmp/render.err"; then
	pass "render the seed sample"
else
	fail "render the seed sample" "$(cat "$tmp/render.err")"
fi
if [ ! -s "$tmp/render.err" ]; then pass "render prints nothing on success"
else fail "render prints nothing on success" "$(head -5 "$tmp/render.err")"; fi

# --- text: every heading and paragraph of the seed, in order; every label ----
pdftotext "$pdf" "$tmp/text.txt" 2>"$tmp/pdftotext.err"
if [ ! -s "$tmp/pdftotext.err" ]; then pass "pdftotext prints no warning"
else fail "pdftotext prints no warning" "$(head -3 "$tmp/pdftotext.err")"; fi
grep -v '	' "$root/tests/e2e/data/seed-wangchenglu-2024.txt" > "$tmp/prose.txt"
# page numbers interrupt a paragraph that runs on to the next page
grep -v '^— [0-9]* —$' "$tmp/text.txt" | tr -d '\f' > "$tmp/body.txt"
if out=$(contains_in_order "$tmp/body.txt" "$tmp/prose.txt"); then
	pass "every heading and paragraph of the seed, in order"
else
	fail "every heading and paragraph of the seed, in order" "$out"
fi
# Wrapped cell text is interleaved with its neighbours when poppler rebuilds
# the reading order, so labels are checked in content order (-raw), where
# each cell's lines follow each other.
pdftotext -raw "$pdf" "$tmp/raw.txt" 2>/dev/null
if out=$(contains_each "$tmp/raw.txt" "$root/tests/e2e/data/table-labels.txt"); then
	pass "every label of the three tables"
else
	fail "every label of the three tables" "$out"
fi
if strip_ws < "$tmp/text.txt" | grep -q '西工区王城路街道办事处2025年1月20日'; then
	pass "sign-off: agency, then the date 2025年1月20日"
else
	fail "sign-off: agency, then the date 2025年1月20日"
fi
if grep -q '— 1 —' "$tmp/text.txt" && grep -q '— 4 —' "$tmp/text.txt"; then
	pass "page numbers — N —"
else
	fail "page numbers — N —" "$(grep -n '—' "$tmp/text.txt" | head -3)"
fi
# "2024 年" in the source: the gap printed between 2024 and 年 is the
# quarter-em Han/digit gap (4pt at 16pt, a little more on a justified
# line), not a full space (8pt in the body font) or more.
gap=$(pdftotext -bbox "$pdf" - 2>/dev/null | awk -F'"' '
	/>2024<\/word>/ { x = $6; want = 1; next }
	want && /年以来/ { printf "%.2f", $2 - x; exit }
	{ want = 0 }')
if [ -n "$gap" ] && awk -v g="$gap" 'BEGIN { exit !(g > 3 && g < 7) }'; then
	pass "2024 年 prints with a quarter-em gap ($gap pt)"
else
	fail "2024 年 prints with a quarter-em gap" "gap: [$gap]"
fi
# No line of text starts with a mark that must not start a line (read in
# content order, line by line); one-character lines are the vertically
# stacked table cell, where each mark has a row of its own.
if grep -n '^[，。、；：？！）》”].' "$tmp/raw.txt" >"$tmp/kinsoku.txt"; then
	fail "no line starts with a closing mark" "$(head -3 "$tmp/kinsoku.txt")"
else
	pass "no line starts with a closing mark"
fi

# --- fonts: embedded, subset, with ToUnicode ----------------------------------
pdffonts "$pdf" >"$tmp/fonts.txt" 2>"$tmp/pdffonts.err"
fonts=$(tail -n +3 "$tmp/fonts.txt" | wc -l)
good=$(tail -n +3 "$tmp/fonts.txt" | awk '$(NF-4)=="yes" && $(NF-3)=="yes" && $(NF-2)=="yes"' | wc -l)
if [ "$fonts" -gt 0 ] && [ "$fonts" -eq "$good" ] && [ ! -s "$tmp/pdffonts.err" ]; then
	pass "every font embedded, subset, with ToUnicode ($fonts fonts)"
else
	fail "every font embedded, subset, with ToUnicode" "$(cat "$tmp/fonts.txt" "$tmp/pdffonts.err")"
fi

# --- independent readers accept the file --------------------------------------
if qpdf --check "$pdf" >"$tmp/qpdf.txt" 2>&1 && ! grep -qi 'warning' "$tmp/qpdf.txt"; then
	pass "qpdf --check: no errors or warnings"
else
	fail "qpdf --check: no errors or warnings" "$(tail -3 "$tmp/qpdf.txt")"
fi
# Debian's mutool prints "warning: ICC support is not available" on every
# run, whatever the file; every other line counts.
if mutool draw -q -o "$tmp/page-%d.png" -r 30 "$pdf" >"$tmp/mutool.all" 2>&1 &&
	grep -v '^warning: ICC support is not available$' "$tmp/mutool.all" >"$tmp/mutool.txt";
	[ ! -s "$tmp/mutool.txt" ] && [ -s "$tmp/page-1.png" ]; then
	pass "mutool draw: no warnings"
else
	fail "mutool draw: no warnings" "$(head -3 "$tmp/mutool.txt")"
fi
pages=$(pdfinfo "$pdf" 2>/dev/null | awk '/^Pages:/ {print $2}')
size=$(wc -c < "$pdf")
if [ "$size" -lt 204800 ]; then pass "PDF well under 200 KB ($size bytes, $pages pages)"
else fail "PDF well under 200 KB" "size $size"; fi
if pdfinfo "$pdf" | grep -q 'Page size: *595.27[0-9]* x 841.8[0-9]* pts (A4)'; then
	pass "A4 pages"
else
	fail "A4 pages" "$(pdfinfo "$pdf" | grep 'Page size')"
fi

# --- determinism ----------------------------------------------------------------
"$gk" render "$sample" -o "$tmp/again.pdf" 2>/dev/null
if cmp -s "$pdf" "$tmp/again.pdf"; then pass "rendering twice gives identical bytes"
else fail "rendering twice gives identical bytes"; fi

# JSON is YAML: the same description as JSON gives the same PDF, all but the
# /ID, which hashes the input bytes (and they differ)
"$gk" render "$root/tests/e2e/data/wangchenglu-2024.json" -o "$tmp/json.pdf" 2>"$tmp/json.err"
mask_id() { LC_ALL=C sed 's#/ID \[ <[0-9A-F]*> <[0-9A-F]*> \]#/ID masked#' "$1"; }
mask_id "$pdf" > "$tmp/yaml.masked"
mask_id "$tmp/json.pdf" > "$tmp/json.masked"
if cmp -s "$tmp/yaml.masked" "$tmp/json.masked" && grep -aq '/ID masked' "$tmp/json.masked"; then
	pass "the JSON description gives the same PDF but for its /ID"
else
	fail "the JSON description gives the same PDF but for its /ID" "$(head -3 "$tmp/json.err")"
fi

# --- stdin/stdout and check --------------------------------------------------
if "$gk" render - -o - < "$sample" > "$tmp/stdout.pdf" 2>"$tmp/stdin.err" && head -c 5 "$tmp/stdout.pdf" | grep -q '%PDF-'; then
	pass "render - -o - reads stdin and writes stdout"
else
	fail "render - -o - reads stdin and writes stdout" "$(head -3 "$tmp/stdin.err")"
fi
check "check accepts the sample" "$gk" check "$sample"
if "$gk" fonts > "$tmp/fonts-cmd.txt" 2>&1 && grep -q 'body' "$tmp/fonts-cmd.txt" && grep -q 'title' "$tmp/fonts-cmd.txt"; then
	pass "fonts lists the roles"
else
	fail "fonts lists the roles" "$(head -5 "$tmp/fonts-cmd.txt")"
fi
check "--version" "$gk" --version
check "--help" "$gk" --help

# --- tables: order, breaks, derived totals, large values, landscape -------
. "$here/tables.sh"

# --- a year's work: init, --previous, --strict, --draft, --format json ------
. "$here/workflow.sh"

# --- the diagnostics corpus: one seeded error per description, exact output --
. "$root/tests/check/corpus.sh"

# --- bad input: message with file:line:col, exit 2, no PDF left behind -------
. "$here/bad_input.sh"

# --- archive: PDF/A, attached sources, extract, metadata, dates, outline -----
. "$here/archive.sh"

# --- fonts: CFF embedding, punctuation by ink, fallback, the A3 layout -------
. "$here/fonts.sh"

# --- HarfBuzz's subsetter: not linked, loaded for a font our writers refuse --
. "$here/fallback.sh"

# --- prepared YAML trees: none, cold, warm, damaged; broken layouts never kept
. "$here/tree_cache.sh"

# --- atomic output: killed renders leave nothing, the old file or a whole PDF --
. "$here/atomic.sh"

# --- batch: many descriptions, hostile names, kill and rerun, overview, install
. "$here/batch.sh"

# --- every PDF written above, read by five independent readers --------------
. "$here/readers.sh"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
