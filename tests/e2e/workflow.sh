# workflow.sh - sourced by run.sh: a year's work with the commands a clerk
# uses: init (from the layout, with last year's carry-over), check and
# render with --previous, --strict and --draft, and --format json.

corpus=$root/tests/check
wf=$tmp/workflow
mkdir -p "$wf"

# expect_status NAME WANT COMMAND...: passes when COMMAND exits WANT;
# its standard error is kept in $wf/last.err.
expect_status() {
	name=$1 want=$2
	shift 2
	"$@" >"$wf/last.out" 2>"$wf/last.err"
	got=$?
	if [ "$got" -eq "$want" ]; then pass "$name"
	else fail "$name" "exit $got (want $want)" "$(head -3 "$wf/last.err")"; fi
}

# pages_with PDF WORD: how many pages of PDF show WORD (in content order,
# where the characters of one run stay together).
pages_with() {
	n=$(pdfinfo "$1" 2>/dev/null | awk '/^Pages:/ {print $2}')
	k=0
	for p in $(seq 1 "$n"); do
		pdftotext -raw -f "$p" -l "$p" "$1" - 2>/dev/null | strip_ws | grep -q "$2" &&
			k=$((k + 1))
	done
	echo "$k/$n"
}

# --- --draft: written despite errors, marked on every page and in the Info ---
expect_status "--draft writes a PDF even when a rule fails (exit still 2)" 2 \
	"$gk" render --draft "$corpus/t3-1.yaml" -o "$wf/draft.pdf"
marked=$(pages_with "$wf/draft.pdf" '草稿')
case $marked in
0/*|*/0) fail "--draft: every page marked 草稿" "$marked" ;;
*) if [ "${marked%/*}" = "${marked#*/}" ]; then pass "--draft: every page marked 草稿 ($marked)"
   else fail "--draft: every page marked 草稿" "$marked pages"; fi ;;
esac
if pdfinfo "$wf/draft.pdf" | grep -q '^Title: .*年度报告（草稿）$' &&
	pdfinfo "$wf/draft.pdf" | grep -q '^Keywords: .*草稿'; then
	pass "--draft: the title ends in （草稿）, the keywords say 草稿"
else
	fail "--draft: the title ends in （草稿）, the keywords say 草稿" "$(pdfinfo "$wf/draft.pdf" | head -3)"
fi
# The mark stands in the 天头 (37 mm = 104.9 pt), clear of the text.
low=$(pdftotext -f 1 -l 1 -bbox "$wf/draft.pdf" - 2>/dev/null |
	awk -F'"' '/<word[^>]*>草/ { print $8; exit }')
if [ -n "$low" ] && awk -v y="$low" 'BEGIN { exit !(y < 104.9) }'; then
	pass "--draft: the mark sits in the top margin (bottom at $low pt)"
else
	fail "--draft: the mark sits in the top margin" "yMax: [$low]"
fi
if [ "$(pages_with "$pdf" '草稿')" = "0/$pages" ] &&
	! pdfinfo "$pdf" | grep -q '草稿'; then
	pass "without --draft: no 草稿 anywhere"
else
	fail "without --draft: no 草稿 anywhere"
fi
expect_status "check --draft: a usage error" 2 "$gk" check --draft "$sample"

# --- init: from the layout, never over a file, loads and renders as is ------
expect_status "init writes to standard output" 0 \
	"$gk" init --agency 东城区清风街道办事处 --year 2026
cp "$wf/last.out" "$wf/init-stdout.yaml"
expect_status "init -o writes the file" 0 \
	"$gk" init --agency 东城区清风街道办事处 --year 2026 -o "$wf/init.yaml"
if cmp -s "$wf/init.yaml" "$wf/init-stdout.yaml"; then pass "init: -o and standard output agree"
else fail "init: -o and standard output agree"; fi
expect_status "init never writes over a file (exit 1)" 1 \
	"$gk" init --agency 别的机关 --year 2026 -o "$wf/init.yaml"
if cmp -s "$wf/init.yaml" "$wf/init-stdout.yaml" && grep -q "init.yaml: error: the file exists" "$wf/last.err"; then
	pass "init: the existing file is untouched, and the error says why"
else
	fail "init: the existing file is untouched, and the error says why" "$(cat "$wf/last.err")"
fi
expect_status "init without --year: a usage error" 2 "$gk" init --agency x
expect_status "init --year 26: a usage error" 2 "$gk" init --agency x --year 26
expect_status "the init skeleton renders as it is, clean even with --strict" 0 \
	"$gk" render --strict "$wf/init.yaml" -o "$wf/init.pdf"
if [ ! -s "$wf/last.err" ]; then pass "the init skeleton: not one diagnostic"
else fail "the init skeleton: not one diagnostic" "$(head -3 "$wf/last.err")"; fi
if grep -q '^  date: 2027-01-31 ' "$wf/init.yaml" &&
	! grep -q '^        总计:' "$wf/init.yaml" &&
	grep -q '^        本年新收: *\[0, 0, 0, 0, 0, 0\]$' "$wf/init.yaml"; then
	pass "init: totals left to the layout's sums, a real sign-off date"
