# batch.sh - gkreport batch, sourced by run.sh (uses gk, root, tmp, pass,
# fail): a folder of generated reports plus broken ones, the PDFs read back,
# hostile names, a batch killed and rerun, the district overview's totals,
# and an installed tree rendering without the checkout.  Counters are
# only changed outside subshells.
#
# Under ASan (a build-asan binary) the batches are smaller and the install
# check is skipped (it builds its own binary).

bdir=$tmp/batch
mkdir -p "$bdir"
case $gk in
*build-asan*) batch_count=40; under_asan=1 ;;
*) batch_count=200; under_asan=0 ;;
esac

# --- a folder of generated reports plus three broken ones --------------------
mkdir -p "$bdir/in"
awk -v n="$batch_count" -v dir="$bdir/in" -v seed=7 -f "$root/tests/bench/generate.awk"
printf 'layout: gov-annual-2021\nagency: [unclosed\n' > "$bdir/in/broken-yaml.yaml"
sed 's/^agency:/agnecy:/' "$bdir/in/report-0001.yaml" > "$bdir/in/broken-key.yaml"
# one more application in 本年新收 than the results account for: T3-1
awk '/^        本年新收: \[/ && !done { sub(/\[/, "[1000, "); sub(/, [0-9]+\]$/, "]"); done = 1 } { print }' \
	"$bdir/in/report-0002.yaml" > "$bdir/in/broken-rule.yaml"
"$gk" batch -j 2 -o "$bdir/out" --summary "$bdir/summary.json" \
	--overview "$bdir/overview.pdf" "$bdir/in" >"$bdir/stdout" 2>"$bdir/stderr"
status=$?
if [ "$status" -eq 2 ]; then pass "batch with 3 broken descriptions exits 2"
else fail "batch with 3 broken descriptions exits 2" "status $status" "$(tail -5 "$bdir/stderr")"; fi
pdfs=$(find "$bdir/out" -name '*.pdf' | wc -l)
if [ "$pdfs" -eq "$batch_count" ]; then pass "batch renders all $batch_count good reports"
else fail "batch renders all $batch_count good reports" "found $pdfs"; fi
named=0
for b in broken-yaml broken-key broken-rule; do
	grep -q "^failed $bdir/in/$b.yaml: .*error: " "$bdir/stdout" && named=$((named + 1))
done
if [ "$named" -eq 3 ] && [ "$(grep -c '^failed ' "$bdir/stdout")" -eq 3 ] &&
	grep -q 'error: unknown key .agnecy.' "$bdir/stdout" &&
	grep -q 'T3-1\|一(.*) + 二' "$bdir/stdout"; then
	pass "the summary names the 3 failures with their first diagnostic"
else
	fail "the summary names the 3 failures with their first diagnostic" "$(cat "$bdir/stdout")"
fi
if grep -q "broken-rule.yaml:[0-9]*:[0-9]*: error: 表三" "$bdir/stderr" &&
	grep -q '"failed": 3' "$bdir/summary.json" &&
	grep -q "\"rendered\": $batch_count" "$bdir/summary.json"; then
	pass "diagnostics on stderr, counts in --summary JSON"
else
	fail "diagnostics on stderr, counts in --summary JSON" "$(head -3 "$bdir/summary.json")"
fi
# each document's diagnostics whole: no line is two lines run together
if awk '/: (error|warning|note): .*: (error|warning|note): / { bad = 1 } END { exit bad }' "$bdir/stderr"; then
	pass "diagnostics of parallel workers do not interleave"
else
	fail "diagnostics of parallel workers do not interleave"
fi
if [ ! -s "$bdir/stderr" ] || ! grep -q "$(printf '\r')" "$bdir/stderr"; then
	pass "no progress line when stderr is not a terminal"
else
	fail "no progress line when stderr is not a terminal"
