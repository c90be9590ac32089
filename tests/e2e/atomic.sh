# atomic.sh - sourced by run.sh: the target of render holds either nothing
# (or its old contents) or a complete PDF, whenever and however the
# renderer stops.  A long report (about 150 pages) is rendered and killed:
#
#   - with SIGKILL after pseudo-random delays (a fixed seed) spread over a
#     whole run, and the moment its temporary file appears (mid-write);
#   - with SIGTERM the same ways: termination waits for the write, so no
#     temporary file is ever left;
#   - by a file-size limit (ulimit -f) half-way through the write, a normal
#     failure: exit 1, a message, the old file intact, no temporary file;
#   - by nothing, four renders to one target at once: all succeed.
#
# After SIGKILL the temporary file (.NAME.gkreport-XXXXXX) may remain;
# the next render to the same target removes it.

at=$tmp/atomic
mkdir -p "$at"
# the seed with chapter 六 grown to 260 paragraphs under 7 sub-headings
awk '
/^  其他需要报告的事项: 无$/ {
	print "  其他需要报告的事项:"
	for (i = 1; i <= 260; i++) {
		if (i % 40 == 1) printf "    - heading: 第%d批工作事项\n", int(i / 40) + 1
		printf "    - 第%d项：", i
		for (j = 0; j < 9; j++)
			printf "按照政务公开工作要点，街道办事处对第%d类信息进行了梳理和更新，", i * 10 + j
		print "全年共计完成相关工作。"
	}
	next
}
{ print }' "$sample" >"$at/long.yaml"

# the reference: a whole render, timed (ms) to spread the kills over one
at_t0=$(date +%s%N)
"$gk" render "$at/long.yaml" -o "$at/ref.pdf" 2>"$at/ref.err"
at_status=$?
at_ms=$((($(date +%s%N) - at_t0) / 1000000))
at_pages=$(pdfinfo "$at/ref.pdf" 2>/dev/null | awk '/^Pages:/ { print $2 }')
if [ "$at_status" -eq 0 ] && [ "${at_pages:-0}" -ge 140 ] &&
	qpdf --check "$at/ref.pdf" >/dev/null 2>&1; then
	pass "atomic: a long report renders ($at_pages pages)"
else
	fail "atomic: a long report renders" "status $at_status, $at_pages pages" \
		"$(head -3 "$at/ref.err")"
fi
# an older, different PDF at the target: it must survive or be replaced whole
"$gk" render "$sample" -o "$at/old.pdf" 2>/dev/null

# at_temps: the temporary files beside the target, one a line
at_temps() { (cd "$at/out" && ls -A | grep '^\.t\.pdf\.gkreport-') 2>/dev/null; }

# at_has_temp: true when a temporary file is there (no fork: it spins)
at_has_temp() {
	for at_f in "$at/out"/.t.pdf.gkreport-*; do
		[ -e "$at_f" ] && return 0
	done
	return 1
}

# at_outcome: what the target holds: nothing, old, complete, or partial
# (qpdf --check must accept a complete one too).
at_outcome() {
	if [ ! -e "$at/out/t.pdf" ]; then echo nothing
	elif cmp -s "$at/out/t.pdf" "$at/old.pdf"; then echo old
	elif cmp -s "$at/out/t.pdf" "$at/ref.pdf" &&
		qpdf --check "$at/out/t.pdf" >/dev/null 2>&1; then echo complete
	else echo partial
	fi
}

# at_kill SIGNAL WHEN [old]: renders to out/t.pdf (over old.pdf with "old"),
# sends SIGNAL after WHEN seconds or, for WHEN "write", as soon as the
# temporary file appears, and prints the outcome, the renderer's exit
# status and the number of temporary files left.
at_kill() {
	rm -rf "$at/out"
	mkdir "$at/out"
	[ "${3:-}" = old ] && cp "$at/old.pdf" "$at/out/t.pdf"
	"$gk" render "$at/long.yaml" -o "$at/out/t.pdf" 2>/dev/null &
	at_pid=$!
	if [ "$2" = write ]; then
		at_spin=0
		while ! at_has_temp && [ $at_spin -lt 200000 ]; do
			at_spin=$((at_spin + 1))
		done
	else
		sleep "$2"
	fi
	kill -s "$1" $at_pid 2>/dev/null
	wait $at_pid
	at_rc=$?
	echo "$(at_outcome) $at_rc $(at_temps | wc -l)"
}

