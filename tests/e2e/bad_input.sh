# bad_input.sh - sourced by run.sh.  Each broken description must give one
# diagnostic of the form FILE:LINE:COL: error: ..., exit status 2, and leave
# no PDF (and no temporary file) behind.

# bad_case NAME EXPECTED_PREFIX_REGEX < description
bad_case() {
	name=$1 expect=$2
	dir=$tmp/bad-$passed-$failed
	mkdir -p "$dir"
	cat > "$dir/in.yaml"
	"$gk" render "$dir/in.yaml" -o "$dir/out.pdf" 2>"$dir/err.txt"
	status=$?
	left=$(ls -A "$dir" | grep -v '^in.yaml$\|^err.txt$')
	if [ "$status" -eq 2 ] && grep -Eq "$expect" "$dir/err.txt" && [ -z "$left" ]; then
		pass "bad input: $name"
	else
		fail "bad input: $name" "exit $status, left: [$left]" "$(head -3 "$dir/err.txt")"
	fi
}

sed 's/^agency:/agency: [unclosed/' "$sample" |
	bad_case "YAML syntax error" "^$tmp/bad-[0-9-]*/in.yaml:[0-9]+:[0-9]+: error: .*"
sed 's/^agency:/agnecy:/' "$sample" |
	bad_case "unknown key, with a suggestion" "in.yaml:[0-9]+:1: error: .*agnecy.*did you mean 'agency'"
sed 's/^year: .*/year: 二〇二四/' "$sample" |
	bad_case "wrong type (year)" "in.yaml:[0-9]+:7: error: .*year"
grep -v '^agency:' "$sample" |
	bad_case "missing required field (agency)" "in.yaml:[0-9]+:[0-9]+: error: .*agency"
sed 's/^layout: .*/layout: gov-annual-1999/' "$sample" |
	bad_case "unknown layout" "in.yaml:[0-9]+:9: error: .*gov-annual-1999"
printf 'layout: gov-annual-2021\n\tagency: x\n' |
	bad_case "tab indentation" "in.yaml:[0-9]+:[0-9]+: error: "
printf '\377\376garbage\n' |
	bad_case "invalid UTF-8" "in.yaml:1:1: error: .*UTF-8"