fi
ls -A "$bdir/out" | grep -v '\.pdf$' > "$bdir/extra.txt"
if [ ! -s "$bdir/extra.txt" ]; then pass "nothing but PDFs in OUTDIR"
else fail "nothing but PDFs in OUTDIR" "$(head -3 "$bdir/extra.txt")"; fi

# --- the PDFs pass the checks a single render does ----------------------------
spot_ok=0 spot_msg=
for i in 0000 0003 $(printf '%04d' $((batch_count / 2))) $(printf '%04d' $((batch_count - 1))); do
	p=$bdir/out/report-$i.pdf
	agency=$(sed -n 's/^agency: //p' "$bdir/in/report-$i.yaml")
	pdftotext "$p" "$bdir/spot.txt" 2>"$bdir/spot.err"
	fonts=$(pdffonts "$p" 2>/dev/null | tail -n +3 | wc -l)
	good=$(pdffonts "$p" 2>/dev/null | tail -n +3 | awk '$(NF-4)=="yes" && $(NF-3)=="yes" && $(NF-2)=="yes"' | wc -l)
	if strip_ws < "$bdir/spot.txt" | grep -q "$agency" && [ ! -s "$bdir/spot.err" ] &&
		[ "$fonts" -gt 0 ] && [ "$fonts" -eq "$good" ] &&
		qpdf --check "$p" >"$bdir/qpdf.txt" 2>&1 && ! grep -qi warning "$bdir/qpdf.txt"; then
		spot_ok=$((spot_ok + 1))
	else
		spot_msg="$spot_msg report-$i"
	fi
done
if [ "$spot_ok" -eq 4 ]; then pass "spot-checked PDFs: text, embedded subset fonts, qpdf --check"
else fail "spot-checked PDFs: text, embedded subset fonts, qpdf --check" "bad:$spot_msg"; fi
"$gk" render "$bdir/in/report-0003.yaml" -o "$bdir/single.pdf" 2>/dev/null
if cmp -s "$bdir/single.pdf" "$bdir/out/report-0003.pdf"; then
	pass "a batch PDF is byte for byte the single render's"
else
	fail "a batch PDF is byte for byte the single render's"
fi

