#!/bin/sh
# run.sh - tests check_pdfa.py: generates the known-good PDF/A files and the
# deliberately broken ones (make_broken.py) in a temporary directory, then
# checks that each good file passes and each broken file fails with exactly
# the expected clauses. Prints "N passed, M failed"; exits non-zero on any
# failure.
#
#   tests/pdfa/run.sh            (needs python3-pikepdf, qpdf, icc-profiles-free:
#                                 scripts/install-deps.sh test)
#
# The checker needs Debian's python3-pikepdf, so everything runs under
# /usr/bin/python3 (PYTHON overrides it), never a pyenv or venv python3.
set -u
LC_ALL=C
export LC_ALL

here=$(cd "$(dirname "$0")" && pwd)
py=${PYTHON:-/usr/bin/python3}
if ! "$py" -c 'import pikepdf' 2>/dev/null; then
	echo "pdfa/run.sh: $py cannot import pikepdf; install python3-pikepdf (scripts/install-deps.sh test)" >&2
	exit 2
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pdfa.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM
# gkreport's caches (fonts, face summaries, layout trees) start empty in a
# folder of this run's own: what an older build left in ~/.cache is never
# read, and the user's cache is never written
export XDG_CACHE_HOME="$tmp/cache"

passed=0
failed=0
pass() { passed=$((passed + 1)); }
fail() {
	failed=$((failed + 1))
	echo "FAILED: $1"
	[ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/    /'
}

"$py" "$here/make_broken.py" "$tmp/a" || exit 2

# The fixtures must be reproducible byte for byte.
"$py" "$here/make_broken.py" "$tmp/b" || exit 2
if diff -r "$tmp/a" "$tmp/b" >/dev/null; then pass; else fail "make_broken.py output is not reproducible"; fi

# An independent reader must accept the good files as PDF.
for f in good-1b good-3b; do
	if out=$(qpdf --check "$tmp/a/$f.pdf" 2>&1); then pass; else fail "qpdf --check $f.pdf" "$out"; fi
done

while IFS='|' read -r file _part flags expected; do
	# shellcheck disable=SC2086
	out=$("$py" "$here/check_pdfa.py" $flags "$tmp/a/$file" 2>&1)
	rc=$?
	got=$(printf '%s\n' "$out" | sed -n 's/^FAIL \([^ :]*\):.*/\1/p' | sort -u | paste -sd, -)
	want=$(printf '%s\n' "$expected" | tr , '\n' | sed '/^$/d' | sort -u | paste -sd, -)
	if [ -z "$want" ]; then want_rc=0; else want_rc=1; fi
	if [ "$got" = "$want" ] && [ "$rc" -eq "$want_rc" ]; then
		pass
	else
		fail "$file${flags:+ ($flags)}: expected [${want:-pass}] exit $want_rc, got [${got:-pass}] exit $rc" "$out"
	fi
done <"$tmp/a/manifest"

# --list names every clause once, and a missing file is a usage error.
n=$("$py" "$here/check_pdfa.py" --list | wc -l)
u=$("$py" "$here/check_pdfa.py" --list | awk '{print $1}' | sort -u | wc -l)
if [ "$n" -gt 100 ] && [ "$n" -eq "$u" ]; then pass; else fail "--list: $n lines, $u distinct ids"; fi
"$py" "$here/check_pdfa.py" "$tmp/no-such.pdf" >/dev/null 2>&1
if [ $? -eq 2 ]; then pass; else fail "missing file does not exit 2"; fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
