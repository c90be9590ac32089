# corpus.sh - the diagnostics corpus, sourced by tests/check/run.sh and by
# tests/e2e/run.sh (which provide $gk, $tmp and lib.sh's pass and fail).
#
# Each line of cases.txt renders one description from this folder:
#     NAME  STATUS  DESCRIPTION  [OPTIONS...]
# and passes when standard error is exactly expected/NAME.err, the exit
# status is STATUS, and a PDF exists afterwards only when STATUS is 0 (no
# temporary file either).  `check` must then print the same and exit the
# same.  Paths print as the command gets them: relative to this folder.

corpus=$root/tests/check

# corpus_outputs DIR: what a run left in DIR, one name a line.
corpus_outputs() { ls -A "$1"; }

# corpus_pdf_ok STATUS DIR: a PDF in DIR exactly when STATUS is 0, and
# nothing else.
corpus_pdf_ok() {
	if [ "$1" -eq 0 ]; then
		[ "$(corpus_outputs "$2")" = "out.pdf" ] &&
			head -c 5 "$2/out.pdf" | grep -q '%PDF-'
	else
		[ -z "$(corpus_outputs "$2")" ]
	fi
}

# corpus_case NAME STATUS DESCRIPTION [OPTIONS...]
corpus_case() {
	name=$1 want=$2 desc=$3
	shift 3
	out=$tmp/corpus/$name
	mkdir -p "$out/pdf"
	(cd "$corpus" && exec "$gk" render "$desc" -o "$out/pdf/out.pdf" "$@") \
		2>"$out/render.err"
	got=$?
	(cd "$corpus" && exec "$gk" check "$desc" "$@") 2>"$out/check.err"
	got_check=$?
	if [ "$got" -eq "$want" ] && cmp -s "$corpus/expected/$name.err" "$out/render.err" &&
		corpus_pdf_ok "$want" "$out/pdf"; then
		pass "corpus $name: exit $want, the expected diagnostic, $([ "$want" -eq 0 ] && echo 'a PDF' || echo 'no PDF')"
	else
		fail "corpus $name" "exit $got (want $want), left: [$(corpus_outputs "$out/pdf" | tr '\n' ' ')]" \
			"got:  $(head -3 "$out/render.err")" "want: $(head -3 "$corpus/expected/$name.err")"
	fi
	if [ "$got_check" -eq "$want" ] && cmp -s "$out/render.err" "$out/check.err"; then
		pass "corpus $name: check says the same"
	else
		fail "corpus $name: check says the same" "exit $got_check" "$(head -3 "$out/check.err")"
	fi
}

while read -r name status desc options; do
	case $name in '#'*|'') continue ;; esac
	# options are plain words: split on purpose
	# shellcheck disable=SC2086
	corpus_case "$name" "$status" "$desc" $options
done < "$corpus/cases.txt"

# --format json: one object per line, with the rule, table, row and column
# the text names (python3's json module is the independent reader).
(cd "$corpus" && exec "$gk" check --format json t3-1.yaml) 2>"$tmp/corpus/json.err"
status=$?
if [ "$status" -eq 2 ] && python3 - "$tmp/corpus/json.err" <<'PY'
import json, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
objs = [json.loads(l) for l in lines]
keys = ["file", "line", "column", "severity", "rule", "table", "row",
        "table_column", "message"]
assert len(objs) == 2, objs
for o, column in zip(objs, ["自然人", "总计"]):
    assert list(o) == keys, list(o)
    assert o["file"] == "t3-1.yaml" and o["severity"] == "error", o
    assert o["rule"] == "T3-1" and o["table"] == "表三", o
    assert o["row"] is None and o["table_column"] == column, o
    assert o["line"] == 32 and o["column"] > 0, o
PY
then
	pass "corpus --format json: valid JSON with rule, table, row and column"
else
	fail "corpus --format json: valid JSON with rule, table, row and column" \
		"exit $status" "$(head -3 "$tmp/corpus/json.err")"
fi