# --- the district overview: one row per office, totals = sums -----------------
# expected totals from the descriptions that rendered (not broken-*)
for f in "$bdir"/in/report-*.yaml; do cat "$f"; done | awk '
	function list_sum(s,    n, a, i, t) { sub(/^[^[]*\[/, "", s); sub(/\].*/, "", s)
		n = split(s, a, ", "); t = 0; for (i = 1; i <= n; i++) t += a[i]; return t }
	function first(s,    a) { sub(/^[^[]*\[/, "", s); split(s, a, ", "); return a[1] + 0 }
	/^  收到和处理政府信息公开申请情况:/ { t3 = 1 }
	/^  政府信息公开行政复议/ { t3 = 0 }
	/^        规章: \[/ { v[1] += first($0) }
	/^        行政规范性文件: \[/ { v[2] += first($0) }
	/^        行政许可: / { v[3] += $2 } /^        行政处罚: / { v[4] += $2 }
	/^        行政强制: / { v[5] += $2 }
	/^        本年新收: \[/ { v[6] += list_sum($0) }
	/^        结转下年度继续办理: \[/ { v[8] += list_sum($0) }
	/^        行政复议: \[/ { v[9] += list_sum($0) }
	/^        (未经复议直接起诉|复议后起诉): \[/ { v[10] += list_sum($0) }
	/^        行政事业性收费: / { fee += $2 }
	t3 && /^        [^ ]*: \[/ && !/本年新收|上年结转|结转下年度继续办理/ { v[7] += list_sum($0) }
	END { for (i = 1; i <= 10; i++) printf "%d ", v[i]; printf "%.2f\n", fee }' > "$bdir/expected-totals.txt"
pdftotext -layout "$bdir/overview.pdf" "$bdir/overview.txt" 2>/dev/null
awk '$1 == "合计" && NF >= 13 { for (i = 2; i <= 11; i++) printf "%d ", $i; printf "%.2f\n", $12 }' \
	"$bdir/overview.txt" > "$bdir/got-totals.txt"
if [ -s "$bdir/got-totals.txt" ] && cmp -s "$bdir/expected-totals.txt" "$bdir/got-totals.txt"; then
	pass "overview totals equal the sums over the rendered reports"
else
	fail "overview totals equal the sums over the rendered reports" \
		"expected $(cat "$bdir/expected-totals.txt")" "got      $(cat "$bdir/got-totals.txt")"
fi
# the rows as printed add up to the totals row too, one row per office
awk '$NF == "通过" && NF >= 13 { n++; for (i = NF - 11; i < NF; i++) s[i - NF + 12] += $i }
	END { for (i = 1; i <= 10; i++) printf "%d ", s[i]; printf "%.2f %d\n", s[11], n }' \
	"$bdir/overview.txt" > "$bdir/row-sums.txt"
if [ "$(cat "$bdir/row-sums.txt")" = "$(cat "$bdir/got-totals.txt") $batch_count" ]; then
	pass "overview: $batch_count office rows, adding up to the totals row"
else
	fail "overview: $batch_count office rows, adding up to the totals row" \
		"rows: $(cat "$bdir/row-sums.txt")" "totals: $(cat "$bdir/got-totals.txt")"
fi
if strip_ws < "$bdir/overview.txt" | grep -q '另有3份描述未能排版' &&
	qpdf --check "$bdir/overview.pdf" >/dev/null 2>&1; then
	pass "overview names the inputs it leaves out; qpdf --check"
else
	fail "overview names the inputs it leaves out; qpdf --check"
fi
sorted=$(awk '$NF == "通过" && NF >= 13 { print $1 }' "$bdir/overview.txt" | LC_ALL=C sort -c 2>&1)
if [ -z "$sorted" ]; then pass "overview rows sorted by agency"
else fail "overview rows sorted by agency" "$sorted"; fi

# --- hostile names stay inside OUTDIR ---------------------------------------------
mkdir -p "$bdir/hostile/in" "$bdir/hostile/deep/out"
long=$(awk 'BEGIN { for (i = 0; i < 300; i++) printf "区"; }')
hostile_n=0
for a in '../../escaped' 'a/b/../../../c' ".hidden" "$long" "$long"; do
	hostile_n=$((hostile_n + 1))
	sed "s|^agency: .*|agency: \"$a\"|; s|^  agency: .*||" "$root/samples/wangchenglu-2024.yaml" \
		> "$bdir/hostile/in/h$hostile_n.yaml"
done
touch "$bdir/hostile/marker"
"$gk" batch -j 2 -o "$bdir/hostile/deep/out" --name '{agency}-{year}' "$bdir/hostile/in" \
	>"$bdir/hostile/stdout" 2>"$bdir/hostile/stderr"
status=$?
inside=$(find "$bdir/hostile/deep/out" -type f | wc -l)
outside=$(find "$bdir" -newer "$bdir/hostile/marker" -type f ! -path "$bdir/hostile/deep/out/*" \
	! -name stdout ! -name stderr | wc -l)
longest=$(ls "$bdir/hostile/deep/out" | awk '{ if (length($0) > m) m = length($0) } END { print m + 0 }')
dotfiles=$(ls -A "$bdir/hostile/deep/out" | grep -c '^\.')
if [ "$status" -eq 0 ] && [ "$inside" -eq 5 ] && [ "$outside" -eq 0 ] &&
	[ "$longest" -le 255 ] && [ "$dotfiles" -eq 0 ]; then
	pass "hostile agency names ('../', '/', '.', 300 characters) stay inside OUTDIR"
else
	fail "hostile agency names stay inside OUTDIR" "status $status, inside $inside, outside $outside, longest $longest, dotfiles $dotfiles" \
		"$(ls -A "$bdir/hostile/deep/out")" "$(head -3 "$bdir/hostile/stderr")"
fi
if [ "$(ls "$bdir/hostile/deep/out" | grep -c -- '-2\.pdf$')" -eq 1 ]; then
	pass "colliding names get -2"
else
	fail "colliding names get -2" "$(ls "$bdir/hostile/deep/out")"
fi

# --- a batch killed mid-run leaves only whole PDFs; a rerun completes it ------
kdir=$bdir/kill
mkdir -p "$kdir"
"$gk" batch -j 1 -o "$kdir/out" "$bdir/in" >/dev/null 2>&1 &
kpid=$!
quarter=$((batch_count / 4)) waited=0
while [ "$(find "$kdir/out" -name '*.pdf' 2>/dev/null | wc -l)" -lt "$quarter" ] && [ "$waited" -lt 600 ]; do
	sleep 0.1; waited=$((waited + 1))
done
kill -9 "$kpid" 2>/dev/null
wait "$kpid" 2>/dev/null
before=$(find "$kdir/out" -name '*.pdf' | wc -l)
broken=0
for p in "$kdir"/out/*.pdf; do
	qpdf --check "$p" >/dev/null 2>&1 || broken=$((broken + 1))
done
if [ "$before" -ge "$quarter" ] && [ "$before" -lt "$batch_count" ] && [ "$broken" -eq 0 ]; then
	pass "kill -9 mid-batch: $before whole PDFs (qpdf --check), none partial"
else
	fail "kill -9 mid-batch leaves only whole PDFs" "$before PDFs, $broken fail qpdf --check"
fi
# a leftover beside a PDF that is up to date (never written again): the
# rerun removes the folder's leftovers once, at its start
cp "$kdir/out/report-0000.pdf" "$kdir/out/.report-0000.pdf.gkreport-St4le0"
"$gk" batch -j 2 -o "$kdir/out" "$bdir/in" >"$kdir/stdout" 2>/dev/null
after=$(find "$kdir/out" -name '*.pdf' | wc -l)
leftovers=$(ls -A "$kdir/out" | grep -c -v '\.pdf$')
if [ "$after" -eq "$batch_count" ] && [ "$leftovers" -eq 0 ] &&
	grep -q " $before up to date" "$kdir/stdout"; then
	pass "the rerun completes the rest, keeps the $before done, leaves no temporary file"
else
	fail "the rerun completes the rest" "$after PDFs, $leftovers other files" "$(head -2 "$kdir/stdout")"
fi

# --- a PDF that cannot be flushed to disk fails its document ----------------------
# fsync fails (EIO) for one document's temporary file through an LD_PRELOAD
# shim; the workers hand their PDFs to a committer thread, so the failure
# comes after the document was rendered: it must still fail that document
# alone, named, before the summary, out of the overview, exit 2.  (Not
# under ASan, whose runtime must come first among the libraries.)
if ! ldd "$gk" 2>/dev/null | grep -q libasan; then
	fdir=$bdir/fsync
	mkdir -p "$fdir/in"
	cat > "$fdir/shim.c" <<'SHIM'
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* fsync, failing with EIO for a file whose path holds $GK_TEST_FAIL_FSYNC */
int
fsync(int fd)
{
	const char *part = getenv("GK_TEST_FAIL_FSYNC");
	char link[64], path[4096];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, path, sizeof(path) - 1);
	if (part != NULL && n > 0) {
		path[n] = '\0';
		if (strstr(path, part) != NULL) {
			errno = EIO;
			return -1;
		}
	}
	return (int)syscall(SYS_fsync, fd);
}
SHIM
	cp "$bdir/in/report-0000.yaml" "$bdir/in/report-0001.yaml" "$bdir/in/report-0002.yaml" "$fdir/in/"
	if ${CC:-cc} -shared -fPIC -o "$fdir/shim.so" "$fdir/shim.c" 2>"$fdir/cc.err"; then
		GK_TEST_FAIL_FSYNC=/.report-0001.pdf.gkreport- LD_PRELOAD="$fdir/shim.so" \
			"$gk" batch -j 2 -o "$fdir/out" --summary "$fdir/summary.json" \
			--overview "$fdir/overview.pdf" "$fdir/in" >"$fdir/stdout" 2>"$fdir/stderr"
		status=$?
		fmsg="gkreport: error: cannot write '$fdir/out/report-0001.pdf': Input/output error"
		if [ "$status" -eq 2 ] && grep -qxF "$fmsg" "$fdir/stderr" &&
			[ "$(grep -c ': error: ' "$fdir/stderr")" -eq 1 ] &&
			[ "$(ls -A "$fdir/out" | tr '\n' ' ')" = "report-0000.pdf report-0002.pdf " ] &&
			grep -q '^gkreport batch: 2 rendered, 0 up to date, 1 failed,' "$fdir/stdout" &&
			[ "$(sed 1d "$fdir/stdout")" = "failed $fdir/in/report-0001.yaml: $fmsg" ] &&
			grep -q '"rendered": 2, "up_to_date": 0, "failed": 1,' "$fdir/summary.json" &&
			grep -q '"outcome": "failed", "errors": 1, "warnings": 0, "first_diagnostic": "gkreport: error: cannot write' "$fdir/summary.json" &&
			pdftotext "$fdir/overview.pdf" - 2>/dev/null | grep -q 'report-0001.yaml'; then
			pass "a PDF whose flush fails fails its own document: named on stderr and in the summary, listed in the overview, exit 2"
		else
			fail "a PDF whose flush fails fails its own document" "status $status" \
				"$(grep ': error: ' "$fdir/stderr")" "$(cat "$fdir/stdout")" "$(ls -A "$fdir/out" | tr '\n' ' ')"
		fi
	else
		fail "a PDF whose flush fails: the fsync shim compiles" "$(head -3 "$fdir/cc.err")"
	fi
fi

# --- with two workers the largest descriptions go first --------------------------
# Five broken descriptions, smallest first by name, and one long report
# (about 300 pages): one worker is busy with the long one while the other
# fails the broken ones, largest first, so their errors come out in that
# order.
odir=$bdir/order
mkdir -p "$odir/in"
for i in 1 2 3 4 5; do
	{
		printf 'layout: gov-annual-2021\nagency: [unclosed\n'
		awk -v n=$((i * 40)) 'BEGIN { for (j = 0; j < n; j++) print "# padding" }'
	} > "$odir/in/b$i.yaml"
done
awk '/^  其他需要报告的事项: 无$/ {
	print "  其他需要报告的事项:"
	for (i = 1; i <= 3000; i++)
		printf "    - 第%d项：按照政务公开工作要点，街道办事处对相关信息进行了梳理和更新，全年共计完成相关工作。\n", i
	next
} { print }' "$root/samples/wangchenglu-2024.yaml" > "$odir/in/z-long.yaml"
"$gk" batch -j 2 -o "$odir/out" --summary "$odir/summary.csv" "$odir/in" >/dev/null 2>"$odir/stderr"
order=$(grep -o 'b[0-9]\.yaml:[0-9]*:[0-9]*: error' "$odir/stderr" | cut -c2 | tr -d '\n')
inputs=$(cut -d, -f1 "$odir/summary.csv" | sed 's|.*/||' | tr '\n' ' ')
if [ "$order" = 54321 ] && [ -s "$odir/out/z-long.pdf" ] &&
	[ "$inputs" = "input b1.yaml b2.yaml b3.yaml b4.yaml b5.yaml z-long.yaml " ]; then
	pass "-j 2 takes the largest descriptions first; the summary keeps the input order"
else
	fail "-j 2 takes the largest descriptions first; the summary keeps the input order" \
		"errors in the order $order, summary $inputs" "$(head -3 "$odir/stderr")"
fi

# --- options --------------------------------------------------------------------
"$gk" batch -j 0 "$bdir/in" >/dev/null 2>"$bdir/opt.err"; status=$?
if [ "$status" -eq 2 ] && grep -q 'error: -j takes' "$bdir/opt.err"; then pass "batch -j 0 is a usage error"
else fail "batch -j 0 is a usage error" "$(cat "$bdir/opt.err")"; fi
printf '%s\n' "$bdir/in/report-0000.yaml" "" "$bdir/in/report-0001.yaml" |
	"$gk" batch --files-from - -o "$bdir/list" --summary "$bdir/list.csv" >/dev/null 2>&1
if [ -s "$bdir/list/report-0000.pdf" ] && [ -s "$bdir/list/report-0001.pdf" ] &&
	[ "$(wc -l < "$bdir/list.csv")" -eq 3 ] && head -1 "$bdir/list.csv" | grep -q '^input,output,outcome'; then
	pass "--files-from - and --summary CSV"
else
	fail "--files-from - and --summary CSV" "$(cat "$bdir/list.csv" 2>/dev/null)"
fi
"$gk" layouts > "$bdir/layouts.txt" 2>&1
if grep -q '^gov-annual-2021	' "$bdir/layouts.txt" && grep -q '^district-overview	' "$bdir/layouts.txt"; then
	pass "gkreport layouts lists the layouts"
else
	fail "gkreport layouts lists the layouts" "$(cat "$bdir/layouts.txt")"
fi

# --- make install: the installed tree renders with no source folder -------------
if [ "$under_asan" -eq 0 ]; then
	stage=$(mktemp -d)
	make -C "$root" --no-print-directory install DESTDIR="$stage" PREFIX=/usr >"$bdir/install.log" 2>&1
	if [ -x "$stage/usr/bin/gkreport" ] && [ -s "$stage/usr/share/gkreport/layouts/gov-annual-2021.yaml" ] &&
		[ -s "$stage/usr/share/gkreport/fonts/roles.yaml" ] && [ -s "$stage/usr/share/man/man1/gkreport.1" ] &&
		objcopy -O binary --only-section=.rodata "$stage/usr/bin/gkreport" "$bdir/rodata" &&
		strings "$bdir/rodata" | grep -qx '/usr/share/gkreport' &&
		! strings "$bdir/rodata" | grep -qx "$root"; then
		pass "make install DESTDIR=… PREFIX=/usr: binary (DATA_DIR /usr/share/gkreport), layouts, fonts, man pages"
	else
		fail "make install DESTDIR=… PREFIX=/usr" "$(tail -5 "$bdir/install.log")"
	fi
	rm -rf "$stage"
	# installed for real (PREFIX only) so the compiled-in DATA_DIR exists
	prefix=$(mktemp -d)
	make -C "$root" --no-print-directory install PREFIX="$prefix" >"$bdir/install2.log" 2>&1
	mkdir -p "$bdir/elsewhere/home"
	cp "$root/samples/wangchenglu-2024.yaml" "$bdir/elsewhere/"
	if (cd "$bdir/elsewhere" && env -u GK_DATA_DIR -u XDG_DATA_HOME HOME="$bdir/elsewhere/home" \
		"$prefix/bin/gkreport" render wangchenglu-2024.yaml -o out.pdf) 2>"$bdir/installed.err" &&
		qpdf --check "$bdir/elsewhere/out.pdf" >/dev/null 2>&1 &&
		(cd "$bdir/elsewhere" && env -u GK_DATA_DIR HOME="$bdir/elsewhere/home" \
			"$prefix/bin/gkreport" layouts) | grep -q "^gov-annual-2021	$prefix/share/gkreport/layouts/"; then
		pass "the installed gkreport renders from another folder without GK_DATA_DIR"
	else
		fail "the installed gkreport renders from another folder without GK_DATA_DIR" \
			"$(head -3 "$bdir/installed.err")" "$(tail -3 "$bdir/install2.log")"
	fi
	rm -rf "$prefix"
fi
