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

# a character the body font lacks: named with its code point and position
sed 's/^  其他需要报告的事项: 无/  其他需要报告的事项: 无。㐀/' "$sample" > "$tmp/case.yaml"
bad_case "character missing from the font" "in.yaml:[0-9]+:[0-9]+: error: paragraph: character '㐀' \(U\+3400\) is not in font 'AR PL SungtiL GB' \(role body\)"
sed 's/^  其他需要报告的事项: 无/  其他需要报告的事项: 无。𠮷/' "$sample" > "$tmp/case.yaml"
bad_case "character outside the BMP" "in.yaml:[0-9]+:[0-9]+: error: paragraph: character '𠮷' \(U\+20BB7\) is outside the Basic Multilingual Plane"

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