else
	fail "init: totals left to the layout's sums, a real sign-off date"
fi

# fill_numbers IN OUT CARRY_IN: the skeleton with consistent numbers
# (一 + 二 = （七） + 四, 现行有效 = last year's 5 + 2 - 1), nothing else
# changed; CARRY_IN is what 上年结转 holds for 自然人.
fill_numbers() {
	sed -e 's/^\(        行政规范性文件: *\).*/\1[2, 1, 6]/' \
	    -e 's/^\(        行政许可: *\).*/\112/' \
	    -e 's/^\(        行政事业性收费: *\)0/\14068.208/' \
	    -e 's/^\(        本年新收: *\).*/\1[4, 1, 0, 0, 0, 0]/' \
	    -e "s/^\\(        予以公开: *\\).*/\\1[$(($3 + 3)), 1, 0, 0, 0, 0]/" \
	    -e 's/^\(        结转下年度继续办理: *\).*/\1[1, 0, 0, 0, 0, 0]/' \
	    -e 's/^\(        行政复议: *\).*/\1[1, 0, 0, 1]/' "$1" > "$2"
}
fill_numbers "$wf/init.yaml" "$wf/filled.yaml" 0
expect_status "the init skeleton filled with consistent numbers renders, --strict" 0 \
	"$gk" render --strict "$wf/filled.yaml" -o "$wf/filled.pdf"
if [ ! -s "$wf/last.err" ] && pdftotext "$wf/filled.pdf" - | grep -q '4068.208'; then
	pass "the filled skeleton: no diagnostic, the numbers printed"
else
	fail "the filled skeleton: no diagnostic, the numbers printed" "$(head -3 "$wf/last.err")"
fi

# --previous: 上年结转 from last year's 结转下年度继续办理 (1 0 0 0 0 0 1)
expect_status "init --previous" 0 "$gk" init --agency 东城区清风街道办事处 --year 2025 \
	--previous "$corpus/previous-2024.yaml" -o "$wf/next.yaml"
if grep -q '^        上年结转: *\[1, 0, 0, 0, 0, 0\]$' "$wf/next.yaml" &&
	grep -q '^        本年新收: *\[0, 0, 0, 0, 0, 0\]$' "$wf/next.yaml"; then
	pass "init --previous: 上年结转 is last year's 结转, the rest 0"
else
	fail "init --previous: 上年结转 is last year's 结转, the rest 0" "$(grep '上年结转:' "$wf/next.yaml")"
fi
expect_status "init --previous, a year that does not follow: a warning, exit 0" 0 \
	"$gk" init --agency 东城区清风街道办事处 --year 2030 --previous "$corpus/previous-2024.yaml"
if grep -q "previous-2024.yaml: warning: last year's description is for 2024, not 2029" "$wf/last.err"; then
	pass "init --previous: the warning names both years"
else
	fail "init --previous: the warning names both years" "$(cat "$wf/last.err")"
fi
fill_numbers "$wf/next.yaml" "$wf/next-filled.yaml" 1
expect_status "init --previous, filled: check --previous --strict is clean" 0 \
	"$gk" check --strict --previous "$corpus/previous-2024.yaml" "$wf/next-filled.yaml"
if [ ! -s "$wf/last.err" ]; then pass "init --previous, filled: not one diagnostic"
else fail "init --previous, filled: not one diagnostic" "$(head -3 "$wf/last.err")"; fi

# an agency name YAML would misread unquoted comes back as typed
expect_status "init quotes what YAML would misread" 0 "$gk" init \
	--agency 'Office: "A" #1' --year 2026 -o "$wf/odd.yaml"
expect_status "... and it renders" 0 "$gk" render "$wf/odd.yaml" -o "$wf/odd.pdf"
if pdfinfo "$wf/odd.pdf" | grep -q '^Author: *Office: "A" #1$'; then
	pass "init: the quoted agency reads back as typed"
else
	fail "init: the quoted agency reads back as typed" "$(pdfinfo "$wf/odd.pdf" | grep Author)"
fi

# --- --format json on a usage error, --strict on the seed ----------------------
"$gk" render --format json --frobnicate "$sample" 2>"$wf/usage.json"
if python3 -c 'import json, sys; o = json.loads(open(sys.argv[1]).read()); assert o["file"] is None and o["severity"] == "error" and "frobnicate" in o["message"]' "$wf/usage.json" 2>/dev/null; then
	pass "--format json: a usage error is one JSON object too"
else
	fail "--format json: a usage error is one JSON object too" "$(cat "$wf/usage.json")"
fi
expect_status "--strict: the seed passes clean" 0 "$gk" check --strict "$sample"
