#!/bin/sh
# valgrind.sh - runs gkreport under valgrind memcheck over the samples and
# the other paths a batch takes (PDF/A-3 with attachments, extract, init,
# --previous, a description with errors, an output that cannot be
# written).  Any invalid read or write, use of an uninitialised value, or
# block definitely, indirectly or possibly lost fails; memory still
# reachable at exit (fontconfig's and FreeType's caches) does not.
# Suppressions, each justified, are in tests/valgrind.supp.
#
#   GKREPORT=build/gkreport sh tests/valgrind.sh
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
gk=${GKREPORT:-$root/build/gkreport}
export GK_DATA_DIR="$root"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
# gkreport's caches (fonts, face summaries, layout trees) start empty in a
# folder of this run's own: what an older build left in ~/.cache is never
# read, and the user's cache is never written
export XDG_CACHE_HOME="$tmp/cache"
passed=0 failed=0 n=0

# vg NAME EXPECTED-STATUS ARGS...: gkreport ARGS under memcheck; passes
# when memcheck reports nothing and gkreport exits EXPECTED-STATUS
# (memcheck's own status, 99, means it found an error).
vg() {
	name=$1 want=$2
	shift 2
	n=$((n + 1))
	valgrind --tool=memcheck --error-exitcode=99 --leak-check=full \
		--show-leak-kinds=definite,indirect,possible \
		--errors-for-leak-kinds=definite,indirect,possible \
		--suppressions="$root/tests/valgrind.supp" --num-callers=30 \
		--log-file="$tmp/vg-$n.log" "$gk" "$@" >"$tmp/out-$n" 2>"$tmp/err-$n"
	got=$?
	if [ "$got" -eq "$want" ]; then
		passed=$((passed + 1))
		echo "ok - valgrind: $name"
	else
		failed=$((failed + 1))
		echo "not ok - valgrind: $name (exit $got, wanted $want)"
		grep -v '^==[0-9]*== *$' "$tmp/vg-$n.log" | sed -n '/ERROR SUMMARY\|Invalid\|uninitialised\|lost in loss record/,+14p' | head -40 | sed 's/^/    /'
		head -5 "$tmp/err-$n" | sed 's/^/    /'
	fi
}

for s in "$root"/samples/*.yaml; do
	b=$(basename "$s" .yaml)
	vg "render $b" 0 render "$s" -o "$tmp/$b.pdf"
done
vg "render --attach-source (PDF/A-3b)" 0 render --attach-source \
	"$root/samples/wangchenglu-2024.yaml" -o "$tmp/a3.pdf"
vg "extract" 0 extract "$tmp/a3.pdf" -o "$tmp/extracted"
vg "init --previous" 0 init --agency 东城区清风街道办事处 --year 2025 \
	--previous "$root/tests/check/previous-2024.yaml" -o "$tmp/next.yaml"
vg "render --previous" 0 render --previous "$root/tests/check/previous-2024.yaml" \
	"$root/tests/check/clean-2025.yaml" -o "$tmp/clean.pdf"
vg "render --draft, a rule failing" 2 render --draft "$root/tests/check/t3-1.yaml" \
	-o "$tmp/draft.pdf"
vg "render --previous, last year's malformed" 2 render \
	--previous "$root/tests/check/previous-2024-bad.yaml" \
	"$root/tests/check/clean-2025.yaml" -o "$tmp/never.pdf"
vg "check a description with a seeded error" 2 check "$root/tests/check/t2-1.yaml"
vg "render malformed YAML" 2 render "$root/tests/bad/cases/yaml-unclosed-flow.yaml" \
	-o "$tmp/bad.pdf"
mkdir "$tmp/dir.pdf"
vg "render to an output that is a folder" 1 render "$root/samples/wangchenglu-2024.yaml" \
	-o "$tmp/dir.pdf"

echo "valgrind: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
