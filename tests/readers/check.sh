#!/bin/sh
# check.sh - reads PDFs with five independent readers and fails on the
# first word of complaint from any of them:
#
#   poppler   pdftotext (all the text), pdffonts (the font list; a font
#             that is not embedded counts as a complaint too)
#   mupdf     mutool draw (every page rasterized, in gray at 36 dpi)
#   qpdf      qpdf --check (structure, xref, every stream decoded)
#   pdf.js    tests/readers/pdfjs-check.mjs under Node (pdfjs-dist,
#             installed by `make test-deps` with npm ci in tests/readers)
#
#   sh tests/readers/check.sh FILE.pdf...
#
# A complaint is a non-zero exit status or any line on standard error (for
# qpdf, which reports on standard output, any line but those of its clean
# report), except Debian's mutool's "warning: ICC support is not available",
# which it prints for every file.  Each one prints as "FILE: READER: LINE";
# the status is 0 when no reader said anything, 1 otherwise.
set -u
here=$(cd "$(dirname "$0")" && pwd)
[ $# -gt 0 ] || { echo "usage: $0 FILE.pdf..." >&2; exit 2; }
work=$(mktemp -d) || exit 2
trap 'rm -rf "$work"' EXIT INT TERM
status=0

# complain FILE READER MESSAGE-FILE STATUS: prints the first lines of
# MESSAGE-FILE (or the reader's exit status, when it is empty) and marks
# the run failed.
complain() {
	if [ -s "$3" ]; then
		awk -v p="$1: $2: " 'NR <= 8 { print p $0 }
			END { if (NR > 8) print p "... " NR - 8 " more lines" }' "$3"
	else
		echo "$1: $2: exit status $4, no message"
	fi
	status=1
}

# judge FILE READER STATUS: complains unless the reader exited 0 and
# $work/err is empty.
judge() {
	if [ "$3" -ne 0 ] || [ -s "$work/err" ]; then
		complain "$1" "$2" "$work/err" "$3"
	fi
}

for f in "$@"; do
	# poppler
	pdftotext "$f" /dev/null 2>"$work/err"
	rc=$?
	judge "$f" pdftotext $rc
	pdffonts "$f" >"$work/fonts" 2>"$work/err"
	rc=$?
	# columns from the right: emb sub uni object-number generation
	tail -n +3 "$work/fonts" | awk '$(NF-4) != "yes" { print "font not embedded: " $0 }' >>"$work/err"
	judge "$f" pdffonts $rc
	# mupdf
	mutool draw -q -r 36 -c gray -F pgm -o /dev/null "$f" >"$work/out" 2>&1
	rc=$?
	grep -v '^warning: ICC support is not available$' "$work/out" >"$work/err"
	judge "$f" "mutool draw" $rc
	# qpdf: exit 0 clean, 2 errors, 3 warnings only; any line but its
	# usual report is a complaint
	qpdf --check "$f" >"$work/out" 2>&1
	rc=$?
	grep -v -e '^checking ' -e '^PDF Version: [0-9.]*$' \
		-e '^File is not encrypted$' -e '^File is not linearized$' \
		-e '^No syntax or stream encoding errors found; the file may still contain$' \
		-e '^errors that qpdf cannot detect$' "$work/out" >"$work/err"
	judge "$f" "qpdf --check" $rc
done

# pdf.js: one Node process for every file (it takes a moment to start)
node "$here/pdfjs-check.mjs" "$@" >"$work/out" 2>&1
rc=$?
if [ $rc -ne 0 ]; then
	if [ -s "$work/out" ]; then cat "$work/out"
	else echo "pdf.js: exit status $rc, no message"; fi
	status=1
fi
exit $status
