#!/bin/sh
# run.sh - make bench: generates distinct realistic reports, checks them,
# and prints the figures of issue 6: the seed report's median wall time
# and peak RSS (whole process), batch throughput over the generated
# reports at -j1 and -j2, and the average PDF size.
#
#   GKREPORT=build/gkreport MEASURE=build/bench/measure sh tests/bench/run.sh [COUNT]
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
gk=${GKREPORT:-$root/build/gkreport}
measure=${MEASURE:-$root/build/bench/measure}
count=${1:-1000}
work=${BENCH_DIR:-$root/build/bench}
export GK_DATA_DIR="$root"
unset SOURCE_DATE_EPOCH

rm -rf "$work/reports" "$work/out-j1" "$work/out-j2"
mkdir -p "$work/reports"
awk -v n="$count" -v dir="$work/reports" -v seed=1 -f "$root/tests/bench/generate.awk"
echo "generated $count reports in $work/reports"

# every generated report passes every rule, warnings included
for f in "$work"/reports/report-000[0-9].yaml; do
	"$gk" check --strict "$f" 2>/dev/null || { echo "bench: $f fails check --strict" >&2; exit 1; }
done

echo "cores: $(nproc)"
seed="$root/samples/wangchenglu-2024.yaml"
single=$("$measure" 21 "$gk" render "$seed" -o "$work/seed.pdf")
echo "seed report, whole process (21 runs): $single"
# where a seed render spends its time: the median of each stage over 11 runs
# (GKREPORT_TIMINGS, gkreport(1)); the rest of the wall time is exec,
# dynamic linking and exit
for i in 1 2 3 4 5 6 7 8 9 10 11; do
	GKREPORT_TIMINGS=1 "$gk" render "$seed" -o "$work/seed.pdf" 2>&1 >/dev/null
done | awk '/^gkreport: timing: / {
	stage = $3; for (i = 4; $i != "ms"; i++) { ms = $i; if ($(i + 1) != "ms") stage = stage " " $i }
	if (!(stage in n)) order[++stages] = stage
	v[stage, ++n[stage]] = ms
}
END {
	printf "seed stages (median ms):"
	for (s = 1; s <= stages; s++) {
		k = order[s]; m = n[k]
		for (i = 1; i <= m; i++) a[i] = v[k, i] + 0
		for (i = 2; i <= m; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
		if (k != "main") printf " %s %.2f", k, a[int((m + 1) / 2)]
	}
	printf "\n"
}'

for j in 1 2; do
	out="$work/out-j$j"
	line=$("$measure" 1 "$gk" batch --strict -j "$j" -o "$out" "$work/reports")
	ms=$(echo "$line" | sed 's/.*median_ms=\([0-9.]*\).*/\1/')
	cpu=$(echo "$line" | sed 's/.*cpu_ms=\([0-9.]*\).*/\1/')
	rss=$(echo "$line" | sed 's/.*max_rss_kb=\([0-9]*\).*/\1/')
	pdfs=$(find "$out" -name '*.pdf' | wc -l)
	[ "$pdfs" -eq "$count" ] || { echo "bench: -j$j wrote $pdfs of $count PDFs (batch --strict failed?)" >&2; exit 1; }
	awk -v n="$count" -v ms="$ms" -v cpu="$cpu" -v j="$j" -v rss="$rss" 'BEGIN {
		printf "batch -j%d: %d reports in %.2f s = %.1f reports/s (CPU %.2f s, %.2f CPUs busy; peak RSS %d KB)\n",
			j, n, ms / 1000, n / (ms / 1000), cpu / 1000, cpu / ms, rss }'
done
find "$work/out-j2" -name '*.pdf' -exec wc -c {} + | awk '$2 != "total" { n++; s += $1 }
	END { printf "average PDF size: %.1f KB over %d PDFs\n", s / n / 1024, n }'
