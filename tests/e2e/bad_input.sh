# bad_input.sh - sourced by run.sh.  Each broken description must give one
# diagnostic of the form FILE:LINE:COL: error: ..., exit status 2, and leave
# no PDF (and no temporary file) behind.

# bad_case NAME EXPECTED_REGEX: renders $tmp/case.yaml (not a pipe: the
# counters must not live in a subshell).
bad_case() {
	name=$1 expect=$2
	dir=$tmp/bad-$passed-$failed
	mkdir -p "$dir"
	mv "$tmp/case.yaml" "$dir/in.yaml"
	"$gk" render "$dir/in.yaml" -o "$dir/out.pdf" 2>"$dir/err.txt"
	status=$?
	left=$(ls -A "$dir" | grep -v '^in.yaml$\|^err.txt$')
	if [ "$status" -eq 2 ] && grep -Eq "$expect" "$dir/err.txt" && [ -z "$left" ]; then
		pass "bad input: $name"
	else
		fail "bad input: $name" "exit $status, left: [$left]" "$(head -3 "$dir/err.txt")"
	fi
}

sed 's/^agency:/agency: [unclosed/' "$sample" > "$tmp/case.yaml"
bad_case "YAML syntax error" "^$tmp/bad-[0-9-]*/in.yaml:[0-9]+:[0-9]+: error: .*"
sed 's/^agency:/agnecy:/' "$sample" > "$tmp/case.yaml"
bad_case "unknown key, with a suggestion" "in.yaml:[0-9]+:1: error: .*agnecy.*did you mean 'agency'"
sed 's/^year: .*/year: 二〇二四/' "$sample" > "$tmp/case.yaml"
bad_case "wrong type (year)" "in.yaml:[0-9]+:7: error: .*year"
grep -v '^agency:' "$sample" > "$tmp/case.yaml"
bad_case "missing required field (agency)" "in.yaml:[0-9]+:[0-9]+: error: .*agency"
sed 's/^layout: .*/layout: gov-annual-1999/' "$sample" > "$tmp/case.yaml"
bad_case "unknown layout" "in.yaml:[0-9]+:9: error: .*gov-annual-1999"
printf 'layout: gov-annual-2021\n\tagency: x\n' > "$tmp/case.yaml"
bad_case "tab indentation" "in.yaml:[0-9]+:[0-9]+: error: "
printf '\377\376garbage\n' > "$tmp/case.yaml"
bad_case "invalid UTF-8" "in.yaml:1:1: error: .*UTF-8"

# a character no font of the role has (Tangut): named with its code point,
# its position and every font tried
sed 's/^  其他需要报告的事项: 无/  其他需要报告的事项: 无。𗀀/' "$sample" > "$tmp/case.yaml"
bad_case "character missing from every font" "in.yaml:[0-9]+:[0-9]+: error: paragraph: character '𗀀' \(U\+17000\) is not in any font of role body \(tried FandolFang, AR PL SungtiL GB, AR PL UMing CN, Noto Serif CJK SC, LXGW WenKai, WenQuanYi Zen Hei\)$"

# fallback_case NAME CHAR NOTE_REGEX: a character the body font lacks but a
# later face of its chain has renders (exit 0) with one note, and extracts.
fallback_case() {
	name=$1 char=$2 expect=$3
	dir=$tmp/fallback-$passed-$failed
	mkdir -p "$dir"
	sed "s/^  其他需要报告的事项: 无/  其他需要报告的事项: 无。$char，$char/" "$sample" > "$dir/in.yaml"
	"$gk" render "$dir/in.yaml" -o "$dir/out.pdf" 2>"$dir/err.txt"
	status=$?
	pdftotext "$dir/out.pdf" "$dir/out.txt" 2>/dev/null
	if [ "$status" -eq 0 ] && [ "$(wc -l < "$dir/err.txt")" -eq 1 ] &&
		grep -Eq "^$dir/in.yaml:[0-9]+:[0-9]+: note: $expect\$" "$dir/err.txt" &&
		grep -q "无。$char，$char" "$dir/out.txt"; then
		pass "fallback: $name"
	else
		fail "fallback: $name" "exit $status" "$(head -3 "$dir/err.txt")" \
			"extracted: $(grep -s '无。' "$dir/out.txt")"
	fi
}
fallback_case "Extension A from Noto Serif CJK SC" "㐀" \
	"role body: 㐀 \\(U\\+3400\\) is not in FandolFang; set in Noto Serif CJK SC"
fallback_case "Extension B from Noto Serif CJK SC" "𠮷" \
	"role body: 𠮷 \\(U\\+20BB7\\) is not in FandolFang; set in Noto Serif CJK SC"

# the Extension B sample: both names print, each note once
extb=$tmp/extension-b.pdf
"$gk" render "$root/samples/extension-b.yaml" -o "$extb" 2>"$tmp/extb.err"
status=$?
if [ "$status" -eq 0 ] && [ "$(wc -l < "$tmp/extb.err")" -eq 1 ] &&
	grep -q "samples/extension-b.yaml:34:7: note: role body: 𠮷 (U+20BB7), 昇 (U+6607) are not in FandolFang; set in Noto Serif CJK SC (𠮷), AR PL UMing CN (昇)$" "$tmp/extb.err" &&
	pdftotext "$extb" - 2>/dev/null | strip_ws | grep -q '含新设立的𠮷祥社区、昇平社区'; then
	pass "samples/extension-b.yaml renders 𠮷祥社区 and 昇平社区 with one note"
else
	fail "samples/extension-b.yaml renders 𠮷祥社区 and 昇平社区 with one note" \
		"exit $status" "$(head -3 "$tmp/extb.err")"
fi

# an output that cannot be written: exit 1, the path named, nothing left
mkdir -p "$tmp/outdir/x.pdf"
"$gk" render "$sample" -o "$tmp/outdir/x.pdf" 2>"$tmp/outdir.err"
status=$?
if [ "$status" -eq 1 ] && grep -q "cannot write '$tmp/outdir/x.pdf': it is a directory" "$tmp/outdir.err" &&
	[ "$(ls -A "$tmp/outdir")" = "x.pdf" ]; then
	pass "output path that is a directory: exit 1, no file left"
else
	fail "output path that is a directory: exit 1, no file left" "exit $status" "$(cat "$tmp/outdir.err")"
fi
"$gk" render "$sample" -o "$tmp/no/such/dir/x.pdf" 2>"$tmp/nodir.err"
status=$?
if [ "$status" -eq 1 ] && grep -q "cannot write '$tmp/no/such/dir/x.pdf': No such file or directory" "$tmp/nodir.err"; then
	pass "output in a missing folder: exit 1 with the reason"
else
	fail "output in a missing folder: exit 1 with the reason" "exit $status" "$(cat "$tmp/nodir.err")"
fi
