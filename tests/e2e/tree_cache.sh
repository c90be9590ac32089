# tree_cache.sh - prepared YAML trees (yaml_tree.h): no, cold, warm and
# damaged tree caches give the same PDFs, the same messages and the same
# exit statuses, for a good layout and for layouts with errors, which are
# never cached; fonts/roles.yaml is cached whenever its YAML parses, and
# its own errors are then reported from the cached tree at the same
# places.  Sourced by run.sh (uses $gk, $root, $tmp, $sample, pass/fail).

tc_tmp=$tmp/trees
tc_home=$tc_tmp/cache-home
trees=$tc_home/gkreport/trees
mkdir -p "$tc_tmp/data/layouts" "$tc_tmp/roles-bad/fonts" "$tc_tmp/trees-cold"
cp "$root"/layouts/*.yaml "$tc_tmp/data/layouts/"
ln -s "$root/fonts" "$tc_tmp/data/fonts"
ln -s "$root/layouts" "$tc_tmp/roles-bad/layouts"
# an unknown key at 15:3 of the page, and a duplicate key at 15:3
sed 's/^  height: 297mm$/&\n  colour: red                    # e2e: an unknown key/' \
	"$root/layouts/gov-annual-2021.yaml" >"$tc_tmp/data/layouts/bad-key.yaml"
sed 's/^  height: 297mm$/&\n  width: 210mm                   # e2e: a duplicate key/' \
	"$root/layouts/gov-annual-2021.yaml" >"$tc_tmp/data/layouts/bad-yaml.yaml"
sed 's/^  package: fonts-arphic-gbsn00lp$/&\n  colour: red    # e2e: roles/' \
	"$root/fonts/roles.yaml" >"$tc_tmp/roles-bad/fonts/roles.yaml"
for bad in bad-key bad-yaml; do
	sed "s/^layout: gov-annual-2021 /layout: $bad /" "$sample" >"$tc_tmp/$bad.yaml"
done

# tree_run NAME [VAR=VALUE...]: the sample, the two broken layouts and the
# broken roles.yaml, rendered with the cache in $tc_home; messages go to
# NAME.err, exit statuses and PDFs left behind to NAME.status
tree_run() {
	run=$1; shift
	: >"$tc_tmp/$run.status"
	for job in good bad-key bad-yaml roles; do
		case $job in
		good) data=$tc_tmp/data desc=$sample ;;
		roles) data=$tc_tmp/roles-bad desc=$sample ;;
		*) data=$tc_tmp/data desc=$tc_tmp/$job.yaml ;;
		esac
		env XDG_CACHE_HOME="$tc_home" GK_DATA_DIR="$data" "$@" "$gk" render \
			"$desc" -o "$tc_tmp/$run-$job.pdf" 2>>"$tc_tmp/$run.err"
		echo "$job: exit $?$([ -e "$tc_tmp/$run-$job.pdf" ] && [ "$job" != good ] && echo ', PDF left')" \
			>>"$tc_tmp/$run.status"
	done
}
# damage_tree FILE N: the Nth way of spoiling a tree file (cut short, one
# byte changed in the middle or the last, replaced by text, emptied)
damage_tree() {
	size=$(wc -c <"$1")
	case $(($2 % 5)) in
	0) truncate -s $((size / 2)) "$1" ;;
	1|2) at=$(( $2 % 5 == 1 ? size / 2 : size - 1 ))
	   byte=$(od -An -tu1 -j "$at" -N1 "$1" | tr -d ' ')
	   if [ "$byte" = 88 ]; then c=Y; else c=X; fi
	   printf '%s' "$c" | dd of="$1" bs=1 seek="$at" conv=notrunc 2>/dev/null ;;
	3) printf 'damaged\n' >"$1" ;;
	4) : >"$1" ;;
	esac
}

tree_run none GKREPORT_NO_FONT_CACHE=1
none_written=$([ -e "$tc_home/gkreport" ] && echo yes || echo no)
tree_run cold
cp "$trees"/* "$tc_tmp/trees-cold/" 2>/dev/null
cold_files=$(ls "$tc_tmp/trees-cold" | wc -l)
ls -i "$trees" >"$tc_tmp/cold.inodes"
tree_run warm
ls -i "$trees" >"$tc_tmp/warm.inodes"
n=0
for round in damaged1 damaged2; do
	for f in "$trees"/*; do damage_tree "$f" "$n"; n=$((n + 1)); done
	tree_run "$round"
done

same=yes
for run in cold warm damaged1 damaged2; do
	for job in good bad-key bad-yaml roles; do
		if [ -e "$tc_tmp/none-$job.pdf" ] || [ -e "$tc_tmp/$run-$job.pdf" ]; then
			cmp -s "$tc_tmp/none-$job.pdf" "$tc_tmp/$run-$job.pdf" || same="no ($run-$job.pdf)"
		fi
	done
	cmp -s "$tc_tmp/none.err" "$tc_tmp/$run.err" || same="no ($run.err)"
	cmp -s "$tc_tmp/none.status" "$tc_tmp/$run.status" || same="no ($run.status)"
done
rewritten=yes
for f in "$tc_tmp/trees-cold"/*; do
	cmp -s "$f" "$trees/$(basename "$f")" || rewritten="no ($(basename "$f"))"
done
layouts=$tc_tmp/data/layouts
if [ "$same" = yes ] && [ -s "$tc_tmp/none-good.pdf" ] &&
	printf 'good: exit 0\nbad-key: exit 2\nbad-yaml: exit 2\nroles: exit 1\n' |
	cmp -s - "$tc_tmp/none.status" &&
	grep -qF "$layouts/bad-key.yaml:15:3: error: unknown key 'colour' in page" "$tc_tmp/none.err" &&
	grep -qF "$layouts/bad-yaml.yaml:15:3: error: duplicate key 'width' (first at line 13)" "$tc_tmp/none.err" &&
	grep -qF "$tc_tmp/roles-bad/fonts/roles.yaml:68:3: error: unknown key 'colour' in font role 'body'" "$tc_tmp/none.err"; then
	pass "tree cache: none, cold, warm and damaged give the same PDFs, messages (file:line:column) and statuses"
else
	fail "tree cache: none, cold, warm and damaged give the same PDFs, messages and statuses" \
		"same: $same" "$(cat "$tc_tmp/none.status")" "$(head -4 "$tc_tmp/none.err")"
fi
# cold writes the layout's and both roles.yaml's trees, never a broken
# layout's; warm reads them (same inodes); damaged ones are written again
# as they were
if [ "$none_written" = no ] && [ "$cold_files" -eq 3 ] &&
	[ "$(grep -l 'name: gov-annual-2021' "$tc_tmp/trees-cold"/* | wc -l)" -eq 1 ] &&
	[ "$(grep -l 'e2e: roles' "$tc_tmp/trees-cold"/* | wc -l)" -eq 1 ] &&
	! grep -q 'e2e: an unknown key\|e2e: a duplicate key' "$tc_tmp/trees-cold"/* &&
	cmp -s "$tc_tmp/cold.inodes" "$tc_tmp/warm.inodes" &&
	[ "$rewritten" = yes ] && [ "$(ls "$trees" | wc -l)" -eq 3 ]; then
	pass "tree cache: $cold_files trees written cold (no broken layout), read warm, $n damaged ones rewritten as they were"
else
	fail "tree cache: trees written cold (no broken layout), read warm, damaged ones rewritten" \
		"written with GKREPORT_NO_FONT_CACHE=1: $none_written; cold files: $cold_files; rewritten: $rewritten" \
		"$(diff "$tc_tmp/cold.inodes" "$tc_tmp/warm.inodes" | head -3)"
fi
rm -rf "$tc_tmp"   # readers.sh reads every PDF left in $tmp
