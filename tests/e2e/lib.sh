# lib.sh - tiny assertion helpers for the end-to-end tests (POSIX sh).
# Each check prints "ok - NAME" or "not ok - NAME" with details; the runner
# ends with "N passed, M failed".

passed=0
failed=0

pass() { passed=$((passed + 1)); echo "ok - $1"; }
fail() { failed=$((failed + 1)); echo "not ok - $1"; shift; for l in "$@"; do echo "    $l"; done; }

# check NAME COMMAND...: passes when COMMAND exits 0.
check() {
	name=$1; shift
	if "$@" >/dev/null 2>&1; then pass "$name"; else fail "$name" "command failed: $*"; fi
}

# strip_ws: removes all white space (ASCII and U+3000) from stdin.
strip_ws() { tr -d ' \t\n\r\f\v' | sed 's/　//g'; }

# contains_in_order HAYSTACK_FILE NEEDLES_FILE: every line of NEEDLES (white
# space removed, empty lines skipped) occurs in HAYSTACK (white space removed),
# each after the previous one.  Prints the first missing needle.
contains_in_order() {
	strip_ws < "$1" > "$1.flat"
	awk -v flatfile="$1.flat" '
		BEGIN { getline hay < flatfile; pos = 1 }
		{ gsub(/[ \t\r]/, ""); gsub(/　/, ""); if ($0 == "") next
		  i = index(substr(hay, pos), $0)
		  if (i == 0) { print "missing after offset " pos ": " $0; bad = 1; exit 1 }
		  pos += i - 1 + length($0) }
		END { exit bad }' "$2"
}

# contains_each HAYSTACK_FILE NEEDLES_FILE: every needle occurs somewhere.
contains_each() {
	strip_ws < "$1" > "$1.flat"
	awk -v flatfile="$1.flat" '
		BEGIN { getline hay < flatfile }
		{ gsub(/[ \t\r]/, ""); gsub(/　/, ""); if ($0 == "") next
		  if (index(hay, $0) == 0) { print "missing: " $0; bad = 1 } }
		END { exit bad }' "$2"
}
