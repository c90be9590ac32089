# readers.sh - sourced at the end of run.sh: every PDF the end-to-end tests
# wrote under $tmp is read by the five independent readers of
# tests/readers/check.sh (pdftotext, pdffonts, mutool draw, qpdf --check,
# pdf.js), and any warning from any of them fails.  Then three broken
# fixtures, made here from the seed's PDF, must each be rejected by the
# readers that can see the damage, so that a reader whose check stopped
# working (pdf.js not installed, a message no longer caught) shows.
#
# GK_SKIP_READERS=1 skips all of it: the ASan pass of `make test` sets it,
# as its PDFs are the same bytes as the plain pass's (rendering is
# deterministic) and reading them twice would only cost time.

rd_check=$root/tests/readers/check.sh

if [ "${GK_SKIP_READERS:-0}" = 1 ]; then
	echo "# readers: skipped (GK_SKIP_READERS=1)"
else
	# every regular file named *.pdf, but the ones made broken on purpose
	# (those of archive.sh's hostile extract test are not our output)
	# (those of archive.sh's hostile extract test are not our output); of
	# the batch's 200 look-alike reports, the overview and the first five
	{
		find "$tmp" -type f -name '*.pdf' ! -name 'hostile.pdf' ! -path "$tmp/batch/*"
		find "$tmp/batch" -type f -name '*.pdf' ! -path "$tmp/batch/out/*" 2>/dev/null
		find "$tmp/batch/out" -type f -name '*.pdf' 2>/dev/null | LC_ALL=C sort | head -5
	} | LC_ALL=C sort >"$tmp/readers.list"
	rd_n=$(wc -l <"$tmp/readers.list")
	# one file name a line ($tmp is mktemp's: no white space)
	# shellcheck disable=SC2046
	if sh "$rd_check" $(cat "$tmp/readers.list") >"$tmp/readers.out" 2>&1; then
		pass "five readers read all $rd_n PDFs without a warning"
	else
		fail "five readers read all $rd_n PDFs without a warning" \
			"$(head -20 "$tmp/readers.out")"
	fi

	# --- the broken fixtures ---------------------------------------------
	rd=$tmp/readers-broken
	mkdir -p "$rd"
	rd_good=$tmp/wangchenglu-2024.pdf
	rd_size=$(wc -c <"$rd_good")

	# rd_rejects NAME FILE READER...: check.sh fails on FILE, and each
	# READER is among those complaining.
	rd_rejects() {
		rd_name=$1 rd_file=$2
		shift 2
		if sh "$rd_check" "$rd_file" >"$rd_file.out" 2>&1; then
			fail "$rd_name: rejected" "check.sh accepted it"
			return
		fi
		rd_missing=
		for rd_reader in "$@"; do
			grep -q "^$rd_file: $rd_reader: " "$rd_file.out" ||
				rd_missing="$rd_missing $rd_reader,"
		done
		if [ -z "$rd_missing" ]; then
			pass "$rd_name: rejected by $*"
		else
			fail "$rd_name: rejected by $*" "silent:$rd_missing" \
				"$(head -5 "$rd_file.out")"
		fi
	}

	# 1. truncated half-way: every reader must notice
	head -c $((rd_size / 2)) "$rd_good" >"$rd/truncated.pdf"
	rd_rejects "broken fixture, truncated PDF" "$rd/truncated.pdf" \
		pdftotext pdffonts "mutool draw" "qpdf --check" pdf.js

	# 2. startxref pointing 100 bytes past the xref table (poppler
	# repairs this silently)
	rd_sx=$(tail -c 40 "$rd_good" | awk '/^startxref$/ { getline; print; exit }')
	{
		head -c $((rd_size - ${#rd_sx} - 7)) "$rd_good"
		printf '%s\n%%%%EOF\n' $((rd_sx + 100))
	} >"$rd/bad-xref.pdf"
	rd_rejects "broken fixture, bad startxref offset" "$rd/bad-xref.pdf" \
		"mutool draw" "qpdf --check" pdf.js

	# 3. a font program whose sfnt header is garbage: the file is
	# rewritten uncompressed (qpdf's QDF form), the 12 bytes of the first
	# embedded font's header are overwritten and fix-qdf mends the
	# lengths and xref, so the damage is in the font alone (qpdf does not
	# read fonts).  The same rewrite without the damage must pass, so that
	# the rewrite is not what the readers reject.
	qpdf --qdf --object-streams=disable "$rd_good" "$rd/qdf.pdf" 2>"$rd/qdf.err"
	fix-qdf "$rd/qdf.pdf" >"$rd/rewritten.pdf" 2>>"$rd/qdf.err"
	if sh "$rd_check" "$rd/rewritten.pdf" >"$rd/rewritten.out" 2>&1; then
		pass "the seed's PDF rewritten by qpdf --qdf and fix-qdf reads clean"
	else
		fail "the seed's PDF rewritten by qpdf --qdf and fix-qdf reads clean" \
			"$(head -5 "$rd/qdf.err" "$rd/rewritten.out")"
	fi
	rd_at=$(LC_ALL=C grep -abo '/Length1 ' "$rd/qdf.pdf" | head -1 | cut -d: -f1)
	rd_at=$(LC_ALL=C grep -abo '^stream$' "$rd/qdf.pdf" |
		awk -F: -v after="${rd_at:-0}" '$1 > after { print $1 + 7; exit }')
	if [ -n "$rd_at" ]; then
		cp "$rd/qdf.pdf" "$rd/font.qdf"
		printf 'XXXXXXXXXXXX' |
			dd of="$rd/font.qdf" bs=1 seek="$rd_at" conv=notrunc 2>/dev/null
		fix-qdf "$rd/font.qdf" >"$rd/bad-font.pdf" 2>>"$rd/qdf.err"
		rd_rejects "broken fixture, bad font program" "$rd/bad-font.pdf" \
			pdftotext pdffonts "mutool draw" pdf.js
	else
		fail "broken fixture, bad font program" "no /Length1 stream in the QDF form"
	fi
fi
