#!/bin/sh
# run.sh - the bad-input corpus: every case runs gkreport in a folder of
# its own and passes when standard error is exactly expected/NAME.err, the
# exit status is the one cases.txt gives, and the folder holds afterwards
# what it held before (plus out.pdf when the status is 0): no output file,
# no temporary file.
#
#   GKREPORT=build/gkreport sh tests/bad/run.sh [NAME...]
#
# A case NAME copies cases/NAME.yaml (else cases/base.yaml) to in.yaml and
# cases/NAME.layout.yaml to layout.yaml; setup_NAME, when defined below, prepares the rest (big
# inputs are made here, never committed).  In messages the case folder
# prints as DIR and the checkout as ROOT.  GKREPORT_BAD_UPDATE=1 rewrites
# the expected files instead (review the diff before committing).
set -u
LC_ALL=C
export LC_ALL

root=$(cd "$(dirname "$0")/../.." && pwd)
here=$root/tests/bad
gk=${GKREPORT:-$root/build/gkreport}
case $gk in /*) ;; *) gk=$PWD/$gk ;; esac
tmp=$(mktemp -d) || exit 1
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT INT TERM
# gkreport's caches (fonts, face summaries, layout trees) start empty in a
# folder of this run's own: what an older build left in ~/.cache is never
# read, and the user's cache is never written
export XDG_CACHE_HOME="$tmp/cache"
passed=0 failed=0

# ---- helpers for setups --------------------------------------------------

# repeat N TEXT: TEXT N times on one line, without a newline.
repeat() {
	awk -v n="$1" -v s="$2" 'BEGIN { for (i = 0; i < n; i++) printf "%s", s }'
}

# with_paragraph DIR TEXT-FILE: in.yaml with chapter 六's 无 replaced by
# the contents of TEXT-FILE (one line).
with_paragraph() {
	{
		sed -n '1,/^  其他需要报告的事项:/p' "$here/cases/base.yaml" |
			sed '$d'
		printf '  其他需要报告的事项: '
		cat "$2"
		printf '\n'
		sed -n '/^signoff:/,$p' "$here/cases/base.yaml"
	} >"$1/in.yaml"
	rm -f "$2"
}

# data_dir DIR: a copy of DATA_DIR (layouts/, fonts/) in DIR/data, used
# through GK_DATA_DIR, so fonts/roles.yaml can be replaced.
data_dir() {
	mkdir -p "$1/data"
	cp -R "$root/layouts" "$root/fonts" "$1/data/"
	env_data=$1/data
}

# roles_naming DIR ENTRY: roles.yaml in DIR's data copy whose body role
# lists only ENTRY.
roles_naming() {
	sed "/^body:/,/^[a-z_]*:/{
		s|^  official:.*|  official: [\"$2\"]|
		s|^  free:.*|  free: []|
	}" "$root/fonts/roles.yaml" >"$1/data/fonts/roles.yaml"
}

# ---- setups --------------------------------------------------------------

setup_layout_is_directory() { mkdir "$1/adir.yaml"; }
setup_output_is_directory() { mkdir "$1/out.pdf"; }
setup_output_under_file() { : >"$1/file"; args="render in.yaml -o file/x.pdf"; }
setup_output_missing_folder() { args="render in.yaml -o no/such/x.pdf"; }
# As root, chmod 555 does not stop a write; /proc refuses new files to
# everyone.
setup_output_in_proc() { args="render in.yaml -o /proc/gkreport-test.pdf"; }
# ulimit -f 8: writes past 8 blocks (4 KiB or 8 KiB) raise SIGXFSZ.
setup_output_file_size_limit() { fsize=8; }
setup_input_fifo() {
	rm "$1/in.yaml"
	mkfifo "$1/in.yaml"
	(cat "$here/cases/base.yaml" >"$1/in.yaml" &)
}
setup_input_directory() { rm "$1/in.yaml"; mkdir "$1/in.yaml"; }
setup_input_device() { args="render /dev/zero -o out.pdf"; }
setup_input_missing() { rm "$1/in.yaml"; }
setup_input_empty() { : >"$1/in.yaml"; }
setup_input_nul_bytes() { head -c 1000 /dev/zero >"$1/in.yaml"; }
setup_input_17mb() {
	cp "$here/cases/base.yaml" "$1/in.yaml"
	repeat 17825792 ' ' >>"$1/in.yaml"
}
setup_paragraph_10mb() {
	repeat 3495254 '公' >"$1/p.txt"
	with_paragraph "$1" "$1/p.txt"
}
setup_line_100k() {
	repeat 10000 '政府信息公开工作稳步' >"$1/p.txt"
	with_paragraph "$1" "$1/p.txt"
}
setup_paragraph_over_limit() {
	repeat 100001 '公' >"$1/p.txt"
	with_paragraph "$1" "$1/p.txt"
}
setup_too_many_blocks() {
	{
		awk '{ print } /^  其他需要报告的事项:/ { exit }' "$here/cases/base.yaml" |
			sed '$d'
		printf '  其他需要报告的事项:\n'
		awk 'BEGIN { for (i = 0; i < 10001; i++) print "    - 无。" }'
		sed -n '/^signoff:/,$p' "$here/cases/base.yaml"
	} >"$1/in.yaml"
}
# 12 paragraphs of 96,000 characters: past the 2,000-page limit
setup_too_many_pages() {
	{
		awk '{ print } /^  其他需要报告的事项:/ { exit }' "$here/cases/base.yaml" |
			sed '$d'
		printf '  其他需要报告的事项:\n'
		for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
			printf '    - '
			repeat 16000 '政府信息公开'
			printf '\n'
		done
		sed -n '/^signoff:/,$p' "$here/cases/base.yaml"
	} >"$1/in.yaml"
}
setup_deep_nesting_flow() {
	{ printf 'layout: gov-annual-2021\nagency: '; repeat 100 '['; repeat 100 ']'; printf '\n'; } >"$1/in.yaml"
}
setup_deep_nesting_block() {
	awk 'BEGIN { printf "layout: gov-annual-2021\n"; ind = "";
		for (i = 0; i < 80; i++) { printf "%sk%d:\n", ind, i; ind = ind " " }
		printf "%sv\n", ind }' >"$1/in.yaml"
}
setup_stdin_syntax_error() { stdin=in.yaml; args="render - -o out.pdf"; }
setup_previous_missing() { args="render in.yaml -o out.pdf --previous last.yaml"; }
setup_layout_too_many_cells() {
	sed '/^    cells:/q' "$here/cases/layout-ok.layout.yaml" |
		sed 's/columns: \[fit, 1fr\]/columns: [fit]/' >"$1/layout.yaml"
	awk 'BEGIN { for (i = 0; i < 10000; i++) printf "      - {at: [%d, 0], text: x}\n", i % 999 }' \
		>>"$1/layout.yaml"
	cp "$here/cases/layout-ok.yaml" "$1/in.yaml"
}
# layout_with_values DIR ROWS COLUMNS: layout-ok's layout with ROWS value
# rows of COLUMNS columns each.
layout_with_values() {
	sed '/^      rows:/q' "$here/cases/layout-ok.layout.yaml" | sed '$d' |
		sed '/^      columns: \[数量\]/d' >"$1/layout.yaml"
	awk -v r="$2" -v c="$3" 'BEGIN { printf "      rows:\n";
		for (i = 0; i < r; i++) { printf "        - {id: r%d, columns: [", i;
			for (j = 0; j < c; j++) printf "%sc%d", j ? ", " : "", j;
			printf "]}\n" } }' >>"$1/layout.yaml"
	sed -n '/^    cells:/,$p' "$here/cases/layout-ok.layout.yaml" >>"$1/layout.yaml"
	cp "$here/cases/layout-ok.yaml" "$1/in.yaml"
}
setup_layout_too_many_rows() { layout_with_values "$1" 1000 1; }
setup_layout_too_many_values() { layout_with_values "$1" 101 100; }
setup_font_family_missing() {
	data_dir "$1"
	roles_naming "$1" "No Such Family GK"
}
setup_font_file_corrupt() {
	data_dir "$1"
	printf 'this is not a font\n' >"$1/data/fonts/broken.ttf"
	roles_naming "$1" "broken.ttf"
}
setup_font_file_truncated() {
	data_dir "$1"
	head -c 5000 /usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf \
		>"$1/data/fonts/cut.ttf"
	roles_naming "$1" "cut.ttf"
}

# ---- running one case ----------------------------------------------------

# run_case NAME STATUS [ARGS...]: runs gkreport in DIR/NAME, then compares.
run_case() {
	name=$1 want=$2
	shift 2
	dir=$tmp/$name
	mkdir -p "$dir"
	args="${*:-render in.yaml -o out.pdf}" stdin=/dev/null fsize='' env_data=$root
	if [ -f "$here/cases/$name.yaml" ]; then
		cp "$here/cases/$name.yaml" "$dir/in.yaml"
	else
		cp "$here/cases/base.yaml" "$dir/in.yaml"
	fi
	[ -f "$here/cases/$name.layout.yaml" ] &&
		cp "$here/cases/$name.layout.yaml" "$dir/layout.yaml"
	setup=setup_$(echo "$name" | tr '-' '_')
	if type "$setup" >/dev/null 2>&1; then "$setup" "$dir"; fi
	before=$(ls -A "$dir")
	# shellcheck disable=SC2086
	(cd "$dir" && { [ -z "$fsize" ] || ulimit -f "$fsize"; } &&
		GK_DATA_DIR=$env_data exec "$gk" $args <"$stdin") \
		>"$tmp/$name.out" 2>"$tmp/$name.raw"
	got=$?
	sed "s|$dir|DIR|g; s|$root|ROOT|g" "$tmp/$name.raw" >"$tmp/$name.err"
	after=$(ls -A "$dir")
	expect_after=$before
	[ "$want" -eq 0 ] && expect_after=$(printf '%s\nout.pdf\n' "$before" | sed '/^$/d' | sort)
	[ "$want" -eq 0 ] && after=$(echo "$after" | sort)
	if [ "${GKREPORT_BAD_UPDATE:-}" = 1 ]; then
		cp "$tmp/$name.err" "$here/expected/$name.err"
	fi
	if [ "$got" -eq "$want" ] && cmp -s "$here/expected/$name.err" "$tmp/$name.err" &&
		[ "$after" = "$expect_after" ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "FAIL bad/$name: exit $got (want $want)"
		[ "$after" = "$expect_after" ] || echo "  left: [$(echo "$after" | tr '\n' ' ')]"
		diff "$here/expected/$name.err" "$tmp/$name.err" 2>&1 | head -6 | sed 's/^/  /'
	fi
}

only=" $* "
while read -r name status rest; do
	case $name in '#'*|'') continue ;; esac
	[ "$only" = "  " ] || case $only in *" $name "*) ;; *) continue ;; esac
	# shellcheck disable=SC2086
	run_case "$name" "$status" $rest
done <"$here/cases.txt"
echo "bad inputs: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
