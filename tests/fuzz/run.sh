#!/bin/sh
# run.sh SECONDS TARGET... - runs each libFuzzer target of $FB (default
# build/fuzz) for SECONDS on its seed corpus, tests/fuzz/corpus/TARGET.
# New inputs go to a temporary folder, never into the repository; a crash,
# leak, timeout or out-of-memory leaves its reproducer in
# $FB/artifacts/ and fails the run.
set -u

root=$(cd "$(dirname "$0")/../.." && pwd)
fb=${FB:-build/fuzz}
seconds=$1
shift
passed=0 failed=0
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
mkdir -p "$fb/artifacts"

# dict_for TARGET: the -dict option for targets that read YAML.
dict_for() {
	case $1 in
	report|layout|render) echo "-dict=$root/tests/fuzz/yaml.dict" ;;
	linebreak) echo "-dict=$root/tests/fuzz/linebreak.dict" ;;
	esac
}

for t in "$@"; do
	mkdir -p "$tmp/$t"
	echo "== fuzz_$t: $seconds s"
	# shellcheck disable=SC2046
	# GKREPORT_NO_FONT_CACHE: generated layouts must not fill the user's
	# cache with prepared trees (their unit tests forge damaged ones)
	if GK_DATA_DIR=$root GKREPORT_NO_FONT_CACHE=1 ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
		LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$root/tests/fuzz/lsan.supp} \
		"$fb/fuzz_$t" -max_total_time="$seconds" -timeout=10 \
		-rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
		-artifact_prefix="$fb/artifacts/$t-" $(dict_for "$t") \
		"$tmp/$t" "$root/tests/fuzz/corpus/$t" >"$tmp/$t.log" 2>&1; then
		passed=$((passed + 1))
		grep -E '^stat::number_of_executed_units|^Done' "$tmp/$t.log"
	else
		failed=$((failed + 1))
		echo "FAIL fuzz_$t:"
		grep -E -A30 '^==[0-9]+==|runtime error|invariant violated|^SUMMARY' \
			"$tmp/$t.log" | head -60
	fi
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