# at_series NAME SIGNAL WHEN... : at_kill for each WHEN, alternately over
# nothing and over old.pdf; every outcome must be one of nothing, old
# (when there was one) or complete; with SIGTERM no temporary file may
# remain.  Tallies the outcomes.
at_series() {
	at_name=$1 at_sig=$2
	shift 2
	at_bad= at_tally= at_i=0
	for at_when in "$@"; do
		at_i=$((at_i + 1))
		at_old=
		[ $((at_i % 2)) -eq 0 ] && at_old=old
		# (standard error hidden: the shell reports the killed job there)
		set -- $(at_kill "$at_sig" "$at_when" $at_old 2>/dev/null)
		at_tally="$at_tally $1"
		case $1:$at_old in
		nothing: | old:old | complete:*) ;;
		*) at_bad="$at_bad [after $at_when s${at_old:+ over old}: $1, exit $2]" ;;
		esac
		if [ "$at_sig" = TERM ] && [ "$3" -ne 0 ]; then
			at_bad="$at_bad [after $at_when s: $3 temporary files left]"
		fi
	done
	at_summary=$(echo $at_tally | tr ' ' '\n' | sort | uniq -c | awk '{ printf "%s%s %s", s, $1, $2; s = ", " }')
	if [ -z "$at_bad" ]; then
		pass "atomic: $at_name: the target holds nothing, the old file or a whole PDF"
		echo "#   $at_summary"
	else
		fail "atomic: $at_name: the target holds nothing, the old file or a whole PDF" "$at_bad"
	fi
}

# delays (s): N pseudo-random ones with a fixed seed over 0..1.2 of a run
at_delays() {
	awk -v n="$1" -v ms="$at_ms" -v seed="$2" 'BEGIN {
		srand(seed)
		for (i = 0; i < n; i++) printf "%.3f\n", rand() * ms * 1.2 / 1000 }'
}

# shellcheck disable=SC2046
at_series "SIGKILL at 20 moments of a run" KILL $(at_delays 20 8)
at_series "SIGKILL mid-write, 6 times" KILL write write write write write write
# the leftovers of the kills are removed by the next render to the target
if [ -n "$(at_temps)" ] || cp "$at/ref.pdf" "$at/out/.t.pdf.gkreport-St4le0"; then
	at_left=$(at_temps | wc -l)
	if "$gk" render "$at/long.yaml" -o "$at/out/t.pdf" 2>/dev/null &&
		[ -z "$(at_temps)" ] && cmp -s "$at/out/t.pdf" "$at/ref.pdf"; then
		pass "atomic: the next render removes the $at_left temporary file(s) a SIGKILL left"
	else
		fail "atomic: the next render removes the temporary files a SIGKILL left" "$(at_temps)"
	fi
fi
# shellcheck disable=SC2046
at_series "SIGTERM at 8 moments of a run" TERM $(at_delays 8 9)
at_series "SIGTERM mid-write, 3 times" TERM write write write

# a normal failure after the write began: the file-size limit (in the
# shell's blocks of 512 or 1024 bytes) stops it half-way
rm -rf "$at/out"
mkdir "$at/out"
cp "$at/old.pdf" "$at/out/t.pdf"
at_blocks=$(($(wc -c <"$at/ref.pdf") / 2048))
(ulimit -f "$at_blocks" && exec "$gk" render "$at/long.yaml" -o "$at/out/t.pdf") 2>"$at/fsize.err"
at_status=$?
if [ "$at_status" -eq 1 ] && [ -z "$(at_temps)" ] &&
	cmp -s "$at/out/t.pdf" "$at/old.pdf" &&
	[ "$(cat "$at/fsize.err")" = "gkreport: error: cannot write '$at/out/t.pdf': File too large" ]; then
	pass "atomic: a write stopped by ulimit -f: exit 1, the old file intact, no temporary file"
else
	fail "atomic: a write stopped by ulimit -f: exit 1, the old file intact, no temporary file" \
		"status $at_status; left: $(at_temps)" "$(head -3 "$at/fsize.err")"
fi

# four renders to one target at once, three times: each removes the
# others' files only when stale, so every one succeeds
at_bad=
for at_round in 1 2 3; do
	rm -rf "$at/out"
	mkdir "$at/out"
	at_pids=
	for at_j in 1 2 3 4; do
		"$gk" render "$at/long.yaml" -o "$at/out/t.pdf" 2>>"$at/race.err" &
		at_pids="$at_pids $!"
	done
	for at_p in $at_pids; do
		wait "$at_p" || at_bad="$at_bad [round $at_round: a render failed]"
	done
	[ -z "$(at_temps)" ] || at_bad="$at_bad [round $at_round: $(at_temps)]"
	cmp -s "$at/out/t.pdf" "$at/ref.pdf" || at_bad="$at_bad [round $at_round: target differs]"
done
if [ -z "$at_bad" ]; then
	pass "atomic: four renders to one target at once all succeed, whole, nothing left"
else
	fail "atomic: four renders to one target at once all succeed, whole, nothing left" \
		"$at_bad" "$(head -3 "$at/race.err")"
fi
